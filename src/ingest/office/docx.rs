//! Word documents (.docx, .docm, .dotx): the main document part, then its footnotes
//! and endnotes, laid out by [`super::layout`]. Headers and footers, comments, deleted
//! text, hidden text and field instructions are left out; list labels are computed
//! from numbering.xml the way Word shows them ("- " for bullets).

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::layout::Layout;
use super::types::{Extracted, Limits, Unreadable};
use super::xml::{self, attr, format_number, general_ref, on, NumFmt};
use super::zipread::{ole_error, resolve_target, Package, OLE_MAGIC};

const W_MAIN: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const M_MAIN: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";
const M_STRICT: &str = "http://purl.oclc.org/ooxml/officeDocument/math";
const DC: &str = "http://purl.org/dc/elements/1.1/";

/// Styles, abstract numberings and numberings kept at most (real documents have a few
/// hundred; this bounds the memory a hostile styles.xml or numbering.xml can take).
const MAX_DEFINITIONS: usize = 20_000;

/// Reads a Word document held in memory.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, Unreadable> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ole_error(
            bytes,
            "ancien format Word 97-2003 (.doc), pas un .docx",
        ));
    }
    let mut pkg = Package::open(bytes, limits)?;
    let root_rels = relationships(&mut pkg, "_rels/.rels")?;
    let main = root_rels
        .iter()
        .find(|r| r.kind == "officeDocument")
        .map(|r| resolve_target("", &r.target))
        .filter(|part| pkg.has(part))
        .unwrap_or_else(|| "word/document.xml".to_string());
    if !pkg.has(&main) {
        return Err(Unreadable::Damaged(
            if pkg.has("xl/workbook.xml") || pkg.has("ppt/presentation.xml") {
                "pas un document Word (classeur ou présentation)".to_string()
            } else if pkg.has("content.xml") {
                "document OpenDocument, pas un .docx".to_string()
            } else {
                "pas un document Word : word/document.xml absent".to_string()
            },
        ));
    }
    let rels_of_main = {
        let (dir, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
        let path = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        relationships(&mut pkg, &path)?
    };
    let part_of = |kind: &str, default: &str| {
        rels_of_main
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| resolve_target(&main, &r.target))
            .unwrap_or_else(|| default.to_string())
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
        let part = part_of(kind, default);
        let mut notes = Layout::new(limits.max_output_bytes.saturating_sub(text.len() + 2));
        reader.paras.clear();
        reader.fields.clear();
        let walked = reader
            .walk(&mut pkg, &part, &mut notes)
            .and_then(|()| notes.finish());
        match walked {
            Ok(notes) if !notes.is_empty() => {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&notes);
            }
            Ok(_) => {}
            Err(Unreadable::TooLarge(detail)) => return Err(Unreadable::TooLarge(detail)),
            Err(_) => {}
        }
    }

    let core = root_rels
        .iter()
        .find(|r| r.kind == "core-properties")
        .map(|r| resolve_target("", &r.target))
        .unwrap_or_else(|| "docProps/core.xml".to_string());
    let title = xml::first_element_text(&mut pkg, &core, DC, "title")?;
    Ok(Extracted {
        text,
        n_pages: 0,
        title,
    })
}

/// Auxiliary parts (styles, numbering, relationships) may be damaged without losing
/// the text: only running out of budget stops the reading.
fn lenient<T>(read: Result<T, Unreadable>) -> Result<Option<T>, Unreadable> {
    match read {
        Ok(value) => Ok(Some(value)),
        Err(Unreadable::TooLarge(detail)) => Err(Unreadable::TooLarge(detail)),
        Err(_) => Ok(None),
    }
}

// ---- relationships -----------------------------------------------------------------

struct Relationship {
    /// Last segment of the relationship type ("officeDocument", "styles"…).
    kind: String,
    target: String,
}

fn relationships(pkg: &mut Package<'_>, part: &str) -> Result<Vec<Relationship>, Unreadable> {
    let read = pkg.with_entry(part, |input| {
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    if attr(&e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External")) {
                        continue;
                    }
                    if let (Some(kind), Some(target)) = (attr(&e, "Type"), attr(&e, "Target")) {
                        let kind = kind.rsplit('/').next().unwrap_or("").to_string();
                        out.push(Relationship { kind, target });
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return Err(xml::error(&reader, part, &e)),
            }
        }
        Ok(out)
    });
    Ok(lenient(read)?.flatten().unwrap_or_default())
}

