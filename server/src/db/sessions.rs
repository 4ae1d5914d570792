//! The `sessions` table. Only a SHA-256 of each token is stored: a leaked database does not
//! hand out working sessions.

use shared::UserId;

use super::users::UserRow;
use super::{Db, Tx, in_tx, read, write};

pub struct NewSession<'a> {
    pub token_hash: &'a [u8],
    pub user: UserId,
    pub created_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(db: &Db, session: &NewSession<'_>) -> Result<(), sqlx::Error> {
    write!(db, |pool| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, user_agent) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(session.token_hash)
    .bind(session.user.as_uuid())
    .bind(session.created_at)
    .bind(session.expires_at)
    .bind(session.user_agent)
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The active user behind a live session token hash.
pub async fn user_for(
    db: &Db,
    token_hash: &[u8],
    now: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    read!(db, |pool| {
        sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.phone, u.role, u.team_id, u.active, u.password_hash, \
         u.created_at, u.updated_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active"
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    })
}

pub async fn delete(db: &Db, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    write!(db, |pool| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// End every session of a user (deactivation, password change).
pub async fn delete_for_user(tx: &mut Tx, user: UserId) -> Result<(), sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user.as_uuid())
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// End every session of a user except one (the editor's own, after changing their password).
pub async fn delete_for_user_except(
    tx: &mut Tx,
    user: UserId,
    keep: &[u8],
) -> Result<(), sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2"
    )
    .bind(user.as_uuid())
    .bind(keep)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forget expired sessions; returns how many.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = write!(db, |pool| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
}
