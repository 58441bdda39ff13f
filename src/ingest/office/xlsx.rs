//! Excel workbooks (.xlsx): each visible sheet in the workbook's order, after its name,
//! as a table laid out by [`super::layout`] (a row a line, cells by tabs).
//!
//! Action plans and their follow-up tables are often published as workbooks. A cell
//! gives the text Excel shows as far as it can without its formatting engine: shared
//! and inline strings, formulas' last results, numbers written the French way (`1,5`),
//! dates as `jj/mm/aaaa` when the cell's format is a date, percentages as `15 %`,
//! booleans as `VRAI`/`FAUX`. Hidden sheets (often lists behind drop-downs), formulas,
//! comments and charts are left out.

use quick_xml::events::{BytesStart, Event};

use super::layout::Layout;
use super::opc::{core_title, lenient, open_main, relationships, target_of, Expected};
use super::types::{Extracted, Limits, Unreadable};
use super::xml::{self, attr};
use super::zipread::Package;

/// Sheets read at most.
const MAX_SHEETS: usize = 1_000;
/// Columns a workbook may have (`XFD`).
const MAX_COLUMNS: u32 = 16_384;

/// Reads an Excel workbook held in memory.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, Unreadable> {
    let (mut pkg, root_rels, main) = open_main(
        bytes,
        limits,
        &Expected {
            root: "workbook",
            what: "un classeur",
            extension: ".xlsx",
            legacy: "ancien format Excel 97-2003 (.xls), pas un .xlsx",
        },
    )?;
    let rels = relationships(&mut pkg, &main)?;
    let workbook = Workbook::read(&mut pkg, &main)?;
    let strings = match target_of(&rels, "sharedStrings") {
        Some(part) => shared_strings(&mut pkg, part, limits.max_output_bytes)?,
        None => Vec::new(),
    };
    let formats = match target_of(&rels, "styles") {
        Some(part) => lenient(CellFormats::read(&mut pkg, part))?.unwrap_or_default(),
        None => CellFormats::default(),
    };
    let cells = Cells {
        strings,
        formats,
        date1904: workbook.date1904,
    };
    let mut layout = Layout::new(limits.max_output_bytes);
    layout.hold_sheet_rows();
    for sheet in workbook.sheets.iter().take(MAX_SHEETS) {
        if sheet.hidden {
            continue;
        }
        let Some(rel) = rels.iter().find(|r| r.id == sheet.rel) else {
            continue;
        };
        if rel.kind != "worksheet" || !pkg.has(&rel.target) {
            continue;
        }
        layout.sheet_name(&sheet.name)?;
        if !layout.open_table()? {
            continue;
        }
        read_sheet(&mut pkg, &rel.target, &cells, &mut layout)?;
        layout.close_table()?;
    }
    let text = layout.finish()?;
    let title = core_title(&mut pkg, &root_rels)?;
    Ok(Extracted {
        text,
        n_pages: 0,
        title,
    })
}

// ---- the workbook ----------------------------------------------------------------------

struct Sheet {
    name: String,
    /// The relationship naming its part.
    rel: String,
    hidden: bool,
}

#[derive(Default)]
struct Workbook {
    sheets: Vec<Sheet>,
    /// Dates count days from 1904 (old Mac workbooks) rather than from 1900.
    date1904: bool,
}

impl Workbook {
    fn read(pkg: &mut Package<'_>, part: &str) -> Result<Workbook, Unreadable> {
        let read = pkg.with_entry(part, |input| {
            let mut reader = xml::reader(input);
            let mut buf = Vec::new();
            let mut book = Workbook::default();
            loop {
                buf.clear();
                match reader.read_event_into(&mut buf) {
                    Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                        "sheet" if book.sheets.len() < MAX_SHEETS => {
                            let rel = xml::relationship_id(&e).unwrap_or_default();
                            book.sheets.push(Sheet {
                                name: attr(&e, "name").unwrap_or_default(),
                                rel,
                                hidden: attr(&e, "state")
                                    .is_some_and(|s| s == "hidden" || s == "veryHidden"),
                            });
                        }
                        "workbookPr" => {
                            book.date1904 = attr(&e, "date1904").is_some_and(|v| xml::on(Some(&v)))
                        }
                        _ => {}
                    },
                    Ok(Event::Eof) => return Ok(book),
                    Ok(_) => {}
                    Err(e) => return Err(xml::error(&reader, part, &e)),
                }
            }
        })?;
        read.ok_or_else(|| Unreadable::Damaged(format!("{part} absent")))
    }
}

