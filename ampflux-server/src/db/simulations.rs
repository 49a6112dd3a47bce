//! Simulations: requests of a study on one circuit version of a project.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, FromRow, Row};

use super::studies::{COLUMNS as STUDY_COLUMNS, Study};
use super::{Asker, Page};
use crate::domain::{ProjectRole, Role, Visibility};
use crate::ids::{CompanyId, ProjectId, SimulationId, StudyId, UserId};

/// A simulation with the study it asked for.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// Id.
    pub id: SimulationId,
    /// Project.
    pub project_id: ProjectId,
    /// Circuit version.
    pub circuit_version: i64,
    /// Who asked.
    pub requested_by: UserId,
    /// Whether the study was already known when it was asked for.
    pub cached: bool,
    /// Request time (ms).
    pub created_at: i64,
    /// The study.
    pub study: Study,
}

impl FromRow<'_, AnyRow> for Simulation {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Simulation {
            id: row.try_get("sim_id")?,
            project_id: row.try_get("project_id")?,
            circuit_version: row.try_get("circuit_version")?,
            requested_by: row.try_get("requested_by")?,
            cached: row.try_get::<i64, _>("cached")? != 0,
            created_at: row.try_get("sim_created_at")?,
            study: Study::from_row(row)?,
        })
    }
}

fn select(result: bool) -> String {
    select_with(result, "", "")
}

/// [`select`] with `more` columns (each preceded by `, `) from `joins`.
fn select_with(result: bool, more: &str, joins: &str) -> String {
    let columns = if result {
        STUDY_COLUMNS.to_string()
    } else {
        STUDY_COLUMNS.replace("s.result_json", "NULL AS result_json")
    };
    format!(
        "SELECT x.id AS sim_id, x.project_id, x.circuit_version, x.requested_by, x.cached,
                x.created_at AS sim_created_at, {columns}{more}
         FROM simulations x JOIN studies s ON s.id = x.study_id AND s.company_id = x.company_id{joins}"
    )
}

/// A new simulation.
#[derive(Clone, Copy, Debug)]
pub struct NewSimulation<'a> {
    /// Id.
    pub id: &'a SimulationId,
    /// Project.
    pub project: &'a ProjectId,
    /// Circuit version.
    pub version: i64,
    /// The study it asks for.
    pub study: &'a StudyId,
    /// Who asks.
    pub requested_by: &'a UserId,
    /// Whether the study was known already.
    pub cached: bool,
    /// Request time (ms).
    pub created_at: i64,
}

/// Inserts a simulation of `company`.
pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    s: NewSimulation<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO simulations (id, company_id, project_id, circuit_version, study_id, requested_by, cached, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(s.id)
    .bind(company)
    .bind(s.project)
    .bind(s.version)
    .bind(s.study)
    .bind(s.requested_by)
    .bind(i64::from(s.cached))
    .bind(s.created_at)
    .execute(ex)
    .await
    .map(|_| ())
}

/// A new simulation with owned fields, and its company (written in groups).
#[derive(Clone, Debug)]
pub struct OwnedSimulation {
    /// Company.
    pub company: CompanyId,
    /// Id.
    pub id: SimulationId,
    /// Project.
    pub project: ProjectId,
    /// Circuit version.
    pub version: i64,
    /// The study it asks for.
    pub study: StudyId,
    /// Who asks.
    pub requested_by: UserId,
    /// Whether the study was known already.
    pub cached: bool,
    /// Request time (ms).
    pub created_at: i64,
}

/// Inserts simulations (of any companies) in one statement.
pub async fn insert_many<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    sims: &[&OwnedSimulation],
) -> Result<(), sqlx::Error> {
    if sims.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO simulations (id, company_id, project_id, circuit_version, study_id, requested_by, cached, created_at)
         VALUES {}",
        super::placeholders(sims.len(), 8)
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for s in sims {
        q = q
            .bind(&s.id)
            .bind(&s.company)
            .bind(&s.project)
            .bind(s.version)
            .bind(&s.study)
            .bind(&s.requested_by)
            .bind(i64::from(s.cached))
            .bind(s.created_at);
    }
    q.execute(ex).await.map(|_| ())
}

