//! Validation of the people forms (setup, sign-in, create and edit user) and the rules that keep
//! an installation administrable.
//!
//! The settings screens call these before they send anything, the server calls them again before
//! it writes: one set of rules, every message next to its field.

use crate::api::{CreateUserRequest, LoginRequest, SetupRequest, UpdateUserRequest};
use crate::email::Email;
use crate::ids::{TeamId, UserId};
use crate::name::{DisplayName, TeamName};
use crate::password::Password;
use crate::phone::Phone;
use crate::problem::{Collector, FieldError, Problem};
use crate::role::Role;

/// A user ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    pub phone: Option<Phone>,
    pub role: Role,
    pub team: TeamId,
    pub password: Password,
}

/// The company and the first admin of a fresh installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub company: TeamName,
    pub email: Email,
    pub display_name: DisplayName,
    pub password: Password,
}

/// Credentials as typed. Only presence is checked: a sign-in must not reveal the password
/// policy or whether an address exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// The checked changes of a user edit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub email: Option<Email>,
    pub display_name: Option<DisplayName>,
    /// `Some(None)` clears the phone number.
    pub phone: Option<Option<Phone>>,
    pub role: Option<Role>,
    pub team: Option<TeamId>,
    pub active: Option<bool>,
    pub password: Option<Password>,
}

/// An empty optional field means "none"; anything else must parse.
fn optional_phone(raw: &str) -> Result<Option<Phone>, Problem> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        Phone::parse(raw).map(Some)
    }
}

fn finish<T>(errors: Collector, value: Option<T>) -> Result<T, Vec<FieldError>> {
    match value {
        Some(value) if errors.is_empty() => Ok(value),
        _ => Err(errors.into_errors()),
    }
}

impl SetupRequest {
    pub fn validate(&self) -> Result<Setup, Vec<FieldError>> {
        let mut errors = Collector::default();
        let company = errors.check("company_name", TeamName::parse(&self.company_name));
        let display_name = errors.check("display_name", DisplayName::parse(&self.display_name));
        let email = errors.check("email", Email::parse(&self.email));
        let password = errors.check("password", Password::parse(&self.password, email.as_ref()));
        let setup = (|| {
            Some(Setup {
                company: company?,
                email: email?,
                display_name: display_name?,
                password: password?,
            })
        })();
        finish(errors, setup)
    }
}

impl LoginRequest {
    pub fn validate(&self) -> Result<Credentials, Vec<FieldError>> {
        let mut errors = Collector::default();
        if self.email.trim().is_empty() {
            errors.push(Problem::Required.at("email"));
        }
        if self.password.is_empty() {
            errors.push(Problem::Required.at("password"));
        }
        let credentials = Credentials {
            email: self.email.trim().to_lowercase(),
            password: self.password.clone(),
        };
        finish(errors, Some(credentials))
    }
}

impl CreateUserRequest {
    pub fn validate(&self) -> Result<NewUser, Vec<FieldError>> {
        let mut errors = Collector::default();
        let email = errors.check("email", Email::parse(&self.email));
        let display_name = errors.check("display_name", DisplayName::parse(&self.display_name));
        let phone = errors.check(
            "phone",
            optional_phone(self.phone.as_deref().unwrap_or_default()),
        );
        let password = errors.check("password", Password::parse(&self.password, email.as_ref()));
        let user = (|| {
            Some(NewUser {
                email: email?,
                display_name: display_name?,
                phone: phone?,
                role: self.role,
                team: self.team_id,
                password: password?,
            })
        })();
        finish(errors, user)
    }
}

impl UpdateUserRequest {
    /// `current_email` is the user's address before the change, which a new password must
    /// not match either.
    pub fn validate(&self, current_email: &Email) -> Result<UserChanges, Vec<FieldError>> {
        let mut errors = Collector::default();
        let email = match &self.email {
            Some(raw) => errors.check("email", Email::parse(raw)).map(Some),
            None => Some(None),
        };
        let display_name = match &self.display_name {
            Some(raw) => errors
                .check("display_name", DisplayName::parse(raw))
                .map(Some),
            None => Some(None),
        };
        let phone = match &self.phone {
            Some(raw) => errors.check("phone", optional_phone(raw)).map(Some),
            None => Some(None),
        };
        let email_for_password = email
            .clone()
            .flatten()
            .unwrap_or_else(|| current_email.clone());
        let password = match &self.password {
            Some(raw) => errors
                .check("password", Password::parse(raw, Some(&email_for_password)))
                .map(Some),
            None => Some(None),
        };
        let changes = (|| {
            Some(UserChanges {
                email: email?,
                display_name: display_name?,
                phone: phone?,
                role: self.role,
                team: self.team_id,
                active: self.active,
                password: password?,
            })
        })();
        finish(errors, changes)
    }
}

/// Why a change to a user account is refused even though every field is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountRuleError {
    #[error("you cannot deactivate your own account")]
    CannotDeactivateSelf,
    #[error("you cannot take the admin role away from yourself")]
    CannotDemoteSelf,
    #[error("this is the last active admin; make someone else an admin first")]
    LastAdmin,
}

impl AccountRuleError {
    pub fn code(self) -> &'static str {
        match self {
            AccountRuleError::CannotDeactivateSelf => "cannot_deactivate_self",
            AccountRuleError::CannotDemoteSelf => "cannot_demote_self",
            AccountRuleError::LastAdmin => "last_admin",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            AccountRuleError::CannotDeactivateSelf | AccountRuleError::LastAdmin => "active",
            AccountRuleError::CannotDemoteSelf => "role",
        }
    }
}

/// The account being edited, as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    pub id: UserId,
    pub role: Role,
    pub active: bool,
}

