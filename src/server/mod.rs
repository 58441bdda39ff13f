//! The HTTP service: the JSON API and the web UI from one binary.
//!
//! The server owns no logic of its own: every answer comes from
//! [`Engine`], and the JSON it prints is the CLI's `--json`. What it adds is
//! what a network needs: input that can never crash it (every rejection is a
//! JSON 4xx), bounded work on the blocking pool, compression, security
//! headers, one log line per request, and an engine that can be swapped for
//! a freshly built generation without failing requests in flight.

pub mod actions;
pub mod error;
pub mod openapi;
pub mod params;
pub mod routes;
pub mod ui;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::ingest::ReadOptions;
use crate::pipeline::{self, Stage};
use crate::query::Engine;
use crate::{store, Error, Result};

pub use error::ApiError;

/// What `maillage serve` needs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// Engine calls run at once (see [`AppState::with_workers`]).
    pub workers: usize,
    /// Limits of each corpus file read.
    pub read: ReadOptions,
    /// What one search may spend, and how long a request waits for a worker.
    pub search: SearchLimits,
    /// Origins whose pages may call the API from a browser (CORS); none by default.
    pub cors_origins: Vec<String>,
}

/// What one search may spend before it answers 503, and how long any engine
/// call waits for a free worker before it does.
#[derive(Debug, Clone, Copy)]
pub struct SearchLimits {
    pub time: Duration,
    pub max_scored: u64,
    pub queue_wait: Duration,
}

impl Default for SearchLimits {
    fn default() -> Self {
        SearchLimits {
            time: crate::query::DEFAULT_SEARCH_TIME,
            max_scored: crate::query::DEFAULT_MAX_SCORED,
            queue_wait: Duration::from_secs(10),
        }
    }
}

/// Which queue an engine call waits in: searches, whose cost grows with the
/// corpus, or lookups (a document, a sigle, an entity), which answer in
/// microseconds and must not wait behind a queue of expensive searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Search,
    Lookup,
}

