//! Project members.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::enum_col;
use crate::domain::ProjectRole;
use crate::ids::{CompanyId, ProjectId, UserId};

/// A member of a project, with the user's name and email.
#[derive(Clone, Debug)]
pub struct Member {
    /// The user.
    pub user_id: UserId,
    /// The user's name.
    pub name: String,
    /// The user's email.
    pub email: String,
    /// Role in the project.
    pub role: ProjectRole,
    /// Since (ms).
    pub created_at: i64,
}

impl FromRow<'_, AnyRow> for Member {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Member {
            user_id: row.try_get("user_id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            role: enum_col(row, "role", ProjectRole::parse)?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// The members of project `project` of `company`.
pub async fn list<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.user_id, u.name, u.email, m.role, m.created_at
         FROM project_members m JOIN users u ON u.id = m.user_id AND u.company_id = m.company_id
         WHERE m.company_id = $1 AND m.project_id = $2 ORDER BY u.name, m.user_id",
    )
    .bind(company)
    .bind(project)
    .fetch_all(ex)
    .await
}

/// The role of `user` in `project`, if a member.
pub async fn role_of<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
    user: &UserId,
) -> Result<Option<ProjectRole>, sqlx::Error> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM project_members WHERE company_id = $1 AND project_id = $2 AND user_id = $3",
    )
    .bind(company)
    .bind(project)
    .bind(user)
    .fetch_optional(ex)
    .await?;
    Ok(role.as_deref().and_then(ProjectRole::parse))
}

/// Adds `user` to the project with `role`, or changes the role of a member.
pub async fn upsert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
    user: &UserId,
    role: ProjectRole,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO project_members (id, company_id, project_id, user_id, role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(company)
    .bind(project)
    .bind(user)
    .bind(role.as_str())
    .bind(now)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Removes `user` from the project; returns whether it was a member.
pub async fn remove<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
    user: &UserId,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "DELETE FROM project_members WHERE company_id = $1 AND project_id = $2 AND user_id = $3",
    )
    .bind(company)
    .bind(project)
    .bind(user)
    .execute(ex)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Number of owners of the project.
pub async fn owners<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM project_members WHERE company_id = $1 AND project_id = $2 AND role = 'owner'",
    )
    .bind(company)
    .bind(project)
    .fetch_one(ex)
    .await
}
