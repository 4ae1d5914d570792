//! Sync in the browser: the device's copy (IndexedDB + the `shared` sync core in memory), the
//! outbox pushed to the server, and pulls on every poke, on reconnect, on focus, after each push
//! and every 45 s. Pages read records through [`Sync::with_core`] and change them only through
//! [`Sync::mutate`], which works the same online and offline. Of several tabs, one talks to the
//! server and tells the others what changed ([`tabs`]).

pub mod files;
pub mod idb;
pub mod page;
pub mod tabs;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::RecordId;
use shared::sync::{
    ClientCore, Collection, MutateError, Mutation, Presence, PullRequest, PullResponse,
    PushRequest, PushResponse, SCHEMA_VERSION,
};
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{self, Failure};
use idb::{Replay, Store};
use page::PageRead;
use tabs::{Channel, Heard, Leadership, Message};

/// Most mutations per push.
const PUSH_BATCH: usize = 1000;

/// Longest stretch of reading the saved copy in the background before letting the page run.
const SLICE_MS: i64 = 8;
/// Records whose custom values are built between two looks at the clock.
const SETTLE_RECORDS: usize = 250;

/// Segments in the store after which they are rewritten (reading stays a few hundred reads).
const COMPACT_AFTER: usize = 1500;

/// Which collections to read first for the screen at `path` (it draws once they are in), and
/// the others.
fn reading_order(path: &str) -> (Vec<Collection>, Vec<Collection>) {
    let segment = |i: usize| path.split('/').nth(i).unwrap_or_default();
    // The schema (one record) first everywhere: forms and lists read custom fields from it.
    let mut first: Vec<Collection> = match segment(1) {
        "contacts" => vec![Collection::Contact],
        "r" => crate::paths::collection_of(segment(2))
            .into_iter()
            .collect(),
        "pipeline" => vec![Collection::Deal],
        "o" => vec![Collection::Object],
        "" => vec![Collection::Deal, Collection::Activity, Collection::Task],
        "sync-issues" => vec![Collection::Issue],
        _ => Collection::ALL.to_vec(),
    };
    if !first.contains(&Collection::Schema) {
        first.insert(0, Collection::Schema);
    }
    let rest = Collection::ALL
        .into_iter()
        .filter(|c| !first.contains(c))
        .collect();
    (first, rest)
}

fn current_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// Let the browser run its other tasks (input, drawing) for `ms` milliseconds at least before
/// going on.
pub async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let queued = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .ok()
        });
        if queued.is_none() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The sync state pages show, and the handle to change data.
#[derive(Debug, Clone, Copy)]
pub struct Sync {
    /// Bumped whenever the records the user sees may have changed.
    pub rev: RwSignal<u64>,
    /// Whether the last exchange with the server worked.
    pub online: RwSignal<bool>,
    pub pending: RwSignal<usize>,
    pub last_synced: RwSignal<Option<i64>>,
    /// Records received so far while the device downloads everything for the first time.
    pub downloading: RwSignal<Option<usize>>,
    /// The device knows its user and colleagues (synced at least once).
    pub ready: RwSignal<bool>,
    /// The collections read from the device's copy so far (bit `Collection::index`).
    read: RwSignal<u32>,
    /// The pinyin table has arrived (search indexes are worked out again with it).
    pub readings: RwSignal<bool>,
}

fn bit(collection: Collection) -> u32 {
    1 << collection.index()
}

struct Engine {
    store: Store,
    client: Uuid,
    core: RefCell<ClientCore>,
    /// Still reading the saved copy: changes wait, other tabs' messages are kept for later,
    /// and this tab does not sync yet.
    loading: Cell<bool>,
    /// Segments in the store; past [`COMPACT_AFTER`] they are rewritten as a few large ones.
    segments: Cell<usize>,
    busy: Cell<bool>,
    again: Cell<bool>,
    failures: Cell<u32>,
    /// Changes the engine's life: a new sign-in starts a new generation.
    generation: u64,
    /// This tab talks to the server (the others hear from it over `channel`).
    leader: Cell<bool>,
    channel: Channel,
    leadership: RefCell<Option<Leadership>>,
}

