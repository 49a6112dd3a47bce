//! Invitations to join a company.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::enum_col;
use crate::domain::Role;

/// An open or accepted invitation.
#[derive(Clone, Debug)]
pub struct Invitation {
    /// Id.
    pub id: String,
    /// Company joined by accepting it.
    pub company_id: String,
    /// Email the invitation is for (the registration must use it).
    pub email: String,
    /// Role of the new user.
    pub role: Role,
    /// Expiry (ms).
    pub expires_at: i64,
    /// When it was accepted (ms).
    pub accepted_at: Option<i64>,
}

impl FromRow<'_, AnyRow> for Invitation {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Invitation {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            email: row.try_get("email")?,
            role: enum_col(row, "role", Role::parse)?,
            expires_at: row.try_get("expires_at")?,
            accepted_at: row.try_get("accepted_at")?,
        })
    }
}

/// Stores an invitation of `company` under the hash of its token.
#[allow(clippy::too_many_arguments)]
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &str,
    id: &str,
    email: &str,
    role: Role,
    token_hash: &str,
    created_by: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invitations (id, company_id, email, role, token_hash, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(company)
    .bind(email)
    .bind(role.as_str())
    .bind(token_hash)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// The invitation with the token hash `token_hash` (the token is the credential, so this
/// lookup comes before the tenant is known).
pub async fn find_by_token<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    token_hash: &str,
) -> Result<Option<Invitation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, company_id, email, role, expires_at, accepted_at FROM invitations WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(ex)
    .await
}

/// Marks the invitation accepted; false when it already was (two registrations raced).
pub async fn accept<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &str,
    id: &str,
    user: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE invitations SET accepted_at = $3, accepted_by = $4
         WHERE company_id = $1 AND id = $2 AND accepted_at IS NULL",
    )
    .bind(company)
    .bind(id)
    .bind(now)
    .bind(user)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}
