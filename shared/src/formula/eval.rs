//! Running a checked formula over one record. Blank numbers count as 0 and blank texts as "",
//! as in a spreadsheet; a blank date gives a blank result.

use serde_json::{Map, Value as Json};

use super::dec::Dec;
use super::parse::{Expr, Op};
use crate::schema::{FieldDef, FieldType, Value};

/// A formula's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Empty,
    Number(Dec),
    Money(Dec, String),
    Text(String),
    Bool(bool),
    /// Days since 1970-01-01.
    Date(i32),
}

/// Why a formula has no value for a record (shown in the field, the record is still saved).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("division by zero")]
    DivideByZero,
    #[error("amounts in {0} and {1} cannot be combined")]
    MixedCurrencies(String, String),
    #[error("the result is too large")]
    TooLarge,
    #[error("formulas use each other too deeply")]
    TooDeep,
    #[error("the field {0} holds a value of the wrong type")]
    BadValue(String),
    #[error("DATEDIF's unit must be \"D\", \"M\" or \"Y\"")]
    BadUnit,
}

impl Val {
    /// The value as a field stores it: numbers with at most 6 digits after the point, money to
    /// the hundredth, dates as `YYYY-MM-DD`.
    pub fn to_value(&self) -> Value {
        match self {
            Val::Empty => Value::Empty,
            Val::Number(d) => match d.round(6).map(Dec::trimmed) {
                Some(d) => match i64::try_from(d.units()) {
                    Ok(units) => Value::Decimal {
                        units,
                        scale: d.scale() as u8,
                    },
                    Err(_) => Value::Empty,
                },
                None => Value::Empty,
            },
            Val::Money(d, currency) => {
                match d
                    .round(2)
                    .and_then(|d| i64::try_from(d.units() * 10i128.pow(2 - d.scale())).ok())
                {
                    Some(hundredths) => Value::Money {
                        hundredths,
                        currency: currency.clone(),
                    },
                    None => Value::Empty,
                }
            }
            Val::Text(s) => Value::Text(s.clone()),
            Val::Bool(b) => Value::Bool(*b),
            Val::Date(days) => Value::Date(iso_date(*days)),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Empty => String::new(),
            Val::Number(d) => d.to_string(),
            Val::Money(d, currency) => format!("{d} {currency}"),
            Val::Text(s) => s.clone(),
            Val::Bool(true) => "TRUE".into(),
            Val::Bool(false) => "FALSE".into(),
            Val::Date(days) => iso_date(*days),
        }
    }
}

/// Deepest chain of formulas using formulas.
const DEPTH_MAX: usize = 32;

pub struct Env<'a> {
    pub fields: &'a [FieldDef],
    pub record: &'a Map<String, Json>,
    pub today: i32,
    pub depth: usize,
    pub linked: Option<Linked<'a>>,
}

/// Where linked records come from: the device's copy or the server's database.
pub trait Records {
    /// The records of `object` whose field `link` points to the record `id`.
    fn pointing_to(&self, object: &str, link: &str, id: &str) -> Vec<Map<String, Json>>;
    /// The record `id` of `object`.
    fn record(&self, object: &str, id: &str) -> Option<Map<String, Json>>;
}

/// What rollups and lookups read: the schema, the linked records, who asks (for the filters'
/// `me` and periods), and the id of the record being worked out.
#[derive(Clone, Copy)]
pub struct Linked<'a> {
    pub schema: &'a crate::schema::registry::Schema,
    pub records: &'a dyn Records,
    pub context: &'a crate::query::Context,
    pub id: &'a str,
}

fn number(v: &Val) -> Dec {
    match v {
        Val::Number(d) | Val::Money(d, _) => *d,
        _ => Dec::ZERO,
    }
}

fn checked(d: Option<Dec>) -> Result<Dec, EvalError> {
    d.ok_or(EvalError::TooLarge)
}

