//! The device's copy in IndexedDB: confirmed records, the outbox of pending mutations, and meta
//! (cursor, directory, client id, next mutation id). Values are stored as JSON (segments as its
//! UTF-8 bytes), which IndexedDB copies quickly and the app parses with the same `serde` types
//! as the server.
//!
//! Confirmed records are kept as *segments*, each a JSON list of the records (and deletions) of
//! one collection that one pull page brought, keyed `<collection>/<sequence>`: reading 250,000
//! records is then a few hundred large reads rather than 250,000 small ones, and a screen can
//! have its own collection first. Replaying a collection's segments in order gives its records;
//! when segments pile up they are rewritten as a few large ones ([`Store::compact`]).
//!
//! One database per user and browser profile (`qiao-<user id>`), so two people sharing a browser
//! never see each other's data.

use std::collections::HashMap;

use indexed_db_futures::KeyRange;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use shared::RecordId;
use shared::ids::IdMap;
use shared::sync::page_text::join_array;
use shared::sync::{Collection, Cursor, Directory, MutationEnvelope, PullResponse, Record};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

/// Version 1 kept one row per record; read once to move them into segments, then emptied.
const RECORDS: &str = "records";
const SEGMENTS: &str = "segments";
const PENDING: &str = "pending";
const META: &str = "meta";
/// Files attached on this device: their bytes (a `Blob`) and whether they are uploaded yet
/// (`sync::files`).
pub(crate) const FILES: &str = "files";

/// Records per segment when segments are rewritten.
const SEGMENT_RECORDS: usize = 2000;

/// Records per segment when a pull page is saved (a page may hold thousands).
const SAVED_RECORDS: usize = 200;

/// One collection's share of a saved pull page: records put and ids deleted, in that order.
#[derive(Debug, Serialize, Deserialize)]
struct Segment<R> {
    #[serde(default)]
    deletes: Vec<RecordId>,
    #[serde(default = "Vec::new")]
    puts: Vec<R>,
}

fn segment_key(collection: Collection, seq: u64) -> String {
    format!("{}/{seq:012}", collection.as_str())
}

/// Every segment key of `collection` (`/` then digits, below `~`).
fn segment_range(collection: Collection) -> KeyRange<String> {
    KeyRange::Bound(
        format!("{}/", collection.as_str()),
        false,
        format!("{}/~", collection.as_str()),
        false,
    )
}

fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError(e.to_string()))
}

/// Why the local store failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("local storage: {0}")]
pub struct StoreError(String);

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError(e.to_string())
    }
}

/// Everything saved but the records ([`Store::load_records`]), as read at start-up.
#[derive(Debug, Default)]
pub struct Saved {
    pub client: Option<Uuid>,
    /// Segments stored (records are read per collection).
    pub segments: usize,
    pub pending: Vec<MutationEnvelope>,
    pub cursor: Option<Cursor>,
    pub directory: Option<Directory>,
    pub next_mutation_id: u64,
    pub last_synced: Option<i64>,
    /// The last pull page saved was the last one the server had (a first download that was
    /// cut short is not).
    pub complete: bool,
}

pub struct Store {
    db: Database,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Version 4 stores segments as bytes: an app of version 3 or before, which would drop
    /// them as unreadable (and could write the copy back without them), may not open it.
    pub async fn open(user: &str) -> Result<Self, StoreError> {
        let db = Database::open(format!("qiao-{user}").as_str())
            .with_version(4u8)
            .with_on_upgrade_needed(|_event, db| {
                for name in [SEGMENTS, PENDING, META, FILES] {
                    if !db.object_store_names().any(|n| n == name) {
                        db.create_object_store(name).build()?;
                    }
                }
                Ok(())
            })
            .await?;
        Ok(Store { db })
    }

