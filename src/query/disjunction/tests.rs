//! The disjunctions against tantivy's own queries, and the pruning walk against a full one.

use super::walk::{essential_fields, pivot};
use super::*;
use crate::test_support::{dice, pruned_top, All};
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TEXT};
use tantivy::{doc, Index};

thread_local! {
    /// The postings scored by the walks of this thread ([`FieldTerm::score_by`]).
    pub(super) static SCORED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A small index of two text fields, one tantivy document per line.
fn index<S: AsRef<str>>(
    lines: &[(S, S)],
) -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", TEXT);
    let section = schema.add_text_field("section", TEXT);
    let index = Index::create_in_ram(schema.build());
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for (t, s) in lines {
        writer
            .add_document(doc!(text => t.as_ref(), section => s.as_ref()))
            .unwrap();
    }
    writer.commit().unwrap();
    (index, text, section)
}

fn term(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, word),
        IndexRecordOption::WithFreqs,
    ))
}

/// Every (doc, score) a query gives, in doc order. Not through `TopDocs`: its pruning
/// path sums the clauses of tantivy's own disjunction-max over plain terms.
fn hits(index: &Index, query: &dyn Query) -> Vec<(u32, f32)> {
    let searcher = index.reader().unwrap().searcher();
    let mut hits = searcher.search(query, &All).unwrap();
    hits.sort_by_key(|h| h.0);
    hits
}

fn lines() -> Vec<(&'static str, &'static str)> {
    let mut lines = Vec::new();
    for i in 0..3000 {
        lines.push(match i % 7 {
            0 => ("parentalité et soutien", "axe famille"),
            1 => ("accueil du jeune enfant", "parentalité"),
            2 => ("parentalité parentalité", "parentalité soutien"),
            3 => ("insertion des jeunes", "emploi"),
            _ if i % 1000 == 999 => ("soutien", "soutien"),
            _ => ("rien", "autre chose"),
        });
    }
    lines
}

#[test]
fn scores_like_a_disjunction_max_and_matches_the_same_passages() {
    let (index, text, section) = index(&lines());
    let ours = Disjunction::max(
        vec![
            (term(text, "parentalité"), 1.0),
            (term(section, "parentalité"), 1.5),
        ],
        0.2,
    );
    let theirs = DisjunctionMaxQuery::with_tie_breaker(
        vec![
            term(text, "parentalité"),
            Box::new(tantivy::query::BoostQuery::new(
                term(section, "parentalité"),
                1.5,
            )),
        ],
        0.2,
    );
    let (a, b) = (hits(&index, &ours), hits(&index, &theirs));
    assert_eq!(a.len(), b.len());
    assert!(a.len() > 1000, "{}", a.len());
    for ((da, sa), (db, sb)) in a.iter().zip(&b) {
        assert_eq!(da, db);
        assert!((sa - sb).abs() < 1e-4, "doc {da}: {sa} vs {sb}");
    }
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.search(&ours, &Count).unwrap(), a.len());
}

#[test]
fn sum_adds_every_matching_clause() {
    let (index, text, section) = index(&lines());
    let sum = Disjunction::sum(vec![
        (term(text, "soutien"), 1.0),
        (term(section, "soutien"), 1.0),
    ]);
    let union = BooleanQuery::union(vec![term(text, "soutien"), term(section, "soutien")]);
    let (a, b) = (hits(&index, &sum), hits(&index, &union));
    assert_eq!(
        a.iter().map(|h| h.0).collect::<Vec<_>>(),
        b.iter().map(|h| h.0).collect::<Vec<_>>()
    );
    for ((_, sa), (_, sb)) in a.iter().zip(&b) {
        assert!((sa - sb).abs() < 1e-4);
    }
}

