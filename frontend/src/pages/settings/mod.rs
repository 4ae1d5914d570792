//! Settings: the admin's screens for users, teams, role scopes, deal pipelines, fields
//! and form layouts. Other roles get a
//! "no access" page here (and the server refuses their requests anyway).

pub mod fields;
pub mod layout;
pub mod pipelines;
mod retype;
pub mod roles;
pub mod teams;
pub mod users;

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use shared::i18n::Text;

use crate::i18n::use_i18n;
use crate::pages::not_found::Forbidden;
use crate::session::use_session;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Show when=move || session.is_admin() fallback=Forbidden>
            <div class="page">
                <h1>{move || i18n.t(Text::NavSettings)}</h1>
                <nav class="tabs" aria-label=move || i18n.t(Text::NavSettings)>
                    <A href="/settings/users" attr:class="tab" attr:data-testid="tab-users">{move || i18n.t(Text::Users)}</A>
                    <A href="/settings/teams" attr:class="tab" attr:data-testid="tab-teams">{move || i18n.t(Text::Teams)}</A>
                    <A href="/settings/roles" attr:class="tab" attr:data-testid="tab-roles">{move || i18n.t(Text::RolesAndScopes)}</A>
                    <A href="/settings/pipelines" attr:class="tab" attr:data-testid="tab-pipelines">{move || i18n.t(Text::PipelineSettings)}</A>
                    <A href="/settings/fields" attr:class="tab" attr:data-testid="tab-fields">{move || i18n.t(Text::FieldSettings)}</A>
                    <A href="/settings/layout" attr:class="tab" attr:data-testid="tab-layout">{move || i18n.t(Text::FormLayout)}</A>
                </nav>
                <Outlet />
            </div>
        </Show>
    }
}

/// The settings screen the address names (`/settings/users`, `/teams`, `/roles`,
/// `/pipelines`, `/fields`, `/layout`): one route for them all, which keeps the router small.
#[component]
pub fn SettingsTab() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let tab = Memo::new(move |_| params.with(|p| p.get("tab")).unwrap_or_default());
    move || match tab.get().as_str() {
        "users" => view! { <users::UsersPage /> }.into_any(),
        "teams" => view! { <teams::TeamsPage /> }.into_any(),
        "roles" => view! { <roles::RolesPage /> }.into_any(),
        "pipelines" => view! { <pipelines::PipelinesPage /> }.into_any(),
        "fields" => view! { <fields::FieldsPage /> }.into_any(),
        "layout" => view! { <layout::LayoutPage /> }.into_any(),
        _ => view! { <crate::pages::not_found::NotFound /> }.into_any(),
    }
}

/// The object a settings screen works on: `?object=` in its address (contacts when it names
/// none of `objects`), and that object.
pub fn chosen_object(
    objects: Memo<Vec<shared::schema::ObjectDef>>,
) -> (Memo<String>, Memo<Option<shared::schema::ObjectDef>>) {
    let query = leptos_router::hooks::use_query_map();
    let chosen = Memo::new(move |_| {
        query
            .with(|q| q.get("object"))
            .filter(|k| objects.with(|o| o.iter().any(|o| o.key.as_str() == k)))
            .unwrap_or_else(|| "contacts".to_owned())
    });
    let object = Memo::new(move |_| {
        let key = chosen.get();
        objects.with(|o| o.iter().find(|o| o.key.as_str() == key).cloned())
    });
    (chosen, object)
}

/// The select of the object a settings screen works on; choosing one goes to `path?object=`.
#[component]
pub fn ObjectSelect(
    id: &'static str,
    path: &'static str,
    objects: Memo<Vec<shared::schema::ObjectDef>>,
    chosen: Memo<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = leptos_router::hooks::use_navigate();
    let pick = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        navigate(&format!("{path}?object={key}"), Default::default());
    };
    let options = move || {
        let locale = i18n.locale();
        objects.with(|all| {
            all.iter()
                .map(|o| {
                    let key = o.key.as_str().to_owned();
                    let selected = key == chosen.get();
                    let name = o.name.get(locale).to_owned();
                    view! { <option value=key selected=selected>{name}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(Text::FieldsObject)}</label>
            <select id=id data-testid=id on:change=pick>{options}</select>
        </div>
    }
}

/// `(value, label)` pairs for a team `<select>`, indented by depth, company first.
pub fn team_options(teams: &[shared::api::TeamView]) -> Vec<(String, String)> {
    let tree = shared::TeamTree::new(teams.iter().map(|t| (t.id, t.parent_id)));
    let name = |id: &shared::TeamId| {
        teams
            .iter()
            .find(|t| t.id == *id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    tree.outline(|a, b| name(a).cmp(&name(b)))
        .into_iter()
        .map(|(id, depth)| {
            (
                id.to_string(),
                format!("{}{}", "\u{3000}".repeat(depth), name(&id)),
            )
        })
        .collect()
}
