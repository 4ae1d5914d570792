//! Inputs of people, team, place and address fields. Each holds its field's form text, as
//! `Value::parse` reads it: a person's or team's id (several separated by commas), a place's
//! `latitude, longitude`, an address's JSON.

use std::cell::RefCell;
use std::sync::Arc;

use gloo_net::http::Request;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::i18n::Text;
use shared::records::link_pieces;
use shared::schema::value::Address;

use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// Where the province / city / district table is served (cached by the service worker).
pub const REGIONS_URL: &str = "/regions-1.json";

/// Provinces, each with its cities, each with its districts (names, in the official order).
type Regions = Vec<(String, Vec<(String, Vec<String>)>)>;

thread_local! {
    static REGIONS: RefCell<Option<Arc<Regions>>> = const { RefCell::new(None) };
}

/// The region table, fetched once per page load (offline, from the service worker's copy).
async fn regions() -> Option<Arc<Regions>> {
    if let Some(table) = REGIONS.with(|r| r.borrow().clone()) {
        return Some(table);
    }
    let response = Request::get(REGIONS_URL).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    let table: Regions = response.json().await.ok()?;
    let table = Arc::new(table);
    REGIONS.with(|r| *r.borrow_mut() = Some(table.clone()));
    Some(table)
}

/// `(id, name)` of the people (`teams`: false) or teams one may choose: active colleagues or
/// every team, by name.
fn choices(sync: crate::sync::Sync, teams: bool) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = sync
        .with_core(|core| {
            core.directory().map(|d| {
                if teams {
                    d.teams
                        .iter()
                        .map(|t| (t.id.to_string(), t.name.clone()))
                        .collect()
                } else {
                    d.users
                        .iter()
                        .filter(|m| m.active)
                        .map(|m| (m.id.to_string(), m.name.clone()))
                        .collect()
                }
            })
        })
        .flatten()
        .unwrap_or_default();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    all
}

