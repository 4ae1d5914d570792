//! Synced records: one envelope ([`Record`]) with the fields every record has and a typed
//! [`Body`] per collection. The JSON form is the sync wire format and is also how the server and
//! the browser store a record: do not rename fields.

use serde::{Deserialize, Serialize};

use crate::contact::{Contact, ContactField};
use crate::ids::{RecordId, TeamId, UserId};
use crate::sync::issue::SyncIssue;

/// A collection of synced records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    Contact,
    /// Sync issues (rejections and overwrites), seen only by the user they happened to.
    Issue,
}

impl Collection {
    pub const ALL: [Collection; 2] = [Collection::Contact, Collection::Issue];

    pub fn as_str(self) -> &'static str {
        match self {
            Collection::Contact => "contact",
            Collection::Issue => "issue",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether only the owner may see records of this collection, whatever their role's scope.
    pub fn is_private(self) -> bool {
        matches!(self, Collection::Issue)
    }
}

/// A record of any collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: RecordId,
    /// The user responsible for the record; decides, with `team`, who may see it.
    pub owner: UserId,
    /// The team the record is filed under (the owner's team when it was assigned).
    pub team: TeamId,
    pub created_at: i64,
    pub created_by: UserId,
    pub updated_at: i64,
    /// The server version that last changed the record; 0 while it exists only on a device.
    #[serde(default)]
    pub version: i64,
    pub body: Body,
}

/// The typed content of a record, tagged by collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    Contact(Contact),
    Issue(SyncIssue),
}

impl Body {
    pub fn collection(&self) -> Collection {
        match self {
            Body::Contact(_) => Collection::Contact,
            Body::Issue(_) => Collection::Issue,
        }
    }

    /// Names of the fields that differ between two bodies of the same collection (every field
    /// when the collections differ).
    pub fn changed_fields(&self, other: &Body) -> Vec<&'static str> {
        match (self, other) {
            (Body::Contact(a), Body::Contact(b)) => ContactField::ALL
                .into_iter()
                .filter(|f| a.text(*f) != b.text(*f))
                .map(ContactField::as_str)
                .collect(),
            (Body::Issue(a), Body::Issue(b)) if a == b => Vec::new(),
            _ => vec!["*"],
        }
    }

    /// Names of every field of this body's collection.
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            Body::Contact(_) => &["name", "company", "phone", "email", "notes"],
            Body::Issue(_) => &["*"],
        }
    }

    /// A short human label: a contact's name, an issue's record label.
    pub fn label(&self) -> String {
        match self {
            Body::Contact(c) => c.name.to_string(),
            Body::Issue(i) => i.label.clone(),
        }
    }
}

impl Record {
    pub fn collection(&self) -> Collection {
        self.body.collection()
    }

    pub fn as_contact(&self) -> Option<&Contact> {
        match &self.body {
            Body::Contact(c) => Some(c),
            Body::Issue(_) => None,
        }
    }

    pub fn as_issue(&self) -> Option<&SyncIssue> {
        match &self.body {
            Body::Issue(i) => Some(i),
            Body::Contact(_) => None,
        }
    }
}
