//! The pinyin table ([`shared::readings`]): fetched once the app has read its own copy (the
//! service worker keeps it, so it is there offline after the first time), installed, and the
//! search indexes worked out again with it. Until then search finds names by their characters.

use std::cell::Cell;

use gloo_net::http::Request;
use leptos::prelude::Set;
use shared::readings::{Readings, URL, install, installed};

use crate::sync::Sync;

thread_local! {
    static FETCHING: Cell<bool> = const { Cell::new(false) };
}

/// Fetch and install the table unless it is there or on its way; a failure (offline before the
/// first fetch) is tried again the next time the network returns.
pub async fn load(sync: Sync) {
    if installed() || FETCHING.with(|f| f.replace(true)) {
        return;
    }
    let table = fetch().await;
    FETCHING.with(|f| f.set(false));
    match table {
        Ok(table) => {
            install(table);
            sync.readings.set(true);
        }
        Err(e) => web_sys::console::warn_1(&format!("pinyin table: {e}").into()),
    }
}

async fn fetch() -> Result<Readings, String> {
    let response = Request::get(URL).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let bytes = response.binary().await.map_err(|e| e.to_string())?;
    Readings::from_bytes(&bytes).map_err(|e| e.to_string())
}
