//! The sync endpoints: `POST /api/sync/push`, `POST /api/sync/pull` and `GET /api/sync/events`.
//!
//! Push runs each mutation's `shared` mutator inside one database transaction per push, with
//! every mutation applied to an in-memory layer first, so that a refused mutation leaves nothing
//! behind and is recorded as a sync issue. Pull sends the records a user may see that changed
//! since their cursor. Events tell connected devices that there is something new.

pub mod apply;
pub mod changes;
pub mod cursor;
pub mod events;
pub mod files;
pub mod numbers;
pub mod pull;
pub mod push;
pub mod retype;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// Pushes of a few thousand mutations are a few megabytes.
pub const SYNC_BODY_LIMIT: usize = 32 * 1024 * 1024;

pub fn push_router() -> Router<AppState> {
    Router::new().route("/api/sync/push", post(push::push))
}

/// A pull request is a cursor and a few ids.
pub fn pull_router() -> Router<AppState> {
    Router::new().route("/api/sync/pull", post(pull::pull))
}

/// A new record id (UUIDv7), for the change entries the server journals beside edits.
pub fn new_record_id() -> shared::RecordId {
    shared::RecordId::from_uuid(uuid::Uuid::now_v7())
}

/// Routes without a request body.
pub fn events_router() -> Router<AppState> {
    Router::new().route("/api/sync/events", get(events::events))
}
