//! In-process change notices: the local worker bumps a counter when a study changes, so
//! progress streams answer at once instead of at their next poll. Streams still poll the
//! database, which is what carries changes made by workers on other machines.

use tokio::sync::watch;

/// A change counter.
#[derive(Clone)]
pub struct Events {
    tx: watch::Sender<u64>,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            tx: watch::channel(0).0,
        }
    }
}

impl Events {
    /// Tells the listeners that some study changed.
    pub fn bump(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A listener.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }
}
