//! The collector of a search: counts per document (exact up to a limit), each document's
//! best passages, and the floor below which nothing can place, which is also the threshold
//! that lets a query pass over blocks of postings.
//!
//! Plans repeat each other: the same definition of a QPV, the same paragraph on the CAF, in
//! hundreds of them, so thousands of matches score just the floor. The ranking puts the
//! earlier plan first among equal scores, so the floor also says which plans' ties cannot
//! place ([`Floor`]), and those are passed over like the matches under it.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use super::runs::{DocumentRuns, SegmentRuns};
use super::wanted::Wanted;

/// A passage that matched, with its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub score: f32,
    pub passage: u32,
    /// The group of copies of its text in its document, [`Candidate::NOT_A_COPY`] when no
    /// other passage of the document has the same text (see [`Candidate::copy`]).
    pub copy_group: u32,
}

impl Candidate {
    /// The `copy_group` of a passage whose text is its document's only one so.
    pub const NOT_A_COPY: u32 = u32::MAX;

    /// A candidate whose text does not repeat in its document.
    pub fn unique(score: f32, passage: u32) -> Self {
        Candidate {
            score,
            passage,
            copy_group: Self::NOT_A_COPY,
        }
    }

    /// The group of the passages of its document with the same text (case and spacing
    /// aside), if any: the ranking shows one of a group. Groups are numbered per segment,
    /// and a document lies in one segment, so one group is one text of one document.
    pub fn copy(&self) -> Option<u32> {
        (self.copy_group != Self::NOT_A_COPY).then_some(self.copy_group)
    }

    /// Better first: higher score, then earlier passage.
    fn rank_cmp(&self, other: &Candidate) -> std::cmp::Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.passage.cmp(&other.passage))
    }
}

/// Heap order: the worst candidate on top, so it is the one evicted.
#[derive(Debug, Clone, Copy)]
struct Worst(Candidate);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.rank_cmp(&other.0)
    }
}

/// One document's best matching passages.
#[derive(Debug, Clone)]
pub struct DocumentTop {
    pub doc_ord: u32,
    /// Best first.
    pub candidates: Vec<Candidate>,
    /// The best score among the passages left out because the list was full, if any:
    /// what the rest of the document could still reach.
    pub left_out: Option<f32>,
}

/// What one pass over a query's matches gives.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// Matching passages per document, before any filter (for facets).
    pub per_document: Vec<u32>,
    /// Matching passages of the documents the filter keeps.
    pub total: usize,
    /// The best passages of each document the filter keeps, in no particular order.
    pub tops: Vec<DocumentTop>,
    /// The counts stopped being exact once [`CandidatesPerDocument::exact_up_to`] matches
    /// were counted: `total` and `per_document` are then lower bounds.
    pub counts_are_lower_bounds: bool,
    /// `per_document` is a lower bound for the documents the filter leaves out (always
    /// when `counts_are_lower_bounds`): past the exact count only the kept documents were
    /// walked ([`CandidatesPerDocument::seek_kept`]).
    pub facets_are_lower_bounds: bool,
}

/// One pass over the matches of a query: counts per document, and the `per_document` best
/// passages of each document that `keep` lets through (all when `None`).
///
/// Ranking with diversity only compares passages within a document, and a document's best
/// passage keeps its score whatever else ranks; so once `needed` documents have a passage
/// scoring at least *s*, no passage scoring less than *s* can reach the first `needed`
/// results, and it is counted but not kept.
///
/// Counting every match costs as much as scoring it, and grows with the corpus. Matches are
/// counted exactly until `exact_up_to` have been (over all segments); from then on the walk
/// asks the query only for passages that can place ([`Weight::for_each_pruning`]), which
/// passes over whole blocks of postings without scoring them, and the counts are lower
/// bounds.
///
/// [`Weight::for_each_pruning`]: tantivy::query::Weight::for_each_pruning
pub struct CandidatesPerDocument {
    pub n_documents: usize,
    pub keep: Option<std::sync::Arc<Vec<bool>>>,
    /// Results the ranking needs.
    pub needed: usize,
    /// Most passages kept per document.
    pub per_document: usize,
    pub runs: std::sync::Arc<SegmentRuns>,
    /// Matches counted exactly before the counts become lower bounds (`usize::MAX`: all).
    pub exact_up_to: usize,
    /// Matches counted so far by the segments of one walk, shared between them.
    pub counted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// `keep` lets few documents through: once `exact_up_to` matches of all documents
    /// (kept or not, for the facets) were counted, the walk seeks from one kept document's
    /// doc ids to the next instead of walking every match. The kept documents' counts, and
    /// so the total, stay exact; the others' become lower bounds.
    pub seek_kept: bool,
    /// Matches of every document counted so far by the segments of one walk (with
    /// `seek_kept`), shared between them.
    pub seen: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The highest floor a segment of one walk reached, shared between them
    /// ([`Floor::packed`]; 0: none yet): a document is in one segment only, so `needed`
    /// documents of any segment doing better than a score mean nothing under it places. A
    /// segment walked after another starts from its floor.
    pub floor: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The score under which nothing can place, and which ties with it cannot either.
///
/// `needed` documents score at least `score`; those scoring just `score` are documents
/// `tie_doc` and earlier. The ranking breaks ties by document, earlier first, so a match of
/// a document after `tie_doc` scoring just `score` is behind all of them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Floor {
    score: f32,
    /// `u32::MAX`: not known (a tie may place).
    tie_doc: u32,
}

