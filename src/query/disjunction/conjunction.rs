//! Every word of a query required, with the bonus of the words close together: the
//! commonest search of several words, walked with the bounds its words carry.
//!
//! As a boolean query of required words under a [`Bonus`], every match of the words was
//! scored and the bonus bounded by its BM25 weight at a term frequency no passage has
//! (two to three times the most it gives): past the exact count nothing was passed over.
//! Here each word is a [`TermInFields`] whose blocks bound it, and the bonus, a phrase of
//! the words in the passage text, scores at most what its rarest word's text postings
//! allow (a phrase occurs no more often than any of its words, in a passage of the same
//! length): a stretch of doc ids where the words' blocks and the bonus together cannot
//! place is passed over, a match that cannot place is neither scored in full nor read for
//! its bonus, and while counts are exact such matches are reported unscored. Where the
//! words are common but seldom together, the walk stops mostly where they disagree; once
//! its stops show it, the words are read into bits ([`Presence`]) and the walk goes from
//! one passage holding them all to the next.

use tantivy::query::{
    Bm25Weight, BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::phrase::{doc_freqs, CountedBy};
use super::presence::Presence;
use super::{
    combined, every_match, Disjunction, FieldTerm, Spellings, Spelt, TermInFields, ROUNDING,
};
use crate::index::{Wanted, UNSCORED};
use crate::query::bonus::{Bonus, ScoreAt};

/// Every word required, their scores summed, and where `bonus` matches its score added.
#[derive(Debug)]
pub struct Conjunction {
    words: Vec<Required>,
    bonus: Option<Proximity>,
}

/// A required word as planned, and its spellings (as typed, corrected), each a word in its
/// fields with its boost: in a segment where one spelling alone has postings, the word is
/// that spelling, boosted (as a [`Disjunction`] of them scores there).
#[derive(Debug)]
struct Required {
    query: Box<dyn Query>,
    spellings: Vec<(TermInFields, Score)>,
}

impl Clone for Required {
    fn clone(&self) -> Self {
        Required {
            query: self.query.box_clone(),
            spellings: self.spellings.clone(),
        }
    }
}

/// A phrase of the words in one field scored at most `boost` times the BM25 weight of
/// `terms` (as tantivy scores a phrase of them).
#[derive(Debug)]
pub struct Proximity {
    pub query: Box<dyn Query>,
    pub terms: Vec<Term>,
    pub boost: Score,
}

impl Clone for Proximity {
    fn clone(&self) -> Self {
        Proximity {
            query: self.query.box_clone(),
            terms: self.terms.clone(),
            boost: self.boost,
        }
    }
}

impl Clone for Conjunction {
    fn clone(&self) -> Self {
        Conjunction {
            words: self.words.clone(),
            bonus: self.bonus.clone(),
        }
    }
}

impl Conjunction {
    /// `words` all required, `bonus` added where it matches; `None` unless each word is a
    /// [`TermInFields`] or a [`Disjunction`] of them (a word and its correction).
    pub fn new(words: Vec<Box<dyn Query>>, bonus: Option<Proximity>) -> Option<Conjunction> {
        let words = words
            .into_iter()
            .map(|query| {
                let spellings = match query.downcast_ref::<TermInFields>() {
                    Some(word) => vec![(word.clone(), 1.0)],
                    None => query.downcast_ref::<Disjunction>()?.word_spellings()?,
                };
                Some(Required { query, spellings })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Conjunction { words, bonus })
    }

    /// The same query as tantivy's boolean query of required words under a [`Bonus`]:
    /// what scorers and explanations are made from, and the walk is measured against.
    pub fn reference(&self) -> Box<dyn Query> {
        let core: Box<dyn Query> = Box::new(BooleanQuery::new(
            self.words
                .iter()
                .map(|w| (Occur::Must, w.query.box_clone()))
                .collect(),
        ));
        match &self.bonus {
            None => core,
            Some(p) => Box::new(Bonus::new(
                core,
                p.query.box_clone(),
                p.terms.clone(),
                p.boost,
            )),
        }
    }
}

impl Query for Conjunction {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(match self.walker(enable_scoring)? {
            Ok(walker) => Box::new(walker),
            Err(reference) => reference,
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            word.query.query_terms(visitor);
        }
        if let Some(p) = &self.bonus {
            p.query.query_terms(visitor);
        }
    }
}

impl Conjunction {
    /// The weight that walks the words with their bounds; the reference's when scoring is
    /// off (nothing to bound).
    fn walker(
        &self,
        enable_scoring: EnableScoring<'_>,
    ) -> tantivy::Result<Result<ConjunctionWeight, Box<dyn Weight>>> {
        let reference = self.reference().weight(enable_scoring)?;
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        else {
            return Ok(Err(reference));
        };
        let words = self
            .words
            .iter()
            .map(|w| Spellings::weigh(&w.spellings, enable_scoring, statistics_provider))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let bonus = match &self.bonus {
            Some(p) if !p.terms.is_empty() => Some(BonusWeight {
                weight: p.query.weight(enable_scoring)?,
                bm25: Bm25Weight::for_terms(statistics_provider, &p.terms)?.boost_by(p.boost),
                terms: p.terms.clone(),
            }),
            _ => None,
        };
        Ok(Ok(ConjunctionWeight {
            reference,
            words,
            bonus,
        }))
    }
}

struct BonusWeight {
    weight: Box<dyn Weight>,
    /// The phrase's BM25, boosted: its score at a passage's length and a term frequency.
    bm25: Bm25Weight,
    terms: Vec<Term>,
}

struct ConjunctionWeight {
    /// The boolean query under its bonus, for scorers and explanations.
    reference: Box<dyn Weight>,
    words: Vec<Spellings>,
    bonus: Option<BonusWeight>,
}

/// A conjunction's words in a segment.
enum Segment {
    /// Some word has no posting: nothing matches.
    Nothing,
    /// Some word has several spellings with postings: no bound at hand.
    Spellings,
    /// Each word's one spelling with postings, cheapest word first, with its place among
    /// the query's words.
    Words(Vec<(usize, Word)>),
}

/// One word's fields, walked side by side.
struct Word {
    fields: Vec<FieldTerm>,
    docs: Vec<DocId>,
    /// The least of `docs`: where the word is next.
    next: DocId,
    tie_breaker: Score,
    /// The spelling they are the postings of.
    spelling: usize,
}

impl Word {
    fn doc(&self) -> DocId {
        self.next
    }

    /// Its postings in all its fields (a run's posting counted once).
    fn size(&self) -> u32 {
        self.fields
            .iter()
            .fold(0u32, |sum, f| sum.saturating_add(f.size_hint()))
    }

    /// `next` again, after some of `docs` moved.
    fn moved(&mut self) {
        self.next = self.docs.iter().copied().min().unwrap_or(TERMINATED);
    }

    /// Moves the fields behind `target` to their first posting at or past it.
    fn seek<const CHECKS: bool>(&mut self, target: DocId) -> DocId {
        if self.next >= target {
            return self.next;
        }
        let mut min = TERMINATED;
        for (field, d) in self.fields.iter_mut().zip(self.docs.iter_mut()) {
            if *d < target {
                *d = field.seek_by::<CHECKS>(target);
            }
            min = min.min(*d);
        }
        self.next = min;
        min
    }

    /// The score at `doc`, where some field is: the best field's, the others' by the tie
    /// breaker (as [`super::DisjunctionScorer`] gives it).
    fn score<const CHECKS: bool>(&mut self, doc: DocId) -> Score {
        let mut max: Score = 0.0;
        let mut sum: Score = 0.0;
        for (field, &d) in self.fields.iter_mut().zip(&self.docs) {
            if d == doc {
                let score = field.score_by::<CHECKS>();
                max = max.max(score);
                sum += score;
            }
        }
        combined(max, sum, self.tie_breaker)
    }

    /// Moves the fields on `doc` past it.
    fn advance<const CHECKS: bool>(&mut self, doc: DocId) {
        let mut min = TERMINATED;
        for (field, d) in self.fields.iter_mut().zip(self.docs.iter_mut()) {
            if *d == doc {
                *d = field.advance_by::<CHECKS>();
            }
            min = min.min(*d);
        }
        self.next = min;
    }

    /// The last doc id the blocks of the fields still walked bound.
    fn block_end(&self) -> DocId {
        self.fields
            .iter()
            .zip(&self.docs)
            .filter(|(_, &d)| d != TERMINATED)
            .map(|(f, _)| f.block_end())
            .min()
            .unwrap_or(TERMINATED - 1)
    }

    /// The most the word scores up to `end` (the fields' block maxima put together), and
    /// each field's (0 without a posting up to `end`) into `maxima`.
    fn bound(&mut self, end: DocId, maxima: &mut Vec<Score>) -> Score {
        maxima.clear();
        for (field, &d) in self.fields.iter_mut().zip(&self.docs) {
            maxima.push(if d <= end { field.block_max() } else { 0.0 });
        }
        let (max, sum) = maxima
            .iter()
            .fold((0.0 as Score, 0.0 as Score), |(m, s), &x| (m.max(x), s + x));
        combined(max, sum, self.tie_breaker)
    }
}

/// Where the bonus's terms are among the words' fields: a word's posting of a term in the
/// bonus's field, and how the bonus's weight compares with that posting's.
///
/// How often the phrase occurs in a passage is bounded by its terms' frequencies there: with
/// two terms, by either's (the least); with more, only by the frequency of the term tantivy
/// counts it by ([`CountedBy`]).
struct BonusTerm {
    word: usize,
    field: usize,
    /// The bonus's BM25 weight over the field's (same field, same lengths: the same
    /// frequency factor), a hair up so a bound never falls under a score.
    ratio: Score,
}

impl ConjunctionWeight {
    /// Each word's fields in `reader`, cheapest word first (the order tantivy's intersection
    /// walks and sums them in).
    fn words(&self, reader: &SegmentReader) -> tantivy::Result<Segment> {
        let mut words = Vec::with_capacity(self.words.len());
        for (i, spellings) in self.words.iter().enumerate() {
            match spellings.in_segment(reader)? {
                Spelt::Nowhere => return Ok(Segment::Nothing),
                Spelt::Several(_) => return Ok(Segment::Spellings),
                Spelt::Once(spelling, fields) => {
                    let docs = fields.iter().map(FieldTerm::doc).collect();
                    let mut word = Word {
                        next: TERMINATED,
                        fields,
                        docs,
                        tie_breaker: spellings.0[spelling].0.tie_breaker,
                        spelling,
                    };
                    word.moved();
                    words.push((i, word));
                }
            }
        }
        words.sort_by_key(|(_, w)| w.size());
        Ok(Segment::Words(words))
    }

    /// Where each of the bonus's terms is among `words`' fields; `None` when one is not
    /// (the bonus is then bounded by its weight alone).
    fn bonus_terms(
        &self,
        words: &[(usize, Word)],
        bonus: &BonusWeight,
        reader: &SegmentReader,
    ) -> tantivy::Result<Option<Placed>> {
        let doc_freqs = doc_freqs(reader, &bonus.terms)?;
        let most = bonus.bm25.score(0, u32::MAX);
        let terms: Option<Vec<BonusTerm>> = bonus
            .terms
            .iter()
            .map(|term| {
                words.iter().enumerate().find_map(|(w, (i, word))| {
                    let clauses = &self.words[*i].0[word.spelling].0.weights;
                    word.fields.iter().enumerate().find_map(|(f, field)| {
                        let clause = clauses.get(field.clause)?;
                        // A checked phrase walks postings other than its term's.
                        (clause.term == *term && !clause.is_pair && clause.check.is_none()).then(
                            || BonusTerm {
                                word: w,
                                field: f,
                                ratio: most / field.bm25.score(0, u32::MAX) * ROUNDING,
                            },
                        )
                    })
                })
            })
            .collect();
        Ok(terms.map(|terms| Placed {
            terms,
            counted_by: CountedBy::of(&doc_freqs),
        }))
    }
}

/// The bonus's terms among the words' fields, in the phrase's order, and the one that bounds
/// how often it is counted.
struct Placed {
    terms: Vec<BonusTerm>,
    counted_by: CountedBy,
}

impl Placed {
    /// What bounds the phrase from `of_term`, asked of the terms it needs: the term's it is
    /// counted by, or the least of two.
    fn bound_by<T: PartialOrd>(&self, of_term: impl Fn(&BonusTerm) -> T) -> T {
        match self.counted_by {
            CountedBy::Term(i) => of_term(&self.terms[i]),
            CountedBy::EitherOfTwo => {
                let mut terms = self.terms.iter().map(of_term);
                let first = terms.next().expect("a phrase has terms");
                terms.fold(first, |least, x| if x < least { x } else { least })
            }
        }
    }
}

/// A word whose postings are at most this many times the cheapest word's may be read into
/// the words' [`Presence`]: beside the cheapest, its walk stops about as often.
const PRESENCE_SPREAD: u32 = 16;

/// What a stop of the walk where the words disagree costs, in postings read into bits.
/// Measured on « insertion professionnelle des jeunes »: about 500 instructions a stop,
/// 17 a posting read, so 30; set at half, as a stop that stays in its blocks costs less.
const STOP_IN_POSTINGS: u64 = 15;

/// The bits pay only where stops are most of the walk: where most are matches, the
/// matches' scoring is, and it stays.
const STOPS_A_MATCH: u32 = 4;

/// How many stops without a match the walk makes between two looks at whether reading
/// the words into bits would pay.
const STOPS_BETWEEN_LOOKS: u32 = 512;

/// A walk's words read into bits, or what it knows to decide whether to.
struct Bits {
    /// Until the words are read.
    plan: Option<PresencePlan>,
    presence: Option<Presence>,
    /// The walk's stops without a match so far, and its matches.
    stops: u32,
    matches: u32,
}

/// The words a walk may read into a [`Presence`], and their postings.
struct PresencePlan {
    /// Places in the walk's words.
    words: Vec<usize>,
    postings: u64,
}

impl ConjunctionWeight {
    /// The words of `words` that may be read into bits: without a phrase checked at its
    /// postings, and not far commoner than the cheapest; `None` when fewer than two are
    /// (the walk is then about as cheap).
    fn presence_plan(&self, words: &[(usize, Word)]) -> Option<PresencePlan> {
        let cheapest = words.first()?.1.size();
        let read: Vec<usize> = words
            .iter()
            .enumerate()
            .filter(|(_, (i, word))| {
                let clauses = &self.words[*i].0[word.spelling].0.weights;
                word.size() <= cheapest.saturating_mul(PRESENCE_SPREAD)
                    && word
                        .fields
                        .iter()
                        .all(|f| f.check.is_none() && clauses[f.clause].check.is_none())
            })
            .map(|(place, _)| place)
            .collect();
        (read.len() >= 2).then(|| PresencePlan {
            postings: read.iter().map(|&w| u64::from(words[w].1.size())).sum(),
            words: read,
        })
    }

    /// Reads the words into `bits` from `candidate` on if the walk so far, up to `doc`,
    /// says it pays: at least [`STOPS_A_MATCH`] stops a match, and more stops a doc id
    /// walked than postings a doc id to read, weighed by [`STOP_IN_POSTINGS`].
    #[cold]
    #[inline(never)]
    fn look(
        &self,
        bits: &mut Bits,
        reader: &SegmentReader,
        words: &[(usize, Word)],
        doc: DocId,
        candidate: DocId,
    ) -> tantivy::Result<()> {
        let max_doc = u64::from(reader.max_doc().max(1));
        let pays = bits.plan.as_ref().is_some_and(|plan| {
            candidate != TERMINATED
                && bits.stops >= bits.matches.saturating_mul(STOPS_A_MATCH)
                && u64::from(bits.stops) * STOP_IN_POSTINGS * max_doc
                    > plan.postings * u64::from(doc)
        });
        if pays {
            if let Some(plan) = bits.plan.take() {
                bits.presence = Some(self.presence(reader, words, &plan, candidate)?);
            }
        }
        Ok(())
    }

    /// Where the words of `plan` are all together in `reader`, from `from` on (the bits
    /// before it are not all read).
    fn presence(
        &self,
        reader: &SegmentReader,
        words: &[(usize, Word)],
        plan: &PresencePlan,
        from: DocId,
    ) -> tantivy::Result<Presence> {
        let max_doc = reader.max_doc();
        let mut all = Presence::empty(max_doc);
        let mut one = Presence::empty(max_doc);
        for (n, &place) in plan.words.iter().enumerate() {
            let (i, word) = &words[place];
            let clauses = &self.words[*i].0[word.spelling].0.weights;
            let into = if n == 0 { &mut all } else { &mut one };
            into.clear();
            for field in &word.fields {
                let term = &clauses[field.clause].term;
                let Some(mut block) = reader
                    .inverted_index(term.field())?
                    .read_block_postings(term, IndexRecordOption::Basic)?
                else {
                    continue;
                };
                // A run's posting is on its first passage, maybe before `from`.
                block.seek(match &field.runs {
                    None => from,
                    Some(run) => run.runs.run_start(from, run.repeats),
                });
                while !block.docs().is_empty() {
                    match &field.runs {
                        None => block.docs().iter().for_each(|&doc| into.insert(doc)),
                        // A posting stands for its whole run.
                        Some(run) => block.docs().iter().for_each(|&doc| {
                            into.insert_range(doc, run.runs.run_end(doc, run.repeats))
                        }),
                    }
                    block.advance();
                }
            }
            if n > 0 {
                all.intersect(&one);
            }
        }
        Ok(all)
    }
}

impl Weight for ConjunctionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.reference.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.reference.explain(reader, doc)
    }

    /// The matches that can pass `threshold`, scored as [`Conjunction::reference`] scores
    /// them; while counts are exact, every match (those that cannot reach the floor
    /// unscored).
    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let words = match self.words(reader)? {
            Segment::Words(words) => words,
            Segment::Nothing => return Ok(()),
            Segment::Spellings => {
                return every_match(self.reference.as_ref(), threshold, reader, callback)
            }
        };
        // Words without a phrase checked at its postings are walked by code without checks.
        let checks = words
            .iter()
            .any(|(i, word)| self.words[*i].0[word.spelling].0.checks());
        if checks {
            self.walk::<true>(words, threshold, reader, callback)
        } else {
            self.walk::<false>(words, threshold, reader, callback)
        }
    }
}

