//! What the DOCX and ODT readers share once the XML is walked: paragraphs, list
//! items, table rows, text boxes and notes laid out as clean text lines.
//!
//! * a paragraph is a line (a hard line break inside it starts a new line), with a
//!   blank line between paragraphs and blocks; consecutive list items and table rows
//!   have none between them;
//! * a list item is `- text` (bullets) or `1. text` (the number as the document shows it);
//! * a table row is one line, its cells joined by one `\t`; inside a cell, paragraphs
//!   are joined by a space, list items (and what follows one) by ` • `, a nested
//!   table's rows are flattened likewise;
//! * text boxes (and shapes with text) come after the paragraph they are anchored in;
//!   footnotes and endnotes after the body;
//! * a slide begins with [`PAGE_BREAK`];
//! * a spreadsheet's rows are held until its sheet ends, so that the empty columns
//!   left of every row are dropped; an empty row ends a table (the next row starts a
//!   block of its own), as people leave one between two tables of a sheet; a sheet's
//!   name is a line before its rows unless it is a default one (`Feuil1`, `Sheet2`)
//!   or the only sheet's (the first line of a workbook of one sheet is its title).
//!
//! Every character kept is charged to the output budget as it is read, so a file
//! cannot make this allocate much more than `max_output_bytes`.

use super::types::{Unreadable, PAGE_BREAK};
use super::zipread::mb;

/// Tables nested deeper than this are read as plain paragraphs of the enclosing cell.
const MAX_TABLE_DEPTH: usize = 32;
/// `table:number-columns-repeated` and the like are honoured up to this many cells.
const MAX_REPEAT: usize = 64;

/// Characters that mark a list item when they begin a line (followed by white space).
pub(crate) fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '•' | '▪'
            | '◦'
            | '▫'
            | '■'
            | '□'
            | '●'
            | '○'
            | '◆'
            | '◇'
            | '►'
            | '▸'
            | '‣'
            | '⁃'
            | '∙'
            | '·'
            | '➢'
            | '➤'
            | '✓'
            | '✔'
            | '–'
            | '—'
            | '-'
            | '*'
    ) || is_symbol_bullet(c)
}

/// Symbol-font (private-use) characters that are bullets.
pub(crate) fn is_symbol_bullet(c: char) -> bool {
    matches!(
        c,
        '\u{F0A7}'
            | '\u{F0B7}'
            | '\u{F0D8}'
            | '\u{F076}'
            | '\u{F0FC}'
            | '\u{F0A8}'
            | '\u{F06E}'
            | '\u{F0FE}'
    )
}

/// `line` without a leading bullet (and the white space after it), if it has one.
fn strip_bullet(line: &str) -> Option<&str> {
    let mut chars = line.chars();
    let first = chars.next()?;
    if !is_bullet(first) {
        return None;
    }
    let rest = chars.as_str();
    if rest.starts_with([' ', '\t']) {
        Some(rest.trim_start_matches([' ', '\t']))
    } else {
        None
    }
}

