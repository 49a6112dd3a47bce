//! One request to the assistant: input checks, project access, the plan's daily AI quota,
//! then either the language model (cache, context, bounded tool loop) or, without a
//! provider, the rule-based review. Every request is audited with its token usage.

use std::sync::Arc;
use std::time::Duration;

use ampflux_core::StudyReport;
use ampflux_core::duty::DutyReport;
use serde_json::json;
use tokio::sync::mpsc::UnboundedSender;

use super::cache::{self, AnswerCache, KeyParts};
use super::config::AiConfig;
use super::context::{self, SYSTEM_MESSAGE};
use super::provider::{ChatRequest, Message, Usage};
use super::review::{DutyStudy, Review, ReviewStudy};
use super::tools::{self, ToolEnv};
use super::{AnswerSource, AskRequest, AskResponse, Provider, ToolRun};
use crate::auth::access::ProjectAccess;
use crate::clock::{day_of, now_ms};
use crate::db::{Db, usage};
use crate::error::{Error, Result};
use crate::services::audit::{self, Event};
use crate::services::circuits::{Circuits, VersionRef};
use crate::services::simulations::Simulations;
use crate::services::{Actor, input, licenses};

/// The model name in the cache key of the rule-based review.
const REVIEW_MODEL: &str = "rule-based-review/2";

/// What a streamed request reports as it goes.
#[derive(Debug)]
pub enum StreamEvent {
    /// A piece of the answer text.
    Delta(String),
    /// A tool the model called, after it ran.
    Tool(ToolRun),
    /// The end: the whole answer, or the error.
    Done(Box<Result<AskResponse>>),
}

/// The assistant: its provider (if any), its cache, and the services its tools use.
#[derive(Clone)]
pub struct Assistant {
    db: Db,
    provider: Option<Arc<dyn Provider>>,
    cache: AnswerCache,
    config: AiConfig,
    request_timeout: Duration,
    enabled: bool,
    circuits: Circuits,
    simulations: Simulations,
}

/// What the assistant is made of.
pub struct AssistantParts {
    /// The language model (`None`: the rule-based review answers).
    pub provider: Option<Arc<dyn Provider>>,
    /// The answer cache.
    pub cache: AnswerCache,
    /// The `AI_*` settings.
    pub config: AiConfig,
    /// The server's request time limit (the assistant ends a little before it).
    pub request_timeout: Duration,
    /// Whether the feature is on.
    pub enabled: bool,
    /// The circuit versions.
    pub circuits: Circuits,
    /// The simulations.
    pub simulations: Simulations,
}

impl Assistant {
    /// The assistant over `db` and its parts.
    pub fn new(db: Db, parts: AssistantParts) -> Assistant {
        Assistant {
            db,
            provider: parts.provider,
            cache: parts.cache,
            config: parts.config,
            request_timeout: parts.request_timeout,
            enabled: parts.enabled,
            circuits: parts.circuits,
            simulations: parts.simulations,
        }
    }

    /// Forbidden when the assistant is switched off on this server.
    pub fn require_enabled(&self) -> Result<()> {
        if self.enabled {
            Ok(())
        } else {
            Err(Error::Forbidden {
                code: "feature_disabled",
                message: "the AI assistant is switched off on this server".into(),
            })
        }
    }

    /// The provider and model, for the health report (`not configured` without one).
    pub fn status(&self) -> String {
        super::status(self.provider.as_deref())
    }

