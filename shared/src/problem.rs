//! What can be wrong with one input value, and which field it was in.
//!
//! Parsers return a [`Problem`]; form validation collects them as [`FieldError`]s so the UI can
//! show every message next to its field at once, and the server can name the field in its JSON
//! error. Codes are part of the public API: do not rename them.

use serde::{Deserialize, Serialize};

/// Why a value was refused. Serialized with a stable `code` and any parameters alongside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    #[error("is required")]
    Required,
    #[error("must be at least {min} characters")]
    TooShort { min: usize },
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    ControlCharacters,
    #[error("is not a valid email address")]
    InvalidEmail,
    #[error("is not a valid phone number")]
    InvalidPhone,
    #[error("is one of the most common passwords; choose another")]
    CommonPassword,
    #[error("must not be the same as the email address")]
    PasswordMatchesEmail,
    #[error("is already in use")]
    Taken,
    #[error("does not exist")]
    NotFound,
    #[error("has an unexpected type or value")]
    Invalid,
    #[error("must have at most {max} entries")]
    TooMany { max: usize },
    #[error("must not be negative")]
    Negative,
    #[error("is not a valid amount")]
    InvalidAmount,
    #[error("is not a valid currency code")]
    InvalidCurrency,
    #[error("is not a valid date (YYYY-MM-DD)")]
    InvalidDate,
    #[error("must be between {min} and {max}")]
    OutOfRange { min: i64, max: i64 },
    #[error("is required before the deal can enter this stage")]
    RequiredForStage,
    #[error("is not a field of this record")]
    UnknownField,
    #[error("must be a lower-case letter, then lower-case letters, digits or _")]
    InvalidKey,
    #[error("is not a number")]
    InvalidNumber,
    #[error("must have at most {max} digits after the point")]
    TooPrecise { max: u8 },
    #[error("is not a time of day (HH:MM)")]
    InvalidTime,
    #[error("is not a length of time")]
    InvalidDuration,
    #[error("is not one of the field's choices")]
    UnknownOption,
    #[error("is not a web address")]
    InvalidUrl,
    #[error("is not a WeChat ID")]
    InvalidWechat,
    #[error("is not a valid identity card number")]
    InvalidIdCard,
    #[error("is not a valid unified social credit code")]
    InvalidCreditCode,
    #[error("is not a valid date and time")]
    InvalidDateTime,
    #[error("is not an image")]
    NotAnImage,
    #[error("is larger than {max_mb} MB")]
    FileTooLarge { max_mb: u64 },
    #[error("is worked out, not written")]
    ReadOnly,
    #[error("is a key the product uses")]
    Reserved,
    #[error("belongs to the product: it can be relabelled or hidden, not deleted or retyped")]
    SystemField,
    #[error("cannot change to this type: its values would not convert")]
    UnsafeConversion,
    #[error("some values may not convert to this type: preview them, then confirm the change")]
    LossyConversion,
    #[error("still offers a choice records may hold: retire the choice instead of removing it")]
    ChoiceRemoved,
    /// A formula that does not compile; `start..end` is the part of the expression to mark.
    #[error("{message}")]
    Formula {
        message: String,
        start: usize,
        end: usize,
    },
    /// The schema would not hold together (a link to an object that does not exist, a rollup
    /// over a field that cannot be folded, …).
    #[error("{reason}")]
    InvalidSchema { reason: String },
}

