//! Email addresses: parsed once, stored and compared in lower case.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::problem::{Problem, char_len};

/// The longest address SMTP can carry.
pub const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

/// A syntactically valid, lower-cased email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Trim, check and lower-case an address as typed.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Problem::Required);
        }
        if char_len(s) > MAX_LEN {
            return Err(Problem::TooLong { max: MAX_LEN });
        }
        let (local, domain) = s.rsplit_once('@').ok_or(Problem::InvalidEmail)?;
        if !valid_local(local) || !valid_domain(domain) {
            return Err(Problem::InvalidEmail);
        }
        Ok(Self(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0
            .rsplit_once('@')
            .map_or(self.0.as_str(), |(local, _)| local)
    }
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && char_len(local) <= MAX_LOCAL_LEN
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(
                    c,
                    '@' | '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | ']' | '\\'
                )
        })
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && char_len(label) <= MAX_LABEL_LEN
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

impl TryFrom<String> for Email {
    type Error = Problem;

    fn try_from(value: String) -> Result<Self, Problem> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, Problem>) {
        let got = Email::parse(input);
        assert_eq!(
            got.as_ref().map(Email::as_str),
            expected.as_ref().map(|s| *s),
            "{input:?}"
        );
    }

    #[test]
    fn accepts_and_normalises() {
        check("li.lei@example.com", Ok("li.lei@example.com"));
        check("  Zhang.San@Example.COM ", Ok("zhang.san@example.com"));
        check(
            "sales+crm@sub.example.com.cn",
            Ok("sales+crm@sub.example.com.cn"),
        );
        check("王@例子.中国", Ok("王@例子.中国"));
        check("a@b-c.io", Ok("a@b-c.io"));
    }

    #[test]
    fn refuses_with_reason() {
        check("", Err(Problem::Required));
        check("   ", Err(Problem::Required));
        check("no-at-sign", Err(Problem::InvalidEmail));
        check("@example.com", Err(Problem::InvalidEmail));
        check("user@", Err(Problem::InvalidEmail));
        check("user@localhost", Err(Problem::InvalidEmail));
        check("user@example..com", Err(Problem::InvalidEmail));
        check("user@-example.com", Err(Problem::InvalidEmail));
        check("user@example.123", Err(Problem::InvalidEmail));
        check(".user@example.com", Err(Problem::InvalidEmail));
        check("us..er@example.com", Err(Problem::InvalidEmail));
        check("us er@example.com", Err(Problem::InvalidEmail));
        check("a@b@example.com", Err(Problem::InvalidEmail));
        let long = format!("{}@example.com", "a".repeat(250));
        check(&long, Err(Problem::TooLong { max: MAX_LEN }));
        let long_local = format!("{}@example.com", "a".repeat(65));
        check(&long_local, Err(Problem::InvalidEmail));
    }

    #[test]
    fn local_part() {
        let email = Email::parse("Boss@Example.com").expect("valid");
        assert_eq!(email.local_part(), "boss");
    }

    #[test]
    fn deserialising_validates() {
        let bad: Result<Email, _> = serde_json::from_str("\"nope\"");
        assert!(bad.is_err());
        let good: Email = serde_json::from_str("\"A@B.cn\"").expect("valid");
        assert_eq!(good.as_str(), "a@b.cn");
    }
}
