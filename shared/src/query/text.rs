//! The text form of filters and sorts (REST's `?filter=` and `?sort=`), read against an
//! object's definition so that each value is parsed as its field's type.

use serde_json::Value as Json;

use super::{Condition, Filter, Op, OpKind, Period, Query, SortKey, element_type};
use crate::formula::Span;
use crate::i18n::Locale;
use crate::schema::{FieldType, ObjectDef, Value};

/// Why a filter's text cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// What should have come here.
    Expected(&'static str),
    UnknownField(String),
    /// The operator is not one this field's type offers.
    Operator(String),
    UnclosedText,
    /// A value the field's type does not take.
    Value(crate::Problem),
    TooDeep,
}

impl ParseError {
    fn new(kind: ParseErrorKind, span: Span) -> Self {
        ParseError { kind, span }
    }

    pub fn message(&self, locale: Locale) -> String {
        let zh = locale == Locale::ZhCn;
        match &self.kind {
            ParseErrorKind::Expected(what) if zh => {
                format!("第 {} 个字符处应为 {what}。", self.span.start + 1)
            }
            ParseErrorKind::Expected(what) => {
                format!("Expected {what} at character {}.", self.span.start + 1)
            }
            ParseErrorKind::UnknownField(f) if zh => format!("没有字段 {f}。"),
            ParseErrorKind::UnknownField(f) => format!("There is no field {f}."),
            ParseErrorKind::Operator(f) if zh => format!("字段 {f} 不支持这种筛选。"),
            ParseErrorKind::Operator(f) => format!("The field {f} cannot be filtered that way."),
            ParseErrorKind::UnclosedText if zh => "文本缺少右引号。".into(),
            ParseErrorKind::UnclosedText => "The text has no closing quote.".into(),
            ParseErrorKind::Value(problem) => crate::i18n::problem_text(problem, locale),
            ParseErrorKind::TooDeep if zh => "筛选条件嵌套过深。".into(),
            ParseErrorKind::TooDeep => "The filter is nested too deeply.".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Text(String),
    /// A number or other bare value as written (`12.5`, `-3`, `2026-12-31`).
    Bare(String),
    LParen,
    RParen,
    Comma,
    Cmp(&'static str),
}

fn tokens(text: &str) -> Result<Vec<(Tok, Span)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = match c {
            '(' | '（' => {
                i += 1;
                Tok::LParen
            }
            ')' | '）' => {
                i += 1;
                Tok::RParen
            }
            ',' | '，' => {
                i += 1;
                Tok::Comma
            }
            '"' | '“' => {
                let Some((text, end)) = crate::formula::quoted(&chars, start) else {
                    return Err(ParseError::new(
                        ParseErrorKind::UnclosedText,
                        Span::new(start, chars.len()),
                    ));
                };
                i = end;
                Tok::Text(text)
            }
            '=' | '!' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('!', Some('=')) | ('<', Some('>')) => ("!=", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('>', Some('=')) => (">=", 2),
                    ('<', _) => ("<", 1),
                    ('>', _) => (">", 1),
                    ('=', _) => ("=", 1),
                    _ => {
                        return Err(ParseError::new(
                            ParseErrorKind::Expected("a field, a value or an operator"),
                            Span::new(start, start + 1),
                        ));
                    }
                };
                i += len;
                Tok::Cmp(op)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                Tok::Word(chars[start..i].iter().collect())
            }
            _ => {
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(
                        chars[i],
                        '(' | ')' | ',' | '（' | '）' | '，' | '=' | '<' | '>' | '!'
                    )
                {
                    i += 1;
                }
                Tok::Bare(chars[start..i].iter().collect())
            }
        };
        out.push((tok, Span::new(start, i)));
    }
    Ok(out)
}

/// `text` as a quoted value of the text form (a quote inside escaped as `\"`).
pub fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}

/// Deepest nesting of parentheses and `not`.
const DEPTH_MAX: usize = 32;