/// Appends `s` to `out` as ingest wants characters: ligatures opened, soft hyphens,
/// zero-width and control characters dropped, non-breaking spaces as spaces,
/// symbol-font bullets as `•`. Returns the number of bytes added.
pub(crate) fn push_clean(out: &mut String, s: &str) -> usize {
    let before = out.len();
    for c in s.chars() {
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
            | '\u{E000}' | '\u{E001}' => {}
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' | 'ﬆ' => out.push_str("st"),
            '\t' | '\n' => out.push(c),
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            c if is_symbol_bullet(c) => out.push('•'),
            c if c.is_control() => {}
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out.len() - before
}

/// A paragraph being read.
#[derive(Debug, Default)]
pub(crate) struct Para {
    pub text: String,
    /// `"- "` for a bulleted item, `"1. "` (as displayed) for a numbered one.
    pub label: Option<String>,
    /// In a list (an item, or a further paragraph of one): no blank line before it.
    pub in_list: bool,
    pub heading: bool,
    /// ODF white-space collapsing: the last character read was white space.
    pub last_ws: bool,
    /// Whether the last visible text read was bold (see [`Layout::text`]).
    last_bold: Option<bool>,
    sink_depth: usize,
    deferred: Vec<Ev>,
}

#[derive(Debug)]
struct Block {
    text: String,
    label: Option<String>,
    in_list: bool,
    heading: bool,
}

#[derive(Debug)]
enum Ev {
    Para(Block),
    Row(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Nothing,
    /// A page has just begun: no separator before what comes next.
    Page,
    Para,
    Item,
    Row,
}

/// Where finished blocks go.
#[derive(Debug)]
enum Sink {
    /// Lines of the document (or of its notes).
    Flow { out: String, last: Last },
    /// The text of one table cell.
    Cell { text: String, last_item: bool },
    /// Blocks kept for later: a text box (placed after its paragraph) or a note.
    Defer { evs: Vec<Ev>, notes: bool },
}

#[derive(Debug)]
struct Table {
    sink_depth: usize,
    row: Option<Vec<String>>,
    /// A sheet's rows, held until it ends.
    held: Option<Vec<Vec<String>>>,
}

/// The layout of one document being read.
#[derive(Debug)]
pub(crate) struct Layout {
    sinks: Vec<Sink>,
    paras: Vec<Para>,
    tables: Vec<Table>,
    notes: Vec<Ev>,
    used: usize,
    max: usize,
    /// The tables are sheets: their rows are held (see the module's notes).
    sheets: bool,
    /// Sheets named so far, and the first one's name with where it goes: a workbook
    /// of one sheet does not need its name, and its first line is its title.
    sheets_named: usize,
    first_sheet: Option<(usize, String)>,
}

impl Layout {
    pub(crate) fn new(max_output_bytes: usize) -> Layout {
        Layout {
            sinks: vec![Sink::Flow {
                out: String::new(),
                last: Last::Nothing,
            }],
            paras: Vec::new(),
            tables: Vec::new(),
            notes: Vec::new(),
            used: 0,
            max: max_output_bytes,
            sheets: false,
            sheets_named: 0,
            first_sheet: None,
        }
    }

    /// From now on, outermost tables are sheets of a spreadsheet.
    pub(crate) fn hold_sheet_rows(&mut self) {
        self.sheets = true;
    }

    pub(crate) fn holds_sheet_rows(&self) -> bool {
        self.sheets
    }

    /// A sheet's name, as a line of its own unless it is a default name or the
    /// workbook's only sheet's (the first sheet's name waits for a second sheet).
    pub(crate) fn sheet_name(&mut self, name: &str) -> Result<(), Unreadable> {
        self.sheets_named += 1;
        let name = name.trim();
        let shown = !name.is_empty() && !is_default_sheet_name(name);
        if self.sheets_named == 1 {
            if shown {
                self.charge(name.len() + 2)?;
                let at = self.flow_len();
                self.first_sheet = Some((at, name.to_string()));
            }
            return Ok(());
        }
        if let Some((at, first)) = self.first_sheet.take() {
            if self.flow_len() == at {
                self.name_line(&first)?;
            } else if let Some(Sink::Flow { out, .. }) = self.sinks.first_mut() {
                // The first sheet's rows follow: its name goes before them.
                out.insert_str(
                    at,
                    &if at == 0 {
                        format!("{first}\n\n")
                    } else {
                        format!("\n\n{first}")
                    },
                );
            }
        }
        if shown {
            self.name_line(name)?;
        }
        Ok(())
    }

    fn name_line(&mut self, name: &str) -> Result<(), Unreadable> {
        self.open_para()?;
        self.text(name, false)?;
        self.close_para()
    }

    fn flow_len(&self) -> usize {
        self.sinks.first().map_or(0, sink_len)
    }

    /// Starts a new page (a slide): what follows begins with [`PAGE_BREAK`].
    pub(crate) fn page_break(&mut self) -> Result<(), Unreadable> {
        while !self.paras.is_empty() {
            self.close_para()?;
        }
        self.charge(3)?;
        if let Some(Sink::Flow { out, last }) = self.sinks.first_mut() {
            out.push_str("\n\n");
            out.push(PAGE_BREAK);
            *last = Last::Page;
        }
        Ok(())
    }

    fn charge(&mut self, n: usize) -> Result<(), Unreadable> {
        self.used = self.used.saturating_add(n);
        if self.used > self.max {
            Err(too_much_text(self.max))
        } else {
            Ok(())
        }
    }

    // ---- paragraphs -------------------------------------------------------------

    pub(crate) fn open_para(&mut self) -> Result<(), Unreadable> {
        self.charge(1)?;
        self.paras.push(Para {
            last_ws: true,
            sink_depth: self.sinks.len() - 1,
            ..Para::default()
        });
        Ok(())
    }

    /// The innermost open paragraph.
    pub(crate) fn para(&mut self) -> Option<&mut Para> {
        self.paras.last_mut()
    }

    pub(crate) fn in_para(&self) -> bool {
        !self.paras.is_empty()
    }

    /// Depth of the sink stack, to tell whether a paragraph sits right in a list item
    /// (and not in a table or text box inside it).
    pub(crate) fn sink_depth(&self) -> usize {
        self.sinks.len()
    }

    /// Appends text as it stands (DOCX `w:t`). `bold`: whether it is shown in bold;
    /// two headings glued without a space, told apart only by their weight
    /// ("… DU CLAS" + bold "ÉLÉMENTS DE DIAGNOSTIC"), are put on lines of their own,
    /// as ingest does with markdown's `CLAS**ÉLÉMENTS`.
    pub(crate) fn text(&mut self, s: &str, bold: bool) -> Result<(), Unreadable> {
        let Some(para) = self.paras.last_mut() else {
            return Ok(());
        };
        let mut added = glued_heading_break(para, s, bold);
        added += push_clean(&mut para.text, s);
        para.last_ws = para.text.ends_with(' ');
        self.charge(added)
    }

    /// Appends text with ODF white-space rules: runs of space, tab, CR, LF are one
    /// space, none at the start of the paragraph. `bold` as for [`Layout::text`].
    pub(crate) fn text_collapsing(&mut self, s: &str, bold: bool) -> Result<(), Unreadable> {
        let Some(para) = self.paras.last_mut() else {
            return Ok(());
        };
        let mut added = glued_heading_break(para, s, bold);
        let mut start = 0;
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                if start < i {
                    added += push_clean(&mut para.text, &s[start..i]);
                    para.last_ws = false;
                }
                if !para.last_ws {
                    para.text.push(' ');
                    added += 1;
                    para.last_ws = true;
                }
                start = i + 1;
            }
            i += 1;
        }
        if start < s.len() {
            added += push_clean(&mut para.text, &s[start..]);
            para.last_ws = false;
        }
        self.charge(added)
    }

    /// Appends a tab, line break or space made by an element (`w:tab`, `text:s`…).
    pub(crate) fn ch(&mut self, c: char) -> Result<(), Unreadable> {
        let Some(para) = self.paras.last_mut() else {
            return Ok(());
        };
        para.text.push(c);
        para.last_ws = true;
        self.charge(c.len_utf8())
    }

    pub(crate) fn close_para(&mut self) -> Result<(), Unreadable> {
        let Some(para) = self.paras.pop() else {
            return Ok(());
        };
        let Para {
            text,
            label,
            in_list,
            heading,
            deferred,
            ..
        } = para;
        self.emit(Ev::Para(Block {
            text,
            label,
            in_list,
            heading,
        }))?;
        for ev in deferred {
            self.emit(ev)?;
        }
        Ok(())
    }

    // ---- text boxes and notes ---------------------------------------------------

    pub(crate) fn open_defer(&mut self, notes: bool) -> Result<(), Unreadable> {
        self.charge(1)?;
        self.sinks.push(Sink::Defer {
            evs: Vec::new(),
            notes,
        });
        Ok(())
    }

    pub(crate) fn close_defer(&mut self) -> Result<(), Unreadable> {
        if self.sinks.len() < 2 {
            return Ok(());
        }
        let Some(Sink::Defer { evs, notes }) = self.sinks.pop() else {
            return Ok(());
        };
        if notes {
            self.notes.extend(evs);
            return Ok(());
        }
        let depth = self.sinks.len() - 1;
        match self.paras.last_mut() {
            Some(para) if para.sink_depth == depth => para.deferred.extend(evs),
            _ => {
                for ev in evs {
                    self.emit(ev)?;
                }
            }
        }
        Ok(())
    }

    // ---- tables -----------------------------------------------------------------

    /// Starts a table; false when tables nest too deep (its content then reads as
    /// paragraphs of the enclosing cell).
    pub(crate) fn open_table(&mut self) -> Result<bool, Unreadable> {
        if self.tables.len() >= MAX_TABLE_DEPTH {
            return Ok(false);
        }
        self.charge(1)?;
        let sheet = self.sheets && self.tables.is_empty();
        self.tables.push(Table {
            sink_depth: self.sinks.len() - 1,
            row: None,
            held: sheet.then(Vec::new),
        });
        Ok(true)
    }

    pub(crate) fn close_table(&mut self) -> Result<(), Unreadable> {
        self.close_row()?;
        if let Some(held) = self.tables.pop().and_then(|t| t.held) {
            let lead = held
                .iter()
                .filter_map(|row| row.iter().position(|c| !c.is_empty()))
                .min()
                .unwrap_or(0);
            for mut row in held {
                if row.iter().all(String::is_empty) {
                    if let Some(Sink::Flow { last, .. }) = self.sinks.last_mut() {
                        if *last == Last::Row {
                            *last = Last::Para;
                        }
                    }
                    continue;
                }
                row.drain(..lead);
                self.emit(Ev::Row(row))?;
            }
        }
        Ok(())
    }

    /// Starts a row of the innermost table; false when there is none at this level.
    pub(crate) fn open_row(&mut self) -> Result<bool, Unreadable> {
        let depth = self.sinks.len() - 1;
        match self.tables.last() {
            Some(table) if table.sink_depth == depth => {}
            _ => return Ok(false),
        }
        self.close_row()?;
        self.charge(1)?;
        if let Some(table) = self.tables.last_mut() {
            table.row = Some(Vec::new());
        }
        Ok(true)
    }

    pub(crate) fn close_row(&mut self) -> Result<(), Unreadable> {
        let Some(table) = self.tables.last_mut() else {
            return Ok(());
        };
        let Some(row) = table.row.take() else {
            return Ok(());
        };
        match table.held.as_mut() {
            Some(held) => {
                held.push(row);
                Ok(())
            }
            None => self.emit(Ev::Row(row)),
        }
    }

    /// Starts a cell of the current row; false when there is no table at this level.
    pub(crate) fn open_cell(&mut self) -> Result<bool, Unreadable> {
        let depth = self.sinks.len() - 1;
        match self.tables.last_mut() {
            Some(table) if table.sink_depth == depth => {
                if table.row.is_none() {
                    table.row = Some(Vec::new());
                }
            }
            _ => return Ok(false),
        }
        self.charge(1)?;
        self.sinks.push(Sink::Cell {
            text: String::new(),
            last_item: false,
        });
        Ok(true)
    }

    /// Ends the current cell. `empty_after`: cells it spans beyond itself (kept as
    /// empty cells so that columns stay aligned); `copies`: further copies of it
    /// (ODF `number-columns-repeated`).
    pub(crate) fn close_cell(
        &mut self,
        empty_after: usize,
        copies: usize,
    ) -> Result<(), Unreadable> {
        if !matches!(self.sinks.last(), Some(Sink::Cell { .. })) || self.sinks.len() < 2 {
            return Ok(());
        }
        let Some(Sink::Cell { text, .. }) = self.sinks.pop() else {
            return Ok(());
        };
        let copies = copies.min(MAX_REPEAT);
        let empty_after = empty_after.min(MAX_REPEAT);
        self.charge((text.len() + 1) * copies + empty_after)?;
        if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
            for _ in 0..copies {
                row.push(text.clone());
            }
            row.push(text);
            row.extend(std::iter::repeat_n(String::new(), empty_after));
        }
        Ok(())
    }

    // ---- output -----------------------------------------------------------------

    fn emit(&mut self, ev: Ev) -> Result<(), Unreadable> {
        let sink = self
            .sinks
            .last_mut()
            .expect("the flow sink is never popped");
        let grown = match sink {
            Sink::Flow { out, last } => {
                let before = out.len();
                flow_add(out, last, ev);
                out.len().saturating_sub(before)
            }
            Sink::Cell { text, last_item } => {
                let before = text.len();
                cell_add(text, last_item, ev);
                text.len().saturating_sub(before)
            }
            Sink::Defer { evs, .. } => {
                evs.push(ev);
                0
            }
        };
        // Text was charged as read; separators and labels are small, but bound them too.
        let _ = grown;
        if self.sinks.first().map_or(0, sink_len) > self.max {
            return Err(too_much_text(self.max));
        }
        Ok(())
    }

    /// The laid-out text: the body, then the notes.
    pub(crate) fn finish(mut self) -> Result<String, Unreadable> {
        while self.paras.pop().is_some() {}
        let mut out = match self.sinks.swap_remove(0) {
            Sink::Flow { out, .. } => out,
            _ => String::new(),
        };
        if !self.notes.is_empty() {
            let mut notes = String::new();
            let mut last = Last::Nothing;
            for ev in self.notes {
                flow_add(&mut notes, &mut last, ev);
            }
            if !notes.is_empty() {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&notes);
            }
        }
        if out.len() > self.max {
            return Err(too_much_text(self.max));
        }
        Ok(out)
    }
}

