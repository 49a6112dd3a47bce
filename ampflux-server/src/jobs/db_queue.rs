//! The job queue in the `jobs` table. A claim is one `UPDATE ... WHERE id = (SELECT ...)`
//! statement: on PostgreSQL the inner select takes the row `FOR UPDATE SKIP LOCKED`, so
//! concurrent workers on any number of machines never wait for or take the same job; on
//! SQLite the statement runs under the database's single write lock, which gives the same
//! guarantee on one machine.

use sqlx::{Any, Executor, Row};

use super::{Buried, ClaimOutcome, Claimed, Depth, Fate, NewJob, QueueError, backoff};
use crate::clock::now_ms;
use crate::config::JobsConfig;
use crate::db::{Backend, Db};

/// The database queue.
#[derive(Clone)]
pub struct DbQueue {
    db: Db,
    config: JobsConfig,
}

const CLAIMABLE: &str = "SELECT id FROM jobs
     WHERE (status = 'queued' AND run_at <= $4)
        OR (status = 'running' AND lease_expires_at < $4 AND attempts < max_attempts)
     ORDER BY priority DESC, run_at, created_at
     LIMIT 1";

impl DbQueue {
    /// A queue over `db`.
    pub fn new(db: Db, config: JobsConfig) -> DbQueue {
        DbQueue { db, config }
    }

    /// Inserts a new job through `ex` (the transaction of its study).
    pub async fn insert<'e, E: Executor<'e, Database = Any>>(
        &self,
        ex: E,
        job: &NewJob,
    ) -> Result<(), QueueError> {
        self.insert_with(ex, job, "").await.map(|_| ())
    }

    /// Inserts the job unless a job with its id exists.
    pub async fn insert_if_absent(&self, job: &NewJob) -> Result<bool, QueueError> {
        self.insert_with(&self.db.pool, job, " ON CONFLICT (id) DO NOTHING")
            .await
    }

    async fn insert_with<'e, E: Executor<'e, Database = Any>>(
        &self,
        ex: E,
        job: &NewJob,
        tail: &str,
    ) -> Result<bool, QueueError> {
        let now = now_ms();
        let sql = format!(
            "INSERT INTO jobs (id, kind, company_id, study_id, priority, status, attempts, max_attempts, run_at, created_at, updated_at)
             VALUES ($1, 'study', $2, $3, $4, 'queued', 0, $5, $6, $6, $6){tail}"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&job.id)
            .bind(&job.company_id)
            .bind(&job.study_id)
            .bind(job.priority)
            .bind(i64::from(self.config.max_attempts))
            .bind(now)
            .execute(ex)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Buries jobs whose worker died on their last attempt, then leases the next job.
    pub async fn claim(&self, worker: &str) -> Result<ClaimOutcome, QueueError> {
        let now = now_ms();
        let buried = sqlx::query(
            "UPDATE jobs SET status = 'dead', lease_token = NULL, updated_at = $1,
                 last_error = 'the worker stopped during the last attempt (lease expired)'
             WHERE status = 'running' AND lease_expires_at < $1 AND attempts >= max_attempts
             RETURNING id, company_id, study_id",
        )
        .bind(now)
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(|row| {
            Ok(Buried {
                id: row.try_get("id")?,
                company_id: row.try_get("company_id")?,
                study_id: row.try_get("study_id")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;

        let lock = match self.db.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $1,
                 lease_token = $2, lease_expires_at = $3, updated_at = $4
             WHERE id = ({CLAIMABLE}{lock})
             RETURNING id, company_id, study_id, attempts"
        );
        let token = uuid::Uuid::new_v4().to_string();
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(worker)
            .bind(&token)
            .bind(now + self.config.lease.as_millis() as i64)
            .bind(now)
            .fetch_optional(&self.db.pool)
            .await?;
        let job = match row {
            Some(row) => Some(Claimed {
                id: row.try_get("id")?,
                company_id: row.try_get("company_id")?,
                study_id: row.try_get("study_id")?,
                attempt: row.try_get("attempts")?,
                lease_token: token,
            }),
            None => None,
        };
        Ok(ClaimOutcome { job, buried })
    }

    /// Renews the lease.
    pub async fn heartbeat(&self, job: &Claimed) -> Result<bool, QueueError> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $3, updated_at = $4
             WHERE id = $1 AND lease_token = $2 AND status = 'running'",
        )
        .bind(&job.id)
        .bind(&job.lease_token)
        .bind(now + self.config.lease.as_millis() as i64)
        .bind(now)
        .execute(&self.db.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks the job done.
    pub async fn complete(&self, job: &Claimed) -> Result<(), QueueError> {
        sqlx::query(
            "UPDATE jobs SET status = 'succeeded', lease_token = NULL, lease_expires_at = NULL, updated_at = $3
             WHERE id = $1 AND lease_token = $2",
        )
        .bind(&job.id)
        .bind(&job.lease_token)
        .bind(now_ms())
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// Requeues with backoff, or dead-letters after the last attempt.
    pub async fn fail(&self, job: &Claimed, error: &str) -> Result<Fate, QueueError> {
        let now = now_ms();
        let run_at = now + backoff(&self.config, job.attempt).as_millis() as i64;
        let status: Option<String> = sqlx::query_scalar(
            "UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                 run_at = $3, last_error = $4, lease_token = NULL, lease_expires_at = NULL, updated_at = $5
             WHERE id = $1 AND lease_token = $2
             RETURNING status",
        )
        .bind(&job.id)
        .bind(&job.lease_token)
        .bind(run_at)
        .bind(error)
        .bind(now)
        .fetch_optional(&self.db.pool)
        .await?;
        Ok(match status.as_deref() {
            None => Fate::LeaseLost,
            Some("dead") => Fate::Dead,
            Some(_) => Fate::Retry(run_at),
        })
    }

    /// Jobs by state.
    pub async fn depth(&self) -> Result<Depth, QueueError> {
        let row = sqlx::query(
            "SELECT COUNT(CASE WHEN status = 'queued' AND run_at <= $1 THEN 1 END) AS queued,
                    COUNT(CASE WHEN status = 'running' THEN 1 END) AS running,
                    COUNT(CASE WHEN status = 'queued' AND run_at > $1 THEN 1 END) AS delayed,
                    COUNT(CASE WHEN status = 'dead' THEN 1 END) AS dead
             FROM jobs WHERE status <> 'succeeded'",
        )
        .bind(now_ms())
        .fetch_one(&self.db.pool)
        .await?;
        Ok(Depth {
            queued: row.try_get("queued")?,
            running: row.try_get("running")?,
            delayed: row.try_get("delayed")?,
            dead: row.try_get("dead")?,
        })
    }

    /// Deletes finished jobs older than `before` (their studies keep the results).
    pub async fn prune(&self, before: i64) -> Result<u64, QueueError> {
        Ok(
            sqlx::query("DELETE FROM jobs WHERE status = 'succeeded' AND updated_at < $1")
                .bind(before)
                .execute(&self.db.pool)
                .await?
                .rows_affected(),
        )
    }
}
