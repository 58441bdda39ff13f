//! The library's use cases, through `Engine`.

use crate::fixture::engine;
use maillage::query::SearchRequest;
use maillage::Error;

fn request(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.into(),
        limit: Some(10),
        ..Default::default()
    }
}

#[test]
fn limits_are_enforced_with_clear_errors() {
    let e = engine();
    let mut r = request("parentalité");
    r.limit = Some(100_000);
    assert!(matches!(
        e.search(&r),
        Err(Error::InvalidParameter { name: "limit", .. })
    ));
    let long = "parentalité ".repeat(500);
    assert!(matches!(
        e.search(&request(&long)),
        Err(Error::InvalidQuery(_))
    ));
    let mut r = request("parentalité");
    r.kind = Some("roman".into());
    assert!(matches!(
        e.search(&r),
        Err(Error::InvalidParameter { name: "kind", .. })
    ));
}

#[test]
fn pagination_does_not_repeat_hits() {
    let e = engine();
    let first = e.search(&request("jeunes")).unwrap();
    let mut r = request("jeunes");
    r.offset = Some(10);
    let second = e.search(&r).unwrap();
    assert!(
        first.total > 10,
        "need more than a page of hits, got {}",
        first.total
    );
    for h in &second.hits {
        assert!(!first
            .hits
            .iter()
            .any(|f| f.doc_id == h.doc_id && f.passage == h.passage));
    }
}

#[test]
fn passages_are_slices_of_the_document_text() {
    let e = engine();
    let store = e.store();
    assert_eq!(store.len(), e.documents().len());
    for summary in e.documents() {
        let index = e
            .doc_index(&summary.doc_id)
            .expect("a listed document has an index");
        let text = store.text(index).expect("its text");
        let chars: Vec<char> = text.chars().collect();
        let detail = e.document(&summary.doc_id).expect("its detail");
        assert_eq!(detail.passages.len(), summary.passages);
        for p in &detail.passages {
            assert!(
                p.start <= p.end && p.end <= chars.len(),
                "{}#{} out of bounds",
                summary.doc_id,
                p.id
            );
            let slice: String = chars[p.start..p.end].iter().collect();
            assert_eq!(slice, p.text, "{}#{}", summary.doc_id, p.id);
            let expected_path: Vec<&str> = store.heading_path(index, p.section);
            assert_eq!(p.heading_path, expected_path, "{}#{}", summary.doc_id, p.id);
        }
    }
}

#[test]
fn control_characters_and_markup_in_queries_are_harmless() {
    let e = engine();
    for q in [
        "\u{0}parentalité",
        "<script>alert(1)</script>",
        "\u{feff}\"",
        "jeunes\u{7}",
    ] {
        match e.search(&request(q)) {
            Ok(r) => assert!(r.hits.iter().all(|h| !h.snippet.contains("<script>"))),
            Err(err) => assert!(err.is_user_error(), "{q:?}: {err}"),
        }
    }
}

#[test]
fn a_sigle_spelt_like_a_stop_word_is_no_phrase() {
    // "DU" is a sigle and the word "du": the quoted long form is expanded to a sigle that
    // analyses to nothing, which must not become an empty phrase.
    let corpus = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("pedt.md"),
        "# Projet éducatif\n\nLe diplôme universitaire (DU) forme les animateurs. \
         Le DU est financé par la ville ; le diplôme universitaire dure un an.\n",
    )
    .unwrap();
    maillage::pipeline::build(corpus.path(), index.path(), &|_| {}).unwrap();
    let e = maillage::query::Engine::open(index.path()).unwrap();
    let du = e.acronym("DU").expect("the corpus defines the sigle");
    assert!(
        du.definitions
            .iter()
            .any(|d| d.text.to_lowercase() == "diplôme universitaire"),
        "{du:?}"
    );
    let r = e.search(&request("\"diplôme universitaire\"")).unwrap();
    assert!(r.total >= 1, "{r:?}");
    assert!(r.hits[0].text.contains("diplôme universitaire"));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {

        /// Whatever a person types, search answers or refuses with a user error.
        #[test]
        fn any_query_is_answered_or_refused(q in "\\PC{0,60}|[\"'’«»()+\\-* a-zA-Zéèàç]{0,40}") {
            match engine().search(&request(&q)) {
                Ok(r) => {
                    prop_assert!(r.hits.len() <= 10);
                    for h in &r.hits {
                        prop_assert!(!h.snippet.contains("<script"));
                    }
                }
                Err(e) => prop_assert!(e.is_user_error(), "{q:?}: {e}"),
            }
        }

        #[test]
        fn any_filter_value_is_answered_or_refused(t in "\\PC{0,20}", k in "\\PC{0,12}") {
            let mut r = request("jeunes");
            r.territory = Some(t);
            r.kind = Some(k);
            if let Err(e) = engine().search(&r) {
                prop_assert!(e.is_user_error(), "{e}");
            }
        }
    }
}

