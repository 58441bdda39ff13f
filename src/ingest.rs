//! Files on disk → clean text, the only text every later stage sees.
//!
//! Plans reach us as exports of Word, PDF or web pages: UTF-8 or Windows-1252
//! (sometimes UTF-16), markdown tables, bold marks that glue two headings on one
//! line, and HTML fragments left inside tab-separated table cells. Structure
//! recovery and extraction must not each re-learn that mess, so it is removed
//! here once, with one set of conventions they can rely on:
//!
//! * one line per logical line (`\n` only); runs of blank lines become one;
//! * a table row is one line, its cells separated by exactly one `\t`
//!   (leading empty cells are kept, they mean "same as above"; trailing empty
//!   cells are dropped); markdown rows `| a | b |` become `a\tb` and their
//!   `|--|--|` separator rows disappear;
//! * **inside a table row**, block boundaries (`<p>`, `<li>`, `<br/>`, `<hr/>`,
//!   `<ul>`…) cannot become line breaks without destroying the row/column
//!   layout that *is* the structure, so they become [`ITEM_SEPARATOR`]
//!   (`" • "`), the bullet the source documents already use for cell lists;
//!   runs of bullets collapse into one and a cell never starts or ends with
//!   one. Outside tables the same tags become line breaks;
//! * markup is gone: tags, entities (`&amp;`, `&nbsp;`, `&#39;`…), `**bold**`,
//!   `*italics*`, `#` heading marks, `^{er}` superscripts. A `**` squeezed
//!   between two upper-case words (`…DU CLAS**ÉLÉMENTS DE DIAGNOSTIC**`) marks
//!   two headings glued on one line and becomes a line break;
//! * spaces are collapsed (non-breaking spaces included), French typography
//!   (’ « » œ) is kept, and the text is NFC.
//!
//! The same cleaning applies to `.txt`/`.md` files: tags are sniffed, not
//! trusted to the extension.

use std::path::{Path, PathBuf};

use once_cell::sync::Lazy;
use rayon::prelude::*;
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// What a block boundary inside a table cell becomes (see the module doc).
pub const ITEM_SEPARATOR: &str = " • ";

/// A line break made by a tag, before runs of them are collapsed.
const LINE_BOUNDARY: char = '\u{E000}';

/// One readable corpus file.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Path relative to the corpus folder, without extension, `/`-separated.
    pub doc_id: String,
    pub path: PathBuf,
    pub n_bytes: u64,
    /// Clean text (see the module doc).
    pub text: String,
}

/// A file that was not ingested, and why (for a person).
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// Every file under `dir`, recursively, sorted by path: .txt .md .html .htm
/// (case-insensitive). Err only when `dir` itself cannot be read. Each
/// unreadable/binary/empty/unknown-extension file goes to [`Skipped`] with a
/// reason for a person, and is logged with `tracing::warn!`.
pub fn read_corpus(dir: &Path) -> crate::Result<(Vec<SourceFile>, Vec<Skipped>)> {
    if let Err(source) = std::fs::read_dir(dir) {
        return Err(crate::Error::Corpus {
            path: dir.to_path_buf(),
            source,
        });
    }
    // Walking is quick and sequential; reading, decoding and cleaning each
    // file is the work, done on every core.
    let mut candidates: Vec<Result<(PathBuf, bool), Skipped>> = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                candidates.push(Err(Skipped {
                    path,
                    reason: format!("cannot read: {error}"),
                }));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        let is_html = match extension.as_str() {
            "txt" | "md" => false,
            "html" | "htm" => true,
            _ => {
                candidates.push(Err(Skipped {
                    path,
                    reason: format!(
                        "unsupported file type (.{extension}): only .txt .md .html .htm are read"
                    ),
                }));
                continue;
            }
        };
        candidates.push(Ok((path, is_html)));
    }
    let read: Vec<Result<SourceFile, Skipped>> = candidates
        .into_par_iter()
        .map(|candidate| {
            let (path, is_html) = candidate?;
            read_file(dir, path, is_html)
        })
        .collect();
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for result in read {
        match result {
            Ok(file) => files.push(file),
            Err(s) => {
                tracing::warn!(file = %s.path.display(), reason = %s.reason, "skipped corpus file");
                skipped.push(s);
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, skipped))
}

