//! A list's settings beyond search: which fields its rows show, and saved views (the sort,
//! filters and shown fields under a name, synced to the person's other devices).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::RecordId;
use shared::i18n::Text;
use shared::records::SavedView;
use shared::sync::{Collection, CreateRecord, DeleteRecord, Mutation};

use crate::i18n::use_i18n;
use crate::pages::records::ListOf;
use crate::sync::{new_uuid, use_sync};
use shared::i18n::rejection_text;

/// What a list shows and in which order; a saved view sets all of it at once.
#[derive(Debug, Clone, Copy)]
pub struct ListSettings {
    pub sort: RwSignal<String>,
    pub descending: RwSignal<bool>,
    /// Filter chips, each a condition in the query language's text form; every one must hold.
    pub chips: RwSignal<Vec<String>>,
    /// Fields shown under each row's name; empty: the list's usual ones.
    pub columns: RwSignal<Vec<String>>,
}

impl ListSettings {
    pub fn new() -> Self {
        ListSettings {
            sort: RwSignal::new(String::new()),
            descending: RwSignal::new(false),
            chips: RwSignal::new(Vec::new()),
            columns: RwSignal::new(Vec::new()),
        }
    }

    fn apply(self, view: Option<&SavedView>, list: &ListOf) {
        self.sort
            .set(view.map(|v| v.sort.clone()).unwrap_or_default());
        self.descending.set(view.is_some_and(|v| v.descending));
        let object = list.object();
        let chips = view
            .map(|v| view_chips(v, object.as_ref()))
            .unwrap_or_default();
        self.chips.set(chips);
        self.columns
            .set(view.map(|v| v.columns.clone()).unwrap_or_default());
    }

    /// Whether these settings are those of `view` (tracked).
    fn show(self, view: &SavedView, list: &ListOf) -> bool {
        self.sort.with(|s| *s == view.sort)
            && self.descending.get() == view.descending
            && self.columns.with(|c| *c == view.columns)
            && self
                .chips
                .with(|c| *c == view_chips(view, list.object().as_ref()))
    }

    /// These settings as the fields of a view called `name` of `list`.
    fn as_fields(self, name: &str, list: &ListOf) -> shared::records::Patch {
        view_fields(&SavedView {
            name: name.to_owned(),
            list: Some(list.collection()),
            sort: self.sort.get_untracked(),
            descending: self.descending.get_untracked(),
            filters: Vec::new(),
            columns: self.columns.get_untracked(),
            object: list.view_object(),
            chips: self.chips.get_untracked().join("\n"),
        })
    }
}

/// The chips a view sets. A view saved before chips keeps its (field, value) filters: read as
/// chips.
fn view_chips(view: &SavedView, object: Option<&shared::schema::ObjectDef>) -> Vec<String> {
    let mut all: Vec<String> = view.chips.lines().map(str::to_owned).collect();
    if let Some(object) = object {
        all.extend(view.filters.iter().filter_map(|(field, value)| {
            crate::pages::filter_chips::legacy_chip(object, field, value)
        }));
    }
    all
}

/// A view as the fields a `record.create` of it sends.
pub fn view_fields(view: &SavedView) -> shared::records::Patch {
    use shared::records::Kind;
    SavedView::FIELDS
        .iter()
        .map(|f| ((*f).to_owned(), view.get(f)))
        .collect()
}

/// The saved views of a list, applied to its settings.
#[component]
pub fn ViewPicker(list: ListOf, settings: ListSettings) -> impl IntoView {
    let list = StoredValue::new(list);
    view! {
        <SavedViews
            belongs=Callback::new(move |v: SavedView| list.with_value(|l| l.owns_view(&v)))
            apply=Callback::new(move |v: Option<SavedView>| list.with_value(|l| settings.apply(v.as_ref(), l)))
            current=Callback::new(move |name: String| list.with_value(|l| settings.as_fields(&name, l)))
            shows=Callback::new(move |v: SavedView| list.with_value(|l| settings.show(&v, l))) />
    }
}

