//! A write may name only files its writer uploaded (or files the record named already): a
//! device that learned another person's file id cannot reach the file by naming it in a
//! record of its own. A file not uploaded yet may be named (a device attaches a file offline
//! under an id it chose, and uploads it later; the upload is then the writer's).

use shared::sync::{Effects, Rejection, Source, new_files};
use shared::{Problem, UserId};

use crate::db::Tx;
use crate::db::files;

/// The files a mutation's writes name that the records did not (`before` holds them as they
/// were), each with its field.
pub fn named_files(before: &dyn Source, effects: &Effects) -> Vec<(String, uuid::Uuid)> {
    let mut named = Vec::new();
    for (id, written) in &effects.writes {
        if let Some(after) = written {
            named.extend(new_files(before.record(*id).as_ref(), after));
        }
    }
    named
}

/// The refusal for a write naming (`named`) a file someone else uploaded, if it does.
pub async fn foreign_file(
    tx: &mut Tx,
    named: Vec<(String, uuid::Uuid)>,
    user: UserId,
) -> Result<Option<Rejection>, sqlx::Error> {
    if named.is_empty() {
        return Ok(None);
    }
    let ids: Vec<uuid::Uuid> = named.iter().map(|(_, id)| *id).collect();
    let others = files::others(tx, &ids, user.as_uuid()).await?;
    Ok(named
        .into_iter()
        .find(|(_, id)| others.contains(id))
        .map(|(field, _)| Rejection::Invalid {
            errors: vec![Problem::NotFound.at(&field)],
        }))
}
