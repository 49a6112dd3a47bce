//! Sessions: one per login. Access tokens name their session; a revoked session ends them.

use sqlx::{Any, Executor};

use crate::ids::{CompanyId, SessionId, UserId};

/// Opens a session of `user`.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &SessionId,
    user: &UserId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id, company_id, user_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(company)
    .bind(user)
    .bind(now)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Ends a session and its refresh tokens; returns whether it was open.
pub async fn revoke(
    conn: &mut sqlx::AnyConnection,
    company: &CompanyId,
    id: &SessionId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $3 WHERE company_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(company)
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    super::refresh_tokens::revoke_family(&mut *conn, company, id, now).await?;
    Ok(ended)
}

/// Ends every session of `user` but `keep`, with their refresh tokens.
pub async fn revoke_all(
    conn: &mut sqlx::AnyConnection,
    company: &CompanyId,
    user: &UserId,
    keep: Option<&SessionId>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let keep = keep.map(SessionId::as_str).unwrap_or("");
    sqlx::query(
        "UPDATE sessions SET revoked_at = $4
         WHERE company_id = $1 AND user_id = $2 AND id <> $3 AND revoked_at IS NULL",
    )
    .bind(company)
    .bind(user)
    .bind(keep)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $4
         WHERE company_id = $1 AND user_id = $2 AND family_id <> $3 AND revoked_at IS NULL",
    )
    .bind(company)
    .bind(user)
    .bind(keep)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
