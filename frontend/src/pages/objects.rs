//! The records of the objects a company made itself (`/o/:object`, `/o/:object/:id`): the list
//! every object has ([`RecordList`]: a table on a desk, cards on a phone, a board by a single
//! select); a record page with the object's fields, its owner and its history. Everything is read from
//! the schema on the device, so a new object works with no code and offline.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::Value as Json;
use shared::i18n::{Locale, Text};
use shared::records::Patch;
use shared::schema::company::SCHEMA_ID;
use shared::schema::{FieldDef, FieldType, ObjectDef, Value};
use shared::sync::{
    ClientCore, Collection, CreateRecord, DeleteRecord, MutateError, Mutation, Presence, Record,
    UpdateRecord,
};
use shared::{RecordId, UserId};

use crate::components::form::{FormFooter, FormState, SelectField};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;
use crate::pages::custom_fields::{CustomInputs, custom_widgets};
use crate::pages::form_layout::FormSections;
use crate::pages::not_found::NotFound;
use crate::pages::records::{
    AddedRelatedLists, ListOf, RecordHeader, RecordList, RecordTabs, Timeline, links_here,
    reassigned, send_in_order, use_tab,
};
use crate::sync::{new_uuid, use_sync};

/// Where the list of the custom object `key` lives.
pub fn list_path(key: &str) -> String {
    format!("/o/{key}")
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

/// `/o/:object`: the object's records in the list every object has.
#[component]
pub fn ObjectListPage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| params.with(|p| p.get("object")).unwrap_or_default());
    let sync = use_sync();
    let schema_changed = sync.changes(Collection::Schema);
    // The object's key once the schema has it: the list follows the schema's changes itself.
    let object = Memo::new(move |_| {
        schema_changed.get();
        page_object(sync, &key.get()).map(|o| o.key.as_str().to_owned())
    });
    move || match object.get() {
        Ok(key) => view! { <RecordList list=ListOf::custom(key) /> }.into_any(),
        Err(true) => view! { <div class="page"><Loading /></div> }.into_any(),
        Err(false) => view! { <NotFound /> }.into_any(),
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
    let schema_changed = sync.changes(Collection::Schema);
    let tabs = id.map(|id| {
        let key = object.key.as_str().to_owned();
        let offered = Signal::derive(move || {
            schema_changed.track();
            let mut offered = vec![("details", Text::TabDetails)];
            if links_here(&key) {
                offered.push(("related", Text::TabRelated));
            }
            offered.push(("timeline", Text::Timeline));
            offered
        });
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
