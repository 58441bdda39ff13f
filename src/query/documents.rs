//! Documents: the corpus list, one document with its outline, passages, entities and
//! sigles, and its original file.
//!
//! A national plan has tens of thousands of passages, so a document is shown a
//! page of passages at a time; its original file is only ever read from the path
//! the index recorded, never from one the caller gives.

use std::collections::BTreeMap;

use serde::Serialize;

use super::requests::check_name;
use super::{DocumentRequest, Engine};
use crate::extract::entities::EntityKind;
use crate::extract::Role;
use crate::model::{Section, SourceFormat, Territory};
use crate::store::DocumentInfo;
use crate::{Error, Result};

/// One line of `maillage documents`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DocumentSummary {
    pub doc_id: String,
    pub title: String,
    pub kind: Option<String>,
    pub kind_label: Option<String>,
    pub year: Option<u16>,
    pub territory: Option<Territory>,
    /// Number of sections in the outline.
    pub sections: usize,
    /// Number of passages indexed.
    pub passages: usize,
    /// The file it was read from, relative to the corpus folder.
    pub file: String,
    /// Its format (`pdf`, `docx`, `odt`, `html`, `markdown`, `text`).
    pub format: SourceFormat,
    /// Number of pages, for paged formats (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
}

/// A document with its outline, passages and what was found in it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub summary: DocumentSummary,
    pub outline: Vec<Section>,
    /// A page of the passages, in document order (see [`Engine::document_page`]).
    pub passages: Vec<PassageOut>,
    /// How many passages the document has in all, and where this page starts.
    pub passages_total: usize,
    pub passages_offset: usize,
    pub entities: Vec<EntityInDocument>,
    pub acronyms: Vec<AcronymInDocument>,
}

/// One passage of a document, as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PassageOut {
    /// Index of the passage in its document.
    pub id: usize,
    /// Index of its innermost section in the outline.
    pub section: Option<usize>,
    /// Headings from the outermost section down.
    pub heading_path: Vec<String>,
    pub field: Option<String>,
    pub text: String,
    /// Character offsets in the document's text.
    pub start: usize,
    pub end: usize,
    /// The 1-based page where the passage starts, for paged documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// An entity as named in one document.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EntityInDocument {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    pub roles: Vec<Role>,
    pub mentions: usize,
}

/// A sigle as used in one document, with the definition that applies.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AcronymInDocument {
    pub abbr: String,
    pub definition: Option<String>,
    /// True when this document itself gives the definition.
    pub defined_here: bool,
}

/// A document's original file, as read from the corpus folder.
#[derive(Debug, Clone)]
pub struct Original {
    pub bytes: Vec<u8>,
    pub format: SourceFormat,
    /// The file's name, without its folders.
    pub file_name: String,
}

impl Engine {
    /// The original file of a document of this index, read from the corpus folder
    /// the index was built from. Only a document's own file is ever read: the
    /// path comes from the index, never from the caller, and must still be a
    /// regular file inside the corpus folder.
    pub fn original(&self, doc_id: &str) -> Result<Original> {
        let index = self.index_of(doc_id)?;
        let source = &self.knowledge.documents[index].source;
        let gone = |why: &str| Error::NotFound {
            what: "fichier d'origine",
            id: format!("{doc_id} ({why})"),
            suggestions: Vec::new(),
        };
        if source.file.is_empty() {
            return Err(gone("fichier inconnu"));
        }
        let root = std::fs::canonicalize(&self.meta.corpus)
            .map_err(|_| gone("dossier du corpus absent"))?;
        let path = root.join(&source.file);
        let resolved = std::fs::canonicalize(&path).map_err(|_| gone("fichier supprimé"))?;
        if !resolved.starts_with(&root) {
            return Err(gone("hors du corpus"));
        }
        let limit = crate::ingest::ReadOptions::default()
            .max_file_bytes
            .max(source.bytes);
        let bytes =
            crate::ingest::read_original(&resolved, limit).map_err(|_| gone("illisible"))?;
        Ok(Original {
            bytes,
            format: source.format,
            file_name: source
                .file
                .rsplit('/')
                .next()
                .unwrap_or(&source.file)
                .to_string(),
        })
    }