/// Reads, decodes and cleans one corpus file.
fn read_file(dir: &Path, path: PathBuf, is_html: bool) -> Result<SourceFile, Skipped> {
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Err(Skipped {
                path,
                reason: format!("cannot read: {error}"),
            })
        }
    };
    let raw = match decode(&bytes) {
        Ok(raw) => raw,
        Err(reason) => return Err(Skipped { path, reason }),
    };
    let text = clean(&raw, is_html);
    if text.trim().is_empty() {
        return Err(Skipped {
            path,
            reason: "no text left after removing markup".to_string(),
        });
    }
    Ok(SourceFile {
        doc_id: doc_id_for(dir, &path),
        path,
        n_bytes: bytes.len() as u64,
        text,
    })
}

/// Path relative to `dir`, without extension, `/`-separated.
fn doc_id_for(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path).with_extension("");
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Bytes → String: UTF-8 (BOM stripped); UTF-16 LE/BE with BOM; otherwise
/// Windows-1252. Binary content and empty files are an `Err` with a reason
/// for a person. The result is NFC.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("empty file".to_string());
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        reject_binary(rest)?;
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else {
        reject_binary(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        }
    };
    if text.as_bytes().contains(&0) || text_control_ratio_is_binary(&text) {
        return Err("binary content (control characters), not a text document".to_string());
    }
    if text.trim().is_empty() {
        return Err("empty file (only whitespace)".to_string());
    }
    Ok(into_nfc(text))
}

/// `text` in NFC, without a copy when it already is (the usual case).
fn into_nfc(text: String) -> String {
    if is_nfc_quick_yes(&text) {
        text
    } else {
        text.nfc().collect()
    }
}

/// `is_nfc_quick(text) == Yes`, looking only at characters from U+0300 on:
/// the ones before are allowed starters, which reset the quick check's
/// state, so each run of later characters can be checked on its own.
fn is_nfc_quick_yes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    // A byte from 0xCC on starts a character from U+0300 on.
    let next_late = |from: usize| {
        let mut block_start = from;
        for block in bytes[from..].chunks(64) {
            if block.iter().fold(0u8, |max, &b| max.max(b)) >= 0xCC {
                return block
                    .iter()
                    .position(|&b| b >= 0xCC)
                    .map(|offset| block_start + offset);
            }
            block_start += block.len();
        }
        None
    };
    while let Some(start) = next_late(at) {
        let end = text[start..]
            .char_indices()
            .find(|&(_, c)| c < '\u{300}')
            .map_or(text.len(), |(i, _)| start + i);
        if unicode_normalization::is_nfc_quick(text[start..end].chars())
            != unicode_normalization::IsNormalized::Yes
        {
            return false;
        }
        at = end;
    }
    true
}

/// Too many control characters (see [`is_control`]) among the characters
/// of `text`, which are the bytes that do not continue a UTF-8 sequence.
fn text_control_ratio_is_binary(text: &str) -> bool {
    let (control, total) = count_controls_and_starts(text.as_bytes());
    total > 0 && control * 50 > total
}

/// Err when the bytes look like a binary file rather than text.
fn reject_binary(bytes: &[u8]) -> Result<(), String> {
    const MAGIC: [(&[u8], &str); 5] = [
        (b"%PDF", "a PDF file"),
        (b"PK\x03\x04", "a zip archive (docx/odt?)"),
        (b"\xD0\xCF\x11\xE0", "an old Office file"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Err(format!(
                "binary content ({what}), not a text document: convert it to text first"
            ));
        }
    }
    if bytes.contains(&0) {
        return Err("binary content (NUL bytes), not a text document".to_string());
    }
    if byte_control_ratio_is_binary(bytes) {
        return Err("binary content (control characters), not a text document".to_string());
    }
    Ok(())
}