impl ConjunctionWeight {
    /// [`Weight::for_each_pruning`] over `words`, the words' fields in a segment, with
    /// their checks (`CHECKS`) or without.
    fn walk<const CHECKS: bool>(
        &self,
        mut words: Vec<(usize, Word)>,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut bonus = self
            .bonus
            .as_ref()
            .map(|b| (b, ScoreAt::new(&*b.weight, reader)));
        // Where the bonus's terms are; with one of them not among the words, only its
        // weight bounds it; with one of them in no passage here, it never matches.
        let placed = match &bonus {
            Some((b, _)) => self.bonus_terms(&words, b, reader)?,
            None => None,
        };
        let bonus_most = bonus
            .as_ref()
            .map_or(0.0, |(b, _)| b.bm25.score(0, u32::MAX));
        let mut maxima: Vec<Vec<Score>> = vec![Vec::new(); words.len()];
        let mut stretch_end: Option<DocId> = None;
        // The most a match in the stretch scores, and without the bonus.
        let mut bound = Score::INFINITY;
        let mut core_bound = Score::INFINITY;
        let mut candidate = words
            .iter()
            .map(|(_, w)| w.doc())
            .max()
            .unwrap_or(TERMINATED);
        let mut scores: Vec<Score> = vec![0.0; words.len()];
        // Read into bits once the walk's stops without a match show they would pay.
        let mut bits = Bits {
            plan: self.presence_plan(&words),
            presence: None,
            stops: 0,
            matches: 0,
        };
        loop {
            if let Some(presence) = &bits.presence {
                // Where the words read into bits are all together.
                candidate = presence.next_from(candidate);
            }
            if candidate == TERMINATED || threshold == Score::INFINITY {
                return Ok(());
            }
            // Every word on or past the candidate, the first where all meet.
            let mut doc = candidate;
            for (_, word) in words.iter_mut() {
                doc = doc.max(word.seek::<CHECKS>(doc));
            }
            if doc == TERMINATED {
                return Ok(());
            }
            let wanted = Wanted::of(threshold);
            let bounded = !matches!(wanted, Wanted::Every);
            if bounded && stretch_end.is_none_or(|end| doc > end) {
                let end = words
                    .iter()
                    .map(|(_, w)| w.block_end())
                    .min()
                    .unwrap_or(TERMINATED - 1);
                let mut core: Score = 0.0;
                for ((_, word), maxima) in words.iter_mut().zip(maxima.iter_mut()) {
                    core += word.bound(end, maxima);
                }
                let extra = match (&bonus, &placed) {
                    (None, _) => 0.0,
                    (Some(_), None) => bonus_most,
                    (Some(_), Some(placed)) => {
                        // Each term's best in the stretch, at the bonus's weight.
                        let best = |t: &BonusTerm| maxima[t.word][t.field] * t.ratio;
                        let phrase = if placed.terms.iter().any(|t| best(t) == 0.0) {
                            // A term without a posting in the stretch: no phrase there.
                            0.0
                        } else {
                            placed.bound_by(best)
                        };
                        phrase.min(bonus_most)
                    }
                };
                bound = (core + extra) * ROUNDING;
                core_bound = core;
                stretch_end = Some(end);
            }
            if let (Some(end), Wanted::Above(t)) = (stretch_end, wanted) {
                if bound <= t {
                    candidate = end.saturating_add(1).min(TERMINATED);
                    stretch_end = None;
                    continue;
                }
                if let (Some(placed), true) = (&placed, core_bound * ROUNDING <= t) {
                    // Without the bonus nothing here places, and the bonus needs every one
                    // of its terms in the text: only those postings are walked.
                    let next = bonus_postings_from::<CHECKS>(&placed.terms, &mut words, doc, end);
                    if next > doc {
                        candidate = next.min(end.saturating_add(1)).min(TERMINATED);
                        if candidate > end {
                            stretch_end = None;
                        }
                        continue;
                    }
                }
            }
            if words.iter().any(|(_, w)| w.doc() != doc) {
                // Not every word here: the candidate moves to the furthest.
                candidate = words
                    .iter()
                    .map(|(_, w)| w.doc())
                    .max()
                    .unwrap_or(TERMINATED);
                bits.stops += 1;
                if bits.stops.is_multiple_of(STOPS_BETWEEN_LOOKS) && bits.plan.is_some() {
                    self.look(&mut bits, reader, &words, doc, candidate)?;
                }
                continue;
            }
            bits.matches += 1;
            // A match: the bonus bounded here first (most often nothing: a word is not in
            // the text), then with the words' bounds in the stretch.
            let most = match (&bonus, &placed) {
                (None, _) => 0.0,
                (Some(_), None) => bonus_most,
                (Some((b, _)), Some(placed)) => bonus_bound(placed, &words, doc, &b.bm25),
            };
            let in_stretch = bounded && stretch_end.is_some_and(|end| doc <= end);
            let report = if in_stretch {
                wanted
                    .unscored_if_at_most((core_bound + most) * ROUNDING)
                    .map(|unscored| unscored.then_some(UNSCORED))
            } else {
                None
            };
            let score = match report {
                Some(report) => report,
                None => {
                    for ((_, word), score) in words.iter_mut().zip(scores.iter_mut()) {
                        *score = word.score::<CHECKS>(doc);
                    }
                    // As tantivy's intersection sums them: the two cheapest, then the rest.
                    let mut core = scores[0];
                    if let Some(&second) = scores.get(1) {
                        core += second;
                        core += scores[2..].iter().fold(-0.0, |sum: Score, &s| sum + s);
                    }
                    match &mut bonus {
                        None => Some(core),
                        Some((_, scorer)) => match wanted.unscored_if_at_most(core + most) {
                            Some(unscored) => unscored.then_some(UNSCORED),
                            None if most > 0.0 => Some(core + scorer.score(doc)?.unwrap_or(0.0)),
                            None => Some(core),
                        },
                    }
                }
            };
            if let Some(score) = score {
                if score > threshold || score == UNSCORED {
                    threshold = callback(doc, score);
                }
            }
            for (_, word) in words.iter_mut() {
                word.advance::<CHECKS>(doc);
            }
            candidate = doc + 1;
        }
    }
}

