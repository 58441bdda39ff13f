//! The one error shape of the HTTP API: `{"error":{"code","message"}}`.
//!
//! Every failure, whether the library refused a parameter, axum could not
//! parse a path, or the route does not exist, goes through [`ApiError`] so a
//! client never has to parse a plain-text rejection. What a user can type
//! maps to 4xx; only what goes wrong underneath is a 5xx, and it is logged.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::Error;

/// An HTTP error with a stable machine `code` and a message for a person.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Names spelled close to one that matched nothing ("did you mean").
    pub suggestions: Option<serde_json::Value>,
    /// The places an ambiguous name may mean, to choose from.
    pub choices: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestions: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<&'a serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            suggestions: None,
            choices: None,
        }
    }

    fn detail(&self) -> ErrorDetail<'_> {
        ErrorDetail {
            code: self.code,
            message: &self.message,
            suggestions: self.suggestions.as_ref(),
            choices: self.choices.as_ref(),
        }
    }

    /// A 400 for a parameter that is malformed or out of bounds.
    pub fn bad_parameter(name: &str, message: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            format!("paramètre `{name}` invalide : {message}"),
        )
    }

    /// A 404 for a route that does not exist.
    pub fn no_route(path: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("aucune route {path}"),
        )
    }

    /// A 500 whose details are logged, not shown.
    pub fn internal(context: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "erreur interne, voir le journal du serveur",
        )
    }

    /// The JSON body, for callers that build responses by hand.
    pub fn body_json(&self) -> String {
        serde_json::to_string(&ErrorBody {
            error: self.detail(),
        })
        .unwrap_or_else(|_| r#"{"error":{"code":"internal","message":"internal error"}}"#.into())
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> ApiError {
        let message = err.to_string();
        match err {
            Error::InvalidQuery(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", message)
            }
            Error::OnlyStopWords(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "only_stop_words", message)
            }
            Error::InvalidParameter { .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", message)
            }
            Error::NotFound { suggestions, .. } => {
                let mut e = ApiError::new(StatusCode::NOT_FOUND, "not_found", message);
                e.suggestions = (!suggestions.is_empty()).then(|| serde_json::json!(suggestions));
                e
            }
            Error::UnknownTerritory { suggestions, .. } => {
                let mut e = ApiError::new(StatusCode::BAD_REQUEST, "unknown_territory", message);
                e.suggestions = Some(serde_json::json!(suggestions));
                e
            }
            Error::AmbiguousTerritory { choices, .. } => {
                let mut e = ApiError::new(StatusCode::BAD_REQUEST, "ambiguous_territory", message);
                e.choices = Some(serde_json::json!(choices));
                e
            }
            Error::MissingIndex(_) => {
                tracing::warn!("{message}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "missing_index",
                    "l'index n'est pas encore disponible",
                )
            }
            Error::Budget { spent, .. } => {
                let code = match spent {
                    crate::query::Spent::Time => "search_time_exceeded",
                    crate::query::Spent::Scored => "search_too_broad",
                    crate::query::Spent::Cancelled => "cancelled",
                };
                tracing::warn!("{code}: {message}");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
            }
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.detail(),
            }),
        )
            .into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Every 503 here is momentary: a busy queue, a spent budget, an index being built.
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_errors_are_client_errors() {
        let e: ApiError = Error::NotFound {
            what: "entité",
            id: "Mision Locale".into(),
            suggestions: vec!["Mission Locale".into()],
        }
        .into();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        let v: serde_json::Value = serde_json::from_str(&e.body_json()).unwrap();
        assert_eq!(v["error"]["suggestions"][0], "Mission Locale");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("vouliez-vous dire : Mission Locale"));
        let e: ApiError = Error::AmbiguousTerritory {
            name: "Saint-Denis".into(),
            choices: vec![crate::Territory {
                name: "Saint-Denis (Seine-Saint-Denis)".into(),
                code: "93066".into(),
                kind: crate::TerritoryKind::Commune,
            }],
        }
        .into();
        assert_eq!(
            (e.status, e.code),
            (StatusCode::BAD_REQUEST, "ambiguous_territory")
        );
        let v: serde_json::Value = serde_json::from_str(&e.body_json()).unwrap();
        assert_eq!(v["error"]["choices"][0]["code"], "93066");
        let e: ApiError = Error::OnlyStopWords("de la".into()).into();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.code, "only_stop_words");
        let e: ApiError = Error::MissingIndex("index".into()).into();
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn body_is_the_documented_shape() {
        let e = ApiError::bad_parameter("limit", "doit être un entier « positif »");
        let v: serde_json::Value = serde_json::from_str(&e.body_json()).unwrap();
        assert_eq!(v["error"]["code"], "invalid_parameter");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("« positif »"));
    }
}
