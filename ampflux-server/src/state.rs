//! The shared state of the server: configuration, connections, and the services built on
//! them. Handlers and extractors take the part they need through `FromRef` (a service, the
//! authenticator, the rate limiter), never the whole state.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::FromRef;
use metrics_exporter_prometheus::PrometheusHandle;
use redis::aio::ConnectionManager;
use tokio::sync::Notify;

use crate::ai::Provider;
use crate::ai::assistant::{Assistant, AssistantParts};
use crate::ai::cache::AnswerCache;
use crate::ai::provider::OpenAiCompatible;
use crate::auth::Authenticator;
use crate::auth::password::Hasher;
use crate::auth::tokens::TokenKeys;
use crate::config::{Config, Features, QueueBackend};
use crate::db::Db;
use crate::jobs::events::Events;
use crate::jobs::{DbQueue, Queue, RedisQueue};
use crate::mail::Mailer;
use crate::peer::ClientAddress;
use crate::ratelimit::{RateLimiter, RateStore};
use crate::routes::health::Probe;
use crate::services::accounts::{AccountSettings, Accounts};
use crate::services::api_keys::ApiKeys;
use crate::services::audit::AuditLog;
use crate::services::cache_hits::Durability;
use crate::services::circuits::Circuits;
use crate::services::licenses::Licenses;
use crate::services::notifications::Notifier;
use crate::services::operator::Operator;
use crate::services::projects::Projects;
use crate::services::simulations::{SimulationDeps, Simulations};
use crate::services::users::Users;

/// The services, built once over the connections.
#[derive(Clone)]
pub struct Services {
    /// Accounts and sessions.
    pub accounts: Accounts,
    /// Users and invitations.
    pub users: Users,
    /// API keys.
    pub api_keys: ApiKeys,
    /// Projects and members.
    pub projects: Projects,
    /// Circuit versions.
    pub circuits: Circuits,
    /// Simulations.
    pub simulations: Simulations,
    /// Licenses.
    pub licenses: Licenses,
    /// The audit log.
    pub audit: AuditLog,
    /// The AI assistant.
    pub assistant: Assistant,
    /// The operator's operations.
    pub operator: Operator,
}

/// Everything the server shares between requests.
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
    /// The services.
    pub services: Services,
    /// Mails the requesters of finished simulations (used by the in-process worker).
    pub notifier: Notifier,
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
    /// The mail sender or the password hasher cannot be built.
    #[error("{0}")]
    Setup(String),
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
        let tokens = Arc::new(
            TokenKeys::new(&config.secret_key, config.access_token_ttl.as_secs() as i64)
                .map_err(|e| StartError::Secret(e.to_string()))?,
        );
        let events = Events::default();
        let job_wake = Arc::new(Notify::new());
        let hasher = Hasher::new(config.password_hashing).map_err(StartError::Setup)?;
        let mailer = Mailer::new(&config.mail).map_err(StartError::Setup)?;
        let notifier = Notifier::new(db.clone(), mailer.clone(), config.mail.notify_min_compute);
        let services = services(
            &config,
            &db,
            Connections {
                hasher,
                mailer,
                tokens: tokens.clone(),
                queue: queue.clone(),
                rate_store: rate_store.clone(),
                events: events.clone(),
                job_wake: job_wake.clone(),
                ai: ai.clone(),
                ai_cache: ai_cache.clone(),
            },
        );
        Ok(AppState {
            tokens,
            config: Arc::new(config),
            db,
            redis,
            queue,
            rate_store,
            metrics: crate::telemetry::metrics_handle(),
            events,
            job_wake,
            ai,
            ai_cache,
            started: Instant::now(),
            services,
            notifier,
        })
    }
}

/// What the services are built on besides the configuration and the database.
struct Connections {
    hasher: Hasher,
    mailer: Mailer,
    tokens: Arc<TokenKeys>,
    queue: Queue,
    rate_store: RateStore,
    events: Events,
    job_wake: Arc<Notify>,
    ai: Option<Arc<dyn Provider>>,
    ai_cache: AnswerCache,
}

fn services(config: &Config, db: &Db, c: Connections) -> Services {
    let projects = Projects::new(db.clone());
    let circuits = Circuits::new(db.clone(), projects.clone());
    let simulations = Simulations::new(
        db.clone(),
        SimulationDeps {
            circuits: circuits.clone(),
            queue: c.queue,
            events: c.events,
            wake: c.job_wake,
            features: config.features,
            poll: config.events_interval,
            cache_hits: match config.durable_cache_hits {
                true => Durability::Flushed,
                false => Durability::Relaxed,
            },
        },
    );
    let accounts = Accounts::new(
        db.clone(),
        AccountSettings {
            tokens: c.tokens,
            hasher: c.hasher.clone(),
            refresh_ttl: config.refresh_token_ttl,
            reset_ttl: config.password_reset_ttl,
            open_registration: config.features.open_registration,
            limits: config.rate_limit,
            attempts: c.rate_store,
            mailer: c.mailer.clone(),
        },
    );
    let assistant = Assistant::new(
        db.clone(),
        AssistantParts {
            provider: c.ai,
            cache: c.ai_cache,
            config: config.ai.clone(),
            request_timeout: config.request_timeout,
            enabled: config.features.ai_assistant,
            circuits: circuits.clone(),
            simulations: simulations.clone(),
        },
    );
    Services {
        accounts,
        users: Users::new(db.clone(), c.hasher, c.mailer, config.invitation_ttl),
        api_keys: ApiKeys::new(db.clone()),
        projects,
        circuits,
        simulations,
        licenses: Licenses::new(db.clone(), config.features),
        audit: AuditLog::new(db.clone()),
        assistant,
        operator: Operator::new(db.clone(), config.operator_token.as_deref()),
    }
}

macro_rules! sub_state {
    ($($ty:ty => |$s:ident| $e:expr;)+) => {$(
        impl FromRef<AppState> for $ty {
            fn from_ref($s: &AppState) -> $ty {
                $e
            }
        }
    )+};
}

sub_state! {
    Accounts => |s| s.services.accounts.clone();
    Users => |s| s.services.users.clone();
    ApiKeys => |s| s.services.api_keys.clone();
    Projects => |s| s.services.projects.clone();
    Circuits => |s| s.services.circuits.clone();
    Simulations => |s| s.services.simulations.clone();
    Licenses => |s| s.services.licenses.clone();
    AuditLog => |s| s.services.audit.clone();
    Assistant => |s| s.services.assistant.clone();
    Operator => |s| s.services.operator.clone();
    Features => |s| s.config.features;
    Authenticator => |s| Authenticator::new(s.db.clone(), s.tokens.clone());
    ClientAddress => |s| ClientAddress {
        trust_forwarded_for: s.config.rate_limit.trust_forwarded_for,
    };
    RateLimiter => |s| RateLimiter {
        store: s.rate_store.clone(),
        config: s.config.rate_limit,
        tokens: s.tokens.clone(),
    };
    Probe => |s| Probe {
        db: s.db.clone(),
        redis: s.redis.clone(),
        queue: s.queue.clone(),
        in_process_worker: s.config.jobs.in_process_worker,
        ai_provider: s.services.assistant.status(),
        features: s.config.features,
        started: s.started,
        metrics: s.metrics.clone(),
    };
}
