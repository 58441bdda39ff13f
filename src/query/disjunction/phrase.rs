//! A phrase checked at the postings of one of its parts, so the walk prunes it like one
//! word. Without slop, a phrase of three terms or more is found through its pairs: they say
//! which passages may hold it and bound how often (a phrase occurs no more often than any of
//! its pairs), so the rarest pair's blocks bound the phrase. With slop, a phrase is found
//! through one of its terms: tantivy counts a phrase with slop no more often than its
//! commonest term, which its intersection takes last (than either, with two), so that
//! term's blocks bound it; where another term is far rarer, through that one, bounded by
//! its weight alone. Only the passages the walk
//! reaches are checked for the phrase's positions, and without slop only where its pairs
//! do not place it: a term once in a passage, paired with its neighbours, says where they
//! are (« lieu d'accueil enfants parents » with « accueil » and « enfants » once holds
//! the phrase once, and no position is read). A phrase query instead reads the
//! positions of every passage holding all its terms, and the terms of a sigle's long form
//! (« quartier », « politique », « ville ») are in most.

use std::sync::Arc;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use super::RunsOf;
use crate::analysis::pairs::MAX_GAP;
use crate::index::{DocumentRuns, Repeats};
use crate::query::bonus::Sought;

/// A phrase as a clause asks for it to be checked.
#[derive(Debug, Clone)]
pub(super) enum Checked {
    /// Without slop, through its pairs.
    Pairs {
        /// Every pair of the phrase's neighbouring terms: each passage holding the phrase
        /// holds them all, and the rarest in a segment leads.
        pairs: Vec<Term>,
        /// The phrase's terms, each with its offset from the first.
        terms: Vec<(u32, Term)>,
    },
    /// With slop, through one of its terms, as tantivy's phrase query with that slop
    /// matches and counts it.
    Near {
        /// The phrase's terms, each with its offset from the first, in offset order.
        terms: Vec<(u32, Term)>,
        slop: u32,
        /// When the field repeats over runs of passages: checked once a run.
        runs: Option<RunsOf>,
    },
}

/// What a check found in the passage holding the phrase.
pub(super) enum Found {
    Freq(u32),
    Score(Score),
}

/// The check of one phrase in a segment, at postings of its lead in doc id order.
pub(super) enum PhraseCheck {
    Pairs(PairsCheck),
    Near(NearCheck),
}

impl PhraseCheck {
    /// A phrase without slop: the pair to walk in `reader` and the check of the rest;
    /// `None` when a part of the phrase is in no passage of the segment (nor is the
    /// phrase).
    pub fn pairs(
        reader: &SegmentReader,
        pairs: &[Term],
        terms: &[(u32, Term)],
    ) -> tantivy::Result<Option<(Term, PhraseCheck)>> {
        Ok(PairsCheck::open(reader, pairs, terms)?
            .map(|(lead, check)| (lead, PhraseCheck::Pairs(check))))
    }

    /// Whether passage `doc` holds the phrase (then [`PhraseCheck::freq`] says how often).
    /// Asked at increasing doc ids.
    pub fn holds(&mut self, doc: DocId) -> bool {
        match self {
            PhraseCheck::Pairs(check) => check.holds(doc),
            PhraseCheck::Near(check) => check.holds(doc),
        }
    }

    /// How often the phrase is in the passage last found to hold it, or (with slop) its
    /// score there: the phrase scorer's own.
    pub fn found(&self) -> Found {
        match self {
            PhraseCheck::Pairs(check) => Found::Freq(check.freq),
            PhraseCheck::Near(check) => Found::Score(check.score),
        }
    }
}

/// The check of a phrase without slop, at postings of its leading pair in doc id order.
pub(super) struct PairsCheck {
    /// The pairs other than the lead.
    others: Vec<SegmentPostings>,
    /// The phrase's terms with their positions, each with its offset.
    terms: Vec<(u32, SegmentPostings)>,
    /// Where the phrase starts in the passage checked, then a term's positions.
    starts: Vec<u32>,
    positions: Vec<u32>,
    /// How often the phrase is in the passage last found to hold it.
    freq: u32,
    /// The phrase's chains of two terms or more: places `first..=last` in `terms` where
    /// each two neighbours are paired.
    chains: Vec<(usize, usize)>,
    /// For each chain, in the passage checked: the term that places it, once there.
    anchors: Vec<Option<usize>>,
}