/// A name a spreadsheet gives a new sheet: one word and a number (`Feuil1`, `Feuille2`,
/// `Sheet3`, `Tabelle1`), which says nothing of its content.
fn is_default_sheet_name(name: &str) -> bool {
    let word = name.trim_end_matches(|c: char| c.is_ascii_digit());
    word.len() < name.len() && !word.is_empty() && word.chars().all(char::is_alphabetic)
}

fn sink_len(sink: &Sink) -> usize {
    match sink {
        Sink::Flow { out, .. } => out.len(),
        Sink::Cell { text, .. } => text.len(),
        Sink::Defer { .. } => 0,
    }
}

/// Two upper-case letters on each side of a change of weight with no space between
/// them: a line break (one upper-case letter alone is a drop cap or an initial).
fn glued_heading_break(para: &mut Para, s: &str, bold: bool) -> usize {
    if s.trim().is_empty() {
        return 0;
    }
    let previous = para.last_bold.replace(bold);
    if previous != Some(!bold) {
        return 0;
    }
    let upper2 = |chars: &mut dyn Iterator<Item = char>| {
        let mut n = 0;
        for c in chars.take(2) {
            n += usize::from(c.is_uppercase());
        }
        n == 2
    };
    if upper2(&mut para.text.chars().rev()) && upper2(&mut s.chars()) {
        para.text.push('\n');
        1
    } else {
        0
    }
}

