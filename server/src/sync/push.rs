//! `POST /api/sync/push`: apply a device's mutations exactly once.
//!
//! One transaction per push: lock the client row, skip ids already processed, refuse gaps, take
//! the next version, load every record the mutations touch, run the mutators one by one over an
//! in-memory layer (a refused mutation's writes are dropped and a sync issue is written instead),
//! then write all records, moves and the client's new `last_mutation_id` together. A database
//! error rolls everything back and nothing advances; the device retries.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::State;
use shared::sync::{
    Body, Ctx, Directory, IssueKind, MAX_PUSH_MUTATIONS, Mutation, MutationEnvelope, Overwrite,
    PushRequest, PushResponse, Record, Rejection, SCHEMA_VERSION, Source, Stamp, SyncIssue, run,
};
use shared::{Problem, RecordId};
use uuid::Uuid;

use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::sync::{self as store, Move, Stored, Write};
use crate::db::{Tx, now_ms};

pub async fn push(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    check_request(&request)?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let client = store::lock_client(
        &mut tx,
        request.client,
        request.client_group,
        user.id(),
        now,
    )
    .await?;
    if client.user_id != user.id().as_uuid() {
        return Err(ApiError::Forbidden);
    }
    let last = u64::try_from(client.last_mutation_id).unwrap_or(0);
    let todo: Vec<&MutationEnvelope> = request.mutations.iter().filter(|m| m.id > last).collect();
    let Some(first) = todo.first() else {
        return Ok(Json(PushResponse {
            last_mutation_id: last,
            applied: 0,
            rejected: 0,
        }));
    };
    if first.id != last + 1 {
        return Err(ApiError::Conflict {
            code: "mutation_gap",
            message: format!(
                "mutation {} was sent but the server expects {} next",
                first.id,
                last + 1
            ),
            field: Some("mutations"),
        });
    }
    let directory = store::directory(&mut tx, &user.actor).await?;
    let version = store::bump_version(&mut tx).await?;
    let parsed: Vec<Result<Mutation, Rejection>> = todo
        .iter()
        .map(|m| Mutation::parse(&m.name, &m.args))
        .collect();
    let loaded = store::load_touched(&mut tx, parsed.iter().flatten()).await?;

    let mut batch = Batch::new(&loaded);
    let scope = directory.scope();
    let ctx = Ctx {
        actor: &directory.me,
        scope: &scope,
        directory: &directory,
        now,
        journal: Some(crate::sync::new_record_id),
    };
    let (mut applied, mut rejected) = (0u32, 0u32);
    for (envelope, mutation) in todo.iter().zip(parsed) {
        let outcome = mutation.and_then(|m| run(&m, &batch, &ctx).map(|effects| (m, effects)));
        match outcome {
            Ok((_, effects)) => {
                applied += 1;
                for notice in &effects.overwrites {
                    batch.issue(&ctx, envelope, overwrite_issue(notice));
                }
                batch.writes.extend(effects.writes);
            }
            Err(reason) => {
                rejected += 1;
                tracing::info!(mutation = %envelope.name, id = envelope.id, %reason, "mutation rejected");
                batch.issue(&ctx, envelope, IssueKind::Rejected { reason });
            }
        }
    }
    let last_id = todo.last().map_or(last, |m| m.id);
    batch.save(&mut tx, version, now, &directory).await?;
    store::set_client(
        &mut tx,
        request.client,
        i64::try_from(last_id).unwrap_or(i64::MAX),
        version,
        now,
    )
    .await?;
    notify_peers(&mut tx, version).await?;
    tx.commit().await?;
    state.pokes.poke(version);
    Ok(Json(PushResponse {
        last_mutation_id: last_id,
        applied,
        rejected,
    }))
}

fn check_request(request: &PushRequest) -> Result<(), ApiError> {
    if request.schema_version != SCHEMA_VERSION {
        return Err(ApiError::BadRequest {
            code: "unsupported_schema_version",
            message: format!(
                "this server speaks sync schema {SCHEMA_VERSION}, not {}; reload the app",
                request.schema_version
            ),
        });
    }
    if request.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(ApiError::invalid(
            Problem::TooLong {
                max: MAX_PUSH_MUTATIONS,
            }
            .at("mutations"),
        ));
    }
    let dense = request
        .mutations
        .windows(2)
        .all(|pair| pair[1].id == pair[0].id + 1);
    if !dense || request.mutations.first().is_some_and(|m| m.id == 0) {
        return Err(ApiError::invalid(Problem::Invalid.at("mutations")));
    }
    Ok(())
}

