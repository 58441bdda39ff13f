//! List bullets, written or painted. A bullet glyph (or a dash set before
//! the text) starts a list item and is replaced by `- ` in the output; small
//! painted blobs left of a line count as bullets too. A marker alone also
//! tells the column finder that the white band after it is no gutter.

use super::Shape;

const BULLET_CHARS: &[char] = &[
    '•', '▪', '◦', '●', '■', '□', '○', '◆', '◇', '♦', '❖', '➢', '➤', '►', '▸', '▶', '‣', '⁃', '∙',
    '·', '✓', '✔', '✗', '\u{F0B7}', '\u{F0A7}', '\u{F076}', '\u{F0D8}', '\u{F0FC}', '*',
];
pub(super) const DASH_BULLETS: &[char] = &['-', '–', '—', '−'];

/// A list marker alone: a bullet glyph, a dash, or an enumerator ("1.", "a)", "iv.").
pub(super) fn is_marker(t: &str) -> bool {
    let t = t.trim();
    let mut cs = t.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => {
            BULLET_CHARS.contains(&c)
                || DASH_BULLETS.contains(&c)
                || ('\u{F000}'..='\u{F0FF}').contains(&c)
        }
        _ => {
            let h = t.trim_end_matches(['.', ')']);
            t.len() <= 6
                && h.len() < t.len()
                && !h.is_empty()
                && (h.chars().all(|c| c.is_ascii_digit() || c == '.')
                    || (h.chars().count() == 1 && h.chars().all(|c| c.is_ascii_alphabetic()))
                    || h.chars()
                        .all(|c| matches!(c, 'i' | 'v' | 'x' | 'I' | 'V' | 'X')))
        }
    }
}

/// Strips a leading bullet glyph; returns the remaining text.
pub(super) fn strip_bullet(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let c = chars.next()?;
    let rest = chars.as_str();
    let is_pua = ('\u{F000}'..='\u{F0FF}').contains(&c);
    if BULLET_CHARS.contains(&c) || is_pua {
        let r = rest.trim_start();
        if !r.is_empty()
            && r.chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || "«\"'(“".contains(c))
        {
            return Some(r);
        }
    }
    if DASH_BULLETS.contains(&c) && rest.starts_with(' ') {
        let r = rest.trim_start();
        if r.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || "«\"'(“".contains(c))
        {
            return Some(r);
        }
    }
    None
}

/// Painted shapes that may be list bullets: small, roughly square blobs.
pub(super) fn bullet_shapes(shapes: &[Shape]) -> Vec<Shape> {
    shapes
        .iter()
        .filter(|s| {
            s.blob
                && s.x1 - s.x0 >= 1.0
                && s.y1 - s.y0 >= 1.0
                && s.x1 - s.x0 <= 9.0
                && s.y1 - s.y0 <= 9.0
        })
        .filter(|s| {
            let (w, h) = (s.x1 - s.x0, s.y1 - s.y0);
            w <= 2.2 * h && h <= 2.2 * w
        })
        .copied()
        .collect()
}

/// The painted bullet set just left of a line starting at `x0` on baseline
/// `y`: returns its left edge (the line's new start).
pub(super) fn painted_bullet(bullets: &[Shape], x0: f64, y: f64, size: f64) -> Option<f64> {
    for b in bullets {
        let (cx, cy) = ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0);
        if b.x1 <= x0 - 0.05 * size
            && cx > x0 - 3.5 * size
            && cy > y - 0.15 * size
            && cy < y + 0.8 * size
            && (b.x1 - b.x0) <= 0.75 * size
            && (b.y1 - b.y0) <= 0.75 * size
        {
            return Some(b.x0);
        }
    }
    None
}
