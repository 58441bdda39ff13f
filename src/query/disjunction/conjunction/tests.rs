//! The walk of a conjunction against tantivy's boolean query under a bonus, on random
//! passages: every match with its score, the same best, the same counts.

use super::*;
use crate::test_support::{dice, All};
use tantivy::query::{BoostQuery, PhraseQuery};
use tantivy::schema::{Field, Schema, TEXT};
use tantivy::{doc, Index};

/// Random passages (text, heading) over a few words, in stretches of short and long ones,
/// with « reussite educative » written as such now and then.
fn passages(seed: u64) -> (Index, Field, Field) {
    let words = [
        "reussite",
        "educative",
        "jeunes",
        "mot",
        "mot",
        "mot",
        "autre",
    ];
    let mut dice = dice(seed);
    let mut next = |n: u64| dice(n) as usize;
    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", TEXT);
    let section = schema.add_text_field("section", TEXT);
    let index = Index::create_in_ram(schema.build());
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for i in 0..6000 {
        let text_len = match (i / 400) % 3 {
            0 => 2 + next(5),
            1 => 6 + next(12),
            _ => 20 + next(40),
        };
        let heading_len = 1 + next(if (i / 900) % 2 == 0 { 3 } else { 10 });
        let mut pick = |len: usize| -> String {
            let mut out: Vec<&str> = Vec::new();
            while out.len() < len {
                if next(25) == 0 {
                    out.extend(["reussite", "educative"]);
                } else {
                    out.push(words[next(words.len() as u64)]);
                }
            }
            out.join(" ")
        };
        let (body, heading) = (pick(text_len), pick(heading_len));
        writer
            .add_document(doc!(text => body, section => heading))
            .unwrap();
    }
    writer.commit().unwrap();
    (index, text, section)
}

/// A word in the text and the heading.
fn in_fields(text: Field, section: Field, word: &str, tie_breaker: Score) -> TermInFields {
    TermInFields::new(
        vec![
            (Term::from_field_text(text, word), 1.0),
            (Term::from_field_text(section, word), 1.5),
        ],
        tie_breaker,
    )
}

/// The words required in the text and the heading, with the phrase of them in the text
/// (slop 2) as a bonus, as the search plans it.
fn conjunction(text: Field, section: Field, words: &[&str], tie_breaker: Score) -> Conjunction {
    let required = words
        .iter()
        .map(|w| Box::new(in_fields(text, section, w, tie_breaker)) as Box<dyn Query>)
        .collect();
    with_bonus(text, required, words)
}

/// `required` under the bonus of `searched` close together in the text.
fn with_bonus(text: Field, required: Vec<Box<dyn Query>>, searched: &[&str]) -> Conjunction {
    let terms: Vec<Term> = searched
        .iter()
        .map(|w| Term::from_field_text(text, w))
        .collect();
    let phrase =
        PhraseQuery::new_with_offset_and_slop(terms.iter().cloned().enumerate().collect(), 2);
    Conjunction::new(
        required,
        Some(Proximity {
            query: Box::new(BoostQuery::new(Box::new(phrase), 1.5)),
            terms,
            boost: 1.5,
        }),
    )
    .expect("words in their fields")
}

/// Every (doc, score) of the reference query, in doc order.
fn reference(index: &Index, query: &Conjunction) -> Vec<(u32, f32)> {
    let searcher = index.reader().unwrap().searcher();
    let mut hits = searcher.search(&*query.reference(), &All).unwrap();
    hits.sort_by_key(|h| h.0);
    hits
}

/// What the walk reports from `threshold`, the threshold rising as a top-`k` collector's
/// does once `k` matches scored above it (never, with `k` 0).
fn walk(index: &Index, query: &Conjunction, threshold: Score, k: usize) -> Vec<(u32, f32)> {
    let searcher = index.reader().unwrap().searcher();
    let weight = query
        .weight(EnableScoring::enabled_from_searcher(&searcher))
        .unwrap();
    let mut reported = Vec::new();
    let mut top: Vec<f32> = Vec::new();
    weight
        .for_each_pruning(threshold, searcher.segment_reader(0), &mut |doc, score| {
            reported.push((doc, score));
            if k == 0 {
                return threshold;
            }
            top.push(score);
            top.sort_by(|a, b| b.total_cmp(a));
            top.truncate(k);
            if top.len() == k {
                top[k - 1]
            } else {
                threshold
            }
        })
        .unwrap();
    reported
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-4 * a.abs().max(1.0)
}

