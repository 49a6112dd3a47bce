//! The license of each company.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::enum_col;
use crate::domain::{LicenseStatus, Plan};
use crate::ids::{CompanyId, UserId};

/// A company's license.
#[derive(Clone, Debug)]
pub struct License {
    /// Plan.
    pub plan: Plan,
    /// Start (ms).
    pub start_date: i64,
    /// End (ms), if it ends.
    pub end_date: Option<i64>,
    /// Stored status (`expired` is also derived from `end_date`).
    pub status: LicenseStatus,
    /// Last change (ms).
    pub updated_at: i64,
    /// Who changed it last (a user, or `None` for the operator).
    pub updated_by: Option<UserId>,
}

impl License {
    /// The status at time `now`: an active license past its end date is expired.
    pub fn status_at(&self, now: i64) -> LicenseStatus {
        match (self.status, self.end_date) {
            (LicenseStatus::Active, Some(end)) if end <= now => LicenseStatus::Expired,
            (LicenseStatus::Active, _) if self.start_date > now => LicenseStatus::Suspended,
            (status, _) => status,
        }
    }
}

impl FromRow<'_, AnyRow> for License {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(License {
            plan: enum_col(row, "plan", Plan::parse)?,
            start_date: row.try_get("start_date")?,
            end_date: row.try_get("end_date")?,
            status: enum_col(row, "status", LicenseStatus::parse)?,
            updated_at: row.try_get("updated_at")?,
            updated_by: row.try_get("updated_by")?,
        })
    }
}

/// Creates the license of a new company.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    plan: Plan,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO licenses (id, company_id, plan, start_date, end_date, status, updated_at)
         VALUES ($1, $2, $3, $4, NULL, 'active', $4)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(company)
    .bind(plan.as_str())
    .bind(now)
    .execute(ex)
    .await
    .map(|_| ())
}

/// The license of `company`.
pub async fn get<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
) -> Result<Option<License>, sqlx::Error> {
    sqlx::query_as(
        "SELECT plan, start_date, end_date, status, updated_at, updated_by FROM licenses WHERE company_id = $1",
    )
    .bind(company)
    .fetch_optional(ex)
    .await
}

/// Replaces the license terms of `company`.
pub async fn update<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    license: &License,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE licenses SET plan = $2, start_date = $3, end_date = $4, status = $5, updated_at = $6, updated_by = $7
         WHERE company_id = $1",
    )
    .bind(company)
    .bind(license.plan.as_str())
    .bind(license.start_date)
    .bind(license.end_date)
    .bind(license.status.as_str())
    .bind(license.updated_at)
    .bind(&license.updated_by)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Takes the company's license row for the rest of the transaction (a write lock on both
/// databases), so that checks of plan limits and the writes they guard do not interleave
/// with another request of the same company.
pub async fn lock<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE licenses SET updated_at = updated_at WHERE company_id = $1")
        .bind(company)
        .execute(ex)
        .await
        .map(|_| ())
}
