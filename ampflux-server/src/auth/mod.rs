//! Authentication and authorization: passwords, tokens, the authenticated [`Caller`] and
//! the access rules of projects. No HTTP here: the extractors live in `extract`.

pub mod access;
pub mod password;
pub mod tokens;

use std::sync::Arc;

use crate::db::Db;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::ids::{ApiKeyId, CompanyId, SessionId, UserId};
use tokens::TokenKeys;

/// The authenticated caller of a request.
#[derive(Clone, Debug)]
pub struct Caller {
    /// User id.
    pub id: UserId,
    /// Company id: the tenant of every query the request makes.
    pub company_id: CompanyId,
    /// Role in the company.
    pub role: Role,
    /// The login session of the credential (`None` for API keys).
    pub session: Option<SessionId>,
    /// The API key of the credential (`None` for access tokens).
    pub api_key: Option<ApiKeyId>,
}

impl Caller {
    /// Whether the caller is a company_admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::CompanyAdmin
    }

    /// Forbidden unless the caller is a company_admin.
    pub fn require_admin(&self, what: &str) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "{what} needs the company_admin role"
            )))
        }
    }
}

/// Turns credentials into a [`Caller`].
#[derive(Clone)]
pub struct Authenticator {
    db: Db,
    tokens: Arc<TokenKeys>,
}

impl Authenticator {
    /// An authenticator over the accounts of `db`, checking tokens with `tokens`.
    pub fn new(db: Db, tokens: Arc<TokenKeys>) -> Authenticator {
        Authenticator { db, tokens }
    }

    /// The token keys.
    pub fn keys(&self) -> &TokenKeys {
        &self.tokens
    }

    /// The caller of an access token. Besides the signature and expiry of the token, the
    /// account must still exist and the token's session be open: a deleted user's tokens
    /// and those of an ended session (logout, a reused refresh token, a password change)
    /// stop working at once, and the role is the one the account has now (a demotion takes
    /// effect without waiting for expiry).
    pub async fn caller(&self, token: &str) -> Result<Caller> {
        if token.starts_with(tokens::API_KEY_PREFIX) {
            return self.key_caller(token).await;
        }
        let claims = self.tokens.verify(token).ok_or(Error::Unauthenticated {
            code: "invalid_token",
            message: "the access token is invalid or expired; refresh it or log in again".into(),
        })?;
        let gone = || Error::Unauthenticated {
            code: "invalid_token",
            message: "the account of this access token no longer exists".into(),
        };
        let ids = (
            UserId::parse(&claims.sub),
            CompanyId::parse(&claims.cid),
            SessionId::parse(&claims.sid),
        );
        let (Some(user), Some(company), Some(session)) = ids else {
            return Err(gone());
        };
        let user = crate::db::users::get_in_session(&self.db.pool, &company, &user, &session)
            .await?
            .ok_or_else(|| Error::Unauthenticated {
                code: "invalid_token",
                message: "the session of this access token has ended or its account no longer exists; log in again".into(),
            })?;
        Ok(Caller {
            id: user.id,
            company_id: user.company_id,
            role: user.role,
            session: Some(session),
            api_key: None,
        })
    }

    /// The caller of an API key: the key's user, with the role the account has now, while
    /// the key is not revoked and the account exists.
    async fn key_caller(&self, key: &str) -> Result<Caller> {
        let (key, user) = crate::db::api_keys::authenticate(&self.db.pool, &tokens::digest(key))
            .await?
            .ok_or_else(|| Error::Unauthenticated {
                code: "invalid_api_key",
                message: "the API key is unknown or revoked, or its user no longer exists".into(),
            })?;
        let now = crate::clock::now_ms();
        if key.last_used_at.is_none_or(|t| t < now - 60_000) {
            // noted in the background: a request made with a key does not wait for a write
            let pool = self.db.pool.clone();
            let id = key.id.clone();
            tokio::spawn(async move {
                if let Err(e) = crate::db::api_keys::touch(&pool, &id, now).await {
                    tracing::debug!(error = %e, "last use of an API key not noted");
                }
            });
        }
        Ok(Caller {
            id: user.id,
            company_id: user.company_id,
            role: user.role,
            session: None,
            api_key: Some(key.id),
        })
    }

    /// Whether the caller's credential still works (its account and its session or API
    /// key exist).
    pub async fn still_valid(&self, caller: &Caller) -> Result<bool> {
        let pool = &self.db.pool;
        if let Some(key) = &caller.api_key
            && crate::db::api_keys::get(pool, &caller.company_id, key)
                .await?
                .is_none()
        {
            return Ok(false);
        }
        let found = match &caller.session {
            Some(s) => {
                crate::db::users::get_in_session(pool, &caller.company_id, &caller.id, s).await?
            }
            None => crate::db::users::get(pool, &caller.company_id, &caller.id).await?,
        };
        Ok(found.is_some())
    }

    /// Completes once the caller's credential stops working (checked every `every`): long
    /// answers (event streams) end with it.
    pub async fn revoked(self, caller: Caller, every: std::time::Duration) {
        loop {
            tokio::time::sleep(every).await;
            if let Ok(false) = self.still_valid(&caller).await {
                return;
            }
        }
    }
}
