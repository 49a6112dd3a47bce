//! API keys for programs: a user makes a key for a script or a client library, which then
//! acts as that user (in the user's company, with the user's role of the moment) until it is
//! revoked or the user is deleted. The key is shown once; only its SHA-256 is stored (a key
//! is 256 random bits, so a fast digest suffices, unlike a password).
//!
//! Who may do what: every user lists and revokes their own keys; a company_admin lists and
//! revokes every key of the company (to end the keys of someone who left). A key cannot make
//! other keys: a leaked key must not outlive its revocation through keys it made.

use serde_json::json;

use super::Actor;
use super::audit::{self, Event};
use super::input;
use crate::auth::{Caller, tokens};
use crate::clock::now_ms;
use crate::db::api_keys::ApiKey;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::ids::ApiKeyId;

pub use crate::auth::tokens::API_KEY_PREFIX as KEY_PREFIX;

/// The most open keys of one user.
pub const MAX_KEYS_PER_USER: i64 = 50;

/// A key just made, with its secret (shown only in this answer).
#[derive(Clone, Debug)]
pub struct NewKey {
    /// The stored key.
    pub key: ApiKey,
    /// The whole key: `afk_` and 64 hex digits.
    pub secret: String,
}

/// The API keys.
#[derive(Clone)]
pub struct ApiKeys {
    db: Db,
}

impl ApiKeys {
    /// The keys in `db`.
    pub fn new(db: Db) -> ApiKeys {
        ApiKeys { db }
    }

    /// Makes a key named `name` that acts as the caller.
    pub async fn create(&self, actor: &Actor, name: &str) -> Result<NewKey> {
        let caller = &actor.caller;
        if caller.api_key.is_some() {
            return Err(Error::forbidden(
                "an API key cannot make API keys; log in with a password to make one",
            ));
        }
        let name = input::text("name", name, 100)?;
        let open =
            db::api_keys::count_of_user(&self.db.pool, &caller.company_id, &caller.id).await?;
        if open >= MAX_KEYS_PER_USER {
            return Err(Error::Conflict {
                code: "too_many_api_keys",
                message: format!(
                    "you have {open} API keys, the most one user may have; revoke one first"
                ),
            });
        }
        let secret = format!("{KEY_PREFIX}{}", tokens::opaque());
        let key = ApiKey {
            id: ApiKeyId::new(),
            company_id: caller.company_id.clone(),
            user_id: caller.id.clone(),
            name,
            prefix: secret[..KEY_PREFIX.len() + 8].to_string(),
            created_at: now_ms(),
            last_used_at: None,
        };
        let mut tx = self.db.begin_write().await?;
        db::api_keys::insert(tx.conn(), &key, &tokens::digest(&secret)).await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "api_key.create",
                project_id: None,
                target: Some(key.id.as_str()),
                detail: json!({"name": key.name, "prefix": key.prefix}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(NewKey { key, secret })
    }

    /// The open keys the caller may see: their own, or the company's for a company_admin.
    pub async fn list(&self, caller: &Caller) -> Result<Vec<ApiKey>> {
        let user = (!caller.is_admin()).then_some(&caller.id);
        Ok(db::api_keys::list(&self.db.pool, &caller.company_id, user).await?)
    }

    /// Revokes key `id` (the caller's own, or any of the company's for a company_admin);
    /// requests made with it answer 401 from now on.
    pub async fn revoke(&self, actor: &Actor, id: &str) -> Result<()> {
        let caller = &actor.caller;
        let not_found = || Error::NotFound("API key");
        let id = ApiKeyId::parse(id).ok_or_else(not_found)?;
        let key = db::api_keys::get(&self.db.pool, &caller.company_id, &id)
            .await?
            .filter(|k| caller.is_admin() || k.user_id == caller.id)
            .ok_or_else(not_found)?;
        let mut tx = self.db.begin_write().await?;
        if !db::api_keys::revoke(tx.conn(), &caller.company_id, &id, now_ms()).await? {
            return Err(not_found());
        }
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: "api_key.revoke",
                project_id: None,
                target: Some(key.id.as_str()),
                detail: json!({"name": key.name, "prefix": key.prefix, "user_id": key.user_id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
