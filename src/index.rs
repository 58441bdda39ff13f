//! The tantivy side: one tantivy document per [`Passage`], searched with the
//! shared French analyzer.
//!
//! Only what ranking needs lives in tantivy (the analysed text fields and two
//! integers locating the passage); the passage itself is read back from the
//! [`DocStore`](crate::store::DocStore), so there is one copy of every text,
//! and what belongs to a document (territory, kind) is known from its number.

use std::collections::HashMap;
use std::path::Path;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::indexer::UserOperation;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::{doc, DocId, Index, IndexWriter, Score, SegmentOrdinal, SegmentReader};

use crate::analysis;
use crate::model::{Document, Passage};
use crate::{Error, Result};

/// Heading paths are indexed joined by this separator.
pub const HEADING_SEPARATOR: &str = " › ";

/// The fields of the passage index, resolved once.
///
/// What belongs to a document (its territory, kind, year) is not repeated on its passages:
/// filters on it are sets of documents, applied while matches are collected.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the document in the corpus.
    pub doc_ord: Field,
    /// Position of the passage in its document.
    pub passage: Field,
    /// The passage's [`text_key`] when another passage of its document has the same
    /// text (0 otherwise): such copies are shown once, so they are counted once.
    pub duplicate: Field,
    pub title: Field,
    pub section: Field,
    pub field_label: Field,
    pub text: Field,
}

/// Builds the schema of the passage index.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let french = analysed(analysis::FRENCH);
    let repeated = analysed(analysis::FRENCH_REPEATED);
    let fields = Fields {
        doc_ord: builder.add_u64_field("doc_ord", FAST),
        passage: builder.add_u64_field("passage", FAST),
        duplicate: builder.add_u64_field("duplicate", FAST),
        title: builder.add_text_field("title", repeated.clone()),
        section: builder.add_text_field("section", repeated),
        field_label: builder.add_text_field("field", french.clone()),
        text: builder.add_text_field("text", french),
    };
    (builder.build(), fields)
}

/// Resolves the fields of an existing index's schema.
pub fn fields_of(schema: &Schema) -> Result<Fields> {
    let get = |name: &str| {
        schema.get_field(name).map_err(|_| {
            Error::Tantivy(tantivy::TantivyError::SchemaError(format!(
                "index has no field `{name}`: rebuild it with `maillage index`"
            )))
        })
    };
    Ok(Fields {
        doc_ord: get("doc_ord")?,
        passage: get("passage")?,
        duplicate: get("duplicate")?,
        title: get("title")?,
        section: get("section")?,
        field_label: get("field")?,
        text: get("text")?,
    })
}

/// Writes every passage of `documents` into a new tantivy index in `dir`.
pub fn write(dir: &Path, documents: &[Document]) -> Result<()> {
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(&index);
    // Two threads match the machine; the arena is per thread.
    let n_threads = std::thread::available_parallelism()
        .map(|n| n.get().min(4))
        .unwrap_or(1);
    let mut writer: IndexWriter =
        index.writer_with_num_threads(n_threads, 256_000_000 * n_threads)?;
    for (doc_ord, document) in documents.iter().enumerate() {
        // Each section's joined heading path, made once for all its passages.
        let section_paths: Vec<String> = (0..document.sections.len())
            .map(|s| document.heading_path(Some(s)).join(HEADING_SEPARATOR))
            .collect();
        // One batch per document: the indexing threads take a plan at a time
        // instead of waking up for every passage.
        let mut batch = Vec::with_capacity(document.passages.len());
        let keys: Vec<u64> = document
            .passages
            .iter()
            .map(|p| text_key(document.passage_text(p)))
            .collect();
        let mut copies: HashMap<u64, u32> = HashMap::with_capacity(keys.len());
        for &key in &keys {
            *copies.entry(key).or_default() += 1;
        }
        for (passage, &key) in document.passages.iter().zip(&keys) {
            let duplicate = if copies[&key] > 1 { key.max(1) } else { 0 };
            // A heading's own passage is found through the `section` field
            // like every passage under it; indexing its words again as body
            // text would rank bare headings above the fiches they announce.
            let body = if is_heading_only(document, passage) {
                ""
            } else {
                document.passage_text(passage)
            };
            let section = passage
                .section
                .and_then(|s| section_paths.get(s))
                .map(String::as_str)
                .unwrap_or("");
            let mut tdoc = doc!(
                f.doc_ord => doc_ord as u64,
                f.passage => passage.id as u64,
                f.duplicate => duplicate,
                f.title => document.title.as_str(),
                f.section => section,
                f.text => body,
            );
            if let Some(label) = &passage.field {
                tdoc.add_text(f.field_label, label);
            }
            batch.push(UserOperation::Add(tdoc));
        }
        writer.run(batch)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// A key of a text equal for texts equal once case and runs of white space are ignored:
/// the ranking shows one passage per key and document, and counts are made the same way.
pub fn text_key(text: &str) -> u64 {
    // FNV-1a over the lower-cased words, one space between them.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |c: char| {
        let mut buffer = [0u8; 4];
        for &byte in c.encode_utf8(&mut buffer).as_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            feed(' ');
        }
        for c in word.chars() {
            if c.is_ascii() {
                feed(c.to_ascii_lowercase());
            } else {
                c.to_lowercase().for_each(&mut feed);
            }
        }
    }
    hash
}

