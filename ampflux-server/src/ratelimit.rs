//! Rate limits per client address and per authenticated user: fixed one-minute windows,
//! counted in Redis when it is configured (shared by every instance) or in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use redis::aio::ConnectionManager;

use crate::auth::tokens::TokenKeys;
use crate::clock::now_ms;
use crate::config::RateLimitConfig;
use crate::error::Error;
use crate::peer::client_ip;

const WINDOW_MS: i64 = 60_000;
const MEMORY_KEYS_MAX: usize = 100_000;

/// Where the counters live.
#[derive(Clone)]
pub enum RateStore {
    /// This process only.
    Memory(Arc<Mutex<HashMap<String, (i64, u32)>>>),
    /// Redis: `<prefix>:rl:<key>:<window>`, expiring after the window.
    Redis(ConnectionManager, String),
}

/// The verdict on one request.
#[derive(Clone, Copy, Debug)]
pub struct Decision {
    /// Whether it may pass.
    pub allowed: bool,
    /// Requests left in the window.
    pub remaining: u32,
    /// Seconds until the window ends.
    pub reset_s: u64,
}

impl RateStore {
    /// Counts one request for `key` against `limit` per minute.
    pub async fn hit(&self, key: &str, limit: u32) -> Result<Decision, redis::RedisError> {
        let now = now_ms();
        let window = now / WINDOW_MS;
        let count = match self {
            RateStore::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
                if map.len() > MEMORY_KEYS_MAX {
                    map.retain(|_, (w, _)| *w == window);
                }
                let slot = map.entry(key.to_string()).or_insert((window, 0));
                if slot.0 != window {
                    *slot = (window, 0);
                }
                slot.1 = slot.1.saturating_add(1);
                slot.1
            }
            RateStore::Redis(conn, prefix) => {
                let redis_key = format!("{prefix}:rl:{key}:{window}");
                let (count, _): (u32, i64) = redis::pipe()
                    .incr(&redis_key, 1)
                    .expire(&redis_key, WINDOW_MS / 1000 + 1)
                    .query_async(&mut conn.clone())
                    .await?;
                count
            }
        };
        Ok(Decision {
            allowed: count <= limit,
            remaining: limit.saturating_sub(count),
            reset_s: ((window + 1) * WINDOW_MS - now).div_euclid(1000).max(1) as u64,
        })
    }

    /// The standing of `key` against `limit` without counting a request.
    pub async fn peek(&self, key: &str, limit: u32) -> Result<Decision, redis::RedisError> {
        let now = now_ms();
        let window = now / WINDOW_MS;
        let count: u32 = match self {
            RateStore::Memory(map) => {
                let map = map.lock().unwrap_or_else(|p| p.into_inner());
                map.get(key)
                    .filter(|(w, _)| *w == window)
                    .map_or(0, |(_, n)| *n)
            }
            RateStore::Redis(conn, prefix) => {
                let redis_key = format!("{prefix}:rl:{key}:{window}");
                let n: Option<u32> = redis::cmd("GET")
                    .arg(&redis_key)
                    .query_async(&mut conn.clone())
                    .await?;
                n.unwrap_or(0)
            }
        };
        Ok(Decision {
            allowed: count < limit,
            remaining: limit.saturating_sub(count),
            reset_s: ((window + 1) * WINDOW_MS - now).div_euclid(1000).max(1) as u64,
        })
    }
}

/// What the request limits need: the counters, the limits, and the token keys (requests
/// are also counted per user).
#[derive(Clone)]
pub struct RateLimiter {
    /// The counters.
    pub store: RateStore,
    /// The limits.
    pub config: RateLimitConfig,
    /// Keys of the access tokens.
    pub tokens: Arc<TokenKeys>,
}

/// Middleware: limits `/api/` requests per address and per user; answers 429 with
/// `Retry-After` past a limit. Fails open when Redis is unreachable.
pub async fn limit(State(limiter): State<RateLimiter>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let cfg = limiter.config;
    let mut checks: Vec<(String, u32)> = Vec::with_capacity(2);
    if cfg.per_ip_per_minute > 0 {
        let ip = client_ip(&req, cfg.trust_forwarded_for).unwrap_or_else(|| "unknown".into());
        checks.push((format!("ip:{ip}"), cfg.per_ip_per_minute));
    }
    let bearer = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if cfg.per_user_per_minute > 0
        && let Some(token) = bearer
    {
        if token.starts_with(crate::auth::tokens::API_KEY_PREFIX) {
            // per key (by digest: the counters never hold a key), checked before its lookup
            let digest = crate::auth::tokens::digest(token);
            checks.push((format!("key:{}", &digest[..32]), cfg.per_user_per_minute));
        } else if let Some(user) = limiter.tokens.verify(token) {
            checks.push((format!("user:{}", user.sub), cfg.per_user_per_minute));
        }
    }
    let mut tightest: Option<(Decision, u32)> = None;
    for (key, max) in checks {
        match limiter.store.hit(&key, max).await {
            Ok(d) if !d.allowed => {
                metrics::counter!("ampflux_rate_limited_total").increment(1);
                return Error::RateLimited {
                    retry_after_s: d.reset_s,
                }
                .into_response();
            }
            Ok(d) => {
                if tightest.is_none_or(|(t, _)| d.remaining < t.remaining) {
                    tightest = Some((d, max));
                }
            }
            Err(e) => tracing::warn!(error = %e, "rate limit store unavailable; request allowed"),
        }
    }
    let mut response = next.run(req).await;
    if let Some((d, max)) = tightest {
        let h = response.headers_mut();
        h.insert("x-ratelimit-limit", HeaderValue::from(max));
        h.insert("x-ratelimit-remaining", HeaderValue::from(d.remaining));
        h.insert("x-ratelimit-reset", HeaderValue::from(d.reset_s));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_store_counts_per_key() {
        let store = RateStore::Memory(Default::default());
        for _ in 0..3 {
            assert!(store.hit("a", 3).await.unwrap().allowed);
        }
        let fourth = store.hit("a", 3).await.unwrap();
        assert!(!fourth.allowed);
        assert!(fourth.reset_s >= 1 && fourth.reset_s <= 60);
        assert!(store.hit("b", 3).await.unwrap().allowed);
    }
}
