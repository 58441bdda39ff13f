//! Every route answering what it should: search with facets and pages, documents and
//! their passages in pages, the glossary, entities and their territories, the OpenAPI
//! document, corrections and suggestions.

use axum::http::StatusCode;
use serde_json::Value;

use super::{assert_json_error, encode, get};

#[test]
fn health_reports_the_index() {
    let a = get("/health");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["status"], "ok");
    assert!(v["documents"].as_u64().unwrap_or(0) >= 5, "{v}");
    assert!(v["passages"].as_u64().unwrap_or(0) > 0, "{v}");
    let generation = v["generation"].as_str().expect("a generation");
    assert!(
        !generation.is_empty() && !generation.contains('/'),
        "no server path: {generation}"
    );
    // The warm-up runs in the background from the start: it says when it is done.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut v = v;
    while v["warm"] != true {
        assert_eq!(v["warm"], false, "{v}");
        assert!(std::time::Instant::now() < deadline, "never warm: {v}");
        std::thread::sleep(std::time::Duration::from_millis(20));
        v = get("/health").json();
    }
}

#[test]
fn search_answers_with_highlighted_passages_and_facets() {
    let a = get(&format!("/api/search?q={}&limit=5", encode("parentalité")));
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert!(v["total"].as_u64().unwrap_or(0) > 0, "{v}");
    let hits = v["hits"].as_array().expect("hits");
    assert!(!hits.is_empty() && hits.len() <= 5);
    assert!(hits
        .iter()
        .any(|h| h["snippet"].as_str().unwrap_or("").contains("<mark>")));
    assert!(v["facets"]["kind"].is_array() && v["facets"]["territory"].is_array());
    // A facet value sent back as a filter is accepted.
    if let Some(kind) = v["facets"]["kind"][0]["value"].as_str() {
        let a = get(&format!(
            "/api/search?q=parentalit%C3%A9&kind={}",
            encode(kind)
        ));
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.json()["hits"].as_array().is_some_and(|h| !h.is_empty()));
    }
    if let Some(code) = v["facets"]["territory"][0]["value"].as_str() {
        let a = get(&format!(
            "/api/search?q=parentalit%C3%A9&territory={}",
            encode(code)
        ));
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
    }
}

#[test]
fn pagination_moves_through_the_hits() {
    let first = get("/api/search?q=jeunes&limit=3").json();
    let second = get("/api/search?q=jeunes&limit=3&offset=3").json();
    assert_eq!(second["offset"], 3);
    let key = |h: &Value| format!("{}#{}", h["doc_id"], h["passage"]);
    let firsts: Vec<String> = first["hits"].as_array().unwrap().iter().map(key).collect();
    for h in second["hits"].as_array().unwrap() {
        assert!(!firsts.contains(&key(h)));
    }
}

#[test]
fn documents_and_one_document() {
    let list = get("/api/documents");
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    let docs = list.as_array().expect("array");
    assert!(docs.len() >= 5);
    for d in docs {
        let id = d["doc_id"].as_str().unwrap();
        let path: String = id.split('/').map(encode).collect::<Vec<_>>().join("/");
        let a = get(&format!("/api/documents/{path}"));
        assert_eq!(a.status, StatusCode::OK, "{id}");
        let v = a.json();
        assert_eq!(v["doc_id"], id);
        assert!(v["outline"].is_array() && v["passages"].is_array());
        assert!(v["entities"].is_array() && v["acronyms"].is_array());
    }
    let a = get("/api/documents/ctg/nulle-part/2099");
    assert_eq!(
        assert_json_error(&a, StatusCode::NOT_FOUND, "unknown doc"),
        "not_found"
    );
    let a = get("/api/documents/%FF");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "invalid UTF-8 doc id");
}

