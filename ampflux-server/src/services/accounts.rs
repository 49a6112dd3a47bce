//! Accounts and sessions: registration (a new company, or joining one by invitation),
//! login, refresh (rotation with reuse detection), logout, password change and reset.
//!
//! An email is unique within a company only: a company learns nothing about the accounts of
//! others, and the same person may have an account in several companies (login finds the one
//! whose password matches). Guessing is slowed per (email, client address) on failed
//! attempts only, so wrong passwords sent from elsewhere never lock the owner out.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::audit::{self, Event, Origin};
use super::input;
use crate::auth::Caller;
use crate::auth::password::{self, Hasher};
use crate::auth::tokens::{self, TokenKeys};
use crate::clock::now_ms;
use crate::config::RateLimitConfig;
use crate::db::refresh_tokens::NewRefreshToken;
use crate::db::{self, Db, Tx, users::User};
use crate::domain::{Plan, Role};
use crate::error::{Error, Result};
use crate::ids::{CompanyId, RefreshTokenId, SessionId, UserId};
use crate::mail::{Mail, Mailer};
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
    /// Password hashing.
    pub hasher: Hasher,
    /// Lifetime of refresh tokens.
    pub refresh_ttl: Duration,
    /// Lifetime of password reset tokens.
    pub reset_ttl: Duration,
    /// Whether anyone may register a new company.
    pub open_registration: bool,
    /// Login and registration attempt limits.
    pub limits: RateLimitConfig,
    /// Counters of attempts.
    pub attempts: RateStore,
    /// Outgoing email (password resets).
    pub mailer: Mailer,
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

fn rate_limited(retry_after_s: u64) -> Error {
    metrics::counter!("ampflux_rate_limited_total").increment(1);
    Error::RateLimited { retry_after_s }
}

impl Accounts {
    /// The accounts in `db`.
    pub fn new(db: Db, settings: AccountSettings) -> Accounts {
        Accounts { db, settings }
    }

    /// The password hasher.
    pub fn hasher(&self) -> &Hasher {
        &self.settings.hasher
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
        let new_id = RefreshTokenId::new();
        let opened;
        let session = match session {
            Some(s) => s,
            None => {
                opened = SessionId::new();
                db::sessions::insert(tx.conn(), &user.company_id, &opened, &user.id, now).await?;
                &opened
            }
        };
        db::refresh_tokens::insert(
            tx.conn(),
            &user.company_id,
            NewRefreshToken {
                id: token_id.unwrap_or(&new_id),
                user: &user.id,
                family: session,
                token_hash: &tokens::digest(&refresh),
                created_at: now,
                expires_at: now + self.settings.refresh_ttl.as_millis() as i64,
            },
        )
        .await?;
        let keys = &self.settings.tokens;
        Ok(Session {
            access_token: keys.issue(&user.id, &user.company_id, session, user.role, now),
            refresh_token: refresh,
            expires_in: keys.ttl_s,
        })
    }