/// Choose a saved view of a list, save the list's current settings as one, or delete one:
/// `belongs` says which views are this list's, `apply` sets a view (`None`: all records) and
/// `current` gives the list's settings as the fields of a view of that name.
#[component]
pub fn SavedViews(
    belongs: Callback<SavedView, bool>,
    apply: Callback<Option<SavedView>>,
    current: Callback<String, shared::records::Patch>,
    /// Whether the list shows this view now (tracked): once the list's settings change, no
    /// view is marked chosen.
    #[prop(optional)]
    shows: Option<Callback<SavedView, bool>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let chosen = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    // My views of this list, by name.
    let views = Memo::new(move |_| {
        sync.with_core(|core| {
            let mut all: Vec<(RecordId, SavedView)> = core
                .collection(Collection::View)
                .filter_map(|r| match &r.body {
                    shared::sync::Body::View(v) if belongs.run(v.clone()) => {
                        Some((r.id, v.clone()))
                    }
                    _ => None,
                })
                .collect();
            all.sort_by(|a, b| a.1.name.cmp(&b.1.name));
            all
        })
        .unwrap_or_default()
    });
    if let Some(shows) = shows {
        Effect::new(move |_| {
            let id = chosen.get();
            let left = views.with(|all| {
                all.iter()
                    .find(|(v, _)| v.to_string() == id)
                    .is_some_and(|(_, v)| !shows.run(v.clone()))
            });
            if left {
                chosen.set(String::new());
            }
        });
    }
    let choose = move |id: String| {
        let view = views.with_untracked(|all| {
            all.iter()
                .find(|(v, _)| v.to_string() == id)
                .map(|(_, v)| v.clone())
        });
        chosen.set(if view.is_some() { id } else { String::new() });
        apply.run(view);
    };
    let save = move |_| {
        let typed = name.get_untracked();
        if typed.trim().is_empty() {
            message.set(Some(i18n.t(Text::ViewNameNeeded).to_owned()));
            return;
        }
        let id = RecordId::from_uuid(new_uuid());
        let mutation = Mutation::CreateRecord(CreateRecord {
            custom: Default::default(),
            collection: Collection::View,
            id,
            owner: None,
            fields: current.run(typed),
        });
        spawn_local(async move {
            match sync.mutate(mutation).await {
                Ok(()) => {
                    name.set(String::new());
                    message.set(None);
                    chosen.set(id.to_string());
                }
                Err(shared::sync::MutateError::Rejected(reason)) => {
                    message.set(Some(i18n.t(rejection_text(&reason)).to_owned()));
                }
                Err(shared::sync::MutateError::NotReady) => {
                    message.set(Some(i18n.t(Text::SyncNotReady).to_owned()));
                }
            }
        });
    };
    let delete = move |_| {
        let Ok(id) = chosen.get_untracked().parse::<RecordId>() else {
            return;
        };
        spawn_local(async move {
            if sync
                .mutate(Mutation::DeleteRecord(DeleteRecord { id }))
                .await
                .is_ok()
            {
                chosen.set(String::new());
                apply.run(None);
            }
        });
    };
    view! {
        <div class="view-picker">
            <label class="sr-only" for="view-select">{move || i18n.t(Text::Views)}</label>
            <select id="view-select" data-testid="view-select"
                prop:value=move || chosen.get()
                on:change=move |ev| choose(event_target_value(&ev))>
                <option value="">{move || i18n.t(Text::AllRecordsView)}</option>
                {move || views.get().into_iter().map(|(id, v)| {
                    let id = id.to_string();
                    let selected = chosen.get_untracked() == id;
                    view! { <option value=id selected=selected>{v.name}</option> }
                }).collect_view()}
            </select>
            <Show when=move || !chosen.with(String::is_empty)>
                <button type="button" class="secondary" data-testid="delete-view" on:click=delete>
                    {move || i18n.t(Text::DeleteView)}
                </button>
            </Show>
            <label class="sr-only" for="view-name">{move || i18n.t(Text::ViewName)}</label>
            <input id="view-name" type="text" data-testid="view-name" bind:value=name
                placeholder=move || i18n.t(Text::ViewName) />
            <button type="button" class="secondary" data-testid="save-view" on:click=save>
                {move || i18n.t(Text::SaveView)}
            </button>
            <Show when=move || message.with(Option::is_some)>
                <p class="field-error" role="alert">{move || message.get()}</p>
            </Show>
        </div>
    }
}

