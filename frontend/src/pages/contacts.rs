//! Contacts: the list (instant search over the device's copy) and the contact's page. Everything
//! works offline: changes are mutations queued by [`crate::sync`].

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::RecordId;
use shared::i18n::Text;
use shared::records::Kind;
use shared::search::{Found, Query};
use shared::sync::{ClientCore, Collection};

use crate::components::search_index::{BackgroundIndex, use_order};
use crate::components::virtual_rows::{ListRow, VirtualList};
use crate::i18n::use_i18n;
use crate::pages::not_found::NotFound;
use crate::pages::records::RecordEditor;
use crate::sync::use_sync;

/// A contact as the list shows it: name; job title, company (the account's name when linked)
/// and main phone; owner.
fn list_row(core: &ClientCore, id: RecordId) -> Option<ListRow> {
    let r = core.get(id)?;
    let contact = r.as_contact()?;
    let owner = core
        .directory()
        .and_then(|d| d.member(r.owner))
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let company = contact
        .account
        .and_then(|a| core.get(a))
        .map(|a| a.body.label())
        .unwrap_or_else(|| contact.company.clone());
    let detail = [contact.job_title.clone(), company, contact.get("phone")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    Some(ListRow {
        id: r.id,
        href: format!("/contacts/{}", r.id),
        title: contact.name.to_string(),
        lines: vec![detail, owner],
    })
}

/// The list: every contact by name, or, once something is typed, the matches best first. Only
/// the rows on or near the screen are in the page.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let query = RwSignal::new(String::new());
    // Every contact by name: the list's order with nothing typed, and the search index's.
    let order = use_order(sync, vec![Collection::Contact], |r| {
        r.as_contact().map(|c| c.name.clone()).unwrap_or_default()
    });
    // Every contact as search sees it (pinyin worked out once per change of the contacts, in
    // the background).
    let index = BackgroundIndex::new(sync, order, ClientCore::search_entry);
    // The previous search, which a longer query narrows.
    let earlier = StoredValue::new(None::<Found>);
    // Positions in `order`, best first; `None` while nothing is typed (every contact, by name).
    let found = Memo::new_with_compare(
        move |_| {
            let q = Query::new(&query.get());
            if q.is_empty() {
                earlier.set_value(None);
                return None;
            }
            let found = index.with(|index| earlier.with_value(|e| index.search(&q, e.as_ref())));
            let ranked = found.ranked.clone();
            earlier.set_value(Some(found));
            Some(ranked)
        },
        |_, _| true,
    );
    let count = Memo::new(move |_| match found.with(|f| f.as_ref().map(Vec::len)) {
        Some(n) => n,
        None => order.with(|(_, ids)| ids.len()),
    });
    let rows = move |range: std::ops::Range<usize>| {
        order.with(|(_, ids)| {
            let ids: Vec<RecordId> = found.with(|found| match found {
                Some(ranked) => ranked
                    .get(range.clone())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| ids.get(*p as usize).copied())
                    .collect(),
                None => ids.get(range.clone()).unwrap_or_default().to_vec(),
            });
            sync.with_core(|core| {
                ids.into_iter()
                    .filter_map(|id| list_row(core, id))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    };
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1>{move || i18n.t(Text::Contacts)}</h1>
                    <A href="/contacts/new" attr:class="button primary" attr:data-testid="new-contact">
                        {move || i18n.t(Text::NewContact)}
                    </A>
                </div>
                <div class="field">
                    <label for="contact-search" class="sr-only">{move || i18n.t(Text::Search)}</label>
                    <input
                        id="contact-search"
                        type="search"
                        data-testid="contact-search"
                        placeholder=move || i18n.t(Text::SearchContacts)
                        bind:value=query
                    />
                </div>
                <p class="muted" data-testid="contact-count">
                    {move || format!("{} {}", count.get(), i18n.t(Text::ContactCount))}
                </p>
                <Show when=move || { count.get() == 0 }>
                    <p class="muted">
                        {move || if query.with(String::is_empty) { i18n.t(Text::NoContacts) } else { i18n.t(Text::NoMatches) }}
                    </p>
                </Show>
                <VirtualList testid="contacts-list" count=count rows=rows />
            </section>
        </div>
    }
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
