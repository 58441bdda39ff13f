//! maillage: search across French territorial policy documents.
//!
//! The pipeline reads in one direction:
//! [`ingest`] (files → clean text) → [`structure`] (text → outline, fields,
//! passages) → [`extract`] (acronyms, actors, dispositifs, territories) →
//! [`index`] (tantivy, French [`analysis`]) + [`graph`] (petgraph) →
//! [`query`] (the use cases) → CLI / HTTP.
//!
//! # Example
//!
//! A folder of plans in, a search out:
//!
//! ```rust
//! use maillage::query::{Engine, SearchRequest};
//!
//! # fn main() -> maillage::Result<()> {
//! let corpus = tempfile::tempdir().unwrap();
//! let index = tempfile::tempdir().unwrap();
//! std::fs::write(
//!     corpus.path().join("ctg.md"),
//!     "# Convention Territoriale Globale de Cornebarrieu\n\n\
//!      ## Axe 2 : Accompagner les familles\n\n\
//!      Le Lieu d'accueil enfants parents (LAEP) soutient la parentalité.\n",
//! )
//! .unwrap();
//! maillage::pipeline::build(corpus.path(), index.path(), &|_| {})?;
//!
//! let engine = Engine::open(index.path())?;
//! let found = engine.search(&SearchRequest {
//!     q: "PARENTALITE".into(), // case and accents do not matter
//!     ..SearchRequest::default()
//! })?;
//! assert_eq!(found.total, 1);
//! assert!(found.hits[0].snippet.contains("<mark>parentalité</mark>"));
//! assert_eq!(found.hits[0].section, ["Axe 2 : Accompagner les familles"]);
//!
//! // The sigle was defined in passing: the glossary knows it.
//! let laep = engine.acronym("LAEP")?;
//! assert_eq!(laep.definitions[0].text, "Lieu d'accueil enfants parents");
//! # Ok(())
//! # }
//! ```

pub mod analysis;
pub mod error;
pub mod export;
pub mod extract;
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
pub mod text;

#[cfg(test)]
pub(crate) mod test_support;

pub use error::{Error, Result};
pub use model::{
    DocKind, Document, DocumentRef, Passage, Section, SectionKind, Territory, TerritoryKind,
};
