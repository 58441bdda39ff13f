//! Facets: how many matching passages each territory and each kind holds.
//!
//! They are counted from the per-document match counts of the collection pass,
//! through the engine's [`FacetIndex`](crate::query::territories::FacetIndex),
//! before the territory and kind filters, so a user sees what else a filter
//! would give. Like the total they are exact up to the exact count; past it, a
//! filter keeping few plans reads only those, and the other plans' counts are
//! lower bounds (`facets_are_lower_bounds`).

use std::collections::BinaryHeap;

use serde::Serialize;

use crate::model::{DocKind, Territory};
use crate::query::territories::FacetIndex;
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
        self.facet_index.facets(per_document, selected)
    }
}

impl FacetIndex {
    /// See [`Engine::facets`].
    fn facets(&self, per_document: &[u32], selected: Option<&Territory>) -> Facets {
        let index = self;
        // A slot more for the documents without a territory, one for those without a kind:
        // every document is added, without a test (most have no match, unpredictably).
        let n_territories = index.territories.len();
        let mut per_territory = vec![0u32; n_territories + 1];
        let mut per_kind = [0u32; DocKind::ALL.len() + 1];
        for ((&n, &territory), &kind) in per_document
            .iter()
            .zip(&index.territory_of)
            .zip(&index.kind_of)
        {
            per_territory[(territory as usize).min(n_territories)] += n;
            per_kind[usize::from(kind).min(DocKind::ALL.len())] += n;
        }
        per_territory.truncate(n_territories);
        // Most matches first, then by name: one number per territory, so the twenty best
        // of thousands are kept in a small heap without comparing names.
        let key = |slot: usize| -> u64 {
            (u64::from(u32::MAX - per_territory[slot]) << 32) | u64::from(index.name_order[slot])
        };
        let mut best: BinaryHeap<u64> = BinaryHeap::with_capacity(MAX_TERRITORY_FACETS + 1);
        let mut territory_values = 0;
        for (slot, &n) in per_territory.iter().enumerate() {
            if n == 0 {
                continue;
            }
            territory_values += 1;
            let key = key(slot);
            if best.len() < MAX_TERRITORY_FACETS {
                best.push(key);
            } else if let Some(mut worst) = best.peek_mut().filter(|worst| key < **worst) {
                *worst = key;
            }
        }
        // The territory being filtered on stays listed, so it can be unselected.
        if let Some(t) = selected {
            if let Some(&slot) = index.first_by_code.get(&t.code) {
                let slot = slot as usize;
                if per_territory.get(slot).is_some_and(|&n| n > 0)
                    && !best.iter().any(|&k| k == key(slot))
                {
                    best.push(key(slot));
                }
            }
        }
        let territories: Vec<usize> = best
            .into_sorted_vec()
            .into_iter()
            .map(|k| index.by_name[(k & u64::from(u32::MAX)) as usize] as usize)
            .collect();
        let by_count = |a: &(u32, &str), b: &(u32, &str)| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1));
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
                .map(|slot| {
                    let t = &index.territories[slot];
                    FacetCount {
                        value: t.code.clone(),
                        label: t.name.clone(),
                        count: per_territory[slot],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, TerritoryKind};
    use crate::store::DocumentInfo;

    fn commune(name: &str, code: &str) -> DocumentInfo {
        let territory = Territory {
            name: name.to_string(),
            code: code.to_string(),
            kind: TerritoryKind::Commune,
        };
        DocumentInfo {
            doc_id: format!("ctg-{code}"),
            title: format!("Convention territoriale globale de {name}"),
            kind: Some(DocKind::ALL[0]),
            year: Some(2024),
            territory_keys: vec![code.to_string()],
            territory: Some(territory),
            n_sections: 1,
            n_passages: 1,
            source: Source::default(),
            pages: Vec::new(),
        }
    }

    #[test]
    fn the_territories_with_most_matches_come_first_then_by_name() {
        // Thirty communes; the last named has most matches, the others tie two by two.
        let names: Vec<String> = (0..30)
            .map(|i| format!("Saint-Martin-{:02}", 29 - i))
            .collect();
        let mut documents: Vec<DocumentInfo> = names
            .iter()
            .enumerate()
            .map(|(i, name)| commune(name, &format!("{:05}", 14000 + i)))
            .collect();
        // A plan about no territory, of no kind: counted in neither facet.
        let mut unplaced = commune("Nulle part", "00000");
        (unplaced.territory, unplaced.kind) = (None, None);
        documents.push(unplaced);
        let index = FacetIndex::new(&documents);
        let mut per_document: Vec<u32> = (0..30).map(|i| 1 + i as u32 / 2).collect();
        per_document[0] = 100;
        per_document[29] = 0;
        per_document.push(1000);
        let facets = index.facets(&per_document, None);
        assert_eq!(facets.territory_values, 29);
        let shown: Vec<(&str, u32)> = facets
            .territory
            .iter()
            .map(|f| (f.label.as_str(), f.count))
            .collect();
        assert_eq!(shown.len(), MAX_TERRITORY_FACETS);
        assert_eq!(shown[0], ("Saint-Martin-29", 100));
        assert_eq!(shown[1], ("Saint-Martin-01", 15));
        // Documents 26 and 27 tie: by name, whatever their order in the corpus.
        assert_eq!(
            shown[2..4],
            [("Saint-Martin-02", 14), ("Saint-Martin-03", 14)]
        );
        // The last listed: documents 10 and 11 tie at 6, the next ones have fewer.
        assert_eq!(
            shown[18..],
            [("Saint-Martin-18", 6), ("Saint-Martin-19", 6)]
        );
        assert_eq!(facets.kind.len(), 1);
        assert_eq!(
            facets.kind[0].count,
            per_document.iter().sum::<u32>() - 1000
        );

        // The territory filtered on stays listed, after the others, however few its matches.
        let selected = documents[1].territory.clone().unwrap();
        let facets = index.facets(&per_document, Some(&selected));
        assert_eq!(facets.territory.len(), MAX_TERRITORY_FACETS + 1);
        let last = facets.territory.last().unwrap();
        assert_eq!((last.label.as_str(), last.count), ("Saint-Martin-28", 1));
        // Without matches it is not listed.
        let none = documents[29].territory.clone().unwrap();
        let facets = index.facets(&per_document, Some(&none));
        assert_eq!(facets.territory.len(), MAX_TERRITORY_FACETS);
    }
}
