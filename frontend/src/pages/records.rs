//! Accounts, leads, deals, activities and tasks: a list per collection and an editor built from
//! the kind's fields (`shared::records`), over the device's copy, online or offline. Leads have
//! a "convert" button; deals move through stages on the pipeline board ([`PipelinePage`]).

use std::collections::{BTreeMap, HashSet};

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::format;
use shared::i18n::{Locale, Text, problem_text};
use shared::ids::IdMap;
use shared::query::Filter;
use shared::records::labels::{choices_with, collection_label, field_label};
use shared::records::{self, DEFAULT_PIPELINE, Patch};
use shared::rows::{SortKey, sort_positions};
use shared::schema::{ObjectDef, builtin};
use shared::search::{Found, Query};
use shared::sync::{
    AssignRecord, Body, ClientCore, Collection, ConvertDeal, ConvertLead, CreateRecord,
    DeleteRecord, MutateError, Mutation, Presence, Record, Rejection, UpdateRecord,
};
use shared::{RecordId, UserId};
use wasm_bindgen::JsValue;

use crate::components::form::{FormFooter, FormState, SelectField};
use crate::components::link_picker::{LinkPicker, LinksPicker};
use crate::components::search_index::{BackgroundIndex, use_order};
use crate::components::virtual_rows::{ListRow, VirtualList};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;
use crate::pages::board_touch::TouchDrag;
use crate::pages::bulk::{BulkBar, SelectRowsButton};
use crate::pages::custom_fields::{CustomInputs, custom_widgets};
use crate::pages::filter_chips::FilterChips;
use crate::pages::form_layout::FormSections;
use crate::pages::list_views::{ColumnPicker, ListSettings, ViewPicker};
use crate::pages::not_found::NotFound;
use crate::pages::sync_issues::rejection_text;
use crate::sync::{new_uuid, use_sync};

/// The collection a path segment names.
pub fn collection_of(segment: &str) -> Option<Collection> {
    Some(match segment {
        "accounts" => Collection::Account,
        "leads" => Collection::Lead,
        "deals" => Collection::Deal,
        "activities" => Collection::Activity,
        "tasks" => Collection::Task,
        _ => return None,
    })
}

/// Where a collection's list lives.
pub fn list_path(collection: Collection) -> String {
    match collection {
        Collection::Contact => "/contacts".to_owned(),
        c => format!("/r/{}", segment_of(c)),
    }
}

/// Where one record's page lives (`new` for a new one).
pub fn record_path(collection: Collection, id: impl std::fmt::Display) -> String {
    format!("{}/{id}", list_path(collection))
}

pub fn segment_of(collection: Collection) -> &'static str {
    match collection {
        Collection::Account => "accounts",
        Collection::Lead => "leads",
        Collection::Deal => "deals",
        Collection::Activity => "activities",
        Collection::Task => "tasks",
        Collection::Contact => "contacts",
        Collection::Issue => "sync-issues",
        Collection::View => "views",
        Collection::Change => "changes",
        Collection::Pipeline => "pipelines",
        Collection::Schema => "schema",
        Collection::Object => "o",
    }
}

/// The reassignment an editor's owner field asks for: to the person chosen, when they are not
/// the record's owner already.
pub(crate) fn reassigned(id: RecordId, chosen: &str, owner: Option<UserId>) -> Option<Mutation> {
    let new_owner = chosen.parse::<UserId>().ok()?;
    // The record moves to them (and their team).
    (Some(new_owner) != owner).then_some(Mutation::AssignRecord(AssignRecord {
        id,
        owner: new_owner,
    }))
}

