//! What the graph view and the territory page read over HTTP: the neighbourhood as a
//! GraphML file holding what the JSON holds, and one territory with its documents.

use axum::http::{header, StatusCode};
use serde_json::Value;

use super::{assert_json_error, get};
use crate::fixture::{assert_graphml_holds, read_graphml};

#[test]
fn the_graph_downloads_as_graphml_holding_what_the_json_holds() {
    let json = get("/api/graph?entity=CAF&depth=2");
    assert_eq!(json.status, StatusCode::OK);
    let json = json.json();
    let file = get("/api/graph?entity=CAF&depth=2&format=graphml");
    assert_eq!(file.status, StatusCode::OK);
    let header_of = |name| {
        file.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    assert_eq!(header_of(header::CONTENT_TYPE), "application/graphml+xml");
    assert_eq!(
        header_of(header::CONTENT_DISPOSITION),
        "attachment; filename=\"maillage-graphe.graphml\""
    );
    let xml = String::from_utf8(file.body.clone()).expect("UTF-8");
    let read = read_graphml(&xml);
    assert_eq!(
        read.keys,
        [
            "label",
            "kind",
            "entity_kind",
            "document",
            "relation",
            "role",
            "count"
        ]
    );
    assert_graphml_holds(&read, &json);
    // `format=json` is the JSON answer itself.
    assert_eq!(
        get("/api/graph?entity=CAF&depth=2&format=json").json(),
        json
    );

    for (uri, what) in [
        ("/api/graph?entity=CAF&format=gexf", "unknown format"),
        (
            "/api/graph?entity=CAF&format=%C2%ABgraphml%C2%BB",
            "quoted format",
        ),
        ("/api/graph?format=graphml", "GraphML without entity"),
        (
            "/api/graph?entity=CAF&depth=9&format=graphml",
            "GraphML too deep",
        ),
    ] {
        let a = get(uri);
        assert_eq!(
            assert_json_error(&a, StatusCode::BAD_REQUEST, what),
            "invalid_parameter",
            "{what}"
        );
    }
    let a = get("/api/graph?entity=Entit%C3%A9+imaginaire&format=graphml");
    assert_json_error(&a, StatusCode::NOT_FOUND, "GraphML of unknown entity");
}

#[test]
fn a_territory_answers_with_what_contains_it_and_its_documents() {
    let a = get("/api/territories/commune:95127");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["territory"]["name"], "Cergy");
    assert_eq!(v["territory"]["kind"], "commune");
    assert_eq!(v["kind_label"], "commune");
    let within: Vec<String> = v["within"]
        .as_array()
        .expect("within")
        .iter()
        .map(|t| {
            format!(
                "{}:{}",
                t["kind"].as_str().unwrap(),
                t["code"].as_str().unwrap()
            )
        })
        .collect();
    assert!(within.contains(&"departement:95".to_string()), "{within:?}");
    assert!(within.contains(&"region:11".to_string()), "{within:?}");
    // The Cergy plan, and the Val-d'Oise article a search within Cergy also reads.
    let documents: Vec<&str> = v["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(documents, ["000_399e86bc45b017b4", "002_3bfbff5f5364b1b9"]);
    // What a search within the same territory reads.
    let search = get("/api/search?q=formation&territory=commune:95127").json();
    let mut included: Vec<&Value> = search["territories_included"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let mut listed: Vec<&Value> = v["included"].as_array().unwrap().iter().collect();
    included.sort_by_key(|t| t["code"].as_str());
    listed.sort_by_key(|t| t["code"].as_str());
    assert_eq!(listed, included);

    let region = get("/api/territories/region:76").json();
    assert_eq!(region["territory"]["name"], "Occitanie");
    assert_eq!(region["kind_label"], "région");
    assert!(region["within"].as_array().unwrap().is_empty());
    assert_eq!(region["documents"].as_array().unwrap().len(), 3);

    let a = get("/api/territories/commune:99999");
    assert_eq!(
        assert_json_error(&a, StatusCode::BAD_REQUEST, "unknown territory"),
        "unknown_territory"
    );
    let a = get("/api/territories/%20");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "blank territory");
}