    /// Read what start-up needs first: meta and the outbox (and move version 1's records into
    /// segments, once).
    pub async fn load(&self) -> Result<Saved, StoreError> {
        self.migrate().await?;
        let tx = self.db.transaction([SEGMENTS, PENDING, META]).build()?;
        let pending_store = tx.object_store(PENDING)?;
        let meta = tx.object_store(META)?;
        let mut saved = Saved {
            segments: tx.object_store(SEGMENTS)?.count().primitive()?.await? as usize,
            ..Saved::default()
        };
        for text in pending_store.get_all::<String>().primitive()?.await? {
            if let Ok(envelope) = serde_json::from_str::<MutationEnvelope>(&text?) {
                saved.pending.push(envelope);
            }
        }
        saved.pending.sort_by_key(|m| m.id);
        let text = |value: Option<String>| value.unwrap_or_default();
        let client: Option<String> = meta.get("client").primitive()?.await?;
        saved.client = client.and_then(|c| Uuid::parse_str(&c).ok());
        let cursor: Option<String> = meta.get("cursor").primitive()?.await?;
        saved.cursor = serde_json::from_str(&text(cursor)).ok();
        let directory: Option<String> = meta.get("directory").primitive()?.await?;
        saved.directory = serde_json::from_str(&text(directory)).ok();
        let next: Option<String> = meta.get("next_mutation_id").primitive()?.await?;
        saved.next_mutation_id = text(next).parse().unwrap_or(1);
        let synced: Option<String> = meta.get("last_synced").primitive()?.await?;
        saved.last_synced = text(synced).parse().ok();
        // Copies saved before this was noted were complete once they had a cursor.
        let complete: Option<String> = meta.get("complete").primitive()?.await?;
        saved.complete = complete.map_or(saved.cursor.is_some(), |c| c == "1");
        Ok(saved)
    }

    /// The saved segments of `collection`, in order, to give to a [`Replay`].
    pub async fn segments_of(&self, collection: Collection) -> Result<Vec<String>, StoreError> {
        let tx = self.db.transaction(SEGMENTS).build()?;
        let texts = tx
            .object_store(SEGMENTS)?
            .get_all::<JsValue>()
            .with_query::<String, _>(segment_range(collection))
            .primitive()?
            .await?;
        Ok(texts
            .filter_map(|t| t.ok().and_then(segment_text))
            .collect())
    }

