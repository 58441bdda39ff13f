//! Ranking with diversity: a page shows several fiches from several towns, not ten passages
//! of one plan.
//!
//! The score of a passage is its BM25 score, lowered for each passage of the same section and
//! of the same document ranked above it, and lowered much more for a further passage of a
//! section that matches only through the section's heading; a passage repeating one already
//! ranked in its document is dropped (the index groups a document's copies of one text at
//! build time, so the ranking reads no text to find them). Every adjustment depends only on
//! the passages of the same document, so each document's candidates can be read best first
//! and the documents merged best-first on an upper bound of what each can still give (its
//! next raw score times the document decay it has reached). The first `needed` results are
//! then exact, however many passages tie, and only the passages that can reach the page are
//! ever read.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::index::DocumentTop;
use crate::text::{FastMap, FastSet};

/// Score factor for each passage of a section already ranked above.
pub const SAME_SECTION_DECAY: f32 = 0.85;
/// The same across a document: users look for every town's plan, not one plan.
pub const SAME_DOCUMENT_DECAY: f32 = 0.93;
/// Score factor for a further passage of a section that matches only through its heading.
pub const HEADING_ONLY_REPEAT: f32 = 0.4;

/// A ranked passage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// The score after the diversity adjustments: the order of the results.
    pub adjusted: f32,
    /// The BM25 score.
    pub score: f32,
    pub doc_ord: usize,
    pub passage: usize,
}

/// What the ranking needs to know of a candidate passage.
pub trait PassageFacts {
    /// The passage's section (`Some(None)` for none); `None` when the passage cannot be
    /// read.
    fn section(&self, doc_ord: usize, passage: usize) -> Option<Option<usize>>;
    /// Whether the passage's own text (not only its heading) holds a query term.
    fn matches_in_text(&self, doc_ord: usize, passage: usize) -> bool;
}

/// The ranking, or the news that some document kept too few candidates to decide it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ranked(Vec<Ranked>),
    /// A document whose list was cut could still place a passage: collect more per document.
    NeedMorePerDocument,
}

/// A document still able to give results, with an upper bound of its next adjusted score.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    bound: f32,
    doc_ord: u32,
    top: usize,
    next: usize,
}

impl Cursor {
    /// Higher bound first, then the earlier document (the order ties are shown in).
    fn priority(&self, other: &Cursor) -> Ordering {
        self.bound
            .total_cmp(&other.bound)
            .then(other.doc_ord.cmp(&self.doc_ord))
    }
}

impl PartialEq for Cursor {
    fn eq(&self, other: &Self) -> bool {
        self.priority(other).is_eq()
    }
}
impl Eq for Cursor {}
impl PartialOrd for Cursor {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cursor {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority(other)
    }
}

/// Order of the results: adjusted score, then document, then passage.
#[derive(Debug, Clone, Copy)]
struct Ready(Ranked);

impl Ready {
    fn priority(&self, other: &Ready) -> Ordering {
        self.0
            .adjusted
            .total_cmp(&other.0.adjusted)
            .then(other.0.doc_ord.cmp(&self.0.doc_ord))
            .then(other.0.passage.cmp(&self.0.passage))
    }
}

impl PartialEq for Ready {
    fn eq(&self, other: &Self) -> bool {
        self.priority(other).is_eq()
    }
}
impl Eq for Ready {}
impl PartialOrd for Ready {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ready {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority(other)
    }
}

/// What has been ranked of one document so far.
#[derive(Default)]
struct DocumentState {
    /// The groups of copies of one text already ranked.
    copies: FastSet<u32>,
    per_section: FastMap<Option<usize>, i32>,
    ranked: i32,
}

