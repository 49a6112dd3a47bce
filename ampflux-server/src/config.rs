//! Configuration: environment variables, then a `.env` file in the working directory, then
//! defaults. Every value is checked at start and every problem is reported at once.

use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Which queue carries simulation jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueBackend {
    /// The `jobs` table of the database (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
    Database,
    /// Redis (sorted sets with leases, moved atomically by Lua scripts).
    Redis,
}

impl QueueBackend {
    /// The name used in configuration and health reports.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueBackend::Database => "database",
            QueueBackend::Redis => "redis",
        }
    }
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (default).
    Json,
    /// Human-readable lines for a terminal.
    Pretty,
}

/// The optional features of the service (the seed's feature flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// `POST /api/v1/ai/ask` (the assistant of issue 8).
    pub ai_assistant: bool,
    /// Unbalanced faults, branch results and faults along lines (otherwise 3ph bus faults only).
    pub advanced_simulations: bool,
    /// Server-sent events with the progress of simulations.
    pub live_progress: bool,
    /// Registration of new companies (joining by invitation always works).
    pub open_registration: bool,
    /// A company_admin may change the company's plan with `PUT /api/v1/license` (off by
    /// default: plans are the operator's; for an installation whose one company runs it).
    pub self_service_license: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            ai_assistant: true,
            advanced_simulations: true,
            live_progress: true,
            open_registration: true,
            self_service_license: false,
        }
    }
}

impl Features {
    /// Every flag name with its value, for `/health/detailed`.
    pub fn list(&self) -> Vec<(&'static str, bool)> {
        vec![
            ("ai_assistant", self.ai_assistant),
            ("advanced_simulations", self.advanced_simulations),
            ("live_progress", self.live_progress),
            ("open_registration", self.open_registration),
            ("self_service_license", self.self_service_license),
        ]
    }

    fn set(&mut self, name: &str, on: bool) -> bool {
        let slot = match name {
            "ai_assistant" => &mut self.ai_assistant,
            "advanced_simulations" => &mut self.advanced_simulations,
            "live_progress" => &mut self.live_progress,
            "open_registration" => &mut self.open_registration,
            "self_service_license" => &mut self.self_service_license,
            _ => return false,
        };
        *slot = on;
        true
    }
}

/// Job queue and worker settings.
#[derive(Clone, Debug)]
pub struct JobsConfig {
    /// Which queue to use.
    pub backend: QueueBackend,
    /// How long a claimed job stays leased without a heartbeat before another worker may take it.
    pub lease: Duration,
    /// Attempts before a job goes to the dead-letter state.
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each further attempt.
    pub backoff_base: Duration,
    /// Upper bound of the retry delay.
    pub backoff_max: Duration,
    /// How often an idle worker looks for work.
    pub poll_interval: Duration,
    /// Jobs one worker process runs at a time.
    pub concurrency: usize,
    /// Whether `serve` also runs a worker in its own process.
    pub in_process_worker: bool,
}

/// The cost of password hashing (argon2id) and how many hashes may run at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordHashing {
    /// Memory of one hash in KiB (`m`; OWASP's and the crate's default 19456 = 19 MiB).
    pub memory_kib: u32,
    /// Passes over the memory (`t`, default 2).
    pub iterations: u32,
    /// Hashes (and verifications) running at once; the others wait their turn, so the
    /// memory they take is at most `memory_kib` times this.
    pub concurrency: usize,
}

/// Outgoing email (notifications, invitations, password resets); off without `smtp_url`.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, for a local relay), `smtp://...?tls=starttls` or
    /// `smtps://host:port` (TLS), with `user:password@` when the relay wants a login.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `AmpFlux <noreply@example.com>`.
    pub from: String,
    /// The address of the web client, for links in emails.
    pub public_url: String,
    /// Successful simulations computed faster than this are not mailed
    /// (`AMPFLUX_NOTIFY_MIN_COMPUTE_S`, default 30; 0 mails every one).
    pub notify_min_compute: Duration,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .field("notify_min_compute", &self.notify_min_compute)
            .finish()
    }
}

