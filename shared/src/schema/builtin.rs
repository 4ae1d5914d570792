//! The built-in objects (contacts, accounts, leads, deals, activities, tasks) described by the
//! same definitions as the objects an admin makes: their system fields, types, labels and
//! choices. Their records are still the typed structs of [`crate::records`], whose Rust rules
//! (lead conversion, pipeline gates, lifecycle) stay; the tests below hold the two together, so
//! that every value those structs accept reads as valid under its field's type.

use super::{Choice, FieldDef, FieldKey, FieldType, Labels, ObjectDef, ObjectKey, Value};
use crate::i18n::Locale;
use crate::records::Pipelines;
use crate::records::labels::{choices_with, field_label};
use crate::sync::record::Collection;

/// The object key a link to "any record" names (an activity or task is about a contact, an
/// account, a lead or a deal).
pub const ANY_OBJECT: &str = "records";

/// The built-in collections that are objects, in the order the navigation shows them.
pub const COLLECTIONS: [Collection; 6] = [
    Collection::Contact,
    Collection::Account,
    Collection::Lead,
    Collection::Deal,
    Collection::Activity,
    Collection::Task,
];

/// The object key (and REST path segment) of a built-in collection.
pub fn object_key(collection: Collection) -> Option<&'static str> {
    Some(match collection {
        Collection::Contact => "contacts",
        Collection::Account => "accounts",
        Collection::Lead => "leads",
        Collection::Deal => "deals",
        Collection::Activity => "activities",
        Collection::Task => "tasks",
        _ => return None,
    })
}

/// The built-in collection whose object key is `key`.
pub fn collection_of(key: &str) -> Option<Collection> {
    COLLECTIONS
        .into_iter()
        .find(|c| object_key(*c) == Some(key))
}

/// One of the keys written in this module (each is read by `ObjectKey::parse` in a test).
fn key(text: &str) -> ObjectKey {
    ObjectKey(text.to_owned())
}

/// The type of a built-in field (a deal's stages: every stage of the company's pipelines).
fn field_type(collection: Collection, field: &str, pipelines: &Pipelines) -> FieldType {
    let link = |to: &str| FieldType::Link { object: key(to) };
    let select = || FieldType::SingleSelect {
        options: choices_with(collection, field, Locale::ZhCn, pipelines)
            .unwrap_or_default()
            .into_iter()
            .zip(choices_with(collection, field, Locale::En, pipelines).unwrap_or_default())
            .filter(|((k, _), _)| !k.is_empty())
            .map(|((k, zh), (_, en))| Choice {
                key: k,
                label: Labels { zh, en },
                color: None,
                retired: false,
            })
            .collect(),
    };
    match (collection, field) {
        (_, "phone") => FieldType::Phone,
        (_, "email") => FieldType::Email,
        (_, "wechat") => FieldType::Wechat,
        (_, "tags") => FieldType::Tags,
        (_, "notes" | "products" | "phones") => FieldType::LongText,
        (_, "birthday" | "close_date") => FieldType::Date,
        (_, "at" | "due") => FieldType::DateTime,
        (_, "website") => FieldType::Url,
        (_, "size") => FieldType::Integer,
        (_, "amount") => FieldType::Money {
            currency: "CNY".into(),
        },
        (_, "probability") => FieldType::Percent { precision: 0 },
        (Collection::Task, "done") => FieldType::Checkbox,
        (_, "grade" | "status" | "kind") | (Collection::Account | Collection::Lead, "stage") => {
            select()
        }
        (Collection::Deal, "stage") => select(),
        (_, "account") => link("accounts"),
        (_, "contact") => link("contacts"),
        (_, "contacts") => FieldType::Links {
            object: key("contacts"),
        },
        (_, "pipeline") => link("pipelines"),
        (_, "about") => link(ANY_OBJECT),
        _ => FieldType::Text,
    }
}

/// The definition of a built-in collection's object, or `None` for collections that are not
/// objects (sync issues, views, pipelines, changes); deal stages of the standard pipeline.
pub fn object(collection: Collection) -> Option<ObjectDef> {
    object_with(collection, &Pipelines::default())
}

