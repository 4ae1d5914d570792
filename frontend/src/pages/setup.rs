//! The one-time setup: the company and its first admin. Shown only while no user exists.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use shared::api::{LoginResponse, SetupRequest};
use shared::i18n::Text;

use crate::api;
use crate::components::Loading;
use crate::components::form::{FormFooter, FormState, TextField};
use crate::i18n::use_i18n;
use crate::pages::shell::LanguageButton;
use crate::session::{Auth, use_session};

#[component]
pub fn SetupPage() -> impl IntoView {
    let session = use_session();
    move || match session.auth.get() {
        Auth::Checking => view! { <main class="centered"><Loading /></main> }.into_any(),
        Auth::SignedOut { setup_needed: true } => view! { <SetupForm /> }.into_any(),
        Auth::SignedIn(_) => view! { <Redirect path="/" /> }.into_any(),
        Auth::SignedOut { .. } | Auth::Unreachable => {
            view! { <Redirect path="/login" /> }.into_any()
        }
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = FormState::default();
    let company = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = SetupRequest {
            company_name: company.get_untracked(),
            display_name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        form.begin();
        if let Err(errors) = request.validate() {
            form.invalid(errors);
            return;
        }
        spawn_local(async move {
            match api::post::<_, LoginResponse>("/api/setup", &request).await {
                Ok(_) => {
                    form.done();
                    session.refresh();
                }
                Err(failure) => {
                    let closed = failure.code() == Some("already_set_up");
                    form.failed(failure);
                    if closed {
                        session.refresh();
                    }
                }
            }
        });
    };

    view! {
        <main class="centered auth-page">
            <div class="card narrow">
                <div class="auth-header">
                    <p class="brand-mark" aria-hidden="true">{move || i18n.t(Text::BrandMark)}</p>
                    <LanguageButton />
                </div>
                <h1>{move || i18n.t(Text::SetupTitle)}</h1>
                <p class="muted">{move || i18n.t(Text::SetupIntro)}</p>
                <form on:submit=submit novalidate=true data-testid="setup-form">
                    <TextField form name="company_name" id_prefix="setup" label=Text::CompanyName value=company autocomplete="organization" />
                    <TextField form name="display_name" id_prefix="setup" label=Text::YourName value=name autocomplete="name" />
                    <TextField form name="email" id_prefix="setup" label=Text::Email value=email kind="email" autocomplete="username" />
                    <TextField
                        form
                        name="password"
                        id_prefix="setup"
                        label=Text::Password
                        value=password
                        kind="password"
                        autocomplete="new-password"
                        hint=Text::PasswordHint
                    />
                    <FormFooter form submit=Text::CreateAndSignIn />
                </form>
            </div>
        </main>
    }
}