/// Request limits per minute; 0 switches a limit off.
#[derive(Clone, Copy, Debug)]
pub struct RateLimitConfig {
    /// Requests per minute from one client address.
    pub per_ip_per_minute: u32,
    /// Requests per minute from one authenticated user.
    pub per_user_per_minute: u32,
    /// Take the client address from `X-Forwarded-For` (behind a proxy): the last entry, the
    /// one the proxy itself appended (the ones before it are the client's to choose).
    pub trust_forwarded_for: bool,
    /// Failed logins per minute for one email from one client address (slows guessing on
    /// one account; other addresses, the owner's among them, are not affected).
    pub login_per_email_per_minute: u32,
    /// Login attempts per minute from one client address (against guessing over accounts).
    pub login_per_ip_per_minute: u32,
    /// Registrations per minute from one client address (each makes a company and hashes
    /// a password).
    pub register_per_ip_per_minute: u32,
}

/// Allowed browser origins for CORS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No cross-origin access (the web page is served from the same origin).
    None,
    /// Any origin (`*`), without credentials.
    Any,
    /// These origins only.
    List(Vec<String>),
}

/// The whole configuration of a server or worker process.
#[derive(Clone)]
pub struct Config {
    /// Listen address of `serve`.
    pub bind: SocketAddr,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// Largest number of pooled database connections.
    pub database_max_connections: u32,
    /// Whether a cache hit's records wait for the database's flush to disk on commit
    /// (PostgreSQL; `services::cache_hits::Durability`). On by default; off gives them the
    /// durability SQLite's `synchronous = NORMAL` gives every write.
    pub durable_cache_hits: bool,
    /// Redis for the queue, rate limits and the health report, when set.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key (several deployments or test runs can share one Redis).
    pub redis_prefix: String,
    /// HMAC key of the access tokens.
    pub secret_key: Vec<u8>,
    /// Whether `secret_key` was generated at start because none was configured.
    pub secret_generated: bool,
    /// Lifetime of access tokens.
    pub access_token_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_token_ttl: Duration,
    /// Lifetime of invitations.
    pub invitation_ttl: Duration,
    /// Lifetime of password reset tokens.
    pub password_reset_ttl: Duration,
    /// Password hashing cost and concurrency.
    pub password_hashing: PasswordHashing,
    /// The operator's credential (`AMPFLUX_OPERATOR_TOKEN`) for `/api/v1/admin/...`; `None`:
    /// plans are changed with `ampflux-server admin` only.
    pub operator_token: Option<String>,
    /// Outgoing email.
    pub mail: MailConfig,
    /// CORS policy.
    pub cors_origins: CorsOrigins,
    /// Directory of the web page served at `/`.
    pub web_dir: PathBuf,
    /// Queue and worker settings.
    pub jobs: JobsConfig,
    /// Rate limits.
    pub rate_limit: RateLimitConfig,
    /// Log format.
    pub log_format: LogFormat,
    /// Feature flags.
    pub features: Features,
    /// Largest request body in bytes (network documents).
    pub max_body_bytes: usize,
    /// Time limit of one request.
    pub request_timeout: Duration,
    /// How often a progress stream looks at its simulation.
    pub events_interval: Duration,
    /// The AI assistant: provider, cache, limits (`AI_*` variables).
    pub ai: crate::ai::config::AiConfig,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database", &redact_url(&self.database_url))
            .field("redis", &self.redis_url.as_deref().map(redact_url))
            .field("queue", &self.jobs.backend)
            .field("features", &self.features)
            .field("ai", &self.ai)
            .finish_non_exhaustive()
    }
}

/// Every problem found in the configuration.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n  {}", .0.join("\n  "))]
pub struct ConfigError(pub Vec<String>);

/// The password part of a URL replaced by `***`, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

struct Reader<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
    errors: Vec<String>,
}

impl Reader<'_> {
    fn text(&self, name: &str) -> Option<String> {
        (self.get)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn parse<T: std::str::FromStr>(&mut self, name: &str, default: T, hint: &str) -> T {
        match self.text(name) {
            None => default,
            Some(v) => match v.parse() {
                Ok(x) => x,
                Err(_) => {
                    self.errors.push(format!("{name}: `{v}` is not {hint}"));
                    default
                }
            },
        }
    }

    fn bool(&mut self, name: &str, default: bool) -> bool {
        match self.text(name).map(|v| v.to_ascii_lowercase()) {
            None => default,
            Some(v) => match v.as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => {
                    self.errors
                        .push(format!("{name}: `{v}` is not a boolean (true/false)"));
                    default
                }
            },
        }
    }

    fn positive(&mut self, name: &str, default: u64, unit: &str) -> u64 {
        let v: u64 = self.parse(name, default, &format!("a whole number of {unit}"));
        if v == 0 {
            self.errors
                .push(format!("{name}: must be at least 1 {unit}"));
            return default;
        }
        v
    }
}

