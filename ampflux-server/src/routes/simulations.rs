//! Simulations: a study of the core on one circuit version, computed once per (circuit
//! digest, study options) by a worker, with progress streamed as server-sent events.

use std::convert::Infallible;
use std::time::Duration;

use ampflux_core::{FaultKind, Network, StudyOptions};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Event};
use crate::auth::access::{self, Level};
use crate::auth::{CurrentUser, tokens, user_from_token};
use crate::clock::{day_of, now_ms, rfc3339};
use crate::db::{self, simulations::Simulation, usage};
use crate::domain::StudyStatus;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, PageParams, QueryParams, RequestMeta};
use crate::jobs::NewJob;
use crate::licensing;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, request))
        .routes(routes!(get_one))
        .routes(routes!(events))
}

/// A circuit version: a number or `latest`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum VersionRef {
    /// Version number.
    Number(i64),
    /// `latest`.
    Name(String),
}

/// Queue priority relative to the plan's.
#[derive(Clone, Copy, Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Behind the company's other work.
    Low,
    /// Default.
    #[default]
    Normal,
    /// Ahead of the company's other work.
    High,
}

/// A simulation request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationRequest {
    /// Circuit version (number, or `latest`).
    pub version: VersionRef,
    /// Study options with the names of the format (`fault`, `case`, `ip_method`, `tk_s`,
    /// `c_max_lv`, `buses`, `branch_results`, ...); absent options take their defaults.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub study: Value,
    /// Queue priority (default `normal`).
    #[serde(default)]
    pub priority: Priority,
}

/// A simulation just requested.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationCreated {
    /// Simulation id.
    pub id: String,
    /// `queued`, `running`, `succeeded` (computed before), `failed`.
    pub status: StudyStatus,
    /// Whether the same study had been requested before (no new computation).
    pub cached: bool,
}

/// Progress of a computation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    /// Work units done.
    pub done: i64,
    /// Work units in all (0 until known).
    pub total: i64,
}

/// A simulation.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationView {
    /// Id.
    pub id: String,
    /// Project.
    pub project_id: String,
    /// Circuit version.
    pub version: i64,
    /// SHA-256 of the circuit.
    pub digest: String,
    /// State.
    pub status: StudyStatus,
    /// Progress of the computation.
    pub progress: Progress,
    /// The study options, every one spelled out.
    #[schema(value_type = Object)]
    pub study: Value,
    /// The core's report (`study`, `network_digest`, `buses`, `branches`, `voltages`,
    /// `warnings`, as the CLI's JSON) when succeeded.
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    /// `{code, message, issues}` when failed or dead.
    #[schema(value_type = Option<Object>)]
    pub error: Option<Value>,
    /// Whether the study was known before this request.
    pub cached: bool,
    /// Attempts started.
    pub attempts: i64,
    /// Computing time (ms).
    pub compute_ms: Option<i64>,
    /// Requested (RFC 3339).
    pub created_at: String,
    /// Start of the computation (RFC 3339).
    pub started_at: Option<String>,
    /// End of the computation (RFC 3339).
    pub finished_at: Option<String>,
}

impl SimulationView {
    fn new(s: Simulation) -> ApiResult<SimulationView> {
        let parse = |text: &Option<String>| -> ApiResult<Option<Value>> {
            text.as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(ApiError::internal)
        };
        let st = &s.study;
        Ok(SimulationView {
            result: parse(&st.result_json)?,
            error: parse(&st.error_json)?,
            study: serde_json::from_str(&st.options_json).map_err(ApiError::internal)?,
            id: s.id,
            project_id: s.project_id,
            version: s.circuit_version,
            digest: st.digest.clone(),
            status: st.status,
            progress: Progress {
                done: st.progress_done,
                total: st.progress_total,
            },
            cached: s.cached,
            attempts: st.attempts,
            compute_ms: st.compute_ms,
            created_at: rfc3339(s.created_at),
            started_at: st.started_at.map(rfc3339),
            finished_at: st.finished_at.map(rfc3339),
        })
    }
}

/// One page of a project's simulations (without results).
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationList {
    /// Simulations, newest first.
    pub items: Vec<SimulationView>,
    /// Simulations in all.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// The cache key of a study: SHA-256 of the circuit digest and the options with every
/// option spelled out (so `{}` and `{"fault": "3ph"}` are the same study).
pub fn study_key(digest: &str, options_json: &str) -> String {
    let mut h = Sha256::new();
    h.update(digest.as_bytes());
    h.update(b"\n");
    h.update(options_json.as_bytes());
    tokens::hex(&h.finalize())
}

fn needs_advanced(o: &StudyOptions) -> bool {
    o.fault != FaultKind::ThreePhase || o.branch_results || !o.line_faults.is_empty()
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/simulations", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = SimulationRequest,
    responses((status = 202, description = "Accepted: queued, or known already", body = SimulationCreated),
              (status = 402, description = "Daily simulations of the plan", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "Invalid options, or the circuit lacks data the study needs", body = ErrorBody)))]
