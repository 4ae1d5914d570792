//! The formula's words: numbers, texts, names, operators, each with where it stands.

use super::{ErrorKind, FormulaError, Span};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A number as written (`12`, `3.5`).
    Number(String),
    Text(String),
    /// A field key, a function's name, `TRUE` or `FALSE`.
    Name(String),
    LParen,
    RParen,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Amp,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The tokens of `text` with their spans (in characters), or the first character that is not
/// part of the language.
pub fn tokens(text: &str) -> Result<Vec<(Tok, Span)>, FormulaError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let single = |tok| (tok, Span::new(start, start + 1));
        match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '0'..='9' => {
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let number: String = chars[start..i].iter().collect();
                if number.matches('.').count() > 1 || number.ends_with('.') {
                    return Err(FormulaError::new(ErrorKind::BadNumber, Span::new(start, i)));
                }
                out.push((Tok::Number(number), Span::new(start, i)));
                continue;
            }
            '"' | '“' => {
                let Some((text, end)) = quoted(&chars, start) else {
                    return Err(FormulaError::new(
                        ErrorKind::UnclosedText,
                        Span::new(start, chars.len()),
                    ));
                };
                i = end;
                out.push((Tok::Text(text), Span::new(start, i)));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((
                    Tok::Name(chars[start..i].iter().collect()),
                    Span::new(start, i),
                ));
                continue;
            }
            '(' | '（' => out.push(single(Tok::LParen)),
            ')' | '）' => out.push(single(Tok::RParen)),
            ',' | '，' => out.push(single(Tok::Comma)),
            '.' => out.push(single(Tok::Dot)),
            '+' => out.push(single(Tok::Plus)),
            '-' => out.push(single(Tok::Minus)),
            '*' => out.push(single(Tok::Star)),
            '/' => out.push(single(Tok::Slash)),
            '&' => out.push(single(Tok::Amp)),
            '=' => out.push(single(Tok::Eq)),
            '<' | '>' | '!' => {
                let next = chars.get(i + 1).copied();
                let (tok, len) = match (c, next) {
                    ('<', Some('=')) => (Tok::Le, 2),
                    ('<', Some('>')) | ('!', Some('=')) => (Tok::Ne, 2),
                    ('>', Some('=')) => (Tok::Ge, 2),
                    ('<', _) => (Tok::Lt, 1),
                    ('>', _) => (Tok::Gt, 1),
                    _ => {
                        return Err(FormulaError::new(
                            ErrorKind::UnexpectedChar(c),
                            Span::new(start, start + 1),
                        ));
                    }
                };
                out.push((tok, Span::new(start, start + len)));
                i += len;
                continue;
            }
            other => {
                return Err(FormulaError::new(
                    ErrorKind::UnexpectedChar(other),
                    Span::new(start, start + 1),
                ));
            }
        }
        i += 1;
    }
    Ok(out)
}

/// The text quoted from `chars[start]` (`"…"`, or Chinese quotes `“…”`; `\"` stands for the
/// quote itself) and the position after its closing quote; `None` when it is never closed.
pub(crate) fn quoted(chars: &[char], start: usize) -> Option<(String, usize)> {
    let close = if chars.get(start) == Some(&'“') {
        '”'
    } else {
        '"'
    };
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i)? {
            '\\' if chars.get(i + 1) == Some(&close) => {
                text.push(close);
                i += 2;
            }
            ch if *ch == close => return Some((text, i + 1)),
            ch => {
                text.push(*ch);
                i += 1;
            }
        }
    }
}
