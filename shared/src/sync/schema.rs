//! The schema's mutators, run by admins on the device and again on the server:
//!
//! - `object.create` `{object}`: a custom object with its first fields;
//! - `object.update` `{key, name?, icon?, list_columns?, name_field?}`;
//! - `field.save` `{object, field, adding?}`: add a field or change one (same key);
//! - `field.delete` / `field.restore` `{object, field}`: a custom field out of sight (values
//!   kept) and back.
//!
//! Each edits the one schema record ([`SCHEMA_ID`]) through [`CompanySchema`]'s checked changes,
//! so two admins' changes to different fields both apply, in the server's order. And
//! [`custom_values`]: how record mutators check the values of custom fields.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::problem::{FieldError, Problem};
use crate::records::Pipelines;
use crate::role::Capability;
use crate::schema::company::{Change, CompanySchema, ObjectUpdate, Retyped, SCHEMA_ID};
use crate::schema::convert::convert;
use crate::schema::{FieldDef, FieldKey, ObjectDef, ObjectKey, record};
use crate::sync::issue::Rejection;
use crate::sync::mutators::{Ctx, Source, Tx};
use crate::sync::record::{Body, Record};

/// `object.create`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateObject {
    pub object: Box<ObjectDef>,
}

/// `field.save`: add the field or change the one of its key; with `adding`, only add it (a key
/// someone else took meanwhile is refused rather than overwritten).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveField {
    pub object: ObjectKey,
    pub field: Box<FieldDef>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adding: bool,
    /// A change of type some values may not convert to, confirmed after a preview.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lossy: bool,
}

/// `field.delete` and `field.restore`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldRef {
    pub object: ObjectKey,
    pub field: FieldKey,
}

/// The company's schema as the records a mutation sees hold it.
pub fn company(source: &dyn Source) -> CompanySchema {
    match source.record(SCHEMA_ID).map(|r| r.body) {
        Some(Body::Schema(schema)) => schema,
        _ => CompanySchema::default(),
    }
}

/// The pipelines a schema change is checked with: the standard stages (a condition or default
/// on a deal's stage names a standard stage).
fn pipelines() -> Pipelines {
    Pipelines::default()
}

/// Run an admin's change to the schema and write the schema record.
pub fn change(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    edit: impl FnOnce(&mut CompanySchema, &Pipelines) -> Change,
) -> Result<(), Rejection> {
    if !ctx.actor.can(Capability::ManageSchema) {
        return Err(Rejection::Forbidden);
    }
    let pipelines = pipelines();
    let next = company(&*tx)
        .changed(ctx.now, |schema| edit(schema, &pipelines))
        .map_err(|errors| Rejection::Invalid { errors })?;
    let record = match tx.record(SCHEMA_ID) {
        Some(mut record) => {
            record.body = Body::Schema(next);
            record.updated_at = ctx.now;
            record
        }
        None => Record::created(
            SCHEMA_ID,
            ctx.actor.user,
            ctx.actor.team,
            ctx.actor.user,
            ctx.now,
            Body::Schema(next),
        ),
    };
    tx.put(record);
    Ok(())
}

pub fn create_object(a: &CreateObject, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    change(tx, ctx, |s, p| s.create_object(&a.object, p))
}

pub fn update_object(a: &ObjectUpdate, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    change(tx, ctx, |s, p| s.update_object(a, p))
}

pub fn save_field(a: &SaveField, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    change(tx, ctx, |s, p| {
        if a.adding {
            s.add_field(&a.object, &a.field, p)
        } else {
            s.change_field(&a.object, &a.field, a.lossy, p)
        }
    })
}

pub fn delete_field(a: &FieldRef, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let now = ctx.now;
    change(tx, ctx, |s, p| s.delete_field(&a.object, &a.field, now, p))
}

pub fn restore_field(a: &FieldRef, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let now = ctx.now;
    change(tx, ctx, |s, p| s.restore_field(&a.object, &a.field, now, p))
}

/// Bring `record`'s custom values in line with fields of a new type or gone for good: a value
/// that converts is stored in the new type's form, one that does not keeps its old form (its
/// record shows it for someone to fix); a forgotten field's value goes. Returns the keys of the
/// values changed (and renames a custom object's record whose name field changed).
pub fn retype_values(record: &mut Record, retyped: &[Retyped]) -> Vec<String> {
    let Some(object) = record.object_key().map(str::to_owned) else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    for r in retyped.iter().filter(|r| r.object == object) {
        let Some(json) = record.custom.get(&r.field) else {
            continue;
        };
        let after = match &r.to {
            None => None,
            Some(to) => match convert(json, &r.from, to) {
                Ok(crate::schema::Value::Empty) => None,
                Ok(value) => Some(value.to_json()),
                Err(_) => continue,
            },
        };
        if after.as_ref() == Some(json) {
            continue;
        }
        match after {
            Some(value) => record.custom.insert(r.field.clone(), value),
            None => record.custom.remove(&r.field),
        };
        changed.push(r.field.clone());
    }
    // The label follows the name field's new form (a choice's key, a phone in E.164).
    if let Body::Object(named) = &mut record.body
        && let Some(name) = retyped
            .iter()
            .find(|r| r.object == object && r.names && changed.contains(&r.field))
    {
        named.name = record
            .custom
            .get(&name.field)
            .map(|v| crate::sync::record::plain(v).into_owned())
            .unwrap_or_default();
    }
    changed
}

