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
    /// A moment, milliseconds since 1970-01-01 UTC.
    DateTime(i64),
    /// A person, team or record, by id.
    Id(uuid::Uuid),
    /// People or records, by id, in the order chosen.
    Ids(Vec<uuid::Uuid>),
    Address(Address),
    /// Latitude and longitude in millionths of a degree.
    Geo {
        lat: i32,
        lng: i32,
    },
    /// A sub-table's rows: each row's typed values, by column key.
    Rows(Vec<Vec<(String, Value)>>),
    /// Uploaded files (an image or a signature is one file).
    Files(Vec<FileRef>),
}

/// A postal address in China: province, city and district (as the cascade offers them) and the
/// street.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Address {
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub street: String,
}

/// An uploaded file as a record holds it: the upload's id and what to show of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRef {
    pub id: uuid::Uuid,
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// Its content type, as the server checked it.
    #[serde(rename = "type")]
    pub content_type: String,
    /// A small copy of an image, uploaded beside it (drawn by the device that attached it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<uuid::Uuid>,
}

/// Most rows of a sub-table, people or records of a many-field, and files of a field.
pub const MANY_MAX: usize = 500;
/// Longest part of an address, file name or content type, in characters.
const PART_MAX: usize = 200;

impl Value {
    /// Read what a person typed into a field of `field_type`; blank is [`Value::Empty`]
    /// (whether that is allowed is the field's `required`, checked by the form).
    pub fn parse(field_type: &FieldType, raw: &str) -> Result<Value, Problem> {
        let text = raw.trim();
        if text.is_empty() {
            // An unticked box is "no": a checkbox is never empty.
            return Ok(match field_type {
                FieldType::Checkbox => Value::Bool(false),
                _ => Value::Empty,
            });
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
            FieldType::DateTime => Value::DateTime(date_time(text)?),
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
            // A picker's choice: the record's or person's id (several separated by commas).
            FieldType::User { many: false } | FieldType::Team | FieldType::Link { .. } => {
                Value::Id(id(text)?)
            }
            FieldType::User { many: true } | FieldType::Links { .. } => {
                let pieces: Vec<&str> = crate::records::link_pieces(text).collect();
                return Value::from_json(field_type, &json!(pieces));
            }
            // A place as `latitude, longitude` in degrees (as a map shows it).
            FieldType::Geo => {
                let mut parts = text.split([',', '，']).map(str::trim);
                let (Some(lat), Some(lng), None) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(Problem::Invalid);
                };
                let degrees = |t: &str| t.parse::<f64>().map_err(|_| Problem::Invalid);
                let (lat, lng) = (degrees(lat)?, degrees(lng)?);
                if !lat.is_finite() || !lng.is_finite() {
                    return Err(Problem::Invalid);
                }
                return Value::from_json(field_type, &json!({"lat": lat, "lng": lng}));
            }
            // A form's rows, as their JSON text (each cell in its column's JSON form); a
            // form's files and addresses, as theirs.
            FieldType::Address
            | FieldType::SubTable { .. }
            | FieldType::File { .. }
            | FieldType::Image
            | FieldType::Signature => {
                let rows: Json = serde_json::from_str(text).map_err(|_| Problem::Invalid)?;
                return Value::from_json(field_type, &rows);
            }
            // Drawn, uploaded or worked out rather than typed.
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
            Value::DateTime(ms) => json!(rfc3339(*ms)),
            Value::Id(id) => json!(id),
            Value::Ids(ids) => json!(ids),
            Value::Address(address) => json!(address),
            Value::Geo { lat, lng } => json!({
                "lat": f64::from(*lat) / 1e6,
                "lng": f64::from(*lng) / 1e6,
            }),
            Value::Rows(rows) => Json::Array(
                rows.iter()
                    .map(|row| {
                        Json::Object(row.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
                    })
                    .collect(),
            ),
            Value::Files(files) => json!(files),
        }
    }

