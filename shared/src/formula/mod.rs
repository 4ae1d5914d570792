//! Formulas: a small expression language over a record's fields, checked when an admin saves
//! it (a syntax or type error comes back with the span of the expression to underline) and
//! evaluated the same way on the device and on the server.
//!
//! ```text
//! amount * (1 - discount)                      numbers, money, percents (12.5 % is 0.125)
//! IF(stage = "won", amount, 0 * amount)        IF, AND, OR, NOT, comparisons
//! CONCAT(name, " (", city, ")")  or  a & b     texts; LEN
//! DATEDIF(signed_on, TODAY(), "M")             dates: TODAY, ADD_DAYS, DATEDIF ("D", "M", "Y")
//! SUM(lines.amount)                            a sub-table's column; SUM, ROUND, ABS
//! ```
//!
//! Numbers are exact decimals ([`dec::Dec`]); money keeps its currency, and amounts of two
//! currencies are never added or compared. A formula may use another formula field; cycles are
//! refused when it is compiled. Rollups and lookups (values of linked records) are in
//! [`rollup`].

pub mod dec;
mod eval;
mod lex;
mod parse;
pub mod rollup;
mod types;

use serde_json::{Map, Value as Json};

use crate::i18n::Locale;
use crate::schema::FieldDef;

pub use eval::{EvalError, Linked, Records, Val, civil, days_of};
pub(crate) use lex::quoted;
pub use types::Type;

use parse::Expr;

/// Characters `start..end` of the formula's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The part of `text` this span covers (what a screen underlines).
    pub fn of(self, text: &str) -> String {
        text.chars()
            .skip(self.start)
            .take(self.end.saturating_sub(self.start))
            .collect()
    }

    /// From this span's start to `other`'s end.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start, other.end.max(self.end))
    }
}

/// What is wrong with a formula, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    pub kind: ErrorKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    Empty,
    UnexpectedChar(char),
    BadNumber,
    UnclosedText,
    /// Something after a complete formula, or an operator out of place.
    Unexpected,
    /// What should have come here: `")"`, `"value"`, `"column"`.
    Expected(&'static str),
    TooDeep,
    UnknownField(String),
    /// A field whose type formulas cannot read (people, links, files, …).
    UnusableField(String),
    UnknownFunction(String),
    /// A function called with the wrong number of arguments; `expected` says how many.
    Arity {
        function: String,
        expected: &'static str,
    },
    /// A value of the wrong type; `expected` names what was wanted.
    TypeMismatch {
        expected: &'static str,
        found: Type,
    },
    /// The formula uses itself, through these fields.
    Cycle(Vec<String>),
    NotATable(String),
    UnknownColumn(String),
    /// `table.column` outside `SUM`.
    ColumnOutsideSum,
}

impl FormulaError {
    pub fn new(kind: ErrorKind, span: Span) -> Self {
        FormulaError { kind, span }
    }

    /// What to tell the admin, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        let zh = locale == Locale::ZhCn;
        match &self.kind {
            ErrorKind::Empty if zh => "公式是空的。".into(),
            ErrorKind::Empty => "The formula is empty.".into(),
            ErrorKind::UnexpectedChar(c) if zh => format!("无法识别的字符“{c}”。"),
            ErrorKind::UnexpectedChar(c) => format!("Unexpected character “{c}”."),
            ErrorKind::BadNumber if zh => "数字写法有误。".into(),
            ErrorKind::BadNumber => "This number is not written correctly.".into(),
            ErrorKind::UnclosedText if zh => "文本缺少右引号。".into(),
            ErrorKind::UnclosedText => "The text has no closing quote.".into(),
            ErrorKind::Unexpected if zh => "这里不应出现这个内容。".into(),
            ErrorKind::Unexpected => "This does not belong here.".into(),
            ErrorKind::Expected(what) if zh => format!("这里应为 {}。", expected_zh(what)),
            ErrorKind::Expected(what) => format!("Expected {what} here."),
            ErrorKind::TooDeep if zh => "公式嵌套过深。".into(),
            ErrorKind::TooDeep => "The formula is nested too deeply.".into(),
            ErrorKind::UnknownField(f) if zh => format!("没有名为 {f} 的字段。"),
            ErrorKind::UnknownField(f) => format!("There is no field {f}."),
            ErrorKind::UnusableField(f) if zh => format!("字段 {f} 的类型不能用于公式。"),
            ErrorKind::UnusableField(f) => format!("Formulas cannot use the field {f}."),
            ErrorKind::UnknownFunction(f) if zh => format!("没有函数 {f}。"),
            ErrorKind::UnknownFunction(f) => format!("There is no function {f}."),
            ErrorKind::Arity { function, expected } if zh => {
                format!("{function} 需要 {expected} 个参数。")
            }
            ErrorKind::Arity { function, expected } => {
                format!("{function} takes {expected} argument(s).")
            }
            ErrorKind::TypeMismatch { expected, found } if zh => {
                format!(
                    "这里应为{}，实际是{}。",
                    expected_zh(expected),
                    found.name(locale)
                )
            }
            ErrorKind::TypeMismatch { expected, found } => {
                format!("Expected {expected} here, found {}.", found.name(locale))
            }
            ErrorKind::Cycle(path) if zh => format!("公式循环引用：{}。", path.join(" → ")),
            ErrorKind::Cycle(path) => format!("The formula uses itself: {}.", path.join(" → ")),
            ErrorKind::NotATable(f) if zh => format!("{f} 不是子表字段。"),
            ErrorKind::NotATable(f) => format!("{f} is not a sub-table."),
            ErrorKind::UnknownColumn(c) if zh => format!("子表中没有列 {c}。"),
            ErrorKind::UnknownColumn(c) => format!("The sub-table has no column {c}."),
            ErrorKind::ColumnOutsideSum if zh => "子表的列只能在 SUM 中使用。".into(),
            ErrorKind::ColumnOutsideSum => "A sub-table's column can only be used in SUM.".into(),
        }
    }
}

