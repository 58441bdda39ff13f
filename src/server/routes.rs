//! The JSON API handlers: one per route, each a thin shell over
//! [`Engine`](crate::query::Engine).
//!
//! Handlers return the library types as they are, so `/api/…` and the
//! CLI's `--json` print the same shapes. Engine calls run on the blocking
//! pool: a slow search must not stall the async workers serving the UI.

use axum::extract::State;
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;
use super::params::{decode_component, ExportParams, FromQuery, GraphFormatParams, RawQuery};
use super::{AppState, Lane};
use crate::graph::{to_graphml, GraphFormat, Subgraph};
use crate::query::{
    AcronymEntry, Budget, CorpusStatus, DocumentRequest, DocumentSummary, Engine, EntitiesRequest,
    EntityDetail, EntityList, GraphRequest, SearchRequest, TerritoriesRequest, TerritoryDetail,
    TerritoryRequest,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Runs a lookup against the current engine on the blocking pool.
async fn with_engine<T, F>(state: &AppState, work: F) -> Result<Json<T>, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> crate::Result<T> + Send + 'static,
{
    run_engine(state, Lane::Lookup, move |engine, _| work(engine)).await
}

/// Runs `work` against the current engine on the blocking pool, once a worker
/// of `lane` is free. `work` is handed a flag set when the request is dropped
/// (its client went away): a request dropped while queued never runs, one
/// dropped while running can stop early.
pub(crate) async fn run_engine<T, F>(
    state: &AppState,
    lane: Lane,
    work: F,
) -> Result<Json<T>, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine, Arc<AtomicBool>) -> crate::Result<T> + Send + 'static,
{
    let engine = state.engine()?;
    let permit = state.worker(lane).await?;
    let mut gone = SetOnDrop(Some(Arc::new(AtomicBool::new(false))));
    let flag = gone.0.clone().unwrap_or_default();
    let outcome = tokio::task::spawn_blocking(move || {
        let outcome = work(&engine, flag);
        drop(permit);
        outcome
    })
    .await
    .map_err(|e| ApiError::internal(format!("worker failed: {e}")));
    gone.0 = None;
    Ok(Json(outcome??))
}

/// Sets its flag when dropped before being disarmed (`.0 = None`).
struct SetOnDrop(Option<Arc<AtomicBool>>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::Relaxed);
        }
    }
}

/// The path after `prefix`, percent-decoded; for ids that may hold `/`.
fn tail_of(uri: &Uri, prefix: &str, name: &str) -> Result<String, ApiError> {
    let raw = uri.path().strip_prefix(prefix).unwrap_or("");
    // Empty or endless ids are the engine's to refuse, as for the CLI.
    decode_component(raw, name, false)
}

/// Looks up what the path after `prefix` names (a sigle, an entity, a territory).
async fn look_up<T, F>(
    state: &AppState,
    uri: &Uri,
    (prefix, name): (&str, &str),
    work: F,
) -> Result<Json<T>, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine, &str) -> crate::Result<T> + Send + 'static,
{
    let id = tail_of(uri, prefix, name)?;
    with_engine(state, move |engine| work(engine, &id)).await
}

/// The error body, for the OpenAPI document.
#[derive(Serialize, ToSchema)]
pub struct ErrorResponse {
    pub error: ErrorDetailSchema,
}

/// `code` is stable (invalid_query, only_stop_words, invalid_parameter, unknown_territory,
/// ambiguous_territory, not_found, uri_too_long, headers_too_large, busy,
/// search_time_exceeded, search_too_broad, missing_index, internal); `message` is for a
/// person, in French.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetailSchema {
    pub code: String,
    pub message: String,
    /// With `not_found` (entity names) and `unknown_territory` (territories): names spelled
    /// close to the one asked.
    #[schema(value_type = Option<Vec<Object>>)]
    pub suggestions: Option<serde_json::Value>,
    /// With `ambiguous_territory`: the places the name may mean; send one's `code` back.
    pub choices: Option<Vec<crate::Territory>>,
}

