//! The `users` table.

use shared::api::UserView;
use shared::{Role, TeamId, UserId};
use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, Tx, in_tx, read};

const COLUMNS: &str =
    "id, email, display_name, phone, role, team_id, active, password_hash, created_at, updated_at";

/// A row of `users`, password hash included: never send it to a client as is.
#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: String,
    pub team_id: Uuid,
    pub active: bool,
    pub password_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl UserRow {
    /// The role, or an error if the stored text is not one (a damaged row).
    pub fn role(&self) -> Result<Role, sqlx::Error> {
        self.role.parse().map_err(|_| {
            sqlx::Error::Decode(format!("unknown role {:?} for user {}", self.role, self.id).into())
        })
    }

    pub fn view(&self) -> Result<UserView, sqlx::Error> {
        Ok(UserView {
            id: UserId::from_uuid(self.id),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            phone: self.phone.clone(),
            role: self.role()?,
            team_id: TeamId::from_uuid(self.team_id),
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    read!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await)
}

pub async fn count_in_tx(tx: &mut Tx) -> Result<i64, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *conn)
        .await)
}

pub async fn find(db: &Db, id: UserId) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    read!(db, |pool| sqlx::query_as(&sql)
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await)
}

pub async fn find_in_tx(tx: &mut Tx, id: UserId) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    in_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await)
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    read!(db, |pool| sqlx::query_as(&sql)
        .bind(email)
        .fetch_optional(pool)
        .await)
}

pub async fn list(db: &Db) -> Result<Vec<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY active DESC, display_name, email");
    read!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

pub async fn count_active_admins(tx: &mut Tx) -> Result<i64, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active"
    )
    .fetch_one(&mut *conn)
    .await)
}

pub async fn count_in_team(tx: &mut Tx, team: TeamId) -> Result<i64, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE team_id = $1"
    )
    .bind(team.as_uuid())
    .fetch_one(&mut *conn)
    .await)
}

pub async fn insert(tx: &mut Tx, row: &UserRow) -> Result<(), sqlx::Error> {
    let sql =
        format!("INSERT INTO users ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    in_tx!(tx, |conn| sqlx::query(&sql)
        .bind(row.id)
        .bind(&row.email)
        .bind(&row.display_name)
        .bind(&row.phone)
        .bind(&row.role)
        .bind(row.team_id)
        .bind(row.active)
        .bind(&row.password_hash)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Write every mutable column of `row` back.
pub async fn update(tx: &mut Tx, row: &UserRow) -> Result<(), sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET email = $2, display_name = $3, phone = $4, role = $5, team_id = $6, \
         active = $7, password_hash = $8, updated_at = $9 WHERE id = $1"
    )
    .bind(row.id)
    .bind(&row.email)
    .bind(&row.display_name)
    .bind(&row.phone)
    .bind(&row.role)
    .bind(row.team_id)
    .bind(row.active)
    .bind(&row.password_hash)
    .bind(row.updated_at)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