    pub(super) fn summary(&self, document: &DocumentInfo) -> DocumentSummary {
        DocumentSummary {
            doc_id: document.doc_id.clone(),
            title: document.title.clone(),
            kind: document.kind.map(|k| k.as_str().to_string()),
            kind_label: document.kind.map(|k| k.label().to_string()),
            year: document.year,
            territory: document.territory.clone(),
            sections: document.n_sections,
            passages: document.n_passages,
            file: document.source.file.clone(),
            format: document.source.format,
            pages: (!document.pages.is_empty()).then_some(document.pages.len()),
        }
    }

    /// Every document, in corpus order.
    pub fn documents(&self) -> Vec<DocumentSummary> {
        self.knowledge
            .documents
            .iter()
            .map(|d| self.summary(d))
            .collect()
    }

    fn index_of(&self, doc_id: &str) -> Result<usize> {
        check_name("doc_id", doc_id)?;
        self.doc_index(doc_id).ok_or_else(|| Error::NotFound {
            what: "document",
            id: doc_id.to_string(),
            suggestions: Vec::new(),
        })
    }

    /// One document with its outline, entities, sigles and every passage.
    pub fn document(&self, doc_id: &str) -> Result<DocumentDetail> {
        self.document_page(&DocumentRequest {
            doc_id: doc_id.to_string(),
            all: true,
            ..DocumentRequest::default()
        })
    }

    /// One document with its outline, entities, sigles, and `limit` of its
    /// passages from `offset`: a national plan has tens of thousands, an answer
    /// must stay small.
    pub fn document_page(&self, request: &DocumentRequest) -> Result<DocumentDetail> {
        let (offset, limit) = request.checked_page()?;
        let doc_id = request.doc_id.as_str();
        let index = self.index_of(doc_id)?;
        let document = &self.knowledge.documents[index];
        let mut entities: BTreeMap<&str, EntityInDocument> = BTreeMap::new();
        for entity in self.knowledge.catalog.entities() {
            for mention in entity.mentions.iter().filter(|m| m.doc as usize == index) {
                let entry =
                    entities
                        .entry(entity.id.as_str())
                        .or_insert_with(|| EntityInDocument {
                            id: entity.id.clone(),
                            name: entity.name.clone(),
                            kind: entity.kind,
                            roles: Vec::new(),
                            mentions: 0,
                        });
                entry.mentions += 1;
                if !entry.roles.contains(&mention.role) {
                    entry.roles.push(mention.role);
                }
            }
        }
        let mut entities: Vec<EntityInDocument> = entities.into_values().collect();
        for e in &mut entities {
            e.roles.sort();
        }
        entities.sort_by(|a, b| {
            b.mentions
                .cmp(&a.mentions)
                .then_with(|| a.name.cmp(&b.name))
        });
        let passages_total = document.n_passages;
        let passages = self
            .store
            .passages(index)
            .skip(offset)
            .take(limit)
            .map(|p| PassageOut {
                id: p.id,
                section: p.section,
                heading_path: self
                    .store
                    .heading_path(index, p.section)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                field: p.field.map(str::to_string),
                text: p.text.to_string(),
                start: p.start,
                end: p.end,
                page: document.page_of(p.start),
            })
            .collect();
        let acronyms = self
            .knowledge
            .glossary
            .entries()
            .iter()
            .filter(|e| e.docs.iter().any(|d| d == doc_id))
            .map(|e| {
                let own = e.definitions.iter().find(|d| d.doc_id == doc_id);
                AcronymInDocument {
                    abbr: e.abbr.clone(),
                    definition: own.or(e.definitions.first()).map(|d| d.text.clone()),
                    defined_here: own.is_some(),
                }
            })
            .collect();
        Ok(DocumentDetail {
            summary: self.summary(document),
            outline: self.store.sections(index),
            passages,
            passages_total,
            passages_offset: offset,
            entities,
            acronyms,
        })
    }
}
