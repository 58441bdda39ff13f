//! Clean text → outline, labelled fields and passages.
//!
//! Search answers with passages, and a passage is only useful when it says
//! where it comes from: "PARTENAIRES of the fiche *Renforcer les actions de
//! parentalité* under *Axe 2 › Objectif 6*". Plans give that context in many
//! shapes, all handled here so that every later stage sees one model:
//!
//! * heading lines (`Axe 2 : …`, `Objectif 6 : …`, `ACTION : …`, `1.2.5. …`,
//!   `I - IDENTITÉ`, short capital lines), ranked by [`headings`] and stacked;
//!   fiches repeat their header on every page (`AXE : … / ACTION : …`): a
//!   heading equal to one still open continues it instead of opening a twin;
//!   a fiche's `Objectif N` is hung under the axe that the plan's summary
//!   lists it under, whatever page it lands on;
//! * labelled fields ([`labels`]): a label alone on its line followed by its
//!   value lines, `label<TAB>value` rows, `LABEL value` cells;
//! * column tables (`OBJECTIF OPERATIONNEL<TAB>1.2.1. …<TAB>1.2.5. …` then
//!   `ORIENTATIONS<TAB>…` rows): each column is an objective, each cell a
//!   passage of that objective with the row label as field;
//! * action tables (a header `Axe | Objectif | Action | Pilote | Partenaires`,
//!   then a row per action): level cells open sections, empty = same as above,
//!   the other cells are the action's fields;
//! * hierarchical tables (`Axe | Objectif | Action`, empty cell = same as
//!   above): heading cells open sections like heading lines do;
//! * everything else: paragraphs and list blocks, split on item then sentence
//!   boundaries when long so that passages stay a readable size.
//!
//! Cells hold several items separated by [`ITEM_SEPARATOR`](crate::ingest::ITEM_SEPARATOR)
//! (see [`ingest`](crate::ingest)). Offsets are computed on bytes while
//! parsing and turned into character offsets at the end; every passage text
//! is exactly `Document.text[start..end]` (in characters), and
//! `byte_start..byte_end` in bytes.
//!
//! The line walk and the section stack live here; table rows ([`tables`]),
//! passage splitting ([`passages`]), the heading memo ([`memo`]) and the
//! final conversion to the model ([`finish`]) have their own files.

mod finish;
mod headings;
mod labels;
mod memo;
mod meta;
mod passages;
mod tables;

/// The canonical label of a field label written any way (`Financeurs :` → `FINANCEMENTS`).
pub(crate) use labels::whole_label as canonical_field_label;

use std::collections::HashMap;

use crate::{Document, SectionKind};
use headings::{Heading, Rank};
use labels::fold;
use memo::{summary_objectif_axes, HeadingMemo};
use passages::split_span;
use tables::{ColumnTable, RecordTable};

/// Text → [`Document`] with title, kind, year, sections and passages.
/// Never fails: a malformed plan is still a Document (maybe flat). The
/// territory stays `None`.
pub fn parse(doc_id: &str, text: &str) -> Document {
    let title = meta::title(text);
    let kind = meta::kind(text, &title);
    let year = meta::year(text);
    let mut builder = Builder::new(text);
    builder.run();
    let (sections, passages) = builder.finish();
    let title = if title.is_empty() {
        doc_id.to_string()
    } else {
        title
    };
    Document {
        doc_id: doc_id.to_string(),
        title,
        kind,
        year,
        text: text.to_string(),
        sections,
        passages,
        territory: None,
        pages: Vec::new(),
        source: Default::default(),
    }
}

