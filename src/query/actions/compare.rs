//! Two territories side by side: the dispositifs and actors both name, and those only one
//! does, each with the actions that name them.
//!
//! A consultant drafting a CTG asks « what does L'Union run that Cornebarrieu does not? ».
//! Everything a territory's plans name counts (a plan without action sheets still names its
//! dispositifs); the actions listed are those of the sheets.

use std::collections::BTreeMap;

use serde::Serialize;

use super::table::role_bit;
use super::{ActionSummary, Engine};
use crate::extract::entities::EntityKind;
use crate::extract::Role;
use crate::model::Territory;
use crate::query::requests::check_name;
use crate::Result;

/// Actions listed per entity and side (the rest are counted).
const ACTIONS_PER_SIDE: usize = 5;

/// An entity in a comparison, with where each side names it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ComparedEntity {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    /// Mentions in each side's documents.
    pub mentions_a: u32,
    pub mentions_b: u32,
    /// Roles it plays in each side's plans, strongest first.
    pub roles_a: Vec<Role>,
    pub roles_b: Vec<Role>,
    /// Actions naming it, a few per side, with how many there are.
    pub actions_a: Vec<ActionSummary>,
    pub actions_b: Vec<ActionSummary>,
    pub n_actions_a: usize,
    pub n_actions_b: usize,
}

/// The answer of `GET /api/compare`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub a: Territory,
    pub b: Territory,
    /// Documents each territory keeps (its own and those of the places it contains or lies in).
    pub documents_a: usize,
    pub documents_b: usize,
    pub both: Vec<ComparedEntity>,
    pub only_a: Vec<ComparedEntity>,
    pub only_b: Vec<ComparedEntity>,
}

/// What one side gathered of one entity.
#[derive(Default, Clone)]
struct Side {
    mentions: u32,
    roles: u8,
    actions: Vec<u32>,
}

impl Engine {
    /// Compares what the plans of two territories name (names or codes, any level).
    pub fn compare(&self, a: &str, b: &str) -> Result<Comparison> {
        check_name("a", a)?;
        check_name("b", b)?;
        let fa = self.territory_filter(a)?;
        let fb = self.territory_filter(b)?;
        let table = self.action_table();
        // Per entity: (side a, side b).
        let mut gathered: BTreeMap<u32, (Side, Side)> = BTreeMap::new();
        for (e, entity) in self.knowledge.catalog.entities().iter().enumerate() {
            for mention in &entity.mentions {
                let doc = mention.doc as usize;
                let (in_a, in_b) = (
                    fa.documents.get(doc).copied().unwrap_or(false),
                    fb.documents.get(doc).copied().unwrap_or(false),
                );
                if !in_a && !in_b {
                    continue;
                }
                let entry = gathered.entry(e as u32).or_default();
                for (keep, side) in [(in_a, &mut entry.0), (in_b, &mut entry.1)] {
                    if keep {
                        side.mentions += 1;
                        side.roles |= role_bit(mention.role);
                    }
                }
            }
            if let Some(entry) = gathered.get_mut(&(e as u32)) {
                for &action in &table.naming[e] {
                    let doc = table.rows[action as usize].doc as usize;
                    if fa.documents.get(doc).copied().unwrap_or(false) {
                        entry.0.actions.push(action);
                    }
                    if fb.documents.get(doc).copied().unwrap_or(false) {
                        entry.1.actions.push(action);
                    }
                }
            }
        }
        let catalog = self.knowledge.catalog.entities();
        let mut out = Comparison {
            documents_a: fa.documents.iter().filter(|&&k| k).count(),
            documents_b: fb.documents.iter().filter(|&&k| k).count(),
            a: fa.territory,
            b: fb.territory,
            both: Vec::new(),
            only_a: Vec::new(),
            only_b: Vec::new(),
        };
        for (e, (sa, sb)) in gathered {
            let Some(entity) = catalog.get(e as usize) else {
                continue;
            };
            let shown = |side: &Side| -> Vec<ActionSummary> {
                side.actions
                    .iter()
                    .take(ACTIONS_PER_SIDE)
                    .filter_map(|&a| self.action_summary(a))
                    .collect()
            };
            let compared = ComparedEntity {
                id: entity.id.clone(),
                name: entity.name.clone(),
                kind: entity.kind,
                mentions_a: sa.mentions,
                mentions_b: sb.mentions,
                roles_a: super::table::roles_of(sa.roles),
                roles_b: super::table::roles_of(sb.roles),
                actions_a: shown(&sa),
                actions_b: shown(&sb),
                n_actions_a: sa.actions.len(),
                n_actions_b: sb.actions.len(),
            };
            match (sa.mentions > 0, sb.mentions > 0) {
                (true, true) => out.both.push(compared),
                (true, false) => out.only_a.push(compared),
                (false, true) => out.only_b.push(compared),
                (false, false) => {}
            }
        }
        // Dispositifs first, then what is named most.
        for list in [&mut out.both, &mut out.only_a, &mut out.only_b] {
            list.sort_by(|x, y| {
                (x.kind != EntityKind::Dispositif)
                    .cmp(&(y.kind != EntityKind::Dispositif))
                    .then((y.mentions_a + y.mentions_b).cmp(&(x.mentions_a + x.mentions_b)))
                    .then(x.name.cmp(&y.name))
            });
        }
        Ok(out)
    }
}
