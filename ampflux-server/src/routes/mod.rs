//! One module per resource; each exposes `router()` with its documented handlers.

pub mod admin;
pub mod ai;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod circuits;
pub mod health;
pub mod license;
pub mod members;
pub mod projects;
pub mod simulations;
pub mod users;
pub mod web;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::openapi::ApiDoc;
use crate::state::AppState;

/// Every documented route, with the OpenAPI document they make.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(users::router())
        .merge(api_keys::router())
        .merge(projects::router())
        .merge(members::router())
        .merge(circuits::router())
        .merge(simulations::router())
        .merge(ai::router())
        .merge(audit::router())
        .merge(license::router())
        .merge(admin::router())
        .merge(health::router())
}
