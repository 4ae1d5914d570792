//! Changing a field's type: which changes are offered, and what becomes of the values records
//! already hold. A change where every value converts is offered plainly; one where some may not
//! is offered with a preview of those values ([`preview`]), which keep their old value until
//! someone fixes them; the rest are not offered.

use serde_json::Value as Json;

use super::{FieldKind, FieldType, Value};
use crate::i18n::Locale;
use crate::problem::Problem;

/// What changing a field from one type to another does to its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conversion {
    /// The same kind: options change (choices relabelled, precision, currency offered first).
    Same,
    /// Every value converts.
    Safe,
    /// Some values may not convert: preview them first.
    Lossy,
    /// Not offered.
    Refused,
}

fn text_like(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Text
            | FieldKind::LongText
            | FieldKind::RichText
            | FieldKind::Phone
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::Wechat
            | FieldKind::IdCard
            | FieldKind::CreditCode
    )
}

fn numeric(kind: FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Integer | FieldKind::Decimal | FieldKind::Percent | FieldKind::Rating
    )
}

/// What changing `from` to `to` does.
pub fn conversion(from: &FieldType, to: &FieldType) -> Conversion {
    use FieldKind as K;
    let (a, b) = (from.kind(), to.kind());
    if a == b {
        return Conversion::Same;
    }
    if a.is_computed()
        || b.is_computed()
        || matches!(
            (a, b),
            (
                K::SubTable | K::File | K::Image | K::Signature | K::Geo | K::Address,
                _
            ) | (
                _,
                K::SubTable | K::File | K::Image | K::Signature | K::Geo | K::Address
            )
        )
    {
        return Conversion::Refused;
    }
    match (a, b) {
        // Any text-like value reads as a one-line or long text.
        (x, K::Text) if text_like(x) => Conversion::Lossy,
        (x, K::LongText) if text_like(x) => Conversion::Safe,
        // Numbers, selects, dates and the rest written out as text.
        (x, K::Text | K::LongText)
            if numeric(x)
                || matches!(
                    x,
                    K::Money
                        | K::Date
                        | K::DateTime
                        | K::Time
                        | K::Duration
                        | K::Checkbox
                        | K::SingleSelect
                        | K::MultiSelect
                        | K::Tags
                ) =>
        {
            Conversion::Safe
        }
        (K::Integer, K::Decimal | K::Money) | (K::Decimal, K::Money) => Conversion::Safe,
        (K::SingleSelect, K::MultiSelect) | (K::Date, K::DateTime) | (K::DateTime, K::Date) => {
            Conversion::Safe
        }
        (K::Link, K::Links) => Conversion::Safe,
        (x, y) if text_like(x) && (text_like(y) || numeric(y)) => Conversion::Lossy,
        (x, y)
            if (text_like(x) || numeric(x))
                && matches!(
                    y,
                    K::SingleSelect | K::MultiSelect | K::Tags | K::Date | K::Checkbox | K::Money
                ) =>
        {
            Conversion::Lossy
        }
        (x, y) if numeric(x) && numeric(y) => Conversion::Lossy,
        (K::Money, K::Integer | K::Decimal) => Conversion::Lossy,
        (K::MultiSelect | K::Tags, K::SingleSelect | K::MultiSelect | K::Tags) => Conversion::Lossy,
        _ => Conversion::Refused,
    }
}

/// A value of a `from` field as a person would type it into a `to` field (choices by their
/// key; lists separated by commas).
fn as_typed(value: &Value, from: &FieldType) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Choice(key) => key.clone(),
        Value::List(items) => items.join(","),
        Value::Money { .. } | Value::Bool(_) => value.format(from, Locale::En).replace(',', ""),
        other => match other.to_json() {
            Json::String(s) => s,
            json => json.to_string(),
        },
    }
}

