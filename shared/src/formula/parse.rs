//! The formula's grammar, loosest first:
//!
//! ```text
//! formula    = comparison
//! comparison = concat [ ("=" | "<>" | "!=" | "<" | "<=" | ">" | ">=") concat ]
//! concat     = sum { "&" sum }
//! sum        = product { ("+" | "-") product }
//! product    = unary { ("*" | "/") unary }
//! unary      = "-" unary | primary
//! primary    = number | text | TRUE | FALSE | NAME "(" [ formula { "," formula } ] ")"
//!            | field "." column | field | "(" formula ")"
//! ```

use super::dec::Dec;
use super::lex::Tok;
use super::{ErrorKind, FormulaError, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn is_comparison(self) -> bool {
        matches!(self, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(Dec, Span),
    Text(String, Span),
    Bool(bool, Span),
    /// A field of the record, by its key.
    Field(String, Span),
    /// A column of a sub-table field (`lines.amount`), for `SUM`.
    Column(String, String, Span),
    /// A function, its name in capitals.
    Call(String, Vec<Expr>, Span),
    Neg(Box<Expr>, Span),
    Binary(Op, Box<Expr>, Box<Expr>, Span),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Number(_, s)
            | Expr::Text(_, s)
            | Expr::Bool(_, s)
            | Expr::Field(_, s)
            | Expr::Column(_, _, s)
            | Expr::Call(_, _, s)
            | Expr::Neg(_, s)
            | Expr::Binary(_, _, _, s) => *s,
        }
    }
}

/// Deepest nesting of parentheses and calls a formula may have.
const DEPTH_MAX: usize = 64;

pub fn parse(tokens: &[(Tok, Span)], length: usize) -> Result<Expr, FormulaError> {
    let mut parser = Parser {
        tokens,
        at: 0,
        end: Span::new(length, length),
        depth: 0,
    };
    if tokens.is_empty() {
        return Err(FormulaError::new(ErrorKind::Empty, Span::new(0, length)));
    }
    let expr = parser.comparison()?;
    match parser.peek() {
        None => Ok(expr),
        Some((_, span)) => Err(FormulaError::new(ErrorKind::Unexpected, span)),
    }
}

