//! `/api/v1/{collection}`: the CRM records for API clients. Reads see what the user's scope
//! allows; writes run the same mutators as devices (through [`crate::sync::apply`]), so they
//! are checked the same way and reach every device.
//!
//! - `GET /api/v1/{collection}?limit=&cursor=&sort=&filter=&{field}=` → `{"items",
//!   "next_cursor"}` (`filter` in the query language of `shared::query`, e.g.
//!   `stage in (won, lost) and amount >= 10000`)
//! - `POST /api/v1/{collection}` `{"fields": {…}, "owner"?, "id"?}` → 201 and the record
//! - `GET|PATCH|DELETE /api/v1/{collection}/{id}` (`PATCH` takes `{"fields"?, "owner"?}`)
//! - `GET /api/v1/pipelines` → every deal pipeline (read only; admins set them up in the app)
//!
//! Collections: `accounts`, `contacts`, `leads`, `deals`, `activities`, `tasks`, and the objects
//! the company made (`/api/v1/projects`: their records hold custom values only). Field values
//! are sent as text, the way a form sends them (numbers and booleans are accepted too).

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::records::Patch;
use shared::sync::{
    AssignRecord, Collection, CreateRecord, DeleteRecord, Mutation, Record, Rejection, UpdateRecord,
};
use shared::{Problem, RecordId, UserId};
use uuid::Uuid;

use shared::schema::company::CompanySchema;

use super::error::ApiError;
use super::json::ApiJson;
use super::objects::company_schema;
use super::parse_id;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::list::{self as db_list, Field};
use crate::db::sync as store;
use crate::sync::apply::apply;

/// Most records one page may hold.
pub const MAX_LIMIT: usize = 500;
const DEFAULT_LIMIT: usize = 50;

/// The REST records; lists wait for a list slot (`crate::admission`), single reads do not.
pub fn router(state: &AppState) -> Router<AppState> {
    let admit_list =
        axum::middleware::from_fn_with_state(state.clone(), crate::admission::admit_list);
    Router::new()
        .route("/api/v1/pipelines", get(pipelines))
        .route(
            "/api/v1/{collection}",
            get(list).layer(admit_list).post(create),
        )
        .route(
            "/api/v1/{collection}/{id}",
            get(read_one).patch(update).delete(remove),
        )
}

/// What a REST path names: a built-in collection (`contacts`) or the records of an object the
/// company made (`projects`, kept in [`Collection::Object`]).
struct Target {
    collection: Collection,
    /// The object's key (the path segment).
    key: String,
}

impl Target {
    fn is_custom(&self) -> bool {
        self.collection == Collection::Object
    }

    /// Whether `record` is one of this list's.
    fn holds(&self, record: &Record) -> bool {
        record.object_key() == Some(self.key.as_str())
    }
}

fn target(schema: &CompanySchema, path: &str) -> Result<Target, ApiError> {
    if let Some(collection) = shared::schema::builtin::collection_of(path) {
        return Ok(Target {
            collection,
            key: path.to_owned(),
        });
    }
    schema
        .objects
        .iter()
        .find(|o| !o.system && o.key.as_str() == path)
        .map(|o| Target {
            collection: Collection::Object,
            key: o.key.as_str().to_owned(),
        })
        .ok_or(ApiError::NotFound("collection"))
}

/// A record as API clients see it: the envelope, and its fields under `fields` (the typed
/// ones, then the object's custom fields, `custom`, in their JSON form).
fn item(
    record: &Record,
    custom: &[String],
    worked: Option<&serde_json::Map<String, Value>>,
) -> Value {
    // A custom object's record has custom values only (its object is the list it is in).
    let typed = record.collection() != Collection::Object;
    let mut fields = serde_json::to_value(&record.body)
        .ok()
        .and_then(|body| body.as_object().and_then(|o| o.values().next().cloned()))
        .filter(|_| typed)
        .unwrap_or_else(|| json!({}));
    // Every field is in the answer; those a record leaves empty (and does not store) are null.
    if let Some(object) = fields.as_object_mut() {
        for field in record.body.fields().iter().filter(|_| typed) {
            object.entry(*field).or_insert(Value::Null);
        }
        for key in custom {
            let value = worked
                .and_then(|w| w.get(key))
                .or_else(|| record.custom.get(key))
                .cloned()
                .unwrap_or(Value::Null);
            object.insert(key.clone(), value);
        }
    }
    json!({
        "id": record.id,
        "collection": record.collection().as_str(),
        "object": record.object_key(),
        "owner": record.owner,
        "team": record.team,
        "created_at": record.created_at,
        "created_by": record.created_by,
        "updated_at": record.updated_at,
        "version": record.version,
        "fields": fields,
    })
}

