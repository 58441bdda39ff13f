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

mod headings;
mod labels;
mod meta;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::{Document, Passage, Section, SectionKind};
use headings::{Heading, Rank};
use labels::fold;

/// Passages longer than this many characters are split.
const MAX_PASSAGE_CHARS: usize = 700;
/// Splits never make a piece shorter than this when they can avoid it.
const MIN_PIECE_CHARS: usize = 200;

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

/// State of a column table: the section each column stands for.
struct ColumnTable {
    columns: HashMap<usize, usize>,
    /// Rank of the column headings; finer headings in cells are content.
    rank: Rank,
    label: Option<String>,
}

/// [`headings::recognize`] remembered by span of the text: rows and summary
/// lines are asked about several times.
struct HeadingMemo<'a> {
    text: &'a str,
    known: RefCell<crate::text::FastMap<(usize, usize), Option<Heading>>>,
}

impl<'a> HeadingMemo<'a> {
    fn new(text: &'a str) -> HeadingMemo<'a> {
        HeadingMemo {
            text,
            known: RefCell::new(crate::text::FastMap::default()),
        }
    }

    fn recognize(&self, line: &str) -> Option<Heading> {
        if !headings::may_open(line) {
            return None;
        }
        // Only slices of the text have a stable identity: their span.
        let at = (line.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if at > self.text.len() || line.len() > self.text.len() - at {
            return headings::recognize(line);
        }
        let key = (at, line.len());
        if let Some(known) = self.known.borrow().get(&key) {
            return known.clone();
        }
        let found = headings::recognize(line);
        self.known.borrow_mut().insert(key, found.clone());
        found
    }

    /// The heading the first item of a cell opens, if any.
    fn first_item_heading(&self, cell: &str) -> Option<Heading> {
        let first = cell.split(ingest_separator()).next()?.trim();
        self.recognize(first)
    }
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
            return index + 1;
        }
        if raw.contains('\t') {
            self.flush_block();
            self.flush_pending_axe();
            self.table_row(index);
            return index + 1;
        }
        self.columns = None;
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
            self.add_passages(self.top(), self.field.clone(), start, end);
        }
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
        let Some(axe_number) = number.and_then(|n| self.objectif_axes.get(n)).cloned() else {
            return;
        };
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

