//! Enforcement of the company's plan: an inactive license and a reached limit are 402
//! errors that name the limit, the usage and the plan.

use sqlx::{Any, Executor};

use crate::clock::now_ms;
use crate::db::{self, licenses::License};
use crate::domain::LicenseStatus;
use crate::error::{ApiError, ApiResult};

/// The company's license, or 402 when it is not active.
pub async fn active<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &str,
) -> ApiResult<License> {
    let license = db::licenses::get(ex, company)
        .await?
        .ok_or_else(|| ApiError::internal(format!("company {company} has no license row")))?;
    match license.status_at(now_ms()) {
        LicenseStatus::Active => Ok(license),
        status => Err(ApiError::PlanLimit {
            code: "license_inactive",
            message: format!(
                "the company's {} license is {status}; a company_admin can renew it with PUT /api/v1/license",
                license.plan
            ),
        }),
    }
}

/// 402 when `used` more would pass `limit` (`None` = unlimited).
pub fn within(license: &License, what: &str, limit: Option<i64>, used: i64) -> ApiResult<()> {
    match limit {
        Some(max) if used > max => Err(ApiError::PlanLimit {
            code: "plan_limit",
            message: format!(
                "the {} plan allows {max} {what}; this would make {used}. A company_admin can change the plan with PUT /api/v1/license",
                license.plan
            ),
        }),
        _ => Ok(()),
    }
}
