//! The device side of sync, without I/O: confirmed records (`base`), the outbox of pending
//! mutations, and the view the user sees (pending mutations replayed over `base`).
//!
//! The browser keeps a [`ClientCore`] in memory and mirrors every step into IndexedDB; the
//! convergence tests drive the same type natively against a real server.

use std::collections::BTreeMap;

use crate::ids::{IdMap, RecordId};
use crate::search::Entry;
use crate::sync::issue::Rejection;
use crate::sync::mutators::{Ctx, Mutation, Source, run};
use crate::sync::protocol::{Cursor, MutationEnvelope, PullResponse};
use crate::sync::record::{Body, Collection, Record};
use crate::sync::scope::{Directory, Scope};

/// Why a change cannot be made on this device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MutateError {
    /// The device has not synced once yet, so it does not know who the user is.
    #[error("not ready: sync at least once first")]
    NotReady,
    #[error(transparent)]
    Rejected(#[from] Rejection),
}

/// Whether a screen about one record can show it yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Not on the device (yet): its collection is still being read from the device's copy, or
    /// the device is still downloading what the server has.
    Waiting,
    Present,
    /// Not on the device, which has read its whole collection and everything sent so far.
    Absent,
}

impl Presence {
    /// `found`: the device has the record; `read`: its collection has been read from the
    /// device's copy; `complete`: the device has synced once and no download is under way.
    pub fn of(found: bool, read: bool, complete: bool) -> Self {
        match (found, read && complete) {
            (true, _) => Presence::Present,
            (false, true) => Presence::Absent,
            (false, false) => Presence::Waiting,
        }
    }

    /// What a screen that showed `self` shows now that the device says `now`: a record once
    /// shown stays (the screen holds the person's edits; saving tells them if it is gone).
    pub fn then(self, now: Presence) -> Presence {
        match self {
            Presence::Present => Presence::Present,
            _ => now,
        }
    }
}

/// Confirmed records, one map per collection, so that a screen walks only its own collection
/// (a contact list need not look at 150,000 deals and activities).
#[derive(Debug, Default)]
struct Shelves([IdMap<Record>; Collection::ALL.len()]);

impl Shelves {
    fn shelf(&self, collection: Collection) -> &IdMap<Record> {
        &self.0[collection.index()]
    }

    fn get(&self, id: &RecordId) -> Option<&Record> {
        self.0.iter().find_map(|shelf| shelf.get(id))
    }

    fn contains(&self, id: &RecordId) -> bool {
        self.0.iter().any(|shelf| shelf.contains_key(id))
    }

    /// Keep `record` (a record never changes collection: ids are unique across collections).
    fn insert(&mut self, record: Record) {
        self.0[record.collection().index()].insert(record.id, record);
    }

    fn remove(&mut self, id: &RecordId) {
        for shelf in &mut self.0 {
            if shelf.remove(id).is_some() {
                return;
            }
        }
    }

    fn clear(&mut self) {
        self.0.iter_mut().for_each(IdMap::clear);
    }

    fn values(&self) -> impl Iterator<Item = &Record> {
        self.0.iter().flat_map(IdMap::values)
    }

    fn len(&self) -> usize {
        self.0.iter().map(IdMap::len).sum()
    }
}

impl FromIterator<Record> for Shelves {
    fn from_iter<I: IntoIterator<Item = Record>>(records: I) -> Self {
        let mut shelves = Shelves::default();
        for record in records {
            shelves.insert(record);
        }
        shelves
    }
}

/// Confirmed state, outbox and view of one device.
#[derive(Debug, Default)]
pub struct ClientCore {
    base: Shelves,
    pending: Vec<MutationEnvelope>,
    /// Effects of pending mutations over `base` (`None` = deleted on this device).
    overlay: BTreeMap<RecordId, Option<Record>>,
    cursor: Option<Cursor>,
    directory: Option<Directory>,
    scope: Option<Scope>,
    next_mutation_id: u64,
    /// Bumped whenever what the user sees of a collection may have changed, so that a screen
    /// showing contacts need not redo its work when deals arrive.
    changes: [u64; Collection::ALL.len()],
}

