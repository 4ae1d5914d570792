//! The server's integration suite: real HTTP on a random port against a fresh database. Every
//! test runs twice, on SQLite (a file) and on Postgres (a fresh database), through `both!`.

mod harness;

mod auth;
mod cli;
mod errors;
mod roles;
mod setup;
mod teams;
mod users;
mod web;
