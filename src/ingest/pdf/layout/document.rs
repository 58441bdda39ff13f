//! Document text: the laid-out pages written in maillage's ingest
//! conventions. Paragraphs are joined across column and page breaks,
//! PAGE_BREAK goes before the first text of each new page, table rows are
//! written one per line with `\t` between cells (a row cut by a page break is
//! glued back), and at most one blank line separates paragraphs.

use std::collections::HashMap;

use super::hyphens::{append_joined, strip_trailing_soft_hyphen, Vocab};
use super::kinds::is_item;
use super::paragraphs::{cell_text, cross_block_join, within_block_join, Join, Pitch, Prev};
use super::{Block, Line, PageOut, GLUED_BREAK};
use crate::ingest::format::PAGE_BREAK;

/// The text being written, and what carries over from block to block and
/// from page to page.
pub(super) struct Writer<'a> {
    out: String,
    /// The paragraph being written (None after a table).
    prev: Option<Prev>,
    /// The last row of a table ending the page, waiting for the rest of the
    /// row on the next page.
    held: Option<Vec<String>>,
    /// The held row ran off the page between open rules.
    held_open: bool,
    /// PAGE_BREAK is still to be written before the page's first text.
    pending: bool,
    pb: String,
    pitch: &'a Pitch,
    vocab: &'a Vocab,
}

