//! Changing many records of a list at once: hand them to a colleague, add a tag, or delete
//! them. A deletion waits a few seconds with an "undo" button before it is queued; until then
//! the records are only hidden from the list.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::i18n::Text;
use shared::records::fields::add_tag;
use shared::records::fields_of;
use shared::sync::{AssignRecord, Collection, DeleteRecord, MutateError, Mutation, UpdateRecord};
use shared::{RecordId, UserId};

use crate::i18n::use_i18n;
use crate::sync::{Sync, pause, use_sync};
use shared::i18n::rejection_text;

/// How long a deletion can be undone, in milliseconds.
const UNDO_MS: i32 = 6000;

/// A deletion that can still be undone.
#[derive(Clone)]
struct Pending {
    ids: Vec<RecordId>,
    undone: Arc<AtomicBool>,
}

/// What the last bulk change did, for the line under the bar.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Changed(usize),
    Refused {
        done: usize,
        refused: usize,
        why: Text,
    },
}

/// The bar shown while rows are being selected. `listed` gives what the list shows now (read
/// only for "select all"); `listed_count` is how many that is.
/// "select all"); `hidden` the records whose deletion may still be undone.
/// The button that starts ticking a list's rows for the bulk bar, and ends it (the ticks go).
#[component]
pub fn SelectRowsButton(
    selecting: RwSignal<bool>,
    selected: RwSignal<HashSet<RecordId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="secondary" data-testid="select-rows"
            aria-pressed=move || selecting.get().to_string()
            on:click=move |_| {
                selecting.update(|s| *s = !*s);
                selected.set(HashSet::new());
            }>
            {move || if selecting.get() { i18n.t(Text::SelectDone) } else { i18n.t(Text::SelectRows) }}
        </button>
    }
}

