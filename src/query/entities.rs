//! Entities: the catalog of actors and dispositifs, searched by name, and one
//! entity with its sigles, branches, documents and strongest territories.
//!
//! Every name a user types goes through `Engine::find_entity`, so an unknown
//! name comes back with the near names there are.

use serde::Serialize;

use super::requests::{self, check_name};
use super::{AcronymDefinitionOut, Engine, EntitiesRequest, ENTITY_TERRITORIES, SUGGESTIONS};
use crate::extract::entities::{Entity, EntityKind};
use crate::graph::TerritoryRoles;
use crate::model::{DocumentRef, Territory};
use crate::store::DocumentInfo;
use crate::{Error, Result};

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
    /// The documents that name it, in id order.
    pub documents: Vec<DocumentRef>,
}

/// A link to an entity.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EntityRef {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
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

impl Engine {
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

    pub(super) fn find_entity(&self, name_or_id: &str) -> Result<&Entity> {
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
        let mut documents: Vec<DocumentRef> = indices
            .into_iter()
            .filter_map(|i| self.knowledge.documents.get(i as usize))
            .map(DocumentInfo::cited)
            .collect();
        documents.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        let page =
            self.graph()?
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
}
