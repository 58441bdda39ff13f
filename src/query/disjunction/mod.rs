//! The disjunction of a query word: the same term (or phrase) in the passage text, its
//! headings, its title and its field label, or a word and its glossary alternatives.
//!
//! tantivy's own unions buffer 4,096 documents ahead: every posting of every clause is
//! scored as it is buffered, and a seek past the buffer clears its 48 kB of scores. Those
//! unions are made for many clauses. A word has two to four, and inside an intersection
//! (every word required) most of its postings are skipped: here the clauses are walked
//! side by side, a seek moves only the clauses behind the target, and a document is
//! scored only when the collector asks, so postings the intersection skips cost nothing.

use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use std::sync::Arc;

use crate::index::{DocumentRuns, Repeats, SegmentRuns};

pub use conjunction::{Conjunction, Proximity};
use lengths::Lengths;
use phrase::{Checked, Found, NearCheck, PhraseCheck};
use walk::{combined, walk, DisMax, Words, MOST_WORDS, ROUNDING};

mod conjunction;
mod lengths;
mod phrase;
mod presence;
mod walk;

/// Matches when any clause matches. The score is the best clause's plus `tie_breaker`
/// times the others' (a disjunction-max); with a tie breaker of 1 it is their sum.
#[derive(Debug)]
pub struct Disjunction {
    /// Each clause with the boost its score is multiplied by.
    clauses: Vec<(Box<dyn Query>, Score)>,
    tie_breaker: Score,
}

impl Clone for Disjunction {
    fn clone(&self) -> Self {
        Disjunction {
            clauses: self
                .clauses
                .iter()
                .map(|(q, boost)| (q.box_clone(), *boost))
                .collect(),
            tie_breaker: self.tie_breaker,
        }
    }
}

impl Disjunction {
    /// The best clause counts, the others by `tie_breaker`.
    pub fn max(clauses: Vec<(Box<dyn Query>, Score)>, tie_breaker: Score) -> Disjunction {
        Disjunction {
            clauses,
            tie_breaker,
        }
    }

    /// Every matching clause counts in full.
    pub fn sum(clauses: Vec<(Box<dyn Query>, Score)>) -> Disjunction {
        Disjunction::max(clauses, 1.0)
    }

    /// The query matching any of `clauses`: a lone unboosted clause is itself (each level
    /// of nesting is a scorer around every match), no clause matches nothing.
    pub fn of(mut clauses: Vec<(Box<dyn Query>, Score)>, tie_breaker: Score) -> Box<dyn Query> {
        match clauses.len() {
            0 => Box::new(tantivy::query::EmptyQuery),
            1 if clauses[0].1 == 1.0 => match clauses.pop() {
                Some((only, _)) => only,
                None => Box::new(tantivy::query::EmptyQuery),
            },
            _ => Box::new(Disjunction::max(clauses, tie_breaker)),
        }
    }

    /// Each clause as a word in its fields with its boost, when every clause is one (a
    /// word and its correction): where one alone has postings, the disjunction is that
    /// word, boosted, and walked with its bounds.
    pub fn word_spellings(&self) -> Option<Vec<(TermInFields, Score)>> {
        self.clauses
            .iter()
            .map(|(q, boost)| {
                q.downcast_ref::<TermInFields>()
                    .map(|t| (t.clone(), *boost))
            })
            .collect()
    }
}