/// Too many control bytes (see [`is_control`]).
fn byte_control_ratio_is_binary(bytes: &[u8]) -> bool {
    let (control, _) = count_controls_and_starts(bytes);
    !bytes.is_empty() && control * 50 > bytes.len()
}

/// Control bytes (see [`is_control`]) and bytes that do not continue a
/// UTF-8 sequence, counted by blocks small enough for byte-wide counters.
fn count_controls_and_starts(bytes: &[u8]) -> (usize, usize) {
    let mut control = 0usize;
    let mut starts = 0usize;
    for block in bytes.chunks(255) {
        let mut block_control = 0u8;
        let mut block_starts = 0u8;
        for &byte in block {
            block_control += u8::from(is_control(byte));
            block_starts += u8::from(byte & 0xC0 != 0x80);
        }
        control += usize::from(block_control);
        starts += usize::from(block_starts);
    }
    (control, starts)
}

/// A C0 control character other than tab, newlines, form feed (or DEL):
/// more than 2 % of them means binary. Control characters are ASCII, so
/// they are counted on bytes whatever the encoding.
#[inline]
fn is_control(byte: u8) -> bool {
    byte < 0x20 && !matches!(byte, 0x09 | 0x0A | 0x0C | 0x0D) || byte == 0x7F
}

static TAG_SNIFF: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)</?(p|br|hr|ul|ol|li|div|span|small|table|tr|td|th|h[1-6]|i|b|u|em|strong|a|sup|sub|font|img|blockquote)\b[^<>]{0,400}>|&(nbsp|amp|#39|#x27|quot|lt|gt);")
        .expect("valid regex")
});
static ANY_TAG: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?is)<!--.*?-->|</?[a-zA-Z][a-zA-Z0-9]{0,15}\b[^<>]{0,2000}>|</?[a-zA-Z][a-zA-Z0-9]{0,15}>").expect("valid regex")
});
static SCRIPT_STYLE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>").expect("valid regex")
});
static ENTITY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
        .expect("valid regex")
});
static SUPERSCRIPT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"\^\{([^{}\n]{0,12})\}").expect("valid regex"));
static ITALIC: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(^|[^*\w])\*([^*\s][^*\n]{0,400}?)\*").expect("valid regex"));
static HEADING_MARK: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^\s{0,3}#{1,6}\s+").expect("valid regex"));
static SEPARATOR_CELL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^\s*:?-{2,}:?\s*$").expect("valid regex"));
static BOUNDARY_RUN: Lazy<Regex> =
    Lazy::new(|| Regex::new("(?:[ \t]*\u{E000}[ \t]*)+").expect("valid regex"));
static BULLET_RUN: Lazy<Regex> = Lazy::new(|| Regex::new(r"(\s*•\s*)+").expect("valid regex"));

/// Markup → clean text (see the module doc for the conventions).
pub fn clean(raw: &str, is_html: bool) -> String {
    let text = if raw.bytes().any(|b| b == b'\r' || b == 0x0C)
        || raw.contains('\u{2028}')
        || raw.contains('\u{2029}')
    {
        raw.replace("\r\n", "\n")
            .replace(['\r', '\u{2028}', '\u{2029}', '\u{0C}'], "\n")
    } else {
        raw.to_string()
    };
    // Every sniffed form starts with `<` or `&`.
    let has_tags = is_html
        || ((text.as_bytes().contains(&b'<') || text.as_bytes().contains(&b'&'))
            && TAG_SNIFF.is_match(&text));
    let text = if is_html {
        html_to_lines(&text)
    } else if has_tags {
        inline_html_to_lines(&text)
    } else {
        text
    };
    let text = if has_tags {
        decode_entities(&collapse_boundaries(&text))
    } else {
        text
    };
    // One blank line at most, none at the edges.
    let mut out = String::with_capacity(text.len());
    let mut pending_blank = false;
    let mut line_out = String::new();
    let mut scratch = CellScratch::default();
    let mut emit = |line: &str, out: &mut String| {
        if line.is_empty() {
            pending_blank = true;
            return;
        }
        if !out.is_empty() {
            out.push('\n');
            if pending_blank {
                out.push('\n');
            }
        }
        pending_blank = false;
        out.push_str(line);
    };
    for line in text.split('\n') {
        if line.as_bytes().contains(&b'*') && line.contains("**") {
            for piece in split_glued_bold(line) {
                if clean_line(&piece, &mut line_out, &mut scratch) {
                    emit(&line_out, &mut out);
                }
            }
        } else if clean_line(line, &mut line_out, &mut scratch) {
            emit(&line_out, &mut out);
        }
    }
    into_nfc(out)
}

