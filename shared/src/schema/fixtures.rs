//! Definitions for tests: fields and objects with their keys as labels.

use super::{FieldDef, FieldKey, FieldType, Labels, ObjectDef, ObjectKey};

/// A field `key` of `field_type`, labelled by its key.
pub fn field(key: &str, field_type: FieldType) -> FieldDef {
    FieldDef::new(key, Labels::new(key, key), field_type).expect("a valid key")
}

/// A custom object `key` named by its field `name_field`, with `fields`.
pub fn object(key: &str, name_field: &str, fields: Vec<FieldDef>) -> ObjectDef {
    ObjectDef {
        key: ObjectKey::parse(key).expect("a valid key"),
        name: Labels::new(key, key),
        name_field: FieldKey::parse(name_field).expect("a valid key"),
        list_columns: Vec::new(),
        icon: String::new(),
        system: false,
        fields,
        layout: Default::default(),
    }
}
