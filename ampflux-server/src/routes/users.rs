//! `/api/v1/users`: the caller, and the company's users (company_admin).

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
use crate::auth::{CurrentUser, password, tokens};
use crate::clock::{now_ms, rfc3339};
use crate::db::{self, users::User};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, PageParams, QueryParams, RequestMeta};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list, create))
        .routes(routes!(delete_user))
        .routes(routes!(invite))
}

/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    pub id: String,
    /// Company.
    pub company_id: String,
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role in the company.
    pub role: Role,
    /// Creation time (RFC 3339).
    pub created_at: String,
}

impl From<User> for UserView {
    fn from(u: User) -> UserView {
        UserView {
            id: u.id,
            company_id: u.company_id,
            name: u.name,
            email: u.email,
            role: u.role,
            created_at: rfc3339(u.created_at),
        }
    }
}

/// The caller, with the company's name.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    /// The user.
    #[serde(flatten)]
    pub user: UserView,
    /// Name of the company.
    pub company_name: String,
}

/// One page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    /// The users.
    pub items: Vec<UserView>,
    /// Users in all.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// A user created by a company_admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Initial password.
    pub password: String,
    /// Role (default `user`).
    #[serde(default)]
    pub role: Option<Role>,
}

/// An invitation to join the company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// Email of the person invited (they register with it).
    pub email: String,
    /// Role they will have (default `user`).
    #[serde(default)]
    pub role: Option<Role>,
}

/// A new invitation; the token is shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    /// Id.
    pub id: String,
    /// Email invited.
    pub email: String,
    /// Role granted.
    pub role: Role,
    /// The token to pass as `invitation` to `POST /api/v1/auth/register`.
    pub token: String,
    /// Expiry (RFC 3339).
    pub expires_at: String,
}

#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<MeView>> {
    let found = db::users::get(&state.db.pool, &user.company_id, &user.id)
        .await?
        .ok_or(ApiError::Unauthorized {
            code: "invalid_token",
            message: "the account of this token no longer exists".into(),
        })?;
    let company_name = db::companies::name(&state.db.pool, &user.company_id)
        .await?
        .unwrap_or_default();
    Ok(Json(MeView {
        user: found.into(),
        company_name,
    }))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = UserList), (status = 403, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(params): QueryParams<PageParams>,
) -> ApiResult<Json<UserList>> {
    user.require_admin("listing the company's users")?;
    let (rows, page, per_page) = params.page()?;
    let items = db::users::list(&state.db.pool, &user.company_id, rows).await?;
    let total = db::users::count(&state.db.pool, &user.company_id).await?;
    Ok(Json(UserList {
        items: items.into_iter().map(UserView::from).collect(),
        total,
        page,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Body(req): Body<CreateUserRequest>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    user.require_admin("creating users")?;
    let new = User {
        id: db::new_id(),
        company_id: user.company_id.clone(),
        name: input::text("name", &req.name, 200)?,
        email: input::email("email", &req.email)?,
        role: req.role.unwrap_or(Role::User),
        created_at: now_ms(),
    };
    let hash = password::hash(input::password("password", &req.password)?).await?;
    let mut tx = state.db.begin_write().await?;
    if db::users::email_exists(&mut *tx, &new.email).await? {
        return Err(ApiError::Conflict {
            code: "email_taken",
            message: format!("an account with email {} exists", new.email),
        });
    }
    db::users::insert(&mut *tx, &user.company_id, &new, &hash).await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "user.create",
            project_id: None,
            target: Some(&new.id),
            detail: json!({"email": new.email, "role": new.role}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(new.into())))
}

#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 204, description = "Deleted: the account can no longer log in and its tokens stop working; \
                                           what it authored stays"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "The company's last company_admin", body = ErrorBody)))]
async fn delete_user(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    user.require_admin("deleting users")?;
    if !db::is_id(&id) {
        return Err(ApiError::NotFound("user"));
    }
    let mut tx = state.db.begin_write().await?;
    let target = db::users::get(&mut *tx, &user.company_id, &id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    if target.role == Role::CompanyAdmin
        && db::users::admins(&mut *tx, &user.company_id).await? <= 1
    {
        return Err(ApiError::Conflict {
            code: "last_admin",
            message:
                "a company keeps at least one company_admin; make someone else company_admin first"
                    .into(),
        });
    }
    db::users::delete(&mut tx, &user.company_id, &id, now_ms()).await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "user.delete",
            project_id: None,
            target: Some(&id),
            detail: json!({"email": target.email, "role": target.role}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/invitations", tag = "users", security(("bearer" = [])), request_body = InviteRequest,
    responses((status = 201, body = InvitationView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Body(req): Body<InviteRequest>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    user.require_admin("inviting users")?;
    let email = input::email("email", &req.email)?;
    let role = req.role.unwrap_or(Role::User);
    let token = tokens::opaque();
    let now = now_ms();
    let expires_at = now + state.config.invitation_ttl.as_millis() as i64;
    let id = db::new_id();
    let mut tx = state.db.begin_write().await?;
    if db::users::email_exists(&mut *tx, &email).await? {
        return Err(ApiError::Conflict {
            code: "email_taken",
            message: format!("an account with email {email} exists"),
        });
    }
    db::invitations::insert(
        &mut *tx,
        &user.company_id,
        &id,
        &email,
        role,
        &tokens::digest(&token),
        &user.id,
        now,
        expires_at,
    )
    .await?;
    audit::record(
        &mut *tx,
        &user,
        &meta,
        Event {
            action: "user.invite",
            project_id: None,
            target: Some(&id),
            detail: json!({"email": email, "role": role}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationView {
            id,
            email,
            role,
            token,
            expires_at: rfc3339(expires_at),
        }),
    ))
}
