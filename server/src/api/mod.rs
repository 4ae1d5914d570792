//! The JSON API. One module per resource, each with its own `router()`, merged here.

pub mod auth;
pub mod computed;
pub mod error;
pub mod files;
pub mod guard;
pub mod health;
pub mod json;
pub mod objects;
pub mod records;
pub mod roles;
pub mod setup;
pub mod stats;
pub mod teams;
pub mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::app::AppState;
use crate::sync::{self, SYNC_BODY_LIMIT};
use error::ApiError;
use json::{BodyLimit, DEFAULT_BODY_LIMIT};

/// Sign-in and setup bodies are a few hundred bytes; anything near this limit is abuse.
pub const AUTH_BODY_LIMIT: usize = 16 * 1024;

pub fn router(state: &AppState) -> Router<AppState> {
    let small = Router::new().merge(auth::router()).merge(setup::router());
    // People, teams and roles decide who sees what: devices pull after every change to them.
    let general = Router::new()
        .merge(users::router())
        .merge(teams::router())
        .merge(roles::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            poke_after_change,
        ))
        .merge(stats::router())
        .merge(objects::router());
    // Writes to synced records take a write slot before their body is read; pulls and REST
    // lists take slots of their own (see `crate::admission`).
    let admit = axum::middleware::from_fn_with_state(state.clone(), crate::admission::admit);
    let admit_pull =
        axum::middleware::from_fn_with_state(state.clone(), crate::admission::admit_pull);
    Router::new()
        .merge(with_body_limit(small, AUTH_BODY_LIMIT))
        .merge(with_body_limit(general, DEFAULT_BODY_LIMIT))
        .merge(with_body_limit(
            records::router(state).layer(admit.clone()),
            DEFAULT_BODY_LIMIT,
        ))
        .merge(with_body_limit(
            sync::push_router().layer(admit),
            SYNC_BODY_LIMIT,
        ))
        .merge(with_body_limit(
            sync::pull_router().layer(admit_pull),
            DEFAULT_BODY_LIMIT,
        ))
        // Uploads read their body themselves, up to their own limit.
        .merge(files::router().layer(DefaultBodyLimit::disable()))
        .merge(sync::events_router())
        .merge(health::router())
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// After a successful change, poke every device so that it pulls (its scope or directory may
/// have changed), on every server instance.
async fn poke_after_change(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let changes = request.method() != axum::http::Method::GET;
    let response = next.run(request).await;
    if changes && response.status().is_success() {
        match crate::db::sync::head(&state.db).await {
            Ok(head) => {
                let everyone = shared::sync::Reach::everyone();
                if let crate::db::Db::Postgres(pool) = &state.db
                    && let Err(e) = crate::sync::events::notify(pool, head.version, &everyone).await
                {
                    tracing::warn!(error = %e, "cannot poke the other instances");
                }
                state.pokes.poke(head.version, everyone);
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the sync version"),
        }
    }
    response
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
