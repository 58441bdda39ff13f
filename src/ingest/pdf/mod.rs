//! PDF reader: oxidize-pdf gives the positioned text (fragments with x, y,
//! width, font size) and the page content operators (for ruling lines and
//! painted bullets); `layout.rs` recovers lines, columns, tables and paragraphs.
//!
//! Every library call runs under `catch_unwind`: a panic in the parser on a
//! damaged file becomes `Unreadable::Damaged`, a panic on one page only loses
//! that page. A file the library cannot open is given a second chance with a
//! rebuilt cross-reference table (`repair.rs`).
//!
//! The shapes painted by the content operators are collected by
//! `graphics.rs`; this file opens the document, reads each page's text and
//! fonts, and judges the result.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use oxidize_pdf::parser::{
    ContentParser, ParseOptions, PdfDictionary, PdfDocument, PdfObject, PdfReader,
};
use oxidize_pdf::text::{ExtractionOptions, TextExtractor, TextRenderingMode};

use self::layout::{PageIn, Run};

use super::format::{Extracted, Limits, Unreadable};

/// Pages beyond this make the file `TooLarge`.
pub const MAX_PAGES: usize = 5_000;
/// Text fragments kept per page (a page of normal text has a few thousand).
const MAX_FRAGMENTS_PER_PAGE: usize = 200_000;

type Doc = PdfDocument<Cursor<Vec<u8>>>;

/// Error text of a page whose text went past the output budget.
const TRUNCATED: &str = "texte de la page au-delà du budget";

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panique".to_string()
    }
}

/// Runs `f`, turning a panic into an error message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let t = panic_text(p);
        let t: String = t.chars().take(120).collect();
        format!("erreur interne du lecteur PDF ({t})")
    })
}

fn parse_options() -> ParseOptions {
    let mut o = ParseOptions::tolerant();
    o.log_recovery_details = false;
    o.collect_warnings = false;
    o
}

enum OpenError {
    Encrypted,
    Failed(String),
}

/// Opens the document and counts its pages.
fn open(data: Vec<u8>) -> Result<(Doc, usize), OpenError> {
    let r = guarded(move || -> Result<(Doc, usize), OpenError> {
        let mut reader = match PdfReader::new_with_options(Cursor::new(data), parse_options()) {
            Ok(r) => r,
            Err(oxidize_pdf::parser::ParseError::EncryptionNotSupported) => {
                return Err(OpenError::Encrypted)
            }
            Err(oxidize_pdf::parser::ParseError::WrongPassword) => {
                return Err(OpenError::Encrypted)
            }
            Err(e) => return Err(OpenError::Failed(e.to_string())),
        };
        if reader.is_encrypted() && !reader.is_unlocked() {
            // The reader already tried the empty user password; try it as owner password too.
            let ok = reader.unlock_with_password("").unwrap_or(false);
            if !ok {
                return Err(OpenError::Encrypted);
            }
        }
        let doc = PdfDocument::new(reader);
        let n = doc
            .page_count()
            .map_err(|e| OpenError::Failed(e.to_string()))? as usize;
        Ok((doc, n))
    });
    match r {
        Ok(x) => x,
        Err(e) => Err(OpenError::Failed(e)),
    }
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, Unreadable> {
    match guarded(|| extract_inner(bytes, limits, None)) {
        Ok(r) => r,
        Err(e) => Err(Unreadable::Damaged(e)),
    }
}

/// `extract`, plus a dump of each page's recovered blocks (debugging aid).
pub fn extract_debug(bytes: &[u8], limits: &Limits) -> (Result<Extracted, Unreadable>, String) {
    let mut dump = String::new();
    let r = match guarded(|| extract_inner(bytes, limits, Some(&mut dump))) {
        Ok(r) => r,
        Err(e) => Err(Unreadable::Damaged(e)),
    };
    (r, dump)
}

fn extract_inner(
    bytes: &[u8],
    limits: &Limits,
    debug: Option<&mut String>,
) -> Result<Extracted, Unreadable> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Unreadable::Damaged(
            "pas un fichier PDF (en-tête %PDF absent)".into(),
        ));
    }
    let (doc, n_pages) = open_or_repair(bytes)?;
    if n_pages > MAX_PAGES {
        return Err(Unreadable::TooLarge(format!(
            "{n_pages} pages (au plus {MAX_PAGES})"
        )));
    }
    let title = guarded(|| doc.metadata().ok().and_then(|m| m.title))
        .ok()
        .flatten()
        .and_then(|t| clean_title(&t));
    let (pages_out, raw_chars) = read_pages(&doc, n_pages, limits, debug)?;
    let (text, header) =
        guarded(|| layout::assemble(pages_out, title.as_deref())).map_err(Unreadable::Damaged)?;
    check_text(&text, n_pages, raw_chars, limits)?;
    let title = title.or_else(|| header.and_then(|h| clean_title(&h)));
    Ok(Extracted {
        text,
        n_pages,
        title,
    })
}

