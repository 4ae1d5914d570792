//! Operations on people shared by the HTTP API and the command line.

use shared::Role;
use shared::user::Setup;
use uuid::Uuid;

use crate::auth::password::{self, HashError};
use crate::db::teams::TeamRow;
use crate::db::users::UserRow;
use crate::db::{self, Db, in_tx, is_unique_violation, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("this installation already has users")]
    AlreadySetUp,
    #[error("a user with this email address already exists")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Create an admin, and the company (the root team) if there is none yet. With `only_if_empty`
/// (the setup screen) it refuses once any user exists; the command line may add admins later.
pub async fn bootstrap_admin(
    db: &Db,
    setup: &Setup,
    only_if_empty: bool,
) -> Result<UserRow, BootstrapError> {
    let hash = password::hash(setup.password.expose().to_owned()).await?;
    let mut tx = db.begin_people().await?;
    if only_if_empty && db::users::count_in_tx(&mut tx).await? > 0 {
        return Err(BootstrapError::AlreadySetUp);
    }
    let now = now_ms();
    let root: Option<Uuid> = in_tx!(&mut tx, |conn| sqlx::query_scalar(
        "SELECT id FROM teams WHERE parent_id IS NULL"
    )
    .fetch_optional(&mut *conn)
    .await)?;
    let team_id = match root {
        Some(id) => id,
        None => {
            let team = TeamRow {
                id: Uuid::now_v7(),
                name: setup.company.to_string(),
                parent_id: None,
                created_at: now,
                updated_at: now,
            };
            db::teams::insert(&mut tx, &team).await?;
            team.id
        }
    };
    let user = UserRow {
        id: Uuid::now_v7(),
        email: setup.email.to_string(),
        display_name: setup.display_name.to_string(),
        phone: None,
        role: Role::Admin.as_str().to_owned(),
        team_id,
        active: true,
        password_hash: hash,
        created_at: now,
        updated_at: now,
    };
    match db::users::insert(&mut tx, &user).await {
        Err(e) if is_unique_violation(&e) => return Err(BootstrapError::EmailTaken),
        other => other?,
    }
    tx.commit().await?;
    Ok(user)
}
