//! The one-time setup of a fresh installation: `GET /api/setup` says whether it is needed,
//! `POST /api/setup` creates the company and its first admin, and signs them in. Once anyone
//! exists, setup is closed for good.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::{SetupRequest, SetupStatus};

use super::auth::sign_in;
use super::error::ApiError;
use super::json::ApiJson;
use crate::app::AppState;
use crate::db;
use crate::people::{self, BootstrapError};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/setup", get(status).post(set_up))
}

async fn status(State(state): State<AppState>) -> Result<Json<SetupStatus>, ApiError> {
    Ok(Json(SetupStatus {
        needed: db::users::count(&state.db).await? == 0,
    }))
}

async fn set_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SetupRequest>,
) -> Result<Response, ApiError> {
    let setup = req.validate()?;
    let admin = people::bootstrap_admin(&state.db, &setup, true)
        .await
        .map_err(|e| match e {
            BootstrapError::AlreadySetUp => ApiError::Conflict {
                code: "already_set_up",
                message: "this installation is already set up; sign in instead".to_owned(),
                field: None,
            },
            BootstrapError::EmailTaken => email_taken(),
            BootstrapError::Db(e) => e.into(),
            BootstrapError::Hash(e) => e.into(),
        })?;
    sign_in(&state, &admin, &headers, axum::http::StatusCode::CREATED).await
}

pub fn email_taken() -> ApiError {
    ApiError::Conflict {
        code: "email_taken",
        message: "another user already has this email address".to_owned(),
        field: Some("email"),
    }
}
