//! `/api/v1/projects/{id}/circuits`: the versions of a project's network document. The core
//! reads, validates, canonicalizes and diffs every document; the server stores and numbers.

use ampflux_core::{Issue, Network, version as history};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::auth::access::{self, Level, ProjectAccess};
use crate::clock::{now_ms, rfc3339};
use crate::db::{self, circuits::Version};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Body, PageParams, QueryParams, RequestMeta};
use crate::licensing;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, save))
        .routes(routes!(get_one))
        .routes(routes!(diff))
        .routes(routes!(restore))
}

/// A stored version (without the document).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    /// Version number, from 1.
    pub version: i64,
    /// SHA-256 of the canonical document (the core's `Network::digest`).
    pub digest: String,
    /// Note given when saving.
    pub message: String,
    /// The version whose content this one restored.
    pub restored_from: Option<i64>,
    /// Author.
    pub created_by: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Buses of the network.
    pub bus_count: i64,
}

impl From<Version> for VersionView {
    fn from(v: Version) -> VersionView {
        VersionView {
            version: v.version,
            digest: v.digest,
            message: v.message,
            restored_from: v.restored_from,
            created_by: v.created_by,
            created_at: rfc3339(v.created_at),
            bus_count: v.bus_count,
        }
    }
}

/// One page of a project's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionList {
    /// Versions, newest first.
    pub items: Vec<VersionView>,
    /// Versions in all.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// A version with its document.
#[derive(Debug, Serialize, ToSchema)]
pub struct CircuitView {
    /// The version.
    #[serde(flatten)]
    pub version: VersionView,
    /// The network document (format v1, canonical form).
    #[schema(value_type = Object)]
    pub network: Value,
}

/// The outcome of a save or restore.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedVersion {
    /// The version holding the content: new, or the latest when the content did not change.
    pub version: i64,
    /// SHA-256 of the canonical document.
    pub digest: String,
    /// Creation time of that version (RFC 3339).
    pub created_at: String,
    /// Whether a new version was made (false: the content equals the latest version).
    pub created: bool,
    /// The version whose content was restored.
    pub restored_from: Option<i64>,
    /// Validation warnings of the core (the document was saved).
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<Issue>,
}

/// The changes between two versions (the core's change set).
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffView {
    /// Version diffed from.
    pub from: i64,
    /// Version diffed to.
    pub to: i64,
    /// Digest of `from`.
    pub from_digest: String,
    /// Digest of `to`.
    pub to_digest: String,
    /// Number of changes.
    pub count: usize,
    /// One line per element: `T1: vk_percent 6.0 -> 6.5; L7 removed`.
    pub summary: String,
    /// The changes (`op`: document, added, removed, changed, reordered, table_replaced).
    #[schema(value_type = Vec<Object>)]
    pub changes: Value,
}

/// Options of a save.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SaveParams {
    /// A note for the history (at most 500 characters).
    pub message: Option<String>,
}

/// A version number from the path: a number from 1, or `latest`.
fn version_param(text: &str) -> ApiResult<Option<i64>> {
    if text == "latest" {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(v) if v >= 1 => Ok(Some(v)),
        _ => Err(ApiError::NotFound("circuit version")),
    }
}

async fn find_version(state: &AppState, a: &ProjectAccess, text: &str) -> ApiResult<Version> {
    let pool = &state.db.pool;
    let (company, project) = (&a.project.company_id, &a.project.id);
    match version_param(text)? {
        Some(v) => db::circuits::get(pool, company, project, v).await?,
        None => db::circuits::latest(pool, company, project).await?,
    }
    .ok_or(ApiError::NotFound("circuit version"))
}

