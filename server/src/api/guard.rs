//! `Can<G>`: an extractor that admits only users whose role holds a capability, so a handler
//! declares its permission in its signature and refuses (403) before it reads the body.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use shared::Capability;

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::CurrentUser;

pub trait Guard {
    const CAPABILITY: Capability;
}

macro_rules! guard {
    ($name:ident) => {
        #[derive(Debug)]
        pub struct $name;
        impl Guard for $name {
            const CAPABILITY: Capability = Capability::$name;
        }
    };
}

guard!(ManageUsers);
guard!(ManageTeams);
guard!(ManageRoles);

#[derive(Debug)]
pub struct Can<G>(pub CurrentUser, pub PhantomData<G>);

impl<G: Guard + Send> FromRequestParts<AppState> for Can<G> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.require(G::CAPABILITY)?;
        Ok(Can(user, PhantomData))
    }
}