/// What `/health` answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub documents: usize,
    pub passages: usize,
    /// Name of the index generation being served (its folder name, not its path).
    pub generation: String,
    /// The background warm-up after an index is opened (the knowledge graph, the action
    /// sheets) is done: every route answers at full speed. Searches are answered before,
    /// more slowly.
    pub warm: bool,
}

#[utoipa::path(get, path = "/health", tag = "service",
    responses(
        (status = 200, description = "The index is loaded", body = Health),
        (status = 503, description = "No index loaded", body = ErrorResponse)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let engine = state.engine()?;
    let info = engine.info();
    Ok(Json(Health {
        status: "ok",
        documents: info.documents,
        passages: info.passages,
        // The generation's folder name only: clients learn nothing of the server's disk.
        generation: info
            .generation
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        warm: engine.is_warm(),
    }))
}

#[utoipa::path(get, path = "/api/search", tag = "search", params(SearchRequest, ExportParams),
    responses(
        (status = 200, description = "Ranked passages with highlighted snippets and facets (as `maillage search --json`)", body = SearchResponse),
        (status = 400, description = "Malformed query or parameter", body = ErrorResponse)))]
pub async fn search(State(state): State<AppState>, raw: RawQuery) -> Result<Response, ApiError> {
    let format = ExportParams::format(&raw)?;
    let request = SearchRequest::from_query(&raw)?;
    if let Some(format) = format {
        // The query is checked before the file starts.
        let check = request.clone();
        let _checked = run_engine(&state, Lane::Search, move |engine, _| {
            engine.search(&SearchRequest {
                limit: Some(1),
                offset: Some(0),
                ..check
            })
        })
        .await?;
        return Ok(super::actions::export_search(
            state.engine()?,
            request,
            format,
        ));
    }
    let limits = state.limits();
    let response = run_engine(&state, Lane::Search, move |engine, gone| {
        let budget = Budget::new(limits.time, limits.max_scored).cancelled_by(gone);
        engine.search_within(&request, Arc::new(budget))
    })
    .await?;
    Ok(response.into_response())
}

#[utoipa::path(get, path = "/api/documents", tag = "documents",
    responses((status = 200, description = "Every indexed document", body = [DocumentSummary])))]
pub async fn documents(
    State(state): State<AppState>,
) -> Result<Json<Vec<DocumentSummary>>, ApiError> {
    with_engine(&state, |engine| Ok(engine.documents())).await
}

#[utoipa::path(get, path = "/api/documents/{doc_id}", tag = "documents",
    params(("doc_id" = String, Path, description = "Document id; may contain `/`"), DocumentRequest),
    responses(
        (status = 200, description = "Outline, passages, entities and sigles of one document", body = DocumentDetail),
        (status = 404, description = "Unknown document", body = ErrorResponse)))]
pub async fn document(
    State(state): State<AppState>,
    uri: Uri,
    raw: RawQuery,
) -> Result<Response, ApiError> {
    let doc_id = tail_of(&uri, "/api/documents/", "doc_id")?;
    let page = DocumentRequest::from_query(&raw)?;
    // Ids may hold `/`: `x/file` is the original of `x` unless `x/file` is a document.
    if let Some(stem) = doc_id.strip_suffix("/file") {
        let engine = state.engine()?;
        if engine.doc_index(&doc_id).is_none() && engine.doc_index(stem).is_some() {
            return original(&state, stem.to_string()).await;
        }
    }
    let request = DocumentRequest { doc_id, ..page };
    Ok(
        with_engine(&state, move |engine| engine.document_page(&request))
            .await?
            .into_response(),
    )
}

#[utoipa::path(get, path = "/api/documents/{doc_id}/file", tag = "documents",
    params(("doc_id" = String, Path, description = "Document id; may contain `/`")),
    responses(
        (status = 200, description = "The original file (PDF, DOCX, ODT, PPTX, ODP, XLSX, ODS, text) as it is in the corpus folder, shown inline; add `#page=N` to open a PDF at a page", content_type = "application/octet-stream"),
        (status = 404, description = "Unknown document, or its file is no longer in the corpus folder", body = ErrorResponse)))]
