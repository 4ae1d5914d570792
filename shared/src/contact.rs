//! Contacts: the people at customers that sales reps talk to.
//!
//! A [`Contact`] holds only valid values; [`ContactInput`] is what a form or an API client sends
//! (strings as typed) and [`ContactInput::parse`] turns it into a contact or a list of field
//! problems. The app and the server call the same function.

use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::name::PersonName;
use crate::phone::Phone;
use crate::problem::{Collector, FieldError, Problem, char_len};
use crate::search::Entry;

/// Longest company name, in characters.
pub const COMPANY_MAX: usize = 200;
/// Longest notes, in characters.
pub const NOTES_MAX: usize = 5000;

/// A contact's typed fields. Field names are part of the sync and REST wire formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: PersonName,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub notes: String,
}

/// The fields of a contact, by their wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactField {
    Name,
    Company,
    Phone,
    Email,
    Notes,
}

impl ContactField {
    pub const ALL: [ContactField; 5] = [
        ContactField::Name,
        ContactField::Company,
        ContactField::Phone,
        ContactField::Email,
        ContactField::Notes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactField::Name => "name",
            ContactField::Company => "company",
            ContactField::Phone => "phone",
            ContactField::Email => "email",
            ContactField::Notes => "notes",
        }
    }
}

/// What a person typed into a contact form; every field optional so that an edit can carry
/// only the fields it changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl ContactInput {
    /// A new contact from a complete form.
    pub fn parse(&self) -> Result<Contact, Vec<FieldError>> {
        let mut errors = Collector::default();
        let name = errors.check(
            "name",
            PersonName::parse(self.name.as_deref().unwrap_or("")),
        );
        let rest = self.parse_optional(&mut errors);
        match (name, errors.is_empty()) {
            (Some(name), true) => {
                let (company, phone, email, notes) = rest;
                Ok(Contact {
                    name,
                    company: company.unwrap_or_default(),
                    phone: phone.flatten(),
                    email: email.flatten(),
                    notes: notes.unwrap_or_default(),
                })
            }
            _ => Err(errors.into_errors()),
        }
    }

    /// Apply the fields this input carries to `contact`; the others stay as they are.
    pub fn apply_to(&self, contact: &Contact) -> Result<Contact, Vec<FieldError>> {
        let mut errors = Collector::default();
        let name = match &self.name {
            Some(raw) => errors.check("name", PersonName::parse(raw)),
            None => Some(contact.name.clone()),
        };
        let (company, phone, email, notes) = self.parse_optional(&mut errors);
        match (name, errors.is_empty()) {
            (Some(name), true) => Ok(Contact {
                name,
                company: company.unwrap_or_else(|| contact.company.clone()),
                phone: phone.unwrap_or_else(|| contact.phone.clone()),
                email: email.unwrap_or_else(|| contact.email.clone()),
                notes: notes.unwrap_or_else(|| contact.notes.clone()),
            }),
            _ => Err(errors.into_errors()),
        }
    }

    /// The fields this input sets.
    pub fn fields(&self) -> Vec<ContactField> {
        let set = [
            self.name.is_some(),
            self.company.is_some(),
            self.phone.is_some(),
            self.email.is_some(),
            self.notes.is_some(),
        ];
        ContactField::ALL
            .into_iter()
            .zip(set)
            .filter_map(|(field, is_set)| is_set.then_some(field))
            .collect()
    }

    /// The raw value this input carries for `field`.
    pub fn get(&self, field: ContactField) -> Option<&str> {
        match field {
            ContactField::Name => self.name.as_deref(),
            ContactField::Company => self.company.as_deref(),
            ContactField::Phone => self.phone.as_deref(),
            ContactField::Email => self.email.as_deref(),
            ContactField::Notes => self.notes.as_deref(),
        }
    }

    /// Set the raw value for `field`.
    pub fn set(&mut self, field: ContactField, value: String) {
        let slot = match field {
            ContactField::Name => &mut self.name,
            ContactField::Company => &mut self.company,
            ContactField::Phone => &mut self.phone,
            ContactField::Email => &mut self.email,
            ContactField::Notes => &mut self.notes,
        };
        *slot = Some(value);
    }

    #[allow(clippy::type_complexity)]
    fn parse_optional(
        &self,
        errors: &mut Collector,
    ) -> (
        Option<String>,
        Option<Option<Phone>>,
        Option<Option<Email>>,
        Option<String>,
    ) {
        let company = self
            .company
            .as_deref()
            .and_then(|raw| errors.check("company", optional_text(raw, COMPANY_MAX)));
        let phone = self
            .phone
            .as_deref()
            .and_then(|raw| errors.check("phone", blank_or(raw, Phone::parse)));
        let email = self
            .email
            .as_deref()
            .and_then(|raw| errors.check("email", blank_or(raw, Email::parse)));
        let notes = self
            .notes
            .as_deref()
            .and_then(|raw| errors.check("notes", long_text(raw, NOTES_MAX)));
        (company, phone, email, notes)
    }
}