// ---- styles ------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct StyleInfo {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num_id: Option<String>,
    ilvl: Option<usize>,
}

#[derive(Debug, Default)]
struct Styles {
    map: HashMap<String, StyleInfo>,
}

impl Styles {
    fn read(pkg: &mut Package<'_>, part: &str) -> Result<Styles, Unreadable> {
        let read = pkg.with_entry(part, |input| {
            let mut reader = xml::reader(input);
            let mut buf = Vec::new();
            let mut skip = Vec::new();
            let mut map = HashMap::new();
            let mut current: Option<(String, StyleInfo)> = None;
            let (mut in_ppr, mut in_numpr) = (false, false);
            loop {
                buf.clear();
                let event = match reader.read_event_into(&mut buf) {
                    Ok(event) => event,
                    Err(e) => return Err(xml::error(&reader, part, &e)),
                };
                match event {
                    Event::Start(ref e) | Event::Empty(ref e) => {
                        let empty = matches!(event, Event::Empty(_));
                        let val = || attr(e, "val");
                        match e.local_name().as_ref() {
                            "style" if !empty => {
                                let paragraph = attr(e, "type").is_none_or(|t| t == "paragraph");
                                current = match (paragraph, attr(e, "styleId")) {
                                    (true, Some(id)) => Some((id, StyleInfo::default())),
                                    _ => None,
                                };
                            }
                            "tblStylePr" | "rPr" | "pPrChange" | "latentStyles" | "docDefaults"
                                if !empty =>
                            {
                                skip.clear();
                                if let Err(e) = reader.read_to_end_into(e.name(), &mut skip) {
                                    return Err(xml::error(&reader, part, &e));
                                }
                            }
                            "pPr" if !empty => in_ppr = true,
                            "numPr" if in_ppr && !empty => in_numpr = true,
                            name => {
                                if let Some((_, info)) = current.as_mut() {
                                    match name {
                                        "name" => info.name = val().unwrap_or_default(),
                                        "basedOn" => info.based_on = val(),
                                        "outlineLvl" if in_ppr => {
                                            info.outline = val().and_then(|v| v.parse().ok())
                                        }
                                        "numId" if in_numpr => info.num_id = val(),
                                        "ilvl" if in_numpr => {
                                            info.ilvl = val().and_then(|v| v.parse().ok())
                                        }
                                        _ => {}
                                    }
                                }
                            }
                        }
                    }
                    Event::End(e) => match e.local_name().as_ref() {
                        "style" => {
                            if let Some((id, info)) = current.take() {
                                if map.len() < MAX_DEFINITIONS {
                                    map.insert(id, info);
                                }
                            }
                        }
                        "pPr" => in_ppr = false,
                        "numPr" => in_numpr = false,
                        _ => {}
                    },
                    Event::Eof => break,
                    _ => {}
                }
            }
            Ok(Styles { map })
        })?;
        Ok(read.unwrap_or_default())
    }

    /// The style `id` and the styles it is based on, nearest first.
    fn chain<'s>(
        &'s self,
        id: &'s str,
    ) -> impl Iterator<Item = (&'s str, Option<&'s StyleInfo>)> + 's {
        let mut next = Some(id);
        std::iter::from_fn(move || {
            let id = next?;
            let info = self.map.get(id);
            next = info
                .and_then(|i| i.based_on.as_deref())
                .filter(|b| *b != id);
            Some((id, info))
        })
        .take(16)
    }

    fn is_heading(&self, id: &str) -> bool {
        self.chain(id).any(|(id, info)| match info {
            Some(info) => {
                let name = info.name.to_ascii_lowercase();
                name.starts_with("heading")
                    || name == "title"
                    || info.outline.is_some_and(|l| l < 9)
            }
            None => {
                let id = id.to_ascii_lowercase();
                let stem = id.trim_end_matches(|c: char| c.is_ascii_digit());
                (stem != id && matches!(stem, "heading" | "titre")) || id == "title"
            }
        })
    }

    fn numbering(&self, id: &str) -> (Option<String>, Option<usize>) {
        let (mut num_id, mut ilvl) = (None, None);
        for (_, info) in self.chain(id) {
            if let Some(info) = info {
                num_id = num_id.or_else(|| info.num_id.clone());
                ilvl = ilvl.or(info.ilvl);
            }
        }
        (num_id, ilvl)
    }
}