/// The columns a built-in object's list shows until someone chooses others: its name, then
/// what its cards say first about a record.
fn usual_columns(collection: Collection) -> &'static [&'static str] {
    match collection {
        Collection::Contact => &["name", "job_title", "account", "company"],
        Collection::Account => &["name", "industry", "province", "city"],
        Collection::Lead => &["name", "company", "status", "stage", "owner"],
        Collection::Deal => &["name", "account", "stage", "amount", "close_date", "owner"],
        Collection::Activity => &["subject", "kind", "at", "about"],
        Collection::Task => &["title", "due", "done", "about"],
        _ => &[],
    }
}

/// [`object`] with the deal stages of the company's `pipelines`.
pub fn object_with(collection: Collection, pipelines: &Pipelines) -> Option<ObjectDef> {
    use crate::records::{Account, Activity, Contact, Deal, Kind, Lead, Task};
    let (fields, required, name_field): (&[&str], &[&str], &str) = match collection {
        Collection::Contact => (Contact::FIELDS, Contact::REQUIRED, "name"),
        Collection::Account => (Account::FIELDS, Account::REQUIRED, "name"),
        Collection::Lead => (Lead::FIELDS, Lead::REQUIRED, "name"),
        Collection::Deal => (Deal::FIELDS, Deal::REQUIRED, "name"),
        Collection::Activity => (Activity::FIELDS, Activity::REQUIRED, "subject"),
        Collection::Task => (Task::FIELDS, Task::REQUIRED, "title"),
        _ => return None,
    };
    let label = |field: &str| {
        Labels::new(
            field_label(field, Locale::ZhCn),
            field_label(field, Locale::En),
        )
    };
    let mut defs: Vec<FieldDef> = fields
        .iter()
        .filter_map(|field| {
            let mut def = FieldDef::new(
                field,
                label(field),
                field_type(collection, field, pipelines),
            )
            .ok()?;
            def.required = required.contains(field);
            def.system = true;
            // A deal's currency is part of its amount (a money value carries its currency).
            def.hidden = collection == Collection::Deal && *field == "currency";
            Some(def)
        })
        .collect();
    // Every record has an owner (outside its fields, as the sync engine keeps it).
    if let Ok(mut owner) = FieldDef::new("owner", label("owner"), FieldType::User { many: false }) {
        owner.system = true;
        defs.push(owner);
    }
    let list_columns: Vec<FieldKey> = usual_columns(collection)
        .iter()
        .filter_map(|key| defs.iter().find(|d| d.key.as_str() == *key && !d.hidden))
        .map(|d| d.key.clone())
        .collect();
    Some(ObjectDef {
        key: key(object_key(collection)?),
        name: Labels::new(
            crate::records::labels::collection_label(collection, Locale::ZhCn),
            crate::records::labels::collection_label(collection, Locale::En),
        ),
        name_field: FieldKey::parse(name_field).ok()?,
        list_columns,
        icon: String::new(),
        system: true,
        fields: defs,
        layout: Default::default(),
    })
}

/// Every built-in object, deal stages from the company's `pipelines`.
pub fn objects(pipelines: &Pipelines) -> Vec<ObjectDef> {
    COLLECTIONS
        .into_iter()
        .filter_map(|c| object_with(c, pipelines))
        .collect()
}

/// A built-in record's fields in the schema's JSON form (what queries, formulas and the
/// generic screens read), from the typed record's text of each field (`text`, as
/// [`crate::records::Kind::get`] gives it) and its owner. A value that does not read under its
/// type is left out (a test holds that none does).
pub fn values(
    object: &ObjectDef,
    text: impl Fn(&str) -> String,
    owner: uuid::Uuid,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    for def in &object.fields {
        if let Some(json) = value_of(def, &text, owner) {
            out.insert(def.key.as_str().to_owned(), json);
        }
    }
    out
}

/// One field of a built-in record in the schema's JSON form (as [`values`] gives it), `None`
/// when it is empty or does not read.
pub fn value_of(
    def: &FieldDef,
    text: impl Fn(&str) -> String,
    owner: uuid::Uuid,
) -> Option<serde_json::Value> {
    match typed_value(def, &text, owner) {
        Value::Empty => None,
        value => Some(value.to_json()),
    }
}

