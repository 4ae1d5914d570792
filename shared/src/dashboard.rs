//! What the home dashboard shows, computed from the records on the device: my open deals by
//! stage (a funnel), pipeline value by month of expected close, this week's activities by type,
//! and the team leaderboard of won amounts. Money is never added across currencies: every total
//! is a [`Totals`] map from currency to amount (in hundredths) until exchange rates exist.

use std::collections::BTreeMap;

use crate::ids::UserId;
use crate::records::{ActivityKind, Deal, Env, Pipelines};
use crate::sync::record::{Body, Record};
use crate::sync::scope::Directory;

/// Amounts by currency code, in hundredths of the main unit.
pub type Totals = BTreeMap<String, i64>;

fn add(totals: &mut Totals, deal: &Deal) {
    if let Some(amount) = deal.amount {
        *totals.entry(deal.currency.clone()).or_default() += amount;
    }
}

/// One step of the funnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageTotal {
    pub stage: String,
    pub count: usize,
    pub totals: Totals,
}

/// The deal in `record`, if it is an open one.
fn open_deal<'a>(record: &'a Record, env: &dyn Env) -> Option<&'a Deal> {
    match &record.body {
        Body::Deal(d) if d.is_open(env) => Some(d),
        _ => None,
    }
}

/// `owner`'s open deals by stage, in pipeline order (every open stage of every pipeline listed
/// once, even when empty; the main pipeline's first).
pub fn funnel<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    owner: UserId,
    pipelines: &Pipelines,
) -> Vec<StageTotal> {
    let mut steps: Vec<StageTotal> = Vec::new();
    for stage in pipelines.list().iter().flat_map(|(_, p)| &p.stages) {
        if stage.is_open() && !steps.iter().any(|s| s.stage == stage.key) {
            steps.push(StageTotal {
                stage: stage.key.clone(),
                count: 0,
                totals: Totals::new(),
            });
        }
    }
    let mine = records.into_iter().filter(|r| r.owner == owner);
    for deal in mine.filter_map(|r| open_deal(r, pipelines)) {
        if let Some(step) = steps.iter_mut().find(|s| s.stage == deal.stage) {
            step.count += 1;
            add(&mut step.totals, deal);
        }
    }
    steps
}

/// Open deals' value by month of expected close (`YYYY-MM`, ascending); deals without a close
/// date are left out.
pub fn pipeline_by_month<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    pipelines: &Pipelines,
) -> Vec<(String, Totals)> {
    let mut months: BTreeMap<String, Totals> = BTreeMap::new();
    for deal in records.into_iter().filter_map(|r| open_deal(r, pipelines)) {
        if let Some(month) = deal.close_date.as_deref().and_then(|d| d.get(..7)) {
            add(months.entry(month.to_owned()).or_default(), deal);
        }
    }
    months.into_iter().collect()
}

/// Activities in `[from, to)` (UTC ms; an activity counts at its `at`, or when it was logged)
/// by type, every type listed.
pub fn activities_by_kind<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    from: i64,
    to: i64,
) -> Vec<(ActivityKind, usize)> {
    let mut counts: Vec<(ActivityKind, usize)> = crate::records::activity::ACTIVITY_KINDS
        .iter()
        .map(|(k, _)| (*k, 0))
        .collect();
    for record in records {
        if let Body::Activity(a) = &record.body {
            let at = a.at.unwrap_or(record.created_at);
            if (from..to).contains(&at)
                && let Some(slot) = counts.iter_mut().find(|(k, _)| *k == a.kind)
            {
                slot.1 += 1;
            }
        }
    }
    counts
}

/// Monday 00:00 to the next Monday 00:00 of the week holding `now`, for a clock `offset_minutes`
/// ahead of UTC (480 in China), as UTC ms.
pub fn week_of(now: i64, offset_minutes: i64) -> (i64, i64) {
    const DAY: i64 = 86_400_000;
    let offset = offset_minutes * 60_000;
    let local = now + offset;
    let days = local.div_euclid(DAY);
    // 1970-01-01 was a Thursday: days since a Monday.
    let since_monday = (days + 3).rem_euclid(7);
    let start = (days - since_monday) * DAY - offset;
    (start, start + 7 * DAY)
}

/// One line of the leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leader {
    pub user: UserId,
    pub name: String,
    pub won: Totals,
    pub deals: usize,
}