    /// Version 1 kept a row per record: write them as segments and empty the old store.
    async fn migrate(&self) -> Result<(), StoreError> {
        if !self.db.object_store_names().any(|n| n == RECORDS) {
            return Ok(());
        }
        let tx = self
            .db
            .transaction([RECORDS, SEGMENTS, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let old = tx.object_store(RECORDS)?;
        let mut records = Vec::new();
        for text in old.get_all::<String>().primitive()?.await? {
            if let Ok(record) = serde_json::from_str::<Record>(&text?) {
                records.push(record);
            }
        }
        if records.is_empty() {
            return Ok(());
        }
        write_segments(&tx, compacted(records.iter())?, 1).await?;
        old.clear()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replace every segment by `segments` (from [`compacted`]: the confirmed records, complete);
    /// returns how many segments there are now.
    pub async fn compact(&self, segments: Vec<(Collection, String)>) -> Result<usize, StoreError> {
        let tx = self
            .db
            .transaction([SEGMENTS, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let next: Option<String> = tx
            .object_store(META)?
            .get("next_segment")
            .primitive()?
            .await?;
        let next = next.and_then(|n| n.parse::<u64>().ok()).unwrap_or(1);
        tx.object_store(SEGMENTS)?.clear()?.await?;
        let written = write_segments(&tx, segments, next).await?;
        tx.commit().await?;
        Ok(written)
    }

    pub async fn set_client(&self, client: Uuid) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(META)?
            .put(client.to_string())
            .with_key("client")
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Give `envelope` the next mutation id of this browser profile and save it, in one
    /// transaction, so that two tabs never hand out the same id.
    pub async fn enqueue(
        &self,
        mut envelope: MutationEnvelope,
        at_least: u64,
    ) -> Result<MutationEnvelope, StoreError> {
        let tx = self
            .db
            .transaction([PENDING, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let next: Option<String> = meta.get("next_mutation_id").primitive()?.await?;
        let id = next
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(1)
            .max(at_least)
            .max(1);
        envelope.id = id;
        let json = serde_json::to_string(&envelope).map_err(|e| StoreError(e.to_string()))?;
        tx.object_store(PENDING)?
            .put(json)
            .with_key(pending_key(id))
            .primitive()?
            .await?;
        meta.put((id + 1).to_string())
            .with_key("next_mutation_id")
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(envelope)
    }

    /// Save one pull page: records, processed mutations and the new cursor, all or nothing.
    /// `texts` are the page's records of each collection as received; they are written as
    /// segments of at most [`SAVED_RECORDS`] records, one after the other, so that no one step
    /// holds the page for long. `collection_of` tells which collection a deleted record was in
    /// (deletions of records the device does not have are not saved). Returns how many
    /// segments it wrote.
    pub async fn save_page(
        &self,
        page: &PullResponse,
        texts: &[(Collection, Vec<&str>)],
        done: &[u64],
        now: i64,
        collection_of: impl Fn(RecordId) -> Option<Collection>,
    ) -> Result<usize, StoreError> {
        let tx = self
            .db
            .transaction([SEGMENTS, PENDING, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let segments = tx.object_store(SEGMENTS)?;
        let meta = tx.object_store(META)?;
        if page.reset {
            segments.clear()?.await?;
        }
        let mut deletes: HashMap<Collection, Vec<RecordId>> = HashMap::new();
        for id in &page.deletes {
            if let Some(collection) = collection_of(*id) {
                deletes.entry(collection).or_default().push(*id);
            }
        }
        let next: Option<String> = meta.get("next_segment").primitive()?.await?;
        let first = next.and_then(|n| n.parse::<u64>().ok()).unwrap_or(1);
        let mut seq = first;
        for collection in Collection::ALL {
            let records = texts
                .iter()
                .find(|(c, _)| *c == collection)
                .map_or(&[][..], |(_, records)| records.as_slice());
            let gone = deletes.remove(&collection).unwrap_or_default();
            if records.is_empty() && gone.is_empty() {
                continue;
            }
            let mut gone = Some(gone);
            let mut chunks = records.chunks(SAVED_RECORDS).peekable();
            while gone.is_some() || chunks.peek().is_some() {
                let chunk = chunks.next().unwrap_or_default();
                let text = format!(
                    "{{\"deletes\":{},\"puts\":{}}}",
                    to_json(&gone.take().unwrap_or_default())?,
                    join_array(chunk.iter().copied())
                );
                // Each written in a step of its own (the next one after this one is stored).
                segments
                    .put(stored_segment(&text))
                    .with_key(segment_key(collection, seq))
                    .primitive()?
                    .await?;
                seq += 1;
            }
        }
        let written = usize::try_from(seq - first).unwrap_or(0);
        if written > 0 {
            meta.put(seq.to_string())
                .with_key("next_segment")
                .primitive()?;
        }
        // Whether the device has everything the server had (no more pages to come).
        meta.put(if page.more { "0" } else { "1" }.to_owned())
            .with_key("complete")
            .primitive()?;
        let pending = tx.object_store(PENDING)?;
        for id in done {
            pending.delete(pending_key(*id)).primitive()?;
        }
        let cursor = to_json(&page.cursor)?;
        meta.put(cursor).with_key("cursor").primitive()?;
        if let Some(directory) = &page.directory {
            let json = serde_json::to_string(directory).map_err(|e| StoreError(e.to_string()))?;
            meta.put(json).with_key("directory").primitive()?;
        }
        if let Some(last) = page.last_mutation_id {
            // Never hand out an id the server has already seen.
            let next: Option<String> = meta.get("next_mutation_id").primitive()?.await?;
            let next = next.and_then(|n| n.parse::<u64>().ok()).unwrap_or(1);
            if next <= last {
                meta.put((last + 1).to_string())
                    .with_key("next_mutation_id")
                    .primitive()?;
            }
        }
        meta.put(now.to_string())
            .with_key("last_synced")
            .primitive()?;
        tx.commit().await?;
        Ok(written)
    }

    /// The pending mutations as saved (other tabs may have added some).
    /// Keep a file's entry (a JS object: see `sync::files`) under its id.
    pub async fn put_file(
        &self,
        id: &str,
        entry: &wasm_bindgen::JsValue,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(FILES)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(FILES)?
            .put(entry)
            .with_key(id)
            .primitive()?
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forget a kept file (the server has it).
    pub async fn delete_file(&self, id: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(FILES)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(FILES)?.delete(id).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// A file's entry, if this device keeps it.
    pub async fn file(&self, id: &str) -> Result<Option<wasm_bindgen::JsValue>, StoreError> {
        let tx = self.db.transaction(FILES).build()?;
        let entry: Option<wasm_bindgen::JsValue> =
            tx.object_store(FILES)?.get(id).primitive()?.await?;
        Ok(entry.filter(|e| !e.is_undefined() && !e.is_null()))
    }

    /// Every file entry this device keeps.
    pub async fn files(&self) -> Result<Vec<wasm_bindgen::JsValue>, StoreError> {
        let tx = self.db.transaction(FILES).build()?;
        let all = tx
            .object_store(FILES)?
            .get_all::<wasm_bindgen::JsValue>()
            .primitive()?
            .await?;
        Ok(all.filter_map(Result::ok).collect())
    }

    pub async fn pending(&self) -> Result<Vec<MutationEnvelope>, StoreError> {
        let tx = self.db.transaction(PENDING).build()?;
        let mut all = Vec::new();
        for text in tx
            .object_store(PENDING)?
            .get_all::<String>()
            .primitive()?
            .await?
        {
            if let Ok(envelope) = serde_json::from_str::<MutationEnvelope>(&text?) {
                all.push(envelope);
            }
        }
        all.sort_by_key(|m| m.id);
        Ok(all)
    }
}

/// One collection's confirmed records, rebuilt from its segments in order (one segment at a
/// time, so that a caller can let the page run in between).
#[derive(Debug)]
pub struct Replay {
    collection: Collection,
    records: IdMap<Record>,
    /// Whether the records' custom values are read now (a collection read in the background)
    /// or left as text until asked for (one the screen waits for).
    settle: bool,
}

impl Replay {
    pub fn new(collection: Collection, settle: bool) -> Self {
        Replay {
            collection,
            records: IdMap::default(),
            settle,
        }
    }

    /// Apply the next segment (one that cannot be read is skipped).
    pub fn add(&mut self, text: &str) {
        let Ok(segment) = serde_json::from_str::<Segment<Record>>(text) else {
            return;
        };
        for id in &segment.deletes {
            self.records.remove(id);
        }
        for mut record in segment.puts {
            if record.collection() == self.collection {
                if self.settle {
                    record.custom.settle();
                }
                self.records.insert(record.id, record);
            }
        }
    }

    pub fn finish(self) -> IdMap<Record> {
        self.records
    }
}

/// `records` as segments of [`SEGMENT_RECORDS`] records of one collection each, as JSON text.
pub fn compacted<'a>(
    records: impl Iterator<Item = &'a Record>,
) -> Result<Vec<(Collection, String)>, StoreError> {
    let mut by_collection: HashMap<Collection, Vec<&Record>> = HashMap::new();
    for record in records {
        by_collection
            .entry(record.collection())
            .or_default()
            .push(record);
    }
    let mut out = Vec::new();
    for (collection, records) in &by_collection {
        for chunk in records.chunks(SEGMENT_RECORDS) {
            let segment = Segment {
                deletes: Vec::new(),
                puts: chunk.to_vec(),
            };
            out.push((*collection, to_json(&segment)?));
        }
    }
    Ok(out)
}

/// Write `segments`, numbered from `next`; returns how many.
async fn write_segments(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    segments: Vec<(Collection, String)>,
    next: u64,
) -> Result<usize, StoreError> {
    let store = tx.object_store(SEGMENTS)?;
    let written = segments.len();
    let mut seq = next;
    for (collection, text) in segments {
        store
            .put(stored_segment(&text))
            .with_key(segment_key(collection, seq))
            .primitive()?;
        seq += 1;
    }
    tx.object_store(META)?
        .put(seq.to_string())
        .with_key("next_segment")
        .primitive()?
        .await?;
    Ok(written)
}

/// A segment as it is stored: its JSON's UTF-8 bytes (read back, they are copied into the app
/// as they are; a string would be stored as UTF-16, twice the bytes for Chinese text, and
/// converted on the way in).
fn stored_segment(text: &str) -> JsValue {
    js_sys::Uint8Array::from(text.as_bytes()).into()
}

/// A stored segment's text: bytes, or a string (as copies saved before kept them).
fn segment_text(stored: JsValue) -> Option<String> {
    if let Some(text) = stored.as_string() {
        return Some(text);
    }
    let bytes = stored.dyn_into::<js_sys::Uint8Array>().ok()?.to_vec();
    String::from_utf8(bytes).ok()
}

/// Pending mutations are keyed by a zero-padded id, so that keys sort like ids.
fn pending_key(id: u64) -> String {
    format!("{id:020}")
}
