//! Totals past the exact count: a word found in more passages than
//! `maillage::index::EXACT_COUNT` gives a lower bound, and the pages stay slices of one
//! ranking.

use std::sync::OnceLock;

use maillage::index::EXACT_COUNT;
use maillage::query::{Engine, SearchRequest};

/// Two hundred plans of sixty short fiches each, every one naming « parentalité »:
/// 12,000 matching passages, and a rarer word in a few.
fn big_engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let corpus = tempfile::tempdir().unwrap();
            let index = tempfile::tempdir().unwrap();
            for plan in 0..200 {
                let mut text = format!("# Convention territoriale globale n° {plan}\n\n");
                for fiche in 0..60 {
                    text.push_str(&format!(
                        "## Fiche {fiche} : accompagner les familles\n\n\
                         Soutien à la parentalité, atelier {fiche} du plan {plan}{}.\n\n",
                        if fiche == 7 && plan % 20 == 0 {
                            ", avec la ludothèque"
                        } else {
                            ""
                        }
                    ));
                }
                std::fs::write(corpus.path().join(format!("plan_{plan:03}.md")), text).unwrap();
            }
            maillage::pipeline::build(corpus.path(), index.path(), &|_| {}).unwrap();
            let engine = Engine::open(index.path()).unwrap();
            (index, engine)
        })
        .1
}

fn search(q: &str, offset: usize, limit: usize) -> maillage::query::SearchResponse {
    big_engine()
        .search(&SearchRequest {
            q: q.into(),
            offset: Some(offset),
            limit: Some(limit),
            ..SearchRequest::default()
        })
        .unwrap()
}

#[test]
fn a_word_in_more_passages_than_the_exact_count_gives_a_lower_bound() {
    let found = search("parentalité", 0, 10);
    assert!(found.total_is_lower_bound);
    assert!(found.total >= EXACT_COUNT, "{}", found.total);
    assert!(found.total <= 200 * 60, "{}", found.total);
    assert_eq!(found.hits.len(), 10);
    // The facets count what was counted: no more than the total.
    let by_kind: u32 = found.facets.kind.iter().map(|f| f.count).sum();
    assert!(by_kind as usize <= found.total);
}

#[test]
fn a_rarer_word_is_counted_exactly() {
    let found = search("ludothèque", 0, 10);
    assert!(!found.total_is_lower_bound);
    assert_eq!(found.total, 10);
}

#[test]
fn pages_past_the_exact_count_are_slices_of_one_ranking() {
    let whole = search("parentalité", 0, 40);
    let mut paged = Vec::new();
    for page in 0..4 {
        paged.extend(search("parentalité", page * 10, 10).hits);
    }
    let key = |h: &maillage::query::Hit| (h.doc_id.clone(), h.passage);
    assert_eq!(
        whole.hits.iter().map(key).collect::<Vec<_>>(),
        paged.iter().map(key).collect::<Vec<_>>()
    );
}

#[test]
fn grouped_searches_count_every_match() {
    let found = big_engine()
        .search(&SearchRequest {
            q: "parentalité".into(),
            group: Some("action".into()),
            ..SearchRequest::default()
        })
        .unwrap();
    assert!(!found.total_is_lower_bound);
}
