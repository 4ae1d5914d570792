//! Pokes: "there is something new, pull". Every write bumps the version and pokes the devices
//! it concerns (those whose user may see one of the records it wrote: [`Reach`]); connected
//! devices hear it over server-sent events. With Postgres, pokes also travel between server
//! instances through `LISTEN/NOTIFY` (sent inside the writing transaction, so delivered only
//! once it committed).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use shared::sync::{Poke, Reach, Scope};
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, watch};

use crate::api::error::ApiError;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, Db};

/// The Postgres channel pokes travel on.
pub const CHANNEL: &str = "qiao_sync";

/// Largest `NOTIFY` payload sent (Postgres allows a little under 8,000 bytes); a change that
/// concerns more people than fit pokes everyone.
const MAX_NOTE: usize = 7000;

/// A poke between server instances: the version and whom it concerns.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Note {
    version: i64,
    #[serde(default)]
    reach: Reach,
}

/// Wake the other instances (Postgres): a change at `version` concerning `reach`. Sent
/// within a transaction, it goes out when the transaction commits.
pub async fn notify<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    version: i64,
    reach: &Reach,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(note(version, reach))
        .execute(executor)
        .await
        .map(drop)
}

/// The `NOTIFY` payload for a change at `version` concerning `reach`.
fn note(version: i64, reach: &Reach) -> String {
    let full = serde_json::to_string(&Note {
        version,
        reach: reach.clone(),
    })
    .unwrap_or_default();
    if full.len() <= MAX_NOTE {
        return full;
    }
    serde_json::to_string(&Note {
        version,
        reach: Reach::everyone(),
    })
    .unwrap_or_default()
}

/// A `NOTIFY` payload read back (a bare version, from an older instance, concerns everyone).
fn read_note(payload: &str) -> Option<(i64, Reach)> {
    if let Ok(note) = serde_json::from_str::<Note>(payload) {
        return Some((note.version, note.reach));
    }
    payload.parse().ok().map(|v| (v, Reach::everyone()))
}

/// This instance's poke hub.
#[derive(Debug)]
pub struct Pokes {
    sender: broadcast::Sender<(i64, Arc<Reach>)>,
    closing: watch::Receiver<bool>,
    /// Bumped whenever sessions end here (sign-out, deactivation, password reset).
    sessions: watch::Sender<u64>,
}

