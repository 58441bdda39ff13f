//! PDF reader: oxidize-pdf gives the positioned text (fragments with x, y,
//! width, font size) and the page content operators (for ruling lines and
//! painted bullets); `layout.rs` recovers lines, columns, tables and paragraphs.
//!
//! Every library call runs under `catch_unwind`: a panic in the parser on a
//! damaged file becomes `Unreadable::Damaged`, a panic on one page only loses
//! that page. A file the library cannot open is given a second chance with a
//! rebuilt cross-reference table (`repair.rs`).

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use oxidize_pdf::parser::{
    ContentOperation, ContentParser, ParseOptions, PdfDictionary, PdfDocument, PdfObject, PdfReader,
};
use oxidize_pdf::text::{ExtractionOptions, TextExtractor, TextRenderingMode};

use self::layout::{PageIn, Run, Shape};

use super::format::{Extracted, Limits, Unreadable};

/// Pages beyond this make the file `TooLarge`.
pub const MAX_PAGES: usize = 5_000;
/// Text fragments kept per page (a page of normal text has a few thousand).
const MAX_FRAGMENTS_PER_PAGE: usize = 200_000;
/// Painted shapes kept per page.
const MAX_SHAPES_PER_PAGE: usize = 100_000;
/// Nested form XObjects followed when looking for rules and bullets.
const MAX_FORM_DEPTH: usize = 3;
const MAX_FORMS_PER_PAGE: usize = 64;

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
    mut debug: Option<&mut String>,
) -> Result<Extracted, Unreadable> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Unreadable::Damaged(
            "pas un fichier PDF (en-tête %PDF absent)".into(),
        ));
    }
    let (doc, n_pages) = match open(bytes.to_vec()) {
        Ok((d, n)) if n > 0 => (d, n),
        Err(OpenError::Encrypted) => return Err(Unreadable::Encrypted),
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
                Some(x) => x,
                None => return Err(Unreadable::Damaged(first_err)),
            }
        }
    };
    if n_pages > MAX_PAGES {
        return Err(Unreadable::TooLarge(format!(
            "{n_pages} pages (au plus {MAX_PAGES})"
        )));
    }
    let title = guarded(|| doc.metadata().ok().and_then(|m| m.title))
        .ok()
        .flatten()
        .and_then(|t| clean_title(&t));

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
        let page_in = guarded(|| read_page(&doc, &mut extractor, p as u32, &mut decoded));
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
    let (text, header) =
        guarded(|| layout::assemble(pages_out, title.as_deref())).map_err(Unreadable::Damaged)?;
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
    if looks_garbled(&text) {
        return Err(Unreadable::Damaged(
            "texte illisible (polices sans correspondance avec les caractères)".into(),
        ));
    }
    let title = title.or_else(|| header.and_then(|h| clean_title(&h)));
    Ok(Extracted {
        text,
        n_pages,
        title,
    })
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
            let mut forms = 0;
            walk(
                doc,
                &ops,
                resources.as_ref(),
                IDENT,
                NO_CLIP,
                0,
                &mut forms,
                &mut shapes,
                decoded,
            );
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

type Mat = [f64; 6];
const IDENT: Mat = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// m × n (PDF order: apply m, then n).
fn mul(m: &Mat, n: &Mat) -> Mat {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Mat, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Default)]
struct Sub {
    pts: Vec<(f64, f64)>,
    curve: bool,
    closed: bool,
}

fn bbox(pts: &[(f64, f64)]) -> Option<(f64, f64, f64, f64)> {
    let mut it = pts.iter();
    let &(x, y) = it.next()?;
    let (mut a, mut b, mut c, mut d) = (x, y, x, y);
    for &(x, y) in it {
        a = a.min(x);
        b = b.min(y);
        c = c.max(x);
        d = d.max(y);
    }
    if [a, b, c, d].iter().all(|v| v.is_finite()) {
        Some((a, b, c, d))
    } else {
        None
    }
}

fn is_white(v: &[f32]) -> bool {
    match v.len() {
        1 | 3 => v.iter().all(|c| *c >= 0.99),
        4 => v.iter().all(|c| *c <= 0.01),
        _ => false,
    }
}

