//! Phone numbers, as people in China type them: `138 0013 8000`, `138-0013-8000`,
//! `+86 13800138000`, `0086 138…`, `(010) 6552-9988`, full-width digits from a Chinese IME.
//! Stored in E.164 form (`+8613800138000`) so that every spelling of a number compares equal.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// The country assumed when a number has no `+` or `00` prefix.
const DEFAULT_COUNTRY: &str = "86";
/// E.164 allows at most 15 digits including the country code.
const MAX_DIGITS: usize = 15;
const MIN_DIGITS: usize = 7;

/// A phone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Problem::Required);
        }
        let mut digits = String::with_capacity(s.len());
        let mut international = false;
        for (i, c) in s.chars().enumerate() {
            match normalise_char(c) {
                d @ '0'..='9' => digits.push(d),
                '+' if i == 0 => international = true,
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(Problem::InvalidPhone),
            }
        }
        if !international && let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_owned();
            international = true;
        }
        if !international {
            digits = domestic_to_international(&digits)?;
        }
        if digits.starts_with('0') || !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
            return Err(Problem::InvalidPhone);
        }
        if let Some(national) = digits.strip_prefix(DEFAULT_COUNTRY)
            && !valid_chinese_national(national)
        {
            return Err(Problem::InvalidPhone);
        }
        Ok(Self(format!("+{digits}")))
    }

    /// E.164 form, e.g. `+8613800138000`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits only, without the `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// How a person in China reads it: `138 0013 8000` for a Chinese mobile number, the
    /// international form otherwise.
    pub fn display(&self) -> String {
        match self.digits().strip_prefix(DEFAULT_COUNTRY) {
            Some(n) if is_chinese_mobile(n) => format!("{} {} {}", &n[..3], &n[3..7], &n[7..]),
            Some(n) => format!("0{n}"),
            None => self.0.clone(),
        }
    }
}

/// Full-width digits and plus sign (typed with a Chinese input method) as ASCII.
fn normalise_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '＋' => '+',
        '－' | '—' => '-',
        '（' => '(',
        '）' => ')',
        '\u{3000}' => ' ',
        other => other,
    }
}

fn domestic_to_international(digits: &str) -> Result<String, Problem> {
    if is_chinese_mobile(digits) {
        return Ok(format!("{DEFAULT_COUNTRY}{digits}"));
    }
    if digits.len() == 13 && digits.starts_with(DEFAULT_COUNTRY) && is_chinese_mobile(&digits[2..])
    {
        return Ok(digits.to_owned());
    }
    if let Some(national) = digits.strip_prefix('0')
        && valid_chinese_landline(national)
    {
        return Ok(format!("{DEFAULT_COUNTRY}{national}"));
    }
    Err(Problem::InvalidPhone)
}

fn is_chinese_mobile(national: &str) -> bool {
    national.len() == 11 && national.starts_with('1') && national.as_bytes()[1] >= b'3'
}

/// Area code (2–3 digits, no trunk 0) plus a 7–8 digit subscriber number.
fn valid_chinese_landline(national: &str) -> bool {
    (9..=11).contains(&national.len()) && !national.starts_with('0') && !national.starts_with('1')
        || national.len() == 10 && national.starts_with("10")
}

fn valid_chinese_national(national: &str) -> bool {
    is_chinese_mobile(national) || valid_chinese_landline(national)
}

impl TryFrom<String> for Phone {
    type Error = Problem;

    fn try_from(value: String) -> Result<Self, Problem> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, Problem>) {
        let got = Phone::parse(input);
        assert_eq!(
            got.as_ref().map(Phone::as_str),
            expected.as_ref().map(|s| *s),
            "{input:?}"
        );
    }

    #[test]
    fn every_spelling_of_a_mobile_number_is_the_same_number() {
        for spelling in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 13800138000",
            "+86 138 0013 8000",
            "0086 13800138000",
            "8613800138000",
            "１３８００１３８０００",
            "＋８６ １３８ ００１３ ８０００",
        ] {
            check(spelling, Ok("+8613800138000"));
        }
    }

    #[test]
    fn landlines_and_foreign_numbers() {
        check("010-6552 9988", Ok("+861065529988"));
        check("(0755) 8765 4321", Ok("+8675587654321"));
        check("+1 (415) 555-0100", Ok("+14155550100"));
        check("0044 20 7946 0018", Ok("+442079460018"));
    }

    #[test]
    fn refuses_with_reason() {
        check("", Err(Problem::Required));
        check("  ", Err(Problem::Required));
        check("12345", Err(Problem::InvalidPhone));
        check("1380013800", Err(Problem::InvalidPhone));
        check("138001380001", Err(Problem::InvalidPhone));
        check("phone: 138", Err(Problem::InvalidPhone));
        check("138+00138000", Err(Problem::InvalidPhone));
        check("+86 12345", Err(Problem::InvalidPhone));
        check("+1234567890123456", Err(Problem::InvalidPhone));
        check("+0123456789", Err(Problem::InvalidPhone));
        check("6552 9988", Err(Problem::InvalidPhone));
    }

    #[test]
    fn displays_the_way_it_is_read() {
        let mobile = Phone::parse("+8613800138000").expect("valid");
        assert_eq!(mobile.display(), "138 0013 8000");
        assert_eq!(mobile.digits(), "8613800138000");
        let landline = Phone::parse("010 6552 9988").expect("valid");
        assert_eq!(landline.display(), "01065529988");
        let foreign = Phone::parse("+14155550100").expect("valid");
        assert_eq!(foreign.display(), "+14155550100");
    }
}
