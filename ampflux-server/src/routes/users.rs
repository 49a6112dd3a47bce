//! `/api/v1/users`: the caller, and the company's users (company_admin).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::db::users::User;
use crate::domain::Role;
use crate::error::{ErrorBody, Result};
use crate::extract::{Body, PageParams, QueryParams};
use crate::ids::{CompanyId, InvitationId, UserId};
use crate::services::Actor;
use crate::services::accounts::Accounts;
use crate::services::users::{NewUser, Users};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list, create))
        .routes(routes!(delete_user))
        .routes(routes!(invite))
        .routes(routes!(change_password))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "correct horse battery staple", "new_password": "another long passphrase 42"}))]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new password.
    pub new_password: String,
}

/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    #[schema(value_type = String)]
    pub id: UserId,
    /// Company.
    #[schema(value_type = String)]
    pub company_id: CompanyId,
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
#[schema(example = json!({"name": "Grace Hopper", "email": "grace@volt.example", "password": "a long passphrase for grace", "role": "user"}))]
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
#[schema(example = json!({"email": "linus@volt.example", "role": "user"}))]
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
    #[schema(value_type = String)]
    pub id: InvitationId,
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
async fn me(State(users): State<Users>, caller: Caller) -> Result<Json<MeView>> {
    let (user, company_name) = users.me(&caller).await?;
    Ok(Json(MeView {
        user: user.into(),
        company_name,
    }))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = UserList), (status = 403, body = ErrorBody)))]
async fn list(
    State(users): State<Users>,
    caller: Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<UserList>> {
    let (rows, page, per_page) = params.page()?;
    let found = users.list(&caller, rows).await?;
    Ok(Json(UserList {
        items: found.items.into_iter().map(UserView::from).collect(),
        total: found.total,
        page,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(users): State<Users>,
    actor: Actor,
    Body(req): Body<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserView>)> {
    let new = NewUser {
        name: req.name,
        email: req.email,
        password: req.password,
        role: req.role,
    };
    let user = users.create(&actor, new).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 204, description = "Deleted: the account can no longer log in and its tokens stop working; \
                                           what it authored stays"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "The company's last company_admin", body = ErrorBody)))]
async fn delete_user(
    State(users): State<Users>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    users.delete(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/invitations", tag = "users", security(("bearer" = [])), request_body = InviteRequest,
    responses((status = 201, body = InvitationView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn invite(
    State(users): State<Users>,
    actor: Actor,
    Body(req): Body<InviteRequest>,
) -> Result<(StatusCode, Json<InvitationView>)> {
    let invited = users.invite(&actor, &req.email, req.role).await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationView {
            id: invited.id,
            email: invited.email,
            role: invited.role,
            token: invited.token,
            expires_at: rfc3339(invited.expires_at),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/users/me/password", tag = "users", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 204, description = "Changed; the caller's other sessions ended"),
              (status = 401, description = "Wrong current password", body = ErrorBody),
              (status = 422, description = "The new password is too weak", body = ErrorBody)))]
async fn change_password(
    State(accounts): State<Accounts>,
    actor: Actor,
    Body(req): Body<PasswordChange>,
) -> Result<StatusCode> {
    accounts
        .change_password(
            &actor.caller,
            &actor.origin,
            req.current_password,
            &req.new_password,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