impl Contact {
    /// How `field` reads, as a person would type it back into the form.
    pub fn text(&self, field: ContactField) -> String {
        match field {
            ContactField::Name => self.name.to_string(),
            ContactField::Company => self.company.clone(),
            ContactField::Phone => self.phone.as_ref().map(Phone::display).unwrap_or_default(),
            ContactField::Email => self
                .email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            ContactField::Notes => self.notes.clone(),
        }
    }

    /// The contact as search sees it: the name, the phone number, the company and the email.
    pub fn search_entry(&self) -> Entry {
        let email = self.email.as_ref().map(Email::as_str).unwrap_or_default();
        Entry::new(
            self.name.as_str(),
            self.phone.as_ref(),
            [self.company.as_str(), email],
        )
    }

    /// The form input that would produce this contact.
    pub fn to_input(&self) -> ContactInput {
        let mut input = ContactInput::default();
        for field in ContactField::ALL {
            input.set(field, self.text(field));
        }
        input
    }
}

/// Empty means "none"; otherwise the parser decides.
fn blank_or<T>(
    raw: &str,
    parse: impl Fn(&str) -> Result<T, Problem>,
) -> Result<Option<T>, Problem> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// One line, possibly empty, bounded, without control characters.
fn optional_text(raw: &str, max: usize) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if char_len(trimmed) > max {
        return Err(Problem::TooLong { max });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Problem::ControlCharacters);
    }
    Ok(trimmed.to_owned())
}

/// Several lines, possibly empty, bounded; line breaks and tabs are allowed.
fn long_text(raw: &str, max: usize) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if char_len(trimmed) > max {
        return Err(Problem::TooLong { max });
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Problem::ControlCharacters);
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Query;

    fn input(name: &str, phone: &str, email: &str) -> ContactInput {
        ContactInput {
            name: Some(name.into()),
            company: Some("桥科技".into()),
            phone: Some(phone.into()),
            email: Some(email.into()),
            notes: Some("见过两次\n喜欢茶".into()),
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let contact = input(" 陈经理 ", "139 1234 5678", "chen@example.com")
            .parse()
            .expect("valid");
        assert_eq!(contact.name.as_str(), "陈经理");
        assert_eq!(contact.text(ContactField::Phone), "139 1234 5678");
        assert_eq!(contact.notes, "见过两次\n喜欢茶");
        assert_eq!(contact.to_input().parse(), Ok(contact));
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let errors = input("", "12345", "nope").parse().expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "email"]);
        assert_eq!(errors[0].problem, Problem::Required);
    }

    #[test]
    fn blank_optional_fields_mean_none() {
        let contact = input("陈", " ", "").parse().expect("valid");
        assert_eq!((contact.phone, contact.email), (None, None));
    }

    #[test]
    fn an_edit_changes_only_what_it_carries() {
        let before = input("陈", "13912345678", "chen@example.com")
            .parse()
            .expect("valid");
        let edit = ContactInput {
            company: Some("新公司".into()),
            phone: Some(String::new()),
            ..ContactInput::default()
        };
        let after = edit.apply_to(&before).expect("valid");
        assert_eq!(after.company, "新公司");
        assert_eq!(after.phone, None);
        assert_eq!(after.name, before.name);
        assert_eq!(edit.fields(), [ContactField::Company, ContactField::Phone]);
        let bad = ContactInput {
            name: Some(" ".into()),
            ..ContactInput::default()
        };
        assert_eq!(
            bad.apply_to(&before),
            Err(vec![Problem::Required.at("name")])
        );
    }

    #[test]
    fn search_looks_at_every_field_and_phone_digits() {
        let mut contact = input("陈经理", "139 1234 5678", "chen@example.com")
            .parse()
            .expect("valid");
        contact.company = "Bridge Tech".into();
        let entry = contact.search_entry();
        let found = |typed: &str| Query::new(typed).rank(&entry).is_some();
        for typed in [
            "陈",
            "cjl",
            "chenjingli",
            "BRIDGE",
            "13912345678",
            "1234 5678",
            "chen@",
            "  ",
        ] {
            assert!(found(typed), "{typed}");
        }
        for typed in ["李", "a999", "lz"] {
            assert!(!found(typed), "{typed}");
        }
    }

    #[test]
    fn limits_hold() {
        let long = "字".repeat(NOTES_MAX + 1);
        let edit = ContactInput {
            notes: Some(long),
            company: Some("a\u{7}".into()),
            ..ContactInput::default()
        };
        let before = input("陈", "", "").parse().expect("valid");
        assert_eq!(
            edit.apply_to(&before),
            Err(vec![
                Problem::ControlCharacters.at("company"),
                Problem::TooLong { max: NOTES_MAX }.at("notes"),
            ])
        );
    }
}
