//! Action sheets as objects: listed with filters, read whole, compared across territories.
//!
//! People think in actions (« l'action CLAS de Cornebarrieu »), not in passages: an action
//! is the unit a CAF adviser compares between towns and a consultant copies into a
//! spreadsheet. [`table`] decides which sections are actions; this file answers with them,
//! [`similar`] ranks the actions of other territories that share the most with one, and
//! [`compare`] sets two territories side by side.

mod compare;
mod similar;
pub(crate) mod table;

use serde::Serialize;

use super::requests::{check_name, given, parsed, ActionsRequest};
use super::Engine;
use crate::extract::entities::EntityKind;
use crate::extract::territory::Cog;
use crate::extract::Role;
use crate::model::{DocKind, SourceFormat, Territory};
use crate::{Error, Result};
pub use compare::{ComparedEntity, Comparison};
pub use similar::{SharedEntity, SimilarAction, SimilarActions};
use table::{roles_of, ActionTable};

/// Names of each role shown in an action's summary.
const NAMES_PER_ROLE: usize = 12;

/// An action in a list: where it is and who it names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionSummary {
    /// `<doc_id>#<section>`: stable while the document does not change.
    pub id: String,
    pub doc_id: String,
    pub doc_title: String,
    pub kind: Option<DocKind>,
    pub year: Option<u16>,
    pub territory: Option<Territory>,
    /// Headings above the action (axe › objectif).
    pub path: Vec<String>,
    pub title: String,
    /// The 1-based page where the action starts, for paged documents (a PDF's page, a
    /// deck's slide).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The format of the document's file, which says what its pages are.
    pub format: SourceFormat,
    /// Names in PILOTES, PARTENAIRES and financements fields.
    pub pilots: Vec<String>,
    pub partners: Vec<String>,
    pub funders: Vec<String>,
    /// Dispositifs the action names.
    pub dispositifs: Vec<String>,
}

/// A page of actions and how many there are.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionList {
    pub total: usize,
    pub offset: usize,
    pub actions: Vec<ActionSummary>,
}

/// One passage of an action: a labelled field (PILOTES, PUBLIC…) or free text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionField {
    /// The field label as written, `None` for text outside a field.
    pub label: Option<String>,
    /// The role a field gives the actors it names (PILOTES: pilot…).
    pub role: Option<Role>,
    /// Heading of the sub-section it sits in, when it is not the action's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub text: String,
    pub passage: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// An entity an action names, with its roles there.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionEntity {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    pub roles: Vec<Role>,
    pub mentions: u32,
}

/// An action read whole.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ActionDetail {
    pub action: ActionSummary,
    pub fields: Vec<ActionField>,
    pub entities: Vec<ActionEntity>,
}

/// An [`ActionsRequest`], checked and resolved.
struct Filter {
    words: Vec<String>,
    documents: Option<Vec<bool>>,
    kind: Option<DocKind>,
    /// Catalog indexes of the entity asked for and its branches.
    entities: Option<Vec<u32>>,
    dispositifs: Option<Vec<u32>>,
    role: Option<Role>,
}

impl Engine {
    pub(crate) fn action_table(&self) -> &ActionTable {
        self.actions
            .get_or_init(|| ActionTable::build(&self.store, &self.knowledge.catalog))
    }

    /// Finds what the first request of a kind would otherwise wait for (the knowledge graph,
    /// the action sheets, the official geographic code a territory filter reads): a server
    /// calls it in the background once an index is open.
    pub fn warm_up(&self) {
        if let Err(err) = self.graph() {
            tracing::warn!("{err}");
        }
        let _ = self.action_table();
        Cog::get();
    }

    /// Whether [`Engine::warm_up`] is done: until then the first request needing the graph,
    /// the action sheets or the geographic code waits for them, and a server's processor is
    /// partly taken by the warm-up. A graph that could not be read leaves the engine cold.
    pub fn is_warm(&self) -> bool {
        self.graph_is_loaded() && self.actions.get().is_some() && Cog::is_parsed()
    }

    /// Actions matching a request, a page of them and their total.
    pub fn actions(&self, request: &ActionsRequest) -> Result<ActionList> {
        let (offset, limit) = request.checked_page()?;
        let matching = self.matching_actions(request)?;
        Ok(ActionList {
            total: matching.len(),
            offset,
            actions: matching
                .iter()
                .skip(offset)
                .take(limit)
                .filter_map(|&a| self.action_summary(a))
                .collect(),
        })
    }

