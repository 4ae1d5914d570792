//! Leads: people or companies not yet qualified, each tied to where it came from.

use serde::{Deserialize, Serialize};

use super::fields::{choice, line, optional_line, text};
use super::{Kind, Lifecycle};
use crate::email::Email;
use crate::ids::RecordId;
use crate::phone::Phone;
use crate::problem::Problem;
use crate::sync::record::{Body, Collection};

/// Where a sales rep is with a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Unqualified,
    /// Turned into an account, a contact and maybe a deal.
    Converted,
}

const STATUSES: [(LeadStatus, &str); 5] = [
    (LeadStatus::New, "new"),
    (LeadStatus::Contacted, "contacted"),
    (LeadStatus::Qualified, "qualified"),
    (LeadStatus::Unqualified, "unqualified"),
    (LeadStatus::Converted, "converted"),
];

impl LeadStatus {
    pub fn as_str(self) -> &'static str {
        STATUSES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("new", |(_, k)| k)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    /// The person's name.
    pub name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default = "new_status")]
    pub status: LeadStatus,
    #[serde(default = "lead_stage")]
    pub stage: Lifecycle,
    #[serde(default)]
    pub notes: String,
    /// The account this lead became (set by `lead.convert`, not by forms).
    #[serde(default)]
    pub converted: Option<RecordId>,
}

fn new_status() -> LeadStatus {
    LeadStatus::New
}

fn lead_stage() -> Lifecycle {
    Lifecycle::Lead
}

impl Kind for Lead {
    const COLLECTION: Collection = Collection::Lead;
    const FIELDS: &'static [&'static str] = &[
        "name", "company", "phone", "email", "source", "campaign", "province", "city", "industry",
        "status", "stage", "notes",
    ];
    const REQUIRED: &'static [&'static str] = &["name"];

    fn blank() -> Self {
        Lead {
            name: String::new(),
            company: String::new(),
            phone: None,
            email: None,
            source: String::new(),
            campaign: String::new(),
            province: String::new(),
            city: String::new(),
            industry: String::new(),
            status: LeadStatus::New,
            stage: Lifecycle::Lead,
            notes: String::new(),
            converted: None,
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        let blank = raw.trim().is_empty();
        match field {
            "name" => self.name = line(raw)?,
            "company" => self.company = optional_line(raw)?,
            "phone" => {
                self.phone = if blank {
                    None
                } else {
                    Some(Phone::parse(raw)?)
                }
            }
            "email" => {
                self.email = if blank {
                    None
                } else {
                    Some(Email::parse(raw)?)
                }
            }
            "source" => self.source = optional_line(raw)?,
            "campaign" => self.campaign = optional_line(raw)?,
            "province" => self.province = optional_line(raw)?,
            "city" => self.city = optional_line(raw)?,
            "industry" => self.industry = optional_line(raw)?,
            "status" => self.status = choice(raw, &STATUSES)?.unwrap_or(LeadStatus::New),
            "stage" => {
                let stage = Lifecycle::parse(raw)?.unwrap_or(Lifecycle::Lead);
                if !stage.is_lead_stage() {
                    // Opportunity and later come from converting the lead.
                    return Err(Problem::Invalid);
                }
                self.stage = stage;
            }
            "notes" => self.notes = text(raw)?,
            _ => return Err(Problem::UnknownField),
        }
        Ok(())
    }

    fn get(&self, field: &str) -> String {
        match field {
            "name" => self.name.clone(),
            "company" => self.company.clone(),
            "phone" => self.phone.as_ref().map(Phone::display).unwrap_or_default(),
            "email" => self
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            "source" => self.source.clone(),
            "campaign" => self.campaign.clone(),
            "province" => self.province.clone(),
            "city" => self.city.clone(),
            "industry" => self.industry.clone(),
            "status" => self.status.as_str().to_owned(),
            "stage" => self.stage.as_str().to_owned(),
            "notes" => self.notes.clone(),
            _ => String::new(),
        }
    }

    super::body_variant!(Lead);

    fn label(&self) -> String {
        if self.company.is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, self.company)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::create;
    use crate::records::tests::{patch, problems, round_trips};

    #[test]
    fn a_lead_parses_and_reads_back() {
        let lead: Lead = create(&patch(&[
            ("name", "周先生"),
            ("company", "南方物流"),
            ("phone", "+86 139 1234 5678"),
            ("email", "Zhou@Example.com"),
            ("source", "展会"),
            ("stage", "mql"),
        ]))
        .expect("valid");
        assert_eq!(lead.stage, Lifecycle::Mql);
        assert_eq!(lead.status, LeadStatus::New);
        assert_eq!(lead.label(), "周先生（南方物流）");
        round_trips(&lead);
    }

    #[test]
    fn bad_values_are_named_at_their_fields() {
        assert_eq!(
            problems::<Lead>(&patch(&[
                ("phone", "12"),
                ("email", "zhou@"),
                ("stage", "customer"),
                ("status", "maybe"),
            ])),
            [
                ("email".to_owned(), "invalid_email"),
                ("phone".to_owned(), "invalid_phone"),
                ("stage".to_owned(), "invalid"),
                ("status".to_owned(), "invalid"),
                ("name".to_owned(), "required"),
            ]
        );
    }
}
