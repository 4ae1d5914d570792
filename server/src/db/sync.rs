//! Tables of the sync engine: `records`, `record_moves`, `sync_clients` and the version counter
//! `sync_state`. Statements that take a variable number of values are built here with numbered
//! placeholders and run on both engines like every other statement.

use std::collections::{BTreeMap, HashMap};

use shared::sync::{Collection, Directory, Member, Record, Stamp, TeamEntry};
use shared::{Actor, RecordId, TeamId, UserId};
use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, Tx, in_tx, read};

/// Rows per multi-row statement (9 values each: well inside both engines' limits).
pub(super) const CHUNK: usize = 500;

/// A stored record as the push path needs it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub record: Record,
    pub deleted: bool,
    pub stamps: BTreeMap<String, Stamp>,
}

#[derive(FromRow)]
struct StoredRow {
    id: Uuid,
    deleted: bool,
    body: String,
    stamps: String,
}

/// A device client's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct ClientRow {
    pub user_id: Uuid,
    pub last_mutation_id: i64,
    pub last_version: i64,
}

/// The counter: the newest committed version and the purge watermark.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Head {
    pub version: i64,
    pub purged: i64,
}

/// One row to write in a push: a live record or a tombstone.
#[derive(Debug)]
pub struct Write<'a> {
    pub record: &'a Record,
    pub deleted: bool,
    pub body: String,
    pub stamps: String,
}

/// A previous position of a moved record.
#[derive(Debug, Clone, Copy)]
pub struct Move {
    pub record: RecordId,
    pub owner: UserId,
    pub team: TeamId,
}

/// The colleagues and teams, with `me` as the actor (their team as stored now).
pub async fn directory(tx: &mut Tx, me: &Actor) -> Result<Directory, sqlx::Error> {
    type UserTuple = (Uuid, String, Uuid, bool);
    type TeamTuple = (Uuid, String, Option<Uuid>);
    let (users, teams): (Vec<UserTuple>, Vec<TeamTuple>) = in_tx!(tx, |conn| {
        let users = sqlx::query_as("SELECT id, display_name, team_id, active FROM users")
            .fetch_all(&mut *conn)
            .await?;
        let teams = sqlx::query_as("SELECT id, name, parent_id FROM teams")
            .fetch_all(&mut *conn)
            .await?;
        (users, teams)
    });
    Ok(build_directory(me, users, teams))
}

/// The same, read outside a transaction.
pub async fn directory_now(db: &Db, me: &Actor) -> Result<Directory, sqlx::Error> {
    let (users, teams) = read!(db, |pool| {
        let users = sqlx::query_as("SELECT id, display_name, team_id, active FROM users")
            .fetch_all(pool)
            .await?;
        let teams = sqlx::query_as("SELECT id, name, parent_id FROM teams")
            .fetch_all(pool)
            .await?;
        (users, teams)
    });
    Ok(build_directory(me, users, teams))
}

fn build_directory(
    me: &Actor,
    users: Vec<(Uuid, String, Uuid, bool)>,
    teams: Vec<(Uuid, String, Option<Uuid>)>,
) -> Directory {
    let mut users: Vec<Member> = users
        .into_iter()
        .map(|(id, name, team, active)| Member {
            id: UserId::from_uuid(id),
            name,
            team: TeamId::from_uuid(team),
            active,
        })
        .collect();
    users.sort_by_key(|m| m.id);
    let mut teams: Vec<TeamEntry> = teams
        .into_iter()
        .map(|(id, name, parent)| TeamEntry {
            id: TeamId::from_uuid(id),
            name,
            parent: parent.map(TeamId::from_uuid),
        })
        .collect();
    teams.sort_by_key(|t| t.id);
    let mut me = me.clone();
    if let Some(member) = users.iter().find(|m| m.id == me.user) {
        me.team = member.team;
    }
    Directory { me, users, teams }
}