/// Opens the document, or else a repaired copy of it (see [`repair`]).
fn open_or_repair(bytes: &[u8]) -> Result<(Doc, usize), Unreadable> {
    match open(bytes.to_vec()) {
        Ok((d, n)) if n > 0 => Ok((d, n)),
        Err(OpenError::Encrypted) => Err(Unreadable::Encrypted),
        other => {
            let first_err = match other {
                Err(OpenError::Failed(e)) => e,
                _ => "aucune page".to_string(),
            };
            // Second chance: rebuilt cross-reference table / page tree.
            let mut found = None;
            for candidate in guarded(|| repair::rebuild(bytes)).unwrap_or_default() {
                if let Ok((d, n)) = open(candidate) {
                    if n > 0 {
                        found = Some((d, n));
                        break;
                    }
                }
            }
            match found {
                Some(x) => Ok(x),
                None => Err(Unreadable::Damaged(first_err)),
            }
        }
    }
}

/// Reads and lays out every page, within the decompression and text budgets.
/// A page that fails counts, empty; the file fails only when all do. Also
/// gives the non-blank characters of the raw fragments, for [`check_text`].
fn read_pages(
    doc: &Doc,
    n_pages: usize,
    limits: &Limits,
    mut debug: Option<&mut String>,
) -> Result<(Vec<layout::PageOut>, usize), Unreadable> {
    // Raw fragments in content order: sorting, columns and hyphens are ours.
    let opts = ExtractionOptions {
        preserve_layout: true,
        sort_by_position: false,
        merge_hyphenated: false,
        detect_columns: false,
        max_extracted_bytes: Some(limits.max_output_bytes.max(1)),
        ..Default::default()
    };
    let mut extractor = TextExtractor::with_options(opts);

    let mut pages_out = Vec::with_capacity(n_pages);
    let mut failed = 0usize;
    let mut last_err = String::new();
    let mut decoded: u64 = 0;
    let mut text_bytes: usize = 0;
    let mut raw_chars: usize = 0;
    for p in 0..n_pages {
        let page_in = guarded(|| read_page(doc, &mut extractor, p as u32, &mut decoded));
        let page_in = match page_in {
            Ok(Ok(pg)) => pg,
            Ok(Err(e)) if e == TRUNCATED => {
                return Err(Unreadable::TooLarge(format!(
                    "texte de plus de {} octets",
                    limits.max_output_bytes
                )));
            }
            Ok(Err(e)) | Err(e) => {
                failed += 1;
                last_err = e;
                // The page still counts (PAGE_BREAK), empty.
                PageIn {
                    x0: 0.0,
                    y0: 0.0,
                    x1: 595.0,
                    y1: 842.0,
                    ..Default::default()
                }
            }
        };
        if decoded > limits.max_decompressed_bytes {
            return Err(Unreadable::TooLarge(format!(
                "plus de {} octets décompressés",
                limits.max_decompressed_bytes
            )));
        }
        text_bytes += page_in.runs.iter().map(|r| r.text.len() + 1).sum::<usize>();
        raw_chars += page_in
            .runs
            .iter()
            .map(|r| r.text.chars().filter(|c| !c.is_whitespace()).count())
            .sum::<usize>();
        if text_bytes > limits.max_output_bytes.saturating_mul(2).max(1 << 20) {
            return Err(Unreadable::TooLarge(format!(
                "texte de plus de {} octets",
                limits.max_output_bytes
            )));
        }
        match guarded(|| layout::layout_page(&page_in)) {
            Ok(po) => {
                if let Some(d) = debug.as_deref_mut() {
                    d.push_str(&format!("=== page {}\n{}", p + 1, layout::debug_page(&po)));
                }
                pages_out.push(po)
            }
            Err(e) => {
                failed += 1;
                last_err = e;
                pages_out.push(layout::PageOut {
                    x1: 595.0,
                    y1: 842.0,
                    ..Default::default()
                });
            }
        }
    }
    if failed == n_pages {
        return Err(Unreadable::Damaged(format!(
            "aucune page lisible ({last_err})"
        )));
    }
    Ok((pages_out, raw_chars))
}

