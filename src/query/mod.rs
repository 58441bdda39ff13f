//! The use cases: search, documents, glossary, entities, territories, graph.
//!
//! [`Engine`] is the one door the CLI and the HTTP server go through, and the
//! types it returns are the JSON contract of both (`--json` and `/api/…`
//! print the same shapes). Everything a user can type is validated here, so
//! a bad value becomes a [`Error`] a person can read, never a panic.

mod budget;
mod disjunction;
pub mod parse;
pub(crate) mod rank;
mod requests;
mod search;
mod typos;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::{IndexReader, ReloadPolicy};

use crate::extract::acronyms::GlossaryEntry;
use crate::extract::entities::{Entity, EntityKind};
use crate::extract::territory::{self, Cog};
use crate::extract::{Provenance, Role};
use crate::graph::{DocumentSource, KnowledgeGraph, Subgraph, TerritoryRoles};
use crate::index::{self, Fields};
use crate::model::{Section, SourceFormat, Territory};
use crate::store::{self, DocStore, DocumentInfo, Knowledge, Meta};
use crate::{Error, Result};

pub use budget::{Budget, Spent, DEFAULT_MAX_SCORED, DEFAULT_SEARCH_TIME};
use requests::check_name;
pub use requests::{
    DocumentRequest, EntitiesRequest, GraphRequest, TerritoriesRequest, DEFAULT_DEPTH,
    DEFAULT_DOCUMENT_PASSAGES, DEFAULT_ENTITY_LIMIT, DEFAULT_TERRITORIES_PAGE,
    MAX_DOCUMENT_PASSAGES,
};
pub use search::{FacetCount, Facets, Hit, SearchRequest, SearchResponse, MAX_TERRITORY_FACETS};
pub use typos::Correction;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most hits one page may hold.
pub const MAX_LIMIT: usize = 100;
/// Deepest page reachable.
pub const MAX_OFFSET: usize = 10_000;
/// Territories an entity's page shows with their evidence (the rest are counted).
pub const ENTITY_TERRITORIES: usize = 50;
/// Most territories one page of `territories` may hold.
pub const MAX_TERRITORIES_PAGE: usize = 1000;
/// Names offered when a name matches nothing.
pub const SUGGESTIONS: usize = 5;
/// Largest neighbourhood depth for the graph view.
pub const MAX_DEPTH: usize = 3;
/// Most nodes a graph view returns.
pub const MAX_GRAPH_NODES: usize = 300;

/// An opened index generation: the search index, the knowledge store and
/// the graph, all read-only.
pub struct Engine {
    reader: IndexReader,
    fields: Fields,
    knowledge: Knowledge,
    store: DocStore,
    /// Which document each passage of each segment belongs to.
    runs: std::sync::Arc<index::SegmentRuns>,
    facet_index: FacetIndex,
    graph: KnowledgeGraph,
    meta: Meta,
    generation_dir: PathBuf,
    doc_by_id: HashMap<String, usize>,
}

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

/// One entry of the glossary (`maillage acronyms`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AcronymEntry {
    pub abbr: String,
    pub definitions: Vec<AcronymDefinitionOut>,
    /// Documents that use or define the sigle.
    pub docs: Vec<String>,
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
    /// The first document that gives it.
    pub doc_id: String,
    pub territory: Option<Territory>,
    /// How many times it is given.
    pub count: usize,
    pub sources: Vec<SourceOut>,
}

/// Where a definition is given: its provenance, and its page in a paged document.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SourceOut {
    #[serde(flatten)]
    pub provenance: Provenance,
    /// The 1-based page, for paged documents (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// One line of an entity list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EntitySummary {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    pub mentions: usize,
    pub documents: usize,
}