/// The OpenAPI entry of `/api/documents/{doc_id}/file`, which [`document`] answers
/// (one wildcard route serves ids holding `/` and their `/file`).
#[allow(dead_code)]
pub async fn document_file_openapi() {}

/// The original bytes of a document of the served index, looked up by id.
async fn original(state: &AppState, doc_id: String) -> Result<Response, ApiError> {
    let Json(original) = with_engine(state, move |engine| engine.original(&doc_id)).await?;
    let disposition = format!(
        "inline; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_file_name(&original.file_name),
        percent_encode(&original.file_name)
    );
    let mut response = original.bytes.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_static(original.format.content_type());
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    // The browser's PDF viewer runs as a plugin: the page policy's
    // `object-src 'none'` would leave it blank.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; object-src 'self'; plugin-types application/pdf; frame-ancestors 'self'"),
    );
    Ok(response)
}

/// The file name with anything outside printable ASCII (and quotes) as `_`,
/// for clients that ignore `filename*`.
fn ascii_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5987 encoding of a file name.
fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[utoipa::path(get, path = "/api/status", tag = "service",
    responses(
        (status = 200, description = "Documents read per format, and the corpus files left out with the reason (`code` stable, `reason` in French)", body = CorpusStatus),
        (status = 503, description = "No index loaded", body = ErrorResponse)))]
pub async fn status(State(state): State<AppState>) -> Result<Json<CorpusStatus>, ApiError> {
    with_engine(&state, |engine| Ok(engine.status())).await
}

#[utoipa::path(get, path = "/api/acronyms", tag = "glossary",
    responses((status = 200, description = "The glossary, A to Z", body = [AcronymEntry])))]
pub async fn acronyms(State(state): State<AppState>) -> Result<Json<Vec<AcronymEntry>>, ApiError> {
    with_engine(&state, |engine| Ok(engine.acronyms())).await
}

#[utoipa::path(get, path = "/api/acronyms/{abbr}", tag = "glossary",
    params(("abbr" = String, Path, description = "A sigle, case- and dot-insensitive")),
    responses(
        (status = 200, description = "Definitions of one sigle with their sources", body = AcronymEntry),
        (status = 404, description = "Unknown sigle", body = ErrorResponse)))]
pub async fn acronym(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<AcronymEntry>, ApiError> {
    look_up(&state, &uri, ("/api/acronyms/", "abbr"), |engine, abbr| {
        engine.acronym(abbr)
    })
    .await
}

#[utoipa::path(get, path = "/api/entities", tag = "entities", params(EntitiesRequest),
    responses(
        (status = 200, description = "A page of entities (best match, then most mentioned first) with `total`, `offset`, `limit`", body = EntityList),
        (status = 400, description = "Bad kind or limit", body = ErrorResponse)))]
pub async fn entities(
    State(state): State<AppState>,
    raw: RawQuery,
) -> Result<Json<EntityList>, ApiError> {
    let request = EntitiesRequest::from_query(&raw)?;
    with_engine(&state, move |engine| engine.entities(&request)).await
}

#[utoipa::path(get, path = "/api/entities/{id}", tag = "entities",
    params(("id" = String, Path, description = "Entity id or any of its names")),
    responses(
        (status = 200, description = "Kind, aliases, definitions, roles per territory, branches", body = EntityDetail),
        (status = 404, description = "Unknown entity", body = ErrorResponse)))]
pub async fn entity(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<EntityDetail>, ApiError> {
    look_up(&state, &uri, ("/api/entities/", "id"), |engine, id| {
        engine.entity(id)
    })
    .await
}

#[utoipa::path(get, path = "/api/territories", tag = "entities", params(TerritoriesRequest, ExportParams),
    responses(
        (status = 200, description = "`{entity, role, total, offset, territories}`: the territories whose documents name the entity, strongest roles first, with roles, mention counts and evidence", body = TerritoryList),
        (status = 400, description = "Missing entity or bad role", body = ErrorResponse),
        (status = 404, description = "Unknown entity", body = ErrorResponse)))]
