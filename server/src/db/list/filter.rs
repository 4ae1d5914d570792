//! A query-language filter (`shared::query::Filter`) as an SQL condition that every matching
//! record meets: the database picks the candidates (through the indexes of
//! [`super::field::Field::index_sql`] where there are some), and the list then runs the shared
//! matcher over each candidate, so that REST answers exactly what a device's list shows.
//! What SQL cannot say the same way (a list's elements, a formula, a text search in a
//! language with letter cases beyond ASCII) is left to the matcher: it adds no condition.

use serde_json::Value as Json;
use shared::query::{Condition, Context, Filter, Op, Period, element_type};
use shared::schema::{FieldKind, FieldType, ObjectDef, Value};
use uuid::Uuid;

use super::field::{Field, NO_NUMBER, Shape, Source};
use super::{Bind, Fragment};
use crate::db::Backend;

/// What a filter is translated against.
pub struct Env<'a> {
    pub backend: Backend,
    pub object: &'a ObjectDef,
    /// How SQL reaches a field of the object (`None`: it cannot).
    pub field: &'a dyn Fn(&str) -> Option<Field>,
    pub context: &'a Context,
}

/// A condition and whether it picks exactly the matching records (else a few more, which the
/// matcher drops). Only an exact condition may be negated.
pub struct Translated {
    pub sql: Fragment,
    pub exact: bool,
}

/// The condition for `filter`, or `None` when SQL cannot narrow it.
pub fn translate(env: &Env, filter: &Filter) -> Option<Translated> {
    match filter {
        Filter::All(parts) => {
            let parts: Vec<Translated> = parts
                .iter()
                .map(|p| translate(env, p))
                .collect::<Vec<_>>()
                .into_iter()
                .flatten()
                .collect();
            // Parts left out narrow nothing: the rest is still every match and more.
            let exact = parts.iter().all(|p| p.exact) && parts.len() == count(filter);
            join(parts, " AND ", exact)
        }
        Filter::Any(parts) => {
            // One part SQL cannot narrow lets any record through.
            let parts: Option<Vec<Translated>> = parts.iter().map(|p| translate(env, p)).collect();
            let parts = parts?;
            let exact = parts.iter().all(|p| p.exact);
            join(parts, " OR ", exact)
        }
        Filter::Not(inner) => {
            let inner = translate(env, inner).filter(|t| t.exact)?;
            let mut sql = Fragment::text("NOT (");
            sql.append(inner.sql);
            sql.push(")");
            Some(Translated { sql, exact: true })
        }
        Filter::Where(condition) => condition_sql(env, condition),
    }
}

fn count(filter: &Filter) -> usize {
    match filter {
        Filter::All(parts) | Filter::Any(parts) => parts.len(),
        _ => 1,
    }
}

fn join(parts: Vec<Translated>, glue: &str, exact: bool) -> Option<Translated> {
    if parts.is_empty() {
        return None;
    }
    let mut sql = Fragment::text("(");
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            sql.push(glue);
        }
        sql.append(part.sql);
    }
    sql.push(")");
    Some(Translated { sql, exact })
}

/// A scalar a stored value is compared with, in the form SQL holds it.
enum Operand {
    Text(String),
    Num(f64),
    Money(String, f64),
    Id(Uuid),
}

/// The kinds whose text is what a text search reads ([`Value::search_text`] is the text).
fn searchable(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Text
            | FieldKind::LongText
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::Wechat
            | FieldKind::IdCard
            | FieldKind::CreditCode
    )
}

/// Kinds held as whole numbers: compared exactly as doubles.
fn whole(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Integer | FieldKind::Duration | FieldKind::Rating | FieldKind::DateTime
    )
}

