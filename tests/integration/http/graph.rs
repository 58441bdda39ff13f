//! What the graph view reads over HTTP: the neighbourhood as a GraphML file holding
//! what the JSON holds.

use axum::http::{header, StatusCode};
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