/// Send an editor's `mutations` in order; the first refusal is shown (`refused`) and stops the
/// rest, else the form is done and the page goes to `then`.
pub(crate) fn send_in_order(
    sync: crate::sync::Sync,
    mutations: Vec<Mutation>,
    (form, refused): (FormState, impl Fn(MutateError) + 'static),
    go: RwSignal<Option<String>>,
    then: String,
) {
    spawn_local(async move {
        for mutation in mutations {
            if let Err(e) = sync.mutate(mutation).await {
                refused(e);
                return;
            }
        }
        form.done();
        go.set(Some(then));
    });
}

/// Where a record's page lives: its collection's, or its custom object's.
pub fn path_of(record: &Record) -> String {
    match (&record.body, record.object_key()) {
        (Body::Object(_), Some(key)) => crate::pages::objects::record_path(key, record.id),
        _ => record_path(record.collection(), record.id),
    }
}

/// The allowed values of a choice field (deal stages and pipelines as this device has them; a
/// custom single select's choices).
pub fn choices(
    collection: Collection,
    field: &str,
    locale: Locale,
) -> Option<Vec<(String, String)>> {
    choices_with(collection, field, locale, &crate::sync::pipelines()).or_else(|| {
        custom_field(collection, field).and_then(|def| match def.field_type {
            shared::schema::FieldType::SingleSelect { options } => Some(
                options
                    .iter()
                    .map(|c| (c.key.clone(), c.label.get(locale).to_owned()))
                    .collect(),
            ),
            _ => None,
        })
    })
}

/// The live custom field `field` of `collection`'s object, if it is one.
/// (For custom objects' records, the first custom object with such a field.)
fn custom_field(collection: Collection, field: &str) -> Option<shared::schema::FieldDef> {
    let schema = crate::sync::company_schema();
    match shared::schema::builtin::object_key(collection) {
        Some(key) => schema
            .custom_fields(key)
            .find(|f| f.key.as_str() == field)
            .cloned(),
        None if collection == Collection::Object => schema
            .objects
            .iter()
            .filter(|o| !o.system)
            .flat_map(|o| o.fields.iter())
            .find(|f| f.key.as_str() == field && f.deleted_at.is_none())
            .cloned(),
        None => None,
    }
}

/// The custom fields of `collection`'s object as `(key, label)`.
pub fn custom_fields(collection: Collection, locale: Locale) -> Vec<(String, String)> {
    let Some(key) = shared::schema::builtin::object_key(collection) else {
        return Vec::new();
    };
    crate::sync::company_schema()
        .custom_fields(key)
        .map(|f| (f.key.as_str().to_owned(), f.label.get(locale).to_owned()))
        .collect()
}

/// A choice's label, or the raw value.
fn choice_label(collection: Collection, field: &str, value: &str, locale: Locale) -> String {
    choices(collection, field, locale)
        .and_then(|all| all.into_iter().find(|(k, _)| k == value).map(|(_, l)| l))
        .unwrap_or_else(|| value.to_owned())
}

/// A date-time (UTC ms as text) as the browser's local time, for people and for
/// `<input type=datetime-local>`.
fn local_time(ms: &str) -> String {
    let Ok(ms) = ms.parse::<f64>() else {
        return String::new();
    };
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The names of the records a link field's text points to (one id, or several separated by
/// commas), joined for reading.
fn link_labels(core: &ClientCore, text: &str) -> String {
    records::link_pieces(text)
        .filter_map(|id| id.parse::<RecordId>().ok())
        .filter_map(|id| core.get(id))
        .map(|r| r.body.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// A date-time (UTC ms as text) on the device's clock, written for `locale`.
fn shown_time(ms: &str, locale: Locale) -> String {
    let Ok(ms) = ms.parse::<f64>() else {
        return ms.to_owned();
    };
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format::date_time(
        locale,
        d.get_full_year() as i32,
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
    )
}

fn from_local_time(local: &str) -> String {
    if local.trim().is_empty() {
        return String::new();
    }
    let t = js_sys::Date::new(&JsValue::from_str(local)).get_time();
    if t.is_nan() {
        String::new()
    } else {
        (t as i64).to_string()
    }
}

/// The second line of a row: what matters most about each kind.
fn detail(record: &Record, locale: Locale) -> String {
    let t = |f: &str| record.body.text(f);
    let c = record.collection();
    let parts: Vec<String> = match c {
        Collection::Account => vec![t("city"), t("industry"), t("grade")],
        Collection::Lead => vec![
            t("company"),
            choice_label(c, "status", &t("status"), locale),
            choice_label(c, "stage", &t("stage"), locale),
        ],
        Collection::Deal => vec![
            choice_label(c, "stage", &t("stage"), locale),
            record
                .as_deal()
                .and_then(|d| d.amount.map(|a| format::money(locale, &d.currency, a)))
                .unwrap_or_default(),
            format::date(locale, &t("close_date")),
        ],
        Collection::Activity => vec![
            choice_label(c, "kind", &t("kind"), locale),
            shown_time(&t("at"), locale),
        ],
        Collection::Task => vec![
            shown_time(&t("due"), locale),
            if t("done") == "true" {
                "✓".to_owned()
            } else {
                String::new()
            },
        ],
        Collection::Contact => vec![t("job_title"), t("phone")],
        Collection::Issue
        | Collection::View
        | Collection::Change
        | Collection::Pipeline
        | Collection::Schema
        | Collection::Object => Vec::new(),
    };
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The built-in object of `collection` with the company's custom fields (`None` for a
/// collection that is no object).
pub fn object_of(collection: Collection) -> Option<ObjectDef> {
    let key = shared::schema::builtin::object_key(collection)?;
    crate::sync::company_schema()
        .schema(&crate::sync::pipelines())
        .object(key)
        .cloned()
}

/// A list's chips, ready to be checked against many records: run through the query
/// language (as REST's `?filter=`), each record asked only for the values they read.
struct Active {
    filter: Option<(Filter, ObjectDef)>,
    context: shared::query::Context,
}

impl Active {
    fn new(
        object: Option<ObjectDef>,
        chips: &[(String, shared::query::Condition)],
        sync: crate::sync::Sync,
    ) -> Self {
        Active {
            filter: crate::pages::filter_chips::filter_of(chips).zip(object),
            context: crate::pages::custom_fields::context(sync),
        }
    }

    fn is_empty(&self) -> bool {
        self.filter.is_none()
    }

    /// The chips made ready for a pass over the list (`None`: no chips).
    fn prepared(&self) -> Option<shared::query::Prepared<'_>> {
        self.filter
            .as_ref()
            .map(|(f, o)| f.prepare(o, &self.context))
    }
}

/// Whether a record passes the prepared chips.
fn passes(prepared: Option<&shared::query::Prepared<'_>>, record: &Record) -> bool {
    prepared.is_none_or(|p| p.matches(&mut |def| shared::sync::linked::value_for(record, def)))
}

/// What a list calls its parts (test ids) and says; contacts keep their own.
#[derive(Debug, Clone, Copy)]
struct ListWords {
    new: &'static str,
    search: &'static str,
    count: &'static str,
    list: &'static str,
    new_text: Text,
    placeholder: Text,
    count_text: Text,
    empty: Text,
    no_match: Text,
}

impl ListWords {
    fn of(collection: Collection) -> Self {
        match collection {
            Collection::Contact => ListWords {
                new: "new-contact",
                search: "contact-search",
                count: "contact-count",
                list: "contacts-list",
                new_text: Text::NewContact,
                placeholder: Text::SearchContacts,
                count_text: Text::ContactCount,
                empty: Text::NoContacts,
                no_match: Text::NoMatches,
            },
            _ => ListWords {
                new: "new-record",
                search: "record-search",
                count: "record-count",
                list: "records-list",
                new_text: Text::NewRecord,
                placeholder: Text::Search,
                count_text: Text::RecordCount,
                empty: Text::NoRecords,
                no_match: Text::NoRecordMatches,
            },
        }
    }
}

/// A field as a list row shows it: a choice by its label, a link by the linked record's name,
/// a time in local time, money with its currency.
fn shown_text(core: &ClientCore, r: &Record, field: &str, locale: Locale) -> String {
    let c = r.collection();
    if let Some(json) = r.custom.get(field) {
        return custom_field(c, field)
            .map(|def| crate::pages::objects::shown_value(core, &def, Some(json), locale))
            .unwrap_or_default();
    }
    let text = r.body.text(field);
    if text.is_empty() {
        return text;
    }
    if choices(c, field, locale).is_some() {
        return choice_label(c, field, &text, locale);
    }
    if link_targets(c, field).is_some() {
        return link_labels(core, &text);
    }
    match field {
        "at" | "due" => shown_time(&text, locale),
        "close_date" | "birthday" => format::date(locale, &text),
        "amount" => r
            .as_deal()
            .and_then(|d| d.amount.map(|a| format::money(locale, &d.currency, a)))
            .unwrap_or(text),
        _ => text,
    }
}

/// A record as a list shows it: its label; the fields chosen for the list (`columns`) or what
/// matters most about it; for people, also who looks after them.
fn list_row(core: &ClientCore, r: &Record, locale: Locale, columns: &[String]) -> ListRow {
    let chosen = (!columns.is_empty()).then(|| {
        columns
            .iter()
            .map(|f| shown_text(core, r, f, locale))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    });
    let lines = match r.as_contact() {
        Some(contact) => {
            let company = contact
                .account
                .and_then(|a| core.get(a))
                .map(|a| a.body.label())
                .unwrap_or_else(|| contact.company.clone());
            let detail = [contact.job_title.clone(), company, r.body.text("phone")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            let owner = core
                .directory()
                .and_then(|d| d.member(r.owner))
                .map(|m| m.name.clone())
                .unwrap_or_default();
            vec![chosen.unwrap_or(detail), owner]
        }
        None => vec![chosen.unwrap_or_else(|| detail(r, locale))],
    };
    ListRow {
        id: r.id,
        href: path_of(r),
        title: r.body.label(),
        lines,
    }
}

/// `/r/:collection`
#[component]
pub fn RecordsPage() -> impl IntoView {
    let params = use_params_map();
    let collection = Memo::new(move |_| {
        params
            .with(|p| p.get("collection"))
            .as_deref()
            .and_then(collection_of)
    });
    move || match collection.get() {
        Some(c) => view! { <RecordList collection=c /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

#[component]
pub fn RecordList(collection: Collection) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let query = RwSignal::new(String::new());
    // Sort by the label (the default) or any field; filters on any fields, all of which must
    // hold (a choice field matches its value, other fields contain the text).
    let settings = ListSettings::new();
    let ListSettings {
        sort,
        descending,
        chips,
        columns,
    } = settings;
    // The chips live in the address too (`?where=`, one per line, as on custom objects'
    // lists): a reload, a shared link or going back shows the same records.
    let query_map = use_query_map();
    let navigate = use_navigate();
    let in_address = move || -> Vec<String> {
        query_map
            .with(|q| q.get("where"))
            .map(|w| w.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    };
    Effect::new(move |_| {
        let wanted = in_address();
        if chips.with_untracked(|c| *c != wanted) {
            chips.set(wanted);
        }
    });
    Effect::new(move |seen: Option<()>| {
        let now = chips.get();
        if seen.is_some() && untrack(in_address) != now {
            let address = match now.is_empty() {
                true => list_path(collection),
                false => format!(
                    "{}?where={}",
                    list_path(collection),
                    crate::pages::filter_chips::to_address(&now)
                ),
            };
            navigate(
                &address,
                leptos_router::NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    });
    let changed = sync.changes(collection);
    let schema_changed = sync.changes(Collection::Schema);
    // The list's object (its fields, custom ones too), again when the schema changes or the
    // device's copy is read again.
    let object = Memo::new(move |_| {
        schema_changed.track();
        sync.with_core(|_| ());
        object_of(collection)
    });
    let conditions = Memo::new(move |_| {
        let lines = chips.get().join("\n");
        object.with(|o| {
            o.as_ref()
                .map(|o| crate::pages::filter_chips::from_address(o, Some(lines)))
                .unwrap_or_default()
        })
    });
    // Every record of the collection by label: the order of its search index (built in the
    // background after each change of the collection), and the list's order when no other
    // order or filter was chosen.
    let by_label = use_order(sync, vec![collection], |r| r.body.label());
    // The records that pass the filters, in the chosen order (the label by default).
    // Walked in label order: what passes the filters stays in that order, and a stable sort by
    // the chosen field keeps it among equal values (no names compared, none copied). The whole
    // list in a field's order is kept, so that filters changed after a sort only walk it.
    let sorted = StoredValue::new(None::<(u64, String, Vec<u32>)>);
    // Each record's place in the name order, for the version of the list it was made for.
    let places = StoredValue::new(None::<(u64, IdMap<u32>)>);
    let ordered = Memo::new_with_compare(
        move |_| {
            let sort_field = sort.get();
            let desc = descending.get();
            let active = Active::new(object.get(), &conditions.get(), sync);
            by_label.with(|(version, ids)| {
                if sort_field.is_empty() && active.is_empty() {
                    return if desc {
                        ids.iter().rev().copied().collect()
                    } else {
                        ids.clone()
                    };
                }
                crate::marks::mark("list-order-start");
                let ordered = sync
                    .with_core_untracked(|core| {
                        // Records are read in the order they are stored (one pass over memory,
                        // no look-up of each), each put at its place in the name order.
                        let fresh =
                            places.with_value(|p| p.as_ref().is_some_and(|(v, _)| v == version));
                        if !fresh {
                            let map: IdMap<u32> = ids
                                .iter()
                                .enumerate()
                                .map(|(i, id)| (*id, u32::try_from(i).unwrap_or(u32::MAX)))
                                .collect();
                            places.set_value(Some((*version, map)));
                        }
                        let each = |f: &mut dyn FnMut(usize, &Record)| {
                            places.with_value(|p| {
                                if let Some((_, map)) = p {
                                    for r in core.collection(collection) {
                                        if let Some(place) = map.get(&r.id) {
                                            f(*place as usize, r);
                                        }
                                    }
                                }
                            });
                        };
                        let prepared = active.prepared();
                        let pass: Option<Vec<bool>> = prepared.as_ref().map(|p| {
                            let mut pass = vec![false; ids.len()];
                            each(&mut |place, r| {
                                if let Some(slot) = pass.get_mut(place) {
                                    *slot = passes(Some(p), r);
                                }
                            });
                            pass
                        });
                        let kept = |place: &u32| {
                            pass.as_ref()
                                .is_none_or(|p| p.get(*place as usize).copied().unwrap_or(false))
                        };
                        let id_at = |place: &u32| ids.get(*place as usize).copied();
                        let mut out: Vec<RecordId> = if sort_field.is_empty() {
                            (0..u32::try_from(ids.len()).unwrap_or(u32::MAX))
                                .filter(|p| kept(p))
                                .filter_map(|p| id_at(&p))
                                .collect()
                        } else {
                            // Every record in the chosen field's order, worked out once per field
                            // and version of the list: a filter changed next only walks it.
                            let fresh = sorted.with_value(|s| {
                                s.as_ref()
                                    .is_some_and(|(v, f, _)| v == version && *f == sort_field)
                            });
                            if !fresh {
                                let mut keys = vec![SortKey::Empty; ids.len()];
                                each(&mut |place, r| {
                                    if let Some(slot) = keys.get_mut(place) {
                                        *slot = SortKey::of(r.field_text(&sort_field));
                                    }
                                });
                                let in_order = sort_positions(&keys);
                                sorted.set_value(Some((*version, sort_field.clone(), in_order)));
                            }
                            sorted
                                .with_value(|s| {
                                    s.as_ref().map(|(_, _, all)| {
                                        all.iter().filter(|p| kept(p)).filter_map(id_at).collect()
                                    })
                                })
                                .unwrap_or_default()
                        };
                        if desc {
                            out.reverse();
                        }
                        out
                    })
                    .unwrap_or_default();
                crate::marks::mark("list-order-end");
                ordered
            })
        },
        |_, _| true,
    );
    let index = BackgroundIndex::new(sync, by_label, ClientCore::search_entry);
    let earlier = StoredValue::new(None::<Found>);
    // What is listed: with nothing typed, `ordered`; else the matches that pass the filters,
    // best first (or in the chosen order, when one was chosen).
    let listing = Memo::new_with_compare(
        move |_| {
            let q = Query::new(&query.get());
            if q.is_empty() {
                earlier.set_value(None);
                return ordered.get();
            }
            let found = index.with(|index| earlier.with_value(|e| index.search(&q, e.as_ref())));
            let matches: Vec<RecordId> = by_label.with(|(_, ids)| {
                found
                    .ranked
                    .iter()
                    .filter_map(|p| ids.get(*p as usize).copied())
                    .collect()
            });
            earlier.set_value(Some(found));
            if sort.with(String::is_empty) {
                let active = Active::new(object.get(), &conditions.get(), sync);
                if active.is_empty() {
                    return matches;
                }
                let _ = changed.get();
                let prepared = active.prepared();
                sync.with_core_untracked(|core| {
                    matches
                        .into_iter()
                        .filter(|id| core.get(*id).is_some_and(|r| passes(prepared.as_ref(), r)))
                        .collect()
                })
                .unwrap_or_default()
            } else {
                let wanted: std::collections::HashSet<RecordId> = matches.into_iter().collect();
                ordered.with(|all| {
                    all.iter()
                        .copied()
                        .filter(|id| wanted.contains(id))
                        .collect()
                })
            }
        },
        |_, _| true,
    );
    // Selecting rows for a bulk change; records whose deletion may still be undone are hidden.
    let selecting = RwSignal::new(false);
    let selected = RwSignal::new(HashSet::<RecordId>::new());
    let hidden = RwSignal::new(HashSet::<RecordId>::new());
    let shown = Memo::new_with_compare(
        move |_| {
            hidden.with(|h| {
                (!h.is_empty()).then(|| {
                    listing.with(|ids| ids.iter().copied().filter(|id| !h.contains(id)).collect())
                })
            })
        },
        |_: Option<&Option<Vec<RecordId>>>, _: Option<&Option<Vec<RecordId>>>| true,
    );
    let with_shown = move |f: &mut dyn FnMut(&[RecordId])| {
        shown.with(|s| match s {
            Some(ids) => f(ids),
            None => listing.with(|ids| f(ids)),
        })
    };
    let count = Memo::new(move |_| {
        let mut n = 0;
        with_shown(&mut |ids| n = ids.len());
        n
    });
    // Every listed id, copied only when "select all" asks.
    let listed = Callback::new(move |()| {
        let mut all = Vec::new();
        with_shown(&mut |ids| all = ids.to_vec());
        all
    });
    let rows = move |range: std::ops::Range<usize>| {
        let locale = i18n.locale();
        let mut page: Vec<RecordId> = Vec::new();
        with_shown(&mut |ids| page = ids.get(range.clone()).unwrap_or_default().to_vec());
        {
            let ids = page;
            sync.with_core(|core| {
                ids.iter()
                    .filter_map(|id| core.get(*id))
                    .map(|r| columns.with(|c| list_row(core, r, locale, c)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        }
    };
    let words = ListWords::of(collection);
    let field_options = move || {
        schema_changed.track();
        // And whenever the device's copy is read again (a reload reads the schema with it).
        sync.with_core(|_| ());
        let mut all: Vec<(String, String)> = records::fields_of(collection)
            .iter()
            .map(|f| ((*f).to_owned(), field_label(f, i18n.locale()).to_owned()))
            .collect();
        all.extend(custom_fields(collection, i18n.locale()));
        all
    };
    let set_chips = Callback::new(move |all: Vec<String>| chips.set(all));
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1>{move || collection_label(collection, i18n.locale())}</h1>
                    <A href=record_path(collection, "new") attr:class="button primary" attr:data-testid=words.new>
                        {move || i18n.t(words.new_text)}
                    </A>
                </div>
                <div class="field">
                    <label for="record-search" class="sr-only">{move || i18n.t(Text::Search)}</label>
                    <input id="record-search" type="search" data-testid=words.search
                        placeholder=move || i18n.t(words.placeholder) bind:value=query />
                </div>
                <div class="list-tools">
                    <label class="sr-only" for="sort-field">{move || i18n.t(Text::SortBy)}</label>
                    <select id="sort-field" data-testid="sort-field" prop:value=move || sort.get()
                        on:change=move |ev| sort.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Text::SortBy)}</option>
                        {move || field_options().into_iter().map(|(f, l)| {
                            let selected = sort.get_untracked() == f;
                            view! { <option value=f.clone() selected=selected>{l}</option> }
                        }).collect_view()}
                    </select>
                    <button type="button" class="secondary" data-testid="sort-direction"
                        on:click=move |_| descending.update(|d| *d = !*d)>
                        {move || if descending.get() { i18n.t(Text::SortDescending) } else { i18n.t(Text::SortAscending) }}
                    </button>
                    <SelectRowsButton selecting=selecting selected=selected />
                </div>
                {move || object.get().map(|o| view! {
                    <FilterChips object=o chips=conditions set=set_chips />
                })}
                <ViewPicker collection=collection settings=settings />
                <details class="list-settings" data-testid="list-settings">
                    <summary>{move || i18n.t(Text::ListSettings)}</summary>
                    <ColumnPicker collection=collection settings=settings />
                </details>
                <Show when=move || selecting.get()>
                    <BulkBar collection=collection selected=selected hidden=hidden listed=listed listed_count=count />
                </Show>
                <p class="muted" data-testid=words.count>
                    {move || format!("{} {}", count.get(), i18n.t(words.count_text))}
                </p>
                <Show when=move || count.get() == 0>
                    <p class="muted">
                        {move || if query.with(String::is_empty) && chips.with(Vec::is_empty) { i18n.t(words.empty) } else { i18n.t(words.no_match) }}
                    </p>
                </Show>
                <VirtualList testid=words.list count=count rows=rows
                    selected=Signal::derive(move || selecting.get().then_some(selected)) />
            </section>
        </div>
    }
}

/// `/r/:collection/:id` and `/contacts/:id` (`new` for a new record).
#[component]
pub fn RecordEditorPage(
    /// The collection, for routes that do not name it (`/contacts/:id`).
    #[prop(optional)]
    collection: Option<Collection>,
) -> impl IntoView {
    let params = use_params_map();
    let target = Memo::new(move |_| {
        params.with(|p| {
            let collection =
                collection.or_else(|| p.get("collection").as_deref().and_then(collection_of))?;
            let id = p.get("id")?;
            if id == "new" {
                Some((collection, None))
            } else {
                id.parse::<RecordId>().ok().map(|id| (collection, Some(id)))
            }
        })
    });
    let sync = use_sync();
    // A record opened by its address (a reload, a link) may not be on the device yet: its
    // collection is still being read, or the first download is under way. Wait for it, and say
    // it does not exist only once everything is read; once shown, the editor stays.
    let shown = Memo::new(move |before: Option<&Option<Shown>>| {
        let (collection, id) = target.get()?;
        let Some(id) = id else {
            return Some(Shown::New(collection));
        };
        let was = match before {
            Some(Some(Shown::Record(c, i, was))) if (*c, *i) == (collection, id) => *was,
            _ => Presence::Waiting,
        };
        Some(Shown::Record(
            collection,
            id,
            was.then(sync.presence(collection, id)),
        ))
    });
    move || match shown.get() {
        None => view! { <NotFound /> }.into_any(),
        Some(Shown::New(collection)) => {
            view! { <RecordEditor collection=collection id=None /> }.into_any()
        }
        Some(Shown::Record(collection, id, Presence::Present)) => {
            view! { <RecordEditor collection=collection id=Some(id) /> }.into_any()
        }
        Some(Shown::Record(collection, _, presence)) => {
            view! { <RecordAwaited collection=collection presence=presence /> }.into_any()
        }
    }
}

/// What the record page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    New(Collection),
    Record(Collection, RecordId, Presence),
}

/// A record page whose record is not on the device: on its way, or not there at all.
#[component]
fn RecordAwaited(collection: Collection, presence: Presence) -> impl IntoView {
    let i18n = use_i18n();
    let list = list_path(collection);
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1>{move || collection_label(collection, i18n.locale())}</h1>
                    <A href=list attr:class="button secondary">{move || i18n.t(Text::Back)}</A>
                </div>
                {if presence == Presence::Absent {
                    view! {
                        <div class="banner error" role="alert" data-testid="record-missing">
                            {move || i18n.t(Text::ErrNotFound)}
                        </div>
                    }.into_any()
                } else {
                    view! { <div data-testid="record-loading"><Loading /></div> }.into_any()
                }}
            </section>
        </div>
    }
}

/// The collections a link field may point at; `None` for fields that are not links.
fn link_targets(collection: Collection, field: &str) -> Option<Vec<Collection>> {
    Some(match (collection, field) {
        (Collection::Deal | Collection::Contact, "account") => vec![Collection::Account],
        (Collection::Deal, "contact" | "contacts") => vec![Collection::Contact],
        (_, "about") => vec![
            Collection::Account,
            Collection::Contact,
            Collection::Lead,
            Collection::Deal,
        ],
        _ => return None,
    })
}

#[component]
pub fn RecordEditor(collection: Collection, id: Option<RecordId>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let form = FormState::default();
    let banner = RwSignal::new(None::<String>);
    // The page shows an editor for a record only once the record is on the device.
    let existing: Option<Record> =
        id.and_then(|id| sync.with_core_untracked(|c| c.get(id).cloned()).flatten());
    let fields = records::fields_of(collection);
    let start: Patch = match &existing {
        Some(r) => fields
            .iter()
            .map(|f| ((*f).to_owned(), r.body.text(f)))
            .collect(),
        None => {
            // `?kind=visit` and the like prefill a new record (the quick-add menu uses it).
            let mut start = records::defaults(collection);
            let query = use_query_map();
            for field in fields {
                if let Some(value) = query.with_untracked(|q| q.get(field)) {
                    start.insert((*field).to_owned(), value);
                }
            }
            start
        }
    };
    let values: Vec<(&'static str, RwSignal<String>)> = fields
        .iter()
        .map(|f| {
            (
                *f,
                RwSignal::new(start.get(*f).cloned().unwrap_or_default()),
            )
        })
        .collect();
    // A new visit notes where it happens, when the device can say (once; what the person
    // typed is never replaced).
    if collection == Collection::Activity && id.is_none() {
        let value_of = |name: &str| values.iter().find(|(f, _)| *f == name).map(|(_, v)| *v);
        if let (Some(kind), Some(location)) = (value_of("kind"), value_of("location")) {
            let asked = StoredValue::new(false);
            Effect::new(move |_| {
                if kind.get() == "visit" && !asked.get_value() {
                    asked.set_value(true);
                    spawn_local(async move {
                        if let Some(spot) = crate::geo::here().await {
                            let _ = location.try_update(|l| {
                                if l.trim().is_empty() {
                                    *l = spot.text();
                                }
                            });
                        }
                    });
                }
            });
        }
    }
    // The custom fields as the schema on the device has them: made again if the schema arrives
    // or changes while the form is open (a reload reads it with the records).
    let schema_changed = sync.changes(Collection::Schema);
    let custom_inputs = StoredValue::new(CustomInputs::new(collection, existing.as_ref()));
    let seen = existing.as_ref().map_or(0, |r| r.version);
    let converted = existing
        .as_ref()
        .and_then(Record::as_lead)
        .is_some_and(|l| l.converted.is_some());
    let list = list_path(collection);
    let owner = RwSignal::new(
        existing
            .as_ref()
            .map(|r| r.owner.to_string())
            .unwrap_or_default(),
    );
    let original_owner = existing.as_ref().map(|r| r.owner);
    let owners = Signal::derive(move || sync.colleagues());

    let go = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(path) = go.get() {
            navigate(&path, Default::default());
        }
    });
    let on_refused = move |e: MutateError| banner.set(form.refused(e, i18n.locale()));
    let submit = {
        let values = values.clone();
        let start = start.clone();
        let list = list.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            form.begin();
            banner.set(None);
            let custom = match custom_inputs.with_value(|c| c.changes(id.is_none())) {
                Ok(custom) => custom,
                Err(errors) => {
                    form.invalid(errors);
                    return;
                }
            };
            let mut set = Patch::new();
            // What the form showed of each value it changes (custom ones, then typed).
            let mut was = custom_inputs.with_value(|c| c.was(&custom));
            for (field, value) in &values {
                let now = value.get_untracked();
                let before = start.get(*field).cloned().unwrap_or_default();
                if id.is_none() || now.trim() != before.trim() {
                    set.insert((*field).to_owned(), now);
                    was.insert((*field).to_owned(), before);
                }
            }
            let mut mutations = Vec::new();
            match id {
                None => mutations.push(Mutation::CreateRecord(CreateRecord {
                    custom,
                    collection,
                    id: RecordId::from_uuid(new_uuid()),
                    owner: None,
                    fields: set,
                })),
                Some(id) => {
                    if !set.is_empty() || !custom.is_empty() {
                        mutations.push(Mutation::UpdateRecord(UpdateRecord {
                            id,
                            set,
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
    let delete = move |_| {
        let Some(id) = id else { return };
        if !window()
            .confirm_with_message(i18n.t(Text::ConfirmDeleteRecord))
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match sync
                .mutate(Mutation::DeleteRecord(DeleteRecord { id }))
                .await
            {
                Ok(()) => go.set(Some(list_path(collection))),
                Err(e) => on_refused(e),
            }
        });
    };
    let convert = {
        let label = existing
            .as_ref()
            .map(|r| r.body.label())
            .unwrap_or_default();
        move |_| {
            let Some(lead) = id else { return };
            let deal = RecordId::from_uuid(new_uuid());
            let mutation = Mutation::ConvertLead(ConvertLead {
                lead,
                account: RecordId::from_uuid(new_uuid()),
                contact: RecordId::from_uuid(new_uuid()),
                deal: Some(ConvertDeal {
                    id: deal,
                    fields: [("name".to_owned(), label.clone())].into_iter().collect(),
                }),
            });
            spawn_local(async move {
                match sync.mutate(mutation).await {
                    Ok(()) => go.set(Some(format!("/r/deals/{deal}"))),
                    Err(e) => on_refused(e),
                }
            });
        }
    };
    let title = move || {
        format!(
            "{} · {}",
            collection_label(collection, i18n.locale()),
            if id.is_some() {
                i18n.t(Text::EditRecord)
            } else {
                i18n.t(Text::NewRecord)
            }
        )
    };
    let message = Signal::derive(move || banner.get());
    // A deal's stages are its pipeline's: another pipeline starts the deal at its first stage.
    let pipeline = values
        .iter()
        .find(|(f, _)| *f == "pipeline")
        .map(|(_, v)| *v);
    let pipeline_count = {
        let tracked = sync.changes(Collection::Pipeline);
        Memo::new(move |_| {
            tracked.get();
            crate::sync::pipelines().list().len()
        })
    };
    if let (Some(pipeline), Some(stage)) = (
        pipeline,
        values.iter().find(|(f, _)| *f == "stage").map(|(_, v)| *v),
    ) {
        Effect::new(move |before: Option<String>| {
            let now = pipeline.get();
            if before.is_some_and(|b| b != now) {
                let pipelines = crate::sync::pipelines();
                let on = pipelines.get(now.parse().ok());
                if on.stage(&stage.get_untracked()).is_none() {
                    stage.set(on.first().map(|s| s.key.clone()).unwrap_or_default());
                }
            }
            now
        });
    }
    // The pipeline field shows once there is a choice.
    let shown = |field: &str, pipelines: usize| field != "pipeline" || pipelines > 1;
    // Every input in the object's layout: made again when the schema changes (the values stay
    // in their signals).
    let fields_view = {
        let values = values.clone();
        let existing = existing.clone();
        move || {
            schema_changed.track();
            let current =
                id.and_then(|id| sync.with_core_untracked(|c| c.get(id).cloned()).flatten());
            let inputs = CustomInputs::new(collection, current.as_ref().or(existing.as_ref()));
            custom_inputs.set_value(inputs.clone());
            let object = builtin::object_key(collection).and_then(|key| {
                crate::sync::company_schema()
                    .schema(&crate::sync::pipelines())
                    .object(key)
                    .cloned()
            });
            let Some(object) = object else {
                return ().into_any();
            };
            let mut items: Vec<(String, AnyView)> = values
                .iter()
                .map(|(field, value)| {
                    let field: &'static str = field;
                    let value = *value;
                    let view = view! {
                        <Show when=move || shown(field, pipeline_count.get())>
                            <FieldWidget form=form collection=collection field=field value=value pipeline=pipeline />
                        </Show>
                    }
                    .into_any();
                    (field.to_owned(), view)
                })
                .collect();
            let now = {
                let object = object.clone();
                let values = values.clone();
                let inputs = inputs.clone();
                Memo::new(move |_| {
                    let text = |field: &str| {
                        values
                            .iter()
                            .find(|(f, _)| *f == field)
                            .map(|(_, v)| v.get())
                            .unwrap_or_default()
                    };
                    let mut now = builtin::values(&object, text, uuid::Uuid::nil());
                    now.extend(inputs.typed_values());
                    now
                })
            };
            items.extend(custom_widgets(form, inputs, values.clone()));
            view! { <FormSections object=object items=items now=now /> }.into_any()
        }
    };
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1>{title}</h1>
                    <A href=list.clone() attr:class="button secondary">{move || i18n.t(Text::Back)}</A>
                </div>
                <ErrorBanner message=message />
                <Show when=move || converted>
                    <p class="banner" data-testid="lead-converted">{move || i18n.t(Text::LeadConverted)}</p>
                </Show>
                <form class="form" data-testid="record-form" on:submit=submit.clone() novalidate>
                    {fields_view}
                    <Show when=move || id.is_some()>
                        <SelectField form=form name="owner" id_prefix="record" label=Text::Owner value=owner options=owners />
                    </Show>
                    <FormFooter form=form submit=Text::Save>
                        <Show when=move || collection == Collection::Lead && id.is_some() && !converted>
                            <button type="button" class="secondary" data-testid="convert-lead" on:click=convert.clone()>
                                {move || i18n.t(Text::ConvertLead)}
                            </button>
                        </Show>
                        <Show when=move || id.is_some()>
                            <button type="button" class="danger" data-testid="delete-record" on:click=delete>
                                {move || i18n.t(Text::Delete)}
                            </button>
                        </Show>
                    </FormFooter>
                </form>
            </section>
            {id.filter(|_| collection != Collection::Activity).map(|id| view! { <Timeline collection=collection id=id /> })}
        </div>
    }
}

/// A value in a change entry as people read it: a choice by its label, a person or a linked
/// record by name, a time in local time, a blank as a dash.
fn change_value(
    core: &ClientCore,
    collection: Collection,
    field: &str,
    value: &str,
    locale: Locale,
) -> String {
    if value.trim().is_empty() {
        return "—".to_owned();
    }
    if field == "owner" {
        return value
            .parse()
            .ok()
            .and_then(|id| core.directory().and_then(|d| d.member(id)))
            .map_or_else(|| value.to_owned(), |m| m.name.clone());
    }
    if choices(collection, field, locale).is_some() {
        return choice_label(collection, field, value, locale);
    }
    if link_targets(collection, field).is_some() {
        let names = link_labels(core, value);
        return if names.is_empty() {
            value.to_owned()
        } else {
            names
        };
    }
    match field {
        "at" | "due" => shown_time(value, locale),
        "close_date" | "birthday" => format::date(locale, value),
        _ => value.to_owned(),
    }
}

/// One line of a record's timeline.
#[derive(Debug, Clone, PartialEq)]
struct Event {
    at: i64,
    who: String,
    what: String,
    title: String,
    href: String,
}

/// The 360° view of a record, newest first: the record's creation, and every deal, activity and
/// task about it (for an account, also those about its deals), with who and when.
#[component]
pub(crate) fn Timeline(collection: Collection, id: RecordId) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let events = Memo::new(move |_| {
        let locale = i18n.locale();
        sync.with_core(|core| {
            let name = |user| {
                core.directory()
                    .and_then(|d| d.member(user))
                    .map(|m| m.name.clone())
                    .unwrap_or_default()
            };
            // What counts as about this record: the record itself and, for an account, its
            // deals and its people.
            let mut related = vec![id];
            if collection == Collection::Account {
                related.extend(
                    core.collection(Collection::Deal)
                        .filter(|r| r.as_deal().is_some_and(|d| d.account == Some(id)))
                        .map(|r| r.id),
                );
                related.extend(
                    core.collection(Collection::Contact)
                        .filter(|r| r.as_contact().is_some_and(|c| c.account == Some(id)))
                        .map(|r| r.id),
                );
            }
            let mut events: Vec<Event> = Vec::new();
            if let Some(me) = core.get(id) {
                events.push(Event {
                    at: me.created_at,
                    who: name(me.created_by),
                    what: i18n.t(Text::TimelineCreated).to_owned(),
                    title: me.body.label(),
                    href: String::new(),
                });
            }
            // Edits: the stage and field changes of the record and of what belongs to it.
            for r in core.collection(Collection::Change) {
                let Body::Change(change) = &r.body else {
                    continue;
                };
                if !related.contains(&change.record) {
                    continue;
                }
                let what = if change.record == id {
                    i18n.t(Text::TimelineChanged).to_owned()
                } else {
                    format!(
                        "{} · {}",
                        i18n.t(Text::TimelineChanged),
                        collection_label(change.collection, locale)
                    )
                };
                let fields = change
                    .fields
                    .iter()
                    .map(|f| {
                        let show =
                            |v: &str| change_value(core, change.collection, &f.field, v, locale);
                        format!(
                            "{}: {} → {}",
                            field_label(&f.field, locale),
                            show(&f.from),
                            show(&f.to)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("；");
                events.push(Event {
                    at: r.created_at,
                    who: name(r.created_by),
                    what,
                    title: format!("{} {fields}", change.label),
                    href: if change.record == id {
                        String::new()
                    } else {
                        core.get(change.record)
                            .map(path_of)
                            .unwrap_or_else(|| record_path(change.collection, change.record))
                    },
                });
            }
            let linked = [
                Collection::Activity,
                Collection::Task,
                Collection::Deal,
                Collection::Contact,
                Collection::Object,
            ]
            .into_iter()
            .flat_map(|c| core.collection(c));
            for r in linked {
                let about = match &r.body {
                    Body::Activity(_) | Body::Task(_) => r.body.text("about").parse().ok(),
                    Body::Deal(d) if collection == Collection::Account => d.account,
                    // A deal is about each of its people.
                    Body::Deal(d) if collection == Collection::Contact => d
                        .contact
                        .into_iter()
                        .chain(d.contacts.iter().copied())
                        .find(|c| related.contains(c)),
                    Body::Contact(c) if collection == Collection::Account => c.account,
                    // A custom object's record is about what its links point at.
                    Body::Object(_) => r
                        .custom
                        .values()
                        .filter_map(|v| v.as_str()?.parse::<RecordId>().ok())
                        .find(|linked| related.contains(linked)),
                    _ => None,
                };
                if !about.is_some_and(|a| related.contains(&a)) || r.id == id {
                    continue;
                }
                let at = match r.collection() {
                    Collection::Activity => r.body.text("at").parse().unwrap_or(r.created_at),
                    _ => r.created_at,
                };
                let what = match r.collection() {
                    Collection::Activity => {
                        choice_label(Collection::Activity, "kind", &r.body.text("kind"), locale)
                    }
                    Collection::Object => r
                        .object_key()
                        .and_then(crate::pages::objects::custom_object)
                        .map(|o| o.name.get(locale).to_owned())
                        .unwrap_or_default(),
                    c => collection_label(c, locale).to_owned(),
                };
                events.push(Event {
                    at,
                    who: name(r.created_by),
                    what,
                    title: format!("{} {}", r.body.label(), detail(r, locale))
                        .trim()
                        .to_owned(),
                    href: path_of(r),
                });
            }
            events.sort_by_key(|e| std::cmp::Reverse(e.at));
            events
        })
        .unwrap_or_default()
    });
    view! {
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{move || i18n.t(Text::Timeline)}</h2>
            <Show when=move || events.with(|e| e.len() > 1)
                fallback=move || view! { <p class="muted">{move || i18n.t(Text::TimelineEmpty)}</p> }>
                <ol class="timeline" data-testid="timeline">
                    <For
                        each=move || events.get()
                        key=|e| (e.at, e.href.clone(), e.title.clone())
                        children=move |e| {
                            let when = shown_time(&e.at.to_string(), i18n.locale());
                            view! {
                                <li>
                                    <span class="muted small">{when}" · "{e.who.clone()}" · "{e.what.clone()}</span>
                                    {if e.href.is_empty() {
                                        view! { <span>{e.title.clone()}</span> }.into_any()
                                    } else {
                                        view! { <A href=e.href.clone()>{e.title.clone()}</A> }.into_any()
                                    }}
                                </li>
                            }
                        }
                    />
                </ol>
            </Show>
        </section>
    }
}

/// One field of the editor: a select for choices and links, a date-time picker for times, a
/// text area for long text, a text input otherwise; its error below it.
#[component]
fn FieldWidget(
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
                    <select id=id name=field on:change=move |ev| value.set(event_target_value(&ev))>
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
        let Some((from, seen)) = sync
            .with_core(|c| {
                c.get(id)
                    .and_then(|r| r.as_deal().map(|d| (d.stage.clone(), r.version)))
            })
            .flatten()
        else {
            return;
        };
        if from == stage {
            return;
        }
        let mutation = Mutation::UpdateRecord(UpdateRecord {
            custom: Default::default(),
            id,
            set: [("stage".to_owned(), stage)].into_iter().collect(),
            was: [("stage".to_owned(), from)].into_iter().collect(),
            seen,
        });
        spawn_local(async move {
            let outcome = sync.mutate(mutation).await;
            refusals.update(|r| match outcome {
                Ok(()) => {
                    r.remove(&id);
                }
                Err(MutateError::Rejected(Rejection::Invalid { errors })) => {
                    let locale = i18n.locale();
                    let gated: Vec<&str> = errors
                        .iter()
                        .filter(|e| e.problem.code() == "required_for_stage")
                        .map(|e| field_label(&e.field, locale))
                        .collect();
                    let text = if gated.is_empty() {
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
                        format!("{}{}", i18n.t(Text::GateNeeds), gated.join("、"))
                    };
                    r.insert(id, text);
                }
                Err(MutateError::Rejected(reason)) => {
                    r.insert(id, rejection_text(&reason).get(i18n.locale()).to_owned());
                }
                Err(MutateError::NotReady) => {
                    r.insert(id, i18n.t(Text::SyncNotReady).to_owned());
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
