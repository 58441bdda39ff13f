//! What the readers of PDF, Word and OpenDocument files give back.

use std::fmt;

/// What a format reader gives back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Text in the ingest conventions. For paged formats, every page after the first
    /// begins with [`PAGE_BREAK`] (it may fall mid-line when a paragraph runs over a page).
    pub text: String,
    /// Number of pages (0 for unpaged formats).
    pub n_pages: usize,
    /// Title from the file's metadata (PDF Info /Title, docProps/core.xml dc:title,
    /// meta.xml dc:title), when non-empty.
    pub title: Option<String>,
}

/// Marks the start of a page in [`Extracted::text`]. Private-use character, removed by ingest.
pub const PAGE_BREAK: char = '\u{E001}';

/// Why a file could not be read. `Display` is a short French message for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Encrypted (a password is needed to read it).
    Encrypted,
    /// Scanned PDF: pages but no text.
    NoTextLayer,
    /// Truncated, not a zip, malformed XML, parser error: detail.
    Damaged(String),
    /// Decompressed size / entry count / page count / output budget exceeded (zip bomb…).
    TooLarge(String),
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Encrypted => f.write_str("fichier protégé par mot de passe"),
            Unreadable::NoTextLayer => f.write_str(
                "PDF numérisé sans texte : la reconnaissance de caractères n'est pas prise en charge",
            ),
            Unreadable::Damaged(detail) => write!(f, "fichier endommagé : {detail}"),
            Unreadable::TooLarge(detail) => write!(f, "fichier trop volumineux : {detail}"),
        }
    }
}

impl std::error::Error for Unreadable {}

/// Bounds on what one file may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of text a reader may produce.
    pub max_output_bytes: usize,
    /// Most bytes a reader may decompress from one file (all parts together).
    pub max_decompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_output_bytes: 64 << 20,
            max_decompressed_bytes: 512 << 20,
        }
    }
}
