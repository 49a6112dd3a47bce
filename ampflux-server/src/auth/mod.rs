//! Authentication and authorization: passwords, tokens, the authenticated [`Caller`] and
//! the access rules of projects. No HTTP here: the extractors live in `extract`.

pub mod access;
pub mod password;
pub mod tokens;

use std::sync::Arc;

use crate::db::Db;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::ids::{CompanyId, UserId};
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
    /// account must still exist: a deleted user's tokens stop working at once, and the role
    /// is the one the account has now (a demotion takes effect without waiting for expiry).
    pub async fn caller(&self, token: &str) -> Result<Caller> {
        let claims = self.tokens.verify(token).ok_or(Error::Unauthenticated {
            code: "invalid_token",
            message: "the access token is invalid or expired; refresh it or log in again".into(),
        })?;
        let gone = || Error::Unauthenticated {
            code: "invalid_token",
            message: "the account of this access token no longer exists".into(),
        };
        let (Some(user), Some(company)) =
            (UserId::parse(&claims.sub), CompanyId::parse(&claims.cid))
        else {
            return Err(gone());
        };
        let user = crate::db::users::get(&self.db.pool, &company, &user)
            .await?
            .ok_or_else(gone)?;
        Ok(Caller {
            id: user.id,
            company_id: user.company_id,
            role: user.role,
        })
    }
}
