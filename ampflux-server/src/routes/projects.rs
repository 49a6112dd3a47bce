//! `/api/v1/projects`: projects of the caller's company.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::input;
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::auth::access::{self, Level};
use crate::clock::{now_ms, rfc3339};
use crate::db::{self, projects::Project};
use crate::domain::{ProjectRole, Visibility};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Body, PageParams, QueryParams, RequestMeta};
use crate::licensing;
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
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Who besides members and company admins may read it.
    pub visibility: Visibility,
    /// Creator.
    pub owner_id: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// The caller's project role, if a member.
    pub my_role: Option<ProjectRole>,
    /// What the caller may do: `read`, `write` or `manage`.
    pub access: String,
}

impl ProjectView {
    fn new(p: Project, my_role: Option<ProjectRole>, level: Level) -> ProjectView {
        ProjectView {
            id: p.id,
            name: p.name,
            description: p.description,
            visibility: p.visibility,
            owner_id: p.owner_id,
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
            my_role,
            access: match level {
                Level::Read => "read",
                Level::Write => "write",
                Level::Manage => "manage",
            }
            .into(),
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
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(params): QueryParams<PageParams>,
) -> ApiResult<Json<ProjectList>> {
    let (rows, page, per_page) = params.page()?;
    let pool = &state.db.pool;
    let all = user.is_admin();
    let found = db::projects::list_for_user(pool, &user.company_id, &user.id, all, rows).await?;
    let total = db::projects::count_for_user(pool, &user.company_id, &user.id, all).await?;
    let items = found
        .into_iter()
        .filter_map(|f| {
            let level = access::level(&user, &f.project, f.member_role)?;
            Some(ProjectView::new(f.project, f.member_role, level))
        })
        .collect();
    Ok(Json(ProjectList {
        items,
        total,
        page,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", security(("bearer" = [])), request_body = CreateProject,
    responses((status = 201, body = ProjectView), (status = 402, description = "Project limit of the plan", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Body(req): Body<CreateProject>,
) -> ApiResult<(StatusCode, Json<ProjectView>)> {
    let now = now_ms();
    let project = Project {
        id: db::new_id(),
        company_id: user.company_id.clone(),
        owner_id: user.id.clone(),
        name: input::text("name", &req.name, 200)?,
        description: input::optional_text(
            "description",
            req.description.as_deref().unwrap_or(""),
            5000,
        )?,
        visibility: req.visibility.unwrap_or(Visibility::Company),
        created_at: now,
        updated_at: now,
    };
    let mut tx = state.db.begin_write().await?;
    db::licenses::lock(&mut *tx, &user.company_id).await?;
    let license = licensing::active(&mut *tx, &user.company_id).await?;
    let count = db::projects::count(&mut *tx, &user.company_id).await?;
    licensing::within(
        &license,
        "projects",
        license.plan.limits().max_projects,
        count + 1,
    )?;
    db::projects::insert(&mut *tx, &user.company_id, &project).await?;
    db::members::upsert(
        &mut *tx,
        &user.company_id,
        &project.id,
        &user.id,
        ProjectRole::Owner,
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "project.create",
            project_id: Some(&project.id),
            target: Some(&project.id),
            detail: json!({"name": project.name, "visibility": project.visibility}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(ProjectView::new(
            project,
            Some(ProjectRole::Owner),
            Level::Manage,
        )),
    ))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectView>> {
    let a = access::project(&state.db, &user, &id).await?;
    Ok(Json(ProjectView::new(a.project, a.member_role, a.level)))
}

#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = UpdateProject,
    responses((status = 200, body = ProjectView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Body(req): Body<UpdateProject>,
) -> ApiResult<Json<ProjectView>> {
    let a = access::project(&state.db, &user, &id).await?;
    a.require(Level::Write, "editing the project")?;
    if req.visibility.is_some_and(|v| v != a.project.visibility) {
        a.require(Level::Manage, "changing the visibility")?;
    }
    let mut p = a.project.clone();
    if let Some(name) = &req.name {
        p.name = input::text("name", name, 200)?;
    }
    if let Some(description) = &req.description {
        p.description = input::optional_text("description", description, 5000)?;
    }
    if let Some(v) = req.visibility {
        p.visibility = v;
    }
    p.updated_at = now_ms();
    let mut tx = state.db.begin_write().await?;
    db::projects::update(&mut *tx, &user.company_id, &p).await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "project.update",
            project_id: Some(&p.id),
            target: Some(&p.id),
            detail: json!({"name": req.name, "description": req.description.is_some(), "visibility": req.visibility}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(ProjectView::new(p, a.member_role, a.level)))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 204, description = "Deleted with its circuits and simulations"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let a = access::project(&state.db, &user, &id).await?;
    a.require(Level::Manage, "deleting the project")?;
    let mut tx = state.db.begin_write().await?;
    db::projects::delete(&mut tx, &user.company_id, &id).await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "project.delete",
            project_id: Some(&id),
            target: Some(&id),
            detail: json!({"name": a.project.name}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
