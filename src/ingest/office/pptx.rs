//! PowerPoint slides (.pptx): each slide in the order the presentation lists it, its
//! shapes in the order they are drawn, then the speaker's notes, laid out by
//! [`super::layout`]; a slide is a page.
//!
//! Council presentations carry much of a plan's content (enjeux, orientations, the
//! calendar) only there. What a slide repeats from its master (footer, date, slide
//! number) is left out, as are empty placeholders, hidden slides (a published deck
//! does not show them), pictures, charts and comments; a SmartArt diagram's text
//! comes after the slide's shapes ([`super::diagrams`]). A paragraph of a body
//! placeholder is an item (`- `) unless it says it has no bullet, as the master's
//! text styles make it one; a text box's paragraph is an item only when it says so;
//! automatic numbers are written as shown (`1.`, `a)`).

use quick_xml::events::{BytesStart, Event};

use super::diagrams;
use super::layout::Layout;
use super::opc::{core_title, open_main, relationships, target_of, Expected, Relationship};
use super::types::{Extracted, Limits, Unreadable};
use super::xml::{self, attr, format_number, NumFmt};
use super::zipread::Package;

const A_MAIN: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const A_STRICT: &str = "http://purl.oclc.org/ooxml/drawingml/main";
const P_MAIN: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
const P_STRICT: &str = "http://purl.oclc.org/ooxml/presentationml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const DGM: &str = "http://schemas.openxmlformats.org/drawingml/2006/diagram";

/// Slides read at most (a deck of more is cut there).
const MAX_SLIDES: usize = 5_000;
/// List levels of a text body.
const LEVELS: usize = 9;

/// Reads a PowerPoint presentation held in memory.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, Unreadable> {
    let (mut pkg, root_rels, main) = open_main(
        bytes,
        limits,
        &Expected {
            root: "presentation",
            what: "une présentation",
            extension: ".pptx",
            legacy: "ancien format PowerPoint 97-2003 (.ppt), pas un .pptx",
        },
    )?;
    let rels = relationships(&mut pkg, &main)?;
    let slides = slide_parts(&mut pkg, &main, &rels)?;
    let mut layout = Layout::new(limits.max_output_bytes);
    let mut reader = Reader::default();
    for part in slides.iter().take(MAX_SLIDES) {
        if !pkg.has(part) {
            continue;
        }
        reader.start_part(false);
        xml::walk_part(&mut reader, &mut pkg, part, &mut layout)?;
        if reader.hidden {
            continue;
        }
        let slide_rels = relationships(&mut pkg, part)?;
        // SmartArt: the slide names each diagram's data, read after its shapes.
        for id in std::mem::take(&mut reader.diagrams) {
            if let Some(data) = slide_rels.iter().find(|r| r.id == id) {
                diagrams::lay_out(&mut pkg, &data.target, &mut layout)?;
            }
        }
        if let Some(notes) = target_of(&slide_rels, "notesSlide") {
            reader.start_part(true);
            // The notes are the speaker's: a damaged notes part loses them, not the slide.
            if let Err(Unreadable::TooLarge(detail)) =
                xml::walk_part(&mut reader, &mut pkg, notes, &mut layout)
            {
                return Err(Unreadable::TooLarge(detail));
            }
        }
    }
    let text = layout.finish()?;
    let title = core_title(&mut pkg, &root_rels)?;
    Ok(Extracted {
        text,
        n_pages: reader.slides,
        title,
    })
}

/// The slides' parts in the order the presentation lists them (`p:sldIdLst`); when
/// that list is unreadable, the slide relationships in the order of their numbers.
fn slide_parts(
    pkg: &mut Package<'_>,
    main: &str,
    rels: &[Relationship],
) -> Result<Vec<String>, Unreadable> {
    let mut ids = Vec::new();
    let read = pkg.with_entry(main, |input| {
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sldId" => {
                    if let Some(rid) = xml::relationship_id(&e).filter(|_| ids.len() < MAX_SLIDES) {
                        ids.push(rid);
                    }
                }
                Ok(Event::Eof) => return Ok(()),
                Ok(_) => {}
                Err(e) => return Err(xml::error(&reader, main, &e)),
            }
        }
    });
    if let Err(Unreadable::TooLarge(detail)) = read {
        return Err(Unreadable::TooLarge(detail));
    }
    let listed: Vec<String> = ids
        .iter()
        .filter_map(|id| rels.iter().find(|r| &r.id == id && r.kind == "slide"))
        .map(|r| r.target.clone())
        .collect();
    if !listed.is_empty() {
        return Ok(listed);
    }
    let mut slides: Vec<&Relationship> = rels.iter().filter(|r| r.kind == "slide").collect();
    slides.sort_by_key(|r| {
        let digits: String = r.target.chars().filter(char::is_ascii_digit).collect();
        (digits.parse::<u64>().unwrap_or(u64::MAX), r.target.clone())
    });
    Ok(slides.into_iter().map(|r| r.target.clone()).collect())
}

