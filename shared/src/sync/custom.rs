//! A record's custom values, read from their JSON text only when something first asks for them.
//!
//! A device opening its copy reads every record of the screen's collection before it draws;
//! with twenty custom fields, building each contact's map of values (a key and a value
//! allocated per field) took as long as the rest of the record. Most screens never look at
//! them (search, the dashboard, a list sorted by name), so a record keeps the text as it was
//! read and builds the map the first time it is asked, or when the device has time to spare
//! ([`Custom::settle`]). A record written back unread writes the same text.

use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value as Json};

pub use crate::sync::values::Values;

/// The custom values of one record: the map, or the JSON object it will be read from.
#[derive(Default)]
pub struct Custom {
    /// The object as read, until the map is built from it and the record is next changed
    /// or settled (kept while only shared references exist).
    text: Option<Box<RawValue>>,
    values: OnceLock<Values>,
}

impl Custom {
    /// The values (the map is built from the text the first time).
    pub fn as_map(&self) -> &Values {
        self.values.get_or_init(|| read(self.text.as_deref()))
    }

    /// The values, to change; the text they were read from is let go.
    pub fn as_map_mut(&mut self) -> &mut Values {
        self.as_map();
        self.text = None;
        self.values
            .get_mut()
            .expect("the values were built just above")
    }

    /// Build the map now (if it was not) and let the text go; whether there was work to do.
    pub fn settle(&mut self) -> bool {
        let Some(text) = self.text.take() else {
            return false;
        };
        if self.values.get().is_none() {
            let _ = self.values.set(read(Some(&text)));
        }
        true
    }

    /// Whether the values are still text (not yet asked for, nor settled).
    pub fn is_unread(&self) -> bool {
        self.text.is_some()
    }

    pub fn is_empty(&self) -> bool {
        match (self.values.get(), &self.text) {
            (Some(values), _) => values.is_empty(),
            (None, Some(text)) => is_empty_object(text.get()),
            (None, None) => true,
        }
    }
}

/// A text that cannot be read (not an object) gives no values: the record keeps its other
/// fields, as one without custom values would.
fn read(text: Option<&RawValue>) -> Values {
    text.and_then(|t| serde_json::from_str(t.get()).ok())
        .unwrap_or_default()
}

fn is_empty_object(text: &str) -> bool {
    text.strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .is_some_and(|inner| inner.trim().is_empty())
}

impl From<Values> for Custom {
    fn from(values: Values) -> Self {
        Custom {
            text: None,
            values: OnceLock::from(values),
        }
    }
}

impl From<Map<String, Json>> for Custom {
    fn from(map: Map<String, Json>) -> Self {
        Values::from(map).into()
    }
}

impl std::ops::Deref for Custom {
    type Target = Values;

    fn deref(&self) -> &Values {
        self.as_map()
    }
}

impl std::ops::DerefMut for Custom {
    fn deref_mut(&mut self) -> &mut Values {
        self.as_map_mut()
    }
}

impl<'a> IntoIterator for &'a Custom {
    type Item = (&'a String, &'a Json);
    type IntoIter = <&'a Values as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.as_map().into_iter()
    }
}

impl Clone for Custom {
    fn clone(&self) -> Self {
        Custom {
            text: self.text.clone(),
            values: self.values.clone(),
        }
    }
}

impl PartialEq for Custom {
    fn eq(&self, other: &Self) -> bool {
        match (&self.text, &other.text) {
            (Some(a), Some(b)) if a.get() == b.get() => true,
            _ => self.as_map() == other.as_map(),
        }
    }
}

impl std::fmt::Debug for Custom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_map().fmt(f)
    }
}

impl Serialize for Custom {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.values.get(), &self.text) {
            (Some(values), _) => values.serialize(serializer),
            (None, Some(text)) => text.serialize(serializer),
            (None, None) => Values::new().serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Custom {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Box::<RawValue>::deserialize(deserializer)?;
        if !text.get().trim_start().starts_with('{') {
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Other(text.get()),
                &"an object of custom values",
            ));
        }
        Ok(Custom {
            text: Some(text),
            values: OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Custom {
        serde_json::from_str(text).expect("an object")
    }

    #[test]
    fn values_are_read_when_first_asked_for() {
        let custom = read(r#"{"grade": "a", "budget": {"amount": "12.00", "currency": "CNY"}}"#);
        assert!(custom.text.is_some(), "not read yet");
        assert!(!custom.is_empty());
        assert_eq!(custom.get("grade"), Some(&json!("a")));
        assert_eq!(custom["budget"]["amount"], json!("12.00"));
        assert_eq!(custom.len(), 2);
    }

    #[test]
    fn unread_values_are_written_as_they_were_read() {
        let text = r#"{"b":1,"a":[2,3]}"#;
        let custom = read(text);
        assert_eq!(serde_json::to_string(&custom).expect("text"), text);
        // Through a JSON value too (the server's REST answers).
        assert_eq!(
            serde_json::to_value(&custom).expect("value"),
            json!({"a": [2, 3], "b": 1})
        );
    }

    #[test]
    fn a_change_lets_the_text_go_and_is_written() {
        let mut custom = read(r#"{"grade": "a"}"#);
        custom.insert("grade".into(), json!("b"));
        custom.insert("vip".into(), json!(true));
        assert!(custom.text.is_none(), "the text let go");
        assert_eq!(
            serde_json::to_value(&custom).expect("value"),
            json!({"grade": "b", "vip": true})
        );
        let mut settled = read(r#"{"x": 1}"#);
        assert!(settled.settle());
        assert!(!settled.settle(), "nothing left to read");
        assert_eq!(
            settled.as_map().to_map(),
            json!({"x": 1}).as_object().cloned().unwrap_or_default()
        );
    }

    #[test]
    fn equal_whether_read_or_not() {
        let unread = read(r#"{ "a" : 1 }"#);
        let made = Custom::from(json!({"a": 1}).as_object().cloned().unwrap_or_default());
        assert_eq!(unread, made);
        assert_eq!(unread.clone(), unread);
        assert_ne!(read(r#"{"a": 2}"#), made);
    }

    #[test]
    fn empty_objects_and_what_is_not_one() {
        assert!(read("{ }").is_empty());
        assert!(Custom::default().is_empty());
        assert!(Custom::default().as_map().is_empty());
        for wrong in ["5", r#""text""#, "[1]", "null"] {
            assert!(
                serde_json::from_str::<Custom>(wrong).is_err(),
                "{wrong} is not custom values"
            );
        }
        // Inside a JSON value (a record read from one) as well.
        let custom: Custom = serde_json::from_value(json!({"a": "b"})).expect("from a value");
        assert_eq!(custom.get("a"), Some(&json!("b")));
        assert!(serde_json::from_value::<Custom>(json!(3)).is_err());
    }
}
