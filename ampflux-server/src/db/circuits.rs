//! Circuit versions: numbered per project, each pointing at a canonical network document
//! stored once per company and digest.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::projects::ProjectForUser;
use super::{Asker, Page};
use crate::domain::{Role, StudyStatus};
use crate::ids::{CompanyId, ProjectId, StudyId, UserId};

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
    /// Digest of the document's element order (`None`: canonical order, or a version saved
    /// before orders were kept).
    pub order_digest: Option<String>,
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
            order_digest: row.try_get("order_digest")?,
        })
    }
}

// the bus count is the version's copy: read from `circuit_blobs` it would walk the document's
// overflow pages on SQLite (migration 0008)
const SELECT: &str = "SELECT v.version, v.digest, v.message, v.restored_from, v.created_by, v.created_at, v.bus_count,
            v.order_digest
     FROM circuit_versions v";

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

/// A study known for a version's content, order and options: its id and state.
#[derive(Clone, Debug)]
pub struct KnownStudy {
    /// The study.
    pub id: StudyId,
    /// Its state.
    pub status: StudyStatus,
}

/// What a study of a version depends on: the version's number, content and element order.
#[derive(Clone, Debug)]
pub struct VersionKey {
    /// Version number.
    pub version: i64,
    /// SHA-256 of the canonical document.
    pub digest: String,
    /// The element order of the document as saved (`None`: canonical).
    pub order_digest: Option<String>,
}

/// A version with the study known for its content, order and options, if any.
pub type VersionWithStudy = (VersionKey, Option<KnownStudy>);

/// What [`request_lookup`] found.
#[derive(Clone, Debug)]
pub struct RequestLookup {
    /// The caller's role in the company, as the account has it now.
    pub role: Role,
    /// The project with the caller's membership (`None`: no such project in the company),
    /// and its version with the known study (`None`: the project has no such version).
    pub project: Option<(ProjectForUser, Option<VersionWithStudy>)>,
}

/// What a simulation request needs, in one query: the caller's account (and the session of
/// their access token: open), project `project` of the company with the caller's membership
/// (the access is decided from it), its version `version` (`None`: the newest) and the
/// study of `options_json` on that version's content in its element order, if one was
/// requested before (the study's key is a hash of exactly these three). `None`: the account
/// is gone or the session ended.
pub async fn request_lookup<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    who: Asker<'_>,
    project: &ProjectId,
    version: Option<i64>,
    options_json: &str,
) -> Result<Option<RequestLookup>, sqlx::Error> {
    let mut next = 5;
    let which = match version {
        Some(_) => {
            next += 1;
            "$5".to_string()
        }
        None => "(SELECT MAX(l.version) FROM circuit_versions l
                  WHERE l.company_id = p.company_id AND l.project_id = p.id)"
            .to_string(),
    };
    let session = who.session_join(next);
    let sql = format!(
        "SELECT u.role AS caller_role, p.id, p.company_id, p.owner_id, p.name, p.description,
                p.visibility, p.created_at, p.updated_at, m.role AS member_role,
                v.version AS v_version, v.digest AS v_digest,
                v.order_digest AS v_order_digest, s.id AS study_id, s.status AS study_status
         FROM users u
         {session}
         LEFT JOIN projects p ON p.company_id = u.company_id AND p.id = $3
         LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id
         LEFT JOIN circuit_versions v ON v.company_id = p.company_id AND v.project_id = p.id
              AND v.version = {which}
         LEFT JOIN studies s ON s.company_id = v.company_id AND s.digest = v.digest
              AND s.options_json = $4
              AND (s.order_digest = v.order_digest OR (s.order_digest IS NULL AND v.order_digest IS NULL))
         WHERE u.company_id = $1 AND u.id = $2 AND u.deleted_at IS NULL"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(who.company)
        .bind(who.user)
        .bind(project)
        .bind(options_json);
    if let Some(v) = version {
        q = q.bind(v);
    }
    if let Some(s) = who.session {
        q = q.bind(s);
    }
    let Some(row) = q.fetch_optional(ex).await? else {
        return Ok(None);
    };
    let role = super::enum_col(&row, "caller_role", Role::parse)?;
    let project = match row.try_get::<Option<ProjectId>, _>("id")? {
        Some(_) => Some(project_version_study(&row)?),
        None => None,
    };
    Ok(Some(RequestLookup { role, project }))
}

/// The project, version and study columns of a [`request_lookup`] row.
fn project_version_study(
    row: &AnyRow,
) -> Result<(ProjectForUser, Option<VersionWithStudy>), sqlx::Error> {
    let found = ProjectForUser::from_row(row)?;
    if row.try_get::<Option<i64>, _>("v_version")?.is_none() {
        return Ok((found, None));
    }
    let version = VersionKey {
        version: row.try_get("v_version")?,
        digest: row.try_get("v_digest")?,
        order_digest: row.try_get("v_order_digest")?,
    };
    let study = match row.try_get::<Option<StudyId>, _>("study_id")? {
        Some(id) => Some(KnownStudy {
            id,
            status: super::enum_col(row, "study_status", StudyStatus::parse)?,
        }),
        None => None,
    };
    Ok((found, Some((version, study))))
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
    /// Digest of the document's element order (stored with [`put_order`]), when not the
    /// canonical order.
    pub order_digest: Option<&'a str>,
    /// Buses of the document.
    pub bus_count: i64,
}

/// Appends a version (number = last + 1); returns its number.
pub async fn append<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    v: NewVersion<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO circuit_versions (id, company_id, project_id, version, digest, message, restored_from, created_by, created_at, order_digest, bus_count)
         SELECT $1, $2, $3, COALESCE(MAX(version), 0) + 1, $4, $5, $6, $7, $8, $9, $10
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
    .bind(v.order_digest)
    .bind(v.bus_count)
    .fetch_one(ex)
    .await
}

/// The document's bus order of a version saved before element orders were kept (a JSON
/// array of ids), or `None` (canonical order, a later version, or no such version).
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

/// Stores an element order (`services::order`) unless the company already has it.
pub async fn put_order<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    digest: &str,
    order_json: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO circuit_orders (company_id, digest, order_json, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (company_id, digest) DO NOTHING",
    )
    .bind(company)
    .bind(digest)
    .bind(order_json)
    .bind(now)
    .execute(ex)
    .await
    .map(|_| ())
}

/// The element order with `digest` of `company` (JSON).
pub async fn order<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    digest: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT order_json FROM circuit_orders WHERE company_id = $1 AND digest = $2",
    )
    .bind(company)
    .bind(digest)
    .fetch_optional(ex)
    .await
}
