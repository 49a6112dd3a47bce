//! Projects of a company.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::{Page, enum_col};
use crate::domain::{ProjectRole, Visibility};
use crate::ids::{CompanyId, ProjectId, UserId};

/// A project.
#[derive(Clone, Debug)]
pub struct Project {
    /// Id.
    pub id: ProjectId,
    /// Company.
    pub company_id: CompanyId,
    /// Creator.
    pub owner_id: UserId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Who besides members and admins may read it.
    pub visibility: Visibility,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last change, including new circuit versions (ms).
    pub updated_at: i64,
}

impl FromRow<'_, AnyRow> for Project {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Project {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            owner_id: row.try_get("owner_id")?,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            visibility: enum_col(row, "visibility", Visibility::parse)?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

/// A project with the role of the user who asked for it.
#[derive(Clone, Debug)]
pub struct ProjectForUser {
    /// The project.
    pub project: Project,
    /// The user's membership, if any.
    pub member_role: Option<ProjectRole>,
}

impl FromRow<'_, AnyRow> for ProjectForUser {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let role: Option<String> = row.try_get("member_role")?;
        Ok(ProjectForUser {
            project: Project::from_row(row)?,
            member_role: role.as_deref().and_then(ProjectRole::parse),
        })
    }
}

const SELECT_FOR_USER: &str =
    "SELECT p.id, p.company_id, p.owner_id, p.name, p.description, p.visibility,
            p.created_at, p.updated_at, m.role AS member_role
     FROM projects p
     LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2";

/// Inserts a project (of its company).
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    p: &Project,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO projects (id, company_id, owner_id, name, description, visibility, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&p.id)
    .bind(&p.company_id)
    .bind(&p.owner_id)
    .bind(&p.name)
    .bind(&p.description)
    .bind(p.visibility.as_str())
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Project `id` of `company` with the membership of `user`.
pub async fn get_for_user<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    user: &UserId,
    id: &ProjectId,
) -> Result<Option<ProjectForUser>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_FOR_USER} WHERE p.company_id = $1 AND p.id = $3"
    )))
    .bind(company)
    .bind(user)
    .bind(id)
    .fetch_optional(ex)
    .await
}

const VISIBLE: &str =
    "p.company_id = $1 AND ($3 = 1 OR p.visibility = 'company' OR m.role IS NOT NULL)";

/// The projects of `company` that `user` may read (all of them when `all` is set, for
/// company admins), most recently changed first.
pub async fn list_for_user<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    user: &UserId,
    all: bool,
    page: Page,
) -> Result<Vec<ProjectForUser>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT_FOR_USER} WHERE {VISIBLE} ORDER BY p.updated_at DESC, p.id LIMIT $4 OFFSET $5"
    )))
    .bind(company)
    .bind(user)
    .bind(i64::from(all))
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(ex)
    .await
}

/// How many projects [`list_for_user`] would list in all.
pub async fn count_for_user<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    user: &UserId,
    all: bool,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM projects p
         LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
         WHERE {VISIBLE}"
    )))
    .bind(company)
    .bind(user)
    .bind(i64::from(all))
    .fetch_one(ex)
    .await
}

/// Number of projects of `company` (for the plan limit).
pub async fn count<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM projects WHERE company_id = $1")
        .bind(company)
        .fetch_one(ex)
        .await
}

/// Writes name, description and visibility of the project.
pub async fn update<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    p: &Project,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE projects SET name = $3, description = $4, visibility = $5, updated_at = $6
         WHERE company_id = $1 AND id = $2",
    )
    .bind(&p.company_id)
    .bind(&p.id)
    .bind(&p.name)
    .bind(&p.description)
    .bind(p.visibility.as_str())
    .bind(p.updated_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// Sets the time of the last change.
pub async fn touch<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &ProjectId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET updated_at = $3 WHERE company_id = $1 AND id = $2")
        .bind(company)
        .bind(id)
        .bind(now)
        .execute(ex)
        .await
        .map(|_| ())
}

/// Deletes the project with its members, versions and simulations; then the network
/// documents and cached studies nothing refers to any more. Returns whether it existed.
pub async fn delete(
    conn: &mut sqlx::AnyConnection,
    company: &CompanyId,
    id: &ProjectId,
) -> Result<bool, sqlx::Error> {
    for sql in [
        "DELETE FROM simulations WHERE company_id = $1 AND project_id = $2",
        "DELETE FROM circuit_versions WHERE company_id = $1 AND project_id = $2",
        "DELETE FROM project_members WHERE company_id = $1 AND project_id = $2",
    ] {
        sqlx::query(sql)
            .bind(company)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let gone = sqlx::query("DELETE FROM projects WHERE company_id = $1 AND id = $2")
        .bind(company)
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    sqlx::query(
        "DELETE FROM circuit_blobs WHERE company_id = $1 AND NOT EXISTS
           (SELECT 1 FROM circuit_versions v WHERE v.company_id = circuit_blobs.company_id
              AND v.digest = circuit_blobs.digest)",
    )
    .bind(company)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM circuit_orders WHERE company_id = $1 AND NOT EXISTS
           (SELECT 1 FROM circuit_versions v WHERE v.company_id = circuit_orders.company_id
              AND v.order_digest = circuit_orders.digest)",
    )
    .bind(company)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM studies WHERE company_id = $1 AND status IN ('succeeded', 'failed', 'dead')
           AND NOT EXISTS (SELECT 1 FROM simulations s WHERE s.study_id = studies.id)",
    )
    .bind(company)
    .execute(&mut *conn)
    .await?;
    Ok(gone)
}
