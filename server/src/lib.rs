//! The Qiao server: the JSON API, sign-in and sessions, storage on SQLite or Postgres, and the
//! embedded web app, in one binary. `main.rs` is the command line; tests start the same
//! [`app::start`].

pub mod admission;
pub mod api;
pub mod app;
pub mod auth;
pub mod db;
pub mod demo;
pub mod people;
pub mod security;
pub mod serve;
pub mod sync;
pub mod thumbs;
pub mod web;

pub use app::{AppState, Config, Running, StartError, app, start};
