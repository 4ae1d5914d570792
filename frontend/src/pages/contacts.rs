//! Contacts: the list (instant search over the device's copy) and the contact's page. Everything
//! works offline: changes are mutations queued by [`crate::sync`].

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::RecordId;
use shared::sync::Collection;

use crate::pages::not_found::NotFound;
use crate::pages::records::{RecordEditor, RecordList};

/// The list: every contact by name, or, once something is typed, the matches best first;
/// sortable and filterable by any field like every list. Only the rows on or near the screen
/// are in the page.
#[component]
pub fn ContactsPage() -> impl IntoView {
    view! { <RecordList collection=Collection::Contact /> }
}

/// `/contacts/new` and `/contacts/:id`: the record page every kind has (form, owner, 360°
/// timeline).
#[component]
pub fn ContactEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| match p.get("id").as_deref() {
            Some("new") | None => Some(None),
            Some(raw) => raw.parse::<RecordId>().ok().map(Some),
        })
    });
    move || match id.get() {
        Some(id) => view! { <RecordEditor collection=Collection::Contact id=id /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}
