//! Passage search: from a parsed query to ranked, highlighted hits.
//!
//! Ranking is BM25 over four fields (passage text; heading path, boosted;
//! document title and field label), one disjunction-max per query word so a
//! word found both in a heading and in the text is not counted twice.
//! Every word is required first; when that finds nothing the words become
//! optional, so a long natural-language query still answers. Sigles are
//! expanded both ways from the corpus glossary: `CLAS` also finds
//! "contrat local d'accompagnement à la scolarité", and the reverse.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::Term;

use super::parse::{self, UserQuery};
use super::{Engine, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS};
use crate::analysis;
use crate::model::Territory;
use crate::{index, Error, Result};

const BOOST_SECTION: f32 = 1.5;
const BOOST_TITLE: f32 = 1.2;
const BOOST_FIELD: f32 = 0.8;
const BOOST_PROXIMITY: f32 = 1.5;
const BOOST_EXPANSION: f32 = 0.9;
const TIE_BREAKER: f32 = 0.2;
const SNIPPET_CHARS: usize = 220;
/// Score factor for each passage of a section already ranked above: a page
/// shows several fiches rather than ten passages of one.
const SAME_SECTION_DECAY: f32 = 0.85;
/// The same across a document: users look for every town's plan, not one plan.
const SAME_DOCUMENT_DECAY: f32 = 0.93;
/// Score factor for a further passage of a section that matches only through its heading.
const HEADING_ONLY_REPEAT: f32 = 0.4;
/// Most candidates ranked for one page.
const MAX_CANDIDATES: usize = 2_000;

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
}

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
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
}

/// A facet value and how many matching passages carry it.
#[derive(Debug, Clone, Serialize)]
pub struct FacetCount {
    /// The filter value to send back (`territory=` code, `kind=` name).
    pub value: String,
    pub label: String,
    pub count: u32,
}