/// The value `json` of a `from` field, as a `to` field holds it; the problem when it does not
/// convert.
pub fn convert(json: &Json, from: &FieldType, to: &FieldType) -> Result<Value, Problem> {
    let value = Value::from_json(from, json)?;
    match (&value, from.kind(), to.kind()) {
        (Value::Empty, ..) => Ok(Value::Empty),
        // One person or several: a single one becomes a list of one; a list of more than one
        // does not fit a single one.
        (Value::Id(id), ..) if matches!(to, FieldType::User { many: true }) => {
            Value::from_json(to, &serde_json::json!([id]))
        }
        (Value::Ids(ids), ..) if matches!(to, FieldType::User { many: false }) => match ids[..] {
            [] => Ok(Value::Empty),
            [one] => Ok(Value::Id(one)),
            _ => Err(Problem::TooMany { max: 1 }),
        },
        (_, a, b) if a == b => Value::from_json(to, &value.to_json()),
        (Value::Choice(key), FieldKind::SingleSelect, FieldKind::MultiSelect) => {
            Value::parse(to, key)
        }
        // Selects become text by their labels, in the company's language.
        (Value::Choice(_) | Value::List(_), _, FieldKind::Text | FieldKind::LongText)
            if !from.choices().is_empty() =>
        {
            Value::parse(to, &value.format(from, Locale::ZhCn))
        }
        (Value::Money { hundredths, .. }, _, FieldKind::Integer | FieldKind::Decimal) => {
            let sign = if *hundredths < 0 { "-" } else { "" };
            let cents = hundredths.unsigned_abs();
            let text = format!("{sign}{}.{:02}", cents / 100, cents % 100);
            Value::parse(to, &text)
        }
        (Value::DateTime(ms), _, FieldKind::Date) => {
            // The day in the company's calendar.
            let days = crate::query::calendar_day(*ms, crate::query::COMPANY_OFFSET_MINUTES);
            let (y, m, d) = crate::formula::civil(i32::try_from(days).unwrap_or(0));
            Value::parse(to, &format!("{y:04}-{m:02}-{d:02}"))
        }
        (Value::Date(day), _, FieldKind::DateTime) => Value::parse(to, &format!("{day} 00:00")),
        (Value::Id(id), FieldKind::Link | FieldKind::User, _) => {
            Value::from_json(to, &serde_json::json!([id]))
        }
        _ => Value::parse(to, &as_typed(&value, from)),
    }
}

