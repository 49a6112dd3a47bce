//! `/api/v1/projects`: projects of the caller's company.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::auth::access::ProjectAccess;
use crate::clock::rfc3339;
use crate::domain::{ProjectRole, Visibility};
use crate::error::{ErrorBody, Result};
use crate::extract::{Body, PageParams, QueryParams};
use crate::ids::{ProjectId, UserId};
use crate::services::Actor;
use crate::services::projects::{NewProject, ProjectChanges, Projects};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

/// A project as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    /// Id.
    #[schema(value_type = String)]
    pub id: ProjectId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Who besides members and company admins may read it.
    pub visibility: Visibility,
    /// Creator.
    #[schema(value_type = String)]
    pub owner_id: UserId,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// The caller's project role, if a member.
    pub my_role: Option<ProjectRole>,
    /// What the caller may do: `read`, `write` or `manage`.
    pub access: String,
}

impl From<ProjectAccess> for ProjectView {
    fn from(a: ProjectAccess) -> ProjectView {
        let p = a.project;
        ProjectView {
            id: p.id,
            name: p.name,
            description: p.description,
            visibility: p.visibility,
            owner_id: p.owner_id,
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
            my_role: a.member_role,
            access: a.level.as_str().into(),
        }
    }
}

/// One page of projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    /// The projects, most recently changed first.
    pub items: Vec<ProjectView>,
    /// Projects in all.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// A new project.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Substation North", "description": "20 kV / 0.4 kV feeder", "visibility": "company"}))]
pub struct CreateProject {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// `company` (default) or `members`.
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// Changes to a project; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "20 kV / 0.4 kV feeder, 2027 extension"}))]
pub struct UpdateProject {
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Visibility (owner or company_admin only).
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = ProjectList), (status = 401, body = ErrorBody)))]
async fn list(
    State(projects): State<Projects>,
    caller: Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<ProjectList>> {
    let (rows, page, per_page) = params.page()?;
    let found = projects.list(&caller, rows).await?;
    Ok(Json(ProjectList {
        items: found.items.into_iter().map(ProjectView::from).collect(),
        total: found.total,
        page,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])), request_body = CreateProject,
    responses((status = 201, body = ProjectView), (status = 402, description = "Project limit of the plan", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create(
    State(projects): State<Projects>,
    actor: Actor,
    Body(req): Body<CreateProject>,
) -> Result<(StatusCode, Json<ProjectView>)> {
    let new = NewProject {
        name: req.name,
        description: req.description,
        visibility: req.visibility,
    };
    let created = projects.create(&actor, new).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(projects): State<Projects>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ProjectView>> {
    Ok(Json(projects.access(&caller, &id).await?.into()))
}

#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = UpdateProject,
    responses((status = 200, body = ProjectView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn update(
    State(projects): State<Projects>,
    actor: Actor,
    Path(id): Path<String>,
    Body(req): Body<UpdateProject>,
) -> Result<Json<ProjectView>> {
    let changes = ProjectChanges {
        name: req.name,
        description: req.description,
        visibility: req.visibility,
    };
    Ok(Json(projects.update(&actor, &id, changes).await?.into()))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 204, description = "Deleted with its circuits and simulations"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete(
    State(projects): State<Projects>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    projects.delete(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
