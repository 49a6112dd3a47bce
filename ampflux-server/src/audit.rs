//! Recording the audit log: one entry per write, in the transaction of the write.

use serde_json::Value;
use sqlx::{Any, Executor};

use crate::auth::CurrentUser;
use crate::clock::now_ms;
use crate::db;
use crate::extract::RequestMeta;

/// What happened.
pub struct Event<'a> {
    /// `project.create`, `circuit.save`, ...
    pub action: &'a str,
    /// Project concerned.
    pub project_id: Option<&'a str>,
    /// Id of the resource written.
    pub target: Option<&'a str>,
    /// Details (a JSON object).
    pub detail: Value,
}

/// Appends `event` by `user` to the audit log of the user's company.
pub async fn record<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    user: &CurrentUser,
    meta: &RequestMeta,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    record_as(ex, &user.company_id, Some(&user.id), meta, event).await
}

/// Appends `event` to the audit log of `company`, by `actor` when known.
pub async fn record_as<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    company: &str,
    actor: Option<&str>,
    meta: &RequestMeta,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    db::audit::insert(
        ex,
        company,
        &db::audit::Entry {
            id: db::new_id(),
            user_id: actor.map(str::to_string),
            project_id: event.project_id.map(str::to_string),
            action: event.action.to_string(),
            target: event.target.map(str::to_string),
            detail: event.detail,
            ip: meta.ip.clone(),
            request_id: meta.request_id.clone(),
            created_at: now_ms(),
        },
    )
    .await
}
