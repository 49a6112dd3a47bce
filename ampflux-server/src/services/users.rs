//! The caller, the company's users (company_admin) and invitations.

use std::time::Duration;

use serde_json::json;

use super::audit::{self, Event};
use super::{Actor, Listed, input};
use crate::auth::password::{self, Hasher};
use crate::auth::{Caller, tokens};
use crate::clock::now_ms;
use crate::db::invitations::NewInvitation;
use crate::db::{self, Db, Page, users::User};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::ids::{InvitationId, UserId};
use crate::mail::{Mail, Mailer};

/// A user created by a company_admin.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Initial password.
    pub password: String,
    /// Role (default `user`).
    pub role: Option<Role>,
}

/// A new invitation; the token is shown once.
#[derive(Clone, Debug)]
pub struct Invited {
    /// Id.
    pub id: InvitationId,
    /// Email invited.
    pub email: String,
    /// Role granted.
    pub role: Role,
    /// The token to register with.
    pub token: String,
    /// Expiry (ms).
    pub expires_at: i64,
}

/// The users.
#[derive(Clone)]
pub struct Users {
    db: Db,
    hasher: Hasher,
    mailer: Mailer,
    invitation_ttl: Duration,
}

impl Users {
    /// The users in `db`; passwords hashed by `hasher`, invitations mailed by `mailer` and
    /// valid `invitation_ttl`.
    pub fn new(db: Db, hasher: Hasher, mailer: Mailer, invitation_ttl: Duration) -> Users {
        Users {
            db,
            hasher,
            mailer,
            invitation_ttl,
        }
    }

    /// The caller's account and company name.
    pub async fn me(&self, caller: &Caller) -> Result<(User, String)> {
        let found = db::users::get(&self.db.pool, &caller.company_id, &caller.id)
            .await?
            .ok_or(Error::Unauthenticated {
                code: "invalid_token",
                message: "the account of this token no longer exists".into(),
            })?;
        let company_name = db::companies::name(&self.db.pool, &caller.company_id)
            .await?
            .unwrap_or_default();
        Ok((found, company_name))
    }

    /// One page of the company's users (company_admin).
    pub async fn list(&self, caller: &Caller, page: Page) -> Result<Listed<User>> {
        caller.require_admin("listing the company's users")?;
        let items = db::users::list(&self.db.pool, &caller.company_id, page).await?;
        let total = db::users::count(&self.db.pool, &caller.company_id).await?;
        Ok(Listed { items, total })
    }

    /// Creates a user of the caller's company (company_admin). Only the company's own
    /// accounts can conflict with the email: other companies' are none of its business.
    pub async fn create(&self, actor: &Actor, req: NewUser) -> Result<User> {
        let caller = &actor.caller;
        caller.require_admin("creating users")?;
        let new = User {
            id: UserId::new(),
            company_id: caller.company_id.clone(),
            name: input::text("name", &req.name, 200)?,
            email: input::email("email", &req.email)?,
            role: req.role.unwrap_or(Role::User),
            created_at: now_ms(),
        };
        let context = [new.email.as_str(), new.name.as_str()];
        let password = password::check_strength("password", &req.password, &context)?;
        if db::users::email_in_company(&self.db.pool, &caller.company_id, &new.email).await? {
            return Err(super::accounts::email_taken());
        }
        let hash = self.hasher.hash(password).await?;
        let mut tx = self.db.begin_write().await?;
        db::users::insert(tx.conn(), &new, &hash).await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "user.create",
                project_id: None,
                target: Some(new.id.as_str()),
                detail: json!({"email": new.email, "role": new.role}),
            },
        )
        .await?;
        tx.commit()
            .await
            .map_err(|e| match db::is_unique_violation(&e) {
                true => super::accounts::email_taken(),
                false => e.into(),
            })?;
        Ok(new)
    }

    /// Deletes a user of the caller's company (company_admin; the last admin stays).
    pub async fn delete(&self, actor: &Actor, id: &str) -> Result<()> {
        let caller = &actor.caller;
        caller.require_admin("deleting users")?;
        let id = UserId::parse(id).ok_or(Error::NotFound("user"))?;
        let mut tx = self.db.begin_write().await?;
        let target = db::users::get(tx.conn(), &caller.company_id, &id)
            .await?
            .ok_or(Error::NotFound("user"))?;
        if target.role == Role::CompanyAdmin
            && db::users::admins(tx.conn(), &caller.company_id).await? <= 1
        {
            return Err(Error::Conflict {
                code: "last_admin",
                message:
                    "a company keeps at least one company_admin; make someone else company_admin first"
                        .into(),
            });
        }
        db::users::delete(tx.conn(), &caller.company_id, &id, now_ms()).await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "user.delete",
                project_id: None,
                target: Some(id.as_str()),
                detail: json!({"email": target.email, "role": target.role}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Invites someone to join the caller's company (company_admin).
    pub async fn invite(&self, actor: &Actor, email: &str, role: Option<Role>) -> Result<Invited> {
        let caller = &actor.caller;
        caller.require_admin("inviting users")?;
        let email = input::email("email", email)?;
        let role = role.unwrap_or(Role::User);
        let token = tokens::opaque();
        let now = now_ms();
        let expires_at = now + self.invitation_ttl.as_millis() as i64;
        let id = InvitationId::new();
        let mut tx = self.db.begin_write().await?;
        if db::users::email_in_company(tx.conn(), &caller.company_id, &email).await? {
            return Err(super::accounts::email_taken());
        }
        db::invitations::insert(
            tx.conn(),
            &NewInvitation {
                id: &id,
                company_id: &caller.company_id,
                email: &email,
                role,
                token_hash: &tokens::digest(&token),
                created_by: &caller.id,
                created_at: now,
                expires_at,
            },
        )
        .await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "user.invite",
                project_id: None,
                target: Some(id.as_str()),
                detail: json!({"email": email, "role": role}),
            },
        )
        .await?;
        tx.commit().await?;
        let company = db::companies::name(&self.db.pool, &caller.company_id)
            .await?
            .unwrap_or_default();
        self.mailer.send(Mail {
            to: email.clone(),
            subject: format!("You are invited to {company} on AmpFlux"),
            body: format!(
                "Hello,\n\nyou are invited to join {company} on AmpFlux as {role}.\n\
                 To create your account, open\n\n  {}/#/register?invitation={token}\n\n\
                 or register with POST /api/v1/auth/register and the invitation token.\n\
                 The invitation is valid until {} (UTC).\n",
                self.mailer.public_url(),
                crate::clock::rfc3339(expires_at)
            ),
        });
        Ok(Invited {
            id,
            email,
            role,
            token,
            expires_at,
        })
    }
}
