//! The home screen: a greeting, the sales dashboard ([`crate::pages::dashboard`]) and active
//! users per team.

use leptos::prelude::*;
use shared::api::TeamMembers;
use shared::i18n::Text;

use crate::api;
use crate::charts::{Chart, EChart};
use crate::components::{ErrorBanner, Loading};
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::sync::use_sync;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stats = LocalResource::new(|| api::get::<Vec<TeamMembers>>("/api/stats/team-members"));
    let name = move || {
        session
            .me()
            .map(|m| m.user.display_name)
            .unwrap_or_default()
    };

    let sync = use_sync();
    let chart = Signal::derive(move || {
        let series_name = i18n.t(Text::ActiveUsers);
        stats
            .get()
            .and_then(Result::ok)
            .map(|teams| team_members_chart(&teams, series_name))
    });
    let summary = Signal::derive(move || {
        let teams = stats.get().and_then(Result::ok).unwrap_or_default();
        let parts: Vec<String> = teams
            .iter()
            .map(|t| format!("{} {}", t.team_name, t.active_users))
            .collect();
        format!("{}: {}", i18n.t(Text::ChartTeamMembers), parts.join(", "))
    });
    let error = Signal::derive(move || {
        stats
            .get()
            .and_then(Result::err)
            .map(|f| f.message(i18n.locale()))
    });

    view! {
        <div class="page">
            <h1 data-testid="greeting">{move || format!("{}{}", i18n.t(Text::Hello), name())}</h1>
            <crate::pages::dashboard::Dashboard />
            <section class="card" aria-labelledby="chart-team-members-title">
                <h2 id="chart-team-members-title">{move || i18n.t(Text::ChartTeamMembers)}</h2>
                // Until the first download is over, the chart says it is loading.
                <Show when=move || sync.settled() && stats.get().is_none()>
                    <Loading />
                </Show>
                <ErrorBanner message=error />
                <EChart
                    id="chart-team-members"
                    chart=chart
                    label=summary
                    failed_text=Signal::derive(move || i18n.t(Text::ErrChart).to_owned())
                />
            </section>
        </div>
    }
}

/// Lying bars: team names on the left read well on a phone, however long they are.
fn team_members_chart(teams: &[TeamMembers], series_name: &str) -> Chart {
    // ECharts draws categories bottom-up; reverse so the largest team is on top.
    let ordered: Vec<&TeamMembers> = teams.iter().rev().collect();
    Chart::bars(
        ordered.iter().map(|t| t.team_name.clone()).collect(),
        series_name,
        ordered.iter().map(|t| f64::from(t.active_users)).collect(),
        true,
    )
}
