//! `/health`, `/health/detailed` and `/metrics`.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use metrics_exporter_prometheus::PrometheusHandle;
use redis::aio::ConnectionManager;

use crate::clock::{now_ms, rfc3339};
use crate::config::Features;
use crate::db::Db;
use crate::jobs::{Depth, Queue};
use crate::state::AppState;
use crate::worker::REGISTRY_INTERVAL;

/// What the health checks look at.
#[derive(Clone)]
pub struct Probe {
    /// The database.
    pub db: Db,
    /// Redis, when configured.
    pub redis: Option<ConnectionManager>,
    /// The job queue.
    pub queue: Queue,
    /// Whether this process runs a worker.
    pub in_process_worker: bool,
    /// The AI provider and model (or `not configured`).
    pub ai_provider: String,
    /// Feature flags.
    pub features: Features,
    /// Start of the process.
    pub started: Instant,
    /// Prometheus registry.
    pub metrics: PrometheusHandle,
}

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(detailed))
        .routes(routes!(prometheus))
}

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `healthy`.
    pub status: String,
    /// Now (RFC 3339).
    pub timestamp: String,
    /// Server version.
    pub version: String,
}

/// A dependency's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Check {
    /// `ok`, `error` or `not configured`.
    pub status: String,
    /// What it is (`sqlite`, `postgres`, `redis`, ...).
    pub kind: String,
    /// Round trip of the check (ms).
    pub latency_ms: Option<f64>,
    /// What went wrong.
    pub error: Option<String>,
}

/// The job queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueCheck {
    /// `ok` or `error`.
    pub status: String,
    /// `database` or `redis`.
    pub backend: String,
    /// Jobs by state.
    pub depth: Depth,
    /// What went wrong.
    pub error: Option<String>,
}

/// Worker processes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Workers {
    /// Workers with a heartbeat in the last 15 s (all machines).
    pub alive: i64,
    /// Whether this process runs a worker.
    pub in_process: bool,
}

/// Readiness with every dependency.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailedHealth {
    /// `healthy`, or `degraded` when a dependency fails.
    pub status: String,
    /// Now (RFC 3339).
    pub timestamp: String,
    /// Server version.
    pub version: String,
    /// Seconds since start.
    pub uptime_s: u64,
    /// The database.
    pub database: Check,
    /// Redis (cache, rate limits, queue).
    pub cache: Check,
    /// The job queue.
    pub queue: QueueCheck,
    /// Workers.
    pub workers: Workers,
    /// The AI assistant's provider (`not configured` until issue 8).
    pub ai_provider: String,
    /// Feature flags.
    pub features: std::collections::BTreeMap<String, bool>,
}

#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "healthy".into(),
        timestamp: rfc3339(now_ms()),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

#[utoipa::path(get, path = "/health/detailed", tag = "health",
    responses((status = 200, description = "Every dependency answers", body = DetailedHealth),
              (status = 503, description = "A dependency fails", body = DetailedHealth)))]
async fn detailed(State(state): State<Probe>) -> (StatusCode, Json<DetailedHealth>) {
    let t = Instant::now();
    let db = state.db.ping().await;
    let database = Check {
        status: if db.is_ok() { "ok" } else { "error" }.into(),
        kind: state.db.backend.as_str().into(),
        latency_ms: Some(t.elapsed().as_secs_f64() * 1000.0),
        error: db.err().map(|e| e.to_string()),
    };
    let cache = match &state.redis {
        None => Check {
            status: "not configured".into(),
            kind: "redis".into(),
            latency_ms: None,
            error: None,
        },
        Some(conn) => {
            let t = Instant::now();
            let pong: Result<String, _> = redis::cmd("PING").query_async(&mut conn.clone()).await;
            Check {
                status: if pong.is_ok() { "ok" } else { "error" }.into(),
                kind: "redis".into(),
                latency_ms: Some(t.elapsed().as_secs_f64() * 1000.0),
                error: pong.err().map(|e| e.to_string()),
            }
        }
    };
    let depth = state.queue.depth().await;
    let queue = QueueCheck {
        status: if depth.is_ok() { "ok" } else { "error" }.into(),
        backend: state.queue.name().into(),
        error: depth.as_ref().err().map(|e| e.to_string()),
        depth: depth.unwrap_or_default(),
    };
    let since = now_ms() - 3 * REGISTRY_INTERVAL.as_millis() as i64;
    let alive = crate::db::workers::alive(&state.db.pool, since)
        .await
        .unwrap_or(0);
    let healthy = database.status == "ok" && cache.status != "error" && queue.status == "ok";
    let body = DetailedHealth {
        status: if healthy { "healthy" } else { "degraded" }.into(),
        timestamp: rfc3339(now_ms()),
        version: env!("CARGO_PKG_VERSION").into(),
        uptime_s: state.started.elapsed().as_secs(),
        database,
        cache,
        queue,
        workers: Workers {
            alive,
            in_process: state.in_process_worker,
        },
        ai_provider: state.ai_provider.clone(),
        features: state
            .features
            .list()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    };
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}

#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn prometheus(State(state): State<Probe>) -> impl IntoResponse {
    if let Ok(depth) = state.queue.depth().await {
        for (label, n) in [
            ("queued", depth.queued),
            ("running", depth.running),
            ("delayed", depth.delayed),
            ("dead", depth.dead),
        ] {
            metrics::gauge!("ampflux_queue_jobs", "state" => label).set(n as f64);
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