/// The client's row, created for `user` if new, locked until the transaction ends.
pub async fn lock_client(
    tx: &mut Tx,
    client: Uuid,
    group: Uuid,
    user: UserId,
    now: i64,
) -> Result<ClientRow, sqlx::Error> {
    const SELECT: &str =
        "SELECT user_id, last_mutation_id, last_version FROM sync_clients WHERE id = $1";
    // SQLite has one writer connection, so the row is as good as locked there.
    let select = match tx {
        Tx::Postgres(_) => format!("{SELECT} FOR UPDATE"),
        Tx::Sqlite(_) => SELECT.to_owned(),
    };
    let select = select.as_str();
    in_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO sync_clients (id, client_group, user_id, last_mutation_id, last_version, \
             updated_at) VALUES ($1, $2, $3, 0, 0, $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(client)
        .bind(group)
        .bind(user.as_uuid())
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query_as(select)
            .bind(client)
            .fetch_one(&mut *conn)
            .await
    })
}

/// Record what a push processed.
pub async fn set_client(
    tx: &mut Tx,
    client: Uuid,
    last_mutation_id: i64,
    version: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query(
        "UPDATE sync_clients SET last_mutation_id = $2, last_version = $3, updated_at = $4 \
         WHERE id = $1"
    )
    .bind(client)
    .bind(last_mutation_id)
    .bind(version)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(drop))
}

pub async fn client(db: &Db, client: Uuid) -> Result<Option<ClientRow>, sqlx::Error> {
    read!(db, |pool| sqlx::query_as(
        "SELECT user_id, last_mutation_id, last_version FROM sync_clients WHERE id = $1"
    )
    .bind(client)
    .fetch_optional(pool)
    .await)
}

/// Take the next version. The counter row stays locked until commit, so versions commit in
/// order and a reader that sees version N sees everything up to N.
pub async fn bump_version(tx: &mut Tx) -> Result<i64, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_scalar(
        "UPDATE sync_state SET version = version + 1 WHERE id = 1 RETURNING version"
    )
    .fetch_one(&mut *conn)
    .await)
}

/// The next number of auto-number `counter` (1 for a new one), in the write's transaction.
pub async fn next_number(tx: &mut Tx, counter: &str) -> Result<i64, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO auto_numbers (counter, last) VALUES ($1, 1) \
         ON CONFLICT (counter) DO UPDATE SET last = auto_numbers.last + 1 RETURNING last"
    )
    .bind(counter)
    .fetch_one(&mut *conn)
    .await)
}

/// Take `count` numbers at once from `counter`; returns the last of them (the first is
/// `last - count + 1`).
pub async fn reserve_numbers(tx: &mut Tx, counter: &str, count: i64) -> Result<i64, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO auto_numbers (counter, last) VALUES ($1, $2) \
         ON CONFLICT (counter) DO UPDATE SET last = auto_numbers.last + $2 RETURNING last"
    )
    .bind(counter)
    .bind(count)
    .fetch_one(&mut *conn)
    .await)
}

pub async fn head(db: &Db) -> Result<Head, sqlx::Error> {
    read!(db, |pool| sqlx::query_as(
        "SELECT version, purged FROM sync_state WHERE id = 1"
    )
    .fetch_one(pool)
    .await)
}

/// `$from, $from+1, …`: `count` numbered placeholders.
pub(super) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every stored record `mutations` may read (see [`shared::sync::Mutation::touches`]).
pub async fn load_touched<'m>(
    tx: &mut Tx,
    mutations: impl IntoIterator<Item = &'m shared::sync::Mutation>,
) -> Result<HashMap<RecordId, Stored>, sqlx::Error> {
    let mut touched: Vec<RecordId> = mutations
        .into_iter()
        .flat_map(shared::sync::Mutation::touches)
        .collect();
    // Deal mutators read pipelines (see `shared::sync::pipelines::TxEnv`): there are few.
    let pipelines: Vec<Uuid> = in_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT id FROM records WHERE collection = 'pipeline' AND NOT deleted")
            .fetch_all(&mut *conn)
            .await?
    });
    touched.extend(pipelines.into_iter().map(RecordId::from_uuid));
    touched.sort();
    touched.dedup();
    load(tx, &touched).await
}

