//! Small aggregates for the home screen.

use shared::TeamId;
use shared::api::TeamMembers;
use uuid::Uuid;

use super::{Db, read};

/// Active users per team, every team included (zero for empty ones), largest first.
pub async fn team_members(db: &Db) -> Result<Vec<TeamMembers>, sqlx::Error> {
    let rows: Vec<(Uuid, String, i64)> = read!(db, |pool| {
        sqlx::query_as(
        "SELECT t.id, t.name, (SELECT COUNT(*) FROM users u WHERE u.team_id = t.id AND u.active) AS n \
         FROM teams t ORDER BY n DESC, t.name"
    )
    .fetch_all(pool)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, n)| TeamMembers {
            team_id: TeamId::from_uuid(id),
            team_name: name,
            active_users: u32::try_from(n).unwrap_or(u32::MAX),
        })
        .collect())
}
