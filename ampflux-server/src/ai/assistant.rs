//! One request to the assistant: input checks, project access, the plan's daily AI quota,
//! then either the language model (cache, context, bounded tool loop) or, without a
//! provider, the rule-based review. Every request is audited with its token usage.

use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc::UnboundedSender;

use super::cache::{self, KeyParts};
use super::context::{self, SYSTEM_MESSAGE};
use super::provider::{ChatRequest, Message, Usage};
use super::review::{Review, ReviewStudy};
use super::tools::{self, ToolEnv};
use super::{AnswerSource, AskRequest, AskResponse, ToolRun};
use crate::audit::{self, Event};
use crate::auth::CurrentUser;
use crate::auth::access::{self, ProjectAccess};
use crate::clock::{day_of, now_ms};
use crate::db::usage;
use crate::error::{ApiError, ApiResult};
use crate::extract::RequestMeta;
use crate::licensing;
use crate::routes::input;
use crate::state::AppState;

/// The model name in the cache key of the rule-based review.
const REVIEW_MODEL: &str = "rule-based-review/1";

/// What a streamed request reports as it goes.
#[derive(Debug)]
pub enum StreamEvent {
    /// A piece of the answer text.
    Delta(String),
    /// A tool the model called, after it ran.
    Tool(ToolRun),
    /// The end: the whole answer, or the error.
    Done(Box<ApiResult<AskResponse>>),
}

/// Answers `req` and records it in the audit log (`ai.ask`, or `ai.chat` when streamed),
/// failures included. With `events`, text and tool runs are sent as they come and the
/// result last.
pub async fn answer_and_audit(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    req: AskRequest,
    events: Option<UnboundedSender<StreamEvent>>,
) -> ApiResult<AskResponse> {
    let streamed = events.is_some();
    let project_id = req.project_id.clone();
    let prompt_chars = req.prompt.chars().count();
    // inside the server's request time limit, so that a slow provider or a long tool loop
    // ends as a 504 that is audited, not as the middleware's bare 408
    let limit = state
        .config
        .request_timeout
        .saturating_sub(Duration::from_secs(2))
        .max(Duration::from_secs(1));
    let result =
        match tokio::time::timeout(limit, answer(state, user, meta, req, events.as_ref())).await {
            Ok(result) => result,
            Err(_) => Err(ApiError::GatewayTimeout(format!(
                "the assistant did not finish within {} s (AMPFLUX_REQUEST_TIMEOUT_SECS)",
                limit.as_secs()
            ))),
        };
    let detail = match &result {
        Ok(r) => json!({
            "status": 200,
            "source": r.source,
            "model": r.model,
            "cached": r.cached,
            "steps": r.steps,
            "prompt_tokens": r.usage.prompt_tokens,
            "completion_tokens": r.usage.completion_tokens,
            "total_tokens": r.usage.total_tokens,
            "tool_calls": r.tool_calls.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            "simulations": r.simulations,
            "prompt_chars": prompt_chars,
        }),
        Err(e) => json!({
            "status": e.status().as_u16(),
            "error": e.body().code,
            "model": state.ai.as_ref().map(|p| p.model().to_string()),
            "prompt_chars": prompt_chars,
        }),
    };
    metrics::counter!("ampflux_ai_requests_total",
        "outcome" => match &result { Ok(r) if r.cached => "cached", Ok(_) => "answered", Err(_) => "failed" })
    .increment(1);
    // a project id that is not one (or not the caller's) is not written as a reference
    let known_project = project_id
        .as_deref()
        .filter(|_| !matches!(&result, Err(ApiError::NotFound(_))));
    let recorded = audit::record(
        &state.db.pool,
        user,
        meta,
        Event {
            action: if streamed { "ai.chat" } else { "ai.ask" },
            project_id: known_project,
            target: None,
            detail,
        },
    )
    .await;
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "could not audit an AI request");
        if result.is_ok() {
            return Err(e.into());
        }
    }
    result
}

async fn answer(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    req: AskRequest,
    events: Option<&UnboundedSender<StreamEvent>>,
) -> ApiResult<AskResponse> {
    let prompt = input::text("prompt", &req.prompt, 8000)?;
    if req.history.len() > 20 {
        return Err(ApiError::invalid_field(
            "history",
            "too_long",
            "at most 20 earlier turns",
        ));
    }
    for (i, turn) in req.history.iter().enumerate() {
        if turn.role != "user" && turn.role != "assistant" {
            return Err(ApiError::invalid_field(
                &format!("history[{i}].role"),
                "invalid_role",
                "must be `user` or `assistant`",
            ));
        }
        input::text(&format!("history[{i}].content"), &turn.content, 8000)?;
    }
    let project = match req.project_id.as_deref() {
        Some(id) => Some(access::project(&state.db, user, id).await?),
        None => None,
    };
    if state.ai.is_none() && project.is_none() {
        return Err(ApiError::invalid_field(
            "project_id",
            "required",
            "no language model is configured on this server (AI_BASE_URL / AI_API_KEY); \
             the rule-based review answers about a project: give its id",
        ));
    }
    take_quota(state, &user.company_id).await?;
    match &state.ai {
        Some(_) => ask_model(state, user, meta, &req, &prompt, project.as_ref(), events).await,
        None => match project {
            Some(p) => review(state, user, meta, &p, events).await,
            None => Err(ApiError::internal("checked above")),
        },
    }
}