pub async fn territories(
    State(state): State<AppState>,
    raw: RawQuery,
) -> Result<Response, ApiError> {
    let format = ExportParams::format(&raw)?;
    let request = TerritoriesRequest {
        all: format.is_some(),
        ..TerritoriesRequest::from_query(&raw)?
    };
    let Json(list) = with_engine(&state, move |engine| engine.territories(&request)).await?;
    Ok(match format {
        Some(format) => {
            super::actions::export_records(list.territories, format, "maillage-territoires")
        }
        None => Json(list).into_response(),
    })
}

#[utoipa::path(get, path = "/api/territories/{territory}", tag = "entities",
    params(("territory" = String, Path, description = "`<kind>:<code>` (`commune:31150`, `epci:200071413`, `departement:31`, `region:76`), a name or a bare code, as the search's `territory` filter")),
    responses(
        (status = 200, description = "The territory, what contains it, and the documents about it, about a place inside it or containing it (those a search within it reads)", body = TerritoryDetail),
        (status = 400, description = "No territory of that name or code (`unknown_territory`, with `suggestions`), or several (`ambiguous_territory`, with `choices`)", body = ErrorResponse)))]
pub async fn territory(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<TerritoryDetail>, ApiError> {
    look_up(
        &state,
        &uri,
        ("/api/territories/", "territory"),
        |engine, t| {
            engine.territory(&TerritoryRequest {
                territory: t.to_string(),
            })
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/graph", tag = "entities", params(GraphRequest, GraphFormatParams),
    responses(
        (status = 200, description = "Nodes `{id,label,kind,entity_kind}` and edges `{source,target,relation,role,count}` around the entity; with `format=graphml`, the same nodes and edges as a GraphML file (`application/graphml+xml`, attributes declared by `<key>`)", body = Subgraph),
        (status = 400, description = "Missing entity, depth out of 1..=3 or unknown format", body = ErrorResponse),
        (status = 404, description = "Unknown entity", body = ErrorResponse)))]
pub async fn graph(State(state): State<AppState>, raw: RawQuery) -> Result<Response, ApiError> {
    let request = GraphRequest::from_query(&raw)?;
    let format = GraphFormatParams::format(&raw)?;
    let Json(subgraph) = with_engine(&state, move |engine| engine.neighbourhood(&request)).await?;
    Ok(match format {
        GraphFormat::Json => Json(subgraph).into_response(),
        GraphFormat::Graphml => graphml_download(&subgraph),
    })
}

/// A neighbourhood as a GraphML file to save.
fn graphml_download(subgraph: &Subgraph) -> Response {
    let mut response = to_graphml(subgraph).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(GraphFormat::Graphml.content_type()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"maillage-graphe.graphml\""),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::write(
            corpus.join("pedt.txt"),
            "Projet éducatif de territoire\n\nAxe 1 : Parentalité\n\nLe LAEP accueille les familles.\n",
        )
        .unwrap();
        let index = dir.path().join("index");
        crate::pipeline::build(&corpus, &index, &|_| {}).unwrap();
        (dir, AppState::new(Engine::open(&index).unwrap()))
    }

    #[test]
    fn work_whose_request_is_dropped_is_told_to_stop() {
        let (_dir, state) = state();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (saw, seen) = std::sync::mpsc::channel();
        runtime.block_on(async {
            let call = run_engine(&state, Lane::Search, move |_, gone| {
                let started = Instant::now();
                while !gone.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(20) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let _ = saw.send(gone.load(Ordering::Relaxed));
                Ok(())
            });
            // The client goes away after 50 ms: the request's future is dropped.
            assert!(tokio::time::timeout(Duration::from_millis(50), call)
                .await
                .is_err());
        });
        assert_eq!(seen.recv_timeout(Duration::from_secs(10)), Ok(true));
    }

    #[test]
    fn a_finished_call_is_not_flagged() {
        let (_dir, state) = state();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let flag = runtime.block_on(async {
            let Json(flag) = run_engine(&state, Lane::Lookup, |_, gone| Ok(gone))
                .await
                .unwrap();
            flag
        });
        assert!(!flag.load(Ordering::Relaxed));
    }
}