impl Floor {
    const NONE: Floor = Floor {
        score: f32::NEG_INFINITY,
        tie_doc: u32::MAX,
    };

    /// The higher of two floors; of two equal scores, the one whose ties lose more.
    fn max(self, other: Floor) -> Floor {
        match self.score.total_cmp(&other.score) {
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Equal => Floor {
                score: self.score,
                tie_doc: self.tie_doc.min(other.tie_doc),
            },
        }
    }

    /// One number ordering floors as [`Floor::max`] does (a positive score's bits order as
    /// the score), for an atomic maximum; 0 for no floor.
    fn packed(self) -> u64 {
        if self.score > 0.0 {
            (u64::from(self.score.to_bits()) << 32) | u64::from(u32::MAX - self.tie_doc)
        } else {
            0
        }
    }

    fn unpacked(packed: u64) -> Floor {
        if packed == 0 {
            return Floor::NONE;
        }
        Floor {
            score: f32::from_bits((packed >> 32) as u32),
            tie_doc: u32::MAX - packed as u32,
        }
    }

    /// Whether a match of document `doc_ord` scoring `score` cannot place.
    #[inline]
    fn passes_over(self, score: f32, doc_ord: u32) -> bool {
        score < self.score || (score == self.score && doc_ord > self.tie_doc)
    }
}

/// Matches a segment counts between two looks at the shared count.
const COUNT_SHARE_EVERY: usize = 512;

/// The exact count most searches give before totals become lower bounds: beyond it, no
/// page a person reads changes (offsets stop at [`crate::query::MAX_OFFSET`]).
pub const EXACT_COUNT: usize = 10_000;

/// The state of [`CandidatesPerDocument`] on one segment.
pub struct SegmentCandidates {
    runs: std::sync::Arc<DocumentRuns>,
    run_cursor: usize,
    keep: Option<std::sync::Arc<Vec<bool>>>,
    needed: usize,
    per_document: usize,
    counts: Vec<u32>,
    total: usize,
    /// Best score of each document so far.
    best: Vec<f32>,
    /// No passage below this can place: `needed` documents already do better.
    floor: Floor,
    /// [`DocumentRuns::in_document_order`] of the segment: past a document, every match
    /// to come is of a later one.
    in_document_order: bool,
    /// The document of the last match walked.
    last_doc: u32,
    /// Matches kept since the floor was last raised, and when to raise it next.
    since_floor: usize,
    floor_every: usize,
    /// The documents with the best passages so far, when few are needed: the floor then
    /// rises at the match that raises it.
    leaders: Option<Leaders>,
    /// Index in `heaps` of each document's heap, `u32::MAX` before its first kept match.
    slot_of: Vec<u32>,
    heaps: Vec<DocumentHeap>,
    /// One bit per group of copies already counted (allocated at the first copy met).
    counted_copies: Vec<u64>,
    /// See [`CandidatesPerDocument::exact_up_to`]; `None` when every match is counted or
    /// once counts are lower bounds.
    exact: Option<ExactCount>,
    /// The counts are lower bounds: matches that cannot place were passed over.
    pruned: bool,
    /// Only the kept documents' doc ids were walked past some point.
    facets_capped: bool,
    /// [`CandidatesPerDocument::floor`], when the segment is part of a walk.
    shared_floor: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// The exact counting of one segment, until the walk's shared count reaches its limit.
struct ExactCount {
    limit: usize,
    shared: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Matches counted here and not yet added to `shared`.
    unshared: usize,
}

impl ExactCount {
    /// Counts one match; false once the walk has counted `limit`.
    #[inline]
    fn count_one(&mut self) -> bool {
        self.unshared += 1;
        if self.unshared < COUNT_SHARE_EVERY {
            return true;
        }
        let n = std::mem::take(&mut self.unshared);
        let before = self
            .shared
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        before + n < self.limit
    }
}

/// Up to this many results needed, [`Leaders`] keeps the floor; beyond, it is computed from
/// time to time over every document's best.
const LEADERS_MOST: usize = 64;

/// The `needed` documents whose best passages score highest so far, each with that score.
/// A document's best only rises, so the `needed`-th best is the least of these: the floor
/// is known at every match instead of computed over every document from time to time (at
/// 10,000 plans, a walk's count went on with a floor computed thousands of matches before,
/// and scored and kept matches a current floor would have passed).
#[derive(Debug)]
struct Leaders {
    best: Vec<(f32, u32)>,
    needed: usize,
}

impl Leaders {
    fn for_needed(needed: usize) -> Option<Leaders> {
        (needed <= LEADERS_MOST).then(|| Leaders {
            best: Vec::with_capacity(needed),
            needed,
        })
    }

