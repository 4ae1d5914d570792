//! Rollups and lookups: values of linked records. An account's "open deals amount" sums the
//! amount of its deals that pass a filter; a deal's "account grade" looks up the grade of its
//! account. The caller finds the linked records (on the device from its copy, on the server
//! from the database); what is done with them is here, the same on both.

use serde_json::{Map, Value as Json};

use super::dec::Dec;
use super::eval::{EvalError, Val, from_value};
use super::types::Type;
use crate::query::{Context, Filter};
use crate::schema::{FieldDef, ObjectDef, RollupFn, Value};

/// Why a rollup cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollupError {
    #[error("{0} cannot fold this field's type")]
    Unfoldable(&'static str),
}

/// The type of a rollup's result: a count is a number; sums and averages keep the field's
/// number or money; the least and greatest also take dates.
pub fn rollup_type(function: RollupFn, field: &FieldDef) -> Result<Type, RollupError> {
    let of = Type::of_field(&field.field_type);
    match (function, of) {
        (RollupFn::Count, _) => Ok(Type::Number),
        (RollupFn::Sum | RollupFn::Avg, Some(t @ (Type::Number | Type::Money))) => Ok(t),
        (RollupFn::Min | RollupFn::Max, Some(t @ (Type::Number | Type::Money | Type::Date))) => {
            Ok(t)
        }
        (RollupFn::Sum, _) => Err(RollupError::Unfoldable("SUM")),
        (RollupFn::Avg, _) => Err(RollupError::Unfoldable("AVG")),
        (RollupFn::Min, _) => Err(RollupError::Unfoldable("MIN")),
        (RollupFn::Max, _) => Err(RollupError::Unfoldable("MAX")),
    }
}

/// Fold `field` of the `linked` records (of `object`) that pass `filter`.
pub fn rollup<'a>(
    function: RollupFn,
    field: &FieldDef,
    object: &ObjectDef,
    linked: impl IntoIterator<Item = &'a Map<String, Json>>,
    filter: Option<&Filter>,
    context: &Context,
) -> Result<Val, EvalError> {
    let key = field.key.as_str();
    let mut count: i64 = 0;
    let mut values = Vec::new();
    let prepared = filter.map(|f| f.prepare(object, context));
    for record in linked {
        let read = |def: &FieldDef| {
            Value::from_json(
                &def.field_type,
                record.get(def.key.as_str()).unwrap_or(&Json::Null),
            )
            .unwrap_or(Value::Empty)
        };
        if prepared
            .as_ref()
            .is_some_and(|p| !p.matches(&mut |def| read(def)))
        {
            continue;
        }
        count += 1;
        let value = Value::from_json(&field.field_type, record.get(key).unwrap_or(&Json::Null))
            .map_err(|_| EvalError::BadValue(key.to_owned()))?;
        if value != Value::Empty {
            values.push(from_value(&field.field_type, value));
        }
    }
    if function == RollupFn::Count {
        return Ok(Val::Number(Dec::from_int(count)));
    }
    // Money of one currency only.
    let mut currency: Option<&str> = None;
    for v in &values {
        if let Val::Money(_, c) = v {
            match currency {
                Some(first) if first != c => {
                    return Err(EvalError::MixedCurrencies(first.to_owned(), c.clone()));
                }
                _ => currency = Some(c),
            }
        }
    }
    let rewrap = |d: Dec| match currency {
        Some(c) => Val::Money(d, c.to_owned()),
        None => Val::Number(d),
    };
    let number = |v: &Val| match v {
        Val::Number(d) | Val::Money(d, _) => Some(*d),
        _ => None,
    };
    Ok(match function {
        RollupFn::Count => Val::Empty,
        RollupFn::Sum => {
            let mut total = Dec::ZERO;
            for d in values.iter().filter_map(number) {
                total = total.checked_add(d).ok_or(EvalError::TooLarge)?;
            }
            match (&values[..], &field.field_type) {
                ([], crate::schema::FieldType::Money { currency }) => {
                    Val::Money(Dec::ZERO, currency.clone())
                }
                _ => rewrap(total),
            }
        }
        RollupFn::Avg => {
            let numbers: Vec<Dec> = values.iter().filter_map(number).collect();
            if numbers.is_empty() {
                return Ok(Val::Empty);
            }
            let mut total = Dec::ZERO;
            for d in &numbers {
                total = total.checked_add(*d).ok_or(EvalError::TooLarge)?;
            }
            let n = Dec::from_int(numbers.len() as i64);
            rewrap(total.checked_div(n).ok_or(EvalError::TooLarge)?)
        }
        RollupFn::Min | RollupFn::Max => {
            let pick = |a: &Val, b: &Val| -> bool {
                // Whether b should replace a.
                let ordering = match (a, b) {
                    (Val::Date(x), Val::Date(y)) => y.cmp(x),
                    _ => number(b).cmp(&number(a)),
                };
                if function == RollupFn::Min {
                    ordering.is_lt()
                } else {
                    ordering.is_gt()
                }
            };
            let mut best: Option<&Val> = None;
            for v in &values {
                if best.is_none_or(|b| pick(b, v)) {
                    best = Some(v);
                }
            }
            best.cloned().unwrap_or(Val::Empty)
        }
    })
}

