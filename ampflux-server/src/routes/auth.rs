//! `/api/v1/auth`: register, login, refresh (rotation with reuse detection), logout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ErrorBody, Result};
use crate::extract::Body;
use crate::services::Origin;
use crate::services::accounts::{Accounts, Registration, Session};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(password_reset))
        .routes(routes!(password_reset_confirm))
}

/// Registration: a new company with its first company_admin, or, with `invitation`, a new
/// user of the inviting company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"company_name": "Volt Engineering", "name": "Ada Lovelace", "email": "ada@volt.example", "password": "correct horse battery staple"}))]
pub struct RegisterRequest {
    /// Name of the new company (without `invitation`).
    #[serde(default)]
    pub company_name: Option<String>,
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Password, 8 to 1024 characters.
    pub password: String,
    /// Invitation token received from a company_admin (instead of `company_name`).
    #[serde(default)]
    pub invitation: Option<String>,
}

/// Login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@volt.example", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
    /// The company, when the same email and password open accounts in several.
    #[serde(default)]
    pub company_id: Option<String>,
}

/// A request to reset the password of the accounts of an email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@volt.example"}))]
pub struct ResetRequest {
    /// The login email.
    pub email: String,
}

/// A new password with the token of a reset email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "new_password": "another long passphrase 42"}))]
pub struct ResetConfirm {
    /// The token of the email.
    pub token: String,
    /// The new password.
    pub new_password: String,
}

/// A refresh token to exchange or revoke.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}))]
pub struct RefreshRequest {
    /// The refresh token of the last login or refresh.
    pub refresh_token: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT (HS256) for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque token for `POST /api/v1/auth/refresh`; valid once.
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

impl From<Session> for TokenResponse {
    fn from(s: Session) -> TokenResponse {
        TokenResponse {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            token_type: "bearer".into(),
            expires_in: s.expires_in,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and logged in", body = TokenResponse),
        (status = 403, description = "Open registration is off", body = ErrorBody),
        (status = 404, description = "Unknown or used invitation", body = ErrorBody),
        (status = 409, description = "The inviting company already has an account with this email", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody)))]
async fn register(
    State(accounts): State<Accounts>,
    origin: Origin,
    Body(req): Body<RegisterRequest>,
) -> Result<(StatusCode, Json<TokenResponse>)> {
    let registration = Registration {
        company_name: req.company_name,
        name: req.name,
        email: req.email,
        password: req.password,
        invitation: req.invitation,
    };
    let session = accounts.register(&origin, registration).await?;
    Ok((StatusCode::CREATED, Json(session.into())))
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong email or password (the same answer for unknown emails)", body = ErrorBody),
        (status = 409, description = "The email and password open accounts in several companies: give `company_id`", body = ErrorBody),
        (status = 429, description = "Too many failed logins for this email from this address, or attempts from this address; retry after `Retry-After` seconds", body = ErrorBody)))]
async fn login(
    State(accounts): State<Accounts>,
    origin: Origin,
    Body(req): Body<LoginRequest>,
) -> Result<Json<TokenResponse>> {
    let session = accounts
        .login(&origin, &req.email, req.password, req.company_id.as_deref())
        .await?;
    Ok(Json(session.into()))
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token and refresh token; the old refresh token is spent", body = TokenResponse),
        (status = 401, description = "Invalid, expired or reused token (a reuse revokes every token of its login)", body = ErrorBody)))]
async fn refresh(
    State(accounts): State<Accounts>,
    origin: Origin,
    Body(req): Body<RefreshRequest>,
) -> Result<Json<TokenResponse>> {
    let session = accounts.refresh(&origin, &req.refresh_token).await?;
    Ok(Json(session.into()))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Every token of this login is revoked (also when the token was unknown)")))]
async fn logout(
    State(accounts): State<Accounts>,
    origin: Origin,
    Body(req): Body<RefreshRequest>,
) -> Result<StatusCode> {
    accounts.logout(&origin, &req.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetRequest,
    description = "Emails a reset link to every account with this email (when the server sends email: \
                   AMPFLUX_SMTP_URL). The answer is the same whether or not there is an account.",
    responses((status = 202, description = "Accepted (whether or not the email has an account)")))]
async fn password_reset(
    State(accounts): State<Accounts>,
    origin: Origin,
    Body(req): Body<ResetRequest>,
) -> Result<StatusCode> {
    accounts.request_reset(&origin, &req.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = ResetConfirm,
    responses((status = 204, description = "Password set; every session of the account ended"),
              (status = 401, description = "Invalid, used or expired token", body = ErrorBody),
              (status = 422, description = "The new password is too weak", body = ErrorBody)))]
async fn password_reset_confirm(
    State(accounts): State<Accounts>,
    origin: Origin,
    Body(req): Body<ResetConfirm>,
) -> Result<StatusCode> {
    accounts
        .confirm_reset(&origin, &req.token, &req.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
