//! Territories as filters: resolving a name or an official code, the documents a
//! territory keeps, near names when it resolves to nothing, and the per-document
//! territory and kind slots facets are counted with ([`FacetIndex`]). One territory's
//! page ([`TerritoryDetail`]) is the same filter seen from the place: what it is, what
//! contains it, and the documents a search within it would read.
//!
//! A territory some document is about wins over the official code's readings and
//! comes first among suggestions: it is what the facets show.

use std::collections::HashMap;

use serde::Serialize;

use super::requests::check_name;
use super::{DocumentSummary, Engine, TerritoryRequest, SUGGESTIONS};
use crate::extract::territory::{self, Cog};
use crate::model::Territory;
use crate::store::DocumentInfo;
use crate::{Error, Result};

/// What a territory filter keeps.
#[derive(Debug, Clone)]
pub struct TerritoryFilter {
    /// The territory named.
    pub territory: Territory,
    /// Per document, in corpus order: kept.
    pub documents: Vec<bool>,
    /// The documents' own territories the filter keeps.
    pub included: Vec<Territory>,
}

/// One territory: what it is, what contains it, and the documents about it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TerritoryDetail {
    pub territory: Territory,
    /// The kind as a person reads it (`commune`, `EPCI`, `département`, `région`).
    pub kind_label: String,
    /// The EPCI, département and région it lies in, smallest first.
    pub within: Vec<Territory>,
    /// The documents about it, about a place inside it or about a place containing it
    /// (those a search within it reads), in corpus order.
    pub documents: Vec<DocumentSummary>,
    /// The documents' own territories among those (as `territories_included` of a search).
    pub included: Vec<Territory>,
}

impl Engine {
    /// One territory, named as a search filter is (`commune:31150`, `epci:…`,
    /// `departement:31`, `region:76`, a name or a bare code), with the documents a
    /// search within it reads.
    pub fn territory(&self, request: &TerritoryRequest) -> Result<TerritoryDetail> {
        let name = request.checked()?;
        let filter = self.territory_filter(name)?;
        let cog = Cog::get();
        let mut within: Vec<Territory> = Vec::new();
        let containing = [
            cog.epci_of(&filter.territory),
            cog.departement_of(&filter.territory),
            cog.region_of(&filter.territory),
        ];
        for t in containing.into_iter().flatten() {
            if t != filter.territory && !within.contains(&t) {
                within.push(t);
            }
        }
        let documents = self
            .knowledge
            .documents
            .iter()
            .zip(&filter.documents)
            .filter(|(_, &kept)| kept)
            .map(|(d, _)| self.summary(d))
            .collect();
        Ok(TerritoryDetail {
            kind_label: filter.territory.kind.label().to_string(),
            territory: filter.territory,
            within,
            documents,
            included: filter.included,
        })
    }

    /// Resolves a territory filter given as a name or an official code.
    /// The documents a territory filter keeps: those whose territory lies inside
    /// the one named (Occitanie keeps the plans of its départements, EPCI and
    /// communes) or contains it (Alès keeps the plan of its agglomération). A bare
    /// code that is both a département and a région (`76`) is read the way that
    /// keeps plans of this index, the région when both or neither do.
    pub fn territory_filter(&self, name_or_code: &str) -> Result<TerritoryFilter> {
        let code = name_or_code.trim();
        let cog = Cog::get();
        let mut readings: Vec<Territory> = Vec::new();
        if (1..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric()) {
            for kind in ["region", "departement"] {
                if let Some(t) = cog.resolve(&format!("{kind}:{code}")) {
                    readings.push(t);
                }
            }
        }
        if readings.is_empty() {
            readings.push(self.resolve_territory(name_or_code)?);
        }
        let facets = &self.facet_index;
        let mut best: Option<(usize, Territory, Vec<bool>)> = None;
        for reading in readings {
            // Inside the reading: its key is among the document territory's keys;
            // containing it: the document territory's key is among the reading's. Both
            // read from the keys' lists, not from every territory of the corpus.
            let mut related = vec![false; facets.territories.len()];
            let mut n_documents = 0;
            let inside = facets.under_key.get(&territory::key_of(&reading));
            let containing = territory::codes_containing(&reading, cog);
            let containing = containing.iter().filter_map(|k| facets.named_by.get(k));
            for &slot in inside.into_iter().chain(containing).flatten() {
                if !std::mem::replace(&mut related[slot as usize], true) {
                    n_documents += facets.n_documents[slot as usize];
                }
            }
            if best.as_ref().is_none_or(|(n, ..)| n_documents > *n) {
                best = Some((n_documents, reading, related));
            }
        }
        let Some((_, territory, related)) = best else {
            return Err(self.unknown_territory(code));
        };
        let documents = facets
            .territory_of
            .iter()
            .map(|&slot| related.get(slot as usize).copied().unwrap_or(false))
            .collect();
        let included = facets
            .territories
            .iter()
            .zip(&related)
            .filter(|(_, &r)| r)
            .map(|(t, _)| t.clone())
            .collect();
        Ok(TerritoryFilter {
            territory,
            documents,
            included,
        })
    }

