//! Settings → Roles: which records each role sees (its data scope).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{RoleView, UpdateRoleRequest};
use shared::i18n::{Text, role_text, scope_text};
use shared::{DataScope, Role};

use crate::api::{self, Failure};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;

#[component]
pub fn RolesPage() -> impl IntoView {
    let i18n = use_i18n();
    let roles = LocalResource::new(|| api::get::<Vec<RoleView>>("/api/roles"));
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(None::<Role>);
    let message = Signal::derive(move || failure.get().map(|f| f.message(i18n.locale())));

    let change = move |role: Role, value: String| {
        let Ok(scope) = value.parse::<DataScope>() else {
            return;
        };
        failure.set(None);
        saved.set(None);
        spawn_local(async move {
            match api::put::<_, RoleView>(
                &format!("/api/roles/{}", role.as_str()),
                &UpdateRoleRequest { scope },
            )
            .await
            {
                Ok(_) => saved.set(Some(role)),
                Err(f) => {
                    failure.set(Some(f));
                    roles.refetch();
                }
            }
        });
    };

    view! {
        <section class="card">
            <h2>{move || i18n.t(Text::RolesAndScopes)}</h2>
            <p class="muted">{move || i18n.t(Text::ScopesIntro)}</p>
            <ErrorBanner message=message />
            {move || match roles.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(f)) => view! { <div class="banner error" role="alert">{f.message(i18n.locale())}</div> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="list">
                        <thead>
                            <tr>
                                <th>{move || i18n.t(Text::Role)}</th>
                                <th>{move || i18n.t(Text::DataScope)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|view| {
                                let role = view.role;
                                let select_id = format!("scope-{}", role.as_str());
                                view! {
                                    <tr>
                                        <td data-label=move || i18n.t(Text::Role)>
                                            <label for=select_id.clone()>{move || i18n.t(role_text(role))}</label>
                                        </td>
                                        <td data-label=move || i18n.t(Text::DataScope)>
                                            <select id=select_id on:change=move |ev| change(role, event_target_value(&ev))>
                                                {DataScope::ALL.into_iter().map(|scope| view! {
                                                    <option value=scope.as_str() selected=scope == view.scope>{move || i18n.t(scope_text(scope))}</option>
                                                }).collect_view()}
                                            </select>
                                            <Show when=move || saved.get() == Some(role)>
                                                <span class="saved" role="status">{move || i18n.t(Text::Saved)}</span>
                                            </Show>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
