//! One typed field of the editor ([`FieldWidget`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::i18n::{Locale, Text};
use shared::records::labels::field_label;
use shared::sync::Collection;

use super::{choices, from_local_time, link_targets, local_time};
use crate::components::form::FormState;
use crate::components::link_picker::{LinkPicker, LinksPicker};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// One field of the editor: a select for choices and links, a date-time picker for times, a
/// text area for long text, a text input otherwise; its error below it.
#[component]
pub(super) fn FieldWidget(
    form: FormState,
    collection: Collection,
    field: &'static str,
    value: RwSignal<String>,
    /// The deal's pipeline, whose stages a deal's stage offers.
    #[prop(optional_no_strip)]
    pipeline: Option<RwSignal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("record-{field}");
    let error = Memo::new(move |_| form.field_error(field, i18n.locale()));
    let pipelines_changed = use_sync().changes(Collection::Pipeline);
    let options = Memo::new(move |_| {
        pipelines_changed.get();
        let locale = i18n.locale();
        match pipeline {
            Some(on) if collection == Collection::Deal && field == "stage" => {
                let pipelines = crate::sync::pipelines();
                let en = locale == Locale::En;
                Some(
                    pipelines
                        .get(on.get().parse().ok())
                        .stages
                        .iter()
                        .map(|s| (s.key.clone(), s.name(en).to_owned()))
                        .collect(),
                )
            }
            _ => choices(collection, field, locale),
        }
    });
    let link = link_targets(collection, field);
    let input = {
        let id = id.clone();
        move || {
            let id = id.clone();
            if let Some(targets) = link.clone() {
                if field == "contacts" {
                    return view! { <LinksPicker id=id name=field targets=targets value=value /> }
                        .into_any();
                }
                return view! { <LinkPicker id=id name=field targets=targets value=value /> }
                    .into_any();
            }
            if let Some(options) = options.get() {
                return view! {
                    <select id=id name=field prop:value=move || value.get()
                        on:change=move |ev| value.set(event_target_value(&ev))>
                        {options.into_iter().map(|(key, label)| {
                            let selected = value.get_untracked() == key;
                            let label = if key.is_empty() { i18n.t(Text::NoneChosen).to_owned() } else { label };
                            view! { <option value=key selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any();
            }
            match field {
                "at" | "due" => view! {
                    <input id=id name=field type="datetime-local"
                        prop:value=move || local_time(&value.get())
                        on:change=move |ev| value.set(from_local_time(&event_target_value(&ev))) />
                }
                .into_any(),
                "birthday" => view! {
                    <input id=id name=field type="date" bind:value=value />
                }
                .into_any(),
                "location" if collection == Collection::Activity => {
                    let failed = RwSignal::new(false);
                    let locate = move |_| {
                        failed.set(false);
                        spawn_local(async move {
                            match crate::geo::here().await {
                                Some(spot) => value.set(spot.text()),
                                None => failed.set(true),
                            }
                        });
                    };
                    view! {
                        <div class="input-with-button">
                            <input id=id name=field type="text" bind:value=value />
                            <button type="button" class="secondary" data-testid="locate" on:click=locate>
                                {move || i18n.t(Text::UseMyLocation)}
                            </button>
                        </div>
                        <Show when=move || failed.get()>
                            <p class="muted small" role="status">{move || i18n.t(Text::LocationUnavailable)}</p>
                        </Show>
                    }
                    .into_any()
                }
                "notes" | "products" => view! {
                    <textarea id=id name=field rows="3" bind:value=value></textarea>
                }
                .into_any(),
                _ => {
                    let kind = match field {
                        "phone" | "phones" => "tel",
                        "email" => "email",
                        "amount" | "size" | "probability" => "text",
                        _ => "text",
                    };
                    let mode = if matches!(field, "amount" | "size" | "probability") {
                        "decimal"
                    } else {
                        "text"
                    };
                    view! { <input id=id name=field type=kind inputmode=mode bind:value=value /> }
                        .into_any()
                }
            }
        }
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{move || field_label(field, i18n.locale())}</label>
            {input}
            <Show when=move || error.get().is_some()>
                <p class="field-error">{move || error.get()}</p>
            </Show>
        </div>
    }
}