/// The shared strings table: each `si`'s text (its runs joined, phonetic guides left
/// out). Its size is charged to the output budget, as its strings end up there.
fn shared_strings(
    pkg: &mut Package<'_>,
    part: &str,
    max_bytes: usize,
) -> Result<Vec<String>, Unreadable> {
    let read = pkg.with_entry(part, |input| {
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        let mut skip = Vec::new();
        let mut strings = Vec::new();
        let mut current: Option<String> = None;
        let mut in_t = false;
        let mut used = 0usize;
        loop {
            let (_, event) = xml::next_event(&mut reader, &mut buf, part, |_| ())?;
            match event {
                Event::Start(e) => match e.local_name().as_ref() {
                    "si" => current = Some(String::new()),
                    "t" => in_t = true,
                    "rPh" | "phoneticPr" => {
                        skip.clear();
                        if let Err(err) = reader.read_to_end_into(e.name(), &mut skip) {
                            return Err(xml::error(&reader, part, &err));
                        }
                    }
                    _ => {}
                },
                Event::Empty(e) if e.local_name().as_ref() == "si" => strings.push(String::new()),
                Event::End(e) => match e.local_name().as_ref() {
                    "si" => strings.push(current.take().unwrap_or_default()),
                    "t" => in_t = false,
                    _ => {}
                },
                Event::Text(t) if in_t => {
                    if let Some(s) = current.as_mut() {
                        used += super::layout::push_clean(s, &t.xml10_content());
                    }
                }
                Event::GeneralRef(r) if in_t => {
                    if let Some(s) = current.as_mut() {
                        let c = xml::general_ref(&r, part)?;
                        used += super::layout::push_clean(s, c.encode_utf8(&mut [0; 4]));
                    }
                }
                Event::Eof => return Ok(strings),
                _ => {}
            }
            if used > max_bytes {
                return Err(super::layout::too_much_text(max_bytes));
            }
        }
    });
    Ok(lenient(read)?.flatten().unwrap_or_default())
}

// ---- number formats --------------------------------------------------------------------

/// How a number cell is shown, as far as its text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Shown {
    #[default]
    Number,
    Date,
    Percent,
}

/// What each cell style (`s` of a cell, an index into `cellXfs`) makes of a number.
#[derive(Debug, Default)]
struct CellFormats {
    styles: Vec<Shown>,
}

impl CellFormats {
    fn read(pkg: &mut Package<'_>, part: &str) -> Result<CellFormats, Unreadable> {
        let read = pkg.with_entry(part, |input| {
            let mut reader = xml::reader(input);
            let mut buf = Vec::new();
            let mut custom: Vec<(u32, Shown)> = Vec::new();
            let mut ids: Vec<u32> = Vec::new();
            let mut in_xfs = false;
            loop {
                buf.clear();
                match reader.read_event_into(&mut buf) {
                    Ok(Event::Start(e)) if e.local_name().as_ref() == "cellXfs" => in_xfs = true,
                    Ok(Event::End(e)) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
                    Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                        "numFmt" if custom.len() < 10_000 => {
                            if let (Some(id), Some(code)) = (
                                attr(&e, "numFmtId").and_then(|v| v.parse().ok()),
                                attr(&e, "formatCode"),
                            ) {
                                custom.push((id, shown_by_code(&code)));
                            }
                        }
                        "xf" if in_xfs && ids.len() < 100_000 => {
                            ids.push(
                                attr(&e, "numFmtId")
                                    .and_then(|v| v.parse().ok())
                                    .unwrap_or(0),
                            );
                        }
                        _ => {}
                    },
                    Ok(Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => return Err(xml::error(&reader, part, &e)),
                }
            }
            let styles = ids
                .iter()
                .map(|&id| {
                    custom
                        .iter()
                        .find(|(c, _)| *c == id)
                        .map_or_else(|| shown_by_builtin(id), |&(_, shown)| shown)
                })
                .collect();
            Ok(CellFormats { styles })
        })?;
        Ok(read.unwrap_or_default())
    }

