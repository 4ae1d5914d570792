//! One query language for lists, REST, reports and rules: a filter over an object's fields
//! (per field type, its own operators), a sort and a grouping. Lists build a [`Query`] from their
//! filter chips; REST reads the same from its text form (`?filter=`, [`parse`]); both are
//! checked against the object's definition ([`Query::check`]) and run by [`Filter::matches`].
//!
//! The text form, as REST documents it:
//!
//! ```text
//! stage = "won" and amount >= 10000
//! (city contains "杭州" or city contains "宁波") and not tags contains "沉睡"
//! owner is me            owner is my_team            phone is empty
//! stage in ("won", "lost")                           amount between 1000 and 5000
//! signed_on in this_month    created_at in last_7_days    due_on before today
//! ```
//!
//! Values are written as a person types them into the field (`"2026-12-31"`, `"¥1,200"`,
//! a choice by its key or label) and read by the field type's parser.

mod eval;
mod text;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::i18n::Locale;
use crate::schema::{FieldKey, FieldKind, FieldType, ObjectDef, Value};

pub use eval::{COMPANY_OFFSET_MINUTES, Context, Prepared, calendar_day};
pub use text::{ParseError, ParseErrorKind, parse, quote};

/// Days relative to today, in the company's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "period", content = "days")]
pub enum Period {
    Today,
    Yesterday,
    Tomorrow,
    ThisWeek,
    LastWeek,
    ThisMonth,
    LastMonth,
    ThisQuarter,
    ThisYear,
    /// The last `n` days, today included.
    LastDays(u16),
    /// The next `n` days, today included.
    NextDays(u16),
}

/// How a condition compares. Values are in the field's JSON form (as records store them; for
/// `in` and `contains` on a field of many values, one element's form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op", content = "value")]
pub enum Op {
    Is(Json),
    IsNot(Json),
    /// One of the values (selects, people, records).
    In(Vec<Json>),
    NotIn(Vec<Json>),
    /// A text containing this (any case), or a list holding this element.
    Contains(Json),
    NotContains(Json),
    Lt(Json),
    Le(Json),
    Gt(Json),
    Ge(Json),
    Between(Json, Json),
    Empty,
    NotEmpty,
    /// A date or moment within a period.
    Within(Period),
    Before(Period),
    After(Period),
    /// The signed-in person (people fields).
    IsMe,
    /// Someone of the signed-in person's team (people fields).
    IsMyTeam,
}

/// What an operator needs of a field type, to offer only the operators that make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Is,
    In,
    Contains,
    Order,
    Empty,
    Period,
    Me,
}

impl OpKind {
    /// The name REST and the field-type list use.
    pub fn key(self) -> &'static str {
        match self {
            OpKind::Is => "is",
            OpKind::In => "in",
            OpKind::Contains => "contains",
            OpKind::Order => "order",
            OpKind::Empty => "empty",
            OpKind::Period => "period",
            OpKind::Me => "me",
        }
    }
}

impl Op {
    pub fn kind(&self) -> OpKind {
        match self {
            Op::Is(_) | Op::IsNot(_) => OpKind::Is,
            Op::In(_) | Op::NotIn(_) => OpKind::In,
            Op::Contains(_) | Op::NotContains(_) => OpKind::Contains,
            Op::Lt(_) | Op::Le(_) | Op::Gt(_) | Op::Ge(_) | Op::Between(..) => OpKind::Order,
            Op::Empty | Op::NotEmpty => OpKind::Empty,
            Op::Within(_) | Op::Before(_) | Op::After(_) => OpKind::Period,
            Op::IsMe | Op::IsMyTeam => OpKind::Me,
        }
    }
}

/// The operators a field of this kind offers (filter chips list these; [`Query::check`]
/// refuses others).
pub fn operators(kind: FieldKind) -> &'static [OpKind] {
    use FieldKind as K;
    use OpKind::*;
    match kind {
        K::Text
        | K::LongText
        | K::RichText
        | K::Phone
        | K::Email
        | K::Url
        | K::Wechat
        | K::IdCard
        | K::CreditCode
        | K::AutoNumber
        | K::Address => &[Contains, Is, Empty],
        K::Integer | K::Decimal | K::Money | K::Percent | K::Rating | K::Duration | K::Time => {
            &[Is, Order, Empty]
        }
        K::Date | K::DateTime | K::CreatedAt | K::ModifiedAt => &[Is, Order, Period, Empty],
        K::Checkbox => &[Is],
        K::SingleSelect => &[Is, In, Empty],
        // `=` on a list means it holds that element, as `contains` does.
        K::MultiSelect | K::Tags => &[Contains, Is, In, Empty],
        K::User | K::CreatedBy | K::ModifiedBy => &[Is, In, Me, Empty],
        K::Team | K::Link | K::Links => &[Is, In, Empty],
        K::SubTable | K::File | K::Image | K::Signature | K::Geo => &[Empty],
        K::Formula | K::Rollup | K::Lookup => &[Is, Order, Contains, Empty],
    }
}

/// One condition on one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: FieldKey,
    #[serde(flatten)]
    pub op: Op,
}

