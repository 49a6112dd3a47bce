//! `GET|PUT /api/v1/license`: the company's plan, its limits and today's usage.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::clock::{now_ms, rfc3339};
use crate::db::licenses::License;
use crate::domain::{LicenseStatus, Plan, PlanLimits};
use crate::error::{ErrorBody, Result};
use crate::extract::Body;
use crate::ids::UserId;
use crate::services::Actor;
use crate::services::licenses::{self, LicenseChange, Licenses};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_license, put_license))
}

/// Usage counted against the limits.
#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    /// Projects of the company.
    pub projects: i64,
    /// Simulations requested today (UTC).
    pub simulations_today: i64,
    /// AI requests today (UTC).
    pub ai_requests_today: i64,
}

/// The license.
#[derive(Debug, Serialize, ToSchema)]
pub struct LicenseView {
    /// Plan.
    pub plan: Plan,
    /// Status now (an active license past its end date reads `expired`).
    pub status: LicenseStatus,
    /// Start (RFC 3339).
    pub start_date: String,
    /// End (RFC 3339), if any.
    pub end_date: Option<String>,
    /// Limits of the plan.
    pub limits: PlanLimits,
    /// Usage.
    pub usage: Usage,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Who changed it last.
    #[schema(value_type = Option<String>)]
    pub updated_by: Option<UserId>,
}

/// New license terms; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan": "pro", "status": "active", "end_date": "2027-12-31T00:00:00Z"}))]
pub struct UpdateLicense {
    /// Plan.
    #[serde(default)]
    pub plan: Option<Plan>,
    /// `active` or `suspended` (`expired` follows from `end_date`).
    #[serde(default)]
    pub status: Option<LicenseStatus>,
    /// Start (RFC 3339).
    #[serde(default)]
    pub start_date: Option<String>,
    /// End (RFC 3339), or `null` for none.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub end_date: Option<Option<String>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

impl LicenseView {
    /// The view of `license` with `usage`.
    pub fn new(license: License, usage: licenses::Usage) -> LicenseView {
        LicenseView {
            status: license.status_at(now_ms()),
            plan: license.plan,
            start_date: rfc3339(license.start_date),
            end_date: license.end_date.map(rfc3339),
            limits: license.plan.limits(),
            usage: Usage {
                projects: usage.projects,
                simulations_today: usage.simulations_today,
                ai_requests_today: usage.ai_requests_today,
            },
            updated_at: rfc3339(license.updated_at),
            updated_by: license.updated_by,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/license", tag = "license", security(("bearer" = [])),
    responses((status = 200, body = LicenseView), (status = 401, body = ErrorBody)))]
async fn get_license(
    State(licenses): State<Licenses>,
    caller: Caller,
) -> Result<Json<LicenseView>> {
    let (license, usage) = licenses.get(&caller).await?;
    Ok(Json(LicenseView::new(license, usage)))
}

#[utoipa::path(put, path = "/api/v1/license", tag = "license", security(("bearer" = [])), request_body = UpdateLicense,
    description = "Plans are the operator's: company admins get 403 `operator_only` unless the server lets \
                   companies manage their plan (AMPFLUX_FEATURES=+self_service_license). The operator uses \
                   PUT /api/v1/admin/companies/{id}/license or `ampflux-server admin license`.",
    responses((status = 200, body = LicenseView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_license(
    State(licenses): State<Licenses>,
    actor: Actor,
    Body(req): Body<UpdateLicense>,
) -> Result<Json<LicenseView>> {
    let change = LicenseChange {
        plan: req.plan,
        status: req.status,
        start_date: req.start_date,
        end_date: req.end_date,
    };
    let (license, usage) = licenses.update(&actor, change).await?;
    Ok(Json(LicenseView::new(license, usage)))
}
