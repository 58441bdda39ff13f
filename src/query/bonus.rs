//! A bonus added to the score of a query's matches where a phrase holds, looked at only
//! where it can change what places.
//!
//! The words of a query typed next to each other rank the passages holding them close
//! together above the others: a phrase with slop in the passage text, added to the score of
//! every match. Checking it reads positions, and as an optional clause of a boolean query it
//! was read for every match of the words (a tenth of the time of a search of several
//! words). Its score is at most its BM25 weight, known before the walk: a match whose score
//! without it cannot reach what the collector wants even with that much more is passed over
//! (or, while counts are exact, reported unscored) without reading a position.

use tantivy::query::{
    Bm25Weight, EnableScoring, Explanation, Query, RequiredOptionalScorer, Scorer, SumCombiner,
    Weight,
};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

use crate::index::{Wanted, UNSCORED};

/// `core`, with `bonus` added where it matches. The bonus scores at most `boost` times the
/// BM25 weight of `terms`, the terms of one field (a phrase of them, as tantivy scores one).
#[derive(Debug)]
pub struct Bonus {
    core: Box<dyn Query>,
    bonus: Box<dyn Query>,
    terms: Vec<Term>,
    boost: Score,
}

impl Clone for Bonus {
    fn clone(&self) -> Self {
        Bonus {
            core: self.core.box_clone(),
            bonus: self.bonus.box_clone(),
            terms: self.terms.clone(),
            boost: self.boost,
        }
    }
}

impl Bonus {
    /// `bonus` must score at most `boost` times the BM25 weight of `terms` (a phrase query
    /// over them, boosted by `boost`): that is what lets the walk pass over it.
    pub fn new(
        core: Box<dyn Query>,
        bonus: Box<dyn Query>,
        terms: Vec<Term>,
        boost: Score,
    ) -> Bonus {
        Bonus {
            core,
            bonus,
            terms,
            boost,
        }
    }

    /// The query the bonus is added to.
    pub fn core(&self) -> &dyn Query {
        &*self.core
    }

    /// The same bonus over another core (the same matches, walked differently).
    pub fn with_core(&self, core: Box<dyn Query>) -> Bonus {
        Bonus {
            core,
            ..self.clone()
        }
    }
}

impl Query for Bonus {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let most = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } if !self.terms.is_empty() => {
                // A term frequency past any real one: the weight itself, which no score reaches.
                Bm25Weight::for_terms(statistics_provider, &self.terms)?
                    .boost_by(self.boost)
                    .score(0, u32::MAX)
            }
            _ => Score::INFINITY,
        };
        Ok(Box::new(BonusWeight {
            core: self.core.weight(enable_scoring)?,
            bonus: self.bonus.weight(enable_scoring)?,
            most,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.core.query_terms(visitor);
        self.bonus.query_terms(visitor);
    }
}

struct BonusWeight {
    core: Box<dyn Weight>,
    bonus: Box<dyn Weight>,
    /// The most the bonus adds.
    most: Score,
}

impl Weight for BonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let core = self.core.scorer(reader, boost)?;
        let bonus = self.bonus.scorer(reader, boost)?;
        Ok(Box::new(RequiredOptionalScorer::<
            Box<dyn Scorer>,
            Box<dyn Scorer>,
            SumCombiner,
        >::new(core, bonus)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let core = self.core.explain(reader, doc)?;
        let bonus = self.bonus.explain(reader, doc).ok();
        let score = core.value() + bonus.as_ref().map_or(0.0, Explanation::value);
        let mut explanation = Explanation::new("with a bonus", score);
        explanation.add_detail(core);
        if let Some(bonus) = bonus {
            explanation.add_detail(bonus);
        }
        Ok(explanation)
    }

    /// The core's matches that can pass with the bonus, the bonus read only for them.
    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut bonus = ScoreAt::new(&*self.bonus, reader);
        let mut failed = None;
        let mut threshold = threshold;
        let mut wanted = Wanted::of(threshold);
        let most = self.most;
        // The core is asked for what can pass once the bonus is added.
        let core_threshold = |threshold: Score, wanted: Wanted| {
            if threshold == Score::INFINITY {
                Score::INFINITY
            } else {
                wanted.less(most).threshold()
            }
        };
        self.core.for_each_pruning(
            core_threshold(threshold, wanted),
            reader,
            &mut |doc, score| {
                match wanted.unscored_if_at_most(score + most) {
                    Some(false) => {}
                    Some(true) => {
                        threshold = callback(doc, UNSCORED);
                        wanted = Wanted::of(threshold);
                    }
                    None => match bonus.score(doc) {
                        Ok(extra) => {
                            let total = score + extra.unwrap_or(0.0);
                            if total > threshold {
                                threshold = callback(doc, total);
                                wanted = Wanted::of(threshold);
                            }
                        }
                        Err(error) => {
                            // The walk stops; the error is returned once it has.
                            failed = Some(error);
                            return Score::INFINITY;
                        }
                    },
                }
                core_threshold(threshold, wanted)
            },
        )?;
        failed.map_or(Ok(()), Err)
    }
}