// ---- numbering ---------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct Level {
    start: Option<i64>,
    fmt: String,
    text: String,
}

#[derive(Debug, Default)]
struct Num {
    abstract_id: String,
    /// Per level: a start override, a redefinition.
    start_override: [Option<i64>; 9],
    level_override: [Option<Level>; 9],
}

enum NumLabel {
    Bullet,
    /// The label as Word shows it ("1.", "Axe 2 :", or "" for a `none` format).
    Text(String),
}

#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, [Option<Level>; 9]>,
    nums: HashMap<String, Num>,
    counters: HashMap<String, [Option<i64>; 9]>,
}

fn level_index(value: Option<String>) -> Option<usize> {
    value
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&l| l < 9)
}

impl Numbering {
    fn read(pkg: &mut Package<'_>, part: &str) -> Result<Numbering, Unreadable> {
        let read = pkg.with_entry(part, |input| {
            let mut reader = xml::reader(input);
            let mut buf = Vec::new();
            let mut skip = Vec::new();
            let mut numbering = Numbering::default();
            let mut abstract_: Option<(String, [Option<Level>; 9])> = None;
            let mut num: Option<(String, Num)> = None;
            let mut level: Option<(usize, Level)> = None;
            let mut override_level: Option<usize> = None;
            loop {
                buf.clear();
                let event = match reader.read_event_into(&mut buf) {
                    Ok(event) => event,
                    Err(e) => return Err(xml::error(&reader, part, &e)),
                };
                match event {
                    Event::Start(ref e) | Event::Empty(ref e) => {
                        let empty = matches!(event, Event::Empty(_));
                        match e.local_name().as_ref() {
                            "abstractNum" if !empty => {
                                abstract_ =
                                    attr(e, "abstractNumId").map(|id| (id, Default::default()))
                            }
                            "num" if !empty => {
                                num = attr(e, "numId").map(|id| (id, Num::default()))
                            }
                            "abstractNumId" => {
                                if let (Some((_, n)), Some(v)) = (num.as_mut(), attr(e, "val")) {
                                    n.abstract_id = v;
                                }
                            }
                            "lvlOverride" if !empty => {
                                override_level = level_index(attr(e, "ilvl"))
                            }
                            "startOverride" => {
                                if let (Some((_, n)), Some(l)) = (num.as_mut(), override_level) {
                                    n.start_override[l] =
                                        attr(e, "val").and_then(|v| v.parse().ok());
                                }
                            }
                            "lvl" if !empty => {
                                level = level_index(attr(e, "ilvl")).map(|l| (l, Level::default()))
                            }
                            "start" => {
                                if let Some((_, l)) = level.as_mut() {
                                    l.start = attr(e, "val").and_then(|v| v.parse().ok());
                                }
                            }
                            "numFmt" => {
                                if let Some((_, l)) = level.as_mut() {
                                    l.fmt = attr(e, "val").unwrap_or_default();
                                }
                            }
                            "lvlText" => {
                                if let Some((_, l)) = level.as_mut() {
                                    l.text = attr(e, "val").unwrap_or_default();
                                }
                            }
                            "pPr" | "rPr" | "lvlPicBulletId" if !empty => {
                                skip.clear();
                                if let Err(e) = reader.read_to_end_into(e.name(), &mut skip) {
                                    return Err(xml::error(&reader, part, &e));
                                }
                            }
                            _ => {}
                        }
                    }
                    Event::End(e) => match e.local_name().as_ref() {
                        "lvl" => {
                            if let Some((index, def)) = level.take() {
                                if let Some((_, n)) = num.as_mut() {
                                    n.level_override[index] = Some(def);
                                } else if let Some((_, levels)) = abstract_.as_mut() {
                                    levels[index] = Some(def);
                                }
                            }
                        }
                        "lvlOverride" => override_level = None,
                        "abstractNum" => {
                            if let Some((id, levels)) = abstract_.take() {
                                if numbering.abstracts.len() < MAX_DEFINITIONS {
                                    numbering.abstracts.insert(id, levels);
                                }
                            }
                        }
                        "num" => {
                            if let Some((id, n)) = num.take() {
                                if numbering.nums.len() < MAX_DEFINITIONS {
                                    numbering.nums.insert(id, n);
                                }
                            }
                        }
                        _ => {}
                    },
                    Event::Eof => break,
                    _ => {}
                }
            }
            Ok(numbering)
        })?;
        Ok(read.unwrap_or_default())
    }

