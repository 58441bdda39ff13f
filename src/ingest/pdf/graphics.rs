//! Painted shapes from the page content operators: ruling lines, cell
//! borders and painted bullets, which the text fragments do not carry.
//!
//! [`layout`](super::layout) needs them to see tables and list items. Only
//! paths matter here: the walk follows the transformation matrix, the line
//! width, white paint (invisible, so skipped), the clip box and nested form
//! XObjects, and ignores everything else. A failure here only loses shapes.

use oxidize_pdf::parser::{ContentOperation, ContentParser, PdfDictionary, PdfObject};

use super::layout::Shape;
use super::{num, resolve_dict, Doc};

/// Painted shapes kept per page.
const MAX_SHAPES_PER_PAGE: usize = 100_000;
/// Nested form XObjects followed when looking for rules and bullets.
const MAX_FORM_DEPTH: usize = 3;
const MAX_FORMS_PER_PAGE: usize = 64;

/// Collects the shapes a page's content operators paint into `shapes`,
/// counting decoded form streams in `decoded`.
pub(super) fn walk_page(
    doc: &Doc,
    ops: &[ContentOperation],
    resources: Option<&PdfDictionary>,
    shapes: &mut Vec<Shape>,
    decoded: &mut u64,
) {
    let mut forms = 0;
    walk(
        doc, ops, resources, IDENT, NO_CLIP, 0, &mut forms, shapes, decoded,
    );
}

type Mat = [f64; 6];
const IDENT: Mat = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// m × n (PDF order: apply m, then n).
fn mul(m: &Mat, n: &Mat) -> Mat {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Mat, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Default)]
struct Sub {
    pts: Vec<(f64, f64)>,
    curve: bool,
    closed: bool,
}

fn bbox(pts: &[(f64, f64)]) -> Option<(f64, f64, f64, f64)> {
    let mut it = pts.iter();
    let &(x, y) = it.next()?;
    let (mut a, mut b, mut c, mut d) = (x, y, x, y);
    for &(x, y) in it {
        a = a.min(x);
        b = b.min(y);
        c = c.max(x);
        d = d.max(y);
    }
    if [a, b, c, d].iter().all(|v| v.is_finite()) {
        Some((a, b, c, d))
    } else {
        None
    }
}

fn is_white(v: &[f32]) -> bool {
    match v.len() {
        1 | 3 => v.iter().all(|c| *c >= 0.99),
        4 => v.iter().all(|c| *c <= 0.01),
        _ => false,
    }
}

/// The graphics state that `q` saves and `Q` restores.
#[derive(Clone, Copy)]
struct GState {
    ctm: Mat,
    /// Line width, in user space.
    lw: f64,
    fill_white: bool,
    stroke_white: bool,
    /// Clip box (bounding box of the clipping paths in force): shapes drawn
    /// past it, like the borders of a table row cut by the page end, are cut.
    clip: Rect,
}

/// Walks content operators, collecting painted paths as shapes (rules, bullets).
#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Doc,
    ops: &[ContentOperation],
    resources: Option<&PdfDictionary>,
    base: Mat,
    clip_in: Rect,
    depth: usize,
    forms: &mut usize,
    shapes: &mut Vec<Shape>,
    decoded: &mut u64,
) {
    let mut state = GState {
        ctm: base,
        lw: 1.0,
        fill_white: false,
        stroke_white: false,
        clip: clip_in,
    };
    let mut pending_clip: Option<Rect> = None;
    let mut stack: Vec<GState> = Vec::new();
    let mut path: Vec<Sub> = Vec::new();
    let mut xobjects: Option<PdfDictionary> = None;
    for op in ops {
        if shapes.len() >= MAX_SHAPES_PER_PAGE {
            return;
        }
        match op {
            ContentOperation::SaveGraphicsState if stack.len() < 256 => stack.push(state),
            ContentOperation::RestoreGraphicsState => {
                if let Some(saved) = stack.pop() {
                    state = saved;
                }
            }
            ContentOperation::PaintXObject(name) => {
                if depth >= MAX_FORM_DEPTH || *forms >= MAX_FORMS_PER_PAGE {
                    continue;
                }
                if xobjects.is_none() {
                    xobjects = resources.and_then(|r| resolve_dict(doc, r.get("XObject")));
                }
                let Some(xo) = xobjects.as_ref() else {
                    continue;
                };
                let Some(form) = open_form(doc, xo, name, forms, decoded) else {
                    continue;
                };
                if let Ok(sub_ops) = ContentParser::parse_content_streams(&[form.data]) {
                    walk(
                        doc,
                        &sub_ops,
                        form.resources.as_ref().or(resources),
                        mul(&form.matrix, &state.ctm),
                        state.clip,
                        depth + 1,
                        forms,
                        shapes,
                        decoded,
                    );
                }
            }
            op => {
                if !set_state(&mut state, op) && !build_path(&mut path, &state.ctm, op) {
                    paint_path(op, &mut path, &mut state, &mut pending_clip, shapes);
                }
            }
        }
    }
}

