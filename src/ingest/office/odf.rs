//! OpenDocument files (.odt, .odp, .ods and their templates): content.xml's body laid
//! out by [`super::layout`], one walk for the three kinds, as they share their text,
//! list and table elements.
//!
//! * text: list labels from the list styles of styles.xml and content.xml ("- " for
//!   bullets), footnotes and endnotes after the body; tracked deletions, annotations,
//!   index templates and pictures are left out; headers and footers (in styles.xml) are
//!   not read;
//! * presentation: a slide is a page, its frames in the order they are written, the
//!   speaker's notes after them; hidden slides, empty placeholders and the footer, date
//!   and slide number fields repeated on every slide are left out;
//! * spreadsheet: a sheet is a table, after its name (unless the name is a default one
//!   such as `Feuille1`); hidden sheets, validation messages and named ranges are left out.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::layout::Layout;
use super::types::{Extracted, Limits, Unreadable};
use super::xml::{self, attr, format_number, NumFmt};
use super::zipread::{ole_error, Package, OLE_MAGIC};

const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
const DRAW: &str = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
const SVG: &str = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0";
const STYLE: &str = "urn:oasis:names:tc:opendocument:xmlns:style:1.0";
const PRESENTATION: &str = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0";
const DC: &str = "http://purl.org/dc/elements/1.1/";

/// Levels of an ODF list (and of the outline numbering).
const LEVELS: usize = 10;

/// Reads an OpenDocument text, presentation or spreadsheet held in memory.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, Unreadable> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ole_error(
            bytes,
            "document Word 97-2003 (.doc), pas un OpenDocument",
        ));
    }
    let mut pkg = Package::open(bytes, limits)?;
    if let Some(mimetype) = pkg.read("mimetype")? {
        let mimetype = String::from_utf8_lossy(&mimetype);
        let mimetype = mimetype.trim();
        let kind = mimetype.strip_prefix("application/vnd.oasis.opendocument.");
        if !kind.is_some_and(|kind| {
            ["text", "presentation", "spreadsheet"]
                .iter()
                .any(|k| kind.starts_with(k))
        }) {
            let shown: String = mimetype.chars().take(80).collect();
            return Err(Unreadable::Damaged(format!(
                "pas un texte, une présentation ni un classeur OpenDocument (type {shown})"
            )));
        }
    }
    if let Some(manifest) = pkg.read("META-INF/manifest.xml")? {
        if manifest.windows(15).any(|w| w == b"encryption-data") {
            return Err(Unreadable::Encrypted);
        }
    }
    if !pkg.has("content.xml") {
        return Err(Unreadable::Damaged(if pkg.has("word/document.xml") {
            "document Word, pas un OpenDocument".to_string()
        } else {
            "pas un document OpenDocument : content.xml absent".to_string()
        }));
    }
    let mut styles = Styles::default();
    // Named list styles live in styles.xml; a damaged one costs the labels, not the text.
    if let Err(Unreadable::TooLarge(detail)) = styles.read_part(&mut pkg, "styles.xml") {
        return Err(Unreadable::TooLarge(detail));
    }
    let mut reader = Reader {
        styles,
        lists: Vec::new(),
        outline: [None; LEVELS],
        number: None,
        in_styles: 0,
        bold: false,
        continued: Continued::default(),
        slides: 0,
    };
    let mut layout = Layout::new(limits.max_output_bytes);
    xml::walk_part(&mut reader, &mut pkg, "content.xml", &mut layout)?;
    let text = layout.finish()?;
    let title = xml::first_element_text(&mut pkg, "meta.xml", DC, "title")?;
    Ok(Extracted {
        text,
        n_pages: reader.slides,
        title,
    })
}

// ---- list styles ---------------------------------------------------------------------

#[derive(Debug, Clone)]
enum LevelStyle {
    Bullet,
    Number {
        fmt: NumFmt,
        prefix: String,
        suffix: String,
        start: i64,
        display: usize,
    },
}

type ListStyle = [Option<LevelStyle>; LEVELS];

