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
use shared::schema::auto_number;
use shared::sync::event::{self, Event};
use shared::sync::{
    Body, Ctx, Directory, IssueKind, MAX_OPEN_ISSUES, MAX_PUSH_MUTATIONS, Mutation,
    MutationEnvelope, Overwrite, PushRequest, PushResponse, Reach, Record, Rejection,
    SCHEMA_VERSION, Scope, Source, Stamp, SyncIssue, run,
};
use shared::{Problem, RecordId, UserId};
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
    for (n, (envelope, mutation)) in todo.iter().zip(parsed).enumerate() {
        // A push of thousands of changes lets the other requests on this thread run now and
        // then (pulls, sign-ins), rather than holding it for the whole batch.
        if n % 64 == 63 {
            tokio::task::yield_now().await;
        }
        let mut outcome = mutation.and_then(|m| run(&m, &batch, &ctx).map(|effects| (m, effects)));
        let named = match &outcome {
            Ok((_, effects)) => super::files::named_files(&batch, effects),
            Err(_) => Vec::new(),
        };
        if let Some(refusal) = super::files::foreign_file(&mut tx, named, directory.me.user).await?
        {
            outcome = Err(refusal);
        }
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
    batch.name_moved_records(&mut tx, &scope).await?;
    batch
        .cap_issues(&mut tx, directory.me.user, version, now)
        .await?;
    batch.number(&mut tx, now).await?;
    super::retype::follow_schema(&mut tx, &mut batch, version, now, directory.me.user).await?;
    let (reach, events) = batch.save(&mut tx, version, now, &directory).await?;
    store::set_client(
        &mut tx,
        request.client,
        i64::try_from(last_id).unwrap_or(i64::MAX),
        version,
        now,
    )
    .await?;
    notify_peers(&mut tx, version, &reach).await?;
    tx.commit().await?;
    state.pokes.poke(version, reach);
    state.changes.publish(events);
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
            Problem::TooMany {
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
pub(super) async fn notify_peers(
    tx: &mut Tx,
    version: i64,
    reach: &Reach,
) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t) = tx {
        super::events::notify(&mut **t, version, reach).await?;
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
    pub(super) loaded: &'a HashMap<RecordId, Stored>,
    pub(super) writes: BTreeMap<RecordId, Option<Record>>,
    issues: Vec<Record>,
    /// Issues about records the author does not see now: `(index in issues, record, name)`.
    unnamed: Vec<(usize, RecordId, String)>,
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
            unnamed: Vec::new(),
        }
    }

    /// A sync issue for the author of `envelope`. It names the record only if the author may
    /// see it (as it stood before this push or as the push left it); a record they may not
    /// see stays "a record you cannot see". What it keeps of the change is bounded.
    fn issue(&mut self, ctx: &Ctx, envelope: &MutationEnvelope, kind: IssueKind) {
        let parsed = Mutation::parse(&envelope.name, &envelope.args).ok();
        let record = parsed.as_ref().map(Mutation::record);
        let existing = record.and_then(|id| {
            self.record(id)
                .or_else(|| self.loaded.get(&id).map(|s| s.record.clone()))
        });
        let label = match &existing {
            Some(r) if ctx.scope.sees(r) => Some(r.body.label()),
            Some(r) => {
                // Maybe the author saw it before it moved away: see `name_moved_records`.
                self.unnamed.push((self.issues.len(), r.id, r.body.label()));
                None
            }
            // A record that does not exist (yet): the author's own name for it.
            None => Some(
                envelope
                    .args
                    .pointer("/fields/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            ),
        };
        let issue = SyncIssue::bounded(
            kind,
            &envelope.name,
            &envelope.args,
            record,
            label.as_deref(),
        );
        self.issues.push(Record::created(
            RecordId::from_uuid(Uuid::now_v7()),
            ctx.actor.user,
            ctx.actor.team,
            ctx.actor.user,
            ctx.now,
            Body::Issue(issue),
        ));
    }

    /// Name the records of this push's issues that the author saw before they were handed
    /// to someone out of the author's sight (where `record_moves` says they were).
    pub(super) async fn name_moved_records(
        &mut self,
        tx: &mut Tx,
        scope: &Scope,
    ) -> Result<(), sqlx::Error> {
        if self.unnamed.is_empty() {
            return Ok(());
        }
        let ids: Vec<RecordId> = self.unnamed.iter().map(|(_, id, _)| *id).collect();
        let earlier = store::earlier_positions(tx, &ids).await?;
        for (index, id, label) in std::mem::take(&mut self.unnamed) {
            let Some(record) = self.issues.get_mut(index) else {
                continue;
            };
            let collection = self
                .loaded
                .get(&id)
                .map(|s| s.record.collection())
                .or_else(|| {
                    self.writes
                        .get(&id)
                        .and_then(|w| w.as_ref().map(Record::collection))
                });
            let saw = collection.is_some_and(|c| {
                earlier
                    .iter()
                    .filter(|m| m.record == id)
                    .any(|m| scope.sees_at(c, m.owner, m.team))
            });
            if saw && let Body::Issue(issue) = &mut record.body {
                *issue = SyncIssue::bounded(
                    issue.kind.clone(),
                    &issue.mutation,
                    &issue.args,
                    issue.record,
                    Some(&label),
                );
            }
        }
        Ok(())
    }

    /// Keep the author's open issues within [`MAX_OPEN_ISSUES`]: the oldest go (this push's
    /// own first if it alone has too many), and the newest issue says how many went.
    pub(super) async fn cap_issues(
        &mut self,
        tx: &mut Tx,
        owner: UserId,
        version: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        if self.issues.is_empty() {
            return Ok(());
        }
        let mut pruned = 0usize;
        if self.issues.len() > MAX_OPEN_ISSUES {
            pruned += self.issues.len() - MAX_OPEN_ISSUES;
            self.issues.drain(..self.issues.len() - MAX_OPEN_ISSUES);
        }
        let open = store::open_issues(tx, owner).await?;
        let excess = (open.len() + self.issues.len()).saturating_sub(MAX_OPEN_ISSUES);
        if excess > 0 {
            store::bury(tx, &open[..excess], version, now).await?;
            pruned += excess;
        }
        if pruned > 0
            && let Some(Body::Issue(newest)) = self.issues.last_mut().map(|r| &mut r.body)
        {
            newest.pruned = u32::try_from(pruned).unwrap_or(u32::MAX);
        }
        Ok(())
    }

    /// Give each record this write creates its final auto numbers (in place of the provisional
    /// ones its mutator gave it), counted in this transaction on the server's day.
    pub(super) async fn number(&mut self, tx: &mut Tx, now: i64) -> Result<(), sqlx::Error> {
        // Most writes create nothing: the schema is read only for those that do.
        let creates = self
            .writes
            .iter()
            .any(|(id, w)| w.is_some() && !self.loaded.contains_key(id));
        if !creates {
            return Ok(());
        }
        let schema = shared::sync::schema::company(&*self);
        let day = auto_number::day_of(now);
        let mut todo = Vec::new();
        for (id, written) in &self.writes {
            let Some(record) = written else { continue };
            // A built-in object's record, or a custom object's.
            let Some(object) = record.object_key() else {
                continue;
            };
            if self.loaded.contains_key(id) {
                continue;
            }
            for field in schema.custom_fields(object) {
                if let Some((prefix, dated, digits)) = auto_number::of(&field.field_type) {
                    let day = dated.then_some(day.as_str());
                    todo.push((
                        *id,
                        field.key.as_str().to_owned(),
                        prefix.to_owned(),
                        day,
                        digits,
                    ));
                }
            }
        }
        for (id, key, prefix, day, digits) in todo {
            let counter = auto_number::counter(&prefix, day);
            let sequence = store::next_number(tx, &counter).await?;
            let number =
                auto_number::number(&prefix, day, digits, u64::try_from(sequence).unwrap_or(0));
            if let Some(Some(record)) = self.writes.get_mut(&id) {
                record.custom.insert(key, serde_json::Value::String(number));
            }
        }
        Ok(())
    }

    /// Write every changed record, tombstone, move and issue at `version`; whom it concerns,
    /// and what happened to each record (to hand on once the transaction commits).
    pub(super) async fn save(
        self,
        tx: &mut Tx,
        version: i64,
        now: i64,
        directory: &Directory,
    ) -> Result<(Reach, Vec<Event>), sqlx::Error> {
        let by = directory.me.user;
        let mut records: Vec<Record> = Vec::with_capacity(self.writes.len() + self.issues.len());
        let mut flags: Vec<(bool, String)> = Vec::with_capacity(records.capacity());
        let mut moves = Vec::new();
        let mut events = Vec::new();
        for (id, written) in self.writes {
            let before = self.loaded.get(&id);
            let live = before.filter(|s| !s.deleted).map(|s| &s.record);
            let changed = written
                .as_ref()
                .map(|r| event::changed_fields(live, r))
                .unwrap_or_default();
            if let Some(collection) = written.as_ref().or(live).map(Record::collection)
                && event::told(collection)
            {
                events.extend(
                    event::happened(live, written.as_ref(), &changed)
                        .into_iter()
                        .map(|what| Event {
                            version,
                            at: now,
                            by,
                            record: id,
                            collection,
                            what,
                        }),
                );
            }
            let mut stamps = before.map(|s| s.stamps.clone()).unwrap_or_default();
            let (mut record, deleted) = match written {
                Some(record) => {
                    // Custom values are stamped by key, as typed fields by name.
                    for field in changed {
                        stamps.insert(field, Stamp { version, by });
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
        store::write_moves(tx, version, now, &moves).await?;
        let mut reach = Reach::default();
        for record in &records {
            reach.add(record.collection(), record.owner, record.team);
        }
        for m in &moves {
            if let Some(before) = self.loaded.get(&m.record) {
                reach.add(before.record.collection(), m.owner, m.team);
            }
        }
        // Issues buried to keep their owner's list short reach them with the new issues,
        // which are theirs too.
        Ok((reach, events))
    }
}