/// The currency two money values share (a blank takes the other's).
fn same_currency(a: &Val, b: &Val) -> Result<String, EvalError> {
    match (a, b) {
        (Val::Money(_, x), Val::Money(_, y)) if x != y => {
            Err(EvalError::MixedCurrencies(x.clone(), y.clone()))
        }
        (Val::Money(_, c), _) | (_, Val::Money(_, c)) => Ok(c.clone()),
        _ => Ok(String::new()),
    }
}

impl Env<'_> {
    pub fn eval(&self, expr: &Expr) -> Result<Val, EvalError> {
        Ok(match expr {
            Expr::Number(d, _) => Val::Number(*d),
            Expr::Text(s, _) => Val::Text(s.clone()),
            Expr::Bool(b, _) => Val::Bool(*b),
            Expr::Field(key, _) => self.field(key)?,
            // Refused by the checker outside SUM.
            Expr::Column(..) => Val::Empty,
            Expr::Neg(inner, _) => match self.eval(inner)? {
                Val::Money(d, c) => Val::Money(d.negated(), c),
                other => Val::Number(number(&other).negated()),
            },
            Expr::Binary(op, left, right, _) => {
                let (l, r) = (self.eval(left)?, self.eval(right)?);
                self.binary(*op, l, r)?
            }
            Expr::Call(name, args, _) => self.call(name, args)?,
        })
    }

    fn field(&self, key: &str) -> Result<Val, EvalError> {
        let Some(def) = self.fields.iter().find(|f| f.key.as_str() == key) else {
            return Ok(Val::Empty);
        };
        if let FieldType::Formula { expression } = &def.field_type {
            if self.depth >= DEPTH_MAX {
                return Err(EvalError::TooDeep);
            }
            let tokens =
                super::lex::tokens(expression).map_err(|_| EvalError::BadValue(key.to_owned()))?;
            let inner = super::parse::parse(&tokens, expression.chars().count())
                .map_err(|_| EvalError::BadValue(key.to_owned()))?;
            return Env {
                depth: self.depth + 1,
                ..*self
            }
            .eval(&inner);
        }
        if let Some(linked) = self.linked {
            match &def.field_type {
                FieldType::Rollup {
                    object,
                    link,
                    field,
                    function,
                    filter,
                } => {
                    let Some(source) = linked.schema.object(object.as_str()) else {
                        return Ok(Val::Empty);
                    };
                    let Some(folded) = source.field(field.as_str()) else {
                        return Ok(Val::Empty);
                    };
                    let filter = match filter {
                        Some(text) => Some(
                            crate::query::parse(text, source)
                                .map_err(|_| EvalError::BadValue(key.to_owned()))?,
                        ),
                        None => None,
                    };
                    let rows =
                        linked
                            .records
                            .pointing_to(object.as_str(), link.as_str(), linked.id);
                    return super::rollup::rollup(
                        *function,
                        folded,
                        source,
                        &rows,
                        filter.as_ref(),
                        linked.context,
                    );
                }
                FieldType::Lookup { link, field } => {
                    let target =
                        self.fields.iter().find(|f| f.key == *link).and_then(|f| {
                            match &f.field_type {
                                FieldType::Link { object } => linked.schema.object(object.as_str()),
                                _ => None,
                            }
                        });
                    let Some(target) = target else {
                        return Ok(Val::Empty);
                    };
                    let Some(read) = target.field(field.as_str()) else {
                        return Ok(Val::Empty);
                    };
                    let Some(id) = self.record.get(link.as_str()).and_then(Json::as_str) else {
                        return Ok(Val::Empty);
                    };
                    let row = linked.records.record(target.key.as_str(), id);
                    // A formula of the linked record is worked out there.
                    if let (FieldType::Formula { .. }, Some(row)) = (&read.field_type, &row) {
                        if self.depth >= DEPTH_MAX {
                            return Err(EvalError::TooDeep);
                        }
                        let formula = super::Formula::compile_field_in(
                            read.key.as_str(),
                            &target.fields,
                            Some(linked.schema),
                        )
                        .map_err(|_| EvalError::BadValue(key.to_owned()))?;
                        return Env {
                            fields: &target.fields,
                            record: row,
                            today: self.today,
                            depth: self.depth + 1,
                            linked: None,
                        }
                        .eval(&formula.expr);
                    }
                    return super::rollup::lookup(read, row.as_ref());
                }
                _ => {}
            }
        }
        let json = self.record.get(key).unwrap_or(&Json::Null);
        let value = Value::from_json(&def.field_type, json)
            .map_err(|_| EvalError::BadValue(key.to_owned()))?;
        Ok(from_value(&def.field_type, value))
    }

    fn binary(&self, op: Op, l: Val, r: Val) -> Result<Val, EvalError> {
        let money = matches!(l, Val::Money(..)) || matches!(r, Val::Money(..));
        Ok(match op {
            Op::Concat => Val::Text(format!("{}{}", l.text(), r.text())),
            Op::Add | Op::Sub if matches!(l, Val::Date(_)) || matches!(r, Val::Date(_)) => {
                match (op, &l, &r) {
                    (Op::Sub, Val::Date(a), Val::Date(b)) => {
                        Val::Number(Dec::from_int(i64::from(*a) - i64::from(*b)))
                    }
                    (_, Val::Empty, _) | (_, _, Val::Empty) => Val::Empty,
                    (Op::Add, Val::Date(d), n) | (Op::Add, n, Val::Date(d)) => {
                        add_days(*d, number(n))?
                    }
                    (Op::Sub, Val::Date(d), n) => add_days(*d, number(n).negated())?,
                    _ => Val::Empty,
                }
            }
            Op::Add | Op::Sub => {
                let (a, b) = (number(&l), number(&r));
                let d = checked(if op == Op::Add {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                })?;
                if money {
                    Val::Money(d, same_currency(&l, &r)?)
                } else {
                    Val::Number(d)
                }
            }
            Op::Mul => {
                let d = checked(number(&l).checked_mul(number(&r)))?;
                if money {
                    Val::Money(d, same_currency(&l, &r)?)
                } else {
                    Val::Number(d)
                }
            }
            Op::Div => {
                let b = number(&r);
                if b.is_zero() {
                    return Err(EvalError::DivideByZero);
                }
                let d = checked(number(&l).checked_div(b))?;
                match (&l, &r) {
                    (Val::Money(_, x), Val::Money(_, y)) if x != y => {
                        return Err(EvalError::MixedCurrencies(x.clone(), y.clone()));
                    }
                    (Val::Money(_, c), Val::Number(_) | Val::Empty) => Val::Money(d, c.clone()),
                    _ => Val::Number(d),
                }
            }
            _ => {
                if money {
                    same_currency(&l, &r)?;
                }
                let ordering = match (&l, &r) {
                    (Val::Text(a), Val::Text(b)) => a.cmp(b),
                    (Val::Bool(a), Val::Bool(b)) => a.cmp(b),
                    (Val::Date(a), Val::Date(b)) => a.cmp(b),
                    (Val::Empty, Val::Empty) => std::cmp::Ordering::Equal,
                    (Val::Text(_) | Val::Empty, Val::Text(_) | Val::Empty) => {
                        l.text().cmp(&r.text())
                    }
                    _ => number(&l).cmp(&number(&r)),
                };
                use std::cmp::Ordering::{Equal, Greater, Less};
                Val::Bool(match op {
                    Op::Eq => ordering == Equal,
                    Op::Ne => ordering != Equal,
                    Op::Lt => ordering == Less,
                    Op::Le => ordering != Greater,
                    Op::Gt => ordering == Greater,
                    _ => ordering != Less,
                })
            }
        })
    }

    fn call(&self, name: &str, args: &[Expr]) -> Result<Val, EvalError> {
        let arg = |i: usize| -> Result<Val, EvalError> {
            args.get(i).map_or(Ok(Val::Empty), |a| self.eval(a))
        };
        let truthy = |v: Val| matches!(v, Val::Bool(true));
        Ok(match name {
            "IF" => {
                if truthy(arg(0)?) {
                    arg(1)?
                } else {
                    arg(2)?
                }
            }
            "AND" => {
                for a in args {
                    if !truthy(self.eval(a)?) {
                        return Ok(Val::Bool(false));
                    }
                }
                Val::Bool(true)
            }
            "OR" => {
                for a in args {
                    if truthy(self.eval(a)?) {
                        return Ok(Val::Bool(true));
                    }
                }
                Val::Bool(false)
            }
            "NOT" => Val::Bool(!truthy(arg(0)?)),
            "CONCAT" => {
                let mut out = String::new();
                for a in args {
                    out.push_str(&self.eval(a)?.text());
                }
                Val::Text(out)
            }
            "LEN" => Val::Number(Dec::from_int(arg(0)?.text().chars().count() as i64)),
            "ROUND" => {
                let digits = number(&arg(1)?).to_i64().unwrap_or(0).clamp(0, 10) as u32;
                match arg(0)? {
                    Val::Money(d, c) => Val::Money(checked(d.round(digits))?, c),
                    other => Val::Number(checked(number(&other).round(digits))?),
                }
            }
            "ABS" => match arg(0)? {
                Val::Money(d, c) if d.units() < 0 => Val::Money(d.negated(), c),
                Val::Money(d, c) => Val::Money(d, c),
                other => {
                    let d = number(&other);
                    Val::Number(if d.units() < 0 { d.negated() } else { d })
                }
            },
            "TODAY" => Val::Date(self.today),
            "ADD_DAYS" => match arg(0)? {
                Val::Date(d) => add_days(d, number(&arg(1)?))?,
                _ => Val::Empty,
            },
            "DATEDIF" => {
                let unit = arg(2)?.text().to_ascii_uppercase();
                match (arg(0)?, arg(1)?) {
                    (Val::Date(a), Val::Date(b)) => {
                        Val::Number(Dec::from_int(date_diff(a, b, &unit)?))
                    }
                    _ => Val::Empty,
                }
            }
            "SUM" => {
                if let [Expr::Column(table, column, _)] = args {
                    return self.sum_column(table, column);
                }
                let mut total = Val::Number(Dec::ZERO);
                for a in args {
                    let v = self.eval(a)?;
                    total = self.binary(Op::Add, total, v)?;
                }
                total
            }
            _ => Val::Empty,
        })
    }

    fn sum_column(&self, table: &str, column: &str) -> Result<Val, EvalError> {
        let Some(FieldType::SubTable { columns }) = self
            .fields
            .iter()
            .find(|f| f.key.as_str() == table)
            .map(|f| &f.field_type)
        else {
            return Ok(Val::Empty);
        };
        let Some(col) = columns.iter().find(|c| c.key.as_str() == column) else {
            return Ok(Val::Empty);
        };
        let rows = match self.record.get(table) {
            Some(Json::Array(rows)) => rows.as_slice(),
            None | Some(Json::Null) => &[],
            Some(_) => return Err(EvalError::BadValue(table.to_owned())),
        };
        let mut total = match &col.field_type {
            FieldType::Money { currency } => Val::Money(Dec::ZERO, currency.clone()),
            _ => Val::Number(Dec::ZERO),
        };
        let mut currency: Option<String> = None;
        for row in rows {
            let json = row.get(column).unwrap_or(&Json::Null);
            let value = Value::from_json(&col.field_type, json)
                .map_err(|_| EvalError::BadValue(format!("{table}.{column}")))?;
            let v = from_value(&col.field_type, value);
            if let Val::Money(_, c) = &v {
                match &currency {
                    Some(first) if first != c => {
                        return Err(EvalError::MixedCurrencies(first.clone(), c.clone()));
                    }
                    _ => currency = Some(c.clone()),
                }
                if let Val::Money(d, _) = total {
                    total = Val::Money(d, c.clone());
                }
            }
            total = self.binary(Op::Add, total, v)?;
        }
        Ok(total)
    }
}

