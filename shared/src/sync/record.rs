//! Synced records: one envelope ([`Record`]) with the fields every record has and a typed
//! [`Body`] per collection. The JSON form is the sync wire format and is also how the server and
//! the browser store a record: do not rename fields.

use serde::{Deserialize, Serialize};

use crate::contact::Contact;
use crate::ids::{RecordId, TeamId, UserId};
use crate::records::history::Change;
use crate::records::{
    self, Account, Activity, Deal, Kind, Lead, ObjectRecord, Pipeline, SavedView, Task,
};
use crate::rows::SortKey;
use crate::schema::company::CompanySchema;
use crate::sync::custom::Custom;
use crate::sync::issue::SyncIssue;

/// A collection of synced records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    Contact,
    /// Sync issues (rejections and overwrites), seen only by the user they happened to.
    Issue,
    Account,
    Lead,
    Deal,
    Activity,
    Task,
    /// Saved list views, seen only by the person who saved them.
    View,
    /// What edits changed (written by the server), seen by those who see the record.
    Change,
    /// Deal pipelines, set up by an admin and seen by everyone.
    Pipeline,
    /// The company's schema (one record, [`crate::schema::company::SCHEMA_ID`]), seen by
    /// everyone, changed by admins.
    Schema,
    /// Records of the objects a company made itself (each names its object).
    Object,
}

impl Collection {
    pub const ALL: [Collection; 12] = [
        Collection::Contact,
        Collection::Issue,
        Collection::Account,
        Collection::Lead,
        Collection::Deal,
        Collection::Activity,
        Collection::Task,
        Collection::View,
        Collection::Change,
        Collection::Pipeline,
        Collection::Schema,
        Collection::Object,
    ];

    /// Position in [`Collection::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Collection::Contact => "contact",
            Collection::Issue => "issue",
            Collection::Account => "account",
            Collection::Lead => "lead",
            Collection::Deal => "deal",
            Collection::Activity => "activity",
            Collection::Task => "task",
            Collection::View => "view",
            Collection::Change => "change",
            Collection::Pipeline => "pipeline",
            Collection::Schema => "schema",
            Collection::Object => "object",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether only the owner may see records of this collection, whatever their role's scope.
    pub fn is_private(self) -> bool {
        matches!(self, Collection::Issue | Collection::View)
    }

    /// Whether everyone sees every record of this collection (company-wide settings).
    pub fn is_public(self) -> bool {
        matches!(self, Collection::Pipeline | Collection::Schema)
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
    /// The values of the custom fields an admin added to the record's object, by field key, in
    /// each type's JSON form ([`crate::schema::Value::to_json`]). Kept apart from the typed
    /// body, so that a field a later version builds in never meets a company's own; an app
    /// that does not know of it reads the record without it and writes it no harm (devices
    /// send changes, not records).
    /// Read from their JSON text only when first asked for ([`Custom`]).
    #[serde(default, skip_serializing_if = "Custom::is_empty")]
    pub custom: Custom,
}

/// The typed content of a record, tagged by collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    Contact(Contact),
    Issue(SyncIssue),
    Account(Account),
    Lead(Lead),
    Deal(Deal),
    Activity(Activity),
    Task(Task),
    View(SavedView),
    Change(Change),
    Pipeline(Pipeline),
    Schema(CompanySchema),
    Object(ObjectRecord),
}

/// Run `$e` with `$k` bound to the typed body of a [`Kind`] record, or `$other` for sync
/// issues.
macro_rules! with_kind {
    ($body:expr, |$k:ident| $e:expr, $other:expr) => {
        match $body {
            Body::Contact($k) => $e,
            Body::Account($k) => $e,
            Body::Lead($k) => $e,
            Body::Deal($k) => $e,
            Body::Activity($k) => $e,
            Body::Task($k) => $e,
            Body::View($k) => $e,
            Body::Object($k) => $e,
            Body::Issue(_) | Body::Change(_) | Body::Pipeline(_) | Body::Schema(_) => $other,
        }
    };
}

impl Body {
    pub fn collection(&self) -> Collection {
        match self {
            Body::Contact(_) => Collection::Contact,
            Body::Issue(_) => Collection::Issue,
            Body::Account(_) => Collection::Account,
            Body::Lead(_) => Collection::Lead,
            Body::Deal(_) => Collection::Deal,
            Body::Activity(_) => Collection::Activity,
            Body::Task(_) => Collection::Task,
            Body::View(_) => Collection::View,
            Body::Change(_) => Collection::Change,
            Body::Pipeline(_) => Collection::Pipeline,
            Body::Schema(_) => Collection::Schema,
            Body::Object(_) => Collection::Object,
        }
    }