    /// The label of the next item of list `num_id` at level `ilvl` (counting it).
    fn label(&mut self, num_id: &str, ilvl: usize) -> NumLabel {
        let ilvl = ilvl.min(8);
        let Some(num) = self.nums.get(num_id) else {
            return NumLabel::Bullet;
        };
        let levels = self.abstracts.get(&num.abstract_id);
        let def = |k: usize| -> Option<&Level> {
            num.level_override[k]
                .as_ref()
                .or_else(|| levels.and_then(|l| l[k].as_ref()))
        };
        let start = |k: usize| {
            num.start_override[k]
                .or_else(|| def(k).and_then(|d| d.start))
                .unwrap_or(0)
        };
        let Some(this) = def(ilvl) else {
            return NumLabel::Bullet;
        };
        if this.fmt == "bullet" {
            return NumLabel::Bullet;
        }
        // Lists restarted by an override count on their own; the others share the
        // counters of their abstract numbering, as Word does.
        let key = if num.start_override.iter().any(Option::is_some) {
            format!("n{num_id}")
        } else {
            format!("a{}", num.abstract_id)
        };
        let starts: Vec<i64> = (0..9).map(start).collect();
        let fmts: Vec<NumFmt> = (0..9)
            .map(|k| def(k).map_or(NumFmt::Decimal, |d| word_fmt(&d.fmt)))
            .collect();
        let template = this.text.clone();
        let values = self.counters.entry(key).or_insert([None; 9]);
        values[ilvl] = Some(values[ilvl].map_or(starts[ilvl], |v| v.saturating_add(1)));
        for value in values.iter_mut().skip(ilvl + 1) {
            *value = None;
        }
        let mut out = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let k = d as usize - 1;
                    out.push_str(&format_number(values[k].unwrap_or(starts[k]), fmts[k]));
                }
                (c, _) => out.push(c),
            }
        }
        let mut label = String::new();
        super::layout::push_clean(&mut label, out.trim());
        NumLabel::Text(label)
    }
}

