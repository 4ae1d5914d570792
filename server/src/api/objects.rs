//! The schema as integrators and admins' scripts read it:
//!
//! - `GET /api/v1/objects` → `{"items": [object, …]}`: every object with its fields, their
//!   types and options (a select's choices, a deal's stages from the company's pipelines);
//! - `GET /api/v1/objects/{object}` → one object (404 for an unknown key);
//! - `GET /api/v1/field-types` → `{"items": [{"type", "name", "options", "operators",
//!   "computed"}, …]}`: every field type, the options it carries and the filter operators it
//!   offers (`?filter=` on lists).
//!
//! Today the objects are the built-in ones ([`shared::schema::builtin`]).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use shared::schema::{FieldKind, ObjectDef, builtin};

use super::error::ApiError;
use super::records::company_pipelines;
use crate::app::AppState;
use crate::auth::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/objects", get(list))
        .route("/api/v1/objects/{object}", get(one))
        .route("/api/v1/field-types", get(field_types))
}

async fn objects(state: &AppState, user: &CurrentUser) -> Result<Vec<ObjectDef>, ApiError> {
    let scope = crate::db::sync::directory_now(&state.db, &user.actor)
        .await?
        .scope();
    Ok(builtin::objects(&company_pipelines(state, &scope).await?))
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>, ApiError> {
    let items = objects(&state, &user).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Json<ObjectDef>, ApiError> {
    objects(&state, &user)
        .await?
        .into_iter()
        .find(|o| o.key.as_str() == key)
        .map(Json)
        .ok_or(ApiError::NotFound("object"))
}

async fn field_types(_user: CurrentUser) -> Json<Value> {
    let items: Vec<Value> = FieldKind::ALL
        .iter()
        .map(|kind| {
            json!({
                "type": kind.key(),
                "name": kind.name(),
                "options": kind.options(),
                "operators": shared::query::operators(*kind)
                    .iter()
                    .map(|op| op.key())
                    .collect::<Vec<_>>(),
                "computed": kind.is_computed(),
            })
        })
        .collect();
    Json(json!({ "items": items, "next_cursor": null }))
}
