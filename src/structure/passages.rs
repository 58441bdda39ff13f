//! Long spans cut into passages of a readable size.
//!
//! A paragraph, list or cell can run for pages; search answers with
//! passages, so a long span is cut on item boundaries, then line breaks,
//! then sentence ends, then spaces.

use super::trim_span;

/// Passages longer than this many characters are split.
pub(super) const MAX_PASSAGE_CHARS: usize = 700;
/// Splits never make a piece shorter than this when they can avoid it.
const MIN_PIECE_CHARS: usize = 200;

/// A span cut into pieces of at most [`MAX_PASSAGE_CHARS`], preferring item
/// boundaries, then line breaks, then sentence ends, then spaces. Pieces are
/// trimmed; pieces without a letter or digit are dropped.
pub(super) fn split_span(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut from = start;
    while from < end {
        let (s, e) = trim_span(text, from, end);
        if s >= e {
            break;
        }
        let slice = &text[s..e];
        // Bounded count: the block may be the whole document.
        if slice.chars().nth(MAX_PASSAGE_CHARS).is_none() {
            pieces.push((s, e));
            break;
        }
        let cut = best_cut(slice).map_or(e, |offset| s + offset);
        let cut = if cut <= s { e } else { cut };
        pieces.push(trim_span(text, s, cut));
        from = cut;
    }
    pieces
        .into_iter()
        .map(|(s, e)| {
            // No piece starts with a dangling item separator.
            let slice = &text[s..e];
            let stripped = slice.trim_start_matches(|c: char| c == '•' || c.is_whitespace());
            (e - stripped.len(), e)
        })
        .filter(|&(s, e)| e > s && text[s..e].chars().any(char::is_alphanumeric))
        .collect()
}

/// Byte offset in `slice` where to cut, within the allowed window.
fn best_cut(slice: &str) -> Option<usize> {
    let mut best: Option<(u8, usize)> = None;
    let mut chars_seen = 0usize;
    let mut previous = ' ';
    let mut iter = slice.char_indices().peekable();
    while let Some((offset, c)) = iter.next() {
        chars_seen += 1;
        if chars_seen > MAX_PASSAGE_CHARS {
            break;
        }
        let next = iter.peek().map(|&(_, n)| n);
        let priority = if chars_seen < MIN_PIECE_CHARS {
            None
        } else if c == '\n' {
            let rest = &slice[offset + 1..];
            if rest.starts_with(' ') || rest.starts_with('\t') {
                Some(3)
            } else {
                Some(4)
            }
        } else if c == '•' && previous == ' ' {
            Some(3)
        } else if matches!(previous, '.' | ';' | '!' | '?')
            && c == ' '
            && next.is_some_and(|n| n.is_uppercase() || n == '«')
        {
            Some(2)
        } else if c == ' ' {
            Some(1)
        } else {
            None
        };
        if let Some(p) = priority {
            if best.is_none_or(|(bp, _)| p >= bp) {
                best = Some((p, offset));
            }
        }
        previous = c;
    }
    best.map(|(_, offset)| offset)
}