#[test]
fn an_undefined_sigle_gets_its_meaning_from_the_catalog() {
    let caf = engine().acronym("CAF").expect("CAF is used in the corpus");
    assert!(
        caf.definitions.is_empty(),
        "no shipped document defines CAF"
    );
    let entity = caf.entity.expect("the catalog knows the CAF");
    assert!(
        entity
            .name
            .to_lowercase()
            .contains("allocations familiales"),
        "{}",
        entity.name
    );
    // A sigle the catalog does not know has no entity.
    let abs = engine().acronym("ABS").unwrap();
    assert!(abs.entity.is_none() || abs.entity.unwrap().name.to_uppercase().contains("ABS"));
}

mod at_scale {
    use super::request;
    use crate::fixture::generated_engine;
    use maillage::query::{SearchRequest, MAX_TERRITORY_FACETS};

    fn page(q: &str, offset: usize, limit: usize) -> Vec<(String, usize)> {
        let r = SearchRequest {
            q: q.into(),
            offset: Some(offset),
            limit: Some(limit),
            ..Default::default()
        };
        generated_engine()
            .search(&r)
            .expect("search answers")
            .hits
            .into_iter()
            .map(|h| (h.doc_id, h.passage))
            .collect()
    }

    #[test]
    fn territory_facets_show_the_largest_and_count_the_rest() {
        let e = generated_engine();
        let all = e.search(&request("jeunes")).unwrap();
        let facets = &all.facets;
        assert!(
            facets.territory_values > MAX_TERRITORY_FACETS,
            "{} territories",
            facets.territory_values
        );
        assert_eq!(facets.territory.len(), MAX_TERRITORY_FACETS);
        assert!(facets
            .territory
            .windows(2)
            .all(|w| w[0].count >= w[1].count));
        let by_kind: u32 = facets.kind.iter().map(|k| k.count).sum();
        assert!(by_kind as usize <= all.total && by_kind > 0);
        // A territory outside the first ones, once chosen, stays listed.
        let documents = e.documents();
        let shown: Vec<&str> = facets.territory.iter().map(|f| f.value.as_str()).collect();
        let other = documents
            .iter()
            .filter_map(|d| d.territory.as_ref())
            .find(|t| !shown.contains(&t.code.as_str()))
            .expect("a territory beyond the facets shown");
        let mut filtered = request("jeunes");
        filtered.territory = Some(other.code.clone());
        let answer = e.search(&filtered).unwrap();
        assert!(answer
            .facets
            .territory
            .iter()
            .any(|f| f.value == other.code));
        assert!(answer.total > 0 && answer.total < all.total);
        assert!(answer
            .hits
            .iter()
            .all(|h| h.territory.as_ref().map(|t| &t.code) == Some(&other.code)));
    }

    #[test]
    fn every_page_is_a_slice_of_one_ranking() {
        for q in [
            "jeunes",
            "parentalité",
            "\"mission locale\"",
            "accueil du jeune enfant",
        ] {
            let whole = page(q, 0, 60);
            assert!(whole.len() >= 30, "{q}: {} hits", whole.len());
            for offset in [0, 10, 20, 30] {
                let expected: Vec<_> = whole.iter().skip(offset).take(10).cloned().collect();
                assert_eq!(page(q, offset, 10), expected, "{q} at {offset}");
            }
        }
    }

    #[test]
    fn a_page_spreads_over_plans() {
        for q in ["jeunes", "parentalité", "CLAS"] {
            let hits = page(q, 0, 10);
            let mut docs: Vec<&str> = hits.iter().map(|(d, _)| d.as_str()).collect();
            docs.sort_unstable();
            docs.dedup();
            assert!(docs.len() >= 5, "{q}: page 1 from {} plans", docs.len());
        }
    }

