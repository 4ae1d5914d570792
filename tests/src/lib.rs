//! End-to-end test kit: start the real server on a fresh database, drive real headless
//! Chromium through chromedriver, and talk about screens through page objects.
//!
//! - [`api`]: seeding through the HTTP API.
//! - [`server`]: a Qiao server on a loopback port and an empty SQLite file.
//! - [`cast`]: the rep and the manager of the field tests, and the harness that runs them.
//! - [`browser`]: a Chromium session (desktop or phone viewport) with waiting helpers.
//! - [`pages`]: one module per screen: its locators and the actions a person takes there.
//! - [`pusher`]: a sync client without a screen, for changes made elsewhere.

pub mod api;
pub mod browser;
pub mod cast;
pub mod pages;
pub mod pusher;
pub mod server;

/// What went wrong in a step of a flow.
pub type Result<T = ()> = std::result::Result<T, String>;
