//! The JSON API. One module per resource, each with its own `router()`, merged here.

pub mod auth;
pub mod error;
pub mod guard;
pub mod health;
pub mod json;
pub mod roles;
pub mod setup;
pub mod stats;
pub mod teams;
pub mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::app::AppState;
use error::ApiError;
use json::{BodyLimit, DEFAULT_BODY_LIMIT};

/// Sign-in and setup bodies are a few hundred bytes; anything near this limit is abuse.
pub const AUTH_BODY_LIMIT: usize = 16 * 1024;

pub fn router() -> Router<AppState> {
    let small = Router::new().merge(auth::router()).merge(setup::router());
    let general = Router::new()
        .merge(users::router())
        .merge(teams::router())
        .merge(roles::router())
        .merge(stats::router());
    Router::new()
        .merge(with_body_limit(small, AUTH_BODY_LIMIT))
        .merge(with_body_limit(general, DEFAULT_BODY_LIMIT))
        .merge(health::router())
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

fn with_body_limit(router: Router<AppState>, limit: usize) -> Router<AppState> {
    router
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::Extension(BodyLimit(limit)))
}

/// Parse an id from a path segment; anything that is not one names nothing, so it is a 404.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound(what))
}