#[derive(Debug, Clone)]
struct SectionDraft {
    parent: Option<usize>,
    kind: SectionKind,
    number: Option<String>,
    heading: String,
    /// Comparison key for repeated headers.
    key: String,
    rank: u8,
    style: &'static str,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone)]
struct PassageDraft {
    section: Option<usize>,
    field: Option<String>,
    start: usize,
    end: usize,
}

/// Byte span of one line, without its `\n`.
#[derive(Debug, Clone, Copy)]
struct LineSpan {
    start: usize,
    end: usize,
}

struct Builder<'a> {
    text: &'a str,
    headings: HeadingMemo<'a>,
    lines: Vec<LineSpan>,
    sections: Vec<SectionDraft>,
    passages: Vec<PassageDraft>,
    stack: Vec<usize>,
    field: Option<String>,
    /// Whether the open field already has a value passage.
    field_has_value: bool,
    /// Objectif number → axe number, from the plan's summary.
    objectif_axes: HashMap<String, String>,
    columns: Option<ColumnTable>,
    /// The action table whose header was read, while its rows go on.
    records: Option<RecordTable>,
    /// Label of the previous table row, for rows whose first cell is empty.
    row_label: Option<String>,
    /// Lines of the paragraph or list being gathered (first, last).
    block: Option<(usize, usize)>,
    /// `AXE : PARENTALITÉ` value waiting for the fiche header it introduces.
    pending_axe: Option<(usize, usize)>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Builder<'a> {
        let mut lines = Vec::new();
        let mut start = 0;
        for (index, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                lines.push(LineSpan { start, end: index });
                start = index + 1;
            }
        }
        lines.push(LineSpan {
            start,
            end: text.len(),
        });
        let headings = HeadingMemo::new(text);
        let objectif_axes = summary_objectif_axes(text, &headings);
        Builder {
            text,
            headings,
            lines,
            sections: Vec::new(),
            passages: Vec::new(),
            stack: Vec::new(),
            field: None,
            field_has_value: false,
            objectif_axes,
            columns: None,
            records: None,
            row_label: None,
            block: None,
            pending_axe: None,
        }
    }

    fn line(&self, index: usize) -> &'a str {
        let span = self.lines[index];
        &self.text[span.start..span.end]
    }

    /// Trimmed byte span of line `index`.
    fn trimmed_span(&self, index: usize) -> (usize, usize) {
        let span = self.lines[index];
        trim_span(self.text, span.start, span.end)
    }

    fn next_nonblank(&self, index: usize) -> Option<usize> {
        (index + 1..self.lines.len()).find(|&i| !self.line(i).trim().is_empty())
    }

    fn run(&mut self) {
        let mut index = 0;
        while index < self.lines.len() {
            index = self.step(index);
        }
        self.flush_block();
        self.flush_pending_axe();
    }

    /// Handles line `index`, returns the next line to handle.
    fn step(&mut self, index: usize) -> usize {
        let raw = self.line(index);
        let line = raw.trim();
        if line.is_empty() {
            self.flush_block();
            self.end_records_unless_continued(index);
            return index + 1;
        }
        if raw.contains('\t') {
            self.flush_block();
            self.flush_pending_axe();
            self.table_row(index);
            return index + 1;
        }
        self.columns = None;
        self.records = None;
        self.row_label = None;
        let (start, end) = self.trimmed_span(index);
        if let Some(label) = labels::whole_label(line) {
            self.flush_block();
            self.flush_pending_axe();
            self.field = Some(label);
            self.field_has_value = false;
            return index + 1;
        }
        if !headings::is_bullet(line) {
            if let Some(heading) = self.headings.recognize(line) {
                self.flush_block();
                if heading.unnumbered_axe && self.stack_has_numbered_axe() {
                    // `AXE : PARENTALITÉ` inside a fiche: a theme of the fiche
                    // header it introduces, not the plan's axe.
                    let value = start + (line.len() - heading_value_len(line, &heading.title));
                    self.flush_pending_axe();
                    self.pending_axe = Some((value, end));
                    self.field = None;
                    return index + 1;
                }
                let mut heading = heading;
                let mut end = end;
                let mut next_index = index + 1;
                if heading.title.is_empty() && heading.number.is_some() {
                    // `Enjeu n°2` then its title on the next line.
                    if let Some(next) = self.next_nonblank(index) {
                        let next_line = self.line(next).trim();
                        if self.is_plain(next_line) && next_line.chars().count() <= 200 {
                            heading.title = next_line.to_string();
                            end = self.trimmed_span(next).1;
                            next_index = next + 1;
                        }
                    }
                }
                let display = if end > start + line.len() {
                    format!("{line} : {}", heading.title)
                } else {
                    line.to_string()
                };
                self.open(heading, display, start, end, true);
                return next_index;
            }
            if self.continues_open_action(line) {
                self.flush_block();
                return index + 1;
            }
            let next_line = self.next_nonblank(index).map(|i| self.line(i).trim());
            let awaiting_value =
                self.field.is_some() && !self.field_has_value && self.block.is_none();
            if let Some(heading) = headings::recognize_generic(line, next_line) {
                if labels::leading_label(line).is_none() && !awaiting_value {
                    self.flush_block();
                    self.open(heading, line.to_string(), start, end, true);
                    return index + 1;
                }
            }
            if let Some((label, value_at)) = labels::leading_label(line) {
                if line.contains(':') || line.len() < 200 {
                    self.flush_block();
                    self.add_passages(self.top(), Some(label), start + value_at, end);
                    self.field = None;
                    return index + 1;
                }
            }
        }
        if self.block.is_none() {
            self.flush_pending_axe();
        }
        self.block = match self.block {
            Some((first, _)) => Some((first, index)),
            None => Some((index, index)),
        };
        index + 1
    }

    /// An action table goes on past a blank line only into rows about as wide as its
    /// header (a table cut by a page); another table starts there otherwise.
    fn end_records_unless_continued(&mut self, index: usize) {
        let Some(width) = self.records.as_ref().map(RecordTable::width) else {
            return;
        };
        let next = self.next_nonblank(index).map(|i| self.line(i));
        // Trailing empty cells are not written: a row may be narrower than its header.
        let continued = next.is_some_and(|line| {
            let cells = line.split('\t').count();
            line.contains('\t') && cells <= width && cells * 2 > width
        });
        if !continued {
            self.records = None;
        }
    }

    /// A line that can be a heading's title: not a heading, label, bullet or row.
    fn is_plain(&self, line: &str) -> bool {
        !line.contains('\t')
            && !headings::is_bullet(line)
            && self.headings.recognize(line).is_none()
            && labels::whole_label(line).is_none()
    }

    fn top(&self) -> Option<usize> {
        self.stack.last().copied()
    }

    fn stack_has_numbered_axe(&self) -> bool {
        self.stack.iter().any(|&s| {
            self.sections[s].kind == SectionKind::Axe && self.sections[s].number.is_some()
        })
    }

    /// A bare line repeating the open action's title (fiche page header).
    fn continues_open_action(&mut self, line: &str) -> bool {
        if !self
            .stack
            .iter()
            .any(|&s| self.sections[s].kind == SectionKind::Action)
        {
            return false;
        }
        let key = fold(line);
        if key.chars().count() < 15 {
            return false;
        }
        let found = self.stack.iter().position(|&s| {
            self.sections[s].kind == SectionKind::Action && same_title(&self.sections[s].key, &key)
        });
        if let Some(position) = found {
            self.stack.truncate(position + 1);
            self.field = None;
            true
        } else {
            false
        }
    }

    /// Files a waiting `AXE :` value under the open section.
    fn flush_pending_axe(&mut self) {
        if let Some((start, end)) = self.pending_axe.take() {
            self.add_passages(self.top(), Some("AXE".to_string()), start, end);
        }
    }

    fn flush_block(&mut self) {
        if let Some((first, last)) = self.block.take() {
            let start = self.trimmed_span(first).0;
            let end = self.trimmed_span(last).1;
            if self.extends_field_value(start, end) {
                return;
            }
            self.add_passages(self.top(), self.field.clone(), start, end);
        }
    }

    /// A labelled field's value written as several short paragraphs (a cell of
    /// a table flattened to paragraphs, a list then a remark) is one value: the
    /// block joins the previous passage when that passage is this field's, in
    /// this section, ends just before it, and both fit in one passage.
    fn extends_field_value(&mut self, start: usize, end: usize) -> bool {
        if self.field.is_none() {
            return false;
        }
        let top = self.top();
        let Some(previous) = self.passages.last_mut() else {
            return false;
        };
        if previous.field != self.field
            || previous.section != top
            || self.text[previous.end..start].contains(|c: char| !c.is_whitespace())
            || self.text[previous.start..end].chars().count() > passages::MAX_PASSAGE_CHARS
        {
            return false;
        }
        previous.end = end;
        true
    }

    /// Opens (or continues) a section; returns its id.
    fn open(
        &mut self,
        heading: Heading,
        display: String,
        start: usize,
        end: usize,
        on_stack: bool,
    ) -> usize {
        self.field = None;
        let display = display.split(" → ").next().unwrap_or("").trim().to_string();
        let key = fold(&heading.title);
        // A repeated page header continues the open section.
        if on_stack {
            let repeated = self.stack.iter().position(|&s| {
                let open = &self.sections[s];
                open.kind == heading.kind
                    && match (&open.number, &heading.number) {
                        (Some(a), Some(b)) => a == b,
                        (None, None) => !key.is_empty() && same_title(&open.key, &key),
                        _ => false,
                    }
            });
            if let Some(position) = repeated {
                let id = self.stack[position];
                self.stack.truncate(position + 1);
                self.attach_pending_axe(id);
                if self.sections[id].key.is_empty() && !key.is_empty() {
                    self.sections[id].heading = display;
                    self.sections[id].key = key;
                }
                return id;
            }
        }
        let rank = match heading.rank {
            Rank::Fixed(rank) => {
                if on_stack {
                    while self.top().is_some_and(|s| self.sections[s].rank >= rank) {
                        self.stack.pop();
                    }
                }
                rank
            }
            Rank::Floating => {
                let sibling = self
                    .stack
                    .iter()
                    .position(|&s| self.sections[s].style == heading.style);
                if let Some(position) = sibling {
                    let rank = self.sections[self.stack[position]].rank;
                    if on_stack {
                        self.stack.truncate(position);
                    }
                    rank
                } else {
                    self.top()
                        .map_or(1, |s| self.sections[s].rank.saturating_add(1))
                }
            }
        };
        if on_stack && heading.kind == SectionKind::Objectif {
            self.hang_under_summary_axe(heading.number.as_deref());
        }
        let id = self.sections.len();
        self.sections.push(SectionDraft {
            parent: self.top(),
            kind: heading.kind,
            number: heading.number,
            heading: display,
            key,
            rank,
            style: heading.style,
            start,
            end,
        });
        if on_stack {
            self.stack.push(id);
            self.attach_pending_axe(id);
        }
        self.passages.push(PassageDraft {
            section: Some(id),
            field: None,
            start,
            end,
        });
        id
    }

    fn attach_pending_axe(&mut self, id: usize) {
        if let Some((start, end)) = self.pending_axe.take() {
            self.add_passages(Some(id), Some("AXE".to_string()), start, end);
        }
    }

    /// Puts the axe that the plan's summary lists objectif `number` under on
    /// the stack, when another (or no) axe is open.
    fn hang_under_summary_axe(&mut self, number: Option<&str>) {
        let Some((number, axe_number)) =
            number.and_then(|n| Some((n, self.objectif_axes.get(n)?.clone())))
        else {
            return;
        };
        // A dotted number (`3.1.4`) names its own parents: a summary that lists it
        // under another axe was misread (a flattened table), the document wins.
        if let Some((first, _)) = number.split_once('.') {
            if first != axe_number {
                return;
            }
        }
        let open_axe = self
            .stack
            .iter()
            .position(|&s| self.sections[s].kind == SectionKind::Axe);
        if let Some(position) = open_axe {
            if self.sections[self.stack[position]].number.as_deref() == Some(axe_number.as_str()) {
                return;
            }
        }
        let Some(axe) = (0..self.sections.len()).rev().find(|&s| {
            self.sections[s].kind == SectionKind::Axe
                && self.sections[s].number.as_deref() == Some(axe_number.as_str())
        }) else {
            return;
        };
        while self
            .top()
            .is_some_and(|s| self.sections[s].rank >= self.sections[axe].rank)
        {
            self.stack.pop();
        }
        self.stack.push(axe);
    }

    /// Adds the span [start, end) as one or more passages.
    fn add_passages(
        &mut self,
        section: Option<usize>,
        field: Option<String>,
        start: usize,
        end: usize,
    ) {
        for (piece_start, piece_end) in split_span(self.text, start, end) {
            self.passages.push(PassageDraft {
                section,
                field: field.clone(),
                start: piece_start,
                end: piece_end,
            });
        }
    }
}

fn ingest_separator() -> &'static str {
    crate::ingest::ITEM_SEPARATOR.trim()
}

/// The length of the value part of `AXE : value` lines.
fn heading_value_len(line: &str, title: &str) -> usize {
    match line.rfind(title) {
        Some(at) if !title.is_empty() => line.len() - at,
        _ => line.len(),
    }
}

/// Equal titles, or one a prefix of the other (a page header cut short).
fn same_title(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let a = a.trim_start_matches("action : ");
    let b = b.trim_start_matches("action : ");
    a == b || (a.len().min(b.len()) >= 25 && (a.starts_with(b) || b.starts_with(a)))
}

/// Byte offsets with surrounding whitespace removed.
fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let slice = &text[start..end];
    let leading = slice.len() - slice.trim_start().len();
    let trailing = slice.len() - slice.trim_end().len();
    if leading == slice.len() {
        return (start, start);
    }
    (start + leading, end - trailing)
}

#[cfg(test)]
mod tests;
