//! Users of a company.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::{Page, enum_col};
use crate::domain::Role;
use crate::ids::{CompanyId, SessionId, UserId};

/// A user, without the password hash.
#[derive(Clone, Debug)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Company.
    pub company_id: CompanyId,
    /// Display name.
    pub name: String,
    /// Login email (unique).
    pub email: String,
    /// Role in the company.
    pub role: Role,
    /// Creation time (ms).
    pub created_at: i64,
}

impl FromRow<'_, AnyRow> for User {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(User {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            role: enum_col(row, "role", Role::parse)?,
            created_at: row.try_get("created_at")?,
        })
    }
}

const COLUMNS: &str = "id, company_id, name, email, role, created_at";

/// Inserts `user` (of its company) with its password hash.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    user: &User,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, company_id, name, email, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&user.id)
    .bind(&user.company_id)
    .bind(&user.name)
    .bind(&user.email)
    .bind(password_hash)
    .bind(user.role.as_str())
    .bind(user.created_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// The user `id` of `company`, unless deleted.
pub async fn get<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &UserId,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL"
    )))
    .bind(company)
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// The users of `company` by name, one page (deleted users are not listed).
pub async fn list<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    page: Page,
) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE company_id = $1 AND deleted_at IS NULL
         ORDER BY name, id LIMIT $2 OFFSET $3"
    )))
    .bind(company)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(ex)
    .await
}

/// Number of users of `company`, without deleted users.
pub async fn count<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE company_id = $1 AND deleted_at IS NULL")
        .bind(company)
        .fetch_one(ex)
        .await
}

/// The user `id` of `company` if its session `session` is open (one query per
/// authenticated request).
pub async fn get_in_session<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &UserId,
    session: &SessionId,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.company_id, u.name, u.email, u.role, u.created_at
         FROM users u JOIN sessions s ON s.user_id = u.id AND s.company_id = u.company_id
         WHERE u.company_id = $1 AND u.id = $2 AND u.deleted_at IS NULL
           AND s.id = $3 AND s.revoked_at IS NULL",
    )
    .bind(company)
    .bind(id)
    .bind(session)
    .fetch_optional(ex)
    .await
}

/// The accounts with login `email` and their password hashes, in whatever company: login
/// is the one lookup that comes before the tenant is known.
pub async fn find_for_login<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    email: &str,
) -> Result<Vec<(User, String)>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, password_hash FROM users WHERE email = $1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT 20"
    )))
    .bind(email)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|row| Ok((User::from_row(row)?, row.try_get("password_hash")?)))
        .collect()
}

/// Whether `company` has an account with login `email`.
pub async fn email_in_company<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    email: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE company_id = $1 AND email = $2")
            .bind(company)
            .bind(email)
            .fetch_one(ex)
            .await?;
    Ok(n > 0)
}

/// The password hash of user `id`.
pub async fn password_hash<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &UserId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT password_hash FROM users WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(company)
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Replaces the password hash of user `id`.
pub async fn set_password<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $3 WHERE company_id = $1 AND id = $2")
        .bind(company)
        .bind(id)
        .bind(hash)
        .execute(ex)
        .await
        .map(|_| ())
}

/// Number of company_admins of `company`, without deleted users.
pub async fn admins<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE company_id = $1 AND role = 'company_admin' AND deleted_at IS NULL",
    )
    .bind(company)
    .fetch_one(ex)
    .await
}

/// Deletes the user `id` of `company`: the row stays for the authorship of projects,
/// versions and simulations, but the account can no longer log in, refresh or use a token;
/// its email is released, its project memberships are removed and its refresh tokens
/// revoked. Returns whether there was such a user.
pub async fn delete(
    conn: &mut sqlx::AnyConnection,
    company: &CompanyId,
    id: &UserId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let gone = sqlx::query(
        "UPDATE users SET deleted_at = $3, email = $4, password_hash = '!'
         WHERE company_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(company)
    .bind(id)
    .bind(now)
    .bind(format!("deleted-{id}@deleted.invalid"))
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !gone {
        return Ok(false);
    }
    sqlx::query("DELETE FROM project_members WHERE company_id = $1 AND user_id = $2")
        .bind(company)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    super::sessions::revoke_all(conn, company, id, None, now).await?;
    Ok(true)
}
