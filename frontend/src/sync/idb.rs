//! The device's copy in IndexedDB: confirmed records, the outbox of pending mutations, and meta
//! (cursor, directory, client id, next mutation id). Values are stored as JSON text, which
//! IndexedDB copies quickly and the app parses with the same `serde` types as the server.
//!
//! One database per user and browser profile (`qiao-<user id>`), so two people sharing a browser
//! never see each other's data.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use shared::sync::{Cursor, Directory, MutationEnvelope, PullResponse, Record};
use uuid::Uuid;

const RECORDS: &str = "records";
const PENDING: &str = "pending";
const META: &str = "meta";

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

/// Everything saved, as read at start-up.
#[derive(Debug, Default)]
pub struct Saved {
    pub client: Option<Uuid>,
    pub records: Vec<Record>,
    pub pending: Vec<MutationEnvelope>,
    pub cursor: Option<Cursor>,
    pub directory: Option<Directory>,
    pub next_mutation_id: u64,
    pub last_synced: Option<i64>,
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
    pub async fn open(user: &str) -> Result<Self, StoreError> {
        let db = Database::open(format!("qiao-{user}").as_str())
            .with_version(1u8)
            .with_on_upgrade_needed(|_event, db| {
                for name in [RECORDS, PENDING, META] {
                    if !db.object_store_names().any(|n| n == name) {
                        db.create_object_store(name).build()?;
                    }
                }
                Ok(())
            })
            .await?;
        Ok(Store { db })
    }

    pub async fn load(&self) -> Result<Saved, StoreError> {
        let tx = self.db.transaction([RECORDS, PENDING, META]).build()?;
        let records_store = tx.object_store(RECORDS)?;
        let pending_store = tx.object_store(PENDING)?;
        let meta = tx.object_store(META)?;
        let mut saved = Saved::default();
        for text in records_store.get_all::<String>().primitive()?.await? {
            if let Ok(record) = serde_json::from_str::<Record>(&text?) {
                saved.records.push(record);
            }
        }
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
        Ok(saved)
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
    pub async fn save_page(
        &self,
        page: &PullResponse,
        done: &[u64],
        now: i64,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([RECORDS, PENDING, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let records = tx.object_store(RECORDS)?;
        if page.reset {
            records.clear()?.await?;
        }
        for id in &page.deletes {
            records.delete(id.to_string()).primitive()?;
        }
        for record in &page.puts {
            let json = serde_json::to_string(record).map_err(|e| StoreError(e.to_string()))?;
            records
                .put(json)
                .with_key(record.id.to_string())
                .primitive()?;
        }
        let pending = tx.object_store(PENDING)?;
        for id in done {
            pending.delete(pending_key(*id)).primitive()?;
        }
        let meta = tx.object_store(META)?;
        let cursor = serde_json::to_string(&page.cursor).map_err(|e| StoreError(e.to_string()))?;
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
        Ok(())
    }

    /// The pending mutations as saved (other tabs may have added some).
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

/// Pending mutations are keyed by a zero-padded id, so that keys sort like ids.
fn pending_key(id: u64) -> String {
    format!("{id:020}")
}