    fn shown(&self, style: Option<usize>) -> Shown {
        style
            .and_then(|s| self.styles.get(s).copied())
            .unwrap_or_default()
    }
}

/// Excel's built-in formats: 9–10 percentages; 14–22, 27–36, 45–47, 50–58 dates and
/// times (the last ones in East Asian locales).
fn shown_by_builtin(id: u32) -> Shown {
    match id {
        9 | 10 => Shown::Percent,
        14..=22 | 27..=36 | 45..=47 | 50..=58 => Shown::Date,
        _ => Shown::Number,
    }
}

/// A custom format code: a date when it has day or year letters outside quoted text,
/// escapes and brackets (`[Red]`, `[$-40C]`); a percentage when it has `%`.
fn shown_by_code(code: &str) -> Shown {
    let mut bare = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            c => bare.push(c.to_ascii_lowercase()),
        }
    }
    // Only the format of positive numbers (the first section) says what is shown.
    let first = bare.split(';').next().unwrap_or("");
    if first.contains(['d', 'y', 'j', 'a']) && !first.contains("general") {
        Shown::Date
    } else if first.contains('%') {
        Shown::Percent
    } else {
        Shown::Number
    }
}

// ---- a sheet ---------------------------------------------------------------------------

struct Cells {
    strings: Vec<String>,
    formats: CellFormats,
    date1904: bool,
}

/// The cell being read.
#[derive(Default)]
struct Cell {
    column: Option<u32>,
    kind: Option<String>,
    style: Option<usize>,
    value: String,
    inline: String,
}

/// Which text of a cell is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Nothing,
    Value,
    Inline,
}