fn tag_name(tag: &str) -> (String, bool) {
    let inner = tag.trim_start_matches('<');
    let closing = inner.starts_with('/');
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    (name, closing)
}

fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "hr"
            | "li"
            | "ul"
            | "ol"
            | "div"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "dl"
            | "dt"
            | "dd"
            | "pre"
            | "tbody"
            | "thead"
    )
}

/// A real HTML page: whitespace is insignificant, `<tr>` makes lines and
/// `<td>` cells.
fn html_to_lines(html: &str) -> String {
    let html = SCRIPT_STYLE.replace_all(html, " ");
    let mut out = String::with_capacity(html.len());
    let mut in_cell = false;
    let mut cells_in_row = 0usize;
    let mut last = 0usize;
    for found in ANY_TAG.find_iter(&html) {
        let between = &html[last..found.start()];
        out.push_str(&between.replace(['\n', '\t'], " "));
        last = found.end();
        let tag = found.as_str();
        if tag.starts_with("<!--") {
            continue;
        }
        let (name, closing) = tag_name(tag);
        match name.as_str() {
            "tr" => {
                out.push(LINE_BOUNDARY);
                in_cell = false;
                cells_in_row = 0;
            }
            "td" | "th" => {
                if closing {
                    in_cell = false;
                } else {
                    if cells_in_row > 0 {
                        out.push('\t');
                    }
                    cells_in_row += 1;
                    in_cell = true;
                }
            }
            "title" if closing => out.push(LINE_BOUNDARY),
            name if is_block_tag(name) => {
                if in_cell {
                    out.push_str(ITEM_SEPARATOR);
                } else {
                    out.push(LINE_BOUNDARY);
                }
            }
            _ => {}
        }
    }
    out.push_str(&html[last..].replace(['\n', '\t'], " "));
    out
}

/// Text with HTML fragments: lines are significant; inside a tab-separated
/// row block tags become [`ITEM_SEPARATOR`], elsewhere line breaks.
fn inline_html_to_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let in_row = line.contains('\t');
        let mut last = 0usize;
        for found in ANY_TAG.find_iter(line) {
            out.push_str(&line[last..found.start()]);
            last = found.end();
            let (name, _) = tag_name(found.as_str());
            if is_block_tag(&name) || matches!(name.as_str(), "tr" | "td" | "th") {
                if in_row {
                    out.push_str(ITEM_SEPARATOR);
                } else {
                    out.push(LINE_BOUNDARY);
                }
            } else if !found.as_str().starts_with("<!--") {
                // Inline tags (<span>, <small>, <i>…) vanish, but never glue words.
                let before = line[..found.start()].chars().next_back();
                let after = line[found.end()..].chars().next();
                if matches!(name.as_str(), "img" | "span" | "small" | "font")
                    && before.is_some_and(|c| !c.is_whitespace())
                    && after.is_some_and(|c| !c.is_whitespace())
                {
                    out.push(' ');
                }
            }
        }
        out.push_str(&line[last..]);
    }
    out
}

/// Tag-made line breaks never make blank lines: a run of them (or one next
/// to a real line break) is a single line break.
fn collapse_boundaries(text: &str) -> String {
    let boundary = LINE_BOUNDARY.to_string();
    BOUNDARY_RUN
        .replace_all(text, boundary.as_str())
        .replace(&format!("{LINE_BOUNDARY}\n"), "\n")
        .replace(&format!("\n{LINE_BOUNDARY}"), "\n")
        .replace(LINE_BOUNDARY, "\n")
}

