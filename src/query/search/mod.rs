//! Passage search: from a parsed query to ranked, highlighted hits.
//!
//! Ranking is BM25 over four fields (passage text; heading path, boosted;
//! document title and field label), one disjunction-max per query word so a
//! word found both in a heading and in the text is not counted twice.
//! Every word is required first; when that finds nothing the words become
//! optional, so a long natural-language query still answers. Sigles are
//! expanded both ways from the corpus glossary: `CLAS` also finds
//! "contrat local d'accompagnement à la scolarité", and the reverse.
//!
//! This file holds the response and the steps of one search (the request and its limits
//! are `query::requests`'s);
//! planning the query, spelling corrections, facets and snippets each have
//! their own file.

mod corrections;
mod facets;
mod group;
mod plan;
mod snippets;

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::query::Query;
use tantivy::Searcher;

use super::budget::{Budget, Budgeted};
use super::parse::{self, UserQuery};
use super::rank;
use super::requests::{given, parsed, SearchRequest};
use super::typos::Correction;
use super::{Engine, TerritoryFilter};
use crate::model::{DocKind, SourceFormat, Territory};
use crate::{index, Error, Result};
use corrections::corrected_query;
pub use facets::{FacetCount, Facets, MAX_TERRITORY_FACETS};
pub use group::{Grouping, HitField};
#[cfg(test)]
pub(super) use plan::phrase_by_pairs;
use plan::Plan;
pub(super) use plan::{analyse, looks_like_sigle};
use snippets::Highlighter;

/// Candidates kept per document beyond the page's needs (duplicates, heading-only repeats);
/// a ranking that needs more collects again with more.
const SPARE_CANDIDATES: usize = 6;

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Hit {
    pub doc_id: String,
    pub doc_title: String,
    /// Heading path, outermost first.
    pub section: Vec<String>,
    pub field: Option<String>,
    pub text: String,
    /// HTML: the best fragment with matched terms in `<mark>`, all else escaped.
    pub snippet: String,
    pub score: f32,
    pub kind: Option<String>,
    pub year: Option<u16>,
    pub territory: Option<Territory>,
    pub passage: usize,
    pub start: usize,
    pub end: usize,
    /// The 1-based page where the passage starts, for paged documents (a PDF's page, a
    /// deck's slide).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The format of the document's file, which says what its pages are.
    pub format: SourceFormat,
    /// Grouped by action: the action's id and title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_title: Option<String>,
    /// Grouped by action: the action's fields that hold the query's words, best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<HitField>,
    /// Grouped by action: its matching fields not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more_fields: Option<usize>,
}

/// Words searched at most, after analysis (stop words and elisions removed).
pub const MAX_QUERY_TERMS: usize = 32;

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    pub query: String,
    /// Matching passages (or actions, grouped): exact up to
    /// [`EXACT_COUNT`](crate::index::EXACT_COUNT), beyond it a lower bound.
    pub total: usize,
    /// True when `total` and the facet counts are lower bounds: past
    /// [`EXACT_COUNT`](crate::index::EXACT_COUNT) matches, those that cannot reach a page
    /// are not counted.
    pub total_is_lower_bound: bool,
    /// True when the facet counts are lower bounds: with `total_is_lower_bound`, and also
    /// with a territory or kind filter keeping few plans, once
    /// [`EXACT_COUNT`](crate::index::EXACT_COUNT) matches of every plan were counted (only
    /// the kept plans are read past that; the total stays exact).
    pub facets_are_lower_bounds: bool,
    pub took_ms: f64,
    pub offset: usize,
    pub limit: usize,
    /// True when not every word could be required and some became optional.
    pub relaxed: bool,
    /// Sigles and long forms added to the query from the glossary.
    pub expansions: Vec<String>,
    /// Words the corpus does not know (or hardly) and the near spelling also searched.
    pub corrections: Vec<Correction>,
    /// The query as searched once corrected, when a word was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_query: Option<String>,
    pub territory: Option<Territory>,
    /// The documents' own territories a territory filter kept (inside it or
    /// containing it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub territories_included: Vec<Territory>,
    pub kind: Option<String>,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// A search request once checked: every value within its limits, the filters
