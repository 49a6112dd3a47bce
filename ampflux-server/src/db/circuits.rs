//! Circuit versions: numbered per project, each pointing at a canonical network document
//! stored once per company and digest.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::Page;
use crate::ids::{CompanyId, ProjectId, UserId};

/// One version of a project's circuit (without the document).
#[derive(Clone, Debug)]
pub struct Version {
    /// Version number, from 1.
    pub version: i64,
    /// SHA-256 of the canonical document.
    pub digest: String,
    /// Note given when saving.
    pub message: String,
    /// Version whose content this one restored.
    pub restored_from: Option<i64>,
    /// Author.
    pub created_by: UserId,
    /// Creation time (ms).
    pub created_at: i64,
    /// Buses of the network.
    pub bus_count: i64,
}

impl FromRow<'_, AnyRow> for Version {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Version {
            version: row.try_get("version")?,
            digest: row.try_get("digest")?,
            message: row.try_get("message")?,
            restored_from: row.try_get("restored_from")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            bus_count: row.try_get("bus_count")?,
        })
    }
}

const SELECT: &str = "SELECT v.version, v.digest, v.message, v.restored_from, v.created_by, v.created_at, b.bus_count
     FROM circuit_versions v JOIN circuit_blobs b ON b.company_id = v.company_id AND b.digest = v.digest";

/// A canonical network document, stored once per company and digest.
#[derive(Clone, Copy, Debug)]
pub struct Blob<'a> {
    /// SHA-256 of the canonical form.
    pub digest: &'a str,
    /// The canonical form.
    pub canonical_json: &'a str,
    /// Buses of the network.
    pub bus_count: i64,
}

/// Stores a canonical document unless the company already has it.
pub async fn put_blob<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    blob: Blob<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO circuit_blobs (company_id, digest, data_json, bus_count, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id, digest) DO NOTHING",
    )
    .bind(company)
    .bind(blob.digest)
    .bind(blob.canonical_json)
    .bind(blob.bus_count)
    .bind(now)
    .execute(ex)
    .await
    .map(|_| ())
}

/// The canonical document with `digest` of `company`.
pub async fn blob<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    digest: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT data_json FROM circuit_blobs WHERE company_id = $1 AND digest = $2")
        .bind(company)
        .bind(digest)
        .fetch_optional(ex)
        .await
}

/// The newest version of the project.
pub async fn latest<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
) -> Result<Option<Version>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE v.company_id = $1 AND v.project_id = $2 ORDER BY v.version DESC LIMIT 1"
    )))
    .bind(company)
    .bind(project)
    .fetch_optional(ex)
    .await
}

/// Version `version` of the project.
pub async fn get<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
    version: i64,
) -> Result<Option<Version>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE v.company_id = $1 AND v.project_id = $2 AND v.version = $3"
    )))
    .bind(company)
    .bind(project)
    .bind(version)
    .fetch_optional(ex)
    .await
}

/// The history of the project, newest first.
pub async fn list<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
    page: Page,
) -> Result<Vec<Version>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE v.company_id = $1 AND v.project_id = $2 ORDER BY v.version DESC LIMIT $3 OFFSET $4"
    )))
    .bind(company)
    .bind(project)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(ex)
    .await
}

/// Number of versions of the project.
pub async fn count<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM circuit_versions WHERE company_id = $1 AND project_id = $2",
    )
    .bind(company)
    .bind(project)
    .fetch_one(ex)
    .await
}

/// A version to append.
#[derive(Clone, Copy, Debug)]
pub struct NewVersion<'a> {
    /// The project.
    pub project: &'a ProjectId,
    /// Digest of its (stored) document.
    pub digest: &'a str,
    /// Note for the history.
    pub message: &'a str,
    /// The version whose content it restores.
    pub restored_from: Option<i64>,
    /// Author.
    pub created_by: &'a UserId,
    /// Creation (ms).
    pub created_at: i64,
    /// The document's bus ids in its order (JSON array), when not the canonical order.
    pub bus_order: Option<&'a str>,
}

/// Appends a version (number = last + 1); returns its number.
pub async fn append<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    v: NewVersion<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO circuit_versions (id, company_id, project_id, version, digest, message, restored_from, created_by, created_at, bus_order)
         SELECT $1, $2, $3, COALESCE(MAX(version), 0) + 1, $4, $5, $6, $7, $8, $9
         FROM circuit_versions WHERE project_id = $3
         RETURNING version",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(company)
    .bind(v.project)
    .bind(v.digest)
    .bind(v.message)
    .bind(v.restored_from)
    .bind(v.created_by)
    .bind(v.created_at)
    .bind(v.bus_order)
    .fetch_one(ex)
    .await
}

/// The document's bus order of a version (a JSON array of ids), or `None` when it is the
/// canonical order (or the version does not exist).
pub async fn bus_order<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    let found: Option<Option<String>> = sqlx::query_scalar(
        "SELECT bus_order FROM circuit_versions WHERE company_id = $1 AND project_id = $2 AND version = $3",
    )
    .bind(company)
    .bind(project)
    .bind(version)
    .fetch_optional(ex)
    .await?;
    Ok(found.flatten())
}
