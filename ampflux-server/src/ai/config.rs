//! The assistant's settings, read with the rest of the configuration (`AI_*` variables).
//!
//! A language model is used when `AI_BASE_URL` or `AI_API_KEY` is set: `AI_API_KEY` alone
//! means OpenAI (`https://api.openai.com/v1`); `AI_BASE_URL` alone suits a local server
//! without keys (Ollama `http://127.0.0.1:11434/v1`, llama.cpp, vLLM) or a gateway. With
//! neither, `/api/v1/ai/ask` answers with the rule-based review.

use std::fmt;
use std::time::Duration;

/// The API base used when only `AI_API_KEY` is set.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// The model used when `AI_MODEL` is not set.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// The language-model provider, when one is configured.
#[derive(Clone)]
pub struct ProviderConfig {
    /// Base of the OpenAI-compatible API, without the trailing `/chat/completions`.
    pub base_url: String,
    /// Bearer key (`None` for local servers that need none).
    pub api_key: Option<String>,
    /// Model name sent with every request.
    pub model: String,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("model", &self.model)
            .finish()
    }
}

/// Everything the assistant needs to know.
#[derive(Clone, Debug)]
pub struct AiConfig {
    /// The provider (`None`: the rule-based review answers).
    pub provider: Option<ProviderConfig>,
    /// Time limit of one provider call (an attempt), and of the gap between two chunks
    /// of a streamed answer.
    pub timeout: Duration,
    /// Further attempts after a 429, a 5xx or a connection failure of the provider.
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further one (a `Retry-After` of the
    /// provider wins, up to 30 s).
    pub retry_backoff: Duration,
    /// Lifetime of cached answers.
    pub cache_ttl: Duration,
    /// Most model calls of one request (tool rounds included); the last one is made
    /// without tools so that it must answer.
    pub max_steps: u32,
    /// Budget of the project context in tokens (estimated as 4 characters per token).
    pub context_tokens: usize,
    /// `max_tokens` of each completion.
    pub max_answer_tokens: u32,
    /// How long a tool waits for a simulation it requested.
    pub tool_wait: Duration,
    /// Tool calls run per request; further calls are answered with an error.
    pub max_tool_calls: u32,
    /// Tool calls run per model step.
    pub max_tool_calls_per_step: u32,
    /// Simulations (`run_short_circuit`, `check_equipment_duty`, `explain_arc_flash` calls) run
    /// per request.
    pub max_simulations: u32,
}

impl AiConfig {
    /// Reads the `AI_*` variables through `get`, appending every problem to `errors`.
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>, errors: &mut Vec<String>) -> AiConfig {
        let text = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut number = |name: &str, default: u64, min: u64, unit: &str| -> u64 {
            match text(name) {
                None => default,
                Some(v) => match v.parse::<u64>() {
                    Ok(x) if x >= min => x,
                    _ => {
                        errors.push(format!(
                            "{name}: `{v}` is not a whole number of {unit} (at least {min})"
                        ));
                        default
                    }
                },
            }
        };
        let timeout = Duration::from_secs(number("AI_TIMEOUT_SECS", 30, 1, "seconds"));
        let max_retries = number("AI_MAX_RETRIES", 2, 0, "retries") as u32;
        let retry_backoff =
            Duration::from_millis(number("AI_RETRY_BACKOFF_MS", 500, 1, "milliseconds"));
        let cache_ttl = Duration::from_secs(number("AI_CACHE_TTL_SECS", 3600, 1, "seconds"));
        let max_steps = number("AI_MAX_STEPS", 5, 1, "model calls") as u32;
        let context_tokens = number("AI_CONTEXT_TOKENS", 1500, 100, "tokens") as usize;
        let max_answer_tokens = number("AI_MAX_TOKENS", 1000, 16, "tokens") as u32;
        let tool_wait = Duration::from_secs(number("AI_TOOL_WAIT_SECS", 60, 1, "seconds"));
        let max_tool_calls = number("AI_MAX_TOOL_CALLS", 8, 0, "tool calls") as u32;
        let max_tool_calls_per_step =
            number("AI_MAX_TOOL_CALLS_PER_STEP", 4, 1, "tool calls") as u32;
        let max_simulations = number("AI_MAX_SIMULATIONS", 4, 0, "simulations") as u32;

        let api_key = text("AI_API_KEY");
        let base_url = text("AI_BASE_URL");
        let model = text("AI_MODEL").unwrap_or_else(|| DEFAULT_MODEL.to_string());
        if let Some(url) = &base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            errors.push(format!(
                "AI_BASE_URL: `{url}` is not an http:// or https:// URL (for example https://api.openai.com/v1)"
            ));
        }
        if model.chars().any(char::is_whitespace) {
            errors.push(format!("AI_MODEL: `{model}` contains spaces"));
        }
        let provider = match (base_url, api_key) {
            (None, None) => None,
            (base_url, api_key) => Some(ProviderConfig {
                base_url: base_url
                    .unwrap_or_else(|| OPENAI_BASE_URL.to_string())
                    .trim_end_matches('/')
                    .to_string(),
                api_key,
                model,
            }),
        };
        AiConfig {
            provider,
            timeout,
            max_retries,
            retry_backoff,
            cache_ttl,
            max_steps,
            context_tokens,
            max_answer_tokens,
            tool_wait,
            max_tool_calls,
            max_tool_calls_per_step,
            max_simulations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> (AiConfig, Vec<String>) {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut errors = Vec::new();
        let c = AiConfig::from_lookup(&|k| map.get(k).cloned(), &mut errors);
        (c, errors)
    }

    #[test]
    fn no_variables_means_no_provider() {
        let (c, errors) = read(&[]);
        assert!(errors.is_empty());
        assert!(c.provider.is_none());
        assert_eq!(c.cache_ttl, Duration::from_secs(3600));
    }

    #[test]
    fn a_key_alone_means_openai_and_a_url_alone_a_local_server() {
        let (c, _) = read(&[("AI_API_KEY", "sk-test")]);
        let p = c.provider.unwrap();
        assert_eq!(p.base_url, OPENAI_BASE_URL);
        assert_eq!(p.model, DEFAULT_MODEL);
        assert!(!format!("{p:?}").contains("sk-test"));
        let (c, _) = read(&[
            ("AI_BASE_URL", "http://127.0.0.1:11434/v1/"),
            ("AI_MODEL", "llama3.1"),
        ]);
        let p = c.provider.unwrap();
        assert_eq!(p.base_url, "http://127.0.0.1:11434/v1");
        assert!(p.api_key.is_none());
    }

    #[test]
    fn every_bad_value_is_named() {
        let (_, errors) = read(&[
            ("AI_BASE_URL", "ftp://x"),
            ("AI_TIMEOUT_SECS", "0"),
            ("AI_CACHE_TTL_SECS", "soon"),
            ("AI_MODEL", "gpt 4"),
        ]);
        let text = errors.join("\n");
        for needle in [
            "AI_BASE_URL",
            "AI_TIMEOUT_SECS",
            "AI_CACHE_TTL_SECS",
            "AI_MODEL",
        ] {
            assert!(text.contains(needle), "{needle} missing in {text}");
        }
    }
}
