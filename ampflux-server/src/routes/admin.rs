//! `/api/v1/admin`: the operator's routes (plans of the companies), with the operator's
//! token (`AMPFLUX_OPERATOR_TOKEN`) as bearer; no company account can use them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::license::{LicenseView, UpdateLicense};
use crate::domain::{LicenseStatus, Plan};
use crate::error::{Error, ErrorBody, Result};
use crate::extract::Body;
use crate::ids::CompanyId;
use crate::services::Origin;
use crate::services::licenses::{LicenseChange, Licenses};
use crate::services::operator::Operator;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(companies))
        .routes(routes!(put_license))
}

/// A company as the operator sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyView {
    /// Id.
    #[schema(value_type = String)]
    pub id: CompanyId,
    /// Name.
    pub name: String,
    /// Plan.
    pub plan: Plan,
    /// License status now.
    pub status: LicenseStatus,
    /// Users.
    pub users: i64,
    /// Projects.
    pub projects: i64,
    /// Email of a company_admin.
    pub admin_email: Option<String>,
}

/// Every company.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyList {
    /// The companies, oldest first.
    pub items: Vec<CompanyView>,
}

fn operator_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[utoipa::path(get, path = "/api/v1/admin/companies", tag = "admin", security(("operator" = [])),
    responses((status = 200, body = CompanyList),
              (status = 401, description = "Not the operator's token", body = ErrorBody)))]
async fn companies(
    State(operator): State<Operator>,
    headers: HeaderMap,
) -> Result<Json<CompanyList>> {
    operator.authenticate(operator_token(&headers))?;
    let items = operator
        .companies()
        .await?
        .into_iter()
        .map(|c| CompanyView {
            id: c.id,
            name: c.name,
            plan: c.plan,
            status: c.status,
            users: c.users,
            projects: c.projects,
            admin_email: c.admin_email,
        })
        .collect();
    Ok(Json(CompanyList { items }))
}

#[utoipa::path(put, path = "/api/v1/admin/companies/{id}/license", tag = "admin", security(("operator" = [])),
    params(("id" = String, Path, description = "Company id")), request_body = UpdateLicense,
    responses((status = 200, body = LicenseView),
              (status = 401, description = "Not the operator's token", body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_license(
    State(operator): State<Operator>,
    State(licenses): State<Licenses>,
    headers: HeaderMap,
    origin: Origin,
    Path(id): Path<String>,
    Body(req): Body<UpdateLicense>,
) -> Result<Json<LicenseView>> {
    operator.authenticate(operator_token(&headers))?;
    let company = CompanyId::parse(&id).ok_or(Error::NotFound("company"))?;
    let change = LicenseChange {
        plan: req.plan,
        status: req.status,
        start_date: req.start_date,
        end_date: req.end_date,
    };
    let license = operator.set_license(&origin, &company, change).await?;
    let usage = licenses.usage(&company).await?;
    Ok(Json(LicenseView::new(license, usage)))
}
