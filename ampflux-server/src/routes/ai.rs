//! `POST /api/v1/ai/ask`: the assistant of issue 8. Until a provider is configured the
//! route answers 501 after the checks every request gets (authentication, feature flag).

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::ai::{AskRequest, AskResponse};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Body;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ask))
}

#[utoipa::path(post, path = "/api/v1/ai/ask", tag = "ai", security(("bearer" = [])), request_body = AskRequest,
    responses((status = 200, body = AskResponse),
              (status = 403, description = "The assistant is switched off", body = ErrorBody),
              (status = 501, description = "No AI provider is configured yet", body = ErrorBody)))]
async fn ask(
    State(state): State<AppState>,
    _user: CurrentUser,
    Body(req): Body<AskRequest>,
) -> ApiResult<Json<AskResponse>> {
    if !state.config.features.ai_assistant {
        return Err(ApiError::Forbidden {
            code: "feature_disabled",
            message: "the AI assistant is switched off on this server".into(),
        });
    }
    super::input::text("prompt", &req.prompt, 8000)?;
    match &state.ai {
        None => Err(ApiError::NotImplemented(
            "the AI assistant is not available yet: no AI provider is configured (issue 8)".into(),
        )),
        Some(provider) => Err(ApiError::NotImplemented(format!(
            "the AI provider `{}` is registered but answering is not implemented yet (issue 8)",
            provider.name()
        ))),
    }
}
