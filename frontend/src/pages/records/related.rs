//! A record's related lists (`shared::sync::related`): an account's contacts, deals,
//! activities and tasks, a contact's deals, activities and tasks, a lead's or deal's
//! activities and tasks; each with its count, the most recently changed first, and "new",
//! which opens a new record already linked here.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::RecordId;
use shared::i18n::Text;
use shared::records::labels::collection_label;
use shared::schema::{Labels, builtin};
use shared::sync::Collection;
use shared::sync::linked::named;
use shared::sync::related::{belongs, lists};

use super::list::detail;
use super::{path_of, record_path};
use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// How many of each list show before "more".
const SHOWN: usize = 5;

/// How many records a related list has, and the latest of them: (address, name, detail).
type Listed = (usize, Vec<(String, String, String)>);

#[component]
pub fn RelatedLists(collection: Collection, id: RecordId) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let added = builtin::object_key(collection)
        .map(|key| view! { <AddedRelatedLists target=key.to_owned() id=id /> });
    let built_in = lists(collection)
        .iter()
        .map(|&(kind, link)| {
            let changed = sync.changes(kind);
            // (path, name, detail) of each, newest change first, and how many there are.
            let rows = Memo::new(move |_| {
                changed.track();
                let locale = i18n.locale();
                sync.with_core(|core| {
                    let mut all: Vec<_> = core
                        .collection(kind)
                        .filter(|r| belongs(collection, id, r))
                        .collect();
                    all.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
                    let count = all.len();
                    let shown = all
                        .iter()
                        .take(SHOWN)
                        .map(|r| (path_of(r), r.body.label(), detail(r, locale)))
                        .collect::<Vec<_>>();
                    (count, shown)
                })
                .unwrap_or_default()
            });
            let new = format!("{}?{link}={id}", record_path(kind, "new"));
            let heading = Signal::derive(move || {
                format!(
                    "{} ({})",
                    collection_label(kind, i18n.locale()),
                    rows.with(|r| r.0)
                )
            });
            view! {
                <RelatedSection testid=format!("related-{}", kind.as_str()) heading=heading new=new rows=rows />
            }
        })
        .collect_view();
    view! { {built_in} {added} }
}

/// The fields an admin added that link to records of `target` (`Schema::links_to`), as the
/// device's schema has them: (object key, field key, the list's title). The title is the
/// object's name, with the field's label when several of its fields link here.
fn added_links(target: &str) -> Vec<(String, String, Labels)> {
    let schema = crate::sync::company_schema().schema(&crate::sync::pipelines());
    let found = schema.links_to(target);
    found
        .iter()
        .map(|(object, field)| {
            let several = found.iter().filter(|(o, _)| o.key == object.key).count() > 1;
            let mut title = object.name.clone();
            if several {
                title.zh = format!("{} · {}", title.zh, field.label.zh);
                title.en = format!("{} · {}", title.en, field.label.en);
            }
            (
                object.key.as_str().to_owned(),
                field.key.as_str().to_owned(),
                title,
            )
        })
        .collect()
}

/// Whether fields an admin added link to records of `target` (a record page then offers its
/// related lists).
pub fn links_here(target: &str) -> bool {
    !added_links(target).is_empty()
}

/// The records that link to record `id` (of the object `target`) through fields an admin
/// added (a project's account, a contact's projects…): a list per field, like the built-in
/// ones, whose "new" opens a new record with that field already naming this one.
#[component]
pub fn AddedRelatedLists(target: String, id: RecordId) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let schema_changed = sync.changes(Collection::Schema);
    let links = Memo::new(move |_| {
        schema_changed.track();
        added_links(&target)
    });
    move || {
        links
            .get()
            .into_iter()
            .map(|(object, field, title)| {
                let collection = builtin::collection_of(&object);
                let kind = collection.unwrap_or(Collection::Object);
                let changed = sync.changes(kind);
                let rows = {
                    let (object, field) = (object.clone(), field.clone());
                    Memo::new(move |_| {
                        changed.track();
                        let locale = i18n.locale();
                        let here = id.to_string();
                        sync.with_core(|core| {
                            let mut all: Vec<_> = core
                                .collection(kind)
                                .filter(|r| collection.is_some() || r.object_key() == Some(object.as_str()))
                                .filter(|r| named(r.custom.get(&field)).contains(&here.as_str()))
                                .collect();
                            all.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
                            let shown = all
                                .iter()
                                .take(SHOWN)
                                .map(|r| {
                                    // A built-in record's usual detail; a custom one's name says it.
                                    let more = collection.map(|_| detail(r, locale)).unwrap_or_default();
                                    (path_of(r), r.body.label(), more)
                                })
                                .collect::<Vec<_>>();
                            (all.len(), shown)
                        })
                        .unwrap_or_default()
                    })
                };
                let new = match collection {
                    Some(c) => format!("{}?{field}={id}", record_path(c, "new")),
                    None => format!("{}?{field}={id}", crate::pages::objects::record_path(&object, "new")),
                };
                let heading = Signal::derive(move || {
                    format!("{} ({})", title.get(i18n.locale()), rows.with(|r| r.0))
                });
                view! {
                    <RelatedSection testid=format!("related-{object}-{field}") heading=heading new=new rows=rows />
                }
            })
            .collect_view()
    }
}

/// One related list: its heading with the count, "new", and the latest records (each its
/// address, name and a detail) or a word that there are none.
#[component]
fn RelatedSection(
    testid: String,
    heading: Signal<String>,
    new: String,
    rows: Memo<Listed>,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        let (count, shown) = rows.get();
        if count == 0 {
            return view! { <p class="muted small">{i18n.t(Text::RelatedNone)}</p> }.into_any();
        }
        let more = (count > SHOWN).then(|| {
            view! { <p class="muted small">{format!("{} {}", i18n.t(Text::RelatedMore), count - SHOWN)}</p> }
        });
        view! {
            <ul class="related-items">
                {shown.into_iter().map(|(href, name, detail)| view! {
                    <li><A href=href>{name}</A><span class="muted small">{detail}</span></li>
                }).collect_view()}
            </ul>
            {more}
        }
        .into_any()
    };
    view! {
        <section class="card related" data-testid=testid>
            <div class="section-header">
                <h2>{heading}</h2>
                <A href=new attr:class="button secondary small" attr:data-testid="related-new">
                    {move || i18n.t(Text::NewRecord)}
                </A>
            </div>
            {items}
        </section>
    }
}
