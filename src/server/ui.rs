//! The web UI's files, embedded in the binary so `maillage serve` is one
//! file to deploy: no Node build, no CDN, nothing fetched at run time.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const INDEX_HTML: &str = include_str!("../ui/index.html");
const CORE_JS: &str = include_str!("../ui/core.js");
const GRAPH_JS: &str = include_str!("../ui/graph.js");
const ACTIONS_JS: &str = include_str!("../ui/actions.js");
const APP_JS: &str = include_str!("../ui/app.js");
/// The scripts, in the order the page loads them (each uses what the ones before define).
const SCRIPTS: [(&str, &str); 4] = [
    ("/assets/core.js", CORE_JS),
    ("/assets/graph.js", GRAPH_JS),
    ("/assets/actions.js", ACTIONS_JS),
    ("/assets/app.js", APP_JS),
];
const STYLE_CSS: &str = include_str!("../ui/style.css");
const FAVICON_SVG: &str = include_str!("../ui/favicon.svg");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `/` and the static assets.
pub fn routes() -> Router {
    let mut router = Router::new().route(
        "/",
        get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
    );
    for (path, script) in SCRIPTS {
        router = router.route(
            path,
            get(move || async move { asset("text/javascript; charset=utf-8", script) }),
        );
    }
    router
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .route(
            "/favicon.svg",
            get(|| async { asset("image/svg+xml", FAVICON_SVG) }),
        )
}

/// The page for an unknown path outside the API.
pub fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Page introuvable</title></head>\
         <body><main><h1>Page introuvable</h1><p><a href=\"/\">Retour à la recherche</a></p></main></body></html>",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_its_own_assets() {
        assert!(INDEX_HTML.contains("lang=\"fr\""));
        // Every script, in the order its neighbours need.
        let at: Vec<usize> = SCRIPTS
            .iter()
            .map(|(path, _)| INDEX_HTML.find(path).unwrap_or_else(|| panic!("{path}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
        assert!(!INDEX_HTML.contains("http://") && !INDEX_HTML.contains("https://"));
        assert!(
            !INDEX_HTML.contains("<script>"),
            "no inline script under the CSP"
        );
    }

    #[test]
    fn documents_text_is_never_written_as_html() {
        // Only the API's snippet (escaped server-side) may go through innerHTML.
        let uses: Vec<&str> = SCRIPTS
            .iter()
            .flat_map(|(_, script)| script.lines())
            .filter(|l| l.contains("innerHTML"))
            .collect();
        assert_eq!(uses.len(), 1, "{uses:?}");
        assert!(uses.iter().all(|l| l.contains("snippet")), "{uses:?}");
    }
}
