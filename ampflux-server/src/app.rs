//! The router with its middleware (`app`, also used by the tests), and the `serve` and
//! `worker` roles of the binary.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::{Router, middleware};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::{Config, CorsOrigins};
use crate::jobs::events::Events;
use crate::ratelimit::RateLimiter;
use crate::services::notifications::Notifier;
use crate::state::{AppState, StartError, connect_db, connect_redis, make_queue};
use crate::worker::Worker;
use crate::{headers, ratelimit, routes, telemetry};

/// The whole HTTP application over `state`.
pub fn app(state: AppState) -> Router {
    let (api, mut openapi) = routes::api().split_for_parts();
    crate::openapi::complete(&mut openapi);
    let config = state.config.clone();
    api.merge(routes::web::router(&state))
        .route_layer(middleware::from_fn(telemetry::track))
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            RateLimiter::from_ref(&state),
            ratelimit::limit,
        ))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
        .layer(CompressionLayer::new().gzip(true))
        .layer(cors(&config.cors_origins))
        .layer(middleware::from_fn(headers::secure))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(headers::sane_request_id))
        .layer(middleware::from_fn(headers::close_if_body_unread))
        .with_state(state)
}

async fn method_not_allowed() -> crate::error::Error {
    crate::error::Error::MethodNotAllowed
}

fn cors(origins: &CorsOrigins) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER]);
    match origins {
        CorsOrigins::None => CorsLayer::new(),
        CorsOrigins::Any => base.allow_origin(Any),
        CorsOrigins::List(list) => base.allow_origin(AllowOrigin::list(
            list.iter().filter_map(|o| HeaderValue::from_str(o).ok()),
        )),
    }
}

/// A running server (and its in-process worker).
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its state.
    pub state: AppState,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    worker: Option<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets requests and the worker's current jobs finish.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        if let Some(w) = self.worker {
            let _ = w.await;
        }
    }
}

/// Starts the API on `listener` (and the in-process worker unless configured off).
pub async fn start(config: Config, listener: TcpListener) -> Result<Running, StartError> {
    config.check_for_serve()?;
    if config.secret_generated {
        tracing::warn!(
            "AMPFLUX_SECRET_KEY is not set: a random key signs tokens, so sessions end when the server restarts"
        );
    }
    let state = AppState::new(config).await?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: "listener".into(),
        source,
    })?;
    let (stop, stopped) = watch::channel(false);
    let worker = state.config.jobs.in_process_worker.then(|| {
        Worker::new(
            state.db.clone(),
            state.queue.clone(),
            state.config.jobs.clone(),
            state.events.clone(),
            state.job_wake.clone(),
        )
        .with_notifier(state.notifier.clone())
        .spawn(stopped.clone())
    });
    let service = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let mut shutdown = stopped;
    let server = tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|s| *s).await;
            })
            .await
    });
    tracing::info!(%addr, database = state.db.backend.as_str(), queue = state.queue.name(), "listening");
    Ok(Running {
        addr,
        state,
        stop,
        server,
        worker,
    })
}

/// `ampflux-server serve`: runs until SIGINT or SIGTERM.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let addr = config.bind;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    let running = start(config, listener).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.stop().await;
    Ok(())
}

/// `ampflux-server worker`: runs jobs until SIGINT or SIGTERM.
pub async fn worker(config: Config) -> Result<(), StartError> {
    let db = connect_db(&config, true).await?;
    let redis = connect_redis(&config).await?;
    let queue = make_queue(&config, &db, &redis);
    let _ = crate::telemetry::metrics_handle();
    let (stop, stopped) = watch::channel(false);
    let mailer = crate::mail::Mailer::new(&config.mail).map_err(StartError::Setup)?;
    let notifier = Notifier::new(db.clone(), mailer, config.mail.notify_min_compute);
    let handle = Worker::new(
        db,
        queue,
        config.jobs.clone(),
        Events::default(),
        Arc::new(Notify::new()),
    )
    .with_notifier(notifier)
    .spawn(stopped);
    shutdown_signal().await;
    tracing::info!("worker shutting down after its current jobs");
    let _ = stop.send(true);
    let _ = handle.await;
    Ok(())
}

/// A task of `ampflux-server admin`.
pub enum AdminTask {
    /// List the companies with their plans.
    Companies,
    /// Change a company's license.
    License {
        /// Company id, or the email of its company_admin.
        company: String,
        /// New plan.
        plan: Option<String>,
        /// New status.
        status: Option<String>,
        /// New end date (RFC 3339, or `none`).
        end_date: Option<String>,
    },
}

/// `ampflux-server admin`: the operator's tasks, printed as JSON lines.
pub async fn admin(config: Config, task: AdminTask) -> Result<(), StartError> {
    use crate::domain::{LicenseStatus, Plan};
    use crate::services::licenses::LicenseChange;
    use crate::services::operator::Operator;

    let db = connect_db(&config, true).await?;
    let operator = Operator::new(db, None);
    let failed = |e: crate::error::Error| StartError::Setup(e.body().message);
    match task {
        AdminTask::Companies => {
            for c in operator.companies().await.map_err(failed)? {
                let line = serde_json::json!({"id": c.id, "name": c.name, "plan": c.plan,
                    "status": c.status, "users": c.users, "projects": c.projects,
                    "admin_email": c.admin_email});
                println!("{line}");
            }
        }
        AdminTask::License {
            company,
            plan,
            status,
            end_date,
        } => {
            let plan = plan
                .map(|p| Plan::parse(&p).ok_or(format!("--plan: one of {}", Plan::allowed())))
                .transpose()
                .map_err(StartError::Setup)?;
            let status = status
                .map(|s| {
                    LicenseStatus::parse(&s)
                        .ok_or(format!("--status: one of {}", LicenseStatus::allowed()))
                })
                .transpose()
                .map_err(StartError::Setup)?;
            let change = LicenseChange {
                plan,
                status,
                start_date: None,
                end_date: end_date.map(|e| (e != "none").then_some(e)),
            };
            let company = operator.find_company(&company).await.map_err(failed)?;
            let origin = crate::services::Origin {
                ip: None,
                request_id: Some("ampflux-server admin".into()),
            };
            let license = operator
                .set_license(&origin, &company, change)
                .await
                .map_err(failed)?;
            let line = serde_json::json!({"company": company, "plan": license.plan,
                "status": license.status, "end_date": license.end_date.map(crate::clock::rfc3339)});
            println!("{line}");
        }
    }
    Ok(())
}

/// `ampflux-server migrate`: applies the migrations and exits.
pub async fn migrate(config: Config) -> Result<(), StartError> {
    let db = connect_db(&config, true).await?;
    tracing::info!(database = db.backend.as_str(), "migrations applied");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
