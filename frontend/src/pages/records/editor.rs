//! A record's page (`/r/:collection/:id`, `/contacts/:id`, `new` for a new one): the editor
//! built from the kind's fields and the custom ones in the object's layout, the owner, lead
//! conversion, delete, and the timeline below.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::RecordId;
use shared::i18n::Text;
use shared::records::labels::collection_label;
use shared::records::{self, Patch};
use shared::schema::builtin;
use shared::sync::{
    Collection, ConvertDeal, ConvertLead, CreateRecord, DeleteRecord, MutateError, Mutation,
    Presence, Record, UpdateRecord,
};

use super::header::{RecordHeader, RecordTabs, use_tab};
use super::related::RelatedLists;
use super::timeline::Timeline;
use super::widget::FieldWidget;
use super::{collection_of, list_path, reassigned, record_path, send_in_order};
use crate::components::form::{FormFooter, FormState, SelectField};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;
use crate::pages::custom_fields::{CustomInputs, custom_widgets};
use crate::pages::form_layout::FormSections;
use crate::pages::not_found::NotFound;
use crate::sync::{new_uuid, use_sync};

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
            // A field is sent when it differs from what the record holds now (a stage moved
            // from the header since the form opened is not sent again).
            let stored = id.and_then(|id| {
                sync.with_core_untracked(|c| {
                    c.get(id)
                        .map(|r| fields.iter().map(|f| r.body.text(f)).collect::<Vec<_>>())
                })
                .flatten()
            });
            for (i, (field, value)) in values.iter().enumerate() {
                let now = value.get_untracked();
                let before = start.get(*field).cloned().unwrap_or_default();
                let holds = stored
                    .as_ref()
                    .and_then(|s| s.get(i))
                    .map_or(before.as_str(), String::as_str);
                if id.is_none() || now.trim() != holds.trim() {
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
    // On a phone the page is tabs (the form, the related lists, the timeline), the tab in the
    // address (`?tab=related`); wider screens show all three.
    let tab = use_tab();
    let tabs = id.map(|id| {
        // Again when the schema changes: a link to this object added by an admin brings the
        // related tab.
        let offered = Signal::derive(move || {
            schema_changed.track();
            let mut offered = vec![("details", Text::TabDetails)];
            if !shared::sync::related::lists(collection).is_empty()
                || shared::schema::builtin::object_key(collection).is_some_and(super::links_here)
            {
                offered.push(("related", Text::TabRelated));
            }
            if collection != Collection::Activity {
                offered.push(("timeline", Text::Timeline));
            }
            offered
        });
        view! { <RecordTabs path=record_path(collection, id) offered=offered tab=tab /> }
    });
    let header = id.map(|id| {
        let stage = values.iter().find(|(f, _)| *f == "stage").map(|(_, v)| *v);
        view! { <RecordHeader collection=collection id=id back=list.clone() stage=stage /> }
    });
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
        <div class="page record-page" data-tab=move || tab.get()>
            {header}
            {tabs}
            <section class="card tab-details">
                {id.is_none().then(|| view! {
                    <div class="section-header">
                        <h1>{title}</h1>
                        <A href=list_path(collection) attr:class="button secondary">{move || i18n.t(Text::Back)}</A>
                    </div>
                })}
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
            {id.map(|id| view! { <div class="related-lists tab-related"><RelatedLists collection=collection id=id /></div> })}
            {id.filter(|_| collection != Collection::Activity).map(|id| view! { <div class="tab-timeline"><Timeline collection=collection id=id /></div> })}
        </div>
    }
}
