//! API keys of a company's users, stored as the SHA-256 of the key.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::enum_col;
use super::users::User;
use crate::domain::Role;
use crate::ids::{ApiKeyId, CompanyId, UserId};

/// An API key, without its secret.
#[derive(Clone, Debug)]
pub struct ApiKey {
    /// Id.
    pub id: ApiKeyId,
    /// Company.
    pub company_id: CompanyId,
    /// The user the key acts as.
    pub user_id: UserId,
    /// The name its creator gave it.
    pub name: String,
    /// The first characters of the key (`afk_` and 8 hex digits), to tell keys apart.
    pub prefix: String,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last authenticated request (ms), to the minute.
    pub last_used_at: Option<i64>,
}

impl FromRow<'_, AnyRow> for ApiKey {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(ApiKey {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            user_id: row.try_get("user_id")?,
            name: row.try_get("name")?,
            prefix: row.try_get("prefix")?,
            created_at: row.try_get("created_at")?,
            last_used_at: row.try_get("last_used_at")?,
        })
    }
}

const COLUMNS: &str = "id, company_id, user_id, name, prefix, created_at, last_used_at";

/// Inserts `key` with the digest of its secret.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    key: &ApiKey,
    key_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO api_keys (id, company_id, user_id, name, prefix, key_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&key.id)
    .bind(&key.company_id)
    .bind(&key.user_id)
    .bind(&key.name)
    .bind(&key.prefix)
    .bind(key_hash)
    .bind(key.created_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// The open keys of `company`, of `user` only when given, newest first.
pub async fn list<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    user: Option<&UserId>,
) -> Result<Vec<ApiKey>, sqlx::Error> {
    let user = user.map(UserId::as_str).unwrap_or("");
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM api_keys
         WHERE company_id = $1 AND ($2 = '' OR user_id = $2) AND revoked_at IS NULL
         ORDER BY created_at DESC, id LIMIT 1000"
    )))
    .bind(company)
    .bind(user)
    .fetch_all(ex)
    .await
}

/// The open key `id` of `company`.
pub async fn get<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &ApiKeyId,
) -> Result<Option<ApiKey>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM api_keys WHERE company_id = $1 AND id = $2 AND revoked_at IS NULL"
    )))
    .bind(company)
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Open keys of `user`.
pub async fn count_of_user<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    user: &UserId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM api_keys WHERE company_id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(company)
    .bind(user)
    .fetch_one(ex)
    .await
}

/// Revokes the key; returns whether it was open.
pub async fn revoke<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &ApiKeyId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE api_keys SET revoked_at = $3 WHERE company_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(company)
    .bind(id)
    .bind(now)
    .execute(ex)
    .await?
    .rows_affected()
        == 1)
}

/// The open key with digest `key_hash` and its user, if the user's account still exists
/// (one query per request made with a key; the lookup before the tenant is known).
pub async fn authenticate<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    key_hash: &str,
) -> Result<Option<(ApiKey, User)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT k.id, k.company_id, k.user_id, k.name, k.prefix, k.created_at, k.last_used_at,
                u.name AS user_name, u.email, u.role, u.created_at AS user_created_at
         FROM api_keys k JOIN users u ON u.id = k.user_id AND u.company_id = k.company_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.deleted_at IS NULL",
    )
    .bind(key_hash)
    .fetch_optional(ex)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let key = ApiKey::from_row(&row)?;
    let user = User {
        id: key.user_id.clone(),
        company_id: key.company_id.clone(),
        name: row.try_get("user_name")?,
        email: row.try_get("email")?,
        role: enum_col(&row, "role", Role::parse)?,
        created_at: row.try_get("user_created_at")?,
    };
    Ok(Some((key, user)))
}

/// Notes a use of the key, at most once a minute (the one write of an authenticated read).
pub async fn touch<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    id: &ApiKeyId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_keys SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(id)
    .bind(now)
    .bind(now - 60_000)
    .execute(ex)
    .await
    .map(|_| ())
}
