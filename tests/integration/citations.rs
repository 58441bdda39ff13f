//! Documents cited by name: wherever an answer points at a document (a definition and its
//! sources, the documents of a sigle or of an entity, the evidence of a role), the API gives
//! its title, territory and year beside its id, and the CLI prints the title, never the id
//! alone.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::{Method, StatusCode};
use axum::Router;
use serde_json::Value;

use crate::fixture::{engine, run, shipped_index, stderr, stdout};
use crate::http::send_to;
use maillage::query::Engine;
use maillage::server::{app, AppState};

/// The Cornebarrieu CTG of the shipped corpus, as a person should read it.
const CTG_LABEL: &str = "Convention Territoriale Globale — Plan d'action (Cornebarrieu, 2022)";

fn get(uri: &str) -> Value {
    static APP: OnceLock<Router> = OnceLock::new();
    let router = APP.get_or_init(|| {
        let engine = Engine::open(shipped_index()).expect("index opens");
        app(AppState::new(engine))
    });
    let answer = send_to(router.clone(), Method::GET, uri, &[]);
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()
}

/// Per document id, the summary `/api/documents` gives for it.
fn documents() -> HashMap<String, Value> {
    get("/api/documents")
        .as_array()
        .expect("a list of documents")
        .iter()
        .map(|d| (d["doc_id"].as_str().unwrap().to_string(), d.clone()))
        .collect()
}

/// Asserts that `cited` names a document of the index with the title, territory and year the
/// document list gives it; returns its id.
fn assert_cited(cited: &Value, documents: &HashMap<String, Value>, what: &str) -> String {
    let id = cited["doc_id"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: no doc_id in {cited}"));
    let summary = documents
        .get(id)
        .unwrap_or_else(|| panic!("{what}: {id} is not a document of the index"));
    assert_eq!(cited["doc_title"], summary["title"], "{what}: {cited}");
    assert_eq!(cited["territory"], summary["territory"], "{what}: {cited}");
    assert_eq!(cited["year"], summary["year"], "{what}: {cited}");
    id.to_string()
}

/// « Title (Territory, year) » computed from the document list, as the CLI should print it.
fn expected_label(summary: &Value) -> String {
    let mut about = Vec::new();
    if let Some(name) = summary["territory"]["name"].as_str() {
        about.push(name.to_string());
    }
    if let Some(year) = summary["year"].as_u64() {
        about.push(year.to_string());
    }
    let title = summary["title"].as_str().unwrap();
    if about.is_empty() {
        title.to_string()
    } else {
        format!("{title} ({})", about.join(", "))
    }
}

#[test]
fn an_entity_page_cites_its_documents_and_evidence_by_title_and_territory() {
    let documents = documents();
    let entity = get("/api/entities/Mission%20Locale");
    let cited = entity["documents"].as_array().expect("documents");
    assert!(cited.len() >= 2, "{cited:?}");
    let ids: Vec<String> = cited
        .iter()
        .map(|d| assert_cited(d, &documents, "entity document"))
        .collect();
    let ctg = cited
        .iter()
        .find(|d| d["territory"]["name"] == "Cornebarrieu")
        .expect("the Cornebarrieu CTG names the Mission Locale");
    assert_eq!(
        ctg["doc_title"],
        "Convention Territoriale Globale — Plan d'action"
    );
    assert_eq!(ctg["year"], 2022);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "documents in id order");
    let mut evidence = 0;
    for territory in entity["territories"].as_array().expect("territories") {
        for e in territory["evidence"].as_array().expect("evidence") {
            let id = assert_cited(e, &documents, "evidence");
            assert!(
                ids.contains(&id),
                "evidence from {id}, not a document of the entity"
            );
            evidence += 1;
        }
    }
    assert!(
        evidence > 0,
        "the Mission Locale's roles come with evidence"
    );
    // The territories route gives the same evidence, cited the same way.
    let page = get("/api/territories?entity=Mission%20Locale&limit=1");
    assert_eq!(page["territories"][0], entity["territories"][0]);
}

