//! `/api/v1/auth`: register, login, refresh (rotation with reuse detection), logout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::input;
use crate::audit::{self, Event};
use crate::auth::{password, tokens};
use crate::clock::now_ms;
use crate::db::{self, Tx, users::User};
use crate::domain::{Plan, Role};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, RequestMeta};
use crate::ratelimit;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
}

/// Registration: a new company with its first company_admin, or, with `invitation`, a new
/// user of the inviting company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
pub struct LoginRequest {
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A refresh token to exchange or revoke.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

/// Issues an access token and a refresh token of `family` (a new family when `None`).
async fn issue(
    tx: &mut Tx,
    state: &AppState,
    user: &User,
    family: Option<&str>,
    token_id: Option<&str>,
) -> ApiResult<TokenResponse> {
    let now = now_ms();
    let refresh = tokens::opaque();
    let new_family = db::new_id();
    let new_id = db::new_id();
    db::refresh_tokens::insert(
        &mut **tx,
        &user.company_id,
        token_id.unwrap_or(&new_id),
        &user.id,
        family.unwrap_or(&new_family),
        &tokens::digest(&refresh),
        now,
        now + state.config.refresh_token_ttl.as_millis() as i64,
    )
    .await?;
    Ok(TokenResponse {
        access_token: state
            .tokens
            .issue(&user.id, &user.company_id, user.role, now),
        refresh_token: refresh,
        token_type: "bearer".into(),
        expires_in: state.tokens.ttl_s,
    })
}

#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and logged in", body = TokenResponse),
        (status = 403, description = "Open registration is off", body = ErrorBody),
        (status = 404, description = "Unknown or used invitation", body = ErrorBody),
        (status = 409, description = "Email already registered", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    meta: RequestMeta,
    Body(req): Body<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<TokenResponse>)> {
    let name = input::text("name", &req.name, 200)?;
    let email = input::email("email", &req.email)?;
    let password = input::password("password", &req.password)?;
    let hash = password::hash(password).await?;
    let now = now_ms();

    let mut tx = state.db.begin_write().await?;
    if db::users::email_exists(&mut *tx, &email).await? {
        return Err(ApiError::Conflict {
            code: "email_taken",
            message: format!("an account with email {email} exists; log in instead"),
        });
    }
    let (user, action) = match (&req.invitation, &req.company_name) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_field(
                "invitation",
                "conflicting_fields",
                "give either `invitation` or `company_name`, not both",
            ));
        }
        (Some(token), None) => {
            let invitation = db::invitations::find_by_token(&mut *tx, &tokens::digest(token))
                .await?
                .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
                .ok_or(ApiError::NotFound("invitation"))?;
            if invitation.email != email {
                return Err(ApiError::invalid_field(
                    "email",
                    "invitation_email",
                    "must be the email the invitation was sent to",
                ));
            }
            let user = User {
                id: db::new_id(),
                company_id: invitation.company_id.clone(),
                name,
                email,
                role: invitation.role,
                created_at: now,
            };
            db::users::insert(&mut *tx, &user.company_id, &user, &hash).await?;
            if !db::invitations::accept(&mut *tx, &user.company_id, &invitation.id, &user.id, now)
                .await?
            {
                return Err(ApiError::NotFound("invitation"));
            }
            (user, "user.join")
        }
        (None, company_name) => {
            if !state.config.features.open_registration {
                return Err(ApiError::Forbidden {
                    code: "feature_disabled",
                    message: "registration of new companies is switched off; ask for an invitation"
                        .into(),
                });
            }
            let company_name =
                input::text("company_name", company_name.as_deref().unwrap_or(""), 200)?;
            let company = db::new_id();
            db::companies::insert(&mut *tx, &company, &company_name, now).await?;
            db::licenses::insert(&mut *tx, &company, Plan::Free, now).await?;
            let user = User {
                id: db::new_id(),
                company_id: company,
                name,
                email,
                role: Role::CompanyAdmin,
                created_at: now,
            };
            db::users::insert(&mut *tx, &user.company_id, &user, &hash).await?;
            (user, "company.register")
        }
    };
    let session = issue(&mut tx, &state, &user, None, None).await?;
    audit::record_as(
        &mut *tx,
        &user.company_id,
        Some(&user.id),
        &meta,
        Event {
            action,
            project_id: None,
            target: Some(&user.id),
            detail: json!({"email": user.email, "role": user.role}),
        },
    )
    .await?;
    tx.commit()
        .await
        .map_err(|e| match db::is_unique_violation(&e) {
            true => ApiError::Conflict {
                code: "email_taken",
                message: "an account with this email exists; log in instead".into(),
            },
            false => e.into(),
        })?;
    Ok((StatusCode::CREATED, Json(session)))
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong email or password (the same answer for unknown emails)", body = ErrorBody),
        (status = 429, description = "Too many login attempts for this email or from this address; retry after `Retry-After` seconds", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    Body(req): Body<LoginRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let email = req.email.trim().to_lowercase();
    // password guessing: attempts are counted whether or not the email has an account, so
    // the limit tells nothing about which emails exist
    let limits = state.config.rate_limit;
    let ip = meta.ip.as_deref().unwrap_or("unknown");
    ratelimit::attempt(
        &state,
        &format!("login-ip:{ip}"),
        limits.login_per_ip_per_minute,
    )
    .await?;
    let email_key = format!("login-email:{}", tokens::digest(&email));
    ratelimit::attempt(&state, &email_key, limits.login_per_email_per_minute).await?;
    let Some((user, hash)) = db::users::find_for_login(&state.db.pool, &email).await? else {
        password::verify_dummy(req.password).await?;
        return Err(bad_credentials());
    };
    if !password::verify(req.password, hash).await? {
        audit::record_as(
            &state.db.pool,
            &user.company_id,
            Some(&user.id),
            &meta,
            Event {
                action: "auth.login_failed",
                project_id: None,
                target: Some(&user.id),
                detail: json!({}),
            },
        )
        .await?;
        return Err(bad_credentials());
    }
    let mut tx = state.db.begin_write().await?;
    let session = issue(&mut tx, &state, &user, None, None).await?;
    audit::record_as(
        &mut *tx,
        &user.company_id,
        Some(&user.id),
        &meta,
        Event {
            action: "auth.login",
            project_id: None,
            target: Some(&user.id),
            detail: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(session))
}

fn bad_credentials() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_credentials",
        message: "wrong email or password".into(),
    }
}

