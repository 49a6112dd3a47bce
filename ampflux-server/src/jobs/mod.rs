//! Simulation jobs: a durable queue (the database, or Redis); `crate::worker` runs them.
//!
//! The queue only dispatches: it hands each job to one worker at a time under a lease that
//! the worker renews with heartbeats. A job whose lease runs out (its worker died) goes back
//! to the queue, or to the dead-letter state after its last attempt. Failed attempts are
//! retried with exponential backoff. What a job computes, and its result, live in the
//! `studies` table, fenced by the lease token, so a worker that lost its lease cannot
//! overwrite the work of the one that took over, and a finished study is never computed
//! again.

pub mod db_queue;
pub mod events;
pub mod redis_queue;

use std::time::Duration;

use crate::config::JobsConfig;
use crate::db::Tx;
use crate::error::Error;

pub use db_queue::DbQueue;
pub use redis_queue::RedisQueue;

/// A job to enqueue.
#[derive(Clone, Debug)]
pub struct NewJob {
    /// Job id.
    pub id: String,
    /// Company of the study.
    pub company_id: String,
    /// The study to compute.
    pub study_id: String,
    /// Higher runs first.
    pub priority: i64,
}

/// A job leased to a worker.
#[derive(Clone, Debug)]
pub struct Claimed {
    /// Job id.
    pub id: String,
    /// Company of the study.
    pub company_id: String,
    /// The study to compute.
    pub study_id: String,
    /// Which attempt this is (from 1).
    pub attempt: i64,
    /// The lease token: proof of holding the job.
    pub lease_token: String,
}

/// A job moved to the dead-letter state because its worker died on the last attempt.
#[derive(Clone, Debug)]
pub struct Buried {
    /// Job id.
    pub id: String,
    /// Company of the study.
    pub company_id: String,
    /// The study.
    pub study_id: String,
}

/// What a claim found.
#[derive(Debug, Default)]
pub struct ClaimOutcome {
    /// The job leased to the caller, if one was ready.
    pub job: Option<Claimed>,
    /// Jobs buried on the way (their studies must be marked dead).
    pub buried: Vec<Buried>,
}

/// What became of a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Queued again, to run at this time (ms).
    Retry(i64),
    /// Out of attempts: dead-lettered.
    Dead,
    /// The lease had already gone to another worker.
    LeaseLost,
}

/// Jobs by state.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Depth {
    /// Ready to run.
    pub queued: i64,
    /// Leased to a worker.
    pub running: i64,
    /// Waiting for a retry.
    pub delayed: i64,
    /// In the dead-letter state.
    pub dead: i64,
}

/// A queue failure.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The database failed.
    #[error("queue database: {0}")]
    Db(#[from] sqlx::Error),
    /// Redis failed.
    #[error("queue redis: {0}")]
    Redis(#[from] redis::RedisError),
}

impl From<QueueError> for Error {
    fn from(err: QueueError) -> Error {
        match err {
            QueueError::Db(e) => e.into(),
            QueueError::Redis(e) => e.into(),
        }
    }
}

/// The queue in use.
#[derive(Clone)]
pub enum Queue {
    /// The `jobs` table.
    Database(DbQueue),
    /// Redis.
    Redis(RedisQueue),
}

/// The delay before attempt `attempt + 1` after attempt `attempt` failed: base · 2^(attempt-1),
/// at most `max`, plus up to 10 % jitter so that retries of many jobs spread out.
pub fn backoff(config: &JobsConfig, attempt: i64) -> Duration {
    let exp = (attempt.max(1) - 1).min(20) as u32;
    let delay = config
        .backoff_base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(config.backoff_max);
    let mut byte = [0u8; 1];
    let jitter = if getrandom::fill(&mut byte).is_ok() {
        delay.mul_f64(f64::from(byte[0]) / 255.0 * 0.1)
    } else {
        Duration::ZERO
    };
    delay + jitter
}

impl Queue {
    /// `database` or `redis`.
    pub fn name(&self) -> &'static str {
        match self {
            Queue::Database(_) => "database",
            Queue::Redis(_) => "redis",
        }
    }

    /// Writes the job in the transaction that creates its study (database queue); the Redis
    /// queue receives it in [`Queue::publish`] after the commit.
    pub async fn stage(&self, tx: &mut Tx, job: &NewJob) -> Result<(), QueueError> {
        match self {
            Queue::Database(q) => q.insert(tx.conn(), job).await,
            Queue::Redis(_) => Ok(()),
        }
    }

    /// Hands a committed job to the queue (Redis); a no-op for the database queue, whose
    /// job was written with the study. A job lost here is found again by the workers' sweep.
    pub async fn publish(&self, job: &NewJob) -> Result<(), QueueError> {
        match self {
            Queue::Database(_) => Ok(()),
            Queue::Redis(q) => q.enqueue_if_absent(job).await.map(|_| ()),
        }
    }

    /// Enqueues the job unless the queue knows it already; returns whether it was added.
    pub async fn enqueue_if_absent(&self, job: &NewJob) -> Result<bool, QueueError> {
        match self {
            Queue::Database(q) => q.insert_if_absent(job).await,
            Queue::Redis(q) => q.enqueue_if_absent(job).await,
        }
    }

    /// Leases the next ready job to `worker` (highest priority, then oldest); takes back
    /// expired leases on the way.
    pub async fn claim(&self, worker: &str) -> Result<ClaimOutcome, QueueError> {
        match self {
            Queue::Database(q) => q.claim(worker).await,
            Queue::Redis(q) => q.claim(worker).await,
        }
    }

    /// Renews the lease; false when it went to another worker.
    pub async fn heartbeat(&self, job: &Claimed) -> Result<bool, QueueError> {
        match self {
            Queue::Database(q) => q.heartbeat(job).await,
            Queue::Redis(q) => q.heartbeat(job).await,
        }
    }

    /// Ends the job (its study is final).
    pub async fn complete(&self, job: &Claimed) -> Result<(), QueueError> {
        match self {
            Queue::Database(q) => q.complete(job).await,
            Queue::Redis(q) => q.complete(job).await,
        }
    }

    /// Records a failed attempt: retry later with backoff, or dead-letter after the last.
    pub async fn fail(&self, job: &Claimed, error: &str) -> Result<Fate, QueueError> {
        match self {
            Queue::Database(q) => q.fail(job, error).await,
            Queue::Redis(q) => q.fail(job, error).await,
        }
    }

    /// Jobs by state.
    pub async fn depth(&self) -> Result<Depth, QueueError> {
        match self {
            Queue::Database(q) => q.depth().await,
            Queue::Redis(q) => q.depth().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut c = Config::from_lookup(&|_| None).unwrap().jobs;
        c.backoff_base = Duration::from_secs(2);
        c.backoff_max = Duration::from_secs(10);
        let within = |d: Duration, lo: f64| d.as_secs_f64() >= lo && d.as_secs_f64() <= lo * 1.1;
        assert!(within(backoff(&c, 1), 2.0));
        assert!(within(backoff(&c, 2), 4.0));
        assert!(within(backoff(&c, 3), 8.0));
        assert!(within(backoff(&c, 9), 10.0));
    }
}
