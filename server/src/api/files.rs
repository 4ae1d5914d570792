//! Files for file, image and signature fields:
//!
//! - `POST /api/v1/files?name=<file name>`: the file's bytes as the body, its type in
//!   `Content-Type` → 201 and `{"id", "name", "size", "type"}`, what a file field holds. The
//!   body is read as it arrives and refused as soon as it passes the limit (20 MB unless the
//!   server is told otherwise: 413 `payload_too_large`); an image type whose bytes are no image
//!   the server knows (PNG, JPEG, GIF, WebP; SVG is not taken as an image, it can carry
//!   scripts) is 422 `not_an_image` at `file`, and an image is stored under the type its bytes
//!   show. An image is decoded too: one that does not decode is 422 `not_an_image`; else it
//!   gets a thumbnail (a JPEG at most 320 px on its longer edge, a file of its own named in the
//!   answer's `thumb`, which a record's value may carry; a picture too large to decode here is
//!   kept without one). A few uploads are received at once; more are asked to come back (503
//!   `busy`).
//! - `PUT /api/v1/files/{id}?name=<file name>`: the same, under an id the device chose when the
//!   file was attached (offline perhaps), with no thumbnail made (the device draws its own and
//!   uploads it beside the picture): sent again, it is 200 and the file as stored; an id
//!   someone else uploaded under is 409 `exists`.
//! - `GET /api/v1/files/{id}?record=<record id>`: the bytes, to the person who uploaded the
//!   file, or to anyone who sees the named record while it holds the file; 404 otherwise, the
//!   same whether the file exists or not. Images are shown inline, other files downloaded;
//!   neither is ever run by the browser (`nosniff`, a sandbox policy).
//!
//! Ids are random (UUID v4), so that one cannot be guessed from another.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::Deserialize;
use shared::Problem;
use shared::files::sniff_image;
use shared::schema::value::FileRef;
use uuid::Uuid;

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::files::{self, StoredFile};
use crate::db::now_ms;
use crate::db::sync as store;
use crate::thumbs::{self, Thumb};

/// Where files are uploaded (the upload's deadline is longer than other requests').
pub const UPLOAD_PATH: &str = "/api/v1/files";

/// Longest file name kept, in characters.
const NAME_MAX: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(UPLOAD_PATH, post(upload))
        .route("/api/v1/files/{id}", get(download).put(upload_as))
}

#[derive(Deserialize)]
struct UploadQuery {
    name: Option<String>,
}

/// A file name as kept: its last part (no folders), trimmed, without control characters.
fn file_name(raw: Option<&str>) -> Result<String, ApiError> {
    let raw = raw.unwrap_or_default();
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if last.is_empty() {
        return Err(ApiError::invalid(Problem::Required.at("name")));
    }
    if last.chars().any(char::is_control) {
        return Err(ApiError::invalid(Problem::ControlCharacters.at("name")));
    }
    if last.chars().count() > NAME_MAX {
        return Err(ApiError::invalid(
            Problem::TooLong { max: NAME_MAX }.at("name"),
        ));
    }
    Ok(last.to_owned())
}

/// The declared content type, lower-cased without parameters (`application/octet-stream`
/// when there is none or it does not read as one).
fn declared_type(headers: &HeaderMap) -> String {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    match declared.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) && declared.len() <= 100 => declared,
        _ => "application/octet-stream".to_owned(),
    }
}

async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let upload = Upload {
        id: Uuid::new_v4(),
        thumb: true,
    };
    receive(&state, &user, upload, &query, &headers, body).await
}

/// What an upload is stored as: under `id`, with a thumbnail made for a picture or not.
struct Upload {
    id: Uuid,
    thumb: bool,
}

/// `PUT /api/v1/files/{id}`: the same upload under an id the device chose (a random UUID)
/// when the file was attached, offline perhaps; sending it again is harmless (200 and the
/// file as stored), while an id someone else uploaded under is 409 `exists`.
async fn upload_as(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let id = id
        .parse::<Uuid>()
        .map_err(|_| ApiError::invalid(Problem::Invalid.at("id")))?;
    if let Some(stored) = files::find(&state.db, id).await? {
        return again(&user, stored);
    }
    let upload = Upload { id, thumb: false };
    match receive(&state, &user, upload, &query, &headers, body).await {
        // Two sends of the same file at once: the second finds the first's.
        Err(ApiError::Internal(cause)) => match files::find(&state.db, id).await? {
            Some(stored) => again(&user, stored),
            None => Err(ApiError::Internal(cause)),
        },
        other => other,
    }
}

/// An upload under an id already stored: the file as it is for its uploader, else a conflict.
fn again(user: &CurrentUser, stored: StoredFile) -> Result<Response, ApiError> {
    if stored.uploaded_by != user.id().as_uuid() {
        return Err(ApiError::Conflict {
            code: "exists",
            message: "a file with this id exists".to_owned(),
            field: Some("id"),
        });
    }
    Ok(Json(FileRef {
        id: stored.id,
        name: stored.name,
        size: u64::try_from(stored.size).unwrap_or(0),
        content_type: stored.content_type,
        thumb: None,
    })
    .into_response())
}

