//! Wire protocols. One file per protocol, all behind [`Adapter`]: mapping a neutral
//! [`ChatRequest`] to the provider's request is a pure function, and so is decoding its stream
//! (a [`Decoder`] is fed bytes and pushes neutral [`StreamEvent`]s). Neither touches the network.

pub mod anthropic;
pub mod errors;
pub mod gemini;
pub mod ollama;
pub mod openai_chat;
pub mod openai_responses;
pub mod sse;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::{Endpoint, ModelCaps};
use crate::error::ProviderError;
use crate::event::StreamEvent;
use crate::request::ChatRequest;
use crate::run::mapping::MappingReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Protocol {
    /// OpenAI Chat Completions and every OpenAI-compatible server.
    #[serde(rename = "openai")]
    OpenAiChat,
    #[serde(rename = "anthropic")]
    Anthropic,
    #[serde(rename = "gemini")]
    Gemini,
    /// Ollama's native `/api/chat` (NDJSON). Its `/v1` is OpenAI-compatible: that is `OpenAiChat`.
    #[serde(rename = "ollama")]
    Ollama,
    /// OpenAI's Responses API (`POST {base}/responses`, named SSE events).
    #[serde(rename = "openai-responses")]
    OpenAiResponses,
}

impl Protocol {
    pub fn adapter(self) -> &'static dyn Adapter {
        match self {
            Protocol::OpenAiChat => &openai_chat::OpenAiChat,
            Protocol::Anthropic => &anthropic::Anthropic,
            Protocol::Gemini => &gemini::Gemini,
            Protocol::Ollama => &ollama::Ollama,
            Protocol::OpenAiResponses => &openai_responses::OpenAiResponses,
        }
    }

    /// Whether a provider that speaks `self` can be asked over `other` instead, at the same base
    /// URL with the same key (OpenAI's Responses API beside its Chat Completions).
    pub fn switchable_to(self, other: Protocol) -> bool {
        self == other || matches!((self, other), (Protocol::OpenAiChat, Protocol::OpenAiResponses))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::OpenAiChat => "openai",
            Protocol::Anthropic => "anthropic",
            Protocol::Gemini => "gemini",
            Protocol::Ollama => "ollama",
            Protocol::OpenAiResponses => "openai-responses",
        }
    }
}

impl std::str::FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "openai" => Ok(Protocol::OpenAiChat),
            "anthropic" => Ok(Protocol::Anthropic),
            "gemini" => Ok(Protocol::Gemini),
            "ollama" => Ok(Protocol::Ollama),
            "openai-responses" => Ok(Protocol::OpenAiResponses),
            _ => Err(format!("unknown protocol {s:?}: use openai, openai-responses, anthropic, gemini or ollama")),
        }
    }
}

/// A provider request, ready to send (the key is added by the runner at the last moment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WireRequest {
    pub url: String,
    /// Non-secret headers (`anthropic-version`, `content-type`, a preset's extra headers).
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

/// The result of mapping: what will be sent, and every way it differs from what was asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mapped {
    pub request: WireRequest,
    pub report: MappingReport,
}

/// One page of a provider's model list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelsPage {
    pub models: Vec<ModelInfo>,
    /// The cursor for the next page, if there is one.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelInfo {
    /// The id to send as `model` (Gemini's `models/` prefix removed).
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub context_length: Option<u64>,
}

/// A protocol: mapping, decoding, error bodies, model listing. Implementations are stateless.
pub trait Adapter: Send + Sync {
    fn protocol(&self) -> Protocol;

    /// Map the neutral request to this protocol's streaming request, reporting every change.
    fn map_request(&self, endpoint: &Endpoint, caps: &ModelCaps, req: &ChatRequest) -> Mapped;

    /// A fresh decoder for one response body.
    fn decoder(&self) -> Box<dyn Decoder>;

    /// Turn a non-2xx response (status, headers already folded into `retry_after` by the caller,
    /// body) into a `ProviderError`. Must cope with HTML and empty bodies.
    fn parse_error(&self, status: u16, body: &[u8]) -> ProviderError;

    /// The URL of one page of the model list.
    fn models_url(&self, endpoint: &Endpoint, cursor: Option<&str>) -> String;

    /// Parse one page of the model list.
    fn parse_models(&self, body: &[u8]) -> Result<ModelsPage, ProviderError>;

    /// Headers of a request other than a completion (the model list): the preset's extra
    /// headers, never an auth header (the runner adds the key), plus what the protocol requires.
    fn base_headers(&self, endpoint: &Endpoint) -> Vec<(String, String)> {
        anthropic::headers(&[], endpoint)
    }
}

/// Decodes one response body. Contract:
/// - `feed` may be called with any split of the body; the events are the same however it is split.
/// - Exactly one terminal event (`Finish` or `Error`) is emitted, by `feed` or by `finish`;
///   assembled `ToolCall`s come before it. After it, further input is ignored.
/// - A body that ends without the protocol's terminal signal yields `Error` of kind `Truncated`.
/// - Never panics, whatever the bytes.
pub trait Decoder: Send {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>);
    /// The body ended (EOF).
    fn finish(&mut self, out: &mut Vec<StreamEvent>);
    /// Opaque data the next turn must send back (Anthropic thinking signatures, Gemini thought
    /// signatures), known once the stream has ended: store it as the assistant message's
    /// `provider_state`. `None` when there is nothing to keep.
    fn provider_state(&self) -> Option<Value> {
        None
    }
}

/// Decode a whole body in one go (tests, replays, benchmarks).
pub fn decode_all(protocol: Protocol, body: &[u8]) -> Vec<StreamEvent> {
    let mut d = protocol.adapter().decoder();
    let mut out = Vec::new();
    d.feed(body, &mut out);
    d.finish(&mut out);
    out
}