/// Everything known about one entity (`maillage entity NAME`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EntityDetail {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    pub place: Option<Territory>,
    /// The entity this one is a branch of (`Mission Locale de Blagnac` → `Mission Locale`).
    pub branch_of: Option<EntityRef>,
    /// Its own branches.
    pub branches: Vec<EntityRef>,
    /// Definitions of its sigles found in the corpus.
    pub definitions: Vec<AcronymDefinitionOut>,
    /// Per territory, the roles it plays and where: the first
    /// [`ENTITY_TERRITORIES`], strongest roles first.
    pub territories: Vec<TerritoryRoles>,
    /// Territories in all (`territories` for the rest).
    pub territories_total: usize,
    pub mentions: usize,
    pub documents: Vec<String>,
}

/// The territories of an entity, a page at a time.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TerritoryList {
    pub entity: EntityRef,
    /// The role asked for (any when absent).
    pub role: Option<Role>,
    /// Territories in all.
    pub total: usize,
    pub offset: usize,
    pub territories: Vec<TerritoryRoles>,
}

/// A link to an entity.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EntityRef {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
}

/// What `/health` and `maillage info` say about the open index.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IndexInfo {
    pub generation: PathBuf,
    pub corpus: PathBuf,
    pub built_at: u64,
    pub documents: usize,
    pub passages: usize,
    pub acronyms: usize,
    pub entities: usize,
    pub graph_nodes: usize,
    pub graph_edges: usize,
}

/// What the corpus gave: documents read by format, and files left out with why
/// (`GET /api/status`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CorpusStatus {
    pub documents: usize,
    pub passages: usize,
    /// Seconds since the Unix epoch.
    pub built_at: u64,
    /// Documents read, per format, every format listed.
    pub formats: Vec<FormatCount>,
    /// Files left out, in path order.
    pub skipped: Vec<crate::ingest::Skipped>,
    /// The formats maillage reads, as file extensions.
    pub readable: Vec<&'static str>,
}

