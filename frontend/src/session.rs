//! Who is signed in. On start the app asks the server (`/api/auth/me`); when nobody is, it asks
//! whether the installation still needs its one-time setup.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::Role;
use shared::api::{Me, SessionStatus};

use gloo_storage::{LocalStorage, Storage};

use crate::api::{self, Failure};
use crate::sync::use_sync;

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// Asking the server.
    Checking,
    /// Nobody is signed in; `setup_needed` when the installation has no users yet.
    SignedOut {
        setup_needed: bool,
    },
    SignedIn(Me),
    /// The server could not be reached.
    Unreachable,
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub auth: RwSignal<Auth>,
}

impl Session {
    pub fn provide() -> Self {
        let session = Self {
            auth: RwSignal::new(Auth::Checking),
        };
        provide_context(session);
        api::on_unauthorized(move || {
            session.auth.set(Auth::SignedOut {
                setup_needed: false,
            })
        });
        // The signed-in user's local copy syncs while they are signed in.
        let sync = use_sync();
        Effect::new(move |previous: Option<Option<String>>| {
            let user = session.auth.with(|a| match a {
                Auth::SignedIn(me) => Some(me.user.id.to_string()),
                _ => None,
            });
            if previous.as_ref() != Some(&user) {
                match &user {
                    Some(id) => sync.start(id.clone()),
                    None => sync.stop(),
                }
            }
            match session.auth.get_untracked() {
                Auth::SignedIn(me) => remember(Some(&me)),
                Auth::SignedOut { .. } => remember(None),
                Auth::Checking | Auth::Unreachable => {}
            }
            user
        });
        session.refresh();
        session
    }

    /// Ask the server who is signed in (at start-up, through the request `index.html` made
    /// while the app was loading). Without a network, whoever was signed in last on this device
    /// stays signed in, so the app works offline.
    pub fn refresh(self) {
        spawn_local(async move {
            let asked = api::get_started::<SessionStatus>("/api/auth/session", "qiaoSession");
            let asked = asked.await;
            if let Ok(status) = &asked
                && status.max_upload_bytes > 0
            {
                let _ = LocalStorage::set(MAX_UPLOAD, status.max_upload_bytes);
            }
            let next = match asked {
                Ok(SessionStatus { me: Some(me), .. }) => Auth::SignedIn(me),
                Ok(SessionStatus {
                    me: None,
                    setup_needed,
                    ..
                }) => Auth::SignedOut { setup_needed },
                Err(Failure::Offline) => match remembered() {
                    Some(me) => Auth::SignedIn(me),
                    None => Auth::Unreachable,
                },
                Err(_) => Auth::Unreachable,
            };
            self.auth.set(next);
        });
    }

    pub fn me(self) -> Option<Me> {
        match self.auth.get() {
            Auth::SignedIn(me) => Some(me),
            _ => None,
        }
    }

    pub fn is_admin(self) -> bool {
        self.auth
            .with(|a| matches!(a, Auth::SignedIn(me) if me.user.role == Role::Admin))
    }

    /// Sign out and leave for the sign-in page (which is not part of the app).
    pub async fn sign_out(self) {
        let _ = api::post_empty("/api/auth/logout", &serde_json::json!({})).await;
        remember(None);
        open_sign_in(None);
    }
}

/// Leave the app for the sign-in page, `/login`: plain HTML served by the server, so that it
/// opens at once on a phone (it fetches the app meanwhile). `next` is the app's address to come
/// back to after signing in.
pub fn open_sign_in(next: Option<&str>) {
    let target = match next.filter(|p| p.starts_with('/') && *p != "/") {
        Some(path) => format!(
            "/login?next={}",
            String::from(js_sys::encode_uri_component(path))
        ),
        None => "/login".to_owned(),
    };
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(&target);
    }
}

const REMEMBERED: &str = "qiao.me";

fn remember(me: Option<&Me>) {
    match me {
        Some(me) => {
            let _ = LocalStorage::set(REMEMBERED, me);
        }
        None => LocalStorage::delete(REMEMBERED),
    }
}

fn remembered() -> Option<Me> {
    LocalStorage::get(REMEMBERED).ok()
}

/// Where the server's largest upload is kept (read offline too).
const MAX_UPLOAD: &str = "qiao.max-upload";

/// The largest file the server takes, as it last said (the product's default before then).
pub fn max_upload_bytes() -> u64 {
    LocalStorage::get::<u64>(MAX_UPLOAD)
        .ok()
        .filter(|n| *n > 0)
        .unwrap_or(shared::files::MAX_UPLOAD_BYTES)
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
