//! The application: configuration, shared state, and the router that `main` serves and the
//! tests start.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Request;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::admission::{Admission, Slots};
use crate::api;
use crate::api::error::ApiError;
use crate::auth::throttle::{Limit, LoginThrottle};
use crate::db::{self, Backend, Db, now_ms};
use crate::serve::{self, ConnectionLimits};
use crate::sync::cursor::{self, CursorKey};
use crate::sync::events::{self, Pokes};
use crate::{security, web};

/// Everything a server instance is started with.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`
    pub db_url: String,
    /// Address to listen on, e.g. `127.0.0.1:8080`; port 0 picks a free one.
    pub listen: String,
    /// How long a sign-in lasts.
    pub session_ttl: Duration,
    /// Mark the session cookie `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Failed sign-ins allowed per account.
    pub login_per_account: Limit,
    /// Failed sign-ins allowed per client address.
    pub login_per_ip: Limit,
    /// Records per sync pull page.
    pub pull_page_size: usize,
    /// How often an open event stream checks that its session still lives (sign-outs and
    /// deactivations on this instance end streams at once).
    pub session_recheck: Duration,
    /// Large writes, small writes, pulls and REST lists running at once (`None`: see
    /// [`Config::slots`]), how many may wait for their turn in each lane, and how long.
    pub slots: Option<Slots>,
    pub write_queue: usize,
    pub write_wait: Duration,
    /// Connections: how many, from one address, and the time to send a request's headers.
    pub connections: ConnectionLimits,
    /// Longest time to receive a request's body and answer it (event streams and uploads
    /// excepted).
    pub request_deadline: Duration,
    /// Largest file an upload may be, in bytes.
    pub max_upload: usize,
    /// Longest time to receive an upload (a phone on a slow network sends 20 MB slowly).
    pub upload_deadline: Duration,
    /// Where uploaded files' bytes are kept (`None`: in the database).
    pub files_dir: Option<std::path::PathBuf>,
}

impl Config {
    pub fn new(db_url: impl Into<String>, listen: impl Into<String>) -> Self {
        Self {
            db_url: db_url.into(),
            listen: listen.into(),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            secure_cookies: false,
            login_per_account: Limit {
                max: 5,
                window: Duration::from_secs(15 * 60),
            },
            login_per_ip: Limit {
                max: 30,
                window: Duration::from_secs(15 * 60),
            },
            pull_page_size: 5000,
            session_recheck: Duration::from_secs(60),
            slots: None,
            write_queue: 512,
            write_wait: Duration::from_secs(30),
            connections: ConnectionLimits {
                max_connections: 0,
                per_address: 1024,
                header_timeout: Duration::from_secs(15),
            },
            request_deadline: Duration::from_secs(60),
            max_upload: shared::files::MAX_UPLOAD_BYTES as usize,
            upload_deadline: Duration::from_secs(600),
            files_dir: None,
        }
    }
}

impl Config {
    /// The default slots of each lane, within the database's connections. One large push at
    /// a time: pushes take turns at the database anyway (SQLite has one writer; on Postgres
    /// each holds the version counter until it commits), and a burst then keeps one core busy
    /// while the others serve pulls. SQLite has eight readers (two kept for sign-ins and
    /// single reads); Postgres a pool of 32 connections.
    pub fn slots(backend: Backend) -> Slots {
        match backend {
            Backend::Sqlite => Slots {
                large: 1,
                small: 8,
                pulls: 4,
                lists: 2,
            },
            Backend::Postgres => Slots {
                large: 1,
                small: 8,
                pulls: 12,
                lists: 4,
            },
        }
    }
}

/// Uploads received at once; more wait for a moment (503 and `Retry-After`).
pub const UPLOADS_AT_ONCE: usize = 4;

/// Shared by every request. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub throttle: Arc<LoginThrottle>,
    pub pokes: Arc<Pokes>,
    /// Signs the pull cursors given to devices.
    pub cursor_key: CursorKey,
    /// Write slots (see [`crate::admission`]).
    pub admission: Arc<Admission>,
    /// The indexes REST lists have made (see [`crate::db::list`]).
    pub list_indexes: Arc<crate::db::list::Indexes>,
    /// What committed writes did, for those who act on changes (see [`crate::sync::changes`]).
    pub changes: Arc<crate::sync::changes::Changes>,
    /// Uploads received at once (each holds up to `max_upload` bytes in memory).
    pub uploads: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(
        db: Db,
        config: Config,
        closing: watch::Receiver<bool>,
        cursor_key: CursorKey,
    ) -> Self {
        let throttle = LoginThrottle::new(config.login_per_account, config.login_per_ip);
        let slots = config.slots.unwrap_or(Config::slots(db.backend()));
        let admission = Admission::new(slots, config.write_queue, config.write_wait);
        Self {
            db,
            config: Arc::new(config),
            throttle: Arc::new(throttle),
            pokes: Arc::new(Pokes::new(closing)),
            cursor_key,
            admission: Arc::new(admission),
            list_indexes: Arc::default(),
            changes: Arc::default(),
            uploads: Arc::new(tokio::sync::Semaphore::new(UPLOADS_AT_ONCE)),
        }
    }
}

