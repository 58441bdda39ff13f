//! Ruled tables: thin painted rectangles and stroked segments become ruling
//! lines, connected rulings become grids, and the runs inside a grid's cells
//! become table rows (written one per line with `\t` between cells), so a
//! table is not read as columns of text or interleaved lines.

use std::collections::HashMap;

use super::columns::{Item, ItemKind};
use super::lines::build_lines;
use super::{fcmp, Line, Run, Shape};

/// Rows → cells → lines of a ruled table, and whether it runs off the page top / bottom.
pub(super) type TableRows = (Vec<Vec<Vec<Line>>>, bool, bool);

/// The ruled tables of a page: their rows, one reading-order item per table
/// (its `ItemKind::Table` indexes `tables`), and the runs outside any table.
pub(super) struct RuledTables {
    pub(super) tables: Vec<TableRows>,
    pub(super) items: Vec<Item>,
    pub(super) free_runs: Vec<Run>,
}

/// Finds the grids drawn by `shapes` and fills them with `runs`.
pub(super) fn ruled_tables(runs: Vec<Run>, shapes: &[Shape], bullets: &[Shape]) -> RuledTables {
    let grids = find_grids(shapes);
    let (mut cell_runs, mut free_runs) = runs_by_cell(runs, &grids);
    // A grid is a table only if some row has two cells with text.
    let mut tables: Vec<TableRows> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    for (gi, g) in grids.iter().enumerate() {
        if !is_table(g, &cell_runs[gi]) {
            for v in std::mem::take(&mut cell_runs[gi]) {
                free_runs.extend(v);
            }
            continue;
        }
        let rows = table_rows(g, &mut cell_runs[gi], bullets);
        let idx = tables.len();
        tables.push((rows, g.open_top, g.open_bottom));
        items.push(Item {
            x0: g.x0,
            x1: g.x1,
            y0: g.y0,
            y1: g.y1,
            size: 10.0,
            kind: ItemKind::Table(idx),
        });
    }
    RuledTables {
        tables,
        items,
        free_runs,
    }
}

/// Runs per grid and cell; the runs outside every grid, in their order.
fn runs_by_cell(runs: Vec<Run>, grids: &[Grid]) -> (Vec<Vec<Vec<Run>>>, Vec<Run>) {
    let mut cell_runs: Vec<Vec<Vec<Run>>> = grids
        .iter()
        .map(|g| vec![Vec::new(); g.cells.len()])
        .collect();
    let mut free_runs = Vec::new();
    'runs: for r in runs {
        for (gi, g) in grids.iter().enumerate() {
            if let Some(ci) = cell_of(g, &r) {
                cell_runs[gi][ci].push(r);
                continue 'runs;
            }
        }
        free_runs.push(r);
    }
    (cell_runs, free_runs)
}

/// A table has two columns or more, text, and cells of a reasonable
/// height (a frame around the page with one vertical rule is no table).
fn is_table(g: &Grid, cell_runs: &[Vec<Run>]) -> bool {
    let filled = cell_runs.iter().filter(|v| !v.is_empty()).count();
    let tallest = cell_runs
        .iter()
        .map(|v| {
            let mut ys: Vec<i64> = v.iter().map(|r| (r.y * 2.0).round() as i64).collect();
            ys.sort();
            ys.dedup();
            ys.len()
        })
        .max()
        .unwrap_or(0);
    !(g.ncols < 2 || filled == 0 || tallest > 60)
}

/// The rows of a grid with text, cells laid out as lines (the runs are taken
/// out of `cell_runs`); a cell spanning down from a row above is left empty.
fn table_rows(g: &Grid, cell_runs: &mut [Vec<Run>], bullets: &[Shape]) -> Vec<Vec<Vec<Line>>> {
    let mut rows: Vec<Vec<Vec<Line>>> = Vec::new();
    for row in 0..g.nrows {
        let mut cells_out: Vec<Vec<Line>> = Vec::new();
        let mut any = false;
        let mut col = 0;
        while col < g.ncols {
            if let Some(ci) = g.cells.iter().position(|c| c.row == row && c.col == col) {
                let lines = build_lines(std::mem::take(&mut cell_runs[ci]), bullets);
                any |= !lines.is_empty();
                cells_out.push(lines);
                col = g.cells[ci].col_end + 1;
            } else if let Some(c) = g
                .cells
                .iter()
                .find(|c| c.row < row && row <= c.row_end && c.col <= col && col <= c.col_end)
            {
                // Covered by a cell spanning from a row above: "same as above".
                cells_out.push(Vec::new());
                col = c.col_end + 1;
            } else {
                col += 1;
            }
        }
        if any {
            rows.push(cells_out);
        }
    }
    rows
}

