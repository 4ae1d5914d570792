//! The events of committed writes (`shared::sync::Event`: a record created, updated with the
//! fields that changed, assigned, deleted), handed to this process's subscribers once the
//! transaction that wrote them has committed: a write that rolls back tells nothing. Every
//! write path ends here (device pushes and API writes both save through `push::Batch`).
//!
//! Delivery is in memory and in commit order within this instance; a subscriber that falls
//! more than [`Changes::BACKLOG`] batches behind is told how many it missed (`Lagged`), and
//! nothing survives a restart. What must act on every change exactly once, whichever instance
//! wrote it, reads the records' versions from the database instead and uses these events to
//! wake up.

use std::sync::Arc;

use shared::sync::Event;
use tokio::sync::broadcast;

/// The events of one committed write (one version), in the order of its records.
pub type Batch = Arc<[Event]>;

#[derive(Debug)]
pub struct Changes {
    sender: broadcast::Sender<Batch>,
}

impl Default for Changes {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(Self::BACKLOG);
        Changes { sender }
    }
}

impl Changes {
    /// Batches kept for a subscriber that has not read them yet.
    pub const BACKLOG: usize = 1024;

    /// Hear of every write committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Batch> {
        self.sender.subscribe()
    }

    /// Hand on a committed write's events (nothing when there are none or no one listens).
    pub fn publish(&self, events: Vec<Event>) {
        if events.is_empty() || self.sender.receiver_count() == 0 {
            return;
        }
        // With no subscriber left, the events simply go.
        let _ = self.sender.send(events.into());
    }
}