thread_local! {
    static ENGINE: RefCell<Option<Rc<Engine>>> = const { RefCell::new(None) };
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    static EVENTS: RefCell<Option<web_sys::EventSource>> = const { RefCell::new(None) };
    /// What other tabs said while this one was still reading its saved copy.
    static INBOX: RefCell<Vec<Heard>> = const { RefCell::new(Vec::new()) };
    /// Pull pages heard from the leading tab, applied one after the other, each with the
    /// generation it was heard in (a loop still draining after a new sign-in applies the new
    /// sign-in's pages, not drops them).
    static PAGES: RefCell<VecDeque<(u64, String)>> = const { RefCell::new(VecDeque::new()) };
    static APPLYING_PAGES: Cell<bool> = const { Cell::new(false) };
}

fn engine() -> Option<Rc<Engine>> {
    ENGINE.with(|e| e.borrow().clone())
}

/// A value read from the device's copy, and which copy (engine, generation, changes of its
/// collection) it was read from. The engine's address is part of the key: two engines' copies
/// may have counted as many changes.
type Cache<T> = RefCell<Option<((usize, u64, u64), Rc<T>)>>;

thread_local! {
    /// The pipelines as last read (none yet: a copy read from the device's store may not have
    /// counted a change).
    static PIPELINES: Cache<shared::records::Pipelines> = const { RefCell::new(None) };
    /// The company's schema as last read.
    static SCHEMA: Cache<shared::schema::company::CompanySchema> = const { RefCell::new(None) };
}

/// What `read` makes of the device's copy, read again only when `collection` changes (the
/// default before the copy is open).
fn read_cached<T: Default>(
    cache: &'static std::thread::LocalKey<Cache<T>>,
    collection: Collection,
    read: impl FnOnce(&ClientCore) -> T,
) -> Rc<T> {
    let Some(engine) = engine() else {
        return Rc::default();
    };
    let core = engine.core.borrow();
    let key = (
        Rc::as_ptr(&engine) as usize,
        GENERATION.with(Cell::get),
        core.changes(collection),
    );
    cache.with(|cache| {
        let mut cache = cache.borrow_mut();
        match &*cache {
            Some((read_from, value)) if *read_from == key => value.clone(),
            _ => {
                let value = Rc::new(read(&core));
                *cache = Some((key, value.clone()));
                value
            }
        }
    })
}

/// The deal pipelines on this device (the standard one until an admin saves one), read again
/// only when they change. Untracked: screens that must follow them track
/// `Sync::changes(Collection::Pipeline)`.
pub fn pipelines() -> Rc<shared::records::Pipelines> {
    read_cached(&PIPELINES, Collection::Pipeline, ClientCore::pipelines)
}

