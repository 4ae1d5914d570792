//! A record's timeline: its changes (who changed what, each value as people read it) and
//! the activities and tasks about it.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::RecordId;
use shared::format;
use shared::i18n::{Locale, Text};
use shared::records::labels::{collection_label, field_label};
use shared::sync::{Body, ClientCore, Collection};

use super::list::detail;
use super::{choice_label, choices, link_labels, link_targets, path_of, record_path, shown_time};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

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
