//! Word's styles.xml and numbering.xml: which paragraph styles are headings,
//! and list labels counted the way Word shows them ("1.", "Axe 2 :", "- ").
//!
//! Both parts are definitions read once before the document walk; they sit
//! apart from [`super::docx`] so that the walk reads as the walk.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::types::Unreadable;
use super::xml::{self, attr, format_number, NumFmt};
use super::zipread::Package;

/// Styles, abstract numberings and numberings kept at most (real documents have a few
/// hundred; this bounds the memory a hostile styles.xml or numbering.xml can take).
const MAX_DEFINITIONS: usize = 20_000;

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
pub(super) struct Styles {
    map: HashMap<String, StyleInfo>,
}

/// The state of a styles.xml read.
#[derive(Default)]
struct StylesReader {
    map: HashMap<String, StyleInfo>,
    current: Option<(String, StyleInfo)>,
    in_ppr: bool,
    in_numpr: bool,
}

impl xml::DefinitionsReader for StylesReader {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> bool {
        let val = || attr(e, "val");
        match e.local_name().as_ref() {
            "style" if !empty => {
                let paragraph = attr(e, "type").is_none_or(|t| t == "paragraph");
                self.current = match (paragraph, attr(e, "styleId")) {
                    (true, Some(id)) => Some((id, StyleInfo::default())),
                    _ => None,
                };
            }
            "tblStylePr" | "rPr" | "pPrChange" | "latentStyles" | "docDefaults" => return true,
            "pPr" if !empty => self.in_ppr = true,
            "numPr" if self.in_ppr && !empty => self.in_numpr = true,
            name => {
                if let Some((_, info)) = self.current.as_mut() {
                    match name {
                        "name" => info.name = val().unwrap_or_default(),
                        "basedOn" => info.based_on = val(),
                        "outlineLvl" if self.in_ppr => {
                            info.outline = val().and_then(|v| v.parse().ok())
                        }
                        "numId" if self.in_numpr => info.num_id = val(),
                        "ilvl" if self.in_numpr => info.ilvl = val().and_then(|v| v.parse().ok()),
                        _ => {}
                    }
                }
            }
        }
        false
    }

    fn end(&mut self, local: &str) {
        match local {
            "style" => {
                if let Some((id, info)) = self.current.take() {
                    if self.map.len() < MAX_DEFINITIONS {
                        self.map.insert(id, info);
                    }
                }
            }
            "pPr" => self.in_ppr = false,
            "numPr" => self.in_numpr = false,
            _ => {}
        }
    }
}

impl Styles {
    pub(super) fn read(pkg: &mut Package<'_>, part: &str) -> Result<Styles, Unreadable> {
        let mut reader = StylesReader::default();
        xml::read_definitions(&mut reader, pkg, part)?;
        Ok(Styles { map: reader.map })
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

    pub(super) fn is_heading(&self, id: &str) -> bool {
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

    pub(super) fn numbering(&self, id: &str) -> (Option<String>, Option<usize>) {
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

pub(super) enum NumLabel {
    Bullet,
    /// The label as Word shows it ("1.", "Axe 2 :", or "" for a `none` format).
    Text(String),
}

#[derive(Debug, Default)]
pub(super) struct Numbering {
    abstracts: HashMap<String, [Option<Level>; 9]>,
    nums: HashMap<String, Num>,
    counters: HashMap<String, [Option<i64>; 9]>,
}

fn level_index(value: Option<String>) -> Option<usize> {
    value
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&l| l < 9)
}

/// The state of a numbering.xml read.
#[derive(Default)]
struct NumberingReader {
    numbering: Numbering,
    abstract_: Option<(String, [Option<Level>; 9])>,
    num: Option<(String, Num)>,
    level: Option<(usize, Level)>,
    override_level: Option<usize>,
}

impl xml::DefinitionsReader for NumberingReader {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> bool {
        let val = || attr(e, "val");
        match e.local_name().as_ref() {
            "abstractNum" if !empty => {
                self.abstract_ = attr(e, "abstractNumId").map(|id| (id, Default::default()))
            }
            "num" if !empty => self.num = attr(e, "numId").map(|id| (id, Num::default())),
            "abstractNumId" => {
                if let (Some((_, n)), Some(v)) = (self.num.as_mut(), val()) {
                    n.abstract_id = v;
                }
            }
            "lvlOverride" if !empty => self.override_level = level_index(attr(e, "ilvl")),
            "startOverride" => {
                if let (Some((_, n)), Some(l)) = (self.num.as_mut(), self.override_level) {
                    n.start_override[l] = val().and_then(|v| v.parse().ok());
                }
            }
            "lvl" if !empty => {
                self.level = level_index(attr(e, "ilvl")).map(|l| (l, Level::default()))
            }
            name @ ("start" | "numFmt" | "lvlText") => {
                if let Some((_, l)) = self.level.as_mut() {
                    match name {
                        "start" => l.start = val().and_then(|v| v.parse().ok()),
                        "numFmt" => l.fmt = val().unwrap_or_default(),
                        _ => l.text = val().unwrap_or_default(),
                    }
                }
            }
            "pPr" | "rPr" | "lvlPicBulletId" => return true,
            _ => {}
        }
        false
    }

    fn end(&mut self, local: &str) {
        match local {
            "lvl" => {
                if let Some((index, def)) = self.level.take() {
                    if let Some((_, n)) = self.num.as_mut() {
                        n.level_override[index] = Some(def);
                    } else if let Some((_, levels)) = self.abstract_.as_mut() {
                        levels[index] = Some(def);
                    }
                }
            }
            "lvlOverride" => self.override_level = None,
            "abstractNum" => {
                if let Some((id, levels)) = self.abstract_.take() {
                    if self.numbering.abstracts.len() < MAX_DEFINITIONS {
                        self.numbering.abstracts.insert(id, levels);
                    }
                }
            }
            "num" => {
                if let Some((id, n)) = self.num.take() {
                    if self.numbering.nums.len() < MAX_DEFINITIONS {
                        self.numbering.nums.insert(id, n);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Numbering {
    pub(super) fn read(pkg: &mut Package<'_>, part: &str) -> Result<Numbering, Unreadable> {
        let mut reader = NumberingReader::default();
        xml::read_definitions(&mut reader, pkg, part)?;
        Ok(reader.numbering)
    }

    /// The label of the next item of list `num_id` at level `ilvl` (counting it).
    pub(super) fn label(&mut self, num_id: &str, ilvl: usize) -> NumLabel {
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
