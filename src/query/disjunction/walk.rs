//! The walk of a word's fields side by side with their block maxima, shared by a word
//! alone and by several words put together (a sigle and its long form, a word and its
//! correction): how the fields' scores make one score is the [`Combine`] rule, and the
//! bounds are put together by the same rule, so one walk prunes both.

use tantivy::{DocId, DocSet, Score, TERMINATED};

use super::FieldTerm;
use crate::index::Wanted;

/// Margin on a bound computed by another path (or summed in another order) than the score
/// it bounds.
pub(super) const ROUNDING: Score = 1.0 + 1e-5;

/// [`Weight::for_each_pruning`] over `fields`, the postings in a segment of one word's
/// fields (or of several words', put together by `combine`); `checks` when some field is a
/// phrase checked at its postings ([`super::phrase`]).
pub(super) fn walk<C: Combine>(
    combine: &C,
    checks: bool,
    fields: Vec<FieldTerm>,
    threshold: Score,
    callback: &mut dyn FnMut(DocId, Score) -> Score,
) -> tantivy::Result<()> {
    // A word without a check is walked by code without one: a test per posting moved is
    // a few per cent of a common word's walk.
    if checks {
        walk_with::<C, true>(combine, fields, threshold, callback)
    } else {
        walk_with::<C, false>(combine, fields, threshold, callback)
    }
}

/// [`walk`], with the fields' checks (`CHECKS`) or without.
fn walk_with<C: Combine, const CHECKS: bool>(
    combine: &C,
    mut fields: Vec<FieldTerm>,
    mut threshold: Score,
    callback: &mut dyn FnMut(DocId, Score) -> Score,
) -> tantivy::Result<()> {
    let mut docs: Vec<DocId> = fields.iter().map(FieldTerm::doc).collect();
    // The stretch of doc ids the bounds hold for; empty at first.
    let mut stretch_end: Option<DocId> = None;
    let mut bound = Score::INFINITY;
    // Each field's block maximum over the stretch (0 without a posting in it).
    let mut maxima: Vec<Score> = vec![0.0; fields.len()];
    // The fields of which a passage that can pass in the stretch holds one (a bit each):
    // the others together cannot place it, so they are sought to the next posting of
    // these instead of walked.
    let mut essential: u64 = 0;
    // No field alone can pass in the stretch: a passage that can holds several.
    let mut several = false;
    loop {
        let mut doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        // Nothing passes an infinite threshold (a spent budget): the walk ends here.
        if doc == TERMINATED || threshold == Score::INFINITY {
            return Ok(());
        }
        // While every match is wanted (the count is exact) no bound can pass anything over.
        let above = matches!(Wanted::of(threshold), Wanted::Above(_));
        if above && stretch_end.is_none_or(|end| doc > end) {
            let end = fields
                .iter()
                .zip(&docs)
                .filter(|(_, &d)| d != TERMINATED)
                .map(|(f, _)| f.block_end())
                .min()
                .unwrap_or(TERMINATED - 1);
            for ((field, &d), max) in fields.iter_mut().zip(&docs).zip(maxima.iter_mut()) {
                *max = if d <= end { field.block_max() } else { 0.0 };
            }
            bound = combine.of(&maxima);
            essential = essential_fields(combine, &maxima, threshold);
            several = maxima.iter().all(|&most| most <= threshold);
            stretch_end = Some(end);
        }
        if let (Some(end), true) = (stretch_end, above) {
            if essential.count_ones() == 1 && fields.len() > 1 {
                // One field alone: its postings scored first, the others sought only
                // where its score with their bounds can pass (MaxScore's partial score).
                let lead = essential.trailing_zeros() as usize;
                threshold = walk_lead::<C, CHECKS>(
                    combine,
                    &mut fields,
                    &mut docs,
                    Lead {
                        field: lead,
                        alone_passes: !several,
                    },
                    &maxima,
                    end,
                    threshold,
                    callback,
                );
                stretch_end = None;
                continue;
            }
            let past = end.saturating_add(1).min(TERMINATED);
            // The first doc id up to the end of the stretch where a passage can pass.
            let target = if bound <= threshold {
                // None can: leap past the stretch.
                past
            } else {
                let mut target = doc;
                if essential != 0 {
                    // Only passages holding an essential field can pass: the next is
                    // where the first of them is.
                    let next = docs
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| essential & (1 << i) != 0)
                        .map(|(_, &d)| d)
                        .min()
                        .unwrap_or(TERMINATED);
                    target = target.max(next.min(past));
                }
                if several {
                    // No field alone can pass, so a passage that passes holds several:
                    // the first that can is where the fields met in doc id order first
                    // have bounds that together pass (the WAND pivot).
                    let pivot = pivot(combine, &docs, &maxima, threshold);
                    target = target.max(pivot.min(past));
                }
                target
            };
            if doc < target {
                let mut landed = TERMINATED;
                for (field, d) in fields.iter_mut().zip(docs.iter_mut()) {
                    if *d < target {
                        *d = field.seek_by::<CHECKS>(target);
                    }
                    landed = landed.min(*d);
                }
                if target > end {
                    stretch_end = None;
                    continue;
                }
                // A field landed on the target: scored now, without working the target
                // out again (it would be the same).
                if landed != target {
                    continue;
                }
                doc = target;
            }
        }
        let mut acc = combine.start();
        for (i, (field, d)) in fields.iter_mut().zip(docs.iter_mut()).enumerate() {
            if *d == doc {
                combine.add(&mut acc, i, field.score_by::<CHECKS>());
                *d = field.advance_by::<CHECKS>();
            }
        }
        let score = combine.total(acc);
        if score > threshold {
            threshold = callback(doc, score);
        }
    }
}

