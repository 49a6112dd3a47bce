//! `/api/v1/api-keys`: API keys for programs (`Authorization: Bearer afk_...`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::db::api_keys::ApiKey;
use crate::error::{ErrorBody, Result};
use crate::extract::Body;
use crate::ids::{ApiKeyId, UserId};
use crate::services::Actor;
use crate::services::api_keys::ApiKeys;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// A new API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "nightly studies"}))]
pub struct CreateApiKey {
    /// What the key is for (1 to 100 characters).
    pub name: String,
}

/// An API key just made: `key` is the whole key, shown only in this answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyCreated {
    /// Id (for `DELETE /api/v1/api-keys/{id}`).
    #[schema(value_type = String)]
    pub id: ApiKeyId,
    /// Name.
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    /// The key: `afk_` and 64 hex digits. Send it as `Authorization: Bearer <key>`.
    pub key: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
}

/// An API key, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    /// Id.
    #[schema(value_type = String)]
    pub id: ApiKeyId,
    /// Name.
    pub name: String,
    /// The first characters of the key.
    pub prefix: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last request made with the key, to the minute (RFC 3339), or null.
    pub last_used_at: Option<String>,
    /// The user the key acts as.
    #[schema(value_type = String)]
    pub user_id: UserId,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> ApiKeyView {
        ApiKeyView {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: rfc3339(k.created_at),
            last_used_at: k.last_used_at.map(rfc3339),
            user_id: k.user_id,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", security(("bearer" = [])), request_body = CreateApiKey,
    description = "Makes a key that acts as the caller (same company, same role) for programs. The whole key \
                   is in this answer only; the server keeps its SHA-256. An API key cannot make keys.",
    responses((status = 201, body = ApiKeyCreated), (status = 403, description = "Called with an API key", body = ErrorBody),
              (status = 409, description = "The user has the most keys allowed", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create(
    State(keys): State<ApiKeys>,
    actor: Actor,
    Body(req): Body<CreateApiKey>,
) -> Result<(StatusCode, Json<ApiKeyCreated>)> {
    let made = keys.create(&actor, &req.name).await?;
    let k = made.key;
    let body = ApiKeyCreated {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        key: made.secret,
        created_at: rfc3339(k.created_at),
    };
    Ok((StatusCode::CREATED, Json(body)))
}

#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys", security(("bearer" = [])),
    description = "The caller's open keys (a company_admin: every open key of the company), newest first.",
    responses((status = 200, body = Vec<ApiKeyView>), (status = 401, body = ErrorBody)))]
async fn list(State(keys): State<ApiKeys>, caller: Caller) -> Result<Json<Vec<ApiKeyView>>> {
    let found = keys.list(&caller).await?;
    Ok(Json(found.into_iter().map(ApiKeyView::from).collect()))
}

#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api-keys", security(("bearer" = [])),
    params(("id" = String, Path, description = "API key id")),
    description = "Revokes a key (the caller's own; a company_admin: any of the company's). Requests made with it \
                   answer 401 from now on.",
    responses((status = 204, description = "Revoked"), (status = 404, body = ErrorBody)))]
async fn revoke(
    State(keys): State<ApiKeys>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    keys.revoke(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
