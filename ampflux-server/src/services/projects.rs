//! Projects of a company, who may do what in them, and their members.

use serde_json::json;

use super::audit::{self, Event};
use super::{Actor, Listed, input, licenses};
use crate::auth::Caller;
use crate::auth::access::{self, Level, ProjectAccess};
use crate::clock::now_ms;
use crate::db::projects::{Project, ProjectForUser};
use crate::db::{self, Db, Page, members::Member};
use crate::domain::{ProjectRole, Visibility};
use crate::error::{Error, Result};
use crate::ids::{ProjectId, UserId};

/// A new project.
#[derive(Clone, Debug)]
pub struct NewProject {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `company` (default) or `members`.
    pub visibility: Option<Visibility>,
}

/// Changes to a project; absent fields stay.
#[derive(Clone, Debug, Default)]
pub struct ProjectChanges {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Visibility (owner or company_admin only).
    pub visibility: Option<Visibility>,
}

/// The projects.
#[derive(Clone)]
pub struct Projects {
    db: Db,
}

impl Projects {
    /// The projects in `db`.
    pub fn new(db: Db) -> Projects {
        Projects { db }
    }

    /// Project `id` as the caller sees it: not found when it does not exist, belongs to
    /// another company or is hidden from the caller.
    pub async fn access(&self, caller: &Caller, id: &str) -> Result<ProjectAccess> {
        let id = ProjectId::parse(id).ok_or(Error::NotFound("project"))?;
        self.access_id(caller, &id).await
    }

    /// As [`Projects::access`], for a typed id.
    pub async fn access_id(&self, caller: &Caller, id: &ProjectId) -> Result<ProjectAccess> {
        let found = db::projects::get_for_user(&self.db.pool, &caller.company_id, &caller.id, id)
            .await?
            .ok_or(Error::NotFound("project"))?;
        Projects::access_of(caller, found)
    }

    /// The caller's access to `found`, a project of the caller's company read with the
    /// caller's membership (not found when it is hidden from the caller).
    pub fn access_of(caller: &Caller, found: ProjectForUser) -> Result<ProjectAccess> {
        let level = access::level(caller, &found.project, found.member_role)
            .ok_or(Error::NotFound("project"))?;
        Ok(ProjectAccess {
            project: found.project,
            member_role: found.member_role,
            level,
        })
    }

    /// One page of the projects the caller may read, most recently changed first.
    pub async fn list(&self, caller: &Caller, page: Page) -> Result<Listed<ProjectAccess>> {
        let pool = &self.db.pool;
        let all = caller.is_admin();
        let (company, user) = (&caller.company_id, &caller.id);
        let found = db::projects::list_for_user(pool, company, user, all, page).await?;
        let total = db::projects::count_for_user(pool, company, user, all).await?;
        let items = found
            .into_iter()
            .filter_map(|f| {
                let level = access::level(caller, &f.project, f.member_role)?;
                Some(ProjectAccess {
                    project: f.project,
                    member_role: f.member_role,
                    level,
                })
            })
            .collect();
        Ok(Listed { items, total })
    }

    /// Creates a project owned by the caller, within the plan's project limit.
    pub async fn create(&self, actor: &Actor, req: NewProject) -> Result<ProjectAccess> {
        let caller = &actor.caller;
        let now = now_ms();
        let project = Project {
            id: ProjectId::new(),
            company_id: caller.company_id.clone(),
            owner_id: caller.id.clone(),
            name: input::text("name", &req.name, 200)?,
            description: input::optional_text(
                "description",
                req.description.as_deref().unwrap_or(""),
                5000,
            )?,
            visibility: req.visibility.unwrap_or(Visibility::Company),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin_write().await?;
        db::licenses::lock(tx.conn(), &caller.company_id).await?;
        let license = licenses::active(tx.conn(), &caller.company_id).await?;
        let count = db::projects::count(tx.conn(), &caller.company_id).await?;
        licenses::within(
            &license,
            "projects",
            license.plan.limits().max_projects,
            count + 1,
        )?;
        db::projects::insert(tx.conn(), &project).await?;
        db::members::upsert(
            tx.conn(),
            &caller.company_id,
            &project.id,
            &caller.id,
            ProjectRole::Owner,
            now,
        )
        .await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "project.create",
                project_id: Some(&project.id),
                target: Some(project.id.as_str()),
                detail: json!({"name": project.name, "visibility": project.visibility}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ProjectAccess {
            project,
            member_role: Some(ProjectRole::Owner),
            level: Level::Manage,
        })
    }

    /// Changes name, description or visibility.
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        req: ProjectChanges,
    ) -> Result<ProjectAccess> {
        let a = self.access(&actor.caller, id).await?;
        a.require(Level::Write, "editing the project")?;
        if req.visibility.is_some_and(|v| v != a.project.visibility) {
            a.require(Level::Manage, "changing the visibility")?;
        }
        let mut p = a.project.clone();
        if let Some(name) = &req.name {
            p.name = input::text("name", name, 200)?;
        }
        if let Some(description) = &req.description {
            p.description = input::optional_text("description", description, 5000)?;
        }
        if let Some(v) = req.visibility {
            p.visibility = v;
        }
        p.updated_at = now_ms();
        let mut tx = self.db.begin_write().await?;
        db::projects::update(tx.conn(), &p).await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "project.update",
                project_id: Some(&p.id),
                target: Some(p.id.as_str()),
                detail: json!({"name": req.name, "description": req.description.is_some(), "visibility": req.visibility}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ProjectAccess { project: p, ..a })
    }

