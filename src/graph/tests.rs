//! Tests of the graph as a whole: built from a tiny corpus, saved, loaded and asked.
//!
//! One file for all of them because they share the corpus, and most check that what one phase
//! does (build, save, load) shows in what another answers.

use std::collections::HashSet;

use super::*;
use crate::extract::entities::Catalog;
use crate::test_support::{commune, make_doc, test_places};
use crate::{Error, Section, SectionKind};

fn section(id: usize, parent: Option<usize>, heading: &str, start: usize, end: usize) -> Section {
    Section {
        id,
        parent,
        depth: usize::from(parent.is_some()),
        kind: if parent.is_some() {
            SectionKind::Action
        } else {
            SectionKind::Axe
        },
        number: None,
        heading: heading.to_string(),
        start,
        end,
    }
}

/// Three towns: Cornebarrieu names the Mission locale as partner (via a branch), Alès only
/// mentions it, L'Union never does; a fourth document has no territory.
fn tiny_corpus() -> (Vec<Document>, Catalog) {
    let cornebarrieu_text = "PILOTES\nVille de Cornebarrieu, CAF\n\nPARTENAIRES\nMission Locale Haute-Garonne (MLHG), CPAM\n\nLa Mission locale tient une permanence.";
    let mut cornebarrieu = make_doc(
        "ctg",
        cornebarrieu_text,
        Some(commune("Cornebarrieu", "31150")),
    );
    cornebarrieu.title = "Convention Territoriale Globale".to_string();
    let n = cornebarrieu_text.chars().count();
    cornebarrieu.sections = vec![
        section(0, None, "Axe 1 : Grandir", 0, n),
        section(1, Some(0), "Action 5 : Insertion des jeunes", 0, n),
    ];
    for passage in &mut cornebarrieu.passages {
        passage.section = Some(1);
    }
    let ales = make_doc(
        "cdv",
        "Le travail avec pole emploi et la mission locale. La CAF finance.",
        Some(commune("Alès", "30007")),
    );
    let lunion = make_doc(
        "cm",
        "La CTG avec la CAF. Le CCAS.",
        Some(commune("L'Union", "31561")),
    );
    let orphan = make_doc("article", "Les Missions Locales du département.", None);
    let docs = vec![cornebarrieu, ales, lunion, orphan];
    let catalog = Catalog::build(&docs, &[], &test_places);
    (docs, catalog)
}

fn names(result: &[TerritoryRoles]) -> Vec<&str> {
    result.iter().map(|t| t.territory.name.as_str()).collect()
}

#[test]
fn territories_of_follows_branches_and_skips_documents_without_territory() {
    let (docs, catalog) = tiny_corpus();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    let result = graph
        .territories_of(&docs, "mission-locale", None, 0..usize::MAX)
        .territories;
    assert_eq!(names(&result), vec!["Cornebarrieu", "Alès"]);
    assert_eq!(result[0].roles, vec![Role::Partner, Role::Mention]);
    let partner = result[0]
        .evidence
        .iter()
        .find(|e| e.role == Role::Partner)
        .expect("partner");
    // Evidence cites its document by title and territory, not only by id.
    assert_eq!(partner.document.doc_id, "ctg");
    assert_eq!(
        partner.document.doc_title,
        "Convention Territoriale Globale"
    );
    assert_eq!(
        partner.document.territory.as_ref().map(|t| t.name.as_str()),
        Some("Cornebarrieu")
    );
    assert!(partner.text.contains("Haute-Garonne"), "{}", partner.text);
    assert!(!partner.section.is_empty());
    assert_eq!(result[1].roles, vec![Role::Mention]);
}

#[test]
fn territories_come_in_pages_with_a_total() {
    let (docs, catalog) = tiny_corpus();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    let all = graph.territories_of(&docs, "caf", None, 0..usize::MAX);
    assert_eq!(all.total, 3);
    let first = graph.territories_of(&docs, "caf", None, 0..1);
    assert_eq!(first.total, 3);
    assert_eq!(first.territories, all.territories[..1]);
    let rest = graph.territories_of(&docs, "caf", None, 1..10);
    assert_eq!(rest.territories, all.territories[1..]);
    assert!(graph
        .territories_of(&docs, "caf", None, 5..9)
        .territories
        .is_empty());
    assert!(all.territories.iter().all(|t| t.mentions >= 1));
}

#[test]
fn territories_of_filters_by_role() {
    let (docs, catalog) = tiny_corpus();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    let partners = graph
        .territories_of(&docs, "mission-locale", Some(Role::Partner), 0..usize::MAX)
        .territories;
    assert_eq!(names(&partners), vec!["Cornebarrieu"]);
    assert!(partners[0].evidence.iter().all(|e| e.role == Role::Partner));
    let pilots = graph
        .territories_of(&docs, "caf", Some(Role::Pilot), 0..usize::MAX)
        .territories;
    assert_eq!(names(&pilots), vec!["Cornebarrieu"]);
    let any_caf = graph
        .territories_of(&docs, "caf", None, 0..usize::MAX)
        .territories;
    assert_eq!(any_caf.len(), 3);
    assert_eq!(
        any_caf[0].territory.name, "Cornebarrieu",
        "the pilot comes first"
    );
    assert!(graph
        .territories_of(&docs, "caf", Some(Role::Funder), 0..usize::MAX)
        .territories
        .is_empty());
    assert!(graph
        .territories_of(&docs, "no-such-entity", None, 0..usize::MAX)
        .territories
        .is_empty());
}

