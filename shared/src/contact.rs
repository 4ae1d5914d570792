//! Contacts: the people at customers that sales reps talk to.
//!
//! A contact is a [`Kind`] like the other records: a form or an API client sends a
//! [`Patch`](crate::records::Patch) of raw text by field, and [`crate::records::create`] /
//! [`crate::records::apply`] turn it into a checked contact or the list of field problems, the
//! same way on the device and the server. A contact may belong to an account (`account`) or
//! stand alone with a free-text company.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::ids::RecordId;
use crate::name::PersonName;
use crate::phone::Phone;
use crate::problem::Problem;
use crate::records::fields::{date, optional_line, tags, tags_text, text};
use crate::records::{Kind, link, link_text};
use crate::search::Entry;
use crate::sync::record::{Body, Collection};

/// Most phone numbers besides the main one.
pub const OTHER_PHONES_MAX: usize = 5;
/// Longest WeChat id, in characters.
pub const WECHAT_MAX: usize = 40;

/// A contact's typed fields. Field names are part of the sync and REST wire formats; fields
/// added later default to empty so that older copies still read, and empty ones are left out
/// (100,000 contacts are read on every start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Checked as a [`PersonName`].
    pub name: String,
    /// Job title, e.g. 采购经理.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub job_title: String,
    /// The account (company record) the person works at, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<RecordId>,
    /// The company as typed, for people whose company is not an account (yet).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub company: String,
    /// The main number (usually the mobile).
    #[serde(default)]
    pub phone: Option<Phone>,
    /// Other numbers: office, landline, a second mobile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub wechat: String,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Kind for Contact {
    const COLLECTION: Collection = Collection::Contact;
    const FIELDS: &'static [&'static str] = &[
        "name",
        "job_title",
        "account",
        "company",
        "phone",
        "phones",
        "email",
        "wechat",
        "birthday",
        "tags",
        "notes",
    ];
    const REQUIRED: &'static [&'static str] = &["name"];

    fn blank() -> Self {
        Contact {
            name: String::new(),
            job_title: String::new(),
            account: None,
            company: String::new(),
            phone: None,
            phones: Vec::new(),
            email: None,
            wechat: String::new(),
            birthday: None,
            tags: Vec::new(),
            notes: String::new(),
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "name" => self.name = PersonName::parse(raw).map(String::from)?,
            "job_title" => self.job_title = optional_line(raw)?,
            "account" => self.account = link(raw)?,
            "company" => self.company = optional_line(raw)?,
            "phone" => self.phone = blank_or(raw, Phone::parse)?,
            "phones" => self.phones = other_phones(raw)?,
            "email" => self.email = blank_or(raw, Email::parse)?,
            "wechat" => self.wechat = wechat(raw)?,
            "birthday" => self.birthday = date(raw)?,
            "tags" => self.tags = tags(raw)?,
            "notes" => self.notes = text(raw)?,
            _ => return Err(Problem::UnknownField),
        }
        Ok(())
    }

    fn get(&self, field: &str) -> String {
        match field {
            "name" => self.name.clone(),
            "job_title" => self.job_title.clone(),
            "account" => link_text(self.account),
            "company" => self.company.clone(),
            "phone" => self.phone.as_ref().map(Phone::display).unwrap_or_default(),
            "phones" => self
                .phones
                .iter()
                .map(Phone::display)
                .collect::<Vec<_>>()
                .join(", "),
            "email" => self
                .email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            "wechat" => self.wechat.clone(),
            "birthday" => self.birthday.clone().unwrap_or_default(),
            "tags" => tags_text(&self.tags),
            "notes" => self.notes.clone(),
            _ => String::new(),
        }
    }

    fn text(&self, field: &str) -> Cow<'_, str> {
        Cow::Borrowed(match field {
            "name" => &self.name,
            "job_title" => &self.job_title,
            "company" => &self.company,
            "wechat" => &self.wechat,
            "birthday" => self.birthday.as_deref().unwrap_or_default(),
            "notes" => &self.notes,
            _ => return Cow::Owned(self.get(field)),
        })
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn links(&self) -> Vec<(&'static str, RecordId, Option<Collection>)> {
        self.account
            .map(|id| ("account", id, Some(Collection::Account)))
            .into_iter()
            .collect()
    }

    crate::records::body_variant!(Contact);
}

impl Contact {
    /// Every number, the main one first.
    pub fn all_phones(&self) -> impl Iterator<Item = &Phone> {
        self.phone.iter().chain(&self.phones)
    }

