//! The records of the objects a company made itself (`/o/:object`, `/o/:object/:id`): a list
//! with the object's columns, search by name (pinyin and initials too) and sort by any column;
//! a record page with the object's fields, its owner and its history. Everything is read from
//! the schema on the device, so a new object works with no code and offline.

use std::cmp::Ordering;
use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use serde_json::Value as Json;
use shared::i18n::{Locale, Text};
use shared::records::{Patch, SavedView};
use shared::schema::company::SCHEMA_ID;
use shared::schema::{FieldDef, FieldType, ObjectDef, Value};
use shared::search::Query;
use shared::sync::{
    ClientCore, Collection, CreateRecord, DeleteRecord, MutateError, Mutation, Presence, Record,
    UpdateRecord,
};
use shared::{RecordId, UserId};

use crate::components::form::{FormFooter, FormState, SelectField};
use crate::components::search_index::{BackgroundIndex, use_order};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;
use crate::pages::bulk::{BulkBar, SelectRowsButton};
use crate::pages::custom_fields::{CustomInputs, custom_widgets};
use crate::pages::filter_chips::{self, FilterChips};
use crate::pages::form_layout::FormSections;
use crate::pages::list_views::{SavedViews, view_fields};
use crate::pages::not_found::NotFound;
use crate::pages::object_board::{ObjectBoard, groupings};
use crate::pages::records::{
    AddedRelatedLists, RecordHeader, RecordTabs, Timeline, links_here, reassigned, send_in_order,
    use_tab,
};
use crate::sync::{new_uuid, use_sync};

/// Where the list of the custom object `key` lives.
pub fn list_path(key: &str) -> String {
    format!("/o/{key}")
}

/// The list of `key` as a table or a board grouped `by` a field, with its chips (the `where`
/// parameter, URL-encoded already).
fn address(key: &str, by: Option<&str>, chips: &str) -> String {
    let mut params = Vec::new();
    if let Some(by) = by {
        params.push(format!("view=board&by={by}"));
    }
    if !chips.is_empty() {
        params.push(format!("where={chips}"));
    }
    match params.is_empty() {
        true => list_path(key),
        false => format!("{}?{}", list_path(key), params.join("&")),
    }
}

/// Where one record of the custom object `key` lives (`new` for a new one).
pub fn record_path(key: &str, id: impl std::fmt::Display) -> String {
    format!("/o/{key}/{id}")
}

/// The custom object `key` as the device's schema has it (live fields only).
pub fn custom_object(key: &str) -> Option<ObjectDef> {
    let schema = crate::sync::company_schema().schema(&crate::sync::pipelines());
    schema.object(key).filter(|o| !o.system).cloned()
}

/// Every custom object, for the navigation.
pub fn custom_objects() -> Vec<ObjectDef> {
    crate::sync::company_schema()
        .schema(&crate::sync::pipelines())
        .objects
        .into_iter()
        .filter(|o| !o.system)
        .collect()
}

/// The object a page names, once the schema is on the device; `Err(true)` while it may still
/// come, `Err(false)` when there is no such object. Tracked: callers follow the schema's
/// changes (`Sync::changes(Collection::Schema)`) too.
fn page_object(sync: crate::sync::Sync, key: &str) -> Result<ObjectDef, bool> {
    match custom_object(key) {
        Some(object) => Ok(object),
        None => Err(sync.presence(Collection::Schema, SCHEMA_ID) == Presence::Waiting),
    }
}

