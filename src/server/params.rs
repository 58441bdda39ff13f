//! Query strings, read by hand so that no input can produce axum's
//! plain-text rejections.
//!
//! A query string is percent-decoded here and checked to be UTF-8 (`%FF`
//! is a 400, not a silent U+FFFD), numbers are parsed with their bounds
//! (`limit=99999999999999999999` is a 400 that says why), and each route's
//! parameters become the library's typed request ([`FromQuery`]), which also
//! documents them in OpenAPI.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use utoipa::IntoParams;

use super::error::ApiError;
use crate::export::Format;
use crate::graph::GraphFormat;
use crate::query::{
    ActionsRequest, DocumentRequest, EntitiesRequest, GraphRequest, SearchRequest,
    TerritoriesRequest,
};

/// The decoded `(name, value)` pairs of a query string, in order.
#[derive(Debug, Clone, Default)]
pub struct RawQuery(pub Vec<(String, String)>);

#[axum::async_trait]
impl<S: Send + Sync> FromRequestParts<S> for RawQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<RawQuery, ApiError> {
        parse_query_string(parts.uri.query().unwrap_or(""))
    }
}

/// Decodes `%XX` escapes and `+`; a `%` not followed by two hex digits is
/// kept as it is, like browsers do.
pub fn percent_decode(raw: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hi = (bytes[i + 1] as char).to_digit(16);
            let lo = (bytes[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b == b'+' && plus_is_space { b' ' } else { b });
        i += 1;
    }
    out
}

/// Decodes one component and insists on UTF-8.
pub fn decode_component(raw: &str, what: &str, plus_is_space: bool) -> Result<String, ApiError> {
    String::from_utf8(percent_decode(raw, plus_is_space))
        .map_err(|_| ApiError::bad_parameter(what, "n'est pas de l'UTF-8 valide une fois décodé"))
}

/// Splits and decodes a query string.
pub fn parse_query_string(query: &str) -> Result<RawQuery, ApiError> {
    let mut pairs = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let name = decode_component(name, "query string", true)?;
        let value = decode_component(value, &name, true)?;
        pairs.push((name, value));
    }
    Ok(RawQuery(pairs))
}

impl RawQuery {
    /// The first value given for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A text parameter; empty counts as absent. Its length is the engine's to check.
    pub fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => Ok(Some(v.to_string())),
        }
    }

    /// A text parameter that must be given.
    pub fn required(&self, name: &'static str) -> Result<String, ApiError> {
        self.text(name)?
            .ok_or_else(|| ApiError::bad_parameter(name, "est obligatoire"))
    }

    /// A whole number; empty counts as absent. Its bounds are the engine's to check
    /// (`query::requests`), the same for the CLI and the API.
    pub fn number(&self, name: &str) -> Result<Option<usize>, ApiError> {
        let Some(raw) = self.get(name).map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let not_a_number = || ApiError::bad_parameter(name, "doit être un nombre entier positif");
        if !raw.chars().all(|c| c.is_ascii_digit()) {
            return Err(not_a_number());
        }
        raw.parse().map(Some).map_err(|_| not_a_number())
    }

    /// `true`/`1`/`oui` or `false`/`0`/`non`; empty counts as absent.
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name).map(|v| v.trim().to_lowercase()).as_deref() {
            None | Some("") => Ok(None),
            Some("true" | "1" | "oui" | "yes") => Ok(Some(true)),
            Some("false" | "0" | "non" | "no") => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_parameter(name, "doit valoir true ou false")),
        }
    }
}

/// A request read from a query string: each parameter turned from a string into its
/// field (a number is a number here, nothing more); defaults, limits and what the words
/// mean are the library's to check (`query::requests`), the same for the CLI and the API.
/// The request types also describe these parameters in OpenAPI.
pub trait FromQuery: Sized {
    fn from_query(raw: &RawQuery) -> Result<Self, ApiError>;
}

impl FromQuery for SearchRequest {
    fn from_query(raw: &RawQuery) -> Result<SearchRequest, ApiError> {
        Ok(SearchRequest {
            q: raw.text("q")?.unwrap_or_default(),
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
            territory: raw.text("territory")?,
            kind: raw.text("kind")?,
            exact: raw.flag("exact")?.unwrap_or(false),
            group: raw.text("group")?,
        })
    }
}

impl FromQuery for EntitiesRequest {
    fn from_query(raw: &RawQuery) -> Result<EntitiesRequest, ApiError> {
        Ok(EntitiesRequest {
            q: raw.text("q")?,
            kind: raw.text("kind")?,
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
        })
    }
}

