//! Running a query over records (their fields' JSON forms), on the device or the server.

use std::cmp::Ordering;

use serde_json::{Map, Value as Json};
use uuid::Uuid;

use super::{Condition, Filter, Op, Period, Query, element_type};
use crate::formula::{civil, days_of};
use crate::schema::{FieldDef, FieldType, ObjectDef, Value};

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
        self.prepare(object, ctx)
            .matches(&mut |def| value_of(&def.field_type, record.get(def.key.as_str())))
    }

    /// The filter made ready for many records: each field looked up once, the values it
    /// compares with read once, the texts it looks for lowered once.
    pub fn prepare<'a>(&self, object: &'a ObjectDef, ctx: &Context) -> Prepared<'a> {
        Prepared {
            root: Node::of(self, object, ctx),
            offset_minutes: ctx.offset_minutes,
        }
    }
}

fn value_of(field_type: &FieldType, json: Option<&Json>) -> Value {
    Value::from_json(field_type, json.unwrap_or(&Json::Null)).unwrap_or(Value::Empty)
}

/// Two elements are the same (a tag and a choice are both texts).
fn same(a: &Value, b: &Value, field_type: &FieldType) -> bool {
    fn text(v: &Value) -> Option<&str> {
        match v {
            Value::Choice(s) | Value::Text(s) => Some(s.as_str()),
            _ => None,
        }
    }
    match (text(a), text(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.compare(b, field_type) == Ordering::Equal,
    }
}

/// A [`Filter`] ready to be run over many records ([`Filter::prepare`]).
#[derive(Debug)]
pub struct Prepared<'a> {
    root: Node<'a>,
    offset_minutes: i64,
}

impl Prepared<'_> {
    /// Whether a record passes, given its value of each field the filter asks for (`value`
    /// is asked once per condition; a value of the wrong type counts as empty).
    pub fn matches(&self, value: &mut dyn FnMut(&FieldDef) -> Value) -> bool {
        self.root
            .matches(&mut |def| Stored::Read(value(def)), self.offset_minutes)
    }

    /// Whether a synced record passes: its custom values compared as stored where a test can
    /// (a choice is its key: no value is built for it), the others read under their types
    /// ([`crate::sync::linked::value_for`]). The same answers as [`Prepared::matches`].
    pub fn matches_record(&self, record: &crate::sync::Record) -> bool {
        self.root.matches(
            &mut |def| {
                if def.system {
                    Stored::Read(crate::sync::linked::value_for(record, def))
                } else {
                    Stored::Json(record.custom.get(def.key.as_str()))
                }
            },
            self.offset_minutes,
        )
    }
}

/// A field's value as a record gives it: as stored (a custom value's JSON), or read.
enum Stored<'r> {
    Json(Option<&'r Json>),
    Read(Value),
}

