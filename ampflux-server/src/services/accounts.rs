//! Accounts and sessions: registration (a new company, or joining one by invitation),
//! login, refresh (rotation with reuse detection) and logout.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::audit::{self, Event, Origin};
use super::input;
use crate::auth::password;
use crate::auth::tokens::{self, TokenKeys};
use crate::clock::now_ms;
use crate::config::RateLimitConfig;
use crate::db::refresh_tokens::NewRefreshToken;
use crate::db::{self, Db, Tx, users::User};
use crate::domain::{Plan, Role};
use crate::error::{Error, Result};
use crate::ids::{CompanyId, RefreshTokenId, SessionId, UserId};
use crate::ratelimit::RateStore;

/// Registration: a new company with its first company_admin, or, with `invitation`, a new
/// user of the inviting company.
#[derive(Clone, Debug)]
pub struct Registration {
    /// Name of the new company (without `invitation`).
    pub company_name: Option<String>,
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Invitation token (instead of `company_name`).
    pub invitation: Option<String>,
}

/// A new session's tokens.
#[derive(Clone, Debug)]
pub struct Session {
    /// JWT (HS256) for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque token for a refresh; valid once.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// What the accounts need besides the database.
#[derive(Clone)]
pub struct AccountSettings {
    /// Access token keys.
    pub tokens: Arc<TokenKeys>,
    /// Lifetime of refresh tokens.
    pub refresh_ttl: Duration,
    /// Whether anyone may register a new company.
    pub open_registration: bool,
    /// Login attempt limits.
    pub limits: RateLimitConfig,
    /// Counters of login attempts.
    pub attempts: RateStore,
}

/// The accounts.
#[derive(Clone)]
pub struct Accounts {
    db: Db,
    settings: AccountSettings,
}

fn bad_credentials() -> Error {
    Error::Unauthenticated {
        code: "invalid_credentials",
        message: "wrong email or password".into(),
    }
}

fn invalid_refresh() -> Error {
    Error::Unauthenticated {
        code: "invalid_refresh_token",
        message: "the refresh token is invalid, expired or revoked; log in again".into(),
    }
}

impl Accounts {
    /// The accounts in `db`.
    pub fn new(db: Db, settings: AccountSettings) -> Accounts {
        Accounts { db, settings }
    }

    /// Issues an access token and a refresh token of `session` (a new session when `None`),
    /// the refresh token with id `token_id` when given.
    async fn issue(
        &self,
        tx: &mut Tx,
        user: &User,
        session: Option<&SessionId>,
        token_id: Option<&RefreshTokenId>,
    ) -> Result<Session> {
        let now = now_ms();
        let refresh = tokens::opaque();
        let (new_session, new_id) = (SessionId::new(), RefreshTokenId::new());
        db::refresh_tokens::insert(
            tx.conn(),
            &user.company_id,
            NewRefreshToken {
                id: token_id.unwrap_or(&new_id),
                user: &user.id,
                family: session.unwrap_or(&new_session),
                token_hash: &tokens::digest(&refresh),
                created_at: now,
                expires_at: now + self.settings.refresh_ttl.as_millis() as i64,
            },
        )
        .await?;
        let keys = &self.settings.tokens;
        Ok(Session {
            access_token: keys.issue(&user.id, &user.company_id, user.role, now),
            refresh_token: refresh,
            expires_in: keys.ttl_s,
        })
    }

