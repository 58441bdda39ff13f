//! What one search may spend: time, passages scored, and whether anyone still
//! waits for the answer.
//!
//! The term cap bounds a query before it runs; a budget bounds it while it
//! runs, because the cost of a search grows with the corpus and with how many
//! passages its words reach, which only the postings know. The outermost query
//! is wrapped in [`Budgeted`], whose scorer checks the budget every few
//! thousand passages and ends the walk once it is spent: the search then
//! fails with [`Error::Budget`] (a 503 over HTTP) instead of holding a worker
//! for seconds, and the work of a client that has gone away stops within
//! milliseconds.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::bonus::Bonus;
use super::disjunction::{every_match, Conjunction, Disjunction, TermInFields};
use crate::{Error, Result};

/// Passages walked between two looks at the budget (a few microseconds of work).
const CHECK_EVERY: u32 = 4_096;

/// The default time of one search: generous for a national corpus on two cores.
pub const DEFAULT_SEARCH_TIME: Duration = Duration::from_secs(2);

/// The default number of passages one search may score.
pub const DEFAULT_MAX_SCORED: u64 = 50_000_000;

/// What one engine call may spend. Shared by every segment searched at once.
#[derive(Debug)]
pub struct Budget {
    time: Duration,
    deadline: Instant,
    max_scored: u64,
    scored: AtomicU64,
    cancelled: Option<Arc<AtomicBool>>,
    /// Why the walk stopped: 0 not stopped, then [`Spent`] as u8.
    stopped: AtomicU8,
}

/// What ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    Time = 1,
    Scored = 2,
    Cancelled = 3,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(DEFAULT_SEARCH_TIME, DEFAULT_MAX_SCORED)
    }
}

impl Budget {
    /// `time` from now, at most `max_scored` passages scored.
    pub fn new(time: Duration, max_scored: u64) -> Budget {
        let now = Instant::now();
        Budget {
            time,
            deadline: now
                .checked_add(time)
                .unwrap_or(now + Duration::from_secs(86_400)),
            max_scored,
            scored: AtomicU64::new(0),
            cancelled: None,
            stopped: AtomicU8::new(0),
        }
    }

    /// Stops the work as soon as `flag` is set (the client went away).
    pub fn cancelled_by(mut self, flag: Arc<AtomicBool>) -> Budget {
        self.cancelled = Some(flag);
        self
    }

    /// Charges `n` scored passages; false once anything ran out.
    fn charge(&self, n: u32) -> bool {
        if self.stopped.load(Ordering::Relaxed) != 0 {
            return false;
        }
        let scored = self.scored.fetch_add(u64::from(n), Ordering::Relaxed) + u64::from(n);
        let spent = if self
            .cancelled
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
        {
            Some(Spent::Cancelled)
        } else if scored > self.max_scored {
            Some(Spent::Scored)
        } else if Instant::now() >= self.deadline {
            Some(Spent::Time)
        } else {
            None
        };
        match spent {
            Some(spent) => {
                let _ = self.stopped.compare_exchange(
                    0,
                    spent as u8,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
                false
            }
            None => true,
        }
    }

    /// Err when the walk was stopped: the results would be partial.
    pub fn check(&self) -> Result<()> {
        // A call that ends before the first check still honours a cancel or a deadline.
        self.charge(0);
        let spent = match self.stopped.load(Ordering::Relaxed) {
            0 => return Ok(()),
            1 => Spent::Time,
            2 => Spent::Scored,
            _ => Spent::Cancelled,
        };
        Err(Error::Budget {
            spent,
            time_ms: self.time.as_millis() as u64,
            max_scored: self.max_scored,
        })
    }
}

/// `query` walked under `budget`.
pub struct Budgeted {
    query: Box<dyn Query>,
    budget: Arc<Budget>,
}

impl Budgeted {
    pub fn new(query: Box<dyn Query>, budget: Arc<Budget>) -> Budgeted {
        Budgeted { query, budget }
    }
}

impl Clone for Budgeted {
    fn clone(&self) -> Self {
        Budgeted {
            query: self.query.box_clone(),
            budget: self.budget.clone(),
        }
    }
}

impl std::fmt::Debug for Budgeted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budgeted")
            .field("query", &self.query)
            .finish()
    }
}

