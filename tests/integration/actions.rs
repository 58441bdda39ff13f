//! Action sheets across territories: listed, read whole, compared, exported.

use axum::http::{header, StatusCode};
use maillage::query::ActionsRequest;

use crate::fixture::{engine, run, stdout};
use crate::http::get;

/// Cornebarrieu's action that promotes the CLAS to families.
fn cornebarrieu_clas_action() -> String {
    let list = engine()
        .actions(&ActionsRequest {
            territory: Some("Cornebarrieu".into()),
            dispositif: Some("CLAS".into()),
            ..Default::default()
        })
        .expect("actions");
    assert!(
        list.total >= 2,
        "Cornebarrieu names the CLAS in several actions"
    );
    assert!(list.actions.iter().all(|a| a
        .territory
        .as_ref()
        .is_some_and(|t| t.name == "Cornebarrieu")));
    list.actions
        .iter()
        .find(|a| a.title.contains("VALORISATION DU CLAS"))
        .expect("the CLAS action")
        .id
        .clone()
}

#[test]
fn an_action_is_read_whole_with_its_fields_and_entities() {
    let id = cornebarrieu_clas_action();
    let detail = engine().action(&id).expect("action");
    assert_eq!(detail.action.id, id);
    assert!(detail
        .fields
        .iter()
        .any(|f| f.label.as_deref() == Some("PILOTES")));
    assert!(detail
        .entities
        .iter()
        .any(|e| e.name.contains("accompagnement à la scolarité")));
    assert!(
        !detail.action.path.is_empty(),
        "the action sits under an axe"
    );
}

#[test]
fn the_clas_action_has_similar_actions_elsewhere_saying_what_they_share() {
    let id = cornebarrieu_clas_action();
    let similar = engine().similar_actions(&id, Some(10)).expect("similar");
    assert!(!similar.similar.is_empty());
    for s in &similar.similar {
        let territory = s.action.territory.as_ref().expect("a territory");
        assert_ne!(territory.name, "Cornebarrieu", "only other territories");
        assert!(!s.reasons.is_empty(), "{} says why", s.action.id);
    }
    assert!(
        similar
            .similar
            .iter()
            .any(|s| s.reasons.iter().any(|r| r == "CLAS")),
        "{:?}",
        similar
            .similar
            .iter()
            .map(|s| &s.reasons)
            .collect::<Vec<_>>()
    );
}

#[test]
fn comparing_cornebarrieu_and_l_union_lists_the_clas_in_both() {
    let comparison = engine()
        .compare("Cornebarrieu", "L'Union")
        .expect("compare");
    assert_eq!(comparison.a.name, "Cornebarrieu");
    assert_eq!(comparison.b.name, "L'Union");
    let clas = comparison
        .both
        .iter()
        .find(|e| e.name.contains("accompagnement à la scolarité"))
        .expect("CLAS in both");
    assert!(clas.n_actions_a >= 1 && !clas.actions_a.is_empty());
    let in_a_only: Vec<&str> = comparison.only_a.iter().map(|e| e.name.as_str()).collect();
    assert!(!in_a_only.contains(&clas.name.as_str()));
    assert!(comparison
        .both
        .iter()
        .all(|e| e.mentions_a > 0 && e.mentions_b > 0));
    assert!(comparison.only_b.iter().all(|e| e.mentions_a == 0));
}