/// Simulation `id` of `company`, with the result when `with_result`.
pub async fn get<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    id: &SimulationId,
    with_result: bool,
) -> Result<Option<Simulation>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE x.company_id = $1 AND x.id = $2",
        select(with_result)
    )))
    .bind(company)
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// A simulation with what decides whether its asker may read it.
#[derive(Clone, Debug)]
pub struct ForUser {
    /// The simulation.
    pub simulation: Simulation,
    /// Its project's visibility.
    pub visibility: Visibility,
    /// The asker's role in that project, if a member.
    pub member_role: Option<ProjectRole>,
    /// The asker's role in the company as the account has it now; `None`: the account is
    /// gone or the token's session ended.
    pub caller_role: Option<Role>,
}

/// Simulation `id` of the asker's company (with its study's result when `with_result`)
/// with what decides whether the asker may read it: its project's visibility, the asker's
/// role in that project, and the asker's account (and token session) as they are now. One
/// query, for the reads of a simulation and its result. `None`: no such simulation.
pub async fn get_for_user<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    who: Asker<'_>,
    id: &SimulationId,
    with_result: bool,
) -> Result<Option<ForUser>, sqlx::Error> {
    let caller = format!(
        ", (SELECT u.role FROM users u{}
            WHERE u.company_id = x.company_id AND u.id = $3 AND u.deleted_at IS NULL) AS caller_role",
        who.session_join(4)
    );
    let sql = format!(
        "{} WHERE x.company_id = $1 AND x.id = $2",
        select_with(
            with_result,
            &format!(", p.visibility AS project_visibility, m.role AS member_role{caller}"),
            " JOIN projects p ON p.id = x.project_id AND p.company_id = x.company_id
              LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $3",
        )
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(who.company)
        .bind(id)
        .bind(who.user);
    if let Some(s) = who.session {
        q = q.bind(s);
    }
    let Some(row) = q.fetch_optional(ex).await? else {
        return Ok(None);
    };
    let member_role: Option<String> = row.try_get("member_role")?;
    let caller_role: Option<String> = row.try_get("caller_role")?;
    Ok(Some(ForUser {
        simulation: Simulation::from_row(&row)?,
        visibility: super::enum_col(&row, "project_visibility", Visibility::parse)?,
        member_role: member_role.as_deref().and_then(ProjectRole::parse),
        caller_role: caller_role.as_deref().and_then(Role::parse),
    }))
}

/// The simulations of the project, newest first (without results).
pub async fn list<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
    page: Page,
) -> Result<Vec<Simulation>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} WHERE x.company_id = $1 AND x.project_id = $2 ORDER BY x.created_at DESC, x.id LIMIT $3 OFFSET $4",
        select(false)
    )))
    .bind(company)
    .bind(project)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(ex)
    .await
}

/// Number of simulations of the project.
pub async fn count<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    project: &ProjectId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM simulations WHERE company_id = $1 AND project_id = $2")
        .bind(company)
        .bind(project)
        .fetch_one(ex)
        .await
}

/// Who asked for a study: one row per simulation of the study, with its project's name and
/// the requester's account (deleted accounts left out).
#[derive(Clone, Debug)]
pub struct Requester {
    /// The simulation.
    pub simulation_id: SimulationId,
    /// Its project's name.
    pub project_name: String,
    /// The circuit version it studies.
    pub circuit_version: i64,
    /// The requester's email.
    pub email: String,
    /// The requester's name.
    pub name: String,
}

/// The requesters of study `study` (at most `limit`, oldest first).
pub async fn requesters<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    study: &StudyId,
    limit: i64,
) -> Result<Vec<Requester>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.circuit_version, p.name AS project_name, u.email, u.name
         FROM simulations s
         JOIN projects p ON p.id = s.project_id AND p.company_id = s.company_id
         JOIN users u ON u.id = s.requested_by AND u.company_id = s.company_id
         WHERE s.company_id = $1 AND s.study_id = $2 AND u.deleted_at IS NULL
         ORDER BY s.created_at, s.id LIMIT $3",
    )
    .bind(company)
    .bind(study)
    .bind(limit)
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Requester {
                simulation_id: r.try_get("id")?,
                project_name: r.try_get("project_name")?,
                circuit_version: r.try_get("circuit_version")?,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}