/// True for the passage that only repeats its section's heading.
pub fn is_heading_only(document: &Document, passage: &Passage) -> bool {
    fn squashed(s: &str) -> impl Iterator<Item = char> + '_ {
        s.split_whitespace().flat_map(str::chars)
    }
    passage.field.is_none()
        && passage
            .section
            .and_then(|s| document.sections.get(s))
            .is_some_and(|s| squashed(&s.heading).eq(squashed(document.passage_text(passage))))
}

/// Opens the tantivy index in `dir` with the French analyzer registered.
///
/// A search walks its segments on every core at once: the writer makes one segment per
/// indexing thread, so a lone search uses the whole machine, and under load the searches
/// share the same pool instead of each taking a thread of its own.
pub fn open(dir: &Path) -> Result<(Index, Fields)> {
    let mut index = Index::open_in_dir(dir)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores > 1 && index.searchable_segment_metas()?.len() > 1 {
        index.set_multithread_executor(cores.min(8))?;
    }
    analysis::register(&index);
    let fields = fields_of(&index.schema())?;
    Ok((index, fields))
}

/// A passage that matched, with its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub score: f32,
    pub passage: u32,
}

impl Candidate {
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
}

/// Where each tantivy document of a segment points in the corpus, read from the fast fields
/// once when an index is opened instead of decoded again by every search.
///
/// Documents are kept as runs of consecutive doc ids: the passages of a document are added
/// together, so a segment holds a few runs per document, and a collector walking doc ids in
/// order finds the document of each match in a step or two.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentRuns {
    /// First doc id of each run, increasing.
    starts: Vec<DocId>,
    /// The document of each run (`u32::MAX`: none).
    doc_ords: Vec<u32>,
    /// The passage of each doc id (`u32::MAX`: none).
    passages: Vec<u32>,
    /// Per doc id, the group of copies of one text in one document its passage
    /// belongs to (`u32::MAX`: no copy); empty when the segment has no copies.
    copy_group: Vec<u32>,
    /// Number of groups of copies.
    n_copy_groups: u32,
}