    /// `doc_ord`'s best passage now scores `score`: the `needed`-th best score, once
    /// `needed` documents have one, with the last of the leaders scoring just it.
    fn raise(&mut self, doc_ord: u32, score: f32) -> Option<Floor> {
        if let Some(leader) = self.best.iter_mut().find(|(_, d)| *d == doc_ord) {
            leader.0 = score;
        } else if self.best.len() < self.needed {
            self.best.push((score, doc_ord));
        } else if let Some(last) = self
            .best
            .iter_mut()
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|last| last.0 < score)
        {
            *last = (score, doc_ord);
        }
        (self.best.len() == self.needed).then(|| {
            let score = self
                .best
                .iter()
                .map(|(s, _)| *s)
                .fold(f32::INFINITY, f32::min);
            let tie_doc = self
                .best
                .iter()
                .filter(|(s, _)| *s == score)
                .map(|(_, d)| *d)
                .max()
                .unwrap_or(u32::MAX);
            Floor { score, tie_doc }
        })
    }
}

struct DocumentHeap {
    doc_ord: u32,
    heap: std::collections::BinaryHeap<Worst>,
    left_out: Option<f32>,
}

impl SegmentCandidates {
    /// A collector for one segment whose doc ids map to documents by `runs`.
    #[cfg(test)]
    pub(crate) fn for_tests(
        runs: DocumentRuns,
        n_documents: usize,
        needed: usize,
        per_document: usize,
    ) -> SegmentCandidates {
        let in_document_order = runs.in_document_order();
        SegmentCandidates {
            runs: std::sync::Arc::new(runs),
            run_cursor: 0,
            keep: None,
            needed: needed.max(1),
            per_document: per_document.max(1),
            counts: vec![0; n_documents],
            total: 0,
            best: vec![f32::NEG_INFINITY; n_documents],
            floor: Floor::NONE,
            in_document_order,
            last_doc: 0,
            since_floor: 0,
            floor_every: needed.saturating_mul(4).max(64),
            leaders: Leaders::for_needed(needed.max(1)),
            slot_of: vec![u32::MAX; n_documents],
            heaps: Vec::new(),
            counted_copies: Default::default(),
            exact: None,
            pruned: false,
            facets_capped: false,
            shared_floor: None,
        }
    }

    /// The floor shared with the other segments of a walk (for tests; [`Collector::for_segment`]
    /// sets it otherwise).
    #[cfg(test)]
    pub(crate) fn sharing_floor(
        mut self,
        floor: std::sync::Arc<std::sync::atomic::AtomicU64>,
    ) -> SegmentCandidates {
        self.shared_floor = Some(floor);
        self
    }

    /// Before the walk: starts from the floor the walk's other segments reached.
    pub(crate) fn begin(&mut self) {
        self.share_floor();
    }

    /// After the walk: leaves this segment's floor to the segments walked next, and gives
    /// what it collected.
    pub(crate) fn finish(mut self) -> Matches {
        self.raise_floor();
        self.harvest()
    }

    /// Raises the floor to the `needed`-th best document score, here or in another segment
    /// of the walk (with [`Leaders`], the floor here is already that score: only the
    /// walk's is read and this one shared).
    fn raise_floor(&mut self) {
        self.since_floor = 0;
        if self.heaps.len() >= self.needed && self.leaders.is_none() {
            let mut scores: Vec<f32> = self
                .heaps
                .iter()
                .map(|h| self.best[h.doc_ord as usize])
                .collect();
            let nth = self.needed - 1;
            scores.select_nth_unstable_by(nth, |a, b| b.total_cmp(a));
            // Which documents tie at the floor is not sought here: ties may place.
            self.floor = self.floor.max(Floor {
                score: scores[nth],
                tie_doc: u32::MAX,
            });
            self.floor_every = if self.exact.is_some() {
                self.heaps.len().saturating_mul(4).max(256)
            } else {
                // Pruning: few matches come back, and each rise of the floor skips more.
                self.needed.saturating_mul(2).max(32)
            };
        }
        self.share_floor();
    }

    /// Publishes this segment's floor to the walk and takes the walk's if higher.
    fn share_floor(&mut self) {
        use std::sync::atomic::Ordering::Relaxed;
        let Some(shared) = &self.shared_floor else {
            return;
        };
        let packed = self.floor.packed();
        let walk = if packed > 0 {
            shared.fetch_max(packed, Relaxed).max(packed)
        } else {
            shared.load(Relaxed)
        };
        self.floor = self.floor.max(Floor::unpacked(walk));
    }

