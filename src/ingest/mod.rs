//! Files on disk → clean text, the only text every later stage sees.
//!
//! Plans reach us as exports of Word, PDF or web pages: UTF-8 or Windows-1252
//! (sometimes UTF-16), markdown tables, bold marks that glue two headings on one
//! line, and HTML fragments left inside tab-separated table cells. Structure
//! recovery and extraction must not each re-learn that mess, so it is removed
//! here once, with one set of conventions they can rely on:
//!
//! * one line per logical line (`\n` only); runs of blank lines become one;
//! * a table row is one line, its cells separated by exactly one `\t`
//!   (leading empty cells are kept, they mean "same as above"; trailing empty
//!   cells are dropped); markdown rows `| a | b |` become `a\tb` and their
//!   `|--|--|` separator rows disappear;
//! * **inside a table row**, block boundaries (`<p>`, `<li>`, `<br/>`, `<hr/>`,
//!   `<ul>`…) cannot become line breaks without destroying the row/column
//!   layout that *is* the structure, so they become [`ITEM_SEPARATOR`]
//!   (`" • "`), the bullet the source documents already use for cell lists;
//!   runs of bullets collapse into one and a cell never starts or ends with
//!   one. Outside tables the same tags become line breaks;
//! * markup is gone: tags, entities (`&amp;`, `&nbsp;`, `&#39;`…), `**bold**`,
//!   `*italics*`, `#` heading marks, `^{er}` superscripts. A `**` squeezed
//!   between two upper-case words (`…DU CLAS**ÉLÉMENTS DE DIAGNOSTIC**`) marks
//!   two headings glued on one line and becomes a line break;
//! * spaces are collapsed (non-breaking spaces included), French typography
//!   (’ « » œ) is kept, and the text is NFC.
//!
//! The same cleaning applies to `.txt`/`.md` files: tags are sniffed, not
//! trusted to the extension. PDF, Word and OpenDocument files are first read by
//! their own readers ([`pdf`], `office`), which lay their content out in
//! the same conventions, then cleaned like any text; a PDF's page starts travel
//! through cleaning as [`PAGE_BREAK`] marks and come out as offsets.
//!
//! What is read is decided here too, since the corpus folder is not ours: links are
//! followed only to files inside the corpus, special files are refused, each file has
//! a size and time budget, and a reader that fails (or panics) skips its file with a
//! reason a person can act on, never the run.
//!
//! This file is where formats plug in (`read_corpus`, `read_one`, the public types);
//! around it, `guard` runs a reader on its own thread under a time budget, `pages`
//! turns page marks into offsets, `dedupe` drops second copies of a plan and `ids`
//! names the documents kept.

mod decode;
mod dedupe;
mod delimited;
pub(crate) mod format;
mod guard;
mod ids;
mod markup;
mod office;
mod pages;
mod pdf;
mod walk;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use decode::decode;
pub use format::{Extracted, Limits, Unreadable, PAGE_BREAK};
pub use markup::clean;
pub use walk::{corpus_fingerprint, open_regular, read_bounded, walk, Candidate, ReadError};

use crate::model::{Source, SourceFormat};
use dedupe::drop_duplicates;
use guard::extract_guarded;
use ids::assign_doc_ids;
use pages::split_pages;

/// What a block boundary inside a table cell becomes (see the module doc).
pub const ITEM_SEPARATOR: &str = " • ";

/// One readable corpus file.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// Path relative to the corpus folder, without extension, `/`-separated
    /// (with its extension when two files would otherwise share an id).
    pub doc_id: String,
    pub path: PathBuf,
    pub source: Source,
    pub n_bytes: u64,
    /// Clean text (see the module doc).
    pub text: String,
    /// Character offsets in `text` where each page starts; empty for unpaged formats.
    pub pages: Vec<u32>,
    /// The title the file's metadata gives, if any.
    pub title: Option<String>,
}