#[derive(Clone, Copy, Debug)]
struct HSeg {
    y: f64,
    x0: f64,
    x1: f64,
}
#[derive(Clone, Copy, Debug)]
struct VSeg {
    x: f64,
    y0: f64,
    y1: f64,
}

#[derive(Clone, Debug)]
struct Cell {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    row: usize,
    col: usize,
    /// Last grid row the cell covers (rowspan).
    row_end: usize,
    col_end: usize,
}

#[derive(Clone, Debug)]
struct Grid {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    nrows: usize,
    ncols: usize,
    cells: Vec<Cell>,
    open_top: bool,
    open_bottom: bool,
}

struct Dsu(Vec<usize>);
impl Dsu {
    fn new(n: usize) -> Dsu {
        Dsu((0..n).collect())
    }
    fn find(&mut self, mut a: usize) -> usize {
        while self.0[a] != a {
            self.0[a] = self.0[self.0[a]];
            a = self.0[a];
        }
        a
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// A ruling line as (position across, start, end along), whatever its direction.
trait Segment: Copy {
    fn span(&self) -> (f64, f64, f64);
    fn set_extent(&mut self, from: f64, to: f64);
}

impl Segment for HSeg {
    fn span(&self) -> (f64, f64, f64) {
        (self.y, self.x0, self.x1)
    }
    fn set_extent(&mut self, from: f64, to: f64) {
        (self.x0, self.x1) = (from, to);
    }
}

impl Segment for VSeg {
    fn span(&self) -> (f64, f64, f64) {
        (self.x, self.y0, self.y1)
    }
    fn set_extent(&mut self, from: f64, to: f64) {
        (self.y0, self.y1) = (from, to);
    }
}

/// Ruling lines drawn in pieces (one per cell border) joined into whole lines.
fn merge_segments<S: Segment>(mut v: Vec<S>) -> Vec<S> {
    v.sort_by(|a, b| {
        let (a, b) = (a.span(), b.span());
        fcmp(a.0, b.0).then(fcmp(a.1, b.1))
    });
    let mut out: Vec<S> = Vec::new();
    for s in v {
        let (at, from, to) = s.span();
        if let Some(l) = out.iter_mut().rev().take(8).find(|l| {
            let (l_at, l_from, l_to) = l.span();
            (l_at - at).abs() <= 1.5 && from <= l_to + 2.0 && to >= l_from - 2.0
        }) {
            let (_, l_from, l_to) = l.span();
            l.set_extent(l_from.min(from), l_to.max(to));
            continue;
        }
        out.push(s);
    }
    out
}

fn cluster_values(mut v: Vec<f64>, tol: f64) -> Vec<f64> {
    v.sort_by(|a, b| fcmp(*a, *b));
    let mut out: Vec<(f64, usize)> = Vec::new();
    for x in v {
        match out.last_mut() {
            Some((m, n)) if x - *m / (*n as f64) <= tol && (x - (*m / *n as f64)).abs() <= tol => {
                *m += x;
                *n += 1;
            }
            _ => out.push((x, 1)),
        }
    }
    out.into_iter().map(|(m, n)| m / n as f64).collect()
}

/// Tables drawn with ruling lines (cell borders).
fn find_grids(shapes: &[Shape]) -> Vec<Grid> {
    let (hs, vs) = ruling_segments(shapes);
    if hs.len() < 2 || vs.len() < 2 {
        return Vec::new();
    }
    let hs = merge_segments(hs);
    let vs = merge_segments(vs);
    // Every pair is tested below: bound the work on pathological pages.
    if hs.len().saturating_mul(vs.len()) > 4_000_000 {
        return Vec::new();
    }
    touching_components(&hs, &vs)
        .iter()
        .filter_map(|(h, v)| grid_of(h, v))
        .collect()
}

/// Thin shapes as horizontal and vertical ruling segments.
fn ruling_segments(shapes: &[Shape]) -> (Vec<HSeg>, Vec<VSeg>) {
    let mut hs = Vec::new();
    let mut vs = Vec::new();
    for s in shapes.iter().take(200_000) {
        let (w, h) = (s.x1 - s.x0, s.y1 - s.y0);
        if !(w.is_finite() && h.is_finite()) {
            continue;
        }
        if h <= 2.5 && w >= 5.0 && w > 3.0 * h {
            hs.push(HSeg {
                y: (s.y0 + s.y1) / 2.0,
                x0: s.x0,
                x1: s.x1,
            });
        } else if w <= 2.5 && h >= 5.0 && h > 3.0 * w {
            vs.push(VSeg {
                x: (s.x0 + s.x1) / 2.0,
                y0: s.y0,
                y1: s.y1,
            });
        }
    }
    (hs, vs)
}

/// Connected components of touching segments, in a stable order.
fn touching_components(hs: &[HSeg], vs: &[VSeg]) -> Vec<(Vec<HSeg>, Vec<VSeg>)> {
    let nh = hs.len();
    let mut dsu = Dsu::new(nh + vs.len());
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if v.x >= h.x0 - 2.0 && v.x <= h.x1 + 2.0 && h.y >= v.y0 - 2.0 && h.y <= v.y1 + 2.0 {
                dsu.union(i, nh + j);
            }
        }
    }
    let mut comps: HashMap<usize, (Vec<HSeg>, Vec<VSeg>)> = HashMap::new();
    for (i, h) in hs.iter().enumerate() {
        let r = dsu.find(i);
        comps.entry(r).or_default().0.push(*h);
    }
    for (j, v) in vs.iter().enumerate() {
        let r = dsu.find(nh + j);
        comps.entry(r).or_default().1.push(*v);
    }
    let mut keys: Vec<usize> = comps.keys().copied().collect();
    keys.sort();
    keys.into_iter().filter_map(|k| comps.remove(&k)).collect()
}