async fn load_network(state: &AppState, company: &str, digest: &str) -> ApiResult<String> {
    db::circuits::blob(&state.db.pool, company, digest)
        .await?
        .ok_or_else(|| ApiError::internal(format!("circuit blob {digest} missing")))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/circuits", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), PageParams),
    responses((status = 200, body = VersionList), (status = 404, body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<PageParams>,
) -> ApiResult<Json<VersionList>> {
    let (rows, page, per_page) = params.page()?;
    access::project(&state.db, &user, &id).await?;
    let items = db::circuits::list(&state.db.pool, &user.company_id, &id, rows).await?;
    let total = db::circuits::count(&state.db.pool, &user.company_id, &id).await?;
    Ok(Json(VersionList {
        items: items.into_iter().map(VersionView::from).collect(),
        total,
        page,
        per_page,
    }))
}

/// What the core made of a posted document.
struct Checked {
    canonical: String,
    digest: String,
    buses: i64,
    warnings: Vec<Issue>,
}

fn check_document(document: Value) -> Result<Checked, ampflux_core::Error> {
    let net = Network::from_value(document)?;
    let issues = net.validate();
    if issues.iter().any(Issue::is_error) {
        return Err(ampflux_core::Error::Invalid(issues));
    }
    Ok(Checked {
        canonical: net.canonical_json(),
        digest: net.digest(),
        buses: net.buses.len() as i64,
        warnings: issues,
    })
}

/// Appends a version with `digest` unless it equals the latest; returns the outcome.
#[allow(clippy::too_many_arguments)]
async fn append(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    project: &str,
    digest: &str,
    store: Option<(&str, i64)>,
    message: &str,
    restored_from: Option<i64>,
) -> ApiResult<(bool, Version)> {
    let company = &user.company_id;
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    // the project row's lock orders concurrent saves of one project (numbers stay dense)
    db::projects::touch(&mut *tx, company, project, now).await?;
    if let Some((canonical, buses)) = store {
        db::circuits::put_blob(&mut *tx, company, digest, canonical, buses, now).await?;
    }
    if let Some(latest) = db::circuits::latest(&mut *tx, company, project).await?
        && latest.digest == digest
    {
        return Ok((false, latest));
    }
    let version = db::circuits::append(
        &mut *tx,
        company,
        project,
        digest,
        message,
        restored_from,
        &user.id,
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        user,
        meta,
        Event {
            action: if restored_from.is_some() {
                "circuit.restore"
            } else {
                "circuit.save"
            },
            project_id: Some(project),
            target: Some(&version.to_string()),
            detail: json!({"version": version, "digest": digest, "restored_from": restored_from}),
        },
    )
    .await?;
    let saved = db::circuits::get(&mut *tx, company, project, version)
        .await?
        .ok_or_else(|| ApiError::internal("version vanished in its own transaction"))?;
    tx.commit().await?;
    Ok((true, saved))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/circuits", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), SaveParams),
    request_body(content = Object, description = "A network document (format v1; older versions are upgraded)"),
    responses((status = 201, description = "New version", body = SavedVersion),
              (status = 200, description = "Same content as the latest version: nothing stored", body = SavedVersion),
              (status = 402, description = "Bus limit of the plan", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "The core's issues, naming element and field", body = ErrorBody)))]
async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<SaveParams>,
    Body(document): Body<Value>,
) -> ApiResult<(StatusCode, Json<SavedVersion>)> {
    let a = access::project(&state.db, &user, &id).await?;
    a.require(Level::Write, "saving a circuit version")?;
    let message =
        super::input::optional_text("message", params.message.as_deref().unwrap_or(""), 500)?;
    let checked = tokio::task::spawn_blocking(move || check_document(document)).await??;
    let license = licensing::active(&state.db.pool, &user.company_id).await?;
    licensing::within(
        &license,
        "buses per circuit",
        license.plan.limits().max_buses_per_circuit,
        checked.buses,
    )?;
    let (created, v) = append(
        &state,
        &user,
        &meta,
        &id,
        &checked.digest,
        Some((&checked.canonical, checked.buses)),
        &message,
        None,
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(SavedVersion {
            version: v.version,
            digest: v.digest,
            created_at: rfc3339(v.created_at),
            created,
            restored_from: v.restored_from,
            warnings: checked.warnings,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/circuits/{version}", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"),
           ("version" = String, Path, description = "Version number, or `latest`")),
    responses((status = 200, body = CircuitView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, version)): Path<(String, String)>,
) -> ApiResult<Json<CircuitView>> {
    let a = access::project(&state.db, &user, &id).await?;
    let v = find_version(&state, &a, &version).await?;
    let text = load_network(&state, &user.company_id, &v.digest).await?;
    let network = serde_json::from_str(&text).map_err(ApiError::internal)?;
    Ok(Json(CircuitView {
        version: v.into(),
        network,
    }))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/circuits/{a}/diff/{b}", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"),
           ("a" = String, Path, description = "Version diffed from (number or `latest`)"),
           ("b" = String, Path, description = "Version diffed to (number or `latest`)")),
    responses((status = 200, body = DiffView), (status = 404, body = ErrorBody)))]
async fn diff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, a_text, b_text)): Path<(String, String, String)>,
) -> ApiResult<Json<DiffView>> {
    let a = access::project(&state.db, &user, &id).await?;
    let from = find_version(&state, &a, &a_text).await?;
    let to = find_version(&state, &a, &b_text).await?;
    let old = load_network(&state, &user.company_id, &from.digest).await?;
    let new = load_network(&state, &user.company_id, &to.digest).await?;
    let (count, summary, changes) = tokio::task::spawn_blocking(move || {
        let set = history::diff(&Network::from_json(&old)?, &Network::from_json(&new)?);
        let changes =
            serde_json::to_value(&set.changes).map_err(|e| ampflux_core::Error::Format {
                path: ".".into(),
                message: e.to_string(),
            })?;
        Ok::<_, ampflux_core::Error>((set.len(), set.summary(), changes))
    })
    .await?
    .map_err(ApiError::internal)?;
    Ok(Json(DiffView {
        from: from.version,
        to: to.version,
        from_digest: from.digest,
        to_digest: to.digest,
        count,
        summary,
        changes,
    }))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/circuits/{version}/restore", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"),
           ("version" = String, Path, description = "Version whose content becomes the newest version")),
    responses((status = 201, description = "New version with the old content", body = SavedVersion),
              (status = 200, description = "The latest version already has that content", body = SavedVersion),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn restore(
    State(state): State<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    Path((id, version)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<SavedVersion>)> {
    let a = access::project(&state.db, &user, &id).await?;
    a.require(Level::Write, "restoring a circuit version")?;
    let old = find_version(&state, &a, &version).await?;
    let message = format!("restore of version {}", old.version);
    let (created, v) = append(
        &state,
        &user,
        &meta,
        &id,
        &old.digest,
        None,
        &message,
        Some(old.version),
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(SavedVersion {
            version: v.version,
            digest: v.digest,
            created_at: rfc3339(v.created_at),
            created,
            restored_from: v.restored_from,
            warnings: Vec::new(),
        }),
    ))
}
