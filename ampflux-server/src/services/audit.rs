//! The audit log: one entry per write, in the transaction of the write, and the company
//! admin's view of it.

use serde_json::Value;
use sqlx::{Any, Executor};

use super::{Actor, Listed};
use crate::auth::Caller;
use crate::clock::now_ms;
use crate::db::audit::{Entry, Filter};
use crate::db::{self, Db, Page};
use crate::error::Result;
use crate::ids::{AuditId, CompanyId, ProjectId, UserId};

/// Where a request came from, for the audit log.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// Client address.
    pub ip: Option<String>,
    /// The `x-request-id` of the request.
    pub request_id: Option<String>,
}

/// What happened.
pub struct Event<'a> {
    /// `project.create`, `circuit.save`, ...
    pub action: &'a str,
    /// Project concerned.
    pub project_id: Option<&'a ProjectId>,
    /// Id of the resource written.
    pub target: Option<&'a str>,
    /// Details (a JSON object).
    pub detail: Value,
}

/// Appends `event` by `actor` to the audit log of the actor's company.
pub async fn record<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    actor: &Actor,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    record_as(
        ex,
        &actor.caller.company_id,
        Some(&actor.caller.id),
        &actor.origin,
        event,
    )
    .await
}

/// The entry `event` by `actor` makes, to write later with others
/// ([`crate::db::audit::insert_many`]).
pub fn entry(actor: &Actor, event: Event<'_>) -> Entry {
    Entry {
        id: AuditId::new(),
        user_id: Some(actor.caller.id.clone()),
        project_id: event.project_id.cloned(),
        action: event.action.to_string(),
        target: event.target.map(str::to_string),
        detail: event.detail,
        ip: actor.origin.ip.clone(),
        request_id: actor.origin.request_id.clone(),
        created_at: now_ms(),
    }
}

/// Appends `event` to the audit log of `company`, by `user` when known.
pub async fn record_as<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &CompanyId,
    user: Option<&UserId>,
    origin: &Origin,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    db::audit::insert(
        ex,
        company,
        &Entry {
            id: AuditId::new(),
            user_id: user.cloned(),
            project_id: event.project_id.cloned(),
            action: event.action.to_string(),
            target: event.target.map(str::to_string),
            detail: event.detail,
            ip: origin.ip.clone(),
            request_id: origin.request_id.clone(),
            created_at: now_ms(),
        },
    )
    .await
}

/// The company admin's view of the audit log.
#[derive(Clone)]
pub struct AuditLog {
    db: Db,
}

impl AuditLog {
    /// The log in `db`.
    pub fn new(db: Db) -> AuditLog {
        AuditLog { db }
    }

    /// One page of the caller's company's entries matching `filter`, newest first.
    pub async fn list(
        &self,
        caller: &Caller,
        filter: &Filter,
        page: Page,
    ) -> Result<Listed<Entry>> {
        caller.require_admin("reading the audit log")?;
        let items = db::audit::list(&self.db.pool, &caller.company_id, filter, page).await?;
        let total = db::audit::count(&self.db.pool, &caller.company_id, filter).await?;
        Ok(Listed { items, total })
    }
}