/// resolved, the query parsed.
struct Checked<'r> {
    /// The query as typed, trimmed.
    q: &'r str,
    user: UserQuery,
    limit: usize,
    offset: usize,
    territory: Option<TerritoryFilter>,
    kind: Option<DocKind>,
    grouping: Grouping,
}

/// One search's passes over the matches: each stops once the budget is spent.
struct Collecting<'a> {
    searcher: &'a Searcher,
    /// The index's pool for a lone search, one thread under load.
    executor: &'a tantivy::Executor,
    budget: &'a Arc<Budget>,
    collector: index::CandidatesPerDocument,
}

/// The tier of a plan that answers, and what it matched.
struct Chosen<'p> {
    query: &'p dyn Query,
    /// Whether words were dropped to answer.
    relaxed: bool,
    matches: index::Matches,
}

impl Collecting<'_> {
    /// One pass over the matches of `query`.
    fn walk(&self, query: &dyn Query) -> Result<index::Matches> {
        self.collector.start_walk();
        let matches = self.searcher.search_with_executor(
            &Budgeted::new(query.box_clone(), self.budget.clone()),
            &self.collector,
            self.executor,
            tantivy::query::EnableScoring::enabled_from_searcher(self.searcher),
        )?;
        self.budget.check()?;
        Ok(matches)
    }

    /// The first tier of `plan` that finds something, else the first tier.
    fn first_answering_tier<'p>(&self, plan: &'p Plan) -> Result<Chosen<'p>> {
        let mut chosen = None;
        for (tier, is_relaxed) in &plan.tiers {
            let matches = self.walk(&**tier)?;
            let found = matches.total > 0;
            if found || chosen.is_none() {
                chosen = Some(Chosen {
                    query: &**tier,
                    relaxed: *is_relaxed,
                    matches,
                });
            }
            if found {
                break;
            }
        }
        chosen.ok_or_else(|| Error::InvalidQuery("rien à chercher".into()))
    }

    /// The ranking of the `needed` best passages of `chosen`; when a document kept
    /// too few candidates to decide it, collects again with more of each.
    fn rank(
        &mut self,
        chosen: &mut Chosen<'_>,
        needed: usize,
        facts: &Facts<'_>,
    ) -> Result<Vec<rank::Ranked>> {
        loop {
            match rank::rank(&chosen.matches.tops, needed, facts) {
                rank::Outcome::Ranked(ranked) => return Ok(ranked),
                rank::Outcome::NeedMorePerDocument => {
                    self.collector.per_document = self.collector.per_document.saturating_mul(4);
                    chosen.matches = self.walk(chosen.query)?;
                }
            }
        }
    }
}

