//! The company's schema: the custom objects an admin made and what they changed on the built-in
//! ones (labels, hidden fields, custom fields), kept as one synced record ([`SCHEMA_ID`]) that
//! every device holds. A built-in object's entry is read over the product's own definition
//! ([`merge`]), so a newer product version's system fields and stage choices always show, and
//! its system fields keep their types whatever the entry says.
//!
//! Each admin's change is a function here (`create_object`, `save_field`, …) that edits the
//! record's value and checks the whole schema afterwards; the mutators of
//! [`crate::sync::schema`] run them on the device and again on the server.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::builtin::{self, COLLECTIONS};
use super::convert::{Conversion, conversion};
use super::registry::{RegistryError, Schema};
use super::{FieldDef, FieldKey, FieldType, Labels, ObjectDef, ObjectKey, SchemaError};
use crate::i18n::Locale;
use crate::ids::RecordId;
use crate::problem::{FieldError, Problem};
use crate::records::Pipelines;

/// The one record holding the company's schema (a fixed id, like the main pipeline's).
pub const SCHEMA_ID: RecordId =
    RecordId::from_uuid(Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0002));

/// How long a deleted field can be restored (its values are kept that long), in ms.
pub const KEEP_DELETED_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Most objects and most fields per object a company may define.
pub const MAX_OBJECTS: usize = 100;
pub const MAX_FIELDS: usize = 300;

/// Keys no field may take: what every record carries outside its fields, and REST's own words.
pub const RESERVED_FIELD_KEYS: &[&str] = &[
    "id",
    "owner",
    "team",
    "collection",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
    "fields",
    "deleted",
];

/// The synced value: custom objects and the built-in objects' entries, as admins left them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanySchema {
    /// Bumped by every change: what a client compares to know its copy is current.
    #[serde(default)]
    pub revision: u64,
    #[serde(default)]
    pub objects: Vec<ObjectDef>,
}

/// `builtin` as the company's `entry` changes it: the object's name, icon and list columns; each
/// system field's labels, help and hidden flag (its type and whether it is required stay the
/// product's, though an admin may make an optional one required); then the custom fields, in
/// the entry's order.
pub fn merge(builtin: &ObjectDef, entry: &ObjectDef) -> ObjectDef {
    let mut out = builtin.clone();
    if !entry.name.zh.trim().is_empty() || !entry.name.en.trim().is_empty() {
        out.name = entry.name.clone();
    }
    out.icon = entry.icon.clone();
    for field in &mut out.fields {
        if let Some(saved) = entry.field(field.key.as_str()).filter(|f| f.system) {
            field.label = saved.label.clone();
            field.help = saved.help.clone();
            field.hidden = field.hidden || saved.hidden;
            field.required = field.required || saved.required;
        }
    }
    out.fields.extend(
        entry
            .fields
            .iter()
            .filter(|f| !f.system && builtin.field(f.key.as_str()).is_none())
            .cloned(),
    );
    let columns: Vec<FieldKey> = entry
        .list_columns
        .iter()
        .filter(|c| {
            out.field(c.as_str())
                .is_some_and(|f| f.deleted_at.is_none())
        })
        .cloned()
        .collect();
    if !columns.is_empty() {
        out.list_columns = columns;
    }
    // A layout saved by another product version may name a field this one lacks.
    out.layout = entry.layout.kept_for(&out);
    out
}

/// `object` without its deleted fields (what forms, lists, formulas and checks see).
pub fn live(object: &ObjectDef) -> ObjectDef {
    let mut out = object.clone();
    out.fields.retain(|f| f.deleted_at.is_none());
    out.list_columns
        .retain(|c| out.fields.iter().any(|f| f.key == *c));
    // A deleted field leaves the form; restored, it goes back to its place.
    out.layout = out.layout.kept_for(&out);
    out
}

impl CompanySchema {
    fn entry(&self, key: &str) -> Option<&ObjectDef> {
        self.objects.iter().find(|o| o.key.as_str() == key)
    }

