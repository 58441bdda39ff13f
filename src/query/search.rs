//! Passage search: from a parsed query to ranked, highlighted hits.
//!
//! Ranking is BM25 over four fields (passage text; heading path, boosted;
//! document title and field label), one disjunction-max per query word so a
//! word found both in a heading and in the text is not counted twice.
//! Every word is required first; when that finds nothing the words become
//! optional, so a long natural-language query still answers. Sigles are
//! expanded both ways from the corpus glossary: `CLAS` also finds
//! "contrat local d'accompagnement à la scolarité", and the reverse.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query};
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::Term;

use super::budget::{Budget, Budgeted};
use super::disjunction::{Disjunction, TermInFields};
use super::parse::{self, UserQuery};
use super::rank;
use super::typos::{self, Correction};
use super::{Engine, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS};
use crate::analysis;
use crate::model::{DocKind, Territory};
use crate::{index, Error, Result};

const BOOST_SECTION: f32 = 1.5;
const BOOST_TITLE: f32 = 1.2;
const BOOST_FIELD: f32 = 0.8;
const BOOST_PROXIMITY: f32 = 1.5;
const BOOST_EXPANSION: f32 = 0.9;
/// A correction weighs less than the word as typed, so exact matches rank first.
const BOOST_CORRECTION: f32 = 0.5;
const TIE_BREAKER: f32 = 0.2;
const SNIPPET_CHARS: usize = 220;
/// Candidates kept per document beyond the page's needs (duplicates, heading-only repeats);
/// a ranking that needs more collects again with more.
const SPARE_CANDIDATES: usize = 6;
/// Passages read to find how a corrected word is spelled.
const SPELLING_SAMPLES: usize = 12;

/// A search as asked by the CLI or the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchRequest {
    pub q: String,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub offset: Option<usize>,
    /// A territory name or official code; also matches documents of the
    /// territories it contains.
    #[serde(default)]
    pub territory: Option<String>,
    /// A document kind (`ctg`, `contrat_de_ville`, `pedt`…).
    #[serde(default)]
    pub kind: Option<String>,
    /// Search the words only as typed: no spelling corrections.
    #[serde(default)]
    pub exact: bool,
}

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
    /// The 1-based page where the passage starts, for paged documents (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

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

/// Words searched at most, after analysis (stop words and elisions removed).
pub const MAX_QUERY_TERMS: usize = 32;

/// Territories listed in a search's facets: a national corpus matches thousands.
pub const MAX_TERRITORY_FACETS: usize = 20;

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
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

/// A query word after analysis, and its alternatives from the glossary.
struct Unit {
    terms: Vec<(usize, String)>,
    /// Other spellings (a sigle's long form, a long form's sigle) with the
    /// boost that puts them on a par with the words they stand for.
    alternatives: Vec<(Vec<(usize, String)>, f32)>,
}

/// Analysed terms with their positions; stop words are gone, positions keep their gaps.
pub(super) fn analyse(text: &str) -> Vec<(usize, String)> {
    thread_local! {
        // Building the analyzer (stop word set, stemmer) costs more than analysing a query.
        static ANALYZER: std::cell::RefCell<tantivy::tokenizer::TextAnalyzer> =
            std::cell::RefCell::new(analysis::french_analyzer());
    }
    ANALYZER.with(|analyzer| analyse_with(&mut analyzer.borrow_mut(), text))
}

fn analyse_with(
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    text: &str,
) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut terms: Vec<(usize, String)> = Vec::new();
    while stream.advance() {
        let token = stream.token();
        // Several tokens at one position (a hyphenated name and its parts):
        // keep one, so phrase queries stay well-formed.
        if terms.last().map(|(p, _)| *p) != Some(token.position) {
            terms.push((token.position, token.text.clone()));
        }
    }
    terms
}

pub(super) fn looks_like_sigle(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    letters.len() >= 2
        && letters.len() <= 12
        && letters.iter().all(|c| c.is_alphanumeric())
        && letters.iter().filter(|c| c.is_uppercase()).count() >= 2
}