/// A custom value as a list cell or a page shows it: a choice by its label, a person by name,
/// a linked record by its name.
pub fn shown_value(
    core: &ClientCore,
    def: &FieldDef,
    json: Option<&Json>,
    locale: Locale,
) -> String {
    let Some(json) = json else {
        return String::new();
    };
    let Ok(value) = Value::from_json(&def.field_type, json) else {
        return String::new();
    };
    match &def.field_type {
        FieldType::Link { .. } | FieldType::Links { .. } => {
            let ids: Vec<&str> = match json {
                Json::Array(items) => items.iter().filter_map(Json::as_str).collect(),
                one => one.as_str().into_iter().collect(),
            };
            ids.iter()
                .filter_map(|raw| raw.parse::<RecordId>().ok())
                .filter_map(|id| core.get(id).map(|r| r.body.label()))
                .collect::<Vec<_>>()
                .join(", ")
        }
        FieldType::User { .. } => {
            let ids: Vec<&str> = match json {
                Json::Array(items) => items.iter().filter_map(Json::as_str).collect(),
                one => one.as_str().into_iter().collect(),
            };
            ids.iter()
                .filter_map(|raw| raw.parse::<UserId>().ok())
                .filter_map(|id| core.directory()?.member(id).map(|m| m.name.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        }
        FieldType::Team => json
            .as_str()
            .and_then(|raw| raw.parse::<shared::TeamId>().ok())
            .and_then(|id| core.directory()?.team_name(id).map(str::to_owned))
            .unwrap_or_default(),
        other => value.format(other, locale),
    }
}

/// The columns a list of `object` shows after the name: the admin's list columns, or the first
/// few fields.
fn columns(object: &ObjectDef) -> Vec<FieldDef> {
    object.usual_columns().into_iter().cloned().collect()
}

/// One row of a custom object's list.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: RecordId,
    name: String,
    cells: Vec<String>,
}

/// `/o/:object`
#[component]
pub fn ObjectListPage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| params.with(|p| p.get("object")).unwrap_or_default());
    let sync = use_sync();
    let schema_changed = sync.changes(Collection::Schema);
    let object = Memo::new(move |_| {
        schema_changed.get();
        page_object(sync, &key.get())
    });
    move || match object.get() {
        Ok(object) => view! { <ObjectList object=object /> }.into_any(),
        Err(true) => view! { <div class="page"><Loading /></div> }.into_any(),
        Err(false) => view! { <NotFound /> }.into_any(),
    }
}

