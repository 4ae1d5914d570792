//! Admission control for writes. A burst of large pushes (every device coming back after an
//! outage) must not take every database connection and the memory of every body at once: a
//! push or REST write first waits for one of a few **write slots**, before its body is read
//! and before it holds a connection. A bounded number wait their turn; past that, or after
//! waiting too long, the answer is 503 with `Retry-After`, which devices already retry with
//! backoff. Pulls, sign-ins and reads never wait here, so they stay quick during the burst.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::api::error::ApiError;
use crate::app::AppState;

/// How writes are let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimits {
    /// Writes running at once.
    pub slots: usize,
    /// Writes waiting for a slot at most; one more is told to come back later.
    pub queue: usize,
    /// Longest wait for a slot before being told to come back later.
    pub wait: Duration,
}

/// The write slots of one server instance.
#[derive(Debug)]
pub struct Admission {
    limits: WriteLimits,
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

impl Admission {
    pub fn new(limits: WriteLimits) -> Self {
        Admission {
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
            Ok(Err(_)) | Err(_) => Err(self.come_back_after(before)),
        }
    }

    /// A longer wait the longer the queue: spreads the retries of a burst out.
    fn come_back_after(&self, waiting: usize) -> Duration {
        let per_slot = waiting / self.limits.slots.max(1);
        Duration::from_secs(u64::try_from(per_slot).unwrap_or(u64::MAX).clamp(1, 30))
    }
}

/// Middleware: run a writing request (any method but `GET` and `HEAD`) in a write slot.
pub async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    match state.admission.enter().await {
        Ok(slot) => {
            let response = next.run(request).await;
            drop(slot);
            response
        }
        Err(wait) => {
            tracing::debug!(path = %request.uri().path(), "write queue full: asked to retry");
            ApiError::Busy(wait).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(slots: usize, queue: usize, wait_ms: u64) -> Arc<Admission> {
        Arc::new(Admission::new(WriteLimits {
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
    async fn a_write_waits_no_longer_than_allowed() {
        let gate = admission(1, 10, 20);
        let _busy = gate.enter().await.expect("a free slot");
        assert_eq!(gate.enter().await.err(), Some(Duration::from_secs(1)));
        assert_eq!(gate.waiting.load(Ordering::Acquire), 0);
    }
}