struct Base<'a>(&'a Shelves, &'a BTreeMap<RecordId, Option<Record>>);

impl Source for Base<'_> {
    fn record(&self, id: RecordId) -> Option<Record> {
        match self.1.get(&id) {
            Some(over) => over.clone(),
            None => self.0.get(&id).cloned(),
        }
    }

    fn exists(&self, id: RecordId) -> bool {
        self.1.contains_key(&id) || self.0.contains(&id)
    }
}

/// What applying a pull page changed, for a UI to refresh and a store to persist.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pulled {
    /// Pending mutations the server has now processed (applied or rejected).
    pub done: Vec<u64>,
    pub reset: bool,
}

impl ClientCore {
    /// A device's state as it was saved: confirmed records, outbox (ascending ids), cursor,
    /// directory and the next mutation id to give out.
    pub fn restore(
        records: impl IntoIterator<Item = Record>,
        pending: Vec<MutationEnvelope>,
        cursor: Option<Cursor>,
        directory: Option<Directory>,
        next_mutation_id: u64,
    ) -> Self {
        let scope = directory.as_ref().map(Directory::scope);
        let next = pending
            .last()
            .map_or(next_mutation_id, |m| next_mutation_id.max(m.id + 1))
            .max(1);
        let mut core = ClientCore {
            base: records.into_iter().collect(),
            pending,
            overlay: BTreeMap::new(),
            cursor,
            directory,
            scope,
            next_mutation_id: next,
            changes: Default::default(),
        };
        core.rebase(0);
        core
    }

    /// Put the saved confirmed records of `collection` in place (a device reads its copy one
    /// collection at a time; records of other collections in `records` are left out).
    pub fn load_collection(&mut self, collection: Collection, mut records: IdMap<Record>) {
        records.retain(|_, r| r.collection() == collection);
        self.base.0[collection.index()] = records;
        self.touch(collection);
        self.rebase(0);
    }

    /// The confirmed records of `collection` whose custom values are still the text they were
    /// read from ([`crate::sync::Custom`]).
    pub fn unsettled(&self, collection: Collection) -> Vec<RecordId> {
        self.base
            .shelf(collection)
            .values()
            .filter(|r| r.custom.is_unread())
            .map(|r| r.id)
            .collect()
    }

    /// Build the custom values of these confirmed records of `collection` (those gone since
    /// are passed by); nothing the user sees changes.
    pub fn settle_custom(&mut self, collection: Collection, ids: &[RecordId]) {
        let shelf = &mut self.base.0[collection.index()];
        for id in ids {
            if let Some(record) = shelf.get_mut(id) {
                record.custom.settle();
            }
        }
    }

    /// A number that changes whenever what the user sees of `collection` may have changed.
    pub fn changes(&self, collection: Collection) -> u64 {
        self.changes[collection.index()]
    }

    fn touch(&mut self, collection: Collection) {
        self.changes[collection.index()] += 1;
    }

    /// Note the collections that overlay `writes` change.
    fn touch_writes(&mut self, writes: &BTreeMap<RecordId, Option<Record>>) {
        for (id, over) in writes {
            let collection = over
                .as_ref()
                .map(Record::collection)
                .or_else(|| self.get(*id).map(Record::collection));
            if let Some(collection) = collection {
                self.touch(collection);
            }
        }
    }

    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    pub fn directory(&self) -> Option<&Directory> {
        self.directory.as_ref()
    }

    pub fn pending(&self) -> &[MutationEnvelope] {
        &self.pending
    }

    pub fn next_mutation_id(&self) -> u64 {
        self.next_mutation_id.max(1)
    }

