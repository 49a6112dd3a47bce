//! Studies: one row per (company, circuit digest, study options). The row is the result
//! cache and the state of the computation; the lease token fences out a worker that lost
//! its job to another.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::enum_col;
use crate::domain::StudyStatus;
use crate::ids::{CompanyId, JobId, StudyId};

/// A study.
#[derive(Clone, Debug)]
pub struct Study {
    /// Id.
    pub id: StudyId,
    /// Company.
    pub company_id: CompanyId,
    /// Digest of the network.
    pub digest: String,
    /// Digest of the element order the network is computed in (`None`: canonical order).
    pub order_digest: Option<String>,
    /// The study options (JSON, every option spelled out).
    pub options_json: String,
    /// State.
    pub status: StudyStatus,
    /// Queue priority.
    pub priority: i64,
    /// The current job.
    pub job_id: Option<JobId>,
    /// Attempts started.
    pub attempts: i64,
    /// Completed computations (at most 1).
    pub computations: i64,
    /// Work units done.
    pub progress_done: i64,
    /// Work units in all.
    pub progress_total: i64,
    /// The `StudyReport` JSON when succeeded.
    pub result_json: Option<String>,
    /// `{code, message, issues}` when failed or dead.
    pub error_json: Option<String>,
    /// Branch rows of the result in all (`None`: stored whole in `result_json`).
    pub branch_rows: Option<i64>,
    /// Voltage rows of the result in all.
    pub voltage_rows: Option<i64>,
    /// Worker that holds or held it.
    pub worker_id: Option<String>,
    /// Computation time (ms).
    pub compute_ms: Option<i64>,
    /// Creation (ms).
    pub created_at: i64,
    /// Start of the last attempt (ms).
    pub started_at: Option<i64>,
    /// End (ms).
    pub finished_at: Option<i64>,
}

impl FromRow<'_, AnyRow> for Study {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Study {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            digest: row.try_get("digest")?,
            order_digest: row.try_get("order_digest")?,
            options_json: row.try_get("options_json")?,
            status: enum_col(row, "status", StudyStatus::parse)?,
            priority: row.try_get("priority")?,
            job_id: row.try_get("job_id")?,
            attempts: row.try_get("attempts")?,
            computations: row.try_get("computations")?,
            progress_done: row.try_get("progress_done")?,
            progress_total: row.try_get("progress_total")?,
            result_json: row.try_get("result_json")?,
            error_json: row.try_get("error_json")?,
            branch_rows: row.try_get("branch_rows")?,
            voltage_rows: row.try_get("voltage_rows")?,
            worker_id: row.try_get("worker_id")?,
            compute_ms: row.try_get("compute_ms")?,
            created_at: row.try_get("created_at")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
        })
    }
}

/// Columns of [`Study`] (with table alias `s`).
pub(crate) const COLUMNS: &str =
    "s.id, s.company_id, s.digest, s.order_digest, s.options_json, s.status, s.priority, s.job_id,
    s.attempts, s.computations, s.progress_done, s.progress_total, s.result_json, s.error_json,
    s.branch_rows, s.voltage_rows,
    s.worker_id, s.compute_ms, s.created_at, s.started_at, s.finished_at";

/// A new study, queued under its first job.
#[derive(Clone, Copy, Debug)]
pub struct NewStudy<'a> {
    /// Id.
    pub id: &'a StudyId,
    /// The cache key: digest and options (see `services::simulations::study_key`).
    pub key: &'a str,
    /// Digest of the network.
    pub digest: &'a str,
    /// Digest of the element order to compute it in (`None`: canonical order).
    pub order_digest: Option<&'a str>,
    /// The options, every one spelled out (JSON).
    pub options_json: &'a str,
    /// Queue priority.
    pub priority: i64,
    /// Its job.
    pub job_id: &'a JobId,
    /// Creation (ms).
    pub created_at: i64,
}

/// Inserts a queued study unless the company has one with the same key; returns whether it
/// was inserted.
pub async fn insert_if_absent<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    study: NewStudy<'_>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO studies (id, company_id, study_key, digest, options_json, status, priority, job_id, created_at, queued_at, order_digest)
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $8, $9)
         ON CONFLICT (company_id, study_key) DO NOTHING",
    )
    .bind(study.id)
    .bind(company)
    .bind(study.key)
    .bind(study.digest)
    .bind(study.options_json)
    .bind(study.priority)
    .bind(study.job_id)
    .bind(study.created_at)
    .bind(study.order_digest)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// The study with key `key` of `company`, without its result (`result_json` is `None`):
/// what a request needs to know of the cache.
pub async fn by_key<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    key: &str,
) -> Result<Option<Study>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM studies s WHERE s.company_id = $1 AND s.study_key = $2",
        COLUMNS.replace("s.result_json", "NULL AS result_json")
    )))
    .bind(company)
    .bind(key)
    .fetch_optional(ex)
    .await
}