#[derive(Debug, Default)]
struct Styles {
    lists: HashMap<String, ListStyle>,
    outline: Option<ListStyle>,
    /// The list style being read: (name or None for the outline style, levels).
    current: Option<(Option<String>, ListStyle)>,
    /// Text and paragraph styles that set a font weight: bold or not.
    bold: HashMap<String, bool>,
    /// The text or paragraph style being read, and its weight once known.
    current_style: Option<(String, Option<bool>)>,
    /// Slide styles that hide their slide, and the slide style being read.
    hidden_pages: std::collections::HashSet<String>,
    current_page_style: Option<String>,
}

fn odf_fmt(format: Option<&str>) -> NumFmt {
    match format {
        None | Some("") => NumFmt::None,
        Some("a") => NumFmt::LowerLetter,
        Some("A") => NumFmt::UpperLetter,
        Some("i") => NumFmt::LowerRoman,
        Some("I") => NumFmt::UpperRoman,
        Some(_) => NumFmt::Decimal,
    }
}

impl Styles {
    fn read_part(&mut self, pkg: &mut Package<'_>, part: &str) -> Result<(), Unreadable> {
        pkg.with_entry(part, |input| {
            let mut reader = xml::reader(input);
            let mut buf = Vec::new();
            loop {
                let (ns, event) = xml::next_event(&mut reader, &mut buf, part, ns_of)?;
                match event {
                    Event::Start(e) | Event::Empty(e) => self.start(ns, &e),
                    Event::End(e) => self.end(ns, e.local_name().as_ref()),
                    Event::Eof => return Ok(()),
                    _ => {}
                }
            }
        })?;
        Ok(())
    }

    /// An element inside a styles element.
    fn start(&mut self, ns: Ns, e: &BytesStart<'_>) {
        if ns == Ns::Style {
            match e.local_name().as_ref() {
                "style" if matches!(attr(e, "family").as_deref(), Some("text" | "paragraph")) => {
                    self.current_style = attr(e, "name").map(|name| (name, None));
                }
                "style" if attr(e, "family").as_deref() == Some("drawing-page") => {
                    self.current_page_style = attr(e, "name");
                }
                "drawing-page-properties" if attr(e, "visibility").as_deref() == Some("hidden") => {
                    if let Some(name) = self.current_page_style.take() {
                        if self.hidden_pages.len() < 10_000 {
                            self.hidden_pages.insert(name);
                        }
                    }
                }
                "text-properties" => {
                    if let (Some((_, bold)), Some(weight)) =
                        (self.current_style.as_mut(), attr(e, "font-weight"))
                    {
                        *bold =
                            Some(weight == "bold" || weight.parse::<u32>().is_ok_and(|w| w >= 600));
                    }
                }
                _ => {}
            }
            return;
        }
        if ns != Ns::Text {
            return;
        }
        match e.local_name().as_ref() {
            "list-style" => {
                self.current = attr(e, "name").map(|name| (Some(name), Default::default()))
            }
            "outline-style" => self.current = Some((None, Default::default())),
            "list-level-style-bullet" | "list-level-style-image" => {
                if let (Some((_, levels)), Some(level)) = (self.current.as_mut(), level_of(e)) {
                    levels[level] = Some(LevelStyle::Bullet);
                }
            }
            "list-level-style-number" | "outline-level-style" => {
                if let (Some((_, levels)), Some(level)) = (self.current.as_mut(), level_of(e)) {
                    levels[level] = Some(LevelStyle::Number {
                        fmt: odf_fmt(attr(e, "num-format").as_deref()),
                        prefix: attr(e, "num-prefix").unwrap_or_default(),
                        suffix: attr(e, "num-suffix").unwrap_or_default(),
                        start: attr(e, "start-value")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1),
                        display: attr(e, "display-levels")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1usize)
                            .clamp(1, LEVELS),
                    });
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, ns: Ns, local: &str) {
        if ns == Ns::Style && local == "style" {
            if let Some((name, Some(bold))) = self.current_style.take() {
                if self.bold.len() < 100_000 {
                    self.bold.insert(name, bold);
                }
            }
            return;
        }
        if ns != Ns::Text {
            return;
        }
        if matches!(local, "list-style" | "outline-style") {
            match self.current.take() {
                Some((Some(name), levels)) if self.lists.len() < 10_000 => {
                    self.lists.insert(name, levels);
                }
                Some((Some(_), _)) => {}
                Some((None, levels)) => self.outline = Some(levels),
                None => {}
            }
        }
    }
}

fn level_of(e: &BytesStart<'_>) -> Option<usize> {
    let level = attr(e, "level")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1);
    (1..=LEVELS).contains(&level).then(|| level - 1)
}

