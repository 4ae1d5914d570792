//! The deals' pipeline board ([`PipelinePage`]): a column per stage, cards dragged with a
//! mouse or a finger, stage gates checked as on the server.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::RecordId;
use shared::format;
use shared::i18n::{Locale, Text, problem_text};
use shared::records::DEFAULT_PIPELINE;
use shared::records::labels::field_label;
use shared::sync::{Collection, MutateError, Mutation, Rejection, UpdateRecord};

use crate::i18n::use_i18n;
use crate::pages::board_touch::TouchDrag;
use crate::sync::use_sync;
use shared::i18n::rejection_text;

/// A deal as the board shows it.
#[derive(Debug, Clone, PartialEq)]
struct Card {
    id: RecordId,
    version: i64,
    name: String,
    stage: String,
    money: String,
    pipeline: RecordId,
}

/// Moves a deal to `stage`, as a card dropped on the board or a tap on a record page's stage
/// bar does: `Ok` once the device took it (or the deal was there already), else what to tell
/// the person (a gate names the fields it needs).
pub(super) async fn move_stage(
    sync: crate::sync::Sync,
    id: RecordId,
    stage: String,
    locale: Locale,
) -> Result<(), String> {
    let Some((from, seen)) = sync
        .with_core_untracked(|c| {
            c.get(id)
                .and_then(|r| r.as_deal().map(|d| (d.stage.clone(), r.version)))
        })
        .flatten()
    else {
        return Ok(());
    };
    if from == stage {
        return Ok(());
    }
    let mutation = Mutation::UpdateRecord(UpdateRecord {
        custom: Default::default(),
        id,
        set: [("stage".to_owned(), stage)].into_iter().collect(),
        was: [("stage".to_owned(), from)].into_iter().collect(),
        seen,
    });
    match sync.mutate(mutation).await {
        Ok(()) => Ok(()),
        Err(MutateError::Rejected(Rejection::Invalid { errors })) => {
            let gated: Vec<&str> = errors
                .iter()
                .filter(|e| e.problem.code() == "required_for_stage")
                .map(|e| field_label(&e.field, locale))
                .collect();
            Err(if gated.is_empty() {
                errors
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {}",
                            field_label(&e.field, locale),
                            problem_text(&e.problem, locale)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                format!("{}{}", Text::GateNeeds.get(locale), gated.join("、"))
            })
        }
        Err(MutateError::Rejected(reason)) => Err(rejection_text(&reason).get(locale).to_owned()),
        Err(MutateError::NotReady) => Err(Text::SyncNotReady.get(locale).to_owned()),
    }
}

