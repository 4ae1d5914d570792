//! What a committed write did to each record, as those who act on changes hear of it: a record
//! created, updated (which fields), handed to another owner or team, deleted. The server works
//! these out from each write's record before and after, the same way whether a device pushed
//! the change or an API client made it, and hands them on once the transaction has committed.

use serde::{Deserialize, Serialize};

use super::record::{Collection, Record};
use crate::{RecordId, TeamId, UserId};

/// One thing that happened to one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The server version of the write (one per push or API write; events of one version
    /// come together).
    pub version: i64,
    /// When it was written, UTC milliseconds (the server's clock).
    pub at: i64,
    /// Who wrote it.
    pub by: UserId,
    pub record: RecordId,
    pub collection: Collection,
    pub what: Happened,
}

/// What happened to the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Happened {
    Created,
    /// Fields whose values changed: the typed fields' names, then custom fields' keys.
    Updated {
        fields: Vec<String>,
    },
    /// Handed from one owner (and team) to another.
    Assigned {
        from_owner: UserId,
        from_team: TeamId,
        to_owner: UserId,
        to_team: TeamId,
    },
    Deleted,
}

/// Whether changes to records of `collection` are told: records people work with and the
/// company's settings, not sync issues or the journal the server writes beside edits.
pub fn told(collection: Collection) -> bool {
    !matches!(collection, Collection::Issue | Collection::Change)
}

/// The fields a write changed on a record that was `before` (live, or `None` for a new one) and
/// is `after`: every field of a new record, else the typed fields whose values changed, then
/// the custom keys whose values changed (the server stamps these, and tells them).
pub fn changed_fields(before: Option<&Record>, after: &Record) -> Vec<String> {
    let Some(old) = before else {
        let typed = after.body.fields().iter().map(|f| (*f).to_owned());
        return typed.chain(after.custom.keys().cloned()).collect();
    };
    let mut fields: Vec<String> = old
        .body
        .changed_fields(&after.body)
        .into_iter()
        .map(str::to_owned)
        .collect();
    for key in old.custom.keys().chain(after.custom.keys()) {
        if old.custom.get(key) != after.custom.get(key) && !fields.contains(key) {
            fields.push(key.clone());
        }
    }
    fields
}

/// What a write did to a record that was `before` (live, or `None`) and is `after` (`None`:
/// deleted), `changed` being [`changed_fields`] of an edit. An edit that also hands the record
/// on gives both events; a write that changed nothing gives none.
pub fn happened(
    before: Option<&Record>,
    after: Option<&Record>,
    changed: &[String],
) -> Vec<Happened> {
    match (before, after) {
        (None, Some(_)) => vec![Happened::Created],
        (Some(_), None) => vec![Happened::Deleted],
        (None, None) => Vec::new(),
        (Some(old), Some(new)) => {
            let mut out = Vec::new();
            if !changed.is_empty() {
                out.push(Happened::Updated {
                    fields: changed.to_vec(),
                });
            }
            if old.owner != new.owner || old.team != new.team {
                out.push(Happened::Assigned {
                    from_owner: old.owner,
                    from_team: old.team,
                    to_owner: new.owner,
                    to_team: new.team,
                });
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::records::{create, patch};
    use crate::sync::Body;

    fn contact(fields: &[(&str, &str)]) -> Record {
        Record::created(
            RecordId::from_uuid(Uuid::from_u128(7)),
            UserId::from_uuid(Uuid::from_u128(1)),
            TeamId::from_uuid(Uuid::from_u128(2)),
            UserId::from_uuid(Uuid::from_u128(1)),
            0,
            Body::Contact(create(&patch(fields)).expect("a valid contact")),
        )
    }

    /// What `happened` says of a write, its changed fields worked out as the server does.
    fn happened(before: Option<&Record>, after: Option<&Record>) -> Vec<Happened> {
        let changed = match (before, after) {
            (Some(_), Some(new)) => changed_fields(before, new),
            _ => Vec::new(),
        };
        super::happened(before, after, &changed)
    }

    #[test]
    fn creations_deletions_edits_and_hand_overs_are_told_apart() {
        let old = contact(&[("name", "王芳"), ("job_title", "经理")]);
        // A new record's fields are all written: its typed ones and its custom values.
        let mut new_one = old.clone();
        new_one.custom.insert("grade".into(), json!("a"));
        let written = changed_fields(None, &new_one);
        assert!(written.contains(&"name".to_owned()) && written.contains(&"grade".to_owned()));
        assert_eq!(happened(None, Some(&old)), [Happened::Created]);
        assert_eq!(happened(Some(&old), None), [Happened::Deleted]);
        assert_eq!(happened(Some(&old), Some(&old)), []);

        let mut new = contact(&[("name", "王芳"), ("job_title", "总监")]);
        new.custom.insert("grade".into(), json!("a"));
        new.owner = UserId::from_uuid(Uuid::from_u128(3));
        assert_eq!(
            happened(Some(&old), Some(&new)),
            [
                Happened::Updated {
                    fields: vec!["job_title".into(), "grade".into()]
                },
                Happened::Assigned {
                    from_owner: old.owner,
                    from_team: old.team,
                    to_owner: new.owner,
                    to_team: old.team,
                },
            ]
        );
        // A custom value emptied is a change too.
        let mut emptied = old.clone();
        emptied.custom.insert("grade".into(), json!("a"));
        assert_eq!(
            happened(Some(&emptied), Some(&old)),
            [Happened::Updated {
                fields: vec!["grade".into()]
            }]
        );
    }

    #[test]
    fn the_journal_and_sync_issues_are_not_told() {
        assert!(told(Collection::Contact) && told(Collection::Schema));
        assert!(!told(Collection::Issue) && !told(Collection::Change));
    }

    #[test]
    fn events_read_as_documented() {
        let event = Event {
            version: 9,
            at: 1,
            by: UserId::from_uuid(Uuid::nil()),
            record: RecordId::from_uuid(Uuid::nil()),
            collection: Collection::Deal,
            what: Happened::Updated {
                fields: vec!["stage".into()],
            },
        };
        let text = serde_json::to_value(&event).expect("serializes");
        assert_eq!(
            text["what"],
            json!({"kind": "updated", "fields": ["stage"]})
        );
        assert_eq!(text["collection"], "deal");
    }
}
