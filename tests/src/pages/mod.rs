//! Page objects: what is on each screen and what a person does there.

pub mod contacts;
pub mod home;
pub mod login;
pub mod records;
pub mod settings;
pub mod setup;
pub mod shell;

/// A person's details as typed into forms.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}
