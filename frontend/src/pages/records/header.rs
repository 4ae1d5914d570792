//! A record page's header, above its tabs: the record's name, its kind, owner and key facts,
//! kept up to date as the record changes; for a deal, its pipeline's stages as a bar to tap
//! (the gates checked as on the board, a refusal said under the bar).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::RecordId;
use shared::i18n::{Locale, Text};
use shared::records::labels::{collection_label, field_label};
use shared::sync::{Body, ClientCore, Collection, Record};

use super::board::move_stage;
use super::list::detail;
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// What the header shows of a record.
#[derive(Debug, Clone, PartialEq)]
struct Facts {
    name: String,
    owner: String,
    detail: String,
    /// A deal's pipeline stages (key, name) and the stage it is in.
    stages: Option<(Vec<(String, String)>, String)>,
}

/// What matters most about a custom object's record: its first list columns' values.
fn object_detail(core: &ClientCore, record: &Record, key: &str, locale: Locale) -> String {
    let Some(object) = crate::pages::objects::custom_object(key) else {
        return String::new();
    };
    object
        .usual_columns()
        .into_iter()
        .take(3)
        .map(|def| {
            crate::pages::objects::shown_value(
                core,
                def,
                record.custom.get(def.key.as_str()),
                locale,
            )
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The header of the page of record `id`; `back` is the list it came from. A stage moved
/// here is also set in `stage`, the form's value, so that the form shows it.
#[component]
pub(crate) fn RecordHeader(
    collection: Collection,
    id: RecordId,
    back: String,
    stage: Option<RwSignal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let changed = sync.changes(collection);
    let pipelines = sync.pipelines();
    let facts = Memo::new(move |_| {
        changed.track();
        let locale = i18n.locale();
        sync.with_core(|core| {
            let record = core.get(id)?;
            let owner = core
                .directory()
                .and_then(|d| d.member(record.owner))
                .map(|m| m.name.clone())
                .unwrap_or_default();
            let stages = record.as_deal().map(|deal| {
                let all = pipelines.with(|p| {
                    p.get(deal.pipeline)
                        .stages
                        .iter()
                        .map(|s| (s.key.clone(), s.name(locale == Locale::En).to_owned()))
                        .collect()
                });
                (all, deal.stage.clone())
            });
            let detail = match (&record.body, record.object_key()) {
                (Body::Object(_), Some(key)) => object_detail(core, record, key, locale),
                _ => detail(record, locale),
            };
            Some(Facts {
                name: record.body.label(),
                owner,
                detail,
                stages,
            })
        })
        .flatten()
    });
    let refusal = RwSignal::new(None::<String>);
    let moving = RwSignal::new(false);
    let tap = move |key: String| {
        if moving.get_untracked() {
            return;
        }
        moving.set(true);
        spawn_local(async move {
            let outcome = move_stage(sync, id, key.clone(), i18n.locale()).await;
            moving.set(false);
            match outcome {
                Ok(()) => {
                    refusal.set(None);
                    if let Some(stage) = stage {
                        stage.set(key);
                    }
                }
                Err(text) => refusal.set(Some(text)),
            }
        });
    };
    let bar = move || {
        facts
            .with(|f| f.as_ref().and_then(|f| f.stages.clone()))
            .map(|(stages, now)| {
                let at = stages.iter().position(|(k, _)| *k == now);
                let steps = stages
                    .into_iter()
                    .enumerate()
                    .map(|(i, (key, name))| {
                        let current = at == Some(i);
                        let done = at.is_some_and(|at| i < at);
                        let chosen = key.clone();
                        view! {
                            <li class="stage-step" class:current=current class:done=done>
                                <button type="button" data-testid="stage-step" data-key=key
                                    aria-current=current.then_some("step")
                                    disabled=move || moving.get()
                                    on:click=move |_| tap(chosen.clone())>
                                    {name}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <ol class="stage-bar" data-testid="stage-bar"
                        aria-label=move || field_label("stage", i18n.locale())>
                        {steps}
                    </ol>
                }
            })
    };
    let text = move |f: fn(&Facts) -> String| {
        move || facts.with(|x| x.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <header class="card record-header" data-testid="record-header">
            <div class="section-header">
                <div class="record-heading">
                    <span class="muted small">{move || collection_label(collection, i18n.locale())}</span>
                    <h1 data-testid="record-name">{text(|f| f.name.clone())}</h1>
                </div>
                <A href=back attr:class="button secondary">{move || i18n.t(Text::Back)}</A>
            </div>
            <p class="record-facts muted">
                <span data-testid="record-detail">{text(|f| f.detail.clone())}</span>
                <Show when=move || facts.with(|f| f.as_ref().is_some_and(|f| !f.owner.is_empty()))>
                    <span data-testid="record-owner">
                        {move || i18n.t(Text::Owner)}": "{text(|f| f.owner.clone())}
                    </span>
                </Show>
            </p>
            {bar}
            <Show when=move || refusal.with(Option::is_some)>
                <p class="field-error" role="alert" data-testid="stage-error">
                    {move || refusal.get()}
                </p>
            </Show>
        </header>
    }
}

/// The tab a record page shows on a phone, from its address (`?tab=related`, `?tab=timeline`;
/// else the details).
pub(crate) fn use_tab() -> Memo<&'static str> {
    let query = use_query_map();
    Memo::new(move |_| match query.with(|q| q.get("tab")).as_deref() {
        Some("related") => "related",
        Some("timeline") => "timeline",
        _ => "details",
    })
}

/// A record page's tabs on a phone (the page at `path`; `offered`: each tab's key and name,
/// followed as they change: a link field added by an admin brings the related tab); the one
/// shown is marked. Wider screens show every part and no tabs.
#[component]
pub(crate) fn RecordTabs(
    path: String,
    #[prop(into)] offered: Signal<Vec<(&'static str, Text)>>,
    tab: Memo<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="tabs record-tabs" aria-label=move || i18n.t(Text::TabDetails)>
            {move || offered.get().into_iter().map(|(key, text)| {
                let path = path.clone();
                let href = if key == "details" { path.clone() } else { format!("{path}?tab={key}") };
                view! {
                    <a href=href class="tab" data-testid=format!("tab-{key}")
                        aria-current=move || (tab.get() == key).then_some("page")>
                        {move || i18n.t(text)}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}
