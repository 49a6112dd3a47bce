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
                       send `Authorization: Bearer <access_token>`, or make an API key (`POST /api/v1/api-keys`) and send \
                       `Authorization: Bearer afk_...`. Errors are `{code, message, issues}`.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Registration, login, token refresh, logout"),
        (name = "users", description = "The caller and the company's users"),
        (name = "api-keys", description = "API keys for programs: `Authorization: Bearer afk_...` acts as the user who made the key"),
        (name = "projects", description = "Projects of the company"),
        (name = "members", description = "Project members and their roles"),
        (name = "circuits", description = "Circuit versions: save, history, diff, restore"),
        (name = "simulations", description = "Short-circuit studies as jobs, with cached results"),
        (name = "ai", description = "The AI engineering assistant: answers from results the engine computed (project context, tools that run studies), or a rule-based review when no language model is configured"),
        (name = "audit", description = "Audit log"),
        (name = "license", description = "Plan, limits, usage"),
        (name = "health", description = "Health and metrics"),
        (name = "admin", description = "The operator's routes (AMPFLUX_OPERATOR_TOKEN): companies and their plans"),
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
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Adds to every operation of the assembled document the error answers that the shared
/// layers give, where the operation does not document them itself: 400 (unreadable JSON or
/// query), 401 (secured operations), 404 (operations with path ids), 413 (bodies over the
/// limit), 422 (invalid input), 429 (rate limits) and 503 (database or Redis unavailable),
/// each with the `{code, message, issues}` body.
pub fn complete(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};

    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                )
                .build(),
        )
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            continue;
        }
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let params: Vec<ParameterIn> = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) => Some(p.parameter_in.clone()),
                    RefOr::Ref(_) => None,
                })
                .collect();
            let has_body = op.request_body.is_some();
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let mut add = |code: &str, description: &str, when: bool| {
                if when {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| error(description));
                }
            };
            add(
                "400",
                "Unreadable request: malformed JSON, wrong content type or query",
                has_body || params.contains(&ParameterIn::Query),
            );
            add(
                "401",
                "Missing, invalid or expired access token, or its account was deleted",
                secured,
            );
            add(
                "404",
                "Not found (or belonging to another company)",
                params.contains(&ParameterIn::Path),
            );
            add(
                "413",
                "The body is larger than the server accepts",
                has_body,
            );
            add(
                "422",
                "Invalid input; `issues` name each problem",
                has_body || !params.is_empty(),
            );
            add(
                "429",
                "Too many requests; retry after `Retry-After` seconds",
                true,
            );
            add(
                "503",
                "The database or Redis is unavailable; retry shortly",
                true,
            );
        }
    }
}