    /// Registers a new company and its first company_admin, or a user joining by
    /// invitation; logs them in.
    pub async fn register(&self, origin: &Origin, req: Registration) -> Result<Session> {
        let name = input::text("name", &req.name, 200)?;
        let email = input::email("email", &req.email)?;
        let password = input::password("password", &req.password)?;
        let hash = password::hash(password).await?;
        let now = now_ms();

        let mut tx = self.db.begin_write().await?;
        if db::users::email_exists(tx.conn(), &email).await? {
            return Err(Error::Conflict {
                code: "email_taken",
                message: format!("an account with email {email} exists; log in instead"),
            });
        }
        let (user, action) = match (&req.invitation, &req.company_name) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_field(
                    "invitation",
                    "conflicting_fields",
                    "give either `invitation` or `company_name`, not both",
                ));
            }
            (Some(token), None) => {
                let invitation = db::invitations::find_by_token(tx.conn(), &tokens::digest(token))
                    .await?
                    .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
                    .ok_or(Error::NotFound("invitation"))?;
                if invitation.email != email {
                    return Err(Error::invalid_field(
                        "email",
                        "invitation_email",
                        "must be the email the invitation was sent to",
                    ));
                }
                let user = User {
                    id: UserId::new(),
                    company_id: invitation.company_id.clone(),
                    name,
                    email,
                    role: invitation.role,
                    created_at: now,
                };
                db::users::insert(tx.conn(), &user, &hash).await?;
                let company = &user.company_id;
                if !db::invitations::accept(tx.conn(), company, &invitation.id, &user.id, now)
                    .await?
                {
                    return Err(Error::NotFound("invitation"));
                }
                (user, "user.join")
            }
            (None, company_name) => {
                if !self.settings.open_registration {
                    return Err(Error::Forbidden {
                        code: "feature_disabled",
                        message:
                            "registration of new companies is switched off; ask for an invitation"
                                .into(),
                    });
                }
                let company_name =
                    input::text("company_name", company_name.as_deref().unwrap_or(""), 200)?;
                let company = CompanyId::new();
                db::companies::insert(tx.conn(), &company, &company_name, now).await?;
                db::licenses::insert(tx.conn(), &company, Plan::Free, now).await?;
                let user = User {
                    id: UserId::new(),
                    company_id: company,
                    name,
                    email,
                    role: Role::CompanyAdmin,
                    created_at: now,
                };
                db::users::insert(tx.conn(), &user, &hash).await?;
                (user, "company.register")
            }
        };
        let session = self.issue(&mut tx, &user, None, None).await?;
        audit::record_as(
            tx.conn(),
            &user.company_id,
            Some(&user.id),
            origin,
            Event {
                action,
                project_id: None,
                target: Some(user.id.as_str()),
                detail: json!({"email": user.email, "role": user.role}),
            },
        )
        .await?;
        tx.commit()
            .await
            .map_err(|e| match db::is_unique_violation(&e) {
                true => Error::Conflict {
                    code: "email_taken",
                    message: "an account with this email exists; log in instead".into(),
                },
                false => e.into(),
            })?;
        Ok(session)
    }

    /// Counts one login attempt for `key` against `limit` per minute (0: no limit); rate
    /// limited past it. Fails open when Redis is unreachable, as the request limits do.
    async fn attempt(&self, key: &str, limit: u32) -> Result<()> {
        if limit == 0 {
            return Ok(());
        }
        match self.settings.attempts.hit(key, limit).await {
            Ok(d) if !d.allowed => {
                metrics::counter!("ampflux_rate_limited_total").increment(1);
                Err(Error::RateLimited {
                    retry_after_s: d.reset_s,
                })
            }
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, "rate limit store unavailable; attempt allowed");
                Ok(())
            }
        }
    }

    /// Logs in with email and password.
    pub async fn login(&self, origin: &Origin, email: &str, password: String) -> Result<Session> {
        let email = email.trim().to_lowercase();
        // password guessing: attempts are counted whether or not the email has an account, so
        // the limit tells nothing about which emails exist
        let limits = self.settings.limits;
        let ip = origin.ip.as_deref().unwrap_or("unknown");
        self.attempt(&format!("login-ip:{ip}"), limits.login_per_ip_per_minute)
            .await?;
        let email_key = format!("login-email:{}", tokens::digest(&email));
        self.attempt(&email_key, limits.login_per_email_per_minute)
            .await?;
        let Some((user, hash)) = db::users::find_for_login(&self.db.pool, &email).await? else {
            password::verify_dummy(password).await?;
            return Err(bad_credentials());
        };
        if !password::verify(password, hash).await? {
            audit::record_as(
                &self.db.pool,
                &user.company_id,
                Some(&user.id),
                origin,
                Event {
                    action: "auth.login_failed",
                    project_id: None,
                    target: Some(user.id.as_str()),
                    detail: json!({}),
                },
            )
            .await?;
            return Err(bad_credentials());
        }
        let mut tx = self.db.begin_write().await?;
        let session = self.issue(&mut tx, &user, None, None).await?;
        audit::record_as(
            tx.conn(),
            &user.company_id,
            Some(&user.id),
            origin,
            Event {
                action: "auth.login",
                project_id: None,
                target: Some(user.id.as_str()),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Exchanges a refresh token for new tokens; a spent token coming back revokes every
    /// token of its session.
    pub async fn refresh(&self, origin: &Origin, refresh_token: &str) -> Result<Session> {
        let now = now_ms();
        let stored = db::refresh_tokens::find(&self.db.pool, &tokens::digest(refresh_token.trim()))
            .await?
            .ok_or_else(invalid_refresh)?;
        let company = stored.company_id.clone();
        let mut tx = self.db.begin_write().await?;
        let next_id = RefreshTokenId::new();
        if !db::refresh_tokens::mark_used(tx.conn(), &company, &stored.id, &next_id, now).await? {
            let expired = stored.expires_at <= now;
            if stored.used_at.is_some() || stored.revoked_at.is_some() || !expired {
                // a spent or revoked token came back (or two requests raced with one token):
                // someone else may hold a copy of it
                let revoked =
                    db::refresh_tokens::revoke_family(tx.conn(), &company, &stored.family_id, now)
                        .await?;
                audit::record_as(
                    tx.conn(),
                    &company,
                    Some(&stored.user_id),
                    origin,
                    Event {
                        action: "auth.refresh_reuse",
                        project_id: None,
                        target: Some(stored.user_id.as_str()),
                        detail: json!({"family": stored.family_id, "revoked": revoked}),
                    },
                )
                .await?;
                tx.commit().await?;
                return Err(Error::Unauthenticated {
                    code: "refresh_token_reused",
                    message: "this refresh token was already used; every session of that login is revoked, log in again".into(),
                });
            }
            return Err(invalid_refresh());
        }
        let user = db::users::get(tx.conn(), &company, &stored.user_id)
            .await?
            .ok_or_else(invalid_refresh)?;
        let session = self
            .issue(&mut tx, &user, Some(&stored.family_id), Some(&next_id))
            .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Ends the session of a refresh token (nothing happens for an unknown token).
    pub async fn logout(&self, origin: &Origin, refresh_token: &str) -> Result<()> {
        let now = now_ms();
        let digest = tokens::digest(refresh_token.trim());
        if let Some(stored) = db::refresh_tokens::find(&self.db.pool, &digest).await? {
            let mut tx = self.db.begin_write().await?;
            let company = &stored.company_id;
            db::refresh_tokens::revoke_family(tx.conn(), company, &stored.family_id, now).await?;
            audit::record_as(
                tx.conn(),
                company,
                Some(&stored.user_id),
                origin,
                Event {
                    action: "auth.logout",
                    project_id: None,
                    target: Some(stored.user_id.as_str()),
                    detail: json!({}),
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
