//! A custom object's records as a board (`/o/:object?view=board&by=<field>`): a column per
//! choice of one of its single selects (and one for records without a choice), a card per
//! record; a card moves by mouse, by a long press and a finger (`board_touch`), or by its
//! "move to" menu from the keyboard. A move is an edit of that one field, offline too.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use serde_json::{Map, Value as Json};
use shared::RecordId;
use shared::i18n::Text;
use shared::records::Patch;
use shared::schema::{FieldDef, FieldType, ObjectDef};
use shared::sync::{Collection, MutateError, Mutation, UpdateRecord};

use crate::i18n::use_i18n;
use crate::pages::board_touch::TouchDrag;
use crate::pages::objects::record_path;
use crate::sync::use_sync;
use shared::i18n::rejection_text;

/// A record on the board.
#[derive(Debug, Clone, PartialEq)]
struct Card {
    id: RecordId,
    version: i64,
    name: String,
    /// The choice it is in (empty: none).
    choice: String,
}

/// The single selects a board of `object` can be grouped by.
pub fn groupings(object: &ObjectDef) -> Vec<&FieldDef> {
    object
        .fields
        .iter()
        .filter(|f| matches!(f.field_type, FieldType::SingleSelect { .. }))
        .collect()
}

#[component]
pub fn ObjectBoard(
    object: ObjectDef,
    by: FieldDef,
    /// The list's filter chips, as one filter (`None`: every record).
    filter: Signal<Option<shared::query::Filter>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let changed = sync.changes(Collection::Object);
    let key = object.key.as_str().to_owned();
    let field = by.key.as_str().to_owned();
    let cards = {
        let key = key.clone();
        let field = field.clone();
        let object = object.clone();
        Memo::new(move |_| {
            changed.get();
            let filter = filter.get();
            let context = crate::pages::custom_fields::context(sync);
            let filter = filter.as_ref().map(|f| f.prepare(&object, &context));
            sync.with_core(|core| {
                let mut cards: Vec<Card> = core
                    .collection(Collection::Object)
                    .filter(|r| r.object_key() == Some(key.as_str()))
                    .filter(|r| filter.as_ref().is_none_or(|p| p.matches_record(r)))
                    .map(|r| Card {
                        id: r.id,
                        version: r.version,
                        name: r.body.label(),
                        choice: r
                            .custom
                            .get(field.as_str())
                            .and_then(Json::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    })
                    .collect();
                cards.sort_by(|a, b| a.name.cmp(&b.name));
                cards
            })
            .unwrap_or_default()
        })
    };
    let problem = RwSignal::new(None::<(RecordId, String)>);
    let dragging = RwSignal::new(None::<RecordId>);
    let touch = TouchDrag::new();
    let board = NodeRef::<leptos::html::Div>::new();
    let move_card = {
        let field = field.clone();
        move |id: RecordId, to: String| {
            let Some((from, seen)) = sync
                .with_core_untracked(|c| {
                    c.get(id).map(|r| {
                        let from = shared::sync::crm::custom_text(r.custom.get(field.as_str()));
                        (from, r.version)
                    })
                })
                .flatten()
            else {
                return;
            };
            if from == to {
                return;
            }
            let value = if to.is_empty() {
                Json::Null
            } else {
                Json::String(to)
            };
            let custom: Map<String, Json> = [(field.clone(), value)].into_iter().collect();
            let was: Patch = [(field.clone(), from)].into_iter().collect();
            let mutation = Mutation::UpdateRecord(UpdateRecord {
                id,
                set: Patch::new(),
                was,
                seen,
                custom,
            });
            spawn_local(async move {
                match sync.mutate(mutation).await {
                    Ok(()) => problem.set(None),
                    Err(MutateError::Rejected(reason)) => problem.set(Some((
                        id,
                        rejection_text(&reason).get(i18n.locale()).to_owned(),
                    ))),
                    Err(MutateError::NotReady) => {
                        problem.set(Some((id, i18n.t(Text::SyncNotReady).to_owned())));
                    }
                }
            });
        }
    };
    {
        let move_card = move_card.clone();
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            match board.get() {
                Some(el) => {
                    touch.attach(&el, move_card.clone());
                    true
                }
                None => false,
            }
        });
    }
    let choices: Vec<(String, shared::schema::Labels)> = by
        .field_type
        .choices()
        .iter()
        .filter(|c| !c.retired)
        .map(|c| (c.key.clone(), c.label.clone()))
        .chain(std::iter::once((
            String::new(),
            shared::schema::Labels::new(
                Text::NotSet.get(shared::i18n::Locale::ZhCn),
                Text::NotSet.get(shared::i18n::Locale::En),
            ),
        )))
        .collect();
    let columns = choices
        .iter()
        .map(|(choice, label)| {
            let in_column = {
                let choice = choice.clone();
                let known: Vec<String> = choices.iter().map(|(k, _)| k.clone()).collect();
                // A record whose choice was retired waits with those without one.
                Memo::new(move |_| {
                    cards.with(|all| {
                        all.iter()
                            .filter(|c| {
                                let column = if known.contains(&c.choice) {
                                    c.choice.as_str()
                                } else {
                                    ""
                                };
                                column == choice
                            })
                            .cloned()
                            .collect::<Vec<_>>()
                    })
                })
            };
            let label = label.clone();
            let drop_to = choice.clone();
            let on_drop = move_card.clone();
            let move_card = move_card.clone();
            let choices = choices.clone();
            let key = key.clone();
            let over = choice.clone();
            view! {
                <section class="stage-column" data-stage=choice.clone() data-testid="board-column"
                    class:drop-target=move || touch.over.with(|o| o.as_deref() == Some(over.as_str()))
                    on:dragover=move |ev| ev.prevent_default()
                    on:drop=move |ev| {
                        ev.prevent_default();
                        if let Some(id) = dragging.get_untracked() {
                            on_drop(id, drop_to.clone());
                        }
                    }>
                    <header class="stage-header">
                        <strong>{move || label.get(i18n.locale()).to_owned()}</strong>
                        <span class="muted small">{move || in_column.with(Vec::len)}</span>
                    </header>
                    <For each=move || in_column.get() key=|c| (c.id, c.version, c.choice.clone()) children=move |card| {
                        let id = card.id;
                        let options = choices.iter().map(|(k, l)| {
                            let selected = *k == card.choice;
                            let l = l.clone();
                            view! { <option value=k.clone() selected=selected>{move || l.get(i18n.locale()).to_owned()}</option> }
                        }).collect_view();
                        let move_card = move_card.clone();
                        view! {
                            <article class="deal-card board-card" draggable="true" data-testid="object-card" data-id=id.to_string()
                                class:lifted=move || touch.lifted.get() == Some(id)
                                on:dragstart=move |_| dragging.set(Some(id))>
                                <A href=record_path(&key, id) attr:class="record-title">{card.name.clone()}</A>
                                <label class="sr-only" for=format!("move-{id}")>{move || i18n.t(Text::MoveTo)}</label>
                                <select id=format!("move-{id}") data-testid="move-card"
                                    on:change=move |ev| move_card(id, event_target_value(&ev))>
                                    {options}
                                </select>
                                <Show when=move || problem.with(|p| p.as_ref().is_some_and(|(i, _)| *i == id))>
                                    <p class="field-error" role="alert">
                                        {move || problem.with(|p| p.as_ref().map(|(_, text)| text.clone()))}
                                    </p>
                                </Show>
                            </article>
                        }
                    } />
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="board" node_ref=board data-testid="object-board">{columns}</div>
    }
}
