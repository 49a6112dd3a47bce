//! `/api/v1/projects/{id}/members`: who works on a project, with which role.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::auth::access::{self, Level};
use crate::clock::{now_ms, rfc3339};
use crate::db::{self, members::Member};
use crate::domain::ProjectRole;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, QueryParams, RequestMeta};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, add, remove))
}

/// A member.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The user.
    pub user_id: String,
    /// The user's name.
    pub name: String,
    /// The user's email.
    pub email: String,
    /// Role in the project.
    pub role: ProjectRole,
    /// Member since (RFC 3339).
    pub created_at: String,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> MemberView {
        MemberView {
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            role: m.role,
            created_at: rfc3339(m.created_at),
        }
    }
}

/// The members of a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    /// Members by name.
    pub items: Vec<MemberView>,
}

/// Adds a member or changes a member's role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// A user of the same company.
    pub user_id: String,
    /// `owner`, `editor` or `viewer`.
    pub role: ProjectRole,
}

/// Whom to remove.
#[derive(Debug, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveMember {
    /// The member's user id (query parameter, or the same field in a JSON body).
    pub user_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = MemberList), (status = 404, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MemberList>> {
    access::project(&state.db, &user, &id).await?;
    let items = db::members::list(&state.db.pool, &user.company_id, &id).await?;
    Ok(Json(MemberList {
        items: items.into_iter().map(MemberView::from).collect(),
    }))
}

fn last_owner() -> ApiError {
    ApiError::Conflict {
        code: "last_owner",
        message: "a project keeps at least one owner; make someone else owner first".into(),
    }
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = AddMember,
    responses((status = 201, description = "Added", body = MemberView), (status = 200, description = "Role changed", body = MemberView),
              (status = 403, body = ErrorBody), (status = 404, description = "No such project, or no such user in the company", body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Body(req): Body<AddMember>,
) -> ApiResult<(StatusCode, Json<MemberView>)> {
    let a = access::project(&state.db, &user, &id).await?;
    a.require(Level::Manage, "managing members")?;
    if !db::is_id(&req.user_id) {
        return Err(ApiError::NotFound("user"));
    }
    let mut tx = state.db.begin_write().await?;
    let member = db::users::get(&mut *tx, &user.company_id, &req.user_id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    let before = db::members::role_of(&mut *tx, &user.company_id, &id, &member.id).await?;
    if before == Some(ProjectRole::Owner)
        && req.role != ProjectRole::Owner
        && db::members::owners(&mut *tx, &user.company_id, &id).await? <= 1
    {
        return Err(last_owner());
    }
    let now = now_ms();
    db::members::upsert(&mut *tx, &user.company_id, &id, &member.id, req.role, now).await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: if before.is_some() {
                "member.update"
            } else {
                "member.add"
            },
            project_id: Some(&id),
            target: Some(&member.id),
            detail: json!({"role": req.role, "previous_role": before}),
        },
    )
    .await?;
    tx.commit().await?;
    let status = if before.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(MemberView {
            user_id: member.id,
            name: member.name,
            email: member.email,
            role: req.role,
            created_at: rfc3339(now),
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), RemoveMember),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<RemoveMember>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<StatusCode> {
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(
            "the body is larger than the server accepts (AMPFLUX_MAX_BODY_MB)".into(),
        ),
        _ => ApiError::BadRequest {
            code: "unreadable_body",
            message: e.body_text(),
        },
    })?;
    let a = access::project(&state.db, &user, &id).await?;
    a.require(Level::Manage, "managing members")?;
    let from_body = if body.is_empty() {
        None
    } else {
        serde_json::from_slice::<RemoveMember>(&body)
            .map_err(|e| ApiError::BadRequest {
                code: "malformed_json",
                message: e.to_string(),
            })?
            .user_id
    };
    let target = query.user_id.or(from_body).ok_or_else(|| {
        ApiError::invalid_field("user_id", "required", "name the member to remove")
    })?;
    if !db::is_id(&target) {
        return Err(ApiError::NotFound("member"));
    }
    let mut tx = state.db.begin_write().await?;
    let role = db::members::role_of(&mut *tx, &user.company_id, &id, &target)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    if role == ProjectRole::Owner
        && db::members::owners(&mut *tx, &user.company_id, &id).await? <= 1
    {
        return Err(last_owner());
    }
    db::members::remove(&mut *tx, &user.company_id, &id, &target).await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "member.remove",
            project_id: Some(&id),
            target: Some(&target),
            detail: json!({"role": role}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
