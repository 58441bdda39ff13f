//! Query planning: from a parsed query to the tantivy queries tried in turn.
//!
//! Each word becomes a clause over four fields with its alternatives (a
//! correction, a sigle's long form, a long form's sigle); quoted phrases are
//! required; words that spell out a sigle's long form are first searched as
//! that one concept. The plan lists tiers from the most to the least precise
//! (concept, every word required, words optional), and the first that finds
//! something answers.

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::snippets::truncate_chars;
use super::MAX_QUERY_TERMS;
use crate::analysis::{self, pairs};
use crate::query::bonus::Bonus;
use crate::query::disjunction::{
    Conjunction, Disjunction, NearInField, PhraseInField, Proximity, RunsOf, TermInFields,
};
use crate::query::parse::UserQuery;
use crate::query::repeated::Repeated;
use crate::query::typos::Correction;
use crate::query::Engine;
use crate::{Error, Result};

const BOOST_SECTION: f32 = 1.5;
const BOOST_TITLE: f32 = 1.2;
const BOOST_FIELD: f32 = 0.8;
const BOOST_PROXIMITY: f32 = 1.5;
const BOOST_EXPANSION: f32 = 0.9;
/// A correction weighs less than the word as typed, so exact matches rank first.
const BOOST_CORRECTION: f32 = 0.5;
const TIE_BREAKER: f32 = 0.2;

/// Most characters of a user's input echoed back in an error message.
const ECHOED_CHARS: usize = 40;

/// A query word after analysis, and its alternatives from the glossary.
struct Unit {
    terms: Vec<(usize, String)>,
    /// Other spellings (a sigle's long form, a long form's sigle) with the
    /// boost that puts them on a par with the words they stand for.
    alternatives: Vec<(Vec<(usize, String)>, f32)>,
}

/// Analysed terms with their positions; stop words are gone, positions keep their gaps.
pub(in crate::query) fn analyse(text: &str) -> Vec<(usize, String)> {
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

pub(in crate::query) fn looks_like_sigle(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    letters.len() >= 2
        && letters.len() <= 12
        && letters.iter().all(|c| c.is_alphanumeric())
        && letters.iter().filter(|c| c.is_uppercase()).count() >= 2
}

/// Queries from the most to the least precise; the first with hits answers.
pub(super) struct Plan {
    /// Each query, and whether answering with it means words were dropped.
    pub(super) tiers: Vec<(Box<dyn Query>, bool)>,
}

/// The clauses a plan's tiers are assembled from.
struct Clauses {
    /// One per quoted phrase: always required.
    phrases: Vec<Box<dyn Query>>,
    /// One per word: required in the strict tier, optional in the loose one.
    words: Vec<Box<dyn Query>>,
    /// The words next to each other, as typed: a bonus.
    proximity: Option<Proximity>,
    /// Excluded words and phrases.
    excluded: Vec<Box<dyn Query>>,
}

/// `first` required, with each of `others` under `occur`; `first` itself without others: a
/// lone clause is the query itself (each level of nesting is a scorer wrapped around every
/// match, and only a query met as itself keeps its own bounded walk).
fn required_with(first: Box<dyn Query>, occur: Occur, others: &[Box<dyn Query>]) -> Box<dyn Query> {
    if others.is_empty() {
        return first;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, first)];
    clauses.extend(others.iter().map(|q| (occur, q.box_clone())));
    Box::new(BooleanQuery::new(clauses))
}

impl Clauses {
    /// `core` with the exclusions and the proximity bonus around it.
    fn finish(&self, core: Box<dyn Query>) -> Box<dyn Query> {
        let core = required_with(core, Occur::MustNot, &self.excluded);
        match &self.proximity {
            None => core,
            Some(p) => Box::new(Bonus::new(
                core,
                p.query.box_clone(),
                p.terms.clone(),
                p.boost,
            )),
        }
    }