    /// Deletes the project with its circuits and simulations.
    pub async fn delete(&self, actor: &Actor, id: &str) -> Result<()> {
        let a = self.access(&actor.caller, id).await?;
        a.require(Level::Manage, "deleting the project")?;
        let mut tx = self.db.begin_write().await?;
        db::projects::delete(tx.conn(), &a.project.company_id, &a.project.id).await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "project.delete",
                project_id: Some(&a.project.id),
                target: Some(a.project.id.as_str()),
                detail: json!({"name": a.project.name}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The members of a project the caller may read.
    pub async fn members(&self, caller: &Caller, id: &str) -> Result<Vec<Member>> {
        let a = self.access(caller, id).await?;
        Ok(db::members::list(&self.db.pool, &caller.company_id, &a.project.id).await?)
    }

    /// Adds a user of the company to the project, or changes a member's role; returns the
    /// member and whether it is new.
    pub async fn add_member(
        &self,
        actor: &Actor,
        id: &str,
        user: &str,
        role: ProjectRole,
    ) -> Result<(Member, bool)> {
        let caller = &actor.caller;
        let a = self.access(caller, id).await?;
        a.require(Level::Manage, "managing members")?;
        let user = UserId::parse(user).ok_or(Error::NotFound("user"))?;
        let project = &a.project.id;
        let mut tx = self.db.begin_write().await?;
        let member = db::users::get(tx.conn(), &caller.company_id, &user)
            .await?
            .ok_or(Error::NotFound("user"))?;
        let before =
            db::members::role_of(tx.conn(), &caller.company_id, project, &member.id).await?;
        if before == Some(ProjectRole::Owner)
            && role != ProjectRole::Owner
            && db::members::owners(tx.conn(), &caller.company_id, project).await? <= 1
        {
            return Err(last_owner());
        }
        let now = now_ms();
        db::members::upsert(
            tx.conn(),
            &caller.company_id,
            project,
            &member.id,
            role,
            now,
        )
        .await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: if before.is_some() {
                    "member.update"
                } else {
                    "member.add"
                },
                project_id: Some(project),
                target: Some(member.id.as_str()),
                detail: json!({"role": role, "previous_role": before}),
            },
        )
        .await?;
        tx.commit().await?;
        let added = Member {
            user_id: member.id,
            name: member.name,
            email: member.email,
            role,
            created_at: now,
        };
        Ok((added, before.is_none()))
    }

    /// Removes a member (the last owner stays).
    pub async fn remove_member(&self, actor: &Actor, id: &str, user: Option<String>) -> Result<()> {
        let caller = &actor.caller;
        let a = self.access(caller, id).await?;
        a.require(Level::Manage, "managing members")?;
        let target = user.ok_or_else(|| {
            Error::invalid_field("user_id", "required", "name the member to remove")
        })?;
        let target = UserId::parse(&target).ok_or(Error::NotFound("member"))?;
        let project = &a.project.id;
        let mut tx = self.db.begin_write().await?;
        let role = db::members::role_of(tx.conn(), &caller.company_id, project, &target)
            .await?
            .ok_or(Error::NotFound("member"))?;
        if role == ProjectRole::Owner
            && db::members::owners(tx.conn(), &caller.company_id, project).await? <= 1
        {
            return Err(last_owner());
        }
        db::members::remove(tx.conn(), &caller.company_id, project, &target).await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "member.remove",
                project_id: Some(project),
                target: Some(target.as_str()),
                detail: json!({"role": role}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn last_owner() -> Error {
    Error::Conflict {
        code: "last_owner",
        message: "a project keeps at least one owner; make someone else owner first".into(),
    }
}
