//! Paragraphs: whether a line continues the one above (a space), starts a
//! new line, or starts a new paragraph (a blank line). PDFs have no
//! paragraphs, only lines; these rules rebuild them from size, left edge,
//! line pitch and whether the previous line was full.

use std::collections::HashMap;

use super::hyphens::{append_joined, clean_soft_hyphens, is_hyphen, Vocab};
use super::kinds::{is_item, starts_new_line};
use super::{fcmp, Block, Line, PageOut, GLUED_BREAK};

/// How a line follows the previous one.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Join {
    Space,
    Newline,
    Blank,
}

/// Line pitch inside paragraphs, per font size (half points).
pub(super) struct Pitch(HashMap<i64, f64>);
impl Pitch {
    fn of(&self, size: f64) -> f64 {
        self.0
            .get(&((size * 2.0).round() as i64))
            .copied()
            .unwrap_or(1.2 * size)
    }
}

/// The line pitch of each font size in the document.
pub(super) fn pitches(pages: &[PageOut]) -> Pitch {
    let mut by: HashMap<i64, Vec<f64>> = HashMap::new();
    let mut add = |lines: &[Line]| {
        for w in lines.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let d = a.y - b.y;
            if (a.size - b.size).abs() <= 0.05 * a.size && d > 0.8 * a.size && d < 2.5 * a.size {
                by.entry((a.size * 2.0).round() as i64).or_default().push(d);
            }
        }
    };
    for p in pages {
        for b in &p.blocks {
            match b {
                Block::Text(l) => add(l),
                Block::Rows { rows, .. } => {
                    for c in rows.iter().flatten() {
                        add(c)
                    }
                }
            }
        }
    }
    // The smallest frequent pitch: line spacing inside paragraphs.
    Pitch(
        by.into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| fcmp(*a, *b));
                // 25th percentile: paragraph gaps must not raise it.
                let p = v[v.len() / 4];
                (k, p)
            })
            .collect(),
    )
}

/// State of the paragraph being written.
#[derive(Clone)]
pub(super) struct Prev {
    pub(super) line: Line,
    pub(super) right: f64,
    pub(super) block_lines: usize,
    pub(super) first_of_para: bool,
    /// The paragraph being written is a list item (bullet or enumerator).
    pub(super) in_item: bool,
}

/// Join between two lines of one block (a column, a cell).
pub(super) fn within_block_join(a: &Prev, b: &Line, pitch: &Pitch) -> Join {
    let al = &a.line;
    let d = al.y - b.y;
    let em = al.size.max(b.size);
    if d <= 0.0 {
        return Join::Newline;
    }
    let p = pitch.of(al.size.min(b.size));
    let gap_para = d > p * 1.3 + 0.5 || d > 2.2 * em;
    // Items of one list are lines of one block, however airy the list.
    if a.in_item && is_item(b) && d <= 3.0 * p && (al.size - b.size).abs() <= 0.1 * em {
        return Join::Newline;
    }
    // Bold alone does not end a paragraph (bold words inside a sentence); a
    // bold heading is a short line, which the fit test below catches.
    if gap_para || (al.size - b.size).abs() > 0.1 * em {
        return Join::Blank;
    }
    if starts_new_line(b) {
        return Join::Newline;
    }
    let tol = 0.8 * em;
    let edge_ok = (b.x0 - al.x0).abs() <= tol
        || (b.x0 - al.text_x0).abs() <= tol
        || (a.first_of_para && al.x0 > b.x0 && al.x0 - b.x0 <= 4.0 * em);
    if !edge_ok {
        return Join::Newline;
    }
    // Would the first word of b have fitted at the end of a (with room to spare)?
    let fits = al.x1 + 0.28 * b.size + b.first_w <= a.right - 0.3 * b.size;
    let hyph = al.text.ends_with(is_hyphen) || al.text.ends_with('\u{AD}');
    if fits && !hyph {
        return Join::Newline;
    }
    Join::Space
}

/// Join between the last line of a block and the first of the next
/// (over a column or page break).
pub(super) fn cross_block_join(a: &Prev, b: &Line) -> Join {
    let al = &a.line;
    let em = al.size.max(b.size);
    // A list running on over a column or page break.
    if a.in_item && is_item(b) && (al.size - b.size).abs() <= 0.1 * em {
        return Join::Newline;
    }
    // The right edge of a block of one or two lines says little about fullness.
    if a.block_lines < 3 || (al.size - b.size).abs() > 0.05 * em || starts_new_line(b) {
        return Join::Blank;
    }
    let fits = al.x1 + 0.28 * b.size + b.first_w <= a.right - 0.3 * b.size;
    let hyph = al.text.ends_with(is_hyphen) || al.text.ends_with('\u{AD}');
    let open_end = !al.text.ends_with(['.', ':', ';', '!', '?', '»', ')']);
    let lower = b.text.chars().next().is_some_and(|c| c.is_lowercase());
    if (!fits || hyph) && open_end && (lower || hyph) {
        Join::Space
    } else {
        Join::Blank
    }
}

/// A table cell's lines as one line of text; its line breaks become ` • `.
pub(super) fn cell_text(lines: &[Line], pitch: &Pitch, vocab: &Vocab) -> String {
    let mut out = String::new();
    let right = lines.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    let mut prev: Option<Prev> = None;
    for l in lines {
        let text = l
            .text
            .replace(['\t', '\n'], " ")
            .replace(GLUED_BREAK, " • ");
        let join = prev.as_ref().map(|p| within_block_join(p, l, pitch));
        match join {
            None => out.push_str(&text),
            Some(Join::Space) => {
                // A weak bullet joined to the line above is a dash of the sentence.
                let text = match l.weak_bullet {
                    Some(d) => format!("{d} {text}"),
                    None => text,
                };
                append_joined(&mut out, "", &text, vocab);
            }
            // Line breaks, paragraphs and list items inside a cell.
            Some(_) => {
                out = clean_soft_hyphens(&out);
                out.push_str(" • ");
                out.push_str(&text);
            }
        }
        let first_of_para = join != Some(Join::Space);
        let in_item = if first_of_para {
            is_item(l)
        } else {
            prev.as_ref().is_some_and(|p| p.in_item)
        };
        prev = Some(Prev {
            line: l.clone(),
            right,
            block_lines: lines.len(),
            first_of_para,
            in_item,
        });
    }
    clean_soft_hyphens(&out)
        .trim()
        .trim_matches('•')
        .trim()
        .to_string()
}
