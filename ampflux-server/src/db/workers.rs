//! The registry of worker processes, for the health report.

use sqlx::{Any, Executor};

/// A worker's row in the registry.
#[derive(Clone, Copy, Debug)]
pub struct WorkerRow<'a> {
    /// Unique id of the worker process.
    pub id: &'a str,
    /// Its machine.
    pub hostname: &'a str,
    /// Its process id.
    pub pid: i64,
    /// `database` or `redis`.
    pub queue: &'a str,
    /// Jobs at a time.
    pub concurrency: i64,
    /// Jobs finished so far.
    pub jobs_done: i64,
}

/// Registers a worker or refreshes its heartbeat.
pub async fn heartbeat<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    w: WorkerRow<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO workers (id, hostname, pid, queue, concurrency, started_at, heartbeat_at, jobs_done)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, jobs_done = excluded.jobs_done",
    )
    .bind(w.id)
    .bind(w.hostname)
    .bind(w.pid)
    .bind(w.queue)
    .bind(w.concurrency)
    .bind(now)
    .bind(w.jobs_done)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Removes a worker that stops; and workers silent since `before`.
pub async fn remove<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM workers WHERE id = $1 OR heartbeat_at < $2")
        .bind(id)
        .bind(before)
        .execute(ex)
        .await
        .map(|_| ())
}

/// Workers whose last heartbeat is after `since`.
pub async fn alive<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM workers WHERE heartbeat_at >= $1")
        .bind(since)
        .fetch_one(ex)
        .await
}