    /// Make a change: run it on this device now and queue it for the server. Refused changes
    /// (invalid values, not allowed) are not queued.
    pub fn mutate(
        &mut self,
        mutation: &Mutation,
        now: i64,
    ) -> Result<MutationEnvelope, MutateError> {
        let (Some(directory), Some(scope)) = (&self.directory, &self.scope) else {
            return Err(MutateError::NotReady);
        };
        let ctx = Ctx {
            actor: &directory.me,
            scope,
            directory,
            now,
            journal: None,
        };
        let effects = run(mutation, &Base(&self.base, &self.overlay), &ctx)?;
        self.touch_writes(&effects.writes);
        self.overlay.extend(effects.writes);
        let envelope = MutationEnvelope {
            id: self.next_mutation_id(),
            name: mutation.name().to_owned(),
            args: mutation.args(),
            created_at: now,
        };
        self.next_mutation_id = envelope.id + 1;
        self.pending.push(envelope.clone());
        Ok(envelope)
    }

    /// Whether the device has synced once (it knows its user and colleagues).
    pub fn is_ready(&self) -> bool {
        self.directory.is_some()
    }

    /// Check a change against the current view and describe it, without queueing it (a store
    /// shared by several tabs gives it its id; then [`ClientCore::add_pending`]).
    pub fn prepare(&self, mutation: &Mutation, now: i64) -> Result<MutationEnvelope, MutateError> {
        let (Some(directory), Some(scope)) = (&self.directory, &self.scope) else {
            return Err(MutateError::NotReady);
        };
        let ctx = Ctx {
            actor: &directory.me,
            scope,
            directory,
            now,
            journal: None,
        };
        run(mutation, &Base(&self.base, &self.overlay), &ctx)?;
        Ok(MutationEnvelope {
            id: 0,
            name: mutation.name().to_owned(),
            args: mutation.args(),
            created_at: now,
        })
    }

    /// Queue a change that already has its id (made here or in another tab). Ids already queued
    /// are ignored.
    pub fn add_pending(&mut self, envelope: MutationEnvelope, now: i64) {
        if self.pending.iter().any(|m| m.id == envelope.id) {
            return;
        }
        self.next_mutation_id = self.next_mutation_id.max(envelope.id + 1);
        let at = self.pending.partition_point(|m| m.id < envelope.id);
        let last = at == self.pending.len();
        self.pending.insert(at, envelope);
        if last {
            self.replay_last(now);
        } else {
            self.rebase(now);
        }
    }

    fn replay_last(&mut self, now: i64) {
        let (Some(directory), Some(scope), Some(envelope)) =
            (&self.directory, &self.scope, self.pending.last())
        else {
            return;
        };
        let Ok(mutation) = Mutation::parse(&envelope.name, &envelope.args) else {
            return;
        };
        let ctx = Ctx {
            actor: &directory.me,
            scope,
            directory,
            now,
            journal: None,
        };
        if let Ok(effects) = run(&mutation, &Base(&self.base, &self.overlay), &ctx) {
            self.touch_writes(&effects.writes);
            self.overlay.extend(effects.writes);
        }
    }

    /// The oldest pending mutations, at most `max`, to push.
    pub fn outbox(&self, max: usize) -> &[MutationEnvelope] {
        &self.pending[..self.pending.len().min(max)]
    }

    /// Apply one pull page: confirmed changes replace `base`, processed mutations leave the
    /// outbox and the rest are replayed over the new `base`.
    pub fn apply_pull(&mut self, page: PullResponse, now: i64) -> Pulled {
        if page.reset {
            self.base.clear();
            for collection in Collection::ALL {
                self.touch(collection);
            }
        }
        for id in &page.deletes {
            if let Some(collection) = self.base.get(id).map(Record::collection) {
                self.touch(collection);
            }
            self.base.remove(id);
        }
        for record in page.puts {
            self.touch(record.collection());
            self.base.insert(record);
        }
        let done: Vec<u64> = match page.last_mutation_id {
            Some(last) => self
                .pending
                .iter()
                .map(|m| m.id)
                .take_while(|id| *id <= last)
                .collect(),
            None => Vec::new(),
        };
        self.pending.drain(..done.len());
        if let Some(last) = page.last_mutation_id {
            self.next_mutation_id = self.next_mutation_id.max(last + 1);
        }
        if let Some(directory) = page.directory {
            self.scope = Some(directory.scope());
            self.directory = Some(directory);
        }
        self.cursor = Some(page.cursor);
        self.rebase(now);
        Pulled {
            done,
            reset: page.reset,
        }
    }

