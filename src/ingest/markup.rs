//! Markup → clean text, following the conventions of the [ingest](super) module doc.

use once_cell::sync::Lazy;
use regex::Regex;

use super::decode::into_nfc;
use super::ITEM_SEPARATOR;

/// A line break made by a tag, before runs of them are collapsed.
const LINE_BOUNDARY: char = '\u{E000}';

static TAG_SNIFF: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)</?(p|br|hr|ul|ol|li|div|span|small|table|tr|td|th|h[1-6]|i|b|u|em|strong|a|sup|sub|font|img|blockquote)\b[^<>]{0,400}>|&(nbsp|amp|#39|#x27|quot|lt|gt);")
        .expect("valid regex")
});
static ANY_TAG: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?is)<!--.*?-->|<![a-zA-Z\[][^<>]{0,500}>|<\?[^<>]{0,500}\?>|</?[a-zA-Z][a-zA-Z0-9]{0,15}\b[^<>]{0,2000}>|</?[a-zA-Z][a-zA-Z0-9]{0,15}>").expect("valid regex")
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