/// Won deals by owner, most won first (by the default currency, then by deal count).
pub fn leaderboard<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    directory: &Directory,
    pipelines: &Pipelines,
) -> Vec<Leader> {
    let mut by_owner: BTreeMap<UserId, Leader> = BTreeMap::new();
    for record in records {
        let Body::Deal(deal) = &record.body else {
            continue;
        };
        if !deal.is_won(pipelines) {
            continue;
        }
        let leader = by_owner.entry(record.owner).or_insert_with(|| Leader {
            user: record.owner,
            name: directory
                .member(record.owner)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            won: Totals::new(),
            deals: 0,
        });
        leader.deals += 1;
        add(&mut leader.won, deal);
    }
    let mut leaders: Vec<Leader> = by_owner.into_values().collect();
    let cny = |l: &Leader| l.won.get("CNY").copied().unwrap_or(0);
    leaders.sort_by(|a, b| {
        cny(b)
            .cmp(&cny(a))
            .then(b.deals.cmp(&a.deals))
            .then(a.name.cmp(&b.name))
    });
    leaders
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::ids::{RecordId, TeamId};
    use crate::records::{Activity, Kind, Patch, create};
    use crate::role::{Actor, DataScope, Role};
    use crate::sync::scope::Member;

    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    fn record<K: Kind>(n: u128, owner: u128, pairs: &[(&str, &str)]) -> Record {
        let patch: Patch = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let body: K = create(&patch).expect("valid record");
        Record {
            id: RecordId::from_uuid(Uuid::from_u128(0x1000 + n)),
            owner: user(owner),
            team: TeamId::from_uuid(Uuid::from_u128(7)),
            created_at: 1_000,
            created_by: user(owner),
            updated_at: 1_000,
            version: 1,
            body: body.into_body(),
            custom: Default::default(),
        }
    }

    const ACCOUNT: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    fn deal(n: u128, owner: u128, pairs: &[(&str, &str)]) -> Record {
        let mut all = vec![("name", "单"), ("account", ACCOUNT)];
        all.extend_from_slice(pairs);
        record::<Deal>(n, owner, &all)
    }

    fn money(pairs: &[(&str, i64)]) -> Totals {
        pairs.iter().map(|(c, v)| ((*c).to_owned(), *v)).collect()
    }

    fn deals() -> Vec<Record> {
        let gate = [("amount", "100"), ("close_date", "2026-12-01")];
        vec![
            deal(1, 1, &[("amount", "100")]),
            deal(
                2,
                1,
                &[
                    ("amount", "50"),
                    ("currency", "USD"),
                    ("close_date", "2026-12-20"),
                ],
            ),
            deal(3, 1, &[&gate[..], &[("stage", "proposal")]].concat()),
            deal(4, 2, &[("amount", "999"), ("close_date", "2027-01-05")]),
            deal(5, 1, &[&gate[..], &[("stage", "won")]].concat()),
            deal(
                6,
                2,
                &[
                    ("amount", "300"),
                    ("close_date", "2026-11-30"),
                    ("stage", "won"),
                ],
            ),
            deal(
                7,
                2,
                &[
                    ("amount", "200"),
                    ("close_date", "2026-11-30"),
                    ("stage", "won"),
                ],
            ),
            deal(8, 1, &[("amount", "70"), ("stage", "lost")]),
        ]
    }

    #[test]
    fn the_funnel_counts_my_open_deals_by_stage_without_mixing_currencies() {
        let funnel = funnel(&deals(), user(1), &Pipelines::default());
        let lines: Vec<(&str, usize, Totals)> = funnel
            .iter()
            .map(|s| (s.stage.as_str(), s.count, s.totals.clone()))
            .collect();
        assert_eq!(
            lines,
            [
                ("qualify", 2, money(&[("CNY", 10_000), ("USD", 5_000)])),
                ("needs", 0, money(&[])),
                ("proposal", 1, money(&[("CNY", 10_000)])),
                ("negotiation", 0, money(&[])),
            ]
        );
    }

    #[test]
    fn pipeline_value_is_grouped_by_close_month_and_currency() {
        assert_eq!(
            pipeline_by_month(&deals(), &Pipelines::default()),
            [
                (
                    "2026-12".to_owned(),
                    money(&[("CNY", 10_000), ("USD", 5_000)])
                ),
                ("2027-01".to_owned(), money(&[("CNY", 99_900)])),
            ]
        );
    }

    #[test]
    fn the_leaderboard_ranks_won_amounts() {
        let member = |n: u128, name: &str| Member {
            id: user(n),
            name: name.to_owned(),
            team: TeamId::from_uuid(Uuid::from_u128(7)),
            active: true,
        };
        let directory = Directory {
            me: Actor {
                user: user(1),
                role: Role::Manager,
                team: TeamId::from_uuid(Uuid::from_u128(7)),
                scope: DataScope::Team,
            },
            users: vec![member(1, "甲"), member(2, "乙")],
            teams: Vec::new(),
        };
        let board: Vec<(String, Totals, usize)> =
            leaderboard(&deals(), &directory, &Pipelines::default())
                .into_iter()
                .map(|l| (l.name, l.won, l.deals))
                .collect();
        assert_eq!(
            board,
            [
                ("乙".to_owned(), money(&[("CNY", 50_000)]), 2),
                ("甲".to_owned(), money(&[("CNY", 10_000)]), 1),
            ]
        );
    }

    #[test]
    fn this_weeks_activities_are_counted_by_type() {
        // Monday 2026-11-23 00:00 in China is 2026-11-22 16:00 UTC.
        let monday = 1_795_392_000_000 - 8 * 3_600_000;
        let (from, to) = week_of(monday + 3 * 86_400_000, 480);
        assert_eq!((from, to), (monday, monday + 7 * 86_400_000));
        assert_eq!(week_of(monday, 480).0, monday);
        assert_eq!(week_of(monday - 1, 480).0, monday - 7 * 86_400_000);
        let at = |ms: i64| ms.to_string();
        let records = vec![
            record::<Activity>(
                1,
                1,
                &[("kind", "visit"), ("subject", "a"), ("at", &at(monday + 1))],
            ),
            record::<Activity>(
                2,
                1,
                &[("kind", "visit"), ("subject", "b"), ("at", &at(to - 1))],
            ),
            record::<Activity>(
                3,
                1,
                &[("kind", "call"), ("subject", "c"), ("at", &at(from + 5))],
            ),
            record::<Activity>(4, 1, &[("kind", "call"), ("subject", "d"), ("at", &at(to))]),
            record::<Activity>(5, 1, &[("kind", "note"), ("subject", "e")]),
        ];
        assert_eq!(
            activities_by_kind(&records, from, to),
            [
                (ActivityKind::Call, 1),
                (ActivityKind::Visit, 2),
                (ActivityKind::Meeting, 0),
                (ActivityKind::Email, 0),
                (ActivityKind::Note, 0),
            ]
        );
    }
}
