//! A field's value, typed, with one way per field type to read what a person typed
//! ([`Value::parse`]), to write and read its JSON form (what records store and REST sends:
//! [`Value::to_json`], [`Value::from_json`]), to show it ([`Value::format`]), to order it
//! ([`Value::compare`]) and to search it ([`Value::search_text`]). Forms, lists, REST, import
//! and search all go through these, so a value means the same everywhere.

use std::cmp::Ordering;

use serde_json::{Value as Json, json};

use super::checks;
use super::field_type::FieldType;
use crate::email::Email;
use crate::i18n::Locale;
use crate::phone::Phone;
use crate::problem::{Problem, bounded_text};
use crate::records::fields::LINE_MAX;

/// Largest integer or decimal magnitude a field holds (safe in a JavaScript number).
pub const NUMBER_MAX: i64 = 9_007_199_254_740_991;
/// Most digits after the point a decimal, percent or money field keeps.
pub const PRECISION_MAX: u8 = 6;
/// Longest URL, in characters.
pub const URL_MAX: usize = 2000;

/// A typed value of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Empty,
    /// Texts of every text-like type (phones in E.164 form, emails and codes normalised).
    Text(String),
    Integer(i64),
    /// `units` × 10^-`scale` (decimals, percents).
    Decimal {
        units: i64,
        scale: u8,
    },
    /// An amount in hundredths of its ISO 4217 `currency`.
    Money {
        hundredths: i64,
        currency: String,
    },
    Bool(bool),
    /// A calendar day, `YYYY-MM-DD` (which orders as text).
    Date(String),
    /// Minutes after midnight.
    Time(u16),
    /// Minutes.
    Duration(i64),
    /// Stars.
    Rating(u8),
    /// The key of a select's choice.
    Choice(String),
    /// Keys of a multiple select's choices, or tags.
    List(Vec<String>),
}

