//! Companies (tenants).

use sqlx::{Any, Executor};

use crate::ids::CompanyId;

/// Inserts a company.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &CompanyId,
    name: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO companies (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(ex)
        .await
        .map(|_| ())
}

/// The name of the company.
pub async fn name<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM companies WHERE id = $1")
        .bind(company)
        .fetch_optional(ex)
        .await
}