#[test]
fn inside_an_intersection_it_seeks_past_what_the_other_words_skip() {
    let (index, text, section) = index(&lines());
    let word = |w: &str| -> Box<dyn Query> {
        Box::new(Disjunction::max(
            vec![(term(text, w), 1.0), (term(section, w), 1.5)],
            0.2,
        ))
    };
    let theirs = |w: &str| -> Box<dyn Query> {
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            vec![
                term(text, w),
                Box::new(tantivy::query::BoostQuery::new(term(section, w), 1.5)),
            ],
            0.2,
        ))
    };
    // "soutien" is rare in the section field past the first lines: the intersection
    // leaps, and both must agree on every document and score.
    let ours = BooleanQuery::new(vec![
        (Occur::Must, word("parentalité")),
        (Occur::Must, word("soutien")),
    ]);
    let reference = BooleanQuery::new(vec![
        (Occur::Must, theirs("parentalité")),
        (Occur::Must, theirs("soutien")),
    ]);
    let (a, b) = (hits(&index, &ours), hits(&index, &reference));
    assert_eq!(
        a.iter().map(|h| h.0).collect::<Vec<_>>(),
        b.iter().map(|h| h.0).collect::<Vec<_>>()
    );
    assert!(!a.is_empty());
    for ((_, sa), (_, sb)) in a.iter().zip(&b) {
        assert!((sa - sb).abs() < 1e-4);
    }
}

#[test]
fn of_keeps_a_lone_clause_and_boosts_it_only_when_asked() {
    let (index, text, _) = index(&lines());
    assert!(hits(&index, &*Disjunction::of(Vec::new(), 0.2)).is_empty());
    let plain = hits(&index, &*term(text, "emploi"));
    assert_eq!(
        hits(
            &index,
            &*Disjunction::of(vec![(term(text, "emploi"), 1.0)], 0.2)
        ),
        plain
    );
    let boosted = hits(
        &index,
        &*Disjunction::of(vec![(term(text, "emploi"), 2.0)], 0.2),
    );
    assert_eq!(boosted.len(), plain.len());
    for ((_, b), (_, p)) in boosted.iter().zip(&plain) {
        assert!((b - 2.0 * p).abs() < 1e-4);
    }
}

/// Checks that the ten best of `query`'s pruned walk are its full walk's (the same passages,
/// the same scores); how many matches the pruned walk reported.
fn pruned_best_ten_are_the_full_walks(index: &Index, query: &dyn Query) -> usize {
    let mut every = hits(index, query);
    every.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let (top, reported) = pruned_top(index, query, 10);
    assert_eq!(top.len(), 10);
    for ((da, sa), (db, sb)) in top.iter().zip(&every[..10]) {
        assert_eq!(da, db);
        assert!((sa - sb).abs() < 1e-4);
    }
    reported
}

/// Short passages dense in « parentalité » first, then thousands of long ones that name it
/// once: once the first fill the top ten, the later blocks cannot place.
fn dense_then_long() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
    let mut lines: Vec<(String, String)> = Vec::new();
    for i in 0..6000 {
        lines.push(if i < 200 {
            (
                "parentalité parentalité soutien".into(),
                "parentalité".into(),
            )
        } else {
            (
                format!("{} parentalité {}", "mot ".repeat(40), i),
                "axe famille".into(),
            )
        });
    }
    index(&lines)
}

#[test]
fn pruning_passes_over_blocks_that_cannot_place_and_keeps_the_same_best() {
    let (index, text, section) = dense_then_long();
    let query = TermInFields::new(
        vec![
            (Term::from_field_text(text, "parentalité"), 1.0),
            (Term::from_field_text(section, "parentalité"), 1.5),
        ],
        0.2,
    );
    assert_eq!(hits(&index, &query).len(), 6000);
    let reported = pruned_best_ten_are_the_full_walks(&index, &query);
    assert!(reported < 1000, "{reported} of 6000 matches reported");
}