/// Most characters of a user's input echoed back in an error message.
const ECHOED_CHARS: usize = 40;

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
        let q = request.q.trim();
        if q.is_empty() {
            return Err(Error::InvalidQuery("la requête est vide".into()));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::InvalidQuery(format!(
                "la requête dépasse {MAX_QUERY_CHARS} caractères"
            )));
        }
        let limit = request.limit.unwrap_or(10);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::InvalidParameter {
                name: "limit",
                message: format!("doit être compris entre 1 et {MAX_LIMIT}"),
            });
        }
        let offset = request.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(Error::InvalidParameter {
                name: "offset",
                message: format!("doit valoir au plus {MAX_OFFSET}"),
            });
        }
        let territory = match request
            .territory
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => Some(self.territory_filter(t)?),
            None => None,
        };
        let kind: Option<DocKind> = match request
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            Some(k) => Some(k.parse()?),
            None => None,
        };

        let user = parse::parse(q);
        if user.is_empty() {
            return Err(Error::InvalidQuery(
                "rien à chercher une fois les opérateurs retirés".into(),
            ));
        }
        let searcher = self.reader.searcher();
        let corrections = if request.exact {
            Vec::new()
        } else {
            self.corrections(&searcher, &user)?
        };
        let mut expansions = Vec::new();
        let plan = self.plan(&user, &corrections, &mut expansions)?;

        let t0 = Instant::now();
        let f = self.fields;
        let documents = &self.knowledge.documents;
        // Territory and kind belong to documents: a filter is a set of documents, applied
        // while matches are collected, so one pass gives facets, total and candidates.
        let keep = (territory.is_some() || kind.is_some()).then(|| {
            let keep: Vec<bool> = documents
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    territory
                        .as_ref()
                        .is_none_or(|t| t.documents.get(i).copied().unwrap_or(false))
                        && kind.is_none_or(|k| d.kind == Some(k))
                })
                .collect();
            Arc::new(keep)
        });
        let needed = offset + limit;
        // A filter down to a few plans takes the page from those few: keep enough of each at
        // once rather than collect again (only the kept plans hold candidates).
        let kept = keep
            .as_ref()
            .map_or(documents.len(), |k| k.iter().filter(|&&b| b).count());
        let per_document = (needed + SPARE_CANDIDATES)
            .max(32 * needed / kept.max(1))
            .min(8 * needed + SPARE_CANDIDATES);
        let mut collector = index::CandidatesPerDocument {
            n_documents: documents.len(),
            keep,
            needed,
            per_document,
            runs: self.runs.clone(),
        };
        let mut chosen = None;
        let walk = |query: &dyn Query, collector: &index::CandidatesPerDocument| {
            let matches =
                searcher.search(&Budgeted::new(query.box_clone(), budget.clone()), collector)?;
            budget.check()?;
            Ok::<_, Error>(matches)
        };
        for (tier, is_relaxed) in &plan.tiers {
            let matches = walk(&**tier, &collector)?;
            let found = matches.total > 0;
            if found || chosen.is_none() {
                chosen = Some((tier, *is_relaxed, matches));
            }
            if found {
                break;
            }
        }
        let Some((query, relaxed, mut matches)) = chosen else {
            return Err(Error::InvalidQuery("rien à chercher".into()));
        };
        let t1 = Instant::now();
        let total = matches.total;
        let relaxed = relaxed && total > 0;
        let mut snippets = SnippetGenerator::create(&searcher, &**query, f.text)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let facts = Facts {
            engine: self,
            snippets: &snippets,
        };
        let ranked = loop {
            match rank::rank(&matches.tops, needed, &facts) {
                rank::Outcome::Ranked(ranked) => break ranked,
                rank::Outcome::NeedMorePerDocument => {
                    collector.per_document = collector.per_document.saturating_mul(4);
                    matches = walk(&**query, &collector)?;
                }
            }
        };
        let t2 = Instant::now();
        let mut hits = Vec::with_capacity(limit);
        for r in ranked.iter().skip(offset).take(limit) {
            let Some(document) = documents.get(r.doc_ord) else {
                continue;
            };
            let Some(passage) = self.store.passage(r.doc_ord, r.passage) else {
                continue;
            };
            let snippet = snippets.snippet(passage.text);
            let snippet = if snippet.is_empty() {
                html_escape(&truncate_chars(passage.text, SNIPPET_CHARS))
            } else {
                highlight_html(snippet.fragment(), snippet.highlighted())
            };
            hits.push(Hit {
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
                snippet,
                score: r.score,
                kind: document.kind.map(|k| k.as_str().to_string()),
                year: document.year,
                territory: document.territory.clone(),
                passage: passage.id,
                start: passage.start,
                end: passage.end,
                page: document.page_of(passage.start),
            });
        }
        let t3 = Instant::now();
        let (territory, territories_included) = match territory {
            Some(filter) => (Some(filter.territory), filter.included),
            None => (None, Vec::new()),
        };
        let facets = self.facets(&matches.per_document, territory.as_ref());
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

    /// The words of `user` to search also as a near spelling ([`typos`]).
    fn corrections(
        &self,
        searcher: &tantivy::Searcher,
        user: &UserQuery,
    ) -> Result<Vec<Correction>> {
        let f = self.fields;
        let all_fields = [f.text, f.section, f.title, f.field_label];
        let mut corrections: Vec<Correction> = Vec::new();
        if user.words.len() > MAX_QUERY_TERMS {
            // Refused by the plan anyway: no dictionary walk per word first.
            return Ok(corrections);
        }
        for word in &user.words {
            let Some(edits) = typos::max_edits(word) else {
                continue;
            };
            if corrections.iter().any(|c| &c.from == word) {
                continue;
            }
            let terms = analyse(word);
            let [(_, stem)] = terms.as_slice() else {
                continue;
            };
            let folded = analysis::folding::fold(word);
            let folded = folded
                .split(|c: char| !c.is_alphanumeric())
                .max_by_key(|w| w.len())
                .unwrap_or("");
            // A word found in many passages cannot be outnumbered: no dictionary walk.
            let known = typos::passages_with(searcher, &all_fields, stem)?;
            if known.saturating_mul(typos::OUTNUMBERED) > searcher.num_docs() {
                continue;
            }
            // Each probe gets the edits its own length allows, at most the word's.
            let probes = [stem.as_str(), folded].map(|p| {
                let allowed = typos::edits_for(p.chars().count()).unwrap_or(0);
                (p, allowed.min(edits))
            });
            let Some(near) = typos::nearest(searcher, f.text, &probes)? else {
                continue;
            };
            if known > 0 && near.passages < typos::OUTNUMBERED * known {
                continue;
            }
            let at =
                typos::occurrences(searcher, f.text, &near.term, &self.runs, SPELLING_SAMPLES)?;
            let texts = at
                .iter()
                .filter_map(|&(doc, passage)| self.store.passage(doc as usize, passage as usize))
                .map(|p| p.text);
            let to = typos::spelling(&near.term, word, texts).unwrap_or_else(|| near.term.clone());
            corrections.push(Correction {
                from: word.clone(),
                to,
                term: near.term,
            });
        }
        Ok(corrections)
    }

    fn facets(&self, per_document: &[u32], selected: Option<&Territory>) -> Facets {
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
                let slot = index.territories.iter().position(|x| x.code == t.code);
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

    /// Turns a parsed query into a strict (every word required) and, when
    /// it has several words, a loose (words optional) tantivy query.
    fn plan(
        &self,
        user: &UserQuery,
        corrections: &[Correction],
        expansions: &mut Vec<String>,
    ) -> Result<Plan> {
        let glossary = &self.knowledge.glossary;
        let correction_of = |word: &str| corrections.iter().find(|c| c.from == word);
        // The words as searched: a corrected word by its corrected spelling.
        let words: Vec<&str> = user
            .words
            .iter()
            .map(|w| correction_of(w).map_or(w.as_str(), |c| c.to.as_str()))
            .collect();
        let mut units: Vec<Unit> = Vec::new();
        for word in &user.words {
            let terms = analyse(word);
            let mut alternatives = Vec::new();
            if let Some(c) = correction_of(word) {
                let position = terms.first().map_or(0, |(p, _)| *p);
                alternatives.push((vec![(position, c.term.clone())], BOOST_CORRECTION));
            }
            if looks_like_sigle(word) || word.chars().count() <= 8 {
                for long in glossary.expansions(word).into_iter().take(3) {
                    let long_terms = analyse(long);
                    if !long_terms.is_empty() {
                        expansions.push(long.to_string());
                        alternatives.push((long_terms, BOOST_EXPANSION));
                    }
                }
            }
            if !terms.is_empty() || !alternatives.is_empty() {
                units.push(Unit {
                    terms,
                    alternatives,
                });
            }
        }
        let mut phrases: Vec<Unit> = Vec::new();
        for phrase in &user.phrases {
            let terms = analyse(phrase);
            let mut alternatives = Vec::new();
            // One sigle stands for every word of its long form.
            let weight = BOOST_EXPANSION * terms.len().max(1) as f32;
            for abbr in glossary.abbreviations_of(phrase).into_iter().take(3) {
                expansions.push(abbr.to_string());
                alternatives.push((analyse(abbr), weight));
            }
            if !terms.is_empty() {
                phrases.push(Unit {
                    terms,
                    alternatives,
                });
            }
        }
        if units.is_empty() && phrases.is_empty() {
            let all: Vec<&str> = user
                .words
                .iter()
                .chain(user.phrases.iter())
                .map(String::as_str)
                .collect();
            let joined = all.join(" ");
            // Punctuation and emoji are not stop words: say what is really wrong.
            if !joined.chars().any(char::is_alphanumeric) {
                return Err(Error::InvalidQuery(
                    "la requête ne contient ni lettre ni chiffre à chercher".into(),
                ));
            }
            // A word longer than any indexed one (a pasted hash, a run of letters) is
            // dropped by the analyzer like junk: say so, not "stop words".
            let too_long = joined
                .split(|c: char| !c.is_alphanumeric())
                .find(|w| w.len() > analysis::MAX_TOKEN_BYTES);
            if let Some(word) = too_long {
                return Err(Error::InvalidQuery(format!(
                    "les mots de plus de {} octets ne sont pas indexés ({})",
                    analysis::MAX_TOKEN_BYTES,
                    truncate_chars(word, ECHOED_CHARS)
                )));
            }
            return Err(Error::OnlyStopWords(truncate_chars(&joined, ECHOED_CHARS)));
        }
        // Each term is a walk over postings: a pasted page of numbers would hold a
        // worker for seconds. A query is a few words; past the budget, say so.
        let n_terms: usize = units.iter().chain(&phrases).map(|u| u.terms.len()).sum();
        if n_terms > MAX_QUERY_TERMS {
            return Err(Error::InvalidQuery(format!(
                "la requête compte {n_terms} mots une fois analysée ; {MAX_QUERY_TERMS} au plus sont cherchés : gardez les plus parlants"
            )));
        }
        // The bare words together may be the long form of a sigle.
        let mut whole_alternatives: Vec<(Box<dyn Query>, f32)> = Vec::new();
        if words.len() >= 2 {
            let joined = words.join(" ");
            let weight = BOOST_EXPANSION * analyse(&joined).len().max(1) as f32;
            let mut sigles: Vec<(&str, String)> = glossary
                .abbreviations_of(&joined)
                .into_iter()
                .take(3)
                .map(|abbr| (abbr, abbr.to_string()))
                .collect();
            if sigles.is_empty() {
                // Part of one long form (its head, or its last words) reaches its sigle;
                // the expansion names the long form, which says why.
                if let Some((abbr, long)) = glossary.abbreviation_of_part(&joined) {
                    sigles.push((abbr, format!("{abbr} ({long})")));
                }
            }
            for (abbr, shown) in sigles {
                let terms = analyse(abbr);
                if !terms.is_empty() {
                    expansions.push(shown);
                    whole_alternatives.push((self.phrase_clause(&terms, 0), weight));
                }
            }
        }
        expansions.dedup();

        let unit_query = |unit: &Unit| -> Box<dyn Query> {
            let mut options: Vec<(Box<dyn Query>, f32)> = Vec::new();
            if !unit.terms.is_empty() {
                options.push((self.phrase_clause(&unit.terms, 0), 1.0));
            }
            for (alt, weight) in &unit.alternatives {
                options.push((self.phrase_clause(alt, 0), *weight));
            }
            Disjunction::of(options, 1.0)
        };
        let phrase_clauses: Vec<Box<dyn Query>> = phrases.iter().map(unit_query).collect();
        let word_clauses: Vec<Box<dyn Query>> = units.iter().map(unit_query).collect();

        // Words next to each other, as typed, rank above scattered ones.
        let mut proximity: Option<Box<dyn Query>> = None;
        let bare_terms: Vec<(usize, String)> = analyse(&words.join(" "));
        if bare_terms.len() >= 2 {
            proximity = Some(Box::new(BoostQuery::new(
                self.proximity_clause(&bare_terms),
                BOOST_PROXIMITY,
            )));
        }
        let excluded: Vec<Box<dyn Query>> = user
            .excluded
            .iter()
            .map(|e| analyse(e))
            .filter(|t| !t.is_empty())
            .map(|t| self.phrase_clause(&t, 0))
            .collect();

        let finish = |core: Box<dyn Query>| -> Box<dyn Query> {
            // A lone clause is the query itself: each level of nesting is a
            // scorer wrapped around every match.
            if proximity.is_none() && excluded.is_empty() {
                return core;
            }
            let mut top: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, core)];
            if let Some(p) = &proximity {
                top.push((Occur::Should, p.box_clone()));
            }
            for e in &excluded {
                top.push((Occur::MustNot, e.box_clone()));
            }
            Box::new(BooleanQuery::new(top))
        };
        let assemble = |required_words: bool| -> Box<dyn Query> {
            let occur = if required_words {
                Occur::Must
            } else {
                Occur::Should
            };
            let mut core: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for c in &phrase_clauses {
                core.push((Occur::Must, c.box_clone()));
            }
            for c in &word_clauses {
                core.push((occur, c.box_clone()));
            }
            let core: Box<dyn Query> = if core.len() == 1 && core[0].0 == Occur::Must {
                core.pop().map_or_else(
                    || Box::new(BooleanQuery::new(Vec::new())) as Box<dyn Query>,
                    |(_, q)| q,
                )
            } else {
                Box::new(BooleanQuery::new(core))
            };
            finish(core)
        };
        let mut tiers = Vec::new();
        // Words that spell out a sigle's long form name one concept: look for
        // that phrase (loosely) or the sigle, not for the words scattered.
        if !whole_alternatives.is_empty() {
            let mut options: Vec<(Box<dyn Query>, f32)> =
                vec![(self.phrase_clause(&bare_terms, 2), 1.0)];
            for (alt, weight) in &whole_alternatives {
                options.push((alt.box_clone(), *weight));
            }
            let mut core: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Must,
                Box::new(Disjunction::sum(options)) as Box<dyn Query>,
            )];
            for c in &phrase_clauses {
                core.push((Occur::Must, c.box_clone()));
            }
            tiers.push((finish(Box::new(BooleanQuery::new(core))), false));
        }
        tiers.push((assemble(true), false));
        if word_clauses.len() >= 2 {
            tiers.push((assemble(false), true));
        }
        Ok(Plan { tiers })
    }

    /// Terms (one or a phrase) matched in the text, the headings, the title
    /// or the field label, the best field counting most.
    fn phrase_clause(&self, terms: &[(usize, String)], slop: u32) -> Box<dyn Query> {
        let f = self.fields;
        self.phrase_clause_in(
            terms,
            slop,
            &[
                (f.text, 1.0),
                (f.section, BOOST_SECTION),
                (f.title, BOOST_TITLE),
                (f.field_label, BOOST_FIELD),
            ],
        )
    }

    /// Words close together in the passage or its headings. Not in the title or the
    /// field label: those are the same for many passages, so closeness there tells no
    /// passage from another, and reading positions is most of a multi-word search.
    fn proximity_clause(&self, terms: &[(usize, String)]) -> Box<dyn Query> {
        let f = self.fields;
        self.phrase_clause_in(terms, 2, &[(f.text, 1.0)])
    }

    fn phrase_clause_in(
        &self,
        terms: &[(usize, String)],
        slop: u32,
        fields: &[(Field, f32)],
    ) -> Box<dyn Query> {
        if terms.is_empty() {
            // A sigle or long form of nothing but stop words: a phrase needs terms.
            return Box::new(tantivy::query::EmptyQuery);
        }
        if let [(_, term)] = terms {
            // One term needs no positions to score.
            return Box::new(TermInFields::new(
                fields
                    .iter()
                    .map(|&(field, boost)| (Term::from_field_text(field, term), boost))
                    .collect(),
                TIE_BREAKER,
            ));
        }
        let first = terms.first().map(|(p, _)| *p).unwrap_or(0);
        let per_field: Vec<(Box<dyn Query>, f32)> = fields
            .iter()
            .map(|&(field, boost)| {
                let q: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset_and_slop(
                    terms
                        .iter()
                        .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                        .collect(),
                    slop,
                ));
                (q, boost)
            })
            .collect();
        Disjunction::of(per_field, TIE_BREAKER)
    }
}

