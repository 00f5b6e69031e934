//! Neutral stream events. Every adapter decodes its provider's stream into these; nothing
//! provider-specific leaves the engine except in the inspector's raw views.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ProviderError;

/// What a protocol decoder produces from the bytes of one HTTP response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    /// A piece of the answer.
    Text { text: String },
    /// A piece of the model's reasoning or thinking summary.
    Reasoning { text: String },
    /// A piece of a tool call as it streams (for live display). `id`/`name` come with the first piece.
    ToolCallDelta {
        index: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        arguments: String,
    },
    /// A whole tool call, arguments assembled and parsed. Emitted once per call, before `Finish`.
    ToolCall { call: ToolCall },
    /// Token counts so far; a later `Usage` replaces an earlier one.
    Usage { usage: Usage },
    /// The stream ended with its protocol's terminal signal.
    Finish { finish: Finish },
    /// The provider reported an error inside the stream, or the stream broke.
    Error { error: ProviderError },
}

/// A tool call the model made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The parsed arguments. When the provider sent text that is not JSON, this is that text as a
    /// JSON string and `arguments_error` says why.
    pub arguments: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments_error: Option<String>,
}

impl ToolCall {
    /// Assemble a call from its streamed argument text. Empty text means `{}` (Anthropic sends
    /// an only-empty `partial_json` for argument-less tools).
    pub fn from_raw(id: String, name: String, raw: &str) -> ToolCall {
        if raw.trim().is_empty() {
            return ToolCall { id, name, arguments: Value::Object(Default::default()), arguments_error: None };
        }
        match serde_json::from_str(raw) {
            Ok(arguments) => ToolCall { id, name, arguments, arguments_error: None },
            Err(e) => ToolCall {
                id,
                name,
                arguments: Value::String(raw.to_string()),
                arguments_error: Some(format!("arguments are not valid JSON: {e}")),
            },
        }
    }
}

/// Token counts, normalised: `output_tokens` includes reasoning tokens on every protocol.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    /// Input tokens served from the provider's prompt cache (a subset of `input_tokens`).
    pub cached_tokens: u64,
    /// What the provider itself says the request cost (OpenRouter's `usage.cost`).
    #[serde(skip)]
    pub provider_cost_usd: Option<f64>,
}

/// Why generation stopped, normalised across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FinishReason {
    Stop,
    Length,
    ToolCalls,
    ContentFilter,
    Error,
    Cancelled,
    Other,
}

/// The end of a stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finish {
    pub reason: FinishReason,
    /// The provider's own word for it (`end_turn`, `STOP`, `tool_calls`, ...).
    pub raw_reason: Option<String>,
    /// The model the provider says served the request.
    pub served_model: Option<String>,
    /// The upstream that served it, when an aggregator says so (OpenRouter's `provider`).
    pub served_by: Option<String>,
}
