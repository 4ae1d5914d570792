//! Type checking: every part of a formula has one type, known before it runs, so that an
//! admin learns of `amount & 1 > name` at save time, with the part to fix underlined.

use super::parse::{Expr, Op};
use super::{ErrorKind, FormulaError, Span};
use crate::i18n::Locale;
use crate::schema::registry::Schema;
use crate::schema::{FieldDef, FieldType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Number,
    Money,
    Text,
    Bool,
    Date,
}

impl Type {
    pub fn name(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Type::Number, Locale::ZhCn) => "数字",
            (Type::Money, Locale::ZhCn) => "金额",
            (Type::Text, Locale::ZhCn) => "文本",
            (Type::Bool, Locale::ZhCn) => "真假值",
            (Type::Date, Locale::ZhCn) => "日期",
            (Type::Number, Locale::En) => "a number",
            (Type::Money, Locale::En) => "money",
            (Type::Text, Locale::En) => "text",
            (Type::Bool, Locale::En) => "true or false",
            (Type::Date, Locale::En) => "a date",
        }
    }

    /// The type a field of `field_type` has in formulas (`None`: formulas cannot read it;
    /// formulas and sub-tables are resolved by the checker).
    pub fn of_field(field_type: &FieldType) -> Option<Type> {
        Some(match field_type {
            FieldType::Integer
            | FieldType::Decimal { .. }
            | FieldType::Percent { .. }
            | FieldType::Rating { .. }
            | FieldType::Duration => Type::Number,
            FieldType::Money { .. } => Type::Money,
            FieldType::Text
            | FieldType::LongText
            | FieldType::RichText
            | FieldType::Phone
            | FieldType::Email
            | FieldType::Url
            | FieldType::Wechat
            | FieldType::IdCard
            | FieldType::CreditCode
            | FieldType::SingleSelect { .. }
            | FieldType::AutoNumber { .. } => Type::Text,
            FieldType::Checkbox => Type::Bool,
            FieldType::Date => Type::Date,
            _ => return None,
        })
    }
}

pub struct Checker<'a> {
    pub fields: &'a [FieldDef],
    /// Every object, to type rollups and lookups (without it formulas cannot use them).
    pub schema: Option<&'a Schema>,
    /// The formula fields being checked, outermost first (to find cycles).
    pub stack: &'a mut Vec<String>,
    pub uses: &'a mut Vec<String>,
}

fn mismatch(expected: &'static str, found: Type, span: Span) -> FormulaError {
    FormulaError::new(ErrorKind::TypeMismatch { expected, found }, span)
}