/// A file that was not ingested, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Skipped {
    /// The file, relative to the corpus folder, `/`-separated.
    pub file: String,
    /// Stable machine code (see [`SkipReason::code`]).
    pub code: String,
    /// Why, in French, for a person.
    pub reason: String,
}

/// Why a file was left out.
#[derive(Debug, Clone, PartialEq)]
pub enum SkipReason {
    Unsupported(String),
    NotRegular(&'static str),
    OutsideCorpus,
    CannotRead(String),
    TooLarge { bytes: u64, limit: u64 },
    Unreadable(Unreadable),
    Binary(String),
    Empty,
    TimedOut(Duration),
    Duplicate { of: String },
}

impl SkipReason {
    /// A stable English code, for the API.
    pub fn code(&self) -> &'static str {
        match self {
            SkipReason::Unsupported(_) => "unsupported_format",
            SkipReason::NotRegular(_) => "not_a_regular_file",
            SkipReason::OutsideCorpus => "outside_corpus",
            SkipReason::CannotRead(_) => "cannot_read",
            SkipReason::TooLarge { .. } => "too_large",
            SkipReason::Unreadable(Unreadable::Encrypted) => "encrypted",
            SkipReason::Unreadable(Unreadable::NoTextLayer) => "no_text_layer",
            SkipReason::Unreadable(Unreadable::Damaged(_)) => "damaged",
            SkipReason::Unreadable(Unreadable::TooLarge(_)) => "too_large",
            SkipReason::Binary(_) => "binary",
            SkipReason::Empty => "empty",
            SkipReason::TimedOut(_) => "timed_out",
            SkipReason::Duplicate { .. } => "duplicate",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Unsupported(extension) if extension.is_empty() => write!(
                f,
                "format non pris en charge (fichier sans extension) : seuls {} sont lus",
                SUPPORTED
            ),
            SkipReason::Unsupported(extension) => write!(
                f,
                "format non pris en charge (.{extension}) : seuls {} sont lus",
                SUPPORTED
            ),
            SkipReason::NotRegular(what) => write!(f, "{what}, pas un fichier ordinaire"),
            SkipReason::OutsideCorpus => {
                f.write_str("lien symbolique vers un emplacement hors du dossier du corpus")
            }
            SkipReason::CannotRead(error) => write!(f, "illisible : {error}"),
            SkipReason::TooLarge { bytes, limit } => write!(
                f,
                "fichier trop volumineux ({} Mo, limite {} Mo : voir --max-file-mb)",
                megabytes(*bytes),
                megabytes(*limit)
            ),
            SkipReason::Unreadable(unreadable) => unreadable.fmt(f),
            SkipReason::Binary(message) => f.write_str(message),
            SkipReason::Empty => f.write_str("aucun texte"),
            SkipReason::TimedOut(budget) => write!(
                f,
                "lecture interrompue après {} s : fichier trop long à lire",
                budget.as_secs()
            ),
            SkipReason::Duplicate { of } => write!(f, "même texte que « {of} », indexé une fois"),
        }
    }
}

fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1_048_576.0;
    if mb >= 10.0 {
        format!("{mb:.0}")
    } else {
        format!("{mb:.1}").replace('.', ",")
    }
}

/// The extensions read, for messages.
const SUPPORTED: &str = ".pdf .docx .odt .pptx .odp .xlsx .ods .csv .txt .md .html .htm";

/// How much one file may cost.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Largest text file read, and largest text a PDF or an office file may give.
    pub max_text_bytes: u64,
    /// Largest PDF or office file read (they hold images and fonts besides text).
    pub max_file_bytes: u64,
    /// Largest decompressed size of a zip-based file (DOCX, ODT, PPTX, ODP, XLSX, ODS).
    pub max_decompressed_bytes: u64,
    /// Longest a reader may work on one file.
    pub time_budget: Duration,
    /// Whether a build may replace an index by one with far fewer documents
    /// (see [`crate::pipeline::build_with`]).
    pub allow_shrink: bool,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions::with_max_file_mb(DEFAULT_MAX_FILE_MB)
    }
}

