//! Running headers / footers and page numbers: the lines repeated at the
//! same height in the top or bottom margin of many pages (digits folded, so
//! « Page 3 » matches « Page 4 ») and page numbers are page furniture, not
//! text; they are removed before paragraphs are joined across page breaks.
//! The most repeated running header is kept as a title candidate.

use std::collections::{HashMap, HashSet};

use super::{fcmp, median, Block, PageOut};

/// Text of a piece with digits folded, for matching running headers.
fn furniture_key(s: &str) -> String {
    let mut k = String::new();
    let mut last_digit = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !last_digit {
                k.push('#');
            }
            last_digit = true;
        } else {
            last_digit = false;
            for l in c.to_lowercase() {
                if !l.is_whitespace() {
                    k.push(l);
                }
            }
        }
    }
    k
}

/// « Page 3 / 12 », « 3 / 12 », « - 3 - », « 3 », « p. 3 », « 3 sur 12 ».
pub fn is_page_number(s: &str) -> bool {
    let t: String = s.trim().to_lowercase();
    let t =
        t.trim_matches(|c: char| matches!(c, '-' | '–' | '—' | ' ' | '|' | '[' | ']' | '(' | ')'));
    let prefixed = t.starts_with("page") || t.starts_with("p.");
    let t = t
        .strip_prefix("page")
        .or_else(|| t.strip_prefix("p."))
        .unwrap_or(t)
        .trim();
    if t.is_empty() {
        return false;
    }
    // A bare number is a page number up to 999 (not a year).
    if !prefixed && t.chars().all(|c| c.is_ascii_digit()) {
        return t.len() <= 3;
    }
    let mut parts = Vec::new();
    for sep in ["/", " sur ", " de ", " of "] {
        if let Some((a, b)) = t.split_once(sep) {
            parts = vec![a.trim().to_string(), b.trim().to_string()];
            break;
        }
    }
    if parts.is_empty() {
        parts.push(t.to_string());
    }
    parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
}

/// A piece of a line near the top or bottom of a page that may be page furniture.
struct Cand {
    page: usize,
    block: usize,
    line: usize,
    piece: usize,
    top: bool,
    y: f64,
    key: String,
    text: String,
    /// In the outer margin band, smaller than the page's body text.
    outer_small: bool,
    /// Looks like page furniture rather than the first/last line of the
    /// body: in the outer band, or smaller than the body text, or set
    /// apart by a wide gap.
    margin_like: bool,
}

/// A piece of a line: (page, block, line, piece).
type PieceId = (usize, usize, usize, usize);

/// Removes running headers / footers and page numbers; returns the most
/// repeated running header (a title candidate).
pub(super) fn remove_furniture(pages: &mut [PageOut], title: Option<&str>) -> Option<String> {
    let n = pages.len();
    let title_key = title.map(furniture_key).filter(|k| k.chars().count() >= 4);
    // Candidates: the three highest and three lowest lines of each page, in the margins.
    let mut cands: Vec<Cand> = Vec::new();
    for (p, pg) in pages.iter().enumerate() {
        page_candidates(p, pg, &mut cands);
    }
    let (remove, best_header) = furniture_pieces(&cands, n, title_key.as_deref());
    if remove.is_empty() {
        return None;
    }
    drop_pieces(pages, &remove);
    best_header.map(|(_, t)| t)
}

/// Body size: the size carrying the most characters on the page.
fn body_size(pg: &PageOut) -> f64 {
    let mut by_size: HashMap<i64, usize> = HashMap::new();
    for l in pg.text_blocks().flatten() {
        *by_size.entry((l.size * 4.0).round() as i64).or_default() += l.text.len();
    }
    by_size
        .iter()
        .max_by_key(|(s, n)| (**n, **s))
        .map(|(s, _)| *s as f64 / 4.0)
        .unwrap_or(10.0)
}

/// The pieces of the three highest and three lowest lines of page `p`, when
/// they sit in the top / bottom 15 % of the page.
fn page_candidates(p: usize, pg: &PageOut, cands: &mut Vec<Cand>) {
    let h = (pg.y1 - pg.y0).max(1.0);
    let mut ys: Vec<(f64, usize, usize)> = Vec::new();
    for (b, bl) in pg.blocks.iter().enumerate() {
        if let Block::Text(lines) = bl {
            for (l, line) in lines.iter().enumerate() {
                ys.push((line.y, b, l));
            }
        }
    }
    ys.sort_by(|a, b| fcmp(b.0, a.0));
    let k = ys.len();
    let body_size = body_size(pg);
    let mut chosen: Vec<(f64, usize, usize, bool)> = Vec::new();
    for (i, &(y, b, l)) in ys.iter().enumerate() {
        if i < 3 && y >= pg.y0 + 0.85 * h {
            chosen.push((y, b, l, true));
        } else if i + 3 >= k && y <= pg.y0 + 0.15 * h {
            chosen.push((y, b, l, false));
        }
    }
    for (y, b, l, top) in chosen {
        if let Block::Text(lines) = &pg.blocks[b] {
            let line = &lines[l];
            let outer = y >= pg.y0 + 0.92 * h || y <= pg.y0 + 0.08 * h;
            let outer_small = outer && line.size < 0.95 * body_size;
            // Distance to the nearest other line of the page.
            let gap = ys
                .iter()
                .filter(|o| !(o.1 == b && o.2 == l))
                .map(|o| (o.0 - y).abs())
                .fold(f64::INFINITY, f64::min);
            let margin_like = outer
                || line.size < 0.95 * body_size
                || (gap >= 2.5 * body_size.max(line.size) && line.size <= 1.05 * body_size);
            for (pi, piece) in line.pieces.iter().enumerate() {
                cands.push(Cand {
                    page: p,
                    block: b,
                    line: l,
                    piece: pi,
                    top,
                    y,
                    key: furniture_key(&piece.2),
                    text: piece.2.clone(),
                    outer_small,
                    margin_like,
                });
            }
        }
    }
}