    /// Names of the fields that differ between two bodies of the same collection (every field
    /// when the collections differ).
    pub fn changed_fields(&self, other: &Body) -> Vec<&'static str> {
        match (self, other) {
            (Body::Contact(a), Body::Contact(b)) => records::changed(a, b),
            (Body::Issue(a), Body::Issue(b)) if a == b => Vec::new(),
            (Body::Account(a), Body::Account(b)) => records::changed(a, b),
            (Body::Lead(a), Body::Lead(b)) => records::changed(a, b),
            (Body::Deal(a), Body::Deal(b)) => records::changed(a, b),
            (Body::Activity(a), Body::Activity(b)) => records::changed(a, b),
            (Body::Task(a), Body::Task(b)) => records::changed(a, b),
            (Body::View(a), Body::View(b)) => records::changed(a, b),
            (Body::Object(a), Body::Object(b)) => records::changed(a, b),
            _ => vec!["*"],
        }
    }

    /// The records this body points to (see [`Kind::links`]).
    pub fn links(&self) -> Vec<(&'static str, crate::ids::RecordId, Option<Collection>)> {
        with_kind!(self, |k| k.links(), Vec::new())
    }

    /// The text form of one field (empty for fields the body does not have).
    pub fn text(&self, field: &str) -> String {
        with_kind!(self, |k| k.get(field), String::new())
    }

    /// [`Body::text`] without copying where the record holds the field as text.
    pub fn text_ref(&self, field: &str) -> std::borrow::Cow<'_, str> {
        with_kind!(self, |k| k.text(field), std::borrow::Cow::Borrowed(""))
    }

    /// Names of every field of this body's collection.
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            Body::Contact(_) => Contact::FIELDS,
            Body::Issue(_) => &["*"],
            Body::Account(_) => Account::FIELDS,
            Body::Lead(_) => Lead::FIELDS,
            Body::Deal(_) => Deal::FIELDS,
            Body::Activity(_) => Activity::FIELDS,
            Body::Task(_) => Task::FIELDS,
            Body::View(_) => SavedView::FIELDS,
            Body::Object(_) => ObjectRecord::FIELDS,
            Body::Change(_) | Body::Pipeline(_) | Body::Schema(_) => &["*"],
        }
    }

    pub fn as_lead(&self) -> Option<&Lead> {
        match self {
            Body::Lead(l) => Some(l),
            _ => None,
        }
    }

    /// A short human label: a contact's name, an issue's record label.
    pub fn label(&self) -> String {
        match self {
            Body::Issue(i) => i.label.clone(),
            Body::Change(c) => c.label.clone(),
            Body::Pipeline(p) => p.name.clone(),
            Body::Schema(_) => String::new(),
            other => with_kind!(other, |k| k.label(), String::new()),
        }
    }
}

impl Record {
    /// A record just made by `by` at `now`, not yet given a version by the server.
    pub fn created(
        id: RecordId,
        owner: UserId,
        team: TeamId,
        by: UserId,
        now: i64,
        body: Body,
    ) -> Self {
        Record {
            id,
            owner,
            team,
            created_at: now,
            created_by: by,
            updated_at: now,
            version: 0,
            body,
            custom: Custom::default(),
        }
    }

    pub fn collection(&self) -> Collection {
        self.body.collection()
    }

    /// The text of a field, typed or custom: what lists sort and filter by. A custom value
    /// reads plainly (a number as digits, an amount by its amount, a list by its first item),
    /// so that numbers sort as numbers.
    pub fn field_text(&self, field: &str) -> std::borrow::Cow<'_, str> {
        // The typed fields are known without reading the record (lists read one field of
        // every record: the custom values are looked at only for a custom field).
        if self.body.fields().contains(&field) {
            self.body.text_ref(field)
        } else {
            self.custom
                .get(field)
                .map_or(std::borrow::Cow::Borrowed(""), plain)
        }
    }

    /// What a list orders the record by `field` with: [`SortKey::of`] its text, a custom
    /// value's number already worked out when the value was read.
    pub fn sort_key(&self, field: &str) -> SortKey {
        if self.body.fields().contains(&field) {
            return SortKey::of(self.body.text_ref(field));
        }
        self.custom.sort_key(field)
    }

    pub fn as_contact(&self) -> Option<&Contact> {
        match &self.body {
            Body::Contact(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_issue(&self) -> Option<&SyncIssue> {
        match &self.body {
            Body::Issue(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_deal(&self) -> Option<&Deal> {
        match &self.body {
            Body::Deal(d) => Some(d),
            _ => None,
        }
    }

    pub fn as_lead(&self) -> Option<&Lead> {
        self.body.as_lead()
    }

    /// The key of the object the record is of: a built-in collection's (`contacts`) or the
    /// custom object it names (`projects`); `None` for what is not an object's record.
    pub fn object_key(&self) -> Option<&str> {
        match &self.body {
            Body::Object(o) => Some(o.object.as_str()),
            other => crate::schema::builtin::object_key(other.collection()),
        }
    }
}

/// A custom value's JSON as plain text (see [`Record::field_text`]).
pub fn plain(value: &serde_json::Value) -> std::borrow::Cow<'_, str> {
    use serde_json::Value as Json;
    use std::borrow::Cow;
    match value {
        Json::String(s) => Cow::Borrowed(s),
        Json::Number(n) => Cow::Owned(n.to_string()),
        Json::Bool(true) => Cow::Borrowed("true"),
        Json::Bool(false) | Json::Null => Cow::Borrowed(""),
        Json::Array(items) => items.first().map_or(Cow::Borrowed(""), plain),
        Json::Object(o) => o
            .get("amount")
            .or_else(|| o.values().next())
            .map_or(Cow::Borrowed(""), plain),
    }
}