    /// Every action a request keeps, by number, in corpus order: what an export walks
    /// through without holding the summaries.
    pub fn matching_actions(&self, request: &ActionsRequest) -> Result<Vec<u32>> {
        let filter = self.action_filter(request)?;
        let table = self.action_table();
        let infos = &self.knowledge.documents;
        let named_any = |action: usize, wanted: &[u32], role: Option<Role>| {
            table.named[action].iter().any(|n| {
                wanted.binary_search(&n.entity).is_ok()
                    && role.is_none_or(|r| n.roles & table::role_bit(r) != 0)
            })
        };
        let mut out = Vec::new();
        for (a, row) in table.rows.iter().enumerate() {
            let doc = row.doc as usize;
            if filter
                .documents
                .as_ref()
                .is_some_and(|keep| !keep.get(doc).copied().unwrap_or(false))
            {
                continue;
            }
            if filter.kind.is_some() && infos.get(doc).and_then(|d| d.kind) != filter.kind {
                continue;
            }
            if let Some(wanted) = &filter.entities {
                if !named_any(a, wanted, filter.role) {
                    continue;
                }
            } else if let Some(role) = filter.role {
                if !table.named[a]
                    .iter()
                    .any(|n| n.roles & table::role_bit(role) != 0)
                {
                    continue;
                }
            }
            if let Some(wanted) = &filter.dispositifs {
                if !named_any(a, wanted, None) {
                    continue;
                }
            }
            if !filter.words.is_empty() {
                let path = self
                    .store
                    .heading_path(doc, Some(row.section as usize))
                    .join(" ");
                let folded = crate::text::fold(&path);
                if !filter.words.iter().all(|w| folded.contains(w.as_str())) {
                    continue;
                }
            }
            out.push(a as u32);
        }
        Ok(out)
    }