fn expected_zh(what: &str) -> &str {
    match what {
        ")" => "“)”",
        "value" => "一个值",
        "column" => "列名",
        "a number" => "数字",
        "money" => "金额",
        "a number or money" => "数字或金额",
        "text" => "文本",
        "true or false" => "真或假",
        "a date" => "日期",
        "the same type as the other branch" => "与另一分支相同的类型",
        "a value of the same type" => "相同类型的值",
        "a column of numbers or money" => "数字或金额的列",
        other => other,
    }
}

/// A checked formula, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    expr: Expr,
    result: Type,
    uses: Vec<String>,
}

impl Formula {
    /// Check `text` as a formula over `fields` (the object's fields, other formulas included).
    pub fn compile(text: &str, fields: &[FieldDef]) -> Result<Formula, FormulaError> {
        Self::compile_in(text, fields, None)
    }

    /// [`Formula::compile`] with the whole `schema` at hand, so that the formula may read
    /// rollups and lookups.
    pub fn compile_in(
        text: &str,
        fields: &[FieldDef],
        schema: Option<&crate::schema::registry::Schema>,
    ) -> Result<Formula, FormulaError> {
        compile_with(text, fields, schema, &mut Vec::new())
    }

    /// Check the formula of the field `key` of `fields` (refusing one that uses itself).
    pub fn compile_field(key: &str, fields: &[FieldDef]) -> Result<Formula, FormulaError> {
        Self::compile_field_in(key, fields, None)
    }

    /// [`Formula::compile_field`] with the whole `schema` at hand.
    pub fn compile_field_in(
        key: &str,
        fields: &[FieldDef],
        schema: Option<&crate::schema::registry::Schema>,
    ) -> Result<Formula, FormulaError> {
        let text = fields
            .iter()
            .find(|f| f.key.as_str() == key)
            .and_then(|f| match &f.field_type {
                crate::schema::FieldType::Formula { expression } => Some(expression.as_str()),
                _ => None,
            })
            .ok_or_else(|| {
                FormulaError::new(ErrorKind::UnknownField(key.to_owned()), Span::new(0, 0))
            })?;
        compile_with(text, fields, schema, &mut vec![key.to_owned()])
    }

    /// The type of the formula's result.
    pub fn result_type(&self) -> Type {
        self.result
    }

    /// The fields the formula reads directly (to recompute it when one of them changes).
    pub fn uses(&self) -> &[String] {
        &self.uses
    }

    /// The formula's value for a record whose fields' JSON forms are `record`, on the day
    /// `today` (days since 1970-01-01, the device's or server's calendar day).
    pub fn eval(
        &self,
        fields: &[FieldDef],
        record: &Map<String, Json>,
        today: i32,
    ) -> Result<Val, EvalError> {
        eval::Env {
            fields,
            record,
            today,
            depth: 0,
            linked: None,
        }
        .eval(&self.expr)
    }

    /// [`Formula::eval`] for a record of `object`, reading rollups and lookups through
    /// `linked` (the records that point to this one, and the ones it points to).
    pub fn eval_linked(
        &self,
        object: &crate::schema::ObjectDef,
        record: &Map<String, Json>,
        today: i32,
        linked: Linked<'_>,
    ) -> Result<Val, EvalError> {
        eval::Env {
            fields: &object.fields,
            record,
            today,
            depth: 0,
            linked: Some(linked),
        }
        .eval(&self.expr)
    }
}

fn compile_with(
    text: &str,
    fields: &[FieldDef],
    schema: Option<&crate::schema::registry::Schema>,
    stack: &mut Vec<String>,
) -> Result<Formula, FormulaError> {
    let tokens = lex::tokens(text)?;
    let expr = parse::parse(&tokens, text.chars().count())?;
    let mut uses = Vec::new();
    let result = types::Checker {
        fields,
        schema,
        stack,
        uses: &mut uses,
    }
    .check(&expr)?;
    Ok(Formula { expr, result, uses })
}

#[cfg(test)]
mod tests;