/// A row of a markdown table's separator (`|--|:--|`) that a converter kept as a row.
fn is_separator_row(cells: &[String]) -> bool {
    let mut any = false;
    for cell in cells.iter().filter(|c| !c.is_empty()) {
        let dashes = cell.trim_matches(':');
        if dashes.len() < 2 || dashes.bytes().any(|b| b != b'-') {
            return false;
        }
        any = true;
    }
    any
}

pub(crate) fn too_much_text(max: usize) -> Unreadable {
    Unreadable::TooLarge(format!("plus de {} de texte extrait", mb(max as u64)))
}

/// One line of a paragraph outside tables: spaces collapsed, a run of tabs (with the
/// spaces around it) one `\t`, none at either end.
fn flow_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let (mut tab, mut space) = (false, false);
    for c in line.chars() {
        match c {
            '\t' => tab = true,
            ' ' => space = true,
            c => {
                if !out.is_empty() {
                    if tab {
                        out.push('\t');
                    } else if space {
                        out.push(' ');
                    }
                }
                tab = false;
                space = false;
                out.push(c);
            }
        }
    }
    out
}

/// A paragraph inside a table cell: every white space run is one space.
fn cell_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split([' ', '\t', '\n']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn with_label(label: Option<&str>, line: &str) -> String {
    match label {
        Some("- ") => format!("- {}", strip_bullet(line).unwrap_or(line)),
        Some(label) => format!("{label}{line}"),
        None => match strip_bullet(line) {
            Some(rest) => format!("- {rest}"),
            None => line.to_string(),
        },
    }
}

fn flow_add(out: &mut String, last: &mut Last, ev: Ev) {
    match ev {
        Ev::Para(block) => {
            let lines: Vec<String> = block
                .text
                .split('\n')
                .map(flow_line)
                .filter(|l| !l.is_empty())
                .collect();
            let Some((first, rest)) = lines.split_first() else {
                return;
            };
            let kind = if block.in_list && !block.heading {
                Last::Item
            } else {
                Last::Para
            };
            if !out.is_empty() && *last != Last::Page {
                out.push_str(if kind == Last::Item && *last == Last::Item {
                    "\n"
                } else {
                    "\n\n"
                });
            }
            out.push_str(&with_label(block.label.as_deref(), first));
            for line in rest {
                out.push('\n');
                out.push_str(&with_label(None, line));
            }
            *last = kind;
        }
        Ev::Row(mut cells) => {
            while cells.last().is_some_and(|c| c.is_empty()) {
                cells.pop();
            }
            if cells.is_empty() || is_separator_row(&cells) {
                return;
            }
            if !out.is_empty() && *last != Last::Page {
                out.push_str(if *last == Last::Row { "\n" } else { "\n\n" });
            }
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push('\t');
                }
                out.push_str(cell);
            }
            *last = Last::Row;
        }
    }
}

