//! A fake OpenAI-compatible chat-completions server on loopback: a real HTTP server (axum
//! on 127.0.0.1:0) that records every request it receives and answers from a script,
//! streaming (server-sent events, chunked as OpenAI does) when the request asks for it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A chat completion (streamed as chunks when the request has `stream: true`).
    Completion(Value),
    /// An error status with a JSON body and an optional `Retry-After`.
    Status(u16, Value, Option<u64>),
    /// A body that is not a chat completion.
    Garbage,
    /// Waits, then gives the inner reply.
    Delay(Duration, Box<Reply>),
}

/// A request the fake received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The JSON body.
    pub body: Value,
    /// The `Authorization` header.
    pub authorization: Option<String>,
}

#[derive(Clone, Default)]
struct Shared {
    script: Arc<Mutex<VecDeque<Reply>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

/// The running fake.
pub struct FakeLlm {
    /// `http://127.0.0.1:<port>/v1`, the `AI_BASE_URL` to use.
    pub base_url: String,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeLlm {
    /// Starts the fake; with an empty script it answers `default answer`.
    pub async fn start() -> FakeLlm {
        let shared = Shared::default();
        let app = Router::new()
            .route("/v1/chat/completions", post(handle))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeLlm {
            base_url: format!("http://{addr}/v1"),
            shared,
            task,
        }
    }

    /// Appends replies to the script.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.script.lock().unwrap().extend(replies);
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.shared.received.lock().unwrap().clear();
    }
}

/// A completion with text.
pub fn text(answer: &str, prompt_tokens: u64, completion_tokens: u64) -> Reply {
    Reply::Completion(json!({
        "id": "chatcmpl-fake", "object": "chat.completion", "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": answer}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens}
    }))
}

/// A completion that calls tools: `(id, name, arguments)`.
pub fn tool_calls(calls: &[(&str, &str, Value)]) -> Reply {
    let calls: Vec<Value> = calls
        .iter()
        .map(|(id, name, args)| {
            json!({"id": id, "type": "function",
                   "function": {"name": name, "arguments": args.to_string()}})
        })
        .collect();
    Reply::Completion(json!({
        "id": "chatcmpl-fake", "object": "chat.completion", "model": "fake-model",
        "choices": [{"index": 0, "finish_reason": "tool_calls",
                     "message": {"role": "assistant", "content": null, "tool_calls": calls}}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
    }))
}

async fn handle(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    shared.received.lock().unwrap().push(Received {
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: body.clone(),
    });
    let reply = shared
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| text("default answer", 10, 2));
    respond(reply, body["stream"] == json!(true)).await
}

async fn respond(mut reply: Reply, stream: bool) -> Response {
    while let Reply::Delay(d, inner) = reply {
        tokio::time::sleep(d).await;
        reply = *inner;
    }
    match reply {
        Reply::Delay(..) => unreachable!(),
        Reply::Garbage => (StatusCode::OK, "<html>not json</html>").into_response(),
        Reply::Status(code, body, retry_after) => {
            let mut res = (StatusCode::from_u16(code).unwrap(), axum::Json(body)).into_response();
            if let Some(s) = retry_after {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, s.to_string().parse().unwrap());
            }
            res
        }
        Reply::Completion(c) if !stream => axum::Json(c).into_response(),
        Reply::Completion(c) => (
            [(header::CONTENT_TYPE, "text/event-stream")],
            sse_chunks(&c),
        )
            .into_response(),
    }
}

/// A completion as the chunks of a streamed answer: text in pieces of 7 characters, tool
/// call arguments in two pieces, the usage in a last chunk, then `[DONE]`.
fn sse_chunks(c: &Value) -> String {
    let mut out = String::new();
    let mut push = |v: Value| out.push_str(&format!("data: {v}\n\n"));
    let message = &c["choices"][0]["message"];
    push(json!({"choices": [{"index": 0, "delta": {"role": "assistant"}}]}));
    if let Some(text) = message["content"].as_str() {
        let chars: Vec<char> = text.chars().collect();
        for piece in chars.chunks(7) {
            let piece: String = piece.iter().collect();
            push(json!({"choices": [{"index": 0, "delta": {"content": piece}}]}));
        }
    }
    if let Some(calls) = message["tool_calls"].as_array() {
        for (i, call) in calls.iter().enumerate() {
            let args = call["function"]["arguments"].as_str().unwrap_or("");
            let (a, b) = args.split_at(args.len() / 2);
            push(
                json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": i,
                "id": call["id"], "type": "function",
                "function": {"name": call["function"]["name"], "arguments": a}}]}}]}),
            );
            push(
                json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": i,
                "function": {"arguments": b}}]}}]}),
            );
        }
    }
    push(json!({"choices": [{"index": 0, "delta": {},
        "finish_reason": c["choices"][0]["finish_reason"]}]}));
    push(json!({"choices": [], "usage": c["usage"]}));
    out.push_str("data: [DONE]\n\n");
    out
}