    /// Every object as the company has it (deleted fields included, marked), the built-in ones
    /// first, deal stages from `pipelines`.
    pub fn objects(&self, pipelines: &Pipelines) -> Vec<ObjectDef> {
        let mut out: Vec<ObjectDef> = builtin::objects(pipelines)
            .into_iter()
            .map(|b| match self.entry(b.key.as_str()) {
                Some(entry) => merge(&b, entry),
                None => b,
            })
            .collect();
        out.extend(
            self.objects
                .iter()
                .filter(|o| builtin::collection_of(o.key.as_str()).is_none())
                .cloned(),
        );
        out
    }

    /// [`CompanySchema::objects`] without deleted fields: what everything reads.
    pub fn schema(&self, pipelines: &Pipelines) -> Schema {
        Schema {
            objects: self.objects(pipelines).iter().map(live).collect(),
        }
    }

    /// The custom fields of the object `key` (live ones).
    pub fn custom_fields(&self, key: &str) -> impl Iterator<Item = &FieldDef> {
        self.entry(key)
            .into_iter()
            .flat_map(|o| o.fields.iter())
            .filter(|f| !f.system && f.deleted_at.is_none())
    }

    /// The entry of object `key` to edit: a custom object's, or a built-in object's (made from
    /// the product's definition the first time).
    fn entry_mut(&mut self, key: &ObjectKey) -> Result<&mut ObjectDef, FieldError> {
        if self.entry(key.as_str()).is_none() {
            let builtin = builtin::collection_of(key.as_str())
                .and_then(builtin::object)
                .ok_or_else(|| Problem::NotFound.at("object"))?;
            self.objects.push(builtin);
        }
        self.objects
            .iter_mut()
            .find(|o| o.key == *key)
            .ok_or_else(|| Problem::NotFound.at("object"))
    }