#[derive(Debug)]
enum Node<'a> {
    All(Vec<Node<'a>>),
    Any(Vec<Node<'a>>),
    Not(Box<Node<'a>>),
    Leaf(&'a FieldDef, Test),
    /// A condition on a field the object does not have: no record passes it.
    Never,
}

/// One condition's test, its values read under the field's type.
#[derive(Debug)]
enum Test {
    /// Holds one of these elements.
    Has(Vec<Value>),
    HasNone(Vec<Value>),
    /// Its text holds this (lowered); `None`: what was looked for is no text.
    Contains(Option<String>),
    NotContains(Option<String>),
    /// Compares with the bound as one of these (`None`: a bound that does not read).
    Order(Option<Value>, &'static [Ordering]),
    Between(Option<Value>, Option<Value>),
    Empty,
    NotEmpty,
    /// Its day is within (`from..=to`), before `from` or after `to`.
    Within(i64, i64),
    Before(i64),
    After(i64),
    IsMe(Uuid),
    IsMyTeam(Vec<Uuid>),
}

const LESS: &[Ordering] = &[Ordering::Less];
const AT_MOST: &[Ordering] = &[Ordering::Less, Ordering::Equal];
const MORE: &[Ordering] = &[Ordering::Greater];
const AT_LEAST: &[Ordering] = &[Ordering::Greater, Ordering::Equal];

impl<'a> Node<'a> {
    fn of(filter: &Filter, object: &'a ObjectDef, ctx: &Context) -> Self {
        let all = |parts: &[Filter]| parts.iter().map(|p| Node::of(p, object, ctx)).collect();
        match filter {
            Filter::All(parts) => Node::All(all(parts)),
            Filter::Any(parts) => Node::Any(all(parts)),
            Filter::Not(inner) => Node::Not(Box::new(Node::of(inner, object, ctx))),
            Filter::Where(condition) => match object.field(condition.field.as_str()) {
                Some(def) => Node::Leaf(def, Test::of(condition, &def.field_type, ctx)),
                None => Node::Never,
            },
        }
    }

    fn matches<'r>(&self, value: &mut dyn FnMut(&FieldDef) -> Stored<'r>, offset: i64) -> bool {
        match self {
            Node::All(parts) => parts.iter().all(|p| p.matches(value, offset)),
            Node::Any(parts) => parts.iter().any(|p| p.matches(value, offset)),
            Node::Not(inner) => !inner.matches(value, offset),
            Node::Leaf(def, test) => match value(def) {
                Stored::Read(v) => test.holds(&v, &def.field_type, offset),
                Stored::Json(json) => test.on_stored(json, &def.field_type).unwrap_or_else(|| {
                    test.holds(&value_of(&def.field_type, json), &def.field_type, offset)
                }),
            },
            Node::Never => false,
        }
    }
}

impl Test {
    fn of(condition: &Condition, field_type: &FieldType, ctx: &Context) -> Self {
        let element = element_type(field_type);
        let target = |json: &Json| Value::from_json(&element, json).ok();
        let one = |json: &Json| target(json).into_iter().collect::<Vec<_>>();
        let bound = |json: &Json| Value::from_json(field_type, json).ok();
        let needle = |json: &Json| json.as_str().map(str::to_lowercase);
        let texts = element == *field_type;
        match &condition.op {
            Op::Is(json) => Test::Has(one(json)),
            Op::IsNot(json) => Test::HasNone(one(json)),
            Op::In(list) => Test::Has(list.iter().filter_map(target).collect()),
            Op::NotIn(list) => Test::HasNone(list.iter().filter_map(target).collect()),
            Op::Contains(json) if texts => Test::Contains(needle(json)),
            Op::Contains(json) => Test::Has(one(json)),
            Op::NotContains(json) if texts => Test::NotContains(needle(json)),
            Op::NotContains(json) => Test::HasNone(one(json)),
            Op::Lt(json) => Test::Order(bound(json), LESS),
            Op::Le(json) => Test::Order(bound(json), AT_MOST),
            Op::Gt(json) => Test::Order(bound(json), MORE),
            Op::Ge(json) => Test::Order(bound(json), AT_LEAST),
            Op::Between(low, high) => Test::Between(bound(low), bound(high)),
            Op::Empty => Test::Empty,
            Op::NotEmpty => Test::NotEmpty,
            Op::Within(period) => {
                let (from, to) = ctx.days(*period);
                Test::Within(from, to)
            }
            Op::Before(period) => Test::Before(ctx.days(*period).0),
            Op::After(period) => Test::After(ctx.days(*period).1),
            Op::IsMe => Test::IsMe(ctx.me),
            Op::IsMyTeam => Test::IsMyTeam(ctx.my_team.clone()),
        }
    }

    /// The answer for a single choice as stored (its key, or nothing), when the test only
    /// asks which choice it is; `None`: read the value first.
    fn on_stored(&self, json: Option<&Json>, field_type: &FieldType) -> Option<bool> {
        let (Test::Has(wanted) | Test::HasNone(wanted)) = self else {
            return None;
        };
        if !matches!(field_type, FieldType::SingleSelect { .. }) {
            return None;
        }
        let key = match json {
            None | Some(Json::Null) => None,
            Some(Json::String(key)) => Some(key.as_str()),
            Some(_) => return None,
        };
        // A key the field does not offer reads as empty, so it matches none of the wanted.
        let hit = key.is_some_and(|key| {
            wanted
                .iter()
                .any(|w| matches!(w, Value::Choice(c) if c == key))
        });
        Some(if matches!(self, Test::Has(_)) {
            hit
        } else {
            !hit
        })
    }

    fn holds(&self, value: &Value, field_type: &FieldType, offset: i64) -> bool {
        let has = |wanted: &[Value]| {
            wanted
                .iter()
                .any(|t| each(value, &mut |v| same(v, t, field_type)))
        };
        let order = |b: &Option<Value>, wanted: &[Ordering]| {
            *value != Value::Empty
                && b.as_ref()
                    .is_some_and(|b| wanted.contains(&value.compare(b, field_type)))
        };
        let contains = |needle: &Option<String>| match (needle, value) {
            (Some(needle), Value::Empty) => needle.is_empty(),
            (Some(needle), Value::Text(text)) if !matches!(field_type, FieldType::Phone) => {
                holds_lowered(text, needle)
            }
            (Some(needle), v) => holds_lowered(&v.search_text(field_type), needle),
            (None, _) => false,
        };
        let day = || match value {
            Value::Date(iso) => days_of(iso).map(i64::from),
            Value::DateTime(ms) => Some(calendar_day(*ms, offset)),
            _ => None,
        };
        match self {
            Test::Has(wanted) => has(wanted),
            Test::HasNone(wanted) => !has(wanted),
            Test::Contains(needle) => contains(needle),
            Test::NotContains(needle) => !contains(needle),
            Test::Order(b, wanted) => order(b, wanted),
            Test::Between(low, high) => order(low, AT_LEAST) && order(high, AT_MOST),
            Test::Empty => !each(value, &mut |_| true),
            Test::NotEmpty => each(value, &mut |_| true),
            Test::Within(from, to) => day().is_some_and(|d| (*from..=*to).contains(&d)),
            Test::Before(from) => day().is_some_and(|d| d < *from),
            Test::After(to) => day().is_some_and(|d| d > *to),
            Test::IsMe(me) => each(value, &mut |v| matches!(v, Value::Id(id) if id == me)),
            Test::IsMyTeam(team) => each(
                value,
                &mut |v| matches!(v, Value::Id(id) if team.contains(id)),
            ),
        }
    }
}

/// Whether `hay` holds `needle` (already lowered), ignoring case; a text with no capital
/// letters (most Chinese text) is not lowered.
fn holds_lowered(hay: &str, needle: &str) -> bool {
    hay.contains(needle)
        || (hay.chars().any(char::is_uppercase) && hay.to_lowercase().contains(needle))
}

/// Whether one of a value's elements (the items of a list, or the value itself) passes `test`.
fn each(value: &Value, test: &mut dyn FnMut(&Value) -> bool) -> bool {
    match value {
        Value::List(items) => items.iter().any(|i| test(&Value::Choice(i.clone()))),
        Value::Ids(ids) => ids.iter().any(|id| test(&Value::Id(*id))),
        Value::Empty => false,
        other => test(other),
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