/// Counts the request against the plan's AI requests per day: 429 past the limit (not
/// counted then), with `Retry-After` until the next UTC day.
async fn take_quota(state: &AppState, company: &str) -> ApiResult<()> {
    let license = licensing::active(&state.db.pool, company).await?;
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    let used = usage::increment(&mut *tx, company, usage::Kind::AiRequests, day_of(now)).await?;
    if let Some(max) = license.plan.limits().ai_requests_per_day
        && used > max
    {
        let next_day_ms = (day_of(now) + 1) * 86_400_000;
        return Err(ApiError::QuotaExceeded {
            code: "ai_quota",
            message: format!(
                "the {} plan allows {max} AI assistant requests per day and today's are used up; \
                 they start again at 00:00 UTC. A company_admin can change the plan with PUT /api/v1/license",
                license.plan
            ),
            retry_after_s: ((next_day_ms - now) / 1000).max(1) as u64,
        });
    }
    tx.commit().await?;
    Ok(())
}

fn send(events: Option<&UnboundedSender<StreamEvent>>, event: StreamEvent) {
    if let Some(tx) = events {
        let _ = tx.send(event);
    }
}

async fn ask_model(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    req: &AskRequest,
    prompt: &str,
    project: Option<&ProjectAccess>,
    events: Option<&UnboundedSender<StreamEvent>>,
) -> ApiResult<AskResponse> {
    let Some(provider) = state.ai.clone() else {
        return Err(ApiError::internal("no provider"));
    };
    let config = &state.config.ai;
    let model = provider.model().to_string();
    let ctx = match project {
        Some(a) => context::build(state, &a.project, config.context_tokens).await?,
        None => context::ProjectContext::default(),
    };
    let history = serde_json::to_string(&req.history).map_err(ApiError::internal)?;
    let key = cache::key(&KeyParts {
        company: &user.company_id,
        system: SYSTEM_MESSAGE,
        context: &ctx.text,
        history: &history,
        prompt,
        model: &model,
    });
    if let Some(hit) = cached(state, &key).await {
        send(events, StreamEvent::Delta(hit.answer.clone()));
        return Ok(hit);
    }

    let mut messages = vec![Message::text("system", SYSTEM_MESSAGE)];
    if !ctx.text.is_empty() {
        messages.push(Message::text(
            "system",
            format!(
                "Project context (computed by AmpFlux; cite the simulation ids):\n{}",
                ctx.text
            ),
        ));
    }
    for turn in &req.history {
        messages.push(Message::text(&turn.role, turn.content.clone()));
    }
    messages.push(Message::text("user", prompt));
    let tool_defs = match (project, ctx.version) {
        (Some(_), Some(_)) => tools::definitions(),
        _ => Vec::new(),
    };

    let on_delta = |text: String| send(events, StreamEvent::Delta(text));
    let deltas: Option<&(dyn Fn(String) + Send + Sync)> = events.map(|_| &on_delta as _);
    let mut usage = Usage::default();
    let mut tool_runs: Vec<ToolRun> = Vec::new();
    let mut simulations = ctx.simulations.clone();
    let mut steps = 0;
    let mut answer = None;
    while steps < config.max_steps {
        steps += 1;
        let allow_tools = !tool_defs.is_empty() && steps < config.max_steps;
        let request = ChatRequest {
            messages: messages.clone(),
            tools: tool_defs.clone(),
            allow_tools,
        };
        let completion = provider.complete(&request, deltas).await?;
        usage.add(completion.usage);
        let calls = completion.message.tool_calls.clone();
        if calls.is_empty() {
            answer = completion.message.content;
            break;
        }
        if !allow_tools {
            break;
        }
        let Some(a) = project else { break };
        let env = ToolEnv {
            state,
            user,
            meta,
            project: &a.project,
        };
        let mut said = completion.message;
        said.role = "assistant".into();
        for (i, call) in said.tool_calls.iter_mut().enumerate() {
            if call.id.is_empty() {
                call.id = format!("call_{steps}_{i}");
            }
        }
        messages.push(said.clone());
        for call in &said.tool_calls {
            let outcome = tools::run(&env, call).await;
            if let Some(id) = &outcome.run.simulation_id
                && !simulations.contains(id)
            {
                simulations.push(id.clone());
            }
            send(events, StreamEvent::Tool(outcome.run.clone()));
            tool_runs.push(outcome.run);
            messages.push(Message::tool(&call.id, outcome.content));
        }
    }
    let answer = answer
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| ApiError::BadGateway {
            code: "ai_no_answer",
            message: format!(
                "the language model gave no answer within {steps} step(s) (AI_MAX_STEPS)"
            ),
        })?;
    let response = AskResponse {
        answer,
        source: AnswerSource::LanguageModel,
        model: Some(model),
        cached: false,
        usage,
        steps,
        tool_calls: tool_runs,
        simulations,
        project_id: project.map(|a| a.project.id.clone()),
        circuit_version: ctx.version,
        review: None,
    };
    store(state, &key, &response).await;
    Ok(response)
}

