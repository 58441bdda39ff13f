//! Where each doc id of a segment points in the corpus: read once when an index opens, so a
//! collector finds the document of a match in a step or two instead of decoding fast fields.

use std::collections::HashMap;

use tantivy::{DocId, SegmentReader};

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
    /// The passage of each run's first doc id (`u32::MAX`: none). A document's passages are
    /// written in order in one batch, so the passage of a doc id is its run's first plus its
    /// place in the run; nothing else is read for it, so the answer stays in cache.
    first_passages: Vec<u32>,
    /// The passage of each doc id (`u32::MAX`: none), kept only for a segment where some run
    /// does not number its passages one after the other.
    passages: Vec<u32>,
    /// Doc ids in the segment.
    max_doc: DocId,
    /// Per doc id, the group of copies of one text in one document its passage
    /// belongs to, if any.
    copy_groups: CopyGroups,
    /// Number of groups of copies.
    pub(super) n_copy_groups: u32,
    /// First doc id of each run of passages of one section of one document, increasing
    /// (every start of a document run is one too), until [`Self::finish`] sets them as bits.
    section_starts: Vec<DocId>,
    /// The starts of the document runs and of the section runs, a bit per doc id.
    document_bits: RunStarts,
    section_bits: RunStarts,
    /// Each document is one run and the runs go by increasing document: the segment's doc
    /// ids are in the order of the documents (see [`Self::in_document_order`]).
    in_document_order: bool,
}