/// The label of an item at `level` given the counters of its list ("- " for bullets,
/// None when the level shows no label).
fn label(
    style: Option<&ListStyle>,
    level: usize,
    counters: &[Option<i64>; LEVELS],
) -> Option<String> {
    let Some(style) = style else {
        return Some("- ".to_string());
    };
    match &style[level] {
        None | Some(LevelStyle::Bullet) => Some("- ".to_string()),
        Some(LevelStyle::Number {
            fmt,
            prefix,
            suffix,
            display,
            ..
        }) => {
            if *fmt == NumFmt::None && prefix.trim().is_empty() && suffix.trim().is_empty() {
                return None;
            }
            let first = (level + 1).saturating_sub(*display);
            let mut numbers = Vec::new();
            for k in first..=level {
                let (fmt_k, start_k) = match &style[k] {
                    Some(LevelStyle::Number { fmt, start, .. }) => (*fmt, *start),
                    _ => (NumFmt::Decimal, 1),
                };
                if fmt_k != NumFmt::None {
                    numbers.push(format_number(counters[k].unwrap_or(start_k), fmt_k));
                }
            }
            let mut out = String::new();
            super::layout::push_clean(&mut out, &format!("{prefix}{}{suffix}", numbers.join(".")));
            let out = out.trim().to_string();
            (!out.is_empty()).then(|| format!("{out} "))
        }
    }
}

fn start_of(style: Option<&ListStyle>, level: usize) -> i64 {
    match style.and_then(|s| s[level].as_ref()) {
        Some(LevelStyle::Number { start, .. }) => *start,
        _ => 1,
    }
}

/// Counts an item at `level`: its own counter moves on, deeper ones restart.
fn count(counters: &mut [Option<i64>; LEVELS], level: usize, start: i64, explicit: Option<i64>) {
    counters[level] =
        Some(explicit.unwrap_or_else(|| counters[level].map_or(start, |v| v.saturating_add(1))));
    for deeper in counters.iter_mut().skip(level + 1) {
        *deeper = None;
    }
}

// ---- the body walk ---------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Text,
    Table,
    Office,
    Draw,
    Svg,
    Style,
    Presentation,
    Other,
}