impl Engine {
    /// Runs a search within the default [`Budget`]. Bad input gives an
    /// [`Error`] whose message is for a person.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        self.search_within(request, Arc::new(Budget::default()))
    }

    /// Runs a search that stops, with [`Error::Budget`], once `budget` is spent.
    pub fn search_within(
        &self,
        request: &SearchRequest,
        budget: Arc<Budget>,
    ) -> Result<SearchResponse> {
        let started = Instant::now();
        let Checked {
            q,
            user,
            limit,
            offset,
            territory,
            kind,
            grouping,
        } = self.checked(request)?;
        let running = self.in_flight.enter();
        let searcher = self.reader.searcher();
        let corrections = if request.exact {
            Vec::new()
        } else {
            self.corrections(&searcher, &user)?
        };
        let mut expansions = Vec::new();
        let plan = self.plan(&user, &corrections, &mut expansions)?;

        let t0 = Instant::now();
        let needed = offset + limit;
        let keep = self.document_filter(territory.as_ref(), kind);
        let mut collector = self.collector(keep, needed);
        if grouping == Grouping::Action {
            // Groups are counted exactly: every matching passage is read.
            collector.per_document = usize::MAX;
            collector.needed = usize::MAX;
            collector.exact_up_to = usize::MAX;
        }
        let mut collecting = Collecting {
            searcher: &searcher,
            executor: running.executor(searcher.index().search_executor()),
            budget: &budget,
            collector,
        };
        let mut chosen = collecting.first_answering_tier(&plan)?;
        let t1 = Instant::now();
        let total = chosen.matches.total;
        let total_is_lower_bound = chosen.matches.counts_are_lower_bounds;
        let facets_are_lower_bounds = chosen.matches.facets_are_lower_bounds;
        let relaxed = chosen.relaxed && total > 0;
        let snippets = Highlighter::new(&searcher, chosen.query, self.fields.text)?;
        let facts = Facts {
            engine: self,
            snippets: &snippets,
            in_text: match grouping {
                Grouping::Action => {
                    Some(self.passages_holding(&searcher, q, &expansions, &corrections)?)
                }
                Grouping::Passage => None,
            },
        };
        let (total, hits, per_document, t2, t3) = if grouping == Grouping::Action {
            let every: usize = chosen.matches.tops.iter().map(|t| t.candidates.len()).sum();
            let ranked = collecting.rank(&mut chosen, every, &facts)?;
            let t2 = Instant::now();
            let (total, hits, per_document) =
                self.grouped_page(q, &ranked, &facts, offset, limit, &snippets);
            (total, hits, per_document, t2, Instant::now())
        } else {
            let ranked = collecting.rank(&mut chosen, needed, &facts)?;
            let t2 = Instant::now();
            let hits = self.hits(&ranked, offset, limit, &snippets);
            (
                total,
                hits,
                std::mem::take(&mut chosen.matches.per_document),
                t2,
                Instant::now(),
            )
        };
        let (territory, territories_included) = match territory {
            Some(filter) => (Some(filter.territory), filter.included),
            None => (None, Vec::new()),
        };
        let matches = chosen.matches;
        let facets = self.facets(&per_document, territory.as_ref());
        let t4 = Instant::now();
        tracing::debug!(
            q,
            plan_us = (t0 - started).as_micros() as u64,
            collect_us = (t1 - t0).as_micros() as u64,
            rank_us = (t2 - t1).as_micros() as u64,
            hits_us = (t3 - t2).as_micros() as u64,
            facets_us = (t4 - t3).as_micros() as u64,
            documents = matches.tops.len(),
            "search phases"
        );
        Ok(SearchResponse {
            query: q.to_string(),
            total,
            total_is_lower_bound,
            facets_are_lower_bounds,
            // Hundredths of a millisecond: finer is noise.
            took_ms: (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0,
            offset,
            limit,
            relaxed,
            expansions,
            corrected_query: (!corrections.is_empty()).then(|| corrected_query(q, &corrections)),
            corrections,
            territory,
            territories_included,
            kind: kind.map(|k| k.as_str().to_string()),
            hits,
            facets,
        })
    }

    /// Checks every value of `request` against its limits, resolves the territory
    /// and kind filters, and parses the query: errors for a person, in that order.
    fn checked<'r>(&self, request: &'r SearchRequest) -> Result<Checked<'r>> {
        let q = request.checked_query()?;
        let (limit, offset) = request.checked_page()?;
        let territory = match given(&request.territory) {
            Some(t) => Some(self.territory_filter(t)?),
            None => None,
        };
        let kind = parsed::<DocKind>(&request.kind)?;
        let grouping: Grouping = request.group.as_deref().unwrap_or("").parse()?;
        let user = parse::parse(q);
        if user.is_empty() {
            return Err(Error::InvalidQuery(
                "rien à chercher une fois les opérateurs retirés".into(),
            ));
        }
        Ok(Checked {
            q,
            user,
            limit,
            offset,
            territory,
            kind,
            grouping,
        })
    }

    /// Per document, in corpus order, whether the territory and kind filters keep
    /// it; `None` without filters.
    fn document_filter(
        &self,
        territory: Option<&TerritoryFilter>,
        kind: Option<DocKind>,
    ) -> Option<Arc<Vec<bool>>> {
        // Territory and kind belong to documents: a filter is a set of documents, applied
        // while matches are collected, so one pass gives facets, total and candidates.
        (territory.is_some() || kind.is_some()).then(|| {
            let keep: Vec<bool> = self
                .knowledge
                .documents
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    territory.is_none_or(|t| t.documents.get(i).copied().unwrap_or(false))
                        && kind.is_none_or(|k| d.kind == Some(k))
                })
                .collect();
            Arc::new(keep)
        })
    }

    /// The collector of the `needed` first results' candidates among the documents
    /// `keep` keeps.
    fn collector(
        &self,
        keep: Option<Arc<Vec<bool>>>,
        needed: usize,
    ) -> index::CandidatesPerDocument {
        let documents = &self.knowledge.documents;
        // A filter down to a few plans takes the page from those few: keep enough of each at
        // once rather than collect again (only the kept plans hold candidates).
        let kept = keep
            .as_ref()
            .map_or(documents.len(), |k| k.iter().filter(|&&b| b).count());
        let per_document = (needed + SPARE_CANDIDATES)
            .max(32 * needed / kept.max(1))
            .min(8 * needed + SPARE_CANDIDATES);
        index::CandidatesPerDocument {
            n_documents: documents.len(),
            keep,
            needed,
            per_document,
            runs: self.runs.clone(),
            exact_up_to: index::EXACT_COUNT,
            counted: Default::default(),
            // A filter down to a few plans: past the exact count, seek from one to the next
            // rather than walk every plan's matches (the facets then become lower bounds).
            seek_kept: keep_few(kept, documents.len()),
            seen: Default::default(),
            floor: Default::default(),
        }
    }

    /// The hits of the page: `limit` ranked passages from `offset`, with their
    /// documents and snippets.
    fn hits(
        &self,
        ranked: &[rank::Ranked],
        offset: usize,
        limit: usize,
        snippets: &Highlighter,
    ) -> Vec<Hit> {
        let mut hits = Vec::with_capacity(limit);
        for r in ranked.iter().skip(offset).take(limit) {
            hits.extend(self.hit(r, snippets));
        }
        hits
    }

    /// One ranked passage as a hit; `None` when its document or passage cannot be read.
    pub(super) fn hit(&self, r: &rank::Ranked, snippets: &Highlighter) -> Option<Hit> {
        let document = self.knowledge.documents.get(r.doc_ord)?;
        let passage = self.store.passage(r.doc_ord, r.passage)?;
        Some(Hit {
            doc_id: document.doc_id.clone(),
            doc_title: document.title.clone(),
            section: self
                .store
                .heading_path(r.doc_ord, passage.section)
                .into_iter()
                .map(str::to_string)
                .collect(),
            field: passage.field.map(str::to_string),
            text: passage.text.to_string(),
            snippet: snippets::snippet_html(snippets, passage.text),
            score: r.score,
            kind: document.kind.map(|k| k.as_str().to_string()),
            year: document.year,
            territory: document.territory.clone(),
            passage: passage.id,
            start: passage.start,
            end: passage.end,
            page: document.page_of(passage.start),
            format: document.source.format,
            action: None,
            action_title: None,
            fields: Vec::new(),
            more_fields: None,
        })
    }
}

