//! Simulations: a study of the core on one circuit version, computed once per (circuit
//! digest, study options) by a worker, with progress streamed as server-sent events.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Authenticator, Caller, Credential};
use crate::clock::rfc3339;
use crate::config::Features;
use crate::db::simulations::Simulation;
use crate::domain::StudyStatus;
use crate::error::{Error, ErrorBody, Result};
use crate::extract::{Body, PageParams, QueryParams};
use crate::ids::{ProjectId, SimulationId};
use crate::services::ActorClaim;
use crate::services::circuits::VersionRef as Version;
use crate::services::simulations::{self, Progress as Watched, RowPage, Simulations};
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
#[schema(example = json!({"version": "latest", "study": {"fault": "3ph", "case": "max"}, "priority": "normal"}))]
pub struct SimulationRequest {
    /// Circuit version (number, or `latest`; absent: the latest).
    #[serde(default)]
    pub version: Option<VersionRef>,
    /// Study options with the names of the format (`fault`, `case`, `ip_method`, `tk_s`,
    /// `c_max_lv`, `buses`, `branch_results`, ...); absent options take their defaults.
    /// `kind` chooses the study: `short_circuit` (default), `duty` (equipment duty against
    /// ratings: the duty options `faults`, `duty_basis`, `marginal_percent`, `scenarios`,
    /// `all_scenarios` beside the short-circuit ones) or `arc_flash` (IEEE 1584-2018:
    /// `buses`, `max_arc_duration_s`, `energy_method`, ..., `short_circuit`: {...}); the
    /// result is that study's report as the CLI's `--format json` writes it.
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
    #[schema(value_type = String)]
    pub id: SimulationId,
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

/// Which rows of a result an answer holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultPage {
    /// Page, from 1.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
    /// Branch rows in all.
    pub branches_total: i64,
    /// Voltage rows in all.
    pub voltages_total: i64,
}

/// A simulation.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationView {
    /// Id.
    #[schema(value_type = String)]
    pub id: SimulationId,
    /// Project.
    #[schema(value_type = String)]
    pub project_id: ProjectId,
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
    /// The page of the result's branch and voltage rows, with their totals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_page: Option<ResultPage>,
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
    fn new(s: Simulation) -> Result<SimulationView> {
        let parse = |text: &Option<String>| -> Result<Option<Value>> {
            text.as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(Error::internal)
        };
        let st = &s.study;
        Ok(SimulationView {
            // the result comes with a page of its rows (`Simulations::result`)
            result: None,
            result_page: None,
            error: parse(&st.error_json)?,
            study: serde_json::from_str(&st.options_json).map_err(Error::internal)?,
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

#[utoipa::path(post, path = "/api/v1/projects/{id}/simulations", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = SimulationRequest,
    responses((status = 202, description = "Accepted: queued, or known already", body = SimulationCreated),
              (status = 402, description = "Daily simulations of the plan", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "Invalid options, or the circuit lacks data the study needs", body = ErrorBody)))]
async fn request(
    State(sims): State<Simulations>,
    claim: ActorClaim,
    Path(id): Path<String>,
    body: std::result::Result<Body<SimulationRequest>, Error>,
) -> Result<(StatusCode, HeaderMap, Json<SimulationCreated>)> {
    // the credential is checked by the service's first query; a refused body waits for it
    let req = match body {
        Ok(Body(req)) => req,
        Err(refusal) => return Err(sims.refuse(&claim.credential, refusal).await),
    };
    let version = match &req.version {
        Some(VersionRef::Number(v)) => Some(Version::Number(*v)),
        Some(VersionRef::Name(n)) if n == "latest" => Some(Version::Latest),
        None => Some(Version::Latest),
        Some(VersionRef::Name(_)) => None,
    };
    let request = simulations::SimulationRequest {
        version,
        study: req.study,
        priority: match req.priority {
            Priority::Low => simulations::Priority::Low,
            Priority::Normal => simulations::Priority::Normal,
            Priority::High => simulations::Priority::High,
        },
    };
    let created = sims.request(&claim, &id, request).await?;
    let mut headers = HeaderMap::new();
    if let Ok(location) = format!("/api/v1/simulations/{}", created.id).parse() {
        headers.insert(header::LOCATION, location);
    }
    let body = SimulationCreated {
        id: created.id,
        status: created.status,
        cached: created.cached,
    };
    Ok((StatusCode::ACCEPTED, headers, Json(body)))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/simulations", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), PageParams),
    responses((status = 200, body = SimulationList), (status = 404, body = ErrorBody)))]
