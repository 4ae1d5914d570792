//! Building blocks shared by the pages.

pub mod files;
pub mod form;
pub mod link_picker;
pub mod pickers;
pub mod search_index;
pub mod sync_status;
pub mod virtual_rows;

use leptos::prelude::*;
use shared::i18n::Text;

use crate::i18n::use_i18n;

/// A line that says something is loading.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="muted" role="status">{move || i18n.t(Text::Loading)}</p> }
}

/// An error banner for failures that belong to no field.
#[component]
pub fn ErrorBanner(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="banner error" role="alert">{move || message.get()}</div>
        </Show>
    }
}
