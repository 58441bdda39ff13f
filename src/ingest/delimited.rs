//! CSV and TSV files: each record a table row, its fields joined by tabs, as the
//! other readers give tables.
//!
//! Open-data portals publish action plans and their follow-up as CSV, written by
//! spreadsheets in their locale: French ones separate fields with `;` (the comma is
//! the decimal mark), others with `,` or a tab, and quote fields that hold a line
//! break. The separator is the one that splits the first lines into the same number
//! of fields (two or more); the `csv` crate reads the quoting. A field's line breaks
//! and tabs are spaces; an empty record ends a table, as an empty row of a sheet does.

/// Lines looked at to choose the separator.
const SAMPLE_LINES: usize = 30;

/// `text` (a CSV or TSV file, decoded) as ingest text: a line per record, fields by tabs,
/// trailing empty fields dropped, an empty record a blank line.
pub(super) fn to_rows(text: &str) -> String {
    let separator = separator(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = String::with_capacity(text.len());
    let mut record = csv::StringRecord::new();
    let mut blank = true;
    // A malformed record (a quote left open) ends the reading: what came before stays.
    while let Ok(true) = reader.read_record(&mut record) {
        let cells: Vec<String> = record
            .iter()
            .map(|field| field.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let used = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if used == 0 {
            if !blank {
                out.push('\n');
                blank = true;
            }
            continue;
        }
        out.push_str(&cells[..used].join("\t"));
        out.push('\n');
        blank = false;
    }
    out
}

/// The separator that cuts the sample's non-empty lines into the same number of
/// fields, two or more, most often: `;`, `\t`, `,` or `|` (`;` when none does).
fn separator(text: &str) -> u8 {
    let sample: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(SAMPLE_LINES)
        .collect();
    let mut best = (0usize, b';');
    for candidate in [b';', b'\t', b',', b'|'] {
        let mut counts: Vec<usize> = sample
            .iter()
            .map(|line| fields_in(line, candidate))
            .filter(|&n| n >= 2)
            .collect();
        counts.sort_unstable();
        // The most common field count, and how many lines have it.
        let mut agreeing = 0;
        let mut run = 0;
        for (i, n) in counts.iter().enumerate() {
            run = if i > 0 && counts[i - 1] == *n {
                run + 1
            } else {
                1
            };
            agreeing = agreeing.max(run);
        }
        if agreeing > best.0 {
            best = (agreeing, candidate);
        }
    }
    best.1
}

/// Fields of one line split on `separator` outside double quotes.
fn fields_in(line: &str, separator: u8) -> usize {
    let mut quoted = false;
    let mut fields = 1;
    for &b in line.as_bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == separator && !quoted {
            fields += 1;
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_export_is_cut_on_semicolons_and_keeps_its_decimal_commas() {
        let text = "Axe;Action;Pilote;Budget\n\
                    Axe 1 : Petite enfance;Créer une crèche;Ville;12,5\n\
                    Axe 2 : Jeunesse;\"Renforcer la Mission Locale; ses permanences\";CCAS;3\n";
        assert_eq!(
            to_rows(text),
            "Axe\tAction\tPilote\tBudget\n\
             Axe 1 : Petite enfance\tCréer une crèche\tVille\t12,5\n\
             Axe 2 : Jeunesse\tRenforcer la Mission Locale; ses permanences\tCCAS\t3\n"
        );
    }

    #[test]
    fn quoted_line_breaks_and_empty_records_are_read_as_a_sheet_shows_them() {
        let text = "Action,Partenaires,,\r\n\"Café des parents\",\"CAF,\r\nPMI\",,\r\n,,,\r\n,,,\r\nBilan,2023\r\n";
        assert_eq!(
            to_rows(text),
            "Action\tPartenaires\nCafé des parents\tCAF, PMI\n\nBilan\t2023\n"
        );
    }

    #[test]
    fn the_separator_is_the_one_the_lines_agree_on() {
        assert_eq!(separator("a\tb, c\td\ne\tf, g\th\n"), b'\t');
        assert_eq!(separator("a|b|c\nd|e|f\n"), b'|');
        assert_eq!(separator("une seule colonne\nencore\n"), b';');
        // A comma inside quotes does not count.
        assert_eq!(separator("\"a,b\";c\n\"d,e\";f\n"), b';');
    }

    proptest::proptest! {
        /// Whatever a file holds, its rows come out as lines of trimmed cells, never
        /// more lines than the file has, its letters those of the file in their order.
        #[test]
        fn any_text_gives_clean_rows(text in "[a-zé;,\t\"\r\n ]{0,200}") {
            let rows = to_rows(&text);
            proptest::prop_assert!(!rows.contains('\r'));
            // A lone `\r` ends a record too (old Mac files).
            proptest::prop_assert!(rows.lines().count() <= text.split(['\n', '\r']).count());
            for cell in rows.lines().flat_map(|l| l.split('\t')) {
                proptest::prop_assert_eq!(cell, cell.trim());
            }
            // Quotes and separators go, letters are neither made up nor reordered.
            let mut letters = text.chars().filter(|c| c.is_alphabetic());
            for c in rows.chars().filter(|c| c.is_alphabetic()) {
                proptest::prop_assert!(letters.any(|l| l == c), "{:?} from {:?}", rows, text);
            }
        }
    }

    #[test]
    fn a_quote_left_open_keeps_what_came_before() {
        let rows = to_rows("Action;Pilote\nCLAS;Ville\n\"ouvert;jamais fermé\n");
        assert!(rows.starts_with("Action\tPilote\nCLAS\tVille\n"), "{rows}");
    }
}