async fn list(
    State(sims): State<Simulations>,
    caller: Caller,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<SimulationList>> {
    let (rows, page, per_page) = params.page()?;
    let found = sims.list(&caller, &id, rows).await?;
    Ok(Json(SimulationList {
        items: found
            .items
            .into_iter()
            .map(SimulationView::new)
            .collect::<Result<_>>()?,
        total: found.total,
        page,
        per_page,
    }))
}

/// The page of the result's branch and voltage rows.
#[derive(Clone, Copy, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowParams {
    /// Page of the branch and voltage rows, from 1 (default 1).
    pub page: Option<i64>,
    /// Rows per page, 1 to 1000 (default 1000).
    pub per_page: Option<i64>,
}

impl RowParams {
    fn page(self) -> Result<RowPage> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(ROWS_PER_PAGE);
        if page < 1 {
            return Err(Error::invalid_field(
                "page",
                "out_of_range",
                "must be at least 1",
            ));
        }
        if !(1..=ROWS_PER_PAGE).contains(&per_page) {
            return Err(Error::invalid_field(
                "per_page",
                "out_of_range",
                format!("must be between 1 and {ROWS_PER_PAGE}"),
            ));
        }
        Ok(RowPage { page, per_page })
    }
}

/// The most branch or voltage rows of one answer.
const ROWS_PER_PAGE: i64 = 1000;

#[utoipa::path(get, path = "/api/v1/simulations/{id}", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Simulation id"), RowParams),
    description = "The simulation with its result: the core's report with every bus, and one page of the \
                   branch and voltage rows (`page`, `per_page`; `result_page` has the totals).",
    responses((status = 200, body = SimulationView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(sims): State<Simulations>,
    credential: Credential,
    Path(id): Path<String>,
    params: std::result::Result<QueryParams<RowParams>, Error>,
) -> Result<Json<SimulationView>> {
    // the credential is checked by the service's query; a refused page waits for it
    let rows = match params.and_then(|QueryParams(p)| p.page()) {
        Ok(rows) => rows,
        Err(refusal) => return Err(sims.refuse(&credential, refusal).await),
    };
    let sim = sims.get(&credential, &id, true).await?;
    let paged = sims.result(&sim, rows).await?;
    let mut view = SimulationView::new(sim)?;
    if let Some(p) = paged {
        view.result = Some(p.result);
        view.result_page = Some(ResultPage {
            page: rows.page,
            per_page: rows.per_page,
            branches_total: p.branches_total,
            voltages_total: p.voltages_total,
        });
    }
    Ok(Json(view))
}

/// How often a progress stream checks that its caller's credential still works.
const REVALIDATE: Duration = Duration::from_secs(2);

/// Credentials for the event stream (browsers' `EventSource` cannot send headers).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsParams {
    /// An access token, when no `Authorization` header is sent.
    pub access_token: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/simulations/{id}/events", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Simulation id"), EventsParams),
    responses((status = 200, description = "text/event-stream: `progress` events `{id, status, done, total}` while it runs, then one `done` event `{id, status, done, total}`; `done`/`total` count the core's work units (matrix columns solved and fault locations evaluated)", content_type = "text/event-stream"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn events(
    State(sims): State<Simulations>,
    State(auth): State<Authenticator>,
    State(features): State<Features>,
    headers: HeaderMap,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<EventsParams>,
) -> Result<impl IntoResponse> {
    if !features.live_progress {
        return Err(Error::Forbidden {
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
        .ok_or(Error::Unauthenticated {
            code: "unauthorized",
            message: "missing bearer token (header, or `access_token` query parameter)".into(),
        })?;
    let caller = auth.caller(&token).await?;
    let sim = sims
        .get(&Credential::Checked(caller.clone()), &id, false)
        .await?;
    let id = sim.id.to_string();
    // the stream ends when the caller's account or session does
    let revoked = auth.revoked(caller.clone(), REVALIDATE);
    let events = sims
        .watch(&caller, sim.id)
        .take_until(revoked)
        .map(move |p| {
            let (name, data) = match p {
                Watched::Running {
                    status,
                    done,
                    total,
                } => (
                    "progress",
                    json!({"id": id, "status": status, "done": done, "total": total}),
                ),
                Watched::Done {
                    status,
                    done,
                    total,
                } => (
                    "done",
                    json!({"id": id, "status": status, "done": done, "total": total}),
                ),
                Watched::Deleted => ("done", json!({"id": id, "status": "deleted"})),
            };
            Ok::<_, Infallible>(SseEvent::default().event(name).data(data.to_string()))
        });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
