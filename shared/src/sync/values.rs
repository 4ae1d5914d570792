//! A record's custom values as a list sorted by key, each key's first eight bytes kept beside
//! it: a list sorting or filtering 100,000 records by a custom field looks one value up in each,
//! and a tree of separately stored keys (a `serde_json::Map`) made that look-up, not the
//! comparison, most of the list's time. Here a look-up is a binary search over one block of
//! memory that reads a key's text only when its first eight bytes do not decide.
//!
//! Ordered as a `serde_json::Map` is (by key), so that its JSON is the same text.

use std::cmp::Ordering;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

use crate::rows::SortKey;

/// Custom values by field key, each in its type's JSON form.
#[derive(Clone, Default, PartialEq)]
pub struct Values {
    /// Each slot's key's head, in the slots' order: a look-up searches these eight-byte
    /// numbers (a few cache lines) and then reads one slot.
    heads: Vec<u64>,
    slots: Vec<Slot>,
}

/// One value under its key.
#[derive(Clone)]
pub struct Slot {
    /// The key's first eight bytes, big-endian, zero-padded: compared as a number, they order
    /// keys as their texts do.
    head: u64,
    key: String,
    value: Json,
    /// The number a list orders the value by, worked out when the value is set (an amount's
    /// text read, a date as its digits): a sort by the field reads no text. NaN (no number is):
    /// a value that orders as text, or none.
    number: f64,
}

impl Slot {
    fn new(key: String, value: Json) -> Self {
        Slot {
            head: head(&key),
            number: number_of(&value).unwrap_or(f64::NAN),
            key,
            value,
        }
    }
}

impl PartialEq for Slot {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.value == other.value
    }
}

/// What [`SortKey::of`] its plain text gives, when that is a number.
fn number_of(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        other => SortKey::number(&crate::sync::record::plain(other)),
    }
}