    /// What the walk must report: every match while counts are exact (those under the
    /// floor may go unscored), then those above just under the floor (a passage scoring the
    /// floor can still tie in), or above the floor once every match to come is of a
    /// document whose ties lose ([`Floor`]).
    fn threshold(&self) -> Score {
        let floor = self.floor.score;
        let ties_lose = self.in_document_order && self.last_doc >= self.floor.tie_doc;
        let wanted = if !self.pruned {
            Wanted::Counted {
                floor: if ties_lose { floor.next_up() } else { floor },
            }
        } else if floor > 0.0 {
            Wanted::Above(if ties_lose { floor } else { floor.next_down() })
        } else {
            Wanted::Every
        };
        wanted.threshold()
    }

    /// Counts stop being exact here: from now on only passages that can place come back.
    fn stop_counting(&mut self) {
        self.exact = None;
        self.pruned = true;
        self.raise_floor();
    }
}

fn max_left_out(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

impl Collector for CandidatesPerDocument {
    type Fruit = Matches;
    type Child = SegmentCandidates;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let runs = match self.runs.get(&segment.segment_id()) {
            Some(runs) => runs.clone(),
            // Not a segment of the opened index: read it now.
            None => std::sync::Arc::new(DocumentRuns::of(segment)?),
        };
        let in_document_order = runs.in_document_order();
        Ok(SegmentCandidates {
            runs,
            run_cursor: 0,
            keep: self.keep.clone(),
            needed: self.needed.max(1),
            per_document: self.per_document.max(1),
            counts: vec![0; self.n_documents],
            total: 0,
            best: vec![f32::NEG_INFINITY; self.n_documents],
            floor: Floor::NONE,
            in_document_order,
            last_doc: 0,
            since_floor: 0,
            floor_every: self.needed.saturating_mul(4).max(64),
            leaders: Leaders::for_needed(self.needed.max(1)),
            slot_of: vec![u32::MAX; self.n_documents],
            heaps: Vec::new(),
            counted_copies: Default::default(),
            exact: (self.exact_up_to != usize::MAX).then(|| ExactCount {
                limit: self.exact_up_to,
                shared: self.counted.clone(),
                unshared: 0,
            }),
            pruned: false,
            facets_capped: false,
            shared_floor: Some(self.floor.clone()),
        })
    }

    /// Walks the segment's matches through [`Weight::for_each_pruning`]: every match while
    /// the count is exact, then only those that can place.
    ///
    /// [`Weight::for_each_pruning`]: tantivy::query::Weight::for_each_pruning
    // Out of line, so that a profile finds the walk under this name on one thread too
    // (`bench/walk_instructions.sh`): called once a segment, it costs nothing.
    #[inline(never)]
    fn collect_segment(
        &self,
        weight: &dyn tantivy::query::Weight,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Matches> {
        let mut segment = self.for_segment(segment_ord, reader)?;
        segment.begin();
        if let (true, Some(keep)) = (self.seek_kept && self.exact_up_to != usize::MAX, &self.keep) {
            let kept: Vec<(DocId, DocId)> = segment.runs.runs_of(keep).collect();
            self.walk_kept(weight, reader, &mut segment, &kept)?;
        } else if self.exact_up_to == usize::MAX {
            // Every match is counted: nothing to prune, no threshold to return.
            weight.for_each(reader, &mut |doc, score| {
                if reader
                    .alive_bitset()
                    .is_none_or(|alive| alive.is_alive(doc))
                {
                    segment.collect(doc, score);
                }
            })?;
        } else {
            weight.for_each_pruning(Score::NEG_INFINITY, reader, &mut |doc, score| {
                if reader
                    .alive_bitset()
                    .is_none_or(|alive| alive.is_alive(doc))
                {
                    segment.collect(doc, score);
                }
                segment.threshold()
            })?;
        }
        Ok(segment.finish())
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let mut merged = Matches {
            // The first segment's counts, the others' added to them.
            per_document: Vec::new(),
            total: 0,
            tops: Vec::new(),
            counts_are_lower_bounds: false,
            facets_are_lower_bounds: false,
        };
        let mut slot_of: crate::text::FastMap<u32, usize> = Default::default();
        let cap = self.per_document.max(1);
        for mut fruit in fruits {
            if merged.per_document.len() == self.n_documents {
                for (sum, n) in merged.per_document.iter_mut().zip(&fruit.per_document) {
                    *sum += n;
                }
            } else {
                merged.per_document = std::mem::take(&mut fruit.per_document);
                merged.per_document.resize(self.n_documents, 0);
            }
            merged.total += fruit.total;
            merged.counts_are_lower_bounds |= fruit.counts_are_lower_bounds;
            merged.facets_are_lower_bounds |= fruit.facets_are_lower_bounds;
            for top in fruit.tops {
                match slot_of.get(&top.doc_ord) {
                    None => {
                        slot_of.insert(top.doc_ord, merged.tops.len());
                        merged.tops.push(top);
                    }
                    Some(&slot) => {
                        let into = &mut merged.tops[slot];
                        into.candidates.extend(top.candidates);
                        into.candidates.sort_by(Candidate::rank_cmp);
                        let cut = into.candidates.get(cap).map(|c| c.score);
                        into.candidates.truncate(cap);
                        into.left_out =
                            max_left_out(max_left_out(into.left_out, top.left_out), cut);
                    }
                }
            }
        }
        merged.per_document.resize(self.n_documents, 0);
        Ok(merged)
    }
}

impl CandidatesPerDocument {
    /// A collector counting every match, without a filter (for tests).
    #[cfg(test)]
    pub(crate) fn counting_all(
        n_documents: usize,
        needed: usize,
        per_document: usize,
    ) -> CandidatesPerDocument {
        CandidatesPerDocument {
            n_documents,
            keep: None,
            needed,
            per_document,
            runs: Default::default(),
            exact_up_to: usize::MAX,
            counted: Default::default(),
            seek_kept: false,
            seen: Default::default(),
            floor: Default::default(),
        }
    }

    /// Clears what the segments of one walk share (counts, floor) before another walk.
    pub fn start_walk(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        self.counted.store(0, Relaxed);
        self.seen.store(0, Relaxed);
        self.floor.store(0, Relaxed);
    }

    /// The walk of [`CandidatesPerDocument::seek_kept`]: every match until `exact_up_to`
    /// matches of all documents were counted, then the kept documents' doc ids only
    /// (`kept`: their runs in this segment, increasing).
    fn walk_kept(
        &self,
        weight: &dyn tantivy::query::Weight,
        reader: &SegmentReader,
        segment: &mut SegmentCandidates,
        kept: &[(DocId, DocId)],
    ) -> tantivy::Result<()> {
        let alive = |doc| {
            reader
                .alive_bitset()
                .is_none_or(|alive| alive.is_alive(doc))
        };
        let mut seen = ExactCount {
            limit: self.exact_up_to,
            shared: self.seen.clone(),
            unshared: 0,
        };
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive(doc) {
                segment.collect_scored_if_kept(doc, || scorer.score());
            }
            doc = scorer.advance();
            if !seen.count_one() {
                break;
            }
        }
        if doc == TERMINATED {
            return Ok(());
        }
        segment.facets_capped = true;
        for &(start, end) in kept {
            if end <= doc {
                continue;
            }
            if doc < start {
                doc = scorer.seek(start);
            }
            while doc < end {
                if alive(doc) {
                    segment.collect(doc, scorer.score());
                }
                doc = scorer.advance();
            }
            if doc == TERMINATED {
                break;
            }
        }
        Ok(())
    }
}