    fn action_filter(&self, request: &ActionsRequest) -> Result<Filter> {
        let words = match given(&request.q) {
            Some(q) => {
                check_name("q", q)?;
                crate::text::fold(q)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            None => Vec::new(),
        };
        let documents = match given(&request.territory) {
            Some(t) => Some(self.territory_filter(t)?.documents),
            None => None,
        };
        let kind = parsed::<DocKind>(&request.kind)?;
        let role = match given(&request.role) {
            Some("any") | None => None,
            Some(r) => Some(r.parse::<Role>()?),
        };
        let family = |name: &str| -> Result<Vec<u32>> {
            let entity = self.find_entity(name)?;
            let catalog = &self.knowledge.catalog;
            let mut ids: Vec<u32> = catalog
                .with_branches(&entity.id)
                .iter()
                .filter_map(|e| catalog.index_of(&e.id))
                .map(|i| i as u32)
                .collect();
            ids.sort_unstable();
            Ok(ids)
        };
        let entities = match given(&request.entity) {
            Some(e) => Some(family(e)?),
            None => None,
        };
        let dispositifs = match given(&request.dispositif) {
            Some(d) => {
                let entity = self.find_entity(d)?;
                if entity.kind != EntityKind::Dispositif {
                    return Err(Error::InvalidParameter {
                        name: "dispositif",
                        message: format!("« {} » n'est pas un dispositif", entity.name),
                    });
                }
                Some(family(d)?)
            }
            None => None,
        };
        Ok(Filter {
            words,
            documents,
            kind,
            entities,
            dispositifs,
            role,
        })
    }

    /// An action's number from its id (`<doc_id>#<section>`); any section of an action
    /// leads to it.
    fn find_action(&self, id: &str) -> Result<u32> {
        check_name("id", id)?;
        let not_found = || Error::NotFound {
            what: "action",
            id: id.to_string(),
            suggestions: Vec::new(),
        };
        let (doc_id, section) = id.trim().rsplit_once('#').ok_or_else(not_found)?;
        let doc = self.doc_index(doc_id).ok_or_else(not_found)?;
        let section: usize = section.parse().map_err(|_| not_found())?;
        self.action_table()
            .action_of(doc, section)
            .ok_or_else(not_found)
    }

    /// The id of action number `action`.
    pub(crate) fn action_id(&self, action: u32) -> Option<String> {
        let row = self.action_table().rows.get(action as usize)?;
        let info = self.knowledge.documents.get(row.doc as usize)?;
        Some(format!("{}#{}", info.doc_id, row.section))
    }

    /// What a list shows of action number `action`.
    pub(crate) fn action_summary(&self, action: u32) -> Option<ActionSummary> {
        let table = self.action_table();
        let row = *table.rows.get(action as usize)?;
        let (doc, section) = (row.doc as usize, row.section as usize);
        let info = self.knowledge.documents.get(doc)?;
        let mut path: Vec<String> = self
            .store
            .heading_path(doc, Some(section))
            .into_iter()
            .map(str::to_string)
            .collect();
        let title = path.pop().unwrap_or_default();
        let start = self.store.section(doc, section).map(|s| s.start);
        let catalog = self.knowledge.catalog.entities();
        let names = |bit: u8, kind: Option<EntityKind>| -> Vec<String> {
            let mut named: Vec<_> = table.named[action as usize]
                .iter()
                .filter(|n| bit == 0 || n.roles & bit != 0)
                .filter_map(|n| Some((n, catalog.get(n.entity as usize)?)))
                .filter(|(_, e)| kind.is_none_or(|k| e.kind == k))
                .collect();
            named.sort_by(|(a, ea), (b, eb)| b.count.cmp(&a.count).then(ea.name.cmp(&eb.name)));
            named
                .into_iter()
                .take(NAMES_PER_ROLE)
                .map(|(_, e)| e.name.clone())
                .collect()
        };
        Some(ActionSummary {
            id: format!("{}#{}", info.doc_id, section),
            doc_id: info.doc_id.clone(),
            doc_title: info.title.clone(),
            kind: info.kind,
            year: info.year,
            territory: info.territory.clone(),
            path,
            title,
            page: start.and_then(|s| info.page_of(s)),
            format: info.source.format,
            pilots: names(table::role_bit(Role::Pilot), None),
            partners: names(table::role_bit(Role::Partner), None),
            funders: names(table::role_bit(Role::Funder), None),
            dispositifs: names(0, Some(EntityKind::Dispositif)),
        })
    }

    /// One action, whole: its fields in order and every entity it names.
    pub fn action(&self, id: &str) -> Result<ActionDetail> {
        let action = self.find_action(id)?;
        let summary = self.action_summary(action).ok_or_else(|| Error::NotFound {
            what: "action",
            id: id.to_string(),
            suggestions: Vec::new(),
        })?;
        let table = self.action_table();
        let row = table.rows[action as usize];
        let doc = row.doc as usize;
        let info = &self.knowledge.documents[doc];
        let mut fields = Vec::new();
        for passage in self.store.passages(doc) {
            let Some(section) = passage.section else {
                continue;
            };
            if table.action_of(doc, section) != Some(action) {
                continue;
            }
            let heading = self
                .store
                .heading(doc, section)
                .map(|(h, _)| h)
                .unwrap_or("");
            if passage.field.is_none() && crate::text::same_but_spacing(passage.text, heading) {
                if section == row.section as usize {
                    continue;
                }
                // A sub-heading (a `1.2.5.a` item) is a line of the sheet.
                fields.push(ActionField {
                    label: None,
                    role: None,
                    heading: None,
                    text: passage.text.to_string(),
                    passage: passage.id as u32,
                    page: info.page_of(passage.start),
                });
                continue;
            }
            fields.push(ActionField {
                label: passage.field.map(str::to_string),
                role: passage
                    .field
                    .and_then(crate::extract::entities::role_of_field),
                heading: (section != row.section as usize).then(|| heading.to_string()),
                text: passage.text.to_string(),
                passage: passage.id as u32,
                page: info.page_of(passage.start),
            });
        }
        let catalog = self.knowledge.catalog.entities();
        let mut entities: Vec<ActionEntity> = table.named[action as usize]
            .iter()
            .filter_map(|n| {
                let e = catalog.get(n.entity as usize)?;
                Some(ActionEntity {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    kind: e.kind,
                    roles: roles_of(n.roles),
                    mentions: n.count,
                })
            })
            .collect();
        entities.sort_by(|a, b| {
            let rank = |e: &ActionEntity| e.roles.first().map_or(9, |r| *r as u8);
            rank(a)
                .cmp(&rank(b))
                .then(b.mentions.cmp(&a.mentions))
                .then(a.name.cmp(&b.name))
        });
        Ok(ActionDetail {
            action: summary,
            fields,
            entities,
        })
    }
}
