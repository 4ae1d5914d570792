//! Accounts: the companies Qiao's users sell to.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::fields::{choice, count, line, optional_line, tags, tags_text};
use super::{Kind, Lifecycle};
use crate::problem::Problem;
use crate::sync::record::{Body, Collection};

/// How much an account matters, A (most) to D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

const GRADES: [(Grade, &str); 4] = [
    (Grade::A, "A"),
    (Grade::B, "B"),
    (Grade::C, "C"),
    (Grade::D, "D"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub website: String,
    /// Number of employees.
    #[serde(default)]
    pub size: Option<u32>,
    #[serde(default)]
    pub grade: Option<Grade>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default = "customer")]
    pub stage: Lifecycle,
}

fn customer() -> Lifecycle {
    Lifecycle::Customer
}

impl Kind for Account {
    const COLLECTION: Collection = Collection::Account;
    const FIELDS: &'static [&'static str] = &[
        "name", "industry", "province", "city", "address", "website", "size", "grade", "source",
        "tags", "stage",
    ];
    const REQUIRED: &'static [&'static str] = &["name"];

    fn blank() -> Self {
        Account {
            name: String::new(),
            industry: String::new(),
            province: String::new(),
            city: String::new(),
            address: String::new(),
            website: String::new(),
            size: None,
            grade: None,
            source: String::new(),
            tags: Vec::new(),
            stage: Lifecycle::Customer,
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "name" => self.name = line(raw)?,
            "industry" => self.industry = optional_line(raw)?,
            "province" => self.province = optional_line(raw)?,
            "city" => self.city = optional_line(raw)?,
            "address" => self.address = optional_line(raw)?,
            "website" => self.website = website(raw)?,
            "size" => self.size = count(raw)?,
            "grade" => self.grade = choice(raw, &GRADES)?,
            "source" => self.source = optional_line(raw)?,
            "tags" => self.tags = tags(raw)?,
            "stage" => self.stage = Lifecycle::parse(raw)?.unwrap_or(Lifecycle::Customer),
            _ => return Err(Problem::UnknownField),
        }
        Ok(())
    }

    fn get(&self, field: &str) -> String {
        match field {
            "name" => self.name.clone(),
            "industry" => self.industry.clone(),
            "province" => self.province.clone(),
            "city" => self.city.clone(),
            "address" => self.address.clone(),
            "website" => self.website.clone(),
            "size" => self.size.map(|s| s.to_string()).unwrap_or_default(),
            "grade" => self
                .grade
                .and_then(|g| GRADES.iter().find(|(v, _)| *v == g))
                .map(|(_, k)| (*k).to_owned())
                .unwrap_or_default(),
            "source" => self.source.clone(),
            "tags" => tags_text(&self.tags),
            "stage" => self.stage.as_str().to_owned(),
            _ => String::new(),
        }
    }

    fn text(&self, field: &str) -> Cow<'_, str> {
        Cow::Borrowed(match field {
            "name" => &self.name,
            "industry" => &self.industry,
            "province" => &self.province,
            "city" => &self.city,
            "address" => &self.address,
            "website" => &self.website,
            "source" => &self.source,
            "stage" => self.stage.as_str(),
            _ => return Cow::Owned(self.get(field)),
        })
    }

    super::body_variant!(Account);

    fn label(&self) -> String {
        self.name.clone()
    }
}

/// A web address ([`crate::schema::value`] reads it); blank means none.
fn website(raw: &str) -> Result<String, Problem> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    crate::schema::value::url(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::tests::{patch, problems, round_trips};
    use crate::records::{apply, create};

    #[test]
    fn a_full_account_parses_and_reads_back() {
        let account: Account = create(&patch(&[
            ("name", " 华东贸易集团 "),
            ("industry", "制造业"),
            ("province", "江苏"),
            ("city", "苏州"),
            ("website", "www.hdmy.cn"),
            ("size", "1,200"),
            ("grade", "a"),
            ("tags", "重点, 华东"),
            ("stage", "customer"),
        ]))
        .expect("valid");
        assert_eq!(account.name, "华东贸易集团");
        assert_eq!(account.website, "https://www.hdmy.cn");
        assert_eq!(account.size, Some(1200));
        assert_eq!(account.grade, Some(Grade::A));
        assert_eq!(account.tags, ["重点", "华东"]);
        round_trips(&account);
    }

    #[test]
    fn bad_values_are_named_at_their_fields() {
        assert_eq!(
            problems::<Account>(&patch(&[
                ("name", ""),
                ("grade", "E"),
                ("website", "not a site"),
                ("size", "-3"),
                ("colour", "red"),
            ])),
            [
                ("colour".to_owned(), "unknown_field"),
                ("grade".to_owned(), "invalid"),
                ("name".to_owned(), "required"),
                ("size".to_owned(), "invalid"),
                ("website".to_owned(), "invalid_url"),
            ]
        );
    }

    #[test]
    fn an_edit_changes_only_what_it_carries() {
        let before: Account = create(&patch(&[("name", "甲"), ("city", "上海")])).expect("valid");
        let after = apply(&before, &patch(&[("city", "北京")])).expect("valid");
        assert_eq!((after.name.as_str(), after.city.as_str()), ("甲", "北京"));
        assert_eq!(
            apply(&before, &patch(&[("name", " ")])).map_err(|e| e[0].problem.code()),
            Err("required")
        );
    }
}
