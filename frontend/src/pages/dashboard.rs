//! The home dashboard from the records on the device (works offline): my open deals by stage,
//! pipeline value by month of expected close, this week's activities by type, and, for managers
//! and admins, the team's won amounts. The figures come from `shared::dashboard`; this module
//! only draws them. Every chart has a text summary for screen readers (and tests).

use leptos::prelude::*;
use shared::Role;
use shared::dashboard::{self, Totals};
use shared::format;
use shared::i18n::{Locale, Text};
use shared::records::labels::choices;
use shared::sync::Collection;

use crate::charts::{Chart, EChart};
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::sync::{now_ms, use_sync};

/// Everything the dashboard draws, worked out once per change of the records.
#[derive(Debug, Clone, PartialEq, Default)]
struct Figures {
    funnel: Vec<(String, usize, Totals)>,
    months: Vec<(String, Totals)>,
    week: Vec<(String, usize)>,
    leaders: Vec<(String, Totals)>,
}

fn totals_text(totals: &Totals, locale: Locale) -> String {
    totals
        .iter()
        .map(|(c, a)| format::money(locale, c, *a))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Main-unit amounts per currency, for bars.
fn main_units(totals: &Totals, currency: &str) -> f64 {
    totals.get(currency).copied().unwrap_or(0) as f64 / 100.0
}

fn currencies<'a>(all: impl Iterator<Item = &'a Totals>) -> Vec<String> {
    let mut out: Vec<String> = all.flat_map(|t| t.keys().cloned()).collect();
    out.sort();
    out.dedup();
    out
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    let manager = move || session.me().is_some_and(|m| m.user.role != Role::Sales);
    let figures = Memo::new(move |_| {
        let locale = i18n.locale();
        crate::marks::mark("dashboard-figures-start");
        let figures = sync
            .with_core(|core| {
                let Some(directory) = core.directory() else {
                    return Figures::default();
                };
                let deals: Vec<&shared::sync::Record> = core.collection(Collection::Deal).collect();
                let pipelines = crate::sync::pipelines();
                let stage_name = |key: &str| pipelines.stage_name(None, key, locale == Locale::En);
                // China's clock unless the browser says otherwise.
                let offset = -(js_sys::Date::new_0().get_timezone_offset() as i64);
                let (from, to) = dashboard::week_of(now_ms(), offset);
                let kinds = choices(Collection::Activity, "kind", locale).unwrap_or_default();
                Figures {
                    funnel: dashboard::funnel(deals.iter().copied(), directory.me.user, &pipelines)
                        .into_iter()
                        .map(|s| (stage_name(&s.stage), s.count, s.totals))
                        .collect(),
                    months: dashboard::pipeline_by_month(deals.iter().copied(), &pipelines),
                    week: dashboard::activities_by_kind(
                        core.collection(Collection::Activity),
                        from,
                        to,
                    )
                    .into_iter()
                    .map(|(kind, n)| {
                        let label = kinds
                            .iter()
                            .find(|(k, _)| k == kind.as_str())
                            .map_or_else(|| kind.as_str().to_owned(), |(_, l)| l.clone());
                        (label, n)
                    })
                    .collect(),
                    leaders: dashboard::leaderboard(deals.iter().copied(), directory, &pipelines)
                        .into_iter()
                        .map(|l| (l.name, l.won))
                        .collect(),
                }
            })
            .unwrap_or_default();
        crate::marks::mark("dashboard-figures-end");
        figures
    });
    let failed = Signal::derive(move || i18n.t(Text::ErrChart).to_owned());
    let funnel_chart = Signal::derive(move || {
        figures.with(|f| {
            Some(Chart::funnel(
                f.funnel
                    .iter()
                    .map(|(name, n, _)| (*n as f64, name.clone())),
            ))
        })
    });
    let funnel_text = Signal::derive(move || {
        figures.with(|f| {
            f.funnel
                .iter()
                .map(|(name, n, totals)| {
                    format!("{name} {n} {}", totals_text(totals, i18n.locale()))
                        .trim_end()
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
    });

    let months_chart = Signal::derive(move || {
        figures.with(|f| {
            let series = currencies(f.months.iter().map(|(_, t)| t))
                .into_iter()
                .map(|currency| {
                    let values = f
                        .months
                        .iter()
                        .map(|(_, t)| main_units(t, &currency))
                        .collect();
                    (currency, values)
                })
                .collect();
            Some(Chart::columns(
                f.months.iter().map(|(m, _)| m.clone()).collect(),
                series,
            ))
        })
    });
    let months_text = Signal::derive(move || {
        figures.with(|f| {
            if f.months.is_empty() {
                return i18n.t(Text::NothingYet).to_owned();
            }
            f.months
                .iter()
                .map(|(m, t)| format!("{m} {}", totals_text(t, i18n.locale())))
                .collect::<Vec<_>>()
                .join("; ")
        })
    });

    let week_chart = Signal::derive(move || {
        figures.with(|f| {
            Some(Chart::ring(
                f.week
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(name, n)| (*n as f64, name.clone())),
            ))
        })
    });
    let week_text = Signal::derive(move || {
        figures.with(|f| {
            f.week
                .iter()
                .map(|(name, n)| format!("{name} {n}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    });

    let leaders_chart = Signal::derive(move || {
        figures.with(|f| {
            // ECharts draws categories bottom-up: the leader goes last, on top.
            let ordered: Vec<&(String, Totals)> = f.leaders.iter().rev().collect();
            Some(Chart::bars(
                ordered.iter().map(|(n, _)| n.clone()).collect(),
                "CNY",
                ordered.iter().map(|(_, t)| main_units(t, "CNY")).collect(),
                false,
            ))
        })
    });
    let leaders_text = Signal::derive(move || {
        figures.with(|f| {
            if f.leaders.is_empty() {
                return i18n.t(Text::NothingYet).to_owned();
            }
            f.leaders
                .iter()
                .map(|(name, won)| format!("{name} {}", totals_text(won, i18n.locale())))
                .collect::<Vec<_>>()
                .join("; ")
        })
    });

    view! {
        <section class="card" aria-labelledby="chart-funnel-title">
            <h2 id="chart-funnel-title">{move || i18n.t(Text::ChartFunnel)}</h2>
            <EChart id="chart-funnel" chart=funnel_chart label=funnel_text failed_text=failed />
        </section>
        <section class="card" aria-labelledby="chart-months-title">
            <h2 id="chart-months-title">{move || i18n.t(Text::ChartPipelineMonth)}</h2>
            <EChart id="chart-months" chart=months_chart label=months_text failed_text=failed />
        </section>
        <section class="card" aria-labelledby="chart-week-title">
            <h2 id="chart-week-title">{move || i18n.t(Text::ChartActivitiesWeek)}</h2>
            <EChart id="chart-week" chart=week_chart label=week_text failed_text=failed />
        </section>
        <Show when=manager>
            <section class="card" aria-labelledby="chart-leaders-title">
                <h2 id="chart-leaders-title">{move || i18n.t(Text::ChartLeaderboard)}</h2>
                    <EChart id="chart-leaders" chart=leaders_chart label=leaders_text failed_text=failed />
            </section>
        </Show>
    }
}