/// One field of a built-in record as a value of its type, from the typed record's text of it
/// (`text`) and its owner; empty when it is empty or does not read.
pub fn typed_value(def: &FieldDef, text: impl Fn(&str) -> String, owner: uuid::Uuid) -> Value {
    use serde_json::json;
    let key = def.key.as_str();
    if key == "owner" {
        return Value::Id(owner);
    }
    let raw = text(key);
    if raw.is_empty() {
        return Value::Empty;
    }
    let read = match &def.field_type {
        // Plain texts were read when they were written: kept as they are (a long list's
        // filter asks for one per record). Phones, addresses and the like are read again:
        // a record may hold them as typed.
        FieldType::Text | FieldType::LongText | FieldType::RichText => Ok(Value::Text(raw)),
        // Moments are kept as milliseconds.
        FieldType::DateTime => raw
            .parse::<i64>()
            .map_err(|_| crate::Problem::InvalidDateTime)
            .and_then(|ms| Value::from_json(&def.field_type, &json!(ms))),
        // Links hold ids, several separated by commas.
        FieldType::Link { .. } => Value::from_json(&def.field_type, &json!(raw.trim())),
        FieldType::Links { .. } => {
            let ids: Vec<&str> = raw.split(',').map(str::trim).collect();
            Value::from_json(&def.field_type, &json!(ids))
        }
        other => Value::parse(other, &raw),
    };
    read.unwrap_or(Value::Empty)
}

/// Why a change to a built-in object's field is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SystemFieldError {
    #[error("the system field {0} cannot be deleted (hide it instead)")]
    Deleted(String),
    #[error("the system field {0} cannot change its type")]
    Retyped(String),
    #[error("the system field {0} cannot stop being required")]
    Unrequired(String),
}