/// On Postgres, wake the other instances once this transaction commits.
pub(super) async fn notify_peers(tx: &mut Tx, version: i64) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(super::events::CHANNEL)
            .bind(version.to_string())
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

fn overwrite_issue(notice: &Overwrite) -> IssueKind {
    IssueKind::Overwritten {
        field: notice.field.to_owned(),
        mine: notice.mine.clone(),
        theirs: notice.theirs.clone(),
        original: notice.original.clone(),
        theirs_by: notice.theirs_by,
    }
}

/// The push's records: what was loaded, and what the applied mutations wrote over it.
pub(super) struct Batch<'a> {
    loaded: &'a HashMap<RecordId, Stored>,
    pub(super) writes: BTreeMap<RecordId, Option<Record>>,
    issues: Vec<Record>,
}

impl Source for Batch<'_> {
    fn record(&self, id: RecordId) -> Option<Record> {
        match self.writes.get(&id) {
            Some(written) => written.clone(),
            None => self
                .loaded
                .get(&id)
                .filter(|s| !s.deleted)
                .map(|s| s.record.clone()),
        }
    }

    fn exists(&self, id: RecordId) -> bool {
        self.writes.contains_key(&id) || self.loaded.contains_key(&id)
    }

    fn stamp(&self, id: RecordId, field: &str) -> Option<Stamp> {
        self.loaded
            .get(&id)
            .and_then(|s| s.stamps.get(field).copied())
    }
}

impl<'a> Batch<'a> {
    pub(super) fn new(loaded: &'a HashMap<RecordId, Stored>) -> Self {
        Batch {
            loaded,
            writes: BTreeMap::new(),
            issues: Vec::new(),
        }
    }

    /// A sync issue for the author of `envelope`.
    fn issue(&mut self, ctx: &Ctx, envelope: &MutationEnvelope, kind: IssueKind) {
        let parsed = Mutation::parse(&envelope.name, &envelope.args).ok();
        let record = parsed.as_ref().map(Mutation::record);
        let label = record
            .and_then(|id| {
                self.record(id)
                    .or_else(|| self.loaded.get(&id).map(|s| s.record.clone()))
            })
            .map(|r| r.body.label())
            .or_else(|| {
                envelope
                    .args
                    .pointer("/fields/name")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        self.issues.push(Record::created(
            RecordId::from_uuid(Uuid::now_v7()),
            ctx.actor.user,
            ctx.actor.team,
            ctx.actor.user,
            ctx.now,
            Body::Issue(SyncIssue {
                kind,
                mutation: envelope.name.clone(),
                args: envelope.args.clone(),
                record,
                label,
            }),
        ));
    }

    /// Write every changed record, tombstone, move and issue at `version`.
    pub(super) async fn save(
        self,
        tx: &mut Tx,
        version: i64,
        now: i64,
        directory: &Directory,
    ) -> Result<(), sqlx::Error> {
        let by = directory.me.user;
        let mut records: Vec<Record> = Vec::with_capacity(self.writes.len() + self.issues.len());
        let mut flags: Vec<(bool, String)> = Vec::with_capacity(records.capacity());
        let mut moves = Vec::new();
        for (id, written) in self.writes {
            let before = self.loaded.get(&id);
            let mut stamps = before.map(|s| s.stamps.clone()).unwrap_or_default();
            let (mut record, deleted) = match written {
                Some(record) => {
                    let changed = match before.filter(|s| !s.deleted) {
                        Some(old) => old.record.body.changed_fields(&record.body),
                        None => record.body.fields().to_vec(),
                    };
                    for field in changed {
                        stamps.insert(field.to_owned(), Stamp { version, by });
                    }
                    if let Some(old) = before.filter(|s| !s.deleted)
                        && (old.record.owner != record.owner || old.record.team != record.team)
                    {
                        moves.push(Move {
                            record: id,
                            owner: old.record.owner,
                            team: old.record.team,
                        });
                    }
                    (record, false)
                }
                None => match before {
                    Some(old) => (old.record.clone(), true),
                    // Created and deleted within this push: nothing to tell anyone.
                    None => continue,
                },
            };
            record.version = version;
            records.push(record);
            flags.push((deleted, store::stamps_json(&stamps)));
        }
        for mut issue in self.issues {
            issue.version = version;
            records.push(issue);
            flags.push((false, "{}".to_owned()));
        }
        let rows: Vec<Write> = records
            .iter()
            .zip(flags)
            .map(|(record, (deleted, stamps))| Write {
                record,
                deleted,
                body: serde_json::to_string(record).unwrap_or_default(),
                stamps,
            })
            .collect();
        store::write(tx, version, now, &rows).await?;
        store::write_moves(tx, version, now, &moves).await
    }
}
