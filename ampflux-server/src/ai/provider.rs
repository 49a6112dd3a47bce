//! The client of an OpenAI-compatible chat-completions API (`POST {base}/chat/completions`):
//! OpenAI, Azure-style gateways, Ollama, llama.cpp, vLLM. Plain and streamed (server-sent
//! events) completions with tool calls, a time limit per attempt, and retries with
//! exponential backoff on 429, 5xx and connection failures. Failures become the API's 502
//! (`BadGateway`) and 504 (`GatewayTimeout`).

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Provider;
use super::config::{AiConfig, ProviderConfig};
use crate::error::Error;

/// Why the provider gave no usable completion.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider failed, refused, or answered something unusable.
    #[error("{message}")]
    Failed {
        /// Stable code (`ai_provider_error`, `ai_provider_busy`, `ai_provider_auth`, ...).
        code: &'static str,
        /// Explanation: the provider's status and error kind, never its message.
        message: String,
    },
    /// No answer within the time limit.
    #[error("{0}")]
    Timeout(String),
}

impl From<ProviderError> for Error {
    fn from(err: ProviderError) -> Error {
        match err {
            ProviderError::Failed { code, message } => Error::Upstream { code, message },
            ProviderError::Timeout(message) => Error::UpstreamTimeout(message),
        }
    }
}

/// One message of a conversation, as the chat-completions API spells it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// Text (absent in an assistant message that only calls tools).
    #[serde(default)]
    pub content: Option<String>,
    /// Tools the assistant calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// The call a `tool` message answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

impl Message {
    /// A message with text.
    pub fn text(role: &str, content: impl Into<String>) -> Message {
        Message {
            role: role.to_string(),
            content: Some(content.into()),
            ..Message::default()
        }
    }

    /// The answer to tool call `id`.
    pub fn tool(id: &str, content: impl Into<String>) -> Message {
        Message {
            role: "tool".to_string(),
            content: Some(content.into()),
            tool_call_id: Some(id.to_string()),
            ..Message::default()
        }
    }
}

/// A tool call of the model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Id to answer with.
    #[serde(default)]
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type", default = "function_kind")]
    pub kind: String,
    /// Function and its arguments.
    pub function: FunctionCall,
}

fn function_kind() -> String {
    "function".to_string()
}

/// The function a tool call names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionCall {
    /// Tool name.
    #[serde(default)]
    pub name: String,
    /// Arguments as JSON text.
    #[serde(default)]
    pub arguments: String,
}

/// Tokens of one or more completions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Usage {
    /// Tokens of the prompts.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Tokens generated.
    #[serde(default)]
    pub completion_tokens: u64,
    /// Sum of both.
    #[serde(default)]
    pub total_tokens: u64,
}

impl Usage {
    /// Adds another completion's tokens.
    pub fn add(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.total_tokens += other
            .total_tokens
            .max(other.prompt_tokens + other.completion_tokens);
    }
}

/// What is sent to the model.
#[derive(Clone, Debug)]
pub struct ChatRequest {
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// Tool definitions (`{"type": "function", "function": {...}}`); empty: none offered.
    pub tools: Vec<Value>,
    /// Whether the model may call the tools now (`tool_choice` `auto`, else `none`: the
    /// last step of a bounded loop must answer).
    pub allow_tools: bool,
}

/// The model's reply.
#[derive(Clone, Debug, Default)]
pub struct Completion {
    /// The assistant message (text and/or tool calls).
    pub message: Message,
    /// `stop`, `tool_calls`, `length`, ...
    pub finish_reason: Option<String>,
    /// Tokens used.
    pub usage: Usage,
}

/// The chat-completions client.
pub struct OpenAiCompatible {
    http: reqwest::Client,
    config: ProviderConfig,
    timeout: Duration,
    max_retries: u32,
    backoff: Duration,
    max_tokens: u32,
}

