//! Tab-separated rows: action tables, column tables, hierarchical tables and
//! field rows.
//!
//! Layouts give a table row as one line with its cells separated by tabs.
//! The same line shape means different things: a header naming levels and
//! fields (`Axe | Objectif | Action | Pilote | Partenaires`), then a row per
//! action (each level cell opens its section, each other cell a field of the
//! action), as plans' summary tables and action plans kept as workbooks are;
//! a header of sibling objectives (each column then a section), a row of such
//! a column table (each cell a passage of its column), a row of a
//! hierarchical table (heading cells open sections), or `label<TAB>value`
//! fields. Each shape is one step of [`Builder::table_row`], tried in that
//! order.

use std::collections::HashMap;

use super::headings::{Heading, Rank};
use super::{ingest_separator, labels, trim_span, Builder};
use crate::SectionKind;

/// State of a column table: the section each column stands for.
pub(super) struct ColumnTable {
    columns: HashMap<usize, usize>,
    /// Rank of the column headings; finer headings in cells are content.
    rank: Rank,
    label: Option<String>,
}

/// State of an action table: what each column holds, by cell index.
pub(super) struct RecordTable {
    columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq)]
enum Column {
    /// A level of the outline: its cells open sections of this kind and rank.
    Level(SectionKind, u8),
    /// A field of the row's action (its canonical label, else the header as written).
    Field(String),
    Empty,
}

impl RecordTable {
    /// The table a header row announces: three named columns or more, a level of
    /// objectives or actions among them, a field label among the others, and no more
    /// columns named neither way than fields (one at least is allowed). None for any
    /// other row.
    fn from_header(cells: &[&str]) -> Option<RecordTable> {
        // Headers name their columns in a few words: rows of content are let go
        // before any cell is folded.
        let named = cells.iter().filter(|c| !c.is_empty()).count();
        if named < 3 || cells.iter().any(|c| c.len() > 80) {
            return None;
        }
        let mut columns = Vec::with_capacity(cells.len());
        let (mut fields, mut unknown, mut deep) = (0, 0, false);
        let mut last_rank = 0u8;
        for cell in cells {
            if cell.is_empty() {
                columns.push(Column::Empty);
            } else if let Some(level) = labels::column_level(cell) {
                let (kind, base) = match level {
                    "AXE" => (SectionKind::Axe, 1),
                    "OBJECTIF" => (SectionKind::Objectif, 3),
                    _ => (SectionKind::Action, 4),
                };
                deep |= kind != SectionKind::Axe;
                // Levels deepen from left to right: a second objectives column
                // (opérationnels after stratégiques) sits below the first.
                let rank = base.max(last_rank + 1);
                last_rank = rank;
                columns.push(Column::Level(kind, rank));
            } else if let Some(label) = labels::whole_label(cell) {
                fields += 1;
                columns.push(Column::Field(label));
            } else if cell.chars().count() <= 40 {
                unknown += 1;
                columns.push(Column::Field(
                    cell.trim_end_matches([':', ' ']).to_uppercase(),
                ));
            } else {
                return None;
            }
        }
        if !(deep && fields > 0 && unknown <= fields.max(1)) {
            return None;
        }
        // Without an action column, the finest level is where pilots and partners are
        // given: its rows are the plan's actions.
        if !columns
            .iter()
            .any(|c| matches!(c, Column::Level(SectionKind::Action, _)))
        {
            if let Some(Column::Level(kind, _)) = columns
                .iter_mut()
                .filter(|c| matches!(c, Column::Level(..)))
                .max_by_key(|c| match c {
                    Column::Level(_, rank) => *rank,
                    _ => 0,
                })
            {
                *kind = SectionKind::Action;
            }
        }
        Some(RecordTable { columns })
    }

    /// Cells in the header row.
    pub(super) fn width(&self) -> usize {
        self.columns.len()
    }
}

