//! `/api/v1/projects/{id}/members`: who works on a project, with which role.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::db::members::Member;
use crate::domain::ProjectRole;
use crate::error::{Error, ErrorBody, Result};
use crate::extract::{Body, QueryParams};
use crate::ids::UserId;
use crate::services::Actor;
use crate::services::projects::Projects;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, add, remove))
}

/// A member.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The user.
    #[schema(value_type = String)]
    pub user_id: UserId,
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
#[schema(example = json!({"user_id": "0b9c6f0e-3f1e-4a0b-9d55-8c1f2a7d9e11", "role": "editor"}))]
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
    State(projects): State<Projects>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<MemberList>> {
    let items = projects.members(&caller, &id).await?;
    Ok(Json(MemberList {
        items: items.into_iter().map(MemberView::from).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = AddMember,
    responses((status = 201, description = "Added", body = MemberView), (status = 200, description = "Role changed", body = MemberView),
              (status = 403, body = ErrorBody), (status = 404, description = "No such project, or no such user in the company", body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn add(
    State(projects): State<Projects>,
    actor: Actor,
    Path(id): Path<String>,
    Body(req): Body<AddMember>,
) -> Result<(StatusCode, Json<MemberView>)> {
    let (member, added) = projects
        .add_member(&actor, &id, &req.user_id, req.role)
        .await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(member.into())))
}

#[utoipa::path(delete, path = "/api/v1/projects/{id}/members", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), RemoveMember),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn remove(
    State(projects): State<Projects>,
    actor: Actor,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<RemoveMember>,
    body: std::result::Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<StatusCode> {
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge(
            "the body is larger than the server accepts (AMPFLUX_MAX_BODY_MB)".into(),
        ),
        _ => Error::Unreadable {
            code: "unreadable_body",
            message: e.body_text(),
        },
    })?;
    let from_body = if body.is_empty() {
        None
    } else {
        serde_json::from_slice::<RemoveMember>(&body)
            .map_err(|e| Error::Unreadable {
                code: "malformed_json",
                message: e.to_string(),
            })?
            .user_id
    };
    projects
        .remove_member(&actor, &id, query.user_id.or(from_body))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