fn parse_stored(body: &str) -> Result<Record, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::internal(format!("stored record: {e}")))
}

/// The live record `id` of `collection` if `user` may see it.
async fn visible(
    state: &AppState,
    user: &CurrentUser,
    target: &Target,
    id: RecordId,
) -> Result<Record, ApiError> {
    let scope = store::directory_now(&state.db, &user.actor).await?.scope();
    let stored = store::live_one(&state.db, id.as_uuid()).await?;
    let record = stored.as_deref().map(parse_stored).transpose()?;
    record
        .filter(|r| target.holds(r) && scope.sees(r))
        .ok_or(ApiError::NotFound("record"))
}

// ---- reading ----

/// The text of `field` (a body field, or `owner`) that `{field}=value` compares.
fn field_key(record: &Record, field: &str) -> String {
    match field {
        "owner" => record.owner.to_string(),
        _ => record.field_text(field).into_owned(),
    }
}

/// The keys of the custom fields of the target's object in `schema`.
fn custom_keys(schema: &CompanySchema, target: &Target) -> Vec<String> {
    schema
        .custom_fields(&target.key)
        .map(|f| f.key.as_str().to_owned())
        .collect()
}

/// How SQL reaches `name` of `collection`'s records: `created_at`, `updated_at`, `owner`, a
/// built-in field or one of the company's custom fields.
fn sql_field(schema: &CompanySchema, target: &Target, name: &str) -> Option<Field> {
    let collection = target.collection;
    let field = match Field::envelope(collection, name) {
        Some(field) => field,
        None => {
            let typed = shared::schema::builtin::object(collection)
                .and_then(|builtin| builtin.field(name).cloned());
            match typed {
                Some(def) => Field::typed(collection, &def)?,
                None => {
                    let def = schema
                        .custom_fields(&target.key)
                        .find(|f| f.key.as_str() == name)?;
                    Field::custom(collection, def)?
                }
            }
        }
    };
    if target.is_custom() {
        field.of_object(&target.key)
    } else {
        Some(field)
    }
}

/// The answers for `records` of the target's object: each with its formulas, rollups and
/// lookups worked out (over what `user` sees).
async fn answers(
    state: &AppState,
    user: &CurrentUser,
    schema: &CompanySchema,
    target: &Target,
    records: &[Record],
) -> Result<Vec<Value>, ApiError> {
    let custom = custom_keys(schema, target);
    let computes = schema
        .custom_fields(&target.key)
        .any(|f| f.field_type.kind().is_computed());
    let mut worked = HashMap::new();
    if computes && !records.is_empty() {
        let directory = store::directory_now(&state.db, &user.actor).await?;
        let scope = directory.scope();
        let pipelines = company_pipelines(state, &scope).await?;
        let whole = schema.schema(&pipelines);
        if let Some(object) = whole.object(&target.key) {
            let context = directory.query_context(crate::db::now_ms());
            worked =
                super::computed::work_out(state, &scope, &whole, object, records, &context).await?;
        }
    }
    Ok(records
        .iter()
        .map(|r| item(r, &custom, worked.get(&r.id.as_uuid())))
        .collect())
}

/// The one answer for `record`.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    schema: &CompanySchema,
    target: &Target,
    record: Record,
) -> Result<Value, ApiError> {
    let mut all = answers(state, user, schema, target, std::slice::from_ref(&record)).await?;
    Ok(all.pop().unwrap_or(Value::Null))
}