/// Conditions combined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    All(Vec<Filter>),
    Any(Vec<Filter>),
    Not(Box<Filter>),
    Where(Condition),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortKey {
    pub field: FieldKey,
    #[serde(default)]
    pub descending: bool,
}

/// A list's or report's question: which records, in which order, grouped by what.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<SortKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<FieldKey>,
}

/// Why a query does not fit the object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("there is no field {0}")]
    UnknownField(String),
    #[error("the field {field} cannot be filtered that way")]
    Operator { field: String },
    #[error("a value for {field} is wrong")]
    Value {
        field: String,
        problem: crate::Problem,
    },
    #[error("the field {0} cannot be sorted or grouped by")]
    NotOrderable(String),
}

impl QueryError {
    pub fn message(&self, locale: Locale) -> String {
        let zh = locale == Locale::ZhCn;
        match self {
            QueryError::UnknownField(f) if zh => format!("没有字段 {f}。"),
            QueryError::UnknownField(f) => format!("There is no field {f}."),
            QueryError::Operator { field } if zh => format!("字段 {field} 不支持这种筛选。"),
            QueryError::Operator { field } => {
                format!("The field {field} cannot be filtered that way.")
            }
            QueryError::Value { field, problem } => {
                format!("{field}: {}", crate::i18n::problem_text(problem, locale))
            }
            QueryError::NotOrderable(f) if zh => format!("不能按字段 {f} 排序或分组。"),
            QueryError::NotOrderable(f) => format!("The field {f} cannot be sorted or grouped by."),
        }
    }
}

impl Query {
    /// Whether the query fits `object`: every field exists, every operator is one its type
    /// offers, every value is of its type, sort and group fields can be ordered.
    pub fn check(&self, object: &ObjectDef) -> Result<(), QueryError> {
        if let Some(filter) = &self.filter {
            check_filter(filter, object)?;
        }
        for key in self.sort.iter().map(|s| &s.field).chain(&self.group_by) {
            let field = field_type(object, key)?;
            if !operators(field.kind()).contains(&OpKind::Order)
                && !operators(field.kind()).contains(&OpKind::Is)
            {
                return Err(QueryError::NotOrderable(key.as_str().to_owned()));
            }
        }
        Ok(())
    }
}

fn field_type<'a>(object: &'a ObjectDef, key: &FieldKey) -> Result<&'a FieldType, QueryError> {
    object
        .field(key.as_str())
        .map(|f| &f.field_type)
        .ok_or_else(|| QueryError::UnknownField(key.as_str().to_owned()))
}

fn check_filter(filter: &Filter, object: &ObjectDef) -> Result<(), QueryError> {
    match filter {
        Filter::All(parts) | Filter::Any(parts) => {
            parts.iter().try_for_each(|p| check_filter(p, object))
        }
        Filter::Not(inner) => check_filter(inner, object),
        Filter::Where(condition) => {
            let field_type = field_type(object, &condition.field)?;
            let name = || condition.field.as_str().to_owned();
            if !operators(field_type.kind()).contains(&condition.op.kind()) {
                return Err(QueryError::Operator { field: name() });
            }
            // Values must be of the field's type (a choice must exist, a date be a day).
            let element = element_type(field_type);
            let (whole, elements): (Vec<&Json>, Vec<&Json>) = match &condition.op {
                Op::Lt(v) | Op::Le(v) | Op::Gt(v) | Op::Ge(v) => (vec![v], Vec::new()),
                Op::Between(a, b) => (vec![a, b], Vec::new()),
                Op::Is(v) | Op::IsNot(v) | Op::Contains(v) | Op::NotContains(v) => {
                    (Vec::new(), vec![v])
                }
                Op::In(vs) | Op::NotIn(vs) => (Vec::new(), vs.iter().collect()),
                _ => (Vec::new(), Vec::new()),
            };
            // Worked-out fields have the type of their formula, known only once it compiles.
            if matches!(
                field_type.kind(),
                FieldKind::Formula | FieldKind::Rollup | FieldKind::Lookup
            ) {
                return Ok(());
            }
            let text_like =
                matches!(condition.op.kind(), OpKind::Contains) && element == *field_type;
            for (json, of) in whole
                .into_iter()
                .map(|j| (j, field_type))
                .chain(elements.into_iter().map(|j| (j, &element)))
            {
                let checked = if text_like {
                    // `contains` on a text takes any piece of text.
                    json.as_str().map(drop).ok_or(crate::Problem::Invalid)
                } else {
                    Value::from_json(of, json).map(drop)
                };
                checked.map_err(|problem| QueryError::Value {
                    field: name(),
                    problem,
                })?;
            }
            Ok(())
        }
    }
}

/// The type of one element of a field of many values (the field's own type otherwise).
pub fn element_type(field_type: &FieldType) -> FieldType {
    match field_type {
        FieldType::MultiSelect { options } => FieldType::SingleSelect {
            options: options.clone(),
        },
        FieldType::Tags => FieldType::Text,
        FieldType::User { many: true } => FieldType::User { many: false },
        FieldType::Links { object } => FieldType::Link {
            object: object.clone(),
        },
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
