//! The whole pipeline, from a corpus folder to a published index generation.
//!
//! Kept apart from the stages so each stage stays a pure function of its
//! input, and the order (ingest → structure → extract → index + graph) is
//! written down in exactly one place.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::extract::acronyms::Glossary;
use crate::extract::entities::Catalog;
use crate::extract::territory::{self, Cog};
use crate::graph::KnowledgeGraph;
use crate::ingest::{self, ReadOptions, Skipped};
use crate::model::Document;
use crate::store::{self, Meta};
use crate::{index, structure, Error, Result};

/// A stage of the build, reported to a progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Structuring,
    Extracting,
    Indexing,
    Publishing,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "lecture des fichiers",
            Stage::Structuring => "structure des documents",
            Stage::Extracting => "extraction des entités",
            Stage::Indexing => "indexation des passages",
            Stage::Publishing => "publication",
        }
    }
}

/// What a build did.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// `(doc_id, bytes)` of each file read.
    pub read: Vec<(String, u64)>,
    pub skipped: Vec<Skipped>,
    pub n_bytes: u64,
    pub n_documents: usize,
    pub n_sections: usize,
    pub n_passages: usize,
    pub n_acronyms: usize,
    pub n_entities: usize,
    pub n_graph_nodes: usize,
    pub n_graph_edges: usize,
    #[serde(serialize_with = "as_millis")]
    pub elapsed: Duration,
    /// Where the time went.
    pub timings: Timings,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// The in-memory result of the pipeline, before anything is written.
pub struct Analysed {
    pub documents: Vec<Document>,
    pub glossary: Glossary,
    pub catalog: Catalog,
    pub graph: KnowledgeGraph,
    pub skipped: Vec<Skipped>,
    pub read: Vec<(String, u64)>,
    pub timings: Timings,
}

/// Wall time of each step of a build, in milliseconds, in order.
#[derive(Debug, Clone, Serialize)]
pub struct Timings {
    pub steps: Vec<(&'static str, f64)>,
    #[serde(skip)]
    last: Option<Instant>,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings {
            steps: Vec::new(),
            last: Some(Instant::now()),
        }
    }
}

impl Timings {
    /// Records the time since the previous lap under `step`.
    pub fn lap(&mut self, step: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.steps.push((step, (now - last).as_secs_f64() * 1000.0));
        }
        self.last = Some(now);
    }
}

/// Documents read and structured, with their territory: what the search
/// index needs, before the corpus-wide extraction.
pub struct Prepared {
    pub documents: Vec<Document>,
    pub skipped: Vec<Skipped>,
    pub read: Vec<(String, u64)>,
    pub timings: Timings,
}

/// Ingest, structure and each document's territory.
pub fn prepare(
    corpus_dir: &Path,
    options: &ReadOptions,
    progress: &dyn Fn(Stage),
) -> Result<Prepared> {
    let mut timings = Timings::default();
    progress(Stage::Reading);
    let (files, skipped) = ingest::read_corpus_with(corpus_dir, options)?;
    timings.lap("read");
    progress(Stage::Structuring);
    let read = files
        .iter()
        .map(|f| (f.doc_id.clone(), f.n_bytes))
        .collect();
    // Documents are independent until extraction compares them: one per core.
    let mut documents: Vec<Document> = files
        .par_iter()
        .map(|f| {
            let mut document = structure::parse(&f.doc_id, &f.text);
            document.pages = f.pages.clone();
            document.source = f.source.clone();
            // A title the content does not give may be in the file's metadata.
            if document.title == document.doc_id {
                if let Some(title) = &f.title {
                    document.title = title.clone();
                }
            }
            document
        })
        .collect();
    timings.lap("structure");
    progress(Stage::Extracting);
    let cog = Cog::get();
    documents.par_iter_mut().for_each(|document| {
        document.territory = territory::document_territory(document, cog);
    });
    timings.lap("territories");
    Ok(Prepared {
        documents,
        skipped,
        read,
        timings,
    })
}

/// The corpus-wide extraction: glossary, entities and graph.
pub fn extract(
    documents: &[Document],
    timings: &mut Timings,
) -> (Glossary, Catalog, KnowledgeGraph) {
    let cog = Cog::get();
    let glossary = Glossary::build(documents);
    timings.lap("acronyms");
    let pairs: Vec<(String, String)> = glossary
        .entries()
        .iter()
        .flat_map(|e| {
            e.definitions
                .iter()
                .map(|d| (e.abbr.clone(), d.text.clone()))
        })
        .collect();
    let place = |name: &str| territory::place_in_name(name, cog);
    let catalog = Catalog::build(documents, &pairs, &place);
    timings.lap("entities");
    let graph = KnowledgeGraph::build(documents, &catalog);
    timings.lap("graph");
    (glossary, catalog, graph)
}

