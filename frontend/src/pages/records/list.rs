//! A collection's list: virtual rows (a table's columns on a desk, cards on a phone), search
//! with pinyin, sort, filter chips and saved views kept in the address, and the bulk bar.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::RecordId;
use shared::format;
use shared::i18n::{Locale, Text};
use shared::ids::IdMap;
use shared::query::Filter;
use shared::rows::{SortKey, sort_positions};
use shared::schema::{FieldDef, ObjectDef};
use shared::search::{Found, Query};
use shared::sync::linked::{self, CopyRecords};
use shared::sync::{ClientCore, Collection, Record};

use super::table::{
    Cells, Column, TableHead, cells, grid, keep_columns, row_px, stored_widths, use_desk,
};
use super::{
    ListOf, choice_label, choices, collection_of, link_labels, link_targets, path_of, shown_time,
};
use crate::components::search_index::{BackgroundIndex, use_order_where};
use crate::components::virtual_rows::{ListRow, VirtualList};
use crate::i18n::use_i18n;
use crate::pages::bulk::{BulkBar, SelectRowsButton};
use crate::pages::filter_chips::FilterChips;
use crate::pages::list_views::{ColumnPicker, ListSettings, ViewPicker};
use crate::pages::not_found::NotFound;
use crate::pages::object_board::{ObjectBoard, groupings};
use crate::sync::use_sync;

/// The second line of a row: what matters most about each kind.
pub(super) fn detail(record: &Record, locale: Locale) -> String {
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
    prepared.is_none_or(|p| p.matches_record(record))
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

/// The formulas, rollups and lookups of the rows on the screen, worked out over the device's
/// copy as a record's page does (only for the rows shown: a rollup reads the records that
/// link to its row).
struct Computing<'a> {
    core: &'a ClientCore,
    schema: shared::schema::registry::Schema,
    context: shared::query::Context,
}

impl Computing<'_> {
    /// Whether any of `fields` of `object` is worked out rather than stored.
    fn needed(object: Option<&ObjectDef>, fields: &[String]) -> bool {
        object.is_some_and(|o| {
            fields.iter().any(|f| {
                o.field(f)
                    .is_some_and(|d| d.field_type.kind().is_computed())
            })
        })
    }

    fn text(&self, r: &Record, object: &ObjectDef, def: &FieldDef, locale: Locale) -> String {
        let records = CopyRecords {
            core: self.core,
            schema: &self.schema,
        };
        let values = linked::values_of(object, r);
        let id = r.id.to_string();
        linked::computed(
            &self.schema,
            object,
            def.key.as_str(),
            (&id, &values),
            &records,
            &self.context,
        )
        .map(|v| v.format(&def.field_type, locale))
        .unwrap_or_default()
    }
}

