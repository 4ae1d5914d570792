//! The one error type of the HTTP API. Every failure becomes
//! `{"error": {"code", "message", "field"}}` with the right status; internal errors are logged
//! with their cause and shown to the client only as "internal error".

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::FieldError;
use shared::TeamRuleError;
use shared::api::{ErrorBody, ErrorDetail, ErrorInfo};
use shared::user::AccountRuleError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not valid JSON, or the request is malformed in another way.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 401: no valid session.
    #[error("sign in first")]
    Unauthorized,
    /// 401: wrong email or password (never says which).
    #[error("wrong email or password")]
    BadCredentials,
    /// 403: signed in, but the role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// 404
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 405
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the request conflicts with the current state.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<&'static str>,
    },
    /// 413
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415
    #[error("send the body as JSON with Content-Type: application/json")]
    UnsupportedMediaType,
    /// 422: one or more fields are invalid.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// 408: the request was not received or answered in time.
    #[error("the request took too long")]
    Timeout,
    /// 403: a write authenticated by the session cookie came from another site.
    #[error("this request comes from another site")]
    ForeignOrigin,
    /// 429
    #[error("too many attempts; try again in {} seconds", .0.as_secs().max(1))]
    RateLimited(Duration),
    /// 503: too much work queued already; the client retries after the given time. Not an
    /// error of the server: it is how it keeps serving under a burst.
    #[error("the server is busy; try again in {} seconds", .0.as_secs().max(1))]
    Busy(Duration),
    /// 500: logged, never shown.
    #[error("internal error: {0}")]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ApiError::Internal(error.into())
    }

    pub fn invalid(error: FieldError) -> Self {
        ApiError::Validation(vec![error])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::ForeignOrigin => StatusCode::FORBIDDEN,
            ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn info(&self) -> ErrorInfo {
        let plain = |code: &str, field: Option<&str>| ErrorInfo {
            code: code.to_owned(),
            message: self.to_string(),
            field: field.map(str::to_owned),
            details: Vec::new(),
        };
        match self {
            ApiError::BadRequest { code, .. } => plain(code, None),
            ApiError::Unauthorized => plain("unauthorized", None),
            ApiError::BadCredentials => plain("bad_credentials", None),
            ApiError::Forbidden => plain("forbidden", None),
            ApiError::NotFound(_) => plain("not_found", None),
            ApiError::MethodNotAllowed => plain("method_not_allowed", None),
            ApiError::Conflict { code, field, .. } => plain(code, *field),
            ApiError::PayloadTooLarge { .. } => plain("payload_too_large", None),
            ApiError::UnsupportedMediaType => plain("unsupported_media_type", None),
            ApiError::RateLimited(_) => plain("rate_limited", None),
            ApiError::Timeout => plain("request_timeout", None),
            ApiError::ForeignOrigin => plain("foreign_origin", None),
            ApiError::Busy(_) => plain("busy", None),
            ApiError::Internal(_) => ErrorInfo {
                code: "internal".to_owned(),
                message: "internal server error".to_owned(),
                field: None,
                details: Vec::new(),
            },
            ApiError::Validation(errors) => {
                let details: Vec<ErrorDetail> = errors
                    .iter()
                    .map(|e| ErrorDetail {
                        field: e.field.clone(),
                        message: e.to_string(),
                        problem: e.problem.clone(),
                    })
                    .collect();
                let first = details.first();
                ErrorInfo {
                    code: "validation_failed".to_owned(),
                    message: first
                        .map_or_else(|| "invalid input".to_owned(), |d| d.message.clone()),
                    field: first.map(|d| d.field.clone()),
                    details,
                }
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        let mut response = (status, axum::Json(ErrorBody { error: self.info() })).into_response();
        if let ApiError::RateLimited(wait) | ApiError::Busy(wait) = self
            && let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(Box::new(error))
    }
}

impl From<crate::auth::password::HashError> for ApiError {
    fn from(error: crate::auth::password::HashError) -> Self {
        ApiError::Internal(Box::new(error))
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        ApiError::Validation(errors)
    }
}

impl From<TeamRuleError> for ApiError {
    fn from(error: TeamRuleError) -> Self {
        let (code, field) = match error {
            TeamRuleError::UnknownTeam(_) => return ApiError::NotFound("team"),
            TeamRuleError::UnknownParent => ("unknown_parent", Some("parent_id")),
            TeamRuleError::RootCannotMove => ("root_cannot_move", Some("parent_id")),
            TeamRuleError::RootCannotBeDeleted => ("root_cannot_be_deleted", None),
            TeamRuleError::WouldCycle => ("would_cycle", Some("parent_id")),
            TeamRuleError::TooDeep { .. } => ("too_deep", Some("parent_id")),
            TeamRuleError::HasSubTeams { .. } => ("team_has_sub_teams", None),
            TeamRuleError::HasMembers { .. } => ("team_has_members", None),
        };
        ApiError::Conflict {
            code,
            message: error.to_string(),
            field,
        }
    }
}

impl From<AccountRuleError> for ApiError {
    fn from(error: AccountRuleError) -> Self {
        ApiError::Conflict {
            code: error.code(),
            message: error.to_string(),
            field: Some(error.field()),
        }
    }
}
