//! `pipeline.save`: an admin sets up a deal pipeline (stages in order, probabilities, won/lost,
//! stage gates), saved whole as one public record; and [`TxEnv`], how deal mutators read the
//! pipelines among the records a mutation sees.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::ids::RecordId;
use crate::records::{DEFAULT_PIPELINE, Env, Pipeline};
use crate::role::Capability;
use crate::sync::issue::Rejection;
use crate::sync::mutators::{Ctx, Source, Tx};
use crate::sync::record::{Body, Collection, Record};

/// `pipeline.save`: create pipeline `id` or replace it with `pipeline`. Deals keep their stage
/// keys, so a renamed stage keeps its deals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavePipeline {
    pub id: RecordId,
    pub pipeline: Pipeline,
}

pub fn save(a: &SavePipeline, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    if !ctx.actor.can(Capability::ManagePipelines) {
        return Err(Rejection::Forbidden);
    }
    let pipeline = a
        .pipeline
        .clone()
        .checked()
        .map_err(|errors| Rejection::Invalid { errors })?;
    let record = match tx.record(a.id) {
        Some(mut record) if record.collection() == Collection::Pipeline => {
            record.body = Body::Pipeline(pipeline);
            record.updated_at = ctx.now;
            record
        }
        Some(_) => return Err(Rejection::Exists),
        // A deleted id is never reused.
        None if tx.exists(a.id) => return Err(Rejection::Exists),
        None => Record::created(
            a.id,
            ctx.actor.user,
            ctx.actor.team,
            ctx.actor.user,
            ctx.now,
            Body::Pipeline(pipeline),
        ),
    };
    tx.put(record);
    Ok(())
}

/// The pipelines a mutation sees: read from its records (the main one is the standard pipeline
/// until an admin saves it).
pub struct TxEnv<'a>(pub &'a dyn Source);

impl Env for TxEnv<'_> {
    fn pipeline(&self, id: Option<RecordId>) -> Cow<'_, Pipeline> {
        let read = |id: RecordId| match self.0.record(id).map(|r| r.body) {
            Some(Body::Pipeline(p)) => Some(p),
            _ => None,
        };
        id.and_then(read)
            .or_else(|| read(DEFAULT_PIPELINE))
            .map_or(Cow::Borrowed(Pipeline::standard()), Cow::Owned)
    }
}