/// Read a filter written as text (see the module's documentation) against `object`.
pub fn parse(text: &str, object: &ObjectDef) -> Result<Filter, ParseError> {
    let tokens = tokens(text)?;
    let end = Span::new(text.chars().count(), text.chars().count());
    let mut reader = Reader {
        tokens: &tokens,
        at: 0,
        end,
        object,
        depth: 0,
    };
    let filter = reader.any()?;
    match reader.peek() {
        None => Ok(filter),
        Some((_, span)) => Err(ParseError::new(
            ParseErrorKind::Expected("and, or, or the end"),
            span,
        )),
    }
}

impl Query {
    /// A query from REST's `filter` and `sort` texts (`sort=-amount,name`: a leading `-` for
    /// descending).
    pub fn from_text(
        filter: Option<&str>,
        sort: Option<&str>,
        object: &ObjectDef,
    ) -> Result<Query, ParseError> {
        let filter = match filter.map(str::trim).filter(|f| !f.is_empty()) {
            Some(text) => Some(parse(text, object)?),
            None => None,
        };
        let mut keys = Vec::new();
        let mut offset = 0;
        for part in sort.unwrap_or("").split(',') {
            let span = Span::new(offset, offset + part.chars().count());
            offset += part.chars().count() + 1;
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (descending, name) = match part.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, part.strip_prefix('+').unwrap_or(part)),
            };
            match object.field(name) {
                Some(field) => keys.push(SortKey {
                    field: field.key.clone(),
                    descending,
                }),
                None => {
                    return Err(ParseError::new(
                        ParseErrorKind::UnknownField(name.to_owned()),
                        span,
                    ));
                }
            }
        }
        Ok(Query {
            filter,
            sort: keys,
            group_by: None,
        })
    }
}

struct Reader<'a> {
    tokens: &'a [(Tok, Span)],
    at: usize,
    end: Span,
    object: &'a ObjectDef,
    depth: usize,
}

fn period(word: &str) -> Option<Period> {
    Some(match word {
        "today" => Period::Today,
        "yesterday" => Period::Yesterday,
        "tomorrow" => Period::Tomorrow,
        "this_week" => Period::ThisWeek,
        "last_week" => Period::LastWeek,
        "this_month" => Period::ThisMonth,
        "last_month" => Period::LastMonth,
        "this_quarter" => Period::ThisQuarter,
        "this_year" => Period::ThisYear,
        other => {
            let (make, rest): (fn(u16) -> Period, &str) =
                if let Some(rest) = other.strip_prefix("last_") {
                    (Period::LastDays, rest)
                } else {
                    (Period::NextDays, other.strip_prefix("next_")?)
                };
            let n: u16 = rest.strip_suffix("_days")?.parse().ok()?;
            (1..=3660).contains(&n).then_some(())?;
            make(n)
        }
    })
}

