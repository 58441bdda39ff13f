//! Word documents (.docx, .docm, .dotx): the main document part, then its footnotes
//! and endnotes, laid out by [`super::layout`]. Headers and footers, comments, deleted
//! text, hidden text and field instructions are left out; list labels are computed
//! from numbering.xml the way Word shows them ("- " for bullets).
//!
//! The style and numbering definitions are read by [`super::docx_styles`];
//! this file holds the package entry, the relationships and the walk.

use quick_xml::events::BytesStart;

use super::docx_styles::{NumLabel, Numbering, Styles};
use super::layout::Layout;
use super::opc::{core_title, lenient, open_main, relationships, target_of, Expected};
use super::types::{Extracted, Limits, Unreadable};
use super::xml::{self, attr, on};
use super::zipread::Package;

const W_MAIN: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const M_MAIN: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";
const M_STRICT: &str = "http://purl.oclc.org/ooxml/officeDocument/math";

/// Reads a Word document held in memory.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, Unreadable> {
    let (mut pkg, root_rels, main) = open_main(
        bytes,
        limits,
        &Expected {
            root: "document",
            what: "un document Word",
            extension: ".docx",
            legacy: "ancien format Word 97-2003 (.doc), pas un .docx",
        },
    )?;
    let rels_of_main = relationships(&mut pkg, &main)?;
    let part_of = |kind: &str, default: &str| {
        target_of(&rels_of_main, kind)
            .unwrap_or(default)
            .to_string()
    };
    let styles = lenient(Styles::read(
        &mut pkg,
        &part_of("styles", "word/styles.xml"),
    ))?
    .unwrap_or_default();
    let numbering = lenient(Numbering::read(
        &mut pkg,
        &part_of("numbering", "word/numbering.xml"),
    ))?
    .unwrap_or_default();
    let mut reader = Reader {
        styles,
        numbering,
        paras: Vec::new(),
        run_hidden: false,
        run_bold: false,
        fields: Vec::new(),
    };

    let mut layout = Layout::new(limits.max_output_bytes);
    reader.walk(&mut pkg, &main, &mut layout)?;
    let mut text = layout.finish()?;

    // Notes come after the body; a damaged notes part loses the notes, not the document.
    for (kind, default) in [
        ("footnotes", "word/footnotes.xml"),
        ("endnotes", "word/endnotes.xml"),
    ] {
        append_notes(
            &mut reader,
            &mut pkg,
            &part_of(kind, default),
            limits,
            &mut text,
        )?;
    }

    let title = core_title(&mut pkg, &root_rels)?;
    Ok(Extracted {
        text,
        n_pages: 0,
        title,
    })
}

/// Walks a notes part and appends its text after `text`, a blank line between; only a
/// text grown too large is an error.
fn append_notes(
    reader: &mut Reader,
    pkg: &mut Package<'_>,
    part: &str,
    limits: &Limits,
    text: &mut String,
) -> Result<(), Unreadable> {
    let mut notes = Layout::new(limits.max_output_bytes.saturating_sub(text.len() + 2));
    reader.paras.clear();
    reader.fields.clear();
    let walked = reader
        .walk(pkg, part, &mut notes)
        .and_then(|()| notes.finish());
    match walked {
        Ok(notes) if !notes.is_empty() => {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&notes);
            Ok(())
        }
        Err(Unreadable::TooLarge(detail)) => Err(Unreadable::TooLarge(detail)),
        Ok(_) | Err(_) => Ok(()),
    }
}

// ---- the document walk ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    W,
    Mc,
    Math,
    Other,
}

/// What an open element is, for what its end must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Plain,
    Para,
    PPr,
    NumPr,
    Run,
    RPr,
    Text,
    Table,
    Row,
    Cell { span: usize },
    TcPr,
    TextBox,
}

#[derive(Debug, Default)]
struct ParaProps {
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<usize>,
    outline: Option<u8>,
    done: bool,
}

struct Reader {
    styles: Styles,
    numbering: Numbering,
    paras: Vec<ParaProps>,
    run_hidden: bool,
    run_bold: bool,
    /// Open fields, innermost last: true while in their instructions (before `separate`).
    fields: Vec<bool>,
}

impl Reader {
    fn capturing(&self) -> bool {
        !self.run_hidden && !self.fields.last().copied().unwrap_or(false)
    }

    fn walk(
        &mut self,
        pkg: &mut Package<'_>,
        part: &str,
        layout: &mut Layout,
    ) -> Result<(), Unreadable> {
        xml::walk_part(self, pkg, part, layout)
    }
}

impl xml::PartReader for Reader {
    type Ns = Ns;
    type Frame = Frame;

    fn ns_of(uri: &str) -> Ns {
        match uri {
            W_MAIN | W_STRICT => Ns::W,
            MC => Ns::Mc,
            M_MAIN | M_STRICT => Ns::Math,
            _ => Ns::Other,
        }
    }