impl SegmentCandidates {
    /// [`SegmentCollector::collect`], the score asked only of a match the filter keeps:
    /// a match of a document left out is counted for the facets, never ranked.
    #[inline]
    fn collect_scored_if_kept(&mut self, doc: DocId, score: impl FnOnce() -> Score) {
        let Some(doc_ord) = self.runs.find(doc, &mut self.run_cursor) else {
            return;
        };
        self.last_doc = doc_ord;
        let index = doc_ord as usize;
        let Some(count) = self.counts.get_mut(index) else {
            return;
        };
        // Copies of one text in a document are ranked once: counted once. The copy
        // stays a candidate (the best scored of the copies is the one shown). A
        // document's passages are written in one batch, so they share a segment.
        let copy_group = self.runs.copy_group(doc);
        let copy = match copy_group {
            Some(group) => {
                if self.counted_copies.is_empty() {
                    self.counted_copies = vec![0; (self.runs.n_copy_groups as usize).div_ceil(64)];
                }
                let (word, bit) = (group as usize / 64, 1u64 << (group % 64));
                let seen = self.counted_copies[word] & bit != 0;
                self.counted_copies[word] |= bit;
                seen
            }
            None => false,
        };
        if !copy {
            *count += 1;
        }
        if let Some(keep) = &self.keep {
            if !keep.get(index).copied().unwrap_or(false) {
                return;
            }
        }
        if !copy {
            self.total += 1;
            if let Some(exact) = &mut self.exact {
                if !exact.count_one() {
                    self.stop_counting();
                }
            }
        }
        let score = score();
        if self.floor.passes_over(score, doc_ord) {
            return;
        }
        if score > self.best[index] {
            self.best[index] = score;
            if let Some(floor) = self.leaders.as_mut().and_then(|l| l.raise(doc_ord, score)) {
                self.floor = self.floor.max(floor);
            }
        }
        let slot = self.slot_of[index];
        let entry = if slot == u32::MAX {
            self.slot_of[index] = self.heaps.len() as u32;
            self.heaps.push(DocumentHeap {
                doc_ord,
                heap: std::collections::BinaryHeap::new(),
                left_out: None,
            });
            self.heaps.last_mut().expect("just pushed")
        } else {
            &mut self.heaps[slot as usize]
        };
        if entry.heap.len() >= self.per_document {
            // Full: only a better passage gets in (its number is read only then).
            let worst = entry.heap.peek().map_or(f32::MIN, |w| w.0.score);
            if score < worst {
                entry.left_out = max_left_out(entry.left_out, Some(score));
                return;
            }
        }
        let Some(passage) = self.runs.passage_in(doc, self.run_cursor) else {
            return;
        };
        entry.heap.push(Worst(Candidate {
            score,
            passage,
            copy_group: copy_group.unwrap_or(Candidate::NOT_A_COPY),
        }));
        if entry.heap.len() > self.per_document {
            let evicted = entry.heap.pop().map(|w| w.0.score);
            entry.left_out = max_left_out(entry.left_out, evicted);
        }
        self.since_floor += 1;
        if self.since_floor >= self.floor_every {
            self.raise_floor();
        }
    }
}

