//! The `role_scopes` table: the data scope of each role, editable by an admin.

use shared::{DataScope, Role};

use super::{Db, now_ms, read, write};

/// Give every role its default scope unless one is already stored. Runs at start-up.
pub async fn seed_defaults(db: &Db) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for role in Role::ALL {
        write!(db, |pool| {
            sqlx::query(
            "INSERT INTO role_scopes (role, scope, updated_at) VALUES ($1, $2, $3) ON CONFLICT (role) DO NOTHING"
        )
        .bind(role.as_str())
        .bind(role.default_scope().as_str())
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

fn decode(role: &str, scope: &str) -> Result<(Role, DataScope), sqlx::Error> {
    let damaged = || sqlx::Error::Decode(format!("bad role scope row {role:?} = {scope:?}").into());
    Ok((
        role.parse().map_err(|_| damaged())?,
        scope.parse().map_err(|_| damaged())?,
    ))
}

pub async fn list(db: &Db) -> Result<Vec<(Role, DataScope)>, sqlx::Error> {
    let rows: Vec<(String, String)> = read!(db, |pool| sqlx::query_as(
        "SELECT role, scope FROM role_scopes"
    )
    .fetch_all(pool)
    .await)?;
    let mut scopes = rows
        .iter()
        .map(|(r, s)| decode(r, s))
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    Ok(scopes)
}

pub async fn scope_of(db: &Db, role: Role) -> Result<DataScope, sqlx::Error> {
    let scope: Option<String> = read!(db, |pool| sqlx::query_scalar(
        "SELECT scope FROM role_scopes WHERE role = $1"
    )
    .bind(role.as_str())
    .fetch_optional(pool)
    .await)?;
    match scope {
        Some(scope) => decode(role.as_str(), &scope).map(|(_, s)| s),
        None => Ok(role.default_scope()),
    }
}

pub async fn set(db: &Db, role: Role, scope: DataScope) -> Result<(), sqlx::Error> {
    write!(db, |pool| sqlx::query(
        "INSERT INTO role_scopes (role, scope, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (role) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at"
    )
    .bind(role.as_str())
    .bind(scope.as_str())
    .bind(now_ms())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