    /// Handles an element start; pushes its frame. False: skip the element's content.
    fn start(
        &mut self,
        ns: Ns,
        e: &BytesStart<'_>,
        frames: &mut Vec<Frame>,
        layout: &mut Layout,
    ) -> Result<bool, Unreadable> {
        let top = frames.last().copied();
        let local = e.local_name();
        let frame = match (ns, local.as_ref()) {
            (Ns::W, "rPr" | "pPrChange" | "sectPr" | "tabs") if top == Some(Frame::PPr) => {
                return Ok(false)
            }
            (
                Ns::W,
                name @ ("p" | "pPr" | "pStyle" | "outlineLvl" | "numPr" | "numId" | "ilvl"),
            ) => self.paragraph_start(name, e, top, layout)?,
            (
                Ns::W,
                name @ ("r" | "rPr" | "vanish" | "b" | "tab" | "ptab" | "br" | "cr"
                | "noBreakHyphen" | "sym" | "fldChar"),
            ) => self.run_start(name, e, top, layout)?,
            (Ns::W | Ns::Math, "t") => Frame::Text,
            (
                Ns::W,
                "delText" | "instrText" | "delInstrText" | "del" | "moveFrom" | "rPrChange"
                | "sdtPr" | "sdtEndPr" | "tblPr" | "tblGrid" | "trPr" | "tblPrEx" | "sectPr"
                | "tcPrChange" | "tblPrChange" | "trPrChange" | "customXmlPr" | "smartTagPr",
            ) => return Ok(false),
            (Ns::W, name @ ("tbl" | "tr" | "tc" | "tcPr" | "gridSpan")) => {
                table_start(name, e, frames, layout)?
            }
            (Ns::W, "txbxContent") => {
                layout.open_defer(false)?;
                Frame::TextBox
            }
            (Ns::W, "footnote" | "endnote") => {
                if matches!(
                    attr(e, "type").as_deref(),
                    Some("separator" | "continuationSeparator" | "continuationNotice")
                ) {
                    return Ok(false);
                }
                Frame::Plain
            }
            (Ns::Mc, "Fallback") => return Ok(false),
            _ => Frame::Plain,
        };
        frames.push(frame);
        Ok(true)
    }

    fn end(&mut self, frame: Frame, _: Ns, _: &str, layout: &mut Layout) -> Result<(), Unreadable> {
        match frame {
            Frame::Para => {
                self.paragraph_props(layout);
                layout.close_para()?;
                self.paras.pop();
            }
            Frame::PPr => self.paragraph_props(layout),
            Frame::Run => {
                self.run_hidden = false;
                self.run_bold = false;
            }
            Frame::Table => layout.close_table()?,
            Frame::Row => layout.close_row()?,
            Frame::Cell { span } => layout.close_cell(span - 1, 0)?,
            Frame::TextBox => layout.close_defer()?,
            _ => {}
        }
        Ok(())
    }

    /// Only the text of `w:t` (and `m:t`) elements counts, outside hidden runs and field
    /// instructions; line breaks inside it are spaces.
    fn text(
        &mut self,
        text: &str,
        from_ref: bool,
        frames: &[Frame],
        layout: &mut Layout,
    ) -> Result<(), Unreadable> {
        if frames.last() != Some(&Frame::Text) || !self.capturing() {
            return Ok(());
        }
        if from_ref {
            layout.text(text, self.run_bold)
        } else {
            layout.text(&text.replace(['\n', '\r'], " "), self.run_bold)
        }
    }
}

impl Reader {
    /// A paragraph and its properties: style, outline level, list reference.
    fn paragraph_start(
        &mut self,
        name: &str,
        e: &BytesStart<'_>,
        top: Option<Frame>,
        layout: &mut Layout,
    ) -> Result<Frame, Unreadable> {
        let frame = match name {
            "p" => {
                layout.open_para()?;
                self.paras.push(ParaProps::default());
                Frame::Para
            }
            "pPr" if top == Some(Frame::Para) => Frame::PPr,
            "pStyle" if top == Some(Frame::PPr) => self.set_para(|p| p.style = attr(e, "val")),
            "outlineLvl" if top == Some(Frame::PPr) => {
                self.set_para(|p| p.outline = attr(e, "val").and_then(|v| v.parse().ok()))
            }
            "numPr" if top == Some(Frame::PPr) => Frame::NumPr,
            "numId" if top == Some(Frame::NumPr) => self.set_para(|p| p.num_id = attr(e, "val")),
            "ilvl" if top == Some(Frame::NumPr) => {
                self.set_para(|p| p.ilvl = attr(e, "val").and_then(|v| v.parse().ok()))
            }
            _ => Frame::Plain,
        };
        Ok(frame)
    }

    /// Sets a property of the open paragraph; the property's element holds nothing more.
    fn set_para(&mut self, set: impl FnOnce(&mut ParaProps)) -> Frame {
        if let Some(p) = self.paras.last_mut() {
            set(p);
        }
        Frame::Plain
    }