/// Keep at least one active admin, and keep admins from locking themselves out.
/// `active_admins` counts active admins before the change.
pub fn check_account_change(
    editor: UserId,
    target: AccountState,
    changes: &UserChanges,
    active_admins: usize,
) -> Result<(), AccountRuleError> {
    let deactivates = target.active && changes.active == Some(false);
    let demotes = target.role == Role::Admin && changes.role.is_some_and(|r| r != Role::Admin);
    if target.id == editor && deactivates {
        return Err(AccountRuleError::CannotDeactivateSelf);
    }
    if target.id == editor && demotes {
        return Err(AccountRuleError::CannotDemoteSelf);
    }
    let was_active_admin = target.active && target.role == Role::Admin;
    if was_active_admin && (deactivates || demotes) && active_admins <= 1 {
        return Err(AccountRuleError::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn team() -> TeamId {
        TeamId::from_uuid(Uuid::from_u128(7))
    }
    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    fn create(email: &str, name: &str, phone: Option<&str>, password: &str) -> CreateUserRequest {
        CreateUserRequest {
            email: email.into(),
            display_name: name.into(),
            phone: phone.map(Into::into),
            role: Role::Sales,
            team_id: team(),
            password: password.into(),
        }
    }

    fn fields(
        result: Result<impl std::fmt::Debug, Vec<FieldError>>,
    ) -> Vec<(String, &'static str)> {
        result
            .expect_err("should be refused")
            .into_iter()
            .map(|e| (e.field, e.problem.code()))
            .collect()
    }

    #[test]
    fn a_valid_new_user() {
        let user = create(
            " Li.Lei@Example.com",
            "李雷",
            Some("138 0013 8000"),
            "demo-pass-1",
        )
        .validate()
        .expect("valid");
        assert_eq!(user.email.as_str(), "li.lei@example.com");
        assert_eq!(
            user.phone.map(String::from),
            Some("+8613800138000".to_owned())
        );
        let no_phone = create("a@b.cn", "A", Some("  "), "demo-pass-1")
            .validate()
            .expect("valid");
        assert_eq!(no_phone.phone, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let got = fields(create("nope", "", Some("12"), "short").validate());
        assert_eq!(
            got,
            vec![
                ("email".to_owned(), "invalid_email"),
                ("display_name".to_owned(), "required"),
                ("phone".to_owned(), "invalid_phone"),
                ("password".to_owned(), "too_short"),
            ]
        );
    }

    #[test]
    fn setup_and_login() {
        let setup = SetupRequest {
            company_name: "桥科技".into(),
            display_name: "管理员".into(),
            email: "admin@qiao.example".into(),
            password: "admin@qiao.example".into(),
        };
        assert_eq!(
            fields(setup.validate()),
            vec![("password".to_owned(), "password_matches_email")]
        );
        let empty = SetupRequest::default();
        assert_eq!(fields(empty.validate()).len(), 4);

        let login = LoginRequest {
            email: " A@B.cn ".into(),
            password: "x".into(),
        };
        assert_eq!(login.validate().expect("present").email, "a@b.cn");
        assert_eq!(
            fields(LoginRequest::default().validate()),
            vec![
                ("email".to_owned(), "required"),
                ("password".to_owned(), "required")
            ]
        );
    }

    #[test]
    fn edits_validate_only_present_fields() {
        let current = Email::parse("li.lei@example.com").expect("valid");
        let changes = UpdateUserRequest {
            phone: Some(String::new()),
            active: Some(false),
            ..Default::default()
        }
        .validate(&current)
        .expect("valid");
        assert_eq!(changes.phone, Some(None));
        assert_eq!(changes.active, Some(false));
        assert_eq!(changes.email, None);

        let bad = UpdateUserRequest {
            display_name: Some(" ".into()),
            password: Some("li.lei".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(bad.validate(&current)),
            vec![
                ("display_name".to_owned(), "required"),
                ("password".to_owned(), "too_short")
            ]
        );
        let same_as_email = UpdateUserRequest {
            password: Some("Li.Lei@example.com".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(same_as_email.validate(&current)),
            vec![("password".to_owned(), "password_matches_email")]
        );
    }

    #[test]
    fn account_rules() {
        let admin = AccountState {
            id: user(1),
            role: Role::Admin,
            active: true,
        };
        let other_admin = AccountState {
            id: user(2),
            role: Role::Admin,
            active: true,
        };
        let deactivate = UserChanges {
            active: Some(false),
            ..Default::default()
        };
        let demote = UserChanges {
            role: Some(Role::Sales),
            ..Default::default()
        };
        let rename = UserChanges::default();

        let cases = [
            (
                user(1),
                admin,
                &deactivate,
                2,
                Err(AccountRuleError::CannotDeactivateSelf),
            ),
            (
                user(1),
                admin,
                &demote,
                2,
                Err(AccountRuleError::CannotDemoteSelf),
            ),
            (user(1), other_admin, &deactivate, 2, Ok(())),
            (
                user(1),
                other_admin,
                &deactivate,
                1,
                Err(AccountRuleError::LastAdmin),
            ),
            (
                user(1),
                other_admin,
                &demote,
                1,
                Err(AccountRuleError::LastAdmin),
            ),
            (user(1), admin, &rename, 1, Ok(())),
        ];
        for (editor, target, changes, admins, expected) in cases {
            assert_eq!(
                check_account_change(editor, target, changes, admins),
                expected,
                "{changes:?}"
            );
        }
        let sales = AccountState {
            id: user(3),
            role: Role::Sales,
            active: true,
        };
        assert_eq!(check_account_change(user(1), sales, &deactivate, 1), Ok(()));
    }
}