/// The value of `field` of the `linked` record (none: empty).
pub fn lookup(field: &FieldDef, linked: Option<&Map<String, Json>>) -> Result<Val, EvalError> {
    let Some(record) = linked else {
        return Ok(Val::Empty);
    };
    let key = field.key.as_str();
    let value = Value::from_json(&field.field_type, record.get(key).unwrap_or(&Json::Null))
        .map_err(|_| EvalError::BadValue(key.to_owned()))?;
    Ok(match value {
        Value::Empty => Val::Empty,
        other => from_value(&field.field_type, other),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::schema::FieldType;
    use crate::schema::fixtures::{field, object};

    fn deals() -> ObjectDef {
        object(
            "deals",
            "name",
            vec![
                field("name", FieldType::Text),
                field(
                    "amount",
                    FieldType::Money {
                        currency: "CNY".into(),
                    },
                ),
                field("won", FieldType::Checkbox),
                field("close_date", FieldType::Date),
                field("grade", FieldType::Text),
                field("owner", FieldType::User { many: false }),
            ],
        )
    }

    fn records(values: Json) -> Vec<Map<String, Json>> {
        values
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_object().cloned())
            .collect()
    }

    fn context() -> Context {
        Context {
            me: Uuid::nil(),
            my_team: Vec::new(),
            now_ms: 0,
            offset_minutes: crate::query::COMPANY_OFFSET_MINUTES,
        }
    }

    fn fold(
        function: RollupFn,
        key: &str,
        linked: &[Map<String, Json>],
        filter: Option<&str>,
    ) -> String {
        let object = deals();
        let def = object.field(key).expect("field").clone();
        let filter = filter.map(|f| crate::query::parse(f, &object).expect("filter"));
        match rollup(function, &def, &object, linked, filter.as_ref(), &context()) {
            Ok(v) => v.to_value().to_json().to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn rollups_fold_the_linked_records() {
        let linked = records(json!([
            {"name": "A", "amount": {"amount": "1000", "currency": "CNY"}, "won": true, "close_date": "2026-03-01"},
            {"name": "B", "amount": {"amount": "250.5", "currency": "CNY"}, "close_date": "2026-01-15"},
            {"name": "C", "amount": {"amount": "4000", "currency": "CNY"}, "won": true},
            {"name": "D"},
        ]));
        let cny = |a: &str| format!(r#"{{"amount":"{a}","currency":"CNY"}}"#);
        assert_eq!(fold(RollupFn::Count, "name", &linked, None), "\"4\"");
        assert_eq!(
            fold(RollupFn::Count, "name", &linked, Some("won = true")),
            "\"2\""
        );
        assert_eq!(fold(RollupFn::Sum, "amount", &linked, None), cny("5250.5"));
        assert_eq!(
            fold(RollupFn::Sum, "amount", &linked, Some("won = true")),
            cny("5000")
        );
        assert_eq!(fold(RollupFn::Avg, "amount", &linked, None), cny("1750.17"));
        assert_eq!(fold(RollupFn::Min, "amount", &linked, None), cny("250.5"));
        assert_eq!(fold(RollupFn::Max, "amount", &linked, None), cny("4000"));
        assert_eq!(
            fold(RollupFn::Min, "close_date", &linked, None),
            "\"2026-01-15\""
        );
        assert_eq!(
            fold(RollupFn::Max, "close_date", &linked, None),
            "\"2026-03-01\""
        );
        // No linked records: counts and sums are 0, the rest empty.
        assert_eq!(fold(RollupFn::Count, "name", &[], None), "\"0\"");
        assert_eq!(fold(RollupFn::Sum, "amount", &[], None), cny("0"));
        assert_eq!(fold(RollupFn::Avg, "amount", &[], None), "null");
        // Amounts of two currencies are never added.
        let mixed = records(json!([
            {"amount": {"amount": "1", "currency": "CNY"}},
            {"amount": {"amount": "1", "currency": "USD"}},
        ]));
        assert_eq!(
            fold(RollupFn::Sum, "amount", &mixed, None),
            "error: amounts in CNY and USD cannot be combined"
        );
    }

    #[test]
    fn rollup_types_and_lookups() {
        let object = deals();
        let of = |key: &str| object.field(key).expect("field").clone();
        assert_eq!(rollup_type(RollupFn::Count, &of("name")), Ok(Type::Number));
        assert_eq!(rollup_type(RollupFn::Sum, &of("amount")), Ok(Type::Money));
        assert_eq!(
            rollup_type(RollupFn::Max, &of("close_date")),
            Ok(Type::Date)
        );
        assert_eq!(
            rollup_type(RollupFn::Sum, &of("close_date")),
            Err(RollupError::Unfoldable("SUM"))
        );
        assert_eq!(
            rollup_type(RollupFn::Avg, &of("name")),
            Err(RollupError::Unfoldable("AVG"))
        );
        let account =
            records(json!([{"grade": "A", "amount": {"amount": "9", "currency": "CNY"}}]));
        assert_eq!(
            lookup(&of("grade"), account.first()),
            Ok(Val::Text("A".into()))
        );
        assert_eq!(lookup(&of("grade"), None), Ok(Val::Empty));
        let broken = records(json!([{"amount": "lots"}]));
        assert_eq!(
            lookup(&of("amount"), broken.first()),
            Err(EvalError::BadValue("amount".into()))
        );
    }
}