impl OpenAiCompatible {
    /// A client for `ai.provider` (`None` when no provider is configured), or why the HTTP
    /// client cannot be built.
    pub fn new(ai: &AiConfig) -> Result<Option<OpenAiCompatible>, String> {
        let Some(config) = ai.provider.clone() else {
            return Ok(None);
        };
        let http = reqwest::Client::builder()
            .connect_timeout(ai.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("ampflux-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Some(OpenAiCompatible {
            http,
            config,
            timeout: ai.timeout,
            max_retries: ai.max_retries,
            backoff: ai.retry_backoff,
            max_tokens: ai.max_answer_tokens,
        }))
    }

    fn body(&self, req: &ChatRequest, stream: bool) -> Value {
        let mut body = json!({
            "model": self.config.model,
            "messages": req.messages,
            "temperature": 0.2,
            "max_tokens": self.max_tokens,
        });
        if !req.tools.is_empty() {
            body["tools"] = Value::Array(req.tools.clone());
            body["tool_choice"] = json!(if req.allow_tools { "auto" } else { "none" });
        }
        if stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({"include_usage": true});
        }
        body
    }

    /// Sends the request, retrying 429, 5xx and connection failures; returns the first
    /// successful response (its body not read yet).
    async fn send(&self, body: &Value) -> Result<reqwest::Response, ProviderError> {
        let url = format!("{}/chat/completions", self.config.base_url);
        let mut attempt = 0u32;
        loop {
            let mut req = self.http.post(&url).json(body);
            if let Some(key) = &self.config.api_key {
                req = req.bearer_auth(key);
            }
            let outcome = tokio::time::timeout(self.timeout, req.send()).await;
            let retry_after = match outcome {
                Err(_) => return Err(timeout_error(self.timeout)),
                Ok(Err(e)) if e.is_timeout() => return Err(timeout_error(self.timeout)),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, attempt, "AI provider unreachable");
                    if attempt >= self.max_retries {
                        return Err(ProviderError::Failed {
                            code: "ai_provider_unreachable",
                            message: format!(
                                "the AI provider could not be reached after {} attempt(s)",
                                attempt + 1
                            ),
                        });
                    }
                    None
                }
                Ok(Ok(res)) if res.status().is_success() => return Ok(res),
                Ok(Ok(res)) => {
                    let status = res.status();
                    let retry_after = res
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    let text = tokio::time::timeout(self.timeout, res.text())
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .unwrap_or_default();
                    tracing::warn!(%status, attempt, body = %truncate(&text, 500), "AI provider error");
                    let retryable =
                        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    if !retryable || attempt >= self.max_retries {
                        return Err(status_error(status, &text, attempt + 1));
                    }
                    retry_after
                }
            };
            let delay = match retry_after {
                Some(s) => Duration::from_secs(s.min(30)),
                None => self.backoff.saturating_mul(2u32.saturating_pow(attempt)),
            };
            metrics::counter!("ampflux_ai_provider_retries_total").increment(1);
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn complete_plain(&self, req: &ChatRequest) -> Result<Completion, ProviderError> {
        let res = self.send(&self.body(req, false)).await?;
        let bytes = tokio::time::timeout(self.timeout, res.bytes())
            .await
            .map_err(|_| timeout_error(self.timeout))?
            .map_err(|e| malformed(format!("reading the answer: {e}")))?;
        parse_completion(&bytes)
    }

    async fn complete_streamed(
        &self,
        req: &ChatRequest,
        deltas: &(dyn Fn(String) + Send + Sync),
    ) -> Result<Completion, ProviderError> {
        let res = self.send(&self.body(req, true)).await?;
        let is_sse = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_sse {
            // a server that ignores `stream`: one JSON answer
            let bytes = tokio::time::timeout(self.timeout, res.bytes())
                .await
                .map_err(|_| timeout_error(self.timeout))?
                .map_err(|e| malformed(format!("reading the answer: {e}")))?;
            let completion = parse_completion(&bytes)?;
            if let Some(text) = &completion.message.content {
                deltas(text.clone());
            }
            return Ok(completion);
        }
        let mut stream = res.bytes_stream();
        let mut acc = StreamAccumulator::default();
        let mut buffer: Vec<u8> = Vec::new();
        loop {
            let chunk = match tokio::time::timeout(self.timeout, stream.next()).await {
                Err(_) => return Err(timeout_error(self.timeout)),
                Ok(None) => break,
                Ok(Some(Err(e))) if e.is_timeout() => return Err(timeout_error(self.timeout)),
                Ok(Some(Err(e))) => return Err(malformed(format!("the stream broke: {e}"))),
                Ok(Some(Ok(c))) => c,
            };
            buffer.extend_from_slice(&chunk);
            while let Some(end) = event_end(&buffer) {
                let event: Vec<u8> = buffer.drain(..end.1).collect();
                let text = String::from_utf8_lossy(&event[..end.0]).to_string();
                if acc.event(&text, deltas)? {
                    return Ok(acc.finish());
                }
            }
        }
        if !buffer.is_empty() {
            let text = String::from_utf8_lossy(&buffer).to_string();
            acc.event(&text, deltas)?;
        }
        Ok(acc.finish())
    }
}