impl Value {
    /// Read what a person typed into a field of `field_type`; blank is [`Value::Empty`]
    /// (whether that is allowed is the field's `required`, checked by the form).
    pub fn parse(field_type: &FieldType, raw: &str) -> Result<Value, Problem> {
        let text = raw.trim();
        if text.is_empty() {
            return Ok(Value::Empty);
        }
        Ok(match field_type {
            FieldType::Text => Value::Text(bounded_text(text, LINE_MAX)?.to_owned()),
            FieldType::LongText | FieldType::RichText => {
                Value::Text(crate::records::fields::text(raw)?)
            }
            FieldType::Integer => Value::Integer(decimal(text, 0)?.0),
            FieldType::Decimal { precision } => {
                let (units, scale) = decimal(text, *precision)?;
                Value::Decimal { units, scale }
            }
            FieldType::Percent { precision } => {
                let text = text.trim_end_matches(['%', '％']).trim_end();
                let (units, scale) = decimal(text, *precision)?;
                Value::Decimal { units, scale }
            }
            FieldType::Money { currency } => {
                let text = text.trim_start_matches(['¥', '￥', '$']).trim_start();
                let (hundredths, _) = decimal(text, 2)?;
                Value::Money {
                    hundredths,
                    currency: currency.clone(),
                }
            }
            FieldType::Rating { max } => {
                let (stars, _) = decimal(text, 0)?;
                if !(1..=i64::from(*max)).contains(&stars) {
                    return Err(Problem::OutOfRange {
                        min: 1,
                        max: i64::from(*max),
                    });
                }
                Value::Rating(stars as u8)
            }
            FieldType::Date => Value::Date(date(text)?),
            FieldType::Time => Value::Time(time(text)?),
            FieldType::Duration => Value::Duration(duration(text)?),
            FieldType::Checkbox => Value::Bool(checkbox(text)?),
            FieldType::SingleSelect { options } => Value::Choice(choice(options, text)?),
            FieldType::MultiSelect { options } => {
                let mut keys: Vec<String> = Vec::new();
                for part in text.split([',', '，', ';', '；', '、']) {
                    if part.trim().is_empty() {
                        continue;
                    }
                    let key = choice(options, part.trim())?;
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                Value::List(keys)
            }
            FieldType::Tags => Value::List(crate::records::fields::tags(text)?),
            FieldType::Phone => Value::Text(Phone::parse(text)?.as_str().to_owned()),
            FieldType::Email => Value::Text(Email::parse(text)?.as_str().to_owned()),
            FieldType::Url => Value::Text(url(text)?),
            FieldType::Wechat => Value::Text(wechat(text)?),
            FieldType::IdCard => Value::Text(checks::id_card(text).ok_or(Problem::InvalidIdCard)?),
            FieldType::CreditCode => {
                Value::Text(checks::credit_code(text).ok_or(Problem::InvalidCreditCode)?)
            }
            // Picked, drawn, uploaded or worked out rather than typed.
            _ => return Err(Problem::Invalid),
        })
    }

    /// The JSON form records store and REST sends.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Empty => Json::Null,
            Value::Text(s) | Value::Date(s) | Value::Choice(s) => json!(s),
            Value::Integer(n) | Value::Duration(n) => json!(n),
            Value::Decimal { units, scale } => json!(decimal_text(*units, *scale)),
            Value::Money {
                hundredths,
                currency,
            } => json!({"amount": decimal_text(*hundredths, 2), "currency": currency}),
            Value::Bool(b) => json!(b),
            Value::Time(minutes) => json!(format!("{:02}:{:02}", minutes / 60, minutes % 60)),
            Value::Rating(n) => json!(n),
            Value::List(items) => json!(items),
        }
    }

    /// Read a value of `field_type` from its JSON form (a record, a REST body, an older
    /// device): the same checks as typing it, so a wrong type or value is refused, not stored.
    pub fn from_json(field_type: &FieldType, json: &Json) -> Result<Value, Problem> {
        match (field_type, json) {
            (_, Json::Null) => Ok(Value::Empty),
            (FieldType::Checkbox, Json::Bool(b)) => Ok(Value::Bool(*b)),
            (
                FieldType::Integer
                | FieldType::Duration
                | FieldType::Rating { .. }
                | FieldType::Decimal { .. }
                | FieldType::Percent { .. },
                Json::Number(n),
            ) => Value::parse(field_type, &n.to_string()),
            (FieldType::Money { .. }, Json::Object(money)) => {
                let amount = match money.get("amount") {
                    Some(Json::String(s)) => s.clone(),
                    Some(Json::Number(n)) => n.to_string(),
                    _ => return Err(Problem::InvalidAmount),
                };
                let currency = match money.get("currency") {
                    Some(Json::String(c))
                        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) =>
                    {
                        c.clone()
                    }
                    _ => return Err(Problem::InvalidCurrency),
                };
                let (hundredths, _) = decimal(&amount, 2)?;
                Ok(Value::Money {
                    hundredths,
                    currency,
                })
            }
            (FieldType::MultiSelect { .. } | FieldType::Tags, Json::Array(items)) => {
                let texts: Option<Vec<&str>> = items.iter().map(Json::as_str).collect();
                let texts = texts.ok_or(Problem::Invalid)?;
                Value::parse(field_type, &texts.join(","))
            }
            (FieldType::Money { .. } | FieldType::MultiSelect { .. } | FieldType::Tags, _) => {
                Err(Problem::Invalid)
            }
            (_, Json::String(s)) if !s.trim().is_empty() => Value::parse(field_type, s),
            _ => Err(Problem::Invalid),
        }
    }

    /// The value as a person reads it in `locale` (choices by their label).
    pub fn format(&self, field_type: &FieldType, locale: Locale) -> String {
        let label = |key: &str| {
            field_type
                .choices()
                .iter()
                .find(|c| c.key == key)
                .map_or_else(|| key.to_owned(), |c| c.label.get(locale).to_owned())
        };
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => match field_type {
                FieldType::Phone => Phone::parse(s).map_or_else(|_| s.clone(), |p| p.display()),
                _ => s.clone(),
            },
            Value::Integer(n) => grouped(&n.to_string()),
            Value::Decimal { units, scale } => {
                let text = grouped(&decimal_text(*units, *scale));
                match field_type {
                    FieldType::Percent { .. } => format!("{text}%"),
                    _ => text,
                }
            }
            Value::Money {
                hundredths,
                currency,
            } => crate::format::money(locale, currency, *hundredths),
            Value::Bool(b) => match (b, locale) {
                (true, Locale::ZhCn) => "是".into(),
                (false, Locale::ZhCn) => "否".into(),
                (true, Locale::En) => "Yes".into(),
                (false, Locale::En) => "No".into(),
            },
            Value::Date(iso) => crate::format::date(locale, iso),
            Value::Time(minutes) => format!("{:02}:{:02}", minutes / 60, minutes % 60),
            Value::Duration(minutes) => {
                let (h, m) = (minutes / 60, minutes % 60);
                match (locale, h, m) {
                    (Locale::ZhCn, 0, m) => format!("{m} 分钟"),
                    (Locale::ZhCn, h, 0) => format!("{h} 小时"),
                    (Locale::ZhCn, h, m) => format!("{h} 小时 {m} 分钟"),
                    (Locale::En, 0, m) => format!("{m} min"),
                    (Locale::En, h, 0) => format!("{h} h"),
                    (Locale::En, h, m) => format!("{h} h {m} min"),
                }
            }
            Value::Rating(n) => "★".repeat(usize::from(*n)),
            Value::Choice(key) => label(key),
            Value::List(items) => {
                let sep = if locale == Locale::ZhCn { "、" } else { ", " };
                if field_type.choices().is_empty() {
                    items.join(sep)
                } else {
                    items.iter().map(|k| label(k)).collect::<Vec<_>>().join(sep)
                }
            }
        }
    }

    /// The order of two values of one field: empty last, numbers by size (money by currency
    /// first, amounts never mixed), choices in the order the field offers them, texts by their
    /// characters.
    pub fn compare(&self, other: &Value, field_type: &FieldType) -> Ordering {
        let position = |key: &str| {
            field_type
                .choices()
                .iter()
                .position(|c| c.key == key)
                .unwrap_or(usize::MAX)
        };
        match (self, other) {
            (Value::Empty, Value::Empty) => Ordering::Equal,
            (Value::Empty, _) => Ordering::Greater,
            (_, Value::Empty) => Ordering::Less,
            (
                Value::Decimal {
                    units: a,
                    scale: sa,
                },
                Value::Decimal {
                    units: b,
                    scale: sb,
                },
            ) => {
                let (a, b) = (widen(*a, *sa, *sb), widen(*b, *sb, *sa));
                a.cmp(&b)
            }
            (
                Value::Money {
                    hundredths: a,
                    currency: ca,
                },
                Value::Money {
                    hundredths: b,
                    currency: cb,
                },
            ) => ca.cmp(cb).then(a.cmp(b)),
            (Value::Choice(a), Value::Choice(b)) => position(a).cmp(&position(b)).then(a.cmp(b)),
            (Value::Integer(a), Value::Integer(b)) | (Value::Duration(a), Value::Duration(b)) => {
                a.cmp(b)
            }
            (Value::Text(a), Value::Text(b)) | (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Time(a), Value::Time(b)) => a.cmp(b),
            (Value::Rating(a), Value::Rating(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => a.cmp(b),
            // Values of different shapes (a field retyped under old records): a fixed order.
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Empty => 12,
            Value::Text(_) => 0,
            Value::Integer(_) => 1,
            Value::Decimal { .. } => 2,
            Value::Money { .. } => 3,
            Value::Bool(_) => 4,
            Value::Date(_) => 5,
            Value::Time(_) => 6,
            Value::Duration(_) => 7,
            Value::Rating(_) => 8,
            Value::Choice(_) => 9,
            Value::List(_) => 10,
        }
    }

    /// What search matches the value by: its text, a phone's digits too, choices by the
    /// labels of both languages.
    pub fn search_text(&self, field_type: &FieldType) -> String {
        match self {
            Value::Text(s) => match field_type {
                FieldType::Phone => {
                    let national = s.strip_prefix("+86").unwrap_or(s);
                    format!("{s} {national}")
                }
                _ => s.clone(),
            },
            Value::Choice(key) => choice_labels(field_type, key),
            Value::List(items) if !field_type.choices().is_empty() => items
                .iter()
                .map(|k| choice_labels(field_type, k))
                .collect::<Vec<_>>()
                .join(" "),
            Value::List(items) => items.join(" "),
            other => other
                .to_json()
                .as_str()
                .map_or_else(|| other.to_json().to_string(), str::to_owned),
        }
    }
}

fn choice_labels(field_type: &FieldType, key: &str) -> String {
    field_type
        .choices()
        .iter()
        .find(|c| c.key == key)
        .map_or_else(
            || key.to_owned(),
            |c| format!("{} {}", c.label.zh, c.label.en),
        )
}

/// `units` of scale `from` at scale `to` when `to` is finer (for comparing two scales).
fn widen(units: i64, from: u8, to: u8) -> i128 {
    i128::from(units) * 10i128.pow(u32::from(to.saturating_sub(from)))
}

/// Half-width digits and signs; thousands separators (`,`, `，`) and spaces dropped.
fn number_chars(raw: &str) -> String {
    raw.chars()
        .filter_map(|c| {
            let c = match c {
                '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '．' | '。' => '.',
                '－' | '−' => '-',
                '＋' => '+',
                _ => c,
            };
            (!matches!(c, ',' | '，' | ' ' | '\u{3000}' | '_')).then_some(c)
        })
        .collect()
}

/// A decimal number with at most `precision` digits after the point, as `(units, precision)`
/// where the value is `units` × 10^-`precision`.
fn decimal(raw: &str, precision: u8) -> Result<(i64, u8), Problem> {
    let text = number_chars(raw);
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Problem::InvalidNumber);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > usize::from(precision) {
        return Err(Problem::TooPrecise { max: precision });
    }
    let too_big = Problem::OutOfRange {
        min: -NUMBER_MAX,
        max: NUMBER_MAX,
    };
    let mut units: i64 = 0;
    for b in whole.bytes() {
        units = units
            .checked_mul(10)
            .and_then(|u| u.checked_add(i64::from(b - b'0')))
            .ok_or(too_big.clone())?;
    }
    for i in 0..precision {
        let digit = fraction
            .as_bytes()
            .get(usize::from(i))
            .map_or(0, |b| b - b'0');
        units = units
            .checked_mul(10)
            .and_then(|u| u.checked_add(i64::from(digit)))
            .ok_or(too_big.clone())?;
    }
    if units > NUMBER_MAX {
        return Err(too_big);
    }
    Ok((if negative { -units } else { units }, precision))
}

