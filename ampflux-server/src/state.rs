//! The shared state of the server: configuration, database, Redis, queue, token keys.

use std::sync::Arc;
use std::time::Instant;

use metrics_exporter_prometheus::PrometheusHandle;
use redis::aio::ConnectionManager;
use tokio::sync::Notify;

use crate::ai::Provider;
use crate::ai::cache::AnswerCache;
use crate::ai::provider::OpenAiCompatible;
use crate::auth::tokens::TokenKeys;
use crate::config::{Config, QueueBackend};
use crate::db::Db;
use crate::jobs::events::Events;
use crate::jobs::{DbQueue, Queue, RedisQueue};
use crate::ratelimit::RateStore;

/// Everything a handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Configuration.
    pub config: Arc<Config>,
    /// Database.
    pub db: Db,
    /// Redis, when configured.
    pub redis: Option<ConnectionManager>,
    /// The job queue.
    pub queue: Queue,
    /// Access token keys.
    pub tokens: Arc<TokenKeys>,
    /// Rate limit counters.
    pub rate_store: RateStore,
    /// Prometheus registry.
    pub metrics: PrometheusHandle,
    /// Change notices of studies.
    pub events: Events,
    /// Wakes the in-process worker when a job is enqueued.
    pub job_wake: Arc<Notify>,
    /// The AI provider (`None`: the assistant answers with the rule-based review).
    pub ai: Option<Arc<dyn Provider>>,
    /// The assistant's answer cache (Redis when configured, in process otherwise).
    pub ai_cache: AnswerCache,
    /// Start of the process.
    pub started: Instant,
}

/// Failure to build the state.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The database is unreachable.
    #[error("database {url}: {source}")]
    Database {
        /// URL without password.
        url: String,
        /// Cause.
        source: sqlx::Error,
    },
    /// Migrations failed.
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Redis is unreachable.
    #[error("redis {url}: {source}")]
    Redis {
        /// URL without password.
        url: String,
        /// Cause.
        source: redis::RedisError,
    },
    /// The token key cannot be made from the secret.
    #[error("AMPFLUX_SECRET_KEY: {0}")]
    Secret(String),
    /// The AI provider's HTTP client cannot be built.
    #[error("AI provider: {0}")]
    Ai(String),
    /// The listen address cannot be bound.
    #[error("listen on {addr}: {source}")]
    Bind {
        /// Address.
        addr: String,
        /// Cause.
        source: std::io::Error,
    },
}

/// Connects to the database (creating an SQLite file if needed) and applies migrations
/// when `migrate` is set.
pub async fn connect_db(config: &Config, migrate: bool) -> Result<Db, StartError> {
    let db = Db::connect(&config.database_url, config.database_max_connections)
        .await
        .map_err(|source| StartError::Database {
            url: crate::config::redact_url(&config.database_url),
            source,
        })?;
    if migrate {
        db.migrate().await?;
    }
    Ok(db)
}

/// Connects to Redis when configured.
pub async fn connect_redis(config: &Config) -> Result<Option<ConnectionManager>, StartError> {
    let Some(url) = &config.redis_url else {
        return Ok(None);
    };
    let fail = |source| StartError::Redis {
        url: crate::config::redact_url(url),
        source,
    };
    let client = redis::Client::open(url.as_str()).map_err(fail)?;
    ConnectionManager::new(client).await.map(Some).map_err(fail)
}

/// The queue the configuration asks for.
pub fn make_queue(config: &Config, db: &Db, redis: &Option<ConnectionManager>) -> Queue {
    match (config.jobs.backend, redis) {
        (QueueBackend::Redis, Some(conn)) => Queue::Redis(RedisQueue::new(
            conn.clone(),
            &config.redis_prefix,
            config.jobs.clone(),
        )),
        _ => Queue::Database(DbQueue::new(db.clone(), config.jobs.clone())),
    }
}

impl AppState {
    /// Connects everything the configuration names and migrates the database.
    pub async fn new(config: Config) -> Result<AppState, StartError> {
        let db = connect_db(&config, true).await?;
        let redis = connect_redis(&config).await?;
        let queue = make_queue(&config, &db, &redis);
        let rate_store = match &redis {
            Some(conn) => RateStore::Redis(conn.clone(), config.redis_prefix.clone()),
            None => RateStore::Memory(Default::default()),
        };
        let ai = OpenAiCompatible::new(&config.ai)
            .map_err(StartError::Ai)?
            .map(|p| Arc::new(p) as Arc<dyn Provider>);
        let ai_cache = AnswerCache::new(redis.as_ref(), &config.redis_prefix);
        Ok(AppState {
            tokens: Arc::new(
                TokenKeys::new(&config.secret_key, config.access_token_ttl.as_secs() as i64)
                    .map_err(|e| StartError::Secret(e.to_string()))?,
            ),
            config: Arc::new(config),
            db,
            redis,
            queue,
            rate_store,
            metrics: crate::telemetry::metrics_handle(),
            events: Events::default(),
            job_wake: Arc::new(Notify::new()),
            ai,
            ai_cache,
            started: Instant::now(),
        })
    }
}