/// Queries from the most to the least precise; the first with hits answers.
struct Plan {
    /// Each query, and whether answering with it means words were dropped.
    tiers: Vec<(Box<dyn Query>, bool)>,
}

/// What the ranking reads of a candidate: from the document store, and the snippet
/// generator to tell a passage's own matches from its heading's.
struct Facts<'a> {
    engine: &'a Engine,
    snippets: &'a SnippetGenerator,
}

impl rank::PassageFacts for Facts<'_> {
    fn section_and_key(&self, doc_ord: usize, passage: usize) -> Option<(Option<usize>, u64)> {
        let passage = self.engine.store.passage(doc_ord, passage)?;
        Some((passage.section, rank::text_key(passage.text)))
    }

    fn matches_in_text(&self, doc_ord: usize, passage: usize) -> bool {
        self.engine
            .store
            .passage(doc_ord, passage)
            .is_some_and(|p| !self.snippets.snippet(p.text).highlighted().is_empty())
    }
}

/// `query` with each corrected word replaced by its correction.
fn corrected_query(query: &str, corrections: &[Correction]) -> String {
    query
        .split(' ')
        .map(|piece| {
            corrections
                .iter()
                .find(|c| c.from == piece)
                .map_or(piece, |c| c.to.as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Escapes text for HTML: documents contain raw markup that must show as text.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes `fragment` and wraps the byte ranges in `<mark>`.
fn highlight_html(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(fragment.len() + 32);
    let mut cursor = 0;
    for range in highlighted {
        let (Some(before), Some(marked)) = (
            fragment.get(cursor..range.start),
            fragment.get(range.start..range.end),
        ) else {
            continue;
        };
        out.push_str(&html_escape(before));
        out.push_str("<mark>");
        out.push_str(&html_escape(marked));
        out.push_str("</mark>");
        cursor = range.end;
    }
    out.push_str(&html_escape(fragment.get(cursor..).unwrap_or("")));
    out
}

fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    if let Some(space) = out.rfind(' ') {
        out.truncate(space);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_marks_terms_and_escapes_markup() {
        let fragment = "<p>Soutien à la parentalité</p>";
        let start = fragment.find("parentalité").unwrap();
        let end = start + "parentalité".len();
        let html = highlight_html(fragment, std::slice::from_ref(&(start..end)));
        assert_eq!(
            html,
            "&lt;p&gt;Soutien à la <mark>parentalité</mark>&lt;/p&gt;"
        );
    }

    #[test]
    fn bad_ranges_do_not_panic() {
        let html = highlight_html("réussite", &[1..2, 50..60]);
        assert!(html.contains("réussite") || html.contains("ussite"));
    }

    #[test]
    fn sigles_are_recognised() {
        assert!(looks_like_sigle("CLAS"));
        assert!(looks_like_sigle("C.G.E.T"));
        assert!(!looks_like_sigle("Ofii"));
        assert!(!looks_like_sigle("parentalité"));
    }

    #[test]
    fn truncation_cuts_on_a_word() {
        assert_eq!(
            truncate_chars("accueil des jeunes enfants", 12),
            "accueil des…"
        );
    }
}