/// Study `id` of `company`.
pub async fn get<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
) -> Result<Option<Study>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM studies s WHERE s.company_id = $1 AND s.id = $2"
    )))
    .bind(company)
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Puts a dead study back in the queue under a new job; false if it was not dead.
pub async fn requeue_dead<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
    job_id: &JobId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE studies SET status = 'queued', job_id = $3, error_json = NULL, queued_at = $4,
             progress_done = 0, progress_total = 0, lease_token = NULL
         WHERE company_id = $1 AND id = $2 AND status = 'dead'",
    )
    .bind(company)
    .bind(id)
    .bind(job_id)
    .bind(now)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Starts an attempt: the study runs under `lease_token` from now on. False when the study
/// is already final (or gone).
pub async fn start<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
    lease_token: &str,
    worker: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE studies SET status = 'running', lease_token = $3, worker_id = $4, started_at = $5,
             heartbeat_at = $5, attempts = attempts + 1, progress_done = 0, progress_total = 0
         WHERE company_id = $1 AND id = $2 AND status IN ('queued', 'running')",
    )
    .bind(company)
    .bind(id)
    .bind(lease_token)
    .bind(worker)
    .bind(now)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Records progress under the lease; false when the lease went to another worker.
pub async fn progress<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
    lease_token: &str,
    (done, total): (i64, i64),
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE studies SET progress_done = $4, progress_total = $5, heartbeat_at = $6
         WHERE company_id = $1 AND id = $2 AND lease_token = $3 AND status = 'running'",
    )
    .bind(company)
    .bind(id)
    .bind(lease_token)
    .bind(done)
    .bind(total)
    .bind(now)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// The result of a computation.
#[derive(Clone, Copy, Debug)]
pub struct Outcome<'a> {
    /// The report's summary (JSON; its branch and voltage rows are stored in parts).
    pub result_json: &'a str,
    /// Branch rows in all.
    pub branch_rows: i64,
    /// Voltage rows in all.
    pub voltage_rows: i64,
    /// Computing time (ms).
    pub compute_ms: i64,
    /// End (ms).
    pub finished_at: i64,
    /// Final progress (done, total work units).
    pub progress: (i64, i64),
}

/// Stores the result under the lease; false when the lease went to another worker (whose
/// result will be stored instead).
pub async fn succeed<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
    lease_token: &str,
    outcome: Outcome<'_>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE studies SET status = 'succeeded', result_json = $4, compute_ms = $5, finished_at = $6,
             computations = computations + 1, progress_done = $9, progress_total = $10,
             lease_token = NULL, branch_rows = $7, voltage_rows = $8
         WHERE company_id = $1 AND id = $2 AND lease_token = $3 AND status = 'running'",
    )
    .bind(company)
    .bind(id)
    .bind(lease_token)
    .bind(outcome.result_json)
    .bind(outcome.compute_ms)
    .bind(outcome.finished_at)
    .bind(outcome.branch_rows)
    .bind(outcome.voltage_rows)
    .bind(outcome.progress.0)
    .bind(outcome.progress.1)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Ends the study under the lease with `status` (failed, dead, or queued again for a retry)
/// and the error; false when the lease went to another worker.
pub async fn end_attempt<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
    lease_token: &str,
    status: StudyStatus,
    error_json: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let finished = status.is_final().then_some(now);
    sqlx::query(
        "UPDATE studies SET status = $4, error_json = $5, finished_at = $6, lease_token = NULL
         WHERE company_id = $1 AND id = $2 AND lease_token = $3 AND status = 'running'",
    )
    .bind(company)
    .bind(id)
    .bind(lease_token)
    .bind(status.as_str())
    .bind(error_json)
    .bind(finished)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Marks a study dead whose job was buried by the queue (its worker died on the last
/// attempt), whoever held the lease.
pub async fn bury<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
    error_json: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE studies SET status = 'dead', error_json = $3, finished_at = $4, lease_token = NULL
         WHERE company_id = $1 AND id = $2 AND status IN ('queued', 'running')",
    )
    .bind(company)
    .bind(id)
    .bind(error_json)
    .bind(now)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Queued studies whose job may have been lost (queued before `before`), across companies:
/// the worker's sweep hands them to the queue again, which ignores jobs it already has.
pub async fn stale_queued<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    before: i64,
    limit: i64,
) -> Result<Vec<Study>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM studies s WHERE s.status = 'queued' AND s.queued_at < $1
         ORDER BY s.queued_at LIMIT $2"
    )))
    .bind(before)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Moves `queued_at` of a study forward after the sweep handed it to the queue again.
pub async fn touch_queued<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &StudyId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE studies SET queued_at = $3 WHERE company_id = $1 AND id = $2 AND status = 'queued'",
    )
    .bind(company)
    .bind(id)
    .bind(now)
    .execute(ex)
    .await
    .map(|_| ())
}
