//! Layout recovery: the positioned text runs and painted shapes of each page
//! become text in maillage's ingest conventions (see CONTRACT.md).
//!
//! Nothing here knows about PDF syntax: `pdf.rs` fills [`PageIn`] from the
//! library, so every rule below can be unit-tested on synthetic pages.
//!
//! Per page:
//! 1. runs are cleaned (ligatures, zero-width characters, explicit spaces);
//! 2. thin painted rectangles / stroked segments become ruling lines; grids of
//!    ruling lines become tables whose cells collect the runs inside them;
//!    small painted blobs left of a line become list bullets;
//! 3. the other runs are merged into phrases (same baseline, small gaps) and
//!    ordered by a recursive XY cut: horizontal slabs are grouped while they
//!    share a vertical gutter, a group with a real gutter is split into
//!    columns read one after the other, unless its blocks line up in rows,
//!    in which case it is a borderless table read row by row;
//! 4. leaves become lines (baseline clusters, spaces from gaps).
//!
//! Per document: running headers/footers and page numbers are removed, then
//! lines are joined into paragraphs (same size, weight and left edge, normal
//! line pitch, previous line full), hyphenated line ends are resolved with a
//! vocabulary taken from the document itself, table rows are written one per
//! line with `\t` between cells.

use super::super::format::PAGE_BREAK;
use std::collections::{HashMap, HashSet};

/// One piece of text as the PDF placed it: `y` is the baseline, page space (y up).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub size: f64,
    pub bold: bool,
    /// A space glyph (or leading/trailing space) sat before / after the text.
    pub sp_before: bool,
    pub sp_after: bool,
}

impl Run {
    pub fn new(text: &str, x0: f64, x1: f64, y: f64, size: f64) -> Run {
        Run {
            text: text.to_string(),
            x0,
            x1,
            y,
            size,
            bold: false,
            sp_before: false,
            sp_after: false,
        }
    }
    fn top(&self) -> f64 {
        self.y + 0.75 * self.size
    }
    fn bottom(&self) -> f64 {
        self.y - 0.25 * self.size
    }
}

/// Bounding box of a painted path (or of one stroked segment, widened by the
/// line width). `blob`: a filled or closed-curve subpath (bullet candidate).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub blob: bool,
}

/// What the PDF side hands over for one page.
#[derive(Clone, Debug, Default)]
pub struct PageIn {
    /// Page box (MediaBox), page space.
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub runs: Vec<Run>,
    pub shapes: Vec<Shape>,
}

/// A visual line after layout recovery.
#[derive(Clone, Debug)]
pub struct Line {
    /// Clean text, single spaces, list bullet removed.
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub size: f64,
    pub bold: bool,
    /// Started with a bullet glyph or a painted bullet.
    pub bullet: bool,
    /// The bullet was a dash followed by a plain space: maybe just a dash
    /// continuing the sentence above (kept as text when the line is joined).
    pub weak_bullet: Option<char>,
    /// x where the text starts (after the bullet).
    pub text_x0: f64,
    /// Width of the first word (would it have fitted on the line before?).
    pub first_w: f64,
    /// The line cut at very wide gaps (page furniture is matched piece by piece).
    pub pieces: Vec<(f64, f64, String)>,
}

#[derive(Clone, Debug)]
pub enum Block {
    /// Lines of one column / region in reading order.
    Text(Vec<Line>),
    /// Table rows → cells → lines. `open_top` / `open_bottom`: the ruling
    /// lines run off the page there (a row cut by the page end).
    Rows {
        rows: Vec<Vec<Vec<Line>>>,
        open_top: bool,
        open_bottom: bool,
    },
}

/// A page laid out: its text box and blocks (the box's horizontal extent is kept
/// for the debugging dump and future column rules).
#[derive(Clone, Debug, Default)]
#[allow(dead_code)]
pub struct PageOut {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub blocks: Vec<Block>,
}

// ---------------------------------------------------------------- characters

/// Ligatures opened, zero-width and control characters dropped, exotic spaces
/// made plain. Soft hyphens are kept (resolved at line ends, dropped elsewhere).
pub fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{200E}'
            | '\u{200F}' => {}
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\t' => {
                out.push(' ')
            }
            '\u{2028}' | '\u{2029}' | '\r' | '\n' => out.push(' '),
            // PAGE_BREAK and the other private marks of ingest must not come from the file.
            '\u{E000}' | '\u{E001}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn fcmp(a: f64, b: f64) -> std::cmp::Ordering {
    a.total_cmp(&b)
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| fcmp(*a, *b));
    Some(v[v.len() / 2])
}

// ---------------------------------------------------------------- runs

/// Cleans the runs of a page, kept in content-stream order: whitespace-only runs
/// become `sp_before`/`sp_after` flags of their neighbours.
fn prepare_runs(raw: &[Run], page: &PageIn) -> Vec<Run> {
    let w = (page.x1 - page.x0).abs().max(1.0);
    let h = (page.y1 - page.y0).abs().max(1.0);
    let (px0, px1) = (
        page.x0.min(page.x1) - 0.05 * w,
        page.x0.max(page.x1) + 0.05 * w,
    );
    let (py0, py1) = (
        page.y0.min(page.y1) - 0.05 * h,
        page.y0.max(page.y1) + 0.05 * h,
    );
    let mut out: Vec<Run> = Vec::with_capacity(raw.len());
    let mut pending_space: Option<f64> = None; // baseline of a dropped space
    for r in raw {
        if !(r.x0.is_finite() && r.x1.is_finite() && r.y.is_finite()) {
            continue;
        }
        let mut size = if r.size.is_finite() && r.size > 0.5 {
            r.size
        } else {
            10.0
        };
        size = size.min(300.0);
        let t = normalize_text(&r.text);
        if t.trim().is_empty() {
            if t.contains(' ') {
                if let Some(last) = out.last_mut() {
                    if (last.y - r.y).abs() < 0.3 * size {
                        last.sp_after = true;
                    }
                }
                pending_space = Some(r.y);
            }
            continue;
        }
        let (x0, x1) = if r.x1 >= r.x0 {
            (r.x0, r.x1)
        } else {
            (r.x1, r.x0)
        };
        if x1 < px0 || x0 > px1 || r.y < py0 || r.y > py1 {
            pending_space = None;
            continue;
        }
        let sp_before = r.sp_before
            || t.starts_with(' ')
            || pending_space.is_some_and(|y| (y - r.y).abs() < 0.3 * size);
        let sp_after = r.sp_after || t.ends_with(' ');
        pending_space = None;
        out.push(Run {
            text: collapse_spaces(&t),
            x0,
            x1: x1.max(x0),
            y: r.y,
            size,
            bold: r.bold,
            sp_before,
            sp_after,
        });
    }
    out
}

