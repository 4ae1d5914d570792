//! Running a query over records (their fields' JSON forms), on the device or the server.

use std::cmp::Ordering;

use serde_json::{Map, Value as Json};
use uuid::Uuid;

use super::{Condition, Filter, Op, Period, Query, element_type};
use crate::formula::{civil, days_of};
use crate::schema::{FieldType, ObjectDef, Value};

/// Who asks and when: what `me`, `my_team` and the periods mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub me: Uuid,
    /// The people of the asker's team (themselves included).
    pub my_team: Vec<Uuid>,
    /// Now, milliseconds since 1970 UTC.
    pub now_ms: i64,
    /// The company's offset from UTC in minutes (China: 480).
    pub offset_minutes: i64,
}

/// The company's offset from UTC in minutes until it can be set: China's.
pub const COMPANY_OFFSET_MINUTES: i64 = 8 * 60;

/// The calendar day (days since 1970-01-01) of the moment `ms` (UTC ms) on a clock
/// `offset_minutes` ahead of UTC.
pub fn calendar_day(ms: i64, offset_minutes: i64) -> i64 {
    (ms.div_euclid(60_000) + offset_minutes).div_euclid(1440)
}

impl Context {
    /// Today, days since 1970-01-01 in the company's calendar.
    fn today(&self) -> i64 {
        calendar_day(self.now_ms, self.offset_minutes)
    }

    /// The first and last day of `period` (days since 1970-01-01 in the company's calendar).
    pub fn days(&self, period: Period) -> (i64, i64) {
        let today = self.today();
        let (y, m, _) = civil(i32::try_from(today).unwrap_or(0));
        let day = |y: i32, m: u32, d: u32| {
            i64::from(days_of(&format!("{y:04}-{m:02}-{d:02}")).unwrap_or(0))
        };
        let month_start = |y: i32, m: u32| day(y, m, 1);
        let next_month = |y: i32, m: u32| if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        // 1970-01-01 was a Thursday; weeks start on Monday.
        let monday = today - (today + 3).rem_euclid(7);
        match period {
            Period::Today => (today, today),
            Period::Yesterday => (today - 1, today - 1),
            Period::Tomorrow => (today + 1, today + 1),
            Period::ThisWeek => (monday, monday + 6),
            Period::LastWeek => (monday - 7, monday - 1),
            Period::ThisMonth => {
                let (ny, nm) = next_month(y, m);
                (month_start(y, m), month_start(ny, nm) - 1)
            }
            Period::LastMonth => {
                let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
                (month_start(py, pm), month_start(y, m) - 1)
            }
            Period::ThisQuarter => {
                let first = (m - 1) / 3 * 3 + 1;
                let (ny, nm) = if first == 10 {
                    (y + 1, 1)
                } else {
                    (y, first + 3)
                };
                (month_start(y, first), month_start(ny, nm) - 1)
            }
            Period::ThisYear => (day(y, 1, 1), day(y + 1, 1, 1) - 1),
            Period::LastDays(n) => (today - i64::from(n.max(1)) + 1, today),
            Period::NextDays(n) => (today, today + i64::from(n.max(1)) - 1),
        }
    }
}

impl Filter {
    /// The fields the filter reads, each once.
    pub fn fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut walk = vec![self];
        while let Some(filter) = walk.pop() {
            match filter {
                Filter::All(parts) | Filter::Any(parts) => walk.extend(parts.iter()),
                Filter::Not(inner) => walk.push(inner),
                Filter::Where(condition) => {
                    let field = condition.field.as_str();
                    if !out.contains(&field) {
                        out.push(field);
                    }
                }
            }
        }
        out
    }

    /// Whether the record whose fields are `record` passes (a field holding a value of the
    /// wrong type counts as empty).
    pub fn matches(&self, object: &ObjectDef, record: &Map<String, Json>, ctx: &Context) -> bool {
        match self {
            Filter::All(parts) => parts.iter().all(|p| p.matches(object, record, ctx)),
            Filter::Any(parts) => parts.iter().any(|p| p.matches(object, record, ctx)),
            Filter::Not(inner) => !inner.matches(object, record, ctx),
            Filter::Where(condition) => condition.matches(object, record, ctx),
        }
    }
}

fn value_of(field_type: &FieldType, json: Option<&Json>) -> Value {
    Value::from_json(field_type, json.unwrap_or(&Json::Null)).unwrap_or(Value::Empty)
}

