//! The CRM's records: contacts ([`crate::contact`]), accounts, leads, deals, activities and
//! tasks.
//!
//! Every kind of record is a typed struct implementing [`Kind`]: its fields by wire name, how
//! each is set from what a person typed, and which other records it points to. Forms and API
//! clients send a [`Patch`] (raw text by field name); [`create`] and [`apply`] turn it into a
//! checked record or the list of field problems, the same way on the device and the server.
//! The generic mutators (`record.create`, `record.update`, …) in [`crate::sync::mutators`] run
//! on top.

pub mod account;
pub mod activity;
pub mod deal;
pub mod fields;
pub mod history;
pub mod labels;
pub mod lead;
pub mod lifecycle;
pub mod object;
pub mod pipeline;
pub mod task;
pub mod view;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ids::RecordId;
use crate::problem::{FieldError, Problem};
use crate::sync::record::{Body, Collection};

pub use crate::contact::Contact;
pub use account::Account;
pub use activity::{Activity, ActivityKind};
pub use deal::Deal;
pub use lead::{Lead, LeadStatus};
pub use lifecycle::Lifecycle;
pub use object::ObjectRecord;
pub use pipeline::{DEFAULT_PIPELINE, Env, Pipeline, Pipelines, Stage, Standard};
pub use task::Task;
pub use view::SavedView;

/// Raw values by field name, as typed into a form or sent by an API client.
pub type Patch = BTreeMap<String, String>;

/// A patch from `(field, value)` pairs.
pub fn patch(pairs: &[(&str, &str)]) -> Patch {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// `Kind::into_body` and `Kind::from_body` for a kind whose `Body` variant has its name.
macro_rules! body_variant {
    ($variant:ident) => {
        fn into_body(self) -> Body {
            Body::$variant(self)
        }

        fn from_body(body: &Body) -> Option<&Self> {
            match body {
                Body::$variant(k) => Some(k),
                _ => None,
            }
        }
    };
}
pub(crate) use body_variant;

/// A kind of record.
pub trait Kind: Clone + PartialEq + Serialize + DeserializeOwned {
    const COLLECTION: Collection;
    /// Every field, by wire name.
    const FIELDS: &'static [&'static str];
    /// Fields a record must always have.
    const REQUIRED: &'static [&'static str];

    /// A record with every field empty (not valid until the required ones are set).
    fn blank() -> Self;
    /// Set `field` from what was typed.
    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem>;
    /// The text form of `field`, as [`Kind::set`] reads it back; empty when unset.
    fn get(&self, field: &str) -> String;
    /// [`Kind::get`], borrowed where the record holds the field as text (lists read one field
    /// of every record when they sort or filter).
    fn text(&self, field: &str) -> Cow<'_, str> {
        Cow::Owned(self.get(field))
    }
    /// What the record is called in lists, search results and sync issues.
    fn label(&self) -> String;
    /// The records this one points to: the field that holds each, and the collection it must
    /// be of (`None`: any).
    fn links(&self) -> Vec<(&'static str, RecordId, Option<Collection>)> {
        Vec::new()
    }
    /// This record as a synced record's body.
    fn into_body(self) -> Body;
    /// The typed record inside `body`, if it is of this kind.
    fn from_body(body: &Body) -> Option<&Self>;
    /// Rules across fields, after a create (`before` is `None`) or an edit: may fill derived
    /// fields, or refuse with problems at the fields concerned. `env` holds what the rules
    /// read besides the record (deals: their pipeline).
    fn settle(&mut self, _before: Option<&Self>, _env: &dyn Env) -> Result<(), Vec<FieldError>> {
        Ok(())
    }
}

/// The fields of a collection, by wire name (contacts included; sync issues have none).
pub fn fields_of(collection: Collection) -> &'static [&'static str] {
    match collection {
        Collection::Contact => Contact::FIELDS,
        Collection::Account => Account::FIELDS,
        Collection::Lead => Lead::FIELDS,
        Collection::Deal => Deal::FIELDS,
        Collection::Activity => Activity::FIELDS,
        Collection::Task => Task::FIELDS,
        Collection::View => SavedView::FIELDS,
        Collection::Object => ObjectRecord::FIELDS,
        Collection::Issue | Collection::Change | Collection::Pipeline | Collection::Schema => &[],
    }
}

