//! Who is calling: sessions from the `qiao_session` cookie (the app) or an
//! `Authorization: Bearer` header (API clients), resolved to the signed-in user and their
//! permissions.

pub mod password;
pub mod throttle;
pub mod token;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use shared::{Actor, Capability, TeamId, UserId};

use crate::api::error::ApiError;
use crate::app::AppState;
use crate::db::users::UserRow;
use crate::db::{self, now_ms};

/// Name of the session cookie.
pub const COOKIE: &str = "qiao_session";

/// The signed-in user of a request. Extracting it answers 401 when there is no live session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub row: UserRow,
    pub actor: Actor,
    /// Hash of the session token that authenticated this request.
    pub token_hash: Vec<u8>,
}

impl CurrentUser {
    pub fn id(&self) -> UserId {
        self.actor.user
    }

    /// 403 unless the role may do `capability`.
    pub fn require(&self, capability: Capability) -> Result<(), ApiError> {
        if self.actor.can(capability) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The session token of a request: the bearer header wins over the cookie.
pub fn token_of(parts: &Parts) -> Option<&str> {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return value.strip_prefix("Bearer ").map(str::trim);
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token_hash = token_of(parts)
            .and_then(token::hash)
            .ok_or(ApiError::Unauthorized)?;
        CurrentUser::of_session(state, token_hash)
            .await?
            .ok_or(ApiError::Unauthorized)
    }
}

impl CurrentUser {
    /// The user of a live session (by its token's hash) as they are now: role, team and data
    /// scope read afresh. `None` once the session has ended or expired or the user is inactive.
    pub async fn of_session(
        state: &AppState,
        token_hash: Vec<u8>,
    ) -> Result<Option<Self>, ApiError> {
        let Some(row) = db::sessions::user_for(&state.db, &token_hash, now_ms()).await? else {
            return Ok(None);
        };
        let role = row.role()?;
        let scope = db::roles::scope_of(&state.db, role).await?;
        let actor = Actor {
            user: UserId::from_uuid(row.id),
            role,
            team: TeamId::from_uuid(row.team_id),
            scope,
        };
        Ok(Some(CurrentUser {
            row,
            actor,
            token_hash,
        }))
    }
}

/// `Set-Cookie` value that stores a session token.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut builder = Request::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).expect("valid request").into_parts().0
    }

    #[test]
    fn finds_the_token() {
        assert_eq!(
            token_of(&parts(&[("authorization", "Bearer abc")])),
            Some("abc")
        );
        assert_eq!(
            token_of(&parts(&[("cookie", "lang=en; qiao_session=xyz; other=1")])),
            Some("xyz")
        );
        assert_eq!(
            token_of(&parts(&[
                ("authorization", "Basic abc"),
                ("cookie", "qiao_session=xyz")
            ])),
            None
        );
        assert_eq!(token_of(&parts(&[("cookie", "qiao_sessionx=1")])), None);
        assert_eq!(token_of(&parts(&[])), None);
    }

    #[test]
    fn cookie_flags() {
        let cookie = session_cookie("t", 60, true);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.ends_with("Secure")
        );
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}
