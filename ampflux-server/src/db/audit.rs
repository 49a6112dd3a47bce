//! The audit log: who wrote what, in which project, when.

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::Page;
use crate::ids::{AuditId, CompanyId, ProjectId, UserId};

/// One audit entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Id.
    pub id: AuditId,
    /// Acting user (absent for the operator and for events without an account).
    pub user_id: Option<UserId>,
    /// Project concerned.
    pub project_id: Option<ProjectId>,
    /// What happened (`project.create`, `circuit.save`, ...).
    pub action: String,
    /// Id of the resource written.
    pub target: Option<String>,
    /// Details (JSON object).
    pub detail: Value,
    /// Client address.
    pub ip: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
    /// Time (ms).
    pub created_at: i64,
}

impl FromRow<'_, AnyRow> for Entry {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let detail: String = row.try_get("detail_json")?;
        Ok(Entry {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            project_id: row.try_get("project_id")?,
            action: row.try_get("action")?,
            target: row.try_get("target")?,
            detail: serde_json::from_str(&detail).unwrap_or(Value::Null),
            ip: row.try_get("ip")?,
            request_id: row.try_get("request_id")?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// Appends an entry for `company`.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    e: &Entry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_logs (id, company_id, user_id, project_id, action, target, detail_json, ip, request_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&e.id)
    .bind(company)
    .bind(&e.user_id)
    .bind(&e.project_id)
    .bind(&e.action)
    .bind(&e.target)
    .bind(e.detail.to_string())
    .bind(&e.ip)
    .bind(&e.request_id)
    .bind(e.created_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Appends entries, each of its company, in one statement.
pub async fn insert_many<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    entries: &[(&CompanyId, &Entry)],
) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO audit_logs (id, company_id, user_id, project_id, action, target, detail_json, ip, request_id, created_at)
         VALUES {}",
        super::placeholders(entries.len(), 10)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (company, e) in entries {
        q = q
            .bind(&e.id)
            .bind(*company)
            .bind(&e.user_id)
            .bind(&e.project_id)
            .bind(&e.action)
            .bind(&e.target)
            .bind(e.detail.to_string())
            .bind(&e.ip)
            .bind(&e.request_id)
            .bind(e.created_at);
    }
    q.execute(ex).await.map(|_| ())
}

/// Filters of the audit list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only this user's actions.
    pub user_id: Option<String>,
    /// Only this project.
    pub project_id: Option<String>,
    /// Only this action.
    pub action: Option<String>,
}

const WHERE: &str =
    "company_id = $1 AND ($2 IS NULL OR user_id = $2) AND ($3 IS NULL OR project_id = $3)
     AND ($4 IS NULL OR action = $4)";

/// The entries of `company`, newest first.
pub async fn list<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    filter: &Filter,
    page: Page,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, user_id, project_id, action, target, detail_json, ip, request_id, created_at
         FROM audit_logs WHERE {WHERE} ORDER BY created_at DESC, id LIMIT $5 OFFSET $6"
    )))
    .bind(company)
    .bind(&filter.user_id)
    .bind(&filter.project_id)
    .bind(&filter.action)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(ex)
    .await
}

/// Number of entries [`list`] would list in all.
pub async fn count<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    filter: &Filter,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM audit_logs WHERE {WHERE}"
    )))
    .bind(company)
    .bind(&filter.user_id)
    .bind(&filter.project_id)
    .bind(&filter.action)
    .fetch_one(ex)
    .await
}
