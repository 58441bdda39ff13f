//! Lines by baseline: runs sharing a baseline (superscripts included) are
//! clustered into visual lines. Before reading order is known they are merged
//! into phrases (the units the column finder moves around); afterwards each
//! cluster becomes a [`Line`] with its text, size, weight, bullet and the
//! measures paragraph joining needs (text start, first word width, pieces).

use std::collections::HashMap;

use super::bullets::{painted_bullet, strip_bullet, DASH_BULLETS};
use super::kinds::is_enumerator;
use super::runs::collapse_spaces;
use super::{fcmp, Line, Run, Shape, GLUED_BREAK};

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
pub(super) fn cluster_lines(mut runs: Vec<Run>) -> Vec<Vec<Run>> {
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

pub(super) fn span(v: &[Run]) -> (f64, f64) {
    let a = v.iter().map(|r| r.x0).fold(f64::INFINITY, f64::min);
    let b = v.iter().map(|r| r.x1).fold(f64::NEG_INFINITY, f64::max);
    (a, b)
}

/// Merges runs of one baseline separated by less than half an em into phrases.
pub(super) fn phrases(runs: Vec<Run>) -> Vec<Run> {
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

/// Visual lines of some runs (a column, a cell), top to bottom.
pub(super) fn build_lines(runs: Vec<Run>, bullets: &[Shape]) -> Vec<Line> {
    let mut out = Vec::new();
    for line in cluster_lines(runs) {
        if line.is_empty() {
            continue;
        }
        if let Some(l) = build_line(&line, bullets) {
            out.push(l);
        }
    }
    out
}

/// One baseline cluster (sorted by x) as a [`Line`]; None when no text is
/// left once the bullet is removed.
fn build_line(line: &[Run], bullets: &[Shape]) -> Option<Line> {
    let Joined {
        text,
        pieces,
        size,
        bold,
    } = join_runs(line);
    let (x0, x1) = span(line);
    let y = line[0].y;
    let mut text = collapse_spaces(&text);
    let mut bullet = false;
    let mut weak_bullet = None;
    let mut text_x0 = x0;
    // Where the second word starts (text after a bullet or an enumerator).
    let second_x = second_word_x(line);
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
        if let Some(bx0) = painted_bullet(bullets, x0, y, size) {
            bullet = true;
            lx0 = bx0;
        }
    }
    let first_w = first_word_width(line, bullet, x0);
    if text.is_empty() {
        return None;
    }
    Some(Line {
        text,
        x0: lx0,
        x1,
        y,
        size,
        bold,
        bullet,
        weak_bullet,
        text_x0,
        first_w,
        pieces: pieces
            .into_iter()
            .map(|(a, b, t)| (a, b, collapse_spaces(&t)))
            .collect(),
    })
}

/// The runs of one line put together: text with spaces from gaps, the
/// pieces cut at very wide gaps, the size carrying most characters, and
/// whether most characters are bold.
struct Joined {
    text: String,
    pieces: Vec<(f64, f64, String)>,
    size: f64,
    bold: bool,
}

fn join_runs(line: &[Run]) -> Joined {
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
    Joined {
        text,
        pieces,
        size,
        bold: chars > 0 && bold_chars * 10 >= chars * 6,
    }
}

/// Where the second word of the line starts (inside the first run, or the
/// second run).
fn second_word_x(line: &[Run]) -> Option<f64> {
    let r0 = &line[0];
    let cs: Vec<char> = r0.text.chars().collect();
    match cs.iter().position(|c| *c == ' ') {
        Some(p) if !cs.is_empty() => {
            Some(r0.x0 + (r0.x1 - r0.x0) * (p + 1) as f64 / cs.len() as f64)
        }
        _ => line.get(1).map(|r| r.x0),
    }
}

/// First word width: runs up to the first space (per-glyph runs included),
/// after the bullet glyph when it is a run of its own.
fn first_word_width(line: &[Run], bullet: bool, x0: f64) -> f64 {
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
    first_w
}
