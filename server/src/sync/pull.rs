//! `POST /api/sync/pull`: what changed since the device's cursor, among the records its user
//! may see.
//!
//! Normal pages walk the version order (`records.version`) and end on a version boundary, so a
//! page never holds half of one push. Records that left the user's sight since the cursor
//! (reassigned, moved to another team, deleted) come back as deletes. When the user's own scope
//! changed (new team, new role, new data scope), pages in id order send exactly the difference:
//! the records that came into sight and the ones that left it, with no full re-download. Until
//! the last of those pages the cursor keeps its version and old scope and says how far the
//! change has got ([`ScopeMove`]).

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use shared::sync::{Collection, Cursor, PullRequest, SCHEMA_VERSION, Scope, ScopeMove};
use shared::{TeamId, UserId};
use uuid::Uuid;

use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::db::sync::{self as store, Filter};

/// One page of changes, bodies as stored (already JSON).
#[derive(Debug, Default)]
struct Page {
    puts: Vec<String>,
    deletes: BTreeSet<Uuid>,
    /// The page holds everything up to this version.
    upto: i64,
    more: bool,
    /// A change of scope that continues on the next page.
    moving: Option<ScopeMove>,
}

/// Positions read per query while a change of scope is worked out.
const POSITIONS_PER_QUERY: i64 = 20_000;

pub async fn pull(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<PullRequest>,
) -> Result<Response, ApiError> {
    if request.schema_version != SCHEMA_VERSION {
        return Err(ApiError::BadRequest {
            code: "unsupported_schema_version",
            message: format!(
                "this server speaks sync schema {SCHEMA_VERSION}, not {}; reload the app",
                request.schema_version
            ),
        });
    }
    let db = &state.db;
    let client = store::client(db, request.client).await?;
    if client.is_some_and(|c| c.user_id != user.id().as_uuid()) {
        return Err(ApiError::Forbidden);
    }
    let directory = store::directory_now(db, &user.actor).await?;
    let scope = directory.scope();
    let fingerprint = directory.fingerprint();
    let head = store::head(db).await?;

    // Only a cursor this server signed for this client says what the device has seen.
    let cursor = request
        .cursor
        .as_ref()
        .filter(|c| state.cursor_key.verify(c, request.client));
    let (after, old_scope, reset) = match (&request.cursor, cursor) {
        (None, _) => (0, None, false),
        // Not signed by this server for this client, too old, from the future, someone
        // else's, or a change of scope that changed again half-way: start over (the device
        // keeps its pending changes).
        (Some(_), None) => (0, None, true),
        (_, Some(c))
            if c.version < head.purged
                || c.version > head.version
                || c.scope.user != scope.user
                || c.moving.as_ref().is_some_and(|m| m.to != scope) =>
        {
            (0, None, true)
        }
        (_, Some(c)) => (c.version, Some(c.scope.clone()), false),
    };
    let limit = i64::try_from(state.config.pull_page_size).unwrap_or(i64::MAX);
    let moving = cursor.and_then(|c| c.moving.clone());
    let page = match old_scope {
        Some(old) if old != scope || moving.is_some() => {
            let change = Change {
                old: &old,
                new: &scope,
                after,
                head: moving.as_ref().map_or(head.version, |m| m.head),
                through: moving.as_ref().map_or(Uuid::nil(), |m| m.through),
            };
            scope_change(db, &change, head.version, limit).await?
        }
        _ => page(db, &scope, after, head.version, limit).await?,
    };
    let last_mutation_id = match client {
        Some(c) if c.last_version <= page.upto => {
            Some(u64::try_from(c.last_mutation_id).unwrap_or(0))
        }
        Some(_) => None,
        None => Some(0),
    };
    let send_directory = reset || cursor.is_none_or(|c| c.directory != fingerprint);
    let mut next = Cursor {
        version: page.upto,
        // Mid-way through a change of scope the device still stands where it stood.
        scope: match (&page.moving, cursor) {
            (Some(_), Some(c)) => c.scope.clone(),
            _ => scope,
        },
        directory: fingerprint,
        moving: page.moving.clone(),
        sig: String::new(),
    };
    state.cursor_key.sign(&mut next, request.client);
    let body = render(
        &page,
        &next,
        reset,
        last_mutation_id,
        send_directory.then_some(&directory),
    );
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Changes in `(after, head]` in version order, at most about `limit` records.
async fn page(
    db: &Db,
    scope: &Scope,
    after: i64,
    head: i64,
    limit: i64,
) -> Result<Page, sqlx::Error> {
    let filter = Filter::of(scope);
    let mut rows = store::changes(db, &filter, after, head, Some(limit + 1)).await?;
    let (upto, more) = match usize::try_from(limit)
        .ok()
        .and_then(|l| rows.get(l))
        .map(|r| r.version)
    {
        None => (head, false),
        Some(boundary) => {
            let whole = rows.iter().take_while(|r| r.version < boundary).count();
            if whole > 0 {
                rows.truncate(whole);
                (rows[whole - 1].version, true)
            } else {
                // One version larger than a page: send all of it.
                rows = store::changes(db, &filter, after, boundary, None).await?;
                (boundary, boundary < head)
            }
        }
    };
    let mut page = Page {
        upto,
        more,
        ..Page::default()
    };
    for row in rows {
        if row.deleted {
            page.deletes.insert(row.id);
        } else {
            page.puts.push(row.body);
        }
    }
    if after > 0 {
        let was = |collection, owner, team| scope.sees_at(collection, owner, team);
        left_sight(db, was, scope, after, upto, &mut page).await?;
    }
    Ok(page)
}

/// Records moved since `after` from where the device saw them (`was`) to where `new` does not.
async fn left_sight(
    db: &Db,
    was: impl Fn(Collection, UserId, TeamId) -> bool,
    new: &Scope,
    after: i64,
    upto: i64,
    page: &mut Page,
) -> Result<(), sqlx::Error> {
    for m in store::moves(db, after, upto).await? {
        let Some(collection) = Collection::parse(&m.collection) else {
            continue;
        };
        let was_seen = was(
            collection,
            UserId::from_uuid(m.prev_owner),
            TeamId::from_uuid(m.prev_team),
        );
        let is_seen = !m.deleted
            && new.sees_at(
                collection,
                UserId::from_uuid(m.owner_id),
                TeamId::from_uuid(m.team_id),
            );
        if was_seen && !is_seen {
            page.deletes.insert(m.record_id);
        }
    }
    Ok(())
}

/// A change of the user's scope from `old` (as of version `after`) to `new`, worked out as of
/// version `head` for the records with ids above `through`.
struct Change<'a> {
    old: &'a Scope,
    new: &'a Scope,
    after: i64,
    head: i64,
    through: Uuid,
}