    /// Replay the outbox over `base`. A mutation that no longer applies here stays queued: the
    /// server decides, and its rejection comes back as a sync issue.
    fn rebase(&mut self, now: i64) {
        let old = std::mem::take(&mut self.overlay);
        self.touch_writes(&old);
        let (Some(directory), Some(scope)) = (&self.directory, &self.scope) else {
            return;
        };
        let ctx = Ctx {
            actor: &directory.me,
            scope,
            directory,
            now,
            journal: None,
        };
        for envelope in &self.pending {
            let Ok(mutation) = Mutation::parse(&envelope.name, &envelope.args) else {
                continue;
            };
            let now = if envelope.created_at > 0 {
                envelope.created_at
            } else {
                now
            };
            let ctx = Ctx { now, ..ctx };
            if let Ok(effects) = run(&mutation, &Base(&self.base, &self.overlay), &ctx) {
                self.overlay.extend(effects.writes);
            }
        }
        let new = std::mem::take(&mut self.overlay);
        self.touch_writes(&new);
        self.overlay = new;
    }

    /// A record as the user sees it (pending changes included).
    pub fn get(&self, id: RecordId) -> Option<&Record> {
        match self.overlay.get(&id) {
            Some(over) => over.as_ref(),
            None => self.base.get(&id),
        }
    }

    /// A record as search sees it: its label, phone numbers, and the texts people look a
    /// record up by (company or account, email, WeChat, tags, city, industry, job title).
    pub fn search_entry(&self, record: &Record) -> Entry {
        match &record.body {
            Body::Contact(c) => {
                let account = c.account.and_then(|a| self.get(a)).map(|r| r.body.label());
                c.search_entry(account.as_deref())
            }
            body => {
                let phones = body.as_lead().and_then(|l| l.phone.as_ref());
                let others = ["company", "email", "tags", "city", "industry"].map(|f| body.text(f));
                Entry::new(&body.label(), phones, others.iter().map(String::as_str))
            }
        }
    }

    /// The confirmed record, as the server last said.
    pub fn confirmed(&self, id: RecordId) -> Option<&Record> {
        self.base.get(&id)
    }

    /// Every record the user sees, in no particular order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        let shadowed = |id: &RecordId| self.overlay.contains_key(id);
        self.base
            .values()
            .filter(move |r| !shadowed(&r.id))
            .chain(self.overlay.values().flatten())
    }

    /// Every record of one collection the user sees.
    pub fn collection(&self, collection: Collection) -> impl Iterator<Item = &Record> {
        let shadowed = |id: &RecordId| self.overlay.contains_key(id);
        self.base
            .shelf(collection)
            .values()
            .filter(move |r| !shadowed(&r.id))
            .chain(
                self.overlay
                    .values()
                    .flatten()
                    .filter(move |r| r.collection() == collection),
            )
    }

    /// The company's schema as this device has it (pending changes applied).
    pub fn company_schema(&self) -> crate::schema::company::CompanySchema {
        self.collection(Collection::Schema)
            .find_map(|r| match &r.body {
                crate::sync::Body::Schema(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The deal pipelines as this device has them (pending changes applied).
    pub fn pipelines(&self) -> crate::records::Pipelines {
        crate::records::Pipelines::of(self.collection(Collection::Pipeline))
    }

    /// Every confirmed record (what a device saves), pending changes not applied.
    pub fn confirmed_records(&self) -> impl Iterator<Item = &Record> {
        self.base.values()
    }

    /// Number of confirmed records.
    pub fn confirmed_len(&self) -> usize {
        self.base.len()
    }
}
