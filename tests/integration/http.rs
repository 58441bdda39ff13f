//! The HTTP API, in process: every route, and every way a user can get it
//! wrong, answered with JSON and never with a 500.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

use crate::fixture::shipped_index;

// The neighbourhood as GraphML and the territory page's answer.
mod graph;
use maillage::query::Engine;
use maillage::server::{app, AppState};

pub(crate) fn router() -> Router {
    static APP: OnceLock<Router> = OnceLock::new();
    APP.get_or_init(|| {
        let engine = Engine::open(shipped_index()).expect("index opens");
        app(AppState::new(engine))
    })
    .clone()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

pub(crate) fn send_to(
    router: Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
) -> Answer {
    runtime().block_on(async {
        let mut request = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = router
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("the router always answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body")
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    })
}

pub(crate) fn get(uri: &str) -> Answer {
    send_to(router(), Method::GET, uri, &[])
}

/// Asserts the documented error shape and returns the code.
fn assert_json_error(answer: &Answer, status: StatusCode, what: &str) -> String {
    assert_eq!(
        answer.status,
        status,
        "{what}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    let content_type = answer
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    assert_eq!(content_type, Some("application/json"), "{what}");
    let v = answer.json();
    let message = v["error"]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "{what}: no message in {v}");
    v["error"]["code"].as_str().unwrap_or_default().to_string()
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

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
fn everything_a_user_can_type_is_a_json_4xx() {
    let long = "a".repeat(10 * 1024);
    let cases: Vec<(String, StatusCode)> = vec![
        (format!("/api/search?q={long}"), StatusCode::URI_TOO_LONG),
        (
            format!("/api/search?q={}", &long[..2_000]),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/search?q=%FF".into(), StatusCode::BAD_REQUEST),
        (
            "/api/search?q=parentalit%E9".into(),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/search?%FF=1".into(), StatusCode::BAD_REQUEST),
        ("/api/search".into(), StatusCode::BAD_REQUEST),
        (
            "/api/search?q=jeunes&limit=99999999999999999999".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&limit=101".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&limit=0".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&limit=dix".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&offset=-1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&offset=10001".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&kind=roman".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&territory=Atlantide".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/graph?entity=CAF&depth=99".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/graph?entity=CAF&depth=0".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/graph?entity=CAF&depth=99999999999999999999999".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/entities?limit=99999999999999999999".into(),
            StatusCode::BAD_REQUEST,
        ),
        (format!("/api/entities/{long}"), StatusCode::URI_TOO_LONG),
        (
            format!("/api/entities/{}", &long[..2_000]),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/nope".into(), StatusCode::NOT_FOUND),
        ("/api".into(), StatusCode::NOT_FOUND),
        ("/api/documents/".into(), StatusCode::NOT_FOUND),
    ];
    for (uri, status) in &cases {
        let a = get(uri);
        let shown: String = uri.chars().take(80).collect();
        assert_json_error(&a, *status, &shown);
    }
    // A wrong method is a JSON 405 too.
    let a = send_to(router(), Method::POST, "/api/search?q=jeunes", &[]);
    assert_eq!(
        assert_json_error(&a, StatusCode::METHOD_NOT_ALLOWED, "POST"),
        "method_not_allowed"
    );
    // The service still answers afterwards.
    assert_eq!(get("/health").status, StatusCode::OK);
    assert_eq!(get("/api/search?q=jeunes").status, StatusCode::OK);
}

#[test]
fn odd_queries_never_give_a_500_nor_reflect_markup() {
    for q in [
        "<script>alert(1)</script>",
        "\"parentalité",
        "parentalité\"\"\"",
        "((jeunes",
        "-",
        "\u{0}jeunes",
        "jeunes AND OR NOT",
        "é’«»œ",
        "*",
        "title:foo",
    ] {
        let a = get(&format!("/api/search?q={}", encode(q)));
        assert!(
            a.status == StatusCode::OK || a.status == StatusCode::BAD_REQUEST,
            "{q:?} gave {}",
            a.status
        );
        // The query comes back as JSON data (served as application/json,
        // nosniff); what must never carry live markup is the HTML snippet.
        let v = a.json();
        for hit in v["hits"].as_array().into_iter().flatten() {
            let snippet = hit["snippet"].as_str().unwrap_or("");
            assert!(!snippet.contains("<script"), "{q:?}: {snippet}");
        }
    }
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
fn ui_is_served_with_security_headers() {
    let a = get("/");
    assert_eq!(a.status, StatusCode::OK);
    let csp = a
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok());
    assert!(
        csp.is_some_and(|c| c.contains("default-src 'self'")),
        "{csp:?}"
    );
    assert_eq!(
        a.headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert!(String::from_utf8_lossy(&a.body).contains("lang=\"fr\""));
    for asset in [
        "/assets/core.js",
        "/assets/graph.js",
        "/assets/app.js",
        "/assets/style.css",
        "/favicon.svg",
    ] {
        assert_eq!(get(asset).status, StatusCode::OK, "{asset}");
    }
    let a = get("/nulle-part");
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&a.body).contains("introuvable"));
    // API answers carry the headers too.
    let a = get("/api/documents");
    assert!(a.headers.contains_key(header::X_CONTENT_TYPE_OPTIONS));
}

#[test]
fn responses_are_gzipped_when_accepted() {
    let a = send_to(
        router(),
        Method::GET,
        "/api/documents",
        &[("accept-encoding", "gzip")],
    );
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let plain = get("/api/documents");
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(a.body.len() < plain.body.len());
}

#[test]
fn without_an_index_the_api_says_unavailable_then_recovers() {
    let state = AppState::empty();
    let router = app(state.clone());
    let a = send_to(router.clone(), Method::GET, "/api/search?q=jeunes", &[]);
    assert_eq!(
        assert_json_error(&a, StatusCode::SERVICE_UNAVAILABLE, "no index"),
        "missing_index"
    );
    let a = send_to(router.clone(), Method::GET, "/health", &[]);
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    // The UI itself still loads.
    assert_eq!(
        send_to(router.clone(), Method::GET, "/", &[]).status,
        StatusCode::OK
    );
    state.replace(Engine::open(shipped_index()).expect("index opens"));
    let a = send_to(router, Method::GET, "/api/search?q=jeunes", &[]);
    assert_eq!(a.status, StatusCode::OK);
}

#[test]
fn a_changed_corpus_is_rebuilt_and_swapped_without_a_failed_request() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    let corpus = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    for name in ["000_399e86bc45b017b4.txt", "004_5393f7e667cdb102.txt"] {
        std::fs::copy(
            crate::fixture::corpus_dir().join(name),
            corpus.path().join(name),
        )
        .unwrap();
    }
    maillage::pipeline::build(corpus.path(), index.path(), &|_| {}).unwrap();
    let state = AppState::new(Engine::open(index.path()).unwrap());
    let router = app(state.clone());

    let stop = Arc::new(AtomicBool::new(false));
    let (served, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let load = {
        let (router, stop, served, failed) =
            (router.clone(), stop.clone(), served.clone(), failed.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let a = send_to(
                    router.clone(),
                    Method::GET,
                    "/api/search?q=coordination",
                    &[],
                );
                served.fetch_add(1, Ordering::Relaxed);
                if a.status != StatusCode::OK {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    std::fs::write(
        corpus.path().join("nouveau.txt"),
        "Fiche zythologie\n\nObjectif 1 : Animer un atelier de zythologie pour les habitants\n",
    )
    .unwrap();
    assert!(maillage::server::refresh(&state, corpus.path(), index.path()).unwrap());
    let a = send_to(router.clone(), Method::GET, "/api/search?q=zythologie", &[]);
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.json()["total"].as_u64().unwrap() >= 1, "{}", a.json());
    // Nothing changed since: no second swap.
    assert!(!maillage::server::refresh(&state, corpus.path(), index.path()).unwrap());
    // A corpus emptied by accident is not served: the previous index stays, and
    // the refused rebuild is not tried again until the corpus changes.
    let before = send_to(router.clone(), Method::GET, "/api/documents", &[]).json();
    for entry in std::fs::read_dir(corpus.path()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    assert!(matches!(
        maillage::server::refresh(&state, corpus.path(), index.path()),
        Err(maillage::Error::Shrink { after: 0, .. })
    ));
    assert!(!maillage::server::refresh(&state, corpus.path(), index.path()).unwrap());
    let after = send_to(router.clone(), Method::GET, "/api/documents", &[]).json();
    assert_eq!(before, after);
    stop.store(true, Ordering::Relaxed);
    load.join().unwrap();
    assert!(served.load(Ordering::Relaxed) > 0);
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "requests failed during the swap"
    );
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
fn a_query_past_the_term_budget_is_a_clear_400_answered_at_once() {
    // Under the 1,000-character limit, but 200 terms.
    let digits: Vec<String> = (0..200).map(|i| format!("{}", 100 + i * 3)).collect();
    let started = std::time::Instant::now();
    let a = get(&format!("/api/search?q={}", encode(&digits.join(" "))));
    let code = assert_json_error(&a, StatusCode::BAD_REQUEST, "200 numbers");
    assert_eq!(code, "invalid_query");
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("32 au plus"));
    // Far from the seconds it took to search them all; a generous bound for a busy machine.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // A long but ordinary query still searches.
    let words = "accompagner les familles dans leur parentalité avec le lieu d'accueil enfants parents et le CLAS";
    let ok = get(&format!("/api/search?q={}", encode(words)));
    assert_eq!(ok.status, StatusCode::OK);
}

/// A real server on a loopback port with short limits, for connection tests.
fn spawn_limited_server(
    limits: maillage::server::Limits,
) -> (tokio::runtime::Runtime, std::net::SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(async move {
        maillage::server::serve_connections(
            listener,
            router(),
            &limits,
            std::future::pending::<()>(),
        )
        .await
    });
    (runtime, addr)
}

/// Sends `request` on a new connection and reads until the server closes it or
/// `wait` passes; returns what was read and whether the server closed.
fn talk(addr: std::net::SocketAddr, request: &[u8], wait: std::time::Duration) -> (String, bool) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(request).unwrap();
    let mut got = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(n) => got.extend_from_slice(&buffer[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

#[test]
fn slow_and_idle_connections_are_closed() {
    let (_runtime, addr) = spawn_limited_server(maillage::server::Limits {
        header_read_timeout: std::time::Duration::from_secs(1),
        max_connections: 4,
    });
    let wait = std::time::Duration::from_secs(15);
    // Nothing sent: closed after the header timeout, not minutes later.
    let started = std::time::Instant::now();
    let (_, closed) = talk(addr, b"", wait);
    assert!(closed, "an idle connection stays open");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // Partial headers: closed too.
    let (_, closed) = talk(addr, b"GET /health HTTP/1.1\r\nHost: localhost\r\n", wait);
    assert!(closed, "a connection with partial headers stays open");
    // A whole request is answered, then the kept-alive connection is closed once idle.
    let (answer, closed) = talk(
        addr,
        b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
        wait,
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "an idle kept-alive connection stays open");
}

#[test]
fn connections_past_the_cap_wait_their_turn() {
    let (_runtime, addr) = spawn_limited_server(maillage::server::Limits {
        header_read_timeout: std::time::Duration::from_secs(2),
        max_connections: 1,
    });
    // One silent client holds the only slot until it is closed for idling.
    let _silent = std::net::TcpStream::connect(addr).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    let (answer, _) = talk(
        addr,
        b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        std::time::Duration::from_secs(15),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(1500),
        "served before the silent client's slot was freed"
    );
}

#[test]
fn a_query_of_punctuation_or_emoji_says_so() {
    for q in ["?!…", "🙂🙂", "« » — ;"] {
        let a = get(&format!("/api/search?q={}", encode(q)));
        let code = assert_json_error(&a, StatusCode::BAD_REQUEST, q);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            code == "invalid_query" && !message.contains("mots vides"),
            "{q}: {code} {message}"
        );
    }
    // Stop words alone are still called stop words.
    let a = get(&format!("/api/search?q={}", encode("de la les")));
    assert_eq!(
        assert_json_error(&a, StatusCode::BAD_REQUEST, "stop words"),
        "only_stop_words"
    );
    // A word longer than any indexed one is named as such, and echoed only in part.
    let word = "parentalite".repeat(30);
    let a = get(&format!("/api/search?q=de+la+{word}"));
    assert_eq!(
        assert_json_error(&a, StatusCode::BAD_REQUEST, "long word"),
        "invalid_query"
    );
    let message = a.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("les mots de plus de"), "{message}");
    assert!(message.chars().count() < 150, "{message}");
    let a = get(&format!("/api/search?q={}", "les+".repeat(200)));
    let message = a.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.chars().count() < 150,
        "echoes the whole query: {message}"
    );
}

/// Cuts the first tantivy `.pos` file of the current generation of `index` to half.
fn truncate_a_positions_file(index: &std::path::Path) -> std::path::PathBuf {
    let generation = maillage::store::current(index).unwrap().dir;
    let pos = std::fs::read_dir(generation.join("tantivy"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pos"))
        .unwrap();
    let bytes = std::fs::read(&pos).unwrap();
    std::fs::write(&pos, &bytes[..bytes.len() / 2]).unwrap();
    pos
}

#[test]
fn a_damaged_generation_is_rebuilt_before_serving_and_never_swapped_in() {
    let corpus = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::fixture::corpus_dir().join("004_5393f7e667cdb102.txt"),
        corpus.path().join("plan.txt"),
    )
    .unwrap();
    let read = maillage::ingest::ReadOptions::default();
    maillage::pipeline::build(corpus.path(), index.path(), &|_| {}).unwrap();
    // Damaged at rest: the server's start rebuilds instead of saying "up to date".
    let damaged = truncate_a_positions_file(index.path());
    assert!(matches!(
        Engine::open(index.path()),
        Err(maillage::Error::Damaged { .. })
    ));
    maillage::server::prepare_index(corpus.path(), index.path(), &read).unwrap();
    let current = maillage::store::current(index.path()).unwrap().dir;
    assert!(
        !damaged.starts_with(&current),
        "still the damaged generation"
    );
    let state = AppState::new(Engine::open(index.path()).unwrap());
    let router = app(state.clone());
    let a = send_to(
        router.clone(),
        Method::GET,
        "/api/search?q=parentalit%C3%A9",
        &[],
    );
    assert_eq!(a.status, StatusCode::OK);

    // A newer generation published damaged (by another process) is not swapped
    // in: the refresh rebuilds, and searches never answer 500.
    maillage::pipeline::build(corpus.path(), index.path(), &|_| {}).unwrap();
    truncate_a_positions_file(index.path());
    assert!(maillage::server::refresh_with(&state, corpus.path(), index.path(), &read).unwrap());
    let served = state.engine().unwrap().info().generation.clone();
    assert_eq!(served, maillage::store::current(index.path()).unwrap().dir);
    let a = send_to(router, Method::GET, "/api/search?q=parentalit%C3%A9", &[]);
    assert_eq!(a.status, StatusCode::OK, "{}", a.json());
    assert!(a.json()["total"].as_u64().unwrap() > 0);

    // Without its corpus, a damaged index is an error naming the file.
    let elsewhere = tempfile::tempdir().unwrap();
    let pos = truncate_a_positions_file(index.path());
    let err =
        maillage::server::prepare_index(&elsewhere.path().join("absent"), index.path(), &read)
            .unwrap_err();
    assert!(err.to_string().contains(pos.to_str().unwrap()), "{err}");
}

#[test]
fn a_search_past_its_time_is_a_503_with_retry_after() {
    use maillage::server::SearchLimits;
    let state = AppState::with_limits(
        2,
        SearchLimits {
            time: std::time::Duration::ZERO,
            ..SearchLimits::default()
        },
    );
    state.replace(Engine::open(shipped_index()).unwrap());
    let router = app(state);
    let a = send_to(
        router.clone(),
        Method::GET,
        "/api/search?q=parentalit%C3%A9",
        &[],
    );
    assert_eq!(
        assert_json_error(&a, StatusCode::SERVICE_UNAVAILABLE, "spent budget"),
        "search_time_exceeded"
    );
    assert_eq!(a.headers.get(header::RETRY_AFTER).unwrap(), "1");
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("précisez"));
    // Lookups are not searches: they still answer.
    let a = send_to(router, Method::GET, "/api/documents", &[]);
    assert_eq!(a.status, StatusCode::OK);
}

#[test]
fn lookups_and_health_answer_while_searches_queue_and_a_full_queue_says_busy() {
    use maillage::server::{Lane, SearchLimits};
    let state = AppState::with_limits(
        1,
        SearchLimits {
            queue_wait: std::time::Duration::from_millis(300),
            ..SearchLimits::default()
        },
    );
    state.replace(Engine::open(shipped_index()).unwrap());
    let router = app(state.clone());
    runtime().block_on(async {
        // Every search worker is taken (a long search is running).
        let _held = state.worker(Lane::Search).await.unwrap();
        let ask = |uri: &'static str| {
            let router = router.clone();
            async move {
                let started = std::time::Instant::now();
                let response = router
                    .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let status = response.status();
                let body = axum::body::to_bytes(response.into_body(), 1 << 20)
                    .await
                    .unwrap();
                (status, started.elapsed(), body)
            }
        };
        for uri in ["/health", "/api/documents", "/api/acronyms"] {
            let (status, _, _) = ask(uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
        }
        let (status, waited, body) = ask("/api/search?q=jeunes").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            waited >= std::time::Duration::from_millis(300),
            "{waited:?}"
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "busy");
    });
}

#[test]
fn an_overlong_target_or_oversized_headers_get_json_414_and_431_over_the_wire() {
    let (_runtime, addr) = spawn_limited_server(maillage::server::Limits {
        header_read_timeout: std::time::Duration::from_secs(5),
        max_connections: 8,
    });
    let wait = std::time::Duration::from_secs(15);
    let body_of = |answer: &str| -> Value {
        // The body, whether sent with a length or in chunks.
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
        let json = &body[body.find('{').unwrap_or(0)..=body.rfind('}').unwrap_or(0)];
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {answer}"))
    };
    let long_target = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "a".repeat(20_000)
    );
    let (answer, _) = talk(addr, long_target.as_bytes(), wait);
    assert!(answer.starts_with("HTTP/1.1 414"), "{answer}");
    assert!(
        answer.to_lowercase().contains("content-security-policy"),
        "{answer}"
    );
    assert_eq!(body_of(&answer)["error"]["code"], "uri_too_long");
    let big_headers = format!(
        "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Remplissage: {}\r\nConnection: close\r\n\r\n",
        "b".repeat(40_000)
    );
    let (answer, _) = talk(addr, big_headers.as_bytes(), wait);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert_eq!(body_of(&answer)["error"]["code"], "headers_too_large");
    let many_headers: String = (0..100).map(|i| format!("X-Champ-{i}: {i}\r\n")).collect();
    let request = format!(
        "GET /api/documents HTTP/1.1\r\nHost: localhost\r\n{many_headers}Connection: close\r\n\r\n"
    );
    let (answer, _) = talk(addr, request.as_bytes(), wait);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    // The UI's pages too, not only the API.
    let (answer, _) = talk(
        addr,
        format!(
            "GET /{} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            "x".repeat(9_000)
        )
        .as_bytes(),
        wait,
    );
    assert!(answer.starts_with("HTTP/1.1 414"), "{answer}");
}

#[test]
fn cross_origin_calls_are_allowed_only_for_configured_origins() {
    let origin = [("origin", "https://observatoire.example.fr")];
    // Off by default.
    let a = send_to(router(), Method::GET, "/api/documents", &origin);
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.headers.get("access-control-allow-origin").is_none());
    let state = AppState::default()
        .with_cors_origins(&["https://observatoire.example.fr/".to_string()])
        .unwrap();
    state.replace(Engine::open(shipped_index()).unwrap());
    let configured = app(state);
    let a = send_to(configured.clone(), Method::GET, "/api/documents", &origin);
    assert_eq!(
        a.headers.get("access-control-allow-origin").unwrap(),
        "https://observatoire.example.fr"
    );
    let other = [("origin", "https://ailleurs.example")];
    let a = send_to(configured, Method::GET, "/api/documents", &other);
    assert!(a.headers.get("access-control-allow-origin").is_none());
    assert!(AppState::default()
        .with_cors_origins(&["https://a.fr\nX: y".to_string()])
        .is_err());
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
