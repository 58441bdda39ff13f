//! The index behind the server: missing, rebuilt when the corpus changes, damaged, and
//! searches that run out of time or queue behind others.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use super::{assert_json_error, runtime, send_to};
use crate::fixture::shipped_index;
use maillage::query::Engine;
use maillage::server::{app, AppState};

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
