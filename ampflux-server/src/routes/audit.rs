//! `GET /api/v1/audit`: the company's audit log (company_admin).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::db::audit::Filter;
use crate::error::{ErrorBody, Result};
use crate::extract::{PageParams, QueryParams};
use crate::ids::{AuditId, ProjectId, UserId};
use crate::services::audit::AuditLog;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// Filters and page of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this user's actions.
    pub user_id: Option<String>,
    /// Only this project.
    pub project_id: Option<String>,
    /// Only this action (`project.create`, `circuit.save`, `simulation.request`, ...).
    pub action: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    pub per_page: Option<i64>,
}

/// One entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    /// Id.
    #[schema(value_type = String)]
    pub id: AuditId,
    /// Acting user.
    #[schema(value_type = Option<String>)]
    pub user_id: Option<UserId>,
    /// Project concerned.
    #[schema(value_type = Option<String>)]
    pub project_id: Option<ProjectId>,
    /// What happened.
    pub action: String,
    /// Resource written.
    pub target: Option<String>,
    /// Details.
    #[schema(value_type = Object)]
    pub detail: Value,
    /// Client address.
    pub ip: Option<String>,
    /// Request id (the `x-request-id` header of the request).
    pub request_id: Option<String>,
    /// When (RFC 3339).
    pub timestamp: String,
}

/// One page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    /// Entries, newest first.
    pub items: Vec<AuditView>,
    /// Entries in all.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, body = AuditList), (status = 403, body = ErrorBody)))]
async fn list(
    State(log): State<AuditLog>,
    caller: Caller,
    QueryParams(q): QueryParams<AuditParams>,
) -> Result<Json<AuditList>> {
    caller.require_admin("reading the audit log")?;
    let (rows, page, per_page) = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .page()?;
    let filter = Filter {
        user_id: q.user_id,
        project_id: q.project_id,
        action: q.action,
    };
    let found = log.list(&caller, &filter, rows).await?;
    Ok(Json(AuditList {
        items: found
            .items
            .into_iter()
            .map(|e| AuditView {
                id: e.id,
                user_id: e.user_id,
                project_id: e.project_id,
                action: e.action,
                target: e.target,
                detail: e.detail,
                ip: e.ip,
                request_id: e.request_id,
                timestamp: rfc3339(e.created_at),
            })
            .collect(),
        total: found.total,
        page,
        per_page,
    }))
}
