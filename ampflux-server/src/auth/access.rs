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

use super::Caller;
use crate::db::projects::Project;
use crate::domain::{ProjectRole, Visibility};
use crate::error::{Error, Result};

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

impl Level {
    /// `read`, `write` or `manage`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::Manage => "manage",
        }
    }
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
pub fn level(user: &Caller, project: &Project, member_role: Option<ProjectRole>) -> Option<Level> {
    level_in(user, project.visibility, member_role)
}

/// As [`level`], for a project with `visibility`.
pub fn level_in(
    user: &Caller,
    visibility: Visibility,
    member_role: Option<ProjectRole>,
) -> Option<Level> {
    if user.is_admin() {
        return Some(Level::Manage);
    }
    match member_role {
        Some(ProjectRole::Owner) => Some(Level::Manage),
        Some(ProjectRole::Editor) => Some(Level::Write),
        Some(ProjectRole::Viewer) => Some(Level::Read),
        None if visibility == Visibility::Company => Some(Level::Read),
        None => None,
    }
}

impl ProjectAccess {
    /// Forbidden unless the caller's level reaches `needed`.
    pub fn require(&self, needed: Level, action: &str) -> Result<()> {
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
        Err(Error::forbidden(format!(
            "{action} needs {needs}; you have {standing}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::ids::{CompanyId, ProjectId, UserId};

    fn project(visibility: Visibility) -> Project {
        Project {
            id: ProjectId::new(),
            company_id: CompanyId::new(),
            owner_id: UserId::new(),
            name: "n".into(),
            description: String::new(),
            visibility,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn user(role: Role) -> Caller {
        Caller {
            id: UserId::new(),
            company_id: CompanyId::new(),
            role,
            session: None,
            api_key: None,
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
