//! Formulas, rollups and lookups in REST answers: not stored, worked out when read with the
//! shared formula language (`shared::sync::linked::computed`), over the linked records the
//! reader sees, as a device works them out over its copy.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use shared::formula::Records;
use shared::schema::registry::Schema;
use shared::schema::{FieldType, ObjectDef, builtin};
use shared::sync::linked::{computed, named, values_of};
use shared::sync::{Collection, Record, Scope};
use uuid::Uuid;

use super::error::ApiError;
use crate::app::AppState;
use crate::db::list::{Field, linked};

/// A linked record as a rollup reads it: the ids its link names, and its values.
type Pointing = (Vec<String>, Map<String, Json>);

/// The linked records one answer needs, read up front.
#[derive(Default)]
struct Loaded {
    /// By `(object, link field)`: the records of that object whose link names the answer's.
    pointing: HashMap<(String, String), Vec<Pointing>>,
    /// By id: the record's object and values.
    records: HashMap<String, (String, Map<String, Json>)>,
}

impl Records for Loaded {
    fn pointing_to(&self, object: &str, link: &str, id: &str) -> Vec<Map<String, Json>> {
        self.pointing
            .get(&(object.to_owned(), link.to_owned()))
            .map(|rows| {
                rows.iter()
                    .filter(|(names, _)| names.iter().any(|n| n == id))
                    .map(|(_, values)| values.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn record(&self, object: &str, id: &str) -> Option<Map<String, Json>> {
        self.records
            .get(id)
            .filter(|(of, _)| of == object)
            .map(|(_, values)| values.clone())
    }
}

/// How SQL reaches the field `link` of `object`'s records.
fn link_field(object: &ObjectDef, link: &str) -> Option<Field> {
    let def = object.field(link)?;
    match builtin::collection_of(object.key.as_str()) {
        Some(collection) if def.system => Field::typed(collection, def),
        Some(collection) => Field::custom(collection, def),
        None => Field::custom(Collection::Object, def)?.of_object(object.key.as_str()),
    }
}

fn parse(body: &str) -> Result<Record, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::internal(format!("stored record: {e}")))
}

/// The worked-out fields of each of `records` (of `object`), by record id.
pub async fn work_out(
    state: &AppState,
    scope: &Scope,
    schema: &Schema,
    object: &ObjectDef,
    records: &[Record],
    context: &shared::query::Context,
) -> Result<HashMap<Uuid, Map<String, Json>>, ApiError> {
    let fields: Vec<&str> = object
        .fields
        .iter()
        .filter(|f| f.field_type.kind().is_computed())
        .map(|f| f.key.as_str())
        .collect();
    if fields.is_empty() || records.is_empty() {
        return Ok(HashMap::new());
    }
    let values: Vec<Map<String, Json>> = records.iter().map(|r| values_of(object, r)).collect();
    let ids: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
    let mut loaded = Loaded::default();
    for def in &object.fields {
        match &def.field_type {
            FieldType::Rollup {
                object: from, link, ..
            } => {
                let key = (from.as_str().to_owned(), link.as_str().to_owned());
                if loaded.pointing.contains_key(&key) {
                    continue;
                }
                let Some(source) = schema.object(from.as_str()) else {
                    continue;
                };
                let Some(field) = link_field(source, link.as_str()) else {
                    continue;
                };
                let mut rows = Vec::new();
                for body in linked::pointing_to(&state.db, scope, &field, &ids).await? {
                    let record = parse(&body)?;
                    if record.object_key() != Some(from.as_str()) || !scope.sees(&record) {
                        continue;
                    }
                    let values = values_of(source, &record);
                    let names = match values.get(link.as_str()) {
                        Some(Json::String(s)) => {
                            shared::records::link_pieces(s).map(str::to_owned).collect()
                        }
                        other => named(other).into_iter().map(str::to_owned).collect(),
                    };
                    rows.push((names, values));
                }
                loaded.pointing.insert(key, rows);
            }
            FieldType::Lookup { link, .. } => {
                let Some(FieldType::Link { object: target }) =
                    object.field(link.as_str()).map(|f| &f.field_type)
                else {
                    continue;
                };
                let Some(target) = schema.object(target.as_str()) else {
                    continue;
                };
                let wanted: Vec<Uuid> = values
                    .iter()
                    .flat_map(|v| named(v.get(link.as_str())))
                    .filter(|id| !loaded.records.contains_key(*id))
                    .filter_map(|id| id.parse().ok())
                    .collect();
                for body in linked::by_ids(&state.db, &wanted).await? {
                    let record = parse(&body)?;
                    if record.object_key() == Some(target.key.as_str()) && scope.sees(&record) {
                        let values = values_of(target, &record);
                        loaded.records.insert(
                            record.id.to_string(),
                            (target.key.as_str().to_owned(), values),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = HashMap::new();
    for (record, values) in records.iter().zip(&values) {
        let id = record.id.to_string();
        let worked: Map<String, Json> = fields
            .iter()
            .map(|key| {
                let value = computed(schema, object, key, (&id, values), &loaded, context)
                    .map(|v| v.to_json())
                    .unwrap_or(Json::Null);
                ((*key).to_owned(), value)
            })
            .collect();
        out.insert(record.id.as_uuid(), worked);
    }
    Ok(out)
}
