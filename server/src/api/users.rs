//! `/api/users`: the admin's user management.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::{CreateUserRequest, UpdateUserRequest, UserView};
use shared::user::{AccountState, check_account_change};
use shared::{Email, Problem, UserId};
use uuid::Uuid;

use super::error::ApiError;
use super::guard::{Can, ManageUsers};
use super::json::ApiJson;
use super::parse_id;
use super::setup::email_taken;
use crate::app::AppState;
use crate::auth::password;
use crate::db::users::UserRow;
use crate::db::{self, Tx, is_unique_violation, now_ms};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/users", get(list).post(create))
        .route("/api/users/{id}", get(show).patch(update))
}

async fn list(
    State(state): State<AppState>,
    _: Can<ManageUsers>,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let rows = db::users::list(&state.db).await?;
    Ok(Json(
        rows.iter().map(UserRow::view).collect::<Result<_, _>>()?,
    ))
}

async fn show(
    State(state): State<AppState>,
    _: Can<ManageUsers>,
    Path(id): Path<String>,
) -> Result<Json<UserView>, ApiError> {
    let id: UserId = parse_id(&id, "user")?;
    let row = db::users::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    Ok(Json(row.view()?))
}

/// 422 on `team_id` unless the team exists.
async fn require_team(tx: &mut Tx, team: shared::TeamId) -> Result<(), ApiError> {
    match db::teams::find_in_tx(tx, team).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::invalid(Problem::NotFound.at("team_id"))),
    }
}

async fn create(
    State(state): State<AppState>,
    _: Can<ManageUsers>,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let new = req.validate()?;
    let hash = password::hash(new.password.expose().to_owned()).await?;
    let mut tx = state.db.begin_people().await?;
    require_team(&mut tx, new.team).await?;
    let now = now_ms();
    let row = UserRow {
        id: Uuid::now_v7(),
        email: new.email.to_string(),
        display_name: new.display_name.to_string(),
        phone: new.phone.map(String::from),
        role: new.role.as_str().to_owned(),
        team_id: new.team.as_uuid(),
        active: true,
        password_hash: hash,
        created_at: now,
        updated_at: now,
    };
    match db::users::insert(&mut tx, &row).await {
        Err(e) if is_unique_violation(&e) => return Err(email_taken()),
        other => other?,
    }
    tx.commit().await?;
    tracing::info!(user = %row.id, role = %row.role, "user created");
    Ok((StatusCode::CREATED, Json(row.view()?)))
}

async fn update(
    State(state): State<AppState>,
    Can(editor, _): Can<ManageUsers>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> Result<Json<UserView>, ApiError> {
    let id: UserId = parse_id(&id, "user")?;
    let before = db::users::find(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    let current_email = Email::parse(&before.email)
        .map_err(|_| ApiError::internal("stored email does not parse"))?;
    let changes = req.validate(&current_email)?;
    let new_hash = match &changes.password {
        Some(p) => Some(password::hash(p.expose().to_owned()).await?),
        None => None,
    };

    let mut tx = state.db.begin_people().await?;
    let mut row = db::users::find_in_tx(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    let active_admins =
        usize::try_from(db::users::count_active_admins(&mut tx).await?).unwrap_or(0);
    let target = AccountState {
        id,
        role: row.role()?,
        active: row.active,
    };
    check_account_change(editor.id(), target, &changes, active_admins)?;
    if let Some(team) = changes.team {
        require_team(&mut tx, team).await?;
        row.team_id = team.as_uuid();
    }
    if let Some(email) = &changes.email {
        row.email = email.to_string();
    }
    if let Some(name) = &changes.display_name {
        row.display_name = name.to_string();
    }
    if let Some(phone) = &changes.phone {
        row.phone = phone.clone().map(String::from);
    }
    if let Some(role) = changes.role {
        row.role = role.as_str().to_owned();
    }
    if let Some(active) = changes.active {
        row.active = active;
    }
    if let Some(hash) = new_hash {
        row.password_hash = hash;
    }
    row.updated_at = now_ms();
    match db::users::update(&mut tx, &row).await {
        Err(e) if is_unique_violation(&e) => return Err(email_taken()),
        other => other?,
    }
    // A deactivated account, or one whose password was reset, is signed out everywhere at once
    // (the editor keeps the session they are using).
    if changes.active == Some(false) {
        db::sessions::delete_for_user(&mut tx, id).await?;
    } else if changes.password.is_some() {
        db::sessions::delete_for_user_except(&mut tx, id, &editor.token_hash).await?;
    }
    tx.commit().await?;
    if changes.active == Some(false) || changes.password.is_some() {
        state.pokes.sessions_ended();
    }
    tracing::info!(user = %id, editor = %editor.id(), "user updated");
    Ok(Json(row.view()?))
}