    #[test]
    fn a_territory_filter_keeps_what_its_definition_keeps_for_every_territory_and_its_containers() {
        use maillage::extract::territory::{codes_containing, key_of, Cog};
        use maillage::query::TerritoryRequest;
        let engine = generated_engine();
        let documents = &engine.knowledge().documents;
        let cog = Cog::get();
        // Every document's territory and what contains it, named with its kind.
        let mut named = Vec::new();
        for d in documents {
            let Some(t) = &d.territory else { continue };
            let containing = [cog.epci_of(t), cog.departement_of(t), cog.region_of(t)];
            for x in std::iter::once(t.clone()).chain(containing.into_iter().flatten()) {
                if !named.contains(&x) {
                    named.push(x);
                }
            }
        }
        assert!(named.len() > 40, "{}", named.len());
        for filter in &named {
            let name = format!("{}:{}", filter.kind.as_str(), filter.code);
            let detail = engine
                .territory(&TerritoryRequest {
                    territory: name.clone(),
                })
                .expect("a territory of the corpus resolves");
            // Kept: about a place inside the filter, or about a place containing it.
            let around = codes_containing(filter, cog);
            let expected: Vec<&str> = documents
                .iter()
                .filter(|d| {
                    d.territory.as_ref().is_some_and(|t| {
                        d.territory_keys.contains(&key_of(filter)) || around.contains(&key_of(t))
                    })
                })
                .map(|d| d.doc_id.as_str())
                .collect();
            let kept: Vec<&str> = detail.documents.iter().map(|d| d.doc_id.as_str()).collect();
            assert_eq!(kept, expected, "{name}");
            assert!(!kept.is_empty(), "{name}");
        }
        // A bare code of a région is also a département's: the reading keeping more
        // documents wins, the région on a tie.
        let n_kept = |name: &str| {
            engine
                .territory(&TerritoryRequest {
                    territory: name.into(),
                })
                .map_or(0, |d| d.documents.len())
        };
        let mut regions = 0;
        for filter in named
            .iter()
            .filter(|t| t.kind == maillage::TerritoryKind::Region)
        {
            regions += 1;
            let (region, departement) = (
                n_kept(&format!("region:{}", filter.code)),
                n_kept(&format!("departement:{}", filter.code)),
            );
            let bare = engine
                .territory(&TerritoryRequest {
                    territory: filter.code.clone(),
                })
                .expect("a bare code resolves");
            let expected = if departement > region {
                maillage::TerritoryKind::Departement
            } else {
                maillage::TerritoryKind::Region
            };
            assert_eq!(bare.territory.kind, expected, "{}", filter.code);
            assert_eq!(
                bare.documents.len(),
                region.max(departement),
                "{}",
                filter.code
            );
        }
        assert!(regions > 3, "{regions}");
    }

