//! Short names people type: a person's display name and a team's name.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::problem::{Problem, bounded_text};

macro_rules! bounded_name {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, Problem> {
                bounded_text(raw, Self::MAX_LEN).map(|s| Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Problem;

            fn try_from(value: String) -> Result<Self, Problem> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_name!(
    /// How a person is shown to colleagues, e.g. `张三` or `Li Lei`.
    DisplayName,
    64
);
bounded_name!(
    /// The name of a company, department or group.
    TeamName,
    64
);
bounded_name!(
    /// A customer-side person's name as the sales rep writes it, e.g. `陈经理`.
    PersonName,
    100
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(
            DisplayName::parse(" 张三 ").map(|n| n.to_string()),
            Ok("张三".to_owned())
        );
        assert_eq!(DisplayName::parse(""), Err(Problem::Required));
        assert_eq!(
            TeamName::parse(&"组".repeat(65)),
            Err(Problem::TooLong {
                max: TeamName::MAX_LEN
            })
        );
        assert_eq!(
            TeamName::parse("华东\n销售"),
            Err(Problem::ControlCharacters)
        );
    }
}