/// Default of `--max-file-mb`.
pub const DEFAULT_MAX_FILE_MB: u64 = 32;

impl ReadOptions {
    /// The limits for a largest text of `mb` megabytes.
    pub fn with_max_file_mb(mb: u64) -> ReadOptions {
        let max_text_bytes = mb.max(1).saturating_mul(1 << 20);
        ReadOptions {
            max_text_bytes,
            max_file_bytes: max_text_bytes.saturating_mul(8),
            max_decompressed_bytes: max_text_bytes.saturating_mul(16),
            time_budget: Duration::from_secs(120),
            allow_shrink: false,
        }
    }
}

/// Every document file under `dir`, recursively, sorted by path, with the
/// default [`ReadOptions`]. See [`read_corpus_with`].
pub fn read_corpus(dir: &Path) -> crate::Result<(Vec<SourceFile>, Vec<Skipped>)> {
    read_corpus_with(dir, &ReadOptions::default())
}

/// Every document file under `dir`, recursively, sorted by path: .pdf .docx .odt
/// .pptx .odp .xlsx .ods .csv .tsv .txt .md .html .htm (case-insensitive). Err only when `dir` itself cannot be
/// read. Each file left out goes to [`Skipped`] with a reason for a person, and is
/// logged with `tracing::warn!`: unknown formats, special files, links leaving the
/// corpus, files over the limits, damaged, encrypted or scanned documents, and
/// files whose text another file already gave.
pub fn read_corpus_with(
    dir: &Path,
    options: &ReadOptions,
) -> crate::Result<(Vec<SourceFile>, Vec<Skipped>)> {
    let candidates = walk(dir)?;
    // Walking is quick and sequential; reading, decoding and cleaning each
    // file is the work, done on every core.
    let read: Vec<Result<SourceFile, (String, SkipReason)>> = candidates
        .into_par_iter()
        .map(|candidate| match candidate.refused {
            Some(reason) => Err((candidate.relative, reason)),
            None => read_file(&candidate, options).map_err(|r| (candidate.relative.clone(), r)),
        })
        .collect();
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for result in read {
        match result {
            Ok(file) => files.push(file),
            Err((file, reason)) => skipped.push((file, reason)),
        }
    }
    let duplicates = drop_duplicates(&mut files);
    skipped.extend(duplicates);
    assign_doc_ids(&mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    let skipped = skipped
        .into_iter()
        .map(|(file, reason)| {
            tracing::warn!(file = %file, reason = %reason, "fichier non indexé");
            Skipped {
                file,
                code: reason.code().to_string(),
                reason: reason.to_string(),
            }
        })
        .collect();
    Ok((files, skipped))
}

/// The clean text of one file, as an index build would read it (what
/// `maillage text` prints). Its id is its name without extension.
pub fn read_one(path: &Path, options: &ReadOptions) -> Result<SourceFile, SkipReason> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = SourceFormat::from_extension(
        &path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
    .ok_or_else(|| {
        SkipReason::Unsupported(
            path.extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default(),
        )
    })?;
    let candidate = Candidate {
        path: path.to_path_buf(),
        doc_id: walk::sanitize_id(&Path::new(&name).with_extension("").to_string_lossy()),
        relative: walk::sanitize_id(&name),
        format,
        refused: None,
    };
    read_file(&candidate, options)
}

/// How the PDF reader saw each page of `bytes` (blocks, columns, tables), to
/// understand a misread file (`maillage text --layout`).
pub fn pdf_layout(bytes: &[u8]) -> String {
    pdf::extract_debug(bytes, &Limits::default()).1
}

/// Reads, extracts and cleans one corpus file.
fn read_file(candidate: &Candidate, options: &ReadOptions) -> Result<SourceFile, SkipReason> {
    let format = candidate.format;
    let limit = if format.is_extracted() {
        options.max_file_bytes
    } else {
        options.max_text_bytes
    };
    let bytes = walk::read_regular(&candidate.path, limit)?;
    let n_bytes = bytes.len() as u64;
    let (raw, title, is_html) = match format {
        SourceFormat::Text | SourceFormat::Markdown | SourceFormat::Html | SourceFormat::Csv => {
            let raw = decode(&bytes).map_err(|reason| {
                if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                    SkipReason::Empty
                } else {
                    SkipReason::Binary(reason)
                }
            })?;
            let raw = if format == SourceFormat::Csv {
                delimited::to_rows(&raw)
            } else {
                raw
            };
            (raw, None, format == SourceFormat::Html)
        }
        _ => {
            let limits = Limits {
                max_output_bytes: usize::try_from(options.max_text_bytes).unwrap_or(usize::MAX),
                max_decompressed_bytes: options.max_decompressed_bytes,
            };
            let extracted = extract_guarded(format, bytes, limits, options.time_budget)?;
            (extracted.text, extracted.title, false)
        }
    };
    let cleaned = clean(&raw, is_html);
    let (text, pages) = split_pages(&cleaned, format.is_paged());
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    Ok(SourceFile {
        doc_id: candidate.doc_id.clone(),
        path: candidate.path.clone(),
        source: Source {
            file: candidate.relative.clone(),
            format,
            bytes: n_bytes,
        },
        n_bytes,
        text,
        pages,
        title,
    })
}

