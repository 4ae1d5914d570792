//! The company's whole schema: every object, built in or made by an admin, checked together.
//! Links must point to objects that exist, rollups must fold a field that can be folded over a
//! link that points back, lookups must read a field of the linked object, and a custom object
//! must not take a key the product uses. An admin's change is checked this way before it is
//! saved, on the device and again on the server.

use super::builtin::ANY_OBJECT;
use super::{FieldDef, FieldType, ObjectDef, SchemaError};
use crate::formula::rollup::rollup_type;

/// Keys no custom object may take: the product's own REST paths and reserved words.
pub const RESERVED_KEYS: &[&str] = &[
    "objects",
    "field_types",
    "pipelines",
    "records",
    "rules",
    "pools",
    "notifications",
    "users",
    "teams",
    "roles",
    "sync",
    "auth",
    "setup",
];

/// Objects that links may name besides the schema's (built-in collections that are not
/// objects).
const LINKABLE: &[&str] = &["pipelines", ANY_OBJECT];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub objects: Vec<ObjectDef>,
}

/// What is wrong with a schema, and in which object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("two objects have the key {0}")]
    DuplicateObject(String),
    #[error("{0} is a key the product uses")]
    ReservedKey(String),
    #[error("in {object}: {error}")]
    Object { object: String, error: SchemaError },
    #[error("{object}.{field} links to {target}, which does not exist")]
    UnknownTarget {
        object: String,
        field: String,
        target: String,
    },
    #[error("{object}.{field}: {reason}")]
    BadRollup {
        object: String,
        field: String,
        reason: String,
    },
    #[error("{object}.{field}: {reason}")]
    BadLookup {
        object: String,
        field: String,
        reason: String,
    },
}

impl Schema {
    pub fn object(&self, key: &str) -> Option<&ObjectDef> {
        self.objects.iter().find(|o| o.key.as_str() == key)
    }

    /// The fields an admin added that link to records of `target` (one or several), each with
    /// its object, in the schema's order: the related lists a record of `target` shows beside
    /// the built-in ones. The product's own links are left out (the built-in related lists
    /// show them), and so are deleted fields.
    pub fn links_to(&self, target: &str) -> Vec<(&ObjectDef, &FieldDef)> {
        self.objects
            .iter()
            .flat_map(|o| o.fields.iter().map(move |f| (o, f)))
            .filter(|(_, f)| !f.system && f.deleted_at.is_none())
            .filter(|(_, f)| match &f.field_type {
                FieldType::Link { object } | FieldType::Links { object } => {
                    object.as_str() == target
                }
                _ => false,
            })
            .collect()
    }

    /// Whether the schema holds together (see the module's documentation).
    pub fn check(&self) -> Result<(), RegistryError> {
        for (i, object) in self.objects.iter().enumerate() {
            let name = object.key.as_str();
            if self.objects[..i].iter().any(|o| o.key == object.key) {
                return Err(RegistryError::DuplicateObject(name.to_owned()));
            }
            if !object.system && (RESERVED_KEYS.contains(&name) || LINKABLE.contains(&name)) {
                return Err(RegistryError::ReservedKey(name.to_owned()));
            }
            object
                .check_in(Some(self))
                .map_err(|error| RegistryError::Object {
                    object: name.to_owned(),
                    error,
                })?;
            for field in &object.fields {
                self.check_field(object, field)?;
            }
        }
        Ok(())
    }

