//! Which records a list shows: a built-in collection's, or those of one object a company made
//! itself (records of `Collection::Object` whose object is its key). Everything a list needs
//! to know about what it lists (its address, its object's fields, its saved views) is asked here,
//! so one list serves both.

use shared::i18n::Locale;
use shared::records::labels::{collection_label, field_label};
use shared::records::{SavedView, fields_of};
use shared::schema::ObjectDef;
use shared::sync::{Collection, Record};

use super::{custom_fields, list_path, object_of, record_path};
use crate::pages::objects;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOf {
    collection: Collection,
    /// The custom object's key (`None`: a built-in collection's list).
    custom: Option<String>,
}

impl ListOf {
    /// The list of a built-in collection.
    pub fn builtin(collection: Collection) -> Self {
        ListOf {
            collection,
            custom: None,
        }
    }

    /// The list of the custom object `key`.
    pub fn custom(key: impl Into<String>) -> Self {
        ListOf {
            collection: Collection::Object,
            custom: Some(key.into()),
        }
    }

    pub fn collection(&self) -> Collection {
        self.collection
    }

    /// The custom object's key, for a custom object's list.
    pub fn custom_key(&self) -> Option<&str> {
        self.custom.as_deref()
    }

    /// The listed object's key (`contacts`, `projects`); empty for a collection that is no
    /// object.
    pub fn key(&self) -> &str {
        match &self.custom {
            Some(key) => key,
            None => shared::schema::builtin::object_key(self.collection).unwrap_or_default(),
        }
    }

    /// The listed object as the device's schema has it now, the company's fields with it.
    pub fn object(&self) -> Option<ObjectDef> {
        match &self.custom {
            Some(key) => objects::custom_object(key),
            None => object_of(self.collection),
        }
    }

    /// Whether `record` is one this list shows.
    pub fn holds(&self, record: &Record) -> bool {
        record.collection() == self.collection
            && self
                .custom
                .as_deref()
                .is_none_or(|key| record.object_key() == Some(key))
    }

    /// The list's address.
    pub fn path(&self) -> String {
        match &self.custom {
            Some(key) => objects::list_path(key),
            None => list_path(self.collection),
        }
    }

    /// The list's address with its chips (the `where` parameter, URL-encoded already) and, for
    /// a board, the field its columns are grouped by.
    pub fn address(&self, board_by: Option<&str>, chips: &str) -> String {
        let mut params = Vec::new();
        if let Some(by) = board_by {
            params.push(format!("view=board&by={by}"));
        }
        if !chips.is_empty() {
            params.push(format!("where={chips}"));
        }
        match params.is_empty() {
            true => self.path(),
            false => format!("{}?{}", self.path(), params.join("&")),
        }
    }

    /// Where a new record of the list is made.
    pub fn new_path(&self) -> String {
        match &self.custom {
            Some(key) => objects::record_path(key, "new"),
            None => record_path(self.collection, "new"),
        }
    }

    /// The list's heading.
    pub fn title(&self, locale: Locale) -> String {
        match &self.custom {
            Some(_) => self
                .object()
                .map(|o| o.name.get(locale).to_owned())
                .unwrap_or_default(),
            None => collection_label(self.collection, locale).to_owned(),
        }
    }

    /// The fields a row may show or be sorted by, as `(key, label)`: the product's fields and
    /// then the company's own for a built-in list; a custom object's live fields.
    pub fn fields(&self, locale: Locale) -> Vec<(String, String)> {
        match &self.custom {
            Some(_) => self
                .object()
                .map(|o| {
                    o.fields
                        .iter()
                        .filter(|f| f.deleted_at.is_none())
                        .map(|f| (f.key.as_str().to_owned(), f.label.get(locale).to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            None => {
                let mut all: Vec<(String, String)> = fields_of(self.collection)
                    .iter()
                    .map(|f| ((*f).to_owned(), field_label(f, locale).to_owned()))
                    .collect();
                all.extend(custom_fields(self.collection, locale));
                all
            }
        }
    }

    /// The name field's key: what a row's title is and what the list need not offer as a
    /// column.
    pub fn name_field(&self) -> String {
        self.object()
            .map(|o| o.name_field.as_str().to_owned())
            .unwrap_or_default()
    }

    /// Whether the saved view `view` is one of this list's.
    pub fn owns_view(&self, view: &SavedView) -> bool {
        view.list == Some(self.collection) && view.object == self.custom.as_deref().unwrap_or("")
    }

    /// The `object` a saved view of this list names (empty for a built-in list).
    pub fn view_object(&self) -> String {
        self.custom.clone().unwrap_or_default()
    }
}