async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Body(req): Body<SimulationRequest>,
) -> ApiResult<(StatusCode, HeaderMap, Json<SimulationCreated>)> {
    let created = submit(&state, &user, &meta, &id, req).await?;
    let mut headers = HeaderMap::new();
    if let Ok(location) = format!("/api/v1/simulations/{}", created.id).parse() {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::ACCEPTED, headers, Json(created)))
}

/// Requests a study on a version of project `id`: access and plan checks, validation of
/// the options against the circuit, the daily limit, the cached study or a new job, the
/// audit entry. The one path of every simulation: `POST /api/v1/projects/{id}/simulations`
/// and the AI assistant's `run_short_circuit` tool.
pub async fn submit(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    id: &str,
    req: SimulationRequest,
) -> ApiResult<SimulationCreated> {
    let a = access::project(&state.db, user, id).await?;
    a.require(Level::Write, "running a simulation")?;
    let pool = &state.db.pool;
    let company = user.company_id.clone();
    let version = match &req.version {
        VersionRef::Number(v) => db::circuits::get(pool, &company, id, *v).await?,
        VersionRef::Name(n) if n == "latest" => db::circuits::latest(pool, &company, id).await?,
        VersionRef::Name(_) => None,
    }
    .ok_or(ApiError::NotFound("circuit version"))?;

    let study = if req.study.is_null() {
        json!({})
    } else {
        req.study
    };
    let options = StudyOptions::from_value(study)?;
    options.check()?;
    if needs_advanced(&options) && !state.config.features.advanced_simulations {
        return Err(ApiError::Forbidden {
            code: "feature_disabled",
            message:
                "unbalanced faults, branch results and line faults are switched off on this server"
                    .into(),
        });
    }
    let options_json = serde_json::to_string(&options).map_err(ApiError::internal)?;
    let key = study_key(&version.digest, &options_json);
    let license = licensing::active(pool, &company).await?;
    let limits = license.plan.limits();

    let known = db::studies::by_key(pool, &company, &key).await?;
    if known.is_none() {
        // reject what the study cannot run on now, instead of failing in the worker
        let document = db::circuits::blob(pool, &company, &version.digest)
            .await?
            .ok_or_else(|| ApiError::internal("circuit blob missing"))?;
        let opts = options.clone();
        tokio::task::spawn_blocking(move || {
            let issues = Network::from_json(&document)?.validate_for(&opts);
            match issues.iter().any(ampflux_core::Issue::is_error) {
                true => Err(ampflux_core::Error::Invalid(issues)),
                false => Ok(()),
            }
        })
        .await??;
    }

    let priority = limits.queue_priority
        + match req.priority {
            Priority::Low => -5,
            Priority::Normal => 0,
            Priority::High => 5,
        };
    let now = now_ms();
    let sim_id = db::new_id();
    let mut tx = state.db.begin_write().await?;
    let used = usage::increment(&mut *tx, &company, usage::Kind::Simulations, day_of(now)).await?;
    licensing::within(
        &license,
        "simulations per day",
        limits.simulations_per_day,
        used,
    )?;
    let new_job = NewJob {
        id: db::new_id(),
        company_id: company.clone(),
        study_id: db::new_id(),
        priority,
    };
    let inserted = db::studies::insert_if_absent(
        &mut *tx,
        &company,
        &new_job.study_id,
        &key,
        &version.digest,
        &options_json,
        priority,
        &new_job.id,
        now,
    )
    .await?;
    let study = db::studies::by_key(&mut *tx, &company, &key)
        .await?
        .ok_or_else(|| ApiError::internal("study vanished in its own transaction"))?;
    let job = if inserted {
        Some(new_job)
    } else if study.status == StudyStatus::Dead
        && db::studies::requeue_dead(&mut *tx, &company, &study.id, &new_job.id, now).await?
    {
        Some(NewJob {
            study_id: study.id.clone(),
            ..new_job
        })
    } else {
        None
    };
    if let Some(job) = &job {
        state.queue.stage(&mut tx, job).await?;
    }
    let cached = job.is_none();
    db::simulations::insert(
        &mut *tx,
        &company,
        &sim_id,
        id,
        version.version,
        &study.id,
        &user.id,
        cached,
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        user,
        meta,
        Event {
            action: "simulation.request",
            project_id: Some(id),
            target: Some(&sim_id),
            detail: json!({"version": version.version, "study": study.id, "cached": cached,
                           "fault": options.fault, "case": options.case}),
        },
    )
    .await?;
    tx.commit().await?;
    let status = if let Some(job) = &job {
        if let Err(e) = state.queue.publish(job).await {
            // the study stays queued; a worker's sweep hands it to the queue again
            tracing::warn!(error = %e, study = %job.study_id, "enqueue failed; the sweep will retry");
        }
        state.job_wake.notify_waiters();
        StudyStatus::Queued
    } else {
        metrics::counter!("ampflux_study_cache_hits_total").increment(1);
        study.status
    };
    Ok(SimulationCreated {
        id: sim_id,
        status,
        cached,
    })
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/simulations", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), PageParams),
    responses((status = 200, body = SimulationList), (status = 404, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<PageParams>,
) -> ApiResult<Json<SimulationList>> {
    let (rows, page, per_page) = params.page()?;
    access::project(&state.db, &user, &id).await?;
    let found = db::simulations::list(&state.db.pool, &user.company_id, &id, rows).await?;
    let total = db::simulations::count(&state.db.pool, &user.company_id, &id).await?;
    Ok(Json(SimulationList {
        items: found
            .into_iter()
            .map(SimulationView::new)
            .collect::<ApiResult<_>>()?,
        total,
        page,
        per_page,
    }))
}

/// The simulation `id` if the caller may read its project.
async fn readable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    with_result: bool,
) -> ApiResult<Simulation> {
    if !db::is_id(id) {
        return Err(ApiError::NotFound("simulation"));
    }
    let sim = db::simulations::get(&state.db.pool, &user.company_id, id, with_result)
        .await?
        .ok_or(ApiError::NotFound("simulation"))?;
    access::project(&state.db, user, &sim.project_id)
        .await
        .map_err(|_| ApiError::NotFound("simulation"))?;
    Ok(sim)
}

#[utoipa::path(get, path = "/api/v1/simulations/{id}", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Simulation id")),
    responses((status = 200, body = SimulationView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SimulationView>> {
    let sim = readable(&state, &user, &id, true).await?;
    Ok(Json(SimulationView::new(sim)?))
}

/// Credentials for the event stream (browsers' `EventSource` cannot send headers).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsParams {
    /// An access token, when no `Authorization` header is sent.
    pub access_token: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/simulations/{id}/events", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Simulation id"), EventsParams),
    responses((status = 200, description = "text/event-stream: `progress` events `{id, status, done, total}` while it runs, then one `done` event `{id, status}`", content_type = "text/event-stream"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<EventsParams>,
) -> ApiResult<impl IntoResponse> {
    if !state.config.features.live_progress {
        return Err(ApiError::Forbidden {
            code: "feature_disabled",
            message:
                "live progress is switched off on this server; poll GET /api/v1/simulations/{id}"
                    .into(),
        });
    }
    let header_token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let token = header_token
        .or(params.access_token)
        .ok_or(ApiError::Unauthorized {
            code: "unauthorized",
            message: "missing bearer token (header, or `access_token` query parameter)".into(),
        })?;
    let user = user_from_token(&state, &token).await?;
    readable(&state, &user, &id, false).await?;
    Ok(Sse::new(progress_stream(state, user, id))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

struct Watch {
    state: AppState,
    user: CurrentUser,
    id: String,
    last: Option<(StudyStatus, i64, i64)>,
    changes: tokio::sync::watch::Receiver<u64>,
    finished: bool,
}

fn progress_stream(
    state: AppState,
    user: CurrentUser,
    id: String,
) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    let changes = state.events.subscribe();
    let watch = Watch {
        state,
        user,
        id,
        last: None,
        changes,
        finished: false,
    };
    stream::unfold(watch, |mut w| async move {
        if w.finished {
            return None;
        }
        loop {
            let sim = match db::simulations::get(&w.state.db.pool, &w.user.company_id, &w.id, false)
                .await
            {
                Ok(Some(sim)) => sim,
                Ok(None) => {
                    w.finished = true;
                    let event = SseEvent::default()
                        .event("done")
                        .data(json!({"id": w.id, "status": "deleted"}).to_string());
                    return Some((Ok(event), w));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "progress stream read failed");
                    tokio::time::sleep(w.state.config.events_interval).await;
                    continue;
                }
            };
            let st = &sim.study;
            let now = (st.status, st.progress_done, st.progress_total);
            if st.status.is_final() {
                w.finished = true;
                let data = json!({"id": w.id, "status": st.status});
                return Some((
                    Ok(SseEvent::default().event("done").data(data.to_string())),
                    w,
                ));
            }
            if w.last != Some(now) {
                w.last = Some(now);
                let data = json!({"id": w.id, "status": st.status, "done": st.progress_done, "total": st.progress_total});
                return Some((
                    Ok(SseEvent::default().event("progress").data(data.to_string())),
                    w,
                ));
            }
            let interval = w.state.config.events_interval;
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = w.changes.changed() => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_written_out_give_one_key() {
        let a = StudyOptions::from_value(json!({})).unwrap();
        let b =
            StudyOptions::from_value(json!({"fault": "3ph", "case": "max", "tk_s": 1.0})).unwrap();
        let c = StudyOptions::from_value(json!({"case": "min"})).unwrap();
        let key = |o: &StudyOptions| study_key("d", &serde_json::to_string(o).unwrap());
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        assert_ne!(study_key("d1", "{}"), study_key("d2", "{}"));
    }
}