fn decode_entities(text: &str) -> String {
    ENTITY
        .replace_all(text, |caps: &regex::Captures| {
            let body = &caps[1];
            let decoded =
                if let Some(hex) = body.strip_prefix("#x").or_else(|| body.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                } else if let Some(dec) = body.strip_prefix('#') {
                    dec.parse::<u32>().ok().and_then(char::from_u32)
                } else {
                    named_entity(body)
                };
            match decoded {
                Some('\0') | None => caps[0].to_string(),
                Some(c) => c.to_string(),
            }
        })
        .into_owned()
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "laquo" => '«',
        "raquo" => '»',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "bull" | "middot" => '•',
        "euro" => '€',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "sup2" => '²',
        "rarr" => '→',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "Egrave" => 'È',
        "ecirc" => 'ê',
        "Ecirc" => 'Ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "Agrave" => 'À',
        "acirc" => 'â',
        "Acirc" => 'Â',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "icirc" => 'î',
        "Icirc" => 'Î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "Ocirc" => 'Ô',
        "ouml" => 'ö',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "Ucirc" => 'Û',
        "uuml" => 'ü',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "aelig" => 'æ',
        "AElig" => 'Æ',
        _ => return None,
    })
}

/// `AXE : JEUNESSE**ACTION : …****ÉLÉMENTS DE DIAGNOSTIC**` → three lines.
/// A `**` is glue when it sits between two non-space characters that are not
/// lower-case letters nor apostrophes (so `d'**aide aux devoirs**` stays).
fn split_glued_bold(line: &str) -> Vec<String> {
    if !line.contains("**") {
        return vec![line.to_string()];
    }
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut rest = line;
    while let Some(position) = rest.find("**") {
        let before = &rest[..position];
        let mut after_start = position + 2;
        while rest[after_start..].starts_with('*') {
            after_start += 1;
        }
        let after = &rest[after_start..];
        current.push_str(before);
        let previous = current.chars().next_back();
        let next = after.chars().next();
        let glue = match (previous, next) {
            (Some(p), Some(n)) => {
                !p.is_whitespace()
                    && !n.is_whitespace()
                    && !p.is_lowercase()
                    && !n.is_lowercase()
                    && !matches!(p, '\'' | '’' | '(' | '«' | '"' | '-' | '/')
                    && !matches!(n, ')' | '»' | '.' | ',' | ':' | ';')
                    && !current.trim().is_empty()
            }
            _ => false,
        };
        if glue {
            pieces.push(std::mem::take(&mut current));
        }
        rest = after;
    }
    current.push_str(rest);
    pieces.push(current);
    pieces
}

/// Buffers reused from cell to cell.
#[derive(Default)]
struct CellScratch {
    /// Byte span and [`MARKS`] of each cell.
    cells: Vec<(usize, usize, u8)>,
}

const MARK_HASH: u8 = 1;
const MARK_CARET: u8 = 2;
const MARK_STAR: u8 = 4;
const MARK_DASH: u8 = 8;
/// Lead byte of `•` (and of many other characters).
const MARK_E2: u8 = 16;
/// A byte that may start a space other than a lone ` ` between two words.
const MARK_MAYBE_SPACE: u8 = 32;
/// Set by [`starts_unusual_space`], not by the table.
const MARK_UNUSUAL_SPACE: u8 = 64;

/// Whether `bytes` starts with a space that [`clean_cell`] would rewrite:
/// any whitespace other than ` ` (and zero-width spaces), or a ` ` that is
/// followed by another one or ends the slice (a cell's edges are checked
/// apart).
fn starts_unusual_space(bytes: &[u8]) -> bool {
    match bytes {
        [b' ', b' ', ..] | [b' '] => true,
        [b' ', ..] => false,
        [byte, ..] if byte.is_ascii() => matches!(byte, b'\t'..=b'\r'),
        _ => {
            let text = std::str::from_utf8(&bytes[..bytes.len().min(4)])
                .or_else(|e| std::str::from_utf8(&bytes[..e.valid_up_to()]))
                .unwrap_or("");
            text.chars()
                .next()
                .is_some_and(|c| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}')
        }
    }
}

