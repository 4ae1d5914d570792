//! The customer lifecycle: Lead → MQL → SQL → Opportunity → Customer → Advocate.

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    Lead,
    /// Marketing-qualified lead.
    Mql,
    /// Sales-qualified lead.
    Sql,
    Opportunity,
    Customer,
    Advocate,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 6] = [
        Lifecycle::Lead,
        Lifecycle::Mql,
        Lifecycle::Sql,
        Lifecycle::Opportunity,
        Lifecycle::Customer,
        Lifecycle::Advocate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Lead => "lead",
            Lifecycle::Mql => "mql",
            Lifecycle::Sql => "sql",
            Lifecycle::Opportunity => "opportunity",
            Lifecycle::Customer => "customer",
            Lifecycle::Advocate => "advocate",
        }
    }

    /// From its key; blank means `None`.
    pub fn parse(raw: &str) -> Result<Option<Self>, Problem> {
        let choices: Vec<(Lifecycle, &str)> = Self::ALL.iter().map(|s| (*s, s.as_str())).collect();
        super::fields::choice(raw, &choices)
    }

    /// The stages a lead (not yet an account) may be in.
    pub fn is_lead_stage(self) -> bool {
        matches!(self, Lifecycle::Lead | Lifecycle::Mql | Lifecycle::Sql)
    }
}