/// `/pipeline`: deals by stage of one pipeline (a picker when an admin set up several); drag a
/// card to another column (or pick the stage from its menu, which works with touch and
/// keyboard). A stage gate's refusal shows on the card.
#[component]
pub fn PipelinePage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let pipelines = sync.pipelines();
    let chosen = RwSignal::new(DEFAULT_PIPELINE);
    let cards = Memo::new(move |_| {
        let locale = i18n.locale();
        sync.with_core(|core| {
            let mut cards: Vec<(Card, Option<(String, i64)>)> = core
                .collection(Collection::Deal)
                .filter_map(|r| {
                    let d = r.as_deal()?;
                    Some((
                        Card {
                            id: r.id,
                            version: r.version,
                            name: d.name.clone(),
                            stage: d.stage.clone(),
                            money: d
                                .amount
                                .map(|a| format::money(locale, &d.currency, a))
                                .unwrap_or_default(),
                            pipeline: d.pipeline.unwrap_or(DEFAULT_PIPELINE),
                        },
                        d.amount.map(|a| (d.currency.clone(), a)),
                    ))
                })
                .collect();
            cards.sort_by(|a, b| a.0.name.cmp(&b.0.name));
            cards
        })
        .unwrap_or_default()
    });
    let refusals = RwSignal::new(BTreeMap::<RecordId, String>::new());
    let dragging = RwSignal::new(None::<RecordId>);
    let touch = TouchDrag::new();
    let board = NodeRef::<leptos::html::Div>::new();
    let move_deal = move |id: RecordId, stage: String| {
        spawn_local(async move {
            let outcome = move_stage(sync, id, stage, i18n.locale()).await;
            refusals.update(|r| match outcome {
                Ok(()) => {
                    r.remove(&id);
                }
                Err(text) => {
                    r.insert(id, text);
                }
            });
        });
    };
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match board.get() {
            Some(el) => {
                touch.attach(&el, move_deal);
                true
            }
            None => false,
        }
    });
    let columns = move || {
        let id = chosen.get();
        let pipeline = pipelines.with(|all| all.get(Some(id)).clone());
        let keys: Vec<String> = pipeline.stages.iter().map(|s| s.key.clone()).collect();
        let first = keys.first().cloned().unwrap_or_default();
        // Deals in a stage this pipeline no longer has wait in its first column.
        let column_of = move |card: &Card| {
            if keys.contains(&card.stage) {
                card.stage.clone()
            } else {
                first.clone()
            }
        };
        let stages = pipeline.stages.clone();
        pipeline
            .stages
            .into_iter()
            .map(|stage| {
                let key = stage.key.clone();
                let name = move || stage.name(i18n.locale() == Locale::En).to_owned();
                let in_stage = {
                    let key = key.clone();
                    let column_of = column_of.clone();
                    Memo::new(move |_| {
                        cards.with(|all| {
                            all.iter()
                                .filter(|(c, _)| c.pipeline == id && column_of(c) == key)
                                .cloned()
                                .collect::<Vec<_>>()
                        })
                    })
                };
                let total = Memo::new(move |_| {
                    in_stage.with(|cards| {
                        let mut by_currency: BTreeMap<String, i64> = BTreeMap::new();
                        for (_, money) in cards {
                            if let Some((currency, amount)) = money {
                                *by_currency.entry(currency.clone()).or_default() += amount;
                            }
                        }
                        by_currency
                            .into_iter()
                            .map(|(c, a)| format::money(i18n.locale(), &c, a))
                            .collect::<Vec<_>>()
                            .join(" + ")
                    })
                });
                let drop_key = key.clone();
                let stages = stages.clone();
                view! {
                    <section class="stage-column" data-stage=key.clone()
                        class:drop-target={
                            let key = key.clone();
                            move || touch.over.with(|o| o.as_deref() == Some(key.as_str()))
                        }
                        on:dragover=move |ev| ev.prevent_default()
                        on:drop=move |ev| {
                            ev.prevent_default();
                            if let Some(id) = dragging.get_untracked() {
                                move_deal(id, drop_key.clone());
                            }
                        }>
                        <header class="stage-header">
                            <strong>{name}</strong>
                            <span class="muted small">{move || in_stage.with(Vec::len)}</span>
                            <span class="muted small" data-testid="stage-total">{move || total.get()}</span>
                        </header>
                        <For
                            each=move || in_stage.get()
                            key=|(c, _)| (c.id, c.version, c.stage.clone())
                            children=move |(card, _)| {
                                let id = card.id;
                                let options = stages.iter().map(|s| {
                                    let selected = s.key == card.stage;
                                    let label = s.name(i18n.locale() == Locale::En).to_owned();
                                    view! { <option value=s.key.clone() selected=selected>{label}</option> }
                                }).collect_view();
                                view! {
                                    <article class="deal-card board-card" draggable="true" data-testid="deal-card" data-id=id.to_string()
                                        class:lifted=move || touch.lifted.get() == Some(id)
                                        on:dragstart=move |_| dragging.set(Some(id))>
                                        <A href=format!("/r/deals/{id}") attr:class="record-title">{card.name.clone()}</A>
                                        <span class="muted">{card.money.clone()}</span>
                                        <label class="sr-only" for=format!("move-{id}")>{move || i18n.t(Text::MoveTo)}</label>
                                        <select id=format!("move-{id}") data-testid="move-deal"
                                            on:change=move |ev| move_deal(id, event_target_value(&ev))>
                                            {options}
                                        </select>
                                        <Show when=move || refusals.with(|r| r.contains_key(&id))>
                                            <p class="field-error" role="alert" data-testid="gate-error">
                                                {move || refusals.with(|r| r.get(&id).cloned())}
                                            </p>
                                        </Show>
                                    </article>
                                }
                            }
                        />
                    </section>
                }
            })
            .collect_view()
    };
    let picker = move || {
        let all = pipelines.get();
        (all.list().len() > 1).then(|| {
            let main = i18n.t(Text::MainPipeline);
            let options = all
                .list()
                .iter()
                .map(|(id, _)| {
                    let selected = *id == chosen.get_untracked();
                    view! { <option value=id.to_string() selected=selected>{all.name_of(*id, main)}</option> }
                })
                .collect_view();
            view! {
                <select data-testid="pipeline-picker" aria-label=move || i18n.t(Text::PipelineSettings)
                    on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() {
                            chosen.set(id);
                        }
                    }>
                    {options}
                </select>
            }
        })
    };
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1>{move || i18n.t(Text::PipelineTitle)}</h1>
                    {picker}
                    <A href="/r/deals/new" attr:class="button primary" attr:data-testid="new-deal">{move || i18n.t(Text::NewRecord)}</A>
                </div>
                <div class="board" data-testid="pipeline" node_ref=board>{columns}</div>
            </section>
        </div>
    }
}
