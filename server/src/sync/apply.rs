//! One mutation run by the server on behalf of an API client (the REST API): the same mutator,
//! permission checks and validation as a device's push, in one transaction at a version of its
//! own, so that every device learns of the change on its next pull (they are poked).

use shared::Actor;
use shared::sync::{Ctx, Mutation, Rejection, run};

use super::push::{Batch, notify_peers};
use crate::app::AppState;
use crate::db::now_ms;
use crate::db::sync as store;

/// Apply `mutation` as `actor`. A refusal (`Err` inside) changes nothing and uses no version.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    mutation: &Mutation,
) -> Result<Result<i64, Rejection>, sqlx::Error> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    // Take the version first: on Postgres this waits for other writers, so what is loaded next
    // is current.
    let version = store::bump_version(&mut tx).await?;
    let directory = store::directory(&mut tx, actor).await?;
    let loaded = store::load_touched(&mut tx, [mutation]).await?;
    let mut batch = Batch::new(&loaded);
    let scope = directory.scope();
    let ctx = Ctx {
        actor: &directory.me,
        scope: &scope,
        directory: &directory,
        now,
        journal: Some(crate::sync::new_record_id),
    };
    let effects = match run(mutation, &batch, &ctx) {
        Ok(effects) => effects,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let named = super::files::named_files(&batch, &effects);
    if let Some(refusal) = super::files::foreign_file(&mut tx, named, directory.me.user).await? {
        return Ok(Err(refusal));
    }
    batch.writes.extend(effects.writes);
    batch.number(&mut tx, now).await?;
    super::retype::follow_schema(&mut tx, &mut batch, version, now, directory.me.user).await?;
    let (reach, events) = batch.save(&mut tx, version, now, &directory).await?;
    notify_peers(&mut tx, version, &reach).await?;
    tx.commit().await?;
    state.pokes.poke(version, reach);
    state.changes.publish(events);
    Ok(Ok(version))
}