    /// Counts one attempt for `key` against `limit` per minute (0: no limit); rate limited
    /// past it. Fails open when Redis is unreachable, as the request limits do.
    async fn attempt(&self, key: &str, limit: u32) -> Result<()> {
        if limit == 0 {
            return Ok(());
        }
        match self.settings.attempts.hit(key, limit).await {
            Ok(d) if !d.allowed => Err(rate_limited(d.reset_s)),
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, "rate limit store unavailable; attempt allowed");
                Ok(())
            }
        }
    }

    /// Registers a new company and its first company_admin, or a user joining by
    /// invitation; logs them in. Everything that can refuse the registration is checked
    /// before the password is hashed.
    pub async fn register(&self, origin: &Origin, req: Registration) -> Result<Session> {
        let ip = origin.ip.as_deref().unwrap_or("unknown");
        self.attempt(
            &format!("register-ip:{ip}"),
            self.settings.limits.register_per_ip_per_minute,
        )
        .await?;
        let name = input::text("name", &req.name, 200)?;
        let email = input::email("email", &req.email)?;
        let company_name = match (&req.invitation, &req.company_name) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_field(
                    "invitation",
                    "conflicting_fields",
                    "give either `invitation` or `company_name`, not both",
                ));
            }
            (Some(_), None) => None,
            (None, company_name) => {
                if !self.settings.open_registration {
                    return Err(Error::Forbidden {
                        code: "feature_disabled",
                        message:
                            "registration of new companies is switched off; ask for an invitation"
                                .into(),
                    });
                }
                Some(input::text(
                    "company_name",
                    company_name.as_deref().unwrap_or(""),
                    200,
                )?)
            }
        };
        let context = [
            email.as_str(),
            name.as_str(),
            company_name.as_deref().unwrap_or(""),
        ];
        let password = password::check_strength("password", &req.password, &context)?;
        let now = now_ms();
        let invitation = match &req.invitation {
            None => None,
            Some(token) => {
                let found = db::invitations::find_by_token(&self.db.pool, &tokens::digest(token))
                    .await?
                    .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
                    .ok_or(Error::NotFound("invitation"))?;
                if found.email != email {
                    return Err(Error::invalid_field(
                        "email",
                        "invitation_email",
                        "must be the email the invitation was sent to",
                    ));
                }
                if db::users::email_in_company(&self.db.pool, &found.company_id, &email).await? {
                    return Err(email_taken());
                }
                Some(found)
            }
        };
        let hash = self.settings.hasher.hash(password).await?;

        let mut tx = self.db.begin_write().await?;
        let (user, action) = match (invitation, company_name) {
            (Some(invitation), _) => {
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
                let company = CompanyId::new();
                let company_name = company_name.unwrap_or_default();
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
                true => email_taken(),
                false => e.into(),
            })?;
        Ok(session)
    }

    /// Logs in with email and password (and the company, when the same email and password
    /// open accounts in several).
    pub async fn login(
        &self,
        origin: &Origin,
        email: &str,
        password: String,
        company: Option<&str>,
    ) -> Result<Session> {
        let email = email.trim().to_lowercase();
        let limits = self.settings.limits;
        let ip = origin.ip.as_deref().unwrap_or("unknown");
        // every attempt from one address counts (guessing over many accounts)
        self.attempt(&format!("login-ip:{ip}"), limits.login_per_ip_per_minute)
            .await?;
        // failed attempts on one email from one address: counted after the check, whether
        // or not the email has an account, so the limit tells nothing about which exist
        let failures = format!("login-fail:{}:{ip}", tokens::digest(&email));
        let max = limits.login_per_email_per_minute;
        if max > 0
            && let Ok(d) = self.settings.attempts.peek(&failures, max).await
            && d.remaining == 0
        {
            return Err(rate_limited(d.reset_s));
        }
        let accounts = db::users::find_for_login(&self.db.pool, &email).await?;
        let mut matched = Vec::new();
        if accounts.is_empty() {
            self.settings.hasher.verify_dummy(password.clone()).await?;
        }
        for (user, hash) in accounts {
            if self.settings.hasher.verify(password.clone(), hash).await? {
                matched.push(user);
            }
        }
        if let Some(c) = company {
            matched.retain(|u| u.company_id.as_str() == c);
        }
        let user = match matched.len() {
            1 => matched.remove(0),
            0 => {
                if max > 0 {
                    let _ = self.settings.attempts.hit(&failures, max).await;
                }
                return Err(bad_credentials());
            }
            _ => {
                return Err(Error::Conflict {
                    code: "company_required",
                    message: "this email and password open accounts in several companies; \
                              give `company_id` to choose one"
                        .into(),
                });
            }
        };
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

    /// Exchanges a refresh token for new tokens; a spent token coming back ends its session.
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
                db::sessions::revoke(tx.conn(), &company, &stored.family_id, now).await?;
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

    /// Ends the session of a refresh token, and its access tokens (nothing happens for an
    /// unknown token).
    pub async fn logout(&self, origin: &Origin, refresh_token: &str) -> Result<()> {
        let now = now_ms();
        let digest = tokens::digest(refresh_token.trim());
        if let Some(stored) = db::refresh_tokens::find(&self.db.pool, &digest).await? {
            let mut tx = self.db.begin_write().await?;
            let company = &stored.company_id;
            db::sessions::revoke(tx.conn(), company, &stored.family_id, now).await?;
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

    /// Changes the caller's password (the current one is needed); every other session of
    /// the account ends.
    pub async fn change_password(
        &self,
        caller: &Caller,
        origin: &Origin,
        current: String,
        new: &str,
    ) -> Result<()> {
        let user = db::users::get(&self.db.pool, &caller.company_id, &caller.id)
            .await?
            .ok_or_else(bad_credentials)?;
        let hash = db::users::password_hash(&self.db.pool, &caller.company_id, &caller.id)
            .await?
            .ok_or_else(bad_credentials)?;
        if !self.settings.hasher.verify(current, hash).await? {
            return Err(Error::Unauthenticated {
                code: "invalid_credentials",
                message: "the current password is wrong".into(),
            });
        }
        let new = password::check_strength("new_password", new, &[&user.email, &user.name])?;
        let hash = self.settings.hasher.hash(new).await?;
        let now = now_ms();
        let mut tx = self.db.begin_write().await?;
        db::users::set_password(tx.conn(), &caller.company_id, &caller.id, &hash).await?;
        db::sessions::revoke_all(
            tx.conn(),
            &caller.company_id,
            &caller.id,
            caller.session.as_ref(),
            now,
        )
        .await?;
        audit::record_as(
            tx.conn(),
            &caller.company_id,
            Some(&caller.id),
            origin,
            Event {
                action: "auth.password_change",
                project_id: None,
                target: Some(caller.id.as_str()),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends a reset link to every account with `email` (the answer is the same whether or
    /// not there is one; nothing is sent when email is not configured).
    pub async fn request_reset(&self, origin: &Origin, email: &str) -> Result<()> {
        let ip = origin.ip.as_deref().unwrap_or("unknown");
        self.attempt(
            &format!("reset-ip:{ip}"),
            self.settings.limits.login_per_ip_per_minute,
        )
        .await?;
        let Ok(email) = input::email("email", email) else {
            return Ok(());
        };
        let accounts = db::users::find_for_login(&self.db.pool, &email).await?;
        let mailer = &self.settings.mailer;
        for (user, _) in accounts {
            let token = self.reset_token(&user).await?;
            audit::record_as(
                &self.db.pool,
                &user.company_id,
                Some(&user.id),
                origin,
                Event {
                    action: "auth.password_reset_request",
                    project_id: None,
                    target: Some(user.id.as_str()),
                    detail: json!({"emailed": mailer.enabled()}),
                },
            )
            .await?;
            let company = db::companies::name(&self.db.pool, &user.company_id)
                .await?
                .unwrap_or_default();
            mailer.send(Mail {
                to: user.email.clone(),
                subject: "Reset your AmpFlux password".into(),
                body: format!(
                    "Hello {},\n\nsomeone asked to reset the password of your AmpFlux account at {company}.\n\
                     To choose a new password, open\n\n  {}/#/reset-password?token={token}\n\n\
                     or send the token to POST /api/v1/auth/password-reset/confirm.\n\
                     The link works once, for {} minutes. If it was not you, ignore this email:\n\
                     your password stays as it is.\n",
                    user.name,
                    mailer.public_url(),
                    self.settings.reset_ttl.as_secs() / 60
                ),
            });
        }
        Ok(())
    }

    /// A new reset token for `user` (stored as its hash).
    pub async fn reset_token(&self, user: &User) -> Result<String> {
        let token = tokens::opaque();
        let now = now_ms();
        let expires = now + self.settings.reset_ttl.as_millis() as i64;
        db::password_resets::insert(
            &self.db.pool,
            &user.company_id,
            &user.id,
            &tokens::digest(&token),
            now,
            expires,
        )
        .await?;
        Ok(token)
    }

    /// Sets a new password with a reset token (valid once); every session of the account
    /// ends.
    pub async fn confirm_reset(&self, origin: &Origin, token: &str, new: &str) -> Result<()> {
        let invalid = || Error::Unauthenticated {
            code: "invalid_reset_token",
            message: "the reset token is invalid, used or expired; ask for a new one".into(),
        };
        let digest = tokens::digest(token.trim());
        let now = now_ms();
        let pending = db::password_resets::find(&self.db.pool, &digest, now)
            .await?
            .ok_or_else(invalid)?;
        let user = db::users::get(&self.db.pool, &pending.0, &pending.1)
            .await?
            .ok_or_else(invalid)?;
        let new = password::check_strength("new_password", new, &[&user.email, &user.name])?;
        let hash = self.settings.hasher.hash(new).await?;
        let mut tx = self.db.begin_write().await?;
        if db::password_resets::spend(tx.conn(), &digest, now)
            .await?
            .is_none()
        {
            return Err(invalid());
        }
        db::users::set_password(tx.conn(), &user.company_id, &user.id, &hash).await?;
        db::sessions::revoke_all(tx.conn(), &user.company_id, &user.id, None, now).await?;
        audit::record_as(
            tx.conn(),
            &user.company_id,
            Some(&user.id),
            origin,
            Event {
                action: "auth.password_reset",
                project_id: None,
                target: Some(user.id.as_str()),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The one account with this email in the company is there already.
pub fn email_taken() -> Error {
    Error::Conflict {
        code: "email_taken",
        message: "this company already has an account with that email".into(),
    }
}