// ---- a slide's walk ------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    A,
    P,
    Mc,
    Dgm,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Plain,
    Slide,
    Shape,
    Para,
    Run,
    Text,
    Field,
    Table,
    Row,
    Cell,
}

/// What a paragraph says of its bullet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bullet {
    /// Nothing: the shape's default.
    Inherited,
    None,
    Char,
    Number {
        fmt: NumFmt,
        style: NumStyle,
        start: i64,
    },
}

/// How an automatic number is written around its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumStyle {
    Period,
    ParenRight,
    ParenBoth,
    Plain,
}

/// The shape being read.
#[derive(Debug, Default, Clone, Copy)]
struct Shape {
    /// A body placeholder: its paragraphs are items unless they say otherwise.
    body: bool,
    /// Nothing of it is read (a footer, date or slide number placeholder; on a notes
    /// page, anything but the notes).
    skip: bool,
    /// Counters of automatic numbers per level.
    counters: [Option<i64>; LEVELS],
}

#[derive(Debug, Default)]
struct Reader {
    /// Reading a notes page (only its body placeholder is read, without bullets).
    notes: bool,
    /// The slide says it is hidden.
    hidden: bool,
    /// Slides shown so far (hidden ones are not): the deck's pages.
    slides: usize,
    shapes: Vec<Shape>,
    /// The paragraph being read: its level and what it says of its bullet.
    para: Option<(usize, Bullet)>,
    bold: bool,
    /// Inside a field that is a slide number or a date.
    quiet_field: bool,
    /// The relationships naming the data of the slide's SmartArt diagrams.
    diagrams: Vec<String>,
}

impl Reader {
    fn start_part(&mut self, notes: bool) {
        *self = Reader {
            notes,
            slides: self.slides,
            ..Reader::default()
        };
    }

    /// The shape a paragraph belongs to (a table's cells belong to their frame).
    fn shape(&mut self) -> Option<&mut Shape> {
        self.shapes.last_mut()
    }

    /// The label of the paragraph ending, and whether it is an item.
    fn label(&mut self) -> (Option<String>, bool) {
        let Some((level, bullet)) = self.para.take() else {
            return (None, false);
        };
        let notes = self.notes;
        let Some(shape) = self.shape() else {
            return (None, false);
        };
        let bullet = match bullet {
            Bullet::Inherited if shape.body && !notes => Bullet::Char,
            Bullet::Inherited => Bullet::None,
            b => b,
        };
        match bullet {
            Bullet::Number { fmt, style, start } => {
                let n = shape.counters[level].map_or(start, |n| n.saturating_add(1));
                shape.counters[level] = Some(n);
                for deeper in shape.counters.iter_mut().skip(level + 1) {
                    *deeper = None;
                }
                let number = format_number(n, fmt);
                let label = match style {
                    NumStyle::Period => format!("{number}. "),
                    NumStyle::ParenRight => format!("{number}) "),
                    NumStyle::ParenBoth => format!("({number}) "),
                    NumStyle::Plain => format!("{number} "),
                };
                (Some(label), true)
            }
            Bullet::Char => {
                for deeper in shape.counters.iter_mut().skip(level) {
                    *deeper = None;
                }
                (Some("- ".to_string()), true)
            }
            Bullet::None | Bullet::Inherited => {
                for deeper in shape.counters.iter_mut().skip(level) {
                    *deeper = None;
                }
                (None, false)
            }
        }
    }
}

impl xml::PartReader for Reader {
    type Ns = Ns;
    type Frame = Frame;

    fn ns_of(uri: &str) -> Ns {
        match uri {
            A_MAIN | A_STRICT => Ns::A,
            P_MAIN | P_STRICT => Ns::P,
            MC => Ns::Mc,
            DGM => Ns::Dgm,
            _ => Ns::Other,
        }
    }

