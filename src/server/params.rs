//! Query strings, read by hand so that no input can produce axum's
//! plain-text rejections.
//!
//! A query string is percent-decoded here and checked to be UTF-8 (`%FF`
//! is a 400, not a silent U+FFFD), numbers are parsed with their bounds
//! (`limit=99999999999999999999` is a 400 that says why), and each route
//! gets a typed parameter struct that also documents itself in OpenAPI.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;
use crate::graph::GraphFormat;

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

/// `GET /api/search`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words, "quoted phrases", -excluded words (at most 1000 characters).
    pub q: String,
    /// Hits per page, 1 to 100 (default 10).
    pub limit: Option<usize>,
    /// Hits to skip, 0 to 10000.
    pub offset: Option<usize>,
    /// Territory name or official code.
    pub territory: Option<String>,
    /// Document kind: ctg, contrat_de_ville, pedt, fiche_coordination, article, conseil_municipal.
    pub kind: Option<String>,
    /// `true`: search the words only as typed, without spelling corrections.
    pub exact: Option<bool>,
    /// `action`: one result per action sheet with its fields holding the words; `passage` (default).
    pub group: Option<String>,
}

impl SearchParams {
    pub fn from_query(raw: &RawQuery) -> Result<SearchParams, ApiError> {
        Ok(SearchParams {
            q: raw.text("q")?.unwrap_or_default(),
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
            territory: raw.text("territory")?,
            kind: raw.text("kind")?,
            exact: raw.flag("exact")?,
            group: raw.text("group")?,
        })
    }
}

/// `GET /api/entities`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntitiesParams {
    /// Part of a name or alias; all entities when absent.
    pub q: Option<String>,
    /// organisation, dispositif, structure, association, autre.
    pub kind: Option<String>,
    /// 1 to 1000 (default 50).
    pub limit: Option<usize>,
    /// Entities to skip (default 0).
    pub offset: Option<usize>,
}

impl EntitiesParams {
    pub fn from_query(raw: &RawQuery) -> Result<EntitiesParams, ApiError> {
        Ok(EntitiesParams {
            q: raw.text("q")?,
            kind: raw.text("kind")?,
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
        })
    }
}

/// `GET /api/territories`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TerritoriesParams {
    /// Entity name, sigle or id.
    pub entity: String,
    /// pilot, partner, funder, mention or any (default).
    pub role: Option<String>,
    /// Territories per page, 1 to 1000 (default 100), strongest roles first.
    pub limit: Option<usize>,
    /// Territories to skip (default 0).
    pub offset: Option<usize>,
}

impl TerritoriesParams {
    pub fn from_query(raw: &RawQuery) -> Result<TerritoriesParams, ApiError> {
        Ok(TerritoriesParams {
            entity: raw
                .text("entity")?
                .ok_or_else(|| ApiError::bad_parameter("entity", "est obligatoire"))?,
            role: raw.text("role")?,
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
        })
    }
}

/// `GET /api/documents/{doc_id}`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentParams {
    /// Passages per answer, 1 to 10,000 (default 2,000); `passages_total` says how many there are.
    pub limit: Option<usize>,
    /// Passages to skip (default 0).
    pub offset: Option<usize>,
}

impl DocumentParams {
    pub fn from_query(raw: &RawQuery) -> Result<DocumentParams, ApiError> {
        Ok(DocumentParams {
            limit: raw.number("limit")?,
            offset: raw.number("offset")?,
        })
    }
}

/// `GET /api/graph`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GraphParams {
    /// Entity name, sigle or id.
    pub entity: String,
    /// 1 to 3 hops (default 1).
    pub depth: Option<usize>,
    /// `json` (default) or `graphml` (a GraphML file to download, for Gephi, Cytoscape, networkx).
    #[param(value_type = Option<String>)]
    #[serde(default)]
    pub format: GraphFormat,
}

impl GraphParams {
    pub fn from_query(raw: &RawQuery) -> Result<GraphParams, ApiError> {
        Ok(GraphParams {
            entity: raw
                .text("entity")?
                .ok_or_else(|| ApiError::bad_parameter("entity", "est obligatoire"))?,
            depth: raw.number("depth")?,
            format: match raw.text("format")? {
                Some(format) => format.parse()?,
                None => GraphFormat::Json,
            },
        })
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
        assert!(GraphParams::from_query(&raw).is_err(), "entity is required");
    }

    #[test]
    fn graph_formats_are_read_and_unknown_ones_refused() {
        let raw = parse_query_string("entity=CAF&format=GraphML").unwrap();
        assert_eq!(
            GraphParams::from_query(&raw).unwrap().format,
            GraphFormat::Graphml
        );
        let raw = parse_query_string("entity=CAF").unwrap();
        assert_eq!(
            GraphParams::from_query(&raw).unwrap().format,
            GraphFormat::Json
        );
        let raw = parse_query_string("entity=CAF&format=gexf").unwrap();
        let err = GraphParams::from_query(&raw).unwrap_err();
        assert_eq!((err.status.as_u16(), err.code), (400, "invalid_parameter"));
        assert!(err.message.contains("graphml"), "{}", err.message);
    }

    #[test]
    fn bounds_are_left_to_the_engine() {
        let raw = parse_query_string("limit=5000&q=parentalit%C3%A9").unwrap();
        let params = SearchParams::from_query(&raw).unwrap();
        assert_eq!(params.limit, Some(5000));
    }
}