/// The grid drawn by one component of rulings, if it has cells.
fn grid_of(h: &[HSeg], v: &[VSeg]) -> Option<Grid> {
    if h.is_empty() || v.is_empty() || h.len() + v.len() < 3 {
        return None;
    }
    let (xs, ys, open_top, open_bottom) = grid_lines(h, v);
    if xs.len() < 2 || ys.len() < 2 || xs.len() > 80 || ys.len() > 400 {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    let cells = grid_cells(h, v, &xs, &ys);
    Some(Grid {
        x0: xs[0],
        x1: xs[nc],
        y0: ys[nr],
        y1: ys[0],
        nrows: nr,
        ncols: nc,
        cells,
        open_top,
        open_bottom,
    })
}

/// Column edges (left to right) and row edges (top first) of a grid, and
/// whether it runs off the page at the top / bottom.
fn grid_lines(h: &[HSeg], v: &[VSeg]) -> (Vec<f64>, Vec<f64>, bool, bool) {
    // Rules running past the outermost crossing rule: a row cut by the end
    // (or the start) of the page has no border there, close it anyway.
    let mut xv: Vec<f64> = v.iter().map(|s| s.x).collect();
    let mut yv: Vec<f64> = h.iter().map(|s| s.y).collect();
    let (hx0, hx1) = (
        h.iter().map(|s| s.x0).fold(f64::INFINITY, f64::min),
        h.iter().map(|s| s.x1).fold(f64::NEG_INFINITY, f64::max),
    );
    let (vy0, vy1) = (
        v.iter().map(|s| s.y0).fold(f64::INFINITY, f64::min),
        v.iter().map(|s| s.y1).fold(f64::NEG_INFINITY, f64::max),
    );
    let (xmin, xmax) = (
        xv.iter().copied().fold(f64::INFINITY, f64::min),
        xv.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let (ymin, ymax) = (
        yv.iter().copied().fold(f64::INFINITY, f64::min),
        yv.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    if hx0 < xmin - 3.0 {
        xv.push(hx0);
    }
    if hx1 > xmax + 3.0 {
        xv.push(hx1);
    }
    let open_bottom = vy0 < ymin - 3.0;
    let open_top = vy1 > ymax + 3.0;
    if open_bottom {
        yv.push(vy0);
    }
    if open_top {
        yv.push(vy1);
    }
    let xs = cluster_values(xv, 2.5);
    let mut ys = cluster_values(yv, 2.5);
    ys.reverse(); // top first
    (xs, ys, open_top, open_bottom)
}

/// Cells of a grid: neighbouring grid squares not separated by a rule (over
/// half the border) are one merged cell (rowspan / colspan).
fn grid_cells(h: &[HSeg], v: &[VSeg], xs: &[f64], ys: &[f64]) -> Vec<Cell> {
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    let id = |i: usize, j: usize| i * nc + j;
    let mut d = Dsu::new(nr * nc);
    let covers_v = |x: f64, ya: f64, yb: f64| {
        let need = 0.5 * (yb - ya);
        v.iter()
            .filter(|s| (s.x - x).abs() <= 2.5)
            .map(|s| (s.y1.min(yb) - s.y0.max(ya)).max(0.0))
            .sum::<f64>()
            >= need
    };
    let covers_h = |y: f64, xa: f64, xb: f64| {
        let need = 0.5 * (xb - xa);
        h.iter()
            .filter(|s| (s.y - y).abs() <= 2.5)
            .map(|s| (s.x1.min(xb) - s.x0.max(xa)).max(0.0))
            .sum::<f64>()
            >= need
    };
    for i in 0..nr {
        for j in 0..nc {
            if j + 1 < nc && !covers_v(xs[j + 1], ys[i + 1], ys[i]) {
                d.union(id(i, j), id(i, j + 1));
            }
            if i + 1 < nr && !covers_h(ys[i + 1], xs[j], xs[j + 1]) {
                d.union(id(i, j), id(i + 1, j));
            }
        }
    }
    // Ordered by union root, so cells with the same top-left (an L-shaped merge) keep one
    // order from run to run under the stable sort below.
    let mut cells: std::collections::BTreeMap<usize, Cell> = std::collections::BTreeMap::new();
    for i in 0..nr {
        for j in 0..nc {
            let r = d.find(id(i, j));
            let c = cells.entry(r).or_insert(Cell {
                x0: xs[j],
                x1: xs[j + 1],
                y0: ys[i + 1],
                y1: ys[i],
                row: i,
                col: j,
                row_end: i,
                col_end: j,
            });
            c.x0 = c.x0.min(xs[j]);
            c.x1 = c.x1.max(xs[j + 1]);
            c.y0 = c.y0.min(ys[i + 1]);
            c.y1 = c.y1.max(ys[i]);
            c.row = c.row.min(i);
            c.col = c.col.min(j);
            c.row_end = c.row_end.max(i);
            c.col_end = c.col_end.max(j);
        }
    }
    let mut cells: Vec<Cell> = cells.into_values().collect();
    cells.sort_by_key(|c| (c.row, c.col));
    cells
}

/// Which cell of the grid a run belongs to (center inside, else nearest).
fn cell_of(g: &Grid, r: &Run) -> Option<usize> {
    let cx = (r.x0 + r.x1) / 2.0;
    let cy = r.y + 0.3 * r.size;
    if cx < g.x0 - 1.0 || cx > g.x1 + 1.0 || cy < g.y0 - 1.0 || cy > g.y1 + 1.0 {
        return None;
    }
    let mut best = None;
    let mut bd = f64::INFINITY;
    for (k, c) in g.cells.iter().enumerate() {
        let dx = (c.x0 - cx).max(cx - c.x1).max(0.0);
        let dy = (c.y0 - cy).max(cy - c.y1).max(0.0);
        let d = dx + dy;
        if d < bd {
            bd = d;
            best = Some(k);
        }
        if d == 0.0 {
            break;
        }
    }
    best
}
