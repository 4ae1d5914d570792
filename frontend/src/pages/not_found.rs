//! Unknown addresses.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::i18n::Text;

use crate::i18n::use_i18n;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="centered">
            <div class="card narrow">
                <h1>{move || i18n.t(Text::NotFoundTitle)}</h1>
                <p>{move || i18n.t(Text::NotFoundBody)}</p>
                <A href="/">{move || i18n.t(Text::BackHome)}</A>
            </div>
        </main>
    }
}

/// Shown inside the app when the role may not open a screen.
#[component]
pub fn Forbidden() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card narrow" data-testid="forbidden">
            <h1>{move || i18n.t(Text::ForbiddenTitle)}</h1>
            <p>{move || i18n.t(Text::ForbiddenBody)}</p>
            <A href="/">{move || i18n.t(Text::BackHome)}</A>
        </section>
    }
}