fn invalid_refresh() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_refresh_token",
        message: "the refresh token is invalid, expired or revoked; log in again".into(),
    }
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token and refresh token; the old refresh token is spent", body = TokenResponse),
        (status = 401, description = "Invalid, expired or reused token (a reuse revokes every token of its login)", body = ErrorBody)))]
async fn refresh(
    State(state): State<AppState>,
    meta: RequestMeta,
    Body(req): Body<RefreshRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let now = now_ms();
    let stored =
        db::refresh_tokens::find(&state.db.pool, &tokens::digest(req.refresh_token.trim()))
            .await?
            .ok_or_else(invalid_refresh)?;
    let company = stored.company_id.clone();
    let mut tx = state.db.begin_write().await?;
    let next_id = db::new_id();
    if !db::refresh_tokens::mark_used(&mut *tx, &company, &stored.id, &next_id, now).await? {
        let expired = stored.expires_at <= now;
        if stored.used_at.is_some() || stored.revoked_at.is_some() || !expired {
            // a spent or revoked token came back (or two requests raced with one token):
            // someone else may hold a copy of it
            let revoked =
                db::refresh_tokens::revoke_family(&mut *tx, &company, &stored.family_id, now)
                    .await?;
            audit::record_as(
                &mut *tx,
                &company,
                Some(&stored.user_id),
                &meta,
                Event {
                    action: "auth.refresh_reuse",
                    project_id: None,
                    target: Some(&stored.user_id),
                    detail: json!({"family": stored.family_id, "revoked": revoked}),
                },
            )
            .await?;
            tx.commit().await?;
            return Err(ApiError::Unauthorized {
                code: "refresh_token_reused",
                message: "this refresh token was already used; every session of that login is revoked, log in again".into(),
            });
        }
        return Err(invalid_refresh());
    }
    let user = db::users::get(&mut *tx, &company, &stored.user_id)
        .await?
        .ok_or_else(invalid_refresh)?;
    let session = issue(
        &mut tx,
        &state,
        &user,
        Some(&stored.family_id),
        Some(&next_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(session))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Every token of this login is revoked (also when the token was unknown)")))]
async fn logout(
    State(state): State<AppState>,
    meta: RequestMeta,
    Body(req): Body<RefreshRequest>,
) -> ApiResult<StatusCode> {
    let now = now_ms();
    if let Some(stored) =
        db::refresh_tokens::find(&state.db.pool, &tokens::digest(req.refresh_token.trim())).await?
    {
        let mut tx = state.db.begin_write().await?;
        db::refresh_tokens::revoke_family(&mut *tx, &stored.company_id, &stored.family_id, now)
            .await?;
        audit::record_as(
            &mut *tx,
            &stored.company_id,
            Some(&stored.user_id),
            &meta,
            Event {
                action: "auth.logout",
                project_id: None,
                target: Some(&stored.user_id),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
