//! Tasks: something to do by a time, for the record's owner (the assignee), maybe about a
//! record. The app reminds the assignee at the due time, also offline.

use serde::{Deserialize, Serialize};

use super::fields::{instant, line, text};
use super::{Kind, link, link_text};
use crate::ids::RecordId;
use crate::problem::Problem;
use crate::sync::record::{Body, Collection};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub title: String,
    /// UTC ms.
    #[serde(default)]
    pub due: Option<i64>,
    #[serde(default)]
    pub done: bool,
    #[serde(default)]
    pub about: Option<RecordId>,
    #[serde(default)]
    pub notes: String,
}

impl Task {
    /// Whether the task is open and its due time has passed.
    pub fn is_overdue(&self, now: i64) -> bool {
        !self.done && self.due.is_some_and(|d| d < now)
    }
}

impl Kind for Task {
    const COLLECTION: Collection = Collection::Task;
    const FIELDS: &'static [&'static str] = &["title", "due", "done", "about", "notes"];
    const REQUIRED: &'static [&'static str] = &["title"];

    fn blank() -> Self {
        Task {
            title: String::new(),
            due: None,
            done: false,
            about: None,
            notes: String::new(),
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "title" => self.title = line(raw)?,
            "due" => self.due = instant(raw)?,
            "done" => {
                self.done = match raw.trim() {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" | "" => false,
                    _ => return Err(Problem::Invalid),
                }
            }
            "about" => self.about = link(raw)?,
            "notes" => self.notes = text(raw)?,
            _ => return Err(Problem::UnknownField),
        }
        Ok(())
    }

    fn get(&self, field: &str) -> String {
        match field {
            "title" => self.title.clone(),
            "due" => self.due.map(|t| t.to_string()).unwrap_or_default(),
            "done" => self.done.to_string(),
            "about" => link_text(self.about),
            "notes" => self.notes.clone(),
            _ => String::new(),
        }
    }

    super::body_variant!(Task);

    fn label(&self) -> String {
        self.title.clone()
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
    use crate::records::tests::{patch, problems, round_trips};
    use crate::records::{apply, create};

    #[test]
    fn a_task_parses_reads_back_and_is_overdue_after_its_time() {
        let task: Task =
            create(&patch(&[("title", "寄送报价单"), ("due", "1000")])).expect("valid");
        round_trips(&task);
        assert!(task.is_overdue(2000));
        assert!(!task.is_overdue(500));
        let done = apply(&task, &patch(&[("done", "true")])).expect("valid");
        assert!(!done.is_overdue(2000));
    }

    #[test]
    fn bad_values_are_named_at_their_fields() {
        assert_eq!(
            problems::<Task>(&patch(&[("done", "maybe"), ("due", "-5")])),
            [
                ("done".to_owned(), "invalid"),
                ("due".to_owned(), "invalid"),
                ("title".to_owned(), "required"),
            ]
        );
    }
}