/// One page of a change of scope: what came into sight (and what changed within sight), and
/// what left it, in id order, at most about `limit` records sent. The last page brings the
/// device to version `change.head` under the new scope; later changes follow as usual.
async fn scope_change(
    db: &Db,
    change: &Change<'_>,
    now: i64,
    limit: i64,
) -> Result<Page, sqlx::Error> {
    let (old, new) = (change.old, change.new);
    let seen = |scope: &Scope, p: &store::Position, collection| {
        scope.sees_at(
            collection,
            UserId::from_uuid(p.owner_id),
            TeamId::from_uuid(p.team_id),
        )
    };
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX).max(1);
    let mut page = Page::default();
    let mut puts: Vec<Uuid> = Vec::new();
    let mut through = change.through;
    let mut finished = false;
    'scan: loop {
        let batch = store::positions(db, through, POSITIONS_PER_QUERY).await?;
        for p in &batch {
            through = p.id;
            let Some(collection) = Collection::parse(&p.collection) else {
                continue;
            };
            let (was_seen, is_seen) = (seen(old, p, collection), seen(new, p, collection));
            if p.version > change.head {
                // Changed after this change of scope began: the pulls after it send the record
                // if it is in sight; if it is not, the device must not keep it.
                let may_hold = if p.deleted {
                    was_seen || is_seen
                } else {
                    was_seen && !is_seen
                };
                if may_hold {
                    page.deletes.insert(p.id);
                }
            } else if p.deleted {
                if p.version > change.after && (was_seen || is_seen) {
                    page.deletes.insert(p.id);
                }
            } else if is_seen && (p.version > change.after || !was_seen) {
                puts.push(p.id);
            } else if was_seen && !is_seen {
                page.deletes.insert(p.id);
            }
            if puts.len() >= wanted {
                break 'scan;
            }
        }
        if i64::try_from(batch.len()).unwrap_or(0) < POSITIONS_PER_QUERY {
            finished = true;
            break;
        }
    }
    page.puts = store::bodies(db, &puts).await?;
    if finished {
        // Records moved meanwhile from where either scope saw them.
        let either = |collection, owner, team| {
            old.sees_at(collection, owner, team) || new.sees_at(collection, owner, team)
        };
        left_sight(db, either, new, change.after, now, &mut page).await?;
        page.upto = change.head;
        page.more = change.head < now;
    } else {
        page.upto = change.after;
        page.more = true;
        page.moving = Some(ScopeMove {
            to: new.clone(),
            head: change.head,
            through,
        });
    }
    Ok(page)
}

/// The response, written by hand so that stored bodies go out without being parsed again.
fn render(
    page: &Page,
    cursor: &Cursor,
    reset: bool,
    last_mutation_id: Option<u64>,
    directory: Option<&shared::sync::Directory>,
) -> String {
    let size: usize =
        page.puts.iter().map(|b| b.len() + 1).sum::<usize>() + page.deletes.len() * 40;
    let mut out = String::with_capacity(size + 1024);
    out.push_str("{\"cursor\":");
    out.push_str(&serde_json::to_string(cursor).unwrap_or_default());
    out.push_str(if reset {
        ",\"reset\":true"
    } else {
        ",\"reset\":false"
    });
    out.push_str(",\"puts\":[");
    for (i, body) in page.puts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(body);
    }
    out.push_str("],\"deletes\":[");
    for (i, id) in page.deletes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(&id.to_string());
        out.push('"');
    }
    out.push_str("],\"last_mutation_id\":");
    out.push_str(&last_mutation_id.map_or_else(|| "null".to_owned(), |id| id.to_string()));
    out.push_str(if page.more {
        ",\"more\":true"
    } else {
        ",\"more\":false"
    });
    out.push_str(",\"directory\":");
    out.push_str(&directory.map_or_else(
        || "null".to_owned(),
        |d| serde_json::to_string(d).unwrap_or_else(|_| "null".to_owned()),
    ));
    out.push('}');
    out
}