/// The bytes whose absence from a cell spares it a rewrite.
static MARKS: [u8; 256] = {
    let mut marks = [0u8; 256];
    marks[b'#' as usize] = MARK_HASH;
    marks[b'^' as usize] = MARK_CARET;
    marks[b'*' as usize] = MARK_STAR;
    marks[b'-' as usize] = MARK_DASH;
    marks[0xE2] = MARK_E2 | MARK_MAYBE_SPACE;
    let mut byte = 0x09;
    while byte <= 0x0D {
        marks[byte] = MARK_MAYBE_SPACE;
        byte += 1;
    }
    marks[b' ' as usize] = MARK_MAYBE_SPACE;
    marks[0xC2] = MARK_MAYBE_SPACE;
    marks[0xE1] = MARK_MAYBE_SPACE;
    marks[0xE3] = MARK_MAYBE_SPACE;
    marks[0xEF] = MARK_MAYBE_SPACE;
    marks
};

/// One physical line → its clean form in `out`; false when it disappears
/// (markdown separator rows).
fn clean_line(line: &str, out: &mut String, scratch: &mut CellScratch) -> bool {
    out.clear();
    let trimmed = line.trim();
    // Cells as byte spans of `source`.
    let (source, separator) =
        if trimmed.len() >= 2 && trimmed.starts_with('|') && trimmed.ends_with('|') {
            (&trimmed[1..trimmed.len() - 1], b'|')
        } else {
            (line, b'\t')
        };
    let cells = &mut scratch.cells;
    cells.clear();
    let mut start = 0;
    let mut marks = 0u8;
    let bytes = source.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == separator {
            cells.push((start, index, marks));
            start = index + 1;
            marks = 0;
            continue;
        }
        let mark = MARKS[usize::from(byte)];
        if mark != 0 {
            marks |= mark;
            if mark & MARK_MAYBE_SPACE != 0 && starts_unusual_space(&bytes[index..]) {
                marks |= MARK_UNUSUAL_SPACE;
            }
        }
    }
    cells.push((start, source.len(), marks));
    let is_row = cells.len() > 1;
    // A separator cell holds `--`.
    if is_row && cells.iter().any(|c| c.2 & MARK_DASH != 0) {
        let is_separator = |&(s, e, _): &(usize, usize, u8)| SEPARATOR_CELL.is_match(&source[s..e]);
        if cells.iter().any(is_separator)
            && cells
                .iter()
                .all(|c| source[c.0..c.1].trim().is_empty() || is_separator(c))
        {
            return false;
        }
    }
    if !is_row && trimmed.len() >= 3 && trimmed.chars().all(|c| matches!(c, '-' | '|' | ':' | ' '))
    {
        return false;
    }
    // Trailing empty cells are dropped (the first one always stays).
    let mut keep = 0;
    for (index, &(s, e, marks)) in cells.iter().enumerate() {
        if index > 0 {
            out.push('\t');
        }
        let before = out.len();
        clean_cell(&source[s..e], marks, is_row, out);
        if index == 0 || out.len() > before {
            keep = out.len();
        }
    }
    out.truncate(keep);
    true
}