impl<'a> Writer<'a> {
    pub(super) fn new(pitch: &'a Pitch, vocab: &'a Vocab) -> Writer<'a> {
        Writer {
            out: String::new(),
            prev: None,
            held: None,
            held_open: false,
            pending: false,
            pb: PAGE_BREAK.to_string(),
            pitch,
            vocab,
        }
    }

    /// Writes page number `pi` (from 0).
    pub(super) fn page(&mut self, pi: usize, page: &PageOut) {
        self.pending = pi > 0;
        let edges = text_block_edges(page);
        for (bi, block) in page.blocks.iter().enumerate() {
            match block {
                Block::Text(lines) => self.text_block(lines, &edges),
                Block::Rows {
                    rows,
                    open_top,
                    open_bottom,
                } => {
                    let first = bi == 0;
                    let last = bi + 1 == page.blocks.len();
                    self.rows_block(
                        rows,
                        first.then_some(*open_top),
                        last.then_some(*open_bottom),
                    );
                }
            }
        }
        if self.pending {
            self.flush_held();
        }
        if self.pending {
            if !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push('\n');
            }
            self.out.push_str(&self.pb);
        }
    }

    /// The whole text, tidied.
    pub(super) fn finish(mut self) -> String {
        if let Some(h) = self.held.take() {
            self.out.push('\n');
            self.out.push_str(&row_line(&h));
        }
        let out = strip_trailing_soft_hyphen(self.out).replace('\u{AD}', "");
        tidy(&out)
    }

    /// Writes the held table row on a line of its own.
    fn flush_held(&mut self) {
        if let Some(h) = self.held.take() {
            self.out.push('\n');
            self.out.push_str(&row_line(&h));
            self.out.push('\n');
        }
    }

    /// Writes a block of text lines, joined into paragraphs.
    fn text_block(&mut self, lines: &[Line], edges: &[(f64, f64, f64)]) {
        self.flush_held();
        let right = block_right(lines, edges);
        for (li, l) in lines.iter().enumerate() {
            self.text_line(l, li == 0, right, lines.len());
        }
    }

    /// Writes one line: after a space, a line break or a blank line.
    fn text_line(&mut self, l: &Line, first_in_block: bool, right: f64, block_lines: usize) {
        let join = match &self.prev {
            None => Join::Blank,
            Some(p) if first_in_block => cross_block_join(p, l),
            Some(p) => within_block_join(p, l, self.pitch),
        };
        let mark = if self.pending { self.pb.as_str() } else { "" };
        self.pending = false;
        let bullet = if l.bullet { "- " } else { "" };
        let text = l.text.replace(GLUED_BREAK, "\n");
        if self.out.is_empty() && self.prev.is_none() {
            self.out.push_str(mark);
            self.out.push_str(bullet);
            self.out.push_str(&text);
        } else if join == Join::Space && !l.bullet {
            append_joined(&mut self.out, mark, &text, self.vocab);
        } else if join == Join::Space && l.weak_bullet.is_some() {
            // "… ARPADÉ" / "– une association …": a dash inside the sentence.
            let dash = l.weak_bullet.map(String::from).unwrap_or_default();
            append_joined(&mut self.out, mark, &format!("{dash} {text}"), self.vocab);
        } else {
            self.out = strip_trailing_soft_hyphen(std::mem::take(&mut self.out));
            self.out.push('\n');
            if join == Join::Blank {
                self.out.push('\n');
            }
            self.out.push_str(mark);
            self.out.push_str(bullet);
            self.out.push_str(&text);
        }
        let first_of_para = join != Join::Space;
        let in_item = if first_of_para {
            is_item(l)
        } else {
            self.prev.as_ref().is_some_and(|p| p.in_item)
        };
        self.prev = Some(Prev {
            line: l.clone(),
            right,
            block_lines,
            first_of_para,
            in_item,
        });
    }

    /// Writes a table, one row per line. `page_top`: the table opens the page,
    /// its top rule open or not; `page_foot`: it ends the page, its bottom rule
    /// open or not. The last row of a table ending a page is held for the next:
    /// a table opening that page goes on with it when the row was cut between
    /// open rules, or when its first row reads as the rest of the held one
    /// ([`continues_row`]: word processors close a row's borders at a page break).
    fn rows_block(
        &mut self,
        rows: &[Vec<Vec<Line>>],
        page_top: Option<bool>,
        page_foot: Option<bool>,
    ) {
        self.out = strip_trailing_soft_hyphen(std::mem::take(&mut self.out));
        let mut texts: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| cell_text(c, self.pitch, self.vocab))
                    .collect::<Vec<String>>()
            })
            .filter(|cells: &Vec<String>| cells.iter().any(|c| !c.is_empty()))
            .collect();
        let mut continued = false;
        if let Some(h) = self.held.take() {
            let continues = match (page_top, texts.first()) {
                (Some(open_top), Some(first)) => {
                    (open_top && self.held_open) || continues_row(&h, first)
                }
                _ => false,
            };
            if continues {
                // The row cut by the page end goes on here.
                let first = texts.remove(0);
                let mark = if self.pending { self.pb.as_str() } else { "" };
                self.pending = false;
                self.out.push('\n');
                self.out
                    .push_str(&row_line(&merge_rows(h, first, mark, self.vocab)));
                continued = true;
            } else {
                self.out.push('\n');
                self.out.push_str(&row_line(&h));
                self.out.push('\n');
            }
        }
        if !continued && !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
        let n = texts.len();
        for (k, cells) in texts.into_iter().enumerate() {
            if let (Some(open_bottom), true) = (page_foot, k + 1 == n) {
                self.held = Some(cells);
                self.held_open = open_bottom;
                break;
            }
            if k > 0 || continued {
                self.out.push('\n');
            }
            if self.pending {
                self.out.push_str(&self.pb);
                self.pending = false;
            }
            self.out.push_str(&row_line(&cells));
        }
        self.prev = None;
        if self.held.is_none() {
            self.out.push('\n');
        }
    }
}

/// Left edge, right edge and biggest size of each text block of the page.
fn text_block_edges(page: &PageOut) -> Vec<(f64, f64, f64)> {
    page.text_blocks()
        .map(|l| {
            let left = l
                .iter()
                .map(|x| x.x0.min(x.text_x0))
                .fold(f64::INFINITY, f64::min);
            let right = l.iter().map(|x| x.x1).fold(f64::NEG_INFINITY, f64::max);
            let em = l.iter().map(|x| x.size).fold(0.0, f64::max);
            (left, right, em)
        })
        .collect()
}