fn head(key: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = key.len().min(8);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// `slot`'s key against `key` (whose head is `h`), in the texts' order.
fn order(slot: &Slot, key: &str, h: u64) -> Ordering {
    slot.head.cmp(&h).then_with(|| {
        if slot.key.len() <= 8 && key.len() <= 8 {
            // Same first bytes and nothing past them: the shorter is the prefix.
            slot.key.len().cmp(&key.len())
        } else {
            slot.key.as_str().cmp(key)
        }
    })
}

impl Values {
    pub fn new() -> Self {
        Values {
            heads: Vec::new(),
            slots: Vec::new(),
        }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        let h = head(key);
        let mut i = self.heads.partition_point(|x| *x < h);
        while self.heads.get(i) == Some(&h) {
            match order(&self.slots[i], key, h) {
                Ordering::Less => i += 1,
                Ordering::Equal => return Ok(i),
                Ordering::Greater => return Err(i),
            }
        }
        Err(i)
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        self.find(key).ok().map(|i| &self.slots[i].value)
    }

    /// What a list orders `key`'s value by: [`SortKey::of`] its plain text, a number already
    /// worked out.
    pub fn sort_key(&self, key: &str) -> SortKey {
        match self.find(key) {
            Ok(i) => {
                let slot = &self.slots[i];
                if slot.number.is_nan() {
                    SortKey::of(crate::sync::record::plain(&slot.value))
                } else {
                    SortKey::Number(slot.number)
                }
            }
            Err(_) => SortKey::Empty,
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Set `key`'s value; the value it had.
    pub fn insert(&mut self, key: String, value: Json) -> Option<Json> {
        match self.find(&key) {
            Ok(i) => {
                let slot = &mut self.slots[i];
                slot.number = number_of(&value).unwrap_or(f64::NAN);
                Some(std::mem::replace(&mut slot.value, value))
            }
            Err(i) => {
                let slot = Slot::new(key, value);
                self.heads.insert(i, slot.head);
                self.slots.insert(i, slot);
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Json> {
        let i = self.find(key).ok()?;
        self.heads.remove(i);
        Some(self.slots.remove(i).value)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Each key and value, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Json)> {
        self.slots.iter().map(|s| (&s.key, &s.value))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.slots.iter().map(|s| &s.key)
    }

    pub fn values(&self) -> impl Iterator<Item = &Json> {
        self.slots.iter().map(|s| &s.value)
    }

    /// The values as a JSON object.
    pub fn to_map(&self) -> Map<String, Json> {
        self.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Built from pairs in any order; a key given twice keeps its last value.
    fn from_pairs(pairs: impl IntoIterator<Item = (String, Json)>) -> Self {
        let slots: Vec<Slot> = pairs
            .into_iter()
            .map(|(key, value)| Slot::new(key, value))
            .collect();
        let sorted = slots
            .windows(2)
            .all(|w| order(&w[0], &w[1].key, w[1].head) == Ordering::Less);
        if !sorted {
            // Put in one at a time (a key given again replaces its value): objects come
            // sorted, as they are written, so this is rare, and needs no sort of its own.
            let mut values = Values::new();
            for slot in slots {
                values.insert(slot.key, slot.value);
            }
            return values;
        }
        Values {
            heads: slots.iter().map(|s| s.head).collect(),
            slots,
        }
    }
}

impl From<Map<String, Json>> for Values {
    fn from(map: Map<String, Json>) -> Self {
        Values::from_pairs(map)
    }
}

impl FromIterator<(String, Json)> for Values {
    fn from_iter<I: IntoIterator<Item = (String, Json)>>(pairs: I) -> Self {
        Values::from_pairs(pairs)
    }
}

impl<'a> IntoIterator for &'a Values {
    type Item = (&'a String, &'a Json);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, Slot>, fn(&'a Slot) -> Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.slots.iter().map(|s| (&s.key, &s.value))
    }
}

impl std::ops::Index<&str> for Values {
    type Output = Json;

    /// `Null` for a key that has no value, as a JSON object's index gives.
    fn index(&self, key: &str) -> &Json {
        static NULL: Json = Json::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.slots.len()))?;
        for slot in &self.slots {
            map.serialize_entry(&slot.key, &slot.value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Values;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of custom values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Values, A::Error> {
                let mut pairs = Vec::with_capacity(access.size_hint().unwrap_or(0).min(256));
                while let Some(pair) = access.next_entry::<String, Json>()? {
                    pairs.push(pair);
                }
                Ok(Values::from_pairs(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(json: Json) -> Values {
        serde_json::from_value(json).expect("an object")
    }

    #[test]
    fn keys_of_every_length_are_found() {
        let keys = [
            "a",
            "ab",
            "abc",
            "abcdefgh",
            "abcdefghi",
            "abcdefgz",
            "b",
            "budget",
            "backup_email",
            "backup_e",
            "backup_f",
            "z_long_key_past_eight",
        ];
        let mut v = Values::new();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(v.insert((*k).to_owned(), json!(i)), None, "{k} is new");
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(v.get(k), Some(&json!(i)), "{k}");
        }
        for missing in [
            "",
            "abcd",
            "abcdefg",
            "abcdefghij",
            "backup",
            "backup_emai",
            "c",
        ] {
            assert_eq!(v.get(missing), None, "{missing} was never set");
        }
        assert_eq!(v.len(), keys.len());
        // Ordered as their texts (and as a JSON object's keys are).
        let mut sorted: Vec<&str> = keys.to_vec();
        sorted.sort_unstable();
        assert_eq!(v.keys().map(String::as_str).collect::<Vec<_>>(), sorted);
    }

    #[test]
    fn insert_replace_and_remove() {
        let mut v = values(json!({"grade": "a", "budget": 5}));
        assert_eq!(v.insert("grade".into(), json!("b")), Some(json!("a")));
        assert_eq!(v["grade"], json!("b"));
        assert_eq!(v.remove("budget"), Some(json!(5)));
        assert_eq!(v.remove("budget"), None);
        assert!(!v.contains_key("budget"));
        assert_eq!(v["budget"], Json::Null);
        assert_eq!(
            v.to_map(),
            json!({"grade": "b"})
                .as_object()
                .cloned()
                .unwrap_or_default()
        );
    }

    #[test]
    fn the_same_json_as_an_object() {
        let text = r#"{"zeta":1,"alpha":[1,2],"beta_long_key":{"amount":"1.00","currency":"CNY"}}"#;
        let map: Map<String, Json> = serde_json::from_str(text).expect("map");
        let v: Values = serde_json::from_str(text).expect("values");
        assert_eq!(
            serde_json::to_string(&v).expect("text"),
            serde_json::to_string(&map).expect("text")
        );
        assert_eq!(Values::from(map.clone()), v);
        assert_eq!(v.to_map(), map);
        assert_eq!(format!("{v:?}"), format!("{map:?}"), "shown as a map");
    }

    #[test]
    fn a_key_given_twice_keeps_its_last_value() {
        let v: Values = serde_json::from_str(r#"{"b": 1, "a": 2, "b": 3}"#).expect("values");
        assert_eq!(v.len(), 2);
        assert_eq!(v["b"], json!(3));
        let v: Values = [("x".to_owned(), json!(1)), ("x".to_owned(), json!(2))]
            .into_iter()
            .collect();
        assert_eq!(v["x"], json!(2));
    }

    #[test]
    fn sort_keys_are_those_of_the_plain_text() {
        let v = values(json!({
            "amount": {"amount": "1500.50", "currency": "CNY"},
            "count": 12,
            "day": "2024-03-05",
            "phone": "010-12345678",
            "name": "华北",
            "none": null,
            "tags": ["b", "a"],
        }));
        for key in [
            "amount", "count", "day", "phone", "name", "none", "tags", "missing",
        ] {
            let plain = v
                .get(key)
                .map_or(std::borrow::Cow::Borrowed(""), crate::sync::record::plain);
            assert_eq!(v.sort_key(key), SortKey::of(plain), "{key}");
        }
        assert_eq!(v.sort_key("amount"), SortKey::Number(1500.5));
        // A value replaced orders by its new number.
        let mut v = v;
        v.insert("count".into(), json!("7"));
        assert_eq!(v.sort_key("count"), SortKey::Number(7.0));
        v.insert("count".into(), json!("七"));
        assert_eq!(v.sort_key("count"), SortKey::Text("七".into()));
    }

    #[test]
    fn what_is_not_an_object_is_refused() {
        for wrong in ["5", "\"text\"", "[1]", "null"] {
            assert!(serde_json::from_str::<Values>(wrong).is_err(), "{wrong}");
        }
    }
}
