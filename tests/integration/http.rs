//! The HTTP API, in process: every route, and every way a user can get it
//! wrong, answered with JSON and never with a 500. The helpers are here, the tests in
//! `http/` by topic.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

use crate::fixture::shipped_index;

// The neighbourhood as GraphML and the territory page's answer.
mod graph;
// The index behind the server: missing, rebuilt, damaged; searches out of time or queued.
mod lifecycle;
// Every way a request can be wrong, answered with a JSON 4xx.
mod input;
// Every route answering what it should.
mod routes;
// The shell: UI, headers, gzip, CORS, connections over a socket.
mod shell;
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

pub(crate) fn runtime() -> tokio::runtime::Runtime {
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
pub(crate) fn assert_json_error(answer: &Answer, status: StatusCode, what: &str) -> String {
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

pub(crate) fn encode(s: &str) -> String {
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