/// The values (by their position in `values`) that would not convert from `from` to `to`,
/// each with why: what an admin sees before confirming a lossy change.
pub fn preview<'a>(
    values: impl IntoIterator<Item = &'a Json>,
    from: &FieldType,
    to: &FieldType,
) -> Vec<(usize, Problem)> {
    values
        .into_iter()
        .enumerate()
        .filter_map(|(i, json)| convert(json, from, to).err().map(|p| (i, p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::{Choice, Labels, ObjectKey};

    fn select(many: bool) -> FieldType {
        let options = vec![
            Choice {
                key: "a".into(),
                label: Labels::new("甲", "A"),
                color: None,
                retired: false,
            },
            Choice {
                key: "b".into(),
                label: Labels::new("乙", "B"),
                color: None,
                retired: false,
            },
        ];
        if many {
            FieldType::MultiSelect { options }
        } else {
            FieldType::SingleSelect { options }
        }
    }

    #[test]
    fn which_changes_are_offered() {
        let money = FieldType::Money {
            currency: "CNY".into(),
        };
        let cases: Vec<(FieldType, FieldType, Conversion)> = vec![
            (FieldType::Text, FieldType::LongText, Conversion::Safe),
            (FieldType::LongText, FieldType::Text, Conversion::Lossy),
            (
                FieldType::Integer,
                FieldType::Decimal { precision: 2 },
                Conversion::Safe,
            ),
            (
                FieldType::Decimal { precision: 2 },
                FieldType::Integer,
                Conversion::Lossy,
            ),
            (FieldType::Integer, money.clone(), Conversion::Safe),
            (
                money.clone(),
                FieldType::Decimal { precision: 2 },
                Conversion::Lossy,
            ),
            (FieldType::Text, FieldType::Phone, Conversion::Lossy),
            (FieldType::Phone, FieldType::Text, Conversion::Lossy),
            (select(false), select(true), Conversion::Safe),
            (select(true), select(false), Conversion::Lossy),
            (select(false), FieldType::Text, Conversion::Safe),
            (FieldType::Text, select(false), Conversion::Lossy),
            (FieldType::Date, FieldType::DateTime, Conversion::Safe),
            (
                FieldType::Decimal { precision: 2 },
                FieldType::Decimal { precision: 4 },
                Conversion::Same,
            ),
            (FieldType::Text, FieldType::Address, Conversion::Refused),
            (
                FieldType::Text,
                FieldType::Formula {
                    expression: "1".into(),
                },
                Conversion::Refused,
            ),
            (
                FieldType::Date,
                FieldType::Link {
                    object: ObjectKey::parse("accounts").expect("key"),
                },
                Conversion::Refused,
            ),
        ];
        for (from, to, expected) in cases {
            assert_eq!(
                conversion(&from, &to),
                expected,
                "{:?} → {:?}",
                from.kind(),
                to.kind()
            );
        }
    }

    #[test]
    fn values_convert_or_are_previewed() {
        let money = FieldType::Money {
            currency: "CNY".into(),
        };
        let ok = |json: Json, from: &FieldType, to: &FieldType| -> Json {
            convert(&json, from, to)
                .unwrap_or_else(|e| panic!("{json} → {:?}: {e:?}", to.kind()))
                .to_json()
        };
        assert_eq!(
            ok(json!(12), &FieldType::Integer, &money),
            json!({"amount": "12", "currency": "CNY"})
        );
        assert_eq!(
            ok(
                json!({"amount": "12.5", "currency": "CNY"}),
                &money,
                &FieldType::Decimal { precision: 2 }
            ),
            json!("12.5")
        );
        assert_eq!(ok(json!("a"), &select(false), &select(true)), json!(["a"]));
        assert_eq!(
            ok(json!("b"), &select(false), &FieldType::Text),
            json!("乙")
        );
        assert_eq!(
            ok(json!(["a", "b"]), &select(true), &FieldType::Text),
            json!("甲、乙")
        );
        assert_eq!(
            ok(json!("2026-12-31"), &FieldType::Date, &FieldType::DateTime),
            json!("2026-12-30T16:00:00Z")
        );
        assert_eq!(
            ok(
                json!("2026-12-30T16:00:00Z"),
                &FieldType::DateTime,
                &FieldType::Date
            ),
            json!("2026-12-31")
        );
        assert_eq!(
            ok(json!("138 0013 8000"), &FieldType::Text, &FieldType::Phone),
            json!("+8613800138000")
        );
        assert_eq!(
            ok(json!(true), &FieldType::Checkbox, &FieldType::Text),
            json!("Yes")
        );
        assert_eq!(
            ok(
                json!({"amount": "-0.5", "currency": "CNY"}),
                &money,
                &FieldType::Decimal { precision: 2 }
            ),
            json!("-0.5")
        );
        let one = "0190f7a4-0000-7000-8000-000000000001";
        let two = "0190f7a4-0000-7000-8000-000000000002";
        assert_eq!(
            ok(
                json!(one),
                &FieldType::User { many: false },
                &FieldType::User { many: true }
            ),
            json!([one])
        );
        assert_eq!(
            preview(
                [json!([one]), json!([one, two])].iter(),
                &FieldType::User { many: true },
                &FieldType::User { many: false }
            ),
            [(1, Problem::TooMany { max: 1 })]
        );
        // What would not convert, and why: shown before the change is confirmed.
        let texts = [
            json!("138 0013 8000"),
            json!("ask reception"),
            json!(null),
            json!("010-6552-9988"),
        ];
        assert_eq!(
            preview(texts.iter(), &FieldType::Text, &FieldType::Phone),
            [(1, Problem::InvalidPhone)]
        );
        let decimals = [json!("3"), json!("3.5")];
        assert_eq!(
            preview(
                decimals.iter(),
                &FieldType::Decimal { precision: 1 },
                &FieldType::Integer
            ),
            [(1, Problem::TooPrecise { max: 0 })]
        );
        let both = [json!(["a"]), json!(["a", "b"])];
        assert_eq!(
            preview(both.iter(), &select(true), &select(false)),
            [(1, Problem::UnknownOption)]
        );
        let labels = [json!("甲"), json!("丙")];
        assert_eq!(
            preview(labels.iter(), &FieldType::Text, &select(false)),
            [(1, Problem::UnknownOption)]
        );
    }
}
