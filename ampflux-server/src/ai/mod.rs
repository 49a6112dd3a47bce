//! The AI engineering assistant: answers about a project from numbers the core computed.
//!
//! - [`provider`]: the client of any OpenAI-compatible chat-completions API (`AI_BASE_URL`,
//!   `AI_API_KEY`, `AI_MODEL`), with time limits and retries; streamed or not.
//! - [`context`]: the system message and the project context (name, voltage levels, element
//!   counts and key ratings, the latest simulation results) under a token budget.
//! - [`tools`]: `get_circuit_summary`, `run_short_circuit`, `check_equipment_duty` and
//!   `explain_arc_flash` (the core's studies through the simulations' own job path, so results
//!   are cached by circuit digest and options) and `compare_versions`; [`equipment`] holds
//!   the two over the equipment studies.
//! - [`cache`]: answers by SHA-256 of (company, system message, context, conversation,
//!   prompt, model), in Redis or in process, for `AI_CACHE_TTL_SECS`.
//! - [`review`]: without a provider, a rule-based engineering review of the core's results
//!   (short-circuit currents, the equipment duty study's checks), labelled as not coming from
//!   a language model.
//! - [`assistant`]: the request: checks, daily quota, cache, the bounded tool loop.
//!
//! The routes are `POST /api/v1/ai/ask` (JSON) and `POST /api/v1/ai/chat` (server-sent
//! events), in `routes::ai`.

pub mod assistant;
pub mod cache;
pub mod config;
pub mod context;
pub mod equipment;
pub mod provider;
pub mod review;
pub mod tools;

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use provider::{ChatRequest, Completion, ProviderError, Usage};

/// A question to the assistant.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"prompt": "Which bus has the highest initial short-circuit current?", "project_id": "5f0c2a9e-8d1b-4c3a-9e7f-2b6d4a1c8e90"}))]
pub struct AskRequest {
    /// The question (at most 8000 characters).
    pub prompt: String,
    /// Project whose circuit and simulations give the context and the tools. Required when
    /// no language model is configured (the rule-based review needs a circuit).
    #[serde(default)]
    pub project_id: Option<String>,
    /// Earlier turns of the conversation, oldest first (at most 20).
    #[serde(default)]
    pub history: Vec<ChatTurn>,
}

/// One earlier turn of a conversation.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatTurn {
    /// `user` or `assistant`.
    pub role: String,
    /// What was said.
    pub content: String,
}

/// Where an answer comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    /// A language model, with the project context and the tools.
    LanguageModel,
    /// Fixed rules applied to the core's results (no language model is configured).
    RuleBasedReview,
}

/// A tool the model called, and what came of it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ToolRun {
    /// `get_circuit_summary`, `run_short_circuit`, `check_equipment_duty`,
    /// `explain_arc_flash` or `compare_versions`.
    pub name: String,
    /// The arguments the model gave.
    #[schema(value_type = Object)]
    pub arguments: serde_json::Value,
    /// Whether the tool succeeded (otherwise the model was told why not).
    pub ok: bool,
    /// The simulation the tool requested or read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation_id: Option<String>,
}

/// The assistant's answer.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AskResponse {
    /// The answer text (Markdown).
    pub answer: String,
    /// `language_model`, or `rule_based_review` when no language model is configured.
    pub source: AnswerSource,
    /// The model that answered (`null` for the rule-based review).
    pub model: Option<String>,
    /// Whether the answer came from the cache (no model call, no computation).
    pub cached: bool,
    /// Tokens this request used (zero for a cached answer and the rule-based review).
    pub usage: Usage,
    /// Model calls made (tool rounds included).
    pub steps: u32,
    /// Tools the model called, in order.
    pub tool_calls: Vec<ToolRun>,
    /// Simulations whose results the answer draws on (context, tools, review).
    pub simulations: Vec<String>,
    /// The project asked about.
    pub project_id: Option<String>,
    /// The circuit version of the context.
    pub circuit_version: Option<i64>,
    /// The findings of the rule-based review as data (highest currents, the core's failing
    /// and marginal duty checks, earth faults above three-phase), for that source only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub review: Option<serde_json::Value>,
}

/// A language-model provider behind the assistant.
pub trait Provider: Send + Sync {
    /// Name shown in the health report.
    fn name(&self) -> String;

    /// The model it asks.
    fn model(&self) -> &str;

    /// One completion of `req`; with `deltas`, streamed, each piece of text passed to it
    /// as it arrives.
    fn complete<'a>(
        &'a self,
        req: &'a ChatRequest,
        deltas: Option<&'a (dyn Fn(String) + Send + Sync)>,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>>;
}

/// The status of the assistant for `/health/detailed`.
pub fn status(provider: Option<&dyn Provider>) -> String {
    match provider {
        Some(p) => p.name(),
        None => "not configured".to_string(),
    }
}
