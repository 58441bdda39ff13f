//! The disjunction of a query word: the same term (or phrase) in the passage text, its
//! headings, its title and its field label, or a word and its glossary alternatives.
//!
//! tantivy's own unions buffer 4,096 documents ahead: every posting of every clause is
//! scored as it is buffered, and a seek past the buffer clears its 48 kB of scores. Those
//! unions are made for many clauses. A word has two to four, and inside an intersection
//! (every word required) most of its postings are skipped: here the clauses are walked
//! side by side, a seek moves only the clauses behind the target, and a document is
//! scored only when the collector asks, so postings the intersection skips cost nothing.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

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
}

impl Query for Disjunction {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|(query, boost)| Ok((query.weight(enable_scoring)?, *boost)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(DisjunctionWeight {
            weights,
            tie_breaker: self.tie_breaker,
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
}

/// One analysed word in several fields, each with its boost, scored like a [`Disjunction::max`]
/// of term queries. Most query words are this: built from the postings themselves, the
/// clauses are called directly on every match instead of through a pointer each.
#[derive(Debug, Clone)]
pub struct TermInFields {
    terms: Vec<(Term, Score)>,
    tie_breaker: Score,
}

impl TermInFields {
    pub fn new(terms: Vec<(Term, Score)>, tie_breaker: Score) -> TermInFields {
        TermInFields { terms, tie_breaker }
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
                .terms
                .iter()
                .map(|(term, boost)| {
                    let query: Box<dyn Query> = Box::new(tantivy::query::TermQuery::new(
                        term.clone(),
                        IndexRecordOption::Basic,
                    ));
                    (query, *boost)
                })
                .collect();
            return Disjunction::max(clauses, self.tie_breaker).weight(enable_scoring);
        };
        let weights = self
            .terms
            .iter()
            .map(|(term, boost)| {
                let bm25 = Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))?;
                Ok((term.clone(), bm25.boost_by(*boost)))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(TermInFieldsWeight {
            weights,
            tie_breaker: self.tie_breaker,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.terms {
            visitor(term, false);
        }
    }
}

struct TermInFieldsWeight {
    weights: Vec<(Term, Bm25Weight)>,
    tie_breaker: Score,
}

impl TermInFieldsWeight {
    fn field_scorers(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Vec<FieldTerm>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for (term, bm25) in &self.weights {
            let field = term.field();
            let postings = reader
                .inverted_index(field)?
                .read_block_postings(term, IndexRecordOption::WithFreqs)?;
            let Some(block) = postings.filter(|p| p.doc(0) != TERMINATED) else {
                continue;
            };
            let fieldnorms = reader
                .fieldnorms_readers()
                .get_field(field)?
                .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
            scorers.push(FieldTerm {
                block,
                cur: 0,
                fieldnorms,
                bm25: bm25.boost_by(boost),
            });
        }
        Ok(scorers)
    }
}

impl Weight for TermInFieldsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = self.field_scorers(reader, boost)?;
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => match scorers.pop() {
                Some(only) => Box::new(only),
                None => Box::new(EmptyScorer),
            },
            _ => Box::new(DisjunctionScorer::new(scorers, self.tie_breaker)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = explain_match(self, reader, doc, "term in fields", self.tie_breaker)?;
        for mut field in self.field_scorers(reader, 1.0)? {
            if field.doc() <= doc && field.seek(doc) == doc {
                let fieldnorm_id = field.fieldnorms.fieldnorm_id(doc);
                explanation.add_detail(field.bm25.explain(fieldnorm_id, field.term_freq()));
            }
        }
        Ok(explanation)
    }

    /// Every passage that can score above `threshold`, walked block by block: a stretch of
    /// doc ids where the best each field's block can give, put together, stays under the
    /// threshold is passed over without scoring a passage (block-max pruning). The bounds
    /// are tantivy's block maxima, exact on one segment and at worst a hair low across
    /// segments whose mean lengths differ, as for tantivy's own top-k pruning.
    fn for_each_pruning(
        &self,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut fields = self.field_scorers(reader, 1.0)?;
        let mut docs: Vec<DocId> = fields.iter().map(FieldTerm::doc).collect();
        // The stretch of doc ids `bound` holds for; empty at first.
        let mut stretch_end: Option<DocId> = None;
        let mut bound = Score::INFINITY;
        let mut scores = Vec::with_capacity(fields.len());
        loop {
            let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
            if doc == TERMINATED {
                return Ok(());
            }
            if stretch_end.is_none_or(|end| doc > end) {
                let end = fields
                    .iter()
                    .zip(&docs)
                    .filter(|(_, &d)| d != TERMINATED)
                    .map(|(f, _)| f.block_end())
                    .min()
                    .unwrap_or(TERMINATED - 1);
                scores.clear();
                for (field, &d) in fields.iter_mut().zip(&docs) {
                    if d <= end {
                        scores.push(field.block_max());
                    }
                }
                bound = combine(&scores, self.tie_breaker);
                stretch_end = Some(end);
            }
            let end = stretch_end.unwrap_or(TERMINATED - 1);
            if bound <= threshold {
                // Nothing up to the end of the stretch can pass: leap past it.
                let target = end.saturating_add(1).min(TERMINATED);
                for (field, d) in fields.iter_mut().zip(docs.iter_mut()) {
                    if *d < target {
                        *d = field.seek(target);
                    }
                }
                stretch_end = None;
                continue;
            }
            scores.clear();
            for (field, d) in fields.iter_mut().zip(docs.iter_mut()) {
                if *d == doc {
                    scores.push(field.score());
                    *d = field.advance();
                }
            }
            let score = combine(&scores, self.tie_breaker);
            if score > threshold {
                threshold = callback(doc, score);
            }
        }
    }
}

/// The score of clauses scoring `scores`, the best counting in full and the others by
/// `tie_breaker`; also a bound of it when `scores` are bounds (it grows with each).
fn combine(scores: &[Score], tie_breaker: Score) -> Score {
    let mut max: Score = 0.0;
    let mut sum: Score = 0.0;
    for &score in scores {
        max = max.max(score);
        sum += score;
    }
    if tie_breaker == 1.0 {
        sum
    } else {
        max + (sum - max) * tie_breaker
    }
}

/// A term's postings in one field, scored by BM25, read block by block so the best score
/// of the current block is at hand.
struct FieldTerm {
    block: BlockSegmentPostings,
    /// Position in the current block.
    cur: usize,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
}

/// Postings per block (tantivy's compression block).
const BLOCK_LEN: usize = 128;

impl FieldTerm {
    #[inline]
    fn term_freq(&self) -> u32 {
        self.block.freq(self.cur)
    }

    /// The last doc id the current block can hold: its last posting when full, else (the
    /// last block) anything up to the end.
    fn block_end(&self) -> DocId {
        if self.block.block_len() == BLOCK_LEN {
            self.block.doc(BLOCK_LEN - 1)
        } else {
            TERMINATED - 1
        }
    }

    /// The best score any posting of the current block can have.
    fn block_max(&mut self) -> Score {
        self.block.block_max_score(&self.fieldnorms, &self.bm25)
    }
}

impl DocSet for FieldTerm {
    #[inline]
    fn advance(&mut self) -> DocId {
        if self.cur + 1 == BLOCK_LEN {
            self.cur = 0;
            self.block.advance();
        } else {
            self.cur += 1;
        }
        self.doc()
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() >= target {
            return self.doc();
        }
        // The next posting is often the one (the block is loaded): look before seeking.
        let next = (self.cur + 1).min(BLOCK_LEN - 1);
        if self.block.doc(next) >= target {
            self.cur = next;
            return self.doc();
        }
        self.cur = self.block.seek(target);
        self.doc()
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.block.doc(self.cur)
    }

    fn size_hint(&self) -> u32 {
        self.block.doc_freq()
    }
}

impl Scorer for FieldTerm {
    #[inline]
    fn score(&mut self) -> Score {
        let fieldnorm_id = self.fieldnorms.fieldnorm_id(self.doc());
        self.bm25.score(fieldnorm_id, self.term_freq())
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
        if self.tie_breaker == 1.0 {
            sum
        } else {
            max + (sum - max) * self.tie_breaker
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Collector, Count, SegmentCollector};
    use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index};

    /// A small index of two text fields, one tantivy document per line.
    fn index(lines: &[(&str, &str)]) -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let section = schema.add_text_field("section", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (t, s) in lines {
            writer
                .add_document(doc!(text => *t, section => *s))
                .unwrap();
        }
        writer.commit().unwrap();
        (index, text, section)
    }

    fn term(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// Every match with its score, in doc order.
    struct All;
    struct AllInSegment(Vec<(u32, f32)>);

    impl Collector for All {
        type Fruit = Vec<(u32, f32)>;
        type Child = AllInSegment;
        fn for_segment(&self, _: u32, _: &SegmentReader) -> tantivy::Result<AllInSegment> {
            Ok(AllInSegment(Vec::new()))
        }
        fn requires_scoring(&self) -> bool {
            true
        }
        fn merge_fruits(&self, fruits: Vec<Vec<(u32, f32)>>) -> tantivy::Result<Self::Fruit> {
            Ok(fruits.concat())
        }
    }

    impl SegmentCollector for AllInSegment {
        type Fruit = Vec<(u32, f32)>;
        fn collect(&mut self, doc: DocId, score: Score) {
            self.0.push((doc, score));
        }
        fn harvest(self) -> Self::Fruit {
            self.0
        }
    }

    /// Every (doc, score) a query gives, in doc order. Not through `TopDocs`: its pruning
    /// path sums the clauses of tantivy's own disjunction-max over plain terms.
    fn hits(index: &Index, query: &dyn Query) -> Vec<(u32, f32)> {
        let searcher = index.reader().unwrap().searcher();
        let mut hits = searcher.search(query, &All).unwrap();
        hits.sort_by_key(|h| h.0);
        hits
    }

    fn lines() -> Vec<(&'static str, &'static str)> {
        let mut lines = Vec::new();
        for i in 0..3000 {
            lines.push(match i % 7 {
                0 => ("parentalité et soutien", "axe famille"),
                1 => ("accueil du jeune enfant", "parentalité"),
                2 => ("parentalité parentalité", "parentalité soutien"),
                3 => ("insertion des jeunes", "emploi"),
                _ if i % 1000 == 999 => ("soutien", "soutien"),
                _ => ("rien", "autre chose"),
            });
        }
        lines
    }

    #[test]
    fn scores_like_a_disjunction_max_and_matches_the_same_passages() {
        let (index, text, section) = index(&lines());
        let ours = Disjunction::max(
            vec![
                (term(text, "parentalité"), 1.0),
                (term(section, "parentalité"), 1.5),
            ],
            0.2,
        );
        let theirs = DisjunctionMaxQuery::with_tie_breaker(
            vec![
                term(text, "parentalité"),
                Box::new(tantivy::query::BoostQuery::new(
                    term(section, "parentalité"),
                    1.5,
                )),
            ],
            0.2,
        );
        let (a, b) = (hits(&index, &ours), hits(&index, &theirs));
        assert_eq!(a.len(), b.len());
        assert!(a.len() > 1000, "{}", a.len());
        for ((da, sa), (db, sb)) in a.iter().zip(&b) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() < 1e-4, "doc {da}: {sa} vs {sb}");
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.search(&ours, &Count).unwrap(), a.len());
    }

    #[test]
    fn sum_adds_every_matching_clause() {
        let (index, text, section) = index(&lines());
        let sum = Disjunction::sum(vec![
            (term(text, "soutien"), 1.0),
            (term(section, "soutien"), 1.0),
        ]);
        let union = BooleanQuery::union(vec![term(text, "soutien"), term(section, "soutien")]);
        let (a, b) = (hits(&index, &sum), hits(&index, &union));
        assert_eq!(
            a.iter().map(|h| h.0).collect::<Vec<_>>(),
            b.iter().map(|h| h.0).collect::<Vec<_>>()
        );
        for ((_, sa), (_, sb)) in a.iter().zip(&b) {
            assert!((sa - sb).abs() < 1e-4);
        }
    }

    #[test]
    fn inside_an_intersection_it_seeks_past_what_the_other_words_skip() {
        let (index, text, section) = index(&lines());
        let word = |w: &str| -> Box<dyn Query> {
            Box::new(Disjunction::max(
                vec![(term(text, w), 1.0), (term(section, w), 1.5)],
                0.2,
            ))
        };
        let theirs = |w: &str| -> Box<dyn Query> {
            Box::new(DisjunctionMaxQuery::with_tie_breaker(
                vec![
                    term(text, w),
                    Box::new(tantivy::query::BoostQuery::new(term(section, w), 1.5)),
                ],
                0.2,
            ))
        };
        // "soutien" is rare in the section field past the first lines: the intersection
        // leaps, and both must agree on every document and score.
        let ours = BooleanQuery::new(vec![
            (Occur::Must, word("parentalité")),
            (Occur::Must, word("soutien")),
        ]);
        let reference = BooleanQuery::new(vec![
            (Occur::Must, theirs("parentalité")),
            (Occur::Must, theirs("soutien")),
        ]);
        let (a, b) = (hits(&index, &ours), hits(&index, &reference));
        assert_eq!(
            a.iter().map(|h| h.0).collect::<Vec<_>>(),
            b.iter().map(|h| h.0).collect::<Vec<_>>()
        );
        assert!(!a.is_empty());
        for ((_, sa), (_, sb)) in a.iter().zip(&b) {
            assert!((sa - sb).abs() < 1e-4);
        }
    }

    #[test]
    fn of_keeps_a_lone_clause_and_boosts_it_only_when_asked() {
        let (index, text, _) = index(&lines());
        assert!(hits(&index, &*Disjunction::of(Vec::new(), 0.2)).is_empty());
        let plain = hits(&index, &*term(text, "emploi"));
        assert_eq!(
            hits(
                &index,
                &*Disjunction::of(vec![(term(text, "emploi"), 1.0)], 0.2)
            ),
            plain
        );
        let boosted = hits(
            &index,
            &*Disjunction::of(vec![(term(text, "emploi"), 2.0)], 0.2),
        );
        assert_eq!(boosted.len(), plain.len());
        for ((_, b), (_, p)) in boosted.iter().zip(&plain) {
            assert!((b - 2.0 * p).abs() < 1e-4);
        }
    }

    /// The ten best (doc, score) of `query` through `for_each_pruning`, the threshold rising
    /// as a top-k collector's does, and how many matches were reported.
    fn pruned_top(index: &Index, query: &dyn Query, k: usize) -> (Vec<(u32, f32)>, usize) {
        let searcher = index.reader().unwrap().searcher();
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let mut top: Vec<(u32, f32)> = Vec::new();
        let mut reported = 0;
        weight
            .for_each_pruning(
                Score::NEG_INFINITY,
                searcher.segment_reader(0),
                &mut |doc, score| {
                    reported += 1;
                    top.push((doc, score));
                    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    top.truncate(k);
                    if top.len() == k {
                        top[k - 1].1
                    } else {
                        Score::NEG_INFINITY
                    }
                },
            )
            .unwrap();
        (top, reported)
    }

    #[test]
    fn pruning_passes_over_blocks_that_cannot_place_and_keeps_the_same_best() {
        // Short passages dense in « parentalité » first, then thousands of long ones that
        // name it once: once the first fill the top ten, the later blocks cannot place.
        let mut lines: Vec<(String, String)> = Vec::new();
        for i in 0..6000 {
            lines.push(if i < 200 {
                (
                    "parentalité parentalité soutien".into(),
                    "parentalité".into(),
                )
            } else {
                (
                    format!("{} parentalité {}", "mot ".repeat(40), i),
                    "axe famille".into(),
                )
            });
        }
        let borrowed: Vec<(&str, &str)> = lines
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let (index, text, section) = index(&borrowed);
        let query = TermInFields::new(
            vec![
                (Term::from_field_text(text, "parentalité"), 1.0),
                (Term::from_field_text(section, "parentalité"), 1.5),
            ],
            0.2,
        );
        let mut every = hits(&index, &query);
        assert_eq!(every.len(), 6000);
        every.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let (top, reported) = pruned_top(&index, &query, 10);
        assert_eq!(top.len(), 10);
        for ((da, sa), (db, sb)) in top.iter().zip(&every[..10]) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() < 1e-4);
        }
        assert!(reported < 1000, "{reported} of 6000 matches reported");
    }

