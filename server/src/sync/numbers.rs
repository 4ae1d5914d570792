//! An auto-number field added to an object that already has records: each of them gets its
//! number in the same transaction, in the order the records were made (a dated field numbers
//! each day's records under the day they were made), drawn from the counters new records use,
//! so no number is given twice; every device pulls them with the schema.

use std::collections::HashMap;

use shared::schema::auto_number;
use shared::schema::builtin;
use shared::schema::company::Numbered;
use shared::sync::{Collection, Record, Stamp};
use shared::{RecordId, UserId};

use super::push::Batch;
use crate::db::Tx;
use crate::db::sync::{self as store, Stored};

/// Records read and written per statement.
const PAGE: i64 = 500;

/// Whether `record` is one of `object`'s and still has no (final) number in `key`.
fn wants(record: &Record, object: &str, key: &str) -> bool {
    record.object_key() == Some(object)
        && match record.custom.get(key) {
            None | Some(serde_json::Value::Null) => true,
            Some(serde_json::Value::String(s)) => s.is_empty() || auto_number::is_provisional(s),
            Some(_) => false,
        }
}

/// Number the records that existed before each field in `numbered` was added (those the batch
/// writes anyway are numbered where they stand).
pub(super) async fn number_existing(
    tx: &mut Tx,
    batch: &mut Batch<'_>,
    numbered: &[Numbered],
    version: i64,
    now: i64,
    by: UserId,
) -> Result<(), sqlx::Error> {
    for added in numbered {
        let Some((prefix, dated, digits)) = auto_number::of(&added.field.field_type) else {
            continue;
        };
        let (object, key) = (added.object.as_str(), added.field.key.as_str());
        let collection = builtin::collection_of(object).unwrap_or(Collection::Object);
        // Which records need a number, oldest first.
        let mut todo: Vec<(i64, RecordId)> = batch
            .writes
            .values()
            .flatten()
            .filter(|r| wants(r, object, key))
            .map(|r| (r.created_at, r.id))
            .collect();
        // The stored records that need one are read once and kept until they are written.
        let mut stored: Vec<Stored> = Vec::new();
        let mut after: Option<RecordId> = None;
        loop {
            let page = store::live_page(tx, collection, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.record.id);
            let full = page.len() as i64 == PAGE;
            stored.extend(page.into_iter().filter(|s| {
                !batch.writes.contains_key(&s.record.id) && wants(&s.record, object, key)
            }));
            if !full {
                break;
            }
        }
        todo.extend(stored.iter().map(|s| (s.record.created_at, s.record.id)));
        if todo.is_empty() {
            continue;
        }
        todo.sort_unstable();
        // Each counter (the prefix, and the day a record was made when dated) hands out a
        // block of numbers at once.
        let day = |created: i64| dated.then(|| auto_number::day_of(created));
        let mut numbers: HashMap<RecordId, String> = HashMap::with_capacity(todo.len());
        let mut start = 0;
        while start < todo.len() {
            let first_day = day(todo[start].0);
            let end = todo[start..]
                .iter()
                .position(|(created, _)| day(*created) != first_day)
                .map_or(todo.len(), |n| start + n);
            let count = i64::try_from(end - start).unwrap_or(i64::MAX);
            let counter = auto_number::counter(prefix, first_day.as_deref());
            let last = store::reserve_numbers(tx, &counter, count).await?;
            for (i, (_, id)) in todo[start..end].iter().enumerate() {
                let sequence = last - count + 1 + i64::try_from(i).unwrap_or(0);
                let sequence = u64::try_from(sequence).unwrap_or(0);
                let number = auto_number::number(prefix, first_day.as_deref(), digits, sequence);
                numbers.insert(*id, number);
            }
            start = end;
        }
        let text = |id: &RecordId| numbers.get(id).cloned().map(serde_json::Value::String);
        for record in batch.writes.values_mut().flatten() {
            if let Some(number) = text(&record.id) {
                record.custom.insert(key.to_owned(), number);
            }
        }
        for s in &mut stored {
            if let Some(number) = text(&s.record.id) {
                s.record.custom.insert(key.to_owned(), number);
                s.stamps.insert(key.to_owned(), Stamp { version, by });
                s.record.version = version;
            }
        }
        for chunk in stored.chunks(PAGE as usize) {
            store::write_stored(tx, version, now, chunk).await?;
        }
    }
    Ok(())
}
