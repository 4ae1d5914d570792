//! The sign-in page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use shared::api::{LoginRequest, LoginResponse};
use shared::i18n::Text;

use crate::api;
use crate::components::Loading;
use crate::components::form::{FormFooter, FormState, TextField};
use crate::i18n::use_i18n;
use crate::pages::shell::LanguageButton;
use crate::session::{Auth, use_session};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    move || match session.auth.get() {
        Auth::Checking => view! { <main class="centered"><Loading /></main> }.into_any(),
        Auth::SignedIn(_) => view! { <Redirect path="/" /> }.into_any(),
        Auth::SignedOut { setup_needed: true } => view! { <Redirect path="/setup" /> }.into_any(),
        Auth::SignedOut { .. } | Auth::Unreachable => view! { <LoginForm /> }.into_any(),
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = FormState::default();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        form.begin();
        if let Err(errors) = request.validate() {
            form.invalid(errors);
            return;
        }
        spawn_local(async move {
            match api::post::<_, LoginResponse>("/api/auth/login", &request).await {
                Ok(_) => {
                    form.done();
                    password.set(String::new());
                    session.refresh();
                }
                Err(failure) => form.failed(failure),
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
                <h1>{move || i18n.t(Text::SignInTitle)}</h1>
                <p class="muted">{move || i18n.t(Text::SignInIntro)}</p>
                <Show when=move || session.auth.get() == Auth::Unreachable>
                    <div class="banner error" role="alert">{move || i18n.t(Text::ErrOffline)}</div>
                </Show>
                <form on:submit=submit novalidate=true data-testid="login-form">
                    <TextField form name="email" id_prefix="login" label=Text::Email value=email kind="email" autocomplete="username" />
                    <TextField form name="password" id_prefix="login" label=Text::Password value=password kind="password" autocomplete="current-password" />
                    <FormFooter form submit=Text::SignIn />
                </form>
            </div>
        </main>
    }
}
