//! Helpers shared by the integration tests: a server per test, a client, and a tiny SSE splitter.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;

use juxta_mock::MockServer;
use serde_json::Value;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

pub async fn server() -> MockServer {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    MockServer::start(addr, fixtures())
        .await
        .expect("mock starts")
}

pub fn client() -> reqwest::Client {
    // Needed when reqwest is built with the engine's `rustls-no-provider` (a workspace-wide build).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum P {
    OpenAi,
    Anthropic,
    GeminiSse,
    GeminiArray,
}

pub const ALL: [P; 4] = [P::OpenAi, P::Anthropic, P::GeminiSse, P::GeminiArray];

/// The minimal streaming request each protocol's client would send for `model`.
pub fn request(
    c: &reqwest::Client,
    base: &str,
    p: P,
    model: &str,
    extra: Value,
) -> reqwest::RequestBuilder {
    let mut body = match p {
        P::OpenAi => {
            serde_json::json!({"model": model, "stream": true, "stream_options": {"include_usage": true},
            "messages": [{"role": "user", "content": "Say hello to the mock server"}]})
        }
        P::Anthropic => serde_json::json!({"model": model, "max_tokens": 1024, "stream": true,
            "messages": [{"role": "user", "content": "Say hello to the mock server"}]}),
        P::GeminiSse | P::GeminiArray => {
            serde_json::json!({"contents": [{"role": "user", "parts": [{"text": "Say hello to the mock server"}]}]})
        }
    };
    merge(&mut body, extra);
    match p {
        P::OpenAi => c
            .post(format!("{base}/v1/chat/completions"))
            .bearer_auth("sk-test"),
        P::Anthropic => c
            .post(format!("{base}/v1/messages"))
            .header("x-api-key", "sk-ant-test")
            .header("anthropic-version", "2023-06-01"),
        P::GeminiSse => c
            .post(format!(
                "{base}/v1beta/models/{model}:streamGenerateContent?alt=sse"
            ))
            .header("x-goog-api-key", "g-test"),
        P::GeminiArray => c
            .post(format!(
                "{base}/v1beta/models/{model}:streamGenerateContent"
            ))
            .header("x-goog-api-key", "g-test"),
    }
    .json(&body)
}

fn merge(into: &mut Value, extra: Value) {
    if let (Some(a), Value::Object(b)) = (into.as_object_mut(), extra) {
        a.extend(b);
    }
}

/// One SSE event: its name (if any), data, and whether it was a comment.
#[derive(Clone, Debug)]
pub struct Sse {
    pub event: Option<String>,
    pub data: String,
    pub comment: bool,
}

impl Sse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data)
            .unwrap_or_else(|e| panic!("event data is not JSON ({e}): {}", self.data))
    }
}

/// Split an SSE body. `crlf`: events are separated by `\r\n\r\n` (Gemini), else `\n\n`.
pub fn sse(body: &str, crlf: bool) -> Vec<Sse> {
    let (sep, nl) = if crlf {
        ("\r\n\r\n", "\r\n")
    } else {
        ("\n\n", "\n")
    };
    body.split(sep)
        .filter(|b| !b.is_empty())
        .map(|block| {
            let mut ev = Sse {
                event: None,
                data: String::new(),
                comment: false,
            };
            for line in block.split(nl) {
                if let Some(c) = line.strip_prefix(':') {
                    ev.comment = true;
                    ev.data = c.trim().to_string();
                } else if let Some(e) = line.strip_prefix("event: ") {
                    ev.event = Some(e.to_string());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    ev.data.push_str(d);
                }
            }
            ev
        })
        .collect()
}

/// The chunks of a Gemini stream in either framing, as JSON values.
pub fn gemini_chunks(p: P, body: &str) -> Vec<Value> {
    match p {
        P::GeminiSse => sse(body, true)
            .iter()
            .filter(|e| !e.comment)
            .map(Sse::json)
            .collect(),
        P::GeminiArray => match serde_json::from_str(body) {
            Ok(Value::Array(a)) => a,
            other => panic!("not a JSON array: {other:?}\n{body}"),
        },
        _ => unreachable!("not a Gemini protocol"),
    }
}

/// The answer text a client would show, for any protocol.
pub fn text_of(p: P, body: &str) -> String {
    match p {
        P::OpenAi => sse(body, false)
            .iter()
            .filter(|e| e.data != "[DONE]" && !e.comment)
            .filter_map(|e| {
                e.json()
                    .pointer("/choices/0/delta/content")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect(),
        P::Anthropic => sse(body, false)
            .iter()
            .filter(|e| e.event.as_deref() == Some("content_block_delta"))
            .filter_map(|e| {
                e.json()
                    .pointer("/delta/text")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect(),
        P::GeminiSse | P::GeminiArray => gemini_chunks(p, body)
            .iter()
            .flat_map(|c| {
                c.pointer("/candidates/0/content/parts")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|part| part.get("thought").is_none())
            .filter_map(|part| part.get("text").and_then(Value::as_str).map(str::to_string))
            .collect(),
    }
}

pub fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}