fn word_fmt(fmt: &str) -> NumFmt {
    match fmt {
        "decimalZero" => NumFmt::DecimalZero,
        "lowerLetter" => NumFmt::LowerLetter,
        "upperLetter" => NumFmt::UpperLetter,
        "lowerRoman" => NumFmt::LowerRoman,
        "upperRoman" => NumFmt::UpperRoman,
        "none" | "bullet" => NumFmt::None,
        _ => NumFmt::Decimal,
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

fn ns_of(uri: &str) -> Ns {
    match uri {
        W_MAIN | W_STRICT => Ns::W,
        MC => Ns::Mc,
        M_MAIN | M_STRICT => Ns::Math,
        _ => Ns::Other,
    }
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
        let walked = pkg.with_entry(part, |input| {
            let mut reader = xml::reader(input);
            let mut buf = Vec::new();
            let mut skip = Vec::new();
            let mut frames: Vec<Frame> = Vec::new();
            let mut rooted = false;
            loop {
                let (ns, event) = xml::next_event(&mut reader, &mut buf, part, ns_of)?;
                match event {
                    Event::Start(e) => {
                        rooted = true;
                        if !self.start(ns, &e, &mut frames, layout)? {
                            skip.clear();
                            if let Err(err) = reader.read_to_end_into(e.name(), &mut skip) {
                                return Err(xml::error(&reader, part, &err));
                            }
                        }
                    }
                    Event::Empty(e) => {
                        rooted = true;
                        let depth = frames.len();
                        if self.start(ns, &e, &mut frames, layout)? && frames.len() > depth {
                            if let Some(frame) = frames.pop() {
                                self.end(frame, layout)?;
                            }
                        }
                    }
                    Event::End(_) => match frames.pop() {
                        Some(frame) => self.end(frame, layout)?,
                        None => return Err(xml::truncated(part)),
                    },
                    Event::Text(t) if frames.last() == Some(&Frame::Text) && self.capturing() => {
                        layout
                            .text(&t.xml10_content().replace(['\n', '\r'], " "), self.run_bold)?;
                    }
                    Event::CData(t) if frames.last() == Some(&Frame::Text) && self.capturing() => {
                        layout
                            .text(&t.xml10_content().replace(['\n', '\r'], " "), self.run_bold)?;
                    }
                    Event::GeneralRef(r) => {
                        let c = general_ref(&r, part)?;
                        if frames.last() == Some(&Frame::Text) && self.capturing() {
                            layout.text(c.encode_utf8(&mut [0; 4]), self.run_bold)?;
                        }
                    }
                    Event::Eof => {
                        if !frames.is_empty() {
                            return Err(xml::truncated(part));
                        }
                        if !rooted {
                            return Err(Unreadable::Damaged(format!("{part} : aucun élément XML")));
                        }
                        return Ok(());
                    }
                    _ => {}
                }
            }
        })?;
        walked.ok_or_else(|| Unreadable::Damaged(format!("{part} absent")))
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
            (Ns::W, "p") => {
                layout.open_para()?;
                self.paras.push(ParaProps::default());
                Frame::Para
            }
            (Ns::W, "pPr") if top == Some(Frame::Para) => Frame::PPr,
            (Ns::W, "pStyle") if top == Some(Frame::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(e, "val");
                }
                Frame::Plain
            }
            (Ns::W, "outlineLvl") if top == Some(Frame::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = attr(e, "val").and_then(|v| v.parse().ok());
                }
                Frame::Plain
            }
            (Ns::W, "numPr") if top == Some(Frame::PPr) => Frame::NumPr,
            (Ns::W, "numId") if top == Some(Frame::NumPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = attr(e, "val");
                }
                Frame::Plain
            }
            (Ns::W, "ilvl") if top == Some(Frame::NumPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = attr(e, "val").and_then(|v| v.parse().ok());
                }
                Frame::Plain
            }
            (Ns::W, "rPr" | "pPrChange" | "sectPr" | "tabs") if top == Some(Frame::PPr) => {
                return Ok(false)
            }
            (Ns::W, "r") => {
                self.run_hidden = false;
                self.run_bold = false;
                Frame::Run
            }
            (Ns::W, "rPr") if top == Some(Frame::Run) => Frame::RPr,
            (Ns::W, "vanish") if top == Some(Frame::RPr) => {
                self.run_hidden = on(attr(e, "val").as_deref());
                Frame::Plain
            }
            (Ns::W, "b") if top == Some(Frame::RPr) => {
                self.run_bold = on(attr(e, "val").as_deref());
                Frame::Plain
            }
            (Ns::W | Ns::Math, "t") => Frame::Text,
            (
                Ns::W,
                "delText" | "instrText" | "delInstrText" | "del" | "moveFrom" | "rPrChange"
                | "sdtPr" | "sdtEndPr" | "tblPr" | "tblGrid" | "trPr" | "tblPrEx" | "sectPr"
                | "tcPrChange" | "tblPrChange" | "trPrChange" | "customXmlPr" | "smartTagPr",
            ) => return Ok(false),
            (Ns::W, "tab" | "ptab") if top == Some(Frame::Run) => {
                if self.capturing() {
                    layout.ch('\t')?;
                }
                Frame::Plain
            }
            (Ns::W, "br" | "cr") if top == Some(Frame::Run) => {
                if self.capturing() {
                    layout.ch('\n')?;
                }
                Frame::Plain
            }
            (Ns::W, "noBreakHyphen") if top == Some(Frame::Run) => {
                if self.capturing() {
                    layout.text("-", self.run_bold)?;
                }
                Frame::Plain
            }
            (Ns::W, "sym") if top == Some(Frame::Run) => {
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
            (Ns::W, "fldChar") => {
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
            (Ns::W, "tbl") => {
                if layout.open_table()? {
                    Frame::Table
                } else {
                    Frame::Plain
                }
            }
            (Ns::W, "tr") => {
                if layout.open_row()? {
                    Frame::Row
                } else {
                    Frame::Plain
                }
            }
            (Ns::W, "tc") => {
                if layout.open_cell()? {
                    Frame::Cell { span: 1 }
                } else {
                    Frame::Plain
                }
            }
            (Ns::W, "tcPr") if matches!(top, Some(Frame::Cell { .. })) => Frame::TcPr,
            (Ns::W, "gridSpan") if top == Some(Frame::TcPr) => {
                let span = attr(e, "val")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                if let Some(Frame::Cell { span: s }) = frames.iter_mut().rev().nth(1) {
                    *s = span;
                }
                Frame::Plain
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

    fn end(&mut self, frame: Frame, layout: &mut Layout) -> Result<(), Unreadable> {
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
