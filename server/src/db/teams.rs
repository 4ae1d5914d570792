//! The `teams` table: the company's department tree.

use shared::api::TeamView;
use shared::{TeamId, TeamTree};
use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, Tx, in_tx, read};

#[derive(Debug, Clone, FromRow)]
pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, FromRow)]
struct TeamWithCount {
    id: Uuid,
    name: String,
    parent_id: Option<Uuid>,
    created_at: i64,
    updated_at: i64,
    member_count: i64,
}

const LIST: &str = "SELECT t.id, t.name, t.parent_id, t.created_at, t.updated_at, \
    (SELECT COUNT(*) FROM users u WHERE u.team_id = t.id) AS member_count \
    FROM teams t";

impl From<TeamWithCount> for TeamView {
    fn from(row: TeamWithCount) -> Self {
        TeamView {
            id: TeamId::from_uuid(row.id),
            name: row.name,
            parent_id: row.parent_id.map(TeamId::from_uuid),
            member_count: u32::try_from(row.member_count).unwrap_or(u32::MAX),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// Every team with its member count, parents before children where names tie.
pub async fn list(db: &Db) -> Result<Vec<TeamView>, sqlx::Error> {
    let sql = format!("{LIST} ORDER BY t.created_at, t.name");
    let rows: Vec<TeamWithCount> = read!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(TeamView::from).collect())
}

pub async fn view(db: &Db, id: TeamId) -> Result<Option<TeamView>, sqlx::Error> {
    let sql = format!("{LIST} WHERE t.id = $1");
    let row: Option<TeamWithCount> = read!(db, |pool| sqlx::query_as(&sql)
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await)?;
    Ok(row.map(TeamView::from))
}

pub async fn name(db: &Db, id: TeamId) -> Result<Option<String>, sqlx::Error> {
    read!(db, |pool| sqlx::query_scalar(
        "SELECT name FROM teams WHERE id = $1"
    )
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await)
}

/// The tree as it is inside this transaction.
pub async fn tree(tx: &mut Tx) -> Result<TeamTree, sqlx::Error> {
    let edges: Vec<(Uuid, Option<Uuid>)> =
        in_tx!(tx, |conn| sqlx::query_as("SELECT id, parent_id FROM teams")
            .fetch_all(&mut *conn)
            .await)?;
    Ok(TeamTree::new(edges.into_iter().map(|(id, parent)| {
        (TeamId::from_uuid(id), parent.map(TeamId::from_uuid))
    })))
}

pub async fn find_in_tx(tx: &mut Tx, id: TeamId) -> Result<Option<TeamRow>, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, name, parent_id, created_at, updated_at FROM teams WHERE id = $1"
    )
    .bind(id.as_uuid())
    .fetch_optional(&mut *conn)
    .await)
}

pub async fn insert(tx: &mut Tx, row: &TeamRow) -> Result<(), sqlx::Error> {
    in_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO teams (id, name, parent_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(row.id)
    .bind(&row.name)
    .bind(row.parent_id)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn update(tx: &mut Tx, row: &TeamRow) -> Result<(), sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query(
        "UPDATE teams SET name = $2, parent_id = $3, updated_at = $4 WHERE id = $1"
    )
    .bind(row.id)
    .bind(&row.name)
    .bind(row.parent_id)
    .bind(row.updated_at)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: TeamId) -> Result<(), sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query("DELETE FROM teams WHERE id = $1")
        .bind(id.as_uuid())
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