/// The company's schema on this device (custom objects and fields; empty until an admin
/// changes it), read again only when it changes. Untracked: screens that must follow it track
/// `Sync::changes(Collection::Schema)`.
pub fn company_schema() -> Rc<shared::schema::company::CompanySchema> {
    read_cached(&SCHEMA, Collection::Schema, ClientCore::company_schema)
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A new UUIDv7 from the browser's clock and its cryptographic random numbers.
pub fn new_uuid() -> Uuid {
    let mut random = [0u8; 10];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut random);
    }
    let millis = u64::try_from(now_ms()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

impl Sync {
    pub fn provide() -> Self {
        let sync = Sync {
            rev: RwSignal::new(0),
            online: RwSignal::new(true),
            pending: RwSignal::new(0),
            last_synced: RwSignal::new(None),
            downloading: RwSignal::new(None),
            ready: RwSignal::new(false),
            read: RwSignal::new(0),
            readings: RwSignal::new(shared::readings::installed()),
        };
        provide_context(sync);
        // Made here, with the app's own signals, so that it lives as long as the app (a
        // screen that made it first would take it with it when it closes).
        files::provide_changes(RwSignal::new(0));
        sync.listen_to_the_browser();
        sync
    }

    /// Open the user's local copy and start syncing it.
    pub fn start(self, user: String) {
        let generation = GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        self.read.set(0);
        spawn_local(async move {
            // Listen to the other tabs before reading the saved copy, so that nothing they
            // say meanwhile is missed.
            INBOX.with(|i| i.borrow_mut().clear());
            PAGES.with(|p| p.borrow_mut().clear());
            let channel = Channel::open(&user, move |message| self.hear(generation, message));
            let store = match Store::open(&user).await {
                Ok(store) => store,
                Err(e) => {
                    web_sys::console::error_1(&format!("{e}").into());
                    return;
                }
            };
            let saved = store.load().await.unwrap_or_default();
            let client = match saved.client {
                Some(client) => client,
                None => {
                    let client = new_uuid();
                    let _ = store.set_client(client).await;
                    client
                }
            };
            // The records the screen being opened shows come first; it draws while the rest
            // is read.
            let (first, rest) = reading_order(&current_path());
            let mut core = ClientCore::restore(
                Vec::new(),
                saved.pending,
                saved.cursor,
                saved.directory,
                saved.next_mutation_id,
            );
            // Their saved texts first, then the records read from them (two marks: where
            // opening spends its time).
            let mut texts = Vec::with_capacity(first.len());
            for collection in &first {
                texts.push(store.segments_of(*collection).await.unwrap_or_default());
            }
            crate::marks::mark("core-texts");
            for (collection, texts) in first.iter().zip(texts) {
                let mut replay = Replay::new(*collection, false);
                for text in texts {
                    replay.add(&text);
                }
                core.load_collection(*collection, replay.finish());
            }
            crate::marks::mark("core-ready");
            if GENERATION.with(Cell::get) != generation {
                channel.close();
                return;
            }
            self.last_synced.set(saved.last_synced);
            self.ready.set(core.is_ready());
            self.pending.set(core.pending().len());
            // A first download cut short goes on where it stopped.
            if core.cursor().is_some() && !saved.complete {
                self.downloading.set(Some(0));
            }
            self.read
                .set(first.iter().fold(0, |bits, c| bits | bit(*c)));
            ENGINE.with(|e| {
                *e.borrow_mut() = Some(Rc::new(Engine {
                    store,
                    client,
                    core: RefCell::new(core),
                    loading: Cell::new(true),
                    segments: Cell::new(saved.segments),
                    busy: Cell::new(false),
                    again: Cell::new(false),
                    failures: Cell::new(0),
                    generation,
                    leader: Cell::new(false),
                    channel,
                    leadership: RefCell::new(None),
                }))
            });
            self.rev.update(|r| *r += 1);
            // The other collections, a few milliseconds of work at a time, so that the screen
            // keeps answering (typing, scrolling) meanwhile.
            for collection in rest {
                let Some(engine) = engine().filter(|e| e.generation == generation) else {
                    return;
                };
                let texts = engine
                    .store
                    .segments_of(collection)
                    .await
                    .unwrap_or_default();
                let mut replay = Replay::new(collection, true);
                let mut slice = now_ms();
                for text in texts {
                    replay.add(&text);
                    if now_ms() - slice >= SLICE_MS {
                        pause(0).await;
                        slice = now_ms();
                    }
                }
                engine
                    .core
                    .borrow_mut()
                    .load_collection(collection, replay.finish());
                self.read.update(|bits| *bits |= bit(collection));
                self.rev.update(|r| *r += 1);
                pause(0).await;
            }
            // The first screen's records were read without building their custom values
            // (each record builds them when first asked): built now, a slice at a time.
            for collection in &first {
                let Some(ids) = engine()
                    .filter(|e| e.generation == generation)
                    .map(|e| e.core.borrow().unsettled(*collection))
                else {
                    return;
                };
                let mut slice = now_ms();
                for chunk in ids.chunks(SETTLE_RECORDS) {
                    let Some(engine) = engine().filter(|e| e.generation == generation) else {
                        return;
                    };
                    engine.core.borrow_mut().settle_custom(*collection, chunk);
                    if now_ms() - slice >= SLICE_MS {
                        pause(0).await;
                        slice = now_ms();
                    }
                }
            }
            crate::marks::mark("all-loaded");
            // Search by pinyin needs the table of readings: fetched now that the screen is up.
            spawn_local(crate::readings::load(self));
            let Some(loaded) = engine().filter(|e| e.generation == generation) else {
                return;
            };
            loaded.loading.set(false);
            // What other tabs said while this one was reading its copy.
            for message in INBOX.with(|i| std::mem::take(&mut *i.borrow_mut())) {
                self.hear(generation, message);
            }
            match Leadership::request(&user, move || self.lead(generation)) {
                Some(leadership) => {
                    if let Some(engine) = engine() {
                        *engine.leadership.borrow_mut() = Some(leadership);
                    }
                }
                None => self.lead(generation),
            }
        });
    }

    /// This tab got the sync lock: talk to the server from now on.
    fn lead(self, generation: u64) {
        let Some(engine) = engine().filter(|e| e.generation == generation) else {
            return;
        };
        engine.leader.set(true);
        self.open_events();
        self.sync_now();
    }

    /// A message from another tab of this profile.
    fn hear(self, generation: u64, heard: Heard) {
        let Some(engine) = engine().filter(|e| e.generation == generation && !e.loading.get())
        else {
            if GENERATION.with(Cell::get) == generation {
                INBOX.with(|i| i.borrow_mut().push(heard));
            }
            return;
        };
        let message = match heard {
            Heard::Message(message) => message,
            Heard::Page(text) => {
                PAGES.with(|p| p.borrow_mut().push_back((generation, text)));
                if !APPLYING_PAGES.with(|a| a.replace(true)) {
                    spawn_local(async move {
                        while let Some((heard_in, text)) =
                            PAGES.with(|p| p.borrow_mut().pop_front())
                        {
                            self.take_page(heard_in, &text).await;
                        }
                        APPLYING_PAGES.with(|a| a.set(false));
                    });
                }
                return;
            }
        };
        match message {
            Message::Mutation { envelope } => {
                engine.core.borrow_mut().add_pending(envelope, now_ms());
                self.pending.set(engine.core.borrow().pending().len());
                self.rev.update(|r| *r += 1);
                self.sync_now();
            }
            Message::Status { online } => {
                if !engine.leader.get() {
                    self.online.set(online);
                }
            }
            Message::SyncNow => self.sync_now(),
        }
    }

    /// A pull page the leading tab saved: apply it here too (read a slice at a time).
    async fn take_page(self, generation: u64, text: &str) {
        let current = || engine().filter(|e| e.generation == generation && !e.leader.get());
        if current().is_none() {
            return;
        }
        let page = match page::read(text).await {
            Ok(PageRead { page, .. }) => page,
            Err(e) => {
                web_sys::console::warn_1(&format!("tab page: {e}").into());
                return;
            }
        };
        let Some(engine) = current() else {
            return;
        };
        let stale = engine
            .core
            .borrow()
            .cursor()
            .is_some_and(|mine| page.cursor.version < mine.version || page.cursor == *mine);
        if stale {
            return;
        }
        self.apply_page(&engine, page, now_ms(), true, true);
    }

    /// Apply a pull page to the device's copy and tell the screens: how far a download has
    /// come (when `downloading`) and, when something `changed`, that there is something new
    /// (during a download, once at its end).
    fn apply_page(
        self,
        engine: &Engine,
        page: PullResponse,
        now: i64,
        downloading: bool,
        changed: bool,
    ) {
        let more = page.more;
        let received = page.puts.len();
        engine.core.borrow_mut().apply_pull(page, now);
        self.last_synced.set(Some(now));
        self.pending.set(engine.core.borrow().pending().len());
        self.ready.set(engine.core.borrow().is_ready());
        if downloading {
            self.downloading
                .set(more.then(|| self.downloading.get_untracked().unwrap_or(0) + received));
        }
        if changed && !(downloading && more) {
            self.rev.update(|r| *r += 1);
        }
    }

    /// Forget the signed-in user's engine (the local copy stays for their next sign-in).
    pub fn stop(self) {
        GENERATION.with(|g| g.set(g.get() + 1));
        if let Some(engine) = ENGINE.with(|e| e.borrow_mut().take()) {
            if let Some(leadership) = engine.leadership.borrow_mut().take() {
                leadership.release();
            }
            engine.channel.close();
        }
        EVENTS.with(|e| {
            if let Some(source) = e.borrow_mut().take() {
                source.close();
            }
        });
        self.ready.set(false);
        self.pending.set(0);
        self.read.set(0);
        self.downloading.set(None);
        self.rev.update(|r| *r += 1);
    }

    /// Read the records (tracked: re-runs when they change).
    pub fn with_core<T>(self, f: impl FnOnce(&ClientCore) -> T) -> Option<T> {
        self.rev.track();
        engine().map(|e| f(&e.core.borrow()))
    }

    /// Read the records without tracking; pair it with [`Sync::changes`].
    pub fn with_core_untracked<T>(self, f: impl FnOnce(&ClientCore) -> T) -> Option<T> {
        engine().map(|e| f(&e.core.borrow()))
    }

    /// Whether the record `id` of `collection` can be shown yet (tracked): it may still be on
    /// its way while the device reads its copy or downloads for the first time.
    pub fn presence(self, collection: Collection, id: RecordId) -> Presence {
        let found = self
            .with_core(|c| c.get(id).is_some_and(|r| r.collection() == collection))
            .unwrap_or(false);
        let read = self.read.with(|bits| bits & bit(collection) != 0);
        Presence::of(found, read, self.settled())
    }

    /// Whether the device has what the server had when it last synced: it has synced once and
    /// is not in the middle of a first download (tracked). Screens that sum up many records
    /// (the dashboard) wait for it rather than drawing a partial picture.
    pub fn settled(self) -> bool {
        self.ready.get() && self.downloading.with(Option::is_none)
    }

    /// The active colleagues a record can be handed to, as `(user id, name)` (tracked).
    pub fn colleagues(self) -> Vec<(String, String)> {
        self.with_core(|c| {
            c.directory()
                .map(|d| {
                    d.users
                        .iter()
                        .filter(|m| m.active)
                        .map(|m| (m.id.to_string(), m.name.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default()
    }

    /// A value that changes only when what the user sees of `collection` may have changed:
    /// a screen of contacts tracks it rather than every change of every record.
    pub fn changes(self, collection: Collection) -> Memo<(u64, u64)> {
        Memo::new(move |_| {
            let generation = GENERATION.with(Cell::get);
            let changes = self.with_core(|core| core.changes(collection)).unwrap_or(0);
            (generation, changes)
        })
    }

    /// The deal pipelines, followed as an admin changes them (tracked).
    pub fn pipelines(self) -> Memo<shared::records::Pipelines> {
        let changed = self.changes(shared::sync::Collection::Pipeline);
        Memo::new(move |_| {
            changed.get();
            (*pipelines()).clone()
        })
    }

    /// Make a change: checked and shown at once, saved in the outbox, pushed when possible.
    pub async fn mutate(self, mutation: Mutation) -> Result<(), MutateError> {
        let Some(engine) = engine() else {
            return Err(MutateError::NotReady);
        };
        // Checked against every record: wait until the saved copy is read (about a second
        // after opening the app at most).
        while engine.loading.get() {
            pause(20).await;
        }
        let now = now_ms();
        let envelope = engine.core.borrow().prepare(&mutation, now)?;
        let at_least = engine.core.borrow().next_mutation_id();
        let envelope = engine
            .store
            .enqueue(envelope, at_least)
            .await
            .map_err(|_| MutateError::NotReady)?;
        engine.channel.send(&Message::Mutation {
            envelope: envelope.clone(),
        });
        engine.core.borrow_mut().add_pending(envelope, now);
        self.pending.set(engine.core.borrow().pending().len());
        self.rev.update(|r| *r += 1);
        self.sync_now();
        Ok(())
    }

    /// Push and pull now (or right after the exchange in progress). Only the leading tab talks
    /// to the server; the others leave it to the leader, which hears of their changes.
    pub fn sync_now(self) {
        let Some(engine) = engine().filter(|e| e.leader.get()) else {
            return;
        };
        if engine.busy.replace(true) {
            engine.again.set(true);
            return;
        }
        spawn_local(async move {
            loop {
                engine.again.set(false);
                let result = self.exchange(&engine).await;
                if GENERATION.with(Cell::get) != engine.generation {
                    return;
                }
                engine.channel.send(&Message::Status {
                    online: !matches!(result, Err(Failure::Offline)),
                });
                match result {
                    Ok(()) => {
                        engine.failures.set(0);
                        self.online.set(true);
                        files::upload_soon();
                    }
                    Err(Failure::Offline) => {
                        self.online.set(false);
                        self.retry_later(&engine);
                    }
                    Err(failure) => {
                        web_sys::console::warn_1(&format!("sync: {failure:?}").into());
                        self.retry_later(&engine);
                    }
                }
                if !engine.again.get() {
                    break;
                }
            }
            engine.busy.set(false);
        });
    }

    /// Sync now: this tab if it leads, else ask the leading tab.
    fn wake(self) {
        match engine() {
            Some(engine) if !engine.leader.get() => engine.channel.send(&Message::SyncNow),
            _ => self.sync_now(),
        }
    }

    /// Try again after 1, 2, 4 … 60 seconds.
    fn retry_later(self, engine: &Engine) {
        let failures = engine.failures.get().saturating_add(1);
        engine.failures.set(failures);
        let wait = Duration::from_secs(1u64 << failures.min(6)).min(Duration::from_secs(60));
        set_timeout(move || self.sync_now(), wait);
    }

    async fn exchange(self, engine: &Engine) -> Result<(), Failure> {
        // Other tabs of this profile may have queued changes.
        if let Ok(saved) = engine.store.pending().await {
            let now = now_ms();
            let mut core = engine.core.borrow_mut();
            for envelope in saved {
                core.add_pending(envelope, now);
            }
        }
        let mut pushed_upto = 0u64;
        loop {
            let batch: Vec<_> = engine
                .core
                .borrow()
                .pending()
                .iter()
                .filter(|m| m.id > pushed_upto)
                .take(PUSH_BATCH)
                .cloned()
                .collect();
            let Some(last) = batch.last().map(|m| m.id) else {
                break;
            };
            let request = PushRequest {
                client_group: engine.client,
                client: engine.client,
                schema_version: SCHEMA_VERSION,
                mutations: batch,
            };
            let _: PushResponse = api::post("/api/sync/push", &request).await?;
            pushed_upto = last;
        }
        loop {
            let first = engine.core.borrow().cursor().is_none();
            if first {
                crate::marks::mark("download-start");
            }
            let request = PullRequest {
                client_group: engine.client,
                client: engine.client,
                schema_version: SCHEMA_VERSION,
                cursor: engine.core.borrow().cursor().cloned(),
            };
            let text = api::post_text("/api/sync/pull", &request).await?;
            if GENERATION.with(Cell::get) != engine.generation {
                return Ok(());
            }
            // A page may hold thousands of records: read a slice at a time.
            let PageRead { page, texts } = page::read(&text).await.map_err(Failure::Unexpected)?;
            if GENERATION.with(Cell::get) != engine.generation {
                return Ok(());
            }
            let more = page.more;
            let done: Vec<u64> = match page.last_mutation_id {
                Some(last) => engine
                    .core
                    .borrow()
                    .pending()
                    .iter()
                    .map(|m| m.id)
                    .filter(|id| *id <= last)
                    .collect(),
                None => Vec::new(),
            };
            let now = now_ms();
            let changed = !page.puts.is_empty()
                || !page.deletes.is_empty()
                || !done.is_empty()
                || page.directory.is_some()
                || page.reset;
            // Which collection each deleted record was in (no borrow is held across awaits).
            let deleted: HashMap<RecordId, Collection> = {
                let core = engine.core.borrow();
                page.deletes
                    .iter()
                    .filter_map(|id| Some((*id, core.confirmed(*id)?.collection())))
                    .collect()
            };
            let written = engine
                .store
                .save_page(&page, &texts, &done, now, |id| deleted.get(&id).copied())
                .await
                .map_err(|e| Failure::Unexpected(e.to_string()))?;
            drop(texts);
            engine.segments.set(if page.reset {
                written
            } else {
                engine.segments.get() + written
            });
            engine.channel.send_page(&text);
            drop(text);
            let downloading = first || self.downloading.get_untracked().is_some();
            self.apply_page(engine, page, now, downloading, changed);
            if !more {
                if downloading {
                    crate::marks::mark("download-end");
                }
                break;
            }
        }
        // Many small segments: rewrite them as a few large ones (nothing else writes now).
        if engine.segments.get() > COMPACT_AFTER {
            let segments = idb::compacted(engine.core.borrow().confirmed_records())
                .map_err(|e| Failure::Unexpected(e.to_string()))?;
            let written = engine
                .store
                .compact(segments)
                .await
                .map_err(|e| Failure::Unexpected(e.to_string()))?;
            engine.segments.set(written);
        }
        Ok(())
    }

    /// Pokes from the server over server-sent events.
    fn open_events(self) {
        EVENTS.with(|e| {
            if let Some(old) = e.borrow_mut().take() {
                old.close();
            }
        });
        let Ok(source) = web_sys::EventSource::new("/api/sync/events") else {
            return;
        };
        let on_poke = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| self.sync_now());
        let _ = source.add_event_listener_with_callback("poke", on_poke.as_ref().unchecked_ref());
        on_poke.forget();
        EVENTS.with(|e| *e.borrow_mut() = Some(source));
    }

    /// Sync when the network comes back, when the app comes to the front, and every 45 s.
    fn listen_to_the_browser(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_online = Closure::<dyn Fn()>::new(move || {
            self.online.set(true);
            spawn_local(crate::readings::load(self));
            self.wake();
        });
        let on_offline = Closure::<dyn Fn()>::new(move || self.online.set(false));
        let on_focus = Closure::<dyn Fn()>::new(move || self.wake());
        let _ =
            window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        let _ =
            window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        let _ = window.add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref());
        on_online.forget();
        on_offline.forget();
        on_focus.forget();
        let _ = set_interval_with_handle(move || self.sync_now(), Duration::from_secs(45));
    }
}

pub fn use_sync() -> Sync {
    expect_context::<Sync>()
}