/// Counts of matching passages per territory and per kind, before the
/// territory and kind filters are applied.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub territory: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
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
    pub territory: Option<Territory>,
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
fn analyse(text: &str) -> Vec<(usize, String)> {
    let mut analyzer = analysis::french_analyzer();
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

fn looks_like_sigle(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    letters.len() >= 2
        && letters.len() <= 12
        && letters.iter().all(|c| c.is_alphanumeric())
        && letters.iter().filter(|c| c.is_uppercase()).count() >= 2
}

impl Engine {
    /// Runs a search. Bad input gives an [`Error`] whose message is for a person.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let q = request.q.trim();
        if q.is_empty() {
            return Err(Error::InvalidQuery("the query is empty".into()));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::InvalidQuery(format!(
                "the query is longer than {MAX_QUERY_CHARS} characters"
            )));
        }
        let limit = request.limit.unwrap_or(10);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::InvalidParameter {
                name: "limit",
                message: format!("must be between 1 and {MAX_LIMIT}"),
            });
        }
        let offset = request.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(Error::InvalidParameter {
                name: "offset",
                message: format!("must be at most {MAX_OFFSET}"),
            });
        }
        let territory = match request
            .territory
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => Some(self.resolve_territory(t)?),
            None => None,
        };
        let kind = match request.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => Some(
                crate::DocKind::parse(k)
                    .ok_or_else(|| Error::InvalidParameter {
                        name: "kind",
                        message: format!(
                            "`{k}` is not a document kind (ctg, contrat_de_ville, pedt, fiche_coordination, article, conseil_municipal, autre)"
                        ),
                    })?
                    .as_str()
                    .to_string(),
            ),
            None => None,
        };

        let user = parse::parse(q);
        if user.is_empty() {
            return Err(Error::InvalidQuery(
                "nothing to search for once operators are removed".into(),
            ));
        }
        let mut expansions = Vec::new();
        let plan = self.plan(&user, &mut expansions)?;

        let searcher = self.reader.searcher();
        let f = self.fields;
        let filters = |core: Box<dyn Query>| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, core)];
            if let Some(t) = &territory {
                clauses.push((Occur::Must, term_query(f.territory, &t.code)));
            }
            if let Some(k) = &kind {
                clauses.push((Occur::Must, term_query(f.kind, k)));
            }
            Box::new(BooleanQuery::new(clauses))
        };

        // Without filters, the facet counts of a tier also give its total:
        // one pass over the matches instead of two.
        let unfiltered = territory.is_none() && kind.is_none();
        let mut chosen = None;
        for (tier, is_relaxed) in &plan.tiers {
            let filtered = filters(tier.box_clone());
            let (total, per_document) = if unfiltered {
                let per_document = searcher.search(&**tier, &index::PassagesPerDocument)?;
                (
                    per_document.values().map(|&n| n as usize).sum(),
                    Some(per_document),
                )
            } else {
                (searcher.search(&*filtered, &Count)?, None)
            };
            if total > 0 || chosen.is_none() {
                chosen = Some((tier.box_clone(), filtered, total, *is_relaxed, per_document));
            }
            if total > 0 {
                break;
            }
        }
        let Some((query, filtered, total, relaxed, per_document)) = chosen else {
            return Err(Error::InvalidQuery("nothing to search for".into()));
        };
        let relaxed = relaxed && total > 0;
        let per_document = match per_document {
            Some(per_document) => per_document,
            None => searcher.search(&*query, &index::PassagesPerDocument)?,
        };
        let mut snippets = SnippetGenerator::create(&searcher, &*query, f.text)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let documents = &self.knowledge.documents;
        let ranked = self.rerank(&searcher, &*filtered, &snippets, offset + limit)?;
        let mut hits = Vec::with_capacity(limit);
        for &(_, score, doc_ord, passage_idx) in ranked.iter().skip(offset).take(limit) {
            let Some(document) = documents.get(doc_ord) else {
                continue;
            };
            let Some(passage) = self.store.passage(doc_ord, passage_idx) else {
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
                    .heading_path(doc_ord, passage.section)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                field: passage.field.map(str::to_string),
                text: passage.text.to_string(),
                snippet,
                score,
                kind: document.kind.map(|k| k.as_str().to_string()),
                year: document.year,
                territory: document.territory.clone(),
                passage: passage.id,
                start: passage.start,
                end: passage.end,
            });
        }
        Ok(SearchResponse {
            query: q.to_string(),
            total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            offset,
            limit,
            relaxed,
            expansions,
            territory,
            kind,
            hits,
            facets: self.facets(&per_document),
        })
    }

    /// Ranks candidates with diversity: duplicates dropped, further passages
    /// of one section or one document discounted. Adjusting only lowers
    /// scores, so the first `needed` are exact once the `needed`-th adjusted
    /// score is at least the raw score of the last candidate fetched; the
    /// window grows until then, which keeps pages consistent.
    fn rerank(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        snippets: &SnippetGenerator,
        needed: usize,
    ) -> Result<Vec<(f32, f32, usize, usize)>> {
        let locator = index::Locator::new(searcher);
        let cap = MAX_CANDIDATES.max(needed + needed / 2);
        let mut window = (needed * 2 + 20).min(cap);
        loop {
            let candidates = searcher.search(query, &TopDocs::with_limit(window))?;
            let exhausted = candidates.len() < window || window >= cap;
            let floor = candidates.last().map(|(s, _)| *s).unwrap_or(0.0);
            let mut ranked: Vec<(f32, f32, usize, usize)> = Vec::with_capacity(candidates.len());
            let mut seen_texts: HashSet<(usize, String)> = HashSet::new();
            let mut per_section: HashMap<(usize, Option<usize>), i32> = HashMap::new();
            let mut per_doc: HashMap<usize, i32> = HashMap::new();
            for (score, address) in candidates {
                let Some((doc_ord, passage_idx)) = locator.locate(address) else {
                    continue;
                };
                let Some(passage) = self.store.passage(doc_ord, passage_idx) else {
                    continue;
                };
                let squashed = passage
                    .text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
                if !seen_texts.insert((doc_ord, squashed)) {
                    continue;
                }
                // Each further passage of an already ranked section counts a
                // little less; one that matches only through the section's
                // heading adds no evidence of its own and counts much less.
                let earlier = per_section.entry((doc_ord, passage.section)).or_default();
                let earlier_in_doc = per_doc.entry(doc_ord).or_default();
                let mut adjusted = score
                    * SAME_SECTION_DECAY.powi(*earlier)
                    * SAME_DOCUMENT_DECAY.powi(*earlier_in_doc);
                *earlier_in_doc += 1;
                if *earlier > 0 && snippets.snippet(passage.text).highlighted().is_empty() {
                    adjusted *= HEADING_ONLY_REPEAT;
                }
                *earlier += 1;
                ranked.push((adjusted, score, doc_ord, passage_idx));
            }
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
            let settled = ranked
                .get(needed.saturating_sub(1))
                .is_some_and(|r| r.0 >= floor);
            if exhausted || settled {
                return Ok(ranked);
            }
            window = (window * 4).min(cap);
        }
    }

    fn facets(&self, per_document: &HashMap<u64, u32>) -> Facets {
        let mut territory: HashMap<&str, FacetCount> = HashMap::new();
        let mut kind: HashMap<&str, FacetCount> = HashMap::new();
        for (&doc_ord, &n) in per_document {
            let Some(document) = self.knowledge.documents.get(doc_ord as usize) else {
                continue;
            };
            if let Some(t) = &document.territory {
                territory
                    .entry(t.code.as_str())
                    .or_insert_with(|| FacetCount {
                        value: t.code.clone(),
                        label: t.name.clone(),
                        count: 0,
                    })
                    .count += n;
            }
            if let Some(k) = document.kind {
                kind.entry(k.as_str())
                    .or_insert_with(|| FacetCount {
                        value: k.as_str().to_string(),
                        label: k.label().to_string(),
                        count: 0,
                    })
                    .count += n;
            }
        }
        let sorted = |m: HashMap<&str, FacetCount>| {
            let mut v: Vec<FacetCount> = m.into_values().collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
            v
        };
        Facets {
            territory: sorted(territory),
            kind: sorted(kind),
        }
    }

    /// Turns a parsed query into a strict (every word required) and, when
    /// it has several words, a loose (words optional) tantivy query.
    fn plan(&self, user: &UserQuery, expansions: &mut Vec<String>) -> Result<Plan> {
        let glossary = &self.knowledge.glossary;
        let mut units: Vec<Unit> = Vec::new();
        for word in &user.words {
            let terms = analyse(word);
            let mut alternatives = Vec::new();
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
            return Err(Error::OnlyStopWords(all.join(" ")));
        }
        // The bare words together may be the long form of a sigle.
        let mut whole_alternatives: Vec<Box<dyn Query>> = Vec::new();
        if user.words.len() >= 2 {
            let joined = user.words.join(" ");
            let weight = BOOST_EXPANSION * analyse(&joined).len().max(1) as f32;
            for abbr in glossary.abbreviations_of(&joined).into_iter().take(3) {
                let terms = analyse(abbr);
                if !terms.is_empty() {
                    expansions.push(abbr.to_string());
                    whole_alternatives.push(Box::new(BoostQuery::new(
                        self.phrase_clause(&terms, 0),
                        weight,
                    )));
                }
            }
        }
        expansions.dedup();

        let unit_query = |unit: &Unit| -> Box<dyn Query> {
            let mut options: Vec<Box<dyn Query>> = Vec::new();
            if !unit.terms.is_empty() {
                options.push(self.phrase_clause(&unit.terms, 0));
            }
            for (alt, weight) in &unit.alternatives {
                options.push(Box::new(BoostQuery::new(
                    self.phrase_clause(alt, 0),
                    *weight,
                )));
            }
            if options.len() == 1 {
                options
                    .pop()
                    .unwrap_or_else(|| Box::new(BooleanQuery::new(Vec::new())))
            } else {
                Box::new(BooleanQuery::union(options))
            }
        };
        let phrase_clauses: Vec<Box<dyn Query>> = phrases.iter().map(unit_query).collect();
        let word_clauses: Vec<Box<dyn Query>> = units.iter().map(unit_query).collect();

        // Words next to each other, as typed, rank above scattered ones.
        let mut proximity: Option<Box<dyn Query>> = None;
        let bare_terms: Vec<(usize, String)> = analyse(&user.words.join(" "));
        if bare_terms.len() >= 2 {
            proximity = Some(Box::new(BoostQuery::new(
                self.phrase_clause(&bare_terms, 2),
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
            let core: Box<dyn Query> = Box::new(BooleanQuery::new(core));
            finish(core)
        };
        let mut tiers = Vec::new();
        // Words that spell out a sigle's long form name one concept: look for
        // that phrase (loosely) or the sigle, not for the words scattered.
        if !whole_alternatives.is_empty() {
            let mut options: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, self.phrase_clause(&bare_terms, 2))];
            for alt in &whole_alternatives {
                options.push((Occur::Should, alt.box_clone()));
            }
            let mut core: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Must,
                Box::new(BooleanQuery::new(options)) as Box<dyn Query>,
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
        let fields: [(Field, f32); 4] = [
            (f.text, 1.0),
            (f.section, BOOST_SECTION),
            (f.title, BOOST_TITLE),
            (f.field_label, BOOST_FIELD),
        ];
        let first = terms.first().map(|(p, _)| *p).unwrap_or(0);
        let per_field: Vec<Box<dyn Query>> = fields
            .iter()
            .map(|&(field, boost)| {
                let q: Box<dyn Query> = if terms.len() == 1 {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &terms[0].1),
                        IndexRecordOption::WithFreqsAndPositions,
                    ))
                } else {
                    Box::new(PhraseQuery::new_with_offset_and_slop(
                        terms
                            .iter()
                            .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                            .collect(),
                        slop,
                    ))
                };
                if (boost - 1.0).abs() < f32::EPSILON {
                    q
                } else {
                    Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>
                }
            })
            .collect();
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            per_field,
            TIE_BREAKER,
        ))
    }
}

/// Queries from the most to the least precise; the first with hits answers.
struct Plan {
    /// Each query, and whether answering with it means words were dropped.
    tiers: Vec<(Box<dyn Query>, bool)>,
}

fn term_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
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
