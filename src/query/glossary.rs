//! The glossary: sigles with their definitions, where each is given, and the entity
//! a sigle names.
//!
//! Definitions carry their provenance and page so a reader can check them in the
//! document that gives them.

use serde::Serialize;

use super::requests::check_name;
use super::{Engine, EntityRef};
use crate::extract::acronyms::GlossaryEntry;
use crate::extract::Provenance;
use crate::model::DocumentRef;
use crate::{Error, Result};

/// One entry of the glossary (`maillage acronyms`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AcronymEntry {
    pub abbr: String,
    pub definitions: Vec<AcronymDefinitionOut>,
    /// Documents that use or define the sigle, in id order.
    pub docs: Vec<DocumentRef>,
    /// Number of uses across the corpus.
    pub mentions: usize,
    /// The actor or dispositif this sigle names, when the catalog knows it:
    /// it gives a meaning (from the general gazetteer) even to a sigle no
    /// document defines.
    pub entity: Option<EntityRef>,
}

/// One definition of a sigle, with where it comes from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AcronymDefinitionOut {
    pub text: String,
    /// The first document that gives it (`doc_id`, `doc_title`, `territory`, `year`).
    #[serde(flatten)]
    pub document: DocumentRef,
    /// How many times it is given.
    pub count: usize,
    pub sources: Vec<SourceOut>,
}

/// Where a definition is given: the document, the span, and its page in a paged document.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SourceOut {
    /// The document that gives it (`doc_id`, `doc_title`, `territory`, `year`).
    #[serde(flatten)]
    pub document: DocumentRef,
    /// Index of the passage, when the definition falls inside one.
    pub passage: Option<usize>,
    /// Heading path of the enclosing section (outermost first).
    pub section: Vec<String>,
    /// Character offsets in the document's text.
    pub start: usize,
    pub end: usize,
    /// The 1-based page, for paged documents (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl Engine {
    fn source_out(&self, provenance: &Provenance) -> SourceOut {
        let page = self
            .document_info(&provenance.doc_id)
            .and_then(|d| d.page_of(provenance.start));
        SourceOut {
            document: self.cite(&provenance.doc_id),
            passage: provenance.passage,
            section: provenance.section.clone(),
            start: provenance.start,
            end: provenance.end,
            page,
        }
    }

    pub(super) fn acronym_entry(&self, entry: &GlossaryEntry) -> AcronymEntry {
        AcronymEntry {
            abbr: entry.abbr.clone(),
            definitions: entry
                .definitions
                .iter()
                .map(|d| AcronymDefinitionOut {
                    text: d.text.clone(),
                    document: self.cite(&d.doc_id),
                    count: d.count,
                    sources: d.sources.iter().map(|p| self.source_out(p)).collect(),
                })
                .collect(),
            docs: entry.docs.iter().map(|d| self.cite(d)).collect(),
            mentions: entry.mentions,
            entity: self.entity_named_by(&entry.abbr),
        }
    }

    /// The entity that has `abbr` itself as name or alias (not a fuzzy match).
    fn entity_named_by(&self, abbr: &str) -> Option<EntityRef> {
        let entity = self.knowledge.catalog.lookup(abbr)?;
        let same = |s: &String| s.eq_ignore_ascii_case(abbr);
        (same(&entity.name) || entity.aliases.iter().any(same)).then(|| EntityRef {
            id: entity.id.clone(),
            name: entity.name.clone(),
            kind: entity.kind,
        })
    }

    /// The glossary, A to Z.
    pub fn acronyms(&self) -> Vec<AcronymEntry> {
        self.knowledge
            .glossary
            .entries()
            .iter()
            .map(|e| self.acronym_entry(e))
            .collect()
    }

    /// One sigle (case- and dot-insensitive).
    pub fn acronym(&self, abbr: &str) -> Result<AcronymEntry> {
        check_name("abbr", abbr)?;
        self.knowledge
            .glossary
            .get(abbr)
            .map(|e| self.acronym_entry(e))
            .ok_or_else(|| Error::NotFound {
                what: "sigle",
                id: abbr.to_string(),
                suggestions: Vec::new(),
            })
    }
}
