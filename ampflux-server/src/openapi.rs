//! The OpenAPI 3 document: the handlers' `#[utoipa::path]` annotations, collected by
//! `routes::api()`, on top of this description and the bearer security scheme.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's fixed parts.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "AmpFlux API",
        description = "IEC 60909 short-circuit studies as a service: companies, projects, circuit versions \
                       and simulations over the AmpFlux core. Authenticate with `POST /api/v1/auth/login` and \
                       send `Authorization: Bearer <access_token>`. Errors are `{code, message, issues}`.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Registration, login, token refresh, logout"),
        (name = "users", description = "The caller and the company's users"),
        (name = "projects", description = "Projects of the company"),
        (name = "members", description = "Project members and their roles"),
        (name = "circuits", description = "Circuit versions: save, history, diff, restore"),
        (name = "simulations", description = "Short-circuit studies as jobs, with cached results"),
        (name = "ai", description = "The AI assistant (issue 8)"),
        (name = "audit", description = "Audit log"),
        (name = "license", description = "Plan, limits, usage"),
        (name = "health", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT".to_string());
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
    }
}