impl FromQuery for TerritoriesRequest {
    fn from_query(raw: &RawQuery) -> Result<TerritoriesRequest, ApiError> {
        Ok(TerritoriesRequest {
            entity: raw.required("entity")?,
            role: raw.text("role")?,
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
            all: false,
        })
    }
}

/// The page asked; the document's id is the path's.
impl FromQuery for DocumentRequest {
    fn from_query(raw: &RawQuery) -> Result<DocumentRequest, ApiError> {
        Ok(DocumentRequest {
            doc_id: String::new(),
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
            all: false,
        })
    }
}

impl FromQuery for GraphRequest {
    fn from_query(raw: &RawQuery) -> Result<GraphRequest, ApiError> {
        Ok(GraphRequest {
            entity: raw.required("entity")?,
            depth: raw.number("depth")?,
        })
    }
}

/// A page of actions; an export (`format`) holds every action.
impl FromQuery for ActionsRequest {
    fn from_query(raw: &RawQuery) -> Result<ActionsRequest, ApiError> {
        Ok(ActionsRequest {
            q: raw.text("q")?,
            territory: raw.text("territory")?,
            kind: raw.text("kind")?,
            entity: raw.text("entity")?,
            role: raw.text("role")?,
            dispositif: raw.text("dispositif")?,
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
            all: false,
        })
    }
}

/// `format` on the routes whose answer can be a file (`/api/search`, `/api/territories`,
/// `/api/actions`).
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (`;`, UTF-8 with BOM), `csv-comma` or `jsonl`: a file instead of JSON.
    pub format: Option<String>,
}

impl ExportParams {
    /// The export asked for, if any (`json` is the default answer).
    pub fn format(raw: &RawQuery) -> Result<Option<Format>, ApiError> {
        match raw.text("format")?.as_deref() {
            None | Some("json") => Ok(None),
            Some(name) => Ok(Some(Format::parse(name)?)),
        }
    }
}

/// `format` on `/api/graph`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GraphFormatParams {
    /// `json` (default) or `graphml` (a GraphML file to download, for Gephi, Cytoscape, networkx).
    pub format: Option<String>,
}

impl GraphFormatParams {
    pub fn format(raw: &RawQuery) -> Result<GraphFormat, ApiError> {
        match raw.text("format")? {
            Some(format) => Ok(format.parse()?),
            None => Ok(GraphFormat::Json),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_french_and_plus() {
        let raw = parse_query_string("q=parentalit%C3%A9+%C2%AB+LAEP+%C2%BB&limit=5").unwrap();
        assert_eq!(raw.get("q"), Some("parentalité « LAEP »"));
        assert_eq!(raw.number("limit").unwrap(), Some(5));
    }

    #[test]
    fn invalid_utf8_is_a_bad_parameter() {
        let err = parse_query_string("q=%FF").unwrap_err();
        assert_eq!(err.status.as_u16(), 400);
        assert!(parse_query_string("%C3=x").is_err());
    }

    #[test]
    fn stray_percent_signs_survive() {
        let raw = parse_query_string("q=100%25+r%C3%A9ussite%&x=%2").unwrap();
        assert_eq!(raw.get("q"), Some("100% réussite%"));
        assert_eq!(raw.get("x"), Some("%2"));
    }

    #[test]
    fn absurd_numbers_are_refused() {
        let raw = parse_query_string("limit=99999999999999999999&offset=-1&depth=2").unwrap();
        assert!(raw.number("limit").is_err());
        assert!(raw.number("offset").is_err());
        assert_eq!(raw.number("depth").unwrap(), Some(2));
        assert!(
            GraphRequest::from_query(&raw).is_err(),
            "entity is required"
        );
    }

    #[test]
    fn graph_formats_are_read_and_unknown_ones_refused() {
        let raw = parse_query_string("entity=CAF&format=GraphML").unwrap();
        assert_eq!(
            GraphFormatParams::format(&raw).unwrap(),
            GraphFormat::Graphml
        );
        let raw = parse_query_string("entity=CAF").unwrap();
        assert_eq!(GraphFormatParams::format(&raw).unwrap(), GraphFormat::Json);
        let raw = parse_query_string("entity=CAF&format=gexf").unwrap();
        let err = GraphFormatParams::format(&raw).unwrap_err();
        assert_eq!((err.status.as_u16(), err.code), (400, "invalid_parameter"));
        assert!(err.message.contains("graphml"), "{}", err.message);
    }

    #[test]
    fn bounds_are_left_to_the_engine() {
        let raw = parse_query_string("limit=5000&q=parentalit%C3%A9").unwrap();
        let params = SearchRequest::from_query(&raw).unwrap();
        assert_eq!(params.limit, Some(5000));
    }
}