    pub fn resolve_territory(&self, name_or_code: &str) -> Result<Territory> {
        check_name("territory", name_or_code)?;
        // A territory some document is about wins: it is what the facets show. The first
        // of them, in corpus order, named by this code or this name.
        let index = &self.facet_index;
        let by_code = index.first_by_code.get(name_or_code.trim());
        let by_name = index.first_by_name.get(&fold(name_or_code));
        if let Some(&slot) = by_code.into_iter().chain(by_name).min() {
            return Ok(index.territories[slot as usize].clone());
        }
        let cog = Cog::get();
        let homonyms = cog.homonyms(name_or_code);
        if !homonyms.is_empty() {
            return Err(Error::AmbiguousTerritory {
                name: name_or_code.trim().to_string(),
                choices: homonyms
                    .into_iter()
                    .map(|mut t| {
                        if let Some(d) = cog.departement_of(&t) {
                            t.name = format!("{} ({})", t.name, d.name);
                        }
                        t
                    })
                    .collect(),
            });
        }
        cog.resolve(name_or_code)
            .ok_or_else(|| self.unknown_territory(name_or_code))
    }

    /// The error for a territory name that resolves to nothing, with near spellings:
    /// the documents' own territories first, then the official code's.
    fn unknown_territory(&self, name: &str) -> Error {
        let wanted = fold(name);
        let index = &self.facet_index;
        let mut suggestions: Vec<Territory> = index
            .territories
            .iter()
            .zip(&index.folded_names)
            .filter(|(_, folded)| {
                strsim::levenshtein(folded, &wanted) <= (wanted.chars().count() / 4).max(1)
            })
            .map(|(t, _)| t.clone())
            .collect();
        for t in Cog::get().similar(name, SUGGESTIONS) {
            if suggestions.len() < SUGGESTIONS && !suggestions.contains(&t) {
                suggestions.push(t);
            }
        }
        Error::UnknownTerritory {
            name: name.trim().to_string(),
            suggestions,
        }
    }
}

/// Each document's territory and kind as small numbers, so facets are counted in arrays.
pub(super) struct FacetIndex {
    /// The distinct territories documents are about.
    pub(super) territories: Vec<Territory>,
    /// Per key, the territories it names or contains: each territory is listed under its
    /// own key and those of the territories containing it. A filter reads its lists
    /// instead of comparing keys across every territory of the corpus (thousands of
    /// communes in a national index, at every filtered search).
    pub(super) under_key: HashMap<String, Vec<u32>>,
    /// Per key, the territories it names.
    pub(super) named_by: HashMap<String, Vec<u32>>,
    /// Per territory, its folded name.
    pub(super) folded_names: Vec<String>,
    /// Per territory, how many documents are about it.
    pub(super) n_documents: Vec<usize>,
    /// Per code, the first territory with it.
    pub(super) first_by_code: HashMap<String, u32>,
    /// Per folded name, the first territory with it.
    pub(super) first_by_name: HashMap<String, u32>,
    /// Per document, its territory's slot in `territories` (`u32::MAX`: none).
    pub(super) territory_of: Vec<u32>,
    /// Per document, its kind's index in [`crate::DocKind::ALL`] (`u8::MAX`: none).
    pub(super) kind_of: Vec<u8>,
    /// Per territory, its place in the order of names (then slots): facets break ties
    /// between counts by name, and comparing these is comparing numbers, not strings.
    pub(super) name_order: Vec<u32>,
    /// The territories in the order of names: the inverse of `name_order`.
    pub(super) by_name: Vec<u32>,
}

impl FacetIndex {
    pub(super) fn new(documents: &[DocumentInfo]) -> FacetIndex {
        let mut territories: Vec<Territory> = Vec::new();
        let mut under_key: HashMap<String, Vec<u32>> = HashMap::new();
        let mut named_by: HashMap<String, Vec<u32>> = HashMap::new();
        let mut slot_of: HashMap<(&str, crate::TerritoryKind), u32> = HashMap::new();
        let mut territory_of = Vec::with_capacity(documents.len());
        for d in documents {
            let slot = match &d.territory {
                Some(t) => *slot_of.entry((t.code.as_str(), t.kind)).or_insert_with(|| {
                    let slot = territories.len() as u32;
                    territories.push(t.clone());
                    for key in &d.territory_keys {
                        under_key.entry(key.clone()).or_default().push(slot);
                    }
                    named_by.entry(territory::key_of(t)).or_default().push(slot);
                    slot
                }),
                None => u32::MAX,
            };
            territory_of.push(slot);
        }
        let kind_of = documents
            .iter()
            .map(|d| {
                d.kind
                    .and_then(|k| crate::DocKind::ALL.iter().position(|x| *x == k))
                    .map_or(u8::MAX, |i| i as u8)
            })
            .collect();
        let folded_names: Vec<String> = territories.iter().map(|t| fold(&t.name)).collect();
        let mut n_documents = vec![0; territories.len()];
        for &slot in &territory_of {
            if let Some(n) = n_documents.get_mut(slot as usize) {
                *n += 1;
            }
        }
        let mut first_by_code = HashMap::new();
        let mut first_by_name = HashMap::new();
        for (slot, (t, folded)) in territories.iter().zip(&folded_names).enumerate() {
            first_by_code.entry(t.code.clone()).or_insert(slot as u32);
            first_by_name.entry(folded.clone()).or_insert(slot as u32);
        }
        let mut by_name: Vec<u32> = (0..territories.len() as u32).collect();
        by_name.sort_by(|&a, &b| {
            territories[a as usize]
                .name
                .cmp(&territories[b as usize].name)
        });
        let mut name_order = vec![0; territories.len()];
        for (order, &slot) in by_name.iter().enumerate() {
            name_order[slot as usize] = order as u32;
        }
        FacetIndex {
            territories,
            under_key,
            named_by,
            folded_names,
            n_documents,
            first_by_code,
            first_by_name,
            territory_of,
            kind_of,
            name_order,
            by_name,
        }
    }
}

/// Lower case, no accents, letters and digits only: for comparing names.
fn fold(s: &str) -> String {
    crate::analysis::folding::fold(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}
