//! Qiao in the browser: a Leptos app compiled to WebAssembly. Pages read plain `shared` values;
//! every visible text comes from the `shared::i18n` catalog.

mod api;
mod app;
mod charts;
mod components;
mod geo;
mod i18n;
mod marks;
mod notify;
mod pages;
mod paths;
mod readings;
mod session;
mod sync;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

fn main() {
    console_error_panic_hook::set_once();
    marks::mark("started");
    count_csp_violations();
    leptos::mount::mount_to_body(app::App);
    remove_boot_splash();
    register_service_worker();
}

/// The service worker keeps the app shell so that the app opens offline.
fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}

/// The static splash in `index.html` covers the page until the app is mounted.
fn remove_boot_splash() {
    if let Some(splash) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        splash.remove();
    }
}

/// Report Content-Security-Policy violations to the console and count them on `<html
/// data-csp-violations>`, so a policy too strict for the app shows up at once.
fn count_csp_violations() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_violation = Closure::<dyn Fn(web_sys::SecurityPolicyViolationEvent)>::new(
        |event: web_sys::SecurityPolicyViolationEvent| {
            web_sys::console::error_1(
                &format!(
                    "CSP violation: {} blocked {}",
                    event.violated_directive(),
                    event.blocked_uri()
                )
                .into(),
            );
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let count = root
                    .get_attribute("data-csp-violations")
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(0);
                let _ = root.set_attribute("data-csp-violations", &(count + 1).to_string());
            }
        },
    );
    let _ = document.add_event_listener_with_callback(
        "securitypolicyviolation",
        on_violation.as_ref().unchecked_ref(),
    );
    on_violation.forget();
}
