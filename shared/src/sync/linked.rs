//! Rollups, lookups and the formulas that read them, worked out over a copy of the records
//! ([`CopyRecords`]: the device's, or any set of records a caller holds), the same way for
//! every screen that shows them.

use serde_json::{Map, Value as Json};

use crate::formula::{Formula, Linked, Records};
use crate::schema::registry::Schema;
use crate::schema::{FieldDef, FieldType, ObjectDef, Value, builtin};
use crate::sync::client::ClientCore;
use crate::sync::record::{Collection, Record};

/// A record's values by field key in their JSON forms: the typed fields read through the
/// object's definition, then the custom values.
pub fn values_of(object: &ObjectDef, record: &Record) -> Map<String, Json> {
    let mut values = builtin::values(object, |f| record.body.text(f), record.owner.as_uuid());
    values.extend(record.custom.iter().map(|(k, v)| (k.clone(), v.clone())));
    values
}

/// A record's value of one field, under the field's type: a built-in object's own fields
/// read from the typed record, the others from its custom values (empty when it has none or
/// it does not read). What a list's filter asks of each record.
pub fn value_for(record: &Record, def: &FieldDef) -> Value {
    if def.system {
        builtin::typed_value(def, |f| record.body.text(f), record.owner.as_uuid())
    } else {
        record
            .custom
            .get(def.key.as_str())
            .and_then(|json| Value::from_json(&def.field_type, json).ok())
            .unwrap_or(Value::Empty)
    }
}

/// The ids a custom link value names (one, or a list).
pub fn named(value: Option<&Json>) -> Vec<&str> {
    match value {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(items)) => items.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The records of a [`ClientCore`], read for rollups and lookups.
pub struct CopyRecords<'a> {
    pub core: &'a ClientCore,
    pub schema: &'a Schema,
}

impl CopyRecords<'_> {
    /// The live records of the object `key`.
    fn of_object<'b>(&'b self, key: &'b str) -> Box<dyn Iterator<Item = &'b Record> + 'b> {
        match builtin::collection_of(key) {
            Some(collection) => Box::new(self.core.collection(collection)),
            None => Box::new(
                self.core
                    .collection(Collection::Object)
                    .filter(move |r| r.object_key() == Some(key)),
            ),
        }
    }
}

impl Records for CopyRecords<'_> {
    fn pointing_to(&self, object: &str, link: &str, id: &str) -> Vec<Map<String, Json>> {
        let Some(def) = self.schema.object(object) else {
            return Vec::new();
        };
        let typed = def
            .field(link)
            .is_some_and(|f| f.system && !matches!(f.field_type, FieldType::Formula { .. }));
        self.of_object(object)
            .filter(|r| {
                if typed {
                    crate::records::link_pieces(&r.body.text(link)).any(|piece| piece == id)
                } else {
                    named(r.custom.get(link)).contains(&id)
                }
            })
            .map(|r| values_of(def, r))
            .collect()
    }

    fn record(&self, object: &str, id: &str) -> Option<Map<String, Json>> {
        let def = self.schema.object(object)?;
        let record = self.core.get(id.parse().ok()?)?;
        (record.object_key() == Some(object)).then(|| values_of(def, record))
    }
}