/// The bytes of a corpus file to hand back as it is (a document's original),
/// read as safely as the corpus itself.
pub fn read_original(path: &Path, limit: u64) -> Result<Vec<u8>, SkipReason> {
    walk::read_regular(path, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_bytes_are_decoded() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("Lieu d'accueil enfants parents é à œ");
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the sample must not be valid UTF-8"
        );
        assert_eq!(
            decode(&bytes).unwrap(),
            "Lieu d'accueil enfants parents é à œ"
        );
    }

    #[test]
    fn utf8_bom_is_stripped_and_text_is_nfc() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Conve\u{301}ntion".as_bytes());
        let text = decode(&bytes).unwrap();
        assert_eq!(text, "Convéntion");
        assert!(!text.starts_with('\u{FEFF}'));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in "Réseau d’écoute".encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap(), "Réseau d’écoute");
        assert_eq!(decode(&be).unwrap(), "Réseau d’écoute");
    }

    #[test]
    fn binary_and_empty_are_rejected() {
        assert!(decode(b"").is_err());
        assert!(decode(b"   \n\n").is_err());
        assert!(decode(b"abc\0def").unwrap_err().contains("binaire"));
        assert!(decode(b"%PDF-1.4 stuff").unwrap_err().contains("PDF"));
        let noisy: Vec<u8> = (0..200u8)
            .map(|i| if i % 5 == 0 { 0x01 } else { b'a' })
            .collect();
        assert!(decode(&noisy).is_err());
    }

    #[test]
    fn html_page_is_stripped_with_rows_and_entities() {
        let html = "<html><head><style>p{color:red}</style></head><body><h1>Plan d&#39;action</h1>\n<p>Caf&eacute; &amp; parents&nbsp;: ok</p><table><tr><td>PILOTES</td><td><p>Ville</p><p>CCAS</p></td></tr></table></body></html>";
        let text = clean(html, true);
        assert_eq!(
            text,
            "Plan d'action\nCafé & parents : ok\nPILOTES\tVille • CCAS"
        );
    }

    #[test]
    fn inline_html_in_tab_row_stays_on_one_line() {
        let raw = "Animation du réseau\t<p>Oui</p> <p>État des lieux au 1^{er} janvier 2017.</p>\nII - BUTS\n<p>Définir le cadre</p><p>Animer</p>";
        let text = clean(raw, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Animation du réseau\tOui • État des lieux au 1er janvier 2017."
        );
        assert_eq!(&lines[1..], &["II - BUTS", "Définir le cadre", "Animer"]);
    }

    #[test]
    fn ul_bullets_in_cells_collapse_to_one_separator() {
        let raw = "EVALUATION INDICATEURS\t<ul style=\"list-style-type: none\"> • Nombre d'actions • Bilan moral\t\t";
        assert_eq!(
            clean(raw, false),
            "EVALUATION INDICATEURS\tNombre d'actions • Bilan moral"
        );
    }

    #[test]
    fn markdown_table_becomes_tab_rows() {
        let raw = "| | | |\n|--|---|---|\n| Axe 1 : Grandir | Objectif 1 : Prévenir | Action 1 : Poursuivre |\n| | | Action 2 : Réfléchir |\n|--|--|";
        assert_eq!(
            clean(raw, false),
            "Axe 1 : Grandir\tObjectif 1 : Prévenir\tAction 1 : Poursuivre\n\t\tAction 2 : Réfléchir"
        );
    }

    #[test]
    fn bold_italic_and_heading_marks_are_stripped() {
        let raw =
            "## Synthèse\n- Une **coordination** constructive, d'**aide aux devoirs** – *en cours*";
        assert_eq!(
            clean(raw, false),
            "Synthèse\n- Une coordination constructive, d'aide aux devoirs – en cours"
        );
    }

    #[test]
    fn glued_bold_headings_are_split() {
        let raw = "ACTION : DÉVELOPPER DES ACTIONS, EN COMPLÉMENTARITÉ DU CLAS**ÉLÉMENTS DE DIAGNOSTIC**\nAXE : JEUNESSE**ACTION : ALLER VERS****ELÉMENTS DE DIAGNOSTIC**";
        let text = clean(raw, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            vec![
                "ACTION : DÉVELOPPER DES ACTIONS, EN COMPLÉMENTARITÉ DU CLAS",
                "ÉLÉMENTS DE DIAGNOSTIC",
                "AXE : JEUNESSE",
                "ACTION : ALLER VERS",
                "ELÉMENTS DE DIAGNOSTIC"
            ]
        );
    }

    #[test]
    fn spaces_collapse_and_typography_is_kept() {
        let raw = "  L’accueil  «\u{a0}petite enfance\u{a0}»   œuvre  \n\n\n\nFin";
        assert_eq!(
            clean(raw, false),
            "L’accueil « petite enfance » œuvre\n\nFin"
        );
    }

    #[test]
    fn leading_empty_cells_are_kept() {
        assert_eq!(
            clean("Besoins\tFinanciers.\n\tHumains : 1 poste.\t", false),
            "Besoins\tFinanciers.\n\tHumains : 1 poste."
        );
    }

    #[test]
    fn doctype_and_xml_declarations_do_not_leak_into_the_text() {
        let html = "<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<html><head><title>Contrat de ville</title></head><body><p>Axe 1</p></body></html>";
        let text = clean(html, true);
        assert_eq!(text, "Contrat de ville\nAxe 1");
    }

    #[test]
    fn read_corpus_sorts_and_skips_with_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("ville");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("b.TXT"), "Contrat de ville\n").unwrap();
        std::fs::write(dir.path().join("a.html"), "<p>Plan d'action</p>").unwrap();
        std::fs::write(dir.path().join("c.pdf"), "%PDF").unwrap();
        std::fs::write(dir.path().join("d.txt"), b"\0\0\x01").unwrap();
        std::fs::write(dir.path().join("e.md"), "").unwrap();
        let (files, skipped) = read_corpus(dir.path()).unwrap();
        let ids: Vec<&str> = files.iter().map(|f| f.doc_id.as_str()).collect();
        assert_eq!(ids, vec!["a", "ville/b"]);
        assert_eq!(files[0].text, "Plan d'action");
        assert_eq!(skipped.len(), 3);
        assert!(skipped
            .iter()
            .all(|s| !s.reason.is_empty() && !s.code.is_empty()));
        let files_skipped: Vec<&str> = skipped.iter().map(|s| s.file.as_str()).collect();
        assert_eq!(files_skipped, vec!["c.pdf", "d.txt", "e.md"]);
        assert!(read_corpus(&dir.path().join("missing")).is_err());
    }
}