/// A scorer asked about doc ids in increasing order, made at the first one asked.
///
/// Why: a phrase scorer made at the start of a segment walks to the phrase's first match,
/// reading positions in every passage holding all its words on the way, and a phrase of
/// common words may first hold far into the segment. A bonus is read only at matches that
/// can place, and the first of them may come later still: made there, the scorer starts
/// there, and from one asked to the next it is sought with [`DocSet::seek_danger`], which
/// checks the phrase at the passage asked and at none between.
pub(crate) struct ScoreAt<'a> {
    weight: &'a dyn Weight,
    reader: &'a SegmentReader,
    scorer: Option<Sought>,
}

impl<'a> ScoreAt<'a> {
    pub(crate) fn new(weight: &'a dyn Weight, reader: &'a SegmentReader) -> ScoreAt<'a> {
        ScoreAt {
            weight,
            reader,
            scorer: None,
        }
    }

    /// The score at `doc` where the weight matches it, no earlier doc id than the last asked.
    // Out of line: the walks around it are hot loops, this is their rare branch.
    #[inline(never)]
    pub(crate) fn score(&mut self, doc: DocId) -> tantivy::Result<Option<Score>> {
        Ok(match &mut self.scorer {
            Some(scorer) => scorer.score(doc),
            None => {
                let mut scorer = Sought::new(self.weight, self.reader, doc, 1.0)?;
                let score = scorer.score(doc);
                self.scorer = Some(scorer);
                score
            }
        })
    }
}

/// A scorer made at a doc id and sought from there with [`DocSet::seek_danger`] only:
/// each doc id asked is checked alone, none between.
pub(crate) struct Sought {
    scorer: Box<dyn Scorer>,
    /// No match before this doc id.
    from: DocId,
    /// Whether the scorer is on `from` (a match).
    on: bool,
}

impl Sought {
    /// `weight`'s scorer in `reader`, boosted by `boost`, made at `doc`.
    pub(crate) fn new(
        weight: &dyn Weight,
        reader: &SegmentReader,
        doc: DocId,
        boost: Score,
    ) -> tantivy::Result<Sought> {
        let (found, scorer) = weight.scorer_danger(reader, doc, boost)?;
        let mut sought = Sought {
            scorer,
            from: doc,
            on: false,
        };
        sought.found(doc, found);
        Ok(sought)
    }

    fn found(&mut self, doc: DocId, found: SeekDangerResult) {
        (self.from, self.on) = match found {
            SeekDangerResult::Found => (doc, true),
            SeekDangerResult::SeekLowerBound(next) => (next, false),
        };
    }

    /// The score at `doc` where the scorer matches it; asked at no earlier doc id than the
    /// last (nor than the one it was made at).
    pub(crate) fn score(&mut self, doc: DocId) -> Option<Score> {
        if doc < self.from {
            return None;
        }
        if !(self.on && doc == self.from) {
            let found = self.scorer.seek_danger(doc);
            self.found(doc, found);
            if !self.on {
                return None;
            }
        }
        Some(self.scorer.score())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index};

