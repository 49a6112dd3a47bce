//! `/api/v1/projects/{id}/circuits`: the versions of a project's network document. The core
//! reads, validates, canonicalizes and diffs every document; the server stores and numbers.

use ampflux_core::Issue;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::db::circuits::Version;
use crate::error::Error;
use crate::error::{ErrorBody, Result};
use crate::extract::{Body, JsonBytes, PageParams, QueryParams};
use crate::ids::UserId;
use crate::services::Actor;
use crate::services::circuits::{self as versions, Circuits, MergeRequest, Saved};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, save))
        .routes(routes!(get_one))
        .routes(routes!(diff))
        .routes(routes!(restore))
        .routes(routes!(merge))
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
    #[schema(value_type = String)]
    pub created_by: UserId,
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

impl From<Saved> for SavedVersion {
    fn from(s: Saved) -> SavedVersion {
        SavedVersion {
            version: s.version.version,
            digest: s.version.digest,
            created_at: rfc3339(s.version.created_at),
            created: s.created,
            restored_from: s.version.restored_from,
            warnings: s.warnings,
        }
    }
}

fn saved_status(s: &Saved) -> StatusCode {
    if s.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/circuits", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), PageParams),
    responses((status = 200, body = VersionList), (status = 404, body = ErrorBody)))]
