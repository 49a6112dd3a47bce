//! The registry of worker processes, for the health report.

use sqlx::{Any, Executor};

/// Registers a worker or refreshes its heartbeat.
#[allow(clippy::too_many_arguments)]
pub async fn heartbeat<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &str,
    hostname: &str,
    pid: i64,
    queue: &str,
    concurrency: i64,
    jobs_done: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO workers (id, hostname, pid, queue, concurrency, started_at, heartbeat_at, jobs_done)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, jobs_done = excluded.jobs_done",
    )
    .bind(id)
    .bind(hostname)
    .bind(pid)
    .bind(queue)
    .bind(concurrency)
    .bind(now)
    .bind(jobs_done)
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