impl DocumentRuns {
    /// Runs from each doc id's document and passage, in doc id order (for tests).
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(u32, u32)]) -> DocumentRuns {
        let mut runs = DocumentRuns::default();
        for (doc, &(doc_ord, passage)) in pairs.iter().enumerate() {
            if runs.doc_ords.last() != Some(&doc_ord) {
                runs.starts.push(doc as DocId);
                runs.doc_ords.push(doc_ord);
            }
            runs.passages.push(passage);
        }
        runs
    }

    /// The runs of one segment, read from its `doc_ord` and `passage` columns.
    pub fn of(segment: &SegmentReader) -> tantivy::Result<DocumentRuns> {
        let fast = segment.fast_fields();
        let doc_ords = fast.u64("doc_ord")?;
        let passages = fast.u64("passage")?;
        let duplicates = fast.u64("duplicate")?;
        let mut groups: HashMap<(u32, u64), u32> = HashMap::new();
        let as_u32 = |v: Option<u64>| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(u32::MAX);
        let mut runs = DocumentRuns {
            passages: Vec::with_capacity(segment.max_doc() as usize),
            ..DocumentRuns::default()
        };
        for doc in 0..segment.max_doc() {
            let doc_ord = as_u32(doc_ords.first(doc));
            if runs.doc_ords.last() != Some(&doc_ord) {
                runs.starts.push(doc);
                runs.doc_ords.push(doc_ord);
            }
            runs.passages.push(as_u32(passages.first(doc)));
            if let Some(key) = duplicates.first(doc).filter(|&k| k != 0) {
                let next = groups.len() as u32;
                let group = *groups.entry((doc_ord, key)).or_insert(next);
                if runs.copy_group.is_empty() {
                    runs.copy_group = vec![u32::MAX; segment.max_doc() as usize];
                }
                runs.copy_group[doc as usize] = group;
            }
        }
        runs.n_copy_groups = groups.len() as u32;
        Ok(runs)
    }

    /// The group of copies `doc`'s passage belongs to, if its text repeats in its document.
    #[inline]
    fn copy_group(&self, doc: DocId) -> Option<u32> {
        self.copy_group
            .get(doc as usize)
            .copied()
            .filter(|&g| g != u32::MAX)
    }

    /// The passage (in its document) of `doc`.
    #[inline]
    fn passage(&self, doc: DocId) -> Option<u32> {
        self.passages
            .get(doc as usize)
            .copied()
            .filter(|&p| p != u32::MAX)
    }

    /// The document and passage `doc` stands for.
    pub fn locate(&self, doc: DocId) -> Option<(u32, u32)> {
        let mut cursor = 0;
        Some((self.find(doc, &mut cursor)?, self.passage(doc)?))
    }

    /// The document of `doc`; `cursor` is the run of the previous call (doc ids usually
    /// come in increasing order, so the next run is one or two steps away).
    #[inline]
    fn find(&self, doc: DocId, cursor: &mut usize) -> Option<u32> {
        let n = self.starts.len();
        let mut at = *cursor;
        if at >= n || self.starts[at] > doc {
            at = self.starts.partition_point(|&s| s <= doc).checked_sub(1)?;
        } else {
            let mut steps = 0;
            while at + 1 < n && self.starts[at + 1] <= doc {
                at += 1;
                steps += 1;
                if steps == 8 {
                    // A long jump (a sparse query): search instead of walking.
                    at = self.starts.partition_point(|&s| s <= doc) - 1;
                    break;
                }
            }
        }
        *cursor = at;
        self.doc_ords.get(at).copied().filter(|&d| d != u32::MAX)
    }
}

/// The runs of every segment of a searcher, made once per opened index.
pub type SegmentRuns = HashMap<tantivy::index::SegmentId, std::sync::Arc<DocumentRuns>>;