    #[test]
    fn territories_of_an_actor_come_in_pages() {
        let e = generated_engine();
        let all = e
            .territories(&maillage::query::TerritoriesRequest {
                entity: "CAF".into(),
                all: true,
                ..Default::default()
            })
            .unwrap();
        assert!(all.total > 20, "{} territories", all.total);
        assert_eq!(all.territories.len(), all.total);
        let page = e
            .territories(&maillage::query::TerritoriesRequest {
                entity: "CAF".into(),
                offset: Some(10),
                limit: Some(10),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(page.total, all.total);
        assert_eq!(page.territories, all.territories[10..20]);
        let detail = e.entity("CAF").unwrap();
        assert_eq!(detail.territories_total, all.total);
        assert_eq!(
            detail.territories,
            all.territories[..detail.territories.len()]
        );
        let partners = e
            .territories(&maillage::query::TerritoriesRequest {
                entity: "CAF".into(),
                role: Some("partenaire".into()),
                all: true,
                ..Default::default()
            })
            .unwrap();
        assert!(partners.total <= all.total);
        assert!(partners
            .territories
            .iter()
            .all(|t| t.roles == [maillage::extract::Role::Partner]));
    }
}

/// Every hit of `q` (with a filter), paged through 100 at a time.
fn page_through(
    engine: &maillage::query::Engine,
    q: &str,
    territory: Option<&str>,
    kind: Option<&str>,
) -> (usize, Vec<maillage::query::Hit>, maillage::query::Facets) {
    let mut hits = Vec::new();
    let mut first = None;
    loop {
        let response = engine
            .search(&maillage::query::SearchRequest {
                q: q.to_string(),
                limit: Some(100),
                offset: Some(hits.len()),
                territory: territory.map(str::to_string),
                kind: kind.map(str::to_string),
                exact: false,
                group: None,
            })
            .unwrap();
        let n = response.hits.len();
        if first.is_none() {
            first = Some((response.total, response.facets.clone()));
        }
        hits.extend(response.hits);
        if n < 100 {
            break;
        }
    }
    let (total, facets) = first.unwrap();
    (total, hits, facets)
}

#[test]
fn totals_and_facets_count_exactly_the_hits_that_can_be_paged_to() {
    let engine = maillage::query::Engine::open(crate::fixture::shipped_index()).unwrap();
    let cases = [
        ("parentalité", None, None),
        ("CLAS", None, None),
        ("QPV", None, None),
        ("jeunes", None, None),
        ("mission locale", None, None),
        ("accompagnement à la scolarité", None, None),
        ("parentalité", Some("31"), None),
        ("jeunes", None, Some("contrat_de_ville")),
    ];
    for (q, territory, kind) in cases {
        let (total, hits, facets) = page_through(&engine, q, territory, kind);
        assert!(total > 0, "{q}");
        assert_eq!(
            total,
            hits.len(),
            "{q} {territory:?} {kind:?}: total vs hits paged to"
        );
        // The last page is never empty.
        let last = (total - 1) / 10 * 10;
        let page = engine
            .search(&maillage::query::SearchRequest {
                q: q.to_string(),
                limit: Some(10),
                offset: Some(last),
                territory: territory.map(str::to_string),
                kind: kind.map(str::to_string),
                exact: false,
                group: None,
            })
            .unwrap();
        assert!(!page.hits.is_empty(), "{q}: last page empty");
        if territory.is_none() && kind.is_none() {
            for facet in &facets.territory {
                let shown = hits
                    .iter()
                    .filter(|h| h.territory.as_ref().is_some_and(|t| t.code == facet.value))
                    .count();
                assert_eq!(facet.count as usize, shown, "{q}: facet {}", facet.label);
            }
        }
    }
}

#[test]
fn a_territory_filter_keeps_plans_inside_it_and_plans_containing_it() {
    let engine = maillage::query::Engine::open(crate::fixture::shipped_index()).unwrap();
    let search = |territory: &str| {
        engine
            .search(&maillage::query::SearchRequest {
                q: "parentalité".into(),
                limit: Some(100),
                territory: Some(territory.into()),
                ..Default::default()
            })
            .unwrap()
    };
    let names = |r: &maillage::query::SearchResponse| -> Vec<String> {
        let mut names: Vec<String> = r
            .territories_included
            .iter()
            .map(|t| t.name.clone())
            .collect();
        names.sort();
        names
    };
    // A région keeps the plans of its communes and EPCI, by name or by code; `76` is
    // also a département (Seine-Maritime), but the région is the reading with plans here.
    for region in ["Occitanie", "76", "region:76"] {
        let r = search(region);
        assert_eq!(r.territory.as_ref().unwrap().name, "Occitanie", "{region}");
        assert_eq!(
            names(&r),
            ["CA Alès Agglomération", "Cornebarrieu", "L'Union"],
            "{region}"
        );
        assert!(r.total > 100, "{region}: {}", r.total);
        for hit in &r.hits {
            let t = hit.territory.as_ref().unwrap();
            assert!(r.territories_included.contains(t), "{region}: {t:?}");
        }
    }
    // A commune keeps the plan of the agglomération that covers it.
    let r = search("Alès");
    assert_eq!(names(&r), ["CA Alès Agglomération"]);
    assert!(r.total > 0);
    assert!(r
        .hits
        .iter()
        .all(|h| h.territory.as_ref().unwrap().name == "CA Alès Agglomération"));
    // A département keeps its communes' plans, and only those.
    let r = search("Haute-Garonne");
    assert_eq!(names(&r), ["Cornebarrieu", "L'Union"]);
    // A région without plans keeps none; the facets still show the documents' own territories.
    let r = search("Bretagne");
    assert_eq!(r.total, 0);
    assert!(r.territories_included.is_empty());
    let r = search("Cornebarrieu");
    assert!(r
        .facets
        .territory
        .iter()
        .any(|f| f.label == "CA Alès Agglomération"));
}

#[test]
fn part_of_a_long_form_reaches_its_sigle_and_says_why() {
    let engine = maillage::query::Engine::open(crate::fixture::shipped_index()).unwrap();
    let glossary = &engine.knowledge().glossary;
    // The head of a long form, or three of its words in a row.
    assert_eq!(
        glossary
            .abbreviation_of_part("accueil enfants parents")
            .map(|(a, _)| a),
        Some("LAEP")
    );
    assert_eq!(
        glossary
            .abbreviation_of_part("Quartiers politique")
            .map(|(a, _)| a),
        Some("QPV")
    );
    assert_eq!(
        glossary
            .abbreviation_of_part("lieu d’accueil")
            .map(|(a, _)| a),
        Some("LAEP")
    );
    // Two words from the middle are a notion of their own; one word is not a long form;
    // words shared by several long forms name none of them.
    assert_eq!(glossary.abbreviation_of_part("politique de la ville"), None);
    assert_eq!(glossary.abbreviation_of_part("accueil"), None);
    assert_eq!(glossary.abbreviation_of_part("accueil de loisirs"), None);
    let response = engine
        .search(&maillage::query::SearchRequest {
            q: "accueil enfants parents".into(),
            limit: Some(50),
            ..Default::default()
        })
        .unwrap();
    assert!(
        response.expansions.iter().any(|e| e.starts_with("LAEP (")),
        "{:?}",
        response.expansions
    );
    assert!(response.hits.iter().any(|h| h.text.contains("LAEP")));
}

fn corrections(response: &maillage::query::SearchResponse) -> Vec<(String, String)> {
    response
        .corrections
        .iter()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect()
}

#[test]
fn misspelled_words_are_searched_as_the_corpus_spells_them_and_flagged() {
    let e = engine();
    let typed = e.search(&request("parentalitée")).unwrap();
    let right = e.search(&request("parentalité")).unwrap();
    assert_eq!(
        corrections(&typed),
        [("parentalitée".to_string(), "parentalité".to_string())]
    );
    assert_eq!(typed.corrected_query.as_deref(), Some("parentalité"));
    assert_eq!(typed.total, right.total);
    assert!(right.corrections.is_empty() && right.corrected_query.is_none());

    // A misspelled word beside a right one: the pair is found together, not relaxed.
    let typed = e.search(&request("mision locale")).unwrap();
    assert_eq!(
        corrections(&typed),
        [("mision".to_string(), "mission".to_string())]
    );
    assert!(!typed.relaxed);
    let top = &typed.hits[0];
    assert!(
        top.text.to_lowercase().contains("mission locale")
            || top
                .section
                .join(" ")
                .to_lowercase()
                .contains("mission locale"),
        "{top:?}"
    );

    // As typed, when asked.
    let mut exact = request("parentalitée");
    exact.exact = true;
    let exact = e.search(&exact).unwrap();
    assert!(exact.corrections.is_empty());
    assert_eq!(exact.total, 0);

    // Sigles, short words and words the corpus knows well are left alone.
    for q in [
        "CLAE",
        "LAPE",
        "jeune",
        "familles",
        "séparation",
        "handicap",
    ] {
        let r = e.search(&request(q)).unwrap();
        assert!(r.corrections.is_empty(), "{q}: {:?}", corrections(&r));
    }
}

#[test]
fn the_word_as_typed_ranks_above_its_correction() {
    let corpus = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    // One plan writes « parentalitée » once; forty plans write « parentalité ».
    std::fs::write(
        corpus.path().join("rare.txt"),
        "Plan rare\n\nAXE 1 : FAMILLES\n\nLes ateliers de parentalitée du quartier.\n",
    )
    .unwrap();
    for i in 0..40 {
        std::fs::write(
            corpus.path().join(format!("plan{i}.txt")),
            format!("Plan {i}\n\nAXE 1 : FAMILLES\n\nSoutien à la parentalité, action {i}.\n"),
        )
        .unwrap();
    }
    maillage::pipeline::build(corpus.path(), index.path(), &|_| {}).unwrap();
    let e = maillage::query::Engine::open(index.path()).unwrap();
    let mut r = request("parentalitée");
    r.limit = Some(50);
    let r = e.search(&r).unwrap();
    assert_eq!(
        corrections(&r),
        [("parentalitée".to_string(), "parentalité".to_string())]
    );
    assert!(r.total > 1, "the correction adds hits: {}", r.total);
    assert!(r.hits[0].text.contains("parentalitée"), "{:?}", r.hits[0]);
    assert!(r.hits[1..].iter().all(|h| !h.text.contains("parentalitée")));
}

#[test]
fn an_engine_is_warm_once_its_action_sheets_are_found() {
    // A fresh engine, not the shared one another test may have warmed.
    let e = maillage::query::Engine::open(crate::fixture::shipped_index()).expect("index opens");
    assert!(!e.is_warm(), "nothing is found before it is asked for");
    e.warm_up();
    assert!(e.is_warm());
    let request = maillage::query::ActionsRequest::default();
    assert!(e.actions(&request).unwrap().total > 0);
}

#[test]
fn the_build_writes_the_most_passages_a_text_term_is_in() {
    // A one-shot search reads it from the meta instead of walking the term dictionary.
    let generation = maillage::store::current(crate::fixture::shipped_index()).unwrap();
    let meta = generation.read_meta().unwrap();
    let (index, fields) = maillage::index::open(&generation.tantivy_dir()).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let most = maillage::index::most_passages(&searcher, fields.text).unwrap();
    assert!(most > 100, "{most}");
    assert_eq!(meta.most_text_passages, Some(most));
}

#[test]
fn the_build_writes_the_text_s_terms_in_one_dictionary() {
    // Misspelt words are looked up there, with one walk instead of one per segment.
    let generation = maillage::store::current(crate::fixture::shipped_index()).unwrap();
    let map = generation
        .read_spellings()
        .unwrap()
        .expect("the build writes it");
    let (index, fields) = maillage::index::open(&generation.tantivy_dir()).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let mut in_segments = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.text).unwrap();
        let mut terms = inverted.terms().stream().unwrap();
        while terms.advance() {
            in_segments.insert(terms.key().to_vec());
        }
    }
    assert!(in_segments.len() > 1000, "{}", in_segments.len());
    assert_eq!(map.len(), in_segments.len());
    for term in ["parental", "mission", "jeun", "laep"] {
        let passages = searcher
            .doc_freq(&tantivy::Term::from_field_text(fields.text, term))
            .unwrap();
        assert!(passages > 0, "{term}");
        assert_eq!(map.get(term), Some(passages), "{term}");
    }
}

