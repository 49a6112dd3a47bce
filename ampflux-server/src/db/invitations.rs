//! Invitations to join a company.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::enum_col;
use crate::domain::Role;
use crate::ids::{CompanyId, InvitationId, UserId};

/// An open or accepted invitation.
#[derive(Clone, Debug)]
pub struct Invitation {
    /// Id.
    pub id: InvitationId,
    /// Company joined by accepting it.
    pub company_id: CompanyId,
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

/// A new invitation, as stored: the token only as its hash.
#[derive(Clone, Debug)]
pub struct NewInvitation<'a> {
    /// Id.
    pub id: &'a InvitationId,
    /// The inviting company.
    pub company_id: &'a CompanyId,
    /// Email invited.
    pub email: &'a str,
    /// Role granted.
    pub role: Role,
    /// SHA-256 of the token.
    pub token_hash: &'a str,
    /// The company_admin who invited.
    pub created_by: &'a UserId,
    /// Creation (ms).
    pub created_at: i64,
    /// Expiry (ms).
    pub expires_at: i64,
}

/// Stores an invitation.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    inv: &NewInvitation<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invitations (id, company_id, email, role, token_hash, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(inv.id)
    .bind(inv.company_id)
    .bind(inv.email)
    .bind(inv.role.as_str())
    .bind(inv.token_hash)
    .bind(inv.created_by)
    .bind(inv.created_at)
    .bind(inv.expires_at)
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
    company: &CompanyId,
    id: &InvitationId,
    user: &UserId,
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
