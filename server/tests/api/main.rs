//! The server's integration suite: real HTTP on a random port against a fresh database. Every
//! test runs twice, on SQLite (a file) and on Postgres (a fresh database), through `both!`.

mod device;
mod harness;

mod auth;
mod auto_numbers;
mod changes;
mod cli;
mod convergence;
mod crash;
mod crm;
mod custom;
mod errors;
mod events;
mod files;
mod hardening;
mod lists;
mod object_records;
mod objects;
mod rest;
mod retype;
mod roles;
mod scale_out;
mod setup;
mod sync;
mod teams;
mod users;
mod web;
