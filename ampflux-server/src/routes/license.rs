//! `GET|PUT /api/v1/license`: the company's plan, its limits and today's usage.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::clock::{day_of, now_ms, parse_rfc3339, rfc3339};
use crate::db::{self, licenses::License, usage};
use crate::domain::{LicenseStatus, Plan, PlanLimits};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, RequestMeta};
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
    pub updated_by: Option<String>,
}

/// New license terms; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

async fn view(state: &AppState, company: &str, license: License) -> ApiResult<LicenseView> {
    let pool = &state.db.pool;
    let today = day_of(now_ms());
    Ok(LicenseView {
        status: license.status_at(now_ms()),
        plan: license.plan,
        start_date: rfc3339(license.start_date),
        end_date: license.end_date.map(rfc3339),
        limits: license.plan.limits(),
        usage: Usage {
            projects: db::projects::count(pool, company).await?,
            simulations_today: usage::get(pool, company, usage::Kind::Simulations, today).await?,
            ai_requests_today: usage::get(pool, company, usage::Kind::AiRequests, today).await?,
        },
        updated_at: rfc3339(license.updated_at),
        updated_by: license.updated_by,
    })
}

async fn current(state: &AppState, company: &str) -> ApiResult<License> {
    db::licenses::get(&state.db.pool, company)
        .await?
        .ok_or_else(|| ApiError::internal("company without license"))
}

#[utoipa::path(get, path = "/api/v1/license", tag = "license", security(("bearer" = [])),
    responses((status = 200, body = LicenseView), (status = 401, body = ErrorBody)))]
async fn get_license(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<LicenseView>> {
    let license = current(&state, &user.company_id).await?;
    Ok(Json(view(&state, &user.company_id, license).await?))
}

#[utoipa::path(put, path = "/api/v1/license", tag = "license", security(("bearer" = [])), request_body = UpdateLicense,
    responses((status = 200, body = LicenseView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_license(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Body(req): Body<UpdateLicense>,
) -> ApiResult<Json<LicenseView>> {
    user.require_admin("managing the license")?;
    if !state.config.features.self_service_license {
        return Err(ApiError::Forbidden {
            code: "feature_disabled",
            message: "plans are managed by the operator of this server".into(),
        });
    }
    let mut license = current(&state, &user.company_id).await?;
    if let Some(plan) = req.plan {
        license.plan = plan;
    }
    match req.status {
        Some(LicenseStatus::Expired) => {
            return Err(ApiError::invalid_field(
                "status",
                "invalid_value",
                "`expired` follows from `end_date`; set `active` or `suspended`",
            ));
        }
        Some(s) => license.status = s,
        None => {}
    }
    let date = |field: &str, text: &str| {
        parse_rfc3339(text).ok_or_else(|| {
            ApiError::invalid_field(field, "invalid_date", "is not an RFC 3339 time")
        })
    };
    if let Some(start) = &req.start_date {
        license.start_date = date("start_date", start)?;
    }
    if let Some(end) = &req.end_date {
        license.end_date = end.as_deref().map(|e| date("end_date", e)).transpose()?;
    }
    if license
        .end_date
        .is_some_and(|end| end <= license.start_date)
    {
        return Err(ApiError::invalid_field(
            "end_date",
            "invalid_range",
            "must be after start_date",
        ));
    }
    license.updated_at = now_ms();
    license.updated_by = Some(user.id.clone());
    let mut tx = state.db.begin_write().await?;
    db::licenses::update(&mut *tx, &user.company_id, &license).await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "license.update",
            project_id: None,
            target: Some(&user.company_id),
            detail: json!({"plan": license.plan, "status": license.status, "end_date": license.end_date.map(rfc3339)}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(view(&state, &user.company_id, license).await?))
}