/// Marks a line break inside a line's text (two headings glued on one line).
const GLUED_BREAK: char = '\u{E002}';

/// "AXE : JEUNESSE" in bold glued to "ACTION : …" in regular: two headings
/// set on one line, the PDF twin of the `**` that ingest splits in text files.
fn glued_heading(a: &Run, b: &Run) -> bool {
    if a.bold == b.bold || needs_space(a, b) {
        return false;
    }
    let tail: String = a
        .text
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let head: String = b.text.chars().take_while(|c| c.is_alphabetic()).collect();
    tail.chars().count() >= 2
        && head.chars().count() >= 2
        && tail.chars().all(|c| c.is_uppercase())
        && head.chars().all(|c| c.is_uppercase())
}

fn needs_space(a: &Run, b: &Run) -> bool {
    if a.sp_after || b.sp_before {
        return true;
    }
    let em = a.size.min(b.size);
    b.x0 - a.x1 > 0.15 * em
}

/// Groups runs into baseline clusters (top to bottom), each sorted by x.
/// Small runs raised or lowered a little (superscripts) join the line they sit on.
fn cluster_lines(mut runs: Vec<Run>) -> Vec<Vec<Run>> {
    runs.sort_by(|a, b| fcmp(b.y, a.y).then(fcmp(a.x0, b.x0)));
    let mut lines: Vec<(f64, f64, Vec<Run>)> = Vec::new(); // (baseline, size, runs)
    for r in runs {
        let mut placed = false;
        // Only the last few lines can match: runs come sorted by baseline.
        let n = lines.len();
        for k in (n.saturating_sub(3)..n).rev() {
            let (y, s, ref mut v) = lines[k];
            let tol = 0.3 * s.max(r.size);
            if (y - r.y).abs() <= tol {
                v.push(r.clone());
                placed = true;
                break;
            }
        }
        if !placed {
            lines.push((r.y, r.size, vec![r]));
        }
    }
    // Superscript / subscript clusters: all runs small, inside the band of a
    // neighbouring line of bigger text and horizontally within it.
    let mut i = 0;
    while i < lines.len() {
        let small = lines[i].2.iter().map(|r| r.size).fold(0.0, f64::max);
        let (xa, xb) = span(&lines[i].2);
        let mut target = None;
        for j in [i.wrapping_sub(1), i + 1] {
            if j >= lines.len() {
                continue;
            }
            let (y, s, ref v) = lines[j];
            let (ya, yb) = span(v);
            let dy = lines[i].0 - y;
            if small < 0.85 * s
                && dy > -0.3 * s
                && dy < 0.65 * s
                && xa > ya - 2.0 * s
                && xb < yb + 2.0 * s
            {
                target = Some(j);
                break;
            }
        }
        if let Some(j) = target {
            let moved = std::mem::take(&mut lines[i].2);
            let base = lines[j].0;
            for mut r in moved {
                r.y = base;
                lines[j].2.push(r);
            }
            lines.remove(i);
            continue;
        }
        i += 1;
    }
    let mut out: Vec<Vec<Run>> = lines.into_iter().map(|l| l.2).collect();
    for l in &mut out {
        l.sort_by(|a, b| fcmp(a.x0, b.x0));
        // Fake bold: the same text drawn twice, a hair apart.
        let mut k = 1;
        while k < l.len() {
            if l[k].text == l[k - 1].text && (l[k].x0 - l[k - 1].x0).abs() < 0.25 * l[k].size {
                l[k - 1].bold = true;
                l.remove(k);
            } else {
                k += 1;
            }
        }
    }
    out
}

fn span(v: &[Run]) -> (f64, f64) {
    let a = v.iter().map(|r| r.x0).fold(f64::INFINITY, f64::min);
    let b = v.iter().map(|r| r.x1).fold(f64::NEG_INFINITY, f64::max);
    (a, b)
}