/// Read an upload and store it as `upload` says.
async fn receive(
    state: &AppState,
    user: &CurrentUser,
    upload: Upload,
    query: &UploadQuery,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let name = file_name(query.name.as_deref())?;
    let declared = declared_type(headers);
    let limit = state.config.max_upload;
    // Refused before reading anything when the sender says it is too large.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let Ok(_permit) = state.uploads.clone().try_acquire_owned() else {
        return Err(ApiError::Busy(std::time::Duration::from_secs(5)));
    };
    let mut bytes: Vec<u8> = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: "unreadable_body",
            message: e.to_string(),
        })?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid(Problem::Required.at("file")));
    }
    let content_type = if declared.starts_with("image/") {
        sniff_image(&bytes)
            .ok_or_else(|| ApiError::invalid(Problem::NotAnImage.at("file")))?
            .to_owned()
    } else if declared == "application/octet-stream" {
        sniff_image(&bytes).map_or(declared, str::to_owned)
    } else {
        declared
    };
    // A picture's thumbnail, made on a thread of its own (decoding is CPU work).
    let (bytes, thumb) = if upload.thumb && content_type.starts_with("image/") {
        let (bytes, thumb) = tokio::task::spawn_blocking(move || {
            let thumb = thumbs::thumbnail(&bytes);
            (bytes, thumb)
        })
        .await
        .map_err(ApiError::internal)?;
        match thumb {
            Thumb::Made(small) => (bytes, Some(small)),
            Thumb::TooLarge => (bytes, None),
            Thumb::NotAPicture => {
                return Err(ApiError::invalid(Problem::NotAnImage.at("file")));
            }
        }
    } else {
        (bytes, None)
    };
    let user_id = user.id().as_uuid();
    let file = StoredFile {
        id: upload.id,
        uploaded_by: user_id,
        name,
        content_type,
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
    };
    // The thumbnail first: a picture stored is never without the thumbnail it names.
    let thumb = match thumb {
        Some(small) => {
            let stem = file
                .name
                .rsplit_once('.')
                .map_or(file.name.as_str(), |(s, _)| s);
            let made = StoredFile {
                id: Uuid::new_v4(),
                uploaded_by: user_id,
                name: format!("{stem}-thumb.jpg"),
                content_type: "image/jpeg".to_owned(),
                size: i64::try_from(small.len()).unwrap_or(i64::MAX),
            };
            store_file(state, &made, &small).await?;
            Some(made.id)
        }
        None => None,
    };
    store_file(state, &file, &bytes).await?;
    let made = FileRef {
        id: file.id,
        name: file.name,
        size: bytes.len() as u64,
        content_type: file.content_type,
        thumb,
    };
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

/// Keep `file`'s `bytes`: in the directory the config names, else in the database.
async fn store_file(state: &AppState, file: &StoredFile, bytes: &[u8]) -> Result<(), ApiError> {
    match &state.config.files_dir {
        Some(dir) => {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(ApiError::internal)?;
            tokio::fs::write(dir.join(file.id.to_string()), bytes)
                .await
                .map_err(ApiError::internal)?;
            files::insert(&state.db, file, now_ms(), None).await?;
        }
        None => files::insert(&state.db, file, now_ms(), Some(bytes)).await?,
    }
    Ok(())
}

#[derive(Deserialize)]
struct DownloadQuery {
    record: Option<String>,
}

/// Whether `user` may read `file`: they uploaded it, or they see the record `record` names and
/// it holds the file in one of its values.
async fn may_read(
    state: &AppState,
    user: &CurrentUser,
    file: &StoredFile,
    record: Option<&str>,
) -> Result<bool, ApiError> {
    if file.uploaded_by == user.id().as_uuid() {
        return Ok(true);
    }
    let Some(record) = record.and_then(|r| r.parse::<Uuid>().ok()) else {
        return Ok(false);
    };
    let Some(body) = store::live_one(&state.db, record).await? else {
        return Ok(false);
    };
    let Ok(record) = serde_json::from_str::<shared::sync::Record>(&body) else {
        return Ok(false);
    };
    let scope = store::directory_now(&state.db, &user.actor).await?.scope();
    let holds = record
        .custom
        .values()
        .any(|value| shared::sync::file_ids(value).contains(&file.id));
    Ok(holds && scope.sees(&record))
}

async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound("file");
    let id = id.parse::<Uuid>().map_err(|_| not_found())?;
    let file = files::find(&state.db, id).await?.ok_or_else(not_found)?;
    if !may_read(&state, &user, &file, query.record.as_deref()).await? {
        return Err(not_found());
    }
    let bytes = match files::data(&state.db, id).await? {
        Some(bytes) => bytes,
        None => {
            let dir = state.config.files_dir.as_ref().ok_or_else(not_found)?;
            tokio::fs::read(dir.join(id.to_string()))
                .await
                .map_err(ApiError::internal)?
        }
    };
    let image = sniff_image(&bytes).is_some() && file.content_type.starts_with("image/");
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if image { "inline" } else { "attachment" },
        percent_encode(&file.name)
    );
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    let value = |v: &str| {
        HeaderValue::from_str(v)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
    };
    headers.insert(header::CONTENT_TYPE, value(&file.content_type));
    headers.insert(header::CONTENT_DISPOSITION, value(&disposition));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// A file name for `filename*=` (RFC 5987): unreserved bytes kept, the rest `%XX`.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_last_part() {
        assert_eq!(
            file_name(Some("../../etc/报价单.pdf")).ok().as_deref(),
            Some("报价单.pdf")
        );
        assert_eq!(
            file_name(Some("C:\\docs\\a.txt")).ok().as_deref(),
            Some("a.txt")
        );
        assert!(file_name(Some("  ")).is_err());
        assert!(file_name(None).is_err());
        assert!(file_name(Some("a\u{0}b")).is_err());
        assert_eq!(percent_encode("报 a.pdf"), "%E6%8A%A5%20a.pdf");
    }
}
