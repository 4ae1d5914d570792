//! What the top bar says about sync: online or offline, changes waiting to be sent, when the
//! device last synced, a progress bar during the first download, and the count of sync issues.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::i18n::Text;
use shared::sync::Collection;

use crate::i18n::use_i18n;
use crate::sync::use_sync;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let issues = Memo::new(move |_| {
        sync.with_core(|c| c.collection(Collection::Issue).count())
            .unwrap_or(0)
    });
    let last = move || match sync.last_synced.get() {
        None => i18n.t(Text::SyncNever).to_owned(),
        Some(at) => {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
            format!(
                "{} {:02}:{:02}",
                i18n.t(Text::SyncLast),
                date.get_hours(),
                date.get_minutes()
            )
        }
    };
    view! {
        <div class="sync-status" data-testid="sync-status" data-online=move || sync.online.get().to_string()
            data-pending=move || sync.pending.get().to_string()>
            <span class="sync-dot" class:offline=move || !sync.online.get() aria-hidden="true"></span>
            <span data-testid="sync-online">
                {move || if sync.online.get() { i18n.t(Text::SyncOnline) } else { i18n.t(Text::SyncOffline) }}
            </span>
            <span class="muted" data-testid="sync-pending">
                {move || match sync.pending.get() {
                    0 => i18n.t(Text::SyncAllSynced).to_owned(),
                    n => format!("{n} {}", i18n.t(Text::SyncPending)),
                }}
            </span>
            <span class="muted small sync-last">{last}</span>
            <Show when=move || { issues.get() > 0 }>
                <A href="/sync-issues" attr:class="issues-link" attr:data-testid="sync-issues-link">
                    {move || format!("{} {}", i18n.t(Text::SyncIssues), issues.get())}
                </A>
            </Show>
        </div>
        <Show when=move || sync.downloading.get().is_some()>
            <div class="first-sync" role="status" data-testid="first-sync">
                <span>{move || format!("{} {}", i18n.t(Text::SyncFirstDownload), sync.downloading.get().unwrap_or(0))}</span>
                <progress></progress>
            </div>
        </Show>
    }
}
