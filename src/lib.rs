//! maillage: search across French territorial policy documents.
//!
//! The pipeline reads in one direction:
//! [`ingest`] (files → clean text) → [`structure`] (text → outline, fields,
//! passages) → [`extract`] (acronyms, actors, dispositifs, territories) →
//! [`index`] (tantivy, French [`analysis`]) + [`graph`] (petgraph) →
//! [`query`] (the use cases) → CLI / HTTP.

pub mod analysis;
pub mod bench;
pub mod error;
pub mod extract;
pub mod gen;
pub mod graph;
pub mod index;
pub mod ingest;
pub mod model;
pub mod pipeline;
pub mod query;
#[cfg(feature = "server")]
pub mod server;
pub mod store;
pub mod structure;

pub use error::{Error, Result};
pub use model::{DocKind, Document, Passage, Section, SectionKind, Territory, TerritoryKind};
