//! `/login` inside the app. The sign-in page itself is plain HTML that the server serves at
//! `/login` (`public/login.html` and `public/login.js`), so that it opens without the app's
//! WebAssembly; the app comes here only by its own links and redirects, and sends the person
//! on to that page (or home, or to the setup, or says the server cannot be reached).

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::components::Loading;
use crate::pages::shell::Unreachable;
use crate::session::{Auth, open_sign_in, use_session};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    move || match session.auth.get() {
        Auth::Checking => view! { <main class="centered"><Loading /></main> }.into_any(),
        Auth::SignedIn(_) => view! { <Redirect path="/" /> }.into_any(),
        Auth::SignedOut { setup_needed: true } => view! { <Redirect path="/setup" /> }.into_any(),
        Auth::SignedOut { .. } => view! { <SignInPage /> }.into_any(),
        Auth::Unreachable => view! { <Unreachable /> }.into_any(),
    }
}

/// Off to the sign-in page; `next` comes along from this address.
#[component]
pub fn SignInPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|q| q.get("next"));
    open_sign_in(next.as_deref());
    view! { <main class="centered"><Loading /></main> }
}
