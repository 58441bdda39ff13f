//! The data model every stage of the pipeline shares.
//!
//! Types here are plain data: the stage that produces them owns the rules, the
//! stages after it only read them. Offsets are always **character** offsets
//! (not bytes) into [`Document::text`], the normalized text of the document,
//! so that a client in any language can slice the text it was sent.

use serde::{Deserialize, Serialize};

/// One plan document after ingest, structure recovery and extraction.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Document {
    /// Path relative to the corpus folder, without extension, `/`-separated.
    pub doc_id: String,
    /// Title found in the content (never the file name, unless nothing better exists).
    pub title: String,
    /// What kind of plan this is, when the text says it.
    pub kind: Option<DocKind>,
    /// Year of the plan, when the text says it.
    pub year: Option<u16>,
    /// Clean, NFC-normalized text: markup stripped, one line per source line,
    /// table cells separated by `\t`.
    pub text: String,
    /// The outline, in document order; a section's parent comes before it.
    pub sections: Vec<Section>,
    /// The units of search, in document order.
    pub passages: Vec<Passage>,
    /// The territory the document is about, once extraction has run.
    pub territory: Option<Territory>,
    /// Character offsets in [`Document::text`] where each page starts, for paged
    /// formats (PDF); empty otherwise.
    pub pages: Vec<u32>,
    /// The file the text was read from.
    pub source: Source,
}

/// The file a document was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Path relative to the corpus folder, with its extension, `/`-separated.
    pub file: String,
    pub format: SourceFormat,
    /// Size of the file in bytes.
    pub bytes: u64,
}

/// The formats maillage reads.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum SourceFormat {
    #[default]
    Text,
    Markdown,
    Html,
    Pdf,
    Docx,
    Odt,
    /// PowerPoint slides.
    Pptx,
    /// OpenDocument slides.
    Odp,
    /// Excel workbook.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
    /// Comma- (or semicolon-, tab-) separated values.
    Csv,
}

impl SourceFormat {
    /// Every format, in declaration order.
    pub const ALL: [SourceFormat; 11] = [
        SourceFormat::Text,
        SourceFormat::Markdown,
        SourceFormat::Html,
        SourceFormat::Pdf,
        SourceFormat::Docx,
        SourceFormat::Odt,
        SourceFormat::Pptx,
        SourceFormat::Odp,
        SourceFormat::Xlsx,
        SourceFormat::Ods,
        SourceFormat::Csv,
    ];

    /// The format of a file extension (case-insensitive, without the dot).
    pub fn from_extension(extension: &str) -> Option<SourceFormat> {
        Some(match extension.to_ascii_lowercase().as_str() {
            "txt" | "text" => SourceFormat::Text,
            "md" | "markdown" => SourceFormat::Markdown,
            "html" | "htm" | "xhtml" => SourceFormat::Html,
            "pdf" => SourceFormat::Pdf,
            "docx" => SourceFormat::Docx,
            "odt" => SourceFormat::Odt,
            "pptx" => SourceFormat::Pptx,
            "odp" => SourceFormat::Odp,
            "xlsx" => SourceFormat::Xlsx,
            "ods" => SourceFormat::Ods,
            "csv" | "tsv" => SourceFormat::Csv,
            _ => return None,
        })
    }