/// Right edge of a text block, against which a line is full or short: its
/// own when its text visibly wraps, else the widest line among the blocks of
/// the page that share its left edge (a short block alone says nothing).
fn block_right(lines: &[Line], edges: &[(f64, f64, f64)]) -> f64 {
    let left = lines
        .iter()
        .map(|x| x.x0.min(x.text_x0))
        .fold(f64::INFINITY, f64::min);
    // Wrapped text: several lines of the block's main size reach its right edge.
    let mut by_size: HashMap<i64, usize> = HashMap::new();
    for l in lines.iter() {
        *by_size.entry((l.size * 4.0).round() as i64).or_default() += l.text.len();
    }
    let main = by_size
        .iter()
        .max_by_key(|(s, n)| (**n, **s))
        .map(|(s, _)| *s as f64 / 4.0)
        .unwrap_or(10.0);
    let body: Vec<&Line> = lines
        .iter()
        .filter(|l| (l.size - main).abs() <= 0.1 * main)
        .collect();
    let own_body = body.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    let near = body
        .iter()
        .filter(|l| l.x1 >= own_body - 0.12 * (own_body - left))
        .count();
    let own = lines.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    if body.len() >= 3 && near >= 2 && near * 10 >= body.len() * 3 {
        // Lines of another size (a title) do not widen the measure.
        own_body
    } else {
        edges
            .iter()
            .filter(|(l, _, em)| (l - left).abs() <= em.max(1.0))
            .map(|e| e.1)
            .fold(own, f64::max)
    }
}

/// No trailing spaces, at most one blank line, no blank line at either end.
fn tidy(out: &str) -> String {
    let mut tidy = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.split('\n') {
        let line = line.trim_end_matches(' ');
        if line.trim().is_empty() && !line.contains(PAGE_BREAK) {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        tidy.push_str(line);
        tidy.push('\n');
    }
    tidy.trim_matches('\n').to_string()
}

/// Cells joined by tabs, trailing empty cells dropped.
fn row_line(cells: &[String]) -> String {
    let mut n = cells.len();
    while n > 1 && cells[n - 1].is_empty() {
        n -= 1;
    }
    cells[..n].join("\t")
}

/// Whether `first`, the first row of a table opening a page, is the rest of `held`, the
/// last row of the page before: as many cells, and each of its cells with text starts
/// in lower case the sentence its held cell left unfinished.
fn continues_row(held: &[String], first: &[String]) -> bool {
    let mut any = false;
    for (h, f) in held.iter().zip(first) {
        if f.is_empty() {
            continue;
        }
        let lower = f.chars().next().is_some_and(char::is_lowercase);
        let unfinished = !h.is_empty() && !h.trim_end().ends_with(['.', '!', '?']);
        if !(lower && unfinished) {
            return false;
        }
        any = true;
    }
    any && held.len() == first.len()
}

/// A table row cut by a page break, glued back cell by cell; `mark` (the
/// PAGE_BREAK) goes before the first text that came from the new page.
fn merge_rows(a: Vec<String>, b: Vec<String>, mark: &str, vocab: &Vocab) -> Vec<String> {
    let n = a.len().max(b.len());
    let mut out = Vec::with_capacity(n);
    let mut mark_left = mark;
    for i in 0..n {
        let x = a.get(i).cloned().unwrap_or_default();
        let y = b.get(i).cloned().unwrap_or_default();
        if y.is_empty() {
            out.push(x);
            continue;
        }
        let mut c = x;
        if c.is_empty() {
            c.push_str(mark_left);
            c.push_str(&y);
        } else {
            append_joined(&mut c, mark_left, &y, vocab);
        }
        mark_left = "";
        out.push(c);
    }
    if !mark_left.is_empty() {
        if let Some(first) = out.first_mut() {
            first.insert_str(0, mark_left);
        }
    }
    out
}
