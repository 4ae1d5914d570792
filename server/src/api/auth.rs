//! Sign-in, sign-out and "who am I".

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::TeamId;
use shared::api::{LoginRequest, LoginResponse, Me, SessionStatus};

use super::error::ApiError;
use super::json::ApiJson;
use crate::app::AppState;
use crate::auth::throttle::RetryAfter;
use crate::auth::{self, CurrentUser, password, token};
use crate::db::sessions::NewSession;
use crate::db::users::UserRow;
use crate::db::{self, now_ms};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/me", get(me))
        .route("/api/auth/session", get(session))
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let credentials = req.validate()?;
    state
        .throttle
        .check(&credentials.email, ip, now_ms())
        .map_err(|RetryAfter(wait)| ApiError::RateLimited(wait))?;

    let user = db::users::find_by_email(&state.db, &credentials.email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = password::verify(credentials.password, stored).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            state.throttle.failed(&credentials.email, ip, now_ms());
            return Err(ApiError::BadCredentials);
        }
    };
    state.throttle.succeeded(&credentials.email, ip);
    if !user.active {
        // Only someone who knows the password learns that the account is disabled.
        return Err(ApiError::Conflict {
            code: "account_disabled",
            message: "this account has been deactivated; ask an admin".to_owned(),
            field: None,
        });
    }
    sign_in(&state, &user, &headers, StatusCode::OK).await
}

/// The address of the client (the TCP peer; unspecified when unknown).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(
            peer.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

/// Start a session for `user`: store it, set the cookie, answer with the token.
pub async fn sign_in(
    state: &AppState,
    user: &UserRow,
    headers: &HeaderMap,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let token = token::generate();
    let token_hash =
        token::hash(&token).ok_or_else(|| ApiError::internal("fresh token does not hash"))?;
    let now = now_ms();
    let ttl = state.config.session_ttl;
    let expires_at = now.saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect::<String>());
    db::sessions::insert(
        &state.db,
        &NewSession {
            token_hash: &token_hash,
            user: shared::UserId::from_uuid(user.id),
            created_at: now,
            expires_at,
            user_agent: user_agent.as_deref(),
        },
    )
    .await?;
    let cookie = auth::session_cookie(
        &token,
        i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
        state.config.secure_cookies,
    );
    let body = LoginResponse {
        token,
        expires_at,
        user: user.view()?,
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// End this session. Answers 204 whether or not there was one, and always clears the cookie.
async fn logout(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let (parts, _) = request.into_parts();
    if let Some(hash) = auth::token_of(&parts).and_then(token::hash) {
        db::sessions::delete(&state.db, &hash).await?;
        state.pokes.sessions_ended();
    }
    let cookie = auth::clear_cookie(state.config.secure_cookies);
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(response)
}

async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Me>, ApiError> {
    Ok(Json(describe(&state, &user).await?))
}

async fn describe(state: &AppState, user: &CurrentUser) -> Result<Me, ApiError> {
    let team = TeamId::from_uuid(user.row.team_id);
    let team_name = db::teams::name(&state.db, team).await?.unwrap_or_default();
    Ok(Me {
        user: user.row.view()?,
        team_name,
        scope: user.actor.scope,
    })
}

/// Who is signed in, if anyone; without a session, whether setup is needed. One request at
/// start-up, and no error for the ordinary case of nobody being signed in yet.
async fn session(
    State(state): State<AppState>,
    user: Result<CurrentUser, ApiError>,
) -> Result<Response, ApiError> {
    let status = match user {
        Ok(user) => SessionStatus {
            me: Some(describe(&state, &user).await?),
            setup_needed: false,
            max_upload_bytes: state.config.max_upload as u64,
        },
        Err(ApiError::Unauthorized) => SessionStatus {
            me: None,
            setup_needed: db::users::count(&state.db).await? == 0,
            max_upload_bytes: state.config.max_upload as u64,
        },
        Err(other) => return Err(other),
    };
    let mut response = Json(status).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
