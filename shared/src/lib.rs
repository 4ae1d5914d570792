//! Qiao's vocabulary: the domain types, parsers, permission rules and wire types that the browser
//! app and the server share.
//!
//! This crate does no I/O and knows nothing about screens or databases: it builds for
//! `wasm32-unknown-unknown` and natively, and depends only on serde, serde_json, thiserror and
//! uuid, and natively on pinyin (readings of Chinese characters, which the browser app fetches
//! as a table instead: see [`readings`]).

pub mod api;
pub mod contact;
pub mod dashboard;
pub mod email;
pub mod files;
pub mod format;
pub mod formula;
pub mod i18n;
pub mod ids;
pub mod name;
pub mod password;
pub mod phone;
pub mod problem;
pub mod query;
pub mod readings;
pub mod records;
pub mod role;
pub mod rows;
pub mod schema;
pub mod search;
pub mod sync;
pub mod table;
pub mod team;
pub mod user;

pub use contact::Contact;
pub use email::Email;
pub use ids::{RecordId, TeamId, UserId};
pub use name::{DisplayName, PersonName, TeamName};
pub use password::Password;
pub use phone::Phone;
pub use problem::{FieldError, Problem};
pub use role::{Actor, Capability, DataScope, Role};
pub use team::{TeamRuleError, TeamTree};