    /// A new custom object with its first fields.
    pub fn create_object(&mut self, object: &ObjectDef, pipelines: &Pipelines) -> Change {
        let key = object.key.as_str();
        if builtin::collection_of(key).is_some() || self.entry(key).is_some() {
            return Err(vec![Problem::Taken.at("key")]);
        }
        if self.objects.len() >= MAX_OBJECTS + COLLECTIONS.len() {
            return Err(vec![Problem::TooMany { max: MAX_OBJECTS }.at("key")]);
        }
        let mut object = object.clone();
        object.system = false;
        let mut errors = Vec::new();
        for (i, field) in object.fields.iter_mut().enumerate() {
            field.system = false;
            field.deleted_at = None;
            if RESERVED_FIELD_KEYS.contains(&field.key.as_str()) {
                errors.push(Problem::Reserved.at(&format!("fields.{i}.key")));
            }
        }
        if object.fields.len() > MAX_FIELDS {
            errors.push(Problem::TooMany { max: MAX_FIELDS }.at("fields"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.objects.push(object);
        self.settle(pipelines)
    }

    /// An object's name, icon, list columns and form layout (a custom object's name field
    /// too).
    pub fn update_object(&mut self, update: &ObjectUpdate, pipelines: &Pipelines) -> Change {
        // A built-in object's layout is read leniently (another version's fields drop out),
        // so what an admin sends is checked here against the object as it is.
        if let Some(layout) = &update.layout {
            let object = self
                .objects(pipelines)
                .into_iter()
                .find(|o| o.key == update.key)
                .ok_or_else(|| vec![Problem::NotFound.at("object")])?;
            layout
                .check(&object)
                .map_err(|e| vec![invalid_schema(&e).at("layout")])?;
        }
        let entry = self.entry_mut(&update.key).map_err(|e| vec![e])?;
        if let Some(name) = &update.name {
            entry.name = name.clone();
        }
        if let Some(icon) = &update.icon {
            entry.icon = icon.clone();
        }
        if let Some(columns) = &update.list_columns {
            entry.list_columns = columns.clone();
        }
        if let Some(layout) = &update.layout {
            entry.layout = layout.clone();
        }
        if let Some(name_field) = &update.name_field {
            if entry.system && *name_field != entry.name_field {
                return Err(vec![Problem::SystemField.at("name_field")]);
            }
            entry.name_field = name_field.clone();
        }
        self.settle(pipelines)
    }

    /// Add `field` to object `key`, refused when the object has a field of that key (deleted
    /// ones included), as when two admins pick the same key at once.
    pub fn add_field(
        &mut self,
        key: &ObjectKey,
        field: &FieldDef,
        pipelines: &Pipelines,
    ) -> Change {
        let has = |object: &ObjectDef| object.field(field.key.as_str()).is_some();
        let taken = match self.entry(key.as_str()) {
            Some(entry) => has(entry),
            None => builtin::collection_of(key.as_str())
                .and_then(builtin::object)
                .is_some_and(|b| has(&b)),
        };
        if taken {
            return Err(vec![Problem::Taken.at("key")]);
        }
        self.save_field(key, field, pipelines)
    }

    /// Add `field` to object `key`, or change the field of that key: a system field only in
    /// its labels, help, hidden flag and (upwards) whether it is required; a custom field in
    /// everything but its type's kind, its choices retired rather than removed.
    pub fn save_field(
        &mut self,
        key: &ObjectKey,
        field: &FieldDef,
        pipelines: &Pipelines,
    ) -> Change {
        self.change_field(key, field, false, pipelines)
    }

    /// [`Self::save_field`], where a custom field may also change to another type: one every
    /// value converts to ([`Conversion::Safe`]), or, with `lossy` (the admin saw the preview),
    /// one some values may not convert to; those keep their old value until someone fixes
    /// them. The values themselves are converted where records are stored
    /// ([`CompanySchema::retyped_since`] says which fields to convert).
    pub fn change_field(
        &mut self,
        key: &ObjectKey,
        field: &FieldDef,
        lossy: bool,
        pipelines: &Pipelines,
    ) -> Change {
        let entry = self.entry_mut(key).map_err(|e| vec![e])?;
        let mut field = field.clone();
        match entry.fields.iter_mut().find(|f| f.key == field.key) {
            Some(old) if old.deleted_at.is_some() => {
                return Err(vec![Problem::Taken.at("key")]);
            }
            Some(old) if old.system => {
                if field.field_type.kind() != old.field_type.kind()
                    || (old.required && !field.required)
                {
                    return Err(vec![Problem::SystemField.at("field_type")]);
                }
                old.label = field.label;
                old.help = field.help;
                old.hidden = field.hidden;
                old.required = old.required || field.required;
            }
            Some(old) => {
                match conversion(&old.field_type, &field.field_type) {
                    Conversion::Same => {
                        if removes_choices(&old.field_type, &field.field_type) {
                            return Err(vec![Problem::ChoiceRemoved.at("field_type")]);
                        }
                    }
                    Conversion::Safe => {}
                    Conversion::Lossy if lossy => {}
                    Conversion::Lossy => {
                        return Err(vec![Problem::LossyConversion.at("field_type")]);
                    }
                    Conversion::Refused => {
                        return Err(vec![Problem::UnsafeConversion.at("field_type")]);
                    }
                }
                if old.field_type.kind() != field.field_type.kind()
                    && let Some(default) = &field.default
                    && super::Value::from_json(&field.field_type, default).is_err()
                {
                    // A default the new type does not read goes.
                    field.default = None;
                }
                field.system = false;
                field.deleted_at = None;
                *old = field;
            }
            None => {
                if RESERVED_FIELD_KEYS.contains(&field.key.as_str()) {
                    return Err(vec![Problem::Reserved.at("key")]);
                }
                if entry.fields.len() >= MAX_FIELDS {
                    return Err(vec![Problem::TooMany { max: MAX_FIELDS }.at("key")]);
                }
                field.system = false;
                field.deleted_at = None;
                entry.fields.push(field);
            }
        }
        self.settle(pipelines)
    }

    /// Delete a custom field (kept, out of sight, for [`KEEP_DELETED_MS`]); a system field
    /// can only be hidden.
    pub fn delete_field(
        &mut self,
        key: &ObjectKey,
        field: &FieldKey,
        now: i64,
        pipelines: &Pipelines,
    ) -> Change {
        let entry = self.entry_mut(key).map_err(|e| vec![e])?;
        let name_field = entry.name_field.clone();
        let found = entry
            .fields
            .iter_mut()
            .find(|f| f.key == *field && f.deleted_at.is_none())
            .ok_or_else(|| vec![Problem::NotFound.at("field")])?;
        if found.system || *field == name_field {
            return Err(vec![Problem::SystemField.at("field")]);
        }
        found.deleted_at = Some(now);
        self.settle(pipelines)
    }

    /// Bring back a field deleted less than [`KEEP_DELETED_MS`] ago, with its values.
    pub fn restore_field(
        &mut self,
        key: &ObjectKey,
        field: &FieldKey,
        now: i64,
        pipelines: &Pipelines,
    ) -> Change {
        let entry = self.entry_mut(key).map_err(|e| vec![e])?;
        let found = entry
            .fields
            .iter_mut()
            .find(|f| f.key == *field)
            .filter(|f| f.deleted_at.is_some_and(|at| now - at <= KEEP_DELETED_MS))
            .ok_or_else(|| vec![Problem::NotFound.at("field")])?;
        found.deleted_at = None;
        self.settle(pipelines)
    }

    /// Fields deleted longer ago than [`KEEP_DELETED_MS`] are gone for good.
    fn forget_old(&mut self, now: i64) {
        for object in &mut self.objects {
            object
                .fields
                .retain(|f| f.deleted_at.is_none_or(|at| now - at <= KEEP_DELETED_MS));
        }
    }

    /// What became of the custom fields' values between `before` and this schema (changed at
    /// `now`): fields of another type now (values to convert) and fields forgotten for good
    /// (values to drop, also when the key was taken again by a new field).
    pub fn retyped_since(&self, before: &CompanySchema, now: i64) -> Vec<Retyped> {
        let mut out = Vec::new();
        for old_entry in &before.objects {
            let new_entry = self.entry(old_entry.key.as_str());
            for old in old_entry.fields.iter().filter(|f| !f.system) {
                let new = new_entry.and_then(|e| e.field(old.key.as_str()));
                let forgotten =
                    old.deleted_at.is_some_and(|at| now - at > KEEP_DELETED_MS) || new.is_none();
                let to = match new {
                    _ if forgotten => None,
                    Some(new) if new.field_type.kind() != old.field_type.kind() => {
                        Some(new.field_type.clone())
                    }
                    _ => continue,
                };
                out.push(Retyped {
                    object: old_entry.key.as_str().to_owned(),
                    field: old.key.as_str().to_owned(),
                    names: new_entry.is_some_and(|e| e.name_field == old.key),
                    from: old.field_type.clone(),
                    to,
                });
            }
        }
        out
    }

    /// The auto-number fields this schema has and `before` did not (live ones, each with its
    /// object): what numbers the records that existed before the field.
    pub fn numbered_since(&self, before: &CompanySchema) -> Vec<Numbered> {
        let is_number = |f: &FieldDef| {
            f.deleted_at.is_none() && super::auto_number::of(&f.field_type).is_some()
        };
        self.objects
            .iter()
            .flat_map(|o| {
                o.fields
                    .iter()
                    .filter(|f| !f.system && is_number(f))
                    .filter(|f| {
                        before
                            .entry(o.key.as_str())
                            .and_then(|b| b.field(f.key.as_str()))
                            .is_none_or(|b| !is_number(b))
                    })
                    .map(|f| Numbered {
                        object: o.key.as_str().to_owned(),
                        field: f.clone(),
                    })
            })
            .collect()
    }

    /// After a change: the whole schema must hold together; the revision moves on.
    fn settle(&mut self, pipelines: &Pipelines) -> Change {
        self.schema(pipelines)
            .check()
            .map_err(|e| vec![problem_of(&e)])?;
        self.revision += 1;
        Ok(())
    }

    /// Run `change` on a copy, keeping it only if it succeeds; old deleted fields are dropped.
    pub fn changed(
        &self,
        now: i64,
        change: impl FnOnce(&mut CompanySchema) -> Change,
    ) -> Result<CompanySchema, Vec<FieldError>> {
        let mut next = self.clone();
        next.forget_old(now);
        change(&mut next)?;
        Ok(next)
    }
}

/// An auto-number field a schema change added to an object: the records the object already
/// has get their numbers from the server ([`CompanySchema::numbered_since`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Numbered {
    pub object: String,
    pub field: FieldDef,
}

/// A custom field whose stored values a schema change affects: `to` is its new type (values
/// convert), or `None` when the field is gone for good (values are dropped).
#[derive(Debug, Clone, PartialEq)]
pub struct Retyped {
    pub object: String,
    pub field: String,
    /// The field names its object's records (a custom object's name field).
    pub names: bool,
    pub from: FieldType,
    pub to: Option<FieldType>,
}

/// What an admin's change gives: done, or the problems at the parts of the request concerned.
pub type Change = Result<(), Vec<FieldError>>;

/// A change to an object's name, icon, list columns, name field or form layout (`None`:
/// unchanged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectUpdate {
    pub key: ObjectKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Labels>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_columns: Option<Vec<FieldKey>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_field: Option<FieldKey>,
    /// The form's sections ([`super::layout::Layout`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<super::layout::Layout>,
}

/// Whether `to` no longer offers a choice `from` had (retiring keeps it).
fn removes_choices(from: &FieldType, to: &FieldType) -> bool {
    let (before, after) = (from.choices(), to.choices());
    !before.is_empty() && before.iter().any(|c| !after.iter().any(|a| a.key == c.key))
}

/// A schema error as a problem at the part of the request to fix.
fn problem_of(error: &RegistryError) -> FieldError {
    match error {
        RegistryError::DuplicateObject(_) => Problem::Taken.at("key"),
        RegistryError::ReservedKey(_) => Problem::Reserved.at("key"),
        RegistryError::Object { error, .. } => match error {
            SchemaError::DuplicateKey(_) => Problem::Taken.at("fields"),
            SchemaError::Formula { error, .. } => Problem::Formula {
                message: error.message(Locale::En),
                start: error.span.start,
                end: error.span.end,
            }
            .at("field_type.expression"),
            SchemaError::UnknownNameField(_) => invalid_schema(error).at("name_field"),
            SchemaError::UnknownColumn(_) => invalid_schema(error).at("list_columns"),
            SchemaError::BadDefault { problem, .. } => problem.clone().at("default"),
            SchemaError::UnknownConditionField { .. } | SchemaError::BadConditionValue { .. } => {
                invalid_schema(error).at("shown_when")
            }
            SchemaError::DuplicateChoice { .. } => invalid_schema(error).at("field_type.options"),
            SchemaError::Layout(_) => invalid_schema(error).at("layout"),
        },
        other => invalid_schema(other).at("field_type"),
    }
}

fn invalid_schema(error: &impl std::fmt::Display) -> Problem {
    Problem::InvalidSchema {
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::fixtures::field;
    use crate::sync::Collection;

    fn contacts() -> ObjectKey {
        ObjectKey::parse("contacts").expect("key")
    }

    #[test]
    fn a_built_in_entry_cannot_retype_system_fields_and_newer_fields_show() {
        let product = builtin::object(Collection::Contact).expect("contacts");
        let mut entry = product.clone();
        // An entry saved by an older version: it lacks a system field, retypes another and
        // adds a custom one.
        entry.fields.retain(|f| f.key.as_str() != "notes");
        if let Some(phone) = entry.fields.iter_mut().find(|f| f.key.as_str() == "phone") {
            phone.field_type = FieldType::Integer;
            phone.label = Labels::new("手机", "Mobile");
        }
        entry.fields.push(field("grade", FieldType::Text));
        let merged = merge(&product, &entry);
        let phone = merged.field("phone").expect("phone");
        assert_eq!(phone.field_type, FieldType::Phone);
        assert_eq!(phone.label.en, "Mobile");
        assert!(merged.field("notes").is_some());
        assert_eq!(merged.fields.last().map(|f| f.key.as_str()), Some("grade"));
    }

    #[test]
    fn a_layout_is_saved_checked_and_follows_deleted_fields() {
        use crate::schema::layout::{Layout, Section};
        let pipelines = Pipelines::default();
        let key = |k: &str| FieldKey::parse(k).expect("key");
        let layout = |fields: &[&str]| Layout {
            sections: vec![
                Section {
                    title: Labels::new("联系方式", "Reach"),
                    columns: 2,
                    fields: fields.iter().map(|k| key(k)).collect(),
                },
                Section {
                    title: Labels::new("其他", "Other"),
                    columns: 1,
                    fields: vec![key("name")],
                },
            ],
        };
        let update = |layout: Layout| ObjectUpdate {
            key: contacts(),
            name: None,
            icon: None,
            list_columns: None,
            name_field: None,
            layout: Some(layout),
        };
        let schema = CompanySchema::default()
            .changed(0, |s| {
                s.save_field(&contacts(), &field("grade", FieldType::Text), &pipelines)
            })
            .and_then(|s| {
                s.changed(1, |s| {
                    s.update_object(&update(layout(&["grade", "phone"])), &pipelines)
                })
            })
            .expect("laid out");
        let contacts_now = |s: &CompanySchema| {
            s.schema(&pipelines)
                .object("contacts")
                .expect("contacts")
                .clone()
        };
        let placed = contacts_now(&schema).layout;
        assert_eq!(placed.sections[0].fields, vec![key("grade"), key("phone")]);
        assert_eq!(placed.sections[0].columns, 2);
        // A layout naming a field the object lacks, or one field twice, is refused at
        // `layout`, and the saved one stays.
        for bad in [layout(&["ghost"]), layout(&["name"])] {
            let refused = schema.changed(2, |s| s.update_object(&update(bad), &pipelines));
            let fields: Vec<String> = refused
                .expect_err("refused")
                .into_iter()
                .map(|e| e.field)
                .collect();
            assert_eq!(fields, ["layout"]);
        }
        // A deleted field leaves the form; restored, it is back in its place.
        let deleted = schema
            .changed(3, |s| {
                s.delete_field(&contacts(), &key("grade"), 3, &pipelines)
            })
            .expect("deleted");
        assert_eq!(
            contacts_now(&deleted).layout.sections[0].fields,
            vec![key("phone")]
        );
        let restored = deleted
            .changed(4, |s| {
                s.restore_field(&contacts(), &key("grade"), 4, &pipelines)
            })
            .expect("restored");
        assert_eq!(contacts_now(&restored).layout, placed);
    }

    #[test]
    fn an_added_auto_number_is_to_be_filled_in_once() {
        let pipelines = Pipelines::default();
        let code = field(
            "code",
            FieldType::AutoNumber {
                prefix: "KH-".into(),
                date: false,
                digits: 4,
            },
        );
        let before = CompanySchema::default()
            .changed(0, |s| {
                s.save_field(&contacts(), &field("grade", FieldType::Text), &pipelines)
            })
            .expect("grade");
        let after = before
            .changed(1, |s| s.save_field(&contacts(), &code, &pipelines))
            .expect("code");
        let added = after.numbered_since(&before);
        assert_eq!(added.len(), 1);
        assert_eq!(
            (added[0].object.as_str(), added[0].field.key.as_str()),
            ("contacts", "code")
        );
        // Saved again (relabelled), it is not new.
        let mut relabelled = code.clone();
        relabelled.label = Labels::new("编号", "Code");
        let again = after
            .changed(2, |s| s.save_field(&contacts(), &relabelled, &pipelines))
            .expect("relabelled");
        assert!(again.numbered_since(&after).is_empty());
        assert!(before.numbered_since(&before).is_empty());
    }

    #[test]
    fn a_deleted_field_can_be_restored_for_thirty_days() {
        let pipelines = Pipelines::default();
        let grade = FieldKey::parse("grade").expect("key");
        let schema = CompanySchema::default()
            .changed(0, |s| {
                s.save_field(&contacts(), &field("grade", FieldType::Text), &pipelines)
            })
            .and_then(|s| {
                s.changed(1_000, |s| {
                    s.delete_field(&contacts(), &grade, 1_000, &pipelines)
                })
            })
            .expect("added and deleted");
        assert!(schema.custom_fields("contacts").next().is_none());
        assert!(
            schema
                .schema(&pipelines)
                .object("contacts")
                .and_then(|o| o.field("grade"))
                .is_none()
        );
        let late = 1_000 + KEEP_DELETED_MS + 1;
        assert_eq!(
            schema.changed(late, |s| s.restore_field(
                &contacts(),
                &grade,
                late,
                &pipelines
            )),
            Err(vec![Problem::NotFound.at("field")])
        );
        // Once forgotten, the key is free again.
        let again = schema
            .changed(late, |s| {
                s.save_field(&contacts(), &field("grade", FieldType::Integer), &pipelines)
            })
            .expect("the key is free");
        assert_eq!(again.custom_fields("contacts").count(), 1);
        let in_time = 1_000 + KEEP_DELETED_MS;
        let restored = schema
            .changed(in_time, |s| {
                s.restore_field(&contacts(), &grade, in_time, &pipelines)
            })
            .expect("restored");
        assert_eq!(restored.custom_fields("contacts").count(), 1);
        assert_eq!(restored.revision, schema.revision + 1);
    }
}