/// The chains of [`PairsCheck::chains`] in `terms` (with their offsets): each two
/// neighbours close enough to be paired, as [`crate::analysis::pairs::pairs_of_phrase`]
/// pairs them.
fn chains(terms: &[(u32, Term)]) -> Vec<(usize, usize)> {
    let paired = |i: usize| {
        let gap = terms[i + 1].0.checked_sub(terms[i].0);
        gap.is_some_and(|gap| (1..=MAX_GAP as u32).contains(&gap))
    };
    let mut chains = Vec::new();
    let mut first = 0;
    for i in 0..terms.len() {
        if i + 1 == terms.len() || !paired(i) {
            if i > first {
                chains.push((first, i));
            }
            first = i + 1;
        }
    }
    chains
}

impl PairsCheck {
    /// The pair to walk in `reader` (the rarest) and the check of the rest; `None` when a
    /// pair or a term is in no passage of the segment (nor is the phrase).
    fn open(
        reader: &SegmentReader,
        phrase_pairs: &[Term],
        phrase_terms: &[(u32, Term)],
    ) -> tantivy::Result<Option<(Term, PairsCheck)>> {
        let mut pairs = Vec::with_capacity(phrase_pairs.len());
        for pair in phrase_pairs {
            match reader.inverted_index(pair.field())?.get_term_info(pair)? {
                Some(info) => pairs.push((info.doc_freq, pair)),
                None => return Ok(None),
            }
        }
        pairs.sort_by_key(|&(doc_freq, _)| doc_freq);
        let Some(&(_, lead)) = pairs.first() else {
            return Ok(None);
        };
        let mut others = Vec::with_capacity(pairs.len() - 1);
        for &(_, pair) in &pairs[1..] {
            let inverted = reader.inverted_index(pair.field())?;
            match inverted.read_postings(pair, IndexRecordOption::Basic)? {
                Some(postings) => others.push(postings),
                None => return Ok(None),
            }
        }
        let mut terms = Vec::with_capacity(phrase_terms.len());
        for (offset, term) in phrase_terms {
            let inverted = reader.inverted_index(term.field())?;
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(postings) => terms.push((*offset, postings)),
                None => return Ok(None),
            }
        }
        Ok(Some((
            lead.clone(),
            PairsCheck {
                others,
                terms,
                starts: Vec::new(),
                positions: Vec::new(),
                freq: 0,
                chains: chains(phrase_terms),
                anchors: Vec::new(),
            },
        )))
    }

    fn holds(&mut self, doc: DocId) -> bool {
        if !self.others.iter_mut().all(|p| found(p, doc)) {
            return false;
        }
        match self.placed(doc) {
            Some(freq) => self.freq = freq,
            None => {
                if !self.terms.iter_mut().all(|(_, p)| found(p, doc)) {
                    return false;
                }
                self.freq = self.count();
            }
        }
        self.freq > 0
    }

    /// How often the phrase is in passage `doc`, which holds all its pairs, when a chain
    /// places it; `None` when none does (then every term's positions tell).
    ///
    /// Each pair puts its second term at its gap after its first. A chain is placed by a
    /// term once in the passage whose pairs reach every other: its inner term when each
    /// inner term is once (they chain from there), or, in a chain of two, either term once.
    /// The chain is then there, and only there, and the phrase starts at one place at
    /// most: when the chain is all of it, there (no position read); else where the first
    /// placed chain's term says, if the other placed chains' terms and the terms outside
    /// placed chains are at their offsets from it.
    fn placed(&mut self, doc: DocId) -> Option<u32> {
        self.anchors.clear();
        for &(first, last) in &self.chains {
            let ends = if last == first + 1 {
                first..=last
            } else {
                first + 1..=last - 1
            };
            let mut once = None;
            for i in ends {
                let postings = &mut self.terms[i].1;
                if !found(postings, doc) {
                    return Some(0);
                }
                if postings.term_freq() == 1 {
                    once = once.or(Some(i));
                    if last == first + 1 {
                        break;
                    }
                } else if last > first + 1 {
                    // An inner term more than once: the chain may be in pieces.
                    once = None;
                    break;
                }
            }
            self.anchors.push(once);
        }
        let placing = self.anchors.iter().position(Option::is_some)?;
        if let [(0, last)] = self.chains[..] {
            if last + 1 == self.terms.len() {
                return Some(1);
            }
        }
        let anchor = self.anchors[placing].expect("a placed chain");
        let start = {
            let (offset, postings) = &mut self.terms[anchor];
            postings.positions(&mut self.positions);
            match self.positions[..] {
                [at] => at.checked_sub(*offset),
                _ => None,
            }
        };
        let Some(start) = start else {
            return Some(0);
        };
        // Every term but those of placed chains, and each other placed chain's anchor.
        let mut chain = 0;
        let mut i = 0;
        while i < self.terms.len() {
            while chain < self.chains.len() && self.chains[chain].1 < i {
                chain += 1;
            }
            let placed = match (self.chains.get(chain), self.anchors.get(chain)) {
                (Some(&(first, last)), Some(&Some(at))) if first <= i => Some((last, at)),
                _ => None,
            };
            if let Some((last, at)) = placed {
                if at != anchor && !self.at(at, doc, start) {
                    return Some(0);
                }
                i = last + 1;
                continue;
            }
            if !self.at(i, doc, start) {
                return Some(0);
            }
            i += 1;
        }
        Some(1)
    }

    /// Whether term `i` is in passage `doc` at its offset from `start`.
    fn at(&mut self, i: usize, doc: DocId, start: u32) -> bool {
        let (offset, postings) = &mut self.terms[i];
        if !found(postings, doc) {
            return false;
        }
        postings.positions(&mut self.positions);
        self.positions.binary_search(&(start + *offset)).is_ok()
    }

    /// How often the terms are at their offsets from a common start in the passage all
    /// their postings are on (as a phrase query without slop counts).
    fn count(&mut self) -> u32 {
        let Some(((first, lead), rest)) = self.terms.split_first_mut() else {
            return 0;
        };
        lead.positions(&mut self.starts);
        // A term before the first's offset cannot start the phrase.
        self.starts.retain(|&p| p >= *first);
        self.starts.iter_mut().for_each(|p| *p -= *first);
        for (offset, postings) in rest {
            postings.positions(&mut self.positions);
            let mut kept = 0;
            let mut at = 0;
            for i in 0..self.starts.len() {
                let wanted = self.starts[i] + *offset;
                while at < self.positions.len() && self.positions[at] < wanted {
                    at += 1;
                }
                if self.positions.get(at) == Some(&wanted) {
                    self.starts[kept] = self.starts[i];
                    kept += 1;
                }
            }
            self.starts.truncate(kept);
            if kept == 0 {
                return 0;
            }
        }
        self.starts.len() as u32
    }
}

