//! The schema as integrators and admins' scripts read and shape it:
//!
//! - `GET /api/v1/objects` → `{"items": [object, …]}`: every object with its fields, their
//!   types and options (a select's choices, a deal's stages from the company's pipelines);
//! - `GET /api/v1/objects/{object}` → one object (404 for an unknown key);
//! - `GET /api/v1/field-types` → `{"items": [{"type", "name", "options", "operators",
//!   "computed"}, …]}`: every field type, the options it carries and the filter operators it
//!   offers (`?filter=` on lists).
//!
//! Admins write through the same mutators as the app's settings (`object.create`,
//! `object.update`, `field.save`, `field.delete`, `field.restore`), so every device hears of
//! the change with its next pull:
//!
//! - `POST /api/v1/objects` (an object with its first fields) → 201 and the object;
//! - `PATCH /api/v1/objects/{object}` `{"name"?, "icon"?, "list_columns"?, "name_field"?,
//!   "layout"?}` (the form's sections: `{"sections": [{"title": {"zh", "en"}, "columns": 1|2,
//!   "fields": [key, …]}, …]}`);
//! - `POST /api/v1/objects/{object}/fields` (a field) → 201 and the object (409 when the key
//!   is taken);
//! - `PATCH /api/v1/objects/{object}/fields/{key}` (the parts of the field to change);
//! - `DELETE /api/v1/objects/{object}/fields/{key}` → 204 (restorable for 30 days:
//!   `POST /api/v1/objects/{object}/fields/{key}/restore`).
//!
//! A field's type changes by `PATCH` with a new `field_type`: a change every value converts to
//! applies at once; one some values may not convert to first needs a look at
//! `POST /api/v1/objects/{object}/fields/{key}/preview` `{"field_type"}` (how many values would
//! not convert, the first of them with why) and then `"lossy": true` in the `PATCH`; those
//! values keep their old form until someone fixes them. Other changes are refused
//! (`unsafe_conversion`). A preview of a select without choices makes them from the values
//! the records hold (the most used first, at most 100) and answers the type with them, ready to
//! be sent back in the `PATCH`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::schema::company::{CompanySchema, ObjectUpdate, SCHEMA_ID};
use shared::schema::{FieldDef, FieldKey, FieldKind, FieldType, Labels, ObjectDef, ObjectKey};
use shared::sync::{CreateObject, FieldRef, Mutation, Rejection, SaveField};

use super::error::ApiError;
use super::json::ApiJson;
use super::records::company_pipelines;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::sync as store;
use crate::sync::apply::apply;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/objects", get(list).post(create_object))
        .route("/api/v1/objects/{object}", get(one).patch(update_object))
        .route("/api/v1/objects/{object}/fields", post(add_field))
        .route(
            "/api/v1/objects/{object}/fields/{key}",
            patch(change_field).delete(delete_field),
        )
        .route(
            "/api/v1/objects/{object}/fields/{key}/restore",
            post(restore_field),
        )
        .route(
            "/api/v1/objects/{object}/fields/{key}/preview",
            post(preview_field),
        )
        .route("/api/v1/field-types", get(field_types))
}

/// The company's schema record as stored (empty until an admin first changes the schema).
pub(crate) async fn company_schema(state: &AppState) -> Result<CompanySchema, ApiError> {
    let Some(body) = store::live_one(&state.db, SCHEMA_ID.as_uuid()).await? else {
        return Ok(CompanySchema::default());
    };
    let record: shared::sync::Record = serde_json::from_str(&body)
        .map_err(|e| ApiError::internal(format!("stored schema: {e}")))?;
    match record.body {
        shared::sync::Body::Schema(schema) => Ok(schema),
        _ => Err(ApiError::internal("the schema record holds something else")),
    }
}

/// Every object as the company has it, without deleted fields.
pub(crate) async fn company_objects(
    state: &AppState,
    scope: &shared::sync::Scope,
) -> Result<Vec<ObjectDef>, ApiError> {
    let pipelines = company_pipelines(state, scope).await?;
    Ok(company_schema(state).await?.schema(&pipelines).objects)
}

