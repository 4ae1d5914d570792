//! A field that points at another record (a deal's account, an activity's "about"): type part
//! of a name, its pinyin or initials, a phone number … and pick one of the best matches. The
//! candidates are searched on the device, so a company with 100,000 records never puts them
//! all into the page.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use shared::RecordId;
use shared::i18n::Text;
use shared::records::labels::collection_label;
use shared::records::link_pieces;
use shared::search::Query;
use shared::sync::{ClientCore, Collection};

use crate::components::search_index::{BackgroundIndex, use_order};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// Most matches offered at once.
const OFFERED: usize = 12;

/// One offer: the record, its label, and what kind of record it is.
#[derive(Debug, Clone, PartialEq)]
struct Offer {
    id: RecordId,
    label: String,
    collection: Collection,
}

/// The picker. `value` holds the chosen record's id as text (empty: none); `id` is the input's
/// id, for its `<label>`.
#[component]
pub fn LinkPicker(
    id: String,
    #[prop(into)] name: String,
    targets: Vec<Collection>,
    /// Of a custom object's records (all in [`Collection::Object`]), only this object's.
    #[prop(default = None)]
    object: Option<String>,
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    // The chosen record's name (it may arrive after the page: records load in the background).
    let chosen = Memo::new(move |_| {
        let id = value.with(|v| v.parse::<RecordId>().ok())?;
        sync.with_core(|c| c.get(id).map(|r| r.body.label()))
            .flatten()
    });
    // What the person typed since the last pick; `None` shows the chosen name.
    let typed = RwSignal::new(None::<String>);
    let shown = move || typed.get().or_else(|| chosen.get()).unwrap_or_default();
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let multiple = targets.len() > 1;
    // The candidates' order and search index are made once the field is first used, not
    // every time a form with a link field opens.
    let armed = RwSignal::new(false);
    let offers = RwSignal::new(Vec::<Offer>::new());
    let pick = move |offer: Option<Offer>| {
        value.set(offer.map(|o| o.id.to_string()).unwrap_or_default());
        typed.set(None);
        open.set(false);
    };
    // Leaving the field without picking puts back the chosen record's name; a cleared field
    // means none.
    let settle = move || {
        if typed.with_untracked(|t| t.as_ref().is_some_and(|t| t.trim().is_empty())) {
            value.set(String::new());
        }
        typed.set(None);
        open.set(false);
    };
    let on_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            open.set(true);
            let n = offers.with_untracked(Vec::len);
            active.update(|a| *a = if n == 0 { 0 } else { (*a + 1).min(n - 1) });
        }
        "ArrowUp" => {
            ev.prevent_default();
            active.update(|a| *a = a.saturating_sub(1));
        }
        "Enter" if open.get_untracked() => {
            ev.prevent_default();
            let chosen = offers.with_untracked(|o| o.get(active.get_untracked()).cloned());
            if chosen.is_some() {
                pick(chosen);
            }
        }
        "Escape" => settle(),
        _ => {}
    };
    let list_id = format!("{id}-options");
    view! {
        <div class="link-picker">
            <Show when=move || armed.get()>
                <Finder targets=targets.clone() object=object.clone() typed=typed open=open offers=offers />
            </Show>
            <input id=id name=name type="search" autocomplete="off" role="combobox"
                aria-autocomplete="list" aria-controls=list_id.clone()
                aria-expanded=move || (open.get() && offers.with(|o| !o.is_empty())).to_string()
                placeholder=move || i18n.t(Text::TypeToFind)
                prop:value=shown
                on:input=move |ev| {
                    typed.set(Some(event_target_value(&ev)));
                    active.set(0);
                    armed.set(true);
                    open.set(true);
                }
                on:focus=move |_| {
                    armed.set(true);
                    open.set(true);
                }
                on:blur=move |_| settle()
                on:keydown=on_key />
            <Show when=move || open.get() && offers.with(|o| !o.is_empty())>
                <ul class="link-options" role="listbox" id=list_id.clone()>
                    <For
                        each=move || offers.get().into_iter().enumerate()
                        key=|(i, o)| (*i, o.id)
                        children=move |(i, offer)| {
                            let kind = collection_label(offer.collection, i18n.locale());
                            let label = offer.label.clone();
                            view! {
                                <li role="option" data-testid="link-option"
                                    aria-selected=move || (active.get() == i).to_string()
                                    class:active=move || active.get() == i
                                    // Chosen on mousedown, before the input loses focus.
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        pick(Some(offer.clone()));
                                    }>
                                    <span>{label}</span>
                                    {multiple.then(|| view! { <span class="muted small">{kind}</span> })}
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
        </div>
    }
}