    fn table_row(&mut self, index: usize) {
        let line_span = self.lines[index];
        let cells = cell_spans(self.text, line_span.start, line_span.end);
        let cell_text = |c: &(usize, usize)| &self.text[c.0..c.1];
        let first = cells.first().map(cell_text).unwrap_or("");
        // Column header: several sibling objectives side by side.
        let headed: Vec<(usize, Heading)> = cells
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(i, c)| {
                self.headings
                    .first_item_heading(cell_text(c))
                    .map(|h| (i, h))
            })
            .collect();
        let first_is_heading =
            !first.is_empty() && self.headings.first_item_heading(first).is_some();
        let same_rank_headings = headed
            .iter()
            .filter(|(_, h)| {
                headed
                    .first()
                    .is_some_and(|(_, f)| f.rank == h.rank && f.style == h.style)
            })
            .count();
        let finer_than_columns = match (&self.columns, headed.first()) {
            (Some(table), Some((_, h))) => match (table.rank, h.rank) {
                (Rank::Fixed(column), Rank::Fixed(cell)) => cell > column,
                _ => true,
            },
            _ => false,
        };
        if !first_is_heading
            && headed.len() >= 2
            && same_rank_headings == headed.len()
            && !finer_than_columns
        {
            let rank = headed[0].1.rank;
            let mut columns = HashMap::new();
            for (i, heading) in headed {
                let (start, end) = cells[i];
                let display = self.text[start..end]
                    .split(ingest_separator())
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                let id = self.open(heading, display, start, end, false);
                columns.insert(i, id);
            }
            let label = labels::whole_label(first);
            self.columns = Some(ColumnTable {
                columns,
                rank,
                label,
            });
            return;
        }
        if let Some(table) = &self.columns {
            if first.is_empty() || labels::whole_label(first).is_some() || !first_is_heading {
                // The label cell may also hold the first column's value when a
                // layout drew both in one cell (`CAHIER DES CHARGES • L'opérateur…`).
                let mut first_value = None;
                let label = if first.is_empty() {
                    table.label.clone()
                } else if let Some(label) = labels::whole_label(first) {
                    Some(label)
                } else if let Some((label, at)) =
                    labels::leading_label(first).filter(|(l, _)| l.len() > 3)
                {
                    first_value = Some(cells[0].0 + at);
                    Some(label)
                } else {
                    Some(first.to_uppercase())
                };
                let targets: Vec<(usize, Option<usize>)> = cells
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(i, _)| (i, table.columns.get(&i).copied()))
                    .collect();
                if let Some(table) = self.columns.as_mut() {
                    table.label = label.clone();
                }
                if let Some(start) = first_value {
                    let section = self
                        .columns
                        .as_ref()
                        .and_then(|t| t.columns.get(&1).copied());
                    self.add_passages(section.or(self.top()), label.clone(), start, cells[0].1);
                }
                for (i, section) in targets {
                    let (start, end) = cells[i];
                    self.add_passages(section.or(self.top()), label.clone(), start, end);
                }
                return;
            }
        }
        // Hierarchical rows: heading cells open sections, other items are passages.
        if cells
            .iter()
            .any(|c| self.headings.first_item_heading(cell_text(c)).is_some())
        {
            for &(start, end) in &cells {
                for (item_start, item_end) in item_spans(self.text, start, end) {
                    let item = &self.text[item_start..item_end];
                    match self.headings.recognize(item) {
                        Some(heading)
                            if !heading.unnumbered_axe || !self.stack_has_numbered_axe() =>
                        {
                            self.open(heading, item.to_string(), item_start, item_end, true);
                        }
                        _ => self.add_passages(self.top(), None, item_start, item_end),
                    }
                }
            }
            self.row_label = None;
            return;
        }
        // Field rows: `Statut<TAB>municipal`, `PILOTES …<TAB>PARTENAIRES …`.
        let row_label = if first.is_empty() {
            self.row_label.clone()
        } else {
            labels::whole_label(first)
        };
        if row_label.is_some() {
            for &(start, end) in cells.iter().skip(1) {
                self.add_passages(self.top(), row_label.clone(), start, end);
            }
            self.row_label = row_label;
            return;
        }
        let prefixed: Vec<Option<(String, usize)>> = cells
            .iter()
            .map(|c| labels::leading_label(cell_text(c)).filter(|(l, _)| l.len() > 3))
            .collect();
        if prefixed.iter().any(Option::is_some) {
            for (&(start, end), prefix) in cells.iter().zip(prefixed) {
                match prefix {
                    Some((label, at)) => {
                        self.add_passages(self.top(), Some(label), start + at, end)
                    }
                    None => self.add_passages(self.top(), self.field.clone(), start, end),
                }
            }
            self.row_label = None;
            return;
        }
        // Any other row: one passage (split on cells if long).
        let (start, end) = self.trimmed_span(index);
        self.add_passages(self.top(), self.field.clone(), start, end);
        self.row_label = None;
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

    fn finish(self) -> (Vec<Section>, Vec<Passage>) {
        let Builder {
            text,
            mut sections,
            mut passages,
            ..
        } = self;
        // Sections span their own passages and their descendants.
        for passage in &passages {
            if let Some(s) = passage.section {
                let section = &mut sections[s];
                section.end = section.end.max(passage.end);
                section.start = section.start.min(passage.start);
            }
        }
        for id in (0..sections.len()).rev() {
            if let Some(parent) = sections[id].parent {
                let (start, end) = (sections[id].start, sections[id].end);
                sections[parent].end = sections[parent].end.max(end);
                sections[parent].start = sections[parent].start.min(start);
            }
        }
        passages.sort_by_key(|p| (p.start, p.end));
        passages.dedup_by(|b, a| a.start == b.start && a.end == b.end);
        let chars = CharIndex::new(text);
        let mut depth_of = vec![0usize; sections.len()];
        let mut out_sections = Vec::with_capacity(sections.len());
        for (id, draft) in sections.iter().enumerate() {
            let depth = match draft.parent {
                Some(p) if p < id => depth_of[p] + 1,
                _ => 0,
            };
            depth_of[id] = depth;
            out_sections.push(Section {
                id,
                parent: draft.parent.filter(|&p| p < id),
                depth,
                kind: draft.kind,
                number: draft.number.clone(),
                heading: draft.heading.clone(),
                start: chars.of(draft.start),
                end: chars.of(draft.end),
            });
        }
        let out_passages = passages
            .into_iter()
            .enumerate()
            .map(|(id, draft)| Passage {
                id,
                section: draft.section,
                field: draft.field,
                start: chars.of(draft.start),
                end: chars.of(draft.end),
                byte_start: draft.start,
                byte_end: draft.end,
            })
            .collect();
        (out_sections, out_passages)
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

/// Trimmed spans of the tab-separated cells of a row (empty cells kept).
fn cell_spans(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut cells = Vec::new();
    let mut cell_start = start;
    for (offset, c) in text[start..end].char_indices() {
        if c == '\t' {
            cells.push(trim_span(text, cell_start, start + offset));
            cell_start = start + offset + 1;
        }
    }
    cells.push(trim_span(text, cell_start, end));
    cells
}

/// Spans of the `•`-separated items of a cell.
fn item_spans(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    let mut item_start = start;
    for (offset, c) in text[start..end].char_indices() {
        if c == '•' {
            items.push(trim_span(text, item_start, start + offset));
            item_start = start + offset + c.len_utf8();
        }
    }
    items.push(trim_span(text, item_start, end));
    items.retain(|(s, e)| e > s);
    items
}

/// A span cut into pieces of at most [`MAX_PASSAGE_CHARS`], preferring item
/// boundaries, then line breaks, then sentence ends, then spaces. Pieces are
/// trimmed; pieces without a letter or digit are dropped.
fn split_span(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut from = start;
    while from < end {
        let (s, e) = trim_span(text, from, end);
        if s >= e {
            break;
        }
        let slice = &text[s..e];
        // Bounded count: the block may be the whole document.
        if slice.chars().nth(MAX_PASSAGE_CHARS).is_none() {
            pieces.push((s, e));
            break;
        }
        let cut = best_cut(slice).map_or(e, |offset| s + offset);
        let cut = if cut <= s { e } else { cut };
        pieces.push(trim_span(text, s, cut));
        from = cut;
    }
    pieces
        .into_iter()
        .map(|(s, e)| {
            // No piece starts with a dangling item separator.
            let slice = &text[s..e];
            let stripped = slice.trim_start_matches(|c: char| c == '•' || c.is_whitespace());
            (e - stripped.len(), e)
        })
        .filter(|&(s, e)| e > s && text[s..e].chars().any(char::is_alphanumeric))
        .collect()
}

/// Byte offset in `slice` where to cut, within the allowed window.
fn best_cut(slice: &str) -> Option<usize> {
    let mut best: Option<(u8, usize)> = None;
    let mut chars_seen = 0usize;
    let mut previous = ' ';
    let mut iter = slice.char_indices().peekable();
    while let Some((offset, c)) = iter.next() {
        chars_seen += 1;
        if chars_seen > MAX_PASSAGE_CHARS {
            break;
        }
        let next = iter.peek().map(|&(_, n)| n);
        let priority = if chars_seen < MIN_PIECE_CHARS {
            None
        } else if c == '\n' {
            let rest = &slice[offset + 1..];
            if rest.starts_with(' ') || rest.starts_with('\t') {
                Some(3)
            } else {
                Some(4)
            }
        } else if c == '•' && previous == ' ' {
            Some(3)
        } else if matches!(previous, '.' | ';' | '!' | '?')
            && c == ' '
            && next.is_some_and(|n| n.is_uppercase() || n == '«')
        {
            Some(2)
        } else if c == ' ' {
            Some(1)
        } else {
            None
        };
        if let Some(p) = priority {
            if best.is_none_or(|(bp, _)| p >= bp) {
                best = Some((p, offset));
            }
        }
        previous = c;
    }
    best.map(|(_, offset)| offset)
}

/// Objectif number → axe number, read from lines like `Axe 2 : …` followed by
/// `- Objectif 6 : …` (the plan's summary); the first listing wins.
fn summary_objectif_axes(text: &str, headings: &HeadingMemo) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut axe: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim().trim_start_matches(['-', '•', '*', '–']).trim();
        for cell in trimmed.split('\t') {
            if let Some(h) = headings.recognize(cell.trim()) {
                match h.kind {
                    SectionKind::Axe if h.number.is_some() => axe = h.number,
                    SectionKind::Axe | SectionKind::Part => axe = None,
                    SectionKind::Objectif => {
                        if let (Some(a), Some(n)) = (&axe, h.number) {
                            map.entry(n).or_insert_with(|| a.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    map
}

/// Byte offset → character offset.
struct CharIndex<'a> {
    text: &'a [u8],
    /// Characters starting before each multiple of [`CharIndex::BLOCK`] bytes.
    blocks: Vec<usize>,
    count: usize,
}

impl<'a> CharIndex<'a> {
    const BLOCK: usize = 64;

    fn new(text: &'a str) -> CharIndex<'a> {
        let bytes = text.as_bytes();
        let mut blocks = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let mut count = 0;
        for block in bytes.chunks(Self::BLOCK) {
            blocks.push(count);
            count += char_starts(block);
        }
        CharIndex {
            text: bytes,
            blocks,
            count,
        }
    }

    /// The index of the character holding `byte` (the character count at
    /// the end of the text and beyond).
    fn of(&self, byte: usize) -> usize {
        if byte >= self.text.len() {
            return self.count;
        }
        let block = byte / Self::BLOCK;
        let starts = self.blocks[block] + char_starts(&self.text[block * Self::BLOCK..byte]);
        if self.text[byte] & 0xC0 == 0x80 {
            // Inside a character: its start was counted.
            starts - 1
        } else {
            starts
        }
    }
}

/// Characters starting in `bytes` (bytes that do not continue a UTF-8 sequence).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests;