impl Query for Disjunction {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|(query, boost)| Ok((query.weight(enable_scoring)?, *boost)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let spellings = match (enable_scoring, self.word_spellings()) {
            (
                EnableScoring::Enabled {
                    statistics_provider,
                    ..
                },
                Some(spellings),
            ) => Some(Spellings::weigh(
                &spellings,
                enable_scoring,
                statistics_provider,
            )?),
            _ => None,
        };
        Ok(Box::new(DisjunctionWeight {
            weights,
            tie_breaker: self.tie_breaker,
            spellings,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (query, _) in &self.clauses {
            query.query_terms(visitor);
        }
    }
}

struct DisjunctionWeight {
    weights: Vec<(Box<dyn Weight>, Score)>,
    tie_breaker: Score,
    /// With scores, when every clause is a word in its fields: each clause's own weight.
    spellings: Option<Spellings>,
}

/// A word's spellings (as typed, corrected), each a word in its fields with its boost.
struct Spellings(Vec<(TermInFieldsWeight, Score)>);

/// Which of a word's spellings have postings in a segment.
enum Spelt {
    /// None: the word is in no passage there.
    Nowhere,
    /// One alone, with its postings: there the word is that spelling, boosted (as a
    /// [`Disjunction`] of them scores), walked with its bounds.
    Once(usize, Vec<FieldTerm>),
    /// Several, each with its postings: walked together, their bounds put together
    /// ([`Words`]).
    Several(Vec<(usize, Vec<FieldTerm>)>),
}

impl Spellings {
    fn weigh(
        spellings: &[(TermInFields, Score)],
        enable_scoring: EnableScoring<'_>,
        statistics_provider: &dyn tantivy::query::Bm25StatisticsProvider,
    ) -> tantivy::Result<Spellings> {
        spellings
            .iter()
            .map(|(word, boost)| {
                Ok((
                    word.fields_weight(enable_scoring, statistics_provider)?,
                    *boost,
                ))
            })
            .collect::<tantivy::Result<Vec<_>>>()
            .map(Spellings)
    }

    fn in_segment(&self, reader: &SegmentReader) -> tantivy::Result<Spelt> {
        let mut found = Vec::new();
        for (i, (weight, boost)) in self.0.iter().enumerate() {
            let fields = weight.field_scorers(reader, *boost)?;
            if !fields.is_empty() {
                found.push((i, fields));
            }
        }
        Ok(match found.len() {
            0 => Spelt::Nowhere,
            1 => match found.pop() {
                Some((i, fields)) => Spelt::Once(i, fields),
                None => Spelt::Nowhere,
            },
            _ => Spelt::Several(found),
        })
    }

    /// The spellings `found` in a segment walked together: one walk over all their fields,
    /// each spelling's score its fields' (boosted), the spellings' put together by
    /// `tie_breaker`, their bounds likewise. `None` past [`MOST_WORDS`] spellings.
    fn walk_together(
        &self,
        found: Vec<(usize, Vec<FieldTerm>)>,
        tie_breaker: Score,
        threshold: Score,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> Option<tantivy::Result<()>> {
        if found.len() > MOST_WORDS {
            return None;
        }
        let mut words = Words {
            word_of: Vec::new(),
            tie_breakers: Vec::with_capacity(found.len()),
            tie_breaker,
        };
        let mut all = Vec::new();
        let mut checks = false;
        for (word, (i, fields)) in found.into_iter().enumerate() {
            checks |= self.0[i].0.checks();
            words.tie_breakers.push(self.0[i].0.tie_breaker);
            words
                .word_of
                .extend(std::iter::repeat_n(word, fields.len()));
            all.extend(fields);
        }
        Some(walk(&words, checks, all, threshold, callback))
    }
}

impl Weight for DisjunctionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for (weight, clause_boost) in &self.weights {
            // The boost goes into the clause's own weight: no wrapper around every match.
            let scorer = weight.scorer(reader, boost * clause_boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().unwrap_or_else(|| Box::new(EmptyScorer)),
            _ => Box::new(DisjunctionScorer::new(scorers, self.tie_breaker)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = explain_match(self, reader, doc, "disjunction", self.tie_breaker)?;
        for (weight, _) in &self.weights {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }

    /// When every clause is a word in its fields: where one alone has postings in the
    /// segment (a misspelt word, its correction) it is walked alone, boosted, with its
    /// bounds; where several have (a sigle and its long form), their fields are walked
    /// together with their bounds put together. Otherwise every match is scored.
    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if let Some(spellings) = &self.spellings {
            match spellings.in_segment(reader)? {
                Spelt::Nowhere => return Ok(()),
                Spelt::Once(i, fields) => {
                    let word = &spellings.0[i].0;
                    return walk(
                        &DisMax(word.tie_breaker),
                        word.checks(),
                        fields,
                        threshold,
                        callback,
                    );
                }
                Spelt::Several(found) => {
                    if let Some(walked) =
                        spellings.walk_together(found, self.tie_breaker, threshold, callback)
                    {
                        return walked;
                    }
                }
            }
        }
        every_match(self, threshold, reader, callback)
    }
}

/// One analysed word in several fields, each with its boost, scored like a [`Disjunction::max`]
/// of term queries. Most query words are this: built from the postings themselves, the
/// clauses are called directly on every match instead of through a pointer each.
///
/// A clause can also be a pair of terms ([`crate::analysis::pairs`]) standing for a
/// two-term phrase of another field: its postings are the pair's, its score the phrase's
/// (BM25 over the phrase's terms, with that field's lengths), as a phrase query would give.
#[derive(Debug, Clone)]
pub struct TermInFields {
    clauses: Vec<Clause>,
    tie_breaker: Score,
}

/// A phrase in one field as [`TermInFields::phrases`] finds it.
#[derive(Debug, Clone)]
pub struct PhraseInField {
    /// The pair terms of its neighbouring terms ([`crate::analysis::pairs`]).
    pub pairs: Vec<Term>,
    /// Its terms in their field, each with its offset from the first.
    pub terms: Vec<(u32, Term)>,
    pub boost: Score,
    /// When the pairs are indexed on the first passage of each run only.
    pub runs: Option<RunsOf>,
}

/// A term whose postings are read, and what it is scored as.
#[derive(Debug, Clone)]
struct Clause {
    term: Term,
    boost: Score,
    /// For a pair, the phrase it stands for: the terms scored, in their field.
    phrase: Option<Vec<Term>>,
    /// The term is indexed on the first passage of each run only: a match is the run.
    runs: Option<RunsOf>,
    /// A phrase of three terms or more, found through its pairs: a posting of the pair is
    /// a match only where the phrase's terms are at their offsets.
    checked: Option<Checked>,
}

/// The runs of passages a term indexed once per run stands for.
#[derive(Debug, Clone)]
pub struct RunsOf {
    pub repeats: Repeats,
    pub runs: Arc<SegmentRuns>,
}

impl Clause {
    /// The terms BM25 weighs: the phrase's, else the term itself.
    fn scored_terms(&self) -> &[Term] {
        self.phrase
            .as_deref()
            .unwrap_or(std::slice::from_ref(&self.term))
    }
}

impl TermInFields {
    /// The weight of each clause, ready to score.
    fn fields_weight(
        &self,
        enable_scoring: EnableScoring<'_>,
        statistics_provider: &dyn tantivy::query::Bm25StatisticsProvider,
    ) -> tantivy::Result<TermInFieldsWeight> {
        let weights = self
            .clauses
            .iter()
            .map(|clause| {
                let scored = clause.scored_terms();
                let bm25 = Bm25Weight::for_terms(statistics_provider, scored)?;
                let check = match &clause.checked {
                    None => None,
                    Some(Checked::Pairs { pairs, terms }) => Some(CheckWeight::Pairs {
                        pairs: pairs.clone(),
                        terms: terms.clone(),
                    }),
                    Some(Checked::Near { terms, slop, runs }) => Some(CheckWeight::Near {
                        terms: terms.clone(),
                        runs: runs.clone(),
                        phrase: near_phrase(terms, *slop).weight(enable_scoring)?,
                    }),
                };
                Ok(ClauseWeight {
                    term: clause.term.clone(),
                    bm25: if clause.checked.is_some() {
                        bm25
                    } else {
                        bm25.boost_by(clause.boost)
                    },
                    boost: clause.boost,
                    lengths_of: scored[0].field(),
                    // A phrase with slop walks a term of its own field: the stored maxima hold.
                    is_pair: clause.phrase.is_some()
                        && !matches!(clause.checked, Some(Checked::Near { .. })),
                    runs: clause.runs.clone(),
                    check,
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(TermInFieldsWeight {
            weights,
            tie_breaker: self.tie_breaker,
        })
    }

    pub fn new(terms: Vec<(Term, Score)>, tie_breaker: Score) -> TermInFields {
        TermInFields {
            clauses: terms
                .into_iter()
                .map(|(term, boost)| Clause {
                    term,
                    boost,
                    phrase: None,
                    runs: None,
                    checked: None,
                })
                .collect(),
            tie_breaker,
        }
    }

    /// A two-term phrase in several fields found through its pair term in each: each
    /// clause is (the pair, the phrase's terms in their field, the boost, and the runs when
    /// the pair is indexed on the first passage of each run only). The same passages and
    /// scores as a [`Disjunction::max`] of phrase queries without slop, when each pair holds
    /// the two terms at the phrase's gap.
    pub fn pairs(
        pairs: Vec<(Term, Vec<Term>, Score, Option<RunsOf>)>,
        tie_breaker: Score,
    ) -> TermInFields {
        TermInFields {
            clauses: pairs
                .into_iter()
                .map(|(term, phrase, boost, runs)| Clause {
                    term,
                    boost,
                    phrase: Some(phrase),
                    runs,
                    checked: None,
                })
                .collect(),
            tie_breaker,
        }
    }

    /// A phrase of three terms or more without slop in several fields, found through the
    /// pairs of its neighbouring terms in each ([`PhraseInField`]). The rarest pair's
    /// postings are walked, each checked for the others and the phrase's positions; its
    /// blocks bound the phrase (a phrase occurs no more often than any of its pairs). The
    /// same passages and scores as a [`Disjunction::max`] of phrase queries without slop.
    /// `None` when a field has no pair.
    pub fn phrases(phrases: Vec<PhraseInField>, tie_breaker: Score) -> Option<TermInFields> {
        let clauses = phrases
            .into_iter()
            .map(|p| {
                let term = p.pairs.first()?.clone();
                let phrase = p.terms.iter().map(|(_, term)| term.clone()).collect();
                Some(Clause {
                    term,
                    boost: p.boost,
                    phrase: Some(phrase),
                    runs: p.runs,
                    checked: Some(Checked::Pairs {
                        pairs: p.pairs,
                        terms: p.terms,
                    }),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(TermInFields {
            clauses,
            tie_breaker,
        })
    }
}

/// A phrase with slop in one field as [`TermInFields::near`] finds it.
#[derive(Debug, Clone)]
pub struct NearInField {
    /// Its terms in their field, each with its offset from the first, in offset order
    /// (two or more).
    pub terms: Vec<(u32, Term)>,
    pub boost: Score,
    /// When the field repeats over runs of passages: the phrase is checked once a run.
    pub runs: Option<RunsOf>,
}

impl TermInFields {
    /// A phrase with slop in several fields ([`NearInField`]), found in each through one
    /// of its terms: that term's postings are walked, each checked for the phrase, and its
    /// blocks bound the phrase (tantivy counts a phrase with slop no more often than its
    /// commonest term, than either of two). The same passages and scores as a
    /// [`Disjunction::max`] of phrase queries with that slop. `None` for a phrase of fewer
    /// than two terms.
    pub fn near(phrases: Vec<NearInField>, slop: u32, tie_breaker: Score) -> Option<TermInFields> {
        let clauses = phrases
            .into_iter()
            .map(|p| {
                if p.terms.len() < 2 {
                    return None;
                }
                let (_, last) = p.terms.last()?;
                Some(Clause {
                    term: last.clone(),
                    boost: p.boost,
                    phrase: Some(p.terms.iter().map(|(_, term)| term.clone()).collect()),
                    runs: None,
                    checked: Some(Checked::Near {
                        terms: p.terms,
                        slop,
                        runs: p.runs,
                    }),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(TermInFields {
            clauses,
            tie_breaker,
        })
    }
}

impl Query for TermInFields {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        else {
            // Without scores (a count) plain term queries do as well.
            let clauses = self
                .clauses
                .iter()
                .map(|clause| {
                    let query: Box<dyn Query> = match &clause.checked {
                        Some(Checked::Pairs { terms, .. }) => Box::new(near_phrase(terms, 0)),
                        Some(Checked::Near { terms, slop, .. }) => {
                            Box::new(near_phrase(terms, *slop))
                        }
                        None => Box::new(tantivy::query::TermQuery::new(
                            clause.term.clone(),
                            IndexRecordOption::Basic,
                        )),
                    };
                    (query, clause.boost)
                })
                .collect();
            return Disjunction::max(clauses, self.tie_breaker).weight(enable_scoring);
        };
        Ok(Box::new(
            self.fields_weight(enable_scoring, statistics_provider)?,
        ))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        // A pair is its phrase's words to whoever highlights them.
        for clause in &self.clauses {
            for term in clause.scored_terms() {
                visitor(term, clause.phrase.is_some());
            }
        }
    }
}

/// A clause's check, ready to open in each segment.
enum CheckWeight {
    /// A phrase without slop, through its pairs.
    Pairs {
        pairs: Vec<Term>,
        terms: Vec<(u32, Term)>,
    },
    /// A phrase with slop, through one of its terms, checked and scored by `phrase`, its
    /// phrase query's weight.
    Near {
        terms: Vec<(u32, Term)>,
        runs: Option<RunsOf>,
        phrase: Box<dyn Weight>,
    },
}

/// tantivy's phrase query over `terms` (each with its offset) with `slop`.
fn near_phrase(terms: &[(u32, Term)], slop: u32) -> tantivy::query::PhraseQuery {
    tantivy::query::PhraseQuery::new_with_offset_and_slop(
        terms
            .iter()
            .map(|(offset, term)| (*offset as usize, term.clone()))
            .collect(),
        slop,
    )
}

/// A clause ready to score: its term, its BM25, the field whose lengths it is scored with.
struct ClauseWeight {
    term: Term,
    /// Boosted by the clause's boost, unless checked (then boosted with the scorer's).
    bm25: Bm25Weight,
    lengths_of: tantivy::schema::Field,
    /// The block maxima stored with the postings were made with another field's lengths:
    /// each block's is computed from its postings instead.
    is_pair: bool,
    runs: Option<RunsOf>,
    check: Option<CheckWeight>,
    /// The clause's boost, in `bm25` already unless checked.
    boost: Score,
}

struct TermInFieldsWeight {
    weights: Vec<ClauseWeight>,
    tie_breaker: Score,
}

impl TermInFieldsWeight {
    /// Whether some clause is a phrase checked at its postings.
    fn checks(&self) -> bool {
        self.weights.iter().any(|clause| clause.check.is_some())
    }

    fn field_scorers(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Vec<FieldTerm>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for (index, clause) in self.weights.iter().enumerate() {
            // A phrase longer than its pairs walks its rarest pair, checked at each posting.
            let opened = match &clause.check {
                None => None,
                Some(CheckWeight::Pairs { pairs, terms }) => Some(
                    PhraseCheck::pairs(reader, pairs, terms)?
                        .map(|(lead, check)| (lead, check, BlockBound::FromPostings)),
                ),
                // A phrase with slop walks one of its terms, checked and scored by its query.
                Some(CheckWeight::Near {
                    terms,
                    runs,
                    phrase,
                }) => Some(
                    NearCheck::open(reader, terms, &**phrase, clause.boost * boost, runs)?.map(
                        |(lead, check, bounds)| {
                            let bound = if bounds {
                                BlockBound::Stored
                            } else {
                                BlockBound::Weight
                            };
                            (lead, PhraseCheck::Near(check), bound)
                        },
                    ),
                ),
            };
            let (lead, check, block_bound) = match opened {
                None if clause.is_pair => (None, None, BlockBound::FromPostings),
                None => (None, None, BlockBound::Stored),
                Some(Some((lead, check, bound))) => (Some(lead), Some(Box::new(check)), bound),
                Some(None) => continue,
            };
            let lead = lead.as_ref().unwrap_or(&clause.term);
            let postings = reader
                .inverted_index(lead.field())?
                .read_block_postings(lead, IndexRecordOption::WithFreqs)?;
            let Some(block) = postings.filter(|p| p.doc(0) != TERMINATED) else {
                continue;
            };
            let fieldnorms = Lengths::open(reader, clause.lengths_of)?;
            let runs = match &clause.runs {
                None => None,
                Some(of) => {
                    let runs = match of.runs.get(&reader.segment_id()) {
                        Some(runs) => runs.clone(),
                        None => Arc::new(DocumentRuns::of(reader)?),
                    };
                    Some(Box::new(RunCursor {
                        runs,
                        repeats: of.repeats,
                        doc: 0,
                        end: 0,
                    }))
                }
            };
            let mut scorer = FieldTerm {
                block,
                cur: 0,
                fieldnorms,
                bm25: if clause.check.is_some() {
                    // Boosted once by the product, as tantivy boosts the phrase query it
                    // stands for: the same score to the last bit.
                    clause.bm25.boost_by(clause.boost * boost)
                } else {
                    clause.bm25.boost_by(boost)
                },
                block_bound,
                runs,
                clause: index,
                check,
                most_freq: u32::MAX,
                checked_score: None,
            };
            scorer.settle::<true>();
            if scorer.posting() == TERMINATED {
                continue;
            }
            scorer.enter_run();
            scorers.push(scorer);
        }
        Ok(scorers)
    }
}

impl Weight for TermInFieldsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorers = self.field_scorers(reader, boost)?;
        Ok(if self.checks() {
            one_or_all(scorers, self.tie_breaker)
        } else {
            one_or_all(
                scorers.into_iter().map(Unchecked).collect(),
                self.tie_breaker,
            )
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = explain_match(self, reader, doc, "term in fields", self.tie_breaker)?;
        for mut field in self.field_scorers(reader, 1.0)? {
            if field.doc() <= doc && field.seek(doc) == doc {
                let detail = match field.checked_score {
                    // A phrase with slop: its phrase query's score.
                    Some(score) => Explanation::new("phrase with slop", score),
                    None => {
                        let fieldnorm_id = field.fieldnorms.id(doc);
                        field.bm25.explain(fieldnorm_id, field.term_freq::<true>())
                    }
                };
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }

    /// Every passage that can score above `threshold`, walked block by block: a stretch of
    /// doc ids where the best each field's block can give, put together, stays under the
    /// threshold is passed over without scoring a passage (block-max pruning). The bounds
    /// are tantivy's block maxima, exact on one segment and at worst a hair low across
    /// segments whose mean lengths differ, as for tantivy's own top-k pruning. Within a
    /// stretch that can pass, fields whose blocks together cannot are not walked but sought
    /// to the next posting of the others (MaxScore): a common word's long passages are
    /// passed over where only its rare, strong field can place a passage. Where no field
    /// alone can place one, the walk seeks to where enough fields meet (the WAND pivot): a
    /// heading's many passages are passed over up to the next that also names the word in
    /// its text.
    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        walk(
            &DisMax(self.tie_breaker),
            self.checks(),
            self.field_scorers(reader, 1.0)?,
            threshold,
            callback,
        )
    }
}

/// Every match of `weight`'s scorer scored, those above the threshold reported: tantivy's
/// own walk, for a segment where no bound is at hand.
pub(in crate::query) fn every_match(
    weight: &dyn Weight,
    mut threshold: Score,
    reader: &SegmentReader,
    callback: &mut dyn FnMut(DocId, Score) -> Score,
) -> tantivy::Result<()> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        let score = scorer.score();
        if score > threshold {
            threshold = callback(doc, score);
        }
        doc = scorer.advance();
    }
    Ok(())
}

/// A term's postings in one field, scored by BM25, read block by block so the best score
/// of the current block is at hand.
struct FieldTerm {
    block: BlockSegmentPostings,
    /// Position in the current block.
    cur: usize,
    fieldnorms: Lengths,
    bm25: Bm25Weight,
    /// How the best score of a block is known.
    block_bound: BlockBound,
    /// Postings on the first passage of each run only: where in the run the walk is.
    runs: Option<Box<RunCursor>>,
    /// The clause of the [`TermInFieldsWeight`] it is the postings of.
    clause: usize,
    /// For a phrase longer than its pairs: a posting is a match only where it holds.
    check: Option<Box<PhraseCheck>>,
    /// How often the checked phrase is in the passage of the posting (no bound without a
    /// check).
    most_freq: u32,
    /// A phrase with slop: its score in the passage of the posting, its scorer's.
    checked_score: Option<Score>,
}

/// Where a [`FieldTerm`] finds the most a posting of its current block scores.
#[derive(Clone, Copy, Debug, PartialEq)]
enum BlockBound {
    /// The block maximum stored with the postings.
    Stored,
    /// Computed from the block's postings: the stored one was made with another field's
    /// lengths (a pair's postings scored with its phrase's field).
    FromPostings,
    /// The most the weight gives at any length and frequency: the postings walked are of
    /// a term whose frequencies do not bound the score (a phrase with slop walked through
    /// its rarest term, [`NearCheck::open`]).
    Weight,
}

/// A walk through the run of the posting a [`FieldTerm`] is on.
struct RunCursor {
    runs: Arc<DocumentRuns>,
    repeats: Repeats,
    /// The doc id reached in the run, and the first past it.
    doc: DocId,
    end: DocId,
}

/// Postings per block (tantivy's compression block).
const BLOCK_LEN: usize = 128;

/// How many postings ahead of the one walked a length is asked for ([`Lengths::prefetch`]).
const LENGTHS_AHEAD: usize = 8;

impl FieldTerm {
    #[inline]
    fn term_freq<const CHECKS: bool>(&self) -> u32 {
        let freq = self.block.freq(self.cur);
        if CHECKS {
            // A checked phrase occurs no more often than its pair: the least is the phrase's.
            freq.min(self.most_freq)
        } else {
            freq
        }
    }

    /// With a check: moves the block cursor on to the first posting from here that holds
    /// the phrase.
    #[inline]
    fn settle<const CHECKS: bool>(&mut self) {
        if CHECKS && self.check.is_some() {
            self.settle_checked();
        }
    }

    /// [`FieldTerm::settle`] with a check, out of the walk of words without one.
    #[cold]
    #[inline(never)]
    fn settle_checked(&mut self) {
        let Some(check) = &mut self.check else {
            return;
        };
        loop {
            let posting = self.block.doc(self.cur);
            if posting == TERMINATED || check.holds(posting) {
                match check.found() {
                    Found::Freq(freq) => self.most_freq = freq,
                    Found::Score(score) => self.checked_score = Some(score),
                }
                return;
            }
            if self.cur + 1 == BLOCK_LEN {
                self.cur = 0;
                self.block.advance();
            } else {
                self.cur += 1;
            }
        }
    }

    /// The doc id of the posting the block cursor is on.
    #[inline]
    fn posting(&self) -> DocId {
        self.block.doc(self.cur)
    }

    /// With runs: the posting the block cursor is on starts the run walked.
    fn enter_run(&mut self) {
        let posting = self.posting();
        if let Some(run) = &mut self.runs {
            run.doc = posting;
            run.end = if posting == TERMINATED {
                TERMINATED
            } else {
                run.runs.run_end(posting, run.repeats)
            };
        }
    }

    /// The last doc id the current block can hold: its last posting (or, with runs, the
    /// end of that posting's run) when full, else (the last block) anything up to the end.
    fn block_end(&self) -> DocId {
        if self.block.block_len() != BLOCK_LEN {
            return TERMINATED - 1;
        }
        let last = self.block.doc(BLOCK_LEN - 1);
        match &self.runs {
            None => last,
            Some(run) => run.runs.run_end(last, run.repeats) - 1,
        }
    }

    /// The best score any posting of the current block can have.
    fn block_max(&mut self) -> Score {
        match self.block_bound {
            BlockBound::Stored => {
                return self
                    .block
                    .block_max_score(self.fieldnorms.reader(), &self.bm25)
            }
            // BM25 nears its weight as the frequency grows, at any length.
            BlockBound::Weight => return self.bm25.score(0, u32::MAX),
            BlockBound::FromPostings => {}
        }
        let scores = self
            .block
            .docs()
            .iter()
            .zip(self.block.freqs())
            .map(|(&doc, &freq)| self.bm25.score(self.fieldnorms.id(doc), freq));
        scores.fold(0.0, Score::max)
    }

    /// Moves the block cursor to the first posting at or past `target`.
    #[inline]
    fn seek_posting<const CHECKS: bool>(&mut self, target: DocId) {
        if self.posting() >= target {
            return;
        }
        // The next posting is often the one (the block is loaded): look before seeking.
        let next = (self.cur + 1).min(BLOCK_LEN - 1);
        if self.block.doc(next) >= target {
            self.cur = next;
        } else {
            self.cur = self.block.seek(target);
        }
        self.settle::<CHECKS>();
    }

    #[inline]
    fn advance_posting<const CHECKS: bool>(&mut self) {
        if self.cur + 1 == BLOCK_LEN {
            self.cur = 0;
            self.block.advance();
            // A new block: the lengths of its postings up to the one the next step asks
            // for (`cur + LENGTHS_AHEAD` from `cur` 1) are asked for at once.
            for ahead in 0..=LENGTHS_AHEAD {
                self.fieldnorms.prefetch(self.block.doc(ahead));
            }
        } else {
            self.cur += 1;
            if self.cur + LENGTHS_AHEAD < BLOCK_LEN {
                self.fieldnorms
                    .prefetch(self.block.doc(self.cur + LENGTHS_AHEAD));
            }
        }
        self.settle::<CHECKS>();
    }
}

impl FieldTerm {
    /// [`DocSet::advance`], with the check (`CHECKS`) or for a field known to have none.
    #[inline(always)]
    fn advance_by<const CHECKS: bool>(&mut self) -> DocId {
        if let Some(run) = &mut self.runs {
            if run.doc + 1 < run.end {
                run.doc += 1;
                return run.doc;
            }
            self.advance_posting::<CHECKS>();
            self.enter_run();
            return self.doc();
        }
        self.advance_posting::<CHECKS>();
        self.doc()
    }

    /// [`DocSet::seek`], with the check (`CHECKS`) or for a field known to have none.
    #[inline]
    fn seek_by<const CHECKS: bool>(&mut self, target: DocId) -> DocId {
        if self.doc() >= target {
            return self.doc();
        }
        let Some(run) = &mut self.runs else {
            self.seek_posting::<CHECKS>(target);
            return self.doc();
        };
        if target < run.end {
            run.doc = target;
            return target;
        }
        // The run holding `target` has its posting on its first doc id, if it has one
        // (never behind the current run: past the last run there is none).
        let start = run.runs.run_start(target, run.repeats).max(run.end);
        self.seek_posting::<CHECKS>(start);
        self.enter_run();
        if let Some(run) = &mut self.runs {
            if run.doc < target && target < run.end {
                run.doc = target;
            }
        }
        self.doc()
    }

    /// [`Scorer::score`], with the check (`CHECKS`) or for a field known to have none.
    #[inline]
    fn score_by<const CHECKS: bool>(&mut self) -> Score {
        if CHECKS {
            if let Some(score) = self.checked_score {
                return score;
            }
        }
        #[cfg(test)]
        tests::SCORED.with(|scored| scored.set(scored.get() + 1));
        let fieldnorm_id = self.fieldnorms.id(self.doc());
        self.bm25.score(fieldnorm_id, self.term_freq::<CHECKS>())
    }
}

impl DocSet for FieldTerm {
    #[inline]
    fn advance(&mut self) -> DocId {
        self.advance_by::<true>()
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        self.seek_by::<true>(target)
    }

    #[inline]
    fn doc(&self) -> DocId {
        match &self.runs {
            None => self.posting(),
            Some(run) => run.doc,
        }
    }

    fn size_hint(&self) -> u32 {
        self.block.doc_freq()
    }
}

impl Scorer for FieldTerm {
    #[inline]
    fn score(&mut self) -> Score {
        self.score_by::<true>()
    }
}

/// The scorer of `scorers` walked side by side: the lone one itself.
fn one_or_all<S: Scorer + 'static>(mut scorers: Vec<S>, tie_breaker: Score) -> Box<dyn Scorer> {
    match scorers.len() {
        0 => Box::new(EmptyScorer),
        1 => match scorers.pop() {
            Some(only) => Box::new(only),
            None => Box::new(EmptyScorer),
        },
        _ => Box::new(DisjunctionScorer::new(scorers, tie_breaker)),
    }
}

/// A field of a word known to have no check, moved and scored by code without one.
struct Unchecked(FieldTerm);

impl DocSet for Unchecked {
    #[inline]
    fn advance(&mut self) -> DocId {
        self.0.advance_by::<false>()
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek_by::<false>(target)
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for Unchecked {
    #[inline]
    fn score(&mut self) -> Score {
        self.0.score_by::<false>()
    }
}

/// The score `weight` gives `doc`, as the root of an explanation; an error if it does not
/// match.
fn explain_match(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
    what: &str,
    tie_breaker: Score,
) -> tantivy::Result<Explanation> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.doc() > doc || scorer.seek(doc) != doc {
        return Err(TantivyError::InvalidArgument(format!(
            "Document #({doc}) does not match"
        )));
    }
    Ok(Explanation::new_with_string(
        format!("{what}, tie breaker {tie_breaker}"),
        scorer.score(),
    ))
}

/// Two or more clauses walked side by side.
struct DisjunctionScorer<S> {
    scorers: Vec<S>,
    /// The document each clause is on, kept here so a step reads no clause it does not move.
    docs: Vec<DocId>,
    doc: DocId,
    tie_breaker: Score,
}

impl<S: Scorer> DisjunctionScorer<S> {
    fn new(scorers: Vec<S>, tie_breaker: Score) -> DisjunctionScorer<S> {
        let docs: Vec<DocId> = scorers.iter().map(|s| s.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        DisjunctionScorer {
            scorers,
            docs,
            doc,
            tie_breaker,
        }
    }

    /// Drops the clauses that are done, so later steps do not look at them.
    fn drop_terminated(&mut self) {
        let mut i = 0;
        while i < self.docs.len() {
            if self.docs[i] == TERMINATED {
                self.docs.swap_remove(i);
                drop(self.scorers.swap_remove(i));
            } else {
                i += 1;
            }
        }
    }
}

impl<S: Scorer> DocSet for DisjunctionScorer<S> {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        let mut next = TERMINATED;
        let mut finished = false;
        for (scorer, doc) in self.scorers.iter_mut().zip(self.docs.iter_mut()) {
            if *doc == current {
                *doc = scorer.advance();
                finished |= *doc == TERMINATED;
            }
            next = next.min(*doc);
        }
        if finished {
            self.drop_terminated();
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut next = TERMINATED;
        let mut finished = false;
        for (scorer, doc) in self.scorers.iter_mut().zip(self.docs.iter_mut()) {
            if *doc < target {
                *doc = scorer.seek(target);
                finished |= *doc == TERMINATED;
            }
            next = next.min(*doc);
        }
        if finished {
            self.drop_terminated();
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // The union is at most the sum: an intersection starts from its smallest member.
        self.scorers
            .iter()
            .fold(0u32, |sum, s| sum.saturating_add(s.size_hint()))
    }
}

impl<S: Scorer> Scorer for DisjunctionScorer<S> {
    fn score(&mut self) -> Score {
        let mut max: Score = 0.0;
        let mut sum: Score = 0.0;
        for (scorer, &doc) in self.scorers.iter_mut().zip(&self.docs) {
            if doc == self.doc {
                let score = scorer.score();
                max = max.max(score);
                sum += score;
            }
        }
        combined(max, sum, self.tie_breaker)
    }
}

#[cfg(test)]
mod tests;
