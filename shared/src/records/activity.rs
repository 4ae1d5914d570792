//! Activities: calls, visits, meetings, emails and notes, each about a record (an account, a
//! contact, a lead or a deal). A visit keeps where it happened when the phone allows it.

use serde::{Deserialize, Serialize};

use super::fields::{choice, instant, line, optional_line, text};
use super::{Kind, link, link_text};
use crate::ids::RecordId;
use crate::problem::Problem;
use crate::sync::record::{Body, Collection};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Visit,
    Meeting,
    Email,
    Note,
}

pub const ACTIVITY_KINDS: [(ActivityKind, &str); 5] = [
    (ActivityKind::Call, "call"),
    (ActivityKind::Visit, "visit"),
    (ActivityKind::Meeting, "meeting"),
    (ActivityKind::Email, "email"),
    (ActivityKind::Note, "note"),
];

impl ActivityKind {
    pub fn as_str(self) -> &'static str {
        ACTIVITY_KINDS
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("note", |(_, s)| s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub kind: ActivityKind,
    pub subject: String,
    /// The record it is about.
    #[serde(default)]
    pub about: Option<RecordId>,
    /// When it happened, UTC ms.
    #[serde(default)]
    pub at: Option<i64>,
    /// Where (an address, or `lat,lng` from the phone).
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub notes: String,
}

impl Kind for Activity {
    const COLLECTION: Collection = Collection::Activity;
    const FIELDS: &'static [&'static str] =
        &["kind", "subject", "about", "at", "location", "notes"];
    const REQUIRED: &'static [&'static str] = &["kind", "subject"];

    fn blank() -> Self {
        Activity {
            kind: ActivityKind::Note,
            subject: String::new(),
            about: None,
            at: None,
            location: String::new(),
            notes: String::new(),
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "kind" => {
                self.kind = choice(raw, &ACTIVITY_KINDS)?.ok_or(Problem::Required)?;
            }
            "subject" => self.subject = line(raw)?,
            "about" => self.about = link(raw)?,
            "at" => self.at = instant(raw)?,
            "location" => self.location = optional_line(raw)?,
            "notes" => self.notes = text(raw)?,
            _ => return Err(Problem::UnknownField),
        }
        Ok(())
    }

    fn get(&self, field: &str) -> String {
        match field {
            "kind" => self.kind.as_str().to_owned(),
            "subject" => self.subject.clone(),
            "about" => link_text(self.about),
            "at" => self.at.map(|t| t.to_string()).unwrap_or_default(),
            "location" => self.location.clone(),
            "notes" => self.notes.clone(),
            _ => String::new(),
        }
    }

    super::body_variant!(Activity);

    fn label(&self) -> String {
        self.subject.clone()
    }

    fn links(&self) -> Vec<(&'static str, RecordId, Option<Collection>)> {
        self.about
            .map(|id| ("about", id, None))
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::create;
    use crate::records::tests::{patch, problems, round_trips};

    #[test]
    fn a_visit_parses_and_reads_back() {
        let visit: Activity = create(&patch(&[
            ("kind", "visit"),
            ("subject", "拜访采购部"),
            ("at", "1795430400000"),
            ("location", "31.2304,121.4737"),
        ]))
        .expect("valid");
        assert_eq!(visit.kind, ActivityKind::Visit);
        round_trips(&visit);
    }

    #[test]
    fn bad_values_are_named_at_their_fields() {
        assert_eq!(
            problems::<Activity>(&patch(&[("kind", "party"), ("at", "yesterday")])),
            [
                ("at".to_owned(), "invalid"),
                ("kind".to_owned(), "invalid"),
                ("subject".to_owned(), "required"),
            ]
        );
    }
}
