//! Who may do what in a project.
//!
//! | caller                              | read | edit circuits, simulate, rename | delete, members |
//! |-------------------------------------|------|---------------------------------|-----------------|
//! | company_admin                       | yes  | yes                             | yes             |
//! | owner                               | yes  | yes                             | yes             |
//! | editor                              | yes  | yes                             | 403             |
//! | viewer                              | yes  | 403                             | 403             |
//! | other user, visibility `company`    | yes  | 403                             | 403             |
//! | other user, visibility `members`    | 404  | 404                             | 404             |
//! | user of another company             | 404  | 404                             | 404             |

use super::CurrentUser;
use crate::db::projects::Project;
use crate::db::{self, Db};
use crate::domain::{ProjectRole, Visibility};
use crate::error::{ApiError, ApiResult};

/// What the caller may do in a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Read the project, its circuits and simulations.
    Read,
    /// Also save circuits, restore, run simulations, edit name and description.
    Write,
    /// Also delete the project and manage its members.
    Manage,
}

/// A project the caller may at least read, with the caller's standing in it.
#[derive(Clone, Debug)]
pub struct ProjectAccess {
    /// The project.
    pub project: Project,
    /// The caller's membership.
    pub member_role: Option<ProjectRole>,
    /// What the caller may do.
    pub level: Level,
}

/// The caller's level in a project, or `None` when the project is hidden from the caller.
pub fn level(
    user: &CurrentUser,
    project: &Project,
    member_role: Option<ProjectRole>,
) -> Option<Level> {
    if user.is_admin() {
        return Some(Level::Manage);
    }
    match member_role {
        Some(ProjectRole::Owner) => Some(Level::Manage),
        Some(ProjectRole::Editor) => Some(Level::Write),
        Some(ProjectRole::Viewer) => Some(Level::Read),
        None if project.visibility == Visibility::Company => Some(Level::Read),
        None => None,
    }
}

/// Project `id` as the caller sees it: 404 when it does not exist, belongs to another
/// company or is hidden from the caller.
pub async fn project(db: &Db, user: &CurrentUser, id: &str) -> ApiResult<ProjectAccess> {
    if !db::is_id(id) {
        return Err(ApiError::NotFound("project"));
    }
    let found = db::projects::get_for_user(&db.pool, &user.company_id, &user.id, id)
        .await?
        .ok_or(ApiError::NotFound("project"))?;
    let level =
        level(user, &found.project, found.member_role).ok_or(ApiError::NotFound("project"))?;
    Ok(ProjectAccess {
        project: found.project,
        member_role: found.member_role,
        level,
    })
}

impl ProjectAccess {
    /// 403 unless the caller's level reaches `needed`.
    pub fn require(&self, needed: Level, action: &str) -> ApiResult<()> {
        if self.level >= needed {
            return Ok(());
        }
        let standing = match self.member_role {
            Some(role) => format!("your project role `{role}`"),
            None => "read access through the company".to_string(),
        };
        let needs = match needed {
            Level::Read => "membership",
            Level::Write => "the owner or editor role (or company_admin)",
            Level::Manage => "the owner role (or company_admin)",
        };
        Err(ApiError::forbidden(format!(
            "{action} needs {needs}; you have {standing}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn project(visibility: Visibility) -> Project {
        Project {
            id: "p".into(),
            company_id: "c".into(),
            owner_id: "o".into(),
            name: "n".into(),
            description: String::new(),
            visibility,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn user(role: Role) -> CurrentUser {
        CurrentUser {
            id: "u".into(),
            company_id: "c".into(),
            role,
        }
    }

    #[test]
    fn the_table_of_the_module_docs() {
        let open = project(Visibility::Company);
        let closed = project(Visibility::Members);
        let admin = user(Role::CompanyAdmin);
        let plain = user(Role::User);
        assert_eq!(level(&admin, &closed, None), Some(Level::Manage));
        assert_eq!(
            level(&plain, &closed, Some(ProjectRole::Owner)),
            Some(Level::Manage)
        );
        assert_eq!(
            level(&plain, &closed, Some(ProjectRole::Editor)),
            Some(Level::Write)
        );
        assert_eq!(
            level(&plain, &closed, Some(ProjectRole::Viewer)),
            Some(Level::Read)
        );
        assert_eq!(level(&plain, &open, None), Some(Level::Read));
        assert_eq!(level(&plain, &closed, None), None);
    }
}
