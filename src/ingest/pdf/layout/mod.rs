//! Layout recovery: the positioned text runs and painted shapes of each page
//! become text in maillage's ingest conventions (see CONTRACT.md).
//!
//! Nothing here knows about PDF syntax: the reader (`pdf/mod.rs`) fills
//! [`PageIn`] from the library, so every rule below can be unit-tested on
//! synthetic pages.
//!
//! Per page:
//! 1. runs are cleaned (ligatures, zero-width characters, explicit spaces);
//! 2. thin painted rectangles / stroked segments become ruling lines; grids of
//!    ruling lines become tables whose cells collect the runs inside them;
//!    small painted blobs left of a line become list bullets;
//! 3. the other runs are merged into phrases (same baseline, small gaps) and
//!    ordered by a recursive XY cut: horizontal slabs are grouped while they
//!    share a vertical gutter, a group with a real gutter is split into
//!    columns read one after the other, unless its rows are spaced apart or
//!    its blocks line up, in which case it is a borderless table read row by
//!    row;
//! 4. leaves become lines (baseline clusters, spaces from gaps).
//!
//! Per document: running headers/footers and page numbers are removed, then
//! lines are joined into paragraphs (same size, weight and left edge, normal
//! line pitch, previous line full), hyphenated line ends are resolved with a
//! vocabulary taken from the document itself, table rows are written one per
//! line with `\t` between cells.
//!
//! The steps live in their own files: [`runs`] (cleaning), [`tables`] (ruled
//! grids), [`lines`] (baseline clusters, phrases, [`Line`]s), [`bullets`],
//! [`columns`] (reading order, borderless tables), [`running`] (headers,
//! footers, page numbers), [`hyphens`] (the document's vocabulary),
//! [`kinds`] (headings, enumerators, labels), [`paragraphs`] (joining lines)
//! and [`document`] (writing the text). This file holds the shared types and
//! the entry points.

mod bullets;
mod columns;
mod document;
mod hyphens;
mod kinds;
mod lines;
mod paragraphs;
mod running;
mod runs;
mod tables;
#[cfg(test)]
mod tests;

pub use runs::normalize_text;

use bullets::bullet_shapes;
use columns::{order_items, Item, ItemKind, Leaf};
use document::Writer;
use hyphens::document_vocab;
use lines::{build_lines, phrases};
use paragraphs::pitches;
use running::remove_furniture;
use runs::prepare_runs;
use tables::{ruled_tables, RuledTables, TableRows};

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

impl PageOut {
    /// The page's text blocks (tables left out), each a run of lines.
    pub(super) fn text_blocks(&self) -> impl Iterator<Item = &Vec<Line>> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Text(lines) => Some(lines),
            _ => None,
        })
    }
}

/// Marks a line break inside a line's text (two headings glued on one line).
const GLUED_BREAK: char = '\u{E002}';

/// Total order on coordinates (sorting).
fn fcmp(a: f64, b: f64) -> std::cmp::Ordering {
    a.total_cmp(&b)
}

/// The upper median (sorts `v`).
fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| fcmp(*a, *b));
    Some(v[v.len() / 2])
}

// ---------------------------------------------------------------- entry points

/// Layout of one page: blocks in reading order.
pub fn layout_page(page: &PageIn) -> PageOut {
    let runs = prepare_runs(&page.runs, page);
    let bullets = bullet_shapes(&page.shapes);
    // Tables drawn with rules.
    let RuledTables {
        tables,
        mut items,
        free_runs,
    } = ruled_tables(runs, &page.shapes, &bullets);
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
    PageOut {
        x0: page.x0.min(page.x1),
        y0: page.y0.min(page.y1),
        x1: page.x0.max(page.x1),
        y1: page.y0.max(page.y1),
        blocks: leaf_blocks(leaves, tables, &bullets),
    }
}

/// The leaves of the reading order as blocks: text laid out as lines, ruled
/// tables, borderless tables with their cells laid out as lines.
fn leaf_blocks(leaves: Vec<Leaf>, tables: Vec<TableRows>, bullets: &[Shape]) -> Vec<Block> {
    let mut tables: Vec<Option<TableRows>> = tables.into_iter().map(Some).collect();
    let mut blocks = Vec::new();
    for leaf in leaves {
        match leaf {
            Leaf::Text(runs) => {
                let lines = build_lines(runs, bullets);
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
                            .map(|c| build_lines(c, bullets))
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
    blocks
}

/// The whole document as text; also the most repeated running header.
pub fn assemble(mut pages: Vec<PageOut>, title: Option<&str>) -> (String, Option<String>) {
    let header = remove_furniture(&mut pages, title);
    let vocab = document_vocab(&pages);
    let pitch = pitches(&pages);
    let mut writer = Writer::new(&pitch, &vocab);
    for (pi, page) in pages.iter().enumerate() {
        writer.page(pi, page);
    }
    (writer.finish(), header)
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
