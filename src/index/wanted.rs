//! What the collector wants of a walk, said through the one number tantivy lets it return.
//!
//! tantivy's `for_each_pruning` hands back a threshold: matches scoring at or under it need
//! not be reported. While counts are exact every match must be reported, so the threshold is
//! −∞ and a weight scores every match, though most cannot place (the collector already holds
//! better ones). A negative finite threshold says more without breaking tantivy's own
//! weights, for which every score passes it: report every match, and a match that cannot
//! reach the floor `−threshold` may be reported [`UNSCORED`]. Our weights read it with
//! [`Wanted::of`] and pass over the scoring of such matches (a bonus not looked at).
//! BM25 scores are positive, so a threshold of 0 or more keeps its meaning, and tantivy's
//! own collectors pass either a score or `Score::MIN` (nothing yet), read as every match.

use tantivy::Score;

/// The score of a match reported without being scored, because it cannot reach the floor.
pub const UNSCORED: Score = Score::NEG_INFINITY;

/// What a walk must report, read from the threshold it was given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wanted {
    /// Every match, scored.
    Every,
    /// Every match; one scoring under the floor may be reported [`UNSCORED`].
    Counted { floor: Score },
    /// Only the matches scoring above the threshold (an infinite threshold: none).
    Above(Score),
}

impl Wanted {
    /// What `threshold` asks for.
    #[inline]
    pub fn of(threshold: Score) -> Wanted {
        // tantivy's own collectors start from `Score::MIN`: every match.
        if threshold <= Score::MIN {
            Wanted::Every
        } else if threshold < 0.0 {
            Wanted::Counted { floor: -threshold }
        } else {
            Wanted::Above(threshold)
        }
    }

    /// The threshold saying it.
    #[inline]
    pub fn threshold(self) -> Score {
        match self {
            Wanted::Every => Score::NEG_INFINITY,
            Wanted::Counted { floor } if floor > 0.0 => -floor,
            Wanted::Counted { .. } => Score::NEG_INFINITY,
            Wanted::Above(threshold) => threshold.max(0.0),
        }
    }

    /// Whether a match whose score is at most `bound` can be left out (`Some(false)`), must
    /// be reported but may go unscored (`Some(true)`), or must be scored (`None`).
    #[inline]
    pub fn unscored_if_at_most(self, bound: Score) -> Option<bool> {
        match self {
            Wanted::Every => None,
            Wanted::Counted { floor } => (bound < floor).then_some(true),
            Wanted::Above(threshold) => (bound <= threshold).then_some(false),
        }
    }

    /// What a part of the score must be asked for when the rest adds at most `rest`: the
    /// same matches, with floor and threshold lowered by `rest`.
    #[inline]
    pub fn less(self, rest: Score) -> Wanted {
        match self {
            Wanted::Every => Wanted::Every,
            Wanted::Counted { floor } if floor > rest => Wanted::Counted {
                floor: floor - rest,
            },
            Wanted::Counted { .. } => Wanted::Every,
            // Every match scores above 0: a threshold lowered under it keeps them all.
            Wanted::Above(threshold) => Wanted::Above((threshold - rest).max(0.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_read_back_as_what_they_ask() {
        for wanted in [
            Wanted::Every,
            Wanted::Counted { floor: 6.82 },
            Wanted::Above(0.0),
            Wanted::Above(9.24),
            Wanted::Above(Score::INFINITY),
        ] {
            assert_eq!(Wanted::of(wanted.threshold()), wanted);
        }
        // No floor yet: every match, scored.
        assert_eq!(
            Wanted::of(Wanted::Counted { floor: 0.0 }.threshold()),
            Wanted::Every
        );
        // What tantivy's top-k collectors start from.
        assert_eq!(Wanted::of(Score::MIN), Wanted::Every);
    }

    #[test]
    fn tantivys_weights_report_every_match_while_counting() {
        // A BM25 score is positive: it passes any threshold asking for a count.
        let threshold = Wanted::Counted { floor: 5.96 }.threshold();
        assert!(0.01 > threshold);
        assert!(Wanted::Above(5.96).threshold() > 0.0);
    }

    #[test]
    fn a_bound_under_the_floor_spares_the_scoring_not_the_count() {
        let counted = Wanted::Counted { floor: 5.96 };
        assert_eq!(counted.unscored_if_at_most(5.0), Some(true));
        // A tie with the floor can still place (earlier plan first): scored.
        assert_eq!(counted.unscored_if_at_most(5.96), None);
        let above = Wanted::Above(5.96);
        assert_eq!(above.unscored_if_at_most(5.96), Some(false));
        assert_eq!(above.unscored_if_at_most(5.97), None);
        assert_eq!(Wanted::Every.unscored_if_at_most(0.0), None);
    }

    #[test]
    fn the_part_of_a_score_is_asked_for_less() {
        assert_eq!(
            Wanted::Counted { floor: 6.0 }.less(1.5),
            Wanted::Counted { floor: 4.5 }
        );
        assert_eq!(Wanted::Counted { floor: 1.0 }.less(1.5), Wanted::Every);
        assert_eq!(Wanted::Above(6.0).less(1.5), Wanted::Above(4.5));
        assert_eq!(Wanted::Above(1.0).less(1.5), Wanted::Above(0.0));
        assert_eq!(Wanted::Every.less(1.5), Wanted::Every);
    }
}