    #[test]
    fn pruning_with_no_threshold_reports_every_match_with_its_score() {
        let (index, text, section) = index(&lines());
        let query = TermInFields::new(
            vec![
                (Term::from_field_text(text, "soutien"), 1.0),
                (Term::from_field_text(section, "soutien"), 1.5),
            ],
            0.2,
        );
        let searcher = index.reader().unwrap().searcher();
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let mut reported = Vec::new();
        weight
            .for_each_pruning(
                Score::NEG_INFINITY,
                searcher.segment_reader(0),
                &mut |doc, score| {
                    reported.push((doc, score));
                    Score::NEG_INFINITY
                },
            )
            .unwrap();
        assert_eq!(reported, hits(&index, &query));
        assert!(reported.len() > 400, "{}", reported.len());
    }

    #[test]
    fn no_clause_matching_gives_nothing_and_explains_a_match() {
        let (index, text, section) = index(&lines());
        let none = Disjunction::max(
            vec![(term(text, "absent"), 1.0), (term(section, "absent"), 1.0)],
            0.2,
        );
        assert!(hits(&index, &none).is_empty());
        let some = Disjunction::max(
            vec![(term(text, "emploi"), 1.0), (term(section, "emploi"), 2.0)],
            0.2,
        );
        let found = hits(&index, &some);
        assert_eq!(found.len(), 3000 / 7 + 1);
        let searcher = index.reader().unwrap().searcher();
        let explanation = some
            .explain(&searcher, tantivy::DocAddress::new(0, found[0].0))
            .unwrap();
        assert!((explanation.value() - found[0].1).abs() < 1e-4);
        assert!(some
            .explain(&searcher, tantivy::DocAddress::new(0, 0))
            .is_err());
    }
}