/// Walks content operators, collecting painted paths as shapes (rules, bullets).
#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Doc,
    ops: &[ContentOperation],
    resources: Option<&PdfDictionary>,
    base: Mat,
    clip_in: Rect,
    depth: usize,
    forms: &mut usize,
    shapes: &mut Vec<Shape>,
    decoded: &mut u64,
) {
    let mut ctm = base;
    // Clip box (bounding box of the clipping paths in force): shapes drawn
    // past it, like the borders of a table row cut by the page end, are cut.
    let mut clip: Rect = clip_in;
    let mut pending_clip: Option<Rect> = None;
    let mut stack: Vec<(Mat, f64, bool, bool, Rect)> = Vec::new();
    let mut lw = 1.0f64;
    let mut fill_white = false;
    let mut stroke_white = false;
    let mut path: Vec<Sub> = Vec::new();
    let mut xobjects: Option<PdfDictionary> = None;
    for op in ops {
        if shapes.len() >= MAX_SHAPES_PER_PAGE {
            return;
        }
        match op {
            ContentOperation::SaveGraphicsState if stack.len() < 256 => {
                stack.push((ctm, lw, fill_white, stroke_white, clip));
            }
            ContentOperation::RestoreGraphicsState => {
                if let Some((c, l, f, s, k)) = stack.pop() {
                    ctm = c;
                    lw = l;
                    fill_white = f;
                    stroke_white = s;
                    clip = k;
                }
            }
            ContentOperation::SetTransformMatrix(a, b, c, d, e, f) => {
                let m = [
                    *a as f64, *b as f64, *c as f64, *d as f64, *e as f64, *f as f64,
                ];
                if m.iter().all(|v| v.is_finite()) {
                    ctm = mul(&m, &ctm);
                }
            }
            ContentOperation::SetLineWidth(w) => lw = *w as f64,
            ContentOperation::SetNonStrokingGray(g) => fill_white = *g >= 0.99,
            ContentOperation::SetNonStrokingRGB(r, g, b) => fill_white = is_white(&[*r, *g, *b]),
            ContentOperation::SetNonStrokingCMYK(c, m, y, k) => {
                fill_white = is_white(&[*c, *m, *y, *k])
            }
            ContentOperation::SetNonStrokingColor(v) => fill_white = is_white(v),
            ContentOperation::SetStrokingGray(g) => stroke_white = *g >= 0.99,
            ContentOperation::SetStrokingRGB(r, g, b) => stroke_white = is_white(&[*r, *g, *b]),
            ContentOperation::SetStrokingCMYK(c, m, y, k) => {
                stroke_white = is_white(&[*c, *m, *y, *k])
            }
            ContentOperation::SetStrokingColor(v) => stroke_white = is_white(v),
            ContentOperation::MoveTo(x, y) if path.len() < 10_000 => {
                path.push(Sub {
                    pts: vec![apply(&ctm, *x as f64, *y as f64)],
                    ..Default::default()
                });
            }
            ContentOperation::LineTo(x, y) => {
                if let Some(s) = path.last_mut() {
                    if s.pts.len() < 10_000 {
                        s.pts.push(apply(&ctm, *x as f64, *y as f64));
                    }
                }
            }
            ContentOperation::CurveTo(x1, y1, x2, y2, x3, y3) => {
                if let Some(s) = path.last_mut() {
                    if s.pts.len() < 10_000 {
                        s.curve = true;
                        for (x, y) in [(x1, y1), (x2, y2), (x3, y3)] {
                            s.pts.push(apply(&ctm, *x as f64, *y as f64));
                        }
                    }
                }
            }
            ContentOperation::CurveToV(x2, y2, x3, y3)
            | ContentOperation::CurveToY(x2, y2, x3, y3) => {
                if let Some(s) = path.last_mut() {
                    if s.pts.len() < 10_000 {
                        s.curve = true;
                        for (x, y) in [(x2, y2), (x3, y3)] {
                            s.pts.push(apply(&ctm, *x as f64, *y as f64));
                        }
                    }
                }
            }
            ContentOperation::ClosePath => {
                if let Some(s) = path.last_mut() {
                    s.closed = true;
                }
            }
            ContentOperation::Rectangle(x, y, w, h) => {
                let (x, y, w, h) = (*x as f64, *y as f64, *w as f64, *h as f64);
                if path.len() < 10_000 {
                    path.push(Sub {
                        pts: vec![
                            apply(&ctm, x, y),
                            apply(&ctm, x + w, y),
                            apply(&ctm, x + w, y + h),
                            apply(&ctm, x, y + h),
                        ],
                        curve: false,
                        closed: true,
                    });
                }
            }
            ContentOperation::Clip | ContentOperation::ClipEvenOdd => {
                let pts: Vec<(f64, f64)> =
                    path.iter().flat_map(|s| s.pts.iter().copied()).collect();
                pending_clip = bbox(&pts).map(|(a, b, c, d)| [a, b, c, d]);
            }
            ContentOperation::Stroke | ContentOperation::CloseStroke => {
                if !stroke_white {
                    paint(&path, false, true, lw * scale(&ctm), &clip, shapes);
                }
                path.clear();
                apply_clip(&mut clip, &mut pending_clip);
            }
            ContentOperation::Fill | ContentOperation::FillEvenOdd => {
                if !fill_white {
                    paint(&path, true, false, 0.0, &clip, shapes);
                }
                path.clear();
                apply_clip(&mut clip, &mut pending_clip);
            }
            ContentOperation::FillStroke
            | ContentOperation::FillStrokeEvenOdd
            | ContentOperation::CloseFillStroke
            | ContentOperation::CloseFillStrokeEvenOdd => {
                paint(
                    &path,
                    !fill_white,
                    !stroke_white,
                    lw * scale(&ctm),
                    &clip,
                    shapes,
                );
                path.clear();
                apply_clip(&mut clip, &mut pending_clip);
            }
            ContentOperation::EndPath => {
                path.clear();
                apply_clip(&mut clip, &mut pending_clip);
            }
            ContentOperation::PaintXObject(name) => {
                if depth >= MAX_FORM_DEPTH || *forms >= MAX_FORMS_PER_PAGE {
                    continue;
                }
                if xobjects.is_none() {
                    xobjects = resources.and_then(|r| resolve_dict(doc, r.get("XObject")));
                }
                let Some(xo) = xobjects.as_ref() else {
                    continue;
                };
                let Some(PdfObject::Reference(n, g)) = xo.get(name.trim_start_matches('/')) else {
                    continue;
                };
                let Ok(PdfObject::Stream(s)) = doc.get_object(*n, *g) else {
                    continue;
                };
                if s.dict
                    .get("Subtype")
                    .and_then(|t| t.as_name())
                    .map(|t| t.0.as_str())
                    != Some("Form")
                {
                    continue;
                }
                *forms += 1;
                let Ok(data) = doc.decode_stream(&s) else {
                    continue;
                };
                *decoded += data.len() as u64;
                let mut m = IDENT;
                if let Some(PdfObject::Array(a)) = s.dict.get("Matrix") {
                    let v: Vec<f64> = a.0.iter().filter_map(num).collect();
                    if v.len() == 6 && v.iter().all(|x| x.is_finite()) {
                        m = [v[0], v[1], v[2], v[3], v[4], v[5]];
                    }
                }
                let sub_res = resolve_dict(doc, s.dict.get("Resources"));
                if let Ok(sub_ops) = ContentParser::parse_content_streams(&[data]) {
                    walk(
                        doc,
                        &sub_ops,
                        sub_res.as_ref().or(resources),
                        mul(&m, &ctm),
                        clip,
                        depth + 1,
                        forms,
                        shapes,
                        decoded,
                    );
                }
            }
            _ => {}
        }
    }
}