impl Query for Budgeted {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if let Some(bonus) = self.query.downcast_ref::<Bonus>() {
            // A bonus walks its core and reads itself only where it can place: the core's
            // walk is what the budget charges.
            let core = Budgeted::new(bonus.core().box_clone(), self.budget.clone());
            return bonus.with_core(Box::new(core)).weight(enable_scoring);
        }
        Ok(Box::new(BudgetedWeight {
            inner: self.query.weight(enable_scoring)?,
            budget: self.budget.clone(),
            prunes: self.query.downcast_ref::<TermInFields>().is_some()
                || self.query.downcast_ref::<Conjunction>().is_some()
                || self
                    .query
                    .downcast_ref::<Disjunction>()
                    .is_some_and(|d| d.word_spellings().is_some()),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct BudgetedWeight {
    inner: Box<dyn Weight>,
    budget: Arc<Budget>,
    /// The inner query passes over what cannot place by itself (block-max pruning): its
    /// own walk is kept, and the budget charged for what it reports.
    prunes: bool,
}

impl Weight for BudgetedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(BudgetedScorer {
            inner: self.inner.scorer(reader, boost)?,
            budget: self.budget.clone(),
            left: CHECK_EVERY,
            stopped: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if self.prunes {
            let mut left = CHECK_EVERY;
            let mut stopped = false;
            return self
                .inner
                .for_each_pruning(threshold, reader, &mut |doc, score| {
                    if !stopped {
                        left -= 1;
                        if left == 0 {
                            left = CHECK_EVERY;
                            stopped = !self.budget.charge(CHECK_EVERY);
                        }
                    }
                    if stopped {
                        // Nothing passes an infinite threshold: the walk ends.
                        Score::INFINITY
                    } else {
                        callback(doc, score)
                    }
                });
        }
        // Any other query is walked through the budgeted scorer, which ends the walk itself.
        every_match(self, threshold, reader, callback)
    }
}

struct BudgetedScorer {
    inner: Box<dyn Scorer>,
    budget: Arc<Budget>,
    left: u32,
    stopped: bool,
}

impl BudgetedScorer {
    /// Counts one step; true when the walk must end here.
    fn spent(&mut self) -> bool {
        self.left -= 1;
        if self.left == 0 {
            self.left = CHECK_EVERY;
            if !self.budget.charge(CHECK_EVERY) {
                self.stopped = true;
            }
        }
        self.stopped
    }
}

impl DocSet for BudgetedScorer {
    fn advance(&mut self) -> DocId {
        if self.stopped || self.spent() {
            return TERMINATED;
        }
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped || self.spent() {
            return TERMINATED;
        }
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        if self.stopped {
            TERMINATED
        } else {
            self.inner.doc()
        }
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for BudgetedScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;
    use tantivy::schema::{Schema, STORED, TEXT};
    use tantivy::{doc, Index};

    fn index_of(n: usize) -> Index {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..n {
            writer
                .add_document(doc!(text => format!("atelier parents enfants numéro {i}")))
                .unwrap();
        }
        writer.commit().unwrap();
        index
    }

    fn count_under(index: &Index, budget: Budget) -> (usize, Result<()>) {
        let budget = Arc::new(budget);
        let query = Budgeted::new(Box::new(AllQuery), budget.clone());
        let searcher = index.reader().unwrap().searcher();
        let n = searcher.search(&query, &Count).unwrap();
        (n, budget.check())
    }

    #[test]
    fn a_search_within_its_budget_sees_everything() {
        let index = index_of(20_000);
        let (n, outcome) = count_under(&index, Budget::default());
        assert_eq!(n, 20_000);
        assert!(outcome.is_ok());
    }

    #[test]
    fn too_many_passages_stop_the_walk() {
        let index = index_of(20_000);
        let (n, outcome) = count_under(&index, Budget::new(DEFAULT_SEARCH_TIME, 5_000));
        assert!((4_096..20_000).contains(&n), "{n}");
        assert!(matches!(
            outcome,
            Err(Error::Budget {
                spent: Spent::Scored,
                ..
            })
        ));
    }

    #[test]
    fn a_pruning_walk_stops_too_when_the_budget_is_spent() {
        let index = index_of(20_000);
        let text = index.schema().get_field("text").unwrap();
        let word = TermInFields::new(vec![(Term::from_field_text(text, "atelier"), 1.0)], 0.2);
        let budget = Arc::new(Budget::new(DEFAULT_SEARCH_TIME, 5_000));
        let query = Budgeted::new(Box::new(word), budget.clone());
        let searcher = index.reader().unwrap().searcher();
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let mut reported = 0;
        for segment in searcher.segment_readers() {
            weight
                .for_each_pruning(Score::NEG_INFINITY, segment, &mut |_, _| {
                    reported += 1;
                    Score::NEG_INFINITY
                })
                .unwrap();
        }
        assert!((4_096..20_000).contains(&reported), "{reported}");
        assert!(matches!(
            budget.check(),
            Err(Error::Budget {
                spent: Spent::Scored,
                ..
            })
        ));
    }

    #[test]
    fn a_spent_deadline_or_a_gone_client_stop_the_walk() {
        let index = index_of(20_000);
        let (n, outcome) = count_under(&index, Budget::new(Duration::ZERO, DEFAULT_MAX_SCORED));
        assert!(n < 20_000, "{n}");
        assert!(matches!(
            outcome,
            Err(Error::Budget {
                spent: Spent::Time,
                ..
            })
        ));
        let gone = Arc::new(AtomicBool::new(true));
        let (n, outcome) = count_under(&index, Budget::default().cancelled_by(gone));
        assert!(n < 20_000, "{n}");
        assert!(matches!(
            outcome,
            Err(Error::Budget {
                spent: Spent::Cancelled,
                ..
            })
        ));
    }
}