    fn check_field(&self, object: &ObjectDef, field: &FieldDef) -> Result<(), RegistryError> {
        let here = || {
            (
                object.key.as_str().to_owned(),
                field.key.as_str().to_owned(),
            )
        };
        match &field.field_type {
            FieldType::Link { object: target } | FieldType::Links { object: target } => {
                let known =
                    self.object(target.as_str()).is_some() || LINKABLE.contains(&target.as_str());
                if !known {
                    let (object, field) = here();
                    return Err(RegistryError::UnknownTarget {
                        object,
                        field,
                        target: target.as_str().to_owned(),
                    });
                }
            }
            FieldType::SubTable { columns } => {
                for column in columns {
                    self.check_field(object, column)?;
                }
            }
            FieldType::Rollup {
                object: source,
                link,
                field: folded,
                function,
                filter,
            } => {
                let bad = |reason: String| {
                    let (object, field) = here();
                    RegistryError::BadRollup {
                        object,
                        field,
                        reason,
                    }
                };
                let source_object = self
                    .object(source.as_str())
                    .ok_or_else(|| bad(format!("there is no object {}", source.as_str())))?;
                let points_here = source_object.field(link.as_str()).is_some_and(|l| {
                    matches!(&l.field_type,
                        FieldType::Link { object: t } | FieldType::Links { object: t }
                            if t == &object.key || t.as_str() == ANY_OBJECT)
                });
                if !points_here {
                    return Err(bad(format!(
                        "{}.{} is not a link to {}",
                        source.as_str(),
                        link.as_str(),
                        object.key.as_str()
                    )));
                }
                let folded_def = source_object.field(folded.as_str()).ok_or_else(|| {
                    bad(format!(
                        "{} has no field {}",
                        source.as_str(),
                        folded.as_str()
                    ))
                })?;
                rollup_type(*function, folded_def).map_err(|e| bad(e.to_string()))?;
                if let Some(text) = filter {
                    crate::query::parse(text, source_object)
                        .map_err(|e| bad(e.message(crate::i18n::Locale::En)))?;
                }
            }
            FieldType::Lookup { link, field: read } => {
                let bad = |reason: String| {
                    let (object, field) = here();
                    RegistryError::BadLookup {
                        object,
                        field,
                        reason,
                    }
                };
                let target = match object.field(link.as_str()).map(|l| &l.field_type) {
                    Some(FieldType::Link { object: t }) => t,
                    _ => {
                        return Err(bad(format!(
                            "{} is not a link to one record",
                            link.as_str()
                        )));
                    }
                };
                let target_object = self
                    .object(target.as_str())
                    .ok_or_else(|| bad(format!("there is no object {}", target.as_str())))?;
                if target_object.field(read.as_str()).is_none() {
                    return Err(bad(format!(
                        "{} has no field {}",
                        target.as_str(),
                        read.as_str()
                    )));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Pipelines;
    use crate::schema::fixtures::{field, object};
    use crate::schema::{FieldKey, ObjectKey, RollupFn, builtin};

    /// The built-in objects, a custom object 项目 linked to accounts, and on accounts a rollup
    /// of its projects' budgets.
    fn schema(extra_on_accounts: FieldType) -> Schema {
        let mut objects = builtin::objects(&Pipelines::default());
        objects.push(object(
            "projects",
            "name",
            vec![
                field("name", FieldType::Text),
                field(
                    "account",
                    FieldType::Link {
                        object: ObjectKey::parse("accounts").expect("key"),
                    },
                ),
                field(
                    "budget",
                    FieldType::Money {
                        currency: "CNY".into(),
                    },
                ),
                field("stage", FieldType::Text),
                field(
                    "account_grade",
                    FieldType::Lookup {
                        link: FieldKey::parse("account").expect("key"),
                        field: FieldKey::parse("grade").expect("key"),
                    },
                ),
            ],
        ));
        if let Some(accounts) = objects.iter_mut().find(|o| o.key.as_str() == "accounts") {
            accounts
                .fields
                .push(field("projects_budget", extra_on_accounts));
        }
        Schema { objects }
    }

    fn rollup(link: &str, folded: &str, function: RollupFn, filter: Option<&str>) -> FieldType {
        FieldType::Rollup {
            object: ObjectKey::parse("projects").expect("key"),
            link: FieldKey::parse(link).expect("key"),
            field: FieldKey::parse(folded).expect("key"),
            function,
            filter: filter.map(str::to_owned),
        }
    }

    fn object_mut<'a>(schema: &'a mut Schema, key: &str) -> &'a mut ObjectDef {
        schema
            .objects
            .iter_mut()
            .find(|o| o.key.as_str() == key)
            .expect("an object of the schema")
    }

    #[test]
    fn the_fields_linking_to_an_object_are_the_added_live_ones() {
        let mut schema = schema(FieldType::Text);
        let keys = |s: &Schema, target: &str| -> Vec<String> {
            s.links_to(target)
                .iter()
                .map(|(o, f)| format!("{}.{}", o.key.as_str(), f.key.as_str()))
                .collect()
        };
        assert_eq!(keys(&schema, "accounts"), ["projects.account"]);
        // The product's own links (a contact's account) are not among them.
        assert!(keys(&schema, "projects").is_empty());
        object_mut(&mut schema, "contacts").fields.push(field(
            "projects",
            FieldType::Links {
                object: ObjectKey::parse("projects").expect("key"),
            },
        ));
        assert_eq!(keys(&schema, "projects"), ["contacts.projects"]);
        if let Some(link) = object_mut(&mut schema, "projects")
            .fields
            .iter_mut()
            .find(|f| f.key.as_str() == "account")
        {
            link.deleted_at = Some(1);
        }
        assert!(keys(&schema, "accounts").is_empty());
    }

    #[test]
    fn a_custom_object_with_a_rollup_and_a_lookup_holds_together() {
        let good = schema(rollup(
            "account",
            "budget",
            RollupFn::Sum,
            Some("stage = 进行中"),
        ));
        assert_eq!(good.check(), Ok(()));
        assert_eq!(
            schema(rollup("account", "budget", RollupFn::Count, None)).check(),
            Ok(())
        );
    }

    #[test]
    fn what_does_not_hold_together_is_named() {
        let reason = |schema: Schema| match schema.check() {
            Err(
                RegistryError::BadRollup { reason, .. } | RegistryError::BadLookup { reason, .. },
            ) => reason,
            other => format!("{other:?}"),
        };
        assert_eq!(
            reason(schema(rollup("name", "budget", RollupFn::Sum, None))),
            "projects.name is not a link to accounts"
        );
        assert_eq!(
            reason(schema(rollup("account", "cost", RollupFn::Sum, None))),
            "projects has no field cost"
        );
        assert_eq!(
            reason(schema(rollup("account", "name", RollupFn::Sum, None))),
            "SUM cannot fold this field's type"
        );
        assert!(
            reason(schema(rollup(
                "account",
                "budget",
                RollupFn::Sum,
                Some("stag = x")
            )))
            .contains("no field stag")
        );

        let mut bad_lookup = schema(FieldType::Text);
        if let Some(projects) = bad_lookup
            .objects
            .iter_mut()
            .find(|o| o.key.as_str() == "projects")
        {
            projects.fields.push(field(
                "account_size",
                FieldType::Lookup {
                    link: FieldKey::parse("account").expect("key"),
                    field: FieldKey::parse("headcount").expect("key"),
                },
            ));
        }
        assert_eq!(reason(bad_lookup), "accounts has no field headcount");

        let mut dangling = schema(FieldType::Text);
        if let Some(projects) = dangling
            .objects
            .iter_mut()
            .find(|o| o.key.as_str() == "projects")
        {
            projects.fields.push(field(
                "competitor",
                FieldType::Link {
                    object: ObjectKey::parse("competitors").expect("key"),
                },
            ));
        }
        assert_eq!(
            dangling.check(),
            Err(RegistryError::UnknownTarget {
                object: "projects".into(),
                field: "competitor".into(),
                target: "competitors".into()
            })
        );

        let mut reserved = schema(FieldType::Text);
        if let Some(projects) = reserved
            .objects
            .iter_mut()
            .find(|o| o.key.as_str() == "projects")
        {
            projects.key = ObjectKey::parse("pipelines").expect("key");
        }
        assert_eq!(
            reserved.check(),
            Err(RegistryError::ReservedKey("pipelines".into()))
        );

        let mut twice = schema(FieldType::Text);
        let copy = twice.objects[0].clone();
        twice.objects.push(copy);
        assert_eq!(
            twice.check(),
            Err(RegistryError::DuplicateObject("contacts".into()))
        );
    }
}
