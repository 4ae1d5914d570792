//! Offline-first sync: records, mutators, the wire protocol and the device-side core.
//!
//! Every change is a [`Mutation`] run at once on the device and exactly once on the server,
//! which orders changes with one commit-ordered version counter and tells devices what changed
//! since their [`Cursor`]. See `ARCHITECTURE.md`, "Sync".

pub mod client;
pub mod crm;
pub mod custom;
pub mod event;
pub mod issue;
pub mod linked;
pub mod mutators;
pub mod page_text;
pub mod pipelines;
pub mod protocol;
pub mod record;
pub mod related;
pub mod schema;
pub mod scope;
pub mod values;

pub use client::{ClientCore, MutateError, Presence, Pulled};
pub use crm::{AssignRecord, ConvertDeal, ConvertLead, CreateRecord, DeleteRecord, UpdateRecord};
pub use custom::Custom;
pub use event::{Event, Happened};
pub use issue::{IssueKind, MAX_OPEN_ISSUES, Rejection, SyncIssue};
pub use mutators::{
    AssignContact, CreateContact, Ctx, DeleteContact, DismissIssue, Effects, Layer, Mutation,
    Overwrite, Source, Stamp, Tx, UpdateContact, run,
};
pub use pipelines::SavePipeline;
pub use protocol::{
    Cursor, MAX_PUSH_MUTATIONS, MutationEnvelope, Poke, PullRequest, PullResponse, PushRequest,
    PushResponse, SCHEMA_VERSION, ScopeMove,
};
pub use record::{Body, Collection, Record};
pub use schema::{CreateObject, FieldRef, SaveField, file_ids, new_files, retype_values};
pub use scope::{Directory, Member, Reach, Scope, TeamEntry};

#[cfg(test)]
mod tests;