/// What a field repeats: the value every passage of a run of doc ids shares, so a query
/// that matches one of them matches all, with the same score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeats {
    /// The document's title: the same on every passage of the document.
    Document,
    /// The heading path: the same on every passage of one section.
    Section,
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
        // Sections unknown: every passage is a run of its own.
        runs.section_starts = (0..pairs.len() as DocId).collect();
        runs.finish();
        runs
    }

    /// The runs of one segment, read from its `doc_ord` and `passage` columns.
    pub fn of(segment: &SegmentReader) -> tantivy::Result<DocumentRuns> {
        let fast = segment.fast_fields();
        let doc_ords = fast.u64("doc_ord")?;
        let passages = fast.u64("passage")?;
        let duplicates = fast.u64("duplicate")?;
        let sections = fast.u64("section_ord")?;
        let mut groups: HashMap<(u32, u64), u32> = HashMap::new();
        let as_u32 = |v: Option<u64>| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(u32::MAX);
        let mut runs = DocumentRuns {
            passages: Vec::with_capacity(segment.max_doc() as usize),
            ..DocumentRuns::default()
        };
        let mut previous_section = None;
        // Read a block of doc ids at a time: one call per column and block instead of one
        // per column and doc id (at 10,000 plans these reads were a sixth of opening).
        const BLOCK: u32 = 1024;
        let columns = [&doc_ords, &sections, &passages, &duplicates];
        let mut ids: Vec<DocId> = Vec::with_capacity(BLOCK as usize);
        let mut values: [Vec<Option<u64>>; 4] = Default::default();
        for block_start in (0..segment.max_doc()).step_by(BLOCK as usize) {
            ids.clear();
            ids.extend(block_start..segment.max_doc().min(block_start + BLOCK));
            for (column, out) in columns.iter().zip(values.iter_mut()) {
                out.clear();
                out.resize(ids.len(), None);
                column.first_vals(&ids, out);
            }
            let [block_doc_ords, block_sections, block_passages, block_duplicates] = &values;
            for (i, &doc) in ids.iter().enumerate() {
                let doc_ord = as_u32(block_doc_ords[i]);
                let section = block_sections[i];
                if runs.doc_ords.last() != Some(&doc_ord) {
                    runs.starts.push(doc);
                    runs.doc_ords.push(doc_ord);
                    runs.section_starts.push(doc);
                } else if section.is_none() || section != previous_section {
                    // Without its section a passage is a run of its own.
                    runs.section_starts.push(doc);
                }
                previous_section = section;
                runs.passages.push(as_u32(block_passages[i]));
                if let Some(key) = block_duplicates[i].filter(|&k| k != 0) {
                    let next = groups.len() as u32;
                    let group = *groups.entry((doc_ord, key)).or_insert(next);
                    runs.copy_groups.push(doc, group);
                }
            }
        }
        runs.n_copy_groups = groups.len() as u32;
        runs.finish();
        Ok(runs)
    }

    /// Numbers the passages ([`Self::number_passages`]) and sets the runs' starts as bits.
    fn finish(&mut self) {
        self.number_passages();
        self.in_document_order = self.doc_ords.windows(2).all(|w| w[0] < w[1]);
        self.document_bits = RunStarts::of(&self.starts, self.max_doc);
        self.section_bits = RunStarts::of(&std::mem::take(&mut self.section_starts), self.max_doc);
    }

    /// Whether a later doc id always belongs to a later document. Ranking breaks ties of
    /// score by document, earlier first; in such a segment a match tying the scores of
    /// earlier matches of the same walk is behind all of them.
    pub fn in_document_order(&self) -> bool {
        self.in_document_order
    }

    /// Keeps each run's first passage, and the passage of every doc id only if some run
    /// does not number its passages one after the other.
    fn number_passages(&mut self) {
        self.max_doc = self.passages.len() as DocId;
        let mut affine = true;
        self.first_passages = Vec::with_capacity(self.starts.len());
        for (run, &start) in self.starts.iter().enumerate() {
            let end = self.starts.get(run + 1).copied().unwrap_or(self.max_doc);
            let first = self
                .passages
                .get(start as usize)
                .copied()
                .unwrap_or(u32::MAX);
            self.first_passages.push(first);
            affine &= first != u32::MAX
                && (start..end).all(|doc| {
                    first.checked_add(doc - start)
                        == self
                            .passages
                            .get(doc as usize)
                            .copied()
                            .filter(|&p| p != u32::MAX)
                });
        }
        if affine {
            self.passages = Vec::new();
        } else {
            tracing::debug!(
                "a segment numbers some passages out of order: one passage per doc id kept"
            );
        }
    }

    /// The group of copies `doc`'s passage belongs to, if its text repeats in its document.
    #[inline]
    pub(super) fn copy_group(&self, doc: DocId) -> Option<u32> {
        self.copy_groups.get(doc)
    }

    /// The passage (in its document) of `doc`, which lies in run `run` (see [`Self::find`]).
    #[inline]
    pub(super) fn passage_in(&self, doc: DocId, run: usize) -> Option<u32> {
        if !self.passages.is_empty() {
            return self
                .passages
                .get(doc as usize)
                .copied()
                .filter(|&p| p != u32::MAX);
        }
        let start = *self.starts.get(run)?;
        let first = *self.first_passages.get(run)?;
        if first == u32::MAX || doc < start || doc >= self.max_doc {
            return None;
        }
        first.checked_add(doc - start)
    }

    /// The starts of the runs of what `repeats` says.
    #[inline]
    fn run_starts(&self, repeats: Repeats) -> &RunStarts {
        match repeats {
            Repeats::Document => &self.document_bits,
            Repeats::Section => &self.section_bits,
        }
    }

    /// The first doc id of the run of `doc` (see [`Self::run_end`]).
    pub fn run_start(&self, doc: DocId, repeats: Repeats) -> DocId {
        self.run_starts(repeats).at_or_before(doc).unwrap_or(doc)
    }

    /// The first doc id past the run of `doc`: every doc id from `doc` up to it holds the
    /// same value of a field that [`Repeats`] so (always past `doc`).
    #[inline]
    pub fn run_end(&self, doc: DocId, repeats: Repeats) -> DocId {
        self.run_starts(repeats)
            .next_after(doc)
            .unwrap_or(self.max_doc)
            .max(doc.saturating_add(1))
    }

    /// The doc ids of the documents `keep` keeps (indexed by document), as increasing
    /// ranges `start..end`.
    pub(super) fn runs_of<'a>(
        &'a self,
        keep: &'a [bool],
    ) -> impl Iterator<Item = (DocId, DocId)> + 'a {
        let end_of_segment = self.max_doc;
        self.starts
            .iter()
            .enumerate()
            .filter_map(move |(i, &start)| {
                let doc_ord = *self.doc_ords.get(i)?;
                keep.get(doc_ord as usize)
                    .copied()
                    .unwrap_or(false)
                    .then(|| {
                        (
                            start,
                            self.starts.get(i + 1).copied().unwrap_or(end_of_segment),
                        )
                    })
            })
    }

    /// The document and passage `doc` stands for.
    pub fn locate(&self, doc: DocId) -> Option<(u32, u32)> {
        let mut run = 0;
        let doc_ord = self.find(doc, &mut run)?;
        Some((doc_ord, self.passage_in(doc, run)?))
    }

    /// The document of `doc`; `cursor` is the run of the previous call (doc ids usually
    /// come in increasing order, so the next run is one or two steps away).
    #[inline]
    pub(super) fn find(&self, doc: DocId, cursor: &mut usize) -> Option<u32> {
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
    use rayon::prelude::*;
    searcher
        .segment_readers()
        .par_iter()
        .map(|segment| {
            Ok((
                segment.segment_id(),
                std::sync::Arc::new(DocumentRuns::of(segment)?),
            ))
        })
        .collect()
}