    /// Stable machine name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Markdown => "markdown",
            SourceFormat::Html => "html",
            SourceFormat::Pdf => "pdf",
            SourceFormat::Docx => "docx",
            SourceFormat::Odt => "odt",
            SourceFormat::Pptx => "pptx",
            SourceFormat::Odp => "odp",
            SourceFormat::Xlsx => "xlsx",
            SourceFormat::Ods => "ods",
            SourceFormat::Csv => "csv",
        }
    }

    /// Name for a person (French UI).
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Text => "texte",
            SourceFormat::Markdown => "Markdown",
            SourceFormat::Html => "HTML",
            SourceFormat::Pdf => "PDF",
            SourceFormat::Docx => "Word (DOCX)",
            SourceFormat::Odt => "OpenDocument (ODT)",
            SourceFormat::Pptx => "PowerPoint (PPTX)",
            SourceFormat::Odp => "OpenDocument (ODP)",
            SourceFormat::Xlsx => "Excel (XLSX)",
            SourceFormat::Ods => "OpenDocument (ODS)",
            SourceFormat::Csv => "CSV",
        }
    }

    /// The media type the original is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            SourceFormat::Text => "text/plain; charset=utf-8",
            SourceFormat::Markdown => "text/markdown; charset=utf-8",
            SourceFormat::Html => "text/plain; charset=utf-8",
            SourceFormat::Pdf => "application/pdf",
            SourceFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            SourceFormat::Odt => "application/vnd.oasis.opendocument.text",
            SourceFormat::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            SourceFormat::Odp => "application/vnd.oasis.opendocument.presentation",
            SourceFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            SourceFormat::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            SourceFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    /// True for the formats whose text a reader of their own extracts (PDF and the
    /// office packages), as opposed to text read as it is.
    pub fn is_extracted(self) -> bool {
        !matches!(
            self,
            SourceFormat::Text | SourceFormat::Markdown | SourceFormat::Html | SourceFormat::Csv
        )
    }

    /// True for formats whose text is cut into pages (a slide is a page).
    pub fn is_paged(self) -> bool {
        matches!(
            self,
            SourceFormat::Pdf | SourceFormat::Pptx | SourceFormat::Odp
        )
    }

    /// True for slides: their pages are slides, which a reader names so.
    pub fn is_slides(self) -> bool {
        matches!(self, SourceFormat::Pptx | SourceFormat::Odp)
    }
}

/// The kind of a plan document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Convention Territoriale Globale (with the CAF).
    Ctg,
    /// Contrat de Ville (politique de la ville).
    ContratDeVille,
    /// Projet Éducatif De Territoire.
    Pedt,
    /// A coordination fiche (e.g. coordination linguistique).
    FicheCoordination,
    /// A news article or web post.
    Article,
    /// A council presentation or deliberation.
    ConseilMunicipal,
    /// Anything else.
    Autre,
}

impl DocKind {
    /// Every kind, in declaration order.
    pub const ALL: [DocKind; 7] = [
        DocKind::Ctg,
        DocKind::ContratDeVille,
        DocKind::Pedt,
        DocKind::FicheCoordination,
        DocKind::Article,
        DocKind::ConseilMunicipal,
        DocKind::Autre,
    ];

    /// Stable machine name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Ctg => "ctg",
            DocKind::ContratDeVille => "contrat_de_ville",
            DocKind::Pedt => "pedt",
            DocKind::FicheCoordination => "fiche_coordination",
            DocKind::Article => "article",
            DocKind::ConseilMunicipal => "conseil_municipal",
            DocKind::Autre => "autre",
        }
    }

    /// Human label in French.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Ctg => "Convention territoriale globale",
            DocKind::ContratDeVille => "Contrat de ville",
            DocKind::Pedt => "Projet éducatif de territoire",
            DocKind::FicheCoordination => "Fiche de coordination",
            DocKind::Article => "Article",
            DocKind::ConseilMunicipal => "Conseil municipal",
            DocKind::Autre => "Autre",
        }
    }

    /// Parses the machine name back (`ctg`, `contrat_de_ville`…); also accepts
    /// common spellings such as `contrat-de-ville` or `CTG`.
    pub fn parse(s: &str) -> Option<DocKind> {
        let k = s.trim().to_lowercase().replace(['-', ' '], "_");
        Some(match k.as_str() {
            "ctg" => DocKind::Ctg,
            "contrat_de_ville" | "cdv" => DocKind::ContratDeVille,
            "pedt" => DocKind::Pedt,
            "fiche_coordination" | "fiche" => DocKind::FicheCoordination,
            "article" => DocKind::Article,
            "conseil_municipal" | "cm" => DocKind::ConseilMunicipal,
            "autre" => DocKind::Autre,
            _ => return None,
        })
    }
}

impl std::str::FromStr for DocKind {
    type Err = crate::Error;

    /// [`DocKind::parse`], with an error that lists the kinds.
    fn from_str(s: &str) -> Result<DocKind, crate::Error> {
        DocKind::parse(s).ok_or_else(|| crate::Error::InvalidParameter {
            name: "kind",
            message: format!(
                "`{}` n'est pas un type de document ({})",
                s.trim(),
                DocKind::ALL.map(DocKind::as_str).join(", ")
            ),
        })
    }
}

