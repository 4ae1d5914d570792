//! Typed record ids. Every id is a UUID (v7, made where the record is created) wrapped in its own
//! type so that a `TeamId` can never be passed where a `UserId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::problem::Problem;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = Problem;

            fn from_str(s: &str) -> Result<Self, Problem> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| Problem::Invalid)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A person who signs in.
    UserId
);
id_type!(
    /// A node of the company's team tree.
    TeamId
);
id_type!(
    /// A synced business record (a contact, and later accounts, deals, …). Ids are unique
    /// across collections, so a record is found by its id alone.
    RecordId
);

/// A map keyed by record id that hashes ids cheaply: an id is a UUID whose last eight bytes
/// are random already, so mixing its two halves is enough (the default hasher, built to resist
/// chosen keys, costs several times as much on every lookup of 100,000 records).
pub type IdMap<V> = std::collections::HashMap<RecordId, V, BuildIdHasher>;

#[derive(Debug, Clone, Copy, Default)]
pub struct BuildIdHasher;

impl std::hash::BuildHasher for BuildIdHasher {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(29) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, _length: usize) {}

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        let text = "0190f5a2-7c3b-7def-8a12-0123456789ab";
        let id: UserId = text.parse().expect("valid uuid");
        assert_eq!(id.to_string(), text);
        assert_eq!(
            serde_json::to_value(id).expect("json"),
            serde_json::json!(text)
        );
    }

    #[test]
    fn refuses_garbage() {
        assert_eq!("not-an-id".parse::<TeamId>(), Err(Problem::Invalid));
    }
}