/// The assembled text within budget and readable: a scan without a text
/// layer, or fonts whose glyphs do not map to letters, make the file fail.
fn check_text(
    text: &str,
    n_pages: usize,
    raw_chars: usize,
    limits: &Limits,
) -> Result<(), Unreadable> {
    if text.len() > limits.max_output_bytes {
        return Err(Unreadable::TooLarge(format!(
            "texte de {} octets (au plus {})",
            text.len(),
            limits.max_output_bytes
        )));
    }
    let alnum = text.chars().filter(|c| c.is_alphanumeric()).count();
    if alnum < 20 * n_pages.min(50) {
        // Glyphs were there but none decodes to a letter: a font problem, not a scan.
        if raw_chars >= 20 * n_pages.min(50) {
            return Err(Unreadable::Damaged(
                "texte illisible (polices sans correspondance avec les caractères)".into(),
            ));
        }
        return Err(Unreadable::NoTextLayer);
    }
    if looks_garbled(text) {
        return Err(Unreadable::Damaged(
            "texte illisible (polices sans correspondance avec les caractères)".into(),
        ));
    }
    Ok(())
}

/// Glyph codes printed as letters when a font lost its character map: words
/// come out as single letters ("& R Q Y H Q W L R Q"). Normal French text has
/// a few percent of one-letter words (à, a, y).
fn looks_garbled(text: &str) -> bool {
    let mut words = 0usize;
    let mut single = 0usize;
    for w in text.split_whitespace() {
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        if letters == 0 {
            continue;
        }
        words += 1;
        if w.chars().count() == 1 {
            single += 1;
        }
    }
    words >= 50 && single * 100 > words * 45
}

/// Info /Title as people read it: trimmed, without a word processor's prefix or file suffix.
fn clean_title(t: &str) -> Option<String> {
    let t = layout::normalize_text(t);
    let mut t = t.trim();
    for prefix in [
        "Microsoft Word - ",
        "Microsoft PowerPoint - ",
        "Microsoft Excel - ",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim();
        }
    }
    for suffix in [".docx", ".doc", ".odt", ".pdf", ".pptx", ".indd"] {
        if t.len() > suffix.len() && t.to_lowercase().ends_with(suffix) {
            t = &t[..t.len() - suffix.len()];
        }
    }
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = t.to_lowercase();
    if t.is_empty()
        || lower == "untitled"
        || lower == "sans titre"
        || lower == "document"
        || !t.chars().any(|c| c.is_alphabetic())
    {
        None
    } else {
        Some(t)
    }
}

fn num(o: &PdfObject) -> Option<f64> {
    match o {
        PdfObject::Integer(i) => Some(*i as f64),
        PdfObject::Real(r) => Some(*r),
        _ => None,
    }
}