/// Whether `postings`, moved on to `doc` if behind it, are on it.
fn found(postings: &mut SegmentPostings, doc: DocId) -> bool {
    if postings.doc() < doc {
        postings.seek(doc);
    }
    postings.doc() == doc
}

/// The term that bounds how often tantivy counts a phrase with slop in a passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CountedBy {
    /// Two terms: the phrase is counted no more often than either.
    EitherOfTwo,
    /// Three terms or more: no more often than the term at this place in the phrase, the
    /// one tantivy's intersection takes last. It orders the terms' postings by their number
    /// (a stable sort), so that is the commonest in the segment, the later of equals, and
    /// it may be any of them: « aube aube midi zenith midi midi » holds « aube midi
    /// zenith » twice with slop 2, « zenith » once.
    Term(usize),
}

impl CountedBy {
    /// The rule for a phrase whose terms, in its order, have `doc_freqs` postings in the
    /// segment.
    pub(super) fn of(doc_freqs: &[u32]) -> CountedBy {
        match doc_freqs.len() {
            0..=2 => CountedBy::EitherOfTwo,
            n => CountedBy::Term(
                (0..n)
                    .max_by_key(|&i| doc_freqs[i])
                    .expect("three terms or more"),
            ),
        }
    }
}

/// How many passages of `reader` hold each of `terms` (none for a term not in the segment).
pub(super) fn doc_freqs<'a>(
    reader: &SegmentReader,
    terms: impl IntoIterator<Item = &'a Term>,
) -> tantivy::Result<Vec<u32>> {
    terms
        .into_iter()
        .map(|term| {
            let info = reader.inverted_index(term.field())?.get_term_info(term)?;
            Ok(info.map_or(0, |info| info.doc_freq))
        })
        .collect()
}

/// A phrase of three terms or more with slop walks its rarest term rather than its
/// commonest (whose blocks bound it) where the commonest has at least this many times its
/// postings.
const NEAR_LEAD_SPREAD: u32 = 2;