#[test]
fn graph_has_structure_and_provenance_on_every_edge() {
    let (docs, catalog) = tiny_corpus();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    assert!(graph.n_nodes() > 10);
    for edge in graph.graph.edge_weights() {
        assert!(!graph.evidence_of(edge).is_empty(), "{edge:?}");
    }
    let relations: HashSet<Relation> = graph.graph.edge_weights().map(|e| e.relation).collect();
    for relation in [
        Relation::Covers,
        Relation::PartOf,
        Relation::Names,
        Relation::BranchOf,
        Relation::LocatedIn,
    ] {
        assert!(relations.contains(&relation), "{relation:?}");
    }
    // Mentions of one entity in one section are aggregated.
    let caf_ales = graph
        .territories_of(&docs, "caf", None, 0..usize::MAX)
        .territories;
    assert!(caf_ales.iter().all(|t| !t.evidence.is_empty()));
}

#[test]
fn save_and_load_round_trip() {
    let (docs, catalog) = tiny_corpus();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    let dir = tempfile::tempdir().expect("tempdir");
    graph.save(dir.path()).expect("save");
    let loaded = KnowledgeGraph::load(dir.path()).expect("load");
    assert_eq!(loaded.n_nodes(), graph.n_nodes());
    assert_eq!(loaded.n_edges(), graph.n_edges());
    assert_eq!(
        loaded
            .territories_of(&docs, "mission-locale", None, 0..usize::MAX)
            .territories,
        graph
            .territories_of(&docs, "mission-locale", None, 0..usize::MAX)
            .territories
    );
    let missing = KnowledgeGraph::load(&dir.path().join("nothing-here"));
    assert!(matches!(missing, Err(Error::MissingIndex(_))));
    std::fs::write(dir.path().join(GRAPH_FILE_NAME), b"not a graph").expect("write");
    assert!(matches!(
        KnowledgeGraph::load(dir.path()),
        Err(Error::Store { .. })
    ));
}

#[test]
fn neighbourhood_is_bounded() {
    let (docs, catalog) = tiny_corpus();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    let small = graph.neighbourhood(&docs, "caf", 3, 4);
    assert_eq!(small.nodes.len(), 4);
    assert_eq!(small.nodes[0].id, "entity:caf");
    let ids: HashSet<&str> = small.nodes.iter().map(|n| n.id.as_str()).collect();
    assert!(small
        .edges
        .iter()
        .all(|e| ids.contains(e.source.as_str()) && ids.contains(e.target.as_str())));

    let one_hop = graph.neighbourhood(&docs, "caf", 1, 100);
    assert!(one_hop
        .nodes
        .iter()
        .skip(1)
        .all(|n| n.kind == "section" || n.kind == "document"));
    let two_hops = graph.neighbourhood(&docs, "caf", 2, 100);
    assert!(two_hops.nodes.len() > one_hop.nodes.len());
    assert!(graph.neighbourhood(&docs, "caf", 0, 100).nodes.len() == 1);
    assert!(graph
        .neighbourhood(&docs, "unknown", 2, 100)
        .nodes
        .is_empty());
    let json = serde_json::to_string(&small).expect("json");
    assert!(json.contains("\"entity_kind\":\"organisation\""), "{json}");
}

#[test]
fn sections_name_their_document_and_nothing_else_does() {
    let (mut docs, catalog) = tiny_corpus();
    docs[0].title = "CTG de Cornebarrieu".into();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    let around = graph.neighbourhood(&docs, "caf", 2, 100);
    let sections: Vec<&GraphNode> = around
        .nodes
        .iter()
        .filter(|n| n.kind == "section")
        .collect();
    assert!(!sections.is_empty());
    for node in &sections {
        let doc_id = node.id["section:".len()..]
            .split('#')
            .next()
            .unwrap_or_default();
        let doc = docs
            .iter()
            .find(|d| d.doc_id == doc_id)
            .expect("its document");
        assert_eq!(
            node.document.as_deref(),
            Some(doc.title.as_str()),
            "{}",
            node.id
        );
    }
    assert!(sections
        .iter()
        .any(|n| n.document.as_deref() == Some("CTG de Cornebarrieu")));
    assert!(around
        .nodes
        .iter()
        .filter(|n| n.kind != "section")
        .all(|n| n.document.is_none()));
    // A document without a title is called by its id, as its own node is.
    let (mut docs, catalog) = tiny_corpus();
    docs[0].title.clear();
    let graph = KnowledgeGraph::build(&docs, &catalog);
    let around = graph.neighbourhood(&docs, "caf", 1, 100);
    let section = around.nodes.iter().find(|n| n.kind == "section");
    assert_eq!(section.and_then(|n| n.document.as_deref()), Some("ctg"));
    let json = serde_json::to_value(&around).expect("json");
    assert!(json["nodes"][0].get("document").is_none(), "{json}");
}