#[component]
pub fn BulkBar(
    collection: Collection,
    selected: RwSignal<HashSet<RecordId>>,
    hidden: RwSignal<HashSet<RecordId>>,
    listed: Callback<(), Vec<RecordId>>,
    #[prop(into)] listed_count: Signal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let owner = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let pending = RwSignal::new(None::<Pending>);
    let busy = RwSignal::new(false);
    let has_tags = fields_of(collection).contains(&"tags");
    let count = Memo::new(move |_| selected.with(HashSet::len));
    let owners = Memo::new(move |_| sync.colleagues());

    // Run one mutation per selected record, then say how it went.
    let run = move |make: Box<dyn Fn(RecordId) -> Option<Mutation>>| {
        let ids: Vec<RecordId> = selected.with_untracked(|s| s.iter().copied().collect());
        if ids.is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = apply_all(sync, &ids, &make).await;
            let _ = busy.try_set(false);
            let _ = outcome.try_set(Some(result));
            let _ = selected.try_set(HashSet::new());
        });
    };
    let assign = move |_| {
        let Ok(to) = owner.get_untracked().parse::<UserId>() else {
            return;
        };
        run(Box::new(move |id| {
            Some(Mutation::AssignRecord(AssignRecord { id, owner: to }))
        }));
    };
    let add = move |_| {
        let new = tag.get_untracked();
        if new.trim().is_empty() {
            return;
        }
        tag.set(String::new());
        run(Box::new(move |id| {
            let (current, seen) = sync
                .with_core_untracked(|c| c.get(id).map(|r| (r.body.text("tags"), r.version)))
                .flatten()?;
            let next = add_tag(&current, &new);
            (next != current).then(|| {
                Mutation::UpdateRecord(UpdateRecord {
                    custom: Default::default(),
                    id,
                    set: [("tags".to_owned(), next)].into_iter().collect(),
                    was: [("tags".to_owned(), current)].into_iter().collect(),
                    seen,
                })
            })
        }));
    };
    let delete = move |_| {
        let ids: Vec<RecordId> = selected.with_untracked(|s| s.iter().copied().collect());
        if ids.is_empty() {
            return;
        }
        // An earlier deletion still waiting goes ahead now.
        if let Some(earlier) = pending.get_untracked() {
            commit(sync, earlier, hidden, outcome);
        }
        hidden.update(|h| h.extend(ids.iter().copied()));
        selected.set(HashSet::new());
        outcome.set(None);
        let this = Pending {
            ids,
            undone: Arc::new(AtomicBool::new(false)),
        };
        pending.set(Some(this.clone()));
        spawn_local(async move {
            pause(UNDO_MS).await;
            if pending
                .try_with_untracked(|p| {
                    p.as_ref()
                        .is_some_and(|p| Arc::ptr_eq(&p.undone, &this.undone))
                })
                .unwrap_or(false)
            {
                let _ = pending.try_set(None);
            }
            commit(sync, this, hidden, outcome);
        });
    };
    let undo = move |_| {
        if let Some(p) = pending.get_untracked() {
            p.undone.store(true, Ordering::SeqCst);
            hidden.update(|h| {
                for id in &p.ids {
                    h.remove(id);
                }
            });
            pending.set(None);
        }
    };
    let select_all = move |_| {
        let all: HashSet<RecordId> = listed.run(()).into_iter().collect();
        let everything = selected.with_untracked(|s| s.len() == all.len());
        selected.set(if everything { HashSet::new() } else { all });
    };
    view! {
        <div class="bulk-bar" data-testid="bulk-bar" role="region" aria-label=move || i18n.t(Text::SelectRows)>
            <span data-testid="selected-count">{move || format!("{} {}", i18n.t(Text::SelectedCount), count.get())}</span>
            <button type="button" class="secondary" data-testid="select-all" on:click=select_all>
                {move || if count.get() > 0 && count.get() == listed_count.get() { i18n.t(Text::SelectNone) } else { i18n.t(Text::SelectAll) }}
            </button>
            <label class="sr-only" for="bulk-owner">{move || i18n.t(Text::AssignTo)}</label>
            <select id="bulk-owner" data-testid="bulk-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                <option value="">{move || i18n.t(Text::AssignTo)}</option>
                {move || owners.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            <button type="button" class="secondary" data-testid="bulk-assign"
                disabled=move || busy.get() || count.get() == 0 || owner.with(String::is_empty)
                on:click=assign>{move || i18n.t(Text::Assign)}</button>
            <Show when=move || has_tags>
                <label class="sr-only" for="bulk-tag">{move || i18n.t(Text::TagToAdd)}</label>
                <input id="bulk-tag" type="text" data-testid="bulk-tag" bind:value=tag
                    placeholder=move || i18n.t(Text::TagToAdd) />
                <button type="button" class="secondary" data-testid="bulk-add-tag"
                    disabled=move || busy.get() || count.get() == 0
                    on:click=add>{move || i18n.t(Text::AddTag)}</button>
            </Show>
            <button type="button" class="danger" data-testid="bulk-delete"
                disabled=move || busy.get() || count.get() == 0
                on:click=delete>{move || i18n.t(Text::Delete)}</button>
        </div>
        <Show when=move || pending.with(Option::is_some)>
            <p class="banner" role="status" data-testid="undo-banner">
                {move || format!("{} {}", pending.with(|p| p.as_ref().map_or(0, |p| p.ids.len())), i18n.t(Text::BulkDeleted))}
                " "
                <button type="button" class="secondary" data-testid="undo" on:click=undo>{move || i18n.t(Text::Undo)}</button>
            </p>
        </Show>
        <Show when=move || outcome.with(Option::is_some)>
            <p class="muted" role="status" data-testid="bulk-outcome">
                {move || match outcome.get() {
                    Some(Outcome::Changed(n)) => format!("{n} {}", i18n.t(Text::BulkChanged)),
                    Some(Outcome::Refused { done, refused, why }) => format!(
                        "{done} {} {refused} {} {why}",
                        i18n.t(Text::BulkChanged),
                        i18n.t(Text::BulkRefused),
                        why = i18n.t(why),
                    ),
                    None => String::new(),
                }}
            </p>
        </Show>
    }
}

/// Queue the deletion unless it was undone; the records stay hidden once deleted.
fn commit(
    sync: Sync,
    pending: Pending,
    hidden: RwSignal<HashSet<RecordId>>,
    outcome: RwSignal<Option<Outcome>>,
) {
    if pending.undone.swap(true, Ordering::SeqCst) {
        return;
    }
    spawn_local(async move {
        let result = apply_all(sync, &pending.ids, |id| {
            Some(Mutation::DeleteRecord(DeleteRecord { id }))
        })
        .await;
        // Refused deletions come back into the list.
        let _ = hidden.try_update(|h| {
            for id in &pending.ids {
                if sync.with_core_untracked(|c| c.get(*id).is_some()) == Some(true) {
                    h.remove(id);
                }
            }
        });
        if matches!(result, Outcome::Refused { .. }) {
            let _ = outcome.try_set(Some(result));
        }
    });
}

/// Queue `make(id)` for every id (skipping `None`); count what went through and what was refused.
async fn apply_all(
    sync: Sync,
    ids: &[RecordId],
    make: impl Fn(RecordId) -> Option<Mutation>,
) -> Outcome {
    let (mut done, mut refused, mut why) = (0, 0, None);
    for id in ids {
        let Some(mutation) = make(*id) else {
            continue;
        };
        match sync.mutate(mutation).await {
            Ok(()) => done += 1,
            Err(e) => {
                refused += 1;
                why.get_or_insert(match e {
                    MutateError::Rejected(reason) => rejection_text(&reason),
                    MutateError::NotReady => Text::SyncNotReady,
                });
            }
        }
    }
    match why {
        None => Outcome::Changed(done),
        Some(why) => Outcome::Refused { done, refused, why },
    }
}