async fn list(
    State(circuits): State<Circuits>,
    caller: Caller,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Json<VersionList>> {
    let (rows, page, per_page) = params.page()?;
    let found = circuits.list(&caller, &id, rows).await?;
    Ok(Json(VersionList {
        items: found.items.into_iter().map(VersionView::from).collect(),
        total: found.total,
        page,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/circuits", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), SaveParams),
    request_body(content = Object, description = "A network document (format v1; older versions are upgraded)",
        example = json!({"format": "ampflux-network", "version": 1, "name": "README example", "frequency_hz": 50,
            "buses": [{"id": "Q", "vn_kv": 20.0}, {"id": "F", "vn_kv": 0.4}],
            "external_grids": [{"id": "Grid", "bus": "Q", "s_sc_max_mva": 346.41, "rx_max": 0.1}],
            "transformers": [{"id": "T1", "hv_bus": "Q", "lv_bus": "F", "sn_mva": 0.63, "vn_hv_kv": 20.0,
                "vn_lv_kv": 0.41, "vk_percent": 4.0, "vkr_percent": 1.0317, "vector_group": "Dyn5"}]})),
    responses((status = 201, description = "New version", body = SavedVersion),
              (status = 200, description = "Same content as the latest version: nothing stored", body = SavedVersion),
              (status = 402, description = "Bus limit of the plan (checked before the document is read in full)", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "The core's issues, naming element and field", body = ErrorBody)))]
async fn save(
    State(circuits): State<Circuits>,
    actor: Actor,
    Path(id): Path<String>,
    QueryParams(params): QueryParams<SaveParams>,
    JsonBytes(document): JsonBytes,
) -> Result<(StatusCode, Json<SavedVersion>)> {
    let saved = circuits
        .save(&actor, &id, document, params.message.as_deref())
        .await?;
    Ok((saved_status(&saved), Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/circuits/{version}", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"),
           ("version" = String, Path, description = "Version number, or `latest`")),
    responses((status = 200, body = CircuitView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(circuits): State<Circuits>,
    caller: Caller,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<CircuitView>> {
    let (v, network) = circuits.get(&caller, &id, &version).await?;
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
    State(circuits): State<Circuits>,
    caller: Caller,
    Path((id, a, b)): Path<(String, String, String)>,
) -> Result<Json<DiffView>> {
    let d = circuits.diff(&caller, &id, &a, &b).await?;
    Ok(Json(DiffView {
        from: d.from.version,
        to: d.to.version,
        from_digest: d.from.digest,
        to_digest: d.to.digest,
        count: d.count,
        summary: d.summary,
        changes: d.changes,
    }))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/circuits/{version}/restore", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"),
           ("version" = String, Path, description = "Version whose content becomes the newest version")),
    responses((status = 201, description = "New version with the old content", body = SavedVersion),
              (status = 200, description = "The latest version already has that content", body = SavedVersion),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn restore(
    State(circuits): State<Circuits>,
    actor: Actor,
    Path((id, version)): Path<(String, String)>,
) -> Result<(StatusCode, Json<SavedVersion>)> {
    let saved = circuits.restore(&actor, &id, &version).await?;
    Ok((saved_status(&saved), Json(saved.into())))
}

/// A version named in a merge: a number from 1, or `"latest"`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum MergeVersion {
    /// Version number.
    Number(i64),
    /// `latest`.
    Name(String),
}

impl MergeVersion {
    fn parse(&self, field: &str) -> Result<versions::VersionRef> {
        let parsed = match self {
            MergeVersion::Number(n) => versions::VersionRef::parse(&n.to_string()),
            MergeVersion::Name(n) => versions::VersionRef::parse(n),
        };
        parsed.ok_or_else(|| {
            Error::invalid_field(
                field,
                "invalid_version",
                "a version number from 1, or \"latest\"",
            )
        })
    }
}

/// A three-way merge: the changes from `base` to `theirs` applied to `ours`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"base": 1, "ours": "latest", "theirs": 2, "save": false}))]
pub struct MergeBody {
    /// The common base of both versions.
    pub base: MergeVersion,
    /// The version merged into; its values win in conflicts (default `latest`).
    #[serde(default)]
    pub ours: Option<MergeVersion>,
    /// The version whose changes since `base` are merged in.
    pub theirs: MergeVersion,
    /// Save the merged network as the newest version when there are no conflicts (default
    /// false: only report the merge).
    #[serde(default)]
    pub save: bool,
}

/// The outcome of a merge.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergeView {
    /// The base version.
    pub base: i64,
    /// The version merged into.
    pub ours: i64,
    /// The version merged in.
    pub theirs: i64,
    /// Whether the merge is clean (no conflicts).
    pub clean: bool,
    /// Fields changed to different values on both sides, each `{table, id, field, base,
    /// ours, theirs}` (`field` `*`: the element as a whole, removed on one side and changed on
    /// the other); the merged network keeps ours.
    #[schema(value_type = Vec<Object>)]
    pub conflicts: Value,
    /// Their changes applied on top of ours (the change format of the diff).
    #[schema(value_type = Vec<Object>)]
    pub applied: Value,
    /// Number of changes applied.
    pub applied_count: usize,
    /// One line per element changed by the merge.
    pub summary: String,
    /// The merged network document (format v1, canonical form).
    #[schema(value_type = Object)]
    pub network: Value,
    /// The version saved (with `save` and no conflicts), else null.
    pub saved: Option<SavedVersion>,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/circuits/merge", tag = "circuits", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")), request_body = MergeBody,
    description = "Three-way merge with the core: the changes from `base` to `theirs` are applied to `ours`. Changes to \
                   different fields combine; a field changed to different values on both sides is a conflict (the merged \
                   network keeps ours) and is listed in `conflicts`. With `save: true` and no conflicts the merged network \
                   becomes the newest version (201); otherwise nothing is stored (200).",
    responses((status = 200, description = "Merged (not saved: asked not to, or conflicts)", body = MergeView),
              (status = 201, description = "Merged and saved as a new version", body = MergeView),
              (status = 402, description = "Bus limit of the plan", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "A version that cannot exist, or a merged network the core refuses", body = ErrorBody)))]
async fn merge(
    State(circuits): State<Circuits>,
    actor: Actor,
    Path(id): Path<String>,
    Body(req): Body<MergeBody>,
) -> Result<(StatusCode, Json<MergeView>)> {
    let request = MergeRequest {
        base: req.base.parse("base")?,
        ours: match &req.ours {
            Some(v) => v.parse("ours")?,
            None => versions::VersionRef::Latest,
        },
        theirs: req.theirs.parse("theirs")?,
        save: req.save,
    };
    let m = circuits.merge(&actor, &id, request).await?;
    let status = match &m.saved {
        Some(s) if s.created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    let view = MergeView {
        base: m.base.version,
        ours: m.ours.version,
        theirs: m.theirs.version,
        clean: m.conflict_count == 0,
        conflicts: m.conflicts,
        applied: m.applied,
        applied_count: m.applied_count,
        summary: m.summary,
        network: m.network,
        saved: m.saved.map(SavedVersion::from),
    };
    Ok((status, Json(view)))
}