impl Provider for OpenAiCompatible {
    fn name(&self) -> String {
        // the model only: `/health/detailed` is public, the gateway's address is not
        format!("openai-compatible, model {}", self.config.model)
    }

    fn model(&self) -> &str {
        &self.config.model
    }

    fn complete<'a>(
        &'a self,
        req: &'a ChatRequest,
        deltas: Option<&'a (dyn Fn(String) + Send + Sync)>,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(async move {
            let started = std::time::Instant::now();
            let out = match deltas {
                None => self.complete_plain(req).await,
                Some(tx) => self.complete_streamed(req, tx).await,
            };
            metrics::histogram!("ampflux_ai_provider_seconds")
                .record(started.elapsed().as_secs_f64());
            if let Ok(c) = &out {
                metrics::counter!("ampflux_ai_tokens_total", "kind" => "prompt")
                    .increment(c.usage.prompt_tokens);
                metrics::counter!("ampflux_ai_tokens_total", "kind" => "completion")
                    .increment(c.usage.completion_tokens);
            }
            out
        })
    }
}

fn timeout_error(limit: Duration) -> ProviderError {
    ProviderError::Timeout(format!(
        "the AI provider did not answer within {} s (AI_TIMEOUT_SECS)",
        limit.as_secs()
    ))
}

fn malformed(message: String) -> ProviderError {
    ProviderError::Failed {
        code: "ai_provider_error",
        message: format!("the AI provider's answer is unusable: {message}"),
    }
}

/// The 502 for an error status of the provider: its status and error type or code, never
/// its message (which may quote credentials).
fn status_error(status: StatusCode, body: &str, attempts: u32) -> ProviderError {
    let kind = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            let e = &v["error"];
            e["code"]
                .as_str()
                .or_else(|| e["type"].as_str())
                .map(str::to_string)
        })
        .filter(|k| {
            k.len() <= 64
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    let detail = kind.map(|k| format!(" ({k})")).unwrap_or_default();
    let (code, what) = match status {
        StatusCode::TOO_MANY_REQUESTS => ("ai_provider_busy", "is rate limiting this server"),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => (
            "ai_provider_auth",
            "refused the credentials (check AI_API_KEY)",
        ),
        s if s.is_server_error() => ("ai_provider_error", "failed"),
        _ => ("ai_provider_error", "refused the request"),
    };
    ProviderError::Failed {
        code,
        message: format!(
            "the AI provider {what}: HTTP {}{detail} after {attempts} attempt(s)",
            status.as_u16()
        ),
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// A non-streamed answer.
fn parse_completion(bytes: &[u8]) -> Result<Completion, ProviderError> {
    #[derive(Deserialize)]
    struct Choice {
        message: Message,
        #[serde(default)]
        finish_reason: Option<String>,
    }
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        choices: Vec<Choice>,
        #[serde(default)]
        usage: Option<Usage>,
    }
    let answer: Answer = serde_json::from_slice(bytes)
        .map_err(|e| malformed(format!("not a chat completion ({e})")))?;
    let choice = answer
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| malformed("no choices".into()))?;
    Ok(Completion {
        message: choice.message,
        finish_reason: choice.finish_reason,
        usage: answer.usage.unwrap_or_default(),
    })
}

/// The end of the first complete event in `buffer`: (end of its text, start of the next).
fn event_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let lf = buffer
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| (i, i + 2));
    let crlf = buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 < b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Builds a completion from the chunks of a streamed answer.
#[derive(Default)]
struct StreamAccumulator {
    content: String,
    calls: Vec<ToolCall>,
    finish_reason: Option<String>,
    usage: Usage,
}