/// A field's stored value as a formula reads it.
pub(crate) fn from_value(field_type: &FieldType, value: Value) -> Val {
    match value {
        Value::Empty => match field_type {
            FieldType::Date => Val::Empty,
            FieldType::Money { currency } => Val::Money(Dec::ZERO, currency.clone()),
            _ => match super::Type::of_field(field_type) {
                Some(super::Type::Number) => Val::Number(Dec::ZERO),
                Some(super::Type::Text) => Val::Text(String::new()),
                _ => Val::Empty,
            },
        },
        Value::Integer(n) | Value::Duration(n) => Val::Number(Dec::from_int(n)),
        Value::Rating(n) => Val::Number(Dec::from_int(i64::from(n))),
        Value::Decimal { units, scale } => {
            // A percent field's 12.5 is 0.125 in a formula.
            let scale = u32::from(scale)
                + if matches!(field_type, FieldType::Percent { .. }) {
                    2
                } else {
                    0
                };
            Dec::new(i128::from(units), scale).map_or(Val::Empty, Val::Number)
        }
        Value::Money {
            hundredths,
            currency,
        } => Dec::new(i128::from(hundredths), 2).map_or(Val::Empty, |d| Val::Money(d, currency)),
        Value::Bool(b) => Val::Bool(b),
        Value::Date(iso) => days_of(&iso).map_or(Val::Empty, Val::Date),
        Value::Text(s) | Value::Choice(s) => Val::Text(s),
        Value::Time(minutes) => Val::Number(Dec::from_int(i64::from(minutes))),
        Value::List(items) => Val::Text(items.join(", ")),
        // Not readable by formulas (the checker refuses such fields).
        Value::DateTime(_)
        | Value::Id(_)
        | Value::Ids(_)
        | Value::Address(_)
        | Value::Geo { .. }
        | Value::Rows(_)
        | Value::Files(_) => Val::Empty,
    }
}

