//! Refresh tokens: stored as SHA-256 hashes, rotated on every use, grouped in families.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use crate::ids::{CompanyId, RefreshTokenId, SessionId, UserId};

/// A stored refresh token.
#[derive(Clone, Debug)]
pub struct RefreshToken {
    /// Id.
    pub id: RefreshTokenId,
    /// Company of the user.
    pub company_id: CompanyId,
    /// Owner.
    pub user_id: UserId,
    /// The chain of rotations started by one login: the session.
    pub family_id: SessionId,
    /// Expiry (ms).
    pub expires_at: i64,
    /// When it was exchanged for a new one (ms).
    pub used_at: Option<i64>,
    /// When its family was revoked (ms).
    pub revoked_at: Option<i64>,
}

impl FromRow<'_, AnyRow> for RefreshToken {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(RefreshToken {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            user_id: row.try_get("user_id")?,
            family_id: row.try_get("family_id")?,
            expires_at: row.try_get("expires_at")?,
            used_at: row.try_get("used_at")?,
            revoked_at: row.try_get("revoked_at")?,
        })
    }
}

/// A refresh token to store (only its hash).
#[derive(Clone, Copy, Debug)]
pub struct NewRefreshToken<'a> {
    /// Id.
    pub id: &'a RefreshTokenId,
    /// Owner.
    pub user: &'a UserId,
    /// Its session.
    pub family: &'a SessionId,
    /// SHA-256 of the token.
    pub token_hash: &'a str,
    /// Creation (ms).
    pub created_at: i64,
    /// Expiry (ms).
    pub expires_at: i64,
}

/// Stores a new refresh token of a user of `company`.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    t: NewRefreshToken<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (id, company_id, user_id, family_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.id)
    .bind(company)
    .bind(t.user)
    .bind(t.family)
    .bind(t.token_hash)
    .bind(t.created_at)
    .bind(t.expires_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// The token with hash `token_hash` (the token is the credential: the tenant comes from it).
pub async fn find<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
) -> Result<Option<RefreshToken>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, company_id, user_id, family_id, expires_at, used_at, revoked_at
         FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(ex)
    .await
}

/// Marks the token used, if it is still usable. Exactly one of several concurrent uses of
/// the same token gets `true`; the others see a reuse.
pub async fn mark_used<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &RefreshTokenId,
    replaced_by: &RefreshTokenId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $3, replaced_by = $4
         WHERE company_id = $1 AND id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3",
    )
    .bind(company)
    .bind(id)
    .bind(now)
    .bind(replaced_by)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every token of the family; returns how many were still unrevoked.
pub async fn revoke_family<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    family: &SessionId,
    now: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $3
         WHERE company_id = $1 AND family_id = $2 AND revoked_at IS NULL",
    )
    .bind(company)
    .bind(family)
    .bind(now)
    .execute(ex)
    .await
    .map(|r| r.rows_affected())
}