    /// Read a value of `field_type` from its JSON form (a record, a REST body, an older
    /// device): the same checks as typing it, so a wrong type or value is refused, not stored.
    pub fn from_json(field_type: &FieldType, json: &Json) -> Result<Value, Problem> {
        match (field_type, json) {
            // Nothing (or a blank text) clears the field, whatever its type (an unticked box
            // is "no").
            (_, Json::Null) => Value::parse(field_type, ""),
            (_, Json::String(s)) if s.trim().is_empty() => Value::parse(field_type, ""),
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
            (
                FieldType::User { many: false }
                | FieldType::Team
                | FieldType::Link { .. }
                | FieldType::CreatedBy
                | FieldType::ModifiedBy,
                Json::String(s),
            ) => Ok(Value::Id(id(s)?)),
            (FieldType::User { many: true } | FieldType::Links { .. }, Json::Array(items)) => {
                if items.len() > MANY_MAX {
                    return Err(Problem::TooMany { max: MANY_MAX });
                }
                let mut ids = Vec::with_capacity(items.len());
                for item in items {
                    let one = id(item.as_str().ok_or(Problem::Invalid)?)?;
                    if !ids.contains(&one) {
                        ids.push(one);
                    }
                }
                Ok(Value::Ids(ids))
            }
            (
                FieldType::DateTime | FieldType::CreatedAt | FieldType::ModifiedAt,
                Json::String(s),
            ) => Ok(Value::DateTime(date_time(s)?)),
            // Records of the built-in objects store moments as milliseconds.
            (
                FieldType::DateTime | FieldType::CreatedAt | FieldType::ModifiedAt,
                Json::Number(n),
            ) => match n.as_i64() {
                Some(ms) if ms > 0 => Ok(Value::DateTime(ms)),
                _ => Err(Problem::InvalidDateTime),
            },
            (FieldType::Address, Json::Object(_)) => {
                let address: Address =
                    serde_json::from_value(json.clone()).map_err(|_| Problem::Invalid)?;
                for part in [
                    &address.province,
                    &address.city,
                    &address.district,
                    &address.street,
                ] {
                    if !part.is_empty() {
                        bounded_text(part, PART_MAX)?;
                    }
                }
                Ok(Value::Address(address))
            }
            (FieldType::Geo, Json::Object(place)) => {
                let degrees = |key: &str, max: f64| -> Result<i32, Problem> {
                    let d = place
                        .get(key)
                        .and_then(Json::as_f64)
                        .ok_or(Problem::Invalid)?;
                    if !(-max..=max).contains(&d) {
                        return Err(Problem::OutOfRange {
                            min: -(max as i64),
                            max: max as i64,
                        });
                    }
                    Ok((d * 1e6).round() as i32)
                };
                Ok(Value::Geo {
                    lat: degrees("lat", 90.0)?,
                    lng: degrees("lng", 180.0)?,
                })
            }
            (FieldType::SubTable { columns }, Json::Array(rows)) => {
                if rows.len() > MANY_MAX {
                    return Err(Problem::TooMany { max: MANY_MAX });
                }
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let Json::Object(cells) = row else {
                        return Err(Problem::Invalid);
                    };
                    if cells
                        .keys()
                        .any(|k| !columns.iter().any(|c| c.key.as_str() == k))
                    {
                        return Err(Problem::UnknownField);
                    }
                    let mut typed = Vec::with_capacity(columns.len());
                    for column in columns {
                        let cell = cells.get(column.key.as_str()).unwrap_or(&Json::Null);
                        let value = Value::from_json(&column.field_type, cell)?;
                        if column.required && value == Value::Empty {
                            return Err(Problem::Required);
                        }
                        if value != Value::Empty {
                            typed.push((column.key.as_str().to_owned(), value));
                        }
                    }
                    out.push(typed);
                }
                Ok(Value::Rows(out))
            }
            (FieldType::File { .. } | FieldType::Image | FieldType::Signature, _) => {
                let items = match json {
                    Json::Array(items) => items.clone(),
                    Json::Object(_) => vec![json.clone()],
                    _ => return Err(Problem::Invalid),
                };
                let many = matches!(field_type, FieldType::File { many: true });
                let max = if many { MANY_MAX } else { 1 };
                if items.len() > max {
                    return Err(Problem::TooMany { max });
                }
                let mut files = Vec::with_capacity(items.len());
                for item in items {
                    let file: FileRef =
                        serde_json::from_value(item).map_err(|_| Problem::Invalid)?;
                    bounded_text(&file.name, PART_MAX)?;
                    bounded_text(&file.content_type, PART_MAX)?;
                    let image_only = !matches!(field_type, FieldType::File { .. });
                    if image_only && !file.content_type.starts_with("image/") {
                        return Err(Problem::NotAnImage);
                    }
                    files.push(file);
                }
                Ok(Value::Files(files))
            }
            // Assigned by the server, and read back as it wrote it.
            (FieldType::AutoNumber { .. }, Json::String(s)) => {
                Ok(Value::Text(bounded_text(s, LINE_MAX)?.to_owned()))
            }
            // Worked out, never written.
            (
                FieldType::Formula { .. } | FieldType::Rollup { .. } | FieldType::Lookup { .. },
                _,
            ) => Err(Problem::ReadOnly),
            (_, Json::String(s)) if !s.trim().is_empty() => Value::parse(field_type, s),
            _ => Err(Problem::Invalid),
        }
    }

    /// The text a form's input holds for this value, which [`Value::parse`] reads back to the
    /// same value (a choice by its key, an amount without grouping or currency sign).
    pub fn edit_text(&self, field_type: &FieldType) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) | Value::Date(s) | Value::Choice(s) => s.clone(),
            Value::Integer(n) => n.to_string(),
            Value::Duration(minutes) => format!("{}:{:02}", minutes / 60, minutes % 60),
            Value::Decimal { units, scale } => decimal_text(*units, *scale),
            Value::Money { hundredths, .. } => decimal_text(*hundredths, 2),
            Value::Bool(b) => if *b { "true" } else { "" }.to_owned(),
            Value::Time(minutes) => format!("{:02}:{:02}", minutes / 60, minutes % 60),
            Value::Rating(n) => n.to_string(),
            Value::List(items) => items.join(", "),
            Value::DateTime(ms) => rfc3339(*ms),
            Value::Rows(_) | Value::Files(_) | Value::Address(_) => self.to_json().to_string(),
            other => other.format(field_type, Locale::En),
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
            // In China's time: the screens show the device's own time zone instead.
            Value::DateTime(ms) => {
                let local = ms.div_euclid(60_000) + CHINA_OFFSET_MINUTES;
                let (y, m, d) = civil(local.div_euclid(1440));
                let minute = local.rem_euclid(1440);
                crate::format::date_time(
                    locale,
                    y,
                    m,
                    d,
                    (minute / 60) as u32,
                    (minute % 60) as u32,
                )
            }
            // People, teams and records are shown by their names, which the screen looks up.
            Value::Id(id) => id.to_string(),
            Value::Ids(ids) => ids
                .iter()
                .map(uuid::Uuid::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            Value::Address(a) => {
                let region = [&a.province, &a.city, &a.district]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>();
                match locale {
                    Locale::ZhCn => format!("{}{}", region.concat(), a.street),
                    Locale::En => {
                        let mut parts: Vec<&str> = Vec::new();
                        if !a.street.is_empty() {
                            parts.push(&a.street);
                        }
                        parts.extend(region.iter().rev());
                        parts.join(", ")
                    }
                }
            }
            Value::Geo { lat, lng } => {
                format!("{:.6}, {:.6}", f64::from(*lat) / 1e6, f64::from(*lng) / 1e6)
            }
            Value::Rows(rows) => match locale {
                Locale::ZhCn => format!("{} 行", rows.len()),
                Locale::En if rows.len() == 1 => "1 row".to_owned(),
                Locale::En => format!("{} rows", rows.len()),
            },
            Value::Files(files) => files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
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
            (Value::DateTime(a), Value::DateTime(b)) => a.cmp(b),
            (Value::Id(a), Value::Id(b)) => a.cmp(b),
            (Value::Ids(a), Value::Ids(b)) => a.len().cmp(&b.len()).then(a.cmp(b)),
            (Value::Address(a), Value::Address(b)) => (
                &a.province,
                &a.city,
                &a.district,
                &a.street,
            )
                .cmp(&(&b.province, &b.city, &b.district, &b.street)),
            (Value::Geo { lat: a, lng: x }, Value::Geo { lat: b, lng: y }) => (a, x).cmp(&(b, y)),
            (Value::Rows(a), Value::Rows(b)) => a.len().cmp(&b.len()),
            (Value::Files(a), Value::Files(b)) => a.len().cmp(&b.len()),
            // Values of different shapes (a field retyped under old records): a fixed order.
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Empty => 20,
            Value::DateTime(_) => 11,
            Value::Id(_) => 12,
            Value::Ids(_) => 13,
            Value::Address(_) => 14,
            Value::Geo { .. } => 15,
            Value::Rows(_) => 16,
            Value::Files(_) => 17,
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
            Value::Address(a) => format!("{} {} {} {}", a.province, a.city, a.district, a.street),
            Value::Files(files) => files
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            Value::Rows(rows) => rows
                .iter()
                .flatten()
                .map(|(key, v)| {
                    let column = match field_type {
                        FieldType::SubTable { columns } => {
                            columns.iter().find(|c| c.key.as_str() == key)
                        }
                        _ => None,
                    };
                    column.map_or_else(String::new, |c| v.search_text(&c.field_type))
                })
                .collect::<Vec<_>>()
                .join(" "),
            // Found by their names, which search reads from the people and records themselves.
            Value::Id(_) | Value::Ids(_) | Value::Geo { .. } => String::new(),
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
    match rest.split_once('.') {
        Some((whole, fraction)) => format!("{sign}{}.{fraction}", crate::format::grouped(whole)),
        None => format!("{sign}{}", crate::format::grouped(rest)),
    }
}