#[test]
fn glossary_routes() {
    let a = get("/api/acronyms");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    let entries = v.as_array().expect("array");
    if let Some(abbr) = entries.first().and_then(|e| e["abbr"].as_str()) {
        let one = get(&format!("/api/acronyms/{}", encode(abbr)));
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.json()["abbr"], abbr);
    }
    let a = get("/api/acronyms/ZZQXW");
    assert_eq!(
        assert_json_error(&a, StatusCode::NOT_FOUND, "unknown sigle"),
        "not_found"
    );
}

#[test]
fn entity_routes() {
    let a = get("/api/entities?limit=5");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    let list = v["entities"].as_array().expect("array");
    assert_eq!(list.len(), 5);
    // Paged with its total: every entity can be reached, pages are slices of one order.
    let total = v["total"].as_u64().unwrap() as usize;
    assert!(total > 50, "{total}");
    let all = get(&format!("/api/entities?limit={total}")).json();
    assert_eq!(all["entities"].as_array().unwrap().len(), total);
    let second = get("/api/entities?limit=5&offset=5").json();
    assert_eq!(second["entities"][0], all["entities"][5]);
    assert_eq!(second["offset"], 5);
    let past = get(&format!("/api/entities?offset={total}")).json();
    assert_eq!(past["entities"].as_array().unwrap().len(), 0);
    assert_eq!(past["total"].as_u64().unwrap() as usize, total);
    if let Some(id) = list.first().and_then(|e| e["id"].as_str()) {
        let one = get(&format!("/api/entities/{}", encode(id)));
        assert_eq!(one.status, StatusCode::OK);
        let one = one.json();
        assert_eq!(one["id"], id);
        assert!(one["territories"].is_array() && one["branches"].is_array());
        let t = get(&format!("/api/territories?entity={}&role=any", encode(id)));
        assert_eq!(t.status, StatusCode::OK);
        let t = t.json();
        assert_eq!(t["entity"]["id"], id);
        let page = t["territories"].as_array().expect("territories");
        assert_eq!(
            t["total"].as_u64(),
            Some(one["territories_total"].as_u64().unwrap())
        );
        assert!(page.len() as u64 <= t["total"].as_u64().unwrap());
        if page.len() > 1 {
            let second = get(&format!(
                "/api/territories?entity={}&offset=1&limit=1",
                encode(id)
            ));
            assert_eq!(
                second.json()["territories"][0],
                page[1],
                "pages are slices of one order"
            );
        }
        let g = get(&format!("/api/graph?entity={}&depth=2", encode(id)));
        assert_eq!(g.status, StatusCode::OK);
        let g = g.json();
        assert!(g["nodes"].is_array() && g["edges"].is_array());
    }
    let a = get("/api/entities?q=parentalit%C3%A9&kind=organisation");
    assert_eq!(a.status, StatusCode::OK);
    let a = get("/api/entities?kind=licorne");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "bad entity kind");
    let a = get("/api/entities/Entit%C3%A9%20imaginaire%20%C2%AB%C2%A0X%C2%A0%C2%BB");
    assert_eq!(
        assert_json_error(&a, StatusCode::NOT_FOUND, "unknown entity"),
        "not_found"
    );
    let a = get("/api/territories?entity=Entit%C3%A9+imaginaire");
    assert_json_error(&a, StatusCode::NOT_FOUND, "territories of unknown entity");
    let a = get("/api/territories");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "territories without entity");
    let a = get("/api/territories?entity=CAF&role=chef");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "bad role");
    let a = get("/api/territories?entity=CAF&limit=0");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "empty page");
    let a = get("/api/territories?entity=CAF&limit=100000");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "page too large");
    let a = get("/api/graph?entity=Entit%C3%A9+imaginaire");
    assert_json_error(&a, StatusCode::NOT_FOUND, "graph of unknown entity");
}

#[test]
fn openapi_lists_the_routes() {
    let a = get("/api/openapi.json");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert!(v["openapi"].as_str().unwrap_or("").starts_with('3'));
    for p in [
        "/api/search",
        "/api/documents/{doc_id}",
        "/api/graph",
        "/api/territories/{territory}",
        "/health",
    ] {
        assert!(v["paths"][p].is_object(), "{p}");
    }
}

