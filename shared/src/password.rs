//! The password policy: long enough, not absurdly long, not one of the passwords every attacker
//! tries first, and not the account's own email address. No composition rules: length is what
//! makes a password strong.

use std::fmt;

use crate::email::Email;
use crate::problem::{Problem, char_len};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// Passwords that top every leaked-password list, in China and elsewhere.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "qwertyui",
    "qwerty123",
    "1qaz2wsx",
    "1q2w3e4r",
    "abc12345",
    "abcd1234",
    "a1234567",
    "a123456789",
    "aa123456",
    "iloveyou",
    "woaini1314",
    "woaini520",
    "5201314520",
    "admin123",
    "administrator",
    "qazwsxedc",
    "zxcvbnm123",
    "letmein1",
    "welcome1",
    "changeme",
];

/// A password that satisfies the policy. Its text is never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Check a new password. `email` is the account's address, which the password must not be.
    pub fn parse(raw: &str, email: Option<&Email>) -> Result<Self, Problem> {
        if raw.trim().is_empty() {
            return Err(Problem::Required);
        }
        let len = char_len(raw);
        if len < MIN_LEN {
            return Err(Problem::TooShort { min: MIN_LEN });
        }
        if len > MAX_LEN {
            return Err(Problem::TooLong { max: MAX_LEN });
        }
        let lower = raw.to_lowercase();
        let mut chars = lower.chars();
        let first = chars.next();
        if COMMON.contains(&lower.as_str()) || chars.all(|c| Some(c) == first) {
            return Err(Problem::CommonPassword);
        }
        if let Some(email) = email
            && (lower == email.as_str() || lower == email.local_part())
        {
            return Err(Problem::PasswordMatchesEmail);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, email: Option<&str>, expected: Result<(), Problem>) {
        let email = email.map(|e| Email::parse(e).expect("valid test email"));
        let got = Password::parse(input, email.as_ref()).map(|_| ());
        assert_eq!(got, expected, "{input:?}");
    }

    #[test]
    fn policy() {
        check("demo-pass-1", None, Ok(()));
        check("correct horse battery staple", None, Ok(()));
        check("密码要足够长才行呀", None, Ok(()));
        check("  spaces are fine  ", None, Ok(()));
        check("", None, Err(Problem::Required));
        check("        ", None, Err(Problem::Required));
        check("short", None, Err(Problem::TooShort { min: MIN_LEN }));
        check("1234567", None, Err(Problem::TooShort { min: MIN_LEN }));
        check(
            &"x".repeat(129),
            None,
            Err(Problem::TooLong { max: MAX_LEN }),
        );
        check("Password123", None, Err(Problem::CommonPassword));
        check("woaini1314", None, Err(Problem::CommonPassword));
        check("zzzzzzzzzz", None, Err(Problem::CommonPassword));
        check(
            "Li.Lei@example.com",
            Some("li.lei@example.com"),
            Err(Problem::PasswordMatchesEmail),
        );
        check(
            "zhangsan123",
            Some("zhangsan123@example.com"),
            Err(Problem::PasswordMatchesEmail),
        );
        check("zhangsan123!", Some("zhangsan123@example.com"), Ok(()));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let password = Password::parse("demo-pass-1", None).expect("valid");
        assert!(!format!("{password:?}").contains("demo"));
        assert_eq!(password.expose(), "demo-pass-1");
    }
}
