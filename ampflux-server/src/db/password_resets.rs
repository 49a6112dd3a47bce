//! Password reset tokens, stored as their SHA-256.

use sqlx::{Any, Executor, Row};

use crate::ids::{CompanyId, UserId};

/// Stores a reset token of `user`.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    user: &UserId,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO password_resets (id, company_id, user_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(company)
    .bind(user)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Spends the token with `token_hash` if it is unused and unexpired: the account it resets.
pub async fn spend<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
    now: i64,
) -> Result<Option<(CompanyId, UserId)>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE password_resets SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING company_id, user_id",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(ex)
    .await?;
    match row {
        Some(r) => Ok(Some((r.try_get("company_id")?, r.try_get("user_id")?))),
        None => Ok(None),
    }
}

/// The account of the unused, unexpired token with `token_hash`.
pub async fn find<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
    now: i64,
) -> Result<Option<(CompanyId, UserId)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT company_id, user_id FROM password_resets
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(ex)
    .await?;
    match row {
        Some(r) => Ok(Some((r.try_get("company_id")?, r.try_get("user_id")?))),
        None => Ok(None),
    }
}
