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
//! Collections: `accounts`, `contacts`, `leads`, `deals`, `activities`, `tasks`. Field values
//! are sent as text, the way a form sends them (numbers and booleans are accepted too).

use std::cmp::Ordering;
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

fn collection_of(path: &str) -> Result<Collection, ApiError> {
    shared::schema::builtin::collection_of(path).ok_or(ApiError::NotFound("collection"))
}

/// A record as API clients see it: the envelope, and its fields under `fields` (the typed
/// ones, then the object's custom fields, `custom`, in their JSON form).
fn item(record: &Record, custom: &[String]) -> Value {
    let mut fields = serde_json::to_value(&record.body)
        .ok()
        .and_then(|body| body.as_object().and_then(|o| o.values().next().cloned()))
        .unwrap_or(Value::Null);
    // Every field is in the answer; those a record leaves empty (and does not store) are null.
    if let Some(object) = fields.as_object_mut() {
        for field in record.body.fields() {
            object.entry(*field).or_insert(Value::Null);
        }
        for key in custom {
            let value = record.custom.get(key).cloned().unwrap_or(Value::Null);
            object.insert(key.clone(), value);
        }
    }
    json!({
        "id": record.id,
        "collection": record.collection().as_str(),
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
    collection: Collection,
    id: RecordId,
) -> Result<Record, ApiError> {
    let scope = store::directory_now(&state.db, &user.actor).await?.scope();
    let stored = store::live_one(&state.db, id.as_uuid()).await?;
    let record = stored.as_deref().map(parse_stored).transpose()?;
    record
        .filter(|r| r.collection() == collection && scope.sees(r))
        .ok_or(ApiError::NotFound("record"))
}

// ---- reading ----

/// A sort order: a field (or `created_at`, `updated_at`), ascending unless it starts with `-`.
#[derive(Debug, Clone)]
struct Sort {
    field: String,
    descending: bool,
}

fn sort_key(record: &Record, field: &str) -> String {
    envelope_key(field, record.created_at, record.updated_at, record.owner)
        .unwrap_or_else(|| record.field_text(field).into_owned())
}

/// The keys of the custom fields of `collection`'s object in `schema`.
fn custom_keys(schema: &CompanySchema, collection: Collection) -> Vec<String> {
    shared::schema::builtin::object_key(collection)
        .map(|key| {
            schema
                .custom_fields(key)
                .map(|f| f.key.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The fields every record has besides its body.
const ENVELOPE_FIELDS: [&str; 3] = ["created_at", "updated_at", "owner"];

/// The sort key of one of [`ENVELOPE_FIELDS`], or `None` for a body field.
fn envelope_key(field: &str, created_at: i64, updated_at: i64, owner: UserId) -> Option<String> {
    match field {
        "created_at" => Some(created_at.to_string()),
        "updated_at" => Some(updated_at.to_string()),
        "owner" => Some(owner.to_string()),
        _ => None,
    }
}

fn encode_cursor(key: &str, id: RecordId) -> String {
    let text = serde_json::to_string(&(key, id)).unwrap_or_default();
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(raw: &str) -> Option<(String, RecordId)> {
    if !raw.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..raw.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
        .collect();
    serde_json::from_slice(&bytes?).ok()
}

fn bad_param(field: &'static str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_parameter",
        message: format!("{field}: {message}"),
    }
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let collection = collection_of(&path)?;
    let schema = company_schema(&state).await?;
    let custom = custom_keys(&schema, collection);
    let typed = shared::records::fields_of(collection);
    let known = |field: &str| typed.contains(&field) || custom.iter().any(|c| c == field);
    let mut limit = DEFAULT_LIMIT;
    let mut cursor = None;
    let mut sort = Sort {
        field: "updated_at".to_owned(),
        descending: true,
    };
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
            "cursor" => {
                cursor = Some(
                    decode_cursor(value)
                        .ok_or_else(|| bad_param("cursor", "is not one this server gave out"))?,
                );
            }
            "sort" => {
                let (field, descending) = match value.strip_prefix('-') {
                    Some(f) => (f, true),
                    None => (value.as_str(), false),
                };
                if !(known(field) || matches!(field, "created_at" | "updated_at" | "owner")) {
                    return Err(bad_param("sort", "names no field of this collection"));
                }
                sort = Sort {
                    field: field.to_owned(),
                    descending,
                };
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
    let directory = store::directory_now(&state.db, &user.actor).await?;
    let scope = directory.scope();
    // `filter=`: the query language over the object's fields (see `shared::query`).
    let query = match filter_text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => {
            let pipelines = company_pipelines(&state, &scope).await?;
            let object = shared::schema::builtin::object_key(collection)
                .and_then(|key| schema.schema(&pipelines).object(key).cloned())
                .ok_or(ApiError::NotFound("collection"))?;
            let filter = shared::query::parse(text, &object).map_err(|e| ApiError::BadRequest {
                code: "invalid_filter",
                message: format!("filter: {}", e.message(shared::i18n::Locale::En)),
            })?;
            let me = user.actor.user;
            let context = shared::query::Context {
                me: me.as_uuid(),
                my_team: directory
                    .users
                    .iter()
                    .filter(|m| m.team == user.actor.team)
                    .map(|m| m.id.as_uuid())
                    .collect(),
                now_ms: crate::db::now_ms(),
                offset_minutes: shared::query::COMPANY_OFFSET_MINUTES,
            };
            Some((object, filter, context))
        }
        None => None,
    };
    // The records are read one at a time and only the page is kept, so a list of tens of
    // thousands costs the memory of one page.
    let mut page = Page::new(limit, sort.descending, cursor);
    // Sorted by when or by whom, with no filter: the envelope alone says where a record goes,
    // and only the page's records are read whole.
    let envelope_only =
        filters.is_empty() && query.is_none() && ENVELOPE_FIELDS.contains(&sort.field.as_str());
    let mut unreadable = None;
    store::for_each_live(&state.db, &scope, collection, |body| {
        let placed = if envelope_only {
            serde_json::from_str::<Envelope>(&body)
                .map_err(|e| ApiError::internal(format!("stored record: {e}")))
                .map(|head| Some((head.key(&sort.field), head.id)))
        } else {
            parse_stored(&body).map(|record| {
                let keep = filters.iter().all(|(field, wanted)| {
                    let have = sort_key(&record, field);
                    have == *wanted || have.eq_ignore_ascii_case(wanted)
                }) && query.as_ref().is_none_or(|(object, filter, context)| {
                    let mut values = shared::schema::builtin::values(
                        object,
                        |field| record.body.text(field),
                        record.owner.as_uuid(),
                    );
                    values.extend(record.custom.iter().map(|(k, v)| (k.clone(), v.clone())));
                    filter.matches(object, &values, context)
                });
                keep.then(|| (sort_key(&record, &sort.field), record.id))
            })
        };
        match placed {
            Ok(Some((key, id))) => page.offer(key, id, body),
            Ok(None) => {}
            Err(e) => unreadable = Some(e),
        }
    })
    .await?;
    if let Some(e) = unreadable {
        return Err(e);
    }
    let (rows, more) = page.finish()?;
    let next_cursor = more
        .then(|| rows.last().map(|(k, r)| encode_cursor(k, r.id)))
        .flatten();
    Ok(Json(json!({
        "items": rows.iter().map(|(_, r)| item(r, &custom)).collect::<Vec<_>>(),
        "next_cursor": next_cursor,
    })))
}

/// What a stored record says of itself besides its fields (the body is skipped, not parsed).
#[derive(Deserialize)]
struct Envelope {
    id: RecordId,
    owner: UserId,
    created_at: i64,
    updated_at: i64,
}

impl Envelope {
    /// The same key as [`sort_key`] gives (empty for a body field: not asked of an envelope).
    fn key(&self, field: &str) -> String {
        envelope_key(field, self.created_at, self.updated_at, self.owner).unwrap_or_default()
    }
}

/// One page of a sorted list, picked while the records stream past: the first `limit` after
/// the cursor in the list's order (by sort key, then id), and whether more follow. Keeps at most
/// `limit + 1` records (as stored) at any time.
struct Page {
    limit: usize,
    descending: bool,
    after: Option<(String, RecordId)>,
    /// The best rows so far, the last of the page on top.
    best: std::collections::BinaryHeap<Ranked>,
}

/// A row in list order (`descending` flips it), so that a max-heap keeps the worst on top.
struct Ranked {
    key: String,
    id: RecordId,
    body: String,
    descending: bool,
}

fn list_order(a: (&str, RecordId), b: (&str, RecordId), descending: bool) -> Ordering {
    let o = shared::records::compare_text(a.0, b.0).then(a.1.cmp(&b.1));
    if descending { o.reverse() } else { o }
}

impl Ranked {
    fn position(&self) -> (&str, RecordId) {
        (&self.key, self.id)
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        list_order(self.position(), other.position(), self.descending)
    }
}

impl Page {
    fn new(limit: usize, descending: bool, after: Option<(String, RecordId)>) -> Self {
        Page {
            limit,
            descending,
            after,
            best: std::collections::BinaryHeap::with_capacity(limit + 2),
        }
    }

    fn offer(&mut self, key: String, id: RecordId, body: String) {
        if let Some((k, after)) = &self.after
            && list_order((&key, id), (k, *after), self.descending) != Ordering::Greater
        {
            return;
        }
        let row = Ranked {
            key,
            id,
            body,
            descending: self.descending,
        };
        // One more than the page, to know whether more follow.
        if self.best.len() <= self.limit {
            self.best.push(row);
        } else if self.best.peek().is_some_and(|worst| row < *worst) {
            self.best.pop();
            self.best.push(row);
        }
    }

    /// The page in order (its records read whole), and whether more rows follow it.
    fn finish(self) -> Result<(Vec<(String, Record)>, bool), ApiError> {
        let mut sorted = self.best.into_sorted_vec();
        let more = sorted.len() > self.limit;
        sorted.truncate(self.limit);
        let rows = sorted
            .into_iter()
            .map(|r| Ok((r.key, parse_stored(&r.body)?)))
            .collect::<Result<_, ApiError>>()?;
        Ok((rows, more))
    }
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
    let collection = collection_of(&path)?;
    let id: RecordId = parse_id(&id, "record")?;
    let record = visible(&state, &user, collection, id).await?;
    let custom = custom_keys(&company_schema(&state).await?, collection);
    Ok(Json(item(&record, &custom)))
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
    collection: Collection,
) -> Result<(Patch, serde_json::Map<String, Value>), ApiError> {
    let key = shared::schema::builtin::object_key(collection).unwrap_or_default();
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
    let collection = collection_of(&path)?;
    let id = RecordId::from_uuid(body.id.unwrap_or_else(Uuid::now_v7));
    let owner = body.owner.map(UserId::from_uuid);
    let schema = company_schema(&state).await?;
    let (patch, custom) = split_fields(&body.fields, &schema, collection)?;
    let mutation = Mutation::CreateRecord(CreateRecord {
        custom,
        collection,
        id,
        owner,
        fields: patch,
    });
    run_as(&state, &user, mutation).await?;
    let record = visible(&state, &user, collection, id).await?;
    let custom = custom_keys(&schema, collection);
    Ok((StatusCode::CREATED, Json(item(&record, &custom))).into_response())
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((path, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<WriteBody>,
) -> Result<Json<Value>, ApiError> {
    let collection = collection_of(&path)?;
    let id: RecordId = parse_id(&id, "record")?;
    if body.id.is_some_and(|b| b != id.as_uuid()) {
        return Err(ApiError::invalid(Problem::Invalid.at("id")));
    }
    let current = visible(&state, &user, collection, id).await?;
    let schema = company_schema(&state).await?;
    let (patch, custom) = split_fields(&body.fields, &schema, collection)?;
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
    match visible(&state, &user, collection, id).await {
        Ok(record) => Ok(Json(item(&record, &custom_keys(&schema, collection)))),
        Err(ApiError::NotFound(_)) => Ok(Json(json!({"id": id, "moved": true}))),
        Err(e) => Err(e),
    }
}

async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((path, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let collection = collection_of(&path)?;
    let id: RecordId = parse_id(&id, "record")?;
    visible(&state, &user, collection, id).await?;
    let mutation = Mutation::DeleteRecord(DeleteRecord { id });
    run_as(&state, &user, mutation).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u128) -> Record {
        Record::created(
            RecordId::from_uuid(Uuid::from_u128(n)),
            UserId::from_uuid(Uuid::nil()),
            shared::TeamId::from_uuid(Uuid::nil()),
            UserId::from_uuid(Uuid::nil()),
            0,
            shared::sync::Body::Contact(
                shared::records::create(&shared::records::patch(&[("name", "王芳")]))
                    .expect("a valid contact"),
            ),
        )
    }

    /// Pages picked while rows stream past in any order are the pages of the sorted list.
    #[test]
    fn pages_follow_the_sorted_list() {
        let keys = ["b", "a", "c", "a", "e", "d", "b", "f", "c"];
        for descending in [false, true] {
            let mut all: Vec<(String, RecordId)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| ((*k).to_owned(), record(i as u128).id))
                .collect();
            all.sort_by(|a, b| list_order((&a.0, a.1), (&b.0, b.1), descending));
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let mut page = Page::new(4, descending, after.clone());
                for (i, k) in keys.iter().enumerate().rev() {
                    let r = record(i as u128);
                    let body = serde_json::to_string(&r).expect("serializes");
                    page.offer((*k).to_owned(), r.id, body);
                }
                let (rows, more) = page.finish().expect("readable");
                seen.extend(rows.iter().map(|(k, r)| (k.clone(), r.id)));
                after = rows.last().map(|(k, r)| (k.clone(), r.id));
                if !more {
                    break;
                }
            }
            assert_eq!(seen, all, "descending: {descending}");
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let id = RecordId::from_uuid(Uuid::now_v7());
        let cursor = encode_cursor("华东 12", id);
        assert_eq!(decode_cursor(&cursor), Some(("华东 12".to_owned(), id)));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor("abc"), None);
    }
}
