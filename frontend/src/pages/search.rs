//! `/search`: one box over every record on the device (contacts, accounts, leads, deals,
//! activities, tasks), results as you type, best first; arrow keys move through them and Enter
//! opens one. Works offline.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::i18n::Text;
use shared::records::labels::collection_label;
use shared::search::{Found, Query};
use shared::sync::{ClientCore, Collection};

use crate::components::search_index::{BackgroundIndex, use_order};
use crate::i18n::use_i18n;
use crate::pages::objects::custom_object;
use crate::pages::records::path_of;
use crate::sync::use_sync;

/// Most results shown.
const SHOWN: usize = 50;

/// Every object's records are searched, the custom objects' too.
const SEARCHED: [Collection; 7] = [
    Collection::Contact,
    Collection::Account,
    Collection::Lead,
    Collection::Deal,
    Collection::Activity,
    Collection::Task,
    Collection::Object,
];

#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(0usize);
    // Every searched record by label: the order of the search index, which is built in the
    // background when the page opens and again when one of the collections changes.
    let order = use_order(sync, SEARCHED.to_vec(), |r| r.body.label());
    let index = BackgroundIndex::new(sync, order, ClientCore::search_entry);
    let earlier = StoredValue::new(None::<Found>);
    let results = Memo::new(move |_| {
        let q = Query::new(&query.get());
        if q.is_empty() {
            earlier.set_value(None);
            return Vec::new();
        }
        let found = index.with(|index| earlier.with_value(|e| index.search(&q, e.as_ref())));
        let best: Vec<u32> = found.ranked.iter().take(SHOWN).copied().collect();
        earlier.set_value(Some(found));
        order.with(|(_, ids)| {
            sync.with_core(|core| {
                best.iter()
                    .filter_map(|p| core.get(*ids.get(*p as usize)?))
                    .map(|r| {
                        // A custom object's record says which object it is of.
                        let kind = match (r.collection(), r.object_key()) {
                            (Collection::Object, Some(key)) => custom_object(key)
                                .map(|o| o.name.get(i18n.locale()).to_owned())
                                .unwrap_or_default(),
                            (c, _) => collection_label(c, i18n.locale()).to_owned(),
                        };
                        (r.body.label(), kind, path_of(r))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    });
    Effect::new(move |_| {
        query.track();
        selected.set(0);
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = results.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                selected.update(|s| *s = (*s + 1).min(n - 1));
            }
            "ArrowUp" => {
                ev.prevent_default();
                selected.update(|s| *s = s.saturating_sub(1));
            }
            "Enter" => {
                if let Some(path) =
                    results.with(|r| r.get(selected.get_untracked()).map(|x| x.2.clone()))
                {
                    ev.prevent_default();
                    navigate(&path, Default::default());
                }
            }
            _ => {}
        }
    };
    let rows = move || results.get().into_iter().enumerate().collect::<Vec<_>>();
    view! {
        <div class="page">
            <section class="card">
                <h1>{move || i18n.t(Text::GlobalSearch)}</h1>
                <div class="field">
                    <label for="global-search" class="sr-only">{move || i18n.t(Text::GlobalSearch)}</label>
                    <input id="global-search" type="search" data-testid="global-search" autofocus=true
                        placeholder=move || i18n.t(Text::GlobalSearchHint)
                        role="combobox" aria-controls="search-results" aria-expanded=move || if results.with(Vec::is_empty) { "false" } else { "true" }
                        bind:value=query on:keydown=on_key />
                </div>
                <ul class="records" id="search-results" role="listbox" data-testid="search-results">
                    <For
                        each=rows
                        key=|(i, r)| (*i, r.2.clone())
                        children=move |(i, (label, kind, href))| {
                            view! {
                                <li role="option" aria-selected=move || if selected.get() == i { "true" } else { "false" }
                                    class:selected=move || selected.get() == i>
                                    <A href=href attr:class="record-link">
                                        <strong class="record-title">{label}</strong>
                                        <span class="muted small">{kind}</span>
                                    </A>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
        </div>
    }
}