/// `units` × 10^-`scale` written out, without trailing zeros after the point.
fn decimal_text(units: i64, scale: u8) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let magnitude = units.unsigned_abs().to_string();
    let scale = usize::from(scale);
    if scale == 0 {
        return format!("{sign}{magnitude}");
    }
    let padded = format!("{magnitude:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// Thousands separators in the whole part of a written number.
fn grouped(number: &str) -> String {
    let (sign, rest) = number
        .strip_prefix('-')
        .map_or(("", number), |rest| ("-", rest));
    let (whole, fraction) = rest
        .split_once('.')
        .map_or((rest, None), |(w, f)| (w, Some(f)));
    let mut out = String::with_capacity(number.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A calendar day typed as `2026-12-31`, `2026/12/31`, `2026.12.31` or `2026年12月31日`.
fn date(raw: &str) -> Result<String, Problem> {
    let normal = number_chars(raw);
    let parts: Vec<&str> = normal
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(Problem::InvalidDate);
    };
    let number = |s: &str| s.parse::<u32>().map_err(|_| Problem::InvalidDate);
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => return Err(Problem::InvalidDate),
    };
    if !(1900..=2999).contains(&year) || !(1..=days).contains(&day) {
        return Err(Problem::InvalidDate);
    }
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

/// A time of day, `9:30`, `09:30`, `21:05` or `9点30`, as minutes after midnight.
fn time(raw: &str) -> Result<u16, Problem> {
    let text = number_chars(raw)
        .replace(['点', '时', '：'], ":")
        .replace('分', "");
    let (h, m) = text.split_once(':').unwrap_or((text.as_str(), "0"));
    let m = if m.is_empty() { "0" } else { m };
    match (h.parse::<u16>(), m.parse::<u16>()) {
        (Ok(h), Ok(m)) if h < 24 && m < 60 => Ok(h * 60 + m),
        _ => Err(Problem::InvalidTime),
    }
}

/// A length of time: minutes (`90`), hours and minutes (`1:30`, `1h30m`, `1小时30分钟`), as
/// minutes.
fn duration(raw: &str) -> Result<i64, Problem> {
    let text = number_chars(raw)
        .to_lowercase()
        .replace("小时", "h")
        .replace("分钟", "m");
    let text = text.replace('分', "m");
    let minutes = if let Some((h, m)) = text.split_once(':') {
        h.parse::<i64>()
            .ok()
            .zip(m.parse::<i64>().ok())
            .and_then(|(h, m)| (m < 60).then_some(h.checked_mul(60)?.checked_add(m)?))
    } else if text.contains('h') || text.ends_with('m') {
        let (h, rest) = text.split_once('h').unwrap_or(("0", &text));
        let m = rest.trim_end_matches('m');
        let h = if h.is_empty() {
            Some(0)
        } else {
            h.parse::<i64>().ok()
        };
        let m = if m.is_empty() {
            Some(0)
        } else {
            m.parse::<i64>().ok()
        };
        h.zip(m)
            .and_then(|(h, m)| h.checked_mul(60)?.checked_add(m))
    } else {
        text.parse::<i64>().ok()
    };
    match minutes {
        Some(m) if (0..=NUMBER_MAX / 60).contains(&m) => Ok(m),
        _ => Err(Problem::InvalidDuration),
    }
}

fn checkbox(raw: &str) -> Result<bool, Problem> {
    match raw.to_lowercase().as_str() {
        "是" | "true" | "yes" | "y" | "1" | "✓" | "√" | "on" => Ok(true),
        "否" | "false" | "no" | "n" | "0" | "off" => Ok(false),
        _ => Err(Problem::Invalid),
    }
}

/// The key of the choice typed by its key or by its label in either language; retired choices
/// are no longer offered.
fn choice(options: &[super::Choice], typed: &str) -> Result<String, Problem> {
    options
        .iter()
        .filter(|c| !c.retired)
        .find(|c| c.key == typed || c.label.zh == typed || c.label.en.eq_ignore_ascii_case(typed))
        .map(|c| c.key.clone())
        .ok_or(Problem::UnknownOption)
}

/// An http(s) URL; `example.com/x` is read as `https://example.com/x`.
fn url(raw: &str) -> Result<String, Problem> {
    let text = bounded_text(raw, URL_MAX)?;
    let full = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let rest = full
        .strip_prefix("https://")
        .or_else(|| full.strip_prefix("http://"))
        .ok_or(Problem::InvalidUrl)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = host.split(':').next().unwrap_or("");
    let valid_host = name.contains('.')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if !valid_host || full.chars().any(char::is_whitespace) {
        return Err(Problem::InvalidUrl);
    }
    Ok(full)
}

/// A WeChat id: 6 to 20 characters, a letter first, then letters, digits, `-` and `_`.
fn wechat(raw: &str) -> Result<String, Problem> {
    let id = raw.trim();
    let mut chars = id.chars();
    let valid = (6..=20).contains(&id.len())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(id.to_owned())
    } else {
        Err(Problem::InvalidWechat)
    }
}

#[cfg(test)]
mod tests;
