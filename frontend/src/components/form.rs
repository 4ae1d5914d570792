//! Forms: field components that show their validation message right below the input, and the
//! state that collects messages from local validation (the same `shared` rules the server runs)
//! and from the server's answer.

use leptos::prelude::*;
use shared::FieldError;
use shared::i18n::{Locale, Text, problem_text};

use shared::sync::{MutateError, Rejection};

use crate::api::Failure;
use crate::i18n::use_i18n;
use shared::i18n::rejection_text;

/// Errors and progress of one form.
#[derive(Debug, Clone, Copy)]
pub struct FormState {
    local: RwSignal<Vec<FieldError>>,
    failure: RwSignal<Option<Failure>>,
    pub busy: RwSignal<bool>,
}

impl Default for FormState {
    fn default() -> Self {
        Self {
            local: RwSignal::new(Vec::new()),
            failure: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }
}

impl FormState {
    /// Start a submission: clear old messages and mark the form busy.
    pub fn begin(self) {
        self.local.set(Vec::new());
        self.failure.set(None);
        self.busy.set(true);
    }

    pub fn invalid(self, errors: Vec<FieldError>) {
        self.local.set(errors);
        self.busy.set(false);
    }

    /// Forget the local problem of `field` (the person is changing it).
    pub fn clear_field(self, field: &str) {
        if self
            .local
            .with_untracked(|l| l.iter().any(|e| e.field == field))
        {
            self.local.update(|l| l.retain(|e| e.field != field));
        }
    }

    pub fn failed(self, failure: Failure) {
        self.failure.set(Some(failure));
        self.busy.set(false);
    }

    pub fn done(self) {
        self.busy.set(false);
    }

    /// A change the device refused: field problems go under their fields; anything else comes
    /// back as the text for the form's banner.
    pub fn refused(self, error: MutateError, locale: Locale) -> Option<String> {
        match error {
            MutateError::Rejected(Rejection::Invalid { errors }) => {
                self.invalid(errors);
                None
            }
            MutateError::Rejected(reason) => {
                self.done();
                Some(rejection_text(&reason).get(locale).to_owned())
            }
            MutateError::NotReady => {
                self.done();
                Some(Text::SyncNotReady.get(locale).to_owned())
            }
        }
    }

    /// The message to show under `field`, if any (tracked).
    pub fn field_error(self, field: &str, locale: Locale) -> Option<String> {
        let local = self.local.with(|errors| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| problem_text(&e.problem, locale))
        });
        local.or_else(|| {
            self.failure.with(|f| {
                f.as_ref()
                    .and_then(|f| f.field_errors().into_iter().find(|e| e.field == field))
                    .map(|e| problem_text(&e.problem, locale))
            })
        })
    }

    /// A message for the form as a whole: failures that are not about one field (tracked).
    pub fn general_error(self, locale: Locale) -> Option<String> {
        if self.local.with(|l| !l.is_empty()) {
            return Some(Text::ErrCheckFields.get(locale).to_owned());
        }
        self.failure.with(|f| {
            f.as_ref().map(|f| {
                if f.field_errors().is_empty() {
                    f.message(locale)
                } else {
                    Text::ErrCheckFields.get(locale).to_owned()
                }
            })
        })
    }
}

/// A labelled text input bound to `value`, with its error below it.
#[component]
pub fn TextField(
    form: FormState,
    /// The request field this input fills (matches server error fields).
    name: &'static str,
    /// Prefix that makes the element id unique on the page.
    #[prop(default = "f")]
    id_prefix: &'static str,
    label: Text,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Text>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("{id_prefix}-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = Memo::new(move |_| form.field_error(name, i18n.locale()));
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || match (error.get().is_some(), hint.is_some()) {
            (true, _) => error_id.clone(),
            (false, true) => hint_id.clone(),
            (false, false) => String::new(),
        }
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                bind:value=value
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
            />
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(hint)}</p> })}
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=error_id.clone()>{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// A labelled `<select>` over `(value, label)` options, with its error below it.
#[component]
pub fn SelectField(
    form: FormState,
    name: &'static str,
    #[prop(default = "f")] id_prefix: &'static str,
    label: Text,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("{id_prefix}-{name}");
    let error_id = format!("{id}-error");
    let error = Memo::new(move |_| form.field_error(name, i18n.locale()));
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <select
                id=id.clone()
                name=name
                on:change=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            >
                <For
                    each=move || options.get()
                    key=|(v, l)| (v.clone(), l.clone())
                    children=move |(v, l)| {
                        let selected_value = v.clone();
                        view! {
                            <option value=v selected=move || value.get() == selected_value>{l}</option>
                        }
                    }
                />
            </select>
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=error_id.clone()>{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// The form's general error and its submit button.
#[component]
pub fn FormFooter(
    form: FormState,
    submit: Text,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let general = Signal::derive(move || form.general_error(i18n.locale()));
    view! {
        <crate::components::ErrorBanner message=general />
        <div class="form-actions">
            <button type="submit" class="primary" disabled=move || form.busy.get()>
                {move || if form.busy.get() { i18n.t(Text::Working) } else { i18n.t(submit) }}
            </button>
            {children.map(|c| c())}
        </div>
    }
}