fn add_days(day: i32, n: Dec) -> Result<Val, EvalError> {
    let n = n
        .round(0)
        .and_then(Dec::to_i64)
        .ok_or(EvalError::TooLarge)?;
    let d = i64::from(day) + n;
    // Years 1900..=2999, as dates are.
    if !(-25_567..=376_199).contains(&d) {
        return Err(EvalError::TooLarge);
    }
    Ok(Val::Date(d as i32))
}

/// Whole days, months or years from `a` to `b` (negative when `b` is earlier).
fn date_diff(a: i32, b: i32, unit: &str) -> Result<i64, EvalError> {
    let days = i64::from(b) - i64::from(a);
    let (ya, ma, da) = civil(a);
    let (yb, mb, db) = civil(b);
    let mut months = (i64::from(yb) - i64::from(ya)) * 12 + i64::from(mb) - i64::from(ma);
    if months > 0 && db < da {
        months -= 1;
    } else if months < 0 && db > da {
        months += 1;
    }
    match unit {
        "D" => Ok(days),
        "M" => Ok(months),
        "Y" => Ok(months / 12),
        _ => Err(EvalError::BadUnit),
    }
}

/// Days since 1970-01-01 of the civil date `YYYY-MM-DD`.
pub fn days_of(iso: &str) -> Option<i32> {
    let mut parts = iso.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Count from March, so that the leap day ends the year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    i32::try_from(era * 146_097 + day_of_era - 719_468).ok()
}

/// The civil date of `days` since 1970-01-01.
pub fn civil(days: i32) -> (i32, u32, u32) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = day_of_year - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    (y as i32, m as u32, d as u32)
}

fn iso_date(days: i32) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}