/// The role a heading plays in a plan's outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Roman-numbered part (`I - IDENTITÉ`) or other top-level part.
    Part,
    /// `Axe N`, `AXE : …`, `PILIER N°N`.
    Axe,
    /// `Enjeu n°N`.
    Enjeu,
    /// Orientations (stratégiques) and `1.2` sub-themes.
    Orientation,
    /// `Objectif N`, objectifs opérationnels `1.2.5`.
    Objectif,
    /// `Action N`, `ACTION : …`, `FICHE-ACTION`, numbered items `1.2.5.a`.
    Action,
    /// Any other heading.
    Heading,
}

impl SectionKind {
    /// Stable machine name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Part => "part",
            SectionKind::Axe => "axe",
            SectionKind::Enjeu => "enjeu",
            SectionKind::Orientation => "orientation",
            SectionKind::Objectif => "objectif",
            SectionKind::Action => "action",
            SectionKind::Heading => "heading",
        }
    }
}

/// One node of a document's outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Section {
    /// Index of this section in [`Document::sections`].
    pub id: usize,
    /// Index of the enclosing section, if any.
    pub parent: Option<usize>,
    /// Depth in the outline, 0 for top level.
    pub depth: usize,
    pub kind: SectionKind,
    /// The number as written (`1`, `1.2.5`, `1.2.5.a`, `II`), if any.
    pub number: Option<String>,
    /// The heading as it reads, cleaned (`Axe 1 : Grandir et s'épanouir…`).
    pub heading: String,
    /// Character offsets of the section's span in [`Document::text`].
    pub start: usize,
    pub end: usize,
}

/// The unit of a search result: a field of a fiche-action, an objective, a
/// paragraph or a list block.
///
/// A passage owns no text: it is a span of [`Document::text`]
/// ([`Document::passage_text`]) under a section ([`Document::heading_path`]),
/// so a corpus holds each text once however it is cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// Index of this passage in [`Document::passages`].
    pub id: usize,
    /// Innermost enclosing section, if any.
    pub section: Option<usize>,
    /// The labelled field this passage belongs to (`PILOTES`, `PARTENAIRES`…),
    /// as a canonical upper-case label.
    pub field: Option<String>,
    /// Character offsets of the passage in [`Document::text`].
    pub start: usize,
    pub end: usize,
    /// Byte offsets of the same span, for slicing.
    pub byte_start: usize,
    pub byte_end: usize,
}

impl Document {
    /// The 1-based page where the character at `offset` lies, for paged documents.
    pub fn page_of(&self, offset: usize) -> Option<u32> {
        page_of(&self.pages, offset)
    }

    /// The text of one of this document's passages (empty if its span is not
    /// a span of the text).
    pub fn passage_text(&self, passage: &Passage) -> &str {
        self.text
            .get(passage.byte_start..passage.byte_end)
            .unwrap_or("")
    }

    /// Headings from the outermost section down to `section` (empty for none).
    pub fn heading_path(&self, section: Option<usize>) -> Vec<&str> {
        let mut path = Vec::new();
        let mut current = section.and_then(|s| self.sections.get(s));
        while let Some(s) = current {
            path.push(s.heading.as_str());
            // Parents come before their children, so the walk ends.
            current = s
                .parent
                .filter(|&p| p < s.id)
                .and_then(|p| self.sections.get(p));
        }
        path.reverse();
        path
    }

    /// [`Document::heading_path`] as owned strings, as the JSON shapes carry it.
    pub fn heading_path_owned(&self, section: Option<usize>) -> Vec<String> {
        self.heading_path(section)
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

/// The kind of a territory in the official geographic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum TerritoryKind {
    Commune,
    Epci,
    Departement,
    Region,
}

impl TerritoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TerritoryKind::Commune => "commune",
            TerritoryKind::Epci => "epci",
            TerritoryKind::Departement => "departement",
            TerritoryKind::Region => "region",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            TerritoryKind::Commune => "commune",
            TerritoryKind::Epci => "EPCI",
            TerritoryKind::Departement => "département",
            TerritoryKind::Region => "région",
        }
    }
}

/// A territory with its official code (INSEE for communes, SIREN for EPCI).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Territory {
    pub name: String,
    pub code: String,
    pub kind: TerritoryKind,
}

/// A document as a reader cites it: its title, the territory it is about and its year, with
/// its id for links. Every answer that points at a document carries one, flattened into the
/// keys a search hit already has (`doc_id`, `doc_title`, `territory`, `year`), so a person
/// reads a title where a document is cited and a program still finds its `doc_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DocumentRef {
    pub doc_id: String,
    /// Its title; empty when it has none (its label shows the id then).
    pub doc_title: String,
    /// The territory it is about, when known.
    pub territory: Option<Territory>,
    /// The year of the plan, when the text says it.
    pub year: Option<u16>,
    /// The format of its file, which says what its pages are (a PDF's pages, a deck's
    /// slides); absent for a document the index does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SourceFormat>,
}

