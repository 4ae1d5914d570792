//! `/api/stats/*`: aggregates for the home screen.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::TeamMembers;

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/stats/team-members", get(team_members))
}

async fn team_members(
    State(state): State<AppState>,
    _: CurrentUser,
) -> Result<Json<Vec<TeamMembers>>, ApiError> {
    Ok(Json(db::stats::team_members(&state.db).await?))
}
