//! `ApiJson<T>`: the JSON body extractor. Unlike axum's own, every way a body can be wrong ends
//! in our error format: not JSON at all (400 `malformed_json`), too large (413), wrong content
//! type (415), or a field of the wrong type or missing (422, naming the field).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;
use shared::Problem;

use super::error::ApiError;

/// The limit for request bodies unless a route sets its own.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

/// Bodies larger than a small write (`crate::admission::SMALL_WRITE`) are parsed on the
/// blocking pool, so that parsing megabytes does not hold up the other requests served by the
/// same runtime thread.
const PARSE_ASIDE: usize = crate::admission::SMALL_WRITE as usize;

impl<S: Send + Sync, T: DeserializeOwned + Send + 'static> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json") || mime.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = req
            .extensions()
            .get::<BodyLimit>()
            .map_or(DEFAULT_BODY_LIMIT, |l| l.0);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::BadRequest {
                    code: "unreadable_body",
                    message: rejection.body_text(),
                }
            }
        })?;
        if bytes.len() <= PARSE_ASIDE {
            return parse(&bytes).map(ApiJson);
        }
        tokio::task::spawn_blocking(move || parse(&bytes))
            .await
            .map_err(ApiError::internal)?
            .map(ApiJson)
    }
}

/// The body limit of a route, recorded for error messages (the limit itself is enforced by
/// `DefaultBodyLimit`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Parse a JSON body, classifying failures.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    if result.is_ok() {
        // Trailing garbage after the value makes the body malformed too.
        de.end().map_err(|e| ApiError::BadRequest {
            code: "malformed_json",
            message: format!("the body is not valid JSON: {e}"),
        })?;
    }
    result.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let text = inner.to_string();
                let (field, problem) = match missing_field(&text) {
                    Some(name) if path == "." => (name.to_owned(), Problem::Required),
                    _ if path == "." || path.starts_with('[') => {
                        ("body".to_owned(), Problem::Invalid)
                    }
                    _ => (path, Problem::Invalid),
                };
                ApiError::invalid(problem.at(&field))
            }
            _ => ApiError::BadRequest {
                code: "malformed_json",
                message: format!("the body is not valid JSON: {inner}"),
            },
        }
    })
}

/// serde reports a missing field as "missing field `name` at line …".
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use shared::Role;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        role: Role,
    }

    fn error_of(body: &str) -> (String, Option<String>) {
        let error = parse::<Body>(body.as_bytes()).expect_err("should fail");
        let status = error.status().as_u16().to_string();
        let field = match error {
            ApiError::Validation(errors) => errors
                .first()
                .map(|e| format!("{}:{}", e.field, e.problem.code())),
            ApiError::BadRequest { code, .. } => Some(code.to_owned()),
            _ => None,
        };
        (status, field)
    }

    #[test]
    fn classifies_failures() {
        assert_eq!(
            error_of("{\"name\": "),
            ("400".into(), Some("malformed_json".into()))
        );
        assert_eq!(
            error_of("not json"),
            ("400".into(), Some("malformed_json".into()))
        );
        assert_eq!(
            error_of("{\"name\":\"a\",\"role\":\"admin\"} x"),
            ("400".into(), Some("malformed_json".into()))
        );
        assert_eq!(
            error_of("{\"name\":\"a\",\"role\":\"boss\"}"),
            ("422".into(), Some("role:invalid".into()))
        );
        assert_eq!(
            error_of("{\"name\":\"a\"}"),
            ("422".into(), Some("role:required".into()))
        );
        assert_eq!(
            error_of("{\"name\":5,\"role\":\"admin\"}"),
            ("422".into(), Some("name:invalid".into()))
        );
        assert_eq!(
            error_of("[1,2]"),
            ("422".into(), Some("body:invalid".into()))
        );
    }

    #[test]
    fn accepts_valid_bodies() {
        let body: Body = parse(b"{\"name\":\"a\",\"role\":\"sales\"}").expect("valid");
        assert_eq!(body.role, Role::Sales);
    }
}
