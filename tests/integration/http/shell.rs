//! The HTTP shell around the routes: the UI and its security headers, gzip, CORS, and
//! connections over a real socket (slow and idle ones closed, a cap, oversized heads).

use axum::http::{header, Method, StatusCode};
use serde_json::Value;

use super::{get, router, send_to};
use crate::fixture::shipped_index;
use maillage::query::Engine;
use maillage::server::{app, AppState};

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
