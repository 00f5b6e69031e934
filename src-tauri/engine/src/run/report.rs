//! What a pane ends with: everything that happened, in the shape `juxta compare --json` prints
//! and the app stores. Field names are a public contract (see the README).

use serde::{Deserialize, Serialize};

use super::mapping::MappingReport;
use super::metrics::Metrics;
use crate::error::{ErrorKind, ProviderError};
use crate::event::{FinishReason, ToolCall, Usage};
use crate::request::{ChatRequest, ToolSpec};
use crate::validate::{self, SchemaCheck, StructuredCheck};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaneReport {
    /// The provider id asked for (the first target; see `attempts` for fallbacks).
    pub provider: String,
    pub model: String,
    /// The model the provider said answered.
    pub served_model: Option<String>,
    /// The upstream an aggregator routed to (OpenRouter's `provider`).
    pub served_by: Option<String>,
    /// True when the answer came from a different model than the one asked for: a fallback,
    /// or a provider serving another model (not a dated snapshot of the same one).
    pub substituted: bool,
    pub text: String,
    pub reasoning: String,
    pub tool_calls: Vec<ToolCallOut>,
    pub finish_reason: Option<FinishReason>,
    pub raw_finish_reason: Option<String>,
    pub usage: Option<UsageOut>,
    pub metrics: Metrics,
    /// Time spent waiting for a free slot on a provider with a concurrency limit (not part of
    /// TTFT or total time, which start when the request is sent).
    #[serde(default)]
    pub queued_ms: u64,
    pub cost_usd: Option<f64>,
    pub attempts: Vec<Attempt>,
    #[cfg_attr(feature = "ts", ts(as = "Vec<super::mapping::MappingEntry>"))]
    pub mapping: MappingReport,
    pub error: Option<PaneError>,
    /// The answer checked against the response schema, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub structured: Option<StructuredCheck>,
    /// What the protocol needs back in a follow-up turn (thinking signatures): goes into the next
    /// request's `Message::Assistant.provider_state`. Not part of the `--json` contract.
    #[serde(skip)]
    pub provider_state: Option<serde_json::Value>,
}

impl PaneReport {
    pub fn new(provider: &str, model: &str) -> PaneReport {
        PaneReport {
            provider: provider.to_string(),
            model: model.to_string(),
            served_model: None,
            served_by: None,
            substituted: false,
            text: String::new(),
            reasoning: String::new(),
            tool_calls: Vec::new(),
            finish_reason: None,
            raw_finish_reason: None,
            usage: None,
            metrics: Metrics::default(),
            queued_ms: 0,
            cost_usd: None,
            attempts: Vec::new(),
            mapping: MappingReport::default(),
            error: None,
            structured: None,
            provider_state: None,
        }
    }

    /// Check the answer against the response schema, if the request had one. The JSON is the
    /// text, or the single tool call a forced-tool emulation (Anthropic) made when no tools of
    /// the user's own were offered.
    pub fn check_structured(&mut self, request: &ChatRequest) {
        let Some(format) = &request.response_format else { return };
        if self.text.is_empty() && self.tool_calls.is_empty() && self.error.is_some() {
            return; // nothing came back: the error says why
        }
        let forced = match self.tool_calls.as_slice() {
            [only] if request.tools.is_empty() => Some(&only.arguments),
            _ => None,
        };
        self.structured = Some(validate::check_structured(format, &self.text, forced));
    }

    /// Finished without an error (a stop by the user counts as finished: nothing failed).
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ToolCallOut {
    pub id: String,
    pub name: String,
    pub arguments: serde_json::Value,
    /// The arguments checked against the tool's schema (absent when no tools were given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub check: Option<SchemaCheck>,
}

impl ToolCallOut {
    /// The call, checked against `tools` when there are any.
    pub fn checked(c: &ToolCall, tools: &[ToolSpec]) -> ToolCallOut {
        let check = (!tools.is_empty())
            .then(|| validate::check_tool_call(tools, &c.name, &c.arguments, c.arguments_error.as_deref()));
        ToolCallOut { id: c.id.clone(), name: c.name.clone(), arguments: c.arguments.clone(), check }
    }
}

impl From<&ToolCall> for ToolCallOut {
    fn from(c: &ToolCall) -> Self {
        ToolCallOut::checked(c, &[])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UsageOut {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    pub cached_tokens: u64,
}

impl From<&Usage> for UsageOut {
    fn from(u: &Usage) -> Self {
        UsageOut {
            input_tokens: u.input_tokens,
            output_tokens: u.output_tokens,
            reasoning_tokens: u.reasoning_tokens,
            cached_tokens: u.cached_tokens,
        }
    }
}

/// One HTTP attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attempt {
    pub provider: String,
    pub model: String,
    /// The HTTP status, or none when no response came (connection failure, timeout).
    pub status: Option<u16>,
    /// Why it failed, or none when it streamed an answer.
    pub error: Option<PaneError>,
    /// How long the pane waited before this attempt (backoff or `Retry-After`).
    pub waited_ms: u64,
}

/// The error as the user sees it: kind, status, the provider's message (never a key), retryable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaneError {
    pub kind: ErrorKind,
    pub status: Option<u16>,
    pub message: String,
    pub retryable: bool,
}

impl From<&ProviderError> for PaneError {
    fn from(e: &ProviderError) -> Self {
        PaneError { kind: e.kind, status: e.status, message: e.message.clone(), retryable: e.retryable }
    }
}
