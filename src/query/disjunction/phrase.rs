//! A phrase checked at the postings of one of its parts, so the walk prunes it like one
//! word. Without slop, a phrase of three terms or more is found through its pairs: they say
//! which passages may hold it and bound how often (a phrase occurs no more often than any of
//! its pairs), so the rarest pair's blocks bound the phrase. With slop, a phrase is found
//! through one of its terms: tantivy counts a phrase with slop no more often than its last
//! term (than either, with two), so that term's blocks bound it; where another term is far
//! rarer, through that one, bounded by its weight alone. Only the passages the walk
//! reaches are checked for the phrase's positions. A phrase query instead reads the
//! positions of every passage holding all its terms, and the terms of a sigle's long form
//! (« quartier », « politique », « ville ») are in most.

use std::sync::Arc;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use super::RunsOf;
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
    /// Every two neighbouring terms of the phrase (three or more) are paired.
    chained: bool,
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
                chained: phrase_terms.len() >= 3 && phrase_pairs.len() + 1 == phrase_terms.len(),
            },
        )))
    }

    fn holds(&mut self, doc: DocId) -> bool {
        let found = |postings: &mut SegmentPostings| {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            postings.doc() == doc
        };
        if !self.others.iter_mut().all(found) {
            return false;
        }
        if self.chained {
            // Each pair puts its second term at its gap after its first. Where every inner
            // term is once in the passage, the pairs chain from that one place: the phrase
            // is there, and only there (it holds the second term at one offset). Neither
            // the outer terms nor any position need be read.
            let n = self.terms.len();
            let mut once = true;
            for (_, postings) in &mut self.terms[1..n - 1] {
                if !found(postings) {
                    return false;
                }
                once &= postings.term_freq() == 1;
            }
            if once {
                self.freq = 1;
                return true;
            }
        }
        if !self.terms.iter_mut().all(|(_, p)| found(p)) {
            return false;
        }
        self.freq = self.count();
        self.freq > 0
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

/// A phrase of three terms or more with slop walks its rarest term rather than its last
/// (whose blocks bound it) where the last has at least this many times its postings.
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
    /// tantivy counts a phrase with slop no more often than either of two terms, and with
    /// more no more often than the last: that term's blocks bound the phrase. Where another
    /// term is far rarer than the last ([`NEAR_LEAD_SPREAD`]), that one is walked instead:
    /// each posting walked is a check of the phrase's positions, and most fail (« lieu
    /// d'accueil enfants parents »: « parent » in 44,000 passages, « lieu » in 6,300, the
    /// phrase in 770), so fewer checks save more than the bound's blocks prune.
    pub fn open(
        reader: &SegmentReader,
        terms: &[(u32, Term)],
        phrase: &dyn Weight,
        boost: Score,
        runs: &Option<RunsOf>,
    ) -> tantivy::Result<Option<(Term, NearCheck, bool)>> {
        let mut doc_freqs = Vec::with_capacity(terms.len());
        for (_, term) in terms {
            match reader.inverted_index(term.field())?.get_term_info(term)? {
                Some(info) => doc_freqs.push(info.doc_freq),
                None => return Ok(None),
            }
        }
        let last = terms.len() - 1;
        let rarest = (0..terms.len())
            .min_by_key(|&i| doc_freqs[i])
            .unwrap_or(last);
        let (lead, bounds) = match doc_freqs.as_slice() {
            [first, second] if second < first => (1, true),
            [_, _] => (0, true),
            _ if doc_freqs[rarest].saturating_mul(NEAR_LEAD_SPREAD) <= doc_freqs[last] => {
                (rarest, false)
            }
            _ => (last, true),
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
