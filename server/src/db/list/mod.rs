//! Lists of one collection's records in SQL: the records a scope sees, narrowed by a filter's
//! condition ([`filter`]), in the order of one field ([`field`]) then id, from a position on,
//! a window at a time. The REST lists read them through here, so that one page of a large
//! collection costs a walk along an index instead of a read of every record.

pub mod field;
pub mod filter;

use serde_json::{Value as Json, json};
use shared::sync::{Collection, Scope};
use sqlx::Row as _;
use uuid::Uuid;

pub use field::{Field, KeyKind, live_of};

use super::{Backend, Db, read, write};

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Num(f64),
    Int(i64),
    Id(Uuid),
}

/// Where a bound value goes, until the statement is put together and its placeholders
/// numbered.
const MARK: char = '\u{1}';

/// A piece of SQL and the values it binds, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fragment {
    sql: String,
    binds: Vec<Bind>,
}

impl Fragment {
    pub fn text(sql: &str) -> Self {
        Fragment {
            sql: sql.to_owned(),
            binds: Vec::new(),
        }
    }

    pub fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    pub fn bind(&mut self, value: Bind) {
        self.sql.push(MARK);
        self.binds.push(value);
    }

    pub fn append(&mut self, other: Fragment) {
        self.sql.push_str(&other.sql);
        self.binds.extend(other.binds);
    }

    /// The statement with `$1`, `$2`, … in place, and the values in that order.
    pub fn finish(self) -> (String, Vec<Bind>) {
        let mut out = String::with_capacity(self.sql.len() + 16);
        let mut n = 0;
        for c in self.sql.chars() {
            if c == MARK {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        (out, self.binds)
    }

    /// The SQL as written so far (bound values as `?`), for tests and logs.
    pub fn shown(&self) -> String {
        self.sql.replace(MARK, "?")
    }
}

/// One sort key's value: where a list's page ends (and the next begins).
#[derive(Debug, Clone, PartialEq)]
pub enum KeyValue {
    Text(String),
    Num(f64),
    Id(Uuid),
}

impl KeyValue {
    pub fn to_json(&self) -> Json {
        match self {
            KeyValue::Text(t) => json!(t),
            KeyValue::Num(n) => json!(n),
            KeyValue::Id(id) => json!(id),
        }
    }

    /// A key of `kind` read back from [`KeyValue::to_json`]'s form.
    pub fn from_json(kind: KeyKind, value: &Json) -> Option<KeyValue> {
        match kind {
            KeyKind::Text => value.as_str().map(|s| KeyValue::Text(s.to_owned())),
            KeyKind::Num => value.as_f64().map(KeyValue::Num),
            KeyKind::Id => value.as_str()?.parse().ok().map(KeyValue::Id),
        }
    }

    fn bind(&self) -> Bind {
        match self {
            KeyValue::Text(t) => Bind::Text(t.clone()),
            KeyValue::Num(n) => Bind::Num(*n),
            KeyValue::Id(id) => Bind::Id(*id),
        }
    }
}

/// A position in a list: after the record `id` whose sort keys are `keys`.
#[derive(Debug, Clone, PartialEq)]
pub struct After {
    pub keys: Vec<KeyValue>,
    pub id: Uuid,
}

/// One window of a list.
pub struct Window<'a> {
    pub collection: Collection,
    pub scope: &'a Scope,
    pub sort: &'a Field,
    pub descending: bool,
    /// A condition every record of the list meets (see [`filter::translate`]).
    pub condition: Option<Fragment>,
    pub after: Option<After>,
    pub limit: i64,
    /// Walk the list's order: the next `limit` records the scope sees, each with its body
    /// only when it meets the condition, rather than the next `limit` that meet it (which
    /// a planner may find through the condition's own index, then sort). A walk is what a
    /// condition most records meet wants; a search is what a rare one wants.
    pub walk: bool,
    /// The condition as a walk decides it (the same, its fields [`Field::parsed`]); the
    /// search condition when `None`.
    pub decide: Option<Fragment>,
    /// The walks read so far.
    pub walks: usize,
}

/// Walks along a filtered list's order before it searches by the filter.
pub const WALKS: usize = 2;

/// The most records one window brings.
pub const MAX_WINDOW: i64 = 2_000;

impl Window<'_> {
    /// Size the next window after a full one that left the list with `found` of the `wanted`
    /// records: a second walk as far as the first's share of matches says the rest lies (a
    /// quarter more; at least a page, at most eight times the first walk), then searches of a
    /// page, then (a search's matches being left to the matcher too) twice the last.
    pub fn advance(&mut self, found: usize, wanted: usize) {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        if !self.walk {
            self.limit = (self.limit * 2).min(MAX_WINDOW);
            return;
        }
        self.walks += 1;
        if self.walks >= WALKS {
            self.walk = false;
            self.limit = count(wanted);
            return;
        }
        let walked = self.limit;
        let missing = count(wanted.saturating_sub(found));
        let ahead = missing.saturating_mul(walked) / count(found).max(1) * 5 / 4;
        self.limit = ahead.clamp(count(wanted), (walked * 8).min(MAX_WINDOW));
    }
}

