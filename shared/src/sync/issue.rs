//! Sync issues: what the server did not do as the device asked (a **rejection**) and values a
//! device's change replaced although someone else had changed them since the device last saw
//! them (an **overwrite**). They are records of their own private collection, so they reach the
//! user's devices the way everything else does and survive reloads until dismissed.

use serde::{Deserialize, Serialize};

use crate::ids::{RecordId, UserId};
use crate::problem::FieldError;

/// Most characters of a record's name an issue keeps.
pub const MAX_ISSUE_LABEL: usize = 200;
/// Largest arguments (as JSON, in bytes) an issue keeps to offer the change again; larger ones
/// are left out (the panel then offers only to discard).
pub const MAX_ISSUE_ARGS: usize = 4096;
/// Most open sync issues a user has: past it, the oldest are dismissed (and counted).
pub const MAX_OPEN_ISSUES: usize = 200;
/// Most characters kept of any other text in an issue (a value, a message, a name).
const MAX_ISSUE_TEXT: usize = 2000;
/// Most field problems a rejection keeps.
const MAX_ISSUE_ERRORS: usize = 20;

/// Why the server refused a mutation. Permanent: retrying the same mutation gives the same
/// answer, so the mutation is consumed and the user decides what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rejection {
    #[error("some values are not valid")]
    Invalid { errors: Vec<FieldError> },
    #[error("the record no longer exists or is no longer visible to you")]
    NotFound,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("a record with this id already exists")]
    Exists,
    #[error("this version of the app sent a change the server does not know")]
    UnknownMutation,
    #[error("the change is malformed: {message}")]
    Malformed { message: String },
}

impl Rejection {
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Invalid { .. } => "invalid",
            Rejection::NotFound => "not_found",
            Rejection::Forbidden => "forbidden",
            Rejection::Exists => "exists",
            Rejection::UnknownMutation => "unknown_mutation",
            Rejection::Malformed { .. } => "malformed",
        }
    }
}

/// What kind of issue a [`SyncIssue`] is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IssueKind {
    /// The mutation was refused and changed nothing.
    Rejected { reason: Rejection },
    /// The mutation replaced `theirs` (written by `theirs_by`) in `field`; the device had last
    /// seen `original` there.
    Overwritten {
        field: String,
        mine: String,
        theirs: String,
        original: String,
        theirs_by: UserId,
    },
}

/// One sync issue, shown in the sync-issues panel until the user dismisses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncIssue {
    #[serde(flatten)]
    pub kind: IssueKind,
    /// The mutation's name and arguments, so that it can be applied again.
    pub mutation: String,
    pub args: serde_json::Value,
    /// The record the mutation was about, if any.
    pub record: Option<RecordId>,
    /// What the record is called, to show in the panel even when the record is gone; empty
    /// when the author may not see the record (`hidden`).
    pub label: String,
    /// The record is one the author may not see: the panel says "a record you cannot see".
    #[serde(default, skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// How many older issues were dismissed to make room for this one and those written with
    /// it (a user keeps at most [`MAX_OPEN_ISSUES`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pruned: u32,
}

fn is_false(b: &bool) -> bool {
    !b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl SyncIssue {
    /// An issue that keeps a bounded amount of what it was made from, however large the
    /// refused change was: the name of the record cut to [`MAX_ISSUE_LABEL`] characters, the
    /// arguments only when they fit in [`MAX_ISSUE_ARGS`] bytes, every other text cut short.
    /// `label` is `None` when the author may not see the record.
    pub fn bounded(
        kind: IssueKind,
        mutation: &str,
        args: &serde_json::Value,
        record: Option<RecordId>,
        label: Option<&str>,
    ) -> Self {
        let args_fit = serde_json::to_string(args).is_ok_and(|json| json.len() <= MAX_ISSUE_ARGS);
        SyncIssue {
            kind: kind.bounded(),
            mutation: cut(mutation, 64),
            args: if args_fit {
                args.clone()
            } else {
                serde_json::Value::Null
            },
            record,
            hidden: label.is_none() && record.is_some(),
            label: label.map(|l| cut(l, MAX_ISSUE_LABEL)).unwrap_or_default(),
            pruned: 0,
        }
    }
}

impl IssueKind {
    fn bounded(self) -> Self {
        match self {
            IssueKind::Rejected { reason } => IssueKind::Rejected {
                reason: match reason {
                    Rejection::Invalid { errors } => Rejection::Invalid {
                        errors: errors
                            .into_iter()
                            .take(MAX_ISSUE_ERRORS)
                            .map(|e| FieldError {
                                field: cut(&e.field, 64),
                                problem: e.problem,
                            })
                            .collect(),
                    },
                    Rejection::Malformed { message } => Rejection::Malformed {
                        message: cut(&message, MAX_ISSUE_LABEL),
                    },
                    other => other,
                },
            },
            IssueKind::Overwritten {
                field,
                mine,
                theirs,
                original,
                theirs_by,
            } => IssueKind::Overwritten {
                field: cut(&field, 64),
                mine: cut(&mine, MAX_ISSUE_TEXT),
                theirs: cut(&theirs, MAX_ISSUE_TEXT),
                original: cut(&original, MAX_ISSUE_TEXT),
                theirs_by,
            },
        }
    }
}

/// The first `max` characters of `text`.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn keeps_little_of_a_huge_refused_change() {
        let name = "名".repeat(1_000_000);
        let args = serde_json::json!({"fields": {"name": name}});
        let reason = Rejection::Invalid {
            errors: (0..1000)
                .map(|i| Problem::UnknownField.at(&format!("f{i}{}", "x".repeat(500))))
                .collect(),
        };
        let issue = SyncIssue::bounded(
            IssueKind::Rejected { reason },
            &"m".repeat(100_000),
            &args,
            None,
            Some(&name),
        );
        assert_eq!(issue.label.chars().count(), MAX_ISSUE_LABEL);
        assert_eq!(issue.args, serde_json::Value::Null);
        assert_eq!(issue.mutation.len(), 64);
        let IssueKind::Rejected {
            reason: Rejection::Invalid { errors },
        } = &issue.kind
        else {
            panic!("kind kept")
        };
        assert_eq!(errors.len(), MAX_ISSUE_ERRORS);
        assert!(errors.iter().all(|e| e.field.chars().count() == 64));
        let json = serde_json::to_string(&issue).unwrap_or_default();
        assert!(json.len() < 8 * 1024, "{} bytes", json.len());
    }

    #[test]
    fn small_changes_are_kept_whole_and_hidden_records_unnamed() {
        let args = serde_json::json!({"id": "x", "fields": {"name": "王芳"}});
        let issue = SyncIssue::bounded(
            IssueKind::Rejected {
                reason: Rejection::NotFound,
            },
            "record.update",
            &args,
            Some(RecordId::from_uuid(uuid::Uuid::nil())),
            None,
        );
        assert_eq!(issue.args, args);
        assert!(issue.hidden);
        assert_eq!(issue.label, "");
        assert_eq!(cut("王芳ab", 3), "王芳a");
        assert_eq!(cut("ab", 3), "ab");
    }
}
