//! Accepting connections, with limits that keep a slow or stalled client from starving the
//! others: a client must send a request's headers within `header_timeout` (also when an idle
//! kept-alive connection waits for its next request), no more than `max_connections` are open
//! at once (below the process's file-descriptor limit) and no more than `per_address` from one
//! address. A connection over a limit is closed at once. A request's body and answer are bounded
//! in time by the deadline middleware of [`crate::app`].

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// Connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections at most (0: worked out from the file-descriptor limit).
    pub max_connections: usize,
    /// Open connections from one address at most.
    pub per_address: usize,
    /// Time a client has to send a request's headers.
    pub header_timeout: Duration,
}

impl ConnectionLimits {
    /// `max_connections`, or what the process's open-file limit allows, keeping room for the
    /// database and files.
    pub fn max_connections(&self) -> usize {
        if self.max_connections > 0 {
            return self.max_connections;
        }
        let files = open_file_limit().unwrap_or(1024);
        files.saturating_sub(files / 8 + 64).clamp(64, 50_000)
    }
}

/// The soft limit on open files, from `/proc/self/limits` (Linux).
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Open connections, in all and per address.
#[derive(Debug)]
struct Counts {
    total: Arc<Semaphore>,
    per_address: Mutex<HashMap<IpAddr, usize>>,
    max_per_address: usize,
}

/// One open connection's place; given back when dropped.
struct Slot {
    counts: Arc<Counts>,
    address: IpAddr,
    _total: OwnedSemaphorePermit,
}

impl Counts {
    fn take(counts: &Arc<Counts>, address: IpAddr) -> Option<Slot> {
        let total = counts.total.clone().try_acquire_owned().ok()?;
        let mut per = counts.per_address.lock().unwrap_or_else(|e| e.into_inner());
        let open = per.entry(address).or_insert(0);
        if *open >= counts.max_per_address {
            return None;
        }
        *open += 1;
        Some(Slot {
            counts: counts.clone(),
            address,
            _total: total,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut per = self
            .counts
            .per_address
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(open) = per.get_mut(&self.address) {
            *open -= 1;
            if *open == 0 {
                per.remove(&self.address);
            }
        }
    }
}

/// Serve `router` on `listener` until `stop` resolves, then let the connections finish their
/// requests (at most `drain` long).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
    drain: Duration,
) -> std::io::Result<()> {
    let counts = Arc::new(Counts {
        total: Arc::new(Semaphore::new(limits.max_connections())),
        per_address: Mutex::new(HashMap::new()),
        max_per_address: limits.per_address.max(1),
    });
    // HTTP/1.1 only: browsers speak HTTP/2 over TLS alone, which a proxy in front ends.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a moment rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(slot) = Counts::take(&counts, peer.ip()) else {
            tracing::debug!(%peer, "too many connections: closed at once");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(drain) => {
            tracing::warn!("connections still open after {drain:?}; stopping anyway");
        }
    }
    Ok(())
}
