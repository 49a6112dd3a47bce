//! The branch and voltage rows of study results, in chunks of [`CHUNK_ROWS`] rows.

use sqlx::{Any, Executor};

use crate::ids::{CompanyId, StudyId};

/// Rows per stored chunk.
pub const CHUNK_ROWS: usize = 1000;

/// Stores chunk `chunk` (a JSON array of rows) of `part` (`branches` or `voltages`).
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    study: &StudyId,
    part: &str,
    chunk: i64,
    rows_json: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO study_result_parts (company_id, study_id, part, chunk, rows_json)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(company)
    .bind(study)
    .bind(part)
    .bind(chunk)
    .bind(rows_json)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Chunks `first..=last` of `part`, in order.
pub async fn chunks<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    study: &StudyId,
    part: &str,
    (first, last): (i64, i64),
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT rows_json FROM study_result_parts
         WHERE company_id = $1 AND study_id = $2 AND part = $3 AND chunk >= $4 AND chunk <= $5
         ORDER BY chunk",
    )
    .bind(company)
    .bind(study)
    .bind(part)
    .bind(first)
    .bind(last)
    .fetch_all(ex)
    .await
}

/// Removes the parts of a study (before they are stored again by a later attempt).
pub async fn clear<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    study: &StudyId,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM study_result_parts WHERE company_id = $1 AND study_id = $2")
        .bind(company)
        .bind(study)
        .execute(ex)
        .await
        .map(|_| ())
}
