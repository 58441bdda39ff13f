//! Actors, dispositifs and structures named in the plans, gathered into one catalog.
//!
//! Plans name the same actor in many ways (`Pôle emploi`, `POLE EMPLOI`, `France Travail`;
//! `Missions Locales`; `Mission Locale Haute-Garonne (MLHG)`), so a question such as "which towns
//! partner with the Mission locale" only works once every spelling leads to one entity. Three
//! sources feed the catalog, from the most to the least trusted:
//!
//! 1. a curated gazetteer of general French social-policy actors (`data/gazetteer.tsv`), which
//!    also merges renamed bodies into their successor (Pôle emploi → France Travail, RAM → RPE);
//! 2. the acronym definitions found in the corpus (given as plain `(sigle, long form)` pairs),
//!    kept only when the letters of the sigle fit the long form and the long form starts with a
//!    head noun that names an actor (`Centre…`, `Contrat…`, not `Accompagnant…`);
//! 3. the items of PILOTES / PARTENAIRES / STRUCTURE PORTEUSE / FINANCEMENTS fields, split on list
//!    separators; vague items (`Associations…`, `Ecoles`, `Elus`, see
//!    `data/entity_vague_items.txt`) and all-lowercase phrases that the gazetteer does not know
//!    are dropped, because they name nobody in particular.
//!
//! A name that starts with a known actor and goes on with a proper noun (`Mission Locale de
//! Blagnac`, `CAF de la Haute-Garonne`) becomes a separate entity linked by `branch_of`. Mentions
//! are then found everywhere by one walk of a byte trie from each word start of folded text (case and accents
//! removed, one folded char per source char so offsets stay exact): short sigles only match in
//! capitals and never inside a word; longer names match in any case and in the plural.
//!
//! The pieces, in the order a catalog is made: `names` folds and compares spellings,
//! `fields` splits role fields into items, `builder` merges the three sources into
//! entities, `scan` finds every spelling in running text and `mentions` turns the matches
//! into [`EntityMention`]s. This file holds the public types and the catalog's lookups.

mod builder;
mod fields;
mod mentions;
mod names;
mod scan;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::Role;
use crate::Territory;

pub use fields::{split_field_items, FieldItem};
pub use names::{name_key, role_of_field};

use names::fold_text;

/// What sort of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum EntityKind {
    /// An institution or body: CAF, Conseil départemental, Mission locale, a commune.
    Organisation,
    /// A programme, contract or scheme: CLAS, PEDT, Garantie jeunes, Contrat de ville.
    Dispositif,
    /// A facility or service open to the public: EAJE, PAJ, ALAE, médiathèque.
    Structure,
    /// A named association.
    Association,
    /// Anything else named as an actor.
    Autre,
}

impl EntityKind {
    /// Stable machine name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Organisation => "organisation",
            EntityKind::Dispositif => "dispositif",
            EntityKind::Structure => "structure",
            EntityKind::Association => "association",
            EntityKind::Autre => "autre",
        }
    }

    /// Every kind, in the order they are listed to people.
    pub const ALL: [EntityKind; 5] = [
        EntityKind::Organisation,
        EntityKind::Dispositif,
        EntityKind::Structure,
        EntityKind::Association,
        EntityKind::Autre,
    ];

    /// Parses the machine name back (also accepts plurals and any case).
    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s.trim().to_lowercase().trim_end_matches('s') {
            "organisation" | "organization" => EntityKind::Organisation,
            "dispositif" => EntityKind::Dispositif,
            "structure" => EntityKind::Structure,
            "association" => EntityKind::Association,
            "autre" | "other" => EntityKind::Autre,
            _ => return None,
        })
    }
}

/// One actor, dispositif or structure, with every place it is named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable slug (`mission-locale`, `france-travail`, `mission-locale-de-blagnac`).
    pub id: String,
    /// Canonical name (current name for renamed bodies).
    pub name: String,
    pub kind: EntityKind,
    /// Every known spelling: sigles, long forms, former names.
    pub aliases: Vec<String>,
    /// The general entity this one is a local branch of (`mission-locale`).
    pub branch_of: Option<String>,
    /// The territory named in the entity's name, for branches and local actors.
    pub place: Option<Territory>,
    /// Former names (also in `aliases`): `Pôle emploi` for France Travail.
    pub formerly: Vec<String>,
    /// Every mention, in document order.
    pub mentions: Vec<EntityMention>,
}

/// One place an entity is named, with the role the surrounding field gives it.
///
/// Compact on purpose (a national corpus names actors millions of times): the document is
/// its index in the corpus the catalog was built from, the text is a span of that document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub role: Role,
    /// Index of the document in the corpus given to [`Catalog::build`].
    pub doc: u32,
    /// Index of the passage holding the mention, when one does.
    pub passage: Option<u32>,
    /// Character offsets of the mention in the document's text.
    pub start: u32,
    pub end: u32,
}

impl std::str::FromStr for EntityKind {
    type Err = crate::Error;