/// How many documents of one format were read.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FormatCount {
    pub format: SourceFormat,
    pub label: &'static str,
    pub documents: usize,
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
    /// Opens the current generation of the index in `index_dir`.
    pub fn open(index_dir: &Path) -> Result<Engine> {
        let generation = store::current(index_dir)?;
        generation.verify()?;
        let meta = generation.read_meta()?;
        let (index, fields) = index::open(&generation.tantivy_dir())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let knowledge = generation.read_knowledge()?;
        let store = generation.open_documents()?;
        if store.len() != knowledge.documents.len() {
            return Err(Error::Store {
                path: generation.documents_path(),
                message: "les documents et la base de connaissances ne concordent pas : reconstruisez avec `maillage index`".into(),
            });
        }
        let graph = KnowledgeGraph::load(&generation.graph_dir())?;
        let doc_by_id = knowledge
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.doc_id.clone(), i))
            .collect();
        let runs = std::sync::Arc::new(index::segment_runs(&reader.searcher())?);
        let facet_index = FacetIndex::new(&knowledge.documents);
        Ok(Engine {
            facet_index,
            reader,
            fields,
            knowledge,
            store,
            runs,
            graph,
            meta,
            generation_dir: generation.dir,
            doc_by_id,
        })
    }

    /// The texts and outlines of the documents, in corpus order.
    pub fn store(&self) -> &DocStore {
        &self.store
    }

    /// The position of a document in the corpus (and in [`Engine::store`]).
    pub fn doc_index(&self, doc_id: &str) -> Option<usize> {
        self.doc_by_id.get(doc_id).copied()
    }

    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// The documents as the graph reads them.
    fn corpus(&self) -> Corpus<'_> {
        Corpus {
            documents: &self.knowledge.documents,
            store: &self.store,
        }
    }

    pub fn graph(&self) -> &KnowledgeGraph {
        &self.graph
    }

    pub fn info(&self) -> IndexInfo {
        IndexInfo {
            generation: self.generation_dir.clone(),
            corpus: self.meta.corpus.clone(),
            built_at: self.meta.built_at,
            documents: self.knowledge.documents.len(),
            passages: self.meta.n_passages,
            acronyms: self.knowledge.glossary.entries().len(),
            entities: self.knowledge.catalog.entities().len(),
            graph_nodes: self.graph.n_nodes(),
            graph_edges: self.graph.n_edges(),
        }
    }

    /// Documents read by format and files left out of the served generation.
    pub fn status(&self) -> CorpusStatus {
        let formats = SourceFormat::ALL
            .iter()
            .map(|&format| FormatCount {
                format,
                label: format.label(),
                documents: self
                    .knowledge
                    .documents
                    .iter()
                    .filter(|d| d.source.format == format)
                    .count(),
            })
            .collect();
        CorpusStatus {
            documents: self.knowledge.documents.len(),
            passages: self.meta.n_passages,
            built_at: self.meta.built_at,
            formats,
            skipped: self.knowledge.skipped.clone(),
            readable: vec!["pdf", "docx", "odt", "txt", "md", "html", "htm"],
        }
    }

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

    fn summary(&self, document: &DocumentInfo) -> DocumentSummary {
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

    fn doc_territory(&self, doc_id: &str) -> Option<Territory> {
        self.doc_by_id
            .get(doc_id)
            .and_then(|&i| self.knowledge.documents[i].territory.clone())
    }

    fn acronym_entry(&self, entry: &GlossaryEntry) -> AcronymEntry {
        AcronymEntry {
            abbr: entry.abbr.clone(),
            definitions: entry
                .definitions
                .iter()
                .map(|d| AcronymDefinitionOut {
                    text: d.text.clone(),
                    doc_id: d.doc_id.clone(),
                    territory: self.doc_territory(&d.doc_id),
                    count: d.count,
                    sources: d
                        .sources
                        .iter()
                        .map(|p| SourceOut {
                            page: self
                                .doc_by_id
                                .get(&p.doc_id)
                                .and_then(|&i| self.knowledge.documents[i].page_of(p.start)),
                            provenance: p.clone(),
                        })
                        .collect(),
                })
                .collect(),
            docs: entry.docs.clone(),
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

    fn entity_summary(entity: &Entity) -> EntitySummary {
        let mut docs: Vec<u32> = entity.mentions.iter().map(|m| m.doc).collect();
        docs.sort_unstable();
        docs.dedup();
        EntitySummary {
            id: entity.id.clone(),
            name: entity.name.clone(),
            kind: entity.kind,
            aliases: entity.aliases.clone(),
            mentions: entity.mentions.len(),
            documents: docs.len(),
        }
    }

    /// Entities whose name or alias matches `q` (all when empty), most
    /// mentioned first.
    /// A page of the entities whose name or alias matches `q` (all when empty),
    /// best match then most mentioned first, with their total.
    pub fn entities(&self, request: &EntitiesRequest) -> Result<EntityList> {
        let requests::Entities {
            q,
            kind,
            limit,
            offset,
        } = request.checked()?;
        let found: Vec<&Entity> = if q.trim().is_empty() {
            let mut all: Vec<&Entity> = self
                .knowledge
                .catalog
                .entities()
                .iter()
                .filter(|e| kind.is_none_or(|k| e.kind == k))
                .collect();
            all.sort_by(|a, b| {
                b.mentions
                    .len()
                    .cmp(&a.mentions.len())
                    .then_with(|| a.name.cmp(&b.name))
            });
            all
        } else {
            self.knowledge.catalog.search(&q, kind, usize::MAX)
        };
        Ok(EntityList {
            total: found.len(),
            offset,
            limit,
            entities: found
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(Self::entity_summary)
                .collect(),
        })
    }

    fn find_entity(&self, name_or_id: &str) -> Result<&Entity> {
        check_name("entity", name_or_id)?;
        let catalog = &self.knowledge.catalog;
        catalog
            .get(name_or_id)
            .or_else(|| catalog.lookup(name_or_id))
            .ok_or_else(|| {
                // Names that contain the one typed, else names spelled close to it.
                let mut near = catalog.search(name_or_id, None, SUGGESTIONS);
                if near.is_empty() {
                    near = catalog.similar(name_or_id, SUGGESTIONS);
                }
                Error::NotFound {
                    what: "entité",
                    id: name_or_id.to_string(),
                    suggestions: near.into_iter().map(|e| e.name.clone()).collect(),
                }
            })
    }

    fn entity_ref(&self, id: &str) -> Option<EntityRef> {
        self.knowledge.catalog.get(id).map(|e| EntityRef {
            id: e.id.clone(),
            name: e.name.clone(),
            kind: e.kind,
        })
    }

    /// One entity, by id or by any of its names.
    pub fn entity(&self, name_or_id: &str) -> Result<EntityDetail> {
        let entity = self.find_entity(name_or_id)?;
        let glossary = &self.knowledge.glossary;
        let mut definitions = Vec::new();
        let mut seen_abbr = Vec::new();
        for alias in std::iter::once(&entity.name).chain(entity.aliases.iter()) {
            if let Some(entry) = glossary.get(alias) {
                if !seen_abbr.contains(&entry.abbr) {
                    seen_abbr.push(entry.abbr.clone());
                    definitions.extend(self.acronym_entry(entry).definitions);
                }
            }
        }
        let branches = self
            .knowledge
            .catalog
            .with_branches(&entity.id)
            .into_iter()
            .filter(|b| b.id != entity.id)
            .map(|b| EntityRef {
                id: b.id.clone(),
                name: b.name.clone(),
                kind: b.kind,
            })
            .collect();
        let mut indices: Vec<u32> = entity.mentions.iter().map(|m| m.doc).collect();
        indices.sort_unstable();
        indices.dedup();
        let mut documents: Vec<String> = indices
            .into_iter()
            .filter_map(|i| self.knowledge.documents.get(i as usize))
            .map(|d| d.doc_id.clone())
            .collect();
        documents.sort();
        let page =
            self.graph
                .territories_of(&self.corpus(), &entity.id, None, 0..ENTITY_TERRITORIES);
        let (territories, territories_total) = (page.territories, page.total);
        Ok(EntityDetail {
            id: entity.id.clone(),
            name: entity.name.clone(),
            kind: entity.kind,
            aliases: entity.aliases.clone(),
            place: entity.place.clone(),
            branch_of: entity
                .branch_of
                .as_deref()
                .and_then(|id| self.entity_ref(id)),
            branches,
            definitions,
            territories,
            territories_total,
            mentions: entity.mentions.len(),
            documents,
        })
    }

    /// The territories whose documents name `entity` (any alias, any
    /// branch) in `role` (any role when `None`), strongest first: `limit`
    /// of them from `offset` (all when `None`), and how many in all.
    pub fn territories(&self, request: &TerritoriesRequest) -> Result<TerritoryList> {
        let requests::Territories {
            role,
            offset,
            limit,
        } = request.checked()?;
        let entity = self.find_entity(&request.entity)?;
        let end = limit.map_or(usize::MAX, |l| offset.saturating_add(l));
        let page = self
            .graph
            .territories_of(&self.corpus(), &entity.id, role, offset..end);
        Ok(TerritoryList {
            entity: EntityRef {
                id: entity.id.clone(),
                name: entity.name.clone(),
                kind: entity.kind,
            },
            role,
            total: page.total,
            offset,
            territories: page.territories,
        })
    }

    /// Nodes and edges within `depth` hops of an entity.
    pub fn neighbourhood(&self, request: &GraphRequest) -> Result<Subgraph> {
        let depth = request.checked_depth()?;
        let entity = self.find_entity(&request.entity)?;
        Ok(self
            .graph
            .neighbourhood(&self.corpus(), &entity.id, depth, MAX_GRAPH_NODES))
    }

    /// Resolves a territory filter given as a name or an official code.
    /// The documents a territory filter keeps: those whose territory lies inside
    /// the one named (Occitanie keeps the plans of its départements, EPCI and
    /// communes) or contains it (Alès keeps the plan of its agglomération). A bare
    /// code that is both a département and a région (`76`) is read the way that
    /// keeps plans of this index, the région when both or neither do.
    pub fn territory_filter(&self, name_or_code: &str) -> Result<TerritoryFilter> {
        let code = name_or_code.trim();
        let cog = Cog::get();
        let mut readings: Vec<Territory> = Vec::new();
        if (1..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric()) {
            for kind in ["region", "departement"] {
                if let Some(t) = cog.resolve(&format!("{kind}:{code}")) {
                    readings.push(t);
                }
            }
        }
        if readings.is_empty() {
            readings.push(self.resolve_territory(name_or_code)?);
        }
        let territories = &self.facet_index.territories;
        let mut best: Option<(usize, Territory, Vec<bool>)> = None;
        for reading in readings {
            // Inside the reading: its key is among the document territory's keys;
            // containing it: the document territory's key is among the reading's.
            let key = territory::key_of(&reading);
            let around = territory::codes_containing(&reading, cog);
            let related: Vec<bool> = territories
                .iter()
                .zip(&self.facet_index.keys)
                .map(|(t, keys)| keys.contains(&key) || around.contains(&territory::key_of(t)))
                .collect();
            let n_documents = self
                .facet_index
                .territory_of
                .iter()
                .filter(|&&slot| related.get(slot as usize).copied().unwrap_or(false))
                .count();
            if best.as_ref().is_none_or(|(n, ..)| n_documents > *n) {
                best = Some((n_documents, reading, related));
            }
        }
        let Some((_, territory, related)) = best else {
            return Err(self.unknown_territory(code));
        };
        let documents = self
            .facet_index
            .territory_of
            .iter()
            .map(|&slot| related.get(slot as usize).copied().unwrap_or(false))
            .collect();
        let included = territories
            .iter()
            .zip(&related)
            .filter(|(_, &r)| r)
            .map(|(t, _)| t.clone())
            .collect();
        Ok(TerritoryFilter {
            territory,
            documents,
            included,
        })
    }

    pub fn resolve_territory(&self, name_or_code: &str) -> Result<Territory> {
        check_name("territory", name_or_code)?;
        let wanted = fold(name_or_code);
        // A territory some document is about wins: it is what the facets show.
        let index = &self.facet_index;
        for (t, folded) in index.territories.iter().zip(&index.folded_names) {
            if t.code == name_or_code.trim() || *folded == wanted {
                return Ok(t.clone());
            }
        }
        let cog = Cog::get();
        let homonyms = cog.homonyms(name_or_code);
        if !homonyms.is_empty() {
            return Err(Error::AmbiguousTerritory {
                name: name_or_code.trim().to_string(),
                choices: homonyms
                    .into_iter()
                    .map(|mut t| {
                        if let Some(d) = cog.departement_of(&t) {
                            t.name = format!("{} ({})", t.name, d.name);
                        }
                        t
                    })
                    .collect(),
            });
        }
        cog.resolve(name_or_code)
            .ok_or_else(|| self.unknown_territory(name_or_code))
    }

    /// The error for a territory name that resolves to nothing, with near spellings:
    /// the documents' own territories first, then the official code's.
    fn unknown_territory(&self, name: &str) -> Error {
        let wanted = fold(name);
        let index = &self.facet_index;
        let mut suggestions: Vec<Territory> = index
            .territories
            .iter()
            .zip(&index.folded_names)
            .filter(|(_, folded)| {
                strsim::levenshtein(folded, &wanted) <= (wanted.chars().count() / 4).max(1)
            })
            .map(|(t, _)| t.clone())
            .collect();
        for t in Cog::get().similar(name, SUGGESTIONS) {
            if suggestions.len() < SUGGESTIONS && !suggestions.contains(&t) {
                suggestions.push(t);
            }
        }
        Error::UnknownTerritory {
            name: name.trim().to_string(),
            suggestions,
        }
    }
}

/// A page of entities and how many there are in all.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EntityList {
    /// Entities matching, in all.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub entities: Vec<EntitySummary>,
}

/// Most entities in one page, and how many by default.
pub const MAX_ENTITY_LIMIT: usize = 1000;

/// What a territory filter keeps.
#[derive(Debug, Clone)]
pub struct TerritoryFilter {
    /// The territory named.
    pub territory: Territory,
    /// Per document, in corpus order: kept.
    pub documents: Vec<bool>,
    /// The documents' own territories the filter keeps.
    pub included: Vec<Territory>,
}

/// Each document's territory and kind as small numbers, so facets are counted in arrays.
struct FacetIndex {
    /// The distinct territories documents are about.
    territories: Vec<Territory>,
    /// Per territory, its keys and those of the territories containing it.
    keys: Vec<Vec<String>>,
    /// Per territory, its folded name.
    folded_names: Vec<String>,
    /// Per document, its territory's slot in `territories` (`u32::MAX`: none).
    territory_of: Vec<u32>,
    /// Per document, its kind's index in [`crate::DocKind::ALL`] (`u8::MAX`: none).
    kind_of: Vec<u8>,
}

impl FacetIndex {
    fn new(documents: &[DocumentInfo]) -> FacetIndex {
        let mut territories: Vec<Territory> = Vec::new();
        let mut keys = Vec::new();
        let mut slot_of: HashMap<(&str, crate::TerritoryKind), u32> = HashMap::new();
        let mut territory_of = Vec::with_capacity(documents.len());
        for d in documents {
            let slot = match &d.territory {
                Some(t) => *slot_of.entry((t.code.as_str(), t.kind)).or_insert_with(|| {
                    territories.push(t.clone());
                    keys.push(d.territory_keys.clone());
                    (territories.len() - 1) as u32
                }),
                None => u32::MAX,
            };
            territory_of.push(slot);
        }
        let kind_of = documents
            .iter()
            .map(|d| {
                d.kind
                    .and_then(|k| crate::DocKind::ALL.iter().position(|x| *x == k))
                    .map_or(u8::MAX, |i| i as u8)
            })
            .collect();
        let folded_names = territories.iter().map(|t| fold(&t.name)).collect();
        FacetIndex {
            territories,
            keys,
            folded_names,
            territory_of,
            kind_of,
        }
    }
}

/// The documents of an engine as the graph reads them: ids from the knowledge, texts and
/// outlines from the store.
struct Corpus<'a> {
    documents: &'a [DocumentInfo],
    store: &'a DocStore,
}

impl DocumentSource for Corpus<'_> {
    fn doc_id(&self, doc: usize) -> Option<&str> {
        self.documents.get(doc).map(|d| d.doc_id.as_str())
    }

    fn section(&self, doc: usize, section: usize) -> Option<(&str, Option<usize>)> {
        self.store.heading(doc, section)
    }

    fn passage_text(&self, doc: usize, passage: usize) -> Option<(&str, usize)> {
        self.store.passage(doc, passage).map(|p| (p.text, p.start))
    }

    fn text(&self, doc: usize) -> Option<&str> {
        self.store.text(doc)
    }

    fn page_of(&self, doc: usize, offset: usize) -> Option<u32> {
        self.documents.get(doc).and_then(|d| d.page_of(offset))
    }

    fn text_around(
        &self,
        doc: usize,
        start: usize,
        end: usize,
        context: usize,
    ) -> Option<(&str, usize)> {
        self.store.text_around(doc, start, end, context)
    }
}

/// Lower case, no accents, letters and digits only: for comparing names.
fn fold(s: &str) -> String {
    crate::analysis::folding::fold(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}
