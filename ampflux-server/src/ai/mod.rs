//! The AI assistant's extension point (issue 8 builds the assistant). The server already
//! routes `POST /api/v1/ai/ask`, checks the feature flag and the caller, and reports the
//! provider in `/health/detailed`; what is missing is a [`Provider`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A question to the assistant.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct AskRequest {
    /// The question.
    pub prompt: String,
    /// Project whose circuit and simulations give the context.
    #[serde(default)]
    pub project_id: Option<String>,
}

/// The assistant's answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AskResponse {
    /// The answer text.
    pub answer: String,
}

/// A language-model provider behind the assistant.
pub trait Provider: Send + Sync {
    /// Name shown in the health report (`openai`, ...).
    fn name(&self) -> &str;
}

/// The status of the assistant for `/health/detailed`.
pub fn status(provider: Option<&dyn Provider>) -> String {
    match provider {
        Some(p) => p.name().to_string(),
        None => "not configured".to_string(),
    }
}
