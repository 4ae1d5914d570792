//! `/api/teams`: the company's team tree. Everyone signed in may read it; admins change it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use shared::api::{CreateTeamRequest, TeamView, UpdateTeamRequest};
use shared::{Problem, TeamId, TeamName};
use uuid::Uuid;

use super::error::ApiError;
use super::guard::{Can, ManageTeams};
use super::json::ApiJson;
use super::parse_id;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::teams::TeamRow;
use crate::db::{self, Tx, in_tx, now_ms};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/teams", get(list).post(create))
        .route("/api/teams/{id}", patch(update).delete(remove).get(show))
}

async fn list(
    State(state): State<AppState>,
    _: CurrentUser,
) -> Result<Json<Vec<TeamView>>, ApiError> {
    Ok(Json(db::teams::list(&state.db).await?))
}

async fn show(
    State(state): State<AppState>,
    _: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<TeamView>, ApiError> {
    let id: TeamId = parse_id(&id, "team")?;
    db::teams::view(&state.db, id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("team"))
}

fn parse_name(raw: &str) -> Result<TeamName, ApiError> {
    TeamName::parse(raw).map_err(|p| ApiError::invalid(p.at("name")))
}

/// 409 if a sibling under `parent` (other than `except`) already has this name.
async fn require_unique_name(
    tx: &mut Tx,
    parent: TeamId,
    name: &TeamName,
    except: Option<TeamId>,
) -> Result<(), ApiError> {
    let except = except.map(|t| t.as_uuid()).unwrap_or_else(Uuid::nil);
    let clash: i64 = in_tx!(tx, |conn| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM teams WHERE parent_id = $1 AND lower(name) = lower($2) AND id <> $3"
    )
    .bind(parent.as_uuid())
    .bind(name.as_str())
    .bind(except)
    .fetch_one(&mut *conn)
    .await
    })?;
    if clash > 0 {
        return Err(ApiError::Conflict {
            code: "team_name_taken",
            message: "a team with this name already exists under the same parent".to_owned(),
            field: Some("name"),
        });
    }
    Ok(())
}

async fn create(
    State(state): State<AppState>,
    _: Can<ManageTeams>,
    ApiJson(req): ApiJson<CreateTeamRequest>,
) -> Result<(StatusCode, Json<TeamView>), ApiError> {
    let name = parse_name(&req.name)?;
    let mut tx = state.db.begin_people().await?;
    db::teams::tree(&mut tx)
        .await?
        .check_create(req.parent_id)?;
    require_unique_name(&mut tx, req.parent_id, &name, None).await?;
    let now = now_ms();
    let row = TeamRow {
        id: Uuid::now_v7(),
        name: name.to_string(),
        parent_id: Some(req.parent_id.as_uuid()),
        created_at: now,
        updated_at: now,
    };
    db::teams::insert(&mut tx, &row).await?;
    tx.commit().await?;
    let id = TeamId::from_uuid(row.id);
    let view = db::teams::view(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("team"))?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn update(
    State(state): State<AppState>,
    _: Can<ManageTeams>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateTeamRequest>,
) -> Result<Json<TeamView>, ApiError> {
    let id: TeamId = parse_id(&id, "team")?;
    let name = req.name.as_deref().map(parse_name).transpose()?;
    let mut tx = state.db.begin_people().await?;
    let mut row = db::teams::find_in_tx(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound("team"))?;
    if let Some(parent) = req.parent_id
        && row.parent_id != Some(parent.as_uuid())
    {
        db::teams::tree(&mut tx).await?.check_move(id, parent)?;
        row.parent_id = Some(parent.as_uuid());
    }
    if let Some(name) = &name {
        row.name = name.to_string();
    }
    if let Some(parent) = row.parent_id {
        let name =
            TeamName::parse(&row.name).map_err(|p: Problem| ApiError::invalid(p.at("name")))?;
        require_unique_name(&mut tx, TeamId::from_uuid(parent), &name, Some(id)).await?;
    }
    row.updated_at = now_ms();
    db::teams::update(&mut tx, &row).await?;
    tx.commit().await?;
    let view = db::teams::view(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound("team"))?;
    Ok(Json(view))
}

async fn remove(
    State(state): State<AppState>,
    _: Can<ManageTeams>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: TeamId = parse_id(&id, "team")?;
    let mut tx = state.db.begin_people().await?;
    let tree = db::teams::tree(&mut tx).await?;
    let members =
        usize::try_from(db::users::count_in_team(&mut tx, id).await?).unwrap_or(usize::MAX);
    tree.check_delete(id, members)?;
    db::teams::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