#[test]
fn the_glossary_cites_definitions_sources_and_users_by_title() {
    let documents = documents();
    let clas = get("/api/acronyms/CLAS");
    let definition = &clas["definitions"][0];
    assert_cited(definition, &documents, "CLAS definition");
    assert_eq!(definition["territory"]["name"], "Cornebarrieu");
    let sources = definition["sources"].as_array().expect("sources");
    assert!(!sources.is_empty());
    for source in sources {
        assert_cited(source, &documents, "CLAS source");
        assert!(
            source["start"].is_u64() && source["section"].is_array(),
            "{source}"
        );
    }
    let users = clas["docs"].as_array().expect("docs");
    assert!(users.len() >= 2, "{users:?}");
    for user in users {
        assert_cited(user, &documents, "CLAS user");
    }
    // Every document the whole glossary cites, cited as the document list names it.
    for entry in get("/api/acronyms").as_array().expect("glossary") {
        for d in entry["definitions"].as_array().unwrap() {
            assert_cited(d, &documents, "definition");
            for s in d["sources"].as_array().unwrap() {
                assert_cited(s, &documents, "source");
            }
        }
        for u in entry["docs"].as_array().unwrap() {
            assert_cited(u, &documents, "user");
        }
    }
}

#[test]
fn the_engine_cites_an_unknown_document_by_its_id_alone() {
    let known = engine().documents().into_iter().next().expect("a document");
    let cited = engine().cite(&known.doc_id);
    assert_eq!(cited.doc_title, known.title);
    assert_eq!(cited.territory, known.territory);
    let unknown = engine().cite("pas/un/document");
    assert_eq!(unknown.doc_id, "pas/un/document");
    assert!(unknown.doc_title.is_empty() && unknown.territory.is_none());
    assert_eq!(unknown.to_string(), "pas/un/document");
}

/// Runs a command of the CLI on the shipped index and returns what it prints.
fn cli(args: &[&str]) -> String {
    let index = shipped_index().to_string_lossy().into_owned();
    let mut all = args.to_vec();
    all.extend_from_slice(&["--index", &index]);
    let output = run(&all);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

/// Asserts that every line of `out` naming a document's id names it after its title, and
/// returns the ids named.
fn assert_ids_follow_titles(out: &str, documents: &HashMap<String, Value>) -> Vec<String> {
    let mut named = Vec::new();
    for line in out.lines() {
        for (id, summary) in documents {
            if line.contains(id.as_str()) {
                let label = expected_label(summary);
                assert!(
                    line.contains(&format!("{label}  [{id}]")),
                    "{id} without its title « {label} »: {line}"
                );
                named.push(id.clone());
            }
        }
    }
    named
}

#[test]
fn the_cli_prints_a_sigle_s_documents_by_title() {
    let documents = documents();
    let out = cli(&["acronym", "CLAS"]);
    assert!(out.contains(&format!("source : {CTG_LABEL}")), "{out}");
    assert!(out.contains("Conseil municipal (L'Union, 2021)"), "{out}");
    let named = assert_ids_follow_titles(&out, &documents);
    assert!(named.len() >= 3, "source and users, with their ids: {out}");
}

#[test]
fn the_cli_prints_an_entity_s_documents_and_evidence_by_title() {
    let documents = documents();
    let out = cli(&["entity", "Mission Locale"]);
    let n = get("/api/entities/Mission%20Locale")["documents"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(out.contains(&format!("cité dans {n} documents")), "{out}");
    assert!(out.contains(CTG_LABEL), "{out}");
    let named = assert_ids_follow_titles(&out, &documents);
    assert!(named.len() >= 3, "{out}");

    let out = cli(&["territories", "--entity", "Mission Locale"]);
    assert!(out.contains(CTG_LABEL), "{out}");
    assert!(
        !assert_ids_follow_titles(&out, &documents).is_empty(),
        "{out}"
    );
}
