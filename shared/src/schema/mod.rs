//! Objects and fields as data: what a kind of record is ([`ObjectDef`]) and what each of its
//! fields holds ([`FieldDef`], [`FieldType`]), so that an admin can add fields and objects
//! without code, and forms, lists, REST, import and search all read one definition.
//!
//! - [`field_type`]: the field types and their options;
//! - [`value`]: one parser, formatter, comparator and search text per field type;
//! - [`record`]: a write checked against the definition (types, conditions, required fields);
//! - [`convert`]: changing a field's type (which changes are offered, what becomes of values);
//! - [`registry`]: the whole schema checked together (links, rollups, lookups, reserved keys);
//! - [`checks`]: identity card numbers and unified social credit codes;
//! - [`builtin`]: the built-in objects (contacts, accounts, …) described the same way;
//! - [`company`]: the company's schema as one synced record, and the admin's changes to it;
//! - [`layout`]: how an object's form is laid out (sections, columns, the designer's moves);
//! - [`auto_number`]: numbers the server assigns (`HT-20261130-0001`) and provisional ones.

pub mod auto_number;
pub mod builtin;
pub mod checks;
pub mod company;
pub mod convert;
pub mod field_type;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod layout;
pub mod record;
pub mod registry;
pub mod value;

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

pub use field_type::{Choice, FieldKind, FieldType, RollupFn, choices_of, slug};
pub use value::Value;

/// A text in both languages of the UI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    pub zh: String,
    pub en: String,
}

impl Labels {
    pub fn new(zh: &str, en: &str) -> Self {
        Labels {
            zh: zh.to_owned(),
            en: en.to_owned(),
        }
    }

    /// The text in `locale`, or the other language's when this one is blank.
    pub fn get(&self, locale: crate::i18n::Locale) -> &str {
        let (first, second) = match locale {
            crate::i18n::Locale::ZhCn => (&self.zh, &self.en),
            crate::i18n::Locale::En => (&self.en, &self.zh),
        };
        if first.trim().is_empty() {
            second
        } else {
            first
        }
    }
}

/// Longest key of a field or an object.
pub const KEY_MAX: usize = 40;

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A key: a lower-case ASCII letter, then lower-case letters, digits and `_`, at
            /// most [`KEY_MAX`] characters (`amount`, `lead_source`, `x_region_2`).
            pub fn parse(raw: &str) -> Result<Self, Problem> {
                parse_key(raw).map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Problem;
            fn try_from(raw: String) -> Result<Self, Problem> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(key: $name) -> String {
                key.0
            }
        }
    };
}

key_type! {
    /// The stable key of a field: stored in records and used by REST, formulas and rules; it
    /// never changes once the field exists (labels may).
    FieldKey
}

key_type! {
    /// The stable key of an object (`contacts`, `deals`, `projects`): its REST path segment.
    ObjectKey
}

fn parse_key(raw: &str) -> Result<String, Problem> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(Problem::Required);
    }
    if key.len() > KEY_MAX {
        return Err(Problem::TooLong { max: KEY_MAX });
    }
    let mut chars = key.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !starts_well || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(Problem::InvalidKey);
    }
    Ok(key.to_owned())
}

/// When a field is shown (or required): another field of the record compared with a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub field: FieldKey,
    pub op: ConditionOp,
    /// The value compared with, in the field's JSON form (ignored by `empty`/`not_empty`).
    #[serde(default)]
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
    Is,
    IsNot,
    Empty,
    NotEmpty,
}

/// One field of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub key: FieldKey,
    pub label: Labels,
    #[serde(default, skip_serializing_if = "is_blank")]
    pub help: Labels,
    #[serde(rename = "field_type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub required: bool,
    /// No two records of the object may hold the same value.
    #[serde(default)]
    pub unique: bool,
    /// The value a new record starts with, in the field's JSON form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(default)]
    pub read_only: bool,
    /// Shown only when this holds (and then only required when shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<Condition>,
    /// A field the product defines (relabelled or hidden, never deleted or retyped).
    #[serde(default)]
    pub system: bool,
    #[serde(default)]
    pub hidden: bool,
    /// When an admin deleted the field (UTC ms): its values stay in the records, out of sight,
    /// and it can be restored for [`company::KEEP_DELETED_MS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<i64>,
}