/// Whether a filter keeping `kept` of `documents` plans keeps few enough for seeking from one
/// to the next to beat walking every match: at most one in eight.
fn keep_few(kept: usize, documents: usize) -> bool {
    kept.saturating_mul(8) <= documents
}

/// What the ranking reads of a candidate: from the document store, and the snippet
/// highlighter to tell a passage's own matches from its heading's.
pub(super) struct Facts<'a> {
    engine: &'a Engine,
    snippets: &'a Highlighter,
    /// The passages whose own text holds a query word, when read from the postings at
    /// once (grouped searches rank every match: one snippet per match would cost more).
    in_text: Option<crate::text::FastSet<(u32, u32)>>,
}

impl rank::PassageFacts for Facts<'_> {
    fn section(&self, doc_ord: usize, passage: usize) -> Option<Option<usize>> {
        let (section, _) = self.engine.store.passage_place(doc_ord, passage)?;
        Some(section)
    }

    fn matches_in_text(&self, doc_ord: usize, passage: usize) -> bool {
        if let Some(in_text) = &self.in_text {
            return in_text.contains(&(doc_ord as u32, passage as u32));
        }
        self.engine
            .store
            .passage(doc_ord, passage)
            .is_some_and(|p| self.snippets.holds_a_term(p.text))
    }
}