/// A cached answer, marked as such: no tokens, no steps this time.
async fn cached(state: &AppState, key: &str) -> Option<AskResponse> {
    let text = state.ai_cache.get(key).await?;
    let mut hit: AskResponse = serde_json::from_str(&text).ok()?;
    hit.cached = true;
    hit.usage = Usage::default();
    hit.steps = 0;
    Some(hit)
}

async fn store(state: &AppState, key: &str, response: &AskResponse) {
    if let Ok(text) = serde_json::to_string(response) {
        state
            .ai_cache
            .put(key, &text, state.config.ai.cache_ttl)
            .await;
    }
}

/// The rule-based review of the project's latest circuit version: three-phase and
/// line-to-earth studies (maximum case) through the simulations' job path, then the
/// rules of [`Review`].
async fn review(
    state: &AppState,
    user: &CurrentUser,
    meta: &RequestMeta,
    a: &ProjectAccess,
    events: Option<&UnboundedSender<StreamEvent>>,
) -> ApiResult<AskResponse> {
    let company = &user.company_id;
    let Some((version, net)) = context::latest_circuit(state, company, &a.project.id).await? else {
        return Err(ApiError::invalid_field(
            "project_id",
            "no_circuit",
            "the project has no circuit version yet: save one with POST /api/v1/projects/{id}/circuits",
        ));
    };
    // the answer depends on the circuit only (the question is not interpreted)
    let key = cache::key(&KeyParts {
        company,
        system: "rule-based engineering review",
        context: &version.digest,
        history: "",
        prompt: "",
        model: REVIEW_MODEL,
    });
    if let Some(hit) = cached(state, &key).await {
        send(events, StreamEvent::Delta(hit.answer.clone()));
        return Ok(hit);
    }
    let wait = state.config.ai.tool_wait;
    let project = &a.project.id;
    let (sim3, report3) = tools::run_study(
        state,
        user,
        meta,
        project,
        json!({"fault": "3ph", "case": "max"}),
        wait,
    )
    .await?;
    let earth = match tools::run_study(
        state,
        user,
        meta,
        project,
        json!({"fault": "1ph", "case": "max"}),
        wait,
    )
    .await
    {
        Ok(found) => Ok(found),
        Err(ApiError::Invalid { message, .. }) => Err(message),
        Err(ApiError::Forbidden {
            code: "feature_disabled",
            ..
        }) => Err("unbalanced faults are switched off on this server".to_string()),
        Err(e) => return Err(e),
    };
    let s3 = ReviewStudy {
        label: "three-phase",
        simulation_id: &sim3.id,
        report: &report3,
    };
    let s1 = earth.as_ref().map(|(sim, report)| ReviewStudy {
        label: "line-to-earth",
        simulation_id: &sim.id,
        report,
    });
    let findings = Review::new(
        &net,
        version.version,
        &s3,
        s1.as_ref().map_err(|e| (*e).clone()),
    );
    let mut simulations = vec![sim3.id.clone()];
    let mut studies = vec![s3];
    if let Ok(s) = s1 {
        simulations.push(s.simulation_id.to_string());
        studies.push(s);
    }
    let answer = findings.text(&studies);
    send(events, StreamEvent::Delta(answer.clone()));
    let response = AskResponse {
        answer,
        source: AnswerSource::RuleBasedReview,
        model: None,
        cached: false,
        usage: Usage::default(),
        steps: 0,
        tool_calls: Vec::new(),
        simulations,
        project_id: Some(a.project.id.clone()),
        circuit_version: Some(version.version),
        review: serde_json::to_value(&findings).ok(),
    };
    store(state, &key, &response).await;
    Ok(response)
}