fn is_blank(labels: &Labels) -> bool {
    labels.zh.is_empty() && labels.en.is_empty()
}

impl FieldDef {
    /// A field with only its key, label and type set.
    pub fn new(key: &str, label: Labels, field_type: FieldType) -> Result<Self, Problem> {
        Ok(FieldDef {
            key: FieldKey::parse(key)?,
            label,
            help: Labels::default(),
            field_type,
            required: false,
            unique: false,
            default: None,
            read_only: false,
            shown_when: None,
            required_when: None,
            system: false,
            hidden: false,
            deleted_at: None,
        })
    }
}

/// A kind of record: a built-in one (contacts, deals, …) or one an admin made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectDef {
    pub key: ObjectKey,
    pub name: Labels,
    /// The field that names a record in lists, links and search.
    pub name_field: FieldKey,
    /// The columns a list shows until someone chooses others.
    #[serde(default)]
    pub list_columns: Vec<FieldKey>,
    #[serde(default)]
    pub icon: String,
    /// Built into the product (its Rust logic reads fields through this definition).
    #[serde(default)]
    pub system: bool,
    pub fields: Vec<FieldDef>,
    /// How its form is laid out (empty: every field in one section, in order).
    #[serde(default, skip_serializing_if = "layout::Layout::is_empty")]
    pub layout: layout::Layout,
}

/// Why an object's definition cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("two fields have the key {0}")]
    DuplicateKey(String),
    #[error("the name field {0} is not a field of the object")]
    UnknownNameField(String),
    #[error("the list column {0} is not a field of the object")]
    UnknownColumn(String),
    #[error("the condition of {field} names {missing}, which is not a field of the object")]
    UnknownConditionField { field: String, missing: String },
    #[error("{field} offers the choice {choice} twice")]
    DuplicateChoice { field: String, choice: String },
    #[error("the default of {field} is not a value of its type")]
    BadDefault { field: String, problem: Problem },
    #[error("the condition of {field} compares with a value its field cannot hold")]
    BadConditionValue { field: String, problem: Problem },
    /// A formula that does not compile (a syntax or type error, a cycle): its field and the
    /// error, with the part of the expression to underline.
    #[error("the formula of {field} is wrong")]
    Formula {
        field: String,
        error: crate::formula::FormulaError,
    },
    #[error(transparent)]
    Layout(#[from] layout::LayoutError),
}

