//! Files attached on this device: kept in the device's store (IndexedDB) the moment they are
//! chosen, named in the record at once (offline too) by an id the device picks, and uploaded
//! under that id (`PUT /api/v1/files/{id}`) by the tab that talks to the server, when it can.
//! An image gets a thumbnail drawn here, uploaded beside it. Until the server has a file, the
//! device shows it from its own copy; afterwards too, while it keeps one.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::files::{SNIFF_BYTES, sniff_image, thumb_size};
use shared::schema::value::FileRef;
use shared::{Problem, RecordId};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{engine, new_uuid};

/// A file larger than this is not kept on the device once the server has it (it opens from
/// the server); smaller ones (thumbnails, signatures, most documents) stay for offline use.
const KEEP_AFTER_UPLOAD: f64 = 2.0 * 1024.0 * 1024.0;

/// Where a file kept on this device stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Upload {
    /// Waiting for the network (or for its turn).
    Queued,
    /// The server has it.
    Sent,
    /// The server refused it, for this reason.
    Refused(Problem),
}

thread_local! {
    /// An upload pass is under way.
    static UPLOADING: Cell<bool> = const { Cell::new(false) };
    /// Object URLs made for kept files, by id (made once each).
    static URLS: RefCell<HashMap<Uuid, String>> = RefCell::new(HashMap::new());
    /// Bumped whenever a kept file's standing changes.
    static CHANGED: RefCell<Option<RwSignal<u64>>> = const { RefCell::new(None) };
}

/// Keep `signal` as the one [`changes`] gives (made once, with the app's other signals).
pub(super) fn provide_changes(signal: RwSignal<u64>) {
    CHANGED.with(|c| *c.borrow_mut() = Some(signal));
}

/// A signal that changes whenever a kept file's standing does (widgets read it to refresh).
pub fn changes() -> RwSignal<u64> {
    CHANGED.with(|c| *c.borrow_mut().get_or_insert_with(|| RwSignal::new(0)))
}

fn bump() {
    changes().update(|n| *n += 1);
}

fn get(entry: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(entry, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(entry: &JsValue, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(entry, &JsValue::from_str(key), value);
}

fn standing(entry: &JsValue) -> Upload {
    match get(entry, "state").as_string().as_deref() {
        Some("sent") => Upload::Sent,
        Some("refused") => Upload::Refused(problem_of(
            &get(entry, "problem").as_string().unwrap_or_default(),
        )),
        _ => Upload::Queued,
    }
}

/// Why the server refused an upload, from the code it gave (kept as the code: no decoder of
/// every problem is needed for the few an upload meets).
fn problem_of(code: &str) -> Problem {
    match code {
        "not_an_image" => Problem::NotAnImage,
        "file_too_large" | "payload_too_large" => Problem::FileTooLarge {
            max_mb: crate::session::max_upload_bytes() / (1024 * 1024),
        },
        "exists" | "taken" => Problem::Taken,
        "required" => Problem::Required,
        _ => Problem::Invalid,
    }
}

/// Keep `blob` under `id`, to be uploaded as `name` of `content_type`.
async fn keep(
    id: Uuid,
    blob: &web_sys::Blob,
    name: &str,
    content_type: &str,
) -> Result<(), Problem> {
    let engine = engine().ok_or(Problem::Invalid)?;
    let entry: JsValue = js_sys::Object::new().into();
    set(&entry, "id", &JsValue::from_str(&id.to_string()));
    set(&entry, "name", &JsValue::from_str(name));
    set(&entry, "type", &JsValue::from_str(content_type));
    set(&entry, "blob", blob);
    set(&entry, "state", &JsValue::from_str("queued"));
    engine
        .store
        .put_file(&id.to_string(), &entry)
        .await
        .map_err(|_| Problem::Invalid)
}

/// The first bytes of `blob`.
async fn head(blob: &web_sys::Blob) -> Vec<u8> {
    let end = i32::try_from(SNIFF_BYTES).unwrap_or(12);
    let Ok(part) = blob.slice_with_i32_and_i32(0, end) else {
        return Vec::new();
    };
    match JsFuture::from(part.array_buffer()).await {
        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        Err(_) => Vec::new(),
    }
}

/// `canvas`'s picture as a blob of `content_type`.
pub async fn canvas_blob(
    canvas: &web_sys::HtmlCanvasElement,
    content_type: &str,
) -> Option<web_sys::Blob> {
    let canvas = canvas.clone();
    let content_type = content_type.to_owned();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let answer = resolve.clone();
        let done = wasm_bindgen::closure::Closure::once_into_js(move |blob: JsValue| {
            let _ = answer.call1(&JsValue::UNDEFINED, &blob);
        });
        if canvas
            .to_blob_with_type_and_encoder_options(
                done.unchecked_ref(),
                &content_type,
                &JsValue::from_f64(0.85),
            )
            .is_err()
        {
            let _ = resolve.call1(&JsValue::UNDEFINED, &JsValue::NULL);
        }
    });
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// A thumbnail of the image in `blob` (at most `THUMB_EDGE` pixels on its longer edge), as a
/// JPEG; `None` when the browser cannot read the picture.
async fn thumbnail(blob: &web_sys::Blob) -> Option<web_sys::Blob> {
    let window = web_sys::window()?;
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(window.create_image_bitmap_with_blob(blob).ok()?)
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    let (width, height) = thumb_size(bitmap.width(), bitmap.height());
    let canvas: web_sys::HtmlCanvasElement = window
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    // A JPEG has no transparency: what is transparent (a signature's paper) shows white.
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .ok()?;
    bitmap.close();
    canvas_blob(&canvas, "image/jpeg").await
}

/// Attach `blob` (a file chosen or a picture drawn) as `name`: refused past the size a file may
/// be and, for an `image` field, unless its bytes are a picture's; else kept on this device
/// (with a thumbnail for a picture), queued for upload, and described for the record.
pub async fn attach(blob: &web_sys::Blob, name: &str, image: bool) -> Result<FileRef, Problem> {
    let size = blob.size().max(0.0) as u64;
    let max = crate::session::max_upload_bytes();
    if size > max {
        return Err(Problem::FileTooLarge {
            max_mb: max / (1024 * 1024),
        });
    }
    if size == 0 {
        return Err(Problem::Required);
    }
    let sniffed = sniff_image(&head(blob).await);
    let content_type = match sniffed {
        Some(kind) => kind.to_owned(),
        None if image => return Err(Problem::NotAnImage),
        None => {
            let declared = blob.type_();
            if declared.is_empty() {
                "application/octet-stream".to_owned()
            } else {
                declared
            }
        }
    };
    let id = new_uuid();
    let name = name.trim();
    let name = if name.is_empty() { "file" } else { name };
    keep(id, blob, name, &content_type).await?;
    let mut thumb = None;
    if sniffed.is_some()
        && let Some(small) = thumbnail(blob).await
    {
        let thumb_id = new_uuid();
        if keep(thumb_id, &small, &format!("thumb-{name}"), "image/jpeg")
            .await
            .is_ok()
        {
            thumb = Some(thumb_id);
        }
    }
    bump();
    upload_soon();
    Ok(FileRef {
        id,
        name: name.to_owned(),
        size,
        content_type,
        thumb,
    })
}

/// Where this device shows a file from: its own copy when it keeps one (an object URL), else
/// the server's, read through `record` (which lets those who see the record read it).
pub async fn url_of(id: Uuid, record: Option<RecordId>) -> String {
    if let Some(url) = URLS.with(|u| u.borrow().get(&id).cloned()) {
        return url;
    }
    let kept = match engine() {
        Some(engine) => engine.store.file(&id.to_string()).await.ok().flatten(),
        None => None,
    };
    let blob = kept
        .map(|entry| get(&entry, "blob"))
        .and_then(|b| b.dyn_into::<web_sys::Blob>().ok());
    if let Some(url) = blob.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok()) {
        URLS.with(|u| u.borrow_mut().insert(id, url.clone()));
        return url;
    }
    match record {
        Some(record) => format!("/api/v1/files/{id}?record={record}"),
        None => format!("/api/v1/files/{id}"),
    }
}