impl Pokes {
    pub fn new(closing: watch::Receiver<bool>) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let (sessions, _) = watch::channel(0);
        Pokes {
            sender,
            closing,
            sessions,
        }
    }

    /// Tell this instance's listeners concerned by `reach` about `version`.
    pub fn poke(&self, version: i64, reach: Reach) {
        if !reach.is_empty() {
            let _ = self.sender.send((version, Arc::new(reach)));
        }
    }

    /// Sessions ended: every event stream checks at once whether its own still lives.
    pub fn sessions_ended(&self) {
        self.sessions.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// What one event stream waits on.
struct Listener {
    state: AppState,
    token_hash: Vec<u8>,
    /// What the stream's user sees (read again when people, teams or roles change).
    scope: Scope,
    first: Option<i64>,
    pokes: broadcast::Receiver<(i64, Arc<Reach>)>,
    closing: watch::Receiver<bool>,
    sessions: watch::Receiver<u64>,
    recheck: tokio::time::Interval,
}

impl Listener {
    /// The next poke that concerns this stream's user, or `None` when the stream must end:
    /// the session ended (here, on another instance, or it expired: checked every
    /// `session_recheck`) or the server is shutting down.
    async fn next(&mut self) -> Option<i64> {
        if let Some(version) = self.first.take() {
            return Some(version);
        }
        loop {
            if *self.closing.borrow() {
                return None;
            }
            tokio::select! {
                got = self.pokes.recv() => match got {
                    Ok((version, reach)) => {
                        // Coalesce: a burst of writes becomes one poke with the newest version.
                        let mut burst = vec![(version, reach)];
                        while let Ok(next) = self.pokes.try_recv() {
                            burst.push(next);
                        }
                        // People, teams or roles changed: the scope is read again, once.
                        if burst.iter().any(|(_, reach)| reach.everyone)
                            && !self.refresh(true).await
                        {
                            return None;
                        }
                        let newest = burst
                            .iter()
                            .filter(|(_, reach)| reach.concerns(&self.scope))
                            .map(|(version, _)| *version)
                            .max();
                        if newest.is_some() {
                            return newest;
                        }
                    }
                    // Missed some: poke anyway, with the newest version there is.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if let Ok(head) = db::sync::head(&self.state.db).await {
                            return Some(head.version);
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.closing.changed() => return None,
                changed = self.sessions.changed() => {
                    if changed.is_err() || !self.refresh(false).await {
                        return None;
                    }
                }
                _ = self.recheck.tick() => {
                    if !self.refresh(false).await {
                        return None;
                    }
                }
            }
        }
    }

    /// Whether the session still lives (checked again later if the database cannot say now);
    /// with `rescope`, the user's scope is read again too (a change to people, teams or roles
    /// reaches every stream as a poke for everyone).
    async fn refresh(&mut self, rescope: bool) -> bool {
        let user = match CurrentUser::of_session(&self.state, self.token_hash.clone()).await {
            Ok(Some(user)) => user,
            Ok(None) => return false,
            // The database is unreachable for a moment: keep the stream, check again later.
            Err(e) => {
                tracing::warn!(error = %e, "cannot check an event stream's session");
                return true;
            }
        };
        if rescope && let Ok(directory) = db::sync::directory_now(&self.state.db, &user.actor).await
        {
            self.scope = directory.scope();
        }
        true
    }
}

/// `GET /api/sync/events`: a poke now (so a device that reconnects pulls at once) and one after
/// every change that concerns the user, until the client goes away, its session ends, or the
/// server shuts down.
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let head = db::sync::head(&state.db).await?;
    let scope = db::sync::directory_now(&state.db, &user.actor)
        .await?
        .scope();
    let every = state.config.session_recheck;
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let listener = Listener {
        first: Some(head.version),
        pokes: state.pokes.sender.subscribe(),
        closing: state.pokes.closing.clone(),
        sessions: state.pokes.sessions.subscribe(),
        recheck,
        token_hash: user.token_hash,
        scope,
        state,
    };
    let stream = futures_util::stream::unfold(listener, |mut listener| async move {
        let version = listener.next().await?;
        Some((event(version), listener))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn event(version: i64) -> Result<Event, Infallible> {
    let data = serde_json::to_string(&Poke { version }).unwrap_or_default();
    Ok(Event::default().event("poke").data(data))
}

/// On Postgres, forward other instances' pokes to this one's listeners, reconnecting when the
/// connection drops. Returns once the first `LISTEN` is in place (or failed, then it retries).
pub async fn spawn_listener(db: &Db, pokes: std::sync::Arc<Pokes>) {
    let Db::Postgres(pool) = db else {
        return;
    };
    let pool = pool.clone();
    let mut first = Some(connect(&pool).await);
    tokio::spawn(async move {
        loop {
            if *pokes.closing.borrow() {
                return;
            }
            let attempt = match first.take() {
                Some(attempt) => attempt,
                None => connect(&pool).await,
            };
            match attempt {
                Ok(mut listener) => {
                    let mut closing = pokes.closing.clone();
                    loop {
                        tokio::select! {
                            got = listener.recv() => match got {
                                Ok(note) => {
                                    if let Some((version, reach)) = read_note(note.payload()) {
                                        pokes.poke(version, reach);
                                    }
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "poke listener lost its connection");
                                    break;
                                }
                            },
                            _ = closing.changed() => return,
                        }
                    }
                }
                Err(sqlx::Error::PoolClosed) => return,
                Err(e) => tracing::warn!(error = %e, "cannot listen for pokes"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

async fn connect(pool: &sqlx::PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
