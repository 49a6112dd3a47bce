//! The answer cache: SHA-256 of (company, system message, project context, conversation,
//! prompt, model) to the answer, for `AI_CACHE_TTL_SECS` (1 h by default). In Redis when
//! the server has one (shared by every instance), in process otherwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use sha2::{Digest, Sha256};

use crate::auth::tokens;

/// Largest number of answers kept in process.
const MEMORY_ENTRIES: usize = 2_000;

/// Where answers are kept.
#[derive(Clone)]
pub enum AnswerCache {
    /// In this process.
    Memory(Arc<Mutex<HashMap<String, (Instant, String)>>>),
    /// In Redis, under `<prefix>:ai:<key>` with an expiry.
    Redis(ConnectionManager, String),
}

/// The parts of a cache key.
pub struct KeyParts<'a> {
    /// The caller's company (answers never cross tenants).
    pub company: &'a str,
    /// The system message.
    pub system: &'a str,
    /// The project context.
    pub context: &'a str,
    /// Earlier turns of the conversation (JSON).
    pub history: &'a str,
    /// The question.
    pub prompt: &'a str,
    /// The model (or `rule-based-review`).
    pub model: &'a str,
}

/// The cache key: SHA-256 (hex) of the parts, each length-prefixed so that no two
/// different part lists hash the same text.
pub fn key(parts: &KeyParts<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        parts.company,
        parts.system,
        parts.context,
        parts.history,
        parts.prompt,
        parts.model,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    tokens::hex(&h.finalize())
}

impl AnswerCache {
    /// Redis when the server has it, in process otherwise.
    pub fn new(redis: Option<&ConnectionManager>, prefix: &str) -> AnswerCache {
        match redis {
            Some(conn) => AnswerCache::Redis(conn.clone(), format!("{prefix}:ai:")),
            None => AnswerCache::Memory(Arc::default()),
        }
    }

    /// `redis` or `memory`.
    pub fn kind(&self) -> &'static str {
        match self {
            AnswerCache::Memory(_) => "memory",
            AnswerCache::Redis(..) => "redis",
        }
    }

    /// The answer stored under `key`, if it has not expired. A Redis failure is a miss.
    pub async fn get(&self, key: &str) -> Option<String> {
        match self {
            AnswerCache::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                match map.get(key) {
                    Some((until, value)) if *until > Instant::now() => Some(value.clone()),
                    Some(_) => {
                        map.remove(key);
                        None
                    }
                    None => None,
                }
            }
            AnswerCache::Redis(conn, prefix) => {
                let mut conn = conn.clone();
                match conn
                    .get::<_, Option<String>>(format!("{prefix}{key}"))
                    .await
                {
                    Ok(v) => v,
                    Err(e) => {
                        tracing::warn!(error = %e, "AI cache read failed");
                        None
                    }
                }
            }
        }
    }

    /// Stores `value` under `key` for `ttl`. A Redis failure is logged and ignored.
    pub async fn put(&self, key: &str, value: &str, ttl: Duration) {
        match self {
            AnswerCache::Memory(map) => {
                let now = Instant::now();
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                if map.len() >= MEMORY_ENTRIES {
                    map.retain(|_, (until, _)| *until > now);
                }
                if map.len() >= MEMORY_ENTRIES
                    && let Some(oldest) = map
                        .iter()
                        .min_by_key(|(_, (until, _))| *until)
                        .map(|(k, _)| k.clone())
                {
                    map.remove(&oldest);
                }
                map.insert(key.to_string(), (now + ttl, value.to_string()));
            }
            AnswerCache::Redis(conn, prefix) => {
                let mut conn = conn.clone();
                let r: Result<(), _> = conn
                    .set_ex(format!("{prefix}{key}"), value, ttl.as_secs().max(1))
                    .await;
                if let Err(e) = r {
                    tracing::warn!(error = %e, "AI cache write failed");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(prompt: &'a str, company: &'a str) -> KeyParts<'a> {
        KeyParts {
            company,
            system: "sys",
            context: "ctx",
            history: "[]",
            prompt,
            model: "m",
        }
    }

    #[test]
    fn keys_differ_by_every_part_and_by_boundaries() {
        let a = key(&parts("q", "c1"));
        assert_eq!(a, key(&parts("q", "c1")));
        assert_ne!(a, key(&parts("q2", "c1")));
        assert_ne!(a, key(&parts("q", "c2")));
        let mut shifted = parts("q", "c1");
        shifted.system = "sysc";
        shifted.context = "tx";
        assert_ne!(a, key(&shifted));
        assert_eq!(a.len(), 64);
    }

    #[tokio::test]
    async fn memory_entries_expire() {
        let cache = AnswerCache::new(None, "t");
        cache.put("k", "v", Duration::from_millis(50)).await;
        assert_eq!(cache.get("k").await.as_deref(), Some("v"));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(cache.get("k").await, None);
    }
}