/// Appends the clean form of `cell` (with [`MARKS`] `marks`) to `out`.
fn clean_cell(cell: &str, marks: u8, in_row: bool, out: &mut String) {
    // Each rewrite only runs when its mark is there.
    let cell = if marks & MARK_HASH != 0 && cell.contains('#') {
        HEADING_MARK.replace(cell, "")
    } else {
        std::borrow::Cow::Borrowed(cell)
    };
    let cell = if marks & MARK_CARET != 0 && cell.contains("^{") {
        std::borrow::Cow::Owned(SUPERSCRIPT.replace_all(&cell, "$1").into_owned())
    } else {
        cell
    };
    let cell = if marks & MARK_STAR != 0 && cell.contains('*') {
        let unbolded = cell.replace("**", "");
        std::borrow::Cow::Owned(ITALIC.replace_all(&unbolded, "$1$2").into_owned())
    } else {
        cell
    };
    if let std::borrow::Cow::Borrowed(cell) = cell {
        // Untouched, and already one ` ` between words and none at the edges.
        if marks & MARK_UNUSUAL_SPACE == 0 && !cell.starts_with(' ') && !cell.ends_with(' ') {
            let start = out.len();
            out.push_str(cell);
            if in_row && marks & MARK_E2 != 0 && out[start..].contains('•') {
                separate_items(out, start);
            }
            return;
        }
    }
    let start = out.len();
    // Runs of non-space characters are copied whole, one space between.
    let push_run = |run: &str, out: &mut String| {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(run);
    };
    let bytes = cell.as_bytes();
    let mut run_start: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        // Spaces are ASCII or start with one of these bytes; other bytes
        // (continuations included) belong to a run.
        let (space, width) = if byte.is_ascii() {
            (matches!(byte, b'\t'..=b'\r' | b' '), 1)
        } else if matches!(byte, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF) {
            let c = cell[at..].chars().next().expect("char boundary");
            (
                c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}',
                c.len_utf8(),
            )
        } else {
            (false, 1)
        };
        if space {
            if let Some(run) = run_start.take() {
                push_run(&cell[run..at], out);
            }
        } else if run_start.is_none() {
            run_start = Some(at);
        }
        at += width;
    }
    if let Some(run) = run_start {
        push_run(&cell[run..], out);
    }
    if in_row && marks & MARK_E2 != 0 && out[start..].contains('•') {
        separate_items(out, start);
    }
}