/// The field a passage must hold to pass in a stretch, and whether it can pass by it alone.
struct Lead {
    field: usize,
    /// False when the field's bound does not pass: a passage that passes then holds
    /// another field too.
    alone_passes: bool,
}

/// The walk of a stretch up to `end` where only passages holding field `lead` can pass:
/// its postings are scored, and the other fields are sought to one only where its score
/// with their bounds (`maxima`) can pass. When the lead cannot pass alone, only its
/// postings where another field has one are looked at: the two sides are sought to each
/// other, so that a common word's body skips the passages without it in a heading.
/// Leaves every field past `end`; gives the threshold as the callback left it.
#[allow(clippy::too_many_arguments)]
fn walk_lead<C: Combine, const CHECKS: bool>(
    combine: &C,
    fields: &mut [FieldTerm],
    docs: &mut [DocId],
    Lead {
        field: lead,
        alone_passes,
    }: Lead,
    maxima: &[Score],
    end: DocId,
    mut threshold: Score,
    callback: &mut dyn FnMut(DocId, Score) -> Score,
) -> Score {
    let mut rest = combine.start();
    for (i, &most) in maxima.iter().enumerate() {
        if i != lead {
            combine.add(&mut rest, i, most);
        }
    }
    while docs[lead] <= end && threshold != Score::INFINITY {
        let doc = docs[lead];
        if !alone_passes {
            // The lead's score is at most its bound, which does not pass (the threshold
            // only rises): the next passage that can pass is where another field is too.
            let mut other = TERMINATED;
            for (i, (field, d)) in fields.iter_mut().zip(docs.iter_mut()).enumerate() {
                if i != lead {
                    if *d < doc {
                        *d = field.seek_by::<CHECKS>(doc);
                    }
                    other = other.min(*d);
                }
            }
            if other > end {
                break;
            }
            if other > doc {
                docs[lead] = fields[lead].seek_by::<CHECKS>(other);
                continue;
            }
        }
        let alone = fields[lead].score_by::<CHECKS>();
        // Summed in another order than the score: a hair up.
        let mut most = rest;
        combine.add(&mut most, lead, alone);
        if combine.total(most) * ROUNDING > threshold {
            let mut acc = combine.start();
            for (i, (field, d)) in fields.iter_mut().zip(docs.iter_mut()).enumerate() {
                let score = if i == lead {
                    alone
                } else {
                    if *d < doc {
                        *d = field.seek_by::<CHECKS>(doc);
                    }
                    if *d != doc {
                        continue;
                    }
                    let score = field.score_by::<CHECKS>();
                    *d = field.advance_by::<CHECKS>();
                    score
                };
                combine.add(&mut acc, i, score);
            }
            let score = combine.total(acc);
            if score > threshold {
                threshold = callback(doc, score);
            }
        }
        docs[lead] = fields[lead].advance_by::<CHECKS>();
    }
    // The others alone could not pass before the end: they go on from past it.
    let past = end.saturating_add(1).min(TERMINATED);
    for (field, d) in fields.iter_mut().zip(docs.iter_mut()) {
        if *d < past {
            *d = field.seek_by::<CHECKS>(past);
        }
    }
    threshold
}

/// The first doc id where a passage can pass `threshold`: taking the fields in the order of
/// the doc ids they are on (`docs`), the first whose bound (`maxima`), with those of the
/// fields before it, passes. A passage before it holds too few fields to pass.
/// [`TERMINATED`] when all together cannot; the first doc id when the fields are too many
/// to try here.
pub(super) fn pivot<C: Combine>(
    combine: &C,
    docs: &[DocId],
    maxima: &[Score],
    threshold: Score,
) -> DocId {
    const MOST: usize = 16;
    if docs.len() > MOST {
        return docs.iter().copied().min().unwrap_or(TERMINATED);
    }
    // The fields are a handful: each doc id is tried with the bounds of the fields on it or
    // before it, summed in field order as a score is, instead of ordering the fields.
    let mut first = TERMINATED;
    for &at in docs {
        if at >= first {
            continue;
        }
        let mut acc = combine.start();
        for (i, (&d, &most)) in docs.iter().zip(maxima).enumerate() {
            if d <= at {
                combine.add(&mut acc, i, most);
            }
        }
        if combine.total(acc) > threshold {
            first = at;
        }
    }
    first
}