impl Reader<'_> {
    fn peek(&self) -> Option<(&Tok, Span)> {
        self.tokens.get(self.at).map(|(t, s)| (t, *s))
    }

    fn here(&self) -> Span {
        self.peek().map_or(self.end, |(_, s)| s)
    }

    fn word(&mut self, word: &str) -> bool {
        match self.peek() {
            Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case(word) => {
                self.at += 1;
                true
            }
            _ => false,
        }
    }

    fn expected(&self, what: &'static str) -> ParseError {
        ParseError::new(ParseErrorKind::Expected(what), self.here())
    }

    fn deeper(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > DEPTH_MAX {
            return Err(ParseError::new(ParseErrorKind::TooDeep, self.here()));
        }
        Ok(())
    }

    fn any(&mut self) -> Result<Filter, ParseError> {
        let mut parts = vec![self.all()?];
        while self.word("or") {
            parts.push(self.all()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::Any(parts)
        })
    }

    fn all(&mut self) -> Result<Filter, ParseError> {
        let mut parts = vec![self.unary()?];
        while self.word("and") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Filter::All(parts)
        })
    }

    fn unary(&mut self) -> Result<Filter, ParseError> {
        if self.word("not") {
            self.deeper()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if let Some((Tok::LParen, _)) = self.peek() {
            self.at += 1;
            self.deeper()?;
            let inner = self.any()?;
            self.depth -= 1;
            return match self.peek() {
                Some((Tok::RParen, _)) => {
                    self.at += 1;
                    Ok(inner)
                }
                _ => Err(self.expected(")")),
            };
        }
        self.condition()
    }

    fn condition(&mut self) -> Result<Filter, ParseError> {
        let (name, span) = match self.peek() {
            Some((Tok::Word(w), span)) => (w.clone(), span),
            _ => return Err(self.expected("a field")),
        };
        self.at += 1;
        let Some(def) = self.object.field(&name) else {
            return Err(ParseError::new(ParseErrorKind::UnknownField(name), span));
        };
        let field_type = def.field_type.clone();
        let op_span = self.here();
        // The operator is checked before its value is read, so that the error names it.
        let offers = super::operators(field_type.kind());
        if let Some(kind) = self.peek_kind()
            && !offers.contains(&kind)
            // `stage in won`: a list without its parentheses, said as such below.
            && !(kind == OpKind::Period && offers.contains(&OpKind::In))
        {
            return Err(ParseError::new(ParseErrorKind::Operator(name), op_span));
        }
        let op = self.op(&field_type)?;
        let condition = Condition {
            field: def.key.clone(),
            op,
        };
        if !super::operators(field_type.kind()).contains(&condition.op.kind()) {
            return Err(ParseError::new(ParseErrorKind::Operator(name), op_span));
        }
        Ok(Filter::Where(condition))
    }

    /// The kind of the operator that comes next, read ahead without taking it.
    fn peek_kind(&self) -> Option<OpKind> {
        let word = |i: usize| match self.tokens.get(self.at + i) {
            Some((Tok::Word(w), _)) => Some(w.to_ascii_lowercase()),
            _ => None,
        };
        match self.peek()? {
            (Tok::Cmp("=" | "!="), _) => Some(OpKind::Is),
            (Tok::Cmp(_), _) => Some(OpKind::Order),
            (Tok::Word(_), _) => match word(0)?.as_str() {
                "contains" => Some(OpKind::Contains),
                "between" => Some(OpKind::Order),
                "before" | "after" => Some(OpKind::Period),
                "is" => match word(1).as_deref() {
                    Some("me" | "my_team") => Some(OpKind::Me),
                    _ => Some(OpKind::Empty),
                },
                "not" => match word(1).as_deref() {
                    Some("contains") => Some(OpKind::Contains),
                    Some("in") => Some(OpKind::In),
                    _ => None,
                },
                // `in this_month` (a word) or `in (a, b)` (a list).
                "in" => match word(1) {
                    Some(_) => Some(OpKind::Period),
                    None => Some(OpKind::In),
                },
                _ => None,
            },
            _ => None,
        }
    }

    fn op(&mut self, field_type: &FieldType) -> Result<Op, ParseError> {
        let element = element_type(field_type);
        let many = element != *field_type;
        if let Some((Tok::Cmp(cmp), _)) = self.peek() {
            let cmp = *cmp;
            self.at += 1;
            let of = if matches!(cmp, "=" | "!=") {
                &element
            } else {
                field_type
            };
            let value = self.value(of)?;
            return Ok(match cmp {
                "=" => Op::Is(value),
                "!=" => Op::IsNot(value),
                "<" => Op::Lt(value),
                "<=" => Op::Le(value),
                ">" => Op::Gt(value),
                _ => Op::Ge(value),
            });
        }
        if self.word("contains") {
            return Ok(Op::Contains(self.contained(field_type, many)?));
        }
        if self.word("between") {
            let low = self.value(field_type)?;
            if !self.word("and") {
                return Err(self.expected("and"));
            }
            return Ok(Op::Between(low, self.value(field_type)?));
        }
        if self.word("is") {
            let negated = self.word("not");
            return match self.peek() {
                Some((Tok::Word(w), _)) if w == "empty" => {
                    self.at += 1;
                    Ok(if negated { Op::NotEmpty } else { Op::Empty })
                }
                Some((Tok::Word(w), _)) if w == "me" && !negated => {
                    self.at += 1;
                    Ok(Op::IsMe)
                }
                Some((Tok::Word(w), _)) if w == "my_team" && !negated => {
                    self.at += 1;
                    Ok(Op::IsMyTeam)
                }
                _ => Err(self.expected("empty, me or my_team")),
            };
        }
        if self.word("before") || self.word("after") {
            let after = matches!(&self.tokens[self.at - 1].0, Tok::Word(w) if w == "after");
            let period = self.period()?;
            return Ok(if after {
                Op::After(period)
            } else {
                Op::Before(period)
            });
        }
        if self.word("not") {
            if self.word("contains") {
                return Ok(Op::NotContains(self.contained(field_type, many)?));
            }
            if self.word("in") {
                return Ok(Op::NotIn(self.list(&element)?));
            }
            return Err(self.expected("contains or in"));
        }
        if self.word("in") {
            let dated = super::operators(field_type.kind()).contains(&OpKind::Period);
            if dated && let Some((Tok::Word(_), _)) = self.peek() {
                return Ok(Op::Within(self.period()?));
            }
            return Ok(Op::In(self.list(&element)?));
        }
        Err(self.expected("an operator"))
    }

    fn period(&mut self) -> Result<Period, ParseError> {
        match self.peek() {
            Some((Tok::Word(w), _)) => match period(w) {
                Some(p) => {
                    self.at += 1;
                    Ok(p)
                }
                None => Err(self.expected("a period such as today or last_7_days")),
            },
            _ => Err(self.expected("a period such as today or last_7_days")),
        }
    }

    /// The value of `contains`: any text for a text field, an element for a list.
    fn contained(&mut self, field_type: &FieldType, many: bool) -> Result<Json, ParseError> {
        if many {
            return self.value(&element_type(field_type));
        }
        match self.peek() {
            Some((Tok::Text(s) | Tok::Bare(s) | Tok::Word(s), _)) => {
                let s = s.clone();
                self.at += 1;
                Ok(Json::String(s))
            }
            _ => Err(self.expected("a value")),
        }
    }

    fn list(&mut self, of: &FieldType) -> Result<Vec<Json>, ParseError> {
        match self.peek() {
            Some((Tok::LParen, _)) => self.at += 1,
            _ => return Err(self.expected("(")),
        }
        let mut values = vec![self.value(of)?];
        loop {
            match self.peek() {
                Some((Tok::Comma, _)) => {
                    self.at += 1;
                    values.push(self.value(of)?);
                }
                Some((Tok::RParen, _)) => {
                    self.at += 1;
                    return Ok(values);
                }
                _ => return Err(self.expected(", or )")),
            }
        }
    }

    /// A value typed as for the field, in its JSON form.
    fn value(&mut self, of: &FieldType) -> Result<Json, ParseError> {
        let (raw, span) = match self.peek() {
            Some((Tok::Text(s) | Tok::Bare(s) | Tok::Word(s), span)) => (s.clone(), span),
            _ => return Err(self.expected("a value")),
        };
        self.at += 1;
        // People, teams and records are named by their ids.
        let parsed = match of {
            FieldType::User { .. }
            | FieldType::Team
            | FieldType::Link { .. }
            | FieldType::CreatedBy
            | FieldType::ModifiedBy => Value::from_json(of, &Json::String(raw.clone())),
            // A moment, or a day meaning its first minute.
            FieldType::DateTime | FieldType::CreatedAt | FieldType::ModifiedAt => {
                Value::parse(&FieldType::DateTime, &raw)
                    .or_else(|_| Value::parse(&FieldType::DateTime, &format!("{raw} 00:00")))
            }
            _ => Value::parse(of, &raw),
        };
        match parsed {
            Ok(Value::Empty) => Err(ParseError::new(ParseErrorKind::Expected("a value"), span)),
            Ok(value) => Ok(value.to_json()),
            Err(problem) => Err(ParseError::new(ParseErrorKind::Value(problem), span)),
        }
    }
}
