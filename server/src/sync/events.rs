//! Pokes: "there is something new, pull". Every write bumps the version and pokes; connected
//! devices hear it over server-sent events. With Postgres, pokes also travel between server
//! instances through `LISTEN/NOTIFY` (sent inside the writing transaction, so delivered only
//! once it committed).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use shared::sync::Poke;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, watch};

use crate::api::error::ApiError;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, Db};

/// The Postgres channel pokes travel on.
pub const CHANNEL: &str = "qiao_sync";

/// This instance's poke hub.
#[derive(Debug)]
pub struct Pokes {
    sender: broadcast::Sender<i64>,
    closing: watch::Receiver<bool>,
    /// Bumped whenever sessions end here (sign-out, deactivation, password reset).
    sessions: watch::Sender<u64>,
}

impl Pokes {
    pub fn new(closing: watch::Receiver<bool>) -> Self {
        let (sender, _) = broadcast::channel(256);
        let (sessions, _) = watch::channel(0);
        Pokes {
            sender,
            closing,
            sessions,
        }
    }

    /// Tell this instance's listeners about `version`.
    pub fn poke(&self, version: i64) {
        let _ = self.sender.send(version);
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
    first: Option<i64>,
    pokes: broadcast::Receiver<i64>,
    closing: watch::Receiver<bool>,
    sessions: watch::Receiver<u64>,
    recheck: tokio::time::Interval,
}

impl Listener {
    /// The next poke, or `None` when the stream must end: the client's session ended (here,
    /// on another instance, or it expired: checked every `session_recheck`) or the server is
    /// shutting down.
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
                    Ok(version) => {
                        // Coalesce: a burst of writes becomes one poke with the newest version.
                        let mut newest = version;
                        while let Ok(v) = self.pokes.try_recv() {
                            newest = newest.max(v);
                        }
                        return Some(newest);
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.closing.changed() => return None,
                changed = self.sessions.changed() => {
                    if changed.is_err() || !self.session_lives().await {
                        return None;
                    }
                }
                _ = self.recheck.tick() => {
                    if !self.session_lives().await {
                        return None;
                    }
                }
            }
        }
    }

    async fn session_lives(&self) -> bool {
        match db::sessions::user_for(&self.state.db, &self.token_hash, db::now_ms()).await {
            Ok(user) => user.is_some(),
            // The database is unreachable for a moment: keep the stream, check again later.
            Err(e) => {
                tracing::warn!(error = %e, "cannot check an event stream's session");
                true
            }
        }
    }
}

/// `GET /api/sync/events`: a poke now (so a device that reconnects pulls at once) and one after
/// every change, until the client goes away, its session ends, or the server shuts down.
pub async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let head = db::sync::head(&state.db).await?;
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
                                    if let Ok(version) = note.payload().parse::<i64>() {
                                        pokes.poke(version);
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