impl SegmentCollector for SegmentCandidates {
    type Fruit = Matches;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.collect_scored_if_kept(doc, || score);
    }

    fn harvest(self) -> Matches {
        let tops = self
            .heaps
            .into_iter()
            .map(|h| {
                let mut candidates: Vec<Candidate> = h.heap.into_iter().map(|w| w.0).collect();
                candidates.sort_by(Candidate::rank_cmp);
                DocumentTop {
                    doc_ord: h.doc_ord,
                    candidates,
                    left_out: h.left_out,
                }
            })
            .collect();
        Matches {
            per_document: self.counts,
            total: self.total,
            tops,
            counts_are_lower_bounds: self.pruned,
            facets_are_lower_bounds: self.pruned || self.facets_capped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_segments_add_their_counts_and_keep_their_documents_best() {
        let collector = CandidatesPerDocument::counting_all(4, 10, 2);
        let top = |doc_ord, scores: &[f32]| DocumentTop {
            doc_ord,
            candidates: scores
                .iter()
                .enumerate()
                .map(|(p, &s)| Candidate::unique(s, p as u32))
                .collect(),
            left_out: None,
        };
        let fruit = |per_document: Vec<u32>, tops| Matches {
            total: per_document.iter().sum::<u32>() as usize,
            per_document,
            tops,
            ..Matches::default()
        };
        let merged = collector
            .merge_fruits(vec![
                fruit(vec![3, 0, 1, 0], vec![top(0, &[2.0, 1.0]), top(2, &[0.5])]),
                fruit(vec![0, 2, 0, 5], vec![top(1, &[4.0]), top(3, &[3.0, 1.5])]),
            ])
            .unwrap();
        assert_eq!(merged.per_document, [3, 2, 1, 5]);
        assert_eq!(merged.total, 11);
        let mut best: Vec<(u32, f32)> = merged
            .tops
            .iter()
            .map(|t| (t.doc_ord, t.candidates[0].score))
            .collect();
        best.sort_by_key(|b| b.0);
        assert_eq!(best, [(0, 2.0), (1, 4.0), (2, 0.5), (3, 3.0)]);
        // No segment: a count of nothing for every document.
        assert_eq!(
            collector.merge_fruits(Vec::new()).unwrap().per_document,
            [0; 4]
        );
    }

    #[test]
    fn leaders_give_the_needed_th_best_document_score_at_every_rise() {
        let mut dice = crate::test_support::dice(7);
        for needed in [1, 3, 10, LEADERS_MOST] {
            let mut leaders = Leaders::for_needed(needed).unwrap();
            // 300 plans whose best passage rises 5,000 times, by steps that tie often.
            let mut best = vec![f32::NEG_INFINITY; 300];
            for _ in 0..5000 {
                let doc = dice(300) as usize;
                let score = best[doc].max(0.0) + dice(4) as f32 * 0.5;
                if score <= best[doc] {
                    continue;
                }
                best[doc] = score;
                let floor = leaders.raise(doc as u32, score);
                let mut scores: Vec<f32> = best.iter().copied().filter(|s| s.is_finite()).collect();
                scores.sort_by(|a, b| b.total_cmp(a));
                assert_eq!(
                    floor.map(|f| f.score),
                    scores.get(needed - 1).copied(),
                    "needed {needed}"
                );
                // `needed` documents do better, or tie no later than `tie_doc`.
                if let Some(floor) = floor {
                    let ahead = (0..best.len())
                        .filter(|&d| {
                            best[d] > floor.score
                                || (best[d] == floor.score && d as u32 <= floor.tie_doc)
                        })
                        .count();
                    assert!(
                        ahead >= needed,
                        "needed {needed}: {ahead} ahead of {floor:?}"
                    );
                }
            }
        }
        assert!(Leaders::for_needed(LEADERS_MOST + 1).is_none());
    }

    /// Four plans, a passage each, two needed: the third ties the floor the first two set.
    fn walk_tying(doc_ords: [u32; 4]) -> (Matches, Score) {
        let pairs: Vec<(u32, u32)> = doc_ords.iter().map(|&d| (d, 0)).collect();
        let mut segment = SegmentCandidates::for_tests(DocumentRuns::from_pairs(&pairs), 7, 2, 4);
        for (doc, score) in [3.0, 2.0, 2.0, 2.5].into_iter().enumerate() {
            segment.collect(doc as DocId, score);
        }
        segment.stop_counting();
        let threshold = segment.threshold();
        (segment.harvest(), threshold)
    }

    #[test]
    fn a_tie_with_the_floor_is_passed_over_only_behind_earlier_plans() {
        let kept = |m: &Matches| {
            let mut plans: Vec<u32> = m.tops.iter().map(|t| t.doc_ord).collect();
            plans.sort();
            plans
        };
        // Doc ids in the order of the plans: plan 2 ties plans 0 and 1, which rank first.
        let (in_order, threshold) = walk_tying([0, 1, 2, 3]);
        assert_eq!(kept(&in_order), [0, 1, 3]);
        assert_eq!(in_order.per_document[..4], [1, 1, 1, 1], "still counted");
        // The floor is now plan 3's 2.5: a match scoring it cannot place either.
        assert_eq!(threshold, 2.5);
        // Plan 0 comes third: tying plan 3 at 2.0, it ranks before it, so it is kept.
        let (out_of_order, threshold) = walk_tying([4, 3, 0, 5]);
        assert_eq!(kept(&out_of_order), [0, 3, 4, 5]);
        // Plans may still come before plan 5 and tie it.
        assert_eq!(threshold, 2.5f32.next_down());
        // Plan 6 comes third: it ties plan 3, which ranks first.
        let (later_tie, _) = walk_tying([4, 3, 6, 5]);
        assert_eq!(kept(&later_tie), [3, 4, 5]);
    }

    #[test]
    fn heap_evicts_the_worst_candidate_first() {
        let mut heap = std::collections::BinaryHeap::new();
        for (score, passage) in [(1.0, 3), (2.0, 1), (1.0, 2), (0.5, 0)] {
            heap.push(Worst(Candidate::unique(score, passage)));
        }
        let order: Vec<u32> = std::iter::from_fn(|| heap.pop().map(|w| w.0.passage)).collect();
        // Lowest score first; among equal scores, the later passage goes first.
        assert_eq!(order, [0, 3, 2, 1]);
    }
}

#[cfg(test)]
mod walk_tests {
    use super::*;
    use std::sync::Arc;
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    /// 120 plans of twelve paragraphs on « parentalité » each: more matches than a segment
    /// counts between two looks at the shared count.
    fn plans() -> Vec<crate::Document> {
        (0..120)
            .map(|i| {
                let mut text = format!("Convention territoriale globale numéro {i}\n\n");
                for j in 0..12 {
                    text.push_str(&format!(
                        "Le centre social propose aux familles un atelier de parentalité \
                         chaque semaine, avec {} partenaires ({i}, {j}).\n\n",
                        "plusieurs ".repeat(j % 4 + 1)
                    ));
                }
                crate::structure::parse(&format!("plan-{i}"), &text)
            })
            .collect()
    }

    /// [`plans`] indexed in a temporary folder (kept while the searcher is used), and
    /// the runs of its segments.
    fn indexed_plans() -> (
        tempfile::TempDir,
        tantivy::Searcher,
        crate::index::Fields,
        Arc<SegmentRuns>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        crate::index::write(dir.path(), &plans()).unwrap();
        let (index, fields) = crate::index::open(dir.path()).unwrap();
        let searcher = index.reader().unwrap().searcher();
        let runs = Arc::new(crate::index::segment_runs(&searcher).unwrap());
        (dir, searcher, fields, runs)
    }

    fn collector(
        runs: Arc<SegmentRuns>,
        keep: Arc<Vec<bool>>,
        exact_up_to: usize,
    ) -> CandidatesPerDocument {
        CandidatesPerDocument {
            n_documents: keep.len(),
            keep: Some(keep),
            needed: 10,
            per_document: 16,
            runs,
            exact_up_to,
            counted: Default::default(),
            seek_kept: true,
            seen: Default::default(),
            floor: Default::default(),
        }
    }

    #[test]
    fn seeking_the_kept_plans_keeps_their_counts_and_candidates_exact() {
        let (_dir, searcher, fields, runs) = indexed_plans();
        let query = TermQuery::new(
            Term::from_field_text(fields.text, "parental"),
            IndexRecordOption::WithFreqs,
        );
        let keep: Arc<Vec<bool>> = Arc::new((0..120).map(|i| i == 3 || i == 115).collect());

        let every = searcher
            .search(&query, &collector(runs.clone(), keep.clone(), usize::MAX))
            .unwrap();
        // Far fewer matches than the limit: nothing changes.
        let under = searcher
            .search(&query, &collector(runs.clone(), keep.clone(), 10_000))
            .unwrap();
        // The limit reached within the first plans: the others are sought.
        let over = searcher
            .search(&query, &collector(runs.clone(), keep.clone(), 40))
            .unwrap();

        assert!(every.total >= 20, "two kept plans of about twelve matches");
        assert!(!every.facets_are_lower_bounds && !under.facets_are_lower_bounds);
        assert_eq!(under.per_document, every.per_document);
        assert!(over.facets_are_lower_bounds);
        assert!(!over.counts_are_lower_bounds);
        assert_eq!(over.total, every.total);
        for (doc, (&got, &all)) in over
            .per_document
            .iter()
            .zip(&every.per_document)
            .enumerate()
        {
            if keep[doc] {
                assert_eq!(got, all, "kept plan {doc}");
            } else {
                assert!(got <= all, "plan {doc}");
            }
        }
        assert!(
            over.per_document.iter().sum::<u32>() < every.per_document.iter().sum::<u32>(),
            "plans past the limit were not walked"
        );
        let tops = |m: &Matches| {
            let mut tops: Vec<(u32, Vec<u32>)> = m
                .tops
                .iter()
                .map(|t| (t.doc_ord, t.candidates.iter().map(|c| c.passage).collect()))
                .collect();
            tops.sort();
            tops
        };
        assert_eq!(tops(&over), tops(&every));
        assert_eq!(tops(&over).len(), 2);
    }

    /// A query whose scorers count the scores asked of them.
    #[derive(Clone, Debug)]
    struct Counted(TermQuery, Arc<std::sync::atomic::AtomicUsize>);

    struct CountedWeight(
        Box<dyn tantivy::query::Weight>,
        Arc<std::sync::atomic::AtomicUsize>,
    );

    struct CountedScorer(
        Box<dyn tantivy::query::Scorer>,
        Arc<std::sync::atomic::AtomicUsize>,
    );

    impl tantivy::query::Query for Counted {
        fn weight(
            &self,
            scoring: tantivy::query::EnableScoring<'_>,
        ) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
            Ok(Box::new(CountedWeight(
                self.0.weight(scoring)?,
                self.1.clone(),
            )))
        }
    }

    impl tantivy::query::Weight for CountedWeight {
        fn scorer(
            &self,
            reader: &SegmentReader,
            boost: Score,
        ) -> tantivy::Result<Box<dyn tantivy::query::Scorer>> {
            Ok(Box::new(CountedScorer(
                self.0.scorer(reader, boost)?,
                self.1.clone(),
            )))
        }

        fn explain(
            &self,
            reader: &SegmentReader,
            doc: DocId,
        ) -> tantivy::Result<tantivy::query::Explanation> {
            self.0.explain(reader, doc)
        }
    }

    impl DocSet for CountedScorer {
        fn advance(&mut self) -> DocId {
            self.0.advance()
        }
        fn doc(&self) -> DocId {
            self.0.doc()
        }
        fn size_hint(&self) -> u32 {
            self.0.size_hint()
        }
    }

    impl tantivy::query::Scorer for CountedScorer {
        fn score(&mut self) -> Score {
            self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.0.score()
        }
    }

    #[test]
    fn a_filtered_walk_scores_only_the_matches_of_the_plans_it_keeps() {
        let (_dir, searcher, fields, runs) = indexed_plans();
        let scored = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let query = Counted(
            TermQuery::new(
                Term::from_field_text(fields.text, "parental"),
                IndexRecordOption::WithFreqs,
            ),
            scored.clone(),
        );
        let keep: Arc<Vec<bool>> = Arc::new((0..120).map(|i| i == 3 || i == 115).collect());
        let every = searcher
            .search(&query, &collector(runs.clone(), keep.clone(), usize::MAX))
            .unwrap();
        let all = scored.swap(0, std::sync::atomic::Ordering::Relaxed);
        let filtered = searcher
            .search(&query, &collector(runs.clone(), keep.clone(), 10_000))
            .unwrap();
        // Every match counted for the facets, only the two kept plans' scored.
        assert_eq!(filtered.per_document, every.per_document);
        let kept: u32 = (0..120)
            .filter(|&i| keep[i])
            .map(|i| every.per_document[i])
            .sum();
        assert_eq!(all, every.per_document.iter().sum::<u32>() as usize);
        assert_eq!(
            scored.load(std::sync::atomic::Ordering::Relaxed),
            kept as usize
        );
        let passages = |m: &Matches| {
            let mut tops: Vec<(u32, Vec<(u32, u32)>)> = m
                .tops
                .iter()
                .map(|t| {
                    let scored = t.candidates.iter();
                    (
                        t.doc_ord,
                        scored.map(|c| (c.passage, c.score.to_bits())).collect(),
                    )
                })
                .collect();
            tops.sort();
            tops
        };
        assert_eq!(passages(&filtered), passages(&every));
    }
}
