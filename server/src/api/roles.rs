//! `/api/roles`: each role's data scope. Everyone signed in may read; admins change.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use shared::Role;
use shared::api::{RoleView, UpdateRoleRequest};

use super::error::ApiError;
use super::guard::{Can, ManageRoles};
use super::json::ApiJson;
use super::parse_id;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/roles", get(list))
        .route("/api/roles/{role}", put(update))
}

async fn list(
    State(state): State<AppState>,
    _: CurrentUser,
) -> Result<Json<Vec<RoleView>>, ApiError> {
    let scopes = db::roles::list(&state.db).await?;
    Ok(Json(
        scopes
            .into_iter()
            .map(|(role, scope)| RoleView { role, scope })
            .collect(),
    ))
}

async fn update(
    State(state): State<AppState>,
    _: Can<ManageRoles>,
    Path(role): Path<String>,
    ApiJson(req): ApiJson<UpdateRoleRequest>,
) -> Result<Json<RoleView>, ApiError> {
    let role: Role = parse_id(&role, "role")?;
    db::roles::set(&state.db, role, req.scope).await?;
    Ok(Json(RoleView {
        role,
        scope: req.scope,
    }))
}