/// Engine calls run at once by default: twice the cores, so a core never
/// waits while a finished call's answer is written out.
pub fn default_workers() -> usize {
    2 * std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Shared by every request: the engine currently served.
///
/// Requests clone the inner `Arc` and drop the lock at once, so a rebuild
/// can [`replace`](AppState::replace) the engine while searches still run
/// on the old one.
#[derive(Clone)]
pub struct AppState {
    engine: Arc<RwLock<Option<Arc<Engine>>>>,
    /// A few engine calls at a time. Searches are CPU-bound: run sixteen
    /// at once on two cores and each takes eight times as long, the slow
    /// ones longest; queued in order, each runs at full speed and the worst
    /// waits are a few calls long.
    workers: Arc<tokio::sync::Semaphore>,
    /// The same number of slots for lookups, so they never queue behind searches.
    lookups: Arc<tokio::sync::Semaphore>,
    limits: SearchLimits,
    /// Origins allowed to call the API from a browser page (CORS), none by default.
    cors_origins: Arc<Vec<HeaderValue>>,
    /// The corpus fingerprint a rebuild was refused for (it would have lost most
    /// documents): not tried again until the corpus changes once more.
    refused: Arc<std::sync::Mutex<Option<String>>>,
}

impl Default for AppState {
    fn default() -> AppState {
        AppState::with_workers(default_workers())
    }
}

impl AppState {
    pub fn new(engine: Engine) -> AppState {
        let state = AppState::default();
        state.replace(engine);
        state
    }

    /// A state with no index yet that runs at most `workers` engine calls at once.
    pub fn with_workers(workers: usize) -> AppState {
        AppState::with_limits(workers, SearchLimits::default())
    }

    /// A state with no index yet, `workers` engine calls at once per lane, and
    /// searches bounded by `limits`.
    pub fn with_limits(workers: usize, limits: SearchLimits) -> AppState {
        AppState {
            engine: Arc::new(RwLock::new(None)),
            workers: Arc::new(tokio::sync::Semaphore::new(workers.max(1))),
            lookups: Arc::new(tokio::sync::Semaphore::new(workers.max(1))),
            limits,
            cors_origins: Arc::default(),
            refused: Arc::default(),
        }
    }

    /// Lets pages of `origins` (`https://observatoire.example.fr`) call the API
    /// from a browser. An origin that is not a valid header value is an error.
    pub fn with_cors_origins(mut self, origins: &[String]) -> Result<AppState> {
        let values = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim().trim_end_matches('/')).map_err(|_| {
                    Error::InvalidParameter {
                        name: "cors-origin",
                        message: format!(
                            "`{o}` n'est pas une origine telle que https://exemple.fr"
                        ),
                    }
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.cors_origins = Arc::new(values);
        Ok(self)
    }

    /// What one search may spend.
    pub fn limits(&self) -> SearchLimits {
        self.limits
    }

    /// A state with no index yet: the API answers 503 until one is set.
    pub fn empty() -> AppState {
        AppState::default()
    }

    /// Waits for a free worker of `lane` for one engine call; a 503 `busy`
    /// when none frees up within the queue wait.
    pub async fn worker(
        &self,
        lane: Lane,
    ) -> std::result::Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        let slots = match lane {
            Lane::Search => &self.workers,
            Lane::Lookup => &self.lookups,
        };
        match tokio::time::timeout(self.limits.queue_wait, slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(ApiError::internal("the server is shutting down")),
            Err(_) => Err(ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "le serveur est occupé : réessayez dans un instant",
            )),
        }
    }

    /// Serves `engine` from now on; requests in flight finish on the old one.
    pub fn replace(&self, engine: Engine) {
        let engine = Arc::new(engine);
        // What the first request would otherwise wait for is found in the background.
        let warm = engine.clone();
        let _ = std::thread::Builder::new()
            .name("maillage-warm-up".into())
            .spawn(move || warm.warm_up());
        let mut slot = self.engine.write().unwrap_or_else(|p| p.into_inner());
        *slot = Some(engine);
    }

    /// The engine to answer with, or a 503.
    pub fn engine(&self) -> std::result::Result<Arc<Engine>, ApiError> {
        let slot = self.engine.read().unwrap_or_else(|p| p.into_inner());
        slot.clone()
            .ok_or_else(|| ApiError::from(Error::MissingIndex(PathBuf::from("index"))))
    }
}

/// The whole application: API, OpenAPI document, UI, and their layers.
pub fn app(state: AppState) -> Router {
    let cors = (!state.cors_origins.is_empty()).then(|| {
        tower_http::cors::CorsLayer::new()
            .allow_origin(tower_http::cors::AllowOrigin::list(
                state.cors_origins.iter().cloned(),
            ))
            .allow_methods([axum::http::Method::GET])
    });
    let api = Router::new()
        .route("/health", get(routes::health))
        .route("/api/search", get(routes::search))
        .route("/api/documents", get(routes::documents))
        .route("/api/documents/*doc_id", get(routes::document))
        .route("/api/acronyms", get(routes::acronyms))
        .route("/api/acronyms/*abbr", get(routes::acronym))
        .route("/api/entities", get(routes::entities))
        .route("/api/entities/*id", get(routes::entity))
        .route("/api/territories", get(routes::territories))
        .route("/api/territories/*territory", get(routes::territory))
        .route("/api/graph", get(routes::graph))
        .route("/api/actions", get(actions::actions))
        .route("/api/actions/*id", get(actions::action))
        .route("/api/compare", get(actions::compare))
        .route("/api/status", get(routes::status))
        .route("/api/openapi.json", get(openapi_json))
        .with_state(state);
    let router = api
        .merge(ui::routes())
        .fallback(fallback)
        .layer(middleware::from_fn(json_errors_for_api))
        .layer(middleware::from_fn(limit_request_head))
        .layer(middleware::map_response(security_headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::info_span!(
                        "http",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_failure(())
                .on_response(
                    |response: &Response, latency: Duration, _span: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = format_args!("{:.1}", latency.as_secs_f64() * 1000.0),
                            "served"
                        );
                    },
                ),
        );
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi::document())
}

fn is_api_path(path: &str) -> bool {
    path == "/health" || path == "/api" || path.starts_with("/api/")
}