/// A cursor: the last record of a page, by its sort keys and id, as hex of its JSON.
fn encode_cursor(after: &db_list::After) -> String {
    let keys: Vec<Value> = after.keys.iter().map(db_list::KeyValue::to_json).collect();
    let text = serde_json::to_string(&(keys, after.id)).unwrap_or_default();
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// A cursor of a list sorted by keys of `kinds` (`None` for anything else).
fn decode_cursor(raw: &str, kinds: &[db_list::KeyKind]) -> Option<db_list::After> {
    if !raw.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..raw.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
        .collect();
    let (keys, id): (Vec<Value>, Uuid) = serde_json::from_slice(&bytes?).ok()?;
    if keys.len() != kinds.len() {
        return None;
    }
    let keys = kinds
        .iter()
        .zip(&keys)
        .map(|(kind, value)| db_list::KeyValue::from_json(*kind, value))
        .collect::<Option<Vec<_>>>()?;
    Some(db_list::After { keys, id })
}

fn bad_param(field: &'static str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_parameter",
        message: format!("{field}: {message}"),
    }
}

/// `{field}=value` as a condition of the query language, for the fields whose values read
/// the same whatever the case of the text (choices, dates, people, links); `None` for others.
fn equality(
    object: &shared::schema::ObjectDef,
    field: &str,
    wanted: &str,
) -> Option<shared::query::Filter> {
    use shared::schema::{FieldKind, Value as FieldValue};
    let def = object.field(field)?;
    let kinds = [
        FieldKind::SingleSelect,
        FieldKind::Date,
        FieldKind::User,
        FieldKind::Link,
    ];
    if !kinds.contains(&def.field_type.kind()) {
        return None;
    }
    let value = FieldValue::parse(&def.field_type, wanted).ok()?;
    (value != FieldValue::Empty).then(|| {
        shared::query::Filter::Where(shared::query::Condition {
            field: def.key.clone(),
            op: shared::query::Op::Is(value.to_json()),
        })
    })
}

