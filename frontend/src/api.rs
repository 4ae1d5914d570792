//! Talking to the server: JSON over `fetch`, with the session cookie. Every failure becomes a
//! [`Failure`] that pages can show in the user's language.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::{ErrorBody, ErrorInfo};
use shared::i18n::{Locale, Text, error_text};
use shared::{FieldError, Problem};
use wasm_bindgen::{JsCast, JsValue};

/// Why a request did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The server could not be reached.
    Offline,
    /// The server answered with an error.
    Api { status: u16, info: ErrorInfo },
    /// The server answered with something this app does not understand.
    Unexpected(String),
}

impl Failure {
    pub fn code(&self) -> Option<&str> {
        match self {
            Failure::Api { info, .. } => Some(&info.code),
            _ => None,
        }
    }

    /// Problems tied to form fields: validation details, and conflicts that name a field.
    pub fn field_errors(&self) -> Vec<FieldError> {
        let Failure::Api { info, .. } = self else {
            return Vec::new();
        };
        if !info.details.is_empty() {
            return info
                .details
                .iter()
                .map(|d| d.problem.clone().at(&d.field))
                .collect();
        }
        match (info.code.as_str(), &info.field) {
            ("email_taken" | "team_name_taken", Some(field)) => vec![Problem::Taken.at(field)],
            _ => Vec::new(),
        }
    }

    /// A sentence for the user, in their language.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Failure::Offline => Text::ErrOffline.get(locale).to_owned(),
            Failure::Unexpected(_) => Text::ErrUnexpected.get(locale).to_owned(),
            Failure::Api { status, info } => match error_text(&info.code, locale) {
                Some(text) => text.to_owned(),
                None if *status >= 500 => Text::ErrServer.get(locale).to_owned(),
                None => info.message.clone(),
            },
        }
    }
}

type Hook = Rc<dyn Fn()>;

thread_local! {
    static ON_UNAUTHORIZED: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Called when any request (other than sign-in itself) finds the session gone.
pub fn on_unauthorized(hook: impl Fn() + 'static) {
    ON_UNAUTHORIZED.with(|h| *h.borrow_mut() = Some(Rc::new(hook)));
}

async fn send(method: Method, path: &str, body: Option<String>) -> Result<Response, Failure> {
    let builder = RequestBuilder::new(path)
        .method(method)
        .header("accept", "application/json");
    let request = match body {
        Some(json) => builder
            .header("content-type", "application/json")
            .body(json),
        None => builder.build(),
    }
    .map_err(|e| Failure::Unexpected(e.to_string()))?;
    let response = request.send().await.map_err(|_| Failure::Offline)?;
    answer(path, response).await
}

/// The server's answer to a request for `path`: itself when it is a success, else the failure
/// it tells of.
async fn answer(path: &str, response: Response) -> Result<Response, Failure> {
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    if status == 401 && !path.starts_with("/api/auth/") {
        let hook = ON_UNAUTHORIZED.with(|h| h.borrow().clone());
        if let Some(hook) = hook {
            hook();
        }
    }
    let text = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(Failure::Api {
            status,
            info: body.error,
        }),
        Err(_) if status == 502 || status == 503 || status == 504 => Err(Failure::Offline),
        Err(_) => Err(Failure::Unexpected(format!("HTTP {status}"))),
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Failure> {
    response
        .json::<T>()
        .await
        .map_err(|e| Failure::Unexpected(e.to_string()))
}

fn encode<B: Serialize>(body: &B) -> Result<String, Failure> {
    serde_json::to_string(body).map_err(|e| Failure::Unexpected(e.to_string()))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    decode(send(Method::GET, path, None).await?).await
}

/// `GET path` through the request the page started before the app was loaded (`index.html`
/// keeps the promise of its answer in `window[started]`), so that the app need not wait for a
/// round trip after it starts; a plain `GET` when there is none (or it was used already).
pub async fn get_started<T: DeserializeOwned>(path: &str, started: &str) -> Result<T, Failure> {
    let Some(window) = web_sys::window() else {
        return get(path).await;
    };
    let key = JsValue::from_str(started);
    let promise = js_sys::Reflect::get(&window, &key)
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let Some(promise) = promise else {
        return get(path).await;
    };
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| Failure::Offline)?
        .dyn_into::<web_sys::Response>()
        .map_err(|_| Failure::Unexpected("not a response".to_owned()))?;
    decode(answer(path, Response::from(response)).await?).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Failure> {
    decode(send(Method::POST, path, Some(encode(body)?)).await?).await
}

/// `POST`, and the answer's body as text (for answers too large to parse in one go).
pub async fn post_text<B: Serialize>(path: &str, body: &B) -> Result<String, Failure> {
    let response = send(Method::POST, path, Some(encode(body)?)).await?;
    let bytes = response
        .binary()
        .await
        .map_err(|e| Failure::Unexpected(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Failure::Unexpected(e.to_string()))
}

pub async fn post_empty<B: Serialize>(path: &str, body: &B) -> Result<(), Failure> {
    send(Method::POST, path, Some(encode(body)?))
        .await
        .map(drop)
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Failure> {
    decode(send(Method::PATCH, path, Some(encode(body)?)).await?).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Failure> {
    decode(send(Method::PUT, path, Some(encode(body)?)).await?).await
}

pub async fn delete(path: &str) -> Result<(), Failure> {
    send(Method::DELETE, path, None).await.map(drop)
}