#[test]
fn the_pivot_is_where_the_fields_met_first_can_pass_together() {
    // Text, heading, title: at 5.6, 6.2 and 1.0 at most, none passes 6.8 alone.
    let maxima = [5.6, 6.2, 1.0];
    // The heading is met first, then the text: together (6.2 + 0.2 × 5.6) they pass.
    assert_eq!(pivot(&DisMax(0.2), &[40, 12, 90], &maxima, 6.8), 40);
    // The title met in between adds too little: still the text's doc id.
    assert_eq!(pivot(&DisMax(0.2), &[40, 12, 20], &maxima, 6.8), 40);
    // A field that alone passes is its own pivot.
    assert_eq!(pivot(&DisMax(0.2), &[40, 12, 90], &maxima, 6.0), 12);
    // All together cannot pass: nothing can.
    assert_eq!(pivot(&DisMax(0.2), &[40, 12, 90], &maxima, 7.9), TERMINATED);
    // The text's postings are over: the heading alone cannot pass.
    assert_eq!(
        pivot(&DisMax(0.2), &[TERMINATED, 12, 90], &maxima, 6.8),
        TERMINATED
    );
    // Summed (tie breaker 1), heading and title pass 7.0 at the title.
    assert_eq!(pivot(&DisMax(1.0), &[40, 12, 20], &maxima, 7.0), 20);
    // Text and heading on the same passage pass there together.
    assert_eq!(pivot(&DisMax(0.2), &[33, 33, 90], &maxima, 6.8), 33);
    assert_eq!(pivot(&DisMax(1.0), &[33, 33, 33], &maxima, 7.9), 33);
}

#[test]
fn pruning_with_no_threshold_reports_every_match_with_its_score() {
    let (index, text, section) = index(&lines());
    let query = TermInFields::new(
        vec![
            (Term::from_field_text(text, "soutien"), 1.0),
            (Term::from_field_text(section, "soutien"), 1.5),
        ],
        0.2,
    );
    let reported = reported_above(&index, &query, Score::NEG_INFINITY);
    assert_eq!(reported, hits(&index, &query));
    assert!(reported.len() > 400, "{}", reported.len());
}

#[test]
fn no_clause_matching_gives_nothing_and_explains_a_match() {
    let (index, text, section) = index(&lines());
    let none = Disjunction::max(
        vec![(term(text, "absent"), 1.0), (term(section, "absent"), 1.0)],
        0.2,
    );
    assert!(hits(&index, &none).is_empty());
    let some = Disjunction::max(
        vec![(term(text, "emploi"), 1.0), (term(section, "emploi"), 2.0)],
        0.2,
    );
    let found = hits(&index, &some);
    assert_eq!(found.len(), 3000 / 7 + 1);
    let searcher = index.reader().unwrap().searcher();
    let explanation = some
        .explain(&searcher, tantivy::DocAddress::new(0, found[0].0))
        .unwrap();
    assert!((explanation.value() - found[0].1).abs() < 1e-4);
    assert!(some
        .explain(&searcher, tantivy::DocAddress::new(0, 0))
        .is_err());
}

#[test]
fn essential_fields_leave_out_the_weakest_while_together_they_cannot_pass() {
    // Texte 0.5, intitulé 3.0, section 1.0, tie-breaker 0.2.
    let maxima = [0.5, 3.0, 1.0];
    // 0.5 then 1.0 + 0.2 × 0.5 = 1.1 stay under 1.2: only the intitulé is essential.
    assert_eq!(essential_fields(&DisMax(0.2), &maxima, 1.2), 0b010);
    // Under 1.05 the section and the intitulé are.
    assert_eq!(essential_fields(&DisMax(0.2), &maxima, 1.05), 0b110);
    // Summed (tie-breaker 1): 0.5 + 1.0 = 1.5 passes 1.2.
    assert_eq!(essential_fields(&DisMax(1.0), &maxima, 1.2), 0b110);
    // A field without a posting in the stretch (0) is never essential.
    assert_eq!(essential_fields(&DisMax(0.2), &[0.0, 2.0], 0.0), 0b10);
    // Nothing can pass: none is essential.
    assert_eq!(essential_fields(&DisMax(0.2), &maxima, 5.0), 0);
}

