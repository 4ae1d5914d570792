//! Accounts, leads, deals, activities and tasks: a list per collection and an editor built from
//! the kind's fields (`shared::records`), over the device's copy, online or offline. Leads have
//! a "convert" button; deals move through stages on the pipeline board ([`PipelinePage`]).
//!
//! Here: what the parts share; `list`, `editor`, `widget` (one typed field's input),
//! `header` (a record page's name, facts and a deal's stage bar), `related` (a record's related
//! lists), `timeline` and `board` hold the screens.

mod board;
mod editor;
mod header;
mod list;
mod list_of;
mod related;
mod table;
mod timeline;
mod widget;

pub use board::PipelinePage;
pub use editor::RecordEditorPage;
pub(crate) use header::{RecordHeader, RecordTabs, use_tab};
pub use list::{RecordList, RecordsPage};
pub use list_of::ListOf;
pub(crate) use related::{AddedRelatedLists, links_here};
pub(crate) use timeline::Timeline;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::format;
use shared::i18n::Locale;
use shared::records;
use shared::records::labels::choices_with;
use shared::schema::ObjectDef;
use shared::sync::{AssignRecord, Body, ClientCore, Collection, MutateError, Mutation, Record};
use shared::{RecordId, UserId};
use wasm_bindgen::JsValue;

use crate::components::form::FormState;

pub use crate::paths::{collection_of, list_path, record_path};

/// The reassignment an editor's owner field asks for: to the person chosen, when they are not
/// the record's owner already.
pub(crate) fn reassigned(id: RecordId, chosen: &str, owner: Option<UserId>) -> Option<Mutation> {
    let new_owner = chosen.parse::<UserId>().ok()?;
    // The record moves to them (and their team).
    (Some(new_owner) != owner).then_some(Mutation::AssignRecord(AssignRecord {
        id,
        owner: new_owner,
    }))
}

/// Send an editor's `mutations` in order; the first refusal is shown (`refused`) and stops the
/// rest, else the form is done and the page goes to `then`.
pub(crate) fn send_in_order(
    sync: crate::sync::Sync,
    mutations: Vec<Mutation>,
    (form, refused): (FormState, impl Fn(MutateError) + 'static),
    go: RwSignal<Option<String>>,
    then: String,
) {
    spawn_local(async move {
        for mutation in mutations {
            if let Err(e) = sync.mutate(mutation).await {
                refused(e);
                return;
            }
        }
        form.done();
        go.set(Some(then));
    });
}

/// Where a record's page lives: its collection's, or its custom object's.
pub fn path_of(record: &Record) -> String {
    match (&record.body, record.object_key()) {
        (Body::Object(_), Some(key)) => crate::pages::objects::record_path(key, record.id),
        _ => record_path(record.collection(), record.id),
    }
}

/// The allowed values of a choice field (deal stages and pipelines as this device has them; a
/// custom single select's choices).
pub fn choices(
    collection: Collection,
    field: &str,
    locale: Locale,
) -> Option<Vec<(String, String)>> {
    choices_with(collection, field, locale, &crate::sync::pipelines()).or_else(|| {
        custom_field(collection, field).and_then(|def| match def.field_type {
            shared::schema::FieldType::SingleSelect { options } => Some(
                options
                    .iter()
                    .map(|c| (c.key.clone(), c.label.get(locale).to_owned()))
                    .collect(),
            ),
            _ => None,
        })
    })
}

/// The live custom field `field` of `collection`'s object, if it is one.
/// (For custom objects' records, the first custom object with such a field.)
fn custom_field(collection: Collection, field: &str) -> Option<shared::schema::FieldDef> {
    let schema = crate::sync::company_schema();
    match shared::schema::builtin::object_key(collection) {
        Some(key) => schema
            .custom_fields(key)
            .find(|f| f.key.as_str() == field)
            .cloned(),
        None if collection == Collection::Object => schema
            .objects
            .iter()
            .filter(|o| !o.system)
            .flat_map(|o| o.fields.iter())
            .find(|f| f.key.as_str() == field && f.deleted_at.is_none())
            .cloned(),
        None => None,
    }
}

/// The custom fields of `collection`'s object as `(key, label)`.
pub fn custom_fields(collection: Collection, locale: Locale) -> Vec<(String, String)> {
    let Some(key) = shared::schema::builtin::object_key(collection) else {
        return Vec::new();
    };
    crate::sync::company_schema()
        .custom_fields(key)
        .map(|f| (f.key.as_str().to_owned(), f.label.get(locale).to_owned()))
        .collect()
}

/// A choice's label, or the raw value.
fn choice_label(collection: Collection, field: &str, value: &str, locale: Locale) -> String {
    choices(collection, field, locale)
        .and_then(|all| all.into_iter().find(|(k, _)| k == value).map(|(_, l)| l))
        .unwrap_or_else(|| value.to_owned())
}

/// A date-time (UTC ms as text) as the browser's local time, for people and for
/// `<input type=datetime-local>`.
fn local_time(ms: &str) -> String {
    let Ok(ms) = ms.parse::<f64>() else {
        return String::new();
    };
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The names of the records a link field's text points to (one id, or several separated by
/// commas), joined for reading.
fn link_labels(core: &ClientCore, text: &str) -> String {
    records::link_pieces(text)
        .filter_map(|id| id.parse::<RecordId>().ok())
        .filter_map(|id| core.get(id))
        .map(|r| r.body.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// A date-time (UTC ms as text) on the device's clock, written for `locale`.
fn shown_time(ms: &str, locale: Locale) -> String {
    let Ok(ms) = ms.parse::<f64>() else {
        return ms.to_owned();
    };
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format::date_time(
        locale,
        d.get_full_year() as i32,
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
    )
}

fn from_local_time(local: &str) -> String {
    if local.trim().is_empty() {
        return String::new();
    }
    let t = js_sys::Date::new(&JsValue::from_str(local)).get_time();
    if t.is_nan() {
        String::new()
    } else {
        (t as i64).to_string()
    }
}

/// The built-in object of `collection` with the company's custom fields (`None` for a
/// collection that is no object).
pub fn object_of(collection: Collection) -> Option<ObjectDef> {
    let key = shared::schema::builtin::object_key(collection)?;
    crate::sync::company_schema()
        .schema(&crate::sync::pipelines())
        .object(key)
        .cloned()
}

/// The collections a link field may point at; `None` for fields that are not links.
fn link_targets(collection: Collection, field: &str) -> Option<Vec<Collection>> {
    Some(match (collection, field) {
        (Collection::Deal | Collection::Contact, "account") => vec![Collection::Account],
        (Collection::Deal, "contact" | "contacts") => vec![Collection::Contact],
        (_, "about") => vec![
            Collection::Account,
            Collection::Contact,
            Collection::Lead,
            Collection::Deal,
        ],
        _ => return None,
    })
}
