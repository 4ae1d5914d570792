//! What changed in a record, written by the server beside each edit and reassignment, so that a
//! record's 360° timeline shows stage and field changes with who and when. Change entries are
//! records of their own (`change`), filed under the changed record's owner and team, so they
//! reach exactly the people who see the record.

use serde::{Deserialize, Serialize};

use crate::ids::RecordId;
use crate::sync::record::Collection;

/// One edit of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub record: RecordId,
    pub collection: Collection,
    /// What the record was called after the edit.
    pub label: String,
    pub fields: Vec<FieldChange>,
}

/// One field's value before and after, as text (`owner` holds user ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}