#[test]
fn the_walk_gives_every_match_with_the_reference_score() {
    let (index, text, section) = passages(11);
    for words in [
        &["reussite", "educative"][..],
        &["reussite", "educative", "jeunes"],
    ] {
        let query = conjunction(text, section, words, 0.2);
        let expected = reference(&index, &query);
        assert!(expected.len() > 1000, "{words:?}: {}", expected.len());
        let every = walk(&index, &query, Score::NEG_INFINITY, 0);
        assert_eq!(every.len(), expected.len(), "{words:?}");
        for ((da, sa), (db, sb)) in every.iter().zip(&expected) {
            assert_eq!(da, db, "{words:?}");
            assert!(close(*sa, *sb), "{words:?} {da}: {sa} against {sb}");
        }
    }
}

#[test]
fn past_the_count_the_walk_keeps_the_best_and_passes_over_the_rest() {
    let (index, text, section) = passages(12);
    for (words, tie_breaker) in [
        (&["reussite", "educative"][..], 0.2),
        (&["educative", "reussite"][..], 1.0),
        (&["reussite", "educative", "jeunes"][..], 0.2),
    ] {
        let query = conjunction(text, section, words, tie_breaker);
        let mut expected = reference(&index, &query);
        expected.sort_by(|a, b| b.1.total_cmp(&a.1));
        for k in [1, 10, 100] {
            // Any threshold of 0 or more asks for what passes it.
            let reported = walk(&index, &query, 0.0, k);
            let mut best: Vec<f32> = reported.iter().map(|&(_, s)| s).collect();
            best.sort_by(|a, b| b.total_cmp(a));
            best.truncate(k);
            assert_eq!(best.len(), k);
            for (a, (_, b)) in best.iter().zip(&expected) {
                assert!(close(*a, *b), "{words:?} k={k}: {a} against {b}");
            }
            if k == 10 {
                assert!(
                    reported.len() * 4 < expected.len(),
                    "{words:?}: {} of {} reported",
                    reported.len(),
                    expected.len()
                );
            }
        }
    }
}

#[test]
fn while_counting_every_match_comes_back_and_only_those_under_the_floor_unscored() {
    let (index, text, section) = passages(13);
    let query = conjunction(text, section, &["reussite", "educative"], 0.2);
    let expected = reference(&index, &query);
    let mut scores: Vec<f32> = expected.iter().map(|&(_, s)| s).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let floor = scores[50];
    let reported = walk(&index, &query, Wanted::Counted { floor }.threshold(), 0);
    assert_eq!(reported.len(), expected.len());
    let mut unscored = 0;
    for ((da, sa), (db, sb)) in reported.iter().zip(&expected) {
        assert_eq!(da, db);
        if *sa == UNSCORED {
            unscored += 1;
            assert!(*sb < floor, "{da} unscored at {sb}, floor {floor}");
        } else {
            assert!(close(*sa, *sb), "{da}: {sa} against {sb}");
        }
    }
    assert!(
        unscored * 2 > reported.len(),
        "{unscored} of {}",
        reported.len()
    );
}

#[test]
fn a_misspelt_word_is_walked_as_its_correction_and_two_live_spellings_as_the_reference() {
    let (index, text, section) = passages(14);
    // « reusite » is in no passage: the word is its correction, at half its weight.
    let spelt = |spellings: &[(&str, Score)]| -> Box<dyn Query> {
        Disjunction::of(
            spellings
                .iter()
                .map(|&(w, boost)| {
                    (
                        Box::new(in_fields(text, section, w, 0.2)) as Box<dyn Query>,
                        boost,
                    )
                })
                .collect(),
            1.0,
        )
    };
    let corrected = with_bonus(
        text,
        vec![
            spelt(&[("reusite", 1.0), ("reussite", 0.5)]),
            Box::new(in_fields(text, section, "educative", 0.2)),
        ],
        &["reussite", "educative"],
    );
    let expected = reference(&index, &corrected);
    assert!(expected.len() > 1000, "{}", expected.len());
    let every = walk(&index, &corrected, Score::NEG_INFINITY, 0);
    assert_eq!(every.len(), expected.len());
    for ((da, sa), (db, sb)) in every.iter().zip(&expected) {
        assert_eq!(da, db);
        assert!(close(*sa, *sb), "{da}: {sa} against {sb}");
    }
    let mut best: Vec<f32> = expected.iter().map(|&(_, s)| s).collect();
    best.sort_by(|a, b| b.total_cmp(a));
    let reported = walk(&index, &corrected, 0.0, 10);
    let mut top: Vec<f32> = reported.iter().map(|&(_, s)| s).collect();
    top.sort_by(|a, b| b.total_cmp(a));
    for (a, b) in top.iter().zip(&best[..10]) {
        assert!(close(*a, *b), "{a} against {b}");
    }
    assert!(
        reported.len() * 4 < expected.len(),
        "{} of {} reported",
        reported.len(),
        expected.len()
    );

    // Both spellings in passages: every match is scored as the reference scores it.
    let both = with_bonus(
        text,
        vec![
            spelt(&[("jeunes", 1.0), ("reussite", 0.5)]),
            Box::new(in_fields(text, section, "educative", 0.2)),
        ],
        &["jeunes", "educative"],
    );
    let expected = reference(&index, &both);
    let every = walk(&index, &both, Score::NEG_INFINITY, 0);
    assert_eq!(every, expected);
}

