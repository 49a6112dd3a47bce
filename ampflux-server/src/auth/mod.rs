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

/// The claims of an access token whose signature and expiry are verified, but whose account
/// and session are not checked yet. Whoever holds one must check them before acting on the
/// caller's behalf, either with [`Credential::check`] or in its own first query (a hot
/// path saves a round trip: `db::circuits::request_lookup`), and refuse with
/// [`session_ended`] when they fail.
#[derive(Clone, Debug)]
pub struct TokenClaims {
    /// The token's user.
    pub user: UserId,
    /// The user's company.
    pub company: CompanyId,
    /// The login session the token belongs to.
    pub session: SessionId,
}

/// The credential of a request, checked as far as [`Authenticator::credential`] checks it.
#[derive(Clone, Debug)]
pub enum Credential {
    /// An access token; its account and session are still to be checked.
    Token(TokenClaims),
    /// A caller checked in full (an API key).
    Checked(Caller),
}

impl Credential {
    /// Who a read checking this credential in its own query is for: the caller's company
    /// and user, and the session still to be checked when the credential is an access token.
    pub fn asker(&self) -> crate::db::Asker<'_> {
        match self {
            Credential::Token(t) => crate::db::Asker {
                company: &t.company,
                user: &t.user,
                session: Some(&t.session),
            },
            Credential::Checked(c) => crate::db::Asker {
                company: &c.company_id,
                user: &c.id,
                session: None,
            },
        }
    }

    /// The caller, checking the credential on its own (one query for an access token).
    pub async fn check(&self, db: &Db) -> Result<Caller> {
        match self {
            Credential::Checked(caller) => Ok(caller.clone()),
            Credential::Token(claims) => check_claims(db, claims).await,
        }
    }

    /// `refusal`, unless the credential no longer works: then that (a dead credential is
    /// told so before anything else).
    pub async fn refuse(&self, db: &Db, refusal: Error) -> Error {
        match self.check(db).await {
            Ok(_) => refusal,
            Err(e) => e,
        }
    }

    /// The caller once the account is read with `role` (and, for an access token, its
    /// session found open).
    pub fn caller(&self, role: Role) -> Caller {
        match self {
            Credential::Token(t) => Caller {
                id: t.user.clone(),
                company_id: t.company.clone(),
                role,
                session: Some(t.session.clone()),
                api_key: None,
            },
            Credential::Checked(c) => Caller { role, ..c.clone() },
        }
    }
}

/// The caller of verified token claims, read from `db`: their account exists and their
/// session is open; otherwise [`session_ended`].
async fn check_claims(db: &Db, claims: &TokenClaims) -> Result<Caller> {
    let (company, user, session) = (&claims.company, &claims.user, &claims.session);
    let user = crate::db::users::get_in_session(&db.pool, company, user, session)
        .await?
        .ok_or_else(session_ended)?;
    Ok(Caller {
        id: user.id,
        company_id: user.company_id,
        role: user.role,
        session: Some(claims.session.clone()),
        api_key: None,
    })
}

/// The refusal of an access token whose session has ended or whose account is gone.
pub fn session_ended() -> Error {
    Error::Unauthenticated {
        code: "invalid_token",
        message: "the session of this access token has ended or its account no longer exists; log in again".into(),
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
        self.credential(token).await?.check(&self.db).await
    }

    /// The credential of `token`, checked as far as it can be without reading the account
    /// (access tokens: signature, expiry and claims) or in full (API keys, found by their
    /// digest). A service that reads the database anyway checks an access token's account
    /// and session in its own first query ([`TokenClaims`]).
    pub async fn credential(&self, token: &str) -> Result<Credential> {
        if token.starts_with(tokens::API_KEY_PREFIX) {
            return self.key_caller(token).await.map(Credential::Checked);
        }
        let claims = self.tokens.verify(token).ok_or(Error::Unauthenticated {
            code: "invalid_token",
            message: "the access token is invalid or expired; refresh it or log in again".into(),
        })?;
        let ids = (
            UserId::parse(&claims.sub),
            CompanyId::parse(&claims.cid),
            SessionId::parse(&claims.sid),
        );
        let (Some(user), Some(company), Some(session)) = ids else {
            return Err(Error::Unauthenticated {
                code: "invalid_token",
                message: "the account of this access token no longer exists".into(),
            });
        };
        Ok(Credential::Token(TokenClaims {
            user,
            company,
            session,
        }))
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