async fn objects(state: &AppState, user: &CurrentUser) -> Result<Vec<ObjectDef>, ApiError> {
    let scope = store::directory_now(&state.db, &user.actor).await?.scope();
    company_objects(state, &scope).await
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Value>, ApiError> {
    let items = objects(&state, &user).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn find(state: &AppState, user: &CurrentUser, key: &str) -> Result<ObjectDef, ApiError> {
    objects(state, user)
        .await?
        .into_iter()
        .find(|o| o.key.as_str() == key)
        .ok_or(ApiError::NotFound("object"))
}

async fn one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Json<ObjectDef>, ApiError> {
    find(&state, &user, &key).await.map(Json)
}

/// Run a schema mutation as `user`, saying a refusal the REST way.
async fn run(state: &AppState, user: &CurrentUser, mutation: Mutation) -> Result<(), ApiError> {
    match apply(state, &user.actor, &mutation).await? {
        Ok(_) => Ok(()),
        Err(Rejection::Forbidden) => Err(ApiError::Forbidden),
        Err(Rejection::Invalid { errors }) => {
            let only = |field: &str, problem: shared::Problem| {
                errors.len() == 1 && errors[0].field == field && errors[0].problem == problem
            };
            if only("object", shared::Problem::NotFound) {
                Err(ApiError::NotFound("object"))
            } else if only("field", shared::Problem::NotFound) {
                Err(ApiError::NotFound("field"))
            } else if only("key", shared::Problem::Taken) {
                Err(ApiError::Conflict {
                    code: "exists",
                    message: "the key is taken (deleted fields keep theirs for 30 days)".to_owned(),
                    field: Some("key"),
                })
            } else {
                Err(ApiError::Validation(errors))
            }
        }
        Err(other) => Err(ApiError::BadRequest {
            code: "malformed",
            message: other.to_string(),
        }),
    }
}

/// Admins only, before any work (a refusal says nothing of the schema).
fn admin(user: &CurrentUser) -> Result<(), ApiError> {
    if user.actor.can(shared::role::Capability::ManageSchema) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

fn object_key(raw: &str) -> Result<ObjectKey, ApiError> {
    ObjectKey::parse(raw).map_err(|_| ApiError::NotFound("object"))
}

async fn create_object(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(object): ApiJson<ObjectDef>,
) -> Result<Response, ApiError> {
    admin(&user)?;
    let key = object.key.clone();
    let mutation = Mutation::CreateObject(CreateObject {
        object: Box::new(object),
    });
    run(&state, &user, mutation).await?;
    let created = find(&state, &user, key.as_str()).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `PATCH /api/v1/objects/{object}`: what may change of an object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectPatch {
    #[serde(default)]
    name: Option<Labels>,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default)]
    list_columns: Option<Vec<FieldKey>>,
    #[serde(default)]
    name_field: Option<FieldKey>,
    #[serde(default)]
    layout: Option<shared::schema::layout::Layout>,
}

async fn update_object(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<ObjectPatch>,
) -> Result<Json<ObjectDef>, ApiError> {
    admin(&user)?;
    let key = object_key(&key)?;
    let mutation = Mutation::UpdateObject(ObjectUpdate {
        key: key.clone(),
        name: body.name,
        icon: body.icon,
        list_columns: body.list_columns,
        name_field: body.name_field,
        layout: body.layout,
    });
    run(&state, &user, mutation).await?;
    find(&state, &user, key.as_str()).await.map(Json)
}

async fn add_field(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    ApiJson(field): ApiJson<FieldDef>,
) -> Result<Response, ApiError> {
    admin(&user)?;
    let object = object_key(&key)?;
    let mutation = Mutation::SaveField(SaveField {
        object: object.clone(),
        field: Box::new(field),
        adding: true,
        lossy: false,
    });
    run(&state, &user, mutation).await?;
    let saved = find(&state, &user, object.as_str()).await?;
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

async fn change_field(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, field)): Path<(String, String)>,
    ApiJson(mut changes): ApiJson<serde_json::Map<String, Value>>,
) -> Result<Json<ObjectDef>, ApiError> {
    admin(&user)?;
    // `"lossy": true` confirms a change of type some values may not convert to.
    let lossy = match changes.remove("lossy") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err(ApiError::invalid(shared::Problem::Invalid.at("lossy"))),
    };
    let object = find(&state, &user, &key).await?;
    let current = object.field(&field).ok_or(ApiError::NotFound("field"))?;
    // The field as it is, with the parts the body names replaced.
    let mut merged = serde_json::to_value(current)
        .map_err(ApiError::internal)?
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, value) in changes {
        if name == "key" && value.as_str() != Some(field.as_str()) {
            return Err(ApiError::invalid(shared::Problem::ReadOnly.at("key")));
        }
        merged.insert(name, value);
    }
    let changed: FieldDef =
        serde_json::from_value(Value::Object(merged)).map_err(|e| ApiError::BadRequest {
            code: "invalid_field",
            message: format!("the field does not read: {e}"),
        })?;
    let mutation = Mutation::SaveField(SaveField {
        object: object.key.clone(),
        field: Box::new(changed),
        adding: false,
        lossy,
    });
    run(&state, &user, mutation).await?;
    find(&state, &user, object.key.as_str()).await.map(Json)
}