/// Passages where « alpha » and « beta » each are in half, every other one, and together
/// in one of 97 (and « beta » heads a stretch of passages now and then).
fn apart(passages: u32) -> (Index, Field, Field) {
    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", TEXT);
    let section = schema.add_text_field("section", TEXT);
    let index = Index::create_in_ram(schema.build());
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for i in 0..passages {
        let body = match (i % 97 == 0, i % 2 == 0) {
            (true, _) => "alpha mot beta",
            (false, true) => "alpha mot autre",
            (false, false) => "autre mot beta",
        };
        let heading = if (i / 50) % 40 == 0 { "beta" } else { "autre" };
        writer
            .add_document(doc!(text => body, section => heading))
            .unwrap();
    }
    writer.commit().unwrap();
    (index, text, section)
}

#[test]
fn common_words_seldom_together_are_read_into_bits_where_the_stops_say_it_pays() {
    let (index, text, section) = apart(20_000);
    let query = conjunction(text, section, &["alpha", "beta"], 0.2);
    let searcher = index.reader().unwrap().searcher();
    let reader = searcher.segment_reader(0);
    let Ok(weight) = query
        .walker(EnableScoring::enabled_from_searcher(&searcher))
        .unwrap()
    else {
        panic!("scoring is on: the walker")
    };
    let Segment::Words(words) = weight.words(reader).unwrap() else {
        panic!("one spelling each")
    };
    let plan = weight.presence_plan(&words).expect("two common words");
    // The bits hold the matches, and only them (from 0: every one).
    let presence = weight.presence(reader, &words, &plan, 0).unwrap();
    let mut read = Vec::new();
    let mut doc = presence.next_from(0);
    while doc != TERMINATED {
        read.push(doc);
        doc = presence.next_from(doc + 1);
    }
    let matches: Vec<u32> = reference(&index, &query).iter().map(|h| h.0).collect();
    assert!(matches.len() > 400, "{}", matches.len());
    assert_eq!(read, matches);
    // Many stops a match, at a doc id where the postings read would be few: read.
    let stops = |stops, matches| Bits {
        plan: weight.presence_plan(&words),
        presence: None,
        stops,
        matches,
    };
    let mut bits = stops(512, 20);
    weight.look(&mut bits, reader, &words, 1200, 1200).unwrap();
    assert!(bits.presence.is_some() && bits.plan.is_none());
    // Most stops matches, or few stops for the doc ids walked: not read.
    for (mut bits, doc) in [(stops(512, 200), 1200), (stops(512, 20), 19_000)] {
        weight.look(&mut bits, reader, &words, doc, doc).unwrap();
        assert!(bits.presence.is_none() && bits.plan.is_some(), "at {doc}");
    }
}

#[test]
fn a_walk_read_into_bits_gives_the_same_matches_scores_and_best() {
    // The walk stops at nearly every passage between two matches here: each walk below
    // reads the words into bits at a look (the first: 512 stops, 36 matches, doc id 1,083).
    let (index, text, section) = apart(40_000);
    for words in [&["alpha", "beta"][..], &["beta", "alpha", "mot"]] {
        let query = conjunction(text, section, words, 0.2);
        let expected = reference(&index, &query);
        let every = walk(&index, &query, Score::NEG_INFINITY, 0);
        assert_eq!(every.len(), expected.len(), "{words:?}");
        for ((da, sa), (db, sb)) in every.iter().zip(&expected) {
            assert_eq!(da, db, "{words:?}");
            assert!(close(*sa, *sb), "{words:?} {da}: {sa} against {sb}");
        }
        let mut best: Vec<f32> = expected.iter().map(|h| h.1).collect();
        best.sort_by(|a, b| b.total_cmp(a));
        let mut top: Vec<f32> = walk(&index, &query, 0.0, 10).iter().map(|h| h.1).collect();
        top.sort_by(|a, b| b.total_cmp(a));
        top.truncate(10);
        assert_eq!(top.len(), 10, "{words:?}");
        for (a, b) in top.iter().zip(&best) {
            assert!(close(*a, *b), "{words:?}: {a} against {b}");
        }
    }
}

