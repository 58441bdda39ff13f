//! What the knowledge graph answers about an entity: the territories where it
//! acts, and its neighbourhood.
//!
//! The graph holds positions, not texts: [`Corpus`] lends it the documents'
//! ids, headings and passages from the knowledge and the store.

use serde::Serialize;

use super::requests;
use super::{Engine, EntityRef, GraphRequest, TerritoriesRequest, MAX_GRAPH_NODES};
use crate::extract::Role;
use crate::graph::{DocumentSource, Subgraph, TerritoryRoles};
use crate::model::DocumentRef;
use crate::store::{DocStore, DocumentInfo};
use crate::Result;

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

impl Engine {
    /// The documents as the graph reads them.
    pub(super) fn corpus(&self) -> Corpus<'_> {
        Corpus {
            documents: &self.knowledge.documents,
            store: &self.store,
        }
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
            .graph()?
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
            .graph()?
            .neighbourhood(&self.corpus(), &entity.id, depth, MAX_GRAPH_NODES))
    }
}

/// The documents of an engine as the graph reads them: ids from the knowledge, texts and
/// outlines from the store.
pub(super) struct Corpus<'a> {
    documents: &'a [DocumentInfo],
    store: &'a DocStore,
}

impl DocumentSource for Corpus<'_> {
    fn document(&self, doc: usize) -> Option<DocumentRef> {
        self.documents.get(doc).map(DocumentInfo::cited)
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