/// The check of a phrase with slop: tantivy's own phrase scorer, asked only at the postings
/// the walk reaches ([`Sought`]: the passage asked and none between), whose score is the
/// clause's.
pub(super) struct NearCheck {
    scorer: Sought,
    /// In a field repeating over runs of passages: the run of the passage last checked.
    run: Option<Box<RunMemo>>,
    /// The phrase's score in the passage last found to hold it.
    score: Score,
}

/// A run's answer: each passage of a run has the same text in a repeated field, so the
/// same phrase count and length, and the same score.
struct RunMemo {
    runs: Arc<DocumentRuns>,
    repeats: Repeats,
    /// The first doc id past the run last checked, and whether it held the phrase.
    end: DocId,
    held: bool,
}

impl NearCheck {
    /// The term to walk, whether its frequencies bound the phrase's, and the check by
    /// `phrase`, the weight of the phrase query, scored with `boost`; `None` when a term is
    /// in no passage of the segment.
    ///
    /// The term tantivy counts the phrase by ([`CountedBy`]) is walked, and its blocks bound
    /// the phrase. Where another term is far rarer ([`NEAR_LEAD_SPREAD`]), that one is
    /// walked instead: each posting walked is a check of the phrase's positions, and most
    /// fail (« lieu d'accueil enfants parents »: « parent » in 44,000 passages, « lieu » in
    /// 6,300, the phrase in 770), so fewer checks save more than the bound's blocks prune.
    pub fn open(
        reader: &SegmentReader,
        terms: &[(u32, Term)],
        phrase: &dyn Weight,
        boost: Score,
        runs: &Option<RunsOf>,
    ) -> tantivy::Result<Option<(Term, NearCheck, bool)>> {
        let doc_freqs = doc_freqs(reader, terms.iter().map(|(_, term)| term))?;
        if doc_freqs.contains(&0) {
            return Ok(None);
        }
        let (lead, bounds) = match CountedBy::of(&doc_freqs) {
            // Either bounds: the rarer is walked, the earlier of equals.
            CountedBy::EitherOfTwo => match doc_freqs[..] {
                [first, second] if second < first => (1, true),
                _ => (0, true),
            },
            CountedBy::Term(commonest) => {
                let rarest = (0..terms.len())
                    .min_by_key(|&i| doc_freqs[i])
                    .unwrap_or(commonest);
                if doc_freqs[rarest].saturating_mul(NEAR_LEAD_SPREAD) <= doc_freqs[commonest] {
                    (rarest, false)
                } else {
                    (commonest, true)
                }
            }
        };
        let scorer = Sought::new(phrase, reader, 0, boost)?;
        let run = match runs {
            None => None,
            Some(of) => Some(Box::new(RunMemo {
                runs: match of.runs.get(&reader.segment_id()) {
                    Some(runs) => runs.clone(),
                    None => Arc::new(DocumentRuns::of(reader)?),
                },
                repeats: of.repeats,
                end: 0,
                held: false,
            })),
        };
        let check = NearCheck {
            scorer,
            run,
            score: 0.0,
        };
        Ok(Some((terms[lead].1.clone(), check, bounds)))
    }

    fn holds(&mut self, doc: DocId) -> bool {
        if let Some(run) = &mut self.run {
            if doc < run.end {
                return run.held;
            }
            run.end = run.runs.run_end(doc, run.repeats);
        }
        let held = self.held_at(doc);
        if let Some(run) = &mut self.run {
            run.held = held;
        }
        held
    }

    fn held_at(&mut self, doc: DocId) -> bool {
        match self.scorer.score(doc) {
            Some(score) => {
                self.score = score;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CountedBy;

    #[test]
    fn a_phrase_is_counted_by_either_of_two_terms_or_by_the_commonest_of_more() {
        // « accueil enfants »: either term bounds it, whatever their postings.
        assert_eq!(CountedBy::of(&[40, 7]), CountedBy::EitherOfTwo);
        // « lieu accueil enfants »: « lieu » is the commonest, first written.
        assert_eq!(CountedBy::of(&[900, 300, 120]), CountedBy::Term(0));
        // « enfants parents accueil parents »: the later of equals.
        assert_eq!(CountedBy::of(&[12, 50, 8, 50]), CountedBy::Term(3));
    }
}
