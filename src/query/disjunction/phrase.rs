//! A phrase of three terms or more found through its pairs. Its pairs' postings say which
//! passages may hold it and bound how often (a phrase occurs no more often than any of its
//! pairs), so the rarest pair's blocks bound the phrase and the walk prunes it like one
//! word; only the passages the walk reaches are checked for the phrase's positions. A
//! phrase query instead reads the positions of every passage holding all its terms, and
//! the terms of a sigle's long form (« quartier », « politique », « ville ») are in most.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, Term};

/// A phrase's pairs and terms, as a clause asks for them to be checked.
#[derive(Debug, Clone)]
pub(super) struct Checked {
    /// Every pair of the phrase's neighbouring terms: each passage holding the phrase holds
    /// them all, and the rarest in a segment leads.
    pub pairs: Vec<Term>,
    /// The phrase's terms, each with its offset from the first.
    pub terms: Vec<(u32, Term)>,
}

/// The check of one phrase in a segment, at postings of its leading pair in doc id order.
pub(super) struct PhraseCheck {
    /// The pairs other than the lead.
    others: Vec<SegmentPostings>,
    /// The phrase's terms with their positions, each with its offset.
    terms: Vec<(u32, SegmentPostings)>,
    /// Where the phrase starts in the passage checked, then a term's positions.
    starts: Vec<u32>,
    positions: Vec<u32>,
    /// How often the phrase is in the passage last found to hold it.
    pub freq: u32,
}

impl PhraseCheck {
    /// The pair to walk in `reader` (the rarest) and the check of the rest; `None` when a
    /// pair or a term is in no passage of the segment (nor is the phrase).
    pub fn open(
        reader: &SegmentReader,
        checked: &Checked,
    ) -> tantivy::Result<Option<(Term, PhraseCheck)>> {
        let mut pairs = Vec::with_capacity(checked.pairs.len());
        for pair in &checked.pairs {
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
        let mut terms = Vec::with_capacity(checked.terms.len());
        for (offset, term) in &checked.terms {
            let inverted = reader.inverted_index(term.field())?;
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(postings) => terms.push((*offset, postings)),
                None => return Ok(None),
            }
        }
        Ok(Some((
            lead.clone(),
            PhraseCheck {
                others,
                terms,
                starts: Vec::new(),
                positions: Vec::new(),
                freq: 0,
            },
        )))
    }

    /// Whether passage `doc` holds the phrase (then [`PhraseCheck::freq`] says how often).
    /// Asked at increasing doc ids.
    pub fn holds(&mut self, doc: DocId) -> bool {
        let found = |postings: &mut SegmentPostings| {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            postings.doc() == doc
        };
        if !self.others.iter_mut().all(found) || !self.terms.iter_mut().all(|(_, p)| found(p)) {
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