    fn start(
        &mut self,
        ns: Ns,
        e: &BytesStart<'_>,
        frames: &mut Vec<Frame>,
        layout: &mut Layout,
    ) -> Result<bool, Unreadable> {
        let local = e.local_name();
        let frame = match (ns, local.as_ref()) {
            (Ns::P, "sld") => {
                if attr(e, "show").as_deref() == Some("0") {
                    self.hidden = true;
                    return Ok(false);
                }
                if self.slides > 0 {
                    layout.page_break()?;
                }
                self.slides += 1;
                Frame::Slide
            }
            (Ns::P, "sp" | "graphicFrame") => {
                self.shapes.push(Shape {
                    skip: self.notes,
                    ..Shape::default()
                });
                Frame::Shape
            }
            (Ns::P, "ph") => {
                let notes = self.notes;
                if let Some(shape) = self.shape() {
                    // A placeholder without a type is a body (`obj`).
                    let kind = attr(e, "type");
                    let kind = kind.as_deref().unwrap_or("obj");
                    shape.body = matches!(kind, "body" | "obj");
                    shape.skip = if notes {
                        kind != "body"
                    } else {
                        matches!(kind, "dt" | "ftr" | "hdr" | "sldNum" | "sldImg")
                    };
                }
                Frame::Plain
            }
            (Ns::P, "txBody") | (Ns::A, "tbl") if self.shapes.last().is_some_and(|s| s.skip) => {
                return Ok(false)
            }
            (Ns::A, "rPr") if frames.last() == Some(&Frame::Run) => {
                self.bold = attr(e, "b").is_some_and(|b| xml::on(Some(&b)));
                return Ok(false);
            }
            // Pictures, animations, and the text styles of a body (which name bullets
            // for levels, not for paragraphs).
            (Ns::P, "pic" | "extLst" | "timing" | "transition")
            | (Ns::A, "lstStyle" | "extLst" | "rPr" | "endParaRPr") => return Ok(false),
            (Ns::A, "p") => {
                layout.open_para()?;
                self.para = Some((0, Bullet::Inherited));
                Frame::Para
            }
            (Ns::A, "pPr") => {
                if let Some((level, _)) = self.para.as_mut() {
                    *level = attr(e, "lvl")
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0)
                        .min(LEVELS - 1);
                }
                Frame::Plain
            }
            (Ns::A, name @ ("buNone" | "buChar" | "buAutoNum" | "buBlip")) => {
                if let Some((_, bullet)) = self.para.as_mut() {
                    *bullet = match name {
                        "buNone" => Bullet::None,
                        "buAutoNum" => auto_number(e),
                        _ => Bullet::Char,
                    };
                }
                return Ok(false);
            }
            (Ns::A, "r") => {
                self.bold = false;
                Frame::Run
            }
            (Ns::A, "fld") => {
                self.bold = false;
                self.quiet_field = attr(e, "type")
                    .is_some_and(|t| t.starts_with("slidenum") || t.starts_with("datetime"));
                Frame::Field
            }
            (Ns::A, "t") => Frame::Text,
            (Ns::A, "br") => {
                layout.ch('\n')?;
                return Ok(false);
            }
            (Ns::A, "tbl") => {
                if layout.open_table()? {
                    Frame::Table
                } else {
                    Frame::Plain
                }
            }
            (Ns::A, "tr") => {
                if layout.open_row()? {
                    Frame::Row
                } else {
                    Frame::Plain
                }
            }
            (Ns::A, "tc") => {
                if layout.open_cell()? {
                    Frame::Cell
                } else {
                    Frame::Plain
                }
            }
            (Ns::Mc, "Fallback") => return Ok(false),
            (Ns::Dgm, "relIds") => {
                if let Some(data) =
                    attr(e, "dm").filter(|_| !self.notes && self.diagrams.len() < 100)
                {
                    self.diagrams.push(data);
                }
                return Ok(false);
            }
            _ => Frame::Plain,
        };
        frames.push(frame);
        Ok(true)
    }

    fn end(&mut self, frame: Frame, _: Ns, _: &str, layout: &mut Layout) -> Result<(), Unreadable> {
        match frame {
            Frame::Shape => {
                self.shapes.pop();
            }
            Frame::Para => {
                let (label, item) = self.label();
                if let Some(para) = layout.para() {
                    para.label = label;
                    para.in_list = item;
                }
                layout.close_para()?;
            }
            Frame::Run => self.bold = false,
            Frame::Field => self.quiet_field = false,
            Frame::Table => layout.close_table()?,
            Frame::Row => layout.close_row()?,
            Frame::Cell => layout.close_cell(0, 0)?,
            Frame::Plain | Frame::Slide | Frame::Text => {}
        }
        Ok(())
    }

    /// Only the text of `a:t` counts (line breaks inside it are spaces).
    fn text(
        &mut self,
        text: &str,
        from_ref: bool,
        frames: &[Frame],
        layout: &mut Layout,
    ) -> Result<(), Unreadable> {
        if frames.last() != Some(&Frame::Text) || self.quiet_field {
            return Ok(());
        }
        if from_ref {
            layout.text(text, self.bold)
        } else {
            layout.text(&text.replace(['\n', '\r'], " "), self.bold)
        }
    }
}

/// An automatic number's format (`arabicPeriod`, `alphaLcParenR`, `romanUcPeriod`…).
fn auto_number(e: &BytesStart<'_>) -> Bullet {
    let scheme = attr(e, "type").unwrap_or_else(|| "arabicPeriod".to_string());
    let fmt = if scheme.starts_with("alphaLc") {
        NumFmt::LowerLetter
    } else if scheme.starts_with("alphaUc") {
        NumFmt::UpperLetter
    } else if scheme.starts_with("romanLc") {
        NumFmt::LowerRoman
    } else if scheme.starts_with("romanUc") {
        NumFmt::UpperRoman
    } else {
        NumFmt::Decimal
    };
    let style = if scheme.ends_with("ParenBoth") {
        NumStyle::ParenBoth
    } else if scheme.ends_with("ParenR") {
        NumStyle::ParenRight
    } else if scheme.ends_with("Plain") {
        NumStyle::Plain
    } else {
        NumStyle::Period
    };
    let start = attr(e, "startAt").and_then(|v| v.parse().ok()).unwrap_or(1);
    Bullet::Number { fmt, style, start }
}
