//! The records rollups and lookups read when a REST answer works them out: the records of an
//! object whose link field names some records, and records by id, as a scope sees them.

use shared::sync::Scope;
use sqlx::Row as _;
use uuid::Uuid;

use super::field::Shape;
use super::{Bind, Field, Fragment, scope_sql};
use crate::db::{Db, read};

/// Most linked records one answer reads for one rollup.
pub const MOST: i64 = 20_000;

/// The stored records `scope` sees of `link`'s collection (or custom object) whose field
/// `link` names one of `ids` (a superset where the field holds several: the caller checks).
pub async fn pointing_to(
    db: &Db,
    scope: &Scope,
    link: &Field,
    ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.backend();
    let mut sql = Fragment::text(&format!(
        "SELECT body FROM records WHERE {}",
        link.live(backend)
    ));
    if let Some(scope) = scope_sql(link.collection, scope) {
        sql.push(" AND ");
        sql.append(scope);
    }
    let value = link.text(backend, None);
    sql.push(" AND (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        match link.shape {
            Shape::Text => {
                sql.push(&format!("{value} = "));
                sql.bind(Bind::Text(id.clone()));
            }
            // A list of ids, read as its JSON text.
            _ => {
                sql.push(&format!("{value} LIKE "));
                sql.bind(Bind::Text(format!("%{id}%")));
            }
        }
    }
    sql.push(") LIMIT ");
    sql.bind(Bind::Int(MOST));
    bodies(db, sql).await
}

/// The live stored records of `ids` (the caller checks which the reader sees).
pub async fn by_ids(db: &Db, ids: &[Uuid]) -> Result<Vec<String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Fragment::text("SELECT body FROM records WHERE NOT deleted AND id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Bind::Id(*id));
    }
    sql.push(")");
    bodies(db, sql).await
}

async fn bodies(db: &Db, sql: Fragment) -> Result<Vec<String>, sqlx::Error> {
    let (text, binds) = sql.finish();
    let rows = read!(db, |pool| {
        let rows = bind_all!(sqlx::query(&text), binds).fetch_all(pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(row.try_get::<String, _>("body")?);
        }
        out
    });
    Ok(rows)
}
