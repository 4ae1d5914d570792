//! Admission control. A burst of large pushes (every device coming back after an outage) must
//! not take every database connection and the memory of every body at once: a push or REST
//! write first waits for one of a few **write slots**, before its body is read and before it
//! holds a connection. A bounded number wait their turn; past that, or after waiting too long,
//! the answer is 503 with `Retry-After`, which devices already retry with backoff. Small writes
//! (a few changes from a phone, a REST call) have slots of their own, so they do not queue
//! behind a burst of large pushes. Pulls have slots of their own, a few per core, so that many
//! at once do not each hold their answer in memory together; REST lists (integrations reading
//! many records) have fewer, so that they never crowd out the devices' pulls. Sign-ins and
//! single reads never wait here.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::api::error::ApiError;
use crate::app::AppState;

/// How the requests of one lane are let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneLimits {
    /// Requests running at once.
    pub slots: usize,
    /// Requests waiting for a slot at most; one more is told to come back later.
    pub queue: usize,
    /// Longest wait for a slot before being told to come back later.
    pub wait: Duration,
}

/// The slots of each lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slots {
    /// Large writes (pushes of many changes): each holds the database's write lock for a
    /// while and a body of megabytes in memory.
    pub large: usize,
    /// Small writes: many may wait for the database at once, since they hold little.
    pub small: usize,
    /// Pulls.
    pub pulls: usize,
    /// REST lists.
    pub lists: usize,
}

/// Bodies up to this size are small writes.
pub const SMALL_WRITE: u64 = 64 * 1024;

/// The slots of one server instance: a lane for large writes, one for small ones, one for
/// pulls and one for REST lists.
#[derive(Debug)]
pub struct Admission {
    large: Lane,
    small: Lane,
    pulls: Lane,
    lists: Lane,
}

impl Admission {
    /// Lanes with `slots` each, and the same queue and wait.
    pub fn new(slots: Slots, queue: usize, wait: Duration) -> Self {
        let lane = |slots| Lane::new(LaneLimits { slots, queue, wait });
        Admission {
            large: lane(slots.large),
            small: lane(slots.small),
            pulls: lane(slots.pulls),
            lists: lane(slots.lists),
        }
    }

    /// The lane for a body of `length` bytes (unknown: large).
    pub fn lane(&self, length: Option<u64>) -> &Lane {
        match length {
            Some(n) if n <= SMALL_WRITE => &self.small,
            _ => &self.large,
        }
    }
}

/// Write slots and the writes waiting for one.
#[derive(Debug)]
pub struct Lane {
    limits: LaneLimits,
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
}

/// Counts a waiting write while it waits.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Lane {
    pub fn new(limits: LaneLimits) -> Self {
        Lane {
            limits,
            slots: Arc::new(Semaphore::new(limits.slots.max(1))),
            waiting: AtomicUsize::new(0),
        }
    }

    /// A write slot, or how long to wait before asking again.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, Duration> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let before = self.waiting.fetch_add(1, Ordering::AcqRel);
        let _waiting = Waiting(&self.waiting);
        if before >= self.limits.queue {
            return Err(self.come_back_after(before));
        }
        match tokio::time::timeout(self.limits.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // The queue as it is now, not as it was on arrival: a write that waited long is
            // near its front by now, and is not sent to the back of a burst that has drained.
            Ok(Err(_)) | Err(_) => {
                let behind_it = self.waiting.load(Ordering::Acquire).saturating_sub(1);
                Err(self.come_back_after(behind_it))
            }
        }
    }

    /// A longer wait the longer the queue: spreads the retries of a burst out.
    fn come_back_after(&self, waiting: usize) -> Duration {
        let per_slot = waiting / self.limits.slots.max(1);
        Duration::from_secs(u64::try_from(per_slot).unwrap_or(u64::MAX).clamp(1, 30))
    }
}

/// Middleware: run a writing request in a write slot of its size (reads pass).
pub async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    run_in(state.admission.lane(length), request, next).await
}

/// Middleware: run a REST list in a list slot.
pub async fn admit_list(State(state): State<AppState>, request: Request, next: Next) -> Response {
    run_in(&state.admission.lists, request, next).await
}

/// Middleware: run a pull in a pull slot.
pub async fn admit_pull(State(state): State<AppState>, request: Request, next: Next) -> Response {
    run_in(&state.admission.pulls, request, next).await
}

async fn run_in(lane: &Lane, request: Request, next: Next) -> Response {
    match lane.enter().await {
        Ok(slot) => {
            let response = next.run(request).await;
            drop(slot);
            response
        }
        Err(wait) => {
            tracing::debug!(path = %request.uri().path(), "queue full: asked to retry");
            ApiError::Busy(wait).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(slots: usize, queue: usize, wait_ms: u64) -> Arc<Lane> {
        Arc::new(Lane::new(LaneLimits {
            slots,
            queue,
            wait: Duration::from_millis(wait_ms),
        }))
    }

    #[tokio::test]
    async fn writes_wait_their_turn_up_to_the_queue() {
        let gate = admission(1, 1, 5_000);
        let first = gate.enter().await.expect("a free slot");
        let waiting = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.enter().await.is_ok() })
        };
        // Let the second one queue up.
        while gate.waiting.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(gate.enter().await.is_err(), "the queue is full");
        drop(first);
        assert!(
            waiting.await.expect("joins"),
            "the waiting write got the slot"
        );
    }

    #[tokio::test]
    async fn small_writes_do_not_wait_behind_large_ones() {
        let slots = Slots {
            large: 1,
            small: 1,
            pulls: 1,
            lists: 1,
        };
        let gate = Admission::new(slots, 0, Duration::from_millis(20));
        let _large = gate.lane(Some(5_000_000)).enter().await.expect("a slot");
        assert!(gate.lane(None).enter().await.is_err(), "large lane full");
        assert!(
            gate.lane(Some(2_000)).enter().await.is_ok(),
            "small lane free"
        );
    }

    #[tokio::test]
    async fn a_write_that_waited_too_long_comes_back_by_the_queue_it_leaves() {
        // One slot, busy; 40 writes arrive, then 39 of them give up (their clients left).
        let gate = admission(1, 100, 200);
        let _busy = gate.enter().await.expect("a free slot");
        let mut early = Vec::new();
        for _ in 0..39 {
            let gate = gate.clone();
            early.push(tokio::spawn(async move { gate.enter().await.err() }));
        }
        while gate.waiting.load(Ordering::Acquire) < 39 {
            tokio::task::yield_now().await;
        }
        let last = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.enter().await.err() })
        };
        while gate.waiting.load(Ordering::Acquire) < 40 {
            tokio::task::yield_now().await;
        }
        for waiting in &early {
            waiting.abort();
        }
        // It arrived 40th (come back after 30 s, had it been told on arrival), but when its
        // wait ends nobody waits with it any more.
        assert_eq!(
            last.await.expect("joins"),
            Some(Duration::from_secs(1)),
            "told to come back soon"
        );
    }

    #[tokio::test]
    async fn a_write_waits_no_longer_than_allowed() {
        let gate = admission(1, 10, 20);
        let _busy = gate.enter().await.expect("a free slot");
        assert_eq!(gate.enter().await.err(), Some(Duration::from_secs(1)));
        assert_eq!(gate.waiting.load(Ordering::Acquire), 0);
    }
}
