//! Settings → Users: list, create, edit, deactivate and reactivate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{CreateUserRequest, TeamView, UpdateUserRequest, UserView};
use shared::i18n::{Text, role_text};
use shared::{Email, Phone, Problem, Role, TeamId};

use super::team_options;
use crate::api::{self, Failure};
use crate::components::form::{FormFooter, FormState, SelectField, TextField};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;

#[derive(Debug, Clone, PartialEq)]
enum Editing {
    New,
    Existing(UserView),
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let users = LocalResource::new(|| api::get::<Vec<UserView>>("/api/users"));
    let teams = LocalResource::new(|| api::get::<Vec<TeamView>>("/api/teams"));
    let editing = RwSignal::new(None::<Editing>);
    let action_error = RwSignal::new(None::<Failure>);

    let team_list = Signal::derive(move || teams.get().and_then(Result::ok).unwrap_or_default());
    let team_name = move |id: TeamId| {
        team_list.with(|ts| {
            ts.iter()
                .find(|t| t.id == id)
                .map(|t| t.name.clone())
                .unwrap_or_default()
        })
    };
    let saved = Callback::new(move |()| {
        editing.set(None);
        users.refetch();
        teams.refetch();
    });

    let set_active = move |user: UserView, active: bool| {
        action_error.set(None);
        spawn_local(async move {
            let patch = UpdateUserRequest {
                active: Some(active),
                ..Default::default()
            };
            match api::patch::<_, UserView>(&format!("/api/users/{}", user.id), &patch).await {
                Ok(_) => users.refetch(),
                Err(failure) => action_error.set(Some(failure)),
            }
        });
    };
    let action_message =
        Signal::derive(move || action_error.get().map(|f| f.message(i18n.locale())));

