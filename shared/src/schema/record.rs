//! A record checked against its object's definition: what a form, a REST write, an import row
//! or an older device sends is read field by field with the field's type, conditions decide
//! which fields show and which are required, and every problem is reported at its field at
//! once. Unique values are the server's to check (it sees every record).

use serde_json::{Map, Value as Json};

use super::{Condition, ConditionOp, FieldDef, ObjectDef, Value};
use crate::problem::{FieldError, Problem};

/// Whether `condition` holds for a record whose fields are `record` (its JSON form).
pub fn holds(condition: &Condition, object: &ObjectDef, record: &Map<String, Json>) -> bool {
    let Some(def) = object.field(condition.field.as_str()) else {
        return false;
    };
    let value = Value::from_json(
        &def.field_type,
        record.get(condition.field.as_str()).unwrap_or(&Json::Null),
    )
    .unwrap_or(Value::Empty);
    let empty = match &value {
        Value::Empty => true,
        Value::List(items) => items.is_empty(),
        Value::Ids(ids) => ids.is_empty(),
        Value::Rows(rows) => rows.is_empty(),
        Value::Files(files) => files.is_empty(),
        // An unticked box is "no", never empty.
        _ => false,
    };
    let equals = || {
        let wanted = Value::from_json(&def.field_type, &condition.value).unwrap_or(Value::Empty);
        match (&value, &wanted) {
            // A list "is" a value when it holds it.
            (Value::List(items), Value::List(w)) => w.iter().all(|x| items.contains(x)),
            _ => value == wanted,
        }
    };
    match condition.op {
        ConditionOp::Is => equals(),
        ConditionOp::IsNot => !equals(),
        ConditionOp::Empty => empty,
        ConditionOp::NotEmpty => !empty,
    }
}

impl FieldDef {
    /// Whether the field shows on a record whose fields are `record` (a hidden field never
    /// does).
    pub fn is_shown(&self, object: &ObjectDef, record: &Map<String, Json>) -> bool {
        !self.hidden
            && self
                .shown_when
                .as_ref()
                .is_none_or(|c| holds(c, object, record))
    }

    /// Whether the field must have a value on such a record: only when it shows.
    pub fn is_required(&self, object: &ObjectDef, record: &Map<String, Json>) -> bool {
        self.is_shown(object, record)
            && (self.required
                || self
                    .required_when
                    .as_ref()
                    .is_some_and(|c| holds(c, object, record)))
    }
}

/// What a write sends: the changed fields' JSON forms (a create sends every field it sets).
pub type Changes = Map<String, Json>;

/// Read `changes` to a record (`before`, empty for a create) of `object`: every field checked by
/// its type, unknown and worked-out fields refused, then the record as a whole: every field
/// required (by itself or by a condition) and shown must have a value. Hidden fields keep
/// their values. Returns the record's fields after the write, or every problem at its field.
pub fn write(
    object: &ObjectDef,
    before: &Map<String, Json>,
    changes: &Changes,
) -> Result<Map<String, Json>, Vec<FieldError>> {
    write_checking(object, before, changes, true)
}

/// [`write`] for an edit of a record that may predate a field's being required: only the
/// fields the edit changes must not be left empty.
pub fn edit(
    object: &ObjectDef,
    before: &Map<String, Json>,
    changes: &Changes,
) -> Result<Map<String, Json>, Vec<FieldError>> {
    write_checking(object, before, changes, false)
}