/// What a new record of `collection` starts with, as text by field (e.g. a deal's first stage).
pub fn defaults(collection: Collection) -> Patch {
    fn of<K: Kind>() -> Patch {
        let blank = K::blank();
        K::FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), blank.get(f)))
            .collect()
    }
    match collection {
        Collection::Contact => of::<Contact>(),
        Collection::Account => of::<Account>(),
        Collection::Lead => of::<Lead>(),
        Collection::Deal => of::<Deal>(),
        Collection::Activity => of::<Activity>(),
        Collection::Task => of::<Task>(),
        Collection::View => of::<SavedView>(),
        Collection::Object => of::<ObjectRecord>(),
        Collection::Issue | Collection::Change | Collection::Pipeline | Collection::Schema => {
            Patch::new()
        }
    }
}

/// The wire name of `field` if `K` has it.
pub fn field_name<K: Kind>(field: &str) -> Option<&'static str> {
    K::FIELDS.iter().copied().find(|f| *f == field)
}

/// A new record from a complete form, with the standard pipeline.
pub fn create<K: Kind>(patch: &Patch) -> Result<K, Vec<FieldError>> {
    create_in(&Standard, patch)
}

/// A new record from a complete form, with the pipelines of `env`.
pub fn create_in<K: Kind>(env: &dyn Env, patch: &Patch) -> Result<K, Vec<FieldError>> {
    let mut out = set_all(&K::blank(), patch)?;
    out.settle(None, env)?;
    Ok(out)
}

/// `record` with the fields `patch` carries set (standard pipeline); every problem reported at
/// its field.
pub fn apply<K: Kind>(record: &K, patch: &Patch) -> Result<K, Vec<FieldError>> {
    apply_in(&Standard, record, patch)
}

/// `record` with the fields `patch` carries set, with the pipelines of `env`.
pub fn apply_in<K: Kind>(env: &dyn Env, record: &K, patch: &Patch) -> Result<K, Vec<FieldError>> {
    let mut out = set_all(record, patch)?;
    out.settle(Some(record), env)?;
    Ok(out)
}

fn set_all<K: Kind>(record: &K, patch: &Patch) -> Result<K, Vec<FieldError>> {
    let mut out = record.clone();
    let mut errors = Vec::new();
    for (field, raw) in patch {
        match field_name::<K>(field) {
            None => errors.push(Problem::UnknownField.at(field)),
            Some(name) => {
                if let Err(problem) = out.set(name, raw) {
                    errors.push(problem.at(name));
                }
            }
        }
    }
    for field in K::REQUIRED {
        if out.get(field).is_empty() && !errors.iter().any(|e| e.field == *field) {
            errors.push(Problem::Required.at(field));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The fields whose values differ between two records of a kind.
pub fn changed<K: Kind>(a: &K, b: &K) -> Vec<&'static str> {
    K::FIELDS
        .iter()
        .copied()
        .filter(|f| a.get(f) != b.get(f))
        .collect()
}

/// A record id from its text form; blank means none.
pub(crate) fn link(raw: &str) -> Result<Option<RecordId>, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<RecordId>()
        .map(Some)
        .map_err(|_| Problem::Invalid)
}

/// The pieces of a field that holds several record ids (separated by commas, Chinese commas or
/// spaces), each trimmed, blanks left out; as [`Kind::get`] writes them: `a, b`.
pub fn link_pieces(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', ' ', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

pub(crate) fn link_text(id: Option<RecordId>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    pub use super::patch;
    use super::*;

    /// The field problems of a patch that fails, as `(field, code)`.
    pub fn problems<K: Kind + std::fmt::Debug>(patch: &Patch) -> Vec<(String, &'static str)> {
        match create::<K>(patch) {
            Ok(record) => panic!("{patch:?} was accepted: {record:?}"),
            Err(errors) => errors
                .into_iter()
                .map(|e| (e.field, e.problem.code()))
                .collect(),
        }
    }

    #[test]
    fn defaults_start_deals_in_the_first_stage() {
        let deal = super::defaults(Collection::Deal);
        // The stage is the pipeline's first, chosen when the deal is made.
        assert_eq!(deal.get("stage").map(String::as_str), Some(""));
        assert_eq!(deal.get("currency").map(String::as_str), Some("CNY"));
    }

    /// Every field's text form reads back to the same record (and the borrowed form is the
    /// same text).
    pub fn round_trips<K: Kind + std::fmt::Debug>(record: &K) {
        for field in K::FIELDS {
            assert_eq!(record.text(field), record.get(field), "{field}");
        }
        let patch: Patch = K::FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), record.get(f)))
            .collect();
        assert_eq!(create::<K>(&patch).as_ref(), Ok(record));
    }
}