/// The candidate pieces to drop (page numbers, the title in the margin, text
/// repeated at the same height on enough pages), and the best running
/// header as (pages it is on, text).
fn furniture_pieces(
    cands: &[Cand],
    n: usize,
    title_key: Option<&str>,
) -> (HashSet<PieceId>, Option<(usize, String)>) {
    // Pages on which each (zone, key) appears, and its usual height.
    let mut seen: HashMap<(bool, String), (HashSet<usize>, Vec<f64>)> = HashMap::new();
    for c in cands {
        let e = seen.entry((c.top, c.key.clone())).or_default();
        e.0.insert(c.page);
        e.1.push(c.y);
    }
    let mut remove: HashSet<PieceId> = HashSet::new();
    let mut best_header: Option<(usize, String)> = None;
    for c in cands {
        // A bare number only in the margins; « Page 3 / 12 » anywhere in the zone.
        let bare = c.text.trim().chars().all(|ch| ch.is_ascii_digit());
        let mut drop = (is_page_number(&c.text) && (c.margin_like || !bare))
            // The document's title repeated in the page margin (running header of a short file).
            || (c.outer_small && title_key == Some(c.key.as_str()));
        if let (Some((pages_set, ys)), true) = (seen.get(&(c.top, c.key.clone())), c.margin_like) {
            let count = pages_set.len();
            if n >= 2 && count >= 2 && (count * 2 >= n || count >= 3) && !c.key.is_empty() {
                let mut ys = ys.clone();
                let my = median(&mut ys).unwrap_or(c.y);
                if (c.y - my).abs() <= 3.0 {
                    drop = true;
                    // A title candidate: at the top of most pages, page number aside.
                    let text = c.text.trim_end_matches(|ch: char| {
                        ch.is_ascii_digit() || ch.is_whitespace() || ch == '/' || ch == '-'
                    });
                    if c.top
                        && count * 2 >= n
                        && text.chars().filter(|ch| ch.is_alphabetic()).count() >= 4
                        && best_header.as_ref().is_none_or(|(k, _)| count > *k)
                    {
                        best_header = Some((count, text.to_string()));
                    }
                }
            }
        }
        if drop {
            remove.insert((c.page, c.block, c.line, c.piece));
        }
    }
    (remove, best_header)
}

/// Drops the pieces in `remove`: a line loses them (and its bullet), a line
/// left with no piece goes, and so does a block left empty.
fn drop_pieces(pages: &mut [PageOut], remove: &HashSet<PieceId>) {
    for (p, pg) in pages.iter_mut().enumerate() {
        for (b, bl) in pg.blocks.iter_mut().enumerate() {
            if let Block::Text(lines) = bl {
                let mut l = 0;
                let mut idx = 0;
                lines.retain_mut(|line| {
                    let my = idx;
                    idx += 1;
                    let gone: Vec<usize> = (0..line.pieces.len())
                        .filter(|&pi| remove.contains(&(p, b, my, pi)))
                        .collect();
                    if gone.is_empty() {
                        l += 1;
                        return true;
                    }
                    if gone.len() == line.pieces.len() {
                        return false;
                    }
                    let keep: Vec<(f64, f64, String)> = line
                        .pieces
                        .iter()
                        .enumerate()
                        .filter(|(pi, _)| !gone.contains(pi))
                        .map(|(_, x)| x.clone())
                        .collect();
                    line.text = keep
                        .iter()
                        .map(|x| x.2.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    line.x0 = keep.first().map(|x| x.0).unwrap_or(line.x0);
                    line.text_x0 = line.x0;
                    line.x1 = keep.last().map(|x| x.1).unwrap_or(line.x1);
                    line.bullet = false;
                    line.weak_bullet = None;
                    line.pieces = keep;
                    l += 1;
                    true
                });
            }
        }
        pg.blocks.retain(|b| match b {
            Block::Text(l) => !l.is_empty(),
            Block::Rows { rows, .. } => !rows.is_empty(),
        });
    }
}
