//! Answers as files people open elsewhere: CSV for spreadsheets, JSON Lines for scripts.
//!
//! A researcher wants « who partners with whom » in a spreadsheet. French spreadsheet
//! software expects `;` between cells (the comma is the decimal mark) and reads a file as
//! UTF-8 only when it starts with a byte-order mark, so that is the default; `,` is an
//! option. Writers take one record at a time (`impl Write`), so an export of every action
//! of a national corpus is streamed, never held whole.

use std::io::{self, Write};

use serde::Serialize;

use crate::graph::TerritoryRoles;
use crate::query::{ActionSummary, Hit};
use crate::{Error, Result};

/// A file format an answer can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Cells separated by `separator`, UTF-8 with a byte-order mark.
    Csv { separator: u8 },
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// `csv` (`;`), `csv-comma` (`,`) or `jsonl`.
    pub fn parse(name: &str) -> Result<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csv" | "csv-semicolon" => Ok(Format::Csv { separator: b';' }),
            "csv-comma" => Ok(Format::Csv { separator: b',' }),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            other => Err(Error::InvalidParameter {
                name: "format",
                message: format!(
                    "`{}` n'est pas un format d'export (csv, csv-comma, jsonl)",
                    other.chars().take(40).collect::<String>()
                ),
            }),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv { .. } => "text/csv; charset=utf-8",
            Format::Jsonl => "application/x-ndjson; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv { .. } => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// Something exported one line per record.
pub trait Record: Serialize {
    /// Column names, in French.
    const HEADER: &'static [&'static str];
    /// The cells, in the order of [`Record::HEADER`].
    fn cells(&self) -> Vec<String>;
}

/// Writes records in one format: [`Exporter::start`] once, [`Exporter::record`] for each.
pub struct Exporter<W: Write> {
    out: W,
    format: Format,
}

impl<W: Write> Exporter<W> {
    /// Writes what comes before the records (the byte-order mark and header of a CSV).
    pub fn start<R: Record>(mut out: W, format: Format) -> io::Result<Exporter<W>> {
        if let Format::Csv { separator } = format {
            out.write_all("\u{FEFF}".as_bytes())?;
            let header: Vec<String> = R::HEADER.iter().map(|h| h.to_string()).collect();
            write_csv_line(&mut out, &header, separator)?;
        }
        Ok(Exporter { out, format })
    }

    pub fn record<R: Record>(&mut self, record: &R) -> io::Result<()> {
        match self.format {
            Format::Csv { separator } => write_csv_line(&mut self.out, &record.cells(), separator),
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")
            }
        }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// One CSV line, quoted where a cell needs it (RFC 4180), ending in CRLF.
fn write_csv_line(out: &mut impl Write, cells: &[String], separator: u8) -> io::Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(&[separator])?;
        }
        let needs_quotes = cell
            .bytes()
            .any(|b| b == separator || b == b'"' || b == b'\n' || b == b'\r')
            || cell.starts_with(char::is_whitespace);
        if needs_quotes {
            out.write_all(b"\"")?;
            out.write_all(cell.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(cell.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

fn list(names: &[String]) -> String {
    names.join(", ")
}

fn or_empty<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl Record for ActionSummary {
    const HEADER: &'static [&'static str] = &[
        "id",
        "territoire",
        "code",
        "document",
        "année",
        "chemin",
        "action",
        "pilotes",
        "partenaires",
        "financeurs",
        "dispositifs",
        "page",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            or_empty(self.territory.as_ref().map(|t| &t.name)),
            or_empty(self.territory.as_ref().map(|t| &t.code)),
            self.doc_title.clone(),
            or_empty(self.year),
            self.path.join(" › "),
            self.title.clone(),
            list(&self.pilots),
            list(&self.partners),
            list(&self.funders),
            list(&self.dispositifs),
            or_empty(self.page),
        ]
    }
}

impl Record for Hit {
    const HEADER: &'static [&'static str] = &[
        "territoire",
        "code",
        "document",
        "id_document",
        "action",
        "champ",
        "texte",
        "page",
        "score",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            or_empty(self.territory.as_ref().map(|t| &t.name)),
            or_empty(self.territory.as_ref().map(|t| &t.code)),
            self.doc_title.clone(),
            self.doc_id.clone(),
            self.section.join(" › "),
            or_empty(self.field.as_ref()),
            self.text.clone(),
            or_empty(self.page),
            format!("{:.3}", self.score),
        ]
    }
}

impl Record for TerritoryRoles {
    const HEADER: &'static [&'static str] = &[
        "territoire",
        "code",
        "niveau",
        "rôles",
        "mentions",
        "document",
        "action",
        "rôle",
        "extrait",
        "page",
    ];

    /// One line per territory: its roles, and its first piece of evidence.
    fn cells(&self) -> Vec<String> {
        let first = self.evidence.first();
        vec![
            self.territory.name.clone(),
            self.territory.code.clone(),
            self.territory.kind.label().to_string(),
            self.roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            self.mentions.to_string(),
            or_empty(first.map(|e| &e.document.doc_title)),
            or_empty(first.map(|e| e.section.join(" › "))),
            or_empty(first.map(|e| e.role.label())),
            or_empty(first.map(|e| &e.text)),
            or_empty(first.and_then(|e| e.page)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Territory, TerritoryKind};

    fn action() -> ActionSummary {
        ActionSummary {
            id: "ctg#4".into(),
            doc_id: "ctg".into(),
            doc_title: "Convention Territoriale Globale".into(),
            kind: None,
            year: Some(2022),
            territory: Some(Territory {
                name: "Cornebarrieu".into(),
                code: "31150".into(),
                kind: TerritoryKind::Commune,
            }),
            path: vec!["Axe 2 : Parentalité".into()],
            title: "ACTION : « Cafés des parents »; soutien".into(),
            page: None,
            format: crate::model::SourceFormat::Pdf,
            pilots: vec!["CAF".into()],
            partners: vec!["Mission Locale".into(), "PMI".into()],
            funders: vec![],
            dispositifs: vec!["CLAS".into()],
        }
    }

    #[test]
    fn csv_has_a_bom_a_french_header_and_quotes_what_needs_it() {
        let mut exporter =
            Exporter::start::<ActionSummary>(Vec::new(), Format::parse("csv").unwrap()).unwrap();
        exporter.record(&action()).unwrap();
        let bytes = exporter.finish().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{FEFF}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').split("\r\n").collect();
        assert!(lines[0].starts_with("id;territoire;code;document;année"));
        assert!(
            lines[1].contains("\"ACTION : « Cafés des parents »; soutien\""),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains(";Mission Locale, PMI;"));
    }

    #[test]
    fn jsonl_is_one_object_per_line_and_formats_are_named() {
        let mut exporter = Exporter::start::<ActionSummary>(Vec::new(), Format::Jsonl).unwrap();
        exporter.record(&action()).unwrap();
        exporter.record(&action()).unwrap();
        let text = String::from_utf8(exporter.finish().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(back["territory"]["code"], "31150");
        assert_eq!(
            Format::parse("csv-comma").unwrap(),
            Format::Csv { separator: b',' }
        );
        assert!(Format::parse("xlsx").is_err());
    }
}