/// Where a file kept on this device stands (`None`: not kept here).
pub async fn upload_of(id: Uuid) -> Option<Upload> {
    let entry = engine()?.store.file(&id.to_string()).await.ok()??;
    Some(standing(&entry))
}

/// Upload the queued files now, unless a pass is under way or this tab does not talk to the
/// server. A pass stops at the first file the network or a busy server did not take; the next
/// sync starts another.
pub fn upload_soon() {
    let Some(engine) = engine().filter(|e| e.leader.get()) else {
        return;
    };
    if UPLOADING.with(|u| u.replace(true)) {
        return;
    }
    spawn_local(async move {
        let entries = engine.store.files().await.unwrap_or_default();
        for entry in entries {
            if standing(&entry) != Upload::Queued {
                continue;
            }
            match send(&entry).await {
                Some(outcome) => {
                    match &outcome {
                        Upload::Refused(problem) => {
                            set(&entry, "state", &JsValue::from_str("refused"));
                            set(&entry, "problem", &JsValue::from_str(problem.code()));
                        }
                        _ => set(&entry, "state", &JsValue::from_str("sent")),
                    }
                    let id = get(&entry, "id").as_string().unwrap_or_default();
                    let large = get(&entry, "blob")
                        .dyn_into::<web_sys::Blob>()
                        .is_ok_and(|b| b.size() > KEEP_AFTER_UPLOAD);
                    if outcome == Upload::Sent && large {
                        let _ = engine.store.delete_file(&id).await;
                    } else {
                        let _ = engine.store.put_file(&id, &entry).await;
                    }
                    bump();
                }
                None => break,
            }
        }
        UPLOADING.with(|u| u.set(false));
    });
}

/// Send one kept file; `None` when it should be tried again later (no network, a busy server,
/// the session gone).
async fn send(entry: &JsValue) -> Option<Upload> {
    let id = get(entry, "id").as_string()?;
    let name = get(entry, "name").as_string().unwrap_or_default();
    let content_type = get(entry, "type").as_string().unwrap_or_default();
    let blob = get(entry, "blob");
    let path = format!(
        "/api/v1/files/{id}?name={}",
        String::from(js_sys::encode_uri_component(&name))
    );
    let request = RequestBuilder::new(&path)
        .method(Method::PUT)
        .header("content-type", &content_type)
        .header("accept", "application/json")
        .body(blob)
        .ok()?;
    let response = request.send().await.ok()?;
    let status = response.status();
    if response.ok() {
        return Some(Upload::Sent);
    }
    match status {
        409 | 413 | 400 | 422 => {
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let error = &body["error"];
            let code = error["details"][0]["code"]
                .as_str()
                .or_else(|| error["code"].as_str())
                .unwrap_or_default();
            Some(Upload::Refused(problem_of(code)))
        }
        _ => None,
    }
}