fn cell_add(text: &mut String, last_item: &mut bool, ev: Ev) {
    let (line, item) = match ev {
        Ev::Para(block) => {
            let line = cell_line(&block.text);
            if line.is_empty() {
                return;
            }
            let item = block.in_list && !block.heading;
            let line = match block.label.as_deref() {
                Some("- ") => strip_bullet(&line).unwrap_or(&line).to_string(),
                Some(label) => format!("{label}{line}"),
                None => line,
            };
            (line, item)
        }
        Ev::Row(cells) => {
            let line = cell_line(&cells.join(" "));
            if line.is_empty() {
                return;
            }
            (line, false)
        }
    };
    if !text.is_empty() {
        text.push_str(if item || *last_item { " • " } else { " " });
    }
    text.push_str(&line);
    *last_item = item;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(layout: &mut Layout, text: &str, label: Option<&str>) {
        layout.open_para().unwrap();
        layout.text(text, false).unwrap();
        let p = layout.para().unwrap();
        p.label = label.map(str::to_string);
        p.in_list = label.is_some();
        layout.close_para().unwrap();
    }

    #[test]
    fn paragraphs_items_and_rows_are_laid_out() {
        let mut l = Layout::new(1000);
        para(&mut l, "Titre", None);
        para(&mut l, "un", Some("- "));
        para(&mut l, "• deux", Some("- "));
        para(&mut l, "trois", Some("3. "));
        assert!(l.open_table().unwrap());
        assert!(l.open_row().unwrap());
        assert!(l.open_cell().unwrap());
        para(&mut l, "A\nsuite", None);
        l.close_cell(0, 0).unwrap();
        assert!(l.open_cell().unwrap());
        para(&mut l, "intro", None);
        para(&mut l, "x", Some("- "));
        para(&mut l, "y", Some("- "));
        l.close_cell(1, 0).unwrap();
        l.close_row().unwrap();
        assert!(l.open_row().unwrap());
        assert!(l.open_cell().unwrap());
        l.close_cell(0, 0).unwrap();
        assert!(l.open_cell().unwrap());
        para(&mut l, "B", None);
        l.close_cell(0, 0).unwrap();
        l.close_table().unwrap();
        para(&mut l, "Fin\u{AD}ale ﬁn\tcol\n• puce", None);
        assert_eq!(
            l.finish().unwrap(),
            "Titre\n\n- un\n- deux\n3. trois\n\nA suite\tintro • x • y\n\tB\n\nFinale fin\tcol\n- puce"
        );
    }

    #[test]
    fn text_boxes_follow_their_paragraph_and_notes_go_last() {
        let mut l = Layout::new(1000);
        l.open_para().unwrap();
        l.text("avant ", false).unwrap();
        l.open_defer(false).unwrap();
        para(&mut l, "boîte", None);
        l.close_defer().unwrap();
        l.open_defer(true).unwrap();
        para(&mut l, "note", None);
        l.close_defer().unwrap();
        l.text("après", false).unwrap();
        l.close_para().unwrap();
        para(&mut l, "suite", None);
        assert_eq!(l.finish().unwrap(), "avant après\n\nboîte\n\nsuite\n\nnote");
    }

    #[test]
    fn odf_white_space_collapses() {
        let mut l = Layout::new(1000);
        l.open_para().unwrap();
        l.text_collapsing("\n   Un   deux\n", false).unwrap();
        l.ch(' ').unwrap();
        l.ch(' ').unwrap();
        l.text_collapsing("trois ", false).unwrap();
        l.close_para().unwrap();
        assert_eq!(l.finish().unwrap(), "Un deux trois");
    }

    #[test]
    fn the_output_budget_is_enforced() {
        let mut l = Layout::new(10);
        l.open_para().unwrap();
        assert!(matches!(
            l.text("0123456789abc", false),
            Err(Unreadable::TooLarge(_))
        ));
    }

    #[test]
    fn headings_glued_by_weight_are_split_but_initials_are_not() {
        let mut l = Layout::new(1000);
        l.open_para().unwrap();
        l.text("AXE : JEUNESSE", false).unwrap();
        l.text("ACTION : ALLER VERS", true).unwrap();
        l.text(" ", true).unwrap();
        l.text("SUITE", false).unwrap();
        l.close_para().unwrap();
        l.open_para().unwrap();
        l.text("C", true).unwrap();
        l.text("ONTRAT de ville", false).unwrap();
        l.text("ET", true).unwrap();
        l.close_para().unwrap();
        assert_eq!(
            l.finish().unwrap(),
            "AXE : JEUNESSE\nACTION : ALLER VERS SUITE\n\nCONTRAT de villeET"
        );
    }

    #[test]
    fn markdown_separator_rows_are_dropped() {
        let mut l = Layout::new(1000);
        assert!(l.open_table().unwrap());
        for row in [["PILOTES", "PARTENAIRES"], ["--", "---"], ["", ":--:"]] {
            assert!(l.open_row().unwrap());
            for cell in row {
                assert!(l.open_cell().unwrap());
                para(&mut l, cell, None);
                l.close_cell(0, 0).unwrap();
            }
            l.close_row().unwrap();
        }
        l.close_table().unwrap();
        assert_eq!(l.finish().unwrap(), "PILOTES\tPARTENAIRES");
    }
}