impl Problem {
    /// The stable machine-readable code, as serialized.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooShort { .. } => "too_short",
            Problem::TooLong { .. } => "too_long",
            Problem::ControlCharacters => "control_characters",
            Problem::InvalidEmail => "invalid_email",
            Problem::InvalidPhone => "invalid_phone",
            Problem::CommonPassword => "common_password",
            Problem::PasswordMatchesEmail => "password_matches_email",
            Problem::Taken => "taken",
            Problem::NotFound => "not_found",
            Problem::Invalid => "invalid",
            Problem::TooMany { .. } => "too_many",
            Problem::Negative => "negative",
            Problem::InvalidAmount => "invalid_amount",
            Problem::InvalidCurrency => "invalid_currency",
            Problem::InvalidDate => "invalid_date",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::RequiredForStage => "required_for_stage",
            Problem::UnknownField => "unknown_field",
            Problem::InvalidKey => "invalid_key",
            Problem::InvalidNumber => "invalid_number",
            Problem::TooPrecise { .. } => "too_precise",
            Problem::InvalidTime => "invalid_time",
            Problem::InvalidDuration => "invalid_duration",
            Problem::UnknownOption => "unknown_option",
            Problem::InvalidUrl => "invalid_url",
            Problem::InvalidWechat => "invalid_wechat",
            Problem::InvalidIdCard => "invalid_id_card",
            Problem::InvalidCreditCode => "invalid_credit_code",
            Problem::InvalidDateTime => "invalid_date_time",
            Problem::NotAnImage => "not_an_image",
            Problem::FileTooLarge { .. } => "file_too_large",
            Problem::ReadOnly => "read_only",
            Problem::Reserved => "reserved",
            Problem::SystemField => "system_field",
            Problem::UnsafeConversion => "unsafe_conversion",
            Problem::LossyConversion => "lossy_conversion",
            Problem::ChoiceRemoved => "choice_removed",
            Problem::Formula { .. } => "formula",
            Problem::InvalidSchema { .. } => "invalid_schema",
        }
    }

    /// Attach the field this problem was found in.
    pub fn at(self, field: &str) -> FieldError {
        FieldError {
            field: field.to_owned(),
            problem: self,
        }
    }
}

/// A problem in a named field of a form or request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field} {problem}")]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub problem: Problem,
}

/// Collects field errors while a form is validated, so that all of them are reported together.
#[derive(Debug, Default)]
pub struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    /// Keep the value if it parsed, remember the problem under `field` if not.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, Problem>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(problem) => {
                self.errors.push(problem.at(field));
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

/// Count characters, not bytes: limits are about what a person typed.
pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Trimmed, non-empty, bounded text without control characters.
pub(crate) fn bounded_text(raw: &str, max: usize) -> Result<&str, Problem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Problem::Required);
    }
    if char_len(trimmed) > max {
        return Err(Problem::TooLong { max });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Problem::ControlCharacters);
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_code_and_parameters() {
        let json = serde_json::to_value(Problem::TooShort { min: 8 }.at("password"))
            .expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({"field": "password", "code": "too_short", "min": 8})
        );
        let back: FieldError = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, Problem::TooShort { min: 8 }.at("password"));
    }

    #[test]
    fn code_matches_serialized_tag() {
        let all = [
            Problem::Required,
            Problem::TooShort { min: 1 },
            Problem::TooLong { max: 1 },
            Problem::ControlCharacters,
            Problem::InvalidEmail,
            Problem::InvalidPhone,
            Problem::CommonPassword,
            Problem::PasswordMatchesEmail,
            Problem::Taken,
            Problem::NotFound,
            Problem::Invalid,
            Problem::TooMany { max: 2 },
            Problem::Negative,
            Problem::InvalidAmount,
            Problem::InvalidCurrency,
            Problem::InvalidDate,
            Problem::OutOfRange { min: 0, max: 1 },
            Problem::RequiredForStage,
            Problem::UnknownField,
        ];
        for problem in all {
            let json = serde_json::to_value(&problem).expect("serializable");
            assert_eq!(json["code"], problem.code(), "{problem:?}");
        }
    }

    #[test]
    fn bounded_text_rules() {
        assert_eq!(bounded_text("  销售一组 ", 10), Ok("销售一组"));
        assert_eq!(bounded_text("   ", 10), Err(Problem::Required));
        assert_eq!(
            bounded_text("张三李四王五", 5),
            Err(Problem::TooLong { max: 5 })
        );
        assert_eq!(bounded_text("a\u{7}b", 5), Err(Problem::ControlCharacters));
    }
}
