//! Reading order: a recursive XY cut over the page's phrases and ruled
//! tables. Horizontal slabs separated by white space are grouped while they
//! share a vertical gutter; a group with a real gutter is split into columns
//! read one after the other, unless it reads as a borderless table, row by
//! row: rows spaced apart (white across every column, so a label centred
//! beside a long value stays in its row; a column holding two, such as an axe
//! beside its objectifs, split in two), or blocks or lines level across the
//! columns. Without this, two columns would be read across, line by line.

use std::collections::HashMap;

use super::bullets::is_marker;
use super::lines::{cluster_lines, span};
use super::{fcmp, median, Run};

#[derive(Clone, Debug)]
pub(super) enum ItemKind {
    Text(Run),
    Table(usize),
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
    pub(super) size: f64,
    pub(super) kind: ItemKind,
}

#[derive(Debug)]
pub(super) enum Leaf {
    Text(Vec<Run>),
    Table(usize),
    Grid(Vec<Vec<Vec<Run>>>),
}

type Intervals = Vec<(f64, f64)>;

fn free_intervals(items: &[Item], lo: f64, hi: f64) -> Intervals {
    let mut spans: Vec<(f64, f64)> = items.iter().map(|i| (i.x0, i.x1)).collect();
    spans.sort_by(|a, b| fcmp(a.0, b.0));
    let mut out = Vec::new();
    let mut cur = lo;
    for (a, b) in spans {
        if a > cur {
            out.push((cur, a));
        }
        cur = cur.max(b);
    }
    if hi > cur {
        out.push((cur, hi));
    }
    out
}