/// The fields some passage able to pass `threshold` must hold, a bit each, given each
/// field's best score `maxima`: the weakest fields are left out while together they cannot
/// pass (MaxScore), the rest are essential. None (0) when the fields are too many to be bits.
pub(super) fn essential_fields<C: Combine>(combine: &C, maxima: &[Score], threshold: Score) -> u64 {
    if maxima.len() >= 64 {
        return 0;
    }
    let mut left_out = combine.start();
    let mut essential: u64 = (1u64 << maxima.len()) - 1;
    // The weakest essential field, each time (the fields are a handful: no sort needed).
    while let Some(i) = (0..maxima.len())
        .filter(|&i| essential & (1 << i) != 0)
        .min_by(|&a, &b| maxima[a].total_cmp(&maxima[b]))
    {
        let mut with = left_out;
        combine.add(&mut with, i, maxima[i]);
        if combine.total(with) > threshold {
            break;
        }
        left_out = with;
        essential &= !(1u64 << i);
    }
    essential
}

/// How the scores of the fields walked side by side make one score. It grows with each
/// field's, so put together from bounds it bounds the score: the walk's bounds are its
/// fields' block maxima put together by the same rule.
pub(super) trait Combine {
    /// The scores added so far.
    type Sum: Copy;
    fn start(&self) -> Self::Sum;
    /// Adds the score of field `field` (its place among the fields walked).
    fn add(&self, sum: &mut Self::Sum, field: usize, score: Score);
    fn total(&self, sum: Self::Sum) -> Score;

    /// The score of fields scoring `scores`, one each in field order (0 for a field
    /// without the match).
    fn of(&self, scores: &[Score]) -> Score {
        let mut sum = self.start();
        for (i, &score) in scores.iter().enumerate() {
            self.add(&mut sum, i, score);
        }
        self.total(sum)
    }
}

/// One word in its fields: the best field counts in full, the others by the tie breaker
/// (as [`super::DisjunctionScorer`] gives it).
pub(super) struct DisMax(pub Score);

impl Combine for DisMax {
    /// The best score and the sum.
    type Sum = (Score, Score);

    #[inline]
    fn start(&self) -> (Score, Score) {
        (0.0, 0.0)
    }

    #[inline]
    fn add(&self, (max, sum): &mut (Score, Score), _field: usize, score: Score) {
        *max = max.max(score);
        *sum += score;
    }

    #[inline]
    fn total(&self, (max, sum): (Score, Score)) -> Score {
        combined(max, sum, self.0)
    }
}

/// The most words (spellings) [`Words`] puts together.
pub(super) const MOST_WORDS: usize = 8;

/// Several words, each in its fields: each word's score is its fields' by its own tie
/// breaker ([`DisMax`]), and the words' are put together by `tie_breaker` (as a
/// [`super::Disjunction`] of them scores). A word's boost is in its fields' scores.
pub(super) struct Words {
    /// The word each field walked is of.
    pub word_of: Vec<usize>,
    /// Each word's tie breaker.
    pub tie_breakers: Vec<Score>,
    pub tie_breaker: Score,
}

impl Combine for Words {
    /// Each word's best field score and sum.
    type Sum = [(Score, Score); MOST_WORDS];

    fn start(&self) -> Self::Sum {
        [(0.0, 0.0); MOST_WORDS]
    }

    #[inline]
    fn add(&self, sums: &mut Self::Sum, field: usize, score: Score) {
        let (max, sum) = &mut sums[self.word_of[field]];
        *max = max.max(score);
        *sum += score;
    }

    fn total(&self, sums: Self::Sum) -> Score {
        let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
        for (&(word_max, word_sum), &tie_breaker) in sums.iter().zip(&self.tie_breakers) {
            let word = combined(word_max, word_sum, tie_breaker);
            max = max.max(word);
            sum += word;
        }
        combined(max, sum, self.tie_breaker)
    }
}

/// The score of clauses whose best scores `max` and whose scores sum to `sum`: the best in
/// full, the others by `tie_breaker`.
#[inline]
pub(super) fn combined(max: Score, sum: Score, tie_breaker: Score) -> Score {
    if tie_breaker == 1.0 {
        sum
    } else {
        max + (sum - max) * tie_breaker
    }
}