/// The value of the computed field `key` (a formula, rollup or lookup) of `record`, of
/// `object`, reading linked records through `records`; `None` when it cannot be worked out
/// (a field that is not computed, a formula the schema no longer compiles, money of mixed
/// currencies…).
pub fn computed(
    schema: &Schema,
    object: &ObjectDef,
    key: &str,
    (record, values): (&str, &Map<String, Json>),
    records: &dyn Records,
    context: &crate::query::Context,
) -> Option<Value> {
    let def = object.field(key)?;
    if !def.field_type.kind().is_computed() {
        return None;
    }
    // A field named alone is a formula whose value is that field's.
    let formula = Formula::compile_in(key, &object.fields, Some(schema)).ok()?;
    let today = crate::query::calendar_day(context.now_ms, context.offset_minutes);
    let linked = Linked {
        schema,
        records,
        context,
        id: record,
    };
    formula
        .eval_linked(object, values, i32::try_from(today).ok()?, linked)
        .ok()
        .map(|v| v.to_value())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ids::{RecordId, TeamId, UserId};
    use crate::records::{Account, Kind, ObjectRecord, patch};
    use crate::schema::company::CompanySchema;
    use crate::schema::fixtures::{field, object};
    use crate::schema::{FieldKey, ObjectKey, RollupFn};
    use crate::sync::record::Body;

    fn id(n: u128) -> RecordId {
        RecordId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn made(n: u128, body: Body, custom: Map<String, Json>) -> Record {
        let owner = UserId::from_uuid(uuid::Uuid::from_u128(1));
        let team = TeamId::from_uuid(uuid::Uuid::from_u128(2));
        let mut record = Record::created(id(n), owner, team, owner, 0, body);
        record.custom = custom.into();
        record
    }

    #[test]
    fn an_accounts_rollup_sums_its_projects_and_a_project_looks_up_its_account() {
        let key = |k: &str| FieldKey::parse(k).expect("key");
        let mut company = CompanySchema::default();
        let projects = object(
            "projects",
            "title",
            vec![
                field("title", FieldType::Text),
                field(
                    "account",
                    FieldType::Link {
                        object: ObjectKey::parse("accounts").expect("key"),
                    },
                ),
                field(
                    "budget",
                    FieldType::Money {
                        currency: "CNY".into(),
                    },
                ),
                field(
                    "account_industry",
                    FieldType::Lookup {
                        link: key("account"),
                        field: key("industry"),
                    },
                ),
            ],
        );
        let pipelines = Default::default();
        assert_eq!(company.create_object(&projects, &pipelines), Ok(()));
        let rollup = field(
            "project_budget",
            FieldType::Rollup {
                object: ObjectKey::parse("projects").expect("key"),
                link: key("account"),
                field: key("budget"),
                function: RollupFn::Sum,
                filter: None,
            },
        );
        let accounts = ObjectKey::parse("accounts").expect("key");
        assert_eq!(company.add_field(&accounts, &rollup, &pipelines), Ok(()));
        let schema = company.schema(&pipelines);

        let mut core = ClientCore::default();
        let account: Account =
            crate::records::create(&patch(&[("name", "华为"), ("industry", "通信")]))
                .expect("account");
        let project = |n: u128, title: &str, budget: &str, account: Option<u128>| {
            let mut custom = Map::new();
            custom.insert("title".into(), json!(title));
            custom.insert(
                "budget".into(),
                json!({"amount": budget, "currency": "CNY"}),
            );
            if let Some(a) = account {
                custom.insert("account".into(), json!(id(a).to_string()));
            }
            made(
                n,
                Body::Object(ObjectRecord::new(
                    &ObjectKey::parse("projects").expect("key"),
                    title,
                )),
                custom,
            )
        };
        let load = |core: &mut ClientCore, collection, records: Vec<Record>| {
            core.load_collection(collection, records.into_iter().map(|r| (r.id, r)).collect());
        };
        load(
            &mut core,
            Collection::Account,
            vec![made(10, account.into_body(), Map::new())],
        );
        load(
            &mut core,
            Collection::Object,
            vec![
                project(20, "一期", "1000.50", Some(10)),
                project(21, "二期", "2000", Some(10)),
                project(22, "别家的", "9999", None),
            ],
        );
        let records = CopyRecords {
            core: &core,
            schema: &schema,
        };
        let context = crate::query::Context {
            me: uuid::Uuid::from_u128(1),
            my_team: Vec::new(),
            now_ms: 0,
            offset_minutes: 480,
        };
        let accounts = schema.object("accounts").expect("accounts");
        let account = core.get(id(10)).expect("account").clone();
        let values = values_of(accounts, &account);
        let at = id(10).to_string();
        let sum = computed(
            &schema,
            accounts,
            "project_budget",
            (&at, &values),
            &records,
            &context,
        );
        assert_eq!(
            sum.map(|v| v.to_json()),
            Some(json!({"amount": "3000.5", "currency": "CNY"}))
        );
        let projects = schema.object("projects").expect("projects");
        let first = core.get(id(20)).expect("project").clone();
        let looked = computed(
            &schema,
            projects,
            "account_industry",
            (&id(20).to_string(), &values_of(projects, &first)),
            &records,
            &context,
        );
        assert_eq!(looked.map(|v| v.to_json()), Some(json!("通信")));
        // A field that is not computed has no worked-out value.
        assert_eq!(
            computed(
                &schema,
                projects,
                "title",
                (&at, &values),
                &records,
                &context
            ),
            None
        );
    }
}