fn field_ref(object: &str, field: &str) -> Result<FieldRef, ApiError> {
    Ok(FieldRef {
        object: object_key(object)?,
        field: FieldKey::parse(field).map_err(|_| ApiError::NotFound("field"))?,
    })
}

async fn delete_field(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, field)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    admin(&user)?;
    let mutation = Mutation::DeleteField(field_ref(&key, &field)?);
    run(&state, &user, mutation).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn restore_field(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, field)): Path<(String, String)>,
) -> Result<Json<ObjectDef>, ApiError> {
    admin(&user)?;
    let mutation = Mutation::RestoreField(field_ref(&key, &field)?);
    run(&state, &user, mutation).await?;
    find(&state, &user, &key).await.map(Json)
}

async fn field_types(_user: CurrentUser) -> Json<Value> {
    let items: Vec<Value> = FieldKind::ALL
        .iter()
        .map(|kind| {
            json!({
                "type": kind.key(),
                "name": kind.name(),
                "options": kind.options(),
                "operators": shared::query::operators(*kind)
                    .iter()
                    .map(|op| op.key())
                    .collect::<Vec<_>>(),
                "computed": kind.is_computed(),
            })
        })
        .collect();
    Json(json!({ "items": items, "next_cursor": null }))
}

#[derive(Deserialize)]
struct PreviewRequest {
    field_type: shared::schema::FieldType,
}

/// Most choices a select made from the values held gets (the rest would not convert).
const SUGGESTED_CHOICES: usize = 100;

/// How many examples of values that would not convert a preview lists.
const PREVIEW_EXAMPLES: usize = 20;

/// What changing a field's type would do to the values records hold now (the admin's scope:
/// every record).
async fn preview_field(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, field)): Path<(String, String)>,
    ApiJson(body): ApiJson<PreviewRequest>,
) -> Result<Json<shared::api::ConversionPreview>, ApiError> {
    use shared::schema::Value as Typed;
    use shared::schema::convert::{conversion, convert};
    admin(&user)?;
    let object = find(&state, &user, &key).await?;
    let current = object
        .field(&field)
        .filter(|f| !f.system)
        .ok_or(ApiError::NotFound("field"))?;
    let from = current.field_type.clone();
    let mut to = body.field_type;
    let directory = store::directory_now(&state.db, &user.actor).await?;
    let scope = directory.scope();
    let collection = shared::schema::builtin::collection_of(object.key.as_str())
        .unwrap_or(shared::sync::Collection::Object);
    // The values held, with whose they are: read once, for the choices and the preview.
    let mut held: Vec<(shared::RecordId, String, Value)> = Vec::new();
    store::for_each_live(&state.db, &scope, collection, |body| {
        if let Ok(record) = serde_json::from_str::<shared::sync::Record>(&body)
            && record.object_key() == Some(object.key.as_str())
            && let Some(json) = record.custom.get(&field)
        {
            held.push((record.id, record.body.label(), json.clone()));
        }
    })
    .await?;
    // A select asked for without choices: its choices are the values held, most used first.
    if to.choices().is_empty()
        && matches!(
            to,
            FieldType::SingleSelect { .. } | FieldType::MultiSelect { .. }
        )
    {
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for (_, _, json) in &held {
            let items = match json {
                Value::Array(items) => items.as_slice(),
                one => std::slice::from_ref(one),
            };
            for item in items {
                let text = shared::sync::record::plain(item).trim().to_owned();
                if !text.is_empty() {
                    *counts.entry(text).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let options = shared::schema::choices_of(
            ranked
                .iter()
                .take(SUGGESTED_CHOICES)
                .map(|(text, _)| text.as_str()),
        );
        to = match to {
            FieldType::MultiSelect { .. } => FieldType::MultiSelect { options },
            _ => FieldType::SingleSelect { options },
        };
    }
    let mut preview = shared::api::ConversionPreview {
        conversion: conversion(&from, &to),
        values: held.len() as u64,
        failing: 0,
        examples: Vec::new(),
        field_type: to.clone(),
    };
    for (id, name, json) in held {
        let Err(problem) = convert(&json, &from, &to) else {
            continue;
        };
        preview.failing += 1;
        if preview.examples.len() < PREVIEW_EXAMPLES {
            let value = match Typed::from_json(&from, &json) {
                Ok(value) => value.format(&from, shared::i18n::Locale::En),
                Err(_) => shared::sync::record::plain(&json).into_owned(),
            };
            preview.examples.push(shared::api::FailingValue {
                id,
                name,
                value,
                message: problem.to_string(),
                messages: Labels::new(
                    &shared::i18n::problem_text(&problem, shared::i18n::Locale::ZhCn),
                    &shared::i18n::problem_text(&problem, shared::i18n::Locale::En),
                ),
                problem,
            });
        }
    }
    Ok(Json(preview))
}