/// A person (or several), or a team, chosen by name from the device's directory.
#[component]
pub fn PeoplePicker(id: String, value: RwSignal<String>, many: bool, teams: bool) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    // Again once the device's copy is read (a form opened by its address may come first).
    let options = Memo::new(move |_| choices(sync, teams));
    let name_of = move |raw: &str| {
        options.with(|o| {
            o.iter()
                .find(|(k, _)| k == raw)
                .map_or_else(|| raw.to_owned(), |(_, n)| n.clone())
        })
    };
    if !many {
        return view! {
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                {move || {
                    let current = value.get_untracked();
                    let none = view! {
                        <option value="" selected=current.is_empty()>{move || i18n.t(Text::NoneChosen)}</option>
                    };
                    let people = options.get().into_iter().map(|(k, n)| {
                        let selected = k == current;
                        view! { <option value=k selected=selected>{n}</option> }
                    }).collect_view();
                    (none, people)
                }}
            </select>
        }
        .into_any();
    }
    let chosen = move || -> Vec<String> { link_pieces(&value.get()).map(str::to_owned).collect() };
    let add = move |ev: leptos::ev::Event| {
        let new = event_target_value(&ev);
        // The picker goes back to "add…" for the next one.
        if let Some(target) = ev.target() {
            let _ = js_sys::Reflect::set(&target, &"value".into(), &"".into());
        }
        if new.is_empty() {
            return;
        }
        value.update(|v| {
            let mut ids: Vec<String> = link_pieces(v).map(str::to_owned).collect();
            if !ids.contains(&new) {
                ids.push(new);
            }
            *v = ids.join(", ");
        });
    };
    view! {
        <div class="people">
            <ul class="chips">
                {move || chosen().into_iter().map(|raw| {
                    let label = name_of(&raw);
                    let remove = move |_| value.update(|v| {
                        let ids: Vec<&str> = link_pieces(v).filter(|i| *i != raw).collect();
                        *v = ids.join(", ");
                    });
                    view! {
                        <li class="chip" data-testid="person-chip">
                            {label}
                            <button type="button" aria-label=move || i18n.t(Text::RemoveLink) on:click=remove>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <select id=id prop:value=String::new() on:change=add>
                <option value="">{move || i18n.t(Text::AddPerson)}</option>
                {move || options.get().into_iter().map(|(k, n)| view! { <option value=k>{n}</option> }).collect_view()}
            </select>
        </div>
    }
    .into_any()
}

/// A place: typed as `latitude, longitude`, or filled in from where the device is.
#[component]
pub fn PlaceInput(id: String, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let locating = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let locate = move |_| {
        locating.set(true);
        failed.set(false);
        spawn_local(async move {
            match crate::geo::here().await {
                Some(spot) => value.set(format!("{:.6}, {:.6}", spot.latitude, spot.longitude)),
                None => failed.set(true),
            }
            locating.set(false);
        });
    };
    view! {
        <div class="place">
            <input id=id type="text" inputmode="decimal" placeholder="31.230416, 121.473701" bind:value=value />
            <button type="button" class="secondary" data-testid="locate" disabled=move || locating.get()
                on:click=locate>{move || i18n.t(Text::UseMyLocation)}</button>
            <Show when=move || failed.get()>
                <p class="muted" role="status">{move || i18n.t(Text::LocationUnavailable)}</p>
            </Show>
        </div>
    }
}

/// A postal address: province, city and district picked in turn from the region table (typed
/// when the table cannot be had), then the street.
#[component]
pub fn AddressInput(id: String, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let table = RwSignal::new(None::<Arc<Regions>>);
    let unavailable = RwSignal::new(false);
    spawn_local(async move {
        match regions().await {
            Some(t) => table.set(Some(t)),
            None => unavailable.set(true),
        }
    });
    let current = move || -> Address { serde_json::from_str(&value.get()).unwrap_or_default() };
    let write = move |change: &dyn Fn(&mut Address)| {
        let mut address: Address = serde_json::from_str(&value.get_untracked()).unwrap_or_default();
        change(&mut address);
        let blank = [
            &address.province,
            &address.city,
            &address.district,
            &address.street,
        ]
        .iter()
        .all(|p| p.trim().is_empty());
        value.set(if blank {
            String::new()
        } else {
            serde_json::to_string(&address).unwrap_or_default()
        });
    };
    // The names one level offers, given the levels above (the value held kept among them).
    let level = move |depth: u8| -> Vec<String> {
        let a = current();
        let mut names: Vec<String> = table.with(|t| {
            let Some(t) = t else { return Vec::new() };
            match depth {
                0 => t.iter().map(|(p, _)| p.clone()).collect(),
                1 => t
                    .iter()
                    .find(|(p, _)| *p == a.province)
                    .map(|(_, cities)| cities.iter().map(|(c, _)| c.clone()).collect())
                    .unwrap_or_default(),
                _ => t
                    .iter()
                    .find(|(p, _)| *p == a.province)
                    .and_then(|(_, cities)| cities.iter().find(|(c, _)| *c == a.city))
                    .map(|(_, districts)| districts.clone())
                    .unwrap_or_default(),
            }
        });
        let held = match depth {
            0 => a.province,
            1 => a.city,
            _ => a.district,
        };
        if !held.is_empty() && !names.contains(&held) {
            names.insert(0, held);
        }
        names
    };
    let part = move |depth: u8, label: Text, testid: &'static str| {
        let held = move || {
            let a = current();
            match depth {
                0 => a.province,
                1 => a.city,
                _ => a.district,
            }
        };
        let set_part = move |text: String| {
            write(&|a: &mut Address| match depth {
                0 => {
                    if a.province != text {
                        a.province = text.clone();
                        a.city.clear();
                        a.district.clear();
                    }
                }
                1 => {
                    if a.city != text {
                        a.city = text.clone();
                        a.district.clear();
                    }
                }
                _ => a.district = text.clone(),
            })
        };
        view! {
            {move || if unavailable.get() {
                view! {
                    <input type="text" data-testid=testid aria-label=move || i18n.t(label)
                        placeholder=move || i18n.t(label) prop:value=held
                        on:change=move |ev| set_part(event_target_value(&ev)) />
                }.into_any()
            } else {
                let chosen = held();
                view! {
                    <select data-testid=testid aria-label=move || i18n.t(label)
                        on:change=move |ev| set_part(event_target_value(&ev))>
                        <option value="" selected=chosen.is_empty()>{move || i18n.t(label)}</option>
                        {level(depth).into_iter().map(|n| {
                            let selected = n == chosen;
                            let shown = n.clone();
                            view! { <option value=n selected=selected>{shown}</option> }
                        }).collect_view()}
                    </select>
                }.into_any()
            }}
        }
    };
    view! {
        <div class="address" id=id>
            {part(0, Text::Province, "address-province")}
            {part(1, Text::City, "address-city")}
            {part(2, Text::District, "address-district")}
            <input type="text" data-testid="address-street" aria-label=move || i18n.t(Text::Street)
                placeholder=move || i18n.t(Text::Street) prop:value=move || current().street
                on:change=move |ev| {
                    let street = event_target_value(&ev);
                    write(&|a: &mut Address| a.street = street.trim().to_owned());
                } />
        </div>
    }
}