fn condition_sql(env: &Env, condition: &Condition) -> Option<Translated> {
    let def = env.object.field(condition.field.as_str())?;
    let field = (env.field)(condition.field.as_str())?;
    let field_type = &def.field_type;
    let kind = field_type.kind();
    // Typed fields are stored as the product's structs keep them: SQL compares their choices,
    // dates (both in their JSON form, as a test in `shared::schema::builtin` holds) and
    // moments (milliseconds), and searches their texts; nothing else.
    let typed = matches!(field.source, Source::Typed(_));
    let comparable = !typed
        || matches!(
            kind,
            FieldKind::SingleSelect | FieldKind::Date | FieldKind::DateTime
        );
    let element = element_type(field_type);
    let operand = |json: &Json, of: &FieldType| -> Option<Operand> {
        let value = Value::from_json(of, json).ok()?;
        operand_of(&field, kind, &value)
    };
    let b = env.backend;
    match (&condition.op, field.shape) {
        (Op::Contains(Json::String(needle)), Shape::Text)
            if element == *field_type
                && searchable(kind)
                && !(typed && condition.field.as_str() == "phones") =>
        {
            let needle = needle.to_lowercase();
            // SQL lowers ASCII letters only: a needle with other cased letters is left to
            // the matcher.
            if needle.is_empty()
                || needle
                    .chars()
                    .any(|c| !c.is_ascii() && (c.is_lowercase() || c.is_uppercase()))
            {
                return None;
            }
            let find = match b {
                Backend::Sqlite => "instr",
                Backend::Postgres => "strpos",
            };
            let mut sql = Fragment::text(&format!("{find}(lower({}), ", field.text(b, None)));
            sql.bind(Bind::Text(needle));
            sql.push(") > 0");
            Some(Translated { sql, exact: false })
        }
        _ if !comparable => None,
        (Op::Is(json) | Op::IsNot(json), _) => {
            let equal = equal_sql(b, &field, &operand(json, &element)?, kind)?;
            if matches!(condition.op, Op::Is(_)) {
                Some(equal)
            } else {
                let mut sql = Fragment::text("NOT ");
                sql.append(equal.sql);
                equal.exact.then_some(Translated { sql, exact: true })
            }
        }
        (Op::In(list) | Op::NotIn(list), Shape::Text) => {
            // Values that are not of the field's type match nothing.
            let operands: Vec<Operand> = list.iter().filter_map(|j| operand(j, &element)).collect();
            let not = matches!(condition.op, Op::NotIn(_));
            Some(in_sql(b, &field, operands, not))
        }
        (Op::IsMe, Shape::Text) => {
            Some(in_sql(b, &field, vec![Operand::Id(env.context.me)], false))
        }
        (Op::IsMyTeam, Shape::Text) => {
            let team = env
                .context
                .my_team
                .iter()
                .map(|id| Operand::Id(*id))
                .collect();
            Some(in_sql(b, &field, team, false))
        }
        (Op::Lt(j), _) => order_sql(b, &field, kind, "<", &operand(j, field_type)?),
        (Op::Le(j), _) => order_sql(b, &field, kind, "<=", &operand(j, field_type)?),
        (Op::Gt(j), _) => order_sql(b, &field, kind, ">", &operand(j, field_type)?),
        (Op::Ge(j), _) => order_sql(b, &field, kind, ">=", &operand(j, field_type)?),
        (Op::Between(low, high), _) => {
            let low = order_sql(b, &field, kind, ">=", &operand(low, field_type)?)?;
            let high = order_sql(b, &field, kind, "<=", &operand(high, field_type)?)?;
            join(vec![low, high], " AND ", true)
        }
        (Op::Within(p) | Op::Before(p) | Op::After(p), _) => {
            period_sql(b, &field, kind, &condition.op, *p, env.context)
        }
        (Op::NotEmpty, Shape::Text) => Some(Translated {
            sql: Fragment::text(&format!("{} <> ''", field.text(b, None))),
            exact: false,
        }),
        (Op::NotEmpty, Shape::Num) => Some(Translated {
            sql: Fragment::text(&format!("{} > {NO_NUMBER:e}", field.num(b, None))),
            exact: false,
        }),
        (Op::NotEmpty, Shape::Money) => Some(Translated {
            sql: Fragment::text(&format!("{} <> ''", field.text(b, Some("currency")))),
            exact: false,
        }),
        _ => None,
    }
}

/// `value` as SQL holds it for `field`.
fn operand_of(field: &Field, kind: FieldKind, value: &Value) -> Option<Operand> {
    if field.source == Source::Owner {
        return match value {
            Value::Id(id) => Some(Operand::Id(*id)),
            _ => None,
        };
    }
    match (field.shape, value) {
        (_, Value::Empty) => None,
        (Shape::Num, Value::DateTime(ms)) => Some(Operand::Num(*ms as f64)),
        (Shape::Num, other) => match other.to_json() {
            Json::Number(n) => n.as_f64().map(Operand::Num),
            Json::String(s) => s.parse().ok().map(Operand::Num),
            _ => None,
        },
        (Shape::Money, Value::Money { currency, .. }) => {
            let amount = value.to_json().get("amount")?.as_str()?.parse().ok()?;
            Some(Operand::Money(currency.clone(), amount))
        }
        (Shape::Text, other) if kind != FieldKind::Checkbox => match other.to_json() {
            Json::String(s) => Some(Operand::Text(s)),
            _ => None,
        },
        _ => None,
    }
}

/// How far a decimal's double may be from the one SQL reads from its text.
fn slack(kind: FieldKind, n: f64) -> f64 {
    if whole(kind) {
        0.0
    } else {
        n.abs() * 1e-12 + 1e-9
    }
}

fn equal_sql(b: Backend, field: &Field, operand: &Operand, kind: FieldKind) -> Option<Translated> {
    let mut sql = Fragment::default();
    let exact = match operand {
        Operand::Text(t) => {
            sql.push(&format!("{} = ", field.text(b, None)));
            sql.bind(Bind::Text(t.clone()));
            true
        }
        Operand::Id(id) => {
            sql.push(&format!("{} = ", field.text(b, None)));
            sql.bind(id_bind(field, *id));
            true
        }
        Operand::Num(n) => {
            let e = slack(kind, *n);
            sql.push(&format!("{} BETWEEN ", field.num(b, None)));
            sql.bind(Bind::Num(n - e));
            sql.push(" AND ");
            sql.bind(Bind::Num(n + e));
            e == 0.0
        }
        Operand::Money(currency, amount) => {
            let e = slack(kind, *amount);
            sql.push(&format!("({} = ", field.text(b, Some("currency"))));
            sql.bind(Bind::Text(currency.clone()));
            sql.push(&format!(" AND {} BETWEEN ", field.num(b, Some("amount"))));
            sql.bind(Bind::Num(amount - e));
            sql.push(" AND ");
            sql.bind(Bind::Num(amount + e));
            sql.push(")");
            false
        }
    };
    Some(Translated { sql, exact })
}