/// The stored records (live or tombstones) among `ids`.
pub async fn load(tx: &mut Tx, ids: &[RecordId]) -> Result<HashMap<RecordId, Stored>, sqlx::Error> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, deleted, body, stamps FROM records WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let rows: Vec<StoredRow> = in_tx!(tx, |conn| {
            let mut query = sqlx::query_as(&sql);
            for id in chunk {
                query = query.bind(id.as_uuid());
            }
            query.fetch_all(&mut *conn).await?
        });
        for row in rows {
            let record: Record = serde_json::from_str(&row.body)
                .map_err(|e| sqlx::Error::Decode(format!("record {}: {e}", row.id).into()))?;
            let stamps = serde_json::from_str(&row.stamps).unwrap_or_default();
            found.insert(
                record.id,
                Stored {
                    record,
                    deleted: row.deleted,
                    stamps,
                },
            );
        }
    }
    Ok(found)
}

/// Up to `limit` live records of `collection` after `after` (by id), within the transaction:
/// one page of a pass over every record of a collection (a field's values converted).
pub async fn live_page(
    tx: &mut Tx,
    collection: Collection,
    after: Option<RecordId>,
    limit: i64,
) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = if after.is_some() {
        "SELECT id, deleted, body, stamps FROM records \
         WHERE collection = $1 AND NOT deleted AND id > $2 ORDER BY id LIMIT $3"
    } else {
        "SELECT id, deleted, body, stamps FROM records \
         WHERE collection = $1 AND NOT deleted ORDER BY id LIMIT $2"
    };
    let rows: Vec<StoredRow> = in_tx!(tx, |conn| {
        let mut query = sqlx::query_as(sql).bind(collection.as_str());
        if let Some(after) = after {
            query = query.bind(after.as_uuid());
        }
        query.bind(limit).fetch_all(&mut *conn).await?
    });
    rows.into_iter()
        .map(|row| {
            let record: Record = serde_json::from_str(&row.body)
                .map_err(|e| sqlx::Error::Decode(format!("record {}: {e}", row.id).into()))?;
            Ok(Stored {
                record,
                deleted: row.deleted,
                stamps: serde_json::from_str(&row.stamps).unwrap_or_default(),
            })
        })
        .collect()
}

const UPSERT_SET: &str = "ON CONFLICT (id) DO UPDATE SET \
     collection = excluded.collection, owner_id = excluded.owner_id, \
     team_id = excluded.team_id, version = excluded.version, deleted = excluded.deleted, \
     changed_at = excluded.changed_at, body = excluded.body, stamps = excluded.stamps";

/// Write records read with [`live_page`] and changed (live, with their stamps) at `version`.
pub async fn write_stored(
    tx: &mut Tx,
    version: i64,
    now: i64,
    changed: &[Stored],
) -> Result<(), sqlx::Error> {
    let rows: Vec<Write> = changed
        .iter()
        .map(|s| Write {
            record: &s.record,
            deleted: false,
            body: serde_json::to_string(&s.record).unwrap_or_default(),
            stamps: stamps_json(&s.stamps),
        })
        .collect();
    write(tx, version, now, &rows).await
}