fn intersect(a: &Intervals, b: &Intervals) -> Intervals {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if hi > lo {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Intervals wide enough with text on both sides.
fn interior(iv: &Intervals, items: &[&Item], gmin: f64) -> Intervals {
    iv.iter()
        .copied()
        .filter(|&(lo, hi)| {
            hi - lo >= gmin
                && items.iter().any(|i| i.x1 <= lo + 0.01)
                && items.iter().any(|i| i.x0 >= hi - 0.01)
        })
        .collect()
}

/// A vertical band free of text is a gutter between columns (or table
/// columns) when several lines sit on each side of it and the text on one
/// side is aligned on it; not when wide justified spaces of a few lines
/// happen to line up, nor when a short line leaves blank space on its right.
fn real_gutter(items: &[&Item], a: f64, b: f64, em: f64) -> bool {
    // Per baseline: the last item left of the band, the first item right of it.
    let mut left: HashMap<i64, f64> = HashMap::new();
    let mut right: HashMap<i64, f64> = HashMap::new();
    // List markers ("–", "•", "1.") set a tab away from their text are no column.
    let markers_only = items
        .iter()
        .filter(|i| i.x1 <= a + 0.01)
        .all(|i| matches!(&i.kind, ItemKind::Text(r) if is_marker(&r.text)));
    if markers_only {
        return false;
    }
    for i in items {
        let key = (i.y0 * 2.0).round() as i64;
        if i.x1 <= a + 0.01 {
            let e = left.entry(key).or_insert(f64::NEG_INFINITY);
            *e = e.max(i.x1);
        } else if i.x0 >= b - 0.01 {
            let e = right.entry(key).or_insert(f64::INFINITY);
            *e = e.min(i.x0);
        }
    }
    let n = left.len().min(right.len());
    let wide = b - a >= 2.5 * em;
    if n < 4 && !(n >= 2 && wide) {
        return false;
    }
    let touch_r = right.values().filter(|&&x| x <= b + 1.5).count() as f64 / right.len() as f64;
    let touch_l = left.values().filter(|&&x| x >= a - 1.5).count() as f64 / left.len() as f64;
    touch_r >= 0.5 || touch_l >= 0.5 || few_left_edges(right.values().copied(), b, em)
}

/// Whether the lines right of a band start on a few left edges near it (a column's text,
/// its bullets and their indents, as a word processor sets them beside a ragged column):
/// four lines in five on at most three edges shared by two lines or more, within five
/// ems of the band. Words after wide justified spaces start anywhere.
fn few_left_edges(starts: impl Iterator<Item = f64>, band_end: f64, em: f64) -> bool {
    let mut starts: Vec<f64> = starts.collect();
    starts.sort_by(|x, y| fcmp(*x, *y));
    let n = starts.len();
    let mut edges = 0;
    let mut on_edges = 0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && starts[j] - starts[i] <= 1.5 {
            j += 1;
        }
        if j - i >= 2 && starts[i] <= band_end + 5.0 * em {
            edges += 1;
            on_edges += j - i;
        }
        i = j;
    }
    edges <= 3 && on_edges * 5 >= n * 4
}

struct Group {
    slabs: Vec<Vec<Item>>,
    free: Intervals,
}

pub(super) fn order_items(items: Vec<Item>, depth: usize, out: &mut Vec<Leaf>) {
    if items.is_empty() {
        return;
    }
    let mut sizes: Vec<f64> = items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Text(_)))
        .map(|i| i.size)
        .collect();
    let em = median(&mut sizes).unwrap_or(10.0);
    let gmin = (0.9 * em).max(4.0);
    let lo = items.iter().map(|i| i.x0).fold(f64::INFINITY, f64::min);
    let hi = items.iter().map(|i| i.x1).fold(f64::NEG_INFINITY, f64::max);
    let mut items = items;
    items.sort_by(|a, b| fcmp(b.y1, a.y1).then(fcmp(a.x0, b.x0)));
    // Horizontal slabs separated by white space.
    let mut slabs: Vec<Vec<Item>> = Vec::new();
    let mut bottom = f64::INFINITY;
    for it in items {
        if slabs.is_empty() || it.y1 <= bottom + 0.01 {
            bottom = it.y0;
            slabs.push(vec![it]);
        } else {
            bottom = bottom.min(it.y0);
            if let Some(s) = slabs.last_mut() {
                s.push(it);
            }
        }
    }
    // Consecutive slabs sharing a gutter form a group.
    let mut groups: Vec<Group> = Vec::new();
    let mut prev_bottom = f64::INFINITY;
    for slab in slabs {
        let f = free_intervals(&slab, lo, hi);
        let top = slab.iter().map(|i| i.y1).fold(f64::NEG_INFINITY, f64::max);
        let far = prev_bottom - top > 3.0 * em;
        prev_bottom = slab.iter().map(|i| i.y0).fold(f64::INFINITY, f64::min);
        if let (Some(g), false) = (groups.last_mut(), far) {
            let cand = intersect(&g.free, &f);
            let all: Vec<&Item> = g.slabs.iter().flatten().chain(slab.iter()).collect();
            let cand = interior(&cand, &all, gmin);
            if !cand.is_empty() {
                g.slabs.push(slab);
                g.free = cand;
                continue;
            }
        }
        groups.push(Group {
            slabs: vec![slab],
            free: f,
        });
    }
    let mut acc: Vec<Run> = Vec::new();
    let flush = |acc: &mut Vec<Run>, out: &mut Vec<Leaf>| {
        if !acc.is_empty() {
            out.push(Leaf::Text(std::mem::take(acc)));
        }
    };
    for g in groups {
        let all: Vec<&Item> = g.slabs.iter().flatten().collect();
        let gutters: Intervals = if depth < 12 {
            interior(&g.free, &all, gmin)
                .into_iter()
                .filter(|&(a, b)| real_gutter(&all, a, b, em))
                .collect()
        } else {
            Vec::new()
        };
        if gutters.is_empty() {
            for it in g.slabs.into_iter().flatten() {
                match it.kind {
                    ItemKind::Text(r) => acc.push(r),
                    ItemKind::Table(t) => {
                        flush(&mut acc, out);
                        out.push(Leaf::Table(t));
                    }
                }
            }
            continue;
        }
        flush(&mut acc, out);
        let mut cols: Vec<Vec<Item>> = vec![Vec::new(); gutters.len() + 1];
        for it in g.slabs.into_iter().flatten() {
            let k = gutters.iter().filter(|&&(a, _)| it.x0 >= a).count();
            cols[k].push(it);
        }
        cols.retain(|c| !c.is_empty());
        if let Some(rows) = borderless_table(&cols) {
            out.push(Leaf::Grid(rows));
        } else {
            for c in cols {
                order_items(c, depth + 1, out);
            }
        }
    }
    flush(&mut acc, out);
}

struct ColLine {
    y: f64,
    x1: f64,
    size: f64,
}

