//! The AI assistant: `POST /api/v1/ai/ask` answers with one JSON body, `POST /api/v1/ai/chat`
//! streams the same answer as server-sent events. Both take the same body and give the same
//! errors as real HTTP statuses: 402 inactive license, 403 switched off or not allowed, 404
//! unknown project, 422 invalid input, 429 daily AI quota of the plan, 502 provider failure,
//! 504 provider timeout.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use tokio::sync::mpsc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::ai::assistant::{Assistant, StreamEvent};
use crate::ai::{AskRequest, AskResponse};
use crate::auth::Authenticator;
use crate::error::{Error, ErrorBody, Result};
use crate::extract::Body;
use crate::services::Actor;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask))
        .routes(routes!(chat))
}

#[utoipa::path(post, path = "/api/v1/ai/ask", tag = "ai", security(("bearer" = [])), request_body = AskRequest,
    description = "Answers a question about a project. With a language model configured (AI_BASE_URL / AI_API_KEY): \
                   the model gets the project context and may call the tools get_circuit_summary, run_short_circuit, \
                   check_equipment_duty, explain_arc_flash and compare_versions (simulations run through the \
                   simulations' job path and are cached); answers \
                   are cached for AI_CACHE_TTL_SECS (`cached: true`). Without one: a rule-based engineering review of \
                   the project's latest circuit (`source: rule_based_review`: highest currents, the core's equipment \
                   duty checks, earth faults), labelled as not coming from a \
                   language model. Every request counts against the plan's AI requests per day and is audited.",
    responses((status = 200, body = AskResponse),
              (status = 402, description = "The company's license is not active", body = ErrorBody),
              (status = 403, description = "The assistant is switched off, or the review needs write access to run studies", body = ErrorBody),
              (status = 404, description = "Unknown project", body = ErrorBody),
              (status = 422, description = "Invalid input, no project when no language model is configured, no circuit", body = ErrorBody),
              (status = 429, description = "The plan's AI requests per day are used up (Retry-After: seconds to 00:00 UTC)", body = ErrorBody),
              (status = 502, description = "The AI provider failed, refused, or gave no usable answer", body = ErrorBody),
              (status = 504, description = "The AI provider (or a study the review waits for) did not answer in time", body = ErrorBody)))]
async fn ask(
    State(assistant): State<Assistant>,
    actor: Actor,
    Body(req): Body<AskRequest>,
) -> Result<Json<AskResponse>> {
    assistant.require_enabled()?;
    assistant
        .answer_and_audit(&actor, req, None)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/ai/chat", tag = "ai", security(("bearer" = [])), request_body = AskRequest,
    description = "The answer of `/api/v1/ai/ask` as server-sent events: `delta` events `{text}` with pieces of the \
                   answer as the model writes them, `tool` events with each tool the model called once it ran \
                   (`{name, arguments, ok, simulation_id}`), then one `done` event with the whole response of \
                   `/api/v1/ai/ask`. Failures before the first event are plain HTTP errors (the statuses of \
                   `/api/v1/ai/ask`); a failure after it is an `error` event `{code, message, status}`.",
    responses((status = 200, description = "text/event-stream of `delta`, `tool`, then `done` (or `error`)", content_type = "text/event-stream"),
              (status = 402, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
              (status = 502, body = ErrorBody), (status = 504, body = ErrorBody)))]
async fn chat(
    State(assistant): State<Assistant>,
    State(auth): State<Authenticator>,
    actor: Actor,
    Body(req): Body<AskRequest>,
) -> Result<Response> {
    assistant.require_enabled()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let revoked = auth.revoked(actor.caller.clone(), Duration::from_secs(2));
    tokio::spawn(async move {
        let done = assistant
            .answer_and_audit(&actor, req, Some(tx.clone()))
            .await;
        let _ = tx.send(StreamEvent::Done(Box::new(done)));
    });
    // the status is decided by the first event: an error before any output is a real
    // HTTP error, anything else starts the stream
    let first = rx
        .recv()
        .await
        .ok_or_else(|| Error::internal("the assistant task ended without a result"))?;
    if let StreamEvent::Done(done) = first {
        let response = (*done)?;
        let events = vec![
            sse(StreamEvent::Delta(response.answer.clone())),
            sse(StreamEvent::Done(Box::new(Ok(response)))),
        ];
        return Ok(Sse::new(stream::iter(events)).into_response());
    }
    let rest = stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|event| (event, rx))
    });
    // the stream ends when the caller's account or session does; the assistant stops when
    // the stream is gone (its client left, or this)
    let events = stream::once(async move { first })
        .chain(rest)
        .take_until(revoked)
        .map(sse);
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

fn sse(event: StreamEvent) -> Result<SseEvent, Infallible> {
    let (name, data) = match event {
        StreamEvent::Delta(text) => ("delta", serde_json::json!({ "text": text })),
        StreamEvent::Tool(run) => ("tool", serde_json::to_value(run).unwrap_or_default()),
        StreamEvent::Done(done) => match *done {
            Ok(response) => ("done", serde_json::to_value(response).unwrap_or_default()),
            Err(e) => {
                let mut body = serde_json::to_value(e.body()).unwrap_or_default();
                body["status"] = e.status().as_u16().into();
                ("error", body)
            }
        },
    };
    Ok(SseEvent::default().event(name).data(data.to_string()))
}