/// Whether `changed` keeps `original`'s system fields: relabelled or hidden is fine; deleted,
/// retyped (options such as choices' labels and colours may change) or made optional is not.
pub fn keeps_system_fields(
    original: &ObjectDef,
    changed: &ObjectDef,
) -> Result<(), SystemFieldError> {
    for field in original.fields.iter().filter(|f| f.system) {
        let name = || field.key.as_str().to_owned();
        let Some(now) = changed.field(field.key.as_str()) else {
            return Err(SystemFieldError::Deleted(name()));
        };
        if now.field_type.kind() != field.field_type.kind() {
            return Err(SystemFieldError::Retyped(name()));
        }
        if field.required && !now.required {
            return Err(SystemFieldError::Unrequired(name()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Account, Activity, Contact, Deal, Kind, Lead, Task, patch};

    #[test]
    fn a_built_in_list_starts_with_its_name_and_what_matters_most() {
        for collection in [
            Collection::Contact,
            Collection::Account,
            Collection::Lead,
            Collection::Deal,
            Collection::Activity,
            Collection::Task,
        ] {
            let Some(o) = object(collection) else {
                panic!("{collection:?} has no definition");
            };
            assert_eq!(
                o.list_columns.first(),
                Some(&o.name_field),
                "{collection:?}"
            );
            assert_eq!(
                o.list_columns.len(),
                usual_columns(collection).len(),
                "{collection:?}"
            );
        }
        let deal = object(Collection::Deal).map(|o| o.list_columns);
        let keys: Vec<String> = deal
            .unwrap_or_default()
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect();
        assert_eq!(
            keys,
            ["name", "account", "stage", "amount", "close_date", "owner"]
        );
    }

    #[test]
    fn every_built_in_object_describes_its_fields() {
        for text in [
            "contacts",
            "accounts",
            "leads",
            "deals",
            "activities",
            "tasks",
            "pipelines",
            ANY_OBJECT,
        ] {
            assert_eq!(
                ObjectKey::parse(text).map(|k| k.as_str().to_owned()),
                Ok(text.to_owned())
            );
        }
        let all = objects(&Pipelines::default());
        assert_eq!(all.len(), 6);
        for object in &all {
            assert_eq!(object.check(), Ok(()), "{}", object.key.as_str());
            assert!(object.system);
            for field in &object.fields {
                assert!(
                    field.system,
                    "{}.{}",
                    object.key.as_str(),
                    field.key.as_str()
                );
                assert!(!field.label.zh.is_empty() && !field.label.en.is_empty());
            }
        }
        let fields = |c: Collection| -> Vec<String> {
            object(c)
                .map(|o| o.fields.iter().map(|f| f.key.as_str().to_owned()).collect())
                .unwrap_or_default()
        };
        let with_owner = |kind: &[&str]| -> Vec<String> {
            kind.iter()
                .map(|f| (*f).to_owned())
                .chain(["owner".to_owned()])
                .collect()
        };
        assert_eq!(fields(Collection::Contact), with_owner(Contact::FIELDS));
        assert_eq!(fields(Collection::Account), with_owner(Account::FIELDS));
        assert_eq!(fields(Collection::Lead), with_owner(Lead::FIELDS));
        assert_eq!(fields(Collection::Deal), with_owner(Deal::FIELDS));
        assert_eq!(fields(Collection::Activity), with_owner(Activity::FIELDS));
        assert_eq!(fields(Collection::Task), with_owner(Task::FIELDS));
        let deals = object(Collection::Deal).expect("deals");
        let required: Vec<&str> = deals
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(required, Deal::REQUIRED);
        assert!(object(Collection::Issue).is_none());
        for c in COLLECTIONS {
            assert_eq!(object_key(c).and_then(collection_of), Some(c));
        }
        assert_eq!(collection_of("pipelines"), None);
        // Choices come from the same table the screens use.
        let leads = object(Collection::Lead).expect("leads");
        let status = leads.field("status").expect("status");
        let keys: Vec<&str> = status
            .field_type
            .choices()
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(keys, ["new", "contacted", "qualified", "unqualified"]);
        assert_eq!(
            status.field_type.choices()[1].label,
            Labels::new("已联系", "Contacted")
        );
    }

    /// Every field of a record the typed structs accept reads as valid under its schema type:
    /// no stored value becomes invalid when the schema takes over.
    fn readable<K: Kind>(values: &[(&str, &str)]) {
        let record = crate::records::create::<K>(&patch(values))
            .unwrap_or_else(|e| panic!("{values:?}: {e:?}"));
        let object = object(K::COLLECTION).expect("an object");
        // Every field with a value comes through the projection.
        let projected = super::values(&object, |f| record.get(f), uuid::Uuid::nil());
        for field in K::FIELDS {
            assert_eq!(
                projected.contains_key(*field),
                !record.get(field).is_empty(),
                "{}.{field}",
                object.key.as_str()
            );
        }
        for field in K::FIELDS {
            let def = object.field(field).expect("described");
            let text = record.get(field);
            let read = match def.field_type {
                // Moments are stored (and read back) as milliseconds.
                FieldType::DateTime if !text.is_empty() => Value::from_json(
                    &def.field_type,
                    &serde_json::json!(text.parse::<i64>().unwrap_or(-1)),
                ),
                // A link holds an id.
                FieldType::Link { .. } | FieldType::Links { .. } if !text.is_empty() => {
                    let ids: Vec<&str> = text.split(',').map(str::trim).collect();
                    let json = match def.field_type {
                        FieldType::Link { .. } => serde_json::json!(ids[0]),
                        _ => serde_json::json!(ids),
                    };
                    Value::from_json(&def.field_type, &json)
                }
                _ => Value::parse(&def.field_type, &text),
            };
            assert!(
                read.is_ok(),
                "{}.{field} = {text:?}: {read:?}",
                object.key.as_str()
            );
            // What the projection holds is the value read under the field's type (texts are
            // taken as stored: they were read so when written).
            if let Ok(value) = read
                && value != Value::Empty
            {
                assert_eq!(
                    projected.get(*field),
                    Some(&value.to_json()),
                    "{}.{field}",
                    object.key.as_str()
                );
            }
        }
    }

    #[test]
    fn values_the_records_hold_read_under_their_types() {
        let id = "0190f7a4-0000-7000-8000-000000000001";
        let other = "0190f7a4-0000-7000-8000-000000000002";
        readable::<Contact>(&[
            ("name", "张三"),
            ("job_title", "采购经理"),
            ("account", id),
            ("company", "杭州云计算有限公司"),
            ("phone", "138 0013 8000"),
            ("phones", "010-6552-9988, +1 415 555 0100"),
            ("email", "zhang.san@example.com"),
            ("wechat", "13800138000"),
            ("birthday", "1990年5月4日"),
            ("tags", "重点, VIP"),
            ("notes", "第一行\n第二行"),
        ]);
        readable::<Account>(&[
            ("name", "杭州云"),
            ("industry", "软件"),
            ("province", "浙江"),
            ("city", "杭州"),
            ("address", "文三路 90 号"),
            ("website", "my_site.example.com/about"),
            ("size", "1,200"),
            ("grade", "A"),
            ("source", "展会"),
            ("tags", "沉睡"),
            ("stage", "customer"),
        ]);
        readable::<Lead>(&[
            ("name", "李四"),
            ("company", "宁波港"),
            ("phone", "13900139000"),
            ("email", "li.si@example.com"),
            ("source", "官网"),
            ("campaign", "双十一"),
            ("status", "contacted"),
            ("stage", "mql"),
        ]);
        readable::<Deal>(&[
            ("name", "云服务年单"),
            ("account", id),
            ("contact", other),
            ("contacts", &format!("{id}, {other}")),
            ("amount", "¥1,200,000.50"),
            ("currency", "usd"),
            ("close_date", "2026-12-31"),
            ("probability", "60%"),
            ("products", "云主机 × 10"),
        ]);
        readable::<Activity>(&[
            ("kind", "visit"),
            ("subject", "上门拜访"),
            ("about", id),
            ("at", "1764460800000"),
            ("location", "杭州"),
        ]);
        readable::<Task>(&[
            ("title", "回电"),
            ("due", "1764460800000"),
            ("done", "true"),
            ("about", id),
        ]);
    }

    /// A typed record stores each of its choices and dates as the schema's JSON form of the
    /// value, so that a database can compare them as stored (REST lists filter on them in SQL).
    fn stored_as_their_json_form<K: Kind>(base: &[(&str, &str)]) -> usize {
        let object = object(K::COLLECTION).expect("an object");
        let mut checked = 0;
        for def in &object.fields {
            let key = def.key.as_str();
            let values: Vec<String> = match &def.field_type {
                FieldType::SingleSelect { options } => {
                    options.iter().map(|c| c.key.clone()).collect()
                }
                FieldType::Date => vec!["2026-02-28".to_owned()],
                _ => continue,
            };
            for value in values {
                let mut fields: Vec<(&str, &str)> =
                    base.iter().copied().filter(|(f, _)| *f != key).collect();
                fields.push((key, &value));
                // Some stages ask for more (a won deal's amount): those are left out here.
                let Ok(record) = crate::records::create::<K>(&patch(&fields)) else {
                    continue;
                };
                let stored = serde_json::to_value(&record).expect("serializes");
                let wanted = Value::parse(&def.field_type, &value)
                    .expect("a valid value")
                    .to_json();
                assert_eq!(stored[key], wanted, "{}.{key}", object.key.as_str());
                checked += 1;
            }
        }
        checked
    }

    #[test]
    fn typed_choices_and_dates_are_stored_as_their_json_form() {
        let checked = stored_as_their_json_form::<Contact>(&[("name", "张三")])
            + stored_as_their_json_form::<Account>(&[("name", "杭州云")])
            + stored_as_their_json_form::<Lead>(&[("name", "李四"), ("phone", "13800138000")])
            + stored_as_their_json_form::<Deal>(&[("name", "云主机"), ("amount", "1000")])
            + stored_as_their_json_form::<Activity>(&[("kind", "visit"), ("subject", "拜访")])
            + stored_as_their_json_form::<Task>(&[("title", "回电")]);
        assert!(checked >= 20, "only {checked} values checked");
    }

    #[test]
    fn system_fields_are_relabelled_or_hidden_never_deleted_or_retyped() {
        let original = object(Collection::Contact).expect("contacts");
        let mut relabelled = original.clone();
        relabelled.fields[1].label = Labels::new("职位", "Position");
        relabelled.fields[2].hidden = true;
        relabelled.fields.push(
            FieldDef::new("region", Labels::new("区域", "Region"), FieldType::Text).expect("key"),
        );
        assert_eq!(keeps_system_fields(&original, &relabelled), Ok(()));

        let mut deleted = original.clone();
        deleted.fields.retain(|f| f.key.as_str() != "wechat");
        assert_eq!(
            keeps_system_fields(&original, &deleted),
            Err(SystemFieldError::Deleted("wechat".into()))
        );
        let mut retyped = original.clone();
        if let Some(f) = retyped
            .fields
            .iter_mut()
            .find(|f| f.key.as_str() == "phone")
        {
            f.field_type = FieldType::Text;
        }
        assert_eq!(
            keeps_system_fields(&original, &retyped),
            Err(SystemFieldError::Retyped("phone".into()))
        );
        let mut optional = original.clone();
        optional.fields[0].required = false;
        assert_eq!(
            keeps_system_fields(&original, &optional),
            Err(SystemFieldError::Unrequired("name".into()))
        );
    }
}