/// A plan that repeats a paragraph (in other case and spacing) shows it once; a second plan
/// with the same paragraph shows its own copy.
#[test]
fn a_text_repeated_in_a_plan_is_shown_once() {
    let corpus = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let repeated = "Le LAEP accueille les parents et leurs enfants de moins de six ans.";
    std::fs::write(
        corpus.path().join("ctg-blagnac.txt"),
        format!(
            "Convention territoriale globale de Blagnac\n\n{repeated}\n\n\
             Un autre LAEP ouvrira en 2026.\n\n\
             le LAEP  accueille les parents et leurs enfants\nde moins de six ans.\n"
        ),
    )
    .unwrap();
    std::fs::write(
        corpus.path().join("ctg-cornebarrieu.txt"),
        format!("Convention territoriale globale de Cornebarrieu\n\n{repeated}\n"),
    )
    .unwrap();
    maillage::pipeline::build(corpus.path(), index.path(), &|_| {}).unwrap();
    let e = maillage::query::Engine::open(index.path()).unwrap();
    let found = e.search(&request("LAEP accueille")).unwrap();
    let texts: Vec<(String, String)> = found
        .hits
        .iter()
        .filter(|h| h.text.contains("accueille"))
        .map(|h| {
            let key: Vec<String> = h.text.split_whitespace().map(str::to_lowercase).collect();
            (h.doc_id.clone(), key.join(" "))
        })
        .collect();
    let mut unique = texts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), texts.len(), "a copy shown twice: {texts:?}");
    let of = |doc: &str| texts.iter().filter(|(d, _)| d.contains(doc)).count();
    assert_eq!(of("blagnac"), 1, "{texts:?}");
    assert_eq!(of("cornebarrieu"), 1, "{texts:?}");
    assert_eq!(texts.len(), 2, "{texts:?}");
}