/// Applies a state operator (matrix, line width, colours); false for others.
fn set_state(state: &mut GState, op: &ContentOperation) -> bool {
    match op {
        ContentOperation::SetTransformMatrix(a, b, c, d, e, f) => {
            let m = [
                *a as f64, *b as f64, *c as f64, *d as f64, *e as f64, *f as f64,
            ];
            if m.iter().all(|v| v.is_finite()) {
                state.ctm = mul(&m, &state.ctm);
            }
        }
        ContentOperation::SetLineWidth(w) => state.lw = *w as f64,
        ContentOperation::SetNonStrokingGray(g) => state.fill_white = *g >= 0.99,
        ContentOperation::SetNonStrokingRGB(r, g, b) => state.fill_white = is_white(&[*r, *g, *b]),
        ContentOperation::SetNonStrokingCMYK(c, m, y, k) => {
            state.fill_white = is_white(&[*c, *m, *y, *k])
        }
        ContentOperation::SetNonStrokingColor(v) => state.fill_white = is_white(v),
        ContentOperation::SetStrokingGray(g) => state.stroke_white = *g >= 0.99,
        ContentOperation::SetStrokingRGB(r, g, b) => state.stroke_white = is_white(&[*r, *g, *b]),
        ContentOperation::SetStrokingCMYK(c, m, y, k) => {
            state.stroke_white = is_white(&[*c, *m, *y, *k])
        }
        ContentOperation::SetStrokingColor(v) => state.stroke_white = is_white(v),
        _ => return false,
    }
    true
}

/// Applies a path construction operator, in device space; false for others.
fn build_path(path: &mut Vec<Sub>, ctm: &Mat, op: &ContentOperation) -> bool {
    match op {
        ContentOperation::MoveTo(x, y) if path.len() < 10_000 => {
            path.push(Sub {
                pts: vec![apply(ctm, *x as f64, *y as f64)],
                ..Default::default()
            });
        }
        ContentOperation::LineTo(x, y) => {
            if let Some(s) = path.last_mut() {
                if s.pts.len() < 10_000 {
                    s.pts.push(apply(ctm, *x as f64, *y as f64));
                }
            }
        }
        ContentOperation::CurveTo(x1, y1, x2, y2, x3, y3) => {
            if let Some(s) = path.last_mut() {
                if s.pts.len() < 10_000 {
                    s.curve = true;
                    for (x, y) in [(x1, y1), (x2, y2), (x3, y3)] {
                        s.pts.push(apply(ctm, *x as f64, *y as f64));
                    }
                }
            }
        }
        ContentOperation::CurveToV(x2, y2, x3, y3) | ContentOperation::CurveToY(x2, y2, x3, y3) => {
            if let Some(s) = path.last_mut() {
                if s.pts.len() < 10_000 {
                    s.curve = true;
                    for (x, y) in [(x2, y2), (x3, y3)] {
                        s.pts.push(apply(ctm, *x as f64, *y as f64));
                    }
                }
            }
        }
        ContentOperation::ClosePath => {
            if let Some(s) = path.last_mut() {
                s.closed = true;
            }
        }
        ContentOperation::Rectangle(x, y, w, h) => {
            let (x, y, w, h) = (*x as f64, *y as f64, *w as f64, *h as f64);
            if path.len() < 10_000 {
                path.push(Sub {
                    pts: vec![
                        apply(ctm, x, y),
                        apply(ctm, x + w, y),
                        apply(ctm, x + w, y + h),
                        apply(ctm, x, y + h),
                    ],
                    curve: false,
                    closed: true,
                });
            }
        }
        _ => return false,
    }
    true
}