/// Merges runs of one baseline separated by less than half an em into phrases.
fn phrases(runs: Vec<Run>) -> Vec<Run> {
    let mut out = Vec::new();
    for line in cluster_lines(runs) {
        let mut cur: Option<Run> = None;
        let mut last: Option<Run> = None;
        for r in line {
            match cur.as_mut() {
                Some(c)
                    if r.x0 - c.x1 < 0.5 * c.size.min(r.size)
                        && (c.size - r.size).abs() <= 0.25 * c.size.max(r.size) =>
                {
                    if last.as_ref().is_some_and(|l| glued_heading(l, &r)) {
                        c.text.push(GLUED_BREAK);
                    } else if needs_space(c, &r) {
                        c.text.push(' ');
                    }
                    c.text.push_str(&r.text);
                    c.x1 = c.x1.max(r.x1);
                    c.sp_after = r.sp_after;
                    c.bold = c.bold && r.bold;
                    c.size = c.size.max(r.size);
                }
                _ => {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    cur = Some(r.clone());
                }
            }
            last = Some(r);
        }
        if let Some(c) = cur.take() {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------- lines

const BULLET_CHARS: &[char] = &[
    '•', '▪', '◦', '●', '■', '□', '○', '◆', '◇', '♦', '❖', '➢', '➤', '►', '▸', '▶', '‣', '⁃', '∙',
    '·', '✓', '✔', '✗', '\u{F0B7}', '\u{F0A7}', '\u{F076}', '\u{F0D8}', '\u{F0FC}', '*',
];
const DASH_BULLETS: &[char] = &['-', '–', '—', '−'];

/// A list marker alone: a bullet glyph, a dash, or an enumerator ("1.", "a)", "iv.").
fn is_marker(t: &str) -> bool {
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
fn strip_bullet(text: &str) -> Option<&str> {
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

fn build_lines(runs: Vec<Run>, bullets: &[Shape]) -> Vec<Line> {
    let mut out = Vec::new();
    for line in cluster_lines(runs) {
        if line.is_empty() {
            continue;
        }
        let mut text = String::new();
        let mut pieces: Vec<(f64, f64, String)> = Vec::new();
        let mut bold_chars = 0usize;
        let mut chars = 0usize;
        let mut size_w: HashMap<i64, usize> = HashMap::new();
        for (k, r) in line.iter().enumerate() {
            let n = r.text.chars().count();
            chars += n;
            if r.bold {
                bold_chars += n;
            }
            *size_w.entry((r.size * 4.0).round() as i64).or_default() += n;
            if k > 0 {
                let prev = &line[k - 1];
                let gap = r.x0 - prev.x1;
                if gap > 2.0 * prev.size.min(r.size) {
                    pieces.push((r.x0, r.x1, String::new()));
                }
                if glued_heading(prev, r) {
                    text.push(GLUED_BREAK);
                } else if needs_space(prev, r) {
                    text.push(' ');
                    if let Some(p) = pieces.last_mut() {
                        if !p.2.is_empty() {
                            p.2.push(' ');
                        }
                    }
                }
            } else {
                pieces.push((r.x0, r.x1, String::new()));
            }
            text.push_str(&r.text);
            if let Some(p) = pieces.last_mut() {
                p.2.push_str(&r.text);
                p.1 = p.1.max(r.x1);
            }
        }
        let size = size_w
            .iter()
            .max_by_key(|(s, n)| (**n, **s))
            .map(|(s, _)| *s as f64 / 4.0)
            .unwrap_or(line[0].size);
        let (x0, x1) = span(&line);
        let y = line[0].y;
        let mut text = collapse_spaces(&text);
        let mut bullet = false;
        let mut weak_bullet = None;
        let mut text_x0 = x0;
        // Where the second word starts (text after a bullet or an enumerator).
        let second_x = {
            let r0 = &line[0];
            let cs: Vec<char> = r0.text.chars().collect();
            match cs.iter().position(|c| *c == ' ') {
                Some(p) if !cs.is_empty() => {
                    Some(r0.x0 + (r0.x1 - r0.x0) * (p + 1) as f64 / cs.len() as f64)
                }
                _ => line.get(1).map(|r| r.x0),
            }
        };
        if let Some(rest) = strip_bullet(&text) {
            let glyph = text.chars().next().unwrap_or('-');
            bullet = true;
            text_x0 = second_x.unwrap_or(x0 + 1.2 * size);
            // A dash followed by a plain space may be a dash inside a sentence
            // wrapped to the line start; a list dash sits a tab away from its text.
            let gap = if line.len() > 1 && line[0].text.chars().count() == 1 {
                line[1].x0 - line[0].x1
            } else {
                0.0
            };
            if DASH_BULLETS.contains(&glyph) && gap < 0.6 * size {
                weak_bullet = Some(glyph);
            }
            text = rest.to_string();
        } else if is_enumerator(&text) {
            text_x0 = second_x.unwrap_or(x0);
        }
        let mut lx0 = x0;
        if !bullet {
            for b in bullets {
                let (cx, cy) = ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0);
                if b.x1 <= x0 - 0.05 * size
                    && cx > x0 - 3.5 * size
                    && cy > y - 0.15 * size
                    && cy < y + 0.8 * size
                    && (b.x1 - b.x0) <= 0.75 * size
                    && (b.y1 - b.y0) <= 0.75 * size
                {
                    bullet = true;
                    lx0 = b.x0;
                    break;
                }
            }
        }
        // First word width: runs up to the first space (per-glyph runs included).
        let skip = usize::from(bullet && line.len() > 1 && line[0].text.chars().count() == 1);
        let start_x = line.get(skip).map(|r| r.x0).unwrap_or(x0);
        let mut first_w = 0.0;
        for (k, r) in line.iter().enumerate().skip(skip) {
            let cs: Vec<char> = r.text.chars().collect();
            if let Some(p) = cs.iter().position(|c| *c == ' ') {
                first_w = r.x0 + (r.x1 - r.x0) * p as f64 / cs.len().max(1) as f64 - start_x;
                break;
            }
            first_w = r.x1 - start_x;
            if r.sp_after || line.get(k + 1).is_some_and(|n| needs_space(r, n)) {
                break;
            }
        }
        if text.is_empty() {
            continue;
        }
        out.push(Line {
            text,
            x0: lx0,
            x1,
            y,
            size,
            bold: chars > 0 && bold_chars * 10 >= chars * 6,
            bullet,
            weak_bullet,
            text_x0,
            first_w,
            pieces: pieces
                .into_iter()
                .map(|(a, b, t)| (a, b, collapse_spaces(&t)))
                .collect(),
        });
    }
    out
}

// ---------------------------------------------------------------- rules and tables

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
    if hs.len() < 2 || vs.len() < 2 {
        return Vec::new();
    }
    let hs = merge_segments(hs);
    let vs = merge_segments(vs);
    // Every pair is tested below: bound the work on pathological pages.
    if hs.len().saturating_mul(vs.len()) > 4_000_000 {
        return Vec::new();
    }
    // Connected components of touching segments.
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
    let mut grids = Vec::new();
    let mut keys: Vec<usize> = comps.keys().copied().collect();
    keys.sort();
    for k in keys {
        let (h, v) = &comps[&k];
        if h.is_empty() || v.is_empty() || h.len() + v.len() < 3 {
            continue;
        }
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
        if xs.len() < 2 || ys.len() < 2 || xs.len() > 80 || ys.len() > 400 {
            continue;
        }
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
        let mut cells: HashMap<usize, Cell> = HashMap::new();
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
        grids.push(Grid {
            x0: xs[0],
            x1: xs[nc],
            y0: ys[nr],
            y1: ys[0],
            nrows: nr,
            ncols: nc,
            cells,
            open_top,
            open_bottom,
        });
    }
    grids
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

// ---------------------------------------------------------------- reading order

/// Rows → cells → lines of a ruled table, and whether it runs off the page top / bottom.
type TableRows = (Vec<Vec<Vec<Line>>>, bool, bool);

#[derive(Clone, Debug)]
enum ItemKind {
    Text(Run),
    Table(usize),
}

#[derive(Clone, Debug)]
struct Item {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    size: f64,
    kind: ItemKind,
}

#[derive(Debug)]
enum Leaf {
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
    touch_r >= 0.5 || touch_l >= 0.5
}

struct Group {
    slabs: Vec<Vec<Item>>,
    free: Intervals,
}

fn order_items(items: Vec<Item>, depth: usize, out: &mut Vec<Leaf>) {
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
    let runs: Vec<Vec<Run>> = cols
        .iter()
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
        .collect();
    let lines: Vec<Vec<ColLine>> = runs
        .iter()
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
        .collect();
    let em = lines
        .iter()
        .flatten()
        .map(|l| l.size)
        .fold(0.0, f64::max)
        .max(1.0);
    // Block tops: a block is a run of lines at normal pitch.
    let tops: Vec<Vec<f64>> = lines
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
        .collect();
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
    let by_blocks = row_tops.len() >= 2 && aligned_blocks * 2 >= nblocks;
    // Line by line alignment (tables of one-line rows).
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
    let by_lines = line_align >= 0.8
        && nlines_min >= 2
        && (min_fill < 0.6 || wmin < 0.35 * wmax || cols.len() >= 3);
    if !by_blocks && !by_lines {
        return None;
    }
    // Row anchors: aligned block tops (or every line for one-line rows).
    let mut anchors: Vec<f64> = if by_blocks {
        tops.iter().flatten().copied().collect()
    } else {
        lines.iter().flatten().map(|l| l.y).collect()
    };
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
    let mut rows: Vec<Vec<Vec<Run>>> = vec![vec![Vec::new(); cols.len()]; nrows];
    for (c, rs) in runs.into_iter().enumerate() {
        for r in rs {
            // The row whose anchor is the lowest one at or above the run.
            let k = rows_y
                .iter()
                .rposition(|&ry| ry >= r.y - 0.4 * em)
                .unwrap_or(0);
            rows[k][c].push(r);
        }
    }
    Some(rows)
}

// ---------------------------------------------------------------- page

/// Layout of one page: blocks in reading order.
pub fn layout_page(page: &PageIn) -> PageOut {
    let runs = prepare_runs(&page.runs, page);
    let bullets: Vec<Shape> = page
        .shapes
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
        .collect();
    // Tables drawn with rules.
    let grids = find_grids(&page.shapes);
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
    // A grid is a table only if some row has two cells with text.
    let mut tables: Vec<TableRows> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    for (gi, g) in grids.iter().enumerate() {
        // A table has two columns or more, text, and cells of a reasonable
        // height (a frame around the page with one vertical rule is no table).
        let filled = cell_runs[gi].iter().filter(|v| !v.is_empty()).count();
        let tallest = cell_runs[gi]
            .iter()
            .map(|v| {
                let mut ys: Vec<i64> = v.iter().map(|r| (r.y * 2.0).round() as i64).collect();
                ys.sort();
                ys.dedup();
                ys.len()
            })
            .max()
            .unwrap_or(0);
        if g.ncols < 2 || filled == 0 || tallest > 60 {
            for v in std::mem::take(&mut cell_runs[gi]) {
                free_runs.extend(v);
            }
            continue;
        }
        let mut rows: Vec<Vec<Vec<Line>>> = Vec::new();
        for row in 0..g.nrows {
            let mut cells_out: Vec<Vec<Line>> = Vec::new();
            let mut any = false;
            let mut col = 0;
            while col < g.ncols {
                if let Some(ci) = g.cells.iter().position(|c| c.row == row && c.col == col) {
                    let lines = build_lines(std::mem::take(&mut cell_runs[gi][ci]), &bullets);
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
    for p in phrases(free_runs) {
        items.push(Item {
            x0: p.x0,
            x1: p.x1,
            y0: p.bottom(),
            y1: p.top(),
            size: p.size,
            kind: ItemKind::Text(p),
        });
    }
    let mut leaves = Vec::new();
    order_items(items, 0, &mut leaves);
    let mut tables: Vec<Option<TableRows>> = tables.into_iter().map(Some).collect();
    let mut blocks = Vec::new();
    for leaf in leaves {
        match leaf {
            Leaf::Text(runs) => {
                let lines = build_lines(runs, &bullets);
                if !lines.is_empty() {
                    blocks.push(Block::Text(lines));
                }
            }
            Leaf::Table(t) => {
                if let Some((rows, open_top, open_bottom)) =
                    tables.get_mut(t).and_then(|r| r.take())
                {
                    if !rows.is_empty() {
                        blocks.push(Block::Rows {
                            rows,
                            open_top,
                            open_bottom,
                        });
                    }
                }
            }
            Leaf::Grid(rows) => {
                let rows: Vec<Vec<Vec<Line>>> = rows
                    .into_iter()
                    .map(|cells| {
                        cells
                            .into_iter()
                            .map(|c| build_lines(c, &bullets))
                            .collect::<Vec<_>>()
                    })
                    .filter(|cells: &Vec<Vec<Line>>| cells.iter().any(|c| !c.is_empty()))
                    .collect();
                if !rows.is_empty() {
                    blocks.push(Block::Rows {
                        rows,
                        open_top: false,
                        open_bottom: false,
                    });
                }
            }
        }
    }
    PageOut {
        x0: page.x0.min(page.x1),
        y0: page.y0.min(page.y1),
        x1: page.x0.max(page.x1),
        y1: page.y0.max(page.y1),
        blocks,
    }
}

// ---------------------------------------------------------------- page furniture

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

/// Removes running headers / footers and page numbers; returns the most
/// repeated running header (a title candidate).
fn remove_furniture(pages: &mut [PageOut], title: Option<&str>) -> Option<String> {
    let n = pages.len();
    let title_key = title.map(furniture_key).filter(|k| k.chars().count() >= 4);
    // Candidates: the three highest and three lowest lines of each page, in the margins.
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
    let mut cands: Vec<Cand> = Vec::new();
    for (p, pg) in pages.iter().enumerate() {
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
        // Body size: the size carrying the most characters on the page.
        let mut by_size: HashMap<i64, usize> = HashMap::new();
        for l in pg
            .blocks
            .iter()
            .filter_map(|b| {
                if let Block::Text(l) = b {
                    Some(l)
                } else {
                    None
                }
            })
            .flatten()
        {
            *by_size.entry((l.size * 4.0).round() as i64).or_default() += l.text.len();
        }
        let body_size = by_size
            .iter()
            .max_by_key(|(s, n)| (**n, **s))
            .map(|(s, _)| *s as f64 / 4.0)
            .unwrap_or(10.0);
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
    // Pages on which each (zone, key) appears, and its usual height.
    let mut seen: HashMap<(bool, String), (HashSet<usize>, Vec<f64>)> = HashMap::new();
    for c in &cands {
        let e = seen.entry((c.top, c.key.clone())).or_default();
        e.0.insert(c.page);
        e.1.push(c.y);
    }
    let mut remove: HashSet<(usize, usize, usize, usize)> = HashSet::new();
    let mut best_header: Option<(usize, String)> = None;
    for c in &cands {
        // A bare number only in the margins; « Page 3 / 12 » anywhere in the zone.
        let bare = c.text.trim().chars().all(|ch| ch.is_ascii_digit());
        let mut drop = (is_page_number(&c.text) && (c.margin_like || !bare))
            // The document's title repeated in the page margin (running header of a short file).
            || (c.outer_small && title_key.as_deref() == Some(c.key.as_str()));
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
    if remove.is_empty() {
        return None;
    }
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
    best_header.map(|(_, t)| t)
}

// ---------------------------------------------------------------- vocabulary and hyphens

#[derive(Default)]
pub struct Vocab {
    words: HashSet<String>,
    compounds: HashSet<String>,
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

impl Vocab {
    /// Words and hyphenated compounds of the document, except the halves of
    /// line-end hyphenations themselves.
    pub fn from_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Vocab {
        let mut v = Vocab::default();
        let mut after_hyphen = false;
        for line in lines {
            let line = line.replace(GLUED_BREAK, " ");
            let line = line.as_str();
            let toks: Vec<&str> = line.split(' ').filter(|t| !t.is_empty()).collect();
            let ends_hyphen = line.trim_end().ends_with(is_hyphen) || line.ends_with('\u{AD}');
            for (i, tok) in toks.iter().enumerate() {
                if (i == 0 && after_hyphen) || (i + 1 == toks.len() && ends_hyphen) {
                    continue;
                }
                let t: &str = tok.trim_matches(|c: char| !c.is_alphanumeric());
                if t.contains(is_hyphen) {
                    let parts: Vec<&str> = t.split(is_hyphen).collect();
                    if parts.iter().all(|p| !p.is_empty()) {
                        v.compounds
                            .insert(t.to_lowercase().replace(['\u{2010}', '\u{2011}'], "-"));
                    }
                }
                for w in t.split(|c: char| !c.is_alphabetic()) {
                    if w.chars().count() >= 2 {
                        v.words.insert(w.to_lowercase());
                    }
                }
            }
            after_hyphen = ends_hyphen;
        }
        v
    }

    /// `left-` at a line end, `right…` on the next line: true when the hyphen is
    /// a break inside one word (glue the halves), false for a real hyphen.
    pub fn glue_hyphenated(&self, left: &str, right: &str) -> bool {
        let Some(first) = right.chars().next() else {
            return false;
        };
        if !first.is_alphabetic()
            || left.is_empty()
            || !left.chars().last().is_some_and(|c| c.is_alphabetic())
        {
            return false;
        }
        // Proper names: Haute-Garonne, Val-d'Oise, Saint-Denis.
        if first.is_uppercase() {
            return false;
        }
        let mut rc = right.chars();
        if let (Some(_), Some(ap), Some(c3)) = (rc.next(), rc.next(), rc.next()) {
            if (ap == '\'' || ap == '’') && c3.is_uppercase() {
                return false;
            }
        }
        // "Bois-" + "de-la-Barthe": the right part is itself a compound.
        let rtok: &str = right.split(' ').next().unwrap_or("");
        if rtok
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .contains(is_hyphen)
        {
            return false;
        }
        let rw: String = right.chars().take_while(|c| c.is_alphabetic()).collect();
        let lw: String = left
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let (l, r) = (lw.to_lowercase(), rw.to_lowercase());
        if self.compounds.contains(&format!("{l}-{r}")) {
            return false;
        }
        if self.words.contains(&format!("{l}{r}")) {
            return true;
        }
        if l.chars().count() >= 2
            && r.chars().count() >= 2
            && self.words.contains(&l)
            && self.words.contains(&r)
        {
            return false;
        }
        true
    }
}

// ---------------------------------------------------------------- line kinds

const HEADING_WORDS: &[&str] = &[
    "axe",
    "axes",
    "objectif",
    "objectifs",
    "action",
    "actions",
    "fiche",
    "enjeu",
    "enjeux",
    "orientation",
    "orientations",
    "mesure",
    "priorité",
    "thème",
    "thématique",
    "volet",
    "chantier",
    "pilier",
    "programme",
    "partie",
    "chapitre",
    "titre",
    "article",
    "annexe",
    "étape",
    "ambition",
    "défi",
    "engagement",
];

/// "Axe 2 :", "Objectif 3", "Fiche action n°4", "Enjeu n°1", "Orientation : …".
pub fn is_heading_start(s: &str) -> bool {
    let mut it = s.split_whitespace();
    let Some(w) = it.next() else { return false };
    let w = w.trim_end_matches(':').to_lowercase();
    if !HEADING_WORDS.contains(&w.as_str()) {
        return false;
    }
    if s.split_whitespace()
        .next()
        .is_some_and(|f| f.ends_with(':'))
    {
        return true;
    }
    let mut next = it.next().unwrap_or("");
    if next.eq_ignore_ascii_case("action")
        || next.eq_ignore_ascii_case("n°")
        || next.eq_ignore_ascii_case("no")
        || next.eq_ignore_ascii_case("n")
    {
        next = it.next().unwrap_or("");
    }
    let next = next.trim_start_matches("n°").trim_start_matches("N°");
    if next == ":" || next.is_empty() && s.trim_end().ends_with(':') {
        return true;
    }
    let first = next.chars().next();
    first.is_some_and(|c| c.is_ascii_digit())
        || (next.len() <= 4
            && !next.is_empty()
            && next
                .trim_end_matches([':', '.', '-'])
                .chars()
                .all(|c| matches!(c, 'I' | 'V' | 'X'))
            && !next.trim_end_matches([':', '.', '-']).is_empty())
        || (next.chars().count() <= 2
            && first.is_some_and(|c| c.is_ascii_uppercase())
            && next.trim_end_matches([':', '.', ')']).chars().count() == 1)
}

/// "1. ", "2) ", "a) ", "1.2.3 " at the start of a line.
pub fn is_enumerator(s: &str) -> bool {
    let head: String = s.chars().take_while(|c| !c.is_whitespace()).collect();
    if head.is_empty() || s.len() == head.len() {
        return false;
    }
    let h = head.trim_end_matches([')', '.']);
    if h.len() == head.len() && !head.contains('.') {
        return false;
    }
    if h.is_empty() {
        return false;
    }
    let numeric = h
        .split('.')
        .all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()));
    let letter =
        h.chars().count() == 1 && h.chars().all(|c| c.is_ascii_lowercase()) && head.ends_with(')');
    numeric || letter
}

/// "PILOTES :", "Public visé :", "PARTENAIRES : Ville, CAF".
pub fn is_label_start(s: &str) -> bool {
    if let Some(pos) = s.find(':') {
        let head = s[..pos].trim();
        let letters: Vec<char> = head.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() >= 3
            && head.chars().count() <= 40
            && letters.iter().all(|c| c.is_uppercase())
        {
            return true;
        }
        if s[pos + 1..].trim().is_empty()
            && head.chars().count() <= 40
            && head.chars().next().is_some_and(|c| c.is_uppercase())
        {
            return true;
        }
    }
    false
}

fn starts_new_line(b: &Line) -> bool {
    (b.bullet && b.weak_bullet.is_none())
        || is_enumerator(&b.text)
        || is_heading_start(&b.text)
        || is_label_start(&b.text)
}

// ---------------------------------------------------------------- assembly

#[derive(Clone, Copy, PartialEq, Debug)]
enum Join {
    Space,
    Newline,
    Blank,
}

struct Pitch(HashMap<i64, f64>);
impl Pitch {
    fn of(&self, size: f64) -> f64 {
        self.0
            .get(&((size * 2.0).round() as i64))
            .copied()
            .unwrap_or(1.2 * size)
    }
}

fn pitches(pages: &[PageOut]) -> Pitch {
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
struct Prev {
    line: Line,
    right: f64,
    block_lines: usize,
    first_of_para: bool,
    /// The paragraph being written is a list item (bullet or enumerator).
    in_item: bool,
}

fn is_item(l: &Line) -> bool {
    (l.bullet && l.weak_bullet.is_none()) || is_enumerator(&l.text)
}

fn within_block_join(a: &Prev, b: &Line, pitch: &Pitch) -> Join {
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

fn cross_block_join(a: &Prev, b: &Line) -> Join {
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

/// Appends `b` to `out` after a line ending, resolving a line-end hyphen.
fn append_joined(out: &mut String, mark: &str, text: &str, vocab: &Vocab) {
    if out.ends_with('\u{AD}') {
        out.pop();
        out.push_str(mark);
        out.push_str(text);
        return;
    }
    let before_dash = out.trim_end_matches(is_hyphen).chars().next_back();
    if out.ends_with(is_hyphen) && before_dash.is_some_and(|c| !c.is_whitespace()) {
        let body = out.trim_end_matches(is_hyphen);
        let left: String = body
            .chars()
            .rev()
            .take_while(|c| !c.is_whitespace())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if vocab.glue_hyphenated(&left, text) {
            out.pop();
        }
        out.push_str(mark);
        out.push_str(text);
        return;
    }
    out.push(' ');
    out.push_str(mark);
    out.push_str(text);
}

fn clean_soft_hyphens(s: &str) -> String {
    s.replace('\u{AD}', "")
}

fn cell_text(lines: &[Line], pitch: &Pitch, vocab: &Vocab) -> String {
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

/// The whole document as text; also the most repeated running header.
pub fn assemble(mut pages: Vec<PageOut>, title: Option<&str>) -> (String, Option<String>) {
    let header = remove_furniture(&mut pages, title);
    let mut all_lines: Vec<&str> = Vec::new();
    for p in &pages {
        for b in &p.blocks {
            match b {
                Block::Text(l) => all_lines.extend(l.iter().map(|x| x.text.as_str())),
                Block::Rows { rows, .. } => {
                    all_lines.extend(rows.iter().flatten().flatten().map(|x| x.text.as_str()))
                }
            }
        }
    }
    let vocab = Vocab::from_lines(all_lines.into_iter());
    let pitch = pitches(&pages);
    let mut out = String::new();
    let mut prev: Option<Prev> = None;
    let mut held: Option<Vec<String>> = None;
    let pb = PAGE_BREAK.to_string();
    for (pi, page) in pages.iter().enumerate() {
        let mut pending = pi > 0;
        // Right edge of each text block: the widest line among the blocks of the
        // page that share its left edge (a short block alone says nothing).
        let edges: Vec<(f64, f64, f64)> = page
            .blocks
            .iter()
            .filter_map(|b| {
                if let Block::Text(l) = b {
                    Some(l)
                } else {
                    None
                }
            })
            .map(|l| {
                let left = l
                    .iter()
                    .map(|x| x.x0.min(x.text_x0))
                    .fold(f64::INFINITY, f64::min);
                let right = l.iter().map(|x| x.x1).fold(f64::NEG_INFINITY, f64::max);
                let em = l.iter().map(|x| x.size).fold(0.0, f64::max);
                (left, right, em)
            })
            .collect();
        for (bi, block) in page.blocks.iter().enumerate() {
            match block {
                Block::Text(lines) => {
                    if let Some(h) = held.take() {
                        out.push('\n');
                        out.push_str(&row_line(&h));
                        out.push('\n');
                    }
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
                    let right = if body.len() >= 3 && near >= 2 && near * 10 >= body.len() * 3 {
                        // Lines of another size (a title) do not widen the measure.
                        own_body
                    } else {
                        edges
                            .iter()
                            .filter(|(l, _, em)| (l - left).abs() <= em.max(1.0))
                            .map(|e| e.1)
                            .fold(own, f64::max)
                    };
                    for (li, l) in lines.iter().enumerate() {
                        let join = match &prev {
                            None => Join::Blank,
                            Some(p) if li == 0 => cross_block_join(p, l),
                            Some(p) => within_block_join(p, l, &pitch),
                        };
                        let mark = if pending { pb.as_str() } else { "" };
                        pending = false;
                        let bullet = if l.bullet { "- " } else { "" };
                        let text = l.text.replace(GLUED_BREAK, "\n");
                        if out.is_empty() && prev.is_none() {
                            out.push_str(mark);
                            out.push_str(bullet);
                            out.push_str(&text);
                        } else if join == Join::Space && !l.bullet {
                            append_joined(&mut out, mark, &text, &vocab);
                        } else if join == Join::Space && l.weak_bullet.is_some() {
                            // "… ARPADÉ" / "– une association …": a dash inside the sentence.
                            let dash = l.weak_bullet.map(String::from).unwrap_or_default();
                            append_joined(&mut out, mark, &format!("{dash} {text}"), &vocab);
                        } else {
                            out = strip_trailing_soft_hyphen(out);
                            out.push('\n');
                            if join == Join::Blank {
                                out.push('\n');
                            }
                            out.push_str(mark);
                            out.push_str(bullet);
                            out.push_str(&text);
                        }
                        let first_of_para = join != Join::Space;
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
                }
                Block::Rows {
                    rows,
                    open_top,
                    open_bottom,
                } => {
                    out = strip_trailing_soft_hyphen(out);
                    let mut texts: Vec<Vec<String>> = rows
                        .iter()
                        .map(|row| {
                            row.iter()
                                .map(|c| cell_text(c, &pitch, &vocab))
                                .collect::<Vec<String>>()
                        })
                        .filter(|cells: &Vec<String>| cells.iter().any(|c| !c.is_empty()))
                        .collect();
                    let mut continued = false;
                    if let Some(h) = held.take() {
                        if *open_top && bi == 0 && !texts.is_empty() {
                            // The row cut by the page end goes on here.
                            let first = texts.remove(0);
                            let mark = if pending { pb.as_str() } else { "" };
                            pending = false;
                            out.push('\n');
                            out.push_str(&row_line(&merge_rows(h, first, mark, &vocab)));
                            continued = true;
                        } else {
                            out.push('\n');
                            out.push_str(&row_line(&h));
                            out.push('\n');
                        }
                    }
                    if !continued && !out.is_empty() {
                        out.push_str("\n\n");
                    }
                    let last_block = bi + 1 == page.blocks.len();
                    let n = texts.len();
                    for (k, cells) in texts.into_iter().enumerate() {
                        if last_block && *open_bottom && k + 1 == n {
                            held = Some(cells);
                            break;
                        }
                        if k > 0 || continued {
                            out.push('\n');
                        }
                        if pending {
                            out.push_str(&pb);
                            pending = false;
                        }
                        out.push_str(&row_line(&cells));
                    }
                    prev = None;
                    if held.is_none() {
                        out.push('\n');
                    }
                }
            }
        }
        if pending {
            if let Some(h) = held.take() {
                out.push('\n');
                out.push_str(&row_line(&h));
                out.push('\n');
            }
        }
        if pending {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&pb);
        }
    }
    if let Some(h) = held.take() {
        out.push('\n');
        out.push_str(&row_line(&h));
    }
    let out = strip_trailing_soft_hyphen(out).replace('\u{AD}', "");
    // Tidy: no trailing spaces, at most one blank line.
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
    let tidy = tidy.trim_matches('\n').to_string();
    (tidy, header)
}

/// Cells joined by tabs, trailing empty cells dropped.
fn row_line(cells: &[String]) -> String {
    let mut n = cells.len();
    while n > 1 && cells[n - 1].is_empty() {
        n -= 1;
    }
    cells[..n].join("\t")
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

fn strip_trailing_soft_hyphen(mut s: String) -> String {
    while s.ends_with('\u{AD}') {
        s.pop();
    }
    s
}

/// Human-readable dump of a page's blocks (debugging aid).
pub fn debug_page(p: &PageOut) -> String {
    let mut s = String::new();
    for (i, b) in p.blocks.iter().enumerate() {
        match b {
            Block::Text(lines) => {
                s.push_str(&format!("[block {i} text]\n"));
                for l in lines {
                    s.push_str(&format!(
                        "  y{:6.1} x{:6.1}-{:6.1} tx{:6.1} fs{:4.1} b{} bu{} fw{:5.1} |{}|\n",
                        l.y,
                        l.x0,
                        l.x1,
                        l.text_x0,
                        l.size,
                        l.bold as u8,
                        l.bullet as u8,
                        l.first_w,
                        l.text
                    ));
                }
            }
            Block::Rows {
                rows,
                open_top,
                open_bottom,
            } => {
                s.push_str(&format!(
                    "[block {i} table {} rows open {open_top}/{open_bottom}]\n",
                    rows.len()
                ));
                for r in rows {
                    let cells: Vec<String> = r
                        .iter()
                        .map(|c| {
                            c.iter()
                                .map(|l| format!("{}@{:.1}-{:.1}", l.text, l.x0, l.x1))
                                .collect::<Vec<_>>()
                                .join(" / ")
                        })
                        .collect();
                    s.push_str(&format!("  | {}\n", cells.join(" | ")));
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, x0: f64, y: f64, size: f64) -> Vec<Run> {
        // One run per word, 0.5 em per character, 0.25 em spaces.
        let mut out = Vec::new();
        let mut x = x0;
        for w in text.split(' ') {
            let wd = 0.5 * size * w.chars().count() as f64;
            out.push(Run::new(w, x, x + wd, y, size));
            x += wd + 0.25 * size;
        }
        out
    }

    fn page(runs: Vec<Run>, shapes: Vec<Shape>) -> PageIn {
        PageIn {
            x0: 0.0,
            y0: 0.0,
            x1: 595.0,
            y1: 842.0,
            runs,
            shapes,
        }
    }

    #[test]
    fn ligatures_and_invisible_chars() {
        assert_eq!(
            normalize_text("ﬁnancement ﬂux eﬀet eﬃcace souﬄe"),
            "financement flux effet efficace souffle"
        );
        assert_eq!(normalize_text("cœur\u{200B}\u{FEFF}"), "cœur");
        assert_eq!(normalize_text("a\u{00A0}b"), "a b");
        let p = page(words("ﬁche œuvre", 50.0, 700.0, 10.0), vec![]);
        let (t, _) = assemble(vec![layout_page(&p)], None);
        assert_eq!(t, "fiche œuvre");
    }

    #[test]
    fn hyphenation() {
        let v = Vocab::from_lines(
            [
                "le projet social",
                "des enfants et des parents",
                "la Haute-Garonne",
            ]
            .into_iter(),
        );
        assert!(v.glue_hyphenated("accompa", "gnement"));
        assert!(!v.glue_hyphenated("Haute", "Garonne"));
        assert!(!v.glue_hyphenated("Val", "d'Oise"));
        assert!(!v.glue_hyphenated("enfants", "parents"));
        // Seen elsewhere with the hyphen: kept.
        let v2 = Vocab::from_lines(["un lieu enfants-parents"].into_iter());
        assert!(!v2.glue_hyphenated("enfants", "parents"));
        // Seen elsewhere glued: glued.
        let v3 = Vocab::from_lines(["pour poursuivre le travail"].into_iter());
        assert!(v3.glue_hyphenated("pour", "suivre"));
    }

    /// One run per word, spaces stretched so the line ends at `x1` (justified).
    fn justified(text: &str, x0: f64, x1: f64, y: f64, size: f64) -> Vec<Run> {
        let ws: Vec<&str> = text.split(' ').collect();
        let total: f64 = ws
            .iter()
            .map(|w| 0.5 * size * w.chars().count() as f64)
            .sum();
        let gap = if ws.len() > 1 {
            (x1 - x0 - total) / (ws.len() - 1) as f64
        } else {
            0.0
        };
        let mut x = x0;
        ws.iter()
            .map(|w| {
                let wd = 0.5 * size * w.chars().count() as f64;
                let r = Run::new(w, x, x + wd, y, size);
                x += wd + gap;
                r
            })
            .collect()
    }

    #[test]
    fn hyphenation_in_paragraph() {
        let mut runs = Vec::new();
        let size = 10.0;
        let (l, r) = (50.0, 300.0);
        runs.extend(justified(
            "il faut un bon et solide accompa-",
            l,
            r,
            700.0,
            size,
        ));
        runs.extend(justified(
            "gnement des familles en Haute-",
            l,
            r,
            688.0,
            size,
        ));
        runs.extend(justified(
            "Garonne et des enfants et enfants-",
            l,
            r,
            676.0,
            size,
        ));
        runs.extend(justified("parents toute la semaine des", l, r, 664.0, size));
        runs.extend(words("enfants et des parents", l, 652.0, size));
        let (t, _) = assemble(vec![layout_page(&page(runs, vec![]))], None);
        assert_eq!(
            t,
            "il faut un bon et solide accompagnement des familles en Haute-Garonne et des enfants et enfants-parents toute la semaine des enfants et des parents"
        );
    }

    #[test]
    fn columns_read_one_after_the_other() {
        let mut runs = Vec::new();
        let size = 10.0;
        for i in 0..8 {
            let y = 700.0 - 12.0 * i as f64;
            runs.extend(words(
                &format!("gauche ligne {i} texte suivi"),
                50.0,
                y,
                size,
            ));
            runs.extend(words(
                &format!("droite ligne {i} texte suivi"),
                320.0,
                y,
                size,
            ));
        }
        let out = layout_page(&page(runs, vec![]));
        let (t, _) = assemble(vec![out], None);
        let g = t.find("gauche ligne 7").unwrap();
        let d = t.find("droite ligne 0").unwrap();
        assert!(g < d, "{t}");
    }

    #[test]
    fn ruled_table_rows() {
        let size = 9.0;
        let mut runs = Vec::new();
        runs.extend(words("Statut", 60.0, 700.0, size));
        runs.extend(words("municipal", 200.0, 700.0, size));
        runs.extend(words("Contact", 60.0, 680.0, size));
        runs.extend(words("référent", 60.0, 670.0, size));
        runs.extend(words("Magali", 200.0, 680.0, size));
        let mut shapes = Vec::new();
        for y in [712.0, 690.0, 664.0] {
            shapes.push(Shape {
                x0: 55.0,
                x1: 400.0,
                y0: y - 0.4,
                y1: y + 0.4,
                blob: true,
            });
        }
        for x in [55.0, 190.0, 400.0] {
            shapes.push(Shape {
                x0: x - 0.4,
                x1: x + 0.4,
                y0: 664.0,
                y1: 712.0,
                blob: true,
            });
        }
        let (t, _) = assemble(vec![layout_page(&page(runs, shapes))], None);
        assert_eq!(t, "Statut\tmunicipal\nContact référent\tMagali");
    }

    #[test]
    fn bullets_and_page_numbers() {
        let size = 10.0;
        let mut p1 = words("Titre du document", 50.0, 800.0, 8.0);
        p1.extend(words("• premier point", 50.0, 700.0, size));
        p1.extend(words("▪ second point", 50.0, 688.0, size));
        p1.extend(words("Page 1 / 2", 500.0, 30.0, 8.0));
        let mut p2 = words("Titre du document", 50.0, 800.0, 8.0);
        p2.extend(words("suite du texte", 50.0, 700.0, size));
        p2.extend(words("Page 2 / 2", 500.0, 30.0, 8.0));
        let (t, h) = assemble(
            vec![
                layout_page(&page(p1, vec![])),
                layout_page(&page(p2, vec![])),
            ],
            None,
        );
        assert_eq!(
            t.replace("\n\n", "\n"),
            format!("- premier point\n- second point\n{PAGE_BREAK}suite du texte")
        );
        assert_eq!(h.as_deref(), Some("Titre du document"));
    }

    #[test]
    fn kinds_of_lines() {
        assert!(is_heading_start("Axe 2 : Accompagner"));
        assert!(is_heading_start("Objectif 11 : Faire"));
        assert!(is_heading_start("Enjeu n°1"));
        assert!(is_heading_start("FICHE ACTION n°3"));
        assert!(!is_heading_start("Action sociale du département"));
        assert!(is_enumerator("1. Organiser"));
        assert!(is_enumerator("1.2.3 Mettre"));
        assert!(!is_enumerator("2018, 3 ateliers"));
        assert!(is_label_start("PILOTES : Ville"));
        assert!(is_label_start("Public visé :"));
        assert!(!is_label_start("Le public visé est : les jeunes"));
        assert!(is_page_number("Page 3 / 12"));
        assert!(is_page_number("- 4 -"));
        assert!(is_page_number("7"));
        assert!(!is_page_number("2021"));
    }
}