    /// Passages where « contrat » and « ville » are near or far apart, and the query of both
    /// words with the phrase as a bonus, as a boolean query and as a [`Bonus`].
    fn passages() -> (Index, Box<dyn Query>, Bonus) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        let texts = [
            "le contrat de ville du quartier",
            "la ville signe avec l'État, pour trois ans et au terme d'une longue \
             concertation des habitants, des associations, des bailleurs et des services \
             de l'État dans chaque quartier prioritaire, un contrat",
            "contrat ville",
            "un contrat",
            "la ville et son contrat de ville, contrat de ville encore",
            "contrat ville, contrat ville, contrat ville",
        ];
        for i in 0..40 {
            let t = texts[i % texts.len()];
            writer.add_document(doc!(text => t)).expect("add");
            // Passages without either word: the two words are rare, as in a corpus.
            for _ in 0..4 {
                writer
                    .add_document(doc!(text => "le projet éducatif du territoire"))
                    .expect("add");
            }
        }
        writer.commit().expect("commit");
        let term = |w: &str| Term::from_field_text(text, w);
        let word = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(term(w), IndexRecordOption::WithFreqs))
        };
        let core: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, word("contrat")),
            (Occur::Must, word("ville")),
        ]));
        let phrase: Box<dyn Query> = Box::new(BoostQuery::new(
            Box::new(PhraseQuery::new_with_offset_and_slop(
                vec![(0, term("contrat")), (1, term("ville"))],
                2,
            )),
            1.5,
        ));
        let boolean = Box::new(BooleanQuery::new(vec![
            (Occur::Must, core.box_clone()),
            (Occur::Should, phrase.box_clone()),
        ]));
        let bonus = Bonus::new(core, phrase, vec![term("contrat"), term("ville")], 1.5);
        (index, boolean, bonus)
    }

    #[test]
    fn scores_as_the_optional_clause_of_a_boolean_query() {
        let (index, boolean, bonus) = passages();
        let searcher = index.reader().expect("reader").searcher();
        let top = |q: &dyn Query| {
            searcher
                .search(q, &TopDocs::with_limit(40).order_by_score())
                .expect("search")
        };
        let expected = top(&*boolean);
        assert!(expected.len() > 10);
        assert_eq!(top(&bonus), expected);
    }

    /// Every match of `query` in doc order, and their scores best first.
    fn every_match(index: &Index, query: &dyn Query) -> (Vec<(DocId, Score)>, Vec<Score>) {
        let every = walk(index, query, Score::NEG_INFINITY);
        let mut scores: Vec<Score> = every.iter().map(|&(_, s)| s).collect();
        scores.sort_by(|a, b| b.total_cmp(a));
        (every, scores)
    }

    /// Every match a walk reports, asked with `threshold` throughout.
    fn walk(index: &Index, query: &dyn Query, threshold: Score) -> Vec<(DocId, Score)> {
        let searcher = index.reader().expect("reader").searcher();
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .expect("weight");
        let mut reported = Vec::new();
        for segment in searcher.segment_readers() {
            weight
                .for_each_pruning(threshold, segment, &mut |doc, score| {
                    reported.push((doc, score));
                    threshold
                })
                .expect("walk");
        }
        reported
    }

    #[test]
    fn a_scorer_made_where_first_asked_scores_as_one_made_at_the_start() {
        let (index, _, bonus) = passages();
        let searcher = index.reader().expect("reader").searcher();
        let weight = bonus
            .bonus
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .expect("weight");
        let segment = &searcher.segment_readers()[0];
        let max_doc = segment.max_doc();
        // Asked at every doc id, at every third from the 7th, or at each twice in a row.
        let askings: [Vec<DocId>; 3] = [
            (0..max_doc).collect(),
            (7..max_doc).step_by(3).collect(),
            (0..max_doc).flat_map(|d| [d, d]).collect(),
        ];
        let mut matched = 0;
        for asked in askings {
            let mut eager = weight.scorer(segment, 1.0).expect("scorer");
            let mut lazy = ScoreAt::new(&*weight, segment);
            for doc in asked {
                let mut on = eager.doc();
                if on < doc {
                    on = eager.seek(doc);
                }
                let expected = (on == doc).then(|| eager.score());
                matched += usize::from(expected.is_some());
                assert_eq!(lazy.score(doc).expect("score"), expected, "doc {doc}");
            }
        }
        assert!(matched > 10);
    }

    #[test]
    fn a_match_that_cannot_reach_the_floor_is_counted_unscored() {
        let (index, boolean, bonus) = passages();
        let (every, scores) = every_match(&index, &*boolean);
        let floor = scores[0];
        let counted = walk(&index, &bonus, Wanted::Counted { floor }.threshold());
        // Every match is reported, those that can reach the floor with their exact score.
        assert_eq!(counted.len(), every.len());
        for (&(doc, exact), &(same, reported)) in every.iter().zip(&counted) {
            assert_eq!(doc, same);
            if exact >= floor {
                assert_eq!(reported, exact);
            } else {
                assert!(reported == exact || reported == UNSCORED);
            }
        }
        // The passages holding the words far apart were not looked at for the bonus.
        assert!(counted.iter().any(|&(_, s)| s == UNSCORED));
    }

    #[test]
    fn past_the_count_only_what_passes_the_threshold_is_reported() {
        let (index, boolean, bonus) = passages();
        let (every, scores) = every_match(&index, &*boolean);
        let threshold = scores[3].next_down();
        let above: Vec<(DocId, Score)> = every
            .iter()
            .copied()
            .filter(|&(_, s)| s > threshold)
            .collect();
        assert!(!above.is_empty() && above.len() < every.len());
        assert_eq!(walk(&index, &bonus, threshold), above);
    }
}