/// Insert or replace records (live or tombstones) at `version`. On SQLite the rows travel as
/// JSON arrays that SQLite unpacks itself (`json_each`): one statement per few hundred rows
/// instead of a round trip to the database thread per row. Postgres gets multi-row statements,
/// one round trip per few hundred records.
pub async fn write(
    tx: &mut Tx,
    version: i64,
    now: i64,
    rows: &[Write<'_>],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    if let Tx::Sqlite(t) = tx {
        // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
        let sql = format!(
            "INSERT INTO records (id, collection, owner_id, team_id, version, deleted, changed_at, \
             body, stamps) SELECT unhex(value ->> 0), value ->> 1, unhex(value ->> 2), \
             unhex(value ->> 3), $2, value ->> 4, $3, value ->> 5, value ->> 6 \
             FROM json_each($1) WHERE true {UPSERT_SET}"
        );
        // A few hundred rows a statement: one large push does not hold all of them twice more
        // (as JSON text here and in SQLite) at once.
        for chunk in rows.chunks(CHUNK) {
            let packed = sqlite_rows(chunk)?;
            sqlx::query(&sql)
                .bind(packed)
                .bind(version)
                .bind(now)
                .execute(&mut **t)
                .await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", placeholders(i * 9 + 1, 9)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO records (id, collection, owner_id, team_id, version, deleted, changed_at, \
             body, stamps) VALUES {values} {UPSERT_SET}"
        );
        in_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql);
            for row in chunk {
                query = query
                    .bind(row.record.id.as_uuid())
                    .bind(row.record.collection().as_str())
                    .bind(row.record.owner.as_uuid())
                    .bind(row.record.team.as_uuid())
                    .bind(version)
                    .bind(row.deleted)
                    .bind(now)
                    .bind(row.body.as_str())
                    .bind(row.stamps.as_str());
            }
            query.execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// `rows` as a JSON array of `[id, collection, owner, team, deleted, body, stamps]`, ids in hex
/// (the form SQLite's `unhex` turns back into the 16-byte blobs stored).
fn sqlite_rows(rows: &[Write<'_>]) -> Result<String, sqlx::Error> {
    let packed: Vec<(String, &str, String, String, u8, &str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row.record.id.as_uuid().simple().to_string(),
                row.record.collection().as_str(),
                row.record.owner.as_uuid().simple().to_string(),
                row.record.team.as_uuid().simple().to_string(),
                u8::from(row.deleted),
                row.body.as_str(),
                row.stamps.as_str(),
            )
        })
        .collect();
    serde_json::to_string(&packed).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Remember where moved records were before.
pub async fn write_moves(
    tx: &mut Tx,
    version: i64,
    now: i64,
    moves: &[Move],
) -> Result<(), sqlx::Error> {
    for chunk in moves.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", placeholders(i * 5 + 1, 5)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO record_moves (version, record_id, owner_id, team_id, changed_at) \
             VALUES {values}"
        );
        in_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql);
            for m in chunk {
                query = query
                    .bind(version)
                    .bind(m.record.as_uuid())
                    .bind(m.owner.as_uuid())
                    .bind(m.team.as_uuid())
                    .bind(now);
            }
            query.execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Which records a scope reads, as SQL over `records`: for a limited scope, one branch per way
/// of seeing a record (owning it; a public collection; each team in sight), each answered by an
/// index (`records_owner`, `records_collection`, `records_team`) rather than a scan of
/// everything, joined with `UNION ALL` (the branches never overlap); for a scope over every
/// team, one branch (most records are in sight, so one scan in version order finds them).
#[derive(Debug, Clone)]
pub struct Filter {
    pub user: Uuid,
    pub teams: Vec<Uuid>,
    everything: bool,
}