    /// The phrases required, and the words required or optional.
    fn assemble(&self, required_words: bool) -> Box<dyn Query> {
        let occur = if required_words {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut core: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in &self.phrases {
            core.push((Occur::Must, c.box_clone()));
        }
        for c in &self.words {
            core.push((occur, c.box_clone()));
        }
        if let Some(conjunction) = self.conjunction(&core) {
            return conjunction;
        }
        let core: Box<dyn Query> = if core.len() == 1 && core[0].0 == Occur::Must {
            core.pop().map_or_else(
                || Box::new(BooleanQuery::new(Vec::new())) as Box<dyn Query>,
                |(_, q)| q,
            )
        } else {
            Box::new(BooleanQuery::new(core))
        };
        self.finish(core)
    }

    /// Clauses all required, each one word in its fields (or a phrase of two found through
    /// its pairs, or a word and its correction), with nothing excluded: one [`Conjunction`]
    /// under the proximity bonus, whose walk passes over what cannot place.
    fn conjunction(&self, core: &[(Occur, Box<dyn Query>)]) -> Option<Box<dyn Query>> {
        if core.len() < 2
            || !self.excluded.is_empty()
            || core.iter().any(|(occur, _)| *occur != Occur::Must)
        {
            return None;
        }
        let words = core.iter().map(|(_, q)| q.box_clone()).collect();
        Conjunction::new(words, self.proximity.clone()).map(|c| Box::new(c) as Box<dyn Query>)
    }

    /// The tiers, most precise first: the whole query as one concept (when its
    /// words spell out a sigle's long form), every word required, then (with
    /// several words) words optional.
    fn tiers(&self, concept: Option<Box<dyn Query>>) -> Vec<(Box<dyn Query>, bool)> {
        let mut tiers = Vec::new();
        // Words that spell out a sigle's long form name one concept: look for
        // that phrase (loosely) or the sigle, not for the words scattered.
        if let Some(concept) = concept {
            // Alone, the concept is walked with its own bounds.
            let core = required_with(concept, Occur::Must, &self.phrases);
            tiers.push((self.finish(core), false));
        }
        tiers.push((self.assemble(true), false));
        if self.words.len() >= 2 {
            tiers.push((self.assemble(false), true));
        }
        tiers
    }
}

impl Engine {
    /// Turns a parsed query into a strict (every word required) and, when
    /// it has several words, a loose (words optional) tantivy query.
    pub(super) fn plan(
        &self,
        user: &UserQuery,
        corrections: &[Correction],
        expansions: &mut Vec<String>,
    ) -> Result<Plan> {
        // The words as searched: a corrected word by its corrected spelling.
        let words: Vec<&str> = user
            .words
            .iter()
            .map(|w| correction_of(corrections, w).map_or(w.as_str(), |c| c.to.as_str()))
            .collect();
        let units = self.word_units(user, corrections, expansions);
        let phrases = self.phrase_units(user, expansions);
        if units.is_empty() && phrases.is_empty() {
            return Err(nothing_to_search(user));
        }
        check_term_count(&units, &phrases)?;
        let whole_alternatives = self.whole_query_sigles(&words, expansions);
        expansions.dedup();

        // Words next to each other, as typed, rank above scattered ones.
        let bare_terms: Vec<(usize, String)> = analyse(&words.join(" "));
        let proximity = (bare_terms.len() >= 2).then(|| self.proximity(&bare_terms));
        let clauses = Clauses {
            phrases: phrases.iter().map(|u| self.unit_query(u)).collect(),
            words: units.iter().map(|u| self.unit_query(u)).collect(),
            proximity,
            excluded: self.excluded_clauses(user),
        };
        let concept = (!whole_alternatives.is_empty())
            .then(|| self.whole_query_concept(&bare_terms, whole_alternatives));
        Ok(Plan {
            tiers: clauses.tiers(concept),
        })
    }

