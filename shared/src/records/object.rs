//! Records of the objects a company makes itself (项目, 竞品, …): every value is a custom value
//! ([`crate::sync::Record::custom`]) read through the object's definition; the typed part says
//! only which object the record belongs to and what it is called.

use serde::{Deserialize, Serialize};

use super::Kind;
use crate::problem::{FieldError, Problem};
use crate::schema::ObjectKey;
use crate::sync::record::{Body, Collection};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRecord {
    /// The object's key (`projects`): set when the record is made, never changed.
    pub object: String,
    /// The value of the object's name field as the last write left it (worked out by the
    /// mutators from the custom values), so that lists, search and sync issues name the record
    /// without reading the schema.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

impl ObjectRecord {
    /// A record of `object` named `name`.
    pub fn new(object: &ObjectKey, name: &str) -> Self {
        ObjectRecord {
            object: object.as_str().to_owned(),
            name: name.to_owned(),
        }
    }
}

impl Kind for ObjectRecord {
    const COLLECTION: Collection = Collection::Object;
    const FIELDS: &'static [&'static str] = &["object"];
    const REQUIRED: &'static [&'static str] = &["object"];

    fn blank() -> Self {
        ObjectRecord {
            object: String::new(),
            name: String::new(),
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "object" if raw.trim().is_empty() => {
                self.object.clear();
                Ok(())
            }
            "object" => {
                self.object = ObjectKey::parse(raw)?.as_str().to_owned();
                Ok(())
            }
            _ => Err(Problem::UnknownField),
        }
    }

    fn get(&self, field: &str) -> String {
        match field {
            "object" => self.object.clone(),
            _ => String::new(),
        }
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    super::body_variant!(Object);

    /// A record stays with the object it was made for.
    fn settle(
        &mut self,
        before: Option<&Self>,
        _env: &dyn super::Env,
    ) -> Result<(), Vec<FieldError>> {
        match before {
            Some(before) if before.object != self.object => {
                Err(vec![Problem::ReadOnly.at("object")])
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::tests::patch;
    use crate::records::{apply, create};

    #[test]
    fn a_record_names_its_object_once() {
        let made: ObjectRecord = create(&patch(&[("object", "projects")])).expect("made");
        assert_eq!(made.object, "projects");
        super::super::tests::round_trips(&made);
        let moved = apply(&made, &patch(&[("object", "rivals")])).expect_err("moved");
        assert_eq!(moved[0].field, "object");
        assert_eq!(moved[0].problem, Problem::ReadOnly);
        let problems = super::super::tests::problems::<ObjectRecord>(&patch(&[("object", "")]));
        assert_eq!(problems, vec![("object".to_owned(), "required")]);
        let problems =
            super::super::tests::problems::<ObjectRecord>(&patch(&[("object", "No Key")]));
        assert_eq!(problems[0].0, "object");
    }
}