/// Runs of bullets in the cell `out[start..]` → one [`ITEM_SEPARATOR`], none
/// at the edges.
fn separate_items(out: &mut String, start: usize) {
    let bulleted = BULLET_RUN.replace_all(&out[start..], ITEM_SEPARATOR);
    let trimmed = bulleted
        .trim_matches(|c: char| c == '•' || c.is_whitespace())
        .to_string();
    out.truncate(start);
    out.push_str(&trimmed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_bytes_are_decoded() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("Lieu d'accueil enfants parents é à œ");
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the sample must not be valid UTF-8"
        );
        assert_eq!(
            decode(&bytes).unwrap(),
            "Lieu d'accueil enfants parents é à œ"
        );
    }

    #[test]
    fn utf8_bom_is_stripped_and_text_is_nfc() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Conve\u{301}ntion".as_bytes());
        let text = decode(&bytes).unwrap();
        assert_eq!(text, "Convéntion");
        assert!(!text.starts_with('\u{FEFF}'));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in "Réseau d’écoute".encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap(), "Réseau d’écoute");
        assert_eq!(decode(&be).unwrap(), "Réseau d’écoute");
    }

    #[test]
    fn binary_and_empty_are_rejected() {
        assert!(decode(b"").is_err());
        assert!(decode(b"   \n\n").is_err());
        assert!(decode(b"abc\0def").unwrap_err().contains("binary"));
        assert!(decode(b"%PDF-1.4 stuff").unwrap_err().contains("PDF"));
        let noisy: Vec<u8> = (0..200u8)
            .map(|i| if i % 5 == 0 { 0x01 } else { b'a' })
            .collect();
        assert!(decode(&noisy).is_err());
    }

    #[test]
    fn html_page_is_stripped_with_rows_and_entities() {
        let html = "<html><head><style>p{color:red}</style></head><body><h1>Plan d&#39;action</h1>\n<p>Caf&eacute; &amp; parents&nbsp;: ok</p><table><tr><td>PILOTES</td><td><p>Ville</p><p>CCAS</p></td></tr></table></body></html>";
        let text = clean(html, true);
        assert_eq!(
            text,
            "Plan d'action\nCafé & parents : ok\nPILOTES\tVille • CCAS"
        );
    }

    #[test]
    fn inline_html_in_tab_row_stays_on_one_line() {
        let raw = "Animation du réseau\t<p>Oui</p> <p>État des lieux au 1^{er} janvier 2017.</p>\nII - BUTS\n<p>Définir le cadre</p><p>Animer</p>";
        let text = clean(raw, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Animation du réseau\tOui • État des lieux au 1er janvier 2017."
        );
        assert_eq!(&lines[1..], &["II - BUTS", "Définir le cadre", "Animer"]);
    }

    #[test]
    fn ul_bullets_in_cells_collapse_to_one_separator() {
        let raw = "EVALUATION INDICATEURS\t<ul style=\"list-style-type: none\"> • Nombre d'actions • Bilan moral\t\t";
        assert_eq!(
            clean(raw, false),
            "EVALUATION INDICATEURS\tNombre d'actions • Bilan moral"
        );
    }

    #[test]
    fn markdown_table_becomes_tab_rows() {
        let raw = "| | | |\n|--|---|---|\n| Axe 1 : Grandir | Objectif 1 : Prévenir | Action 1 : Poursuivre |\n| | | Action 2 : Réfléchir |\n|--|--|";
        assert_eq!(
            clean(raw, false),
            "Axe 1 : Grandir\tObjectif 1 : Prévenir\tAction 1 : Poursuivre\n\t\tAction 2 : Réfléchir"
        );
    }

    #[test]
    fn bold_italic_and_heading_marks_are_stripped() {
        let raw =
            "## Synthèse\n- Une **coordination** constructive, d'**aide aux devoirs** – *en cours*";
        assert_eq!(
            clean(raw, false),
            "Synthèse\n- Une coordination constructive, d'aide aux devoirs – en cours"
        );
    }

    #[test]
    fn glued_bold_headings_are_split() {
        let raw = "ACTION : DÉVELOPPER DES ACTIONS, EN COMPLÉMENTARITÉ DU CLAS**ÉLÉMENTS DE DIAGNOSTIC**\nAXE : JEUNESSE**ACTION : ALLER VERS****ELÉMENTS DE DIAGNOSTIC**";
        let text = clean(raw, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            vec![
                "ACTION : DÉVELOPPER DES ACTIONS, EN COMPLÉMENTARITÉ DU CLAS",
                "ÉLÉMENTS DE DIAGNOSTIC",
                "AXE : JEUNESSE",
                "ACTION : ALLER VERS",
                "ELÉMENTS DE DIAGNOSTIC"
            ]
        );
    }

    #[test]
    fn spaces_collapse_and_typography_is_kept() {
        let raw = "  L’accueil  «\u{a0}petite enfance\u{a0}»   œuvre  \n\n\n\nFin";
        assert_eq!(
            clean(raw, false),
            "L’accueil « petite enfance » œuvre\n\nFin"
        );
    }

    #[test]
    fn leading_empty_cells_are_kept() {
        assert_eq!(
            clean("Besoins\tFinanciers.\n\tHumains : 1 poste.\t", false),
            "Besoins\tFinanciers.\n\tHumains : 1 poste."
        );
    }

    #[test]
    fn read_corpus_sorts_and_skips_with_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("ville");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("b.TXT"), "Contrat de ville\n").unwrap();
        std::fs::write(dir.path().join("a.html"), "<p>Plan d'action</p>").unwrap();
        std::fs::write(dir.path().join("c.pdf"), "%PDF").unwrap();
        std::fs::write(dir.path().join("d.txt"), b"\0\0\x01").unwrap();
        std::fs::write(dir.path().join("e.md"), "").unwrap();
        let (files, skipped) = read_corpus(dir.path()).unwrap();
        let ids: Vec<&str> = files.iter().map(|f| f.doc_id.as_str()).collect();
        assert_eq!(ids, vec!["a", "ville/b"]);
        assert_eq!(files[0].text, "Plan d'action");
        assert_eq!(skipped.len(), 3);
        assert!(skipped.iter().all(|s| !s.reason.is_empty()));
        assert!(read_corpus(&dir.path().join("missing")).is_err());
    }
}