/// A value's elements: the items of a list, or the value itself.
fn elements(value: &Value) -> Vec<Value> {
    match value {
        Value::List(items) => items.iter().cloned().map(Value::Choice).collect(),
        Value::Ids(ids) => ids.iter().copied().map(Value::Id).collect(),
        Value::Empty => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Two elements are the same (a tag and a choice are both texts).
fn same(a: &Value, b: &Value, field_type: &FieldType) -> bool {
    let text = |v: &Value| match v {
        Value::Choice(s) | Value::Text(s) => Some(s.clone()),
        _ => None,
    };
    match (text(a), text(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.compare(b, field_type) == Ordering::Equal,
    }
}

impl Condition {
    fn matches(&self, object: &ObjectDef, record: &Map<String, Json>, ctx: &Context) -> bool {
        let Some(def) = object.field(self.field.as_str()) else {
            return false;
        };
        let field_type = &def.field_type;
        let value = value_of(field_type, record.get(self.field.as_str()));
        let element = element_type(field_type);
        let target = |json: &Json| Value::from_json(&element, json).ok();
        let bound = |json: &Json| Value::from_json(field_type, json).ok();
        let has = |json: &Json| {
            target(json).is_some_and(|t| elements(&value).iter().any(|v| same(v, &t, field_type)))
        };
        let order = |json: &Json, wanted: &[Ordering]| {
            value != Value::Empty
                && bound(json).is_some_and(|b| wanted.contains(&value.compare(&b, field_type)))
        };
        let day = || match &value {
            Value::Date(iso) => days_of(iso).map(i64::from),
            Value::DateTime(ms) => Some(calendar_day(*ms, ctx.offset_minutes)),
            _ => None,
        };
        match &self.op {
            Op::Is(json) => has(json),
            Op::IsNot(json) => !has(json),
            Op::In(list) => list.iter().any(has),
            Op::NotIn(list) => !list.iter().any(has),
            Op::Contains(json) if element == *field_type => match (json.as_str(), &value) {
                (Some(needle), Value::Empty) => needle.is_empty(),
                (Some(needle), v) => v
                    .search_text(field_type)
                    .to_lowercase()
                    .contains(&needle.to_lowercase()),
                (None, _) => false,
            },
            Op::Contains(json) => has(json),
            Op::NotContains(json) => !Condition {
                field: self.field.clone(),
                op: Op::Contains(json.clone()),
            }
            .matches(object, record, ctx),
            Op::Lt(json) => order(json, &[Ordering::Less]),
            Op::Le(json) => order(json, &[Ordering::Less, Ordering::Equal]),
            Op::Gt(json) => order(json, &[Ordering::Greater]),
            Op::Ge(json) => order(json, &[Ordering::Greater, Ordering::Equal]),
            Op::Between(low, high) => {
                order(low, &[Ordering::Greater, Ordering::Equal])
                    && order(high, &[Ordering::Less, Ordering::Equal])
            }
            Op::Empty => elements(&value).is_empty(),
            Op::NotEmpty => !elements(&value).is_empty(),
            Op::Within(period) => {
                let (from, to) = ctx.days(*period);
                day().is_some_and(|d| (from..=to).contains(&d))
            }
            Op::Before(period) => day().is_some_and(|d| d < ctx.days(*period).0),
            Op::After(period) => day().is_some_and(|d| d > ctx.days(*period).1),
            Op::IsMe => elements(&value).contains(&Value::Id(ctx.me)),
            Op::IsMyTeam => elements(&value)
                .iter()
                .any(|v| matches!(v, Value::Id(id) if ctx.my_team.contains(id))),
        }
    }
}

impl Query {
    /// The order of two records by the query's sort (equal when it has none: the caller keeps
    /// its own order for ties).
    pub fn order(
        &self,
        object: &ObjectDef,
        a: &Map<String, Json>,
        b: &Map<String, Json>,
    ) -> Ordering {
        for key in &self.sort {
            let Some(def) = object.field(key.field.as_str()) else {
                continue;
            };
            let (x, y) = (
                value_of(&def.field_type, a.get(key.field.as_str())),
                value_of(&def.field_type, b.get(key.field.as_str())),
            );
            let ordering = x.compare(&y, &def.field_type);
            // Empty values stay last either way.
            let ordering = match (&x, &y, key.descending) {
                (Value::Empty, _, _) | (_, Value::Empty, _) | (_, _, false) => ordering,
                (_, _, true) => ordering.reverse(),
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }

    /// The group a record falls in (its value of the `group_by` field).
    pub fn group(&self, object: &ObjectDef, record: &Map<String, Json>) -> Value {
        self.group_by
            .as_ref()
            .and_then(|key| {
                let def = object.field(key.as_str())?;
                Some(value_of(&def.field_type, record.get(key.as_str())))
            })
            .unwrap_or(Value::Empty)
    }
}