    /// One unit per word that analysis keeps or the glossary or a correction
    /// gives alternatives for; the long forms added go to `expansions`.
    fn word_units(
        &self,
        user: &UserQuery,
        corrections: &[Correction],
        expansions: &mut Vec<String>,
    ) -> Vec<Unit> {
        let glossary = &self.knowledge.glossary;
        let mut units: Vec<Unit> = Vec::new();
        for word in &user.words {
            let terms = analyse(word);
            let mut alternatives = Vec::new();
            if let Some(c) = correction_of(corrections, word) {
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
        units
    }

    /// One unit per quoted phrase analysis keeps, with the sigles it is the long
    /// form of; the sigles added go to `expansions`.
    fn phrase_units(&self, user: &UserQuery, expansions: &mut Vec<String>) -> Vec<Unit> {
        let glossary = &self.knowledge.glossary;
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
        phrases
    }

    /// The sigles the bare words together are the long form of (or, failing
    /// that, part of one), each as a clause with its weight; what they are
    /// goes to `expansions`.
    fn whole_query_sigles(
        &self,
        words: &[&str],
        expansions: &mut Vec<String>,
    ) -> Vec<(Box<dyn Query>, f32)> {
        let glossary = &self.knowledge.glossary;
        let mut whole_alternatives: Vec<(Box<dyn Query>, f32)> = Vec::new();
        if words.len() < 2 {
            return whole_alternatives;
        }
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
        whole_alternatives
    }

    /// The bare words as one concept: close together, or one of its sigles.
    fn whole_query_concept(
        &self,
        bare_terms: &[(usize, String)],
        whole_alternatives: Vec<(Box<dyn Query>, f32)>,
    ) -> Box<dyn Query> {
        let near = self
            .near_in_fields(bare_terms, 2)
            .unwrap_or_else(|| self.phrase_clause(bare_terms, 2));
        let mut options: Vec<(Box<dyn Query>, f32)> = vec![(near, 1.0)];
        for (alt, weight) in &whole_alternatives {
            options.push((alt.box_clone(), *weight));
        }
        Box::new(Disjunction::sum(options))
    }

    /// A word or phrase, or any of its alternatives, the best counting.
    fn unit_query(&self, unit: &Unit) -> Box<dyn Query> {
        let mut options: Vec<(Box<dyn Query>, f32)> = Vec::new();
        if !unit.terms.is_empty() {
            options.push((self.phrase_clause(&unit.terms, 0), 1.0));
        }
        for (alt, weight) in &unit.alternatives {
            options.push((self.phrase_clause(alt, 0), *weight));
        }
        Disjunction::of(options, 1.0)
    }

    /// The excluded words and phrases analysis keeps, each as a clause.
    fn excluded_clauses(&self, user: &UserQuery) -> Vec<Box<dyn Query>> {
        user.excluded
            .iter()
            .map(|e| analyse(e))
            .filter(|t| !t.is_empty())
            .map(|t| self.phrase_clause(&t, 0))
            .collect()
    }

    /// Terms (one or a phrase) matched in the text, the headings, the title
    /// or the field label, the best field counting most.
    fn phrase_clause(&self, terms: &[(usize, String)], slop: u32) -> Box<dyn Query> {
        self.phrase_clause_in(terms, slop, &self.word_fields())
    }

    /// The fields a word is searched in, each with its boost.
    fn word_fields(&self) -> [(Field, f32); 4] {
        let f = self.fields;
        [
            (f.text, 1.0),
            (f.section, BOOST_SECTION),
            (f.title, BOOST_TITLE),
            (f.field_label, BOOST_FIELD),
        ]
    }

    /// Words close together in the passage text. Not in the title or the field label:
    /// those are the same for many passages, so closeness there tells no passage from
    /// another, and reading positions is most of a multi-word search.
    fn proximity(&self, terms: &[(usize, String)]) -> Proximity {
        let text = self.fields.text;
        Proximity {
            query: Box::new(BoostQuery::new(
                self.phrase_clause_in(terms, 2, &[(text, 1.0)]),
                BOOST_PROXIMITY,
            )),
            terms: terms
                .iter()
                .map(|(_, t)| Term::from_field_text(text, t))
                .collect(),
            boost: BOOST_PROXIMITY,
        }
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
        if slop == 0 {
            if let Some(pairs) = self.pairs_in_fields(terms, fields) {
                return pairs;
            }
            if let Some(phrase) = self.phrase_in_fields(terms, fields) {
                return phrase;
            }
        }
        let first = terms.first().map(|(p, _)| *p).unwrap_or(0);
        let per_field: Vec<(Box<dyn Query>, f32)> = fields
            .iter()
            .map(|&(field, boost)| {
                let q: Box<dyn Query> = match self.fields.pairs_of(field) {
                    Some(pairs) if slop == 0 => phrase_by_pairs(field, pairs, terms),
                    _ => Box::new(PhraseQuery::new_with_offset_and_slop(
                        terms
                            .iter()
                            .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                            .collect(),
                        slop,
                    )),
                };
                // Title and headings repeat over runs of passages: one phrase check a run.
                let q = match self.fields.repeats(field) {
                    Some(repeats) => Box::new(Repeated::new(q, repeats, self.runs.clone())),
                    None => q,
                };
                (q, boost)
            })
            .collect();
        Disjunction::of(per_field, TIE_BREAKER)
    }
}

impl Engine {
    /// A two-term phrase without slop in `fields` as the pairs standing for it, one per
    /// field, searched and pruned like one word in its fields; `None` when the two terms
    /// are too far apart to be paired or a field has no pairs.
    fn pairs_in_fields(
        &self,
        terms: &[(usize, String)],
        fields: &[(Field, f32)],
    ) -> Option<Box<dyn Query>> {
        let [_, _] = terms else {
            return None;
        };
        let [pair] = pairs::pairs_of_phrase(terms).try_into().ok()?;
        let clauses = fields
            .iter()
            .map(|&(field, boost)| {
                let pairs_field = self.fields.pairs_of(field)?;
                let phrase = terms
                    .iter()
                    .map(|(_, t)| Term::from_field_text(field, t))
                    .collect();
                let runs = self.runs_of(field);
                Some((
                    Term::from_field_text(pairs_field, &pair),
                    phrase,
                    boost,
                    runs,
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Box::new(TermInFields::pairs(clauses, TIE_BREAKER)))
    }

    /// A phrase with slop in the fields a query word is searched in, found in each through
    /// one of its terms and checked where the walk reaches ([`TermInFields::near`]),
    /// searched and pruned like one word in its fields; `None` for fewer than two terms.
    fn near_in_fields(&self, terms: &[(usize, String)], slop: u32) -> Option<Box<dyn Query>> {
        let first = terms.first()?.0;
        let phrases = self
            .word_fields()
            .into_iter()
            .map(|(field, boost)| NearInField {
                terms: terms
                    .iter()
                    .map(|(p, t)| ((p - first) as u32, Term::from_field_text(field, t)))
                    .collect(),
                boost,
                // Title and headings repeat over runs of passages: one check a run.
                runs: self.runs_of(field),
            })
            .collect();
        Some(Box::new(TermInFields::near(phrases, slop, TIE_BREAKER)?))
    }

    /// The runs of passages `field` repeats over (the title's, the headings'; `None` for
    /// the others): their pairs are on the first passage of each run only.
    fn runs_of(&self, field: Field) -> Option<RunsOf> {
        self.fields.repeats(field).map(|repeats| RunsOf {
            repeats,
            runs: self.runs.clone(),
        })
    }

    /// A phrase of three terms or more without slop in `fields`, found through the pairs
    /// of its neighbouring terms in each and checked where the rarest is, searched and
    /// pruned like one word in its fields; `None` when no two of its terms are close
    /// enough to be paired or a field has no pairs.
    fn phrase_in_fields(
        &self,
        terms: &[(usize, String)],
        fields: &[(Field, f32)],
    ) -> Option<Box<dyn Query>> {
        let first = terms.first()?.0;
        let pairs = pairs::pairs_of_phrase(terms);
        if terms.len() < 3 || pairs.is_empty() {
            return None;
        }
        let clauses = fields
            .iter()
            .map(|&(field, boost)| {
                let pairs_field = self.fields.pairs_of(field)?;
                let pairs = pairs
                    .iter()
                    .map(|pair| Term::from_field_text(pairs_field, pair))
                    .collect();
                let phrase = terms
                    .iter()
                    .map(|(p, t)| ((p - first) as u32, Term::from_field_text(field, t)))
                    .collect();
                let runs = self.runs_of(field);
                Some(PhraseInField {
                    pairs,
                    terms: phrase,
                    boost,
                    runs,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Box::new(TermInFields::phrases(clauses, TIE_BREAKER)?))
    }
}

/// An exact phrase (two terms or more) in `field`, checked only in the passages holding
/// all the pairs of its neighbouring terms in `pairs_field` ([`crate::analysis::pairs`]).
/// A two-term phrase is its pairs alone: [`Engine::pairs_in_fields`].
pub(in crate::query) fn phrase_by_pairs(
    field: Field,
    pairs_field: Field,
    terms: &[(usize, String)],
) -> Box<dyn Query> {
    let first = terms.first().map(|(p, _)| *p).unwrap_or(0);
    let phrase_terms: Vec<Term> = terms
        .iter()
        .map(|(_, t)| Term::from_field_text(field, t))
        .collect();
    let pairs = pairs::pairs_of_phrase(terms);
    let phrase: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset_and_slop(
        terms
            .iter()
            .zip(phrase_terms)
            .map(|((p, _), term)| (p - first, term))
            .collect(),
        0,
    ));
    if pairs.is_empty() {
        return phrase;
    }
    // The pairs score nothing: the phrase's score is the sum, unchanged.
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, phrase)];
    for pair in pairs {
        let holds: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(pairs_field, &pair),
            IndexRecordOption::Basic,
        ));
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(holds, 0.0))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The correction of `word`, if it has one.
fn correction_of<'c>(corrections: &'c [Correction], word: &str) -> Option<&'c Correction> {
    corrections.iter().find(|c| c.from == word)
}

/// Why a query with no word or phrase left after analysis cannot be searched.
fn nothing_to_search(user: &UserQuery) -> Error {
    let all: Vec<&str> = user
        .words
        .iter()
        .chain(user.phrases.iter())
        .map(String::as_str)
        .collect();
    let joined = all.join(" ");
    // Punctuation and emoji are not stop words: say what is really wrong.
    if !joined.chars().any(char::is_alphanumeric) {
        return Error::InvalidQuery(
            "la requête ne contient ni lettre ni chiffre à chercher".into(),
        );
    }
    // A word longer than any indexed one (a pasted hash, a run of letters) is
    // dropped by the analyzer like junk: say so, not "stop words".
    let too_long = joined
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.len() > analysis::MAX_TOKEN_BYTES);
    if let Some(word) = too_long {
        return Error::InvalidQuery(format!(
            "les mots de plus de {} octets ne sont pas indexés ({})",
            analysis::MAX_TOKEN_BYTES,
            truncate_chars(word, ECHOED_CHARS)
        ));
    }
    Error::OnlyStopWords(truncate_chars(&joined, ECHOED_CHARS))
}

/// Each term is a walk over postings: a pasted page of numbers would hold a
/// worker for seconds. A query is a few words; past the budget, say so.
fn check_term_count(units: &[Unit], phrases: &[Unit]) -> Result<()> {
    let n_terms: usize = units.iter().chain(phrases).map(|u| u.terms.len()).sum();
    if n_terms > MAX_QUERY_TERMS {
        return Err(Error::InvalidQuery(format!(
            "la requête compte {n_terms} mots une fois analysée ; {MAX_QUERY_TERMS} au plus sont cherchés : gardez les plus parlants"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::All;
    use std::sync::Arc;
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
    use tantivy::{doc, Index};

    /// A text field analysed by `tokenizer`, its postings holding `record`.
    fn indexed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    }

    /// Every (doc, score) of `query`, in doc order.
    fn hits(index: &Index, query: &dyn Query) -> Vec<(u32, f32)> {
        let searcher = index.reader().unwrap().searcher();
        let mut hits = searcher.search(query, &All).unwrap();
        hits.sort_by_key(|h| h.0);
        hits
    }

    /// Draws a text of one to `most` of `pieces` joined by « ; », the same on every run.
    fn picker<'a>(pieces: &'a [&'a str], seed: u64) -> impl FnMut(u64) -> String + 'a {
        let mut dice = crate::test_support::dice(seed);
        move |most| {
            let n = 1 + dice(most);
            (0..n)
                .map(|_| pieces[dice(pieces.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" ; ")
        }
    }

    /// The pruned walk's best 1, 10 and 100 of `query` are the full walk's (scores to the
    /// bit), and the best is found reporting no more than `most_reported` matches.
    fn assert_pruned_tops_are_the_best(
        index: &Index,
        query: &dyn Query,
        most_reported: usize,
        what: &str,
    ) {
        let mut every = hits(index, query);
        every.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for k in [1, 10, 100] {
            let (top, reported) = crate::test_support::pruned_top(index, query, k);
            assert_eq!(top, every[..k.min(every.len())], "{what} k={k}");
            if k == 1 {
                assert!(reported <= most_reported, "{what}: {reported} reported");
            }
        }
    }

    #[test]
    fn a_phrase_found_through_its_pairs_matches_and_scores_like_a_phrase_query() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field(
            "text",
            indexed(analysis::FRENCH, IndexRecordOption::WithFreqsAndPositions),
        );
        let pairs = schema.add_text_field(
            "pairs",
            indexed(analysis::FRENCH_PAIRS, IndexRecordOption::WithFreqs),
        );
        let index = Index::create_in_ram(schema.build());
        analysis::register(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let lines = [
            "Le contrat de ville du quartier",
            "CONTRAT DE VILLE et contrat de ville : deux fois",
            "contrat pour la ville",
            "un contrat unique ville",
            "la ville et son contrat",
            "Contrat local d’accompagnement à la scolarité (CLAS)",
            "contrat local d'accompagnement à la scolarité, puis le contrat local d'accompagnement à la scolarité",
            "contrat local, accompagnement et scolarité",
            "Mission Locale",
            "la mission de la locale",
            "rien à voir",
        ];
        for round in 0..40 {
            for (i, line) in lines.iter().enumerate() {
                // Lengths vary, so the scores do.
                let body = format!("{line}{}", " et encore".repeat((round + i) % 5));
                writer
                    .add_document(doc!(text => body.as_str(), pairs => body.as_str()))
                    .unwrap();
            }
        }
        writer.commit().unwrap();
        for phrase in [
            "contrat de ville",
            "mission locale",
            "contrat local d'accompagnement à la scolarité",
            "accompagnement à la scolarité",
        ] {
            let terms = analyse(phrase);
            let first = terms[0].0;
            let plain = PhraseQuery::new_with_offset_and_slop(
                terms
                    .iter()
                    .map(|(p, t)| (p - first, Term::from_field_text(text, t)))
                    .collect(),
                0,
            );
            let expected = hits(&index, &plain);
            assert!(expected.len() >= 40, "{phrase}: {}", expected.len());
            let by_pairs = phrase_by_pairs(text, pairs, &terms);
            assert_eq!(hits(&index, &*by_pairs), expected, "{phrase}");
        }
    }

    #[test]
    fn a_long_phrase_checked_where_its_rarest_pair_is_scores_like_phrase_queries_and_prunes() {
        use crate::query::disjunction::Disjunction;
        let mut schema = Schema::builder();
        let positions = IndexRecordOption::WithFreqsAndPositions;
        let text = schema.add_text_field("text", indexed(analysis::FRENCH, positions));
        let text_pairs = schema.add_text_field(
            "text_pairs",
            indexed(analysis::FRENCH_PAIRS, IndexRecordOption::WithFreqs),
        );
        let section = schema.add_text_field("section", indexed(analysis::FRENCH, positions));
        let section_pairs = schema.add_text_field(
            "section_pairs",
            indexed(analysis::FRENCH_PAIRS, IndexRecordOption::WithFreqs),
        );
        let index = Index::create_in_ram(schema.build());
        analysis::register(&index);
        let mut writer = index.writer_with_num_threads(1, 30_000_000).unwrap();
        // The long forms, their words in other orders and apart, and other words.
        let pieces = [
            "quartier politique de la ville",
            "QUARTIER POLITIQUE DE LA VILLE",
            "la ville du quartier et sa politique",
            "quartier politique",
            "politique de la ville",
            "lieu d’accueil enfants parents",
            "accueil des enfants et des parents, lieu",
            // Each pair of the phrase, apart: a passage holding them all may not hold it.
            "lieu d’accueil",
            "l’accueil enfants",
            "des enfants parents",
            "contrat local d'accompagnement à la scolarité",
            "contrat local d’accompagnement des familles",
            // Two chains of paired terms, together and apart.
            "lieu d’accueil enfants parents à la maison des jeunes quartier",
            "maison des jeunes quartier",
            "contrat local",
            "accompagnement à la scolarité",
            "CLAS",
            "les jeunes du quartier",
            "un atelier",
        ];
        let mut pick = picker(&pieces, 11);
        for _ in 0..4000 {
            let body = pick(8);
            let heading = pick(2);
            writer
                .add_document(doc!(
                    text => body.as_str(),
                    text_pairs => body.as_str(),
                    section => heading.as_str(),
                    section_pairs => heading.as_str(),
                ))
                .unwrap();
        }
        writer.commit().unwrap();
        let phrase_query = |field: Field, terms: &[(usize, String)]| -> Box<dyn Query> {
            Box::new(PhraseQuery::new_with_offset(
                terms
                    .iter()
                    .map(|(p, t)| (p - terms[0].0, Term::from_field_text(field, t)))
                    .collect(),
            ))
        };
        for phrase in [
            "quartier politique de la ville",
            "lieu d'accueil enfants parents",
            "contrat local d'accompagnement à la scolarité",
            "lieu d’accueil enfants parents à la maison des jeunes quartier",
        ] {
            let terms = analyse(phrase);
            let first = terms[0].0;
            let clause = |field: Field, pairs_field: Field, boost: f32| {
                let pairs = pairs::pairs_of_phrase(&terms)
                    .iter()
                    .map(|pair| Term::from_field_text(pairs_field, pair))
                    .collect();
                let phrase = terms
                    .iter()
                    .map(|(p, t)| ((p - first) as u32, Term::from_field_text(field, t)))
                    .collect();
                PhraseInField {
                    pairs,
                    terms: phrase,
                    boost,
                    runs: None,
                }
            };
            let checked = TermInFields::phrases(
                vec![
                    clause(text, text_pairs, 1.0),
                    clause(section, section_pairs, 1.5),
                ],
                0.2,
            )
            .unwrap();
            let reference = Disjunction::max(
                vec![
                    (phrase_query(text, &terms), 1.0),
                    (phrase_query(section, &terms), 1.5),
                ],
                0.2,
            );
            let expected = hits(&index, &reference);
            assert!(expected.len() > 500, "{phrase}: {}", expected.len());
            assert_eq!(hits(&index, &checked), expected, "{phrase}");

            // With a sigle, walked together: the pruned walk's best are the full walk's.
            let sigle = |field: Field| (Term::from_field_text(field, "clas"), 1.0);
            let with_sigle = |long: Box<dyn Query>| {
                Disjunction::max(
                    vec![
                        (
                            Box::new(TermInFields::new(vec![sigle(text), sigle(section)], 0.2))
                                as Box<dyn Query>,
                            1.0,
                        ),
                        (long, 2.0),
                    ],
                    1.0,
                )
            };
            let together = with_sigle(Box::new(checked.clone()));
            let every = hits(&index, &together);
            assert_eq!(every, hits(&index, &with_sigle(Box::new(reference))));
            // Required with another word: one conjunction, walked with the check.
            let quartier = |field: Field| (Term::from_field_text(field, "quarti"), 1.0);
            let required = Conjunction::new(
                vec![
                    Box::new(checked.clone()),
                    Box::new(TermInFields::new(
                        vec![quartier(text), quartier(section)],
                        0.2,
                    )),
                ],
                None,
            )
            .unwrap();
            assert!(hits(&index, &required).len() > 100, "{phrase}");
            for query in [&checked as &dyn Query, &together, &required] {
                let every = hits(&index, query).len();
                assert_pruned_tops_are_the_best(&index, query, every - 1, phrase);
            }
        }
    }

    #[test]
    fn a_phrase_with_slop_checked_where_one_of_its_terms_is_scores_like_phrase_queries_and_prunes()
    {
        use crate::index::{DocumentRuns, Repeats};
        use crate::query::disjunction::Disjunction;
        let mut schema = Schema::builder();
        let positions = IndexRecordOption::WithFreqsAndPositions;
        let text = schema.add_text_field("text", indexed(analysis::FRENCH, positions));
        let title = schema.add_text_field("title", indexed(analysis::FRENCH, positions));
        let index = Index::create_in_ram(schema.build());
        analysis::register(&index);
        let mut writer = index.writer_with_num_threads(1, 30_000_000).unwrap();
        // The phrases, their words swapped, one to three words apart, and other words.
        let pieces = [
            "mission locale",
            "MISSION LOCALE",
            "la locale mission",
            "la mission de la locale",
            "une mission pour la ville locale",
            "la mission est dans une autre commune que la locale",
            "contrat local d'accompagnement à la scolarité",
            "accompagnement local du contrat de scolarité",
            "contrat local",
            "scolarité",
            "lieu d’accueil enfants parents",
            "accueil des parents et enfants",
            "ML",
            "un atelier",
        ];
        let mut pick = picker(&pieces, 23);
        // Plans of one to six passages, each passage with its plan's title.
        let mut places = Vec::new();
        let mut plan = 0;
        while places.len() < 4000 {
            let heading = pick(2);
            let passages = 1 + (places.len() as u32 % 6);
            for passage in 0..passages {
                let body = pick(8);
                writer
                    .add_document(doc!(text => body.as_str(), title => heading.as_str()))
                    .unwrap();
                places.push((plan, passage));
            }
            plan += 1;
        }
        writer.commit().unwrap();
        let segment = index
            .reader()
            .unwrap()
            .searcher()
            .segment_reader(0)
            .segment_id();
        let runs: Arc<crate::index::SegmentRuns> = Arc::new(
            [(segment, Arc::new(DocumentRuns::from_pairs(&places)))]
                .into_iter()
                .collect(),
        );
        for phrase in [
            "mission locale",
            "contrat local d'accompagnement à la scolarité",
            "accueil enfants parents",
        ] {
            let terms = analyse(phrase);
            let first = terms[0].0;
            let offsets = |field: Field| -> Vec<(u32, Term)> {
                terms
                    .iter()
                    .map(|(p, t)| ((p - first) as u32, Term::from_field_text(field, t)))
                    .collect()
            };
            let near = TermInFields::near(
                vec![
                    NearInField {
                        terms: offsets(text),
                        boost: 1.0,
                        runs: None,
                    },
                    NearInField {
                        terms: offsets(title),
                        boost: 1.5,
                        runs: Some(RunsOf {
                            repeats: Repeats::Document,
                            runs: runs.clone(),
                        }),
                    },
                ],
                2,
                0.2,
            )
            .unwrap();
            let phrase_query = |field: Field| -> Box<dyn Query> {
                Box::new(PhraseQuery::new_with_offset_and_slop(
                    offsets(field)
                        .into_iter()
                        .map(|(offset, term)| (offset as usize, term))
                        .collect(),
                    2,
                ))
            };
            let reference = Disjunction::max(
                vec![(phrase_query(text), 1.0), (phrase_query(title), 1.5)],
                0.2,
            );
            let expected = hits(&index, &reference);
            assert!(expected.len() > 1000, "{phrase}: {}", expected.len());
            assert_eq!(hits(&index, &near), expected, "{phrase}");

            // With a sigle, walked together: the same as with the phrase queries.
            let sigle = |field: Field| (Term::from_field_text(field, "ml"), 1.0);
            let with_sigle = |long: Box<dyn Query>| {
                Disjunction::sum(vec![
                    (long, 1.0),
                    (
                        Box::new(TermInFields::new(vec![sigle(text), sigle(title)], 0.2))
                            as Box<dyn Query>,
                        2.0,
                    ),
                ])
            };
            let together = with_sigle(Box::new(near.clone()));
            assert_eq!(
                hits(&index, &together),
                hits(&index, &with_sigle(Box::new(reference)))
            );
            for query in [&near as &dyn Query, &together] {
                let every = hits(&index, query).len();
                assert_pruned_tops_are_the_best(&index, query, every / 2, phrase);
            }
        }
    }

    #[test]
    fn sigles_are_recognised() {
        assert!(looks_like_sigle("CLAS"));
        assert!(looks_like_sigle("C.G.E.T"));
        assert!(!looks_like_sigle("Ofii"));
        assert!(!looks_like_sigle("parentalité"));
    }
}
