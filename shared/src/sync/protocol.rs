//! The sync wire contract: `POST /api/sync/push`, `POST /api/sync/pull` and the pokes of
//! `GET /api/sync/events`. Devices in the field run old versions of the app for weeks: **do not
//! rename or remove fields**; add optional ones, and bump [`SCHEMA_VERSION`] only for changes an
//! old client cannot read.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::RecordId;
use crate::sync::record::Record;
use crate::sync::scope::{Directory, Scope};

/// The version of this contract.
pub const SCHEMA_VERSION: u32 = 1;

/// Most mutations one push may carry.
pub const MAX_PUSH_MUTATIONS: usize = 5000;

/// One change made on a device: a mutator's name and its arguments, with the id the device gave
/// it. Ids are dense per client: 1, 2, 3, …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationEnvelope {
    pub id: u64,
    pub name: String,
    pub args: serde_json::Value,
    /// When the user made the change (device clock, UTC ms); informational only.
    #[serde(default)]
    pub created_at: i64,
}

/// `POST /api/sync/push`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The browser profile (shares one local store).
    pub client_group: Uuid,
    /// The client whose mutation ids these are.
    pub client: Uuid,
    pub schema_version: u32,
    pub mutations: Vec<MutationEnvelope>,
}

/// The answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// The highest mutation id of this client the server has processed (applied or rejected).
    pub last_mutation_id: u64,
    /// How many of this push's mutations were applied now (not counting repeats).
    pub applied: u32,
    /// How many were rejected now (each left a sync issue).
    pub rejected: u32,
}

/// Where a device's copy stands: the server version it has everything up to, under which scope,
/// and which directory it has. Opaque to the device: it stores and sends it back. The server
/// signs every cursor it gives out (`sig`) for the client it gives it to, and trusts a cursor
/// only with a valid signature: a device cannot widen the scope it claims to have seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub version: i64,
    pub scope: Scope,
    pub directory: String,
    /// Set while a change of the user's scope is sent in pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving: Option<ScopeMove>,
    /// The server's signature over everything above (hex); empty on cursors made elsewhere.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sig: String,
}

/// A change of scope in progress: the device still stands at the cursor's version and scope,
/// and has been sent the difference to `to` for every record with an id up to `through`, as
/// of version `head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeMove {
    pub to: Scope,
    pub head: i64,
    pub through: Uuid,
}

/// `POST /api/sync/pull`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub client_group: Uuid,
    pub client: Uuid,
    pub schema_version: u32,
    /// `None` for a device with nothing yet.
    pub cursor: Option<Cursor>,
}

/// One page of changes. Pages end on a version boundary, so a device never holds half of one
/// server transaction; `more` says another page follows at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub cursor: Cursor,
    /// Drop everything confirmed before applying this page (the old cursor was too old or
    /// unreadable); pending mutations are kept and replayed.
    #[serde(default)]
    pub reset: bool,
    #[serde(default)]
    pub puts: Vec<Record>,
    #[serde(default)]
    pub deletes: Vec<RecordId>,
    /// The client's last processed mutation id, when this page includes the effects of all
    /// of them; pending mutations up to it are done.
    #[serde(default)]
    pub last_mutation_id: Option<u64>,
    #[serde(default)]
    pub more: bool,
    /// Sent when it changed since the cursor.
    #[serde(default)]
    pub directory: Option<Directory>,
}

/// What `GET /api/sync/events` sends (as SSE `data:`) when the server has something new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poke {
    pub version: i64,
}