/// The files a custom value names, by id: a file reference (`{"id", "name", "size", "type"}`,
/// and its thumbnail's `thumb`) or a list of them.
pub fn file_ids(value: &Json) -> Vec<uuid::Uuid> {
    let id = |v: &Json| v.as_str()?.parse::<uuid::Uuid>().ok();
    let one = |v: &Json| {
        let is_file = ["id", "name", "size", "type"]
            .iter()
            .all(|k| v.get(k).is_some());
        let mut ids = Vec::new();
        if is_file {
            ids.extend(id(&v["id"]));
            ids.extend(v.get("thumb").and_then(id));
        }
        ids
    };
    match value {
        Json::Array(items) => items.iter().flat_map(one).collect(),
        other => one(other),
    }
}

/// The files `after` names that `before` (the record as it was, if it was) did not, each with
/// its field: what a write brings in, for the server to check whose they are.
pub fn new_files(before: Option<&Record>, after: &Record) -> Vec<(String, uuid::Uuid)> {
    let mut out = Vec::new();
    for (key, value) in &after.custom {
        let had = before
            .and_then(|b| b.custom.get(key))
            .map(file_ids)
            .unwrap_or_default();
        out.extend(
            file_ids(value)
                .into_iter()
                .filter(|id| !had.contains(id))
                .map(|id| (key.clone(), id)),
        );
    }
    out
}

/// The custom values a record of object `key` holds after a write: `before` (empty for a new
/// record) with `changes` read through each custom field's type, defaults filled in on a new
/// record. Keys that are not live custom fields of the object are refused, as are values of
/// the wrong type and (on a new record, or when a write empties one) required fields left
/// empty; a field's conditions may read the record's typed fields (`typed` gives their JSON
/// form, asked only when a condition reads one).
/// Values of fields deleted or unknown to this schema are kept as they were.
pub fn custom_values(
    schema: &CompanySchema,
    key: &str,
    typed: &dyn Fn() -> Map<String, Json>,
    before: &Map<String, Json>,
    changes: &Map<String, Json>,
    creating: bool,
) -> Result<Map<String, Json>, Vec<FieldError>> {
    let fields: Vec<FieldDef> = schema.custom_fields(key).cloned().collect();
    let is_custom = |name: &str| fields.iter().any(|f| f.key.as_str() == name);
    let unknown: Vec<FieldError> = changes
        .keys()
        .filter(|k| !is_custom(k))
        .map(|k| Problem::UnknownField.at(k))
        .collect();
    let Some(first) = fields.first().map(|f| f.key.clone()) else {
        return if unknown.is_empty() {
            Ok(before.clone())
        } else {
            Err(unknown)
        };
    };
    // The typed fields the custom fields' conditions read, with this record's values.
    let product =
        crate::schema::builtin::collection_of(key).and_then(crate::schema::builtin::object);
    let named: Vec<FieldDef> = fields
        .iter()
        .flat_map(|f| [&f.shown_when, &f.required_when])
        .flatten()
        .filter(|c| !is_custom(c.field.as_str()))
        .filter_map(|c| product.as_ref()?.field(c.field.as_str()).cloned())
        .collect();
    let mut record = before.clone();
    let typed = if named.is_empty() {
        Map::new()
    } else {
        typed()
    };
    for field in &named {
        match typed.get(field.key.as_str()) {
            Some(value) => record.insert(field.key.as_str().to_owned(), value.clone()),
            None => record.remove(field.key.as_str()),
        };
    }
    let mut all = fields.clone();
    all.extend(named.iter().cloned());
    let object = ObjectDef {
        key: ObjectKey::parse(key).map_err(|p| vec![p.at("collection")])?,
        name: Default::default(),
        name_field: first,
        list_columns: Vec::new(),
        icon: String::new(),
        system: false,
        fields: all,
        layout: Default::default(),
    };
    let mut changes: Map<String, Json> = changes
        .iter()
        .filter(|(k, _)| is_custom(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let written = if creating {
        for field in &fields {
            if let Some(default) = &field.default
                && !changes.contains_key(field.key.as_str())
            {
                changes.insert(field.key.as_str().to_owned(), default.clone());
            }
        }
        record::write(&object, &record, &changes)
    } else {
        record::edit(&object, &record, &changes)
    };
    // Only the custom fields' problems and values are this write's (the typed ones are the
    // record kind's to check and keep).
    let is_named = |name: &str| named.iter().any(|f| f.key.as_str() == name);
    match written {
        Ok(mut after) if unknown.is_empty() => {
            after.retain(|k, _| !is_named(k) || is_custom(k));
            Ok(after)
        }
        Ok(_) => Err(unknown),
        Err(problems) => {
            let mut errors = unknown;
            errors.extend(problems.into_iter().filter(|p| !is_named(&p.field)));
            Err(errors)
        }
    }
}