/// Columns whose blocks (or lines) start at the same heights form a table:
/// returns its rows (cells as runs), or None for ordinary columns of text.
fn borderless_table(cols: &[Vec<Item>]) -> Option<Vec<Vec<Vec<Run>>>> {
    if cols.len() < 2
        || cols
            .iter()
            .any(|c| c.iter().any(|i| matches!(i.kind, ItemKind::Table(_))))
    {
        return None;
    }
    let runs = column_runs(cols);
    let lines = column_lines(&runs);
    let em = lines
        .iter()
        .flatten()
        .map(|l| l.size)
        .fold(0.0, f64::max)
        .max(1.0);
    // Rows told apart by the space between them, wherever each cell's lines sit.
    match rows_by_bands(&lines) {
        Bands::Rows(anchors) => {
            let runs = split_inner_columns(runs, &anchors, em);
            let ncols = runs.len();
            return rows_at(runs, anchors, ncols, em);
        }
        Bands::Text => return None,
        Bands::Unclear => {}
    }
    // Block tops: a block is a run of lines at normal pitch.
    let tops = block_tops(&lines);
    let by_blocks = aligned_by_blocks(&tops, em);
    let by_lines = aligned_by_lines(cols, &lines, em);
    if !by_blocks && !by_lines {
        return None;
    }
    // Row anchors: aligned block tops (or every line for one-line rows).
    let anchors: Vec<f64> = if by_blocks {
        tops.iter().flatten().copied().collect()
    } else {
        lines.iter().flatten().map(|l| l.y).collect()
    };
    rows_at(runs, anchors, cols.len(), em)
}

