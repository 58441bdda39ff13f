//! The action routes (`/api/actions…`, `/api/compare`) and the exports (`format=csv|jsonl`).
//!
//! An export is streamed: what the request keeps is decided first (a bad filter still
//! answers 400 JSON), then records are written on the blocking pool into a channel the
//! response body reads, a chunk at a time, so exporting every action of a national corpus
//! never holds the file in memory.

use std::io::Write;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa::IntoParams;

use super::error::ApiError;
use super::params::{decode_component, ExportParams, FromQuery, RawQuery};
use super::routes::run_engine;
use super::{AppState, Lane};
use crate::export::{Exporter, Format, Record};
use crate::query::{ActionsRequest, Comparison, Engine, SimilarActions, MAX_LIMIT, MAX_OFFSET};

/// Bytes gathered before a chunk is handed to the response.
const CHUNK: usize = 64 * 1024;
/// Search hits an export walks through at most (the deepest page reachable).
const MAX_EXPORTED_HITS: usize = MAX_OFFSET + MAX_LIMIT;

#[utoipa::path(get, path = "/api/actions", tag = "actions", params(ActionsRequest, ExportParams),
    responses(
        (status = 200, description = "`{total, offset, actions}`: action sheets in corpus order; with `format`, a CSV or JSON Lines file of every action kept", body = ActionList),
        (status = 400, description = "Bad filter", body = ErrorResponse),
        (status = 404, description = "Unknown entity", body = ErrorResponse)))]
pub async fn actions(State(state): State<AppState>, raw: RawQuery) -> Result<Response, ApiError> {
    let format = ExportParams::format(&raw)?;
    let request = ActionsRequest {
        all: format.is_some(),
        ..ActionsRequest::from_query(&raw)?
    };
    let Some(format) = format else {
        let list = run_engine(&state, Lane::Lookup, move |engine, _| {
            engine.actions(&request)
        });
        return Ok(list.await?.into_response());
    };
    let Json(kept) = run_engine(&state, Lane::Lookup, move |engine, _| {
        engine.matching_actions(&request)
    })
    .await?;
    let engine = state.engine()?;
    Ok(stream_export(format, "maillage-actions", move |out| {
        let mut exporter = Exporter::start::<crate::query::ActionSummary>(out, format)?;
        for action in kept {
            if let Some(summary) = engine.action_summary(action) {
                exporter.record(&summary)?;
            }
        }
        exporter.finish().map(drop)
    }))
}

#[utoipa::path(get, path = "/api/actions/{id}", tag = "actions",
    params(("id" = String, Path, description = "Action id `<doc_id>#<section>` (`#` sent as `%23`); `/similar` after it for similar actions elsewhere")),
    responses(
        (status = 200, description = "The action: summary, fields in order, entities with roles", body = ActionDetail),
        (status = 404, description = "Unknown action", body = ErrorResponse)))]
pub async fn action(
    State(state): State<AppState>,
    uri: Uri,
    raw: RawQuery,
) -> Result<Response, ApiError> {
    let raw_tail = uri.path().strip_prefix("/api/actions/").unwrap_or("");
    if let Some(id) = raw_tail.strip_suffix("/similar") {
        let id = decode_component(id, "id", false)?;
        let limit = raw.number("limit")?;
        let similar = run_engine(&state, Lane::Search, move |engine, _| {
            engine.similar_actions(&id, limit)
        });
        let Json(similar): Json<SimilarActions> = similar.await?;
        return Ok(Json(similar).into_response());
    }
    let id = decode_component(raw_tail, "id", false)?;
    let detail = run_engine(&state, Lane::Lookup, move |engine, _| engine.action(&id));
    Ok(detail.await?.into_response())
}

/// `GET /api/compare`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// First territory: name or official code, any level.
    pub a: String,
    /// Second territory.
    pub b: String,
}

#[utoipa::path(get, path = "/api/compare", tag = "actions", params(CompareParams),
    responses(
        (status = 200, description = "`{a, b, both, only_a, only_b}`: dispositifs and actors both territories' plans name, or one only, with the actions naming them", body = Comparison),
        (status = 400, description = "Missing, unknown or ambiguous territory", body = ErrorResponse)))]
pub async fn compare(
    State(state): State<AppState>,
    raw: RawQuery,
) -> Result<Json<Comparison>, ApiError> {
    let a = raw.required("a")?;
    let b = raw.required("b")?;
    run_engine(&state, Lane::Lookup, move |engine, _| {
        engine.compare(&a, &b)
    })
    .await
}

/// Search hits as a file: every page of the ranking, up to the deepest page reachable.
pub(crate) fn export_search(
    engine: Arc<Engine>,
    mut request: crate::query::SearchRequest,
    format: Format,
) -> Response {
    stream_export(format, "maillage-recherche", move |out| {
        let mut exporter = Exporter::start::<crate::query::Hit>(out, format)?;
        let mut offset = 0;
        while offset < MAX_EXPORTED_HITS {
            request.offset = Some(offset);
            request.limit = Some(MAX_LIMIT);
            let Ok(page) = engine.search(&request) else {
                break;
            };
            for hit in &page.hits {
                exporter.record(hit)?;
            }
            offset += page.hits.len();
            if page.hits.len() < MAX_LIMIT || offset >= page.total {
                break;
            }
        }
        exporter.finish().map(drop)
    })
}

/// Records already gathered, as a file.
pub(crate) fn export_records<R: Record + Send + 'static>(
    records: Vec<R>,
    format: Format,
    name: &'static str,
) -> Response {
    stream_export(format, name, move |out| {
        let mut exporter = Exporter::start::<R>(out, format)?;
        for record in &records {
            exporter.record(record)?;
        }
        exporter.finish().map(drop)
    })
}

/// A response whose body is what `write` writes, produced on the blocking pool.
fn stream_export<F>(format: Format, name: &str, write: F) -> Response
where
    F: FnOnce(ChannelWriter) -> std::io::Result<()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(8);
    tokio::task::spawn_blocking(move || {
        let error = tx.clone();
        if let Err(e) = write(ChannelWriter {
            tx,
            buffer: Vec::with_capacity(CHUNK),
        }) {
            // The client is gone, or a record could not be written: end the body in error.
            let _ = error.blocking_send(Err(e));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{name}.{}\"",
        format.extension()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Bytes written in chunks to a response body.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client parti"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}