/// The fields a filter's conditions compare in ways an index helps (equal, in, ranges,
/// periods): the fields whose indexes lists use.
fn compared_fields(filter: &shared::query::Filter, out: &mut Vec<String>) {
    use shared::query::{Filter, Op};
    match filter {
        Filter::All(parts) | Filter::Any(parts) => {
            parts.iter().for_each(|p| compared_fields(p, out));
        }
        Filter::Not(inner) => compared_fields(inner, out),
        Filter::Where(c) => {
            let indexed = !matches!(
                c.op,
                Op::Contains(_) | Op::NotContains(_) | Op::Empty | Op::NotEmpty | Op::IsNot(_)
            );
            if indexed && !out.iter().any(|f| f == c.field.as_str()) {
                out.push(c.field.as_str().to_owned());
            }
        }
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let schema = company_schema(&state).await?;
    let target = target(&schema, &path)?;
    let collection = target.collection;
    let custom = custom_keys(&schema, &target);
    let typed: &[&str] = if target.is_custom() {
        &[]
    } else {
        shared::records::fields_of(collection)
    };
    let known = |field: &str| typed.contains(&field) || custom.iter().any(|c| c == field);
    let mut limit = DEFAULT_LIMIT;
    let mut cursor = None;
    let mut sort = ("updated_at".to_owned(), true);
    let mut filters: Vec<(String, String)> = Vec::new();
    let mut filter_text = None;
    for (key, value) in &params {
        match key.as_str() {
            "filter" => filter_text = Some(value.as_str()),
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|l| (1..=MAX_LIMIT).contains(l))
                    .ok_or_else(|| bad_param("limit", "must be a number from 1 to 500"))?;
            }
            "cursor" => cursor = Some(value.as_str()),
            "sort" => {
                let (field, descending) = match value.strip_prefix('-') {
                    Some(f) => (f, true),
                    None => (value.as_str(), false),
                };
                if !(known(field) || matches!(field, "created_at" | "updated_at" | "owner")) {
                    return Err(bad_param("sort", "names no field of this collection"));
                }
                sort = (field.to_owned(), descending);
            }
            other if known(other) || other == "owner" => {
                filters.push((other.to_owned(), value.clone()));
            }
            _ => {
                return Err(ApiError::BadRequest {
                    code: "unknown_field",
                    message: format!("{key} is not a field of {path}"),
                });
            }
        }
    }
    let sort_field = sql_field(&schema, &target, &sort.0)
        .ok_or_else(|| bad_param("sort", "names no field that can be sorted by"))?;
    let kinds: Vec<db_list::KeyKind> = sort_field
        .sort_keys(state.db.backend())
        .iter()
        .map(|(k, _)| *k)
        .collect();
    let after = cursor
        .map(|raw| {
            decode_cursor(raw, &kinds)
                .ok_or_else(|| bad_param("cursor", "is not one this server gave out"))
        })
        .transpose()?;
    let directory = store::directory_now(&state.db, &user.actor).await?;
    let scope = directory.scope();
    let context = directory.query_context(crate::db::now_ms());
    let object_key = Some(target.key.as_str());
    // `filter=`: the query language over the object's fields (see `shared::query`).
    let query = match filter_text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => {
            let pipelines = company_pipelines(&state, &scope).await?;
            let object = object_key
                .and_then(|key| schema.schema(&pipelines).object(key).cloned())
                .ok_or(ApiError::NotFound("collection"))?;
            let filter = shared::query::parse(text, &object).map_err(|e| ApiError::BadRequest {
                code: "invalid_filter",
                message: format!("filter: {}", e.message(shared::i18n::Locale::En)),
            })?;
            Some((object, filter))
        }
        None => None,
    };
    // What SQL can say of the filter narrows the records read; the shared matcher then
    // decides each of them, as on a device.
    let field_of = |name: &str| sql_field(&schema, &target, name);
    let plain_object;
    let object = match &query {
        Some((object, _)) => Some(object),
        None if !filters.is_empty() => {
            plain_object = object_key.and_then(|key| {
                schema
                    .schema(&shared::records::Pipelines::default())
                    .object(key)
                    .cloned()
            });
            plain_object.as_ref()
        }
        None => None,
    };
    let parsed_field_of = |name: &str| sql_field(&schema, &target, name).map(|f| f.parsed());
    let translate = |fields: &dyn Fn(&str) -> Option<Field>| {
        object.and_then(|object| {
            // `{field}=value` on a choice, a date, a person or a link: the value read the way the
            // field reads it is an equality SQL can check (the matcher still compares texts).
            let mut parts: Vec<shared::query::Filter> =
                query.iter().map(|(_, filter)| filter.clone()).collect();
            parts.extend(
                filters
                    .iter()
                    .filter_map(|(field, wanted)| equality(object, field, wanted)),
            );
            let env = db_list::filter::Env {
                backend: state.db.backend(),
                object,
                field: fields,
                context: &context,
            };
            db_list::filter::translate(&env, &shared::query::Filter::All(parts)).map(|t| t.sql)
        })
    };
    let condition = translate(&field_of);
    let decide = translate(&parsed_field_of);
    let mut indexed = vec![sort.0.clone()];
    if let Some((_, filter)) = &query {
        compared_fields(filter, &mut indexed);
    }
    for name in &indexed {
        if let Some(field) = field_of(name) {
            state.list_indexes.ensure(&state.db, &field).await;
        }
    }
    let prepared = query
        .as_ref()
        .map(|(object, filter)| filter.prepare(object, &context));
    let passes = |record: &Record| {
        filters.iter().all(|(field, wanted)| {
            let have = field_key(record, field);
            have == *wanted || have.eq_ignore_ascii_case(wanted)
        }) && prepared.as_ref().is_none_or(|p| p.matches_record(record))
    };
    // Windows of the list are read until the page and one more record are found: first walks
    // along the list's order, deciding the condition on the way (what a condition most
    // records meet wants; the second walk as long as the first's share of matches says the
    // rest of the page needs), then, if the page is still short, searches from where the
    // walks stopped (where the database may find a rare condition's few records by its index).
    let wanted = limit + 1;
    let walk = condition.is_some();
    let mut window = db_list::Window {
        collection,
        scope: &scope,
        sort: &sort_field,
        descending: sort.1,
        condition,
        after,
        limit: i64::try_from(if walk { wanted * 2 } else { wanted }).unwrap_or(i64::MAX),
        walk,
        decide,
        walks: 0,
    };
    let mut rows: Vec<(db_list::After, Record)> = Vec::with_capacity(wanted);
    loop {
        let read = db_list::read_window(&state.db, &window).await?;
        let full = i64::try_from(read.len()).unwrap_or(i64::MAX) == window.limit;
        for row in read {
            let place = db_list::After {
                keys: row.keys,
                id: row.id,
            };
            if let Some(body) = &row.body {
                let record = parse_stored(body)?;
                if passes(&record) {
                    rows.push((place.clone(), record));
                }
            }
            window.after = Some(place);
            if rows.len() == wanted {
                break;
            }
        }
        if rows.len() == wanted || !full {
            break;
        }
        window.advance(rows.len(), wanted);
    }
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more
        .then(|| rows.last().map(|(place, _)| encode_cursor(place)))
        .flatten();
    let records: Vec<Record> = rows.into_iter().map(|(_, r)| r).collect();
    let items = answers(&state, &user, &schema, &target, &records).await?;
    Ok(Json(json!({
        "items": items,
        "next_cursor": next_cursor,
    })))
}