fn read_sheet(
    pkg: &mut Package<'_>,
    part: &str,
    cells: &Cells,
    layout: &mut Layout,
) -> Result<(), Unreadable> {
    let read = pkg.with_entry(part, |input| {
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        let mut skip = Vec::new();
        let mut last_row: u32 = 0;
        let mut next_column: u32 = 0;
        let mut cell: Option<Cell> = None;
        let mut reading = In::Nothing;
        loop {
            let (_, event) = xml::next_event(&mut reader, &mut buf, part, |_| ())?;
            match event {
                Event::Start(e) => match e.local_name().as_ref() {
                    "row" => {
                        start_row(&e, &mut last_row, layout)?;
                        next_column = 0;
                    }
                    "c" => cell = Some(start_cell(&e)),
                    "v" if cell.is_some() => reading = In::Value,
                    "t" if cell.is_some() => reading = In::Inline,
                    "f" | "rPh" | "extLst" => {
                        skip.clear();
                        if let Err(err) = reader.read_to_end_into(e.name(), &mut skip) {
                            return Err(xml::error(&reader, part, &err));
                        }
                    }
                    _ => {}
                },
                Event::Empty(e) => match e.local_name().as_ref() {
                    "row" => {
                        start_row(&e, &mut last_row, layout)?;
                        layout.close_row()?;
                    }
                    "c" => {
                        let empty = start_cell(&e);
                        put_cell(empty, cells, &mut next_column, layout)?;
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "row" => layout.close_row()?,
                    "c" => {
                        if let Some(done) = cell.take() {
                            put_cell(done, cells, &mut next_column, layout)?;
                        }
                    }
                    "v" | "t" => reading = In::Nothing,
                    _ => {}
                },
                Event::Text(t) => add_text(&mut cell, reading, &t.xml10_content()),
                Event::GeneralRef(r) if reading != In::Nothing => {
                    let c = xml::general_ref(&r, part)?;
                    add_text(&mut cell, reading, c.encode_utf8(&mut [0; 4]));
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    })?;
    read.ok_or_else(|| Unreadable::Damaged(format!("{part} absent")))
}

/// A row starts: rows skipped since the last one (`r` jumps) are an empty row, which
/// ends the table above.
fn start_row(
    e: &BytesStart<'_>,
    last_row: &mut u32,
    layout: &mut Layout,
) -> Result<(), Unreadable> {
    let number = attr(e, "r")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(last_row.saturating_add(1));
    if number > last_row.saturating_add(1) {
        layout.open_row()?;
        layout.close_row()?;
    }
    *last_row = number.max(*last_row);
    layout.open_row()?;
    Ok(())
}

fn start_cell(e: &BytesStart<'_>) -> Cell {
    Cell {
        column: attr(e, "r").and_then(|r| column_of(&r)),
        kind: attr(e, "t"),
        style: attr(e, "s").and_then(|v| v.parse().ok()),
        ..Cell::default()
    }
}

fn add_text(cell: &mut Option<Cell>, reading: In, text: &str) {
    let Some(cell) = cell.as_mut() else {
        return;
    };
    let target = match reading {
        In::Nothing => return,
        In::Value => &mut cell.value,
        In::Inline => &mut cell.inline,
    };
    // A cell's text is at most what a cell holds (32,767 characters).
    if target.len() < 1 << 17 {
        target.push_str(text);
    }
}

/// Writes `cell` in its column, after empty cells for the columns skipped.
fn put_cell(
    cell: Cell,
    cells: &Cells,
    next_column: &mut u32,
    layout: &mut Layout,
) -> Result<(), Unreadable> {
    let column = cell.column.unwrap_or(*next_column).min(MAX_COLUMNS);
    let text = cell_text(&cell, cells);
    if text.is_empty() {
        // Empty cells matter only before a full one: they are written then.
        return Ok(());
    }
    if column > *next_column {
        let gap = (column - *next_column) as usize;
        if layout.open_cell()? {
            layout.close_cell(gap - 1, 0)?;
        }
    }
    *next_column = column.saturating_add(1).max(*next_column);
    if layout.open_cell()? {
        layout.open_para()?;
        layout.text(&text, false)?;
        layout.close_para()?;
        layout.close_cell(0, 0)?;
    }
    Ok(())
}

/// `B12` → 1 (columns from 0).
fn column_of(reference: &str) -> Option<u32> {
    let mut column: u32 = 0;
    let mut letters = 0;
    for b in reference.bytes() {
        if b.is_ascii_alphabetic() {
            column = column
                .checked_mul(26)?
                .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
            letters += 1;
        } else {
            break;
        }
    }
    (letters > 0 && column <= MAX_COLUMNS).then(|| column - 1)
}

/// The text a cell shows, as far as its type and number format say.
fn cell_text(cell: &Cell, cells: &Cells) -> String {
    let value = cell.value.trim();
    match cell.kind.as_deref() {
        Some("s") => value
            .parse::<usize>()
            .ok()
            .and_then(|i| cells.strings.get(i))
            .cloned()
            .unwrap_or_default(),
        Some("inlineStr") => cell.inline.clone(),
        Some("str") => cell.value.clone(),
        Some("b") => match value {
            "1" | "true" => "VRAI".to_string(),
            "0" | "false" => "FAUX".to_string(),
            _ => String::new(),
        },
        Some("e") => String::new(),
        Some("d") => iso_date(value).unwrap_or_else(|| value.to_string()),
        _ => {
            if value.is_empty() {
                return cell.inline.clone();
            }
            let Ok(number) = value.parse::<f64>() else {
                return value.to_string();
            };
            match cells.formats.shown(cell.style) {
                Shown::Date => {
                    serial_date(number, cells.date1904).unwrap_or_else(|| french_number(number))
                }
                Shown::Percent => format!("{} %", french_number(number * 100.0)),
                Shown::Number => french_number(number),
            }
        }
    }
}

/// A number as a French reader writes it: no exponent for ordinary sizes, a decimal
/// comma, at most ten significant digits (what a cell shows of a computed share).
fn french_number(n: f64) -> String {
    if !n.is_finite() {
        return String::new();
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let magnitude = if n == 0.0 {
        0
    } else {
        n.abs().log10().floor() as i32
    };
    let decimals = (9 - magnitude).clamp(0, 15) as usize;
    let text = format!("{n:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    text.replace('.', ",")
}

/// A date serial (days since 1899-12-30, or since 1904-01-01) as `jj/mm/aaaa`.
fn serial_date(serial: f64, date1904: bool) -> Option<String> {
    if !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let mut days = serial.floor() as i64;
    if date1904 {
        days += 1462;
    } else if days < 61 {
        // Excel counts a 29 February 1900 that never was: serials before it are one off.
        days += 1;
    }
    // Days from 1970-01-01, then the civil date (Howard Hinnant's algorithm).
    let z = days - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{day:02}/{month:02}/{year:04}"))
}

/// An ISO date (`2022-09-01`, with or without a time) as `jj/mm/aaaa`.
fn iso_date(value: &str) -> Option<String> {
    let date = value.get(..10)?;
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    if ![year, month, day]
        .iter()
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(format!("{day}/{month}/{year}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_read_from_references() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("B12"), Some(1));
        assert_eq!(column_of("AA3"), Some(26));
        assert_eq!(column_of("XFD1"), Some(16_383));
        assert_eq!(column_of("ZZZZ1"), None);
        assert_eq!(column_of("12"), None);
    }

    #[test]
    fn numbers_are_written_as_a_french_reader_expects() {
        assert_eq!(french_number(15000.0), "15000");
        assert_eq!(french_number(0.5), "0,5");
        assert_eq!(french_number(0.1 + 0.2), "0,3");
        assert_eq!(french_number(-2.25), "-2,25");
        assert_eq!(french_number(1234.5678), "1234,5678");
    }

    #[test]
    fn date_serials_become_calendar_dates() {
        // 1 September 2022, the start of a school year.
        assert_eq!(serial_date(44805.0, false).as_deref(), Some("01/09/2022"));
        assert_eq!(serial_date(44805.75, false).as_deref(), Some("01/09/2022"));
        assert_eq!(serial_date(1.0, false).as_deref(), Some("01/01/1900"));
        assert_eq!(serial_date(61.0, false).as_deref(), Some("01/03/1900"));
        assert_eq!(serial_date(0.0, true).as_deref(), Some("01/01/1904"));
        assert_eq!(serial_date(-3.0, false), None);
        assert_eq!(
            iso_date("2023-01-31T00:00:00").as_deref(),
            Some("31/01/2023")
        );
        assert_eq!(iso_date("31 janvier"), None);
    }

    #[test]
    fn format_codes_tell_dates_and_percentages() {
        assert_eq!(shown_by_code("dd/mm/yyyy"), Shown::Date);
        assert_eq!(shown_by_code("[$-40C]d mmmm yyyy;@"), Shown::Date);
        assert_eq!(shown_by_code("0.00%"), Shown::Percent);
        assert_eq!(shown_by_code("#,##0 \"€\""), Shown::Number);
        assert_eq!(shown_by_code("#,##0\\ [$€-40C]"), Shown::Number);
        assert_eq!(shown_by_code("General"), Shown::Number);
        assert_eq!(shown_by_builtin(14), Shown::Date);
        assert_eq!(shown_by_builtin(9), Shown::Percent);
        assert_eq!(shown_by_builtin(3), Shown::Number);
    }
}