impl DocumentRef {
    /// A document the index does not know: only its id, which its label shows.
    pub fn unknown(doc_id: &str) -> DocumentRef {
        DocumentRef {
            doc_id: doc_id.to_string(),
            ..DocumentRef::default()
        }
    }

    /// What a person reads: the title, else the id.
    pub fn title_or_id(&self) -> &str {
        if self.doc_title.trim().is_empty() {
            &self.doc_id
        } else {
            &self.doc_title
        }
    }
}

impl From<&Document> for DocumentRef {
    fn from(document: &Document) -> DocumentRef {
        DocumentRef {
            doc_id: document.doc_id.clone(),
            doc_title: document.title.clone(),
            territory: document.territory.clone(),
            year: document.year,
            format: Some(document.source.format),
        }
    }
}

/// « Title (Territory, 2022) »: the title (else the id), then the territory and the year that
/// are known, in brackets.
impl std::fmt::Display for DocumentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title_or_id())?;
        let territory = self.territory.as_ref().map(|t| t.name.as_str());
        match (territory, self.year) {
            (Some(name), Some(year)) => write!(f, " ({name}, {year})"),
            (Some(name), None) => write!(f, " ({name})"),
            (None, Some(year)) => write!(f, " ({year})"),
            (None, None) => Ok(()),
        }
    }
}

/// The 1-based page of the character at `offset`, given the offsets where pages
/// start (sorted); `None` when there are no pages.
pub fn page_of(page_starts: &[u32], offset: usize) -> Option<u32> {
    if page_starts.is_empty() {
        return None;
    }
    let after = page_starts.partition_point(|&start| start as usize <= offset);
    Some(after.max(1) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cornebarrieu() -> Territory {
        Territory {
            name: "Cornebarrieu".into(),
            code: "31150".into(),
            kind: TerritoryKind::Commune,
        }
    }

    #[test]
    fn a_cited_document_reads_as_title_territory_and_year() {
        let document = Document {
            doc_id: "001_f1af12ce620947bd".into(),
            title: "Convention Territoriale Globale — Plan d'action".into(),
            year: Some(2022),
            territory: Some(cornebarrieu()),
            ..Document::default()
        };
        let cited = DocumentRef::from(&document);
        assert_eq!(cited.doc_id, "001_f1af12ce620947bd");
        assert_eq!(
            cited.to_string(),
            "Convention Territoriale Globale — Plan d'action (Cornebarrieu, 2022)"
        );
    }

    #[test]
    fn a_label_says_only_what_is_known() {
        let mut cited = DocumentRef {
            doc_id: "plans/ctg".into(),
            doc_title: "CTG".into(),
            territory: Some(cornebarrieu()),
            year: None,
            format: None,
        };
        assert_eq!(cited.to_string(), "CTG (Cornebarrieu)");
        cited.territory = None;
        cited.year = Some(2019);
        assert_eq!(cited.to_string(), "CTG (2019)");
        cited.year = None;
        assert_eq!(cited.to_string(), "CTG");
        // No title: the id stands in for it, never an empty label.
        cited.doc_title = "  ".into();
        assert_eq!(cited.to_string(), "plans/ctg");
        assert_eq!(DocumentRef::unknown("x/y").to_string(), "x/y");
    }

    #[test]
    fn a_cited_document_keeps_the_keys_of_a_search_hit() {
        let cited = DocumentRef {
            doc_id: "ctg".into(),
            doc_title: "CTG".into(),
            territory: Some(cornebarrieu()),
            year: Some(2022),
            format: Some(SourceFormat::Pptx),
        };
        let json = serde_json::to_value(&cited).unwrap();
        // What its pages are: a deck's are slides.
        assert_eq!(json["format"], "pptx");
        assert_eq!(json["doc_id"], "ctg");
        assert_eq!(json["doc_title"], "CTG");
        assert_eq!(json["territory"]["name"], "Cornebarrieu");
        assert_eq!(json["year"], 2022);
        let back: DocumentRef = serde_json::from_value(json).unwrap();
        assert_eq!(back, cited);
    }
}