/// Which doc ids start a run, a bit each. A walk of a title or heading field asks, at each
/// posting, where the run it opens ends: the next bit set, most often in the same word or
/// the next (a section is a few passages, a plan a few hundred). A search over the starts
/// (half a million at 10,000 plans) missed the cache at each probe, and galloping from the
/// run found last did as soon as postings were far apart: a twentieth of the server's time
/// under load went there.
#[derive(Debug, Clone, Default, PartialEq)]
struct RunStarts {
    /// Bit `doc % 64` of word `doc / 64`: a run starts at `doc`.
    bits: Vec<u64>,
}

impl RunStarts {
    /// The bits of `starts`, doc ids under `max_doc`.
    fn of(starts: &[DocId], max_doc: DocId) -> RunStarts {
        let mut bits = vec![0u64; (max_doc as usize).div_ceil(64)];
        for &start in starts {
            if let Some(word) = bits.get_mut(start as usize / 64) {
                *word |= 1 << (start % 64);
            }
        }
        RunStarts { bits }
    }

    /// The first start past `doc`.
    #[inline]
    fn next_after(&self, doc: DocId) -> Option<DocId> {
        let from = doc.checked_add(1)? as usize;
        let mut word = from / 64;
        let mut bits = self.bits.get(word)? & (u64::MAX << (from % 64));
        while bits == 0 {
            word += 1;
            bits = *self.bits.get(word)?;
        }
        Some((word * 64) as DocId + bits.trailing_zeros())
    }

    /// The last start at or before `doc`.
    fn at_or_before(&self, doc: DocId) -> Option<DocId> {
        let last = self.bits.len().checked_sub(1)?;
        let (mut word, mut bits) = match doc as usize / 64 {
            word if word > last => (last, self.bits[last]),
            word => (word, self.bits[word] & (u64::MAX >> (63 - doc % 64))),
        };
        while bits == 0 {
            word = word.checked_sub(1)?;
            bits = self.bits[word];
        }
        Some((word * 64) as DocId + 63 - bits.leading_zeros())
    }
}

/// The group of copies of each doc id that has one, asked of every match a search
/// counts. A bit per doc id says which passages are copies (72 KB for 578,000 passages,
/// held in cache where an array of groups per doc id missed it at every match), and the
/// groups of those alone are kept, found by rank.
#[derive(Debug, Clone, Default, PartialEq)]
struct CopyGroups {
    /// Bit `doc % 64` of word `doc / 64`: `doc` is a copy.
    bits: Vec<u64>,
    /// Copies before each word of `bits`.
    ranks: Vec<u32>,
    /// The group of each copy, in doc id order.
    groups: Vec<u32>,
}

impl CopyGroups {
    /// Records that `doc` is in `group`; doc ids come in increasing order.
    fn push(&mut self, doc: DocId, group: u32) {
        let word = doc as usize / 64;
        while self.bits.len() <= word {
            self.bits.push(0);
            self.ranks.push(self.groups.len() as u32);
        }
        self.bits[word] |= 1 << (doc % 64);
        self.groups.push(group);
    }