    /// Where answers are cached (`memory` or `redis`).
    pub fn cache_kind(&self) -> &'static str {
        self.cache.kind()
    }

    /// Answers `req` and records it in the audit log (`ai.ask`, or `ai.chat` when streamed),
    /// failures included. With `events`, text and tool runs are sent as they come and the
    /// result last.
    pub async fn answer_and_audit(
        &self,
        actor: &Actor,
        req: AskRequest,
        events: Option<UnboundedSender<StreamEvent>>,
    ) -> Result<AskResponse> {
        let streamed = events.is_some();
        let project_id = req.project_id.clone();
        let prompt_chars = req.prompt.chars().count();
        // inside the server's request time limit, so that a slow provider or a long tool loop
        // ends as a 504 that is audited, not as the middleware's bare 408
        let limit = self
            .request_timeout
            .saturating_sub(Duration::from_secs(2))
            .max(Duration::from_secs(1));
        let work = tokio::time::timeout(limit, self.answer(actor, req, events.as_ref()));
        // a streamed answer stops when its client leaves (the stream's receiver is dropped)
        let gone = async {
            match &events {
                Some(tx) => tx.closed().await,
                None => std::future::pending().await,
            }
        };
        let result = tokio::select! {
            done = work => match done {
                Ok(result) => result,
                Err(_) => Err(Error::UpstreamTimeout(format!(
                    "the assistant did not finish within {} s (AMPFLUX_REQUEST_TIMEOUT_SECS)",
                    limit.as_secs()
                ))),
            },
            _ = gone => Err(Error::ClientClosed),
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
                "model": self.provider.as_ref().map(|p| p.model().to_string()),
                "prompt_chars": prompt_chars,
            }),
        };
        metrics::counter!("ampflux_ai_requests_total",
        "outcome" => match &result { Ok(r) if r.cached => "cached", Ok(_) => "answered", Err(_) => "failed" })
    .increment(1);
        // a project id that is not one (or not the caller's) is not written as a reference
        let known_project = project_id
            .as_deref()
            .filter(|_| !matches!(&result, Err(Error::NotFound(_))))
            .and_then(crate::ids::ProjectId::parse);
        let recorded = audit::record(
            &self.db.pool,
            actor,
            Event {
                action: if streamed { "ai.chat" } else { "ai.ask" },
                project_id: known_project.as_ref(),
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
        &self,
        actor: &Actor,
        req: AskRequest,
        events: Option<&UnboundedSender<StreamEvent>>,
    ) -> Result<AskResponse> {
        let prompt = input::text("prompt", &req.prompt, 8000)?;
        if req.history.len() > 20 {
            return Err(Error::invalid_field(
                "history",
                "too_long",
                "at most 20 earlier turns",
            ));
        }
        for (i, turn) in req.history.iter().enumerate() {
            if turn.role != "user" && turn.role != "assistant" {
                return Err(Error::invalid_field(
                    &format!("history[{i}].role"),
                    "invalid_role",
                    "must be `user` or `assistant`",
                ));
            }
            input::text(&format!("history[{i}].content"), &turn.content, 8000)?;
        }
        let project = match req.project_id.as_deref() {
            Some(id) => Some(self.circuits.projects().access(&actor.caller, id).await?),
            None => None,
        };
        if self.provider.is_none() && project.is_none() {
            return Err(Error::invalid_field(
                "project_id",
                "required",
                "no language model is configured on this server (AI_BASE_URL / AI_API_KEY); \
             the rule-based review answers about a project: give its id",
            ));
        }
        self.take_quota(&actor.caller.company_id).await?;
        match &self.provider {
            Some(_) => {
                self.ask_model(actor, &req, &prompt, project.as_ref(), events)
                    .await
            }
            None => match project {
                Some(p) => self.review(actor, &p, events).await,
                None => Err(Error::internal("checked above")),
            },
        }
    }

    /// Counts the request against the plan's AI requests per day: over quota past the limit
    /// (not counted then), retry at the next UTC day.
    async fn take_quota(&self, company: &crate::ids::CompanyId) -> Result<()> {
        let license = licenses::active(&self.db.pool, company).await?;
        let now = now_ms();
        let mut tx = self.db.begin_write().await?;
        let used =
            usage::increment(tx.conn(), company, usage::Kind::AiRequests, day_of(now)).await?;
        if let Some(max) = license.plan.limits().ai_requests_per_day
            && used > max
        {
            let next_day_ms = (day_of(now) + 1) * 86_400_000;
            return Err(Error::QuotaExceeded {
                code: "ai_quota",
                message: format!(
                    "the {} plan allows {max} AI assistant requests per day and today's are used up; \
                 they start again at 00:00 UTC. the operator of this server changes plans",
                    license.plan
                ),
                retry_after_s: ((next_day_ms - now) / 1000).max(1) as u64,
            });
        }
        tx.commit().await?;
        Ok(())
    }

    async fn ask_model(
        &self,
        actor: &Actor,
        req: &AskRequest,
        prompt: &str,
        project: Option<&ProjectAccess>,
        events: Option<&UnboundedSender<StreamEvent>>,
    ) -> Result<AskResponse> {
        let Some(provider) = self.provider.clone() else {
            return Err(Error::internal("no provider"));
        };
        let config = &self.config;
        let model = provider.model().to_string();
        let ctx = match project {
            Some(a) => {
                context::build(
                    &self.circuits,
                    &self.simulations,
                    &a.project,
                    config.context_tokens,
                )
                .await?
            }
            None => context::ProjectContext::default(),
        };
        let history = serde_json::to_string(&req.history).map_err(Error::internal)?;
        let key = cache::key(&KeyParts {
            company: actor.caller.company_id.as_str(),
            system: SYSTEM_MESSAGE,
            context: &ctx.text,
            history: &history,
            prompt,
            model: &model,
        });
        if let Some(hit) = self.cached(&key).await {
            send(events, StreamEvent::Delta(hit.answer.clone()));
            return Ok(hit);
        }

        let mut messages = vec![Message::text("system", SYSTEM_MESSAGE)];
        if !ctx.text.is_empty() {
            messages.push(Message::text("user", context::as_data(&ctx.text)));
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
        let mut counts = ToolCounts::default();
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
                circuits: &self.circuits,
                simulations: &self.simulations,
                actor,
                project: &a.project,
                wait: config.tool_wait,
            };
            let mut said = completion.message;
            said.role = "assistant".into();
            for (i, call) in said.tool_calls.iter_mut().enumerate() {
                if call.id.is_empty() {
                    call.id = format!("call_{steps}_{i}");
                }
            }
            messages.push(said.clone());
            let mut this_step = 0;
            for call in &said.tool_calls {
                let bound = tool_bound(config, this_step, &counts, call);
                let outcome = match bound {
                    Some(why) => tools::refused(call, "tool_limit", &why),
                    None => {
                        this_step += 1;
                        counts.calls += 1;
                        counts.simulations +=
                            u32::from(tools::runs_simulation(&call.function.name));
                        tools::run(&env, call).await
                    }
                };
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
            .ok_or_else(|| Error::Upstream {
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
            project_id: project.map(|a| a.project.id.to_string()),
            circuit_version: ctx.version,
            review: None,
        };
        self.store(&key, &response).await;
        Ok(response)
    }

    /// A cached answer, marked as such: no tokens, no steps this time.
    async fn cached(&self, key: &str) -> Option<AskResponse> {
        let text = self.cache.get(key).await?;
        let mut hit: AskResponse = serde_json::from_str(&text).ok()?;
        hit.cached = true;
        hit.usage = Usage::default();
        hit.steps = 0;
        Some(hit)
    }

    async fn store(&self, key: &str, response: &AskResponse) {
        if let Ok(text) = serde_json::to_string(response) {
            self.cache.put(key, &text, self.config.cache_ttl).await;
        }
    }

    /// The rule-based review of the project's latest circuit version: three-phase and
    /// line-to-earth studies (maximum case) and the core's equipment duty study (every
    /// scenario) through the simulations' job path, then the findings of [`Review`].
    async fn review(
        &self,
        actor: &Actor,
        a: &ProjectAccess,
        events: Option<&UnboundedSender<StreamEvent>>,
    ) -> Result<AskResponse> {
        let company = &actor.caller.company_id;
        let latest = self
            .circuits
            .version_of(company, &a.project.id, VersionRef::Latest)
            .await?;
        let Some(version) = latest else {
            return Err(Error::invalid_field(
                "project_id",
                "no_circuit",
                "the project has no circuit version yet: save one with POST /api/v1/projects/{id}/circuits",
            ));
        };
        // the answer depends on the circuit only (the question is not interpreted)
        let key = cache::key(&KeyParts {
            company: company.as_str(),
            system: "rule-based engineering review",
            context: &version.digest,
            history: "",
            prompt: "",
            model: REVIEW_MODEL,
        });
        if let Some(hit) = self.cached(&key).await {
            send(events, StreamEvent::Delta(hit.answer.clone()));
            return Ok(hit);
        }
        let wait = self.config.tool_wait;
        let project = &a.project.id;
        let sims = &self.simulations;
        let (sim3, report3) = sims
            .run_and_wait::<StudyReport>(
                actor,
                project,
                json!({"fault": "3ph", "case": "max"}),
                wait,
            )
            .await?;
        let mut limited = false;
        let earth = optional(
            sims.run_and_wait::<StudyReport>(
                actor,
                project,
                json!({"fault": "1ph", "case": "max"}),
                wait,
            )
            .await,
            "unbalanced faults are switched off on this server",
            &mut limited,
        )?;
        // the core's equipment duty study over every scenario of the circuit
        let duty = optional(
            sims.run_and_wait::<DutyReport>(actor, project, json!({"all_scenarios": true}), wait)
                .await,
            "the duty study is switched off on this server",
            &mut limited,
        )?;
        let (id3, id1, id_duty) = (
            sim3.id.to_string(),
            earth.as_ref().map(|(sim, _)| sim.id.to_string()).ok(),
            duty.as_ref().map(|(sim, _)| sim.id.to_string()).ok(),
        );
        let s3 = ReviewStudy {
            label: "three-phase",
            simulation_id: &id3,
            report: &report3,
        };
        let s1 = earth.as_ref().map(|(_, report)| ReviewStudy {
            label: "line-to-earth",
            simulation_id: id1.as_deref().unwrap_or_default(),
            report,
        });
        let sd = duty.as_ref().map(|(_, report)| DutyStudy {
            simulation_id: id_duty.as_deref().unwrap_or_default(),
            report,
        });
        let findings = Review::new(
            version.version,
            &s3,
            s1.as_ref().map_err(|e| (*e).clone()),
            sd.as_ref().map_err(|e| (*e).clone()),
        );
        let mut simulations = vec![id3.clone()];
        let mut studies = vec![s3];
        if let Ok(s) = s1 {
            simulations.push(s.simulation_id.to_string());
            studies.push(s);
        }
        simulations.extend(id_duty);
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
            project_id: Some(a.project.id.to_string()),
            circuit_version: Some(version.version),
            review: serde_json::to_value(&findings).ok(),
        };
        if !limited {
            self.store(&key, &response).await;
        }
        Ok(response)
    }
}

/// A study of the review that may be missing: its result, or why the core refused it, the
/// server does not offer it (`disabled`) or the plan's limits stop it for now (then
/// `limited` is set: that review is not cached); other failures end the review.
fn optional<T>(found: Result<T>, disabled: &str, limited: &mut bool) -> Result<Result<T, String>> {
    match found {
        Ok(found) => Ok(Ok(found)),
        Err(Error::Invalid { message, .. }) => Ok(Err(message)),
        Err(Error::Forbidden {
            code: "feature_disabled",
            ..
        }) => Ok(Err(disabled.to_string())),
        Err(Error::PlanLimit { message, .. } | Error::QuotaExceeded { message, .. }) => {
            *limited = true;
            Ok(Err(message))
        }
        Err(e) => Err(e),
    }
}

fn send(events: Option<&UnboundedSender<StreamEvent>>, event: StreamEvent) {
    if let Some(tx) = events {
        let _ = tx.send(event);
    }
}

/// Tool calls that ran in a request.
#[derive(Default)]
struct ToolCounts {
    calls: u32,
    simulations: u32,
}

/// Why the tool call `call` may not run: past the calls of one step, of the request, or
/// the simulations of the request (`None`: it may).
fn tool_bound(
    config: &AiConfig,
    this_step: u32,
    counts: &ToolCounts,
    call: &super::provider::ToolCall,
) -> Option<String> {
    if this_step >= config.max_tool_calls_per_step {
        return Some(format!(
            "at most {} tool calls run per step (AI_MAX_TOOL_CALLS_PER_STEP)",
            config.max_tool_calls_per_step
        ));
    }
    if counts.calls >= config.max_tool_calls {
        return Some(format!(
            "at most {} tool calls run per request (AI_MAX_TOOL_CALLS)",
            config.max_tool_calls
        ));
    }
    if tools::runs_simulation(&call.function.name) && counts.simulations >= config.max_simulations {
        return Some(format!(
            "at most {} simulations run per request (AI_MAX_SIMULATIONS)",
            config.max_simulations
        ));
    }
    None
}