fn ns_of(uri: &str) -> Ns {
    match uri {
        TEXT => Ns::Text,
        TABLE => Ns::Table,
        OFFICE => Ns::Office,
        DRAW => Ns::Draw,
        SVG => Ns::Svg,
        STYLE => Ns::Style,
        PRESENTATION => Ns::Presentation,
        _ => Ns::Other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Plain,
    /// A paragraph, or a span: the weight of the text around it.
    Para {
        outer_bold: bool,
    },
    Span {
        outer_bold: bool,
    },
    List,
    Item,
    Table,
    Row,
    Cell {
        copies: usize,
    },
    Defer,
    Number,
    Styles,
}

#[derive(Debug)]
struct ListCtx {
    style: Option<String>,
    level: usize,
    /// Index in `Reader::lists` of the outermost list, which holds the counters.
    root: usize,
    counters: [Option<i64>; LEVELS],
    sink_depth: usize,
    item_open: bool,
    /// The label the item's first paragraph takes (None once taken).
    pending: Option<Option<String>>,
    id: Option<String>,
}

struct Reader {
    styles: Styles,
    lists: Vec<ListCtx>,
    outline: [Option<i64>; LEVELS],
    /// The text of a `text:number` being read.
    number: Option<String>,
    in_styles: usize,
    /// Whether the text being read is bold.
    bold: bool,
    /// Lists finished so far, for a later list that continues one.
    continued: Continued,
    /// Slides read so far (a presentation's pages).
    slides: usize,
}

/// Counters of finished lists that a later list may continue.
#[derive(Default)]
struct Continued {
    last: [Option<i64>; LEVELS],
    by_id: HashMap<String, [Option<i64>; LEVELS]>,
}

impl xml::PartReader for Reader {
    type Ns = Ns;
    type Frame = Frame;

    fn ns_of(uri: &str) -> Ns {
        ns_of(uri)
    }

    /// Inside the styles, every element feeds the styles; elsewhere text, tables and
    /// drawings each have their own starts, and what holds no body text is skipped.
    fn start(
        &mut self,
        ns: Ns,
        e: &BytesStart<'_>,
        frames: &mut Vec<Frame>,
        layout: &mut Layout,
    ) -> Result<bool, Unreadable> {
        let local = e.local_name();
        let local = local.as_ref();
        if self.in_styles > 0 {
            self.styles.start(ns, e);
            frames.push(Frame::Plain);
            return Ok(true);
        }
        if skipped(ns, local) || hidden(ns, local, e) {
            return Ok(false);
        }
        let frame = match ns {
            Ns::Text => self.text_start(local, e, layout)?,
            Ns::Table => table_start(local, e, layout)?,
            Ns::Office if matches!(local, "automatic-styles" | "styles") => {
                self.in_styles += 1;
                Frame::Styles
            }
            Ns::Office if local == "spreadsheet" => {
                layout.hold_sheet_rows();
                Frame::Plain
            }
            Ns::Draw if local == "page" => {
                // A hidden slide is not in the deck shown (nor in its PDF).
                if attr(e, "style-name").is_some_and(|s| self.styles.hidden_pages.contains(&s)) {
                    return Ok(false);
                }
                if self.slides > 0 {
                    layout.page_break()?;
                }
                self.slides += 1;
                Frame::Plain
            }
            Ns::Draw if is_drawn_text(local) => {
                layout.open_defer(false)?;
                Frame::Defer
            }
            _ => Frame::Plain,
        };
        frames.push(frame);
        Ok(true)
    }

    fn end(
        &mut self,
        frame: Frame,
        ns: Ns,
        local: &str,
        layout: &mut Layout,
    ) -> Result<(), Unreadable> {
        match frame {
            Frame::Plain => {
                if self.in_styles > 0 {
                    self.styles.end(ns, local);
                }
            }
            Frame::Styles => self.in_styles = self.in_styles.saturating_sub(1),
            Frame::Para { outer_bold } => {
                self.bold = outer_bold;
                layout.close_para()?
            }
            Frame::Span { outer_bold } => self.bold = outer_bold,
            Frame::List => {
                if let Some(list) = self.lists.pop() {
                    if list.root == self.lists.len() {
                        self.continued.last = list.counters;
                        if let Some(id) = list.id {
                            if self.continued.by_id.len() < 10_000 {
                                self.continued.by_id.insert(id, list.counters);
                            }
                        }
                    }
                }
            }
            Frame::Item => {
                if let Some(list) = self.lists.last_mut() {
                    list.item_open = false;
                    list.pending = None;
                }
            }
            Frame::Table => layout.close_table()?,
            Frame::Row => layout.close_row()?,
            Frame::Cell { copies } => layout.close_cell(0, copies)?,
            Frame::Defer => layout.close_defer()?,
            Frame::Number => {
                let number = self.number.take().unwrap_or_default();
                let mut label = String::new();
                super::layout::push_clean(&mut label, number.trim());
                let label = label.trim();
                if !label.is_empty() {
                    let label = format!("{label} ");
                    if let Some(para) = layout.para() {
                        para.label = Some(label);
                    } else if let Some(list) = self.lists.last_mut().filter(|l| l.item_open) {
                        list.pending = Some(Some(label));
                    }
                }
            }
        }
        Ok(())
    }

    fn text(
        &mut self,
        text: &str,
        _: bool,
        _: &[Frame],
        layout: &mut Layout,
    ) -> Result<(), Unreadable> {
        self.text(text, layout)
    }
}

/// Elements that hold no body text (declarations, notes' citations, deleted text,
/// images, titles of drawings): their content is skipped.
fn skipped(ns: Ns, local: &str) -> bool {
    match ns {
        Ns::Text => {
            matches!(
                local,
                "note-citation"
                    | "tracked-changes"
                    | "sequence-decls"
                    | "variable-decls"
                    | "user-field-decls"
                    | "dde-connection-decls"
                    | "ruby-text"
                    | "deletion"
            ) || local.ends_with("-source")
        }
        Ns::Office => matches!(
            local,
            "annotation"
                | "font-face-decls"
                | "scripts"
                | "forms"
                | "settings"
                | "master-styles"
                | "event-listeners"
        ),
        Ns::Table => matches!(
            local,
            "table-columns"
                | "table-column"
                | "table-header-columns"
                | "table-column-group"
                | "table-source"
                | "title"
                | "desc"
                | "calculation-settings"
                | "content-validations"
                | "named-expressions"
                | "database-ranges"
                | "data-pilot-tables"
                | "consolidation"
                | "dde-links"
                | "label-ranges"
                | "tracked-changes"
        ),
        Ns::Draw => matches!(
            local,
            "image"
                | "object"
                | "object-ole"
                | "applet"
                | "plugin"
                | "floating-frame"
                | "contour-polygon"
                | "contour-path"
                | "image-map"
                | "glue-point"
        ),
        Ns::Svg => matches!(local, "title" | "desc"),
        Ns::Presentation => matches!(local, "header-decl" | "footer-decl" | "date-time-decl"),
        Ns::Style | Ns::Other => false,
    }
}

/// Elements whose content is not shown as text of the document: a hidden sheet, an
/// empty placeholder of a slide (its prompt), the header, footer, date and slide number
/// a slide repeats from its master.
fn hidden(ns: Ns, local: &str, e: &BytesStart<'_>) -> bool {
    match (ns, local) {
        (Ns::Table, "table") => attr(e, "display").as_deref() == Some("false"),
        (Ns::Draw, "frame") => {
            attr(e, "placeholder").as_deref() == Some("true")
                || matches!(
                    attr(e, "class").as_deref(),
                    Some("header" | "footer" | "date-time" | "page-number" | "page")
                )
        }
        _ => false,
    }
}

/// Drawings whose text is read, after the paragraph they are anchored in.
fn is_drawn_text(local: &str) -> bool {
    matches!(
        local,
        "text-box"
            | "custom-shape"
            | "rect"
            | "ellipse"
            | "circle"
            | "line"
            | "polyline"
            | "polygon"
            | "regular-polygon"
            | "path"
            | "connector"
            | "caption"
            | "measure"
    )
}

/// A table, its rows and cells (a cell repeated `number-columns-repeated` times). A
/// sheet's name comes before its rows.
fn table_start(local: &str, e: &BytesStart<'_>, layout: &mut Layout) -> Result<Frame, Unreadable> {
    Ok(match local {
        "table" => {
            if let Some(name) = attr(e, "name").filter(|_| layout.holds_sheet_rows()) {
                layout.sheet_name(&name)?;
            }
            if layout.open_table()? {
                Frame::Table
            } else {
                Frame::Plain
            }
        }
        "table-row" if layout.open_row()? => Frame::Row,
        "table-cell" | "covered-table-cell" if layout.open_cell()? => {
            let repeated = attr(e, "number-columns-repeated")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1);
            Frame::Cell {
                copies: repeated.clamp(1, 64) - 1,
            }
        }
        _ => Frame::Plain,
    })
}