async fn fallback(request: Request) -> Response {
    let path = request.uri().path();
    if is_api_path(path) {
        ApiError::no_route(path).into_response()
    } else {
        ui::not_found()
    }
}

/// Longest request target (path and query) answered: a search is at most
/// 1,000 characters, percent-encoded three bytes each, plus its parameters.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Most header bytes (names and values) and headers answered.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
pub const MAX_HEADERS: usize = 64;
/// What hyper buffers of a request head before it refuses it itself (with a
/// bare 431): well above the limits above, so they answer in JSON first.
pub const MAX_HEAD_BUFFER: usize = 256 * 1024;

/// A request whose target or headers are longer than any client of this API
/// sends is refused in the JSON error shape (414, 431) before any route runs.
async fn limit_request_head(request: Request, next: Next) -> Response {
    let uri_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri_bytes > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("l'adresse demandée dépasse {MAX_URI_BYTES} octets"),
        )
        .into_response();
    }
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES || headers.len() > MAX_HEADERS {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!(
                "les en-têtes de la requête dépassent {MAX_HEADER_BYTES} octets ou {MAX_HEADERS} champs"
            ),
        )
        .into_response();
    }
    next.run(request).await
}

/// Whatever rejected an API request (a method not allowed, a body limit),
/// the client gets the JSON error shape.
async fn json_errors_for_api(request: Request, next: Next) -> Response {
    let api = is_api_path(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = match status {
        StatusCode::NOT_FOUND => "adresse inconnue",
        StatusCode::METHOD_NOT_ALLOWED => "méthode non autorisée sur cette adresse",
        StatusCode::PAYLOAD_TOO_LARGE => "requête trop volumineuse",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "type de contenu non pris en charge",
        s if s.is_server_error() => "erreur interne, voir le journal du serveur",
        _ => "requête refusée",
    };
    let mut replaced = ApiError::new(status, code, message).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        replaced.headers_mut().insert(header::ALLOW, allow.clone());
    }
    replaced
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in set {
        // A response that set its own policy (an original file) keeps it.
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

/// Builds the index when it is missing or older than the corpus. A failed
/// rebuild keeps the previous generation when there is one.
pub fn prepare_index(corpus: &Path, index: &Path, read: &ReadOptions) -> Result<()> {
    if !store::is_stale(corpus, index) {
        match store::current(index).and_then(|generation| generation.verify()) {
            Ok(()) => {
                tracing::info!("index at {} is up to date", index.display());
                return Ok(());
            }
            Err(err @ Error::Damaged { .. }) if corpus.is_dir() => {
                tracing::warn!("{err}; rebuilding it from {}", corpus.display());
            }
            Err(err) => return Err(err),
        }
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(5);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let progress = |stage: Stage| match &bar {
        Some(bar) => {
            bar.set_message(stage.label());
            bar.inc(1);
        }
        None => tracing::info!("building index: {}", stage.label()),
    };
    let outcome = pipeline::build_with(corpus, index, read, &progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match outcome {
        Ok(report) => {
            tracing::info!(
                "indexed {} documents, {} passages in {:.0} ms",
                report.n_documents,
                report.n_passages,
                report.elapsed.as_secs_f64() * 1000.0
            );
            Ok(())
        }
        Err(err) if store::current(index).is_ok() => {
            tracing::warn!("rebuilding the index failed, serving the previous one: {err}");
            Ok(())
        }
        Err(err) => Err(err),
    }
}

/// How often a running server looks for a changed corpus or a newer index.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(5);

/// Brings the served engine up to date: rebuilds the index when the corpus
/// changed, and swaps in the current generation when it is not the one
/// served (a rebuild here, or `maillage index` run by someone else).
/// Requests keep being answered by the old engine until the swap. Returns
/// whether a new engine is now served.
pub fn refresh(state: &AppState, corpus: &Path, index: &Path) -> Result<bool> {
    refresh_with(state, corpus, index, &ReadOptions::default())
}

/// [`refresh`] with the limits of each corpus file read.
pub fn refresh_with(
    state: &AppState,
    corpus: &Path,
    index: &Path,
    read: &ReadOptions,
) -> Result<bool> {
    if store::is_stale(corpus, index) {
        let fingerprint = store::corpus_fingerprint(corpus);
        let mut refused = state.refused.lock().unwrap_or_else(|p| p.into_inner());
        if refused.as_deref() == Some(fingerprint.as_str()) {
            return Ok(false);
        }
        let built = pipeline::build_with(corpus, index, read, &|stage| {
            tracing::info!("rebuilding index: {}", stage.label())
        });
        if let Err(Error::Shrink { .. }) = &built {
            *refused = Some(fingerprint);
        }
        let report = built?;
        tracing::info!(
            "rebuilt index: {} documents, {} passages in {:.0} ms",
            report.n_documents,
            report.n_passages,
            report.elapsed.as_secs_f64() * 1000.0
        );
    }
    let current = store::current(index)?.dir;
    let serving = state.engine().ok().map(|e| e.info().generation);
    if serving.as_deref() == Some(current.as_path()) {
        return Ok(false);
    }
    let engine = match Engine::open(index) {
        // A generation damaged on disk (or published damaged by another
        // process) is rebuilt rather than swapped in.
        Err(err @ Error::Damaged { .. }) if corpus.is_dir() => {
            tracing::warn!("{err}; rebuilding it from {}", corpus.display());
            pipeline::build_with(corpus, index, read, &|stage| {
                tracing::info!("rebuilding index: {}", stage.label())
            })?;
            Engine::open(index)?
        }
        other => other?,
    };
    let current = engine.info().generation.clone();
    state.replace(engine);
    tracing::info!("now serving {}", current.display());
    Ok(true)
}

async fn keep_fresh(state: AppState, corpus: PathBuf, index: PathBuf, read: ReadOptions) {
    let mut ticker = tokio::time::interval(REFRESH_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let (state, corpus, index) = (state.clone(), corpus.clone(), index.clone());
        let outcome =
            tokio::task::spawn_blocking(move || refresh_with(&state, &corpus, &index, &read)).await;
        match outcome {
            Ok(Err(err)) => {
                tracing::warn!("index refresh failed, still serving the previous one: {err}")
            }
            Err(err) => tracing::warn!("index refresh task failed: {err}"),
            Ok(Ok(_)) => {}
        }
    }
}

/// `maillage serve`: prepares the index, then serves until Ctrl-C or SIGTERM.
pub fn serve(options: ServeOptions) -> Result<()> {
    prepare_index(&options.corpus, &options.index, &options.read)?;
    let state = AppState::with_limits(options.workers, options.search)
        .with_cors_origins(&options.cors_origins)?;
    state.replace(Engine::open(&options.index)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the async runtime", e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| Error::io(format!("listening on {}", options.addr), e))?;
        let local = listener.local_addr().unwrap_or(options.addr);
        tracing::info!("serving on http://{local}/");
        eprintln!("maillage: serving on http://{local}/ (Ctrl-C to stop)");
        tokio::spawn(keep_fresh(
            state.clone(),
            options.corpus.clone(),
            options.index.clone(),
            options.read,
        ));
        serve_connections(listener, app(state), &Limits::default(), shutdown_signal()).await;
        Ok::<(), Error>(())
    })?;
    tracing::info!("stopped");
    Ok(())
}

/// What one client may hold of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to send a request's headers (and, on a kept-alive connection, the
    /// next request's): a client that sends nothing, or a byte a minute, is
    /// closed after it.
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait in the kernel's queue.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 512,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the
/// connections in flight finish. Each connection must send its headers within
/// [`Limits::header_read_timeout`] (idle kept-alive connections included), and
/// at most [`Limits::max_connections`] are served at once.
pub async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    // HTTP/1.1 only: the automatic HTTP/2 detection reads the first bytes with no
    // time limit, which is what a silent client exploits. The API is small JSON
    // answers; a proxy in front speaks HTTP/2 to browsers if wanted.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BUFFER);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        // A free slot first: past the cap, new clients wait in the accept queue.
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!("accepting a connection failed: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!("connection closed: {err}");
            }
            drop(permit);
        });
    }
    drop(listener);
    // Requests in flight finish; a connection that never ends is not waited for long.
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