/// Runs ingest → structure → extract → graph on a corpus folder.
pub fn analyse(corpus_dir: &Path, progress: &dyn Fn(Stage)) -> Result<Analysed> {
    let Prepared {
        documents,
        skipped,
        read,
        mut timings,
    } = prepare(corpus_dir, &ReadOptions::default(), progress)?;
    let (glossary, catalog, graph) = extract(&documents, &mut timings);
    Ok(Analysed {
        documents,
        glossary,
        catalog,
        graph,
        skipped,
        read,
        timings,
    })
}

/// Builds a new index generation for `corpus_dir` in `index_dir` and
/// publishes it. The previous generation stays usable until the new one is
/// complete.
pub fn build(corpus_dir: &Path, index_dir: &Path, progress: &dyn Fn(Stage)) -> Result<BuildReport> {
    build_with(corpus_dir, index_dir, &ReadOptions::default(), progress)
}

/// A build that would keep fewer than half the documents of the published
/// generation (none at all, most often: a corpus folder emptied, renamed or not
/// mounted) is refused unless allowed, so the index people use is not lost to
/// an accident. The previous generation stays published.
fn refuse_shrink(index_dir: &Path, after: usize, allowed: bool) -> Result<()> {
    if allowed {
        return Ok(());
    }
    let Ok(before) = store::current(index_dir).and_then(|g| g.read_meta()) else {
        return Ok(());
    };
    let before = before.n_documents;
    if before > 0 && after * 2 < before {
        tracing::warn!("{}", Error::Shrink { before, after });
        return Err(Error::Shrink { before, after });
    }
    Ok(())
}

/// [`build`] with the limits of each file read; refuses to replace an index by
/// one with fewer than half its documents unless `options.allow_shrink`.
pub fn build_with(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &ReadOptions,
    progress: &dyn Fn(Stage),
) -> Result<BuildReport> {
    let started = Instant::now();
    // Taken before reading, so a file changed during the build makes the
    // new index stale at once rather than silently missing the change.
    let corpus_fingerprint = store::corpus_fingerprint(corpus_dir);
    let Prepared {
        documents,
        skipped,
        read,
        mut timings,
    } = prepare(corpus_dir, options, progress)?;
    refuse_shrink(index_dir, documents.len(), options.allow_shrink)?;
    let staging = store::stage(index_dir)?;
    // The search index only needs the documents: it is written on its own
    // threads while the corpus-wide extraction runs.
    progress(Stage::Indexing);
    let tantivy_dir = staging.generation.tantivy_dir();
    let (written, (glossary, catalog, graph)) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| index::write(&tantivy_dir, &documents));
        let extracted = extract(&documents, &mut timings);
        let written = writer.join().unwrap_or_else(|_| {
            Err(Error::Store {
                path: tantivy_dir.clone(),
                message: "the index writer panicked".into(),
            })
        });
        (written, extracted)
    });
    let text_terms = written?;
    timings.lap("tantivy (beyond extraction)");
    staging.write_spellings(&text_terms.dictionary)?;
    let graph_dir = staging.generation.graph_dir();
    let (graph_saved, knowledge_saved) = rayon::join(
        || graph.save(&graph_dir),
        || staging.write_knowledge(&documents, &glossary, &catalog, &skipped),
    );
    graph_saved?;
    knowledge_saved?;
    timings.lap("save documents, graph and knowledge");
    let n_passages = documents.iter().map(|d| d.passages.len()).sum();
    staging.write_meta(&Meta {
        format_version: store::FORMAT_VERSION,
        // Absolute, so a server started elsewhere finds the originals it serves.
        corpus: std::fs::canonicalize(corpus_dir).unwrap_or_else(|_| corpus_dir.to_path_buf()),
        built_at: store::now_secs(),
        n_documents: documents.len(),
        n_passages,
        corpus_fingerprint,
        most_text_passages: Some(text_terms.most_passages),
    })?;
    progress(Stage::Publishing);
    staging.publish()?;
    timings.lap("publish");
    tracing::debug!(steps = ?timings.steps, "build steps");
    Ok(BuildReport {
        timings,
        corpus: corpus_dir.to_path_buf(),
        index: index_dir.to_path_buf(),
        n_bytes: read.iter().map(|(_, n)| n).sum(),
        read,
        skipped,
        n_documents: documents.len(),
        n_sections: documents.iter().map(|d| d.sections.len()).sum(),
        n_passages,
        n_acronyms: glossary.entries().len(),
        n_entities: catalog.entities().len(),
        n_graph_nodes: graph.n_nodes(),
        n_graph_edges: graph.n_edges(),
        elapsed: started.elapsed(),
    })
}
