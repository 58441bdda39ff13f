//! Run cleaning: the text of each run is normalized (ligatures opened,
//! invisible characters dropped, exotic spaces made plain) and whitespace-only
//! runs become space flags on their neighbours, so the later steps see only
//! visible text with its spacing recorded.

use super::{PageIn, Run};

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

pub(super) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Cleans the runs of a page, kept in content-stream order: whitespace-only runs
/// become `sp_before`/`sp_after` flags of their neighbours.
pub(super) fn prepare_runs(raw: &[Run], page: &PageIn) -> Vec<Run> {
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