#[component]
fn ObjectList(object: ObjectDef) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    // `?view=board&by=<field>`: the records on a board grouped by one of its single selects.
    let query_map = use_query_map();
    let groups: Vec<FieldDef> = groupings(&object).into_iter().cloned().collect();
    let board_by = {
        let groups = groups.clone();
        Memo::new(move |_| {
            let (view, by) = query_map.with(|q| (q.get("view"), q.get("by")));
            (view.as_deref() == Some("board"))
                .then(|| {
                    groups
                        .iter()
                        .find(|g| Some(g.key.as_str()) == by.as_deref())
                        .or(groups.first())
                        .cloned()
                })
                .flatten()
        })
    };
    let changed = sync.changes(Collection::Object);
    let key = object.key.as_str().to_owned();
    let shown = columns(&object);
    let query = RwSignal::new(String::new());
    // The column sorted by (`None`: the name) and whether going down.
    let sort = RwSignal::new(None::<usize>);
    let descending = RwSignal::new(false);
    // Rows ticked for a bulk change; records whose deletion may still be undone are hidden.
    let selecting = RwSignal::new(false);
    let selected = RwSignal::new(HashSet::<RecordId>::new());
    let hidden = RwSignal::new(HashSet::<RecordId>::new());
    // The filter chips, from the address (`?where=`).
    let conditions = {
        let object = object.clone();
        Memo::new(move |_| filter_chips::from_address(&object, query_map.with(|q| q.get("where"))))
    };
    let set_conditions = {
        let key = key.clone();
        let navigate = navigate.clone();
        Callback::new(move |all: Vec<String>| {
            // The board (and its grouping) stays; only the chips change.
            let board = query_map.with_untracked(|q| {
                (q.get("view").as_deref() == Some("board")).then(|| q.get("by").unwrap_or_default())
            });
            navigate(
                &address(&key, board.as_deref(), &filter_chips::to_address(&all)),
                Default::default(),
            );
        })
    };
    // Saved views of this object's list: its chips under a name.
    let belongs = {
        let key = key.clone();
        Callback::new(move |v: SavedView| v.list == Some(Collection::Object) && v.object == key)
    };
    let apply_view = Callback::new(move |v: Option<SavedView>| {
        let chips = v.map(|v| v.chips).unwrap_or_default();
        set_conditions.run(chips.lines().map(str::to_owned).collect());
    });
    let chips_text = move || {
        conditions.with(|c| {
            c.iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let shows_view = Callback::new(move |v: SavedView| v.chips == chips_text());
    let current_view = {
        let key = key.clone();
        Callback::new(move |name: String| {
            view_fields(&SavedView {
                name,
                list: Some(Collection::Object),
                sort: String::new(),
                descending: false,
                filters: Vec::new(),
                columns: Vec::new(),
                object: key.clone(),
                chips: untrack(chips_text),
            })
        })
    };
    // The search index of every custom object's records (the link pickers' too), built in the
    // background as the records change; this list keeps its own object's matches.
    let order = use_order(sync, vec![Collection::Object], |r| r.body.label());
    let index = BackgroundIndex::new(sync, order, ClientCore::search_entry);
    let rows = {
        let key = key.clone();
        let shown = shown.clone();
        let object = object.clone();
        Memo::new(move |_| {
            changed.get();
            let locale = i18n.locale();
            let q = Query::new(&query.get());
            let by = sort.get();
            let down = descending.get();
            let filter = filter_chips::filter_of(&conditions.get());
            let context = crate::pages::custom_fields::context(sync);
            let filter = filter.as_ref().map(|f| f.prepare(&object, &context));
            let matching = (!q.is_empty()).then(|| {
                let found = index.with(|i| i.search(&q, None));
                order.with(|(_, ids)| {
                    found
                        .ranked
                        .iter()
                        .filter_map(|p| ids.get(*p as usize).copied())
                        .collect::<HashSet<RecordId>>()
                })
            });
            sync.with_core(|core| {
                // The sorted column's value of each row, read once (not at each comparison).
                let sorted_by = by.and_then(|i| shown.get(i));
                let mut found: Vec<(Value, Row)> = core
                    .collection(Collection::Object)
                    .filter(|r| r.object_key() == Some(key.as_str()))
                    .filter(|r| !hidden.with(|h| h.contains(&r.id)))
                    .filter(|r| filter.as_ref().is_none_or(|p| p.matches_record(r)))
                    .filter(|r| matching.as_ref().is_none_or(|m| m.contains(&r.id)))
                    .map(|r| {
                        let cells = shown
                            .iter()
                            .map(|def| {
                                shown_value(core, def, r.custom.get(def.key.as_str()), locale)
                            })
                            .collect();
                        let row = Row {
                            id: r.id,
                            name: r.body.label(),
                            cells,
                        };
                        let value = sorted_by
                            .and_then(|def| {
                                let json = r.custom.get(def.key.as_str())?;
                                Value::from_json(&def.field_type, json).ok()
                            })
                            .unwrap_or(Value::Empty);
                        (value, row)
                    })
                    .collect();
                found.sort_by(|(a, ra), (b, rb)| {
                    let order =
                        sorted_by.map_or(Ordering::Equal, |def| a.compare(b, &def.field_type));
                    let order = order.then_with(|| ra.name.cmp(&rb.name));
                    if down { order.reverse() } else { order }
                });
                found.into_iter().map(|(_, row)| row).collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    };
    let name_label = object
        .field(object.name_field.as_str())
        .map(|f| f.label.clone())
        .unwrap_or_default();
    let title = object.name.clone();
    let header_cell = move |index: Option<usize>, label: shared::schema::Labels| {
        let aria = move || {
            if sort.get() != index {
                "none"
            } else if descending.get() {
                "descending"
            } else {
                "ascending"
            }
        };
        let testid = match index {
            Some(i) => format!("sort-column-{i}"),
            None => "sort-name".to_owned(),
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="column-sort" data-testid=testid
                    on:click=move |_| {
                        if sort.get_untracked() == index {
                            descending.update(|d| *d = !*d);
                        } else {
                            sort.set(index);
                            descending.set(false);
                        }
                    }>
                    {move || label.get(i18n.locale()).to_owned()}
                    <span aria-hidden="true">{move || match (sort.get() == index, descending.get()) {
                        (true, false) => " ↑",
                        (true, true) => " ↓",
                        _ => "",
                    }}</span>
                </button>
            </th>
        }
    };
    let heads = {
        let shown = StoredValue::new(shown.clone());
        move || {
            shown.with_value(|shown| {
                shown
                    .iter()
                    .enumerate()
                    .map(|(i, def)| header_cell(Some(i), def.label.clone()))
                    .collect_view()
            })
        }
    };
    let name_label = StoredValue::new(name_label);
    let row_key = StoredValue::new(key.clone());
    let new_path = record_path(&key, "new");
    // The chips as the `where` parameter, which switching views keeps.
    let chips_param = move || {
        conditions.with(|c| {
            let sources: Vec<String> = c.iter().map(|(s, _)| s.clone()).collect();
            filter_chips::to_address(&sources)
        })
    };
    let table_path = {
        let key = key.clone();
        move || address(&key, None, &chips_param())
    };
    let board_path = groups.first().map(|g| {
        let (key, by) = (key.clone(), g.key.as_str().to_owned());
        move || address(&key, Some(&by), &chips_param())
    });
    let group_options = {
        let groups = groups.clone();
        move || {
            let current = board_by.get().map(|g| g.key.as_str().to_owned());
            groups
                .iter()
                .map(|g| {
                    let selected = current.as_deref() == Some(g.key.as_str());
                    let label = g.label.clone();
                    view! { <option value=g.key.as_str().to_owned() selected=selected>{move || label.get(i18n.locale()).to_owned()}</option> }
                })
                .collect_view()
        }
    };
    let regroup = {
        let key = key.clone();
        move |ev: leptos::ev::Event| {
            let by = event_target_value(&ev);
            navigate(
                &address(&key, Some(&by), &untrack(chips_param)),
                Default::default(),
            );
        }
    };
    let board = {
        let object = object.clone();
        move || {
            board_by.get().map(|by| {
                let filter = Signal::derive(move || filter_chips::filter_of(&conditions.get()));
                view! { <ObjectBoard object=object.clone() by=by filter=filter /> }
            })
        }
    };
    let row_labels: StoredValue<Vec<shared::schema::Labels>> =
        StoredValue::new(shown.iter().map(|d| d.label.clone()).collect());
    let count = move || rows.with(Vec::len);
    let listed =
        Callback::new(move |()| rows.with_untracked(|r| r.iter().map(|row| row.id).collect()));
    let empty_text = move || {
        if query.with(String::is_empty) && conditions.with(Vec::is_empty) {
            i18n.t(Text::NoRecords)
        } else {
            i18n.t(Text::NoRecordMatches)
        }
    };
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1 data-testid="object-title">{move || title.get(i18n.locale()).to_owned()}</h1>
                    <span class="muted" data-testid="record-count">{count}" "{move || i18n.t(Text::RecordCount)}</span>
                    <A href=new_path attr:class="button primary" attr:data-testid="new-object-record">
                        {move || i18n.t(Text::NewRecord)}
                    </A>
                </div>
                {board_path.map(|board_path| view! {
                    <nav class="view-switch" aria-label=move || i18n.t(Text::Views)>
                        // Plain links (the router still follows them): both share the path, so
                        // the router's own `aria-current` would mark both.
                        <a href=table_path class="button secondary" data-testid="view-table"
                            aria-current=move || board_by.with(Option::is_none).then_some("page")>
                            {move || i18n.t(Text::ViewTable)}
                        </a>
                        <a href=board_path class="button secondary" data-testid="view-board"
                            aria-current=move || board_by.with(Option::is_some).then_some("page")>
                            {move || i18n.t(Text::ViewBoard)}
                        </a>
                        <Show when=move || board_by.with(Option::is_some)>
                            <label class="sr-only" for="board-by">{move || i18n.t(Text::GroupBy)}</label>
                            <select id="board-by" data-testid="board-by" on:change=regroup.clone()>
                                {group_options.clone()}
                            </select>
                        </Show>
                    </nav>
                })}
                <SavedViews belongs=belongs apply=apply_view current=current_view shows=shows_view />
                <FilterChips object=object.clone() chips=conditions set=set_conditions />
                <Show when=move || board_by.with(Option::is_none) fallback=board.clone()>
                <div class="list-tools">
                    <input type="search" class="list-search" data-testid="object-search"
                        aria-label=move || i18n.t(Text::Search)
                        placeholder=move || i18n.t(Text::Search)
                        bind:value=query />
                    <SelectRowsButton selecting=selecting selected=selected />
                </div>
                <Show when=move || selecting.get()>
                    <BulkBar collection=Collection::Object selected=selected hidden=hidden listed=listed
                        listed_count=Signal::derive(count) />
                </Show>
                <Show when=move || { count() > 0 } fallback=move || view! {
                    <p class="muted" data-testid="object-empty">{empty_text}</p>
                }>
                    <div class="table-scroll">
                        <table class="list object-table" data-testid="object-table">
                            <thead><tr>{header_cell(None, name_label.get_value())}{heads()}</tr></thead>
                            <tbody>
                                <For each=move || rows.get() key=|r| (r.id, r.name.clone(), r.cells.clone()) children={
                                    let key = row_key.get_value();
                                    let labels = row_labels.get_value();
                                    move |row: Row| {
                                        let href = record_path(&key, row.id);
                                        let cells = row.cells.iter().zip(&labels).map(|(text, label)| {
                                            let label = label.clone();
                                            view! { <td data-label=move || label.get(i18n.locale()).to_owned()>{text.clone()}</td> }
                                        }).collect_view();
                                        let id = row.id;
                                        view! {
                                            <tr data-testid="object-row">
                                                <th scope="row">
                                                    <Show when=move || selecting.get()>
                                                        <input type="checkbox" class="row-check" data-testid="select-row"
                                                            aria-label=move || i18n.t(Text::SelectRows)
                                                            prop:checked=move || selected.with(|s| s.contains(&id))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                selected.update(|s| {
                                                                    if on { s.insert(id); } else { s.remove(&id); }
                                                                });
                                                            } />
                                                    </Show>
                                                    <A href=href>{row.name.clone()}</A>
                                                </th>
                                                {cells}
                                            </tr>
                                        }
                                    }
                                } />
                            </tbody>
                        </table>
                    </div>
                </Show>
                </Show>
            </section>
        </div>
    }
}

/// `/o/:object/:id` (`new` for a new record).
#[component]
pub fn ObjectRecordPage() -> impl IntoView {
    let params = use_params_map();
    let sync = use_sync();
    let key = Memo::new(move |_| params.with(|p| p.get("object")).unwrap_or_default());
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let schema_changed = sync.changes(Collection::Schema);
    let object = Memo::new(move |_| {
        schema_changed.get();
        page_object(sync, &key.get())
    });
    // A record opened by its address may still be on its way (see `Presence`); once shown, the
    // editor stays.
    let presence = Memo::new(move |before: Option<&Presence>| {
        let Ok(id) = id.get().parse::<RecordId>() else {
            return Presence::Absent;
        };
        let now = sync.presence(Collection::Object, id);
        before.copied().unwrap_or(Presence::Waiting).then(now)
    });
    move || {
        let object = match object.get() {
            Ok(object) => object,
            Err(true) => return view! { <div class="page"><Loading /></div> }.into_any(),
            Err(false) => return view! { <NotFound /> }.into_any(),
        };
        let raw = id.get();
        if raw == "new" {
            return view! { <ObjectEditor object=object id=None /> }.into_any();
        }
        let Ok(record) = raw.parse::<RecordId>() else {
            return view! { <NotFound /> }.into_any();
        };
        // Of another object: as if it were not there.
        let of_object = sync
            .with_core(|c| {
                c.get(record)
                    .map(|r| r.object_key() == Some(object.key.as_str()))
            })
            .flatten();
        match (presence.get(), of_object) {
            (Presence::Present, Some(true)) => {
                view! { <ObjectEditor object=object id=Some(record) /> }.into_any()
            }
            (Presence::Waiting, _) => {
                view! { <div class="page" data-testid="record-loading"><Loading /></div> }
                    .into_any()
            }
            _ => {
                let i18n = use_i18n();
                view! {
                    <div class="page">
                        <section class="card">
                            <div class="banner error" role="alert" data-testid="record-missing">{move || i18n.t(Text::ErrNotFound)}</div>
                            <A href=list_path(object.key.as_str()) attr:class="button secondary">{move || i18n.t(Text::Back)}</A>
                        </section>
                    </div>
                }
                .into_any()
            }
        }
    }
}

#[component]
fn ObjectEditor(object: ObjectDef, id: Option<RecordId>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let form = FormState::default();
    let banner = RwSignal::new(None::<String>);
    let key = object.key.as_str().to_owned();
    let existing: Option<Record> =
        id.and_then(|id| sync.with_core_untracked(|c| c.get(id).cloned()).flatten());
    let seen = existing.as_ref().map_or(0, |r| r.version);
    let inputs = StoredValue::new(CustomInputs::of_object(&key, existing.as_ref()));
    let owner = RwSignal::new(
        existing
            .as_ref()
            .map(|r| r.owner.to_string())
            .unwrap_or_default(),
    );
    let original_owner = existing.as_ref().map(|r| r.owner);
    let owners = Signal::derive(move || sync.colleagues());
    let list = list_path(&key);
    let go = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(path) = go.get() {
            navigate(&path, Default::default());
        }
    });
    let on_refused = move |e: MutateError| banner.set(form.refused(e, i18n.locale()));
    let submit = {
        let key = key.clone();
        let list = list.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            form.begin();
            banner.set(None);
            let custom = match inputs.with_value(|c| c.changes(id.is_none())) {
                Ok(custom) => custom,
                Err(errors) => {
                    form.invalid(errors);
                    return;
                }
            };
            let mut mutations = Vec::new();
            match id {
                None => mutations.push(Mutation::CreateRecord(CreateRecord {
                    custom,
                    collection: Collection::Object,
                    id: RecordId::from_uuid(new_uuid()),
                    owner: None,
                    fields: [("object".to_owned(), key.clone())].into_iter().collect(),
                })),
                Some(id) => {
                    if !custom.is_empty() {
                        let was = inputs.with_value(|i| i.was(&custom));
                        mutations.push(Mutation::UpdateRecord(UpdateRecord {
                            id,
                            set: Patch::new(),
                            was,
                            seen,
                            custom,
                        }));
                    }
                    mutations.extend(reassigned(id, &owner.get_untracked(), original_owner));
                }
            }
            send_in_order(sync, mutations, (form, on_refused), go, list.clone());
        }
    };
    let delete = {
        let list = list.clone();
        move |_| {
            let Some(id) = id else { return };
            if !window()
                .confirm_with_message(i18n.t(Text::ConfirmDeleteRecord))
                .unwrap_or(false)
            {
                return;
            }
            let list = list.clone();
            spawn_local(async move {
                match sync
                    .mutate(Mutation::DeleteRecord(DeleteRecord { id }))
                    .await
                {
                    Ok(()) => go.set(Some(list)),
                    Err(e) => on_refused(e),
                }
            });
        }
    };
    let name = object.name.clone();
    let title = move || {
        format!(
            "{} · {}",
            name.get(i18n.locale()),
            if id.is_some() {
                i18n.t(Text::EditRecord)
            } else {
                i18n.t(Text::NewRecord)
            }
        )
    };
    let message = Signal::derive(move || banner.get());
    let widgets = {
        let inputs = inputs.get_value();
        let now = {
            let inputs = inputs.clone();
            Memo::new(move |_| inputs.typed_values())
        };
        let items = custom_widgets(form, inputs, Vec::new());
        view! { <FormSections object=object.clone() items=items now=now /> }
    };
    // A record's page: its header, and on a phone tabs for the form and the timeline.
    let tab = use_tab();
    let tabs = id.map(|id| {
        let mut offered = vec![("details", Text::TabDetails)];
        if links_here(object.key.as_str()) {
            offered.push(("related", Text::TabRelated));
        }
        offered.push(("timeline", Text::Timeline));
        view! { <RecordTabs path=record_path(object.key.as_str(), id) offered=offered tab=tab /> }
    });
    let header = id.map(|id| {
        view! { <RecordHeader collection=Collection::Object id=id back=list.clone() stage=None /> }
    });
    view! {
        <div class="page record-page" data-tab=move || tab.get()>
            {header}
            {tabs}
            <section class="card tab-details">
                {id.is_none().then(|| view! {
                    <div class="section-header">
                        <h1>{title}</h1>
                        <A href=list.clone() attr:class="button secondary">{move || i18n.t(Text::Back)}</A>
                    </div>
                })}
                <ErrorBanner message=message />
                <form class="form" data-testid="record-form" on:submit=submit novalidate>
                    {widgets}
                    <Show when=move || id.is_some()>
                        <SelectField form=form name="owner" id_prefix="record" label=Text::Owner value=owner options=owners />
                    </Show>
                    <FormFooter form=form submit=Text::Save>
                        <Show when=move || id.is_some()>
                            <button type="button" class="danger" data-testid="delete-record" on:click=delete.clone()>
                                {move || i18n.t(Text::Delete)}
                            </button>
                        </Show>
                    </FormFooter>
                </form>
            </section>
            {id.map(|id| view! {
                <div class="related-lists tab-related"><AddedRelatedLists target=object.key.as_str().to_owned() id=id /></div>
            })}
            {id.map(|id| view! { <div class="tab-timeline"><Timeline collection=Collection::Object id=id /></div> })}
        </div>
    }
}
