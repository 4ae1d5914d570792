//! `GET /healthz`: is this instance up, and can it reach its database?

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::Health;

use super::error::ApiError;
use crate::app::AppState;
use crate::db::read;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let _: i32 = read!(&state.db, |pool| sqlx::query_scalar("SELECT 1")
        .fetch_one(pool)
        .await)?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        db: state.db.backend().as_str().to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}
