//! Settings → Teams: the company's tree; create, rename, move and delete teams.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{CreateTeamRequest, TeamView, UpdateTeamRequest};
use shared::i18n::Text;
use shared::{Problem, TeamId, TeamName, TeamTree};

use super::team_options;
use crate::api::{self, Failure};
use crate::components::form::{FormFooter, FormState, SelectField, TextField};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Rename,
    Move,
}

#[component]
pub fn TeamsPage() -> impl IntoView {
    let i18n = use_i18n();
    let teams = LocalResource::new(|| api::get::<Vec<TeamView>>("/api/teams"));
    let list = Signal::derive(move || teams.get().and_then(Result::ok).unwrap_or_default());
    let editing = RwSignal::new(None::<(TeamId, Mode)>);
    let action_error = RwSignal::new(None::<Failure>);
    let action_message =
        Signal::derive(move || action_error.get().map(|f| f.message(i18n.locale())));
    let changed = Callback::new(move |()| {
        editing.set(None);
        action_error.set(None);
        teams.refetch();
    });

    let remove = move |team: TeamView| {
        let question = format!("{} “{}”?", i18n.t(Text::ConfirmDeleteTeam), team.name);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        action_error.set(None);
        spawn_local(async move {
            match api::delete(&format!("/api/teams/{}", team.id)).await {
                Ok(()) => teams.refetch(),
                Err(failure) => action_error.set(Some(failure)),
            }
        });
    };

    let rows = move || {
        let all = list.get();
        let tree = TeamTree::new(all.iter().map(|t| (t.id, t.parent_id)));
        let by_id = |id: &TeamId| all.iter().find(|t| t.id == *id).cloned();
        let name = |id: &TeamId| by_id(id).map(|t| t.name).unwrap_or_default();
        tree.outline(|a, b| name(a).cmp(&name(b)))
            .into_iter()
            .filter_map(|(id, depth)| by_id(&id).map(|team| (team, depth)))
            .map(|(team, depth)| {
                let id = team.id;
                let is_root = team.parent_id.is_none();
                let (for_delete, for_edit) = (team.clone(), team.clone());
                view! {
                    <li class="tree-row" style=format!("--depth:{depth}") data-team=team.name.clone()>
                        <div class="tree-main">
                            <span class="tree-name">{team.name.clone()}</span>
                            <span class="badge" title=move || i18n.t(Text::Members)>{team.member_count}</span>
                            <span class="row-actions">
                                <button type="button" class="secondary" data-testid="rename-team" on:click=move |_| editing.set(Some((id, Mode::Rename)))>
                                    {move || i18n.t(Text::Rename)}
                                </button>
                                <Show when=move || !is_root>
                                    <button type="button" class="secondary" data-testid="move-team" on:click=move |_| editing.set(Some((id, Mode::Move)))>
                                        {move || i18n.t(Text::Move)}
                                    </button>
                                    <button type="button" class="danger" data-testid="delete-team" on:click={
                                        let team = for_delete.clone();
                                        move |_| remove(team.clone())
                                    }>
                                        {move || i18n.t(Text::Delete)}
                                    </button>
                                </Show>
                            </span>
                        </div>
                        {move || match editing.get() {
                            Some((edit_id, mode)) if edit_id == id => Some(view! {
                                <TeamEditor team=for_edit.clone() mode teams=list on_done=changed on_cancel=Callback::new(move |()| editing.set(None)) />
                            }),
                            _ => None,
                        }}
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <section class="card">
            <h2>{move || i18n.t(Text::Teams)}</h2>
            <ErrorBanner message=action_message />
            <Show when=move || teams.get().is_some() fallback=Loading>
                <ul class="tree" data-testid="team-tree">{rows}</ul>
            </Show>
        </section>
        <section class="card">
            <NewTeamForm teams=list on_done=changed />
        </section>
    }
}

#[component]
fn NewTeamForm(#[prop(into)] teams: Signal<Vec<TeamView>>, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::default();
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    // Default the parent to the company once the tree has loaded.
    Effect::new(move |_| {
        if parent.get_untracked().is_empty()
            && let Some(root) = teams.get().iter().find(|t| t.parent_id.is_none())
        {
            parent.set(root.id.to_string());
        }
    });
    let options = Signal::derive(move || team_options(&teams.get()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let mut errors = Vec::new();
        if let Err(problem) = TeamName::parse(&name.get_untracked()) {
            errors.push(problem.at("name"));
        }
        let parent_id = parent.get_untracked().parse::<TeamId>();
        if parent_id.is_err() {
            errors.push(Problem::Required.at("parent_id"));
        }
        let (true, Ok(parent_id)) = (errors.is_empty(), parent_id) else {
            return form.invalid(errors);
        };
        let request = CreateTeamRequest {
            name: name.get_untracked(),
            parent_id,
        };
        spawn_local(async move {
            match api::post::<_, TeamView>("/api/teams", &request).await {
                Ok(_) => {
                    form.done();
                    name.set(String::new());
                    on_done.run(());
                }
                Err(failure) => form.failed(failure),
            }
        });
    };

    view! {
        <form on:submit=submit novalidate=true data-testid="new-team-form">
            <h2>{move || i18n.t(Text::NewTeam)}</h2>
            <div class="grid-2">
                <TextField form name="name" id_prefix="new-team" label=Text::TeamName value=name />
                <SelectField form name="parent_id" id_prefix="new-team" label=Text::ParentTeam value=parent options=options />
            </div>
            <FormFooter form submit=Text::Create />
        </form>
    }
}

#[component]
fn TeamEditor(
    team: TeamView,
    mode: Mode,
    #[prop(into)] teams: Signal<Vec<TeamView>>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::default();
    let name = RwSignal::new(team.name.clone());
    let parent = RwSignal::new(team.parent_id.map(|p| p.to_string()).unwrap_or_default());
    let id = team.id;
    // A team cannot move under itself or its own sub-teams: do not even offer those.
    let options = Signal::derive(move || {
        let all = teams.get();
        let own = TeamTree::new(all.iter().map(|t| (t.id, t.parent_id))).subtree(id);
        team_options(&all)
            .into_iter()
            .filter(|(value, _)| value.parse().is_ok_and(|t: TeamId| !own.contains(&t)))
            .collect::<Vec<_>>()
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let request = match mode {
            Mode::Rename => match TeamName::parse(&name.get_untracked()) {
                Ok(_) => UpdateTeamRequest {
                    name: Some(name.get_untracked()),
                    parent_id: None,
                },
                Err(problem) => return form.invalid(vec![problem.at("name")]),
            },
            Mode::Move => match parent.get_untracked().parse::<TeamId>() {
                Ok(parent_id) => UpdateTeamRequest {
                    name: None,
                    parent_id: Some(parent_id),
                },
                Err(_) => return form.invalid(vec![Problem::Required.at("parent_id")]),
            },
        };
        spawn_local(async move {
            match api::patch::<_, TeamView>(&format!("/api/teams/{id}"), &request).await {
                Ok(_) => {
                    form.done();
                    on_done.run(());
                }
                Err(failure) => form.failed(failure),
            }
        });
    };

    view! {
        <form class="editor inline" on:submit=submit novalidate=true>
            {match mode {
                Mode::Rename => view! { <TextField form name="name" id_prefix="edit-team" label=Text::TeamName value=name /> }.into_any(),
                Mode::Move => view! { <SelectField form name="parent_id" id_prefix="edit-team" label=Text::ParentTeam value=parent options=options /> }.into_any(),
            }}
            <FormFooter form submit=Text::Save>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>{move || i18n.t(Text::Cancel)}</button>
            </FormFooter>
        </form>
    }
}