#[test]
fn document_passages_come_in_pages_with_their_total() {
    let whole = get("/api/documents/001_f1af12ce620947bd").json();
    let total = whole["passages_total"].as_u64().unwrap() as usize;
    assert!(total > 40, "{total}");
    assert_eq!(whole["passages"].as_array().unwrap().len(), total);
    let mut seen = Vec::new();
    let mut offset = 0;
    while offset < total {
        let page = get(&format!(
            "/api/documents/001_f1af12ce620947bd?offset={offset}&limit=25"
        ))
        .json();
        assert_eq!(page["passages_total"], total);
        assert_eq!(page["passages_offset"], offset);
        let passages = page["passages"].as_array().unwrap();
        assert!(!passages.is_empty() && passages.len() <= 25);
        seen.extend(passages.iter().map(|p| p["id"].as_u64().unwrap()));
        offset += passages.len();
    }
    let ids: Vec<u64> = (0..total as u64).collect();
    assert_eq!(seen, ids, "the pages are slices of the whole");
    let past = get(&format!(
        "/api/documents/001_f1af12ce620947bd?offset={total}"
    ))
    .json();
    assert_eq!(past["passages"].as_array().unwrap().len(), 0);
    for bad in ["limit=0", "limit=10001", "offset=-1", "limit=abc"] {
        let answer = get(&format!("/api/documents/001_f1af12ce620947bd?{bad}"));
        assert_json_error(&answer, StatusCode::BAD_REQUEST, bad);
    }
}

#[test]
fn misspellings_are_corrected_and_unknown_names_get_suggestions() {
    let a = get("/api/search?q=parentalit%C3%A9e");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["corrections"][0]["from"], "parentalitée");
    assert_eq!(v["corrections"][0]["to"], "parentalité");
    assert_eq!(v["corrected_query"], "parentalité");
    assert!(v["total"].as_u64().unwrap() > 0);
    let a = get("/api/search?q=parentalit%C3%A9e&exact=true");
    assert_eq!(a.json()["corrections"].as_array().map(Vec::len), Some(0));
    let a = get("/api/search?q=parentalit%C3%A9&exact=peut-etre");
    assert_json_error(&a, StatusCode::BAD_REQUEST, "exact is a boolean");

    // An entity name misspelled: 404 with the names it may be.
    let a = get("/api/entities/Mision%20Locale");
    assert_eq!(
        assert_json_error(&a, StatusCode::NOT_FOUND, "misspelled entity"),
        "not_found"
    );
    let suggestions = a.json()["error"]["suggestions"].clone();
    assert!(
        suggestions
            .as_array()
            .is_some_and(|s| s.iter().any(|n| n == "Mission Locale")),
        "{suggestions}"
    );
    let a = get("/api/territories?entity=Mision%20Locale");
    assert_eq!(a.status, StatusCode::NOT_FOUND);

    // A territory misspelled: 400 with the places it may be.
    let a = get("/api/search?q=parentalit%C3%A9&territory=Ocitanie");
    assert_eq!(
        assert_json_error(&a, StatusCode::BAD_REQUEST, "misspelled territory"),
        "unknown_territory"
    );
    assert_eq!(a.json()["error"]["suggestions"][0]["code"], "76");
    // A name several communes bear: 400 with the choices, each usable as the filter.
    let a = get("/api/search?q=parentalit%C3%A9&territory=Saint-Denis");
    assert_eq!(
        assert_json_error(&a, StatusCode::BAD_REQUEST, "homonyms"),
        "ambiguous_territory"
    );
    let choices = a.json()["error"]["choices"].clone();
    let codes: Vec<&str> = choices
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"93066") && codes.contains(&"97411"),
        "{codes:?}"
    );
    let a = get("/api/search?q=parentalit%C3%A9&territory=93066");
    assert_eq!(a.status, StatusCode::OK);
}