impl Config {
    /// Reads the process environment, after loading `.env` from the working directory if
    /// there is one (variables already set win over the file).
    pub fn from_env() -> Result<Config, ConfigError> {
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(ConfigError(vec![format!(".env: {e}")])),
        }
        Config::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `get` (variable name to value), applying defaults and
    /// checking every value.
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut r = Reader {
            get,
            errors: Vec::new(),
        };
        let bind = r.parse(
            "AMPFLUX_BIND",
            SocketAddr::from(([127, 0, 0, 1], 8000)),
            "a socket address such as 127.0.0.1:8000",
        );
        let database_url = r
            .text("DATABASE_URL")
            .unwrap_or_else(|| "sqlite://ampflux.db?mode=rwc".to_string());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            r.errors.push(format!(
                "DATABASE_URL: `{}` is neither sqlite://... nor postgres://...",
                redact_url(&database_url)
            ));
        }
        let database_max_connections =
            r.positive("AMPFLUX_DATABASE_MAX_CONNECTIONS", 10, "connections") as u32;
        let durable_cache_hits = r.bool("AMPFLUX_DURABLE_CACHE_HITS", true);
        let redis_url = r.text("REDIS_URL");
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            r.errors.push(format!(
                "REDIS_URL: `{}` is not a redis:// URL",
                redact_url(url)
            ));
        }
        let redis_prefix = r
            .text("AMPFLUX_REDIS_PREFIX")
            .unwrap_or_else(|| "ampflux".to_string());

        let (secret_key, secret_generated) = match r.text("AMPFLUX_SECRET_KEY") {
            Some(s) if s.len() >= 32 => (s.into_bytes(), false),
            Some(_) => {
                r.errors.push(
                    "AMPFLUX_SECRET_KEY: must be at least 32 characters (e.g. `openssl rand -hex 32`)"
                        .to_string(),
                );
                (Vec::new(), false)
            }
            None => {
                let mut key = vec![0u8; 32];
                if getrandom::fill(&mut key).is_err() {
                    r.errors
                        .push("AMPFLUX_SECRET_KEY: not set and no system randomness".to_string());
                }
                (key, true)
            }
        };
        let access_minutes = r.positive("AMPFLUX_ACCESS_TOKEN_MINUTES", 30, "minutes");
        let refresh_days = r.positive("AMPFLUX_REFRESH_TOKEN_DAYS", 14, "days");
        let invitation_days = r.positive("AMPFLUX_INVITATION_DAYS", 7, "days");
        let reset_minutes = r.positive("AMPFLUX_PASSWORD_RESET_MINUTES", 60, "minutes");
        let password_hashing = PasswordHashing {
            memory_kib: r.positive("AMPFLUX_PASSWORD_HASH_MEMORY_KIB", 19_456, "KiB") as u32,
            iterations: r.positive("AMPFLUX_PASSWORD_HASH_ITERATIONS", 2, "passes") as u32,
            concurrency: r.positive("AMPFLUX_PASSWORD_HASH_CONCURRENCY", 2, "hashes") as usize,
        };
        if password_hashing.memory_kib < 8 * 1024 {
            r.errors.push(
                "AMPFLUX_PASSWORD_HASH_MEMORY_KIB: at least 8192 (8 MiB) to resist GPU guessing"
                    .to_string(),
            );
        }
        let operator_token = r.text("AMPFLUX_OPERATOR_TOKEN");
        if operator_token.as_ref().is_some_and(|t| t.len() < 32) {
            r.errors.push(
                "AMPFLUX_OPERATOR_TOKEN: must be at least 32 characters (e.g. `openssl rand -hex 32`)"
                    .to_string(),
            );
        }
        let smtp_url = r.text("AMPFLUX_SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            r.errors.push(format!(
                "AMPFLUX_SMTP_URL: `{}` is not an smtp:// or smtps:// URL",
                redact_url(url)
            ));
        }
        let mail = MailConfig {
            smtp_url,
            from: r
                .text("AMPFLUX_MAIL_FROM")
                .unwrap_or_else(|| "AmpFlux <noreply@localhost>".to_string()),
            public_url: r
                .text("AMPFLUX_PUBLIC_URL")
                .unwrap_or_else(|| "http://127.0.0.1:8000".to_string())
                .trim_end_matches('/')
                .to_string(),
            notify_min_compute: Duration::from_secs(r.parse(
                "AMPFLUX_NOTIFY_MIN_COMPUTE_S",
                30,
                "a number of seconds",
            )),
        };

        let cors_origins = match r.text("AMPFLUX_CORS_ORIGINS").as_deref() {
            None | Some("none") => CorsOrigins::None,
            Some("*") => CorsOrigins::Any,
            Some(list) => {
                let origins: Vec<String> = list
                    .split(',')
                    .map(|s| s.trim().trim_end_matches('/').to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                for o in &origins {
                    if !(o.starts_with("http://") || o.starts_with("https://")) {
                        r.errors.push(format!(
                            "AMPFLUX_CORS_ORIGINS: `{o}` is not an origin such as https://app.example.com"
                        ));
                    }
                }
                CorsOrigins::List(origins)
            }
        };
        let web_dir = PathBuf::from(r.text("AMPFLUX_WEB_DIR").unwrap_or_else(|| "web".into()));

        let backend = match r.text("AMPFLUX_QUEUE").as_deref() {
            None if redis_url.is_some() => QueueBackend::Redis,
            None | Some("database") => QueueBackend::Database,
            Some("redis") => {
                if redis_url.is_none() {
                    r.errors
                        .push("AMPFLUX_QUEUE: `redis` needs REDIS_URL".to_string());
                }
                QueueBackend::Redis
            }
            Some(other) => {
                r.errors.push(format!(
                    "AMPFLUX_QUEUE: `{other}` is not `database` or `redis`"
                ));
                QueueBackend::Database
            }
        };
        let jobs = JobsConfig {
            backend,
            lease: Duration::from_millis(r.positive(
                "AMPFLUX_JOB_LEASE_MS",
                30_000,
                "milliseconds",
            )),
            max_attempts: r.positive("AMPFLUX_JOB_MAX_ATTEMPTS", 3, "attempts") as u32,
            backoff_base: Duration::from_millis(r.positive(
                "AMPFLUX_JOB_BACKOFF_MS",
                2_000,
                "milliseconds",
            )),
            backoff_max: Duration::from_millis(r.positive(
                "AMPFLUX_JOB_BACKOFF_MAX_MS",
                300_000,
                "milliseconds",
            )),
            poll_interval: Duration::from_millis(r.positive(
                "AMPFLUX_QUEUE_POLL_MS",
                500,
                "milliseconds",
            )),
            concurrency: r.positive("AMPFLUX_WORKER_CONCURRENCY", 1, "jobs") as usize,
            in_process_worker: r.bool("AMPFLUX_IN_PROCESS_WORKER", true),
        };
        let rate_limit = RateLimitConfig {
            per_ip_per_minute: r.parse("AMPFLUX_RATE_LIMIT_IP", 1200, "a whole number"),
            per_user_per_minute: r.parse("AMPFLUX_RATE_LIMIT_USER", 600, "a whole number"),
            trust_forwarded_for: r.bool("AMPFLUX_TRUST_FORWARDED_FOR", false),
            login_per_email_per_minute: r.parse(
                "AMPFLUX_RATE_LIMIT_LOGIN_EMAIL",
                10,
                "a whole number",
            ),
            login_per_ip_per_minute: r.parse("AMPFLUX_RATE_LIMIT_LOGIN_IP", 60, "a whole number"),
            register_per_ip_per_minute: r.parse(
                "AMPFLUX_RATE_LIMIT_REGISTER_IP",
                10,
                "a whole number",
            ),
        };
        let log_format = match r.text("AMPFLUX_LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                r.errors.push(format!(
                    "AMPFLUX_LOG_FORMAT: `{other}` is not `json` or `pretty`"
                ));
                LogFormat::Json
            }
        };
        let mut features = Features::default();
        if let Some(list) = r.text("AMPFLUX_FEATURES") {
            let mut seen = BTreeSet::new();
            for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (on, name) = match item.strip_prefix('-') {
                    Some(name) => (false, name),
                    None => (true, item.strip_prefix('+').unwrap_or(item)),
                };
                if !features.set(name, on) {
                    let known: Vec<&str> = features.list().iter().map(|(n, _)| *n).collect();
                    r.errors.push(format!(
                        "AMPFLUX_FEATURES: unknown feature `{name}`; known: {}",
                        known.join(", ")
                    ));
                } else if !seen.insert(name.to_string()) {
                    r.errors
                        .push(format!("AMPFLUX_FEATURES: `{name}` is given twice"));
                }
            }
        }
        let max_body_bytes =
            r.positive("AMPFLUX_MAX_BODY_MB", 32, "megabytes") as usize * 1024 * 1024;
        let request_timeout =
            Duration::from_secs(r.positive("AMPFLUX_REQUEST_TIMEOUT_SECS", 60, "seconds"));
        let events_interval =
            Duration::from_millis(r.positive("AMPFLUX_EVENTS_INTERVAL_MS", 250, "milliseconds"));

        let ai = crate::ai::config::AiConfig::from_lookup(get, &mut r.errors);

        if r.errors.is_empty() {
            Ok(Config {
                bind,
                database_url,
                database_max_connections,
                durable_cache_hits,
                redis_url,
                redis_prefix,
                secret_key,
                secret_generated,
                access_token_ttl: Duration::from_secs(access_minutes * 60),
                refresh_token_ttl: Duration::from_secs(refresh_days * 86_400),
                invitation_ttl: Duration::from_secs(invitation_days * 86_400),
                password_reset_ttl: Duration::from_secs(reset_minutes * 60),
                password_hashing,
                operator_token,
                mail,
                cors_origins,
                web_dir,
                jobs,
                rate_limit,
                log_format,
                features,
                max_body_bytes,
                request_timeout,
                events_interval,
                ai,
            })
        } else {
            Err(ConfigError(r.errors))
        }
    }

    /// Whether the database is PostgreSQL (several processes may share it).
    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// Checks what `serve` needs beyond the common settings: a configured secret when the
    /// database can be shared by several instances.
    pub fn check_for_serve(&self) -> Result<(), ConfigError> {
        if self.secret_generated && self.is_postgres() {
            return Err(ConfigError(vec![
                "AMPFLUX_SECRET_KEY: required with PostgreSQL, so that every instance signs tokens with the same key"
                    .to_string(),
            ]));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(&|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_start_on_sqlite_with_an_in_process_worker() {
        let c = read(&[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8000");
        assert!(c.database_url.starts_with("sqlite:"));
        assert!(c.secret_generated);
        assert_eq!(c.jobs.backend, QueueBackend::Database);
        assert!(c.jobs.in_process_worker);
        assert_eq!(c.access_token_ttl, Duration::from_secs(1800));
        assert!(c.durable_cache_hits);
        c.check_for_serve().unwrap();
    }

    #[test]
    fn durable_cache_hits_are_a_choice() {
        assert!(
            read(&[("AMPFLUX_DURABLE_CACHE_HITS", "true")])
                .unwrap()
                .durable_cache_hits
        );
        let err = read(&[("AMPFLUX_DURABLE_CACHE_HITS", "maybe")])
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("AMPFLUX_DURABLE_CACHE_HITS"),
            "{err}"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = read(&[
            ("AMPFLUX_BIND", "localhost"),
            ("AMPFLUX_SECRET_KEY", "short"),
            ("AMPFLUX_ACCESS_TOKEN_MINUTES", "0"),
            ("AMPFLUX_FEATURES", "ai_assistant,teleport"),
            ("DATABASE_URL", "mysql://x"),
        ])
        .unwrap_err();
        let text = err.to_string();
        for needle in [
            "AMPFLUX_BIND",
            "AMPFLUX_SECRET_KEY",
            "AMPFLUX_ACCESS_TOKEN_MINUTES",
            "teleport",
            "DATABASE_URL",
        ] {
            assert!(text.contains(needle), "{needle} missing in {text}");
        }
        assert_eq!(err.0.len(), 5);
    }

    #[test]
    fn redis_url_selects_the_redis_queue_and_features_toggle() {
        let c = read(&[
            ("REDIS_URL", "redis://127.0.0.1:6379/0"),
            ("AMPFLUX_FEATURES", "-ai_assistant,+live_progress"),
        ])
        .unwrap();
        assert_eq!(c.jobs.backend, QueueBackend::Redis);
        assert!(!c.features.ai_assistant);
        assert!(c.features.live_progress);
    }

    #[test]
    fn postgres_needs_a_configured_secret_for_serve() {
        let c = read(&[("DATABASE_URL", "postgres://u:pw@localhost/db")]).unwrap();
        assert!(c.check_for_serve().is_err());
        assert_eq!(redact_url(&c.database_url), "postgres://u:***@localhost/db");
    }
}