/// The owner column holds ids; a custom person or record field holds an id's text.
fn id_bind(field: &Field, id: Uuid) -> Bind {
    if field.source == Source::Owner {
        Bind::Id(id)
    } else {
        Bind::Text(id.to_string())
    }
}

fn in_sql(b: Backend, field: &Field, operands: Vec<Operand>, not: bool) -> Translated {
    let binds: Vec<Bind> = operands
        .into_iter()
        .filter_map(|o| match o {
            Operand::Text(t) => Some(Bind::Text(t)),
            Operand::Id(id) => Some(id_bind(field, id)),
            _ => None,
        })
        .collect();
    if binds.is_empty() {
        // In nothing: no record; not in nothing: every record.
        let sql = if not { "1 = 1" } else { "1 = 0" };
        return Translated {
            sql: Fragment::text(sql),
            exact: true,
        };
    }
    let mut sql = Fragment::text(&format!(
        "{} {}IN (",
        field.text(b, None),
        if not { "NOT " } else { "" }
    ));
    for (i, bind) in binds.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(bind);
    }
    sql.push(")");
    Translated { sql, exact: true }
}

/// `field op operand` for an ordered comparison; an empty value never passes one.
fn order_sql(
    b: Backend,
    field: &Field,
    kind: FieldKind,
    op: &str,
    operand: &Operand,
) -> Option<Translated> {
    let mut sql = Fragment::default();
    let exact = match operand {
        Operand::Text(t)
            if matches!(
                kind,
                FieldKind::Date | FieldKind::DateTime | FieldKind::Time
            ) =>
        {
            let expr = field.text(b, None);
            sql.push(&format!("({expr} <> '' AND {expr} {op} "));
            sql.bind(Bind::Text(t.clone()));
            sql.push(")");
            true
        }
        Operand::Num(n) => {
            let e = slack(kind, *n);
            let expr = field.num(b, None);
            let bound = if op.starts_with('<') { n + e } else { n - e };
            sql.push(&format!("({expr} > {NO_NUMBER:e} AND {expr} {op} "));
            sql.bind(Bind::Num(bound));
            sql.push(")");
            e == 0.0
        }
        Operand::Money(currency, amount) => {
            // By currency, then amount (as money compares).
            let e = slack(kind, *amount);
            let bound = if op.starts_with('<') {
                amount + e
            } else {
                amount - e
            };
            let strict = if op.starts_with('<') { "<" } else { ">" };
            let cur = field.text(b, Some("currency"));
            let amt = field.num(b, Some("amount"));
            sql.push(&format!("({cur} <> '' AND ({cur} {strict} "));
            sql.bind(Bind::Text(currency.clone()));
            sql.push(&format!(" OR ({cur} = "));
            sql.bind(Bind::Text(currency.clone()));
            sql.push(&format!(" AND {amt} {op} "));
            sql.bind(Bind::Num(bound));
            sql.push(")))");
            false
        }
        _ => return None,
    };
    Some(Translated { sql, exact })
}

/// A date or moment in, before or after a period of the company's calendar.
fn period_sql(
    b: Backend,
    field: &Field,
    kind: FieldKind,
    op: &Op,
    period: Period,
    context: &Context,
) -> Option<Translated> {
    let (first, last) = context.days(period);
    // The period as values of the field: from its first moment, up to (not including) the
    // first moment after it.
    let (from, until) = match kind {
        FieldKind::Date => {
            let iso = |day: i64| {
                let (y, m, d) = shared::formula::civil(i32::try_from(day).ok()?);
                Some(Operand::Text(format!("{y:04}-{m:02}-{d:02}")))
            };
            (iso(first)?, iso(last + 1)?)
        }
        FieldKind::DateTime => {
            let moment = |day: i64| (day * 1440 - context.offset_minutes) * 60_000;
            let as_field = |ms: i64| operand_of(field, kind, &Value::DateTime(ms));
            (as_field(moment(first))?, as_field(moment(last + 1))?)
        }
        _ => return None,
    };
    let parts = match op {
        Op::Within(_) => vec![
            order_sql(b, field, kind, ">=", &from)?,
            order_sql(b, field, kind, "<", &until)?,
        ],
        Op::Before(_) => vec![order_sql(b, field, kind, "<", &from)?],
        _ => vec![order_sql(b, field, kind, ">=", &until)?],
    };
    let exact = parts.iter().all(|p| p.exact);
    join(parts, " AND ", exact)
}