/// Keeps `offers` up to date while the list is open: the best matches of what was typed among
/// `targets` (the first by name when nothing is typed).
#[component]
fn Finder(
    targets: Vec<Collection>,
    object: Option<String>,
    typed: RwSignal<Option<String>>,
    open: RwSignal<bool>,
    offers: RwSignal<Vec<Offer>>,
) -> impl IntoView {
    let sync = use_sync();
    let order = use_order(sync, targets, |r| r.body.label());
    let index = BackgroundIndex::new(sync, order, ClientCore::search_entry);
    Effect::new(move |_| {
        if !open.get() {
            offers.set(Vec::new());
            return;
        }
        let q = Query::new(&typed.get().unwrap_or_default());
        let ids: Vec<RecordId> = order.with(|(_, ids)| {
            if q.is_empty() {
                ids.clone()
            } else {
                index.with(|index| {
                    index
                        .search(&q, None)
                        .ranked
                        .iter()
                        .filter_map(|p| ids.get(*p as usize).copied())
                        .collect()
                })
            }
        });
        let wanted = |r: &&shared::sync::Record| {
            object
                .as_deref()
                .is_none_or(|key| r.object_key() == Some(key))
        };
        let found = sync
            .with_core_untracked(|core| {
                ids.into_iter()
                    .filter_map(|id| core.get(id))
                    .filter(wanted)
                    .take(OFFERED)
                    .map(|r| Offer {
                        id: r.id,
                        label: r.body.label(),
                        collection: r.collection(),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        offers.set(found);
    });
}

/// Several links in one field (a deal's other contacts): the chosen records as chips, each
/// removable, and a picker that adds one more. `value` holds their ids separated by commas.
#[component]
pub fn LinksPicker(
    id: String,
    #[prop(into)] name: String,
    targets: Vec<Collection>,
    /// Of a custom object's records, only this object's (as [`LinkPicker`]).
    #[prop(default = None)]
    object: Option<String>,
    value: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let split = |v: &str| -> Vec<String> { link_pieces(v).map(str::to_owned).collect() };
    // The picker's own choice joins the list, and the picker empties for the next one.
    let adding = RwSignal::new(String::new());
    Effect::new(move |_| {
        let new = adding.get();
        if new.is_empty() {
            return;
        }
        value.update(|v| {
            let mut ids = split(v);
            if !ids.contains(&new) {
                ids.push(new.clone());
            }
            *v = ids.join(", ");
        });
        adding.set(String::new());
    });
    let chips = move || {
        split(&value.get())
            .into_iter()
            .map(|raw| {
                let label = raw
                    .parse::<RecordId>()
                    .ok()
                    .and_then(|id| sync.with_core(|c| c.get(id).map(|r| r.body.label())).flatten())
                    .unwrap_or_else(|| raw.clone());
                let remove = move |_| {
                    value.update(|v| {
                        let ids: Vec<String> = split(v).into_iter().filter(|i| *i != raw).collect();
                        *v = ids.join(", ");
                    });
                };
                view! {
                    <li class="chip" data-testid="link-chip">
                        {label}
                        <button type="button" aria-label=move || i18n.t(Text::RemoveLink) on:click=remove>"×"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ul class="chips" data-testid=format!("{name}-chosen")>{chips}</ul>
        <LinkPicker id=id name=name.clone() targets=targets object=object value=adding />
    }
}