/// `'a', 'b'` for the collections `keep` selects.
fn collections(keep: impl Fn(Collection) -> bool) -> String {
    Collection::ALL
        .into_iter()
        .filter(|c| keep(*c))
        .map(|c| format!("'{}'", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Filter {
    pub fn of(scope: &shared::sync::Scope) -> Self {
        Filter {
            user: scope.user.as_uuid(),
            teams: scope.teams.iter().map(TeamId::as_uuid).collect(),
            everything: scope.everything,
        }
    }

    /// How many values [`Filter::bind`] binds.
    pub fn values(&self) -> usize {
        1 + self.teams.len()
    }

    /// The conditions of the branches, the user bound at `$first` and the teams after it.
    fn branches(&self, first: usize) -> Vec<String> {
        let user = format!("${first}");
        if self.everything {
            // Everything but others' private records: one scan, whoever owns what.
            let private = collections(Collection::is_private);
            return vec![format!(
                "(owner_id = {user} OR collection NOT IN ({private}))"
            )];
        }
        let public = collections(Collection::is_public);
        // Records others own that only the owner sees, or that everyone sees (branch two).
        let not_shared = collections(|c| c.is_private() || c.is_public());
        let mut branches = vec![
            format!("owner_id = {user}"),
            format!("collection IN ({public}) AND owner_id <> {user}"),
        ];
        for n in 0..self.teams.len() {
            branches.push(format!(
                "team_id = ${} AND collection NOT IN ({not_shared}) AND owner_id <> {user}",
                first + 1 + n
            ));
        }
        branches
    }

    /// `SELECT {columns} FROM records WHERE {condition}` over the records the scope sees, each
    /// branch ordered by version and cut at `limit` (a placeholder) when given.
    pub fn select(
        &self,
        columns: &str,
        condition: &str,
        first: usize,
        limit: Option<&str>,
    ) -> String {
        let cut = limit.map_or_else(String::new, |l| format!(" ORDER BY version LIMIT {l}"));
        self.branches(first)
            .iter()
            .enumerate()
            .map(|(i, branch)| {
                format!(
                    "SELECT {columns} FROM (SELECT {columns} FROM records WHERE {condition} \
                     AND {branch}{cut}) AS b{i}"
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    }
}

/// A changed record as a pull sends it.
#[derive(Debug, FromRow)]
pub struct Change {
    pub id: Uuid,
    pub version: i64,
    pub deleted: bool,
    pub body: String,
}

/// Records in `filter` changed in `(after, upto]`, oldest first, at most `limit`.
pub async fn changes(
    db: &Db,
    filter: &Filter,
    after: i64,
    upto: i64,
    limit: Option<i64>,
) -> Result<Vec<Change>, sqlx::Error> {
    let limit_at = format!("${}", 3 + filter.values());
    let limit_sql = limit.map(|_| limit_at.as_str());
    let union = filter.select(
        "id, version, deleted, body",
        "version > $1 AND version <= $2",
        3,
        limit_sql,
    );
    let tail = limit_sql.map_or_else(String::new, |l| format!(" LIMIT {l}"));
    let sql = format!(
        "SELECT id, version, deleted, body FROM ({union}) AS visible ORDER BY version{tail}"
    );
    read!(db, |pool| {
        let mut query = sqlx::query_as(&sql)
            .bind(after)
            .bind(upto)
            .bind(filter.user);
        for team in &filter.teams {
            query = query.bind(*team);
        }
        if let Some(limit) = limit {
            query = query.bind(limit);
        }
        query.fetch_all(pool).await
    })
}

/// A stored record's position, for deciding visibility without reading its body.
#[derive(Debug, FromRow)]
pub struct Position {
    pub id: Uuid,
    pub collection: String,
    pub owner_id: Uuid,
    pub team_id: Uuid,
    pub version: i64,
    pub deleted: bool,
}

/// Up to `limit` records with ids above `after`, in id order (used when a user's scope changed).
pub async fn positions(db: &Db, after: Uuid, limit: i64) -> Result<Vec<Position>, sqlx::Error> {
    read!(db, |pool| sqlx::query_as(
        "SELECT id, collection, owner_id, team_id, version, deleted FROM records \
         WHERE id > $1 ORDER BY id LIMIT $2"
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await)
}

/// The stored bodies of `ids` (records that are gone meanwhile are left out).
pub async fn bodies(db: &Db, ids: &[Uuid]) -> Result<Vec<String>, sqlx::Error> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT body FROM records WHERE id IN ({}) AND NOT deleted",
            placeholders(1, chunk.len())
        );
        let rows: Vec<String> = read!(db, |pool| {
            let mut query = sqlx::query_scalar(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

/// A move in `(after, upto]` with the record's current position.
#[derive(Debug, FromRow)]
pub struct MoveRow {
    pub record_id: Uuid,
    pub prev_owner: Uuid,
    pub prev_team: Uuid,
    pub collection: String,
    pub owner_id: Uuid,
    pub team_id: Uuid,
    pub deleted: bool,
}

pub async fn moves(db: &Db, after: i64, upto: i64) -> Result<Vec<MoveRow>, sqlx::Error> {
    read!(db, |pool| sqlx::query_as(
        "SELECT m.record_id, m.owner_id AS prev_owner, m.team_id AS prev_team, r.collection, \
         r.owner_id, r.team_id, r.deleted FROM record_moves m JOIN records r ON r.id = m.record_id \
         WHERE m.version > $1 AND m.version <= $2"
    )
    .bind(after)
    .bind(upto)
    .fetch_all(pool)
    .await)
}

/// Forget tombstones and moves older than `before` (UTC ms) and raise the purge watermark, so
/// that devices with older cursors start over instead of missing a deletion.
pub async fn purge(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let purged = in_tx!(&mut tx, |conn| {
        let watermark: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM (SELECT version FROM records WHERE deleted AND changed_at < $1 \
             UNION ALL SELECT version FROM record_moves WHERE changed_at < $1) AS old",
        )
        .bind(before)
        .fetch_one(&mut *conn)
        .await?;
        let Some(watermark) = watermark else {
            return Ok(0);
        };
        let gone = sqlx::query("DELETE FROM records WHERE deleted AND version <= $1")
            .bind(watermark)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM record_moves WHERE version <= $1")
            .bind(watermark)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE sync_state SET purged = $1 WHERE id = 1 AND purged < $1")
            .bind(watermark)
            .execute(&mut *conn)
            .await?;
        gone
    });
    tx.commit().await?;
    Ok(purged)
}

/// Who wrote what, serialized for the `stamps` column.
pub fn stamps_json(stamps: &BTreeMap<String, Stamp>) -> String {
    serde_json::to_string(stamps).unwrap_or_else(|_| "{}".to_owned())
}

/// The live records of `collection` that `scope` sees, as stored (JSON).
pub async fn live(
    db: &Db,
    scope: &shared::sync::Scope,
    collection: Collection,
) -> Result<Vec<String>, sqlx::Error> {
    let mut bodies = Vec::new();
    for_each_live(db, scope, collection, |body| bodies.push(body)).await?;
    Ok(bodies)
}

/// Each live record of `collection` that `scope` sees, as stored (JSON), one at a time.
pub async fn for_each_live(
    db: &Db,
    scope: &shared::sync::Scope,
    collection: Collection,
    mut each: impl FnMut(String),
) -> Result<(), sqlx::Error> {
    use futures_util::TryStreamExt;
    let filter = Filter::of(scope);
    let sql = filter.select("body", "collection = $1 AND NOT deleted", 2, None);
    read!(db, |pool| {
        let mut query = sqlx::query_scalar::<_, String>(&sql)
            .bind(collection.as_str())
            .bind(filter.user);
        for team in &filter.teams {
            query = query.bind(*team);
        }
        let mut rows = query.fetch(pool);
        while let Some(body) = rows.try_next().await? {
            each(body);
        }
    });
    Ok(())
}

/// One live record, as stored (JSON).
pub async fn live_one(db: &Db, id: Uuid) -> Result<Option<String>, sqlx::Error> {
    read!(db, |pool| sqlx::query_scalar(
        "SELECT body FROM records WHERE id = $1 AND NOT deleted"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// The ids of `owner`'s open sync issues, oldest first.
pub async fn open_issues(tx: &mut Tx, owner: UserId) -> Result<Vec<Uuid>, sqlx::Error> {
    in_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT id FROM records WHERE owner_id = $1 AND collection = 'issue' AND NOT deleted \
         ORDER BY version, id"
    )
    .bind(owner.as_uuid())
    .fetch_all(&mut *conn)
    .await)
}

/// Turn records into tombstones at `version` (devices that hold them drop them).
pub async fn bury(tx: &mut Tx, ids: &[Uuid], version: i64, now: i64) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "UPDATE records SET deleted = TRUE, version = $1, changed_at = $2 WHERE id IN ({})",
            placeholders(3, chunk.len())
        );
        in_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql).bind(version).bind(now);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Where `ids` were before each time they were handed to another owner or team (as far back
/// as moves are kept).
pub async fn earlier_positions(tx: &mut Tx, ids: &[RecordId]) -> Result<Vec<Move>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT record_id, owner_id, team_id FROM record_moves WHERE record_id IN ({})",
            placeholders(1, chunk.len())
        );
        let rows: Vec<(Uuid, Uuid, Uuid)> = in_tx!(tx, |conn| {
            let mut query = sqlx::query_as(&sql);
            for id in chunk {
                query = query.bind(id.as_uuid());
            }
            query.fetch_all(&mut *conn).await?
        });
        found.extend(rows.into_iter().map(|(record, owner, team)| Move {
            record: RecordId::from_uuid(record),
            owner: UserId::from_uuid(owner),
            team: TeamId::from_uuid(team),
        }));
    }
    Ok(found)
}