#[test]
fn at_a_fixed_threshold_every_match_above_it_comes_back_with_its_score() {
    for seed in [21, 22, 23, 24] {
        let (index, text, section) = passages(seed);
        for words in [
            &["reussite", "educative"][..],
            &["educative", "jeunes"],
            &["reussite", "educative", "jeunes"],
        ] {
            let query = conjunction(text, section, words, 0.2);
            let expected = reference(&index, &query);
            let mut scores: Vec<f32> = expected.iter().map(|h| h.1).collect();
            scores.sort_by(|a, b| b.total_cmp(a));
            // Thresholds from the best few to most matches: the bounds pass over more or
            // fewer stretches, and over the bonus alone in some.
            for rank in [1, 3, 10, 30, 100, 300, scores.len() / 2] {
                let threshold = scores[rank];
                let above: Vec<(u32, f32)> = expected
                    .iter()
                    .copied()
                    .filter(|&(_, s)| s > threshold)
                    .collect();
                let mut reported = walk(&index, &query, threshold, 0);
                // What the walk reports under the threshold is for the count; above it,
                // every match of the reference must be there.
                reported.retain(|&(_, s)| s > threshold);
                let docs = |hits: &[(u32, f32)]| hits.iter().map(|h| h.0).collect::<Vec<_>>();
                assert_eq!(
                    docs(&reported),
                    docs(&above),
                    "seed {seed} {words:?} above the {rank}th score"
                );
                for ((da, sa), (_, sb)) in reported.iter().zip(&above) {
                    assert!(close(*sa, *sb), "{words:?} {da}: {sa} against {sb}");
                }
            }
        }
    }
}

#[test]
fn the_bonus_alone_seeks_no_further_than_its_stretch() {
    // « alpha » and « beta » apart in long texts: the bonus's bound (by their frequencies)
    // passes where their own bounds cannot, though no phrase is there. Then « alpha » in
    // long headings only, over long texts with « beta », then over a short « beta », which
    // places; « alpha » in a text again only at the end. Where only the bonus can place a
    // passage, « alpha »'s text is next at the end: « beta »'s text must not be sought
    // there, past the stretch, over the passages that place.
    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", TEXT);
    let section = schema.add_text_field("section", TEXT);
    let index = Index::create_in_ram(schema.build());
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    let filler = "mot ".repeat(40);
    let heading = format!("{} alpha", "axe ".repeat(30));
    for i in 0..6000 {
        let (body, heading) = match i {
            0..1000 => (format!("alpha {filler}beta {filler}"), "axe".to_string()),
            1000..1100 => (format!("{filler}beta {filler}"), heading.clone()),
            1100..3000 => ("beta".to_string(), heading.clone()),
            3000..5990 => (filler.clone(), "axe".to_string()),
            _ => (format!("alpha {filler}beta {filler}"), "axe".to_string()),
        };
        writer
            .add_document(doc!(text => body, section => heading))
            .unwrap();
    }
    writer.commit().unwrap();
    let query = conjunction(text, section, &["alpha", "beta"], 0.2);
    let expected = reference(&index, &query);
    let best_long = expected
        .iter()
        .filter(|h| h.0 < 1100 || h.0 >= 5990)
        .map(|h| h.1)
        .fold(0.0, f32::max);
    let least_short = expected
        .iter()
        .filter(|h| (1100..3000).contains(&h.0))
        .map(|h| h.1)
        .fold(f32::INFINITY, f32::min);
    assert!(best_long < least_short, "{best_long} {least_short}");
    let threshold = (best_long + least_short) / 2.0;
    let mut reported = walk(&index, &query, threshold, 0);
    reported.retain(|&(_, s)| s > threshold);
    let placing: Vec<u32> = (1100..3000).collect();
    assert_eq!(reported.iter().map(|h| h.0).collect::<Vec<_>>(), placing);
}