    view! {
        <section class="card">
            <div class="section-header">
                <h2>{move || i18n.t(Text::Users)}</h2>
                <button type="button" class="primary" data-testid="new-user" on:click=move |_| editing.set(Some(Editing::New))>
                    {move || i18n.t(Text::NewUser)}
                </button>
            </div>
            <ErrorBanner message=action_message />
            <Show when=move || editing.get().is_some()>
                {move || editing.get().map(|e| view! { <UserForm editing=e teams=team_list on_saved=saved on_cancel=Callback::new(move |()| editing.set(None)) /> })}
            </Show>
            {move || match users.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(f)) => view! { <div class="banner error" role="alert">{f.message(i18n.locale())}</div> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="list" data-testid="users-table">
                        <thead>
                            <tr>
                                <th>{move || i18n.t(Text::DisplayName)}</th>
                                <th>{move || i18n.t(Text::Email)}</th>
                                <th>{move || i18n.t(Text::Phone)}</th>
                                <th>{move || i18n.t(Text::Role)}</th>
                                <th>{move || i18n.t(Text::Team)}</th>
                                <th>{move || i18n.t(Text::Status)}</th>
                                <th><span class="sr-only">{move || i18n.t(Text::Actions)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|user| {
                                let (edit_user, toggle_user) = (user.clone(), user.clone());
                                let phone = user.phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.display()).unwrap_or_default();
                                let team = user.team_id;
                                view! {
                                    <tr class:inactive=!user.active data-email=user.email.clone()>
                                        <td data-label=move || i18n.t(Text::DisplayName)>{user.display_name.clone()}</td>
                                        <td data-label=move || i18n.t(Text::Email)>{user.email.clone()}</td>
                                        <td data-label=move || i18n.t(Text::Phone)>{phone}</td>
                                        <td data-label=move || i18n.t(Text::Role)>{move || i18n.t(role_text(user.role))}</td>
                                        <td data-label=move || i18n.t(Text::Team)>{move || team_name(team)}</td>
                                        <td data-label=move || i18n.t(Text::Status)>
                                            {move || i18n.t(if user.active { Text::Active } else { Text::Inactive })}
                                        </td>
                                        <td>
                                            <div class="row-actions">
                                            <button type="button" class="secondary" data-testid="edit-user" on:click=move |_| editing.set(Some(Editing::Existing(edit_user.clone())))>
                                                {move || i18n.t(Text::Edit)}
                                            </button>
                                            <button type="button" class="secondary" data-testid="toggle-active" on:click=move |_| set_active(toggle_user.clone(), !toggle_user.active)>
                                                {move || i18n.t(if user.active { Text::Deactivate } else { Text::Activate })}
                                            </button>
                                            </div>
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

#[component]
fn UserForm(
    editing: Editing,
    #[prop(into)] teams: Signal<Vec<TeamView>>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::default();
    let original = match &editing {
        Editing::Existing(user) => Some(user.clone()),
        Editing::New => None,
    };
    let is_new = original.is_none();
    let shown_phone = |user: &UserView| {
        user.phone
            .as_deref()
            .and_then(|p| Phone::parse(p).ok())
            .map(|p| p.display())
            .unwrap_or_default()
    };
    let name = RwSignal::new(
        original
            .as_ref()
            .map(|u| u.display_name.clone())
            .unwrap_or_default(),
    );
    let email = RwSignal::new(
        original
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default(),
    );
    let phone = RwSignal::new(original.as_ref().map(shown_phone).unwrap_or_default());
    let role = RwSignal::new(
        original
            .as_ref()
            .map_or(Role::Sales, |u| u.role)
            .as_str()
            .to_owned(),
    );
    let default_team = teams
        .get_untracked()
        .iter()
        .find(|t| t.parent_id.is_none())
        .map(|t| t.id.to_string())
        .unwrap_or_default();
    let team = RwSignal::new(
        original
            .as_ref()
            .map(|u| u.team_id.to_string())
            .unwrap_or(default_team),
    );
    let password = RwSignal::new(String::new());

    let role_options = Signal::derive(move || {
        Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), i18n.t(role_text(*r)).to_owned()))
            .collect::<Vec<_>>()
    });
    let team_choices = Signal::derive(move || team_options(&teams.get()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let role_value: Role = match role.get_untracked().parse() {
            Ok(role) => role,
            Err(problem) => return form.invalid(vec![Problem::at(problem, "role")]),
        };
        let team_value: TeamId = match team.get_untracked().parse() {
            Ok(team) => team,
            Err(_) => return form.invalid(vec![Problem::Required.at("team_id")]),
        };
        match &original {
            None => {
                let request = CreateUserRequest {
                    email: email.get_untracked(),
                    display_name: name.get_untracked(),
                    phone: Some(phone.get_untracked()),
                    role: role_value,
                    team_id: team_value,
                    password: password.get_untracked(),
                };
                if let Err(errors) = request.validate() {
                    return form.invalid(errors);
                }
                spawn_local(async move {
                    match api::post::<_, UserView>("/api/users", &request).await {
                        Ok(_) => {
                            form.done();
                            on_saved.run(());
                        }
                        Err(failure) => form.failed(failure),
                    }
                });
            }
            Some(user) => {
                let changed = |new: String, old: &str| (new.trim() != old).then_some(new);
                let request = UpdateUserRequest {
                    email: changed(email.get_untracked(), &user.email),
                    display_name: changed(name.get_untracked(), &user.display_name),
                    phone: changed(phone.get_untracked(), &shown_phone(user)),
                    role: (role_value != user.role).then_some(role_value),
                    team_id: (team_value != user.team_id).then_some(team_value),
                    active: None,
                    password: Some(password.get_untracked()).filter(|p| !p.is_empty()),
                };
                let Ok(current) = Email::parse(&user.email) else {
                    return form.failed(Failure::Unexpected(format!(
                        "stored email {:?} does not parse",
                        user.email
                    )));
                };
                if let Err(errors) = request.validate(&current) {
                    return form.invalid(errors);
                }
                let id = user.id;
                spawn_local(async move {
                    match api::patch::<_, UserView>(&format!("/api/users/{id}"), &request).await {
                        Ok(_) => {
                            form.done();
                            on_saved.run(());
                        }
                        Err(failure) => form.failed(failure),
                    }
                });
            }
        }
    };

    view! {
        <form class="editor" on:submit=submit novalidate=true data-testid="user-form">
            <h3>{move || i18n.t(if is_new { Text::NewUser } else { Text::EditUser })}</h3>
            <div class="grid-2">
                <TextField form name="display_name" id_prefix="user" label=Text::DisplayName value=name autocomplete="off" />
                <TextField form name="email" id_prefix="user" label=Text::Email value=email kind="email" autocomplete="off" />
                <TextField form name="phone" id_prefix="user" label=Text::PhoneOptional value=phone kind="tel" autocomplete="off" />
                <SelectField form name="role" id_prefix="user" label=Text::Role value=role options=role_options />
                <SelectField form name="team_id" id_prefix="user" label=Text::Team value=team options=team_choices />
                <TextField
                    form
                    name="password"
                    id_prefix="user"
                    label=if is_new { Text::InitialPassword } else { Text::NewPassword }
                    value=password
                    kind="password"
                    autocomplete="new-password"
                    hint=if is_new { Text::PasswordHint } else { Text::NewPasswordHint }
                />
            </div>
            <FormFooter form submit=Text::Save>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{move || i18n.t(Text::Cancel)}</button>
            </FormFooter>
        </form>
    }
}