fn resolve_dict(doc: &Doc, o: Option<&PdfObject>) -> Option<PdfDictionary> {
    match o? {
        PdfObject::Dictionary(d) => Some(d.clone()),
        PdfObject::Reference(n, g) => doc
            .get_object(*n, *g)
            .ok()
            .and_then(|x| x.as_dict().cloned()),
        _ => None,
    }
}

/// Resource name → bold, from /BaseFont and the font descriptor.
fn bold_fonts(doc: &Doc, resources: Option<&PdfDictionary>) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    let Some(fonts) = resources.and_then(|r| resolve_dict(doc, r.get("Font"))) else {
        return out;
    };
    for (name, obj) in fonts.0.iter().take(200) {
        let Some(font) = resolve_dict(doc, Some(obj)) else {
            continue;
        };
        let base = font
            .get("BaseFont")
            .and_then(|b| b.as_name())
            .map(|n| n.0.to_lowercase())
            .unwrap_or_default();
        let mut bold = [
            "bold",
            "black",
            "heavy",
            "semibold",
            "demibold",
            "extrabold",
            ",b",
            "-bd",
            "fett",
            "gras",
        ]
        .iter()
        .any(|k| base.contains(k));
        if let Some(desc) = resolve_dict(doc, font.get("FontDescriptor")) {
            if desc
                .get("FontWeight")
                .and_then(num)
                .is_some_and(|w| w >= 600.0)
            {
                bold = true;
            }
            if desc
                .get("Flags")
                .and_then(num)
                .is_some_and(|f| (f as i64) & (1 << 18) != 0)
            {
                bold = true;
            }
        }
        out.insert(name.0.clone(), bold);
    }
    out
}

fn read_page(
    doc: &Doc,
    ex: &mut TextExtractor,
    p: u32,
    decoded: &mut u64,
) -> Result<PageIn, String> {
    let page = doc.get_page(p).map_err(|e| e.to_string())?;
    let mb = page.media_box;
    let (x0, y0, x1, y1) = (
        mb[0].min(mb[2]),
        mb[1].min(mb[3]),
        mb[0].max(mb[2]),
        mb[1].max(mb[3]),
    );
    let resources: Option<PdfDictionary> = match page.dict.get("Resources") {
        Some(PdfObject::Reference(n, g)) => doc
            .get_object(*n, *g)
            .ok()
            .and_then(|o| o.as_dict().cloned()),
        _ => page.get_resources().cloned(),
    };
    let bold = bold_fonts(doc, resources.as_ref());
    // Graphics: rules and bullets (a failure here only loses them).
    let mut shapes = Vec::new();
    if let Ok(streams) = doc.get_page_content_streams(&page) {
        *decoded += streams.iter().map(|s| s.len() as u64).sum::<u64>();
        if let Ok(ops) = ContentParser::parse_content_streams(&streams) {
            graphics::walk_page(doc, &ops, resources.as_ref(), &mut shapes, decoded);
        }
    }
    let text = ex.extract_from_page(doc, p).map_err(|e| e.to_string())?;
    if text.truncated {
        return Err(TRUNCATED.to_string());
    }
    let mut runs = Vec::with_capacity(text.fragments.len().min(MAX_FRAGMENTS_PER_PAGE));
    for f in text.fragments.iter().take(MAX_FRAGMENTS_PER_PAGE) {
        if matches!(f.render_mode, TextRenderingMode::Clip) {
            continue;
        }
        let b = f.is_bold
            || f.font_name
                .as_ref()
                .and_then(|n| bold.get(n))
                .copied()
                .unwrap_or(false);
        let mut r = Run::new(&f.text, f.x, f.x + f.width, f.y, f.font_size);
        r.bold = b;
        runs.push(r);
    }
    Ok(PageIn {
        x0,
        y0,
        x1,
        y1,
        runs,
        shapes,
    })
}

mod graphics;
pub mod layout;
pub mod repair;

#[cfg(test)]
mod tests;
