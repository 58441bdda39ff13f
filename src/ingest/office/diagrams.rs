//! SmartArt diagrams of a PowerPoint slide: the text of their data model, in the
//! diagram's own order.
//!
//! Council presentations draw their method and calendar as SmartArt (« Diagnostic →
//! Concertation → Plan d'action », a box per enjeu with its orientations below). The
//! slide only points at the diagram; its text lives in a data part, as points joined by
//! connections (parent, child, order). The drawing PowerPoint caches beside it repeats
//! the text shape by shape, so only the data part is read: each point from the root
//! down, children in their order; a first-level point is a paragraph, a deeper one an
//! item (`- `), as the diagram shows them in boxes and their bullets.

use std::collections::HashMap;

use quick_xml::events::Event;

use super::layout::Layout;
use super::types::Unreadable;
use super::xml::{self, attr};
use super::zipread::Package;

/// Points read at most in one diagram.
const MAX_POINTS: usize = 10_000;
/// Levels followed at most from the root.
const MAX_DEPTH: usize = 16;

/// One point of the data model: its text, one string per paragraph.
#[derive(Debug, Default)]
struct Point {
    id: String,
    kind: String,
    paragraphs: Vec<String>,
}

/// A diagram's points and the connections between them.
type Model = (Vec<Point>, Vec<Link>);

/// A parent-of connection: `source` holds `destination` at position `order`.
#[derive(Debug)]
struct Link {
    source: String,
    destination: String,
    order: u32,
}

/// Lays out the text of the diagram data part `part`; a damaged part loses the
/// diagram's text, not the slide (only running out of budget is an error).
pub(super) fn lay_out(
    pkg: &mut Package<'_>,
    part: &str,
    layout: &mut Layout,
) -> Result<(), Unreadable> {
    let (points, links) = match read(pkg, part) {
        Ok(Some(model)) => model,
        Ok(None) => return Ok(()),
        Err(Unreadable::TooLarge(detail)) => return Err(Unreadable::TooLarge(detail)),
        Err(_) => return Ok(()),
    };
    for (depth, point) in in_order(&points, &links) {
        for paragraph in &point.paragraphs {
            layout.open_para()?;
            layout.text(paragraph, false)?;
            if depth > 1 {
                if let Some(para) = layout.para() {
                    para.label = Some("- ".to_string());
                    para.in_list = true;
                }
            }
            layout.close_para()?;
        }
    }
    Ok(())
}

/// The points with text, each with its depth: from the document point down, children
/// in their order; points no connection reaches come after, in the order written.
fn in_order<'p>(points: &'p [Point], links: &[Link]) -> Vec<(usize, &'p Point)> {
    let by_id: HashMap<&str, &Point> = points.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut children: HashMap<&str, Vec<(u32, &str)>> = HashMap::new();
    for link in links {
        if by_id.contains_key(link.destination.as_str()) {
            children
                .entry(link.source.as_str())
                .or_default()
                .push((link.order, link.destination.as_str()));
        }
    }
    for list in children.values_mut() {
        list.sort();
    }
    let mut out = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let roots = points.iter().filter(|p| p.kind == "doc");
    let mut stack: Vec<(usize, &str)> = roots.rev().map(|p| (0, p.id.as_str())).collect();
    while let Some((depth, id)) = stack.pop() {
        if !seen.insert(id) || depth > MAX_DEPTH {
            continue;
        }
        if let Some(point) = by_id.get(id) {
            if depth > 0 && !point.paragraphs.is_empty() {
                out.push((depth, *point));
            }
        }
        if let Some(list) = children.get(id) {
            for &(_, child) in list.iter().rev() {
                stack.push((depth + 1, child));
            }
        }
    }
    for point in points {
        if point.kind == "node" && !point.paragraphs.is_empty() && !seen.contains(point.id.as_str())
        {
            out.push((1, point));
        }
    }
    out
}

/// The points that hold text a person typed (nodes and assistants) and the parent-of
/// connections of the data part; `None` when there is no such part.
fn read(pkg: &mut Package<'_>, part: &str) -> Result<Option<Model>, Unreadable> {
    pkg.with_entry(part, |input| {
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        let mut points: Vec<Point> = Vec::new();
        let mut links: Vec<Link> = Vec::new();
        let mut point: Option<Point> = None;
        let mut paragraph: Option<String> = None;
        let mut in_text = false;
        loop {
            let (_, event) = xml::next_event(&mut reader, &mut buf, part, |_| ())?;
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    match e.local_name().as_ref() {
                        "pt" if points.len() < MAX_POINTS => {
                            let kind = attr(&e, "type").unwrap_or_else(|| "node".to_string());
                            let p = Point {
                                id: attr(&e, "modelId").unwrap_or_default(),
                                kind,
                                paragraphs: Vec::new(),
                            };
                            if empty {
                                points.push(p);
                            } else {
                                point = Some(p);
                            }
                        }
                        // Only parent-of connections (no type) order the points.
                        "cxn"
                            if links.len() < MAX_POINTS
                                && attr(&e, "type").is_none_or(|t| t == "parOf") =>
                        {
                            if let (Some(source), Some(destination)) =
                                (attr(&e, "srcId"), attr(&e, "destId"))
                            {
                                links.push(Link {
                                    source,
                                    destination,
                                    order: attr(&e, "srcOrd")
                                        .and_then(|v| v.parse().ok())
                                        .unwrap_or(0),
                                });
                            }
                        }
                        "p" if point.is_some() && !empty => paragraph = Some(String::new()),
                        "t" if paragraph.is_some() && !empty => in_text = true,
                        "br" => {
                            if let Some(text) = paragraph.as_mut() {
                                text.push(' ');
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    "pt" => {
                        if let Some(done) = point.take() {
                            points.push(done);
                        }
                    }
                    "p" => {
                        if let (Some(text), Some(p)) = (paragraph.take(), point.as_mut()) {
                            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                            if !text.is_empty() && matches!(p.kind.as_str(), "node" | "asst") {
                                p.paragraphs.push(text);
                            }
                        }
                    }
                    "t" => in_text = false,
                    _ => {}
                },
                Event::Text(t) if in_text => {
                    if let Some(text) = paragraph.as_mut() {
                        super::layout::push_clean(text, &t.xml10_content());
                    }
                }
                Event::GeneralRef(r) if in_text => {
                    if let Some(text) = paragraph.as_mut() {
                        text.push(xml::general_ref(&r, part)?);
                    }
                }
                Event::Eof => return Ok((points, links)),
                _ => {}
            }
        }
    })
}
