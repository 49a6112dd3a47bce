//! SQLite: checkpoints of the write-ahead log, taken in the background.
//!
//! In WAL mode a commit appends its pages to the log, and a checkpoint copies them back into
//! the database file and flushes that file. By default SQLite takes the checkpoint inside a
//! commit once the log holds 1000 pages, and the one writer, with every request queued behind
//! it (the cache hits of a group, the writers at the write gate), waits for the copy and the
//! fsync. Under steady load the log is seldom restarted (some reader always holds a snapshot
//! in it), so once past the threshold every commit takes a checkpoint. On this ext4 disk that
//! flush was the tail of the cached simulation path: `scripts/load.sh 10` gave p99 11.0 and
//! 11.7 ms with the database on tmpfs against 20.8 and 21.2 ms on disk, with the same median.
//!
//! Here a task takes a PASSIVE checkpoint every 50 ms (`EVERY`) on a connection of the pool:
//! it copies the pages no reader still needs and blocks neither writers nor readers, and the
//! copies are small because they are frequent. The commit-time checkpoint stays, at 10,000
//! pages (`SAFETY_NET_PAGES`), to bound the log; past it, commits checkpoint again, but only
//! what came in since the task's last one. Measured with load.sh (cached p99, this safety
//! net): every 200 ms 19.4-24.2 ms (ten runs), every 50 ms 14.1/14.7 ms. A net of 100,000
//! pages gave 9.9/12.1 ms, but the log grew to 412 MB in 10 s of load, so the net stays. The
//! task ends with the last handle of its [`Db`](super::Db).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::AnyPool;

/// How often the task takes a checkpoint.
const EVERY: Duration = Duration::from_millis(50);

/// Log pages after which a commit takes the checkpoint itself (SQLite's
/// `wal_autocheckpoint`; 40 MB of 4 kB pages).
pub(crate) const SAFETY_NET_PAGES: u32 = 10_000;

/// What the background checkpoints did (shared with the task).
#[derive(Debug, Default)]
pub struct Checkpoints {
    taken: AtomicU64,
    pages: AtomicU64,
}

impl Checkpoints {
    /// Checkpoints taken by the task.
    pub fn taken(&self) -> u64 {
        self.taken.load(Ordering::Relaxed)
    }

    /// Log pages they copied into the database file.
    pub fn pages(&self) -> u64 {
        self.pages.load(Ordering::Relaxed)
    }
}

/// The handle of the task, held by every clone of its `Db`: the task ends once the last
/// one is dropped.
#[derive(Clone, Debug)]
pub(crate) struct Checkpointer {
    stats: Arc<Checkpoints>,
    _alive: Arc<()>,
}

impl Checkpointer {
    /// Starts the task on the current runtime.
    pub(crate) fn spawn(pool: AnyPool) -> Checkpointer {
        let (stats, alive) = (Arc::new(Checkpoints::default()), Arc::new(()));
        tokio::spawn(run(pool, stats.clone(), Arc::downgrade(&alive)));
        Checkpointer {
            stats,
            _alive: alive,
        }
    }

    /// What the task did.
    pub(crate) fn stats(&self) -> &Arc<Checkpoints> {
        &self.stats
    }
}

async fn run(pool: AnyPool, stats: Arc<Checkpoints>, alive: Weak<()>) {
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if alive.strong_count() == 0 || pool.is_closed() {
            return; // the Db is gone
        }
        // (busy, pages in the log, pages copied back)
        let taken = sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&pool)
            .await;
        match taken {
            Ok((_, _, copied)) => {
                let copied = u64::try_from(copied).unwrap_or(0);
                stats.taken.fetch_add(1, Ordering::Relaxed);
                stats.pages.fetch_add(copied, Ordering::Relaxed);
                metrics::counter!("ampflux_sqlite_checkpoint_pages_total").increment(copied);
            }
            Err(e) => {
                tracing::warn!(error = %e, "a background checkpoint of the SQLite log failed")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Executor;

    use crate::db::Db;

    /// Commits no longer take checkpoints below the safety net; the task does, and it ends
    /// with the last handle of its `Db`.
    #[tokio::test]
    async fn the_log_is_checkpointed_in_the_background() {
        let dir = std::env::temp_dir().join(format!("ampflux-ckpt-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
        let db = Db::connect(&url, 2).await.unwrap();
        let net: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(net, i64::from(super::SAFETY_NET_PAGES));
        db.pool.execute("CREATE TABLE t (x TEXT)").await.unwrap();
        for i in 0..50 {
            sqlx::query("INSERT INTO t VALUES ($1)")
                .bind("x".repeat(4000 + i))
                .execute(&db.pool)
                .await
                .unwrap();
        }
        let stats = db
            .checkpoints()
            .expect("SQLite has background checkpoints")
            .clone();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while stats.pages() < 50 && std::time::Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(stats.pages() >= 50, "{} pages copied back", stats.pages());
        drop(db);
        let taken = stats.taken();
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert_eq!(stats.taken(), taken, "the task outlived its Db");
        let _ = std::fs::remove_dir_all(dir);
    }
}