/// A record of a window, as stored, with its place in the list.
#[derive(Debug)]
pub struct Row {
    pub id: Uuid,
    /// `None` for a record a walk passed that does not meet the condition.
    pub body: Option<String>,
    pub keys: Vec<KeyValue>,
}

/// The records `scope` sees of `collection`, as a condition (empty when it sees them all).
/// The same rule as [`Scope::sees_at`].
pub(super) fn scope_sql(collection: Collection, scope: &Scope) -> Option<Fragment> {
    if collection.is_public() || (scope.everything && !collection.is_private()) {
        return None;
    }
    let mut sql = Fragment::text("(owner_id = ");
    sql.bind(Bind::Id(scope.user.as_uuid()));
    if !collection.is_private() && !scope.teams.is_empty() {
        sql.push(" OR team_id IN (");
        for (i, team) in scope.teams.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Bind::Id(team.as_uuid()));
        }
        sql.push(")");
    }
    sql.push(")");
    Some(sql)
}

/// The statement that reads `window`, and the kinds of its sort keys.
pub fn window_sql(backend: Backend, window: &Window) -> (Fragment, Vec<KeyKind>) {
    let keys = window.sort.sort_keys(backend);
    let kinds = keys.iter().map(|(k, _)| *k).collect();
    let mut sql = Fragment::text("SELECT id, ");
    let walking = window.walk && window.condition.is_some();
    match (
        window.decide.as_ref().or(window.condition.as_ref()),
        walking,
    ) {
        (Some(condition), true) => {
            sql.push("CASE WHEN ");
            sql.append(condition.clone());
            sql.push(" THEN body END AS body");
        }
        _ => sql.push("body"),
    }
    // A walk on Postgres parses each record's JSON once (`doc`) for what it reads of it; the
    // order and the position keep the expressions its index holds.
    let parsed = walking && backend == Backend::Postgres;
    let shown = if parsed {
        window.sort.parsed().sort_keys(backend)
    } else {
        keys.clone()
    };
    for (i, (kind, expr)) in shown.iter().enumerate() {
        // Texts are read as text whatever SQLite's value is (a number kept in a text field).
        match (kind, backend) {
            (KeyKind::Text, Backend::Sqlite) => {
                sql.push(&format!(", CAST({expr} AS TEXT) AS k{i}"))
            }
            _ => sql.push(&format!(", {expr} AS k{i}")),
        }
    }
    sql.push(" FROM records");
    if parsed {
        // OFFSET 0 keeps the planner from putting the parse back into each use of `doc`.
        sql.push(" CROSS JOIN LATERAL (SELECT records.body::jsonb AS doc OFFSET 0) AS parsed");
    }
    sql.push(&format!(" WHERE {}", window.sort.live(backend)));
    if let Some(scope) = scope_sql(window.collection, window.scope) {
        sql.push(" AND ");
        sql.append(scope);
    }
    if let (Some(condition), false) = (&window.condition, window.walk) {
        sql.push(" AND ");
        sql.append(condition.clone());
    }
    let (cmp, dir) = if window.descending {
        ("<", " DESC")
    } else {
        (">", "")
    };
    if let Some(after) = &window.after {
        let columns: Vec<&str> = keys.iter().map(|(_, e)| e.as_str()).collect();
        // The first key's bound alone, which the planner reads as where to start in the
        // index (it does not from the row comparison).
        if let (Some(first), Some(key)) = (columns.first(), after.keys.first()) {
            sql.push(&format!(" AND {first} {cmp}= "));
            sql.bind(key.bind());
        }
        sql.push(&format!(" AND ({}, id) {cmp} (", columns.join(", ")));
        for key in &after.keys {
            sql.bind(key.bind());
            sql.push(", ");
        }
        sql.bind(Bind::Id(after.id));
        sql.push(")");
    }
    let order: Vec<String> = keys
        .iter()
        .map(|(_, e)| format!("{e}{dir}"))
        .chain(std::iter::once(format!("id{dir}")))
        .collect();
    sql.push(&format!(" ORDER BY {} LIMIT ", order.join(", ")));
    sql.bind(Bind::Int(window.limit));
    (sql, kinds)
}

macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(t) => query.bind(t),
                Bind::Int(n) => query.bind(n),
                Bind::Num(n) => query.bind(n),
                Bind::Id(id) => query.bind(id),
            };
        }
        query
    }};
}

/// The records of `window`, in list order.
pub async fn read_window(db: &Db, window: &Window<'_>) -> Result<Vec<Row>, sqlx::Error> {
    let (sql, kinds) = window_sql(db.backend(), window);
    let (text, binds) = sql.finish();
    let rows = read!(db, |pool| {
        let rows = bind_all!(sqlx::query(&text), binds).fetch_all(pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut keys = Vec::with_capacity(kinds.len());
            for (i, kind) in kinds.iter().enumerate() {
                let column = format!("k{i}");
                keys.push(match kind {
                    KeyKind::Text => KeyValue::Text(row.try_get(column.as_str())?),
                    KeyKind::Num => KeyValue::Num(row.try_get(column.as_str())?),
                    KeyKind::Id => KeyValue::Id(row.try_get(column.as_str())?),
                });
            }
            out.push(Row {
                id: row.try_get("id")?,
                body: row.try_get("body")?,
                keys,
            });
        }
        out
    });
    Ok(rows)
}

/// The indexes lists have made, so that each is made once per process: at most
/// [`Indexes::MOST`] per collection (a list by a field past them reads without one).
#[derive(Debug, Default)]
pub struct Indexes {
    made: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Indexes {
    pub const MOST: usize = 24;

    /// Make `field`'s index unless it was made; a failure is logged and the list goes on
    /// without it.
    pub async fn ensure(&self, db: &Db, field: &Field) {
        let name = field.index_name();
        {
            let Ok(made) = self.made.lock() else { return };
            let prefix = format!("records_by_{}_", field.list_name());
            if made.contains(&name)
                || made.iter().filter(|n| n.starts_with(&prefix)).count() >= Self::MOST
            {
                return;
            }
        }
        match ensure_index(db, field).await {
            Ok(()) => {
                if let Ok(mut made) = self.made.lock() {
                    made.insert(name);
                }
            }
            Err(e) => tracing::warn!(index = %name, error = %e, "cannot make a list index"),
        }
    }
}

/// Make the index that lists of `field`'s collection sorted or filtered by it read (once; an
/// index another server instance makes at the same time is not an error).
pub async fn ensure_index(db: &Db, field: &Field) -> Result<(), sqlx::Error> {
    let Some(sql) = field.index_sql(db.backend()) else {
        return Ok(());
    };
    let made = write!(db, |pool| sqlx::query(&sql).execute(pool).await.map(|_| ()));
    match made {
        Ok(()) => {}
        Err(e) if is_duplicate(&e) => return Ok(()),
        Err(e) => return Err(e),
    }
    // What the new index holds, so that the planner weighs it against the others (walking
    // the list's order, or a filter's range then sorting).
    write!(db, |pool| sqlx::query("ANALYZE records")
        .execute(pool)
        .await
        .map(|_| ()))
}

fn is_duplicate(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation()
        || e.code().as_deref() == Some("42P07"))
}

pub mod linked;

#[cfg(test)]
mod tests;
