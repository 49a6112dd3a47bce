//! The worker threads the core's parallel loops run on.
//!
//! The core parallelises over fault locations with rayon. rayon's global pool does not
//! survive `fork()`: a child process (multiprocessing's default start method on Linux) would
//! wait forever for worker threads that only exist in the parent. The binding therefore runs
//! every study inside its own pool and builds a fresh one when it finds itself in a new
//! process, so `Network` objects work in fork-based process pools as well as in threads.

use std::sync::{Arc, Mutex};

use rayon::ThreadPool;

static POOL: Mutex<Option<(u32, Arc<ThreadPool>)>> = Mutex::new(None);

fn pool() -> Option<Arc<ThreadPool>> {
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, pool)) = slot.as_ref()
        && *owner == pid
    {
        return Some(Arc::clone(pool));
    }
    // first use, or a forked child: the parent's workers do not exist here, so the old
    // pool can neither be used nor shut down; it is left alone (leaked) on purpose
    if let Some(old) = slot.take() {
        std::mem::forget(old);
    }
    let pool = Arc::new(rayon::ThreadPoolBuilder::new().build().ok()?);
    *slot = Some((pid, Arc::clone(&pool)));
    Some(pool)
}

/// Runs `f` (a core call) on this process's worker pool.
pub(crate) fn run<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match pool() {
        Some(pool) => pool.install(f),
        None => f(), // no threads could be started: the core's loops then run on this one
    }
}