    #[inline]
    fn get(&self, doc: DocId) -> Option<u32> {
        let word = doc as usize / 64;
        let bits = *self.bits.get(word)?;
        let bit = 1u64 << (doc % 64);
        if bits & bit == 0 {
            return None;
        }
        let rank = self.ranks[word] + (bits & (bit - 1)).count_ones();
        self.groups.get(rank as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_read_by_blocks_agree_with_each_doc_ids_columns() {
        // Plans long enough to span several blocks of doc ids, with sections and a paragraph
        // repeated in each plan (a group of copies).
        let plans: Vec<crate::Document> = (0..4)
            .map(|i| {
                let mut text = format!("Contrat de ville {i}\n\n");
                for axe in 1..=3 {
                    text.push_str(&format!("Axe {axe} : Parentalité et jeunesse\n\n"));
                    for action in 1..=3 {
                        text.push_str(&format!("Action {axe}.{action} : Soutien aux familles\n\n"));
                        for j in 0..40 {
                            text.push_str(&format!(
                                "Le centre social de la ville {i} accueille les parents ({axe}, {action}, {j}).\n\n"
                            ));
                            if j % 10 == 0 {
                                text.push_str("Contact : le référent famille de la CAF.\n\n");
                            }
                        }
                    }
                }
                crate::structure::parse(&format!("contrat-{i}"), &text)
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        crate::index::write(dir.path(), &plans).unwrap();
        let (index, _) = crate::index::open(dir.path()).unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut doc_ids = 0;
        for segment in searcher.segment_readers() {
            let runs = DocumentRuns::of(segment).unwrap();
            let fast = segment.fast_fields();
            let column = |name: &str| fast.u64(name).unwrap();
            let (doc_ords, passages) = (column("doc_ord"), column("passage"));
            let (sections, duplicates) = (column("section_ord"), column("duplicate"));
            let mut copies = 0;
            for doc in 0..segment.max_doc() {
                let expected = (
                    doc_ords.first(doc).unwrap() as u32,
                    passages.first(doc).unwrap() as u32,
                );
                assert_eq!(runs.locate(doc), Some(expected), "doc id {doc}");
                let is_copy = duplicates.first(doc).is_some_and(|k| k != 0);
                assert_eq!(runs.copy_group(doc).is_some(), is_copy, "doc id {doc}");
                copies += usize::from(is_copy);
                // A section's run: doc ids of one plan and one section, and no longer.
                let (start, end) = (
                    runs.run_start(doc, Repeats::Section),
                    runs.run_end(doc, Repeats::Section),
                );
                if sections.first(doc).is_none() {
                    // Without its section, a passage is a run of its own.
                    assert_eq!((start, end), (doc, doc + 1), "doc id {doc}");
                    continue;
                }
                let key = |d: DocId| (doc_ords.first(d), sections.first(d));
                assert!((start..end).all(|d| key(d) == key(doc)), "doc id {doc}");
                assert!(start == 0 || key(start - 1) != key(doc), "doc id {doc}");
                assert!(
                    end == segment.max_doc() || key(end) != key(doc),
                    "doc id {doc}"
                );
            }
            assert!(copies > 0, "the repeated contact is a group of copies");
            doc_ids += segment.max_doc();
        }
        assert!(doc_ids > 1024, "{doc_ids} doc ids: more than one block");
    }

    #[test]
    fn copy_groups_answer_every_doc_id_like_an_array_would() {
        // Copies at word edges (63, 64), two in one word, one far on, none past the last.
        let copies: &[(DocId, u32)] = &[(0, 0), (3, 1), (63, 0), (64, 2), (70, 2), (1000, 3)];
        let mut groups = CopyGroups::default();
        for &(doc, group) in copies {
            groups.push(doc, group);
        }
        for doc in 0..1100 {
            let expected = copies.iter().find(|(d, _)| *d == doc).map(|(_, g)| *g);
            assert_eq!(groups.get(doc), expected, "doc {doc}");
        }
        assert_eq!(CopyGroups::default().get(5), None);
    }

    #[test]
    fn a_passage_is_its_runs_first_plus_its_place_unless_a_run_skips_one() {
        // Two plans: passages 0-2 of plan 4, then 0-1 of plan 9.
        let runs = DocumentRuns::from_pairs(&[(4, 0), (4, 1), (4, 2), (9, 0), (9, 1)]);
        assert!(
            runs.passages.is_empty(),
            "numbered in order: no array per doc id"
        );
        let located: Vec<_> = (0..6).map(|d| runs.locate(d)).collect();
        assert_eq!(
            located,
            [
                Some((4, 0)),
                Some((4, 1)),
                Some((4, 2)),
                Some((9, 0)),
                Some((9, 1)),
                None
            ]
        );
        // A run that skips a passage keeps the array, and the same answers as it.
        let runs = DocumentRuns::from_pairs(&[(4, 0), (4, 2), (9, 0)]);
        assert!(!runs.passages.is_empty());
        let located: Vec<_> = (0..3).map(|d| runs.locate(d)).collect();
        assert_eq!(located, [Some((4, 0)), Some((4, 2)), Some((9, 0))]);
    }

    #[test]
    fn runs_find_the_document_of_any_doc_id() {
        let mut runs = DocumentRuns {
            starts: vec![0, 3, 4, 10],
            doc_ords: vec![7, 2, u32::MAX, 5],
            passages: (0..12).collect(),
            ..DocumentRuns::default()
        };
        runs.number_passages();
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
    fn run_bits_give_the_same_starts_and_ends_as_a_search_over_the_starts() {
        use crate::test_support::dice;
        let mut dice = dice(5);
        // 2,000 plans of one to 300 passages (a run over several words of bits), sections
        // of one to four passages, or of a whole plan.
        let mut starts = Vec::new();
        let mut section_starts = Vec::new();
        let mut doc = 0;
        while starts.len() < 2000 {
            starts.push(doc);
            let end = doc + 1 + dice(300) as DocId;
            let whole = dice(5) == 0;
            while doc < end {
                section_starts.push(doc);
                doc = if whole {
                    end
                } else {
                    (doc + 1 + dice(4) as DocId).min(end)
                };
            }
        }
        let mut runs = DocumentRuns {
            doc_ords: (0..starts.len() as u32).collect(),
            passages: (0..doc).collect(),
            starts: starts.clone(),
            section_starts: section_starts.clone(),
            ..DocumentRuns::default()
        };
        runs.finish();
        for (repeats, starts) in [
            (Repeats::Document, &starts),
            (Repeats::Section, &section_starts),
        ] {
            for at in 0..doc + 70 {
                let next = starts.partition_point(|&s| s <= at);
                let end = starts.get(next).copied().unwrap_or(doc).max(at + 1);
                assert_eq!(runs.run_end(at, repeats), end, "{repeats:?} {at}");
                assert_eq!(
                    runs.run_start(at, repeats),
                    starts[next - 1],
                    "{repeats:?} {at}"
                );
            }
        }
    }

    #[test]
    fn a_run_ends_where_its_document_or_its_section_changes() {
        // Doc ids 0-3 are one plan (sections 1, 1, 2, 2), 4-5 another (section 1 twice).
        let mut runs = DocumentRuns {
            starts: vec![0, 4],
            doc_ords: vec![0, 1],
            passages: (0..6).collect(),
            section_starts: vec![0, 2, 4],
            ..DocumentRuns::default()
        };
        runs.finish();
        let ends = |repeats| -> Vec<DocId> { (0..6).map(|d| runs.run_end(d, repeats)).collect() };
        assert_eq!(ends(Repeats::Document), [4, 4, 4, 4, 6, 6]);
        assert_eq!(ends(Repeats::Section), [2, 2, 4, 4, 6, 6]);
        // Past the last doc id, or with nothing known: a run of one.
        assert_eq!(runs.run_end(9, Repeats::Section), 10);
        let starts = |repeats| {
            (0..6)
                .map(|d| runs.run_start(d, repeats))
                .collect::<Vec<_>>()
        };
        assert_eq!(starts(Repeats::Document), [0, 0, 0, 0, 4, 4]);
        assert_eq!(starts(Repeats::Section), [0, 0, 2, 2, 4, 4]);
        assert_eq!(DocumentRuns::default().run_end(3, Repeats::Document), 4);
        assert_eq!(DocumentRuns::default().run_start(3, Repeats::Section), 3);
    }
}