impl Builder<'_> {
    /// Handles the tab-separated line `index`.
    pub(super) fn table_row(&mut self, index: usize) {
        let line_span = self.lines[index];
        let cells = cell_spans(self.text, line_span.start, line_span.end);
        let text = self.text;
        let texts: Vec<&str> = cells.iter().map(|c| &text[c.0..c.1]).collect();
        if let Some(table) = RecordTable::from_header(&texts) {
            self.records = Some(table);
            self.columns = None;
            self.row_label = None;
            return;
        }
        if self.records.is_some() {
            self.record_row(&cells);
            return;
        }
        let first = cells.first().map_or("", |c| &text[c.0..c.1]);
        let first_is_heading =
            !first.is_empty() && self.headings.first_item_heading(first).is_some();
        if !first_is_heading && self.column_header(&cells, first) {
            return;
        }
        if self.columns.is_some()
            && (first.is_empty() || labels::whole_label(first).is_some() || !first_is_heading)
        {
            self.column_row(&cells, first);
            return;
        }
        if self.hierarchical_row(&cells) || self.labelled_row(&cells, first) {
            return;
        }
        if self.prefixed_row(&cells) {
            return;
        }
        // Any other row: one passage (split on cells if long).
        let (start, end) = self.trimmed_span(index);
        self.add_passages(self.top(), self.field.clone(), start, end);
        self.row_label = None;
    }

    /// A row of the open action table: its level cells open (or continue) their
    /// sections, outermost first, then its other cells are fields of the innermost.
    /// An empty level cell keeps the section above (a merged cell).
    fn record_row(&mut self, cells: &[(usize, usize)]) {
        // Out of `self` while its sections open; put back at the end.
        let Some(table) = self.records.take() else {
            return;
        };
        let columns = &table.columns;
        let text = self.text;
        for (i, &(start, end)) in cells.iter().enumerate() {
            let Some(&Column::Level(kind, rank)) = columns.get(i) else {
                continue;
            };
            if start >= end {
                continue;
            }
            let cell = &text[start..end];
            // A cell written as a heading (`Axe 1 : Petite enfance`, `1.2. Prévenir`)
            // keeps its number and title; its column says its level.
            let (number, title) = match self.headings.recognize(cell) {
                Some(h) => (h.number, h.title),
                None => (None, cell.to_string()),
            };
            // Repeated on every row of its actions: the open section goes on, and
            // the sections below it stay open too.
            if self.is_open(kind, number.as_deref(), &title) {
                continue;
            }
            let heading = Heading {
                kind,
                rank: Rank::Fixed(rank),
                number,
                title,
                style: "table",
                unnumbered_axe: false,
            };
            self.open(heading, cell.to_string(), start, end, true);
        }
        for (i, &(start, end)) in cells.iter().enumerate() {
            let field = match columns.get(i) {
                Some(Column::Level(..)) => continue,
                Some(Column::Field(label)) => Some(label.clone()),
                Some(Column::Empty) | None => None,
            };
            self.add_passages(self.top(), field, start, end);
        }
        self.row_label = None;
        self.records = Some(table);
    }

    /// Whether a section of `kind` with this number (or, unnumbered, this title) is open.
    fn is_open(&self, kind: SectionKind, number: Option<&str>, title: &str) -> bool {
        let key = labels::fold(title);
        self.stack.iter().any(|&s| {
            let open = &self.sections[s];
            open.kind == kind
                && match (open.number.as_deref(), number) {
                    (Some(a), Some(b)) => a == b,
                    (None, None) => !key.is_empty() && super::same_title(&open.key, &key),
                    _ => false,
                }
        })
    }

    /// Column header: several sibling objectives side by side, each column
    /// opening its section. False when the row is not one.
    fn column_header(&mut self, cells: &[(usize, usize)], first: &str) -> bool {
        let text = self.text;
        let headed: Vec<(usize, Heading)> = cells
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(i, c)| {
                self.headings
                    .first_item_heading(&text[c.0..c.1])
                    .map(|h| (i, h))
            })
            .collect();
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
        if headed.len() < 2 || same_rank_headings != headed.len() || finer_than_columns {
            return false;
        }
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
        true
    }

    /// A row of the open column table: each cell a passage of its column,
    /// the first cell (or the previous row's) giving the field.
    fn column_row(&mut self, cells: &[(usize, usize)], first: &str) {
        let Some(table) = &self.columns else {
            return;
        };
        // The label cell may also hold the first column's value when a
        // layout drew both in one cell (`CAHIER DES CHARGES • L'opérateur…`).
        let mut first_value = None;
        let label = if first.is_empty() {
            table.label.clone()
        } else if let Some(label) = labels::whole_label(first) {
            Some(label)
        } else if let Some((label, at)) = labels::leading_label(first).filter(|(l, _)| l.len() > 3)
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
    }

    /// Hierarchical rows: heading cells open sections, other items are
    /// passages. False when no cell starts with a heading.
    fn hierarchical_row(&mut self, cells: &[(usize, usize)]) -> bool {
        let text = self.text;
        if !cells
            .iter()
            .any(|c| self.headings.first_item_heading(&text[c.0..c.1]).is_some())
        {
            return false;
        }
        for &(start, end) in cells {
            for (item_start, item_end) in item_spans(self.text, start, end) {
                let item = &self.text[item_start..item_end];
                match self.headings.recognize(item) {
                    Some(heading) if !heading.unnumbered_axe || !self.stack_has_numbered_axe() => {
                        self.open(heading, item.to_string(), item_start, item_end, true);
                    }
                    _ => self.add_passages(self.top(), None, item_start, item_end),
                }
            }
        }
        self.row_label = None;
        true
    }

    /// Field rows: `Statut<TAB>municipal`, the label cell left empty on the
    /// rows that continue it. False when the row has no label.
    fn labelled_row(&mut self, cells: &[(usize, usize)], first: &str) -> bool {
        let row_label = if first.is_empty() {
            self.row_label.clone()
        } else {
            labels::whole_label(first)
        };
        if row_label.is_none() {
            return false;
        }
        for &(start, end) in cells.iter().skip(1) {
            self.add_passages(self.top(), row_label.clone(), start, end);
        }
        self.row_label = row_label;
        true
    }

    /// Cells that start with their own label: `PILOTES …<TAB>PARTENAIRES …`.
    /// False when no cell does.
    fn prefixed_row(&mut self, cells: &[(usize, usize)]) -> bool {
        let text = self.text;
        let prefixed: Vec<Option<(String, usize)>> = cells
            .iter()
            .map(|c| labels::leading_label(&text[c.0..c.1]).filter(|(l, _)| l.len() > 3))
            .collect();
        if !prefixed.iter().any(Option::is_some) {
            return false;
        }
        for (&(start, end), prefix) in cells.iter().zip(prefixed) {
            match prefix {
                Some((label, at)) => self.add_passages(self.top(), Some(label), start + at, end),
                None => self.add_passages(self.top(), self.field.clone(), start, end),
            }
        }
        self.row_label = None;
        true
    }
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