/// The first doc id from `doc` where each of the bonus's terms is in its field (the text),
/// seeking only those postings; past `end` when there is none up to it.
fn bonus_postings_from<const CHECKS: bool>(
    placed: &[BonusTerm],
    words: &mut [(usize, Word)],
    doc: DocId,
    end: DocId,
) -> DocId {
    let mut target = doc;
    loop {
        let mut furthest = target;
        for t in placed {
            // Past the stretch, its bounds no longer say that only the bonus can place: a
            // term's postings there are for the walk of the next stretch.
            let to = furthest.min(end.saturating_add(1));
            let word = &mut words[t.word].1;
            let d = &mut word.docs[t.field];
            if *d < to {
                *d = word.fields[t.field].seek_by::<CHECKS>(to);
                word.moved();
            }
            furthest = furthest.max(word.docs[t.field]);
        }
        if furthest == target || furthest > end {
            return furthest;
        }
        target = furthest;
    }
}

/// The most the bonus scores at `doc`, where every word is: nothing unless each of its
/// terms is in its field there, else its weight at the passage's length and the frequency
/// that bounds the phrase's ([`Placed::bound_by`]).
fn bonus_bound(placed: &Placed, words: &[(usize, Word)], doc: DocId, bm25: &Bm25Weight) -> Score {
    let mut fieldnorm_id = 0;
    for t in &placed.terms {
        let word = &words[t.word].1;
        if word.docs[t.field] != doc {
            return 0.0;
        }
        fieldnorm_id = word.fields[t.field].fieldnorms.id(doc);
    }
    let freq = placed.bound_by(|t| words[t.word].1.fields[t.field].term_freq::<true>());
    bm25.score(fieldnorm_id, freq) * ROUNDING
}

#[cfg(test)]
mod tests;