/// Tick the fields each row shows (a table's columns), and move the ticked ones earlier or
/// later (the keyboard's way to reorder columns; on a desk a header can be dragged too). With
/// none ticked, the list shows the object's usual ones, ticked here.
#[component]
pub fn ColumnPicker(list: ListOf, settings: ListSettings) -> impl IntoView {
    let list = StoredValue::new(list);
    let i18n = use_i18n();
    let sync = use_sync();
    let schema_changed = sync.changes(Collection::Schema);
    // The fields shown now: the chosen ones, or the object's usual ones.
    let shown = move || {
        let chosen = settings.columns.get();
        if !chosen.is_empty() {
            return chosen;
        }
        list.with_value(ListOf::object)
            .map(|o| {
                o.usual_columns()
                    .iter()
                    .map(|d| d.key.as_str().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    // The product's fields, then the company's own (custom fields keep their labels), again
    // when the schema arrives or changes; the shown ones first, in their order.
    let fields = move || {
        schema_changed.track();
        sync.with_core(|_| ());
        let locale = i18n.locale();
        let name = list.with_value(ListOf::name_field);
        let mut fields: Vec<(String, String)> = list
            .with_value(|l| l.fields(locale))
            .into_iter()
            .filter(|(f, _)| *f != "name" && *f != "title" && *f != name)
            .collect();
        let order = shown();
        fields.sort_by_key(|(f, _)| order.iter().position(|o| o == f).unwrap_or(usize::MAX));
        fields
    };
    let toggle = move |field: String, on: bool| {
        let mut now = shown();
        now.retain(|f| *f != field);
        if on {
            now.push(field);
        }
        settings.columns.set(now);
    };
    let step = move |field: String, by: isize| {
        let now = shown();
        if let Some(at) = now.iter().position(|f| *f == field) {
            let to = at.saturating_add_signed(by);
            settings.columns.set(shared::table::moved(&now, &field, to));
        }
    };
    view! {
        <fieldset class="column-picker" data-testid="column-picker">
            <legend>{move || i18n.t(Text::ShownFields)}</legend>
            {move || {
                let on: Vec<String> = shown();
                fields().into_iter().map(|(field, label)| {
                    let ticked = on.contains(&field);
                    let (f1, f2, f3, f4) = (field.clone(), field.clone(), field.clone(), field.clone());
                    view! {
                        <div class="column-choice" data-field=f4>
                            <label class="check">
                                <input type="checkbox" data-testid="column" value=field
                                    prop:checked=ticked
                                    on:change=move |ev| toggle(f1.clone(), event_target_checked(&ev)) />
                                {label.clone()}
                            </label>
                            {ticked.then(|| view! {
                                <button type="button" class="icon-button" data-testid="column-earlier"
                                    aria-label=format!("{} {label}", i18n.t(Text::MoveUp))
                                    on:click=move |_| step(f2.clone(), -1)>"↑"</button>
                                <button type="button" class="icon-button" data-testid="column-later"
                                    aria-label=format!("{} {label}", i18n.t(Text::MoveDown))
                                    on:click=move |_| step(f3.clone(), 1)>"↓"</button>
                            })}
                        </div>
                    }
                }).collect_view()
            }}
        </fieldset>
    }
}