impl Checker<'_> {
    pub fn check(&mut self, expr: &Expr) -> Result<Type, FormulaError> {
        match expr {
            Expr::Number(..) => Ok(Type::Number),
            Expr::Text(..) => Ok(Type::Text),
            Expr::Bool(..) => Ok(Type::Bool),
            Expr::Field(key, span) => self.field(key, *span),
            Expr::Column(_, _, span) => Err(FormulaError::new(ErrorKind::ColumnOutsideSum, *span)),
            Expr::Neg(inner, _) => match self.check(inner)? {
                t @ (Type::Number | Type::Money) => Ok(t),
                other => Err(mismatch("a number or money", other, inner.span())),
            },
            Expr::Binary(op, left, right, _) => self.binary(*op, left, right),
            Expr::Call(name, args, span) => self.call(name, args, *span),
        }
    }

    fn field(&mut self, key: &str, span: Span) -> Result<Type, FormulaError> {
        let Some(def) = self.fields.iter().find(|f| f.key.as_str() == key) else {
            return Err(FormulaError::new(
                ErrorKind::UnknownField(key.to_owned()),
                span,
            ));
        };
        if !self.uses.iter().any(|u| u == key) {
            self.uses.push(key.to_owned());
        }
        match &def.field_type {
            FieldType::Formula { expression } => {
                if let Some(at) = self.stack.iter().position(|k| k == key) {
                    let mut path = self.stack[at..].to_vec();
                    path.push(key.to_owned());
                    return Err(FormulaError::new(ErrorKind::Cycle(path), span));
                }
                self.stack.push(key.to_owned());
                let inner = super::compile_with(expression, self.fields, self.schema, self.stack);
                self.stack.pop();
                match inner {
                    Ok(formula) => Ok(formula.result),
                    // A cycle found deeper is this formula's error too, shown at this use.
                    Err(FormulaError {
                        kind: kind @ ErrorKind::Cycle(_),
                        ..
                    }) => Err(FormulaError::new(kind, span)),
                    Err(_) => Err(FormulaError::new(
                        ErrorKind::UnusableField(key.to_owned()),
                        span,
                    )),
                }
            }
            FieldType::Rollup {
                object,
                field,
                function,
                ..
            } => self
                .schema
                .and_then(|s| s.object(object.as_str()))
                .and_then(|o| o.field(field.as_str()))
                .and_then(|folded| super::rollup::rollup_type(*function, folded).ok())
                .ok_or_else(|| FormulaError::new(ErrorKind::UnusableField(key.to_owned()), span)),
            FieldType::Lookup { link, field } => {
                let target = match self.fields.iter().find(|f| f.key == *link) {
                    Some(FieldDef {
                        field_type: FieldType::Link { object },
                        ..
                    }) => self.schema.and_then(|s| s.object(object.as_str())),
                    _ => None,
                };
                let read = target.and_then(|t| t.field(field.as_str()).map(|f| (t, f)));
                match read {
                    // A formula of the linked object: its own type, checked there.
                    Some((
                        t,
                        FieldDef {
                            field_type: FieldType::Formula { .. },
                            key: read_key,
                            ..
                        },
                    )) => {
                        super::Formula::compile_field_in(read_key.as_str(), &t.fields, self.schema)
                            .map(|f| f.result)
                            .map_err(|_| {
                                FormulaError::new(ErrorKind::UnusableField(key.to_owned()), span)
                            })
                    }
                    Some((_, f)) => Type::of_field(&f.field_type).ok_or_else(|| {
                        FormulaError::new(ErrorKind::UnusableField(key.to_owned()), span)
                    }),
                    None => Err(FormulaError::new(
                        ErrorKind::UnusableField(key.to_owned()),
                        span,
                    )),
                }
            }
            other => Type::of_field(other)
                .ok_or_else(|| FormulaError::new(ErrorKind::UnusableField(key.to_owned()), span)),
        }
    }

    fn binary(&mut self, op: Op, left: &Expr, right: &Expr) -> Result<Type, FormulaError> {
        let (l, r) = (self.check(left)?, self.check(right)?);
        let wrong_right = |expected| Err(mismatch(expected, r, right.span()));
        match op {
            Op::Concat => Ok(Type::Text),
            _ if op.is_comparison() => {
                if l != r {
                    return wrong_right("a value of the same type");
                }
                if l == Type::Bool && !matches!(op, Op::Eq | Op::Ne) {
                    return Err(mismatch("a number or money", l, left.span()));
                }
                Ok(Type::Bool)
            }
            Op::Add => match (l, r) {
                (Type::Number, Type::Number) => Ok(Type::Number),
                (Type::Money, Type::Money) => Ok(Type::Money),
                (Type::Date, Type::Number) | (Type::Number, Type::Date) => Ok(Type::Date),
                (Type::Money, _) => wrong_right("money"),
                (Type::Number | Type::Date, _) => wrong_right("a number"),
                _ => Err(mismatch("a number or money", l, left.span())),
            },
            Op::Sub => match (l, r) {
                (Type::Number, Type::Number) | (Type::Date, Type::Date) => Ok(Type::Number),
                (Type::Money, Type::Money) => Ok(Type::Money),
                (Type::Date, Type::Number) => Ok(Type::Date),
                (Type::Money, _) => wrong_right("money"),
                (Type::Number, _) => wrong_right("a number"),
                (Type::Date, _) => wrong_right("a number"),
                _ => Err(mismatch("a number or money", l, left.span())),
            },
            Op::Mul => match (l, r) {
                (Type::Number, Type::Number) => Ok(Type::Number),
                (Type::Money, Type::Number) | (Type::Number, Type::Money) => Ok(Type::Money),
                (Type::Money, _) => wrong_right("a number"),
                (Type::Number, _) => wrong_right("a number or money"),
                _ => Err(mismatch("a number or money", l, left.span())),
            },
            Op::Div => match (l, r) {
                (Type::Number, Type::Number) | (Type::Money, Type::Money) => Ok(Type::Number),
                (Type::Money, Type::Number) => Ok(Type::Money),
                (Type::Money, _) => wrong_right("a number or money"),
                (Type::Number, _) => wrong_right("a number"),
                _ => Err(mismatch("a number or money", l, left.span())),
            },
            _ => Err(FormulaError::new(ErrorKind::Unexpected, left.span())),
        }
    }

    fn arity(name: &str, ok: bool, expected: &'static str, span: Span) -> Result<(), FormulaError> {
        if ok {
            return Ok(());
        }
        Err(FormulaError::new(
            ErrorKind::Arity {
                function: name.to_owned(),
                expected,
            },
            span,
        ))
    }

    fn want(
        &mut self,
        arg: &Expr,
        wanted: Type,
        expected: &'static str,
    ) -> Result<(), FormulaError> {
        let found = self.check(arg)?;
        if found == wanted {
            Ok(())
        } else {
            Err(mismatch(expected, found, arg.span()))
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], span: Span) -> Result<Type, FormulaError> {
        let n = args.len();
        match name {
            "IF" => {
                Self::arity(name, n == 3, "3", span)?;
                self.want(&args[0], Type::Bool, "true or false")?;
                let then = self.check(&args[1])?;
                let otherwise = self.check(&args[2])?;
                if then != otherwise {
                    return Err(mismatch(
                        "the same type as the other branch",
                        otherwise,
                        args[2].span(),
                    ));
                }
                Ok(then)
            }
            "AND" | "OR" => {
                Self::arity(name, n >= 1, "1+", span)?;
                for arg in args {
                    self.want(arg, Type::Bool, "true or false")?;
                }
                Ok(Type::Bool)
            }
            "NOT" => {
                Self::arity(name, n == 1, "1", span)?;
                self.want(&args[0], Type::Bool, "true or false")?;
                Ok(Type::Bool)
            }
            "CONCAT" => {
                Self::arity(name, n >= 1, "1+", span)?;
                for arg in args {
                    self.check(arg)?;
                }
                Ok(Type::Text)
            }
            "LEN" => {
                Self::arity(name, n == 1, "1", span)?;
                self.want(&args[0], Type::Text, "text")?;
                Ok(Type::Number)
            }
            "ROUND" | "ABS" => {
                let count = if name == "ROUND" { 2 } else { 1 };
                Self::arity(name, n == count, if count == 2 { "2" } else { "1" }, span)?;
                let t = self.check(&args[0])?;
                if !matches!(t, Type::Number | Type::Money) {
                    return Err(mismatch("a number or money", t, args[0].span()));
                }
                if name == "ROUND" {
                    self.want(&args[1], Type::Number, "a number")?;
                }
                Ok(t)
            }
            "TODAY" => {
                Self::arity(name, n == 0, "0", span)?;
                Ok(Type::Date)
            }
            "ADD_DAYS" => {
                Self::arity(name, n == 2, "2", span)?;
                self.want(&args[0], Type::Date, "a date")?;
                self.want(&args[1], Type::Number, "a number")?;
                Ok(Type::Date)
            }
            "DATEDIF" => {
                Self::arity(name, n == 3, "3", span)?;
                self.want(&args[0], Type::Date, "a date")?;
                self.want(&args[1], Type::Date, "a date")?;
                self.want(&args[2], Type::Text, "text")?;
                Ok(Type::Number)
            }
            "SUM" => {
                Self::arity(name, n >= 1, "1+", span)?;
                if let [Expr::Column(table, column, at)] = args {
                    return self.column(table, column, *at);
                }
                let first = self.check(&args[0])?;
                if !matches!(first, Type::Number | Type::Money) {
                    return Err(mismatch("a number or money", first, args[0].span()));
                }
                for arg in &args[1..] {
                    self.want(
                        arg,
                        first,
                        if first == Type::Money {
                            "money"
                        } else {
                            "a number"
                        },
                    )?;
                }
                Ok(first)
            }
            _ => Err(FormulaError::new(
                ErrorKind::UnknownFunction(name.to_owned()),
                span,
            )),
        }
    }

    /// The type of a sub-table's column summed.
    fn column(&mut self, table: &str, column: &str, span: Span) -> Result<Type, FormulaError> {
        let Some(def) = self.fields.iter().find(|f| f.key.as_str() == table) else {
            return Err(FormulaError::new(
                ErrorKind::UnknownField(table.to_owned()),
                span,
            ));
        };
        let FieldType::SubTable { columns } = &def.field_type else {
            return Err(FormulaError::new(
                ErrorKind::NotATable(table.to_owned()),
                span,
            ));
        };
        let Some(col) = columns.iter().find(|c| c.key.as_str() == column) else {
            return Err(FormulaError::new(
                ErrorKind::UnknownColumn(column.to_owned()),
                span,
            ));
        };
        if !self.uses.iter().any(|u| u == table) {
            self.uses.push(table.to_owned());
        }
        match Type::of_field(&col.field_type) {
            Some(t @ (Type::Number | Type::Money)) => Ok(t),
            Some(other) => Err(mismatch("a column of numbers or money", other, span)),
            None => Err(FormulaError::new(
                ErrorKind::UnusableField(column.to_owned()),
                span,
            )),
        }
    }
}