fn write_checking(
    object: &ObjectDef,
    before: &Map<String, Json>,
    changes: &Changes,
    every_required: bool,
) -> Result<Map<String, Json>, Vec<FieldError>> {
    let mut after = before.clone();
    let mut problems = Vec::new();
    for (key, json) in changes {
        let Some(def) = object.field(key) else {
            problems.push(Problem::UnknownField.at(key));
            continue;
        };
        if def.read_only || def.field_type.kind().is_computed() {
            problems.push(Problem::ReadOnly.at(key));
            continue;
        }
        match Value::from_json(&def.field_type, json) {
            Ok(Value::Empty) => {
                after.remove(key);
            }
            // Stored in the canonical form (a phone in E.164, a key not a label).
            Ok(value) => {
                after.insert(key.clone(), value.to_json());
            }
            Err(problem) => problems.push(problem.at(key)),
        }
    }
    {
        for def in &object.fields {
            let key = def.key.as_str();
            if problems.iter().any(|p: &FieldError| p.field == key) {
                continue;
            }
            let missing = match after.get(key) {
                None | Some(Json::Null) => true,
                Some(Json::Array(items)) => items.is_empty(),
                Some(_) => false,
            };
            let checked = every_required || changes.contains_key(key);
            if missing && checked && def.is_required(object, &after) {
                problems.push(Problem::Required.at(key));
            }
        }
    }
    if problems.is_empty() {
        Ok(after)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::fixtures::{field, object};
    use crate::schema::{Choice, FieldKey, FieldType, Labels};

    fn condition(field: &str, op: ConditionOp, value: Json) -> Option<Condition> {
        Some(Condition {
            field: FieldKey::parse(field).expect("key"),
            op,
            value,
        })
    }

    /// A visit report: a reason shown only for lost deals and then required; a competitor
    /// required when the reason is "price".
    fn visits() -> ObjectDef {
        let choice = |key: &str| Choice {
            key: key.into(),
            label: Labels::new(key, key),
            color: None,
            retired: false,
        };
        object(
            "visits",
            "subject",
            vec![
                FieldDef {
                    required: true,
                    ..field("subject", FieldType::Text)
                },
                field("lost", FieldType::Checkbox),
                FieldDef {
                    required: true,
                    shown_when: condition("lost", ConditionOp::Is, json!(true)),
                    ..field(
                        "reason",
                        FieldType::SingleSelect {
                            options: vec![choice("price"), choice("timing")],
                        },
                    )
                },
                FieldDef {
                    required_when: condition("reason", ConditionOp::Is, json!("price")),
                    ..field("competitor", FieldType::Text)
                },
                field("phone", FieldType::Phone),
                FieldDef {
                    hidden: true,
                    ..field("legacy_code", FieldType::Text)
                },
                field(
                    "score",
                    FieldType::Formula {
                        expression: "1".into(),
                    },
                ),
            ],
        )
    }

    fn map(value: Json) -> Map<String, Json> {
        match value {
            Json::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn problems(result: Result<Map<String, Json>, Vec<FieldError>>) -> Vec<(String, Problem)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn conditions_decide_what_shows_and_what_is_required() {
        let object = visits();
        let none = Map::new();
        let write_new = |changes: Json| write(&object, &none, &map(changes));
        // The reason shows (and is required) only for a lost visit.
        assert!(write_new(json!({"subject": "回访"})).is_ok());
        assert_eq!(
            problems(write_new(json!({"subject": "回访", "lost": true}))),
            [("reason".to_owned(), Problem::Required)]
        );
        assert_eq!(
            problems(write_new(
                json!({"subject": "回访", "lost": true, "reason": "price"})
            )),
            [("competitor".to_owned(), Problem::Required)]
        );
        let saved = write_new(
            json!({"subject": "回访", "lost": true, "reason": "timing", "phone": "138 0013 8000"}),
        )
        .expect("valid");
        // Values are kept in their canonical form.
        assert_eq!(saved["phone"], "+8613800138000");
        // A required field hidden by its condition is not required (its value stays).
        let mut won = saved.clone();
        won.insert("lost".into(), json!(false));
        let reason = object.field("reason").expect("reason");
        assert!(!reason.is_shown(&object, &won));
        assert!(!reason.is_required(&object, &won));
        assert!(write(&object, &saved, &map(json!({"lost": false}))).is_ok());
        // Hidden fields never show.
        assert!(
            !object
                .field("legacy_code")
                .expect("field")
                .is_shown(&object, &saved)
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let object = visits();
        let found = problems(write(
            &object,
            &Map::new(),
            &map(json!({
                "subject": "",
                "phone": "call me",
                "reason": "weather",
                "colour": "red",
                "score": 5,
            })),
        ));
        let mut fields: Vec<(String, Problem)> = found;
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            fields,
            [
                ("colour".to_owned(), Problem::UnknownField),
                ("phone".to_owned(), Problem::InvalidPhone),
                ("reason".to_owned(), Problem::UnknownOption),
                ("score".to_owned(), Problem::ReadOnly),
                ("subject".to_owned(), Problem::Required),
            ]
        );
        // Blanking a required field on an edit is refused; blanking another removes it.
        let saved = write(
            &object,
            &Map::new(),
            &map(json!({"subject": "回访", "phone": "13800138000"})),
        )
        .expect("valid");
        assert_eq!(
            problems(write(&object, &saved, &map(json!({"subject": null})))),
            [("subject".to_owned(), Problem::Required)]
        );
        let cleared = write(&object, &saved, &map(json!({"phone": ""}))).expect("valid");
        assert!(!cleared.contains_key("phone"));
    }
}