/// The first `needed` passages in diversified order, from each document's best candidates
/// (best first, as [`crate::index::CandidatesPerDocument`] gives them).
pub fn rank(tops: &[DocumentTop], needed: usize, facts: &dyn PassageFacts) -> Outcome {
    let mut cursors: BinaryHeap<Cursor> = tops
        .iter()
        .enumerate()
        .filter_map(|(top, t)| {
            let first = t.candidates.first()?;
            Some(Cursor {
                bound: first.score,
                doc_ord: t.doc_ord,
                top,
                next: 0,
            })
        })
        .collect();
    let mut ready: BinaryHeap<Ready> = BinaryHeap::new();
    let mut states: FastMap<u32, DocumentState> = FastMap::default();
    let mut out: Vec<Ranked> = Vec::with_capacity(needed);
    while out.len() < needed {
        let emit = match (ready.peek(), cursors.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(r), Some(c)) => match r.0.adjusted.total_cmp(&c.bound) {
                Ordering::Greater => true,
                Ordering::Equal => r.0.doc_ord < c.doc_ord as usize,
                Ordering::Less => false,
            },
        };
        if emit {
            if let Some(r) = ready.pop() {
                out.push(r.0);
            }
            continue;
        }
        let Some(mut cursor) = cursors.pop() else {
            break;
        };
        let top = &tops[cursor.top];
        let Some(candidate) = top.candidates.get(cursor.next) else {
            // Every kept candidate is used and a left-out one could still place.
            if top.left_out.is_some() {
                return Outcome::NeedMorePerDocument;
            }
            continue;
        };
        cursor.next += 1;
        let state = states.entry(cursor.doc_ord).or_default();
        let doc_ord = cursor.doc_ord as usize;
        let passage = candidate.passage as usize;
        if let Some(section) = facts.section(doc_ord, passage) {
            if candidate
                .copy()
                .is_none_or(|group| state.copies.insert(group))
            {
                let earlier = state.per_section.entry(section).or_default();
                let mut adjusted = candidate.score
                    * SAME_SECTION_DECAY.powi(*earlier)
                    * SAME_DOCUMENT_DECAY.powi(state.ranked);
                if *earlier > 0 && !facts.matches_in_text(doc_ord, passage) {
                    adjusted *= HEADING_ONLY_REPEAT;
                }
                *earlier += 1;
                state.ranked += 1;
                ready.push(Ready(Ranked {
                    adjusted,
                    score: candidate.score,
                    doc_ord,
                    passage,
                }));
            }
        }
        // What the rest of this document can still reach: no more than its next raw score
        // with the document decay it has now (past the kept list, the best left out).
        let next_score = match top.candidates.get(cursor.next) {
            Some(next) => Some(next.score),
            None => top.left_out,
        };
        if let Some(score) = next_score {
            cursor.bound = score * SAME_DOCUMENT_DECAY.powi(state.ranked);
            cursors.push(cursor);
        }
    }
    Outcome::Ranked(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::index::text_key;
    use crate::index::Candidate;
    use crate::test_support::dice;

    /// Passages described by (section, text); heading-only when the text is empty.
    struct Facts(HashMap<(usize, usize), (Option<usize>, &'static str)>);

    impl PassageFacts for Facts {
        fn section(&self, doc: usize, passage: usize) -> Option<Option<usize>> {
            self.0.get(&(doc, passage)).map(|(section, _)| *section)
        }
        fn matches_in_text(&self, doc: usize, passage: usize) -> bool {
            self.0
                .get(&(doc, passage))
                .is_some_and(|(_, text)| text.contains("parentalité"))
        }
    }

    fn top(doc_ord: u32, scores: &[(u32, f32)], left_out: Option<f32>) -> DocumentTop {
        DocumentTop {
            doc_ord,
            candidates: scores
                .iter()
                .map(|&(passage, score)| Candidate::unique(score, passage))
                .collect(),
            left_out,
        }
    }

    /// `tops` with the copies of one text in a document grouped, as the index groups them:
    /// when several of the document's passages have the text, by the first one's number.
    fn grouped(tops: &[DocumentTop], facts: &Facts) -> Vec<DocumentTop> {
        let mut tops = tops.to_vec();
        for top in &mut tops {
            let doc = top.doc_ord as usize;
            for candidate in &mut top.candidates {
                let key = text_key(facts.0[&(doc, candidate.passage as usize)].1);
                let mut same: Vec<usize> = facts
                    .0
                    .iter()
                    .filter(|((d, _), (_, text))| *d == doc && text_key(text) == key)
                    .map(|((_, p), _)| *p)
                    .collect();
                same.sort_unstable();
                if same.len() > 1 {
                    candidate.copy_group = same[0] as u32;
                }
            }
        }
        tops
    }

    fn ranked(outcome: Outcome) -> Vec<(usize, usize)> {
        match outcome {
            Outcome::Ranked(r) => r.iter().map(|r| (r.doc_ord, r.passage)).collect(),
            Outcome::NeedMorePerDocument => panic!("needs more"),
        }
    }

    /// The reference: every candidate adjusted in raw order, then sorted; a passage whose
    /// text (case and spacing aside) was ranked in its document dropped.
    fn brute_force(tops: &[DocumentTop], needed: usize, facts: &Facts) -> Vec<(usize, usize)> {
        let mut all: Vec<(f32, u32, u32)> = tops
            .iter()
            .flat_map(|t| t.candidates.iter().map(|c| (c.score, t.doc_ord, c.passage)))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut states: FastMap<u32, DocumentState> = FastMap::default();
        let mut texts: FastMap<u32, FastSet<u64>> = FastMap::default();
        let mut out: Vec<(f32, usize, usize)> = Vec::new();
        for (score, doc, passage) in all {
            let (d, p) = (doc as usize, passage as usize);
            let Some(&(section, text)) = facts.0.get(&(d, p)) else {
                continue;
            };
            let state = states.entry(doc).or_default();
            if !texts.entry(doc).or_default().insert(text_key(text)) {
                continue;
            }
            let earlier = state.per_section.entry(section).or_default();
            let mut adjusted =
                score * SAME_SECTION_DECAY.powi(*earlier) * SAME_DOCUMENT_DECAY.powi(state.ranked);
            if *earlier > 0 && !facts.matches_in_text(d, p) {
                adjusted *= HEADING_ONLY_REPEAT;
            }
            *earlier += 1;
            state.ranked += 1;
            out.push((adjusted, d, p));
        }
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        out.into_iter()
            .take(needed)
            .map(|(_, d, p)| (d, p))
            .collect()
    }

    #[test]
    fn one_plan_does_not_take_the_whole_page() {
        // Plan 0 has four equal passages in one fiche, plan 1 one a little weaker.
        let mut facts = HashMap::new();
        for p in 0..4 {
            facts.insert((0, p), (Some(2), ["a", "b", "c", "d"][p]));
        }
        facts.insert((1, 0), (Some(0), "soutien à la parentalité"));
        let facts = Facts(facts);
        let tops = [
            top(0, &[(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)], None),
            top(1, &[(0, 0.9)], None),
        ];
        let order = ranked(rank(&grouped(&tops, &facts), 3, &facts));
        assert_eq!(order, [(0, 0), (1, 0), (0, 1)]);
        assert_eq!(order, brute_force(&tops, 3, &facts));
    }

    #[test]
    fn repeated_texts_are_dropped_and_heading_only_repeats_sink() {
        let facts = Facts(HashMap::from([
            ((0, 0), (Some(1), "Soutien à la parentalité")),
            ((0, 1), (Some(1), "soutien  à la PARENTALITÉ")),
            ((0, 2), (Some(1), "Horaires")),
            ((0, 3), (Some(4), "Horaires")),
        ]));
        let tops = [top(0, &[(0, 2.0), (1, 2.0), (2, 1.9), (3, 0.5)], None)];
        let order = ranked(rank(&grouped(&tops, &facts), 10, &facts));
        // Passage 1 repeats passage 0; passage 3 has the text of passage 2: dropped too.
        assert_eq!(order, [(0, 0), (0, 2)]);
        assert_eq!(order, brute_force(&tops, 10, &facts));
    }

    #[test]
    fn a_cut_list_asks_for_more_only_when_it_matters() {
        let facts = Facts(HashMap::from([
            ((0, 0), (Some(0), "a")),
            ((0, 1), (Some(0), "a")),
            ((1, 0), (Some(0), "b")),
        ]));
        // Plan 0 kept two candidates of more, the second one a duplicate.
        let tops = [
            top(0, &[(0, 1.0), (1, 0.99)], Some(0.98)),
            top(1, &[(0, 0.2)], None),
        ];
        let tops = grouped(&tops, &facts);
        assert_eq!(ranked(rank(&tops, 1, &facts)), [(0, 0)]);
        assert_eq!(rank(&tops, 2, &facts), Outcome::NeedMorePerDocument);
        // What was left out scores too low to matter: no second pass.
        let tops = [
            top(0, &[(0, 1.0), (1, 0.99)], Some(0.1)),
            top(1, &[(0, 0.2)], None),
        ];
        assert_eq!(
            ranked(rank(&grouped(&tops, &facts), 2, &facts)),
            [(0, 0), (1, 0)]
        );
    }

    #[test]
    fn agrees_with_brute_force_on_many_ties() {
        // Deterministic pseudo-random corpora with many equal scores.
        let mut next = dice(7);
        const TEXTS: [&str; 6] = ["a", "b", "c", "parentalité", "e", "a "];
        for _ in 0..200 {
            let mut facts = HashMap::new();
            let mut tops = Vec::new();
            for doc in 0..(1 + next(6)) as u32 {
                let mut candidates = Vec::new();
                for passage in 0..(1 + next(7)) as u32 {
                    let score: f32 = [1.0, 0.93, 0.85, 0.5][next(4) as usize];
                    candidates.push((passage, score));
                    let section = Some(next(3) as usize);
                    facts.insert(
                        (doc as usize, passage as usize),
                        (section, TEXTS[next(6) as usize]),
                    );
                }
                candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                tops.push(top(doc, &candidates, None));
            }
            let facts = Facts(facts);
            let tops = grouped(&tops, &facts);
            for needed in [1, 3, 10] {
                assert_eq!(
                    ranked(rank(&tops, needed, &facts)),
                    brute_force(&tops, needed, &facts)
                );
            }
        }
    }

    /// The collector with its floor and per-document caps, then the ranking, must give
    /// what ranking every match gives, for any scores.
    #[test]
    fn collecting_keeps_everything_the_ranking_needs() {
        use crate::index::{DocumentRuns, SegmentCandidates};
        use tantivy::collector::SegmentCollector;
        let mut next = dice(11);
        const TEXTS: [&str; 5] = ["a", "b", "c", "parentalité", "e"];
        for round in 0..300 {
            // Documents of 1 to 40 passages, each passage one doc id, in order.
            let n_documents = 2 + next(30) as usize;
            let mut pairs = Vec::new();
            let mut facts = HashMap::new();
            for doc in 0..n_documents as u32 {
                for passage in 0..(1 + next(40)) as u32 {
                    pairs.push((doc, passage));
                    let text = if next(3) != 0 {
                        TEXTS[next(5) as usize]
                    } else {
                        ""
                    };
                    let text: &'static str = if text.is_empty() {
                        Box::leak(format!("passage {doc}.{passage}").into_boxed_str())
                    } else {
                        text
                    };
                    facts.insert(
                        (doc as usize, passage as usize),
                        (Some(next(4) as usize), text),
                    );
                }
            }
            let facts = Facts(facts);
            let scores: Vec<f32> = pairs.iter().map(|_| close_score(&mut next)).collect();
            let needed = [1, 5, 10, 30][round % 4];
            let collect = |needed: usize, per_document: usize| {
                let mut collector = SegmentCandidates::for_tests(
                    DocumentRuns::from_pairs(&pairs),
                    n_documents,
                    needed,
                    per_document,
                );
                for (doc, score) in scores.iter().enumerate() {
                    if next_is_match(doc) {
                        collector.collect(doc as u32, *score);
                    }
                }
                collector.harvest()
            };
            let fast = collect(needed, needed + 2);
            let all = collect(usize::MAX / 2, usize::MAX / 2);
            assert_eq!(fast.total, all.total);
            assert_eq!(fast.per_document, all.per_document);
            let mut per_document = needed + 2;
            let mut fast = fast;
            let outcome = loop {
                match rank(&fast.tops, needed, &facts) {
                    Outcome::NeedMorePerDocument => {
                        per_document = per_document.saturating_mul(4);
                        fast = collect(needed, per_document);
                    }
                    outcome => break outcome,
                }
            };
            let reference = ranked(rank(&all.tops, needed, &facts));
            assert_eq!(ranked(outcome), reference, "round {round}");
        }
    }

    /// Every third doc id does not match.
    fn next_is_match(doc: usize) -> bool {
        doc % 3 != 1
    }

    /// A score drawn from a few close values, so that ties and near ties are many.
    fn close_score(next: &mut impl FnMut(u64) -> u64) -> f32 {
        [1.0, 0.9, 0.8, 0.5, 0.3][next(5) as usize] + next(3) as f32 * 0.01
    }

    /// A match of a segment: its document and passage (its doc id is its place), its score.
    type SegmentMatch = ((u32, u32), f32);

    /// One segment's walk over `matches`, from the floor `shared` holds if any.
    fn walk_segment(
        matches: &[SegmentMatch],
        n_documents: usize,
        needed: usize,
        per_document: usize,
        shared: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    ) -> crate::index::Matches {
        use crate::index::{DocumentRuns, SegmentCandidates};
        use tantivy::collector::SegmentCollector;
        let pairs: Vec<(u32, u32)> = matches.iter().map(|m| m.0).collect();
        let mut segment = SegmentCandidates::for_tests(
            DocumentRuns::from_pairs(&pairs),
            n_documents,
            needed,
            per_document,
        );
        if let Some(shared) = shared {
            segment = segment.sharing_floor(shared);
        }
        segment.begin();
        for (doc, (_, score)) in matches.iter().enumerate() {
            segment.collect(doc as u32, *score);
        }
        segment.finish()
    }

    /// The segments' fruits merged as a walk merges them.
    fn merge_segments(
        fruits: Vec<crate::index::Matches>,
        n_documents: usize,
        needed: usize,
        per_document: usize,
    ) -> crate::index::Matches {
        use tantivy::collector::Collector;
        crate::index::CandidatesPerDocument::counting_all(n_documents, needed, per_document)
            .merge_fruits(fruits)
            .unwrap()
    }

    /// Two segments walked one after the other (as a search under load walks them), the
    /// second starting from the first's floor: the ranking is the one of every match, and
    /// the second keeps no more candidates than alone (fewer in some rounds).
    #[test]
    fn segments_sharing_their_floor_rank_like_every_match() {
        use crate::index::Matches;
        use std::sync::atomic::AtomicU64;
        use std::sync::Arc;
        let mut next = dice(29);
        let mut fewer_rounds = 0;
        for round in 0..200 {
            let n_documents = 4 + next(30) as usize;
            // Passages of the documents in order; the first half of the documents in the
            // first segment, the rest in the second, each numbering its doc ids from 0.
            let half = n_documents as u32 / 2;
            let (mut first, mut second) = (Vec::new(), Vec::new());
            let mut facts = HashMap::new();
            for doc in 0..n_documents as u32 {
                for passage in 0..(1 + next(30)) as u32 {
                    let score = close_score(&mut next);
                    let segment = if doc < half { &mut first } else { &mut second };
                    segment.push(((doc, passage), score));
                    let text: &'static str =
                        Box::leak(format!("passage {doc}.{passage}").into_boxed_str());
                    facts.insert(
                        (doc as usize, passage as usize),
                        (Some(next(3) as usize), text),
                    );
                }
            }
            let facts = Facts(facts);
            let needed = [1, 3, 10][round % 3];
            let walk = |matches: &[SegmentMatch], shared: Option<Arc<AtomicU64>>, per_document| {
                walk_segment(matches, n_documents, needed, per_document, shared)
            };
            let merge = |fruits: Vec<Matches>, per_document| {
                merge_segments(fruits, n_documents, needed, per_document)
            };
            let shared_walk = |per_document| {
                let floor = Arc::new(AtomicU64::new(0));
                let a = walk(&first, Some(floor.clone()), per_document);
                let b = walk(&second, Some(floor), per_document);
                (a, b)
            };
            let mut per_document = needed + 2;
            let outcome = loop {
                let (a, b) = shared_walk(per_document);
                match rank(&merge(vec![a, b], per_document).tops, needed, &facts) {
                    Outcome::NeedMorePerDocument => per_document = per_document.saturating_mul(4),
                    outcome => break outcome,
                }
            };
            let all: Vec<SegmentMatch> = first.iter().chain(&second).copied().collect();
            let reference = walk(&all, None, usize::MAX / 2);
            let reference = ranked(rank(&reference.tops, needed, &facts));
            assert_eq!(ranked(outcome), reference, "round {round}");
            let kept = |m: &Matches| m.tops.iter().map(|t| t.candidates.len()).sum::<usize>();
            let (_, shared_second) = shared_walk(needed + 2);
            let alone = walk(&second, None, needed + 2);
            assert!(kept(&shared_second) <= kept(&alone), "round {round}");
            assert_eq!(
                shared_second.per_document, alone.per_document,
                "counts stay exact"
            );
            if kept(&shared_second) < kept(&alone) {
                fewer_rounds += 1;
            }
        }
        assert!(
            fewer_rounds > 0,
            "the second segment never used the first's floor"
        );
    }

    /// The writer's threads deal the documents out to segments in turn, so each segment's
    /// doc ids go by document but the segments interleave. A segment may pass over a match
    /// tying its own floor (earlier documents hold it), never one tying a floor another
    /// segment reached with later documents: walked in either order, sharing the floor, the
    /// ranking is the one of every match.
    #[test]
    fn interleaved_segments_sharing_their_floor_rank_like_every_match() {
        use crate::index::Matches;
        use std::sync::atomic::AtomicU64;
        use std::sync::Arc;
        let mut next = dice(41);
        for round in 0..300 {
            let n_documents = 4 + next(40) as usize;
            let mut segments: [Vec<SegmentMatch>; 2] = Default::default();
            let mut facts = HashMap::new();
            for doc in 0..n_documents as u32 {
                let segment = &mut segments[next(2) as usize];
                for passage in 0..(1 + next(12)) as u32 {
                    // Few distinct scores: most documents tie with the floor somewhere.
                    let score = [2.0, 1.5, 1.0][next(3) as usize];
                    segment.push(((doc, passage), score));
                    let text: &'static str =
                        Box::leak(format!("passage {doc}.{passage}").into_boxed_str());
                    facts.insert(
                        (doc as usize, passage as usize),
                        (Some(next(3) as usize), text),
                    );
                }
            }
            let facts = Facts(facts);
            let needed = [1, 3, 10][round % 3];
            let walk = |matches: &[SegmentMatch], shared: Option<Arc<AtomicU64>>, per_document| {
                walk_segment(matches, n_documents, needed, per_document, shared)
            };
            let merge = |fruits: Vec<Matches>, per_document| {
                merge_segments(fruits, n_documents, needed, per_document)
            };
            let mut all: Vec<SegmentMatch> = segments.concat();
            all.sort_by_key(|m| m.0);
            let reference = walk(&all, None, usize::MAX / 2);
            let reference = ranked(rank(&reference.tops, needed, &facts));
            for order in [[0, 1], [1, 0]] {
                let mut per_document = needed + 2;
                let outcome = loop {
                    let floor = Arc::new(AtomicU64::new(0));
                    let fruits = order
                        .iter()
                        .map(|&s| walk(&segments[s], Some(floor.clone()), per_document))
                        .collect();
                    match rank(&merge(fruits, per_document).tops, needed, &facts) {
                        Outcome::NeedMorePerDocument => {
                            per_document = per_document.saturating_mul(4)
                        }
                        outcome => break outcome,
                    }
                };
                assert_eq!(ranked(outcome), reference, "round {round}, order {order:?}");
            }
        }
    }

    #[test]
    fn text_keys_ignore_case_and_spacing_only() {
        assert_eq!(
            text_key("Soutien  à la\nparentalité"),
            text_key("soutien à la PARENTALITÉ")
        );
        assert_ne!(
            text_key("soutien à la parentalité"),
            text_key("soutien a la parentalite")
        );
    }
}
