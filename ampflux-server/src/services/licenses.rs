//! Plans: the company's license, its limits and today's usage, and their enforcement (an
//! inactive license and a reached limit are plan errors that name the limit, the usage and
//! the plan).

use sqlx::{Any, Executor};

use crate::auth::Caller;
use crate::clock::{day_of, now_ms};
use crate::config::Features;
use crate::db::{self, Db, licenses::License, usage};
use crate::domain::{LicenseStatus, Plan};
use crate::error::{Error, Result};
use crate::ids::CompanyId;
use crate::services::Actor;
use crate::services::audit::{self, Event};

/// The company's license, or a plan error when it is not active.
pub async fn active<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
) -> Result<License> {
    let license = db::licenses::get(ex, company)
        .await?
        .ok_or_else(|| Error::internal(format!("company {company} has no license row")))?;
    match license.status_at(now_ms()) {
        LicenseStatus::Active => Ok(license),
        status => Err(Error::PlanLimit {
            code: "license_inactive",
            message: format!(
                "the company's {} license is {status}; the operator of this server renews licenses",
                license.plan
            ),
        }),
    }
}

/// A plan error when `used` more would pass `limit` (`None` = unlimited).
pub fn within(license: &License, what: &str, limit: Option<i64>, used: i64) -> Result<()> {
    match limit {
        Some(max) if used > max => Err(Error::PlanLimit {
            code: "plan_limit",
            message: format!(
                "the {} plan allows {max} {what}; this would make {used}. the operator of this server changes plans",
                license.plan
            ),
        }),
        _ => Ok(()),
    }
}

/// Usage counted against the limits.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// Projects of the company.
    pub projects: i64,
    /// Simulations requested today (UTC).
    pub simulations_today: i64,
    /// AI requests today (UTC).
    pub ai_requests_today: i64,
}

/// New license terms; absent fields stay.
#[derive(Clone, Debug, Default)]
pub struct LicenseChange {
    /// Plan.
    pub plan: Option<Plan>,
    /// `active` or `suspended`.
    pub status: Option<LicenseStatus>,
    /// Start (RFC 3339).
    pub start_date: Option<String>,
    /// End (RFC 3339), or `Some(None)` for none.
    pub end_date: Option<Option<String>>,
}

/// The licenses of the companies.
#[derive(Clone)]
pub struct Licenses {
    db: Db,
    features: Features,
}

impl Licenses {
    /// The licenses in `db`.
    pub fn new(db: Db, features: Features) -> Licenses {
        Licenses { db, features }
    }

    /// The license of `company`.
    pub async fn current(&self, company: &CompanyId) -> Result<License> {
        db::licenses::get(&self.db.pool, company)
            .await?
            .ok_or_else(|| Error::internal("company without license"))
    }

    /// Today's usage of `company`.
    pub async fn usage(&self, company: &CompanyId) -> Result<Usage> {
        let pool = &self.db.pool;
        let today = day_of(now_ms());
        Ok(Usage {
            projects: db::projects::count(pool, company).await?,
            simulations_today: usage::get(pool, company, usage::Kind::Simulations, today).await?,
            ai_requests_today: usage::get(pool, company, usage::Kind::AiRequests, today).await?,
        })
    }

    /// The caller's license and usage.
    pub async fn get(&self, caller: &Caller) -> Result<(License, Usage)> {
        let license = self.current(&caller.company_id).await?;
        Ok((license, self.usage(&caller.company_id).await?))
    }

    /// Changes the caller's company's license: the operator's decision, so only when the
    /// server lets companies manage their plan (`self_service_license`, off by default),
    /// and then by a company_admin.
    pub async fn update(&self, actor: &Actor, change: LicenseChange) -> Result<(License, Usage)> {
        let caller = &actor.caller;
        if !self.features.self_service_license {
            return Err(Error::Forbidden {
                code: "operator_only",
                message: "plans are managed by the operator of this server; company admins read \
                          theirs with GET /api/v1/license"
                    .into(),
            });
        }
        caller.require_admin("managing the license")?;
        let mut license = self.current(&caller.company_id).await?;
        apply(&mut license, &change)?;
        license.updated_at = now_ms();
        license.updated_by = Some(caller.id.clone());
        let mut tx = self.db.begin_write().await?;
        db::licenses::update(tx.conn(), &caller.company_id, &license).await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "license.update",
                project_id: None,
                target: Some(caller.company_id.as_str()),
                detail: serde_json::json!({"plan": license.plan, "status": license.status,
                    "end_date": license.end_date.map(crate::clock::rfc3339)}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok((license, self.usage(&caller.company_id).await?))
    }
}

/// Applies `change` to `license`, checking each field.
pub fn apply(license: &mut License, change: &LicenseChange) -> Result<()> {
    if let Some(plan) = change.plan {
        license.plan = plan;
    }
    match change.status {
        Some(LicenseStatus::Expired) => {
            return Err(Error::invalid_field(
                "status",
                "invalid_value",
                "`expired` follows from `end_date`; set `active` or `suspended`",
            ));
        }
        Some(s) => license.status = s,
        None => {}
    }
    let date = |field: &str, text: &str| {
        crate::clock::parse_rfc3339(text)
            .ok_or_else(|| Error::invalid_field(field, "invalid_date", "is not an RFC 3339 time"))
    };
    if let Some(start) = &change.start_date {
        license.start_date = date("start_date", start)?;
    }
    if let Some(end) = &change.end_date {
        license.end_date = end.as_deref().map(|e| date("end_date", e)).transpose()?;
    }
    if license
        .end_date
        .is_some_and(|end| end <= license.start_date)
    {
        return Err(Error::invalid_field(
            "end_date",
            "invalid_range",
            "must be after start_date",
        ));
    }
    Ok(())
}
