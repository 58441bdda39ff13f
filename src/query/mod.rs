//! The use cases: search, documents, glossary, entities, territories, graph.
//!
//! [`Engine`] is the one door the CLI and the HTTP server go through, and the
//! types it returns are the JSON contract of both (`--json` and `/api/…`
//! print the same shapes). Everything a user can type is validated here, so
//! a bad value becomes a [`Error`] a person can read, never a panic.
//!
//! Each use case has its own file, with its JSON types and its own
//! `impl Engine` block; this one opens the index, holds the limits they
//! share and re-exports everything under `maillage::query`.

mod actions;
mod bonus;
mod budget;
mod disjunction;
mod documents;
mod entities;
mod glossary;
mod graph;
mod in_flight;
pub mod parse;
pub(crate) mod rank;
mod repeated;
mod requests;
mod search;
mod territories;
mod typos;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::{IndexReader, ReloadPolicy};

use crate::graph::KnowledgeGraph;
use crate::index::{self, Fields};
use crate::model::{DocumentRef, SourceFormat};
use crate::store::{self, DocStore, DocumentInfo, Knowledge, Meta};
use crate::{Error, Result};

pub use actions::{
    ActionDetail, ActionEntity, ActionField, ActionList, ActionSummary, ComparedEntity, Comparison,
    SharedEntity, SimilarAction, SimilarActions,
};
pub use budget::{Budget, Spent, DEFAULT_MAX_SCORED, DEFAULT_SEARCH_TIME};
pub use documents::{
    AcronymInDocument, DocumentDetail, DocumentSummary, EntityInDocument, Original, PassageOut,
};
pub use entities::{EntityDetail, EntityList, EntityRef, EntitySummary};
pub use glossary::{AcronymDefinitionOut, AcronymEntry, SourceOut};
pub use graph::TerritoryList;
pub use requests::{
    ActionsRequest, DocumentRequest, EntitiesRequest, GraphRequest, SearchRequest,
    TerritoriesRequest, TerritoryRequest, DEFAULT_ACTIONS_PAGE, DEFAULT_DEPTH,
    DEFAULT_DOCUMENT_PASSAGES, DEFAULT_ENTITY_LIMIT, DEFAULT_SEARCH_LIMIT,
    DEFAULT_TERRITORIES_PAGE, MAX_ACTIONS_PAGE, MAX_DOCUMENT_PASSAGES,
};
pub use search::{FacetCount, Facets, Hit, SearchResponse, MAX_TERRITORY_FACETS};
use territories::FacetIndex;
pub use territories::{TerritoryDetail, TerritoryFilter};
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

/// Most entities in one page, and how many by default.
pub const MAX_ENTITY_LIMIT: usize = 1000;

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
    /// The knowledge graph, read on first use: a search never needs it, and at national
    /// scale reading it is most of opening an index. Its bytes were checked at open.
    graph: once_cell::sync::OnceCell<KnowledgeGraph>,
    meta: Meta,
    generation: store::Generation,
    doc_by_id: HashMap<String, usize>,
    /// The action sheets, found on first use.
    actions: std::sync::OnceLock<actions::table::ActionTable>,
    /// The most passages one term of the text is in ([`index::most_passages`]), from the
    /// generation's meta, else read on first use.
    most_passages: std::sync::OnceLock<u64>,
    /// The text's terms of every segment in one dictionary, walked for a misspelt word
    /// ([`index::term_dictionary`]); `None` for a generation written before it was.
    spellings: Option<tantivy_fst::Map<Vec<u8>>>,
    /// The searches running now (a lone one walks its segments on every core).
    in_flight: in_flight::InFlight,
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
        let spellings = generation.read_spellings()?;
        if store.len() != knowledge.documents.len() {
            return Err(Error::Store {
                path: generation.documents_path(),
                message: "les documents et la base de connaissances ne concordent pas : reconstruisez avec `maillage index`".into(),
            });
        }
        let doc_by_id = knowledge
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.doc_id.clone(), i))
            .collect();
        let runs = std::sync::Arc::new(index::segment_runs(&reader.searcher())?);
        let facet_index = FacetIndex::new(&knowledge.documents);
        let most_passages = meta
            .most_text_passages
            .map_or_else(std::sync::OnceLock::new, std::sync::OnceLock::from);
        Ok(Engine {
            facet_index,
            reader,
            fields,
            knowledge,
            store,
            runs,
            graph: once_cell::sync::OnceCell::new(),
            meta,
            generation,
            doc_by_id,
            actions: std::sync::OnceLock::new(),
            most_passages,
            spellings,
            in_flight: in_flight::InFlight::default(),
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

    /// How an answer cites a document: its id, title, territory and year, from the
    /// document summaries (the id alone for a document this index does not hold).
    pub fn cite(&self, doc_id: &str) -> DocumentRef {
        self.document_info(doc_id)
            .map_or_else(|| DocumentRef::unknown(doc_id), DocumentInfo::cited)
    }

    /// The summary of a document of this index.
    pub(crate) fn document_info(&self, doc_id: &str) -> Option<&DocumentInfo> {
        self.doc_index(doc_id)
            .and_then(|i| self.knowledge.documents.get(i))
    }

    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// The knowledge graph, read from the generation the first time it is asked for (two
    /// threads asking at once read it once). An error names the file and is given again at
    /// the next ask, which reads the file again.
    pub fn graph(&self) -> Result<&KnowledgeGraph> {
        self.graph
            .get_or_try_init(|| KnowledgeGraph::load(&self.generation.graph_dir()))
    }

    /// Whether the knowledge graph was read already.
    pub fn graph_is_loaded(&self) -> bool {
        self.graph.get().is_some()
    }

    pub fn info(&self) -> IndexInfo {
        IndexInfo {
            generation: self.generation.dir.clone(),
            corpus: self.meta.corpus.clone(),
            built_at: self.meta.built_at,
            documents: self.knowledge.documents.len(),
            passages: self.meta.n_passages,
            acronyms: self.knowledge.glossary.entries().len(),
            entities: self.knowledge.catalog.entities().len(),
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
}
