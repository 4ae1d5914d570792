//! System notifications for reminders: shown through the service worker (the only way phones
//! show them), so that a task falling due reaches its owner while the app is in the background.
//! The person turns them on from the user menu (browsers ask only after a tap); tapping a
//! notification opens the task.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Notification, NotificationOptions, NotificationPermission, ServiceWorkerRegistration,
};

/// Whether this browser can show notifications at all.
pub fn supported() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::has(&w, &JsValue::from_str("Notification")).ok())
        .unwrap_or(false)
}

/// Whether the person allowed notifications for the app.
pub fn allowed() -> bool {
    supported() && Notification::permission() == NotificationPermission::Granted
}

/// Whether the browser may still ask (neither allowed nor refused yet).
pub fn may_ask() -> bool {
    supported() && Notification::permission() == NotificationPermission::Default
}

/// Ask the person (call from a tap); whether they allowed it.
pub async fn ask() -> bool {
    if !supported() {
        return false;
    }
    if let Ok(promise) = Notification::request_permission() {
        let _ = JsFuture::from(promise).await;
    }
    allowed()
}

/// Show a notification titled `title` that opens `path` when tapped; `tag` keeps one per task.
pub async fn show(title: &str, body: &str, tag: &str, path: &str) {
    if !allowed() {
        return;
    }
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    let Ok(ready) = container.ready() else {
        return;
    };
    let Ok(registration) = JsFuture::from(ready).await else {
        return;
    };
    let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
        return;
    };
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    options.set_icon("/favicon.svg");
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &JsValue::from_str("path"), &JsValue::from_str(path));
    options.set_data(&data);
    if let Ok(shown) = registration.show_notification_with_options(title, &options) {
        let _ = JsFuture::from(shown).await;
    }
}
