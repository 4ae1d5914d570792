//! Sync issues: what the server did not do as the device asked (a **rejection**) and values a
//! device's change replaced although someone else had changed them since the device last saw
//! them (an **overwrite**). They are records of their own private collection, so they reach the
//! user's devices the way everything else does and survive reloads until dismissed.

use serde::{Deserialize, Serialize};

use crate::ids::{RecordId, UserId};
use crate::problem::FieldError;

/// Why the server refused a mutation. Permanent: retrying the same mutation gives the same
/// answer, so the mutation is consumed and the user decides what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rejection {
    #[error("some values are not valid")]
    Invalid { errors: Vec<FieldError> },
    #[error("the record no longer exists or is no longer visible to you")]
    NotFound,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("a record with this id already exists")]
    Exists,
    #[error("this version of the app sent a change the server does not know")]
    UnknownMutation,
    #[error("the change is malformed: {message}")]
    Malformed { message: String },
}

impl Rejection {
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Invalid { .. } => "invalid",
            Rejection::NotFound => "not_found",
            Rejection::Forbidden => "forbidden",
            Rejection::Exists => "exists",
            Rejection::UnknownMutation => "unknown_mutation",
            Rejection::Malformed { .. } => "malformed",
        }
    }
}

/// What kind of issue a [`SyncIssue`] is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IssueKind {
    /// The mutation was refused and changed nothing.
    Rejected { reason: Rejection },
    /// The mutation replaced `theirs` (written by `theirs_by`) in `field`; the device had last
    /// seen `original` there.
    Overwritten {
        field: String,
        mine: String,
        theirs: String,
        original: String,
        theirs_by: UserId,
    },
}

/// One sync issue, shown in the sync-issues panel until the user dismisses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncIssue {
    #[serde(flatten)]
    pub kind: IssueKind,
    /// The mutation's name and arguments, so that it can be applied again.
    pub mutation: String,
    pub args: serde_json::Value,
    /// The record the mutation was about, if any.
    pub record: Option<RecordId>,
    /// What the record is called, to show in the panel even when the record is gone.
    pub label: String,
}