/// [`DocumentRuns`] of every segment of `searcher`.
pub fn segment_runs(searcher: &tantivy::Searcher) -> tantivy::Result<SegmentRuns> {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            Ok((
                segment.segment_id(),
                std::sync::Arc::new(DocumentRuns::of(segment)?),
            ))
        })
        .collect()
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
    floor: f32,
    /// Matches kept since the floor was last raised, and when to raise it next.
    since_floor: usize,
    floor_every: usize,
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
        SegmentCandidates {
            runs: std::sync::Arc::new(runs),
            run_cursor: 0,
            keep: None,
            needed: needed.max(1),
            per_document: per_document.max(1),
            counts: vec![0; n_documents],
            total: 0,
            best: vec![f32::NEG_INFINITY; n_documents],
            floor: f32::NEG_INFINITY,
            since_floor: 0,
            floor_every: needed.saturating_mul(4).max(64),
            slot_of: vec![u32::MAX; n_documents],
            heaps: Vec::new(),
            counted_copies: Default::default(),
            exact: None,
            pruned: false,
        }
    }

    /// Raises the floor to the `needed`-th best document score.
    fn raise_floor(&mut self) {
        self.since_floor = 0;
        if self.heaps.len() < self.needed {
            return;
        }
        let mut scores: Vec<f32> = self
            .heaps
            .iter()
            .map(|h| self.best[h.doc_ord as usize])
            .collect();
        let nth = self.needed - 1;
        scores.select_nth_unstable_by(nth, |a, b| b.total_cmp(a));
        self.floor = self.floor.max(scores[nth]);
        self.floor_every = if self.exact.is_some() {
            self.heaps.len().saturating_mul(4).max(256)
        } else {
            // Pruning: few matches come back, and each rise of the floor skips more.
            self.needed.saturating_mul(2).max(32)
        };
    }

    /// The score a match must pass to be worth reporting: any while counts are exact,
    /// then just under the floor (a passage scoring the floor can still tie in).
    fn threshold(&self) -> Score {
        if !self.pruned {
            Score::NEG_INFINITY
        } else {
            self.floor.next_down()
        }
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
        Ok(SegmentCandidates {
            runs,
            run_cursor: 0,
            keep: self.keep.clone(),
            needed: self.needed.max(1),
            per_document: self.per_document.max(1),
            counts: vec![0; self.n_documents],
            total: 0,
            best: vec![f32::NEG_INFINITY; self.n_documents],
            floor: f32::NEG_INFINITY,
            since_floor: 0,
            floor_every: self.needed.saturating_mul(4).max(64),
            slot_of: vec![u32::MAX; self.n_documents],
            heaps: Vec::new(),
            counted_copies: Default::default(),
            exact: (self.exact_up_to != usize::MAX).then(|| ExactCount {
                limit: self.exact_up_to,
                shared: self.counted.clone(),
                unshared: 0,
            }),
            pruned: false,
        })
    }

    /// Walks the segment's matches through [`Weight::for_each_pruning`]: every match while
    /// the count is exact, then only those that can place.
    ///
    /// [`Weight::for_each_pruning`]: tantivy::query::Weight::for_each_pruning
    fn collect_segment(
        &self,
        weight: &dyn tantivy::query::Weight,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Matches> {
        let mut segment = self.for_segment(segment_ord, reader)?;
        if self.exact_up_to == usize::MAX {
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
        Ok(segment.harvest())
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let mut merged = Matches {
            per_document: vec![0; self.n_documents],
            total: 0,
            tops: Vec::new(),
            counts_are_lower_bounds: false,
        };
        let mut slot_of: HashMap<u32, usize> = HashMap::new();
        let cap = self.per_document.max(1);
        for fruit in fruits {
            for (sum, n) in merged.per_document.iter_mut().zip(&fruit.per_document) {
                *sum += n;
            }
            merged.total += fruit.total;
            merged.counts_are_lower_bounds |= fruit.counts_are_lower_bounds;
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
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCandidates {
    type Fruit = Matches;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(doc_ord) = self.runs.find(doc, &mut self.run_cursor) else {
            return;
        };
        let index = doc_ord as usize;
        let Some(count) = self.counts.get_mut(index) else {
            return;
        };
        // Copies of one text in a document are ranked once: counted once. The copy
        // stays a candidate (the best scored of the copies is the one shown). A
        // document's passages are written in one batch, so they share a segment.
        let copy = match self.runs.copy_group(doc) {
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
        if score < self.floor {
            return;
        }
        if score > self.best[index] {
            self.best[index] = score;
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
        let Some(passage) = self.runs.passage(doc) else {
            return;
        };
        entry.heap.push(Worst(Candidate { score, passage }));
        if entry.heap.len() > self.per_document {
            let evicted = entry.heap.pop().map(|w| w.0.score);
            entry.left_out = max_left_out(entry.left_out, evicted);
        }
        self.since_floor += 1;
        if self.since_floor >= self.floor_every {
            self.raise_floor();
        }
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_find_the_document_of_any_doc_id() {
        let runs = DocumentRuns {
            starts: vec![0, 3, 4, 10],
            doc_ords: vec![7, 2, u32::MAX, 5],
            passages: (0..12).collect(),
            ..DocumentRuns::default()
        };
        let mut cursor = 0;
        let found: Vec<Option<u32>> = [0, 1, 3, 4, 9, 10, 500]
            .iter()
            .map(|&d| runs.find(d, &mut cursor))
            .collect();
        assert_eq!(
            found,
            [Some(7), Some(7), Some(2), None, None, Some(5), Some(5)]
        );
        // Out of order, as a fallback: the same answers.
        for (doc, want) in [(3, Some(2)), (0, Some(7)), (11, Some(5)), (2, Some(7))] {
            assert_eq!(runs.find(doc, &mut cursor), want, "{doc}");
        }
        assert_eq!(DocumentRuns::default().find(0, &mut 0), None);
    }

    #[test]
    fn heap_evicts_the_worst_candidate_first() {
        let mut heap = std::collections::BinaryHeap::new();
        for (score, passage) in [(1.0, 3), (2.0, 1), (1.0, 2), (0.5, 0)] {
            heap.push(Worst(Candidate { score, passage }));
        }
        let order: Vec<u32> = std::iter::from_fn(|| heap.pop().map(|w| w.0.passage)).collect();
        // Lowest score first; among equal scores, the later passage goes first.
        assert_eq!(order, [0, 3, 2, 1]);
    }
}