struct Parser<'a> {
    tokens: &'a [(Tok, Span)],
    at: usize,
    end: Span,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<(&Tok, Span)> {
        self.tokens.get(self.at).map(|(t, s)| (t, *s))
    }

    fn next(&mut self) -> Option<(&Tok, Span)> {
        let token = self.tokens.get(self.at).map(|(t, s)| (t, *s));
        self.at += 1;
        token
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek().is_some_and(|(t, _)| t == tok) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &Tok, what: &'static str) -> Result<Span, FormulaError> {
        match self.next() {
            Some((t, span)) if t == tok => Ok(span),
            Some((_, span)) => Err(FormulaError::new(ErrorKind::Expected(what), span)),
            None => Err(FormulaError::new(ErrorKind::Expected(what), self.end)),
        }
    }

    fn comparison(&mut self) -> Result<Expr, FormulaError> {
        let left = self.concat()?;
        let op = match self.peek().map(|(t, _)| t) {
            Some(Tok::Eq) => Op::Eq,
            Some(Tok::Ne) => Op::Ne,
            Some(Tok::Lt) => Op::Lt,
            Some(Tok::Le) => Op::Le,
            Some(Tok::Gt) => Op::Gt,
            Some(Tok::Ge) => Op::Ge,
            _ => return Ok(left),
        };
        self.at += 1;
        let right = self.concat()?;
        Ok(binary(op, left, right))
    }

    fn concat(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.sum()?;
        while self.eat(&Tok::Amp) {
            let right = self.sum()?;
            left = binary(Op::Concat, left, right);
        }
        Ok(left)
    }

    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek().map(|(t, _)| t) {
                Some(Tok::Plus) => Op::Add,
                Some(Tok::Minus) => Op::Sub,
                _ => return Ok(left),
            };
            self.at += 1;
            let right = self.product()?;
            left = binary(op, left, right);
        }
    }

    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().map(|(t, _)| t) {
                Some(Tok::Star) => Op::Mul,
                Some(Tok::Slash) => Op::Div,
                _ => return Ok(left),
            };
            self.at += 1;
            let right = self.unary()?;
            left = binary(op, left, right);
        }
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if let Some((Tok::Minus, span)) = self.peek() {
            self.at += 1;
            let inner = self.nested(Self::unary)?;
            let span = span.to(inner.span());
            return Ok(Expr::Neg(Box::new(inner), span));
        }
        self.primary()
    }

    /// `f` one level deeper, refused past [`DEPTH_MAX`].
    fn nested(
        &mut self,
        f: fn(&mut Self) -> Result<Expr, FormulaError>,
    ) -> Result<Expr, FormulaError> {
        self.depth += 1;
        if self.depth > DEPTH_MAX {
            let span = self.peek().map_or(self.end, |(_, s)| s);
            return Err(FormulaError::new(ErrorKind::TooDeep, span));
        }
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn primary(&mut self) -> Result<Expr, FormulaError> {
        let Some((tok, span)) = self.next() else {
            return Err(FormulaError::new(ErrorKind::Expected("value"), self.end));
        };
        match tok.clone() {
            Tok::Number(text) => Dec::parse(&text)
                .map(|n| Expr::Number(n, span))
                .ok_or(FormulaError::new(ErrorKind::BadNumber, span)),
            Tok::Text(text) => Ok(Expr::Text(text, span)),
            Tok::LParen => {
                let inner = self.nested(Self::comparison)?;
                let close = self.expect(&Tok::RParen, ")")?;
                Ok(relocate(inner, span.to(close)))
            }
            Tok::Name(name) => {
                if self.eat(&Tok::LParen) {
                    let mut args = Vec::new();
                    if !self.eat(&Tok::RParen) {
                        loop {
                            args.push(self.nested(Self::comparison)?);
                            if self.eat(&Tok::Comma) {
                                continue;
                            }
                            let close = self.expect(&Tok::RParen, ")")?;
                            return Ok(Expr::Call(name.to_ascii_uppercase(), args, span.to(close)));
                        }
                    }
                    let close = self.tokens[self.at - 1].1;
                    return Ok(Expr::Call(name.to_ascii_uppercase(), args, span.to(close)));
                }
                match name.to_ascii_uppercase().as_str() {
                    "TRUE" => return Ok(Expr::Bool(true, span)),
                    "FALSE" => return Ok(Expr::Bool(false, span)),
                    _ => {}
                }
                if self.eat(&Tok::Dot) {
                    return match self.next() {
                        Some((Tok::Name(column), end)) => {
                            Ok(Expr::Column(name, column.clone(), span.to(end)))
                        }
                        Some((_, at)) => Err(FormulaError::new(ErrorKind::Expected("column"), at)),
                        None => Err(FormulaError::new(ErrorKind::Expected("column"), self.end)),
                    };
                }
                Ok(Expr::Field(name, span))
            }
            _ => Err(FormulaError::new(ErrorKind::Expected("value"), span)),
        }
    }
}

fn binary(op: Op, left: Expr, right: Expr) -> Expr {
    let span = left.span().to(right.span());
    Expr::Binary(op, Box::new(left), Box::new(right), span)
}

/// A parenthesised expression keeps its meaning; its span takes in the parentheses (so that
/// an error about it underlines them too).
fn relocate(expr: Expr, span: Span) -> Expr {
    match expr {
        Expr::Number(n, _) => Expr::Number(n, span),
        Expr::Text(t, _) => Expr::Text(t, span),
        Expr::Bool(b, _) => Expr::Bool(b, span),
        Expr::Field(f, _) => Expr::Field(f, span),
        Expr::Column(t, c, _) => Expr::Column(t, c, span),
        Expr::Call(n, a, _) => Expr::Call(n, a, span),
        Expr::Neg(e, _) => Expr::Neg(e, span),
        Expr::Binary(o, l, r, _) => Expr::Binary(o, l, r, span),
    }
}