    /// [`EntityKind::parse`], with an error that lists the kinds.
    fn from_str(s: &str) -> Result<EntityKind, crate::Error> {
        EntityKind::parse(s).ok_or_else(|| crate::Error::InvalidParameter {
            name: "kind",
            message: format!(
                "`{}` n'est pas un genre d'entité ({})",
                s.trim(),
                EntityKind::ALL.map(EntityKind::as_str).join(", ")
            ),
        })
    }
}

/// Similarity (1 − edits / length) from which a name is offered as "did you mean".
const SIMILAR_NAME: f64 = 0.75;

/// All entities of a corpus, with lookup by id and by any spelling.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    entities: Vec<Entity>,
    #[serde(serialize_with = "sorted_by_key")]
    index_by_id: HashMap<String, usize>,
    #[serde(serialize_with = "sorted_by_key")]
    index_by_key: HashMap<String, usize>,
}

/// A map written in the order of its keys: the same catalog gives the same bytes on every
/// build, whatever order the hash map holds it in.
fn sorted_by_key<S: serde::Serializer>(
    map: &HashMap<String, usize>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(map.iter().collect::<std::collections::BTreeMap<_, _>>())
}

impl Catalog {
    /// Every entity, gazetteer entries without mentions included.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity with that id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index_by_id.get(id).and_then(|&i| self.entities.get(i))
    }

    /// The position of the entity with that id in [`Catalog::entities`].
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index_by_id.get(id).copied()
    }

    /// Any alias, sigle, long form, case/accent/plural-insensitive -> the entity.
    pub fn lookup(&self, name: &str) -> Option<&Entity> {
        if let Some(entity) = self.get(name.trim()) {
            return Some(entity);
        }
        let key = name_key(name);
        self.index_by_key
            .get(&key)
            .and_then(|&i| self.entities.get(i))
    }

    /// Search entities by partial name (for an autocomplete / list endpoint), optional kind
    /// filter. Exact names first, then prefixes, then words starting with the query, then any
    /// substring; ties go to the most mentioned. An empty query lists the most mentioned.
    pub fn search(&self, q: &str, kind: Option<EntityKind>, limit: usize) -> Vec<&Entity> {
        let query_key = name_key(q);
        let query_folded = fold_text(q)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut scored: Vec<(u8, &Entity)> = Vec::new();
        for entity in &self.entities {
            if kind.is_some_and(|k| k != entity.kind) {
                continue;
            }
            let score = if query_folded.is_empty() {
                if entity.mentions.is_empty() {
                    continue;
                }
                3
            } else {
                let mut best = u8::MAX;
                for name in std::iter::once(&entity.name).chain(entity.aliases.iter()) {
                    let name_folded = fold_text(name.trim_start_matches('='));
                    let score = if !query_key.is_empty() && name_key(name) == query_key {
                        0
                    } else if name_folded.starts_with(&query_folded) {
                        1
                    } else if name_folded
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w.starts_with(&query_folded))
                    {
                        2
                    } else if name_folded.contains(&query_folded) {
                        3
                    } else {
                        u8::MAX
                    };
                    best = best.min(score);
                }
                if best == u8::MAX {
                    continue;
                }
                best
            };
            scored.push((score, entity));
        }
        scored.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.mentions.len().cmp(&a.1.mentions.len()))
                .then(a.1.name.cmp(&b.1.name))
        });
        scored.into_iter().take(limit).map(|(_, e)| e).collect()
    }

    /// Entities whose name or an alias is spelled close to `q` ("Mision Locale" → Mission
    /// Locale), closest first: a "did you mean" for a name that matches nothing.
    pub fn similar(&self, q: &str, limit: usize) -> Vec<&Entity> {
        let wanted = fold_text(q)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if wanted.chars().count() < 3 {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &Entity)> = Vec::new();
        for entity in &self.entities {
            let best = std::iter::once(&entity.name)
                .chain(entity.aliases.iter())
                .map(|name| {
                    let folded = fold_text(name.trim_start_matches('='))
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    strsim::normalized_levenshtein(&folded, &wanted)
                })
                .fold(0.0, f64::max);
            if best >= SIMILAR_NAME {
                scored.push((best, entity));
            }
        }
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.mentions.len().cmp(&a.1.mentions.len()))
                .then(a.1.name.cmp(&b.1.name))
        });
        scored.into_iter().take(limit).map(|(_, e)| e).collect()
    }

    /// The entity and its branches (`Mission Locale` -> + `Mission Locale de Blagnac`, MLHG),
    /// the entity first. Empty when the id is unknown.
    pub fn with_branches(&self, id: &str) -> Vec<&Entity> {
        let Some(root) = self.get(id) else {
            return Vec::new();
        };
        let mut out = vec![root];
        let mut seen: HashSet<&str> = HashSet::from([root.id.as_str()]);
        let mut cursor = 0;
        while cursor < out.len() {
            let parent_id = out[cursor].id.clone();
            for entity in &self.entities {
                if entity.branch_of.as_deref() == Some(parent_id.as_str())
                    && seen.insert(entity.id.as_str())
                {
                    out.push(entity);
                }
            }
            cursor += 1;
        }
        out
    }
}