    /// A run and what it holds besides text: hidden and bold properties,
    /// tabs, breaks, symbols, field characters.
    fn run_start(
        &mut self,
        name: &str,
        e: &BytesStart<'_>,
        top: Option<Frame>,
        layout: &mut Layout,
    ) -> Result<Frame, Unreadable> {
        let frame = match name {
            "r" => {
                self.run_hidden = false;
                self.run_bold = false;
                Frame::Run
            }
            "rPr" if top == Some(Frame::Run) => Frame::RPr,
            "vanish" if top == Some(Frame::RPr) => {
                self.run_hidden = on(attr(e, "val").as_deref());
                Frame::Plain
            }
            "b" if top == Some(Frame::RPr) => {
                self.run_bold = on(attr(e, "val").as_deref());
                Frame::Plain
            }
            "tab" | "ptab" if top == Some(Frame::Run) => {
                if self.capturing() {
                    layout.ch('\t')?;
                }
                Frame::Plain
            }
            "br" | "cr" if top == Some(Frame::Run) => {
                if self.capturing() {
                    layout.ch('\n')?;
                }
                Frame::Plain
            }
            "noBreakHyphen" if top == Some(Frame::Run) => {
                if self.capturing() {
                    layout.text("-", self.run_bold)?;
                }
                Frame::Plain
            }
            "sym" if top == Some(Frame::Run) => {
                // Symbol-font characters (U+F0xx) mean what their font says: only the
                // usual bullets are kept (as •), by `push_clean`.
                let c = attr(e, "char")
                    .and_then(|hex| u32::from_str_radix(&hex, 16).ok())
                    .and_then(char::from_u32);
                if let (Some(c), true) = (c, self.capturing()) {
                    let symbol = ('\u{F000}'..='\u{F0FF}').contains(&c);
                    if !c.is_control() && (!symbol || super::layout::is_symbol_bullet(c)) {
                        layout.text(c.encode_utf8(&mut [0; 4]), self.run_bold)?;
                    }
                }
                Frame::Plain
            }
            "fldChar" => {
                match attr(e, "fldCharType").as_deref() {
                    Some("begin") if self.fields.len() < 64 => self.fields.push(true),
                    Some("separate") => {
                        if let Some(field) = self.fields.last_mut() {
                            *field = false;
                        }
                    }
                    Some("end") => {
                        self.fields.pop();
                    }
                    _ => {}
                }
                Frame::Plain
            }
            _ => Frame::Plain,
        };
        Ok(frame)
    }

    /// Once a paragraph's properties are known: heading or not, list label.
    fn paragraph_props(&mut self, layout: &mut Layout) {
        let Some(props) = self.paras.last_mut() else {
            return;
        };
        if props.done {
            return;
        }
        props.done = true;
        let style = props.style.clone();
        let heading = props.outline.is_some_and(|l| l < 9)
            || style.as_deref().is_some_and(|s| self.styles.is_heading(s));
        let (mut num_id, mut ilvl) = (props.num_id.clone(), props.ilvl);
        if num_id.is_none() || ilvl.is_none() {
            if let Some(style) = style.as_deref() {
                let (style_num, style_lvl) = self.styles.numbering(style);
                num_id = num_id.or(style_num);
                ilvl = ilvl.or(style_lvl);
            }
        }
        let label = match num_id {
            Some(id) if id != "0" => Some(self.numbering.label(&id, ilvl.unwrap_or(0))),
            _ => None,
        };
        let Some(para) = layout.para() else {
            return;
        };
        para.heading = heading;
        match label {
            None => {}
            Some(NumLabel::Bullet) if !heading => {
                para.label = Some("- ".to_string());
                para.in_list = true;
            }
            Some(NumLabel::Bullet) => {}
            Some(NumLabel::Text(text)) => {
                para.label = (!text.is_empty()).then(|| format!("{text} "));
                para.in_list = !heading;
            }
        }
    }
}

/// A table, row or cell, and a cell's column span.
fn table_start(
    name: &str,
    e: &BytesStart<'_>,
    frames: &mut [Frame],
    layout: &mut Layout,
) -> Result<Frame, Unreadable> {
    let top = frames.last().copied();
    let frame = match name {
        "tbl" => {
            if layout.open_table()? {
                Frame::Table
            } else {
                Frame::Plain
            }
        }
        "tr" => {
            if layout.open_row()? {
                Frame::Row
            } else {
                Frame::Plain
            }
        }
        "tc" => {
            if layout.open_cell()? {
                Frame::Cell { span: 1 }
            } else {
                Frame::Plain
            }
        }
        "tcPr" if matches!(top, Some(Frame::Cell { .. })) => Frame::TcPr,
        "gridSpan" if top == Some(Frame::TcPr) => {
            let span = attr(e, "val")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 64);
            if let Some(Frame::Cell { span: s }) = frames.iter_mut().rev().nth(1) {
                *s = span;
            }
            Frame::Plain
        }
        _ => Frame::Plain,
    };
    Ok(frame)
}