/// A field of the list's `object` as a list row shows it: a choice by its label, a link by the
/// linked record's name, a time in local time, money with its currency, a formula's, rollup's
/// or lookup's value worked out (`computing`).
fn shown_text(
    core: &ClientCore,
    r: &Record,
    (object, computing): (Option<&ObjectDef>, Option<&Computing<'_>>),
    field: &str,
    locale: Locale,
) -> String {
    let c = r.collection();
    if let Some((object, def)) = object
        .and_then(|o| Some((o, o.field(field)?)))
        .filter(|(_, d)| d.field_type.kind().is_computed())
    {
        return computing
            .map(|k| k.text(r, object, def, locale))
            .unwrap_or_default();
    }
    if let Some(json) = r.custom.get(field) {
        return object
            .and_then(|o| o.field(field))
            .map(|def| crate::pages::objects::shown_value(core, def, Some(json), locale))
            .unwrap_or_default();
    }
    if field == "owner" {
        return core
            .directory()
            .and_then(|d| d.member(r.owner))
            .map(|m| m.name.clone())
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

/// A record of the list's `object` as a list shows it: its label; the fields chosen for the
/// list (`columns`) or what matters most about it; for people, also who looks after them; and,
/// for a table, a cell of each of `cells`.
fn list_row(
    core: &ClientCore,
    r: &Record,
    object: (Option<&ObjectDef>, Option<&Computing<'_>>),
    locale: Locale,
    (columns, cells): (&[String], &[String]),
) -> ListRow {
    let chosen = (!columns.is_empty()).then(|| {
        columns
            .iter()
            .map(|f| shown_text(core, r, object, f, locale))
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
        cells: cells
            .iter()
            .map(|f| shown_text(core, r, object, f, locale))
            .collect(),
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
        Some(c) => view! { <RecordList list=ListOf::builtin(c) /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

/// The records of `list`: a table on a desk, cards on a phone; a custom object's list may be
/// a board grouped by one of its single selects instead (`?view=board&by=<field>`).
#[component]
pub fn RecordList(list: ListOf) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let collection = list.collection();
    let custom = list.custom_key().is_some();
    let holds = list.clone();
    let list = StoredValue::new(list);
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
    // The board a custom object's list may be (its field), kept when the chips change.
    let board_field = move || {
        query_map.with(|q| {
            (q.get("view").as_deref() == Some("board")).then(|| q.get("by").unwrap_or_default())
        })
    };
    let go = navigate.clone();
    Effect::new(move |seen: Option<()>| {
        let now = chips.get();
        if seen.is_some() && untrack(in_address) != now {
            let board = untrack(board_field);
            let address = list.with_value(|l| {
                l.address(
                    board.as_deref(),
                    &crate::pages::filter_chips::to_address(&now),
                )
            });
            go(
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
        list.with_value(ListOf::object)
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
    let by_label = use_order_where(
        sync,
        vec![collection],
        |r| r.body.label(),
        move |r| holds.holds(r),
    );
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
                            crate::marks::mark("list-places");
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
                            crate::marks::mark("list-filtered");
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
                                        *slot = r.sort_key(&sort_field);
                                    }
                                });
                                crate::marks::mark("list-keys");
                                let in_order = sort_positions(&keys);
                                crate::marks::mark("list-sorted");
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
    // On a desk the list is a table: a column per chosen field (or the object's usual ones).
    let desk = use_desk();
    let row_height = row_px(desk);
    let object_key = list.with_value(|l| l.key().to_owned());
    let widths = stored_widths(&object_key);
    keep_columns(&object_key, columns);
    let table_columns = Memo::new(move |_| {
        let locale = i18n.locale();
        object.with(|o| {
            let Some(o) = o else { return Vec::new() };
            let chosen = columns.get();
            let keys: Vec<String> = if chosen.is_empty() {
                o.usual_columns()
                    .iter()
                    .map(|d| d.key.as_str().to_owned())
                    .collect()
            } else {
                chosen
            };
            keys.into_iter()
                .filter_map(|key| {
                    let def = o.field(&key)?;
                    let width = widths
                        .with(|w| w.get(&key).copied())
                        .unwrap_or(shared::table::DEFAULT_WIDTH);
                    Some(Column {
                        label: def.label.get(locale).to_owned(),
                        sorts: !def.field_type.kind().is_computed(),
                        key,
                        width,
                    })
                })
                .collect()
        })
    });
    let cell_keys = Memo::new(move |_| {
        if desk.get() {
            table_columns.with(|c| c.iter().map(|c| c.key.clone()).collect())
        } else {
            Vec::new()
        }
    });
    // What a card shows under the name: the chosen fields; on a custom object's list with
    // none chosen, its first two usual ones (a built-in list says what matters most of each kind).
    let lines_of = Memo::new(move |_| {
        let chosen = columns.get();
        if !chosen.is_empty() || !custom {
            return chosen;
        }
        object.with(|o| {
            o.as_ref()
                .map(|o| {
                    o.usual_columns()
                        .iter()
                        .take(2)
                        .map(|d| d.key.as_str().to_owned())
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let rows = move |range: std::ops::Range<usize>| {
        let locale = i18n.locale();
        let mut page: Vec<RecordId> = Vec::new();
        with_shown(&mut |ids| page = ids.get(range.clone()).unwrap_or_default().to_vec());
        object.with(|o| {
            sync.with_core(|core| {
                let needed = lines_of.with(|c| Computing::needed(o.as_ref(), c))
                    || cell_keys.with(|k| Computing::needed(o.as_ref(), k));
                let computing = needed.then(|| Computing {
                    core,
                    schema: crate::sync::company_schema().schema(&crate::sync::pipelines()),
                    context: crate::pages::custom_fields::context(sync),
                });
                page.iter()
                    .filter_map(|id| core.get(*id))
                    .map(|r| {
                        lines_of.with(|c| {
                            cell_keys.with(|k| {
                                list_row(core, r, (o.as_ref(), computing.as_ref()), locale, (c, k))
                            })
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    };
    let words = ListWords::of(collection);
    let field_options = move || {
        schema_changed.track();
        // And whenever the device's copy is read again (a reload reads the schema with it).
        sync.with_core(|_| ());
        // Not the worked-out fields: they have no stored value to order by.
        let all = list.with_value(|l| l.fields(i18n.locale()));
        object.with(|o| {
            all.into_iter()
                .filter(|(key, _)| !Computing::needed(o.as_ref(), std::slice::from_ref(key)))
                .collect::<Vec<_>>()
        })
    };
    let title = move || {
        schema_changed.track();
        sync.with_core(|_| ());
        list.with_value(|l| l.title(i18n.locale()))
    };
    let switch = board_switch(list, object, conditions, query_map, navigate);
    let set_chips = Callback::new(move |all: Vec<String>| chips.set(all));
    let table_el = NodeRef::<leptos::html::Div>::new();
    let head_clip = NodeRef::<leptos::html::Div>::new();
    let body_el = NodeRef::<leptos::html::Div>::new();
    let bar_el = NodeRef::<leptos::html::Div>::new();
    // The rows, the header and the scroll bar kept at the window's foot move sideways together
    // (each set only where it differs, so that one's scroll does not echo back).
    let scrolled = move |left: i32| {
        for el in [
            head_clip.get_untracked(),
            body_el.get_untracked(),
            bar_el.get_untracked(),
        ]
        .into_iter()
        .flatten()
        {
            if el.scroll_left() != left {
                el.set_scroll_left(left);
            }
        }
    };
    let Cells {
        keydown,
        dblclick,
        editor,
    } = cells(desk, table_el, count, table_columns, object, row_height);
    let name_label = move || {
        object.with(|o| {
            o.as_ref()
                .and_then(|o| o.field(o.name_field.as_str()))
                .map(|d| d.label.get(i18n.locale()).to_owned())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1 id="list-title" data-testid="list-title">{title}</h1>
                    <A href=list.with_value(ListOf::new_path) attr:class="button primary" attr:data-testid=words.new>
                        {move || i18n.t(words.new_text)}
                    </A>
                </div>
                {switch.nav}
                // The table's parts are kept while a board is shown (their state too), out of
                // sight; the chips and views serve both.
                <div class="list-body" hidden=move || switch.board.with(Option::is_some)>
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
                </div>
                {move || object.get().map(|o| view! {
                    <FilterChips object=o chips=conditions set=set_chips />
                })}
                <ViewPicker list=list.get_value() settings=settings />
                {switch.view}
                <div class="list-body" hidden=move || switch.board.with(Option::is_some)>
                <details class="list-settings" data-testid="list-settings">
                    <summary>{move || i18n.t(Text::ListSettings)}</summary>
                    <ColumnPicker list=list.get_value() settings=settings />
                </details>
                <Show when=move || selecting.get()>
                    <BulkBar collection=collection selected=selected hidden=hidden listed=listed listed_count=count />
                </Show>
                <p class="muted" data-testid=words.count>
                    {move || format!("{} {}", count.get(), i18n.t(words.count_text))}
                </p>
                <Show when=move || count.get() == 0>
                    <p class="muted" data-testid="list-empty">
                        {move || if query.with(String::is_empty) && chips.with(Vec::is_empty) { i18n.t(words.empty) } else { i18n.t(words.no_match) }}
                    </p>
                </Show>
                // On a desk a grid for assistive technology too: every row counted, though only
                // those near the screen are in the page.
                <div class="table" class:selecting=move || selecting.get() node_ref=table_el
                    role=move || desk.get().then_some("grid")
                    aria-labelledby=move || desk.get().then_some("list-title")
                    aria-rowcount=move || desk.get().then(|| count.get() + 1)
                    aria-colcount=move || desk.get().then(|| table_columns.with(Vec::len) + 1 + usize::from(selecting.get()))
                    aria-multiselectable=move || (desk.get() && selecting.get()).then_some("true")
                    style=move || grid(&table_columns.get(), selecting.get())
                    on:keydown=keydown on:dblclick=dblclick>
                    <Show when=move || desk.get()>
                        <div class="table-head-clip" node_ref=head_clip>
                            <TableHead name=name_label() columns=table_columns sort=sort descending=descending
                                widths=widths order=columns selecting=selecting />
                        </div>
                    </Show>
                    // Wider than the card, the rows scroll sideways here and the header follows.
                    <div class="table-body" data-testid="table-body" node_ref=body_el
                        on:scroll=move |_| {
                            if let Some(body) = body_el.get_untracked() {
                                scrolled(body.scroll_left());
                            }
                        }>
                        <VirtualList testid=words.list count=count rows=rows row_px=row_height
                            selected=Signal::derive(move || selecting.get().then_some(selected))
                            grid=desk />
                    </div>
                    // The rows' own scroll bar is at the foot of the list, a long way down a long
                    // one: this one, as wide, stays at the foot of the window while the list is in
                    // sight (the keyboard's way is the cursor: End, Home, ←, →).
                    <div class="table-scrollbar" data-testid="table-scrollbar" node_ref=bar_el aria-hidden="true" tabindex="-1"
                        on:scroll=move |_| {
                            if let Some(bar) = bar_el.get_untracked() {
                                scrolled(bar.scroll_left());
                            }
                        }>
                        <div class="table-scrollbar-width"></div>
                    </div>
                    {editor}
                </div>
                </div>
            </section>
        </div>
    }
}

/// A custom object's list as a table or a board: the links between the two (with the list's
/// chips), the board's field when it is one, and the board.
struct BoardSwitch {
    nav: AnyView,
    board: Memo<Option<FieldDef>>,
    view: AnyView,
}

fn board_switch(
    list: StoredValue<ListOf>,
    object: Memo<Option<ObjectDef>>,
    conditions: Memo<Vec<(String, shared::query::Condition)>>,
    query_map: Memo<leptos_router::params::ParamsMap>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + Clone + Send + Sync + 'static,
) -> BoardSwitch {
    let i18n = use_i18n();
    let custom = list.with_value(|l| l.custom_key().is_some());
    // The fields a board may group by: a custom object's single selects.
    let groups = Memo::new(move |_| {
        if !custom {
            return Vec::new();
        }
        object.with(|o| {
            o.as_ref()
                .map(|o| groupings(o).into_iter().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let board = Memo::new(move |_| {
        let (view, by) = query_map.with(|q| (q.get("view"), q.get("by")));
        if view.as_deref() != Some("board") {
            return None;
        }
        groups.with(|g| {
            g.iter()
                .find(|g| Some(g.key.as_str()) == by.as_deref())
                .or(g.first())
                .cloned()
        })
    });
    let chips_param = move || {
        conditions.with(|c| {
            let sources: Vec<String> = c.iter().map(|(s, _)| s.clone()).collect();
            crate::pages::filter_chips::to_address(&sources)
        })
    };
    let table_path = move || list.with_value(|l| l.address(None, &chips_param()));
    let board_path = move || {
        let by = groups.with(|g| g.first().map(|g| g.key.as_str().to_owned()));
        by.map(|by| list.with_value(|l| l.address(Some(&by), &chips_param())))
            .unwrap_or_default()
    };
    let regroup = Callback::new(move |ev: leptos::ev::Event| {
        let by = event_target_value(&ev);
        let to = list.with_value(|l| l.address(Some(&by), &untrack(chips_param)));
        navigate(&to, Default::default());
    });
    let options = move || {
        let current = board.with(|b| b.as_ref().map(|g| g.key.as_str().to_owned()));
        groups
            .get()
            .into_iter()
            .map(|g| {
                let selected = current.as_deref() == Some(g.key.as_str());
                let label = g.label.clone();
                view! {
                    <option value=g.key.as_str().to_owned() selected=selected>
                        {move || label.get(i18n.locale()).to_owned()}
                    </option>
                }
            })
            .collect_view()
    };
    let nav = view! {
        <Show when=move || groups.with(|g| !g.is_empty())>
            <nav class="view-switch" aria-label=move || i18n.t(Text::Views)>
                // Plain links (the router still follows them): both share the path, so the
                // router's own `aria-current` would mark both.
                <a href=table_path class="button secondary" data-testid="view-table"
                    aria-current=move || board.with(Option::is_none).then_some("page")>
                    {move || i18n.t(Text::ViewTable)}
                </a>
                <a href=board_path class="button secondary" data-testid="view-board"
                    aria-current=move || board.with(Option::is_some).then_some("page")>
                    {move || i18n.t(Text::ViewBoard)}
                </a>
                <Show when=move || board.with(Option::is_some)>
                    <label class="sr-only" for="board-by">{move || i18n.t(Text::GroupBy)}</label>
                    <select id="board-by" data-testid="board-by" on:change=move |ev| regroup.run(ev)>
                        {options}
                    </select>
                </Show>
            </nav>
        </Show>
    }
    .into_any();
    let view = (move || {
        board.get().zip(object.get()).map(|(by, object)| {
            let filter =
                Signal::derive(move || crate::pages::filter_chips::filter_of(&conditions.get()));
            view! { <ObjectBoard object=object by=by filter=filter /> }
        })
    })
    .into_any();
    BoardSwitch { nav, board, view }
}