#[test]
fn pruning_gives_the_full_walks_best_on_random_passages() {
    // Words rare and common, passages short and long, fields weighed alike or not: the best
    // k through the pruned walk are the full walk's.
    let words = [
        "parentalité",
        "soutien",
        "jeunes",
        "emploi",
        "mot",
        "mot",
        "mot",
    ];
    let mut dice = dice(5);
    let mut next = |n: u64| dice(n) as usize;
    let mut lines: Vec<(String, String)> = Vec::new();
    for i in 0..5000 {
        // Stretches of short, middling and long passages in each field, so that either
        // field's blocks can outweigh the other's, or fall under what places.
        let text_len = match (i / 300) % 3 {
            0 => 1 + next(6),
            1 => 6 + next(10),
            _ => 20 + next(40),
        };
        let section_len = match (i / 700) % 2 {
            0 => 1 + next(4),
            _ => 5 + next(10),
        };
        let mut pick = |len: usize| -> String {
            (0..len)
                .map(|_| {
                    if next(12) == 0 {
                        words[0]
                    } else {
                        words[1 + next(words.len() as u64 - 1)]
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let text = pick(text_len);
        let section = pick(section_len);
        lines.push((text, section));
    }
    let borrowed: Vec<(&str, &str)> = lines
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (index, text, section) = index(&borrowed);
    let cases = [
        ("parentalité", 3.0, 0.2),
        ("parentalité", 1.2, 0.2),
        ("parentalité", 0.8, 1.0),
        ("soutien", 1.0, 0.2),
        ("soutien", 1.5, 1.0),
    ];
    for (word, section_boost, tie_breaker) in cases {
        let query = TermInFields::new(
            vec![
                (Term::from_field_text(text, word), 1.0),
                (Term::from_field_text(section, word), section_boost),
            ],
            tie_breaker,
        );
        assert!(hits(&index, &query).len() > 500, "{word}");
        assert_pruned_tops_are_the_full_walks(
            &index,
            &query,
            &format!("{word} ×{section_boost} {tie_breaker}"),
        );
    }

    // Several words walked together (a sigle and its long form, a word and its correction):
    // each word's fields by its own tie breaker, the words summed or by another.
    let in_fields = |word: &str, section_boost: Score, tie_breaker: Score| -> Box<dyn Query> {
        Box::new(TermInFields::new(
            vec![
                (Term::from_field_text(text, word), 1.0),
                (Term::from_field_text(section, word), section_boost),
            ],
            tie_breaker,
        ))
    };
    let together = [
        (vec![("parentalité", 1.0), ("soutien", 0.5)], 1.0),
        (vec![("parentalité", 2.0), ("jeunes", 1.0)], 1.0),
        (
            vec![("soutien", 1.0), ("emploi", 1.0), ("parentalité", 3.0)],
            0.3,
        ),
    ];
    for (words, tie_breaker) in together {
        let query = Disjunction::max(
            words
                .iter()
                .map(|&(word, boost)| (in_fields(word, 1.5, 0.2), boost))
                .collect(),
            tie_breaker,
        );
        assert_pruned_tops_are_the_full_walks(&index, &query, &format!("{words:?} {tie_breaker}"));
    }
}

/// Checks that the best 1, 10, 100 and 1,000 of `query`'s pruned walk score as its full
/// walk's.
fn assert_pruned_tops_are_the_full_walks(index: &Index, query: &dyn Query, what: &str) {
    let mut every = hits(index, query);
    every.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for k in [1, 10, 100, 1000] {
        let (top, _) = pruned_top(index, query, k);
        assert_eq!(top.len(), k);
        for ((da, sa), (db, sb)) in top.iter().zip(&every[..k]) {
            assert!(
                (sa - sb).abs() < 1e-4,
                "{what} k={k}: {da}:{sa} against {db}:{sb}"
            );
        }
    }
}

#[test]
fn a_word_in_no_passage_and_its_correction_are_walked_as_the_correction_boosted() {
    // Searched misspelt: « parentalitee » is in no passage.
    let (index, text, section) = dense_then_long();
    let in_fields = |word: &str| -> Box<dyn Query> {
        Box::new(TermInFields::new(
            vec![
                (Term::from_field_text(text, word), 1.0),
                (Term::from_field_text(section, word), 1.5),
            ],
            0.2,
        ))
    };
    let query = Disjunction::max(
        vec![
            (in_fields("parentalitee"), 1.0),
            (in_fields("parentalité"), 0.5),
        ],
        1.0,
    );
    assert_eq!(hits(&index, &query).len(), 6000);
    let reported = pruned_best_ten_are_the_full_walks(&index, &query);
    assert!(reported < 1000, "{reported} of 6000 matches reported");

    // Both spellings in passages: walked together with their bounds put together, the
    // long passages that name only the weaker one passed over.
    let both = Disjunction::max(
        vec![(in_fields("soutien"), 1.0), (in_fields("parentalité"), 0.5)],
        1.0,
    );
    let reported = pruned_best_ten_are_the_full_walks(&index, &both);
    assert!(reported < 1000, "{reported} of 6000 matches reported");
}

/// Passages where « lieu » is rare and « parents » common: the phrase « lieu accueil enfants
/// parents » close together, its words far apart, the last word alone.
fn rare_first_common_last() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
    let mut dice = dice(11);
    let mut lines: Vec<(String, String)> = Vec::new();
    for i in 0..4000 {
        let filler = "mot ".repeat(dice(30) as usize);
        let text = match dice(20) {
            0 => format!("{filler}lieu accueil enfants parents"),
            1 => format!("lieu d accueil pour enfants et parents {filler}"),
            2 => format!("lieu {filler} accueil enfants {filler} parents"),
            3 => format!("accueil enfants parents {filler} lieu lieu"),
            4..=11 => format!("les parents {filler} et leurs enfants {i}"),
            _ => format!("accueil {filler} parents"),
        };
        lines.push((text, "axe famille".into()));
    }
    index(&lines)
}

/// The phrase of `terms` (with their offsets) with slop 2, in their one field.
fn near_in_one_field(terms: &[(u32, Term)]) -> TermInFields {
    TermInFields::near(
        vec![NearInField {
            terms: terms.to_vec(),
            boost: 1.0,
            runs: None,
        }],
        2,
        0.2,
    )
    .expect("two terms or more")
}

#[test]
fn a_phrase_with_slop_walks_its_rarest_term_where_the_commonest_is_far_commoner() {
    let (index, text, _) = rare_first_common_last();
    let searcher = index.reader().unwrap().searcher();
    let reader = searcher.segment_reader(0);
    let terms = |words: &[&str]| -> Vec<(u32, Term)> {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (i as u32, Term::from_field_text(text, w)))
            .collect()
    };
    let open = |terms: &[(u32, Term)]| {
        let phrase = near_phrase(terms, 2)
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let (lead, _, bounds) = phrase::NearCheck::open(reader, terms, &*phrase, 1.0, &None)
            .unwrap()
            .unwrap();
        (lead, bounds)
    };
    // « lieu » in about a fifth of the passages « parents » is in: walked, and its blocks
    // bound nothing.
    let long = terms(&["lieu", "accueil", "enfants", "parents"]);
    assert_eq!(open(&long), (long[0].1.clone(), false));
    // « accueil » three times as common as « lieu »: « lieu » is walked, unbounded.
    let short = terms(&["lieu", "accueil", "lieu"]);
    assert_eq!(open(&short), (short[0].1.clone(), false));
    // No term far rarer than the commonest: the commonest, « parents », is walked and bounds
    // the phrase, wherever it is written.
    let close_counts = terms(&["enfants", "parents", "accueil"]);
    assert_eq!(open(&close_counts), (close_counts[1].1.clone(), true));

    // Walked either way, the same passages with the same scores as the phrase query, and
    // pruned, the same best ten.
    for words in [long, short] {
        let near = near_in_one_field(&words);
        let reference = hits(&index, &near_phrase(&words, 2));
        assert!(reference.len() > 150, "{}", reference.len());
        assert_eq!(hits(&index, &near), reference);
        pruned_best_ten_are_the_full_walks(&index, &near);
    }
}

#[test]
fn a_field_that_cannot_pass_alone_is_looked_at_only_where_another_is() {
    // « santé » in a third of the texts and a sixth of the headings, at random lengths.
    // The best passages hold it in both, short; a block's bound, its shortest text's score
    // with its shortest heading's, passes, though its text alone cannot place: the text is
    // then walked only where a heading holds the word.
    let mut dice = dice(5);
    let mut lines: Vec<(String, String)> = Vec::new();
    for i in 0..8000 {
        let text = match dice(3) {
            0 => format!("{}santé {i}", "mot ".repeat(dice(13) as usize)),
            _ => format!("famille {i}"),
        };
        let heading = match dice(6) {
            0 => format!("santé {}", "axe ".repeat(dice(13) as usize)),
            _ => "axe famille".to_string(),
        };
        lines.push((text, heading));
    }
    let (index, text, section) = index(&lines);
    let query = TermInFields::new(
        vec![
            (Term::from_field_text(text, "santé"), 1.0),
            (Term::from_field_text(section, "santé"), 0.5),
        ],
        0.2,
    );
    let texts = lines.iter().filter(|(t, _)| t.contains("santé")).count();
    assert!(texts > 2500, "{texts}");
    pruned_best_ten_are_the_full_walks(&index, &query);
    SCORED.with(|scored| scored.set(0));
    pruned_top(&index, &query, 10);
    let scored = SCORED.with(|scored| scored.get());
    // Walking every text posting of a block whose bound passes scores about 2,700.
    assert!(
        scored < texts / 3,
        "{scored} postings scored of {texts} texts"
    );
}

/// What a pruning walk of `query` reports from a fixed `threshold` (it never rises).
fn reported_above(index: &Index, query: &dyn Query, threshold: Score) -> Vec<(u32, f32)> {
    let searcher = index.reader().unwrap().searcher();
    let weight = query
        .weight(EnableScoring::enabled_from_searcher(&searcher))
        .unwrap();
    let mut reported = Vec::new();
    weight
        .for_each_pruning(threshold, searcher.segment_reader(0), &mut |doc, score| {
            reported.push((doc, score));
            threshold
        })
        .unwrap();
    reported.retain(|&(_, score)| score > threshold);
    reported
}

#[test]
fn a_phrase_with_slop_is_bounded_by_the_term_tantivy_counts_it_by() {
    // « aube » and « zenith » each in about a sixth of the passages, « midi » in most and
    // often several times near them: tantivy's intersection takes the commonest term last,
    // and its count of the phrase with slop can reach that term's frequency, above the
    // last written term's (« aube aube midi zenith midi midi »: twice, « zenith » once).
    let mut dice = dice(31);
    let mut lines: Vec<(String, String)> = Vec::new();
    for i in 0..6000 {
        let filler = "mot ".repeat(dice(20) as usize);
        let text = match dice(12) {
            0 => format!(
                "aube aube midi zenith midi {}{filler}",
                "midi ".repeat(dice(3) as usize)
            ),
            1 => format!("aube midi aube zenith midi midi {filler}"),
            2 => format!("aube {filler}midi"),
            3 => format!("zenith {filler}midi midi"),
            4 => format!("aube zenith {filler}"),
            _ => format!("midi {filler}{i}"),
        };
        lines.push((text, "axe".to_string()));
    }
    let (index, text, _) = index(&lines);
    let words: Vec<(u32, Term)> = ["aube", "midi", "zenith"]
        .iter()
        .enumerate()
        .map(|(i, w)| (i as u32, Term::from_field_text(text, w)))
        .collect();
    let near = near_in_one_field(&words);
    let reference = hits(&index, &near_phrase(&words, 2));
    assert!(reference.len() > 500, "{}", reference.len());
    let mut scores: Vec<f32> = reference.iter().map(|h| h.1).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    for rank in [1, 10, 100, scores.len() / 2] {
        let threshold = scores[rank];
        let above: Vec<u32> = reference
            .iter()
            .filter(|h| h.1 > threshold)
            .map(|h| h.0)
            .collect();
        let reported: Vec<u32> = reported_above(&index, &near, threshold)
            .iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(reported, above, "above the {rank}th score");
    }
}
