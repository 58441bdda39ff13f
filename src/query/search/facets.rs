//! Facets: how many matching passages each territory and each kind holds.
//!
//! They are counted from the per-document match counts of the collection pass,
//! through the engine's [`FacetIndex`](crate::query::territories::FacetIndex),
//! before the territory and kind filters, so a user sees what else a filter
//! would give. Like the total they are exact up to the exact count; past it, a
//! filter keeping few plans reads only those, and the other plans' counts are
//! lower bounds (`facets_are_lower_bounds`).

use serde::Serialize;

use crate::model::{DocKind, Territory};
use crate::query::Engine;

/// A facet value and how many matching passages carry it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FacetCount {
    /// The filter value to send back (`territory=` code, `kind=` name).
    pub value: String,
    pub label: String,
    pub count: u32,
}

/// Counts of matching passages per territory and per kind, before the
/// territory and kind filters are applied, most frequent first.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Facets {
    /// The territories with most matches (at most [`MAX_TERRITORY_FACETS`], and the one
    /// filtered on).
    pub territory: Vec<FacetCount>,
    /// How many territories have matches in all.
    pub territory_values: usize,
    pub kind: Vec<FacetCount>,
}

/// Territories listed in a search's facets: a national corpus matches thousands.
pub const MAX_TERRITORY_FACETS: usize = 20;

impl Engine {
    /// The facets of the matches counted per document in `per_document`; `selected`,
    /// the territory filtered on, stays listed.
    pub(super) fn facets(&self, per_document: &[u32], selected: Option<&Territory>) -> Facets {
        let index = &self.facet_index;
        let mut per_territory = vec![0u32; index.territories.len()];
        let mut per_kind = [0u32; DocKind::ALL.len()];
        for (doc, &n) in per_document.iter().enumerate() {
            if n == 0 {
                continue;
            }
            if let Some(&slot) = index.territory_of.get(doc) {
                if let Some(count) = per_territory.get_mut(slot as usize) {
                    *count += n;
                }
            }
            if let Some(&slot) = index.kind_of.get(doc) {
                if let Some(count) = per_kind.get_mut(usize::from(slot)) {
                    *count += n;
                }
            }
        }
        let by_count = |a: &(u32, &str), b: &(u32, &str)| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1));
        let mut territories: Vec<(u32, &str, usize)> = per_territory
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(slot, &n)| (n, index.territories[slot].name.as_str(), slot))
            .collect();
        let territory_values = territories.len();
        if territories.len() > MAX_TERRITORY_FACETS {
            territories.select_nth_unstable_by(MAX_TERRITORY_FACETS - 1, |a, b| {
                by_count(&(a.0, a.1), &(b.0, b.1))
            });
            territories.truncate(MAX_TERRITORY_FACETS);
            // The territory being filtered on stays listed, so it can be unselected.
            if let Some(t) = selected {
                let slot = index.first_by_code.get(&t.code).map(|&s| s as usize);
                if let Some(slot) = slot.filter(|s| !territories.iter().any(|x| x.2 == *s)) {
                    if per_territory[slot] > 0 {
                        territories.push((
                            per_territory[slot],
                            &index.territories[slot].name,
                            slot,
                        ));
                    }
                }
            }
        }
        territories.sort_by(|a, b| by_count(&(a.0, a.1), &(b.0, b.1)));
        let mut kinds: Vec<(u32, &str, DocKind)> = DocKind::ALL
            .iter()
            .zip(per_kind)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (n, k.label(), *k))
            .collect();
        kinds.sort_by(|a, b| by_count(&(a.0, a.1), &(b.0, b.1)));
        Facets {
            territory: territories
                .into_iter()
                .map(|(count, _, slot)| {
                    let t = &index.territories[slot];
                    FacetCount {
                        value: t.code.clone(),
                        label: t.name.clone(),
                        count,
                    }
                })
                .collect(),
            territory_values,
            kind: kinds
                .into_iter()
                .map(|(count, label, k)| FacetCount {
                    value: k.as_str().to_string(),
                    label: label.to_string(),
                    count,
                })
                .collect(),
        }
    }
}