/// The whole HTTP surface: the JSON API, `/healthz`, and the embedded web app.
pub fn app(state: AppState) -> Router {
    let deadline = state.config.request_deadline;
    let upload_deadline = state.config.upload_deadline;
    let secure = state.config.secure_cookies;
    Router::new()
        .merge(api::router(&state))
        .fallback(web::serve)
        .with_state(state)
        .layer(axum::middleware::from_fn(move |request: Request<_>, next| {
            let uploading = request.method() == axum::http::Method::POST
                && request.uri().path() == crate::api::files::UPLOAD_PATH;
            within_deadline(
                if uploading { upload_deadline } else { deadline },
                request,
                next,
            )
        }))
        .layer(axum::middleware::from_fn(security::same_origin_writes))
        // The app's files are compressed at build time (brotli, at the best level). What is
        // compressed here is the API's answers, pull pages of megabytes included: gzip at a
        // fast level, because brotli's default is its slowest level and each brotli stream
        // keeps a window of megabytes, which under many concurrent pulls costs more time and
        // memory than its smaller answers save.
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .no_br()
                .quality(CompressionLevel::Precise(4)),
        )
        .layer(axum::middleware::from_fn(move |request, next| {
            security::headers(secure, request, next)
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                // Internal errors are logged where they happen (`ApiError`); a 503 that asks a
                // device to come back later is no failure of the server.
                .on_failure(()),
        )
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::internal("a request handler panicked"))
        }))
}

/// Answer within `deadline` (body read included), or 408: a client that trickles its body
/// cannot hold a connection and a write slot for long. Event streams last as long as the
/// session.
async fn within_deadline(
    deadline: Duration,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if request.uri().path() == "/api/sync/events" {
        return next.run(request).await;
    }
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(ApiError::Timeout),
    }
}

/// A server that is listening. Dropping it does not stop it; call [`Running::shutdown`].
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    pub db: Db,
    /// What committed writes do, for subscribers in this process.
    pub changes: Arc<crate::sync::changes::Changes>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stop accepting connections, let requests in flight finish, close the database.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(());
        let result = self
            .task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.db.close().await;
        result
    }

    /// Serve until the `stop` future given to [`start`] resolves, then close the database.
    pub async fn wait(self) -> std::io::Result<()> {
        let result = self
            .task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.db.close().await;
        result
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] db::OpenError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

/// Open the database (migrating it), bind the address, and serve until [`Running::shutdown`]
/// or until `stop` resolves.
pub async fn start(
    config: Config,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let db = Db::open(&config.db_url).await?;
    let listener =
        TcpListener::bind(&config.listen)
            .await
            .map_err(|source| StartError::Listen {
                addr: config.listen.clone(),
                source,
            })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        addr: config.listen.clone(),
        source,
    })?;
    let cursor_key = CursorKey::new(
        db::keys::secret(&db, cursor::KEY_NAME)
            .await
            .map_err(db::OpenError::Connect)?,
    );
    let (closing_tx, closing) = watch::channel(false);
    let state = AppState::new(db.clone(), config, closing, cursor_key);
    spawn_housekeeping(db.clone());
    events::spawn_listener(&db, state.pokes.clone()).await;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let limits = state.config.connections;
    let changes = state.changes.clone();
    let router = app(state);
    let stop = async move {
        tokio::select! {
            _ = rx => {}
            () = stop => {}
        }
        // End event streams, or the graceful shutdown would wait for them forever.
        let _ = closing_tx.send(true);
    };
    let task = tokio::spawn(serve::serve(
        listener,
        router,
        limits,
        stop,
        Duration::from_secs(30),
    ));
    Ok(Running {
        addr,
        db,
        changes,
        shutdown: tx,
        task,
    })
}

/// How long deletions and reassignments are kept for devices that were away; a device whose
/// cursor is older downloads its data again (keeping its pending changes).
pub const TOMBSTONE_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// Hourly: forget expired sessions, fields deleted more than 30 days ago (with their values)
/// and tombstones older than the retention window.
fn spawn_housekeeping(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match db::sessions::purge_expired(&db, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "purged expired sessions"),
                Err(sqlx::Error::PoolClosed) => break,
                Err(e) => tracing::warn!(error = %e, "could not purge expired sessions"),
            }
            match crate::sync::retype::forget_deleted_fields(&db, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(fields = n, "forgot fields deleted 30 days ago"),
                Err(sqlx::Error::PoolClosed) => break,
                Err(e) => tracing::warn!(error = %e, "could not forget old deleted fields"),
            }
            let retention = i64::try_from(TOMBSTONE_RETENTION.as_millis()).unwrap_or(i64::MAX);
            match db::sync::purge(&db, now_ms().saturating_sub(retention)).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(tombstones = n, "purged old tombstones"),
                Err(sqlx::Error::PoolClosed) => break,
                Err(e) => tracing::warn!(error = %e, "could not purge old tombstones"),
            }
        }
    });
}
