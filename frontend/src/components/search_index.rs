//! A list's search index ([`shared::search::Index`]), built in the background a few
//! milliseconds at a time after the list changes, so that neither opening the app nor the first
//! keystroke waits for the pinyin of 100,000 names. Someone who types before it is done gets it
//! finished at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::RecordId;
use shared::search::{Entry, Index};
use shared::sync::{ClientCore, Collection, Record};

use crate::sync::{Sync, now_ms, pause};

/// Longest stretch of index building before the page gets to run.
const SLICE_MS: i64 = 8;

/// Records in a list's order, with a version that changes whenever the order is worked out
/// again.
pub type Order = (u64, Vec<RecordId>);

/// The records of `collections` ordered by `key` (then id), worked out again whenever one of
/// those collections changes: the order of a list and of its [`BackgroundIndex`].
pub fn use_order(
    sync: Sync,
    collections: Vec<Collection>,
    key: fn(&Record) -> String,
) -> Memo<Order> {
    use_order_where(sync, collections, key, |_| true)
}

/// As [`use_order`], of the records `keep` keeps (one custom object's, say).
pub fn use_order_where(
    sync: Sync,
    collections: Vec<Collection>,
    key: fn(&Record) -> String,
    keep: impl Fn(&Record) -> bool + Send + std::marker::Sync + 'static,
) -> Memo<Order> {
    let changed: Vec<_> = collections.iter().map(|c| sync.changes(*c)).collect();
    let version = StoredValue::new(0u64);
    Memo::new_with_compare(
        move |_| {
            for c in &changed {
                let _ = c.get();
            }
            version.update_value(|v| *v += 1);
            let ids = sync
                .with_core_untracked(|core| {
                    let mut all: Vec<(String, RecordId)> = collections
                        .iter()
                        .flat_map(|c| core.collection(*c))
                        .filter(|r| keep(r))
                        .map(|r| (key(r), r.id))
                        .collect();
                    all.sort_unstable();
                    all.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
                })
                .unwrap_or_default();
            (version.get_value(), ids)
        },
        |_, _| true,
    )
}

#[derive(Default)]
struct State {
    /// The version of the order the entries are for.
    version: u64,
    /// Whether the entries have pinyin forms (made after the pinyin table arrived).
    readings: bool,
    entries: Vec<Entry>,
    index: Option<Index>,
}

impl State {
    /// Build more of the index for `order` (from scratch if the order changed), until done or,
    /// with a deadline, until it passes. True when the index is complete.
    fn advance(
        &mut self,
        order: &Order,
        core: &ClientCore,
        entry: fn(&ClientCore, &Record) -> Entry,
        deadline: Option<i64>,
    ) -> bool {
        let (version, ids) = order;
        let readings = shared::readings::installed();
        if self.version != *version || self.readings != readings {
            *self = State {
                version: *version,
                readings,
                ..State::default()
            };
        }
        if self.index.is_some() {
            return true;
        }
        while let Some(id) = ids.get(self.entries.len()) {
            self.entries
                .push(core.get(*id).map(|r| entry(core, r)).unwrap_or_default());
            if self.entries.len().is_multiple_of(256) && deadline.is_some_and(|d| now_ms() >= d) {
                return false;
            }
        }
        self.index = Some(Index::new(std::mem::take(&mut self.entries)));
        true
    }
}

/// The search index of a list whose order is `order` (positions in the index are positions in
/// the order).
#[derive(Clone, Copy)]
pub struct BackgroundIndex {
    state: StoredValue<State>,
    order: Memo<Order>,
    entry: fn(&ClientCore, &Record) -> Entry,
    sync: Sync,
}

impl BackgroundIndex {
    pub fn new(sync: Sync, order: Memo<Order>, entry: fn(&ClientCore, &Record) -> Entry) -> Self {
        let state = StoredValue::new(State::default());
        let this = BackgroundIndex {
            state,
            order,
            entry,
            sync,
        };
        // Each new order (or the pinyin table's arrival) starts a builder; an older one stops
        // at its next slice.
        Effect::new(move |_| {
            let version = order.with(|(v, _)| *v);
            sync.readings.track();
            spawn_local(async move {
                loop {
                    pause(0).await;
                    if order.try_with_untracked(|(v, _)| *v) != Some(version) {
                        return;
                    }
                    let deadline = Some(now_ms() + SLICE_MS);
                    match this.advance(deadline) {
                        Some(false) => continue,
                        _ => return,
                    }
                }
            });
        });
        this
    }

    /// Build more; `None` when the page is gone.
    fn advance(self, deadline: Option<i64>) -> Option<bool> {
        let entry = self.entry;
        self.order.try_with_untracked(|order| {
            self.sync
                .with_core_untracked(|core| {
                    self.state
                        .try_update_value(|s| s.advance(order, core, entry, deadline))
                })
                .flatten()
                .unwrap_or(true)
        })
    }

    /// Run `f` with the complete index (finishing it now if need be). Tracks the order and the
    /// pinyin table.
    pub fn with<T>(self, f: impl FnOnce(&Index) -> T) -> T {
        self.order.with(|_| ());
        self.sync.readings.track();
        self.advance(None);
        match self.state.try_update_value(|s| s.index.take()).flatten() {
            Some(index) => {
                let out = f(&index);
                self.state.update_value(|s| s.index = Some(index));
                out
            }
            None => f(&Index::default()),
        }
    }
}
