//! Wire types of the HTTP API (`/healthz`, `/api/setup`, `/api/auth/*`, `/api/users`,
//! `/api/teams`, `/api/roles`, `/api/stats/*`). The app and the server use the same structs, so
//! a field renamed here is renamed on both sides at once; external API clients rely on these
//! names, so do not rename fields.
//!
//! Requests carry what a person typed (strings); validation turns them into domain values (see
//! [`crate::user`]). Responses carry plain, already-valid data.

use serde::{Deserialize, Serialize};

use crate::ids::{TeamId, UserId};
use crate::problem::Problem;
use crate::role::{DataScope, Role};

/// `GET /healthz`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    /// `sqlite` or `postgres`.
    pub db: String,
    pub version: String,
}

/// Every error response: `{"error": {"code", "message", "field", "details"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// Stable machine-readable code, e.g. `validation_failed`, `email_taken`, `unauthorized`.
    pub code: String,
    /// A sentence for people (English; the app shows its own translation per code).
    pub message: String,
    /// The request field at fault, if one is.
    pub field: Option<String>,
    /// Every field problem, when validation found several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One field problem inside an error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub field: String,
    pub message: String,
    #[serde(flatten)]
    pub problem: Problem,
}

/// `GET /api/setup`: whether the one-time setup screen should be shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupStatus {
    pub needed: bool,
}

/// `POST /api/setup`: the company and its first admin, accepted only while no user exists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRequest {
    pub company_name: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
}

/// `POST /api/auth/login`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Answer to a successful login or setup. The token is also set as an HttpOnly cookie; API
/// clients send it as `Authorization: Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    /// UTC milliseconds.
    pub expires_at: i64,
    pub user: UserView,
}

/// `GET /api/auth/me`: who is signed in, and what that allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user: UserView,
    pub team_name: String,
    pub scope: DataScope,
}

/// `GET /api/auth/session`: the app's start-up question, always answered with 200: who is
/// signed in (if anyone), and whether the one-time setup is still needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStatus {
    pub me: Option<Me>,
    pub setup_needed: bool,
    /// The largest file this server takes (`--max-upload-mb`), so that a device refuses a
    /// larger one where it is chosen; 0 from a server that does not say.
    #[serde(default)]
    pub max_upload_bytes: u64,
}

/// A user as the API shows them (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// E.164, e.g. `+8613800138000`.
    pub phone: Option<String>,
    pub role: Role,
    pub team_id: TeamId,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /api/users`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserRequest {
    pub email: String,
    pub display_name: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub role: Role,
    pub team_id: TeamId,
    pub password: String,
}

/// `PATCH /api/users/{id}`: only the fields present change. An empty `phone` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<TeamId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// A team as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub id: TeamId,
    pub name: String,
    /// `None` for the company at the top of the tree.
    pub parent_id: Option<TeamId>,
    /// Users (active or not) in this team itself, not counting sub-teams.
    pub member_count: u32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /api/teams`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTeamRequest {
    pub name: String,
    pub parent_id: TeamId,
}

/// `PATCH /api/teams/{id}`: rename, move, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateTeamRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<TeamId>,
}

/// `GET /api/roles`: each role and its data scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub role: Role,
    pub scope: DataScope,
}

/// `PUT /api/roles/{role}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRoleRequest {
    pub scope: DataScope,
}

/// `GET /api/stats/team-members`: active users per team, for the home chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMembers {
    pub team_id: TeamId,
    pub team_name: String,
    pub active_users: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// External clients parse this shape; it must not drift.
    #[test]
    fn error_body_shape() {
        let body = ErrorBody {
            error: ErrorInfo {
                code: "validation_failed".into(),
                message: "password must be at least 8 characters".into(),
                field: Some("password".into()),
                details: vec![ErrorDetail {
                    field: "password".into(),
                    message: "password must be at least 8 characters".into(),
                    problem: Problem::TooShort { min: 8 },
                }],
            },
        };
        assert_eq!(
            serde_json::to_value(&body).expect("json"),
            serde_json::json!({"error": {
                "code": "validation_failed",
                "message": "password must be at least 8 characters",
                "field": "password",
                "details": [{"field": "password", "message": "password must be at least 8 characters", "code": "too_short", "min": 8}]
            }})
        );
        let plain = ErrorBody {
            error: ErrorInfo {
                code: "unauthorized".into(),
                message: "sign in first".into(),
                field: None,
                details: vec![],
            },
        };
        assert_eq!(
            serde_json::to_value(&plain).expect("json"),
            serde_json::json!({"error": {"code": "unauthorized", "message": "sign in first", "field": null}})
        );
    }

    #[test]
    fn patch_omits_absent_fields() {
        let patch = UpdateUserRequest {
            active: Some(false),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&patch).expect("json"),
            serde_json::json!({"active": false})
        );
    }
}

/// `POST /api/v1/objects/{object}/fields/{key}/preview` `{"field_type"}`: what changing the
/// field to that type would do to the values records hold now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversionPreview {
    /// `same`, `safe`, `lossy` or `refused` ([`crate::schema::convert::Conversion`]).
    pub conversion: crate::schema::convert::Conversion,
    /// Records holding a value of the field.
    pub values: u64,
    /// Of those, the values that would not convert (they keep their old value).
    pub failing: u64,
    /// The first few of them, for the admin to see before confirming.
    pub examples: Vec<FailingValue>,
    /// The type previewed: the one asked for, or, for a select asked for without choices, with
    /// choices made from the values the records hold (the most used first), ready to send.
    pub field_type: crate::schema::FieldType,
}

/// A value that would not convert: whose it is, as it shows now, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailingValue {
    pub id: crate::ids::RecordId,
    pub name: String,
    pub value: String,
    pub problem: Problem,
    /// Why, in English (integrators' logs).
    pub message: String,
    /// Why, as the app shows it in each language.
    pub messages: crate::schema::Labels,
}