    /// The contact as search sees it: the name, every phone number, the company (or the
    /// account's name, `account_name`), the email, the WeChat id, the job title and the tags.
    pub fn search_entry(&self, account_name: Option<&str>) -> Entry {
        let email = self.email.as_ref().map(Email::as_str).unwrap_or_default();
        let tags = tags_text(&self.tags);
        Entry::new(
            self.name.as_str(),
            self.all_phones(),
            [
                self.company.as_str(),
                account_name.unwrap_or_default(),
                email,
                self.wechat.as_str(),
                self.job_title.as_str(),
                tags.as_str(),
            ],
        )
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

/// Numbers separated by commas (ASCII or Chinese), semicolons, slashes or line breaks. Spaces
/// stay inside a number (`138 0013 8000`); the same number twice is kept once.
fn other_phones(raw: &str) -> Result<Vec<Phone>, Problem> {
    let mut out: Vec<Phone> = Vec::new();
    for part in raw.split([',', '，', ';', '；', '、', '/', '\n']) {
        if part.trim().is_empty() {
            continue;
        }
        let phone = Phone::parse(part)?;
        if !out.contains(&phone) {
            out.push(phone);
        }
    }
    if out.len() > OTHER_PHONES_MAX {
        return Err(Problem::TooMany {
            max: OTHER_PHONES_MAX,
        });
    }
    Ok(out)
}

/// A WeChat id ([`crate::schema::value`] reads it); blank means none.
fn wechat(raw: &str) -> Result<String, Problem> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    crate::schema::value::wechat(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::tests::{patch, problems, round_trips};
    use crate::records::{apply, create};
    use crate::search::Query;

    fn full() -> Contact {
        create(&patch(&[
            ("name", " 陈经理 "),
            ("job_title", "采购经理"),
            ("company", "桥科技"),
            ("phone", "139 1234 5678"),
            ("phones", "010-6552 9988；+86 138 0013 8000, 13800138000"),
            ("email", "chen@example.com"),
            ("wechat", "chen_jl-88"),
            ("birthday", "1985年3月9日"),
            ("tags", "决策人, 爱喝茶"),
            ("notes", "见过两次\n喜欢茶"),
        ]))
        .expect("valid")
    }

    #[test]
    fn a_complete_form_parses_and_reads_back() {
        let contact = full();
        assert_eq!(contact.name.as_str(), "陈经理");
        assert_eq!(contact.get("phone"), "139 1234 5678");
        assert_eq!(contact.get("phones"), "01065529988, 138 0013 8000");
        assert_eq!(contact.birthday.as_deref(), Some("1985-03-09"));
        assert_eq!(contact.tags, ["决策人", "爱喝茶"]);
        assert_eq!(contact.notes, "见过两次\n喜欢茶");
        round_trips(&contact);
    }

    #[test]
    fn a_contact_stored_before_the_newer_fields_still_reads() {
        let old = r#"{"name":"王总","company":"甲公司","phone":"+8613912345678","email":null,"notes":""}"#;
        let contact: Contact = serde_json::from_str(old).expect("reads");
        assert_eq!(contact.get("phone"), "139 1234 5678");
        assert_eq!((contact.account, contact.phones.len()), (None, 0));
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        assert_eq!(
            problems::<Contact>(&patch(&[
                ("name", ""),
                ("phone", "12345"),
                ("phones", "139 1234 5678, call me"),
                ("email", "nope"),
                ("wechat", "微信号"),
                ("birthday", "1985-02-30"),
                ("account", "not-an-id"),
                ("colour", "red"),
            ])),
            [
                ("account".to_owned(), "invalid"),
                ("birthday".to_owned(), "invalid_date"),
                ("colour".to_owned(), "unknown_field"),
                ("email".to_owned(), "invalid_email"),
                ("name".to_owned(), "required"),
                ("phone".to_owned(), "invalid_phone"),
                ("phones".to_owned(), "invalid_phone"),
                // Said as what it is (one reader of WeChat ids, the schema's).
                ("wechat".to_owned(), "invalid_wechat"),
            ]
        );
        let many = (0..=OTHER_PHONES_MAX)
            .map(|i| format!("1391234560{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            problems::<Contact>(&patch(&[("name", "陈"), ("phones", &many)])),
            [("phones".to_owned(), "too_many")]
        );
    }

    #[test]
    fn blank_optional_fields_mean_none() {
        let contact: Contact =
            create(&patch(&[("name", "陈"), ("phone", " "), ("email", "")])).expect("valid");
        assert_eq!((contact.phone, contact.email), (None, None));
    }

    #[test]
    fn an_edit_changes_only_what_it_carries() {
        let before = full();
        let after = apply(&before, &patch(&[("company", "新公司"), ("phone", "")])).expect("valid");
        assert_eq!(after.company, "新公司");
        assert_eq!(after.phone, None);
        assert_eq!(
            (after.name.clone(), after.phones.len()),
            (before.name.clone(), 2)
        );
        assert_eq!(
            crate::records::changed(&before, &after),
            ["company", "phone"]
        );
        assert_eq!(
            apply(&before, &patch(&[("name", " ")])).map_err(|e| e[0].problem.code()),
            Err("required")
        );
    }

    #[test]
    fn search_looks_at_every_field_and_every_number() {
        let contact = full();
        let entry = contact.search_entry(Some("Bridge Tech"));
        let found = |typed: &str| Query::new(typed).rank(&entry).is_some();
        for typed in [
            "陈",
            "cjl",
            "chenjingli",
            "BRIDGE",
            "桥科技",
            "13912345678",
            "1234 5678",
            "+86 138 0013 8000",
            "65529988",
            "chen@",
            "chen_jl",
            "采购",
            "决策人",
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
        let before = full();
        assert_eq!(
            apply(
                &before,
                &patch(&[
                    ("notes", &"字".repeat(crate::records::fields::TEXT_MAX + 1)),
                    ("company", "a\u{7}"),
                    ("wechat", &"w".repeat(WECHAT_MAX + 1)),
                ])
            ),
            Err(vec![
                Problem::ControlCharacters.at("company"),
                Problem::TooLong {
                    max: crate::records::fields::TEXT_MAX
                }
                .at("notes"),
                Problem::TooLong { max: WECHAT_MAX }.at("wechat"),
            ])
        );
    }
}