/// The text runs of each column.
fn column_runs(cols: &[Vec<Item>]) -> Vec<Vec<Run>> {
    cols.iter()
        .map(|c| {
            c.iter()
                .filter_map(|i| {
                    if let ItemKind::Text(r) = &i.kind {
                        Some(r.clone())
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect()
}

/// The lines of each column: baseline, right end, biggest size.
fn column_lines(runs: &[Vec<Run>]) -> Vec<Vec<ColLine>> {
    runs.iter()
        .map(|c| {
            cluster_lines(c.clone())
                .into_iter()
                .map(|l| {
                    let (_, x1) = span(&l);
                    ColLine {
                        y: l[0].y,
                        x1,
                        size: l.iter().map(|r| r.size).fold(0.0, f64::max),
                    }
                })
                .collect()
        })
        .collect()
}

/// Baselines of the first line of each block of each column.
fn block_tops(lines: &[Vec<ColLine>]) -> Vec<Vec<f64>> {
    lines
        .iter()
        .map(|ls| {
            let mut t = Vec::new();
            for (k, l) in ls.iter().enumerate() {
                if k == 0 || ls[k - 1].y - l.y > 1.6 * l.size.max(ls[k - 1].size) {
                    t.push(l.y);
                }
            }
            t
        })
        .collect()
}

/// What the white across a group's columns says.
enum Bands {
    /// A table whose rows start at these baselines.
    Rows(Vec<f64>),
    /// Columns of running text: each leaves white at its own heights.
    Text,
    /// Nothing either way: no cell of several lines to give the pitch, fewer than two
    /// bands, or bands mostly with text in one column only.
    Unclear,
}

/// Rows as bands of lines, for tables whose rows are spaced apart (cell padding, space
/// after each paragraph): a row ends where every column leaves more white than between a
/// cell's lines, wherever each cell's lines sit — a label centred beside a long value is
/// level with none of its lines.
fn rows_by_bands(lines: &[Vec<ColLine>]) -> Bands {
    // The pitch of a cell's lines: a column's steps between lines of one block.
    let mut steps: Vec<f64> = lines
        .iter()
        .flat_map(|ls| {
            ls.windows(2).filter_map(|w| {
                let step = w[0].y - w[1].y;
                let size = w[0].size.max(w[1].size);
                (step > 0.5 * size && step <= 1.6 * size).then_some(step)
            })
        })
        .collect();
    let Some(pitch) = median(&mut steps) else {
        return Bands::Unclear;
    };
    let mut all: Vec<(f64, usize)> = lines
        .iter()
        .enumerate()
        .flat_map(|(c, ls)| ls.iter().map(move |l| (l.y, c)))
        .collect();
    all.sort_by(|a, b| fcmp(b.0, a.0));
    let mut anchors: Vec<f64> = Vec::new();
    let mut full_bands = 0;
    let mut band_columns: Vec<usize> = Vec::new();
    let mut close = |columns: &mut Vec<usize>| {
        columns.sort_unstable();
        columns.dedup();
        if columns.len() >= 2 {
            full_bands += 1;
        }
        columns.clear();
    };
    let mut previous: Option<f64> = None;
    for (y, c) in all {
        if previous.is_none_or(|p| p - y > 1.25 * pitch) {
            if previous.is_some() {
                close(&mut band_columns);
            }
            anchors.push(y);
        }
        band_columns.push(c);
        previous = Some(y);
    }
    close(&mut band_columns);
    if anchors.len() < 2 || full_bands < 2 || 2 * full_bands < anchors.len() {
        return Bands::Unclear;
    }
    // A table's columns leave white together, between rows; columns of running text
    // break their paragraphs each at its own height, now and then level by chance.
    let (mut breaks, mut between_bands) = (0, 0);
    for ls in lines {
        for w in ls.windows(2).filter(|w| w[0].y - w[1].y > 1.25 * pitch) {
            breaks += 1;
            if band_of(&anchors, w[0].y, pitch) != band_of(&anchors, w[1].y, pitch) {
                between_bands += 1;
            }
        }
    }
    if 4 * between_bands >= 3 * breaks {
        Bands::Rows(anchors)
    } else {
        Bands::Text
    }
}

/// The columns of a spaced table, with any column that holds two split in two. Cells sit
/// closer together than page columns (a few points of padding), so a column spanning
/// several rows (an axe beside its objectifs) can share a column with its neighbour; in a
/// row where both hold text, the neighbour's lines start on one left edge with white
/// before it on every line ([`inner_edges`]).
fn split_inner_columns(runs: Vec<Vec<Run>>, anchors: &[f64], em: f64) -> Vec<Vec<Run>> {
    let mut out = Vec::with_capacity(runs.len());
    for column in runs {
        let edges = inner_edges(&column, anchors, em);
        if edges.is_empty() {
            out.push(column);
            continue;
        }
        let mut parts: Vec<Vec<Run>> = vec![Vec::new(); edges.len() + 1];
        for r in column {
            let k = edges.iter().filter(|&&e| r.x0 >= e - EDGE_SLACK).count();
            parts[k].push(r);
        }
        out.extend(parts);
    }
    out
}

/// How far two left edges may differ and still be one (points).
const EDGE_SLACK: f64 = 1.5;

/// The left edges, within one column, of an inner column: in some row, the runs of two
/// lines or more start there, the runs of two lines or more end at least
/// [`INNER_GAP`] ems before it, and no run crosses the white between.
fn inner_edges(column: &[Run], anchors: &[f64], em: f64) -> Vec<f64> {
    let mut by_band: Vec<Vec<&Run>> = vec![Vec::new(); anchors.len()];
    for r in column {
        by_band[band_of(anchors, r.y, em)].push(r);
    }
    let line_of = |r: &Run| (r.y * 2.0).round() as i64;
    let mut edges: Vec<f64> = Vec::new();
    for band in &by_band {
        let left_edge = band.iter().map(|r| r.x0).fold(f64::INFINITY, f64::min);
        for candidate in band {
            let edge = candidate.x0;
            if edge - left_edge <= EDGE_SLACK
                || edges.iter().any(|e| (e - edge).abs() <= EDGE_SLACK)
            {
                continue;
            }
            let white_from = edge - INNER_GAP * em;
            if band
                .iter()
                .any(|r| r.x1 > white_from && r.x0 < edge - EDGE_SLACK)
            {
                continue;
            }
            let mut starting: Vec<i64> = band
                .iter()
                .filter(|r| (r.x0 - edge).abs() <= EDGE_SLACK)
                .map(|r| line_of(r))
                .collect();
            let mut ending: Vec<i64> = band
                .iter()
                .filter(|r| r.x1 <= white_from)
                .map(|r| line_of(r))
                .collect();
            starting.sort_unstable();
            starting.dedup();
            ending.sort_unstable();
            ending.dedup();
            if starting.len() >= 2 && ending.len() >= 2 {
                edges.push(edge);
            }
        }
    }
    edges.sort_by(|a, b| fcmp(*a, *b));
    edges
}

/// The white, in ems, before an inner column's left edge.
const INNER_GAP: f64 = 0.45;

/// The band (row) of a baseline `y` among `anchors`, the bands' first baselines from the
/// top: the lowest at or above it.
fn band_of(anchors: &[f64], y: f64, em: f64) -> usize {
    anchors
        .iter()
        .rposition(|&a| a >= y - 0.4 * em)
        .unwrap_or(0)
}

/// At least two rows, and half the blocks start level with a block of
/// another column.
fn aligned_by_blocks(tops: &[Vec<f64>], em: f64) -> bool {
    let nblocks: usize = tops.iter().map(|t| t.len()).sum();
    let mut aligned_blocks = 0;
    let mut row_tops: Vec<f64> = Vec::new();
    for (c, t) in tops.iter().enumerate() {
        for &y in t {
            let hit = tops
                .iter()
                .enumerate()
                .any(|(d, u)| d != c && u.iter().any(|&v| (v - y).abs() <= 0.4 * em));
            if hit {
                aligned_blocks += 1;
                if !row_tops.iter().any(|&v| (v - y).abs() <= 0.4 * em) {
                    row_tops.push(y);
                }
            }
        }
    }
    row_tops.len() >= 2 && aligned_blocks * 2 >= nblocks
}

/// Line by line alignment (tables of one-line rows): the lines of
/// neighbouring columns sit on the same baselines, and the columns do not
/// look like running text (short lines, a narrow column, or three columns).
fn aligned_by_lines(cols: &[Vec<Item>], lines: &[Vec<ColLine>], em: f64) -> bool {
    let mut line_align = 1.0f64;
    for w in lines.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let (small, big) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        if small.is_empty() {
            line_align = 0.0;
            break;
        }
        let hits = small
            .iter()
            .filter(|l| big.iter().any(|m| (m.y - l.y).abs() <= 0.3 * em))
            .count();
        line_align = line_align.min(hits as f64 / small.len() as f64);
    }
    let widths: Vec<f64> = cols
        .iter()
        .map(|c| {
            let a = c.iter().map(|i| i.x0).fold(f64::INFINITY, f64::min);
            let b = c.iter().map(|i| i.x1).fold(f64::NEG_INFINITY, f64::max);
            (b - a).max(1.0)
        })
        .collect();
    let fills: Vec<f64> = cols
        .iter()
        .zip(lines.iter())
        .map(|(c, ls)| {
            let a = c.iter().map(|i| i.x0).fold(f64::INFINITY, f64::min);
            let b = c.iter().map(|i| i.x1).fold(f64::NEG_INFINITY, f64::max);
            let mut f: Vec<f64> = ls.iter().map(|l| (l.x1 - a) / (b - a).max(1.0)).collect();
            median(&mut f).unwrap_or(1.0)
        })
        .collect();
    let min_fill = fills.iter().copied().fold(1.0, f64::min);
    let wmax = widths.iter().copied().fold(0.0, f64::max);
    let wmin = widths.iter().copied().fold(f64::INFINITY, f64::min);
    let nlines_min = lines.iter().map(|l| l.len()).min().unwrap_or(0);
    line_align >= 0.8
        && nlines_min >= 2
        && (min_fill < 0.6 || wmin < 0.35 * wmax || cols.len() >= 3)
}

/// The runs of each column put in the row of the lowest anchor at or above them.
fn rows_at(
    runs: Vec<Vec<Run>>,
    mut anchors: Vec<f64>,
    ncols: usize,
    em: f64,
) -> Option<Vec<Vec<Vec<Run>>>> {
    anchors.sort_by(|a, b| fcmp(*b, *a));
    let mut rows_y: Vec<f64> = Vec::new();
    for y in anchors {
        if rows_y.last().is_none_or(|&v| v - y > 0.4 * em) {
            rows_y.push(y);
        }
    }
    let nrows = rows_y.len();
    if nrows == 0 {
        return None;
    }
    let mut rows: Vec<Vec<Vec<Run>>> = vec![vec![Vec::new(); ncols]; nrows];
    for (c, rs) in runs.into_iter().enumerate() {
        for r in rs {
            rows[band_of(&rows_y, r.y, em)][c].push(r);
        }
    }
    Some(rows)
}