/// A calendar day as records read it ([`crate::records::fields::date`]), full-width digits
/// from a Chinese input method included.
fn date(raw: &str) -> Result<String, Problem> {
    crate::records::fields::date(&number_chars(raw))?.ok_or(Problem::InvalidDate)
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

/// A web address; `www.example.com` is taken as `https://www.example.com`. Its host must have
/// a dot and no spaces (what accounts' websites have always accepted).
pub(crate) fn url(raw: &str) -> Result<String, Problem> {
    let text = bounded_text(raw, URL_MAX)?;
    let full = if text.starts_with("http://") || text.starts_with("https://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let host = full
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("");
    if host.contains('.') && !host.contains(char::is_whitespace) {
        Ok(full)
    } else {
        Err(Problem::InvalidUrl)
    }
}

/// A WeChat id as people share it: letters, digits, `_` and `-` (ids made from a phone number
/// are digits only), at most [`crate::contact::WECHAT_MAX`] characters: what contacts have
/// always accepted, so that no stored id becomes invalid.
pub(crate) fn wechat(raw: &str) -> Result<String, Problem> {
    let id = raw.trim();
    if id.chars().count() > crate::contact::WECHAT_MAX {
        return Err(Problem::TooLong {
            max: crate::contact::WECHAT_MAX,
        });
    }
    if id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(id.to_owned())
    } else {
        Err(Problem::InvalidWechat)
    }
}

fn id(raw: &str) -> Result<uuid::Uuid, Problem> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| Problem::Invalid)
}

