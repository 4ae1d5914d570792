//! One module per screen.

pub mod board_touch;
pub mod bulk;
pub mod custom_fields;
pub mod dashboard;
pub mod filter_chips;
pub mod form_layout;
pub mod home;
pub mod list_views;
pub mod login;
pub mod not_found;
pub mod object_board;
pub mod objects;
pub mod records;
pub mod search;
pub mod settings;
pub mod setup;
pub mod shell;
pub mod sync_issues;