impl Reader {
    fn text(&mut self, text: &str, layout: &mut Layout) -> Result<(), Unreadable> {
        if self.in_styles > 0 {
            return Ok(());
        }
        if let Some(number) = self.number.as_mut() {
            if number.len() < 200 {
                number.push_str(text);
            }
            return Ok(());
        }
        layout.text_collapsing(text, self.bold)
    }

    fn bold_of(&self, e: &BytesStart<'_>) -> Option<bool> {
        attr(e, "style-name").and_then(|name| self.styles.bold.get(&name).copied())
    }

    /// Paragraphs, headings, spans, lists and the marks inside a paragraph.
    fn text_start(
        &mut self,
        local: &str,
        e: &BytesStart<'_>,
        layout: &mut Layout,
    ) -> Result<Frame, Unreadable> {
        Ok(match local {
            "p" | "h" => {
                self.open_para(local == "h", e, layout)?;
                let outer_bold = self.bold;
                self.bold = self.bold_of(e).unwrap_or(false);
                Frame::Para { outer_bold }
            }
            "span" => {
                let outer_bold = self.bold;
                self.bold = self.bold_of(e).unwrap_or(outer_bold);
                Frame::Span { outer_bold }
            }
            "list" => {
                self.open_list(e, layout);
                Frame::List
            }
            "list-item" | "list-header" => {
                if self.open_item(local == "list-header", e, layout) {
                    Frame::Item
                } else {
                    Frame::Plain
                }
            }
            "s" => {
                if layout.in_para() {
                    let n = attr(e, "c")
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 100);
                    for _ in 0..n {
                        layout.ch(' ')?;
                    }
                }
                Frame::Plain
            }
            "tab" => {
                layout.ch('\t')?;
                Frame::Plain
            }
            "line-break" => {
                layout.ch('\n')?;
                Frame::Plain
            }
            "note-body" => {
                layout.open_defer(true)?;
                Frame::Defer
            }
            "number" => {
                self.number = Some(String::new());
                Frame::Number
            }
            _ => Frame::Plain,
        })
    }

    fn open_list(&mut self, e: &BytesStart<'_>, layout: &Layout) {
        let depth = layout.sink_depth();
        let parent = self
            .lists
            .last()
            .filter(|l| l.item_open && l.sink_depth == depth);
        let own_style = attr(e, "style-name");
        let (style, level, root, counters) = match parent {
            Some(parent) => (
                own_style.or_else(|| parent.style.clone()),
                (parent.level + 1).min(LEVELS - 1),
                parent.root,
                [None; LEVELS],
            ),
            None => {
                let counters = if let Some(id) = attr(e, "continue-list") {
                    self.continued
                        .by_id
                        .get(&id)
                        .copied()
                        .unwrap_or([None; LEVELS])
                } else if attr(e, "continue-numbering").as_deref() == Some("true") {
                    self.continued.last
                } else {
                    [None; LEVELS]
                };
                (own_style, 0, self.lists.len(), counters)
            }
        };
        self.lists.push(ListCtx {
            style,
            level,
            root,
            counters,
            sink_depth: depth,
            item_open: false,
            pending: None,
            id: attr(e, "id"),
        });
    }

    /// Counts an item of the innermost list and prepares its label; false when there
    /// is no list at this level.
    fn open_item(&mut self, header: bool, e: &BytesStart<'_>, layout: &Layout) -> bool {
        let depth = layout.sink_depth();
        let Some(index) = self.lists.len().checked_sub(1) else {
            return false;
        };
        if self.lists[index].sink_depth != depth {
            return false;
        }
        let (level, root) = (self.lists[index].level, self.lists[index].root);
        let style = self.lists[index].style.clone();
        let style = style.as_deref().and_then(|s| self.styles.lists.get(s));
        let label = if header {
            None
        } else {
            let explicit = attr(e, "start-value").and_then(|v| v.parse().ok());
            let counters = &mut self.lists[root].counters;
            count(counters, level, start_of(style, level), explicit);
            let counters = *counters;
            label(style, level, &counters)
        };
        let list = &mut self.lists[index];
        list.item_open = true;
        list.pending = Some(label);
        true
    }

    fn open_para(
        &mut self,
        heading: bool,
        e: &BytesStart<'_>,
        layout: &mut Layout,
    ) -> Result<(), Unreadable> {
        let depth = layout.sink_depth();
        let mut label = None;
        let mut in_list = false;
        if let Some(list) = self
            .lists
            .last_mut()
            .filter(|l| l.item_open && l.sink_depth == depth)
        {
            in_list = true;
            label = list.pending.take().flatten();
        } else if heading && attr(e, "is-list-header").as_deref() != Some("true") {
            let level = attr(e, "outline-level")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, LEVELS)
                - 1;
            if let Some(outline) = self.styles.outline.as_ref() {
                if matches!(&outline[level], Some(LevelStyle::Number { .. })) {
                    count(
                        &mut self.outline,
                        level,
                        start_of(Some(outline), level),
                        None,
                    );
                    label = self::label(Some(outline), level, &self.outline);
                    if label.as_deref() == Some("- ") {
                        label = None;
                    }
                }
            }
        }
        layout.open_para()?;
        if let Some(para) = layout.para() {
            para.heading = heading;
            if heading {
                para.label = label.filter(|l| l != "- ");
            } else {
                para.label = label;
                para.in_list = in_list;
            }
        }
        Ok(())
    }
}