/// China's offset from UTC, the time zone of a typed date-time without one.
const CHINA_OFFSET_MINUTES: i64 = 8 * 60;

/// A moment typed as `2026-12-31 09:30` (China's time), or written with its offset as
/// `2026-12-31T09:30:00+08:00` or `…Z` (what REST sends), as milliseconds since 1970 UTC.
fn date_time(raw: &str) -> Result<i64, Problem> {
    let text = raw.trim();
    let split = text.find(['T', 't', ' ']).ok_or(Problem::InvalidDateTime)?;
    let (day, rest) = (&text[..split], text[split + 1..].trim());
    let day = date(day).map_err(|_| Problem::InvalidDateTime)?;
    // The offset: `Z`, `+08:00`, `-05:30`, or China's when none is written.
    let (clock, offset) = if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(at) = rest.rfind(['+', '-']) {
        let (clock, zone) = rest.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let (h, m) = match digits.len() {
            2 => (digits.parse::<i64>().ok(), Some(0)),
            4 => (digits[..2].parse().ok(), digits[2..].parse().ok()),
            _ => (None, None),
        };
        match (h, m) {
            (Some(h), Some(m)) if h <= 14 && m < 60 => (clock, sign * (h * 60 + m)),
            _ => return Err(Problem::InvalidDateTime),
        }
    } else {
        (rest, CHINA_OFFSET_MINUTES)
    };
    // Seconds (and their fractions) are dropped: a CRM keeps moments to the minute.
    let mut parts = clock.split(':');
    let hour = parts.next().and_then(|h| h.parse::<i64>().ok());
    let minute = parts.next().and_then(|m| m.parse::<i64>().ok());
    let second_ok = parts.next().is_none_or(|s| {
        s.split('.')
            .next()
            .and_then(|s| s.parse::<u32>().ok())
            .is_some_and(|s| s < 60)
    });
    let (Some(hour), Some(minute)) = (hour, minute) else {
        return Err(Problem::InvalidDateTime);
    };
    if hour > 23 || minute > 59 || !second_ok || parts.next().is_some() {
        return Err(Problem::InvalidDateTime);
    }
    let days = i64::from(crate::formula::days_of(&day).ok_or(Problem::InvalidDateTime)?);
    Ok(((days * 1440 + hour * 60 + minute) - offset) * 60_000)
}

/// `ms` as REST writes a moment: RFC 3339 in UTC, to the minute.
fn rfc3339(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000);
    let (y, m, d) = civil(minutes.div_euclid(1440));
    let minute = minutes.rem_euclid(1440);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z",
        minute / 60,
        minute % 60
    )
}

fn civil(days: i64) -> (i32, u32, u32) {
    crate::formula::civil(i32::try_from(days).unwrap_or(0))
}

#[cfg(test)]
mod tests;