type Rect = [f64; 4];
const NO_CLIP: Rect = [
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
    f64::INFINITY,
    f64::INFINITY,
];

fn apply_clip(clip: &mut Rect, pending: &mut Option<Rect>) {
    if let Some(p) = pending.take() {
        *clip = [
            clip[0].max(p[0]),
            clip[1].max(p[1]),
            clip[2].min(p[2]),
            clip[3].min(p[3]),
        ];
    }
}

fn scale(m: &Mat) -> f64 {
    (m[0] * m[3] - m[1] * m[2]).abs().sqrt()
}

fn paint(path: &[Sub], fill: bool, stroke: bool, lw: f64, clip: &Rect, shapes: &mut Vec<Shape>) {
    let mut push = |s: Shape| {
        let c = Shape {
            x0: s.x0.max(clip[0]),
            y0: s.y0.max(clip[1]),
            x1: s.x1.min(clip[2]),
            y1: s.y1.min(clip[3]),
            blob: s.blob,
        };
        if c.x1 >= c.x0 && c.y1 >= c.y0 {
            shapes.push(c);
        }
    };
    for s in path {
        let Some((a, b, c, d)) = bbox(&s.pts) else {
            continue;
        };
        if fill {
            push(Shape {
                x0: a,
                y0: b,
                x1: c,
                y1: d,
                blob: true,
            });
        }
        if stroke {
            let h = (lw / 2.0).clamp(0.05, 5.0);
            if s.curve {
                push(Shape {
                    x0: a - h,
                    y0: b - h,
                    x1: c + h,
                    y1: d + h,
                    blob: s.closed,
                });
                continue;
            }
            let n = s.pts.len();
            let segs = if s.closed && n > 2 {
                n
            } else {
                n.saturating_sub(1)
            };
            for i in 0..segs {
                let (p, q) = (s.pts[i], s.pts[(i + 1) % n]);
                push(Shape {
                    x0: p.0.min(q.0) - h,
                    y0: p.1.min(q.1) - h,
                    x1: p.0.max(q.0) + h,
                    y1: p.1.max(q.1) + h,
                    blob: false,
                });
            }
        }
    }
}

pub mod layout;
pub mod repair;

#[cfg(test)]
mod tests;