impl ObjectDef {
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key.as_str() == key)
    }

    /// The fields a list shows after a record's name until someone chooses others: the list
    /// columns, else the first four shown fields.
    pub fn usual_columns(&self) -> Vec<&FieldDef> {
        let chosen: Vec<&FieldDef> = self
            .list_columns
            .iter()
            .filter(|c| **c != self.name_field)
            .filter_map(|c| self.field(c.as_str()))
            .collect();
        if !chosen.is_empty() {
            return chosen;
        }
        self.fields
            .iter()
            .filter(|f| f.key != self.name_field && !f.hidden)
            .take(4)
            .collect()
    }

    /// Whether the definition holds together: keys unique, the name field, list columns and
    /// conditions naming fields that exist, each select's choices unique, each formula
    /// compiling (types checked, no cycles). Formulas reading rollups or lookups need the
    /// other objects: check those with the whole schema ([`registry::Schema::check`]).
    pub fn check(&self) -> Result<(), SchemaError> {
        self.check_in(None)
    }

    /// [`ObjectDef::check`] with every object of `schema` at hand.
    pub fn check_in(&self, schema: Option<&registry::Schema>) -> Result<(), SchemaError> {
        for (i, field) in self.fields.iter().enumerate() {
            if self.fields[..i].iter().any(|f| f.key == field.key) {
                return Err(SchemaError::DuplicateKey(field.key.as_str().to_owned()));
            }
            let choices = field.field_type.choices();
            for (j, choice) in choices.iter().enumerate() {
                if choices[..j].iter().any(|c| c.key == choice.key) {
                    return Err(SchemaError::DuplicateChoice {
                        field: field.key.as_str().to_owned(),
                        choice: choice.key.clone(),
                    });
                }
            }
            if matches!(field.field_type, FieldType::Formula { .. }) {
                crate::formula::Formula::compile_field_in(field.key.as_str(), &self.fields, schema)
                    .map_err(|error| SchemaError::Formula {
                        field: field.key.as_str().to_owned(),
                        error,
                    })?;
            }
            for condition in [&field.shown_when, &field.required_when]
                .into_iter()
                .flatten()
            {
                let Some(compared) = self.field(condition.field.as_str()) else {
                    return Err(SchemaError::UnknownConditionField {
                        field: field.key.as_str().to_owned(),
                        missing: condition.field.as_str().to_owned(),
                    });
                };
                // The value compared with must be one the compared field can hold.
                let needs_value = matches!(condition.op, ConditionOp::Is | ConditionOp::IsNot);
                if needs_value
                    && let Err(problem) = Value::from_json(&compared.field_type, &condition.value)
                {
                    return Err(SchemaError::BadConditionValue {
                        field: field.key.as_str().to_owned(),
                        problem,
                    });
                }
            }
            // A default must be a value of the field's type.
            if let Some(default) = &field.default
                && let Err(problem) = Value::from_json(&field.field_type, default)
            {
                return Err(SchemaError::BadDefault {
                    field: field.key.as_str().to_owned(),
                    problem,
                });
            }
        }
        if self.field(self.name_field.as_str()).is_none() {
            return Err(SchemaError::UnknownNameField(
                self.name_field.as_str().to_owned(),
            ));
        }
        if let Some(column) = self
            .list_columns
            .iter()
            .find(|c| self.field(c.as_str()).is_none())
        {
            return Err(SchemaError::UnknownColumn(column.as_str().to_owned()));
        }
        self.layout.check(self)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let cases: &[(&str, Result<&str, Problem>)] = &[
            ("amount", Ok("amount")),
            (" lead_source ", Ok("lead_source")),
            ("x_region_2", Ok("x_region_2")),
            ("", Err(Problem::Required)),
            ("Amount", Err(Problem::InvalidKey)),
            ("2nd", Err(Problem::InvalidKey)),
            ("_x", Err(Problem::InvalidKey)),
            ("金额", Err(Problem::InvalidKey)),
            ("a-b", Err(Problem::InvalidKey)),
            (
                "a_very_long_key_that_goes_on_and_on_and_on",
                Err(Problem::TooLong { max: KEY_MAX }),
            ),
        ];
        for (raw, expected) in cases {
            let got = FieldKey::parse(raw);
            assert_eq!(
                got.as_ref().map(FieldKey::as_str),
                expected.as_ref().map(|k| *k),
                "{raw:?}"
            );
        }
        // A stored key is read back through the same parser.
        assert!(serde_json::from_str::<FieldKey>("\"Bad Key\"").is_err());
    }

    #[test]
    fn usual_columns_are_the_list_columns_else_the_first_shown_fields() {
        let keys = |o: &ObjectDef| -> Vec<String> {
            o.usual_columns()
                .iter()
                .map(|d| d.key.as_str().to_owned())
                .collect()
        };
        let mut o = project();
        assert_eq!(keys(&o), ["stage"]);
        o.list_columns.clear();
        assert_eq!(keys(&o), ["stage"]);
        o.fields[1].hidden = true;
        assert!(keys(&o).is_empty());
    }

    fn project() -> ObjectDef {
        let name =
            FieldDef::new("name", Labels::new("名称", "Name"), FieldType::Text).expect("key");
        let stage = FieldDef::new(
            "stage",
            Labels::new("阶段", "Stage"),
            FieldType::SingleSelect {
                options: vec![
                    Choice {
                        key: "plan".into(),
                        label: Labels::new("规划", "Planning"),
                        color: None,
                        retired: false,
                    },
                    Choice {
                        key: "build".into(),
                        label: Labels::new("实施", "Building"),
                        color: Some("#1f4fd1".into()),
                        retired: false,
                    },
                ],
            },
        )
        .expect("key");
        ObjectDef {
            key: ObjectKey::parse("projects").expect("key"),
            name: Labels::new("项目", "Projects"),
            name_field: name.key.clone(),
            list_columns: vec![name.key.clone(), stage.key.clone()],
            icon: "▣".into(),
            system: false,
            fields: vec![name, stage],
            layout: Default::default(),
        }
    }

    #[test]
    fn an_object_definition_holds_together_or_says_why_not() {
        let good = project();
        assert_eq!(good.check(), Ok(()));
        let json = serde_json::to_string(&good).expect("serializes");
        let back: ObjectDef = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, good);

        let mut twice = project();
        twice.fields.push(twice.fields[0].clone());
        assert_eq!(twice.check(), Err(SchemaError::DuplicateKey("name".into())));

        let mut no_name = project();
        no_name.name_field = FieldKey::parse("title").expect("key");
        assert_eq!(
            no_name.check(),
            Err(SchemaError::UnknownNameField("title".into()))
        );

        let mut column = project();
        column
            .list_columns
            .push(FieldKey::parse("owner").expect("key"));
        assert_eq!(
            column.check(),
            Err(SchemaError::UnknownColumn("owner".into()))
        );

        let mut condition = project();
        condition.fields[1].shown_when = Some(Condition {
            field: FieldKey::parse("kind").expect("key"),
            op: ConditionOp::Is,
            value: serde_json::json!("internal"),
        });
        assert_eq!(
            condition.check(),
            Err(SchemaError::UnknownConditionField {
                field: "stage".into(),
                missing: "kind".into()
            })
        );

        let mut default = project();
        default.fields[1].default = Some(serde_json::json!("done"));
        assert_eq!(
            default.check(),
            Err(SchemaError::BadDefault {
                field: "stage".into(),
                problem: Problem::UnknownOption
            })
        );
        default.fields[1].default = Some(serde_json::json!("plan"));
        assert_eq!(default.check(), Ok(()));

        let mut compared = project();
        compared.fields[0].shown_when = Some(Condition {
            field: FieldKey::parse("stage").expect("key"),
            op: ConditionOp::Is,
            value: serde_json::json!("launched"),
        });
        assert_eq!(
            compared.check(),
            Err(SchemaError::BadConditionValue {
                field: "name".into(),
                problem: Problem::UnknownOption
            })
        );
        compared.fields[0].shown_when = Some(Condition {
            field: FieldKey::parse("stage").expect("key"),
            op: ConditionOp::Empty,
            value: serde_json::Value::Null,
        });
        assert_eq!(compared.check(), Ok(()));

        let mut choice = project();
        if let FieldType::SingleSelect { options } = &mut choice.fields[1].field_type {
            let again = options[0].clone();
            options.push(again);
        }
        assert_eq!(
            choice.check(),
            Err(SchemaError::DuplicateChoice {
                field: "stage".into(),
                choice: "plan".into()
            })
        );
    }

    #[test]
    fn labels_fall_back_to_the_other_language() {
        use crate::i18n::Locale;
        assert_eq!(Labels::new("项目", "Projects").get(Locale::En), "Projects");
        assert_eq!(Labels::new("项目", "").get(Locale::En), "项目");
        assert_eq!(Labels::new("", "Projects").get(Locale::ZhCn), "Projects");
    }
}