impl StreamAccumulator {
    /// Takes one server-sent event; true at `[DONE]`.
    fn event(&mut self, text: &str, deltas: &dyn Fn(String)) -> Result<bool, ProviderError> {
        let data: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(str::trim)
            .collect();
        if data.is_empty() {
            return Ok(false);
        }
        let data = data.join("\n");
        if data == "[DONE]" {
            return Ok(true);
        }
        let chunk: Value = serde_json::from_str(&data)
            .map_err(|e| malformed(format!("a stream chunk is not JSON ({e})")))?;
        if let Some(message) = chunk["error"]["message"]
            .as_str()
            .or(chunk["error"].as_str())
        {
            tracing::warn!(error = %truncate(message, 500), "AI provider error in the stream");
            return Err(ProviderError::Failed {
                code: "ai_provider_error",
                message: "the AI provider reported an error in the middle of its answer".into(),
            });
        }
        if let Ok(usage) = serde_json::from_value::<Usage>(chunk["usage"].clone())
            && !chunk["usage"].is_null()
        {
            self.usage = usage;
        }
        let Some(choice) = chunk["choices"].get(0) else {
            return Ok(false);
        };
        if let Some(reason) = choice["finish_reason"].as_str() {
            self.finish_reason = Some(reason.to_string());
        }
        let delta = &choice["delta"];
        if let Some(text) = delta["content"].as_str()
            && !text.is_empty()
        {
            self.content.push_str(text);
            deltas(text.to_string());
        }
        if let Some(calls) = delta["tool_calls"].as_array() {
            for (n, call) in calls.iter().enumerate() {
                let index = call["index"].as_u64().map_or(n, |i| i as usize);
                if index > 64 {
                    return Err(malformed("a tool call index above 64".into()));
                }
                while self.calls.len() <= index {
                    self.calls.push(ToolCall {
                        kind: function_kind(),
                        ..ToolCall::default()
                    });
                }
                let slot = &mut self.calls[index];
                if let Some(id) = call["id"].as_str() {
                    slot.id.push_str(id);
                }
                if let Some(name) = call["function"]["name"].as_str() {
                    slot.function.name.push_str(name);
                }
                if let Some(args) = call["function"]["arguments"].as_str() {
                    slot.function.arguments.push_str(args);
                }
            }
        }
        Ok(false)
    }

    fn finish(self) -> Completion {
        Completion {
            message: Message {
                role: "assistant".into(),
                content: (!self.content.is_empty()).then_some(self.content),
                tool_calls: self.calls,
                tool_call_id: None,
            },
            finish_reason: self.finish_reason,
            usage: self.usage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_tool_calls_and_text_are_reassembled() {
        let seen = std::sync::Mutex::new(Vec::new());
        let tx = |t: String| seen.lock().unwrap().push(t);
        let mut acc = StreamAccumulator::default();
        let events = [
            r#"data: {"choices":[{"delta":{"role":"assistant","content":"Hel"}}]}"#,
            r#"data: {"choices":[{"delta":{"content":"lo"}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"run_short_circuit","arguments":"{\"fa"}}]}}]}"#,
            r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ult\":\"1ph\"}"}}]},"finish_reason":"tool_calls"}]}"#,
            r#"data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#,
        ];
        for e in events {
            assert!(!acc.event(e, &tx).unwrap());
        }
        assert!(acc.event("data: [DONE]", &tx).unwrap());
        let c = acc.finish();
        assert_eq!(c.message.content.as_deref(), Some("Hello"));
        assert_eq!(c.message.tool_calls[0].function.name, "run_short_circuit");
        assert_eq!(
            c.message.tool_calls[0].function.arguments,
            r#"{"fault":"1ph"}"#
        );
        assert_eq!(c.usage.total_tokens, 15);
        assert_eq!(c.finish_reason.as_deref(), Some("tool_calls"));
        assert_eq!(*seen.lock().unwrap(), ["Hel", "lo"]);
    }

    #[test]
    fn events_split_on_blank_lines() {
        assert_eq!(event_end(b"data: x\n\ndata: y"), Some((7, 9)));
        assert_eq!(event_end(b"data: x\r\n\r\n"), Some((7, 11)));
        assert_eq!(event_end(b"data: x\n"), None);
    }

    #[test]
    fn provider_errors_name_status_not_message() {
        let e = status_error(
            StatusCode::UNAUTHORIZED,
            r#"{"error":{"message":"Incorrect API key sk-abc","code":"invalid_api_key"}}"#,
            1,
        );
        let e = Error::from(e);
        let body = e.body();
        assert_eq!(e.status(), axum::http::StatusCode::BAD_GATEWAY);
        assert_eq!(body.code, "ai_provider_auth");
        assert!(body.message.contains("invalid_api_key"));
        assert!(!body.message.contains("sk-abc"));
    }
}