/// The company's deal pipelines as a reader with `scope` sees them (the standard one until an
/// admin saves one).
pub(crate) async fn company_pipelines(
    state: &AppState,
    scope: &shared::sync::Scope,
) -> Result<shared::records::Pipelines, ApiError> {
    let mut records = Vec::new();
    for body in store::live(&state.db, scope, Collection::Pipeline).await? {
        records.push(parse_stored(&body)?);
    }
    Ok(shared::records::Pipelines::of(&records))
}

/// `GET /api/v1/pipelines`: every deal pipeline, the main one first (the standard one until an
/// admin saves it), with stage keys, names, probabilities, won/lost and gate fields: what an
/// API client needs to move deals (`{"fields": {"stage": key}}`). Set up in the app.
async fn pipelines(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let scope = store::directory_now(&state.db, &user.actor).await?.scope();
    let all = company_pipelines(&state, &scope).await?;
    let items: Vec<Value> = all
        .list()
        .iter()
        .map(|(id, p)| {
            json!({
                "id": id,
                "main": *id == shared::records::DEFAULT_PIPELINE,
                "name": p.name,
                "stages": p.stages,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn read_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((path, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let schema = company_schema(&state).await?;
    let target = target(&schema, &path)?;
    let id: RecordId = parse_id(&id, "record")?;
    let record = visible(&state, &user, &target, id).await?;
    Ok(Json(answer(&state, &user, &schema, &target, record).await?))
}

// ---- writing ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteBody {
    #[serde(default)]
    id: Option<Uuid>,
    #[serde(default)]
    owner: Option<Uuid>,
    #[serde(default)]
    fields: BTreeMap<String, Value>,
}

/// The body's fields split into the typed ones (as the text a form would send) and the custom
/// ones (in their JSON form; text is read the way a form reads it, so `"12000"` is a money
/// amount in the field's currency). Names that are neither go with the typed ones, to be
/// refused there by name.
fn split_fields(
    fields: &BTreeMap<String, Value>,
    schema: &CompanySchema,
    target: &Target,
) -> Result<(Patch, serde_json::Map<String, Value>), ApiError> {
    let key = target.key.as_str();
    let mut typed = BTreeMap::new();
    let mut custom = serde_json::Map::new();
    for (name, value) in fields {
        match schema.custom_fields(key).find(|f| f.key.as_str() == name) {
            Some(def) => {
                let read = |v: &Value| shared::schema::Value::from_json(&def.field_type, v);
                let value = match (read(value), value) {
                    (Err(_), Value::String(text)) => {
                        shared::schema::Value::parse(&def.field_type, text)
                            .map(|v| v.to_json())
                            .unwrap_or_else(|_| value.clone())
                    }
                    _ => value.clone(),
                };
                custom.insert(name.clone(), value);
            }
            None => {
                typed.insert(name.clone(), value.clone());
            }
        }
    }
    Ok((as_patch(&typed)?, custom))
}

/// Field values as the text a form would send.
fn as_patch(fields: &BTreeMap<String, Value>) -> Result<Patch, ApiError> {
    let mut errors = Vec::new();
    let mut patch = Patch::new();
    for (name, value) in fields {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            _ => {
                errors.push(Problem::Invalid.at(name));
                continue;
            }
        };
        patch.insert(name.clone(), text);
    }
    if errors.is_empty() {
        Ok(patch)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Run `mutation` as `user`, saying a refusal the REST way.
async fn run_as(state: &AppState, user: &CurrentUser, mutation: Mutation) -> Result<(), ApiError> {
    match apply(state, &user.actor, &mutation).await? {
        Ok(_) => Ok(()),
        Err(Rejection::Invalid { errors }) => Err(ApiError::Validation(errors)),
        Err(Rejection::NotFound) => Err(ApiError::NotFound("record")),
        Err(Rejection::Forbidden) => Err(ApiError::Forbidden),
        Err(Rejection::Exists) => Err(ApiError::Conflict {
            code: "exists",
            message: "a record with this id already exists".to_owned(),
            field: Some("id"),
        }),
        Err(rejection @ (Rejection::UnknownMutation | Rejection::Malformed { .. })) => {
            Err(ApiError::BadRequest {
                code: "malformed",
                message: rejection.to_string(),
            })
        }
    }
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<String>,
    ApiJson(body): ApiJson<WriteBody>,
) -> Result<Response, ApiError> {
    let schema = company_schema(&state).await?;
    let target = target(&schema, &path)?;
    let id = RecordId::from_uuid(body.id.unwrap_or_else(Uuid::now_v7));
    let owner = body.owner.map(UserId::from_uuid);
    let (mut patch, custom) = split_fields(&body.fields, &schema, &target)?;
    if target.is_custom() {
        // The record is of the object its path names; `object` is no field of it.
        if patch.contains_key("object") {
            return Err(ApiError::Validation(vec![
                Problem::UnknownField.at("object"),
            ]));
        }
        patch.insert("object".to_owned(), target.key.clone());
    }
    let mutation = Mutation::CreateRecord(CreateRecord {
        custom,
        collection: target.collection,
        id,
        owner,
        fields: patch,
    });
    run_as(&state, &user, mutation).await?;
    let record = visible(&state, &user, &target, id).await?;
    let answer = answer(&state, &user, &schema, &target, record).await?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((path, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<WriteBody>,
) -> Result<Json<Value>, ApiError> {
    let schema = company_schema(&state).await?;
    let target = target(&schema, &path)?;
    let id: RecordId = parse_id(&id, "record")?;
    if body.id.is_some_and(|b| b != id.as_uuid()) {
        return Err(ApiError::invalid(Problem::Invalid.at("id")));
    }
    let current = visible(&state, &user, &target, id).await?;
    let (patch, custom) = split_fields(&body.fields, &schema, &target)?;
    if !patch.is_empty() || !custom.is_empty() {
        let mutation = Mutation::UpdateRecord(UpdateRecord {
            custom,
            id,
            set: patch,
            was: Patch::new(),
            seen: current.version,
        });
        run_as(&state, &user, mutation).await?;
    }
    if let Some(owner) = body.owner.map(UserId::from_uuid) {
        let mutation = Mutation::AssignRecord(AssignRecord { id, owner });
        run_as(&state, &user, mutation).await?;
    }
    // Reassigned out of sight, the answer is what was written.
    match visible(&state, &user, &target, id).await {
        Ok(record) => Ok(Json(answer(&state, &user, &schema, &target, record).await?)),
        Err(ApiError::NotFound(_)) => Ok(Json(json!({"id": id, "moved": true}))),
        Err(e) => Err(e),
    }
}

async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((path, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let schema = company_schema(&state).await?;
    let target = target(&schema, &path)?;
    let id: RecordId = parse_id(&id, "record")?;
    visible(&state, &user, &target, id).await?;
    let mutation = Mutation::DeleteRecord(DeleteRecord { id });
    run_as(&state, &user, mutation).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        use db_list::{After, KeyKind, KeyValue};
        let after = After {
            keys: vec![KeyValue::Text("华东 12".to_owned()), KeyValue::Num(-12.5)],
            id: Uuid::now_v7(),
        };
        let kinds = [KeyKind::Text, KeyKind::Num];
        let cursor = encode_cursor(&after);
        assert_eq!(decode_cursor(&cursor, &kinds), Some(after.clone()));
        // A cursor of another sort (other kinds of keys) is refused, as is garbage.
        assert_eq!(decode_cursor(&cursor, &[KeyKind::Num, KeyKind::Num]), None);
        assert_eq!(decode_cursor(&cursor, &[KeyKind::Text]), None);
        assert_eq!(decode_cursor("zz", &kinds), None);
        assert_eq!(decode_cursor("abc", &kinds), None);
    }
}