/// Applies a clipping or painting operator: paints the path (unless white),
/// ends it, and brings a pending clip into force. Other operators are ignored.
fn paint_path(
    op: &ContentOperation,
    path: &mut Vec<Sub>,
    state: &mut GState,
    pending_clip: &mut Option<Rect>,
    shapes: &mut Vec<Shape>,
) {
    match op {
        ContentOperation::Clip | ContentOperation::ClipEvenOdd => {
            let pts: Vec<(f64, f64)> = path.iter().flat_map(|s| s.pts.iter().copied()).collect();
            *pending_clip = bbox(&pts).map(|(a, b, c, d)| [a, b, c, d]);
        }
        ContentOperation::Stroke | ContentOperation::CloseStroke => {
            if !state.stroke_white {
                paint(
                    path,
                    false,
                    true,
                    state.lw * scale(&state.ctm),
                    &state.clip,
                    shapes,
                );
            }
            path.clear();
            apply_clip(&mut state.clip, pending_clip);
        }
        ContentOperation::Fill | ContentOperation::FillEvenOdd => {
            if !state.fill_white {
                paint(path, true, false, 0.0, &state.clip, shapes);
            }
            path.clear();
            apply_clip(&mut state.clip, pending_clip);
        }
        ContentOperation::FillStroke
        | ContentOperation::FillStrokeEvenOdd
        | ContentOperation::CloseFillStroke
        | ContentOperation::CloseFillStrokeEvenOdd => {
            paint(
                path,
                !state.fill_white,
                !state.stroke_white,
                state.lw * scale(&state.ctm),
                &state.clip,
                shapes,
            );
            path.clear();
            apply_clip(&mut state.clip, pending_clip);
        }
        ContentOperation::EndPath => {
            path.clear();
            apply_clip(&mut state.clip, pending_clip);
        }
        _ => {}
    }
}

/// A form XObject to walk: its content, resources and matrix.
struct Form {
    data: Vec<u8>,
    resources: Option<PdfDictionary>,
    matrix: Mat,
}

/// The form XObject `name` of `xobjects`, decoded (None for images and
/// anything unreadable); counts it in `forms` and its bytes in `decoded`.
fn open_form(
    doc: &Doc,
    xobjects: &PdfDictionary,
    name: &str,
    forms: &mut usize,
    decoded: &mut u64,
) -> Option<Form> {
    let Some(PdfObject::Reference(n, g)) = xobjects.get(name.trim_start_matches('/')) else {
        return None;
    };
    let Ok(PdfObject::Stream(s)) = doc.get_object(*n, *g) else {
        return None;
    };
    if s.dict
        .get("Subtype")
        .and_then(|t| t.as_name())
        .map(|t| t.0.as_str())
        != Some("Form")
    {
        return None;
    }
    *forms += 1;
    let Ok(data) = doc.decode_stream(&s) else {
        return None;
    };
    *decoded += data.len() as u64;
    let mut matrix = IDENT;
    if let Some(PdfObject::Array(a)) = s.dict.get("Matrix") {
        let v: Vec<f64> = a.0.iter().filter_map(num).collect();
        if v.len() == 6 && v.iter().all(|x| x.is_finite()) {
            matrix = [v[0], v[1], v[2], v[3], v[4], v[5]];
        }
    }
    let resources = resolve_dict(doc, s.dict.get("Resources"));
    Some(Form {
        data,
        resources,
        matrix,
    })
}

type Rect = [f64; 4];
const NO_CLIP: Rect = [
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
    f64::INFINITY,
    f64::INFINITY,
];

fn apply_clip(clip: &mut Rect, pending: &mut Option<Rect>) {
    if let Some(p) = pending.take() {
        *clip = [
            clip[0].max(p[0]),
            clip[1].max(p[1]),
            clip[2].min(p[2]),
            clip[3].min(p[3]),
        ];
    }
}

fn scale(m: &Mat) -> f64 {
    (m[0] * m[3] - m[1] * m[2]).abs().sqrt()
}

fn paint(path: &[Sub], fill: bool, stroke: bool, lw: f64, clip: &Rect, shapes: &mut Vec<Shape>) {
    let mut push = |s: Shape| {
        let c = Shape {
            x0: s.x0.max(clip[0]),
            y0: s.y0.max(clip[1]),
            x1: s.x1.min(clip[2]),
            y1: s.y1.min(clip[3]),
            blob: s.blob,
        };
        if c.x1 >= c.x0 && c.y1 >= c.y0 {
            shapes.push(c);
        }
    };
    for s in path {
        let Some((a, b, c, d)) = bbox(&s.pts) else {
            continue;
        };
        if fill {
            push(Shape {
                x0: a,
                y0: b,
                x1: c,
                y1: d,
                blob: true,
            });
        }
        if stroke {
            let h = (lw / 2.0).clamp(0.05, 5.0);
            if s.curve {
                push(Shape {
                    x0: a - h,
                    y0: b - h,
                    x1: c + h,
                    y1: d + h,
                    blob: s.closed,
                });
                continue;
            }
            let n = s.pts.len();
            let segs = if s.closed && n > 2 {
                n
            } else {
                n.saturating_sub(1)
            };
            for i in 0..segs {
                let (p, q) = (s.pts[i], s.pts[(i + 1) % n]);
                push(Shape {
                    x0: p.0.min(q.0) - h,
                    y0: p.1.min(q.1) - h,
                    x1: p.0.max(q.0) + h,
                    y1: p.1.max(q.1) + h,
                    blob: false,
                });
            }
        }
    }
}
