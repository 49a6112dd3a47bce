//! Authentication and authorization: passwords, tokens, the `CurrentUser` extractor and the
//! access rules of projects.

pub mod access;
pub mod password;
pub mod tokens;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::domain::Role;
use crate::error::ApiError;
use crate::state::AppState;

/// The authenticated caller, from a valid access token.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// User id.
    pub id: String,
    /// Company id: the tenant of every query the request makes.
    pub company_id: String,
    /// Role in the company.
    pub role: Role,
}

impl CurrentUser {
    /// Whether the caller is a company_admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::CompanyAdmin
    }

    /// 403 unless the caller is a company_admin.
    pub fn require_admin(&self, what: &str) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "{what} needs the company_admin role"
            )))
        }
    }
}

/// The bearer token of the request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(ApiError::Unauthorized {
            code: "unauthorized",
            message: "missing bearer token (Authorization: Bearer <access_token>)".into(),
        })?;
        user_from_token(state, token).await
    }
}

/// The caller of an access token, or 401. Besides the signature and expiry of the token,
/// the account must still exist: a deleted user's tokens stop working at once, and the role
/// is the one the account has now (a demotion takes effect without waiting for expiry).
pub async fn user_from_token(state: &AppState, token: &str) -> Result<CurrentUser, ApiError> {
    let claims = state.tokens.verify(token).ok_or(ApiError::Unauthorized {
        code: "invalid_token",
        message: "the access token is invalid or expired; refresh it or log in again".into(),
    })?;
    let gone = || ApiError::Unauthorized {
        code: "invalid_token",
        message: "the account of this access token no longer exists".into(),
    };
    if !crate::db::is_id(&claims.sub) || !crate::db::is_id(&claims.cid) {
        return Err(gone());
    }
    let user = crate::db::users::get(&state.db.pool, &claims.cid, &claims.sub)
        .await?
        .ok_or_else(gone)?;
    Ok(CurrentUser {
        id: user.id,
        company_id: user.company_id,
        role: user.role,
    })
}