#[test]
fn the_actions_csv_export_parses_and_holds_what_the_json_holds() {
    let json = get("/api/actions?dispositif=CLAS&limit=1000").json();
    let answer = get("/api/actions?dispositif=CLAS&format=csv");
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(answer.body.starts_with("\u{FEFF}".as_bytes()), "a BOM");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&answer.body[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(&header[..4], ["id", "territoire", "code", "document"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let actions = json["actions"].as_array().unwrap();
    assert_eq!(rows.len(), json["total"].as_u64().unwrap() as usize);
    for (row, action) in rows.iter().zip(actions) {
        assert_eq!(&row[0], action["id"].as_str().unwrap());
        assert_eq!(&row[1], action["territory"]["name"].as_str().unwrap());
        assert_eq!(&row[6], action["title"].as_str().unwrap());
    }
    let lines = get("/api/actions?dispositif=CLAS&format=jsonl");
    let parsed: Vec<serde_json::Value> = String::from_utf8(lines.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object per line"))
        .collect();
    assert_eq!(parsed.len(), rows.len());
}

#[test]
fn search_and_territories_export_as_files() {
    let hits = get("/api/search?q=parentalit%C3%A9&format=csv-comma");
    assert_eq!(hits.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(&hits.body[3..]);
    let rows = reader.records().filter_map(|r| r.ok()).count();
    let total = get("/api/search?q=parentalit%C3%A9").json()["total"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(rows, total.min(10_100));
    let territories = get("/api/territories?entity=Mission%20Locale&format=jsonl");
    let lines = String::from_utf8(territories.body).unwrap();
    assert!(lines.lines().any(|l| l.contains("\"Cornebarrieu\"")));
}

#[test]
fn action_routes_answer_bad_requests_in_json() {
    let id = cornebarrieu_clas_action().replace('#', "%23");
    let detail = get(&format!("/api/actions/{id}"));
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.json()["fields"]
        .as_array()
        .is_some_and(|f| !f.is_empty()));
    let similar = get(&format!("/api/actions/{id}/similar?limit=3"));
    assert!(similar.json()["similar"]
        .as_array()
        .is_some_and(|s| s.len() <= 3));
    for (uri, status) in [
        ("/api/actions/inconnu%2312", StatusCode::NOT_FOUND),
        ("/api/actions?format=xlsx", StatusCode::BAD_REQUEST),
        (
            "/api/actions?dispositif=Mission%20Locale",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/compare?a=Cornebarrieu", StatusCode::BAD_REQUEST),
        (
            "/api/compare?a=Cornebarrieu&b=Ocitanie",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let answer = get(uri);
        assert_eq!(answer.status, status, "{uri}");
        assert!(answer.json()["error"]["code"].is_string(), "{uri}");
    }
}

#[test]
fn the_cli_lists_exports_and_compares_actions() {
    let index = crate::fixture::shipped_index()
        .to_str()
        .unwrap()
        .to_string();
    let out = run(&[
        "actions",
        "--index",
        &index,
        "--dispositif",
        "CLAS",
        "--format",
        "csv",
    ]);
    assert!(out.status.success());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&out.stdout[3..]);
    assert!(reader.records().filter_map(|r| r.ok()).count() >= 2);
    let out = run(&["compare", "--index", &index, "Cornebarrieu", "L'Union"]);
    let text = stdout(&out);
    assert!(text.contains("Nommés par les deux"), "{text}");
    assert!(text.contains("Contrat local d'accompagnement à la scolarité"));
    let out = run(&["actions", "--index", &index, "--format", "ods"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_search_grouped_by_action_shows_only_fields_holding_the_word() {
    let search = |offset: usize| {
        engine()
            .search(&maillage::query::SearchRequest {
                q: "parentalité".into(),
                group: Some("action".into()),
                limit: Some(100),
                offset: Some(offset),
                ..Default::default()
            })
            .expect("search")
    };
    let first = search(0);
    let ungrouped = engine()
        .search(&maillage::query::SearchRequest {
            q: "parentalité".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(
        first.total > 0 && first.total < ungrouped.total,
        "{} groups",
        first.total
    );
    // Pages are slices of one grouped ranking: every result reachable, none twice.
    let mut seen = std::collections::HashSet::new();
    let mut all = Vec::new();
    let mut offset = 0;
    while offset < first.total {
        let page = search(offset);
        assert!(!page.hits.is_empty());
        offset += page.hits.len();
        all.extend(page.hits);
    }
    assert_eq!(all.len(), first.total);
    let folded = |s: &str| maillage::text::fold(s);
    for hit in &all {
        let key = hit
            .action
            .clone()
            .unwrap_or_else(|| format!("{}/{}", hit.doc_id, hit.passage));
        assert!(seen.insert(key), "one result per action");
        match &hit.action {
            Some(_) => {
                let title = folded(hit.action_title.as_deref().unwrap_or(""));
                assert!(
                    hit.fields.iter().all(|f| f.snippet.contains("<mark>"))
                        && (!hit.fields.is_empty() || title.contains("parentalit")),
                    "{:?}",
                    hit.action_title
                );
            }
            None => assert!(hit.snippet.contains("<mark>"), "{}", hit.text),
        }
    }
    assert!(
        all.iter().any(|h| h.action.is_none()),
        "passages outside actions stay results"
    );
    let counted: u32 = first.facets.territory.iter().map(|f| f.count).sum();
    assert_eq!(counted as usize, first.total, "facets count what is shown");
}
