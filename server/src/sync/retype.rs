//! When a schema change gives a custom field another type, or forgets a deleted field for good,
//! the values records hold follow it in the same transaction (an auto number added to an object
//! numbers its records: [`super::numbers`]): the records the push writes
//! anyway are converted in memory, every other stored record of the object a page at a time,
//! at the push's version, so every device pulls them with the schema (which reaches everyone).
//! A value that does not convert keeps its old form; the field's stamp moves on, so an edit
//! made meanwhile on an older copy is told it was overwritten rather than lost silently.

use std::collections::BTreeSet;

use shared::RecordId;
use shared::UserId;
use shared::schema::company::{CompanySchema, Retyped, SCHEMA_ID};
use shared::sync::{Body, Collection, Stamp, retype_values};

use super::push::Batch;
use crate::db::sync::{self as store, Write};
use crate::db::{Db, Tx};

/// Records read and written per statement.
const PAGE: i64 = 500;

fn schema_of(body: &Body) -> Option<&CompanySchema> {
    match body {
        Body::Schema(schema) => Some(schema),
        _ => None,
    }
}

/// Convert the stored values of every field this batch's schema change retyped or forgot.
pub(super) async fn follow_schema(
    tx: &mut Tx,
    batch: &mut Batch<'_>,
    version: i64,
    now: i64,
    by: UserId,
) -> Result<(), sqlx::Error> {
    let Some(Some(written)) = batch.writes.get(&SCHEMA_ID) else {
        return Ok(());
    };
    let Some(after) = schema_of(&written.body) else {
        return Ok(());
    };
    let before = batch
        .loaded
        .get(&SCHEMA_ID)
        .filter(|s| !s.deleted)
        .and_then(|s| schema_of(&s.record.body))
        .cloned()
        .unwrap_or_default();
    let retyped = after.retyped_since(&before, now);
    let numbered = after.numbered_since(&before);
    if !numbered.is_empty() {
        super::numbers::number_existing(tx, batch, &numbered, version, now, by).await?;
    }
    if retyped.is_empty() {
        return Ok(());
    }
    // What this push writes anyway is converted where it stands.
    for record in batch.writes.values_mut().flatten() {
        retype_values(record, &retyped);
    }
    let collections: BTreeSet<Collection> = retyped.iter().map(collection).collect();
    for collection in collections {
        let mut after_id: Option<RecordId> = None;
        loop {
            let page = store::live_page(tx, collection, after_id, PAGE).await?;
            let Some(last) = page.last() else { break };
            after_id = Some(last.record.id);
            let full = page.len() as i64 == PAGE;
            let mut changed = Vec::new();
            for mut stored in page {
                if batch.writes.contains_key(&stored.record.id) {
                    continue;
                }
                let keys = retype_values(&mut stored.record, &retyped);
                if keys.is_empty() {
                    continue;
                }
                for key in keys {
                    stored.stamps.insert(key, Stamp { version, by });
                }
                stored.record.version = version;
                changed.push(stored);
            }
            store::write_stored(tx, version, now, &changed).await?;
            if !full {
                break;
            }
        }
    }
    Ok(())
}

/// The collection holding an object's records.
fn collection(retyped: &Retyped) -> Collection {
    shared::schema::builtin::collection_of(&retyped.object).unwrap_or(Collection::Object)
}

/// Fields deleted longer ago than the schema keeps them are forgotten with their values, even
/// when no admin changes the schema meanwhile (the server's hourly housekeeping runs this).
/// Returns how many fields went. Devices learn of it with their next pull.
pub async fn forget_deleted_fields(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let due = |schema: &CompanySchema| {
        schema
            .changed(now, |_| Ok(()))
            .map(|next| next.retyped_since(schema, now).len())
            .unwrap_or(0)
    };
    // Most hours nothing is due: read the schema before taking a version.
    let Some(body) = store::live_one(db, SCHEMA_ID.as_uuid()).await? else {
        return Ok(0);
    };
    let stored: shared::sync::Record = serde_json::from_str(&body)
        .map_err(|e| sqlx::Error::Decode(format!("the schema record: {e}").into()))?;
    if schema_of(&stored.body).is_none_or(|s| due(s) == 0) {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let version = store::bump_version(&mut tx).await?;
    let loaded = store::load(&mut tx, &[SCHEMA_ID]).await?;
    let Some(current) = loaded.get(&SCHEMA_ID).filter(|s| !s.deleted) else {
        return Ok(0);
    };
    let Some(schema) = schema_of(&current.record.body) else {
        return Ok(0);
    };
    let gone = due(schema);
    let Ok(mut next) = schema.changed(now, |_| Ok(())) else {
        return Ok(0);
    };
    if gone == 0 {
        return Ok(0);
    }
    next.revision += 1;
    let mut record = current.record.clone();
    record.body = Body::Schema(next);
    record.updated_at = now;
    record.version = version;
    let by = record.owner;
    let mut batch = Batch::new(&loaded);
    batch.writes.insert(SCHEMA_ID, Some(record.clone()));
    follow_schema(&mut tx, &mut batch, version, now, by).await?;
    let row = Write {
        record: &record,
        deleted: false,
        body: serde_json::to_string(&record).unwrap_or_default(),
        stamps: store::stamps_json(&current.stamps),
    };
    store::write(&mut tx, version, now, &[row]).await?;
    tx.commit().await?;
    Ok(gone)
}
