//! Anthropic Messages: `POST {base}/messages` with `stream: true`.
//!
//! Mapping puts the system prompt at the top level, always sends `max_tokens` (required there),
//! keeps temperature in 0..1 and follows the thinking rules (budget ≥ 1024 and below
//! `max_tokens`, no sampling parameters while thinking). Decoding follows the content-block event
//! protocol: see [`AnthropicDecoder`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::*;
use crate::catalog::ThinkingStyle;
use crate::event::{Finish, FinishReason, ToolCall, Usage};
use crate::protocol::errors::{looks_like_html, parse_error_body, snippet, stream_error};
use crate::protocol::sse::{SseEvent, SseHandler, SseParser};
use crate::request::{Message, Params, ToolChoice, ToolSpec};
use crate::run::mapping::{clamp_reported, routing_unsupported, MappingAction};

#[cfg(test)]
pub(crate) mod tests;

/// The API version every request pins.
pub const API_VERSION: &str = "2023-06-01";
/// Anthropic rejects smaller thinking budgets.
pub const MIN_THINKING_BUDGET: u32 = 1024;
/// The key, in an assistant message's `provider_state`, of the thinking blocks (with their
/// signatures) that must be sent back on the next turn: `{"anthropic_thinking": [block, ...]}`.
pub const STATE_KEY: &str = "anthropic_thinking";

pub struct Anthropic;

impl Adapter for Anthropic {
    fn protocol(&self) -> Protocol {
        Protocol::Anthropic
    }

    fn base_headers(&self, endpoint: &Endpoint) -> Vec<(String, String)> {
        headers(&[("anthropic-version", API_VERSION)], endpoint)
    }

    fn map_request(&self, endpoint: &Endpoint, caps: &ModelCaps, req: &ChatRequest) -> Mapped {
        let mut report = MappingReport::default();
        let mut body = Map::new();
        body.insert("model".into(), req.model.clone().into());

        let mut max = max_tokens(caps, &req.params, &mut report);
        let budget = thinking_budget(caps, &req.params, &mut max, &mut report);
        body.insert("max_tokens".into(), max.value.into());
        if let Some(system) = req.system.as_deref().filter(|s| !s.trim().is_empty()) {
            body.insert("system".into(), system.into());
            report.moved("system", "system", "Anthropic takes the system prompt as a top-level field, not a message");
        }
        body.insert("messages".into(), Value::Array(messages(&req.messages, &mut report)));
        if let Some(budget) = budget {
            body.insert("thinking".into(), json!({"type": "enabled", "budget_tokens": budget}));
        }
        sampling(caps, &req.params, budget.is_some(), &mut body, &mut report);
        stop_sequences(&req.params.stop, &mut body, &mut report);
        if let Some(seed) = req.params.seed {
            report.unsupported("seed", seed, "Anthropic has no seed parameter; answers are not reproducible");
        }
        tools(caps, req, budget.is_some(), &mut body, &mut report);
        routing_unsupported(&mut report, req, &endpoint.name);
        body.insert("stream".into(), true.into());

        let headers = headers(
            &[
                ("anthropic-version", API_VERSION),
                ("content-type", "application/json"),
                ("accept", "text/event-stream"),
            ],
            endpoint,
        );
        Mapped { request: WireRequest { url: endpoint.url("/messages"), headers, body: Value::Object(body) }, report }
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(AnthropicDecoder::new())
    }

    fn parse_error(&self, status: u16, body: &[u8]) -> ProviderError {
        parse_error_body(status, body)
    }

    fn models_url(&self, endpoint: &Endpoint, cursor: Option<&str>) -> String {
        let mut url = endpoint.url(&format!("{}?limit=1000", endpoint.quirks.models_path));
        if let Some(cursor) = cursor {
            url.push_str("&after_id=");
            url.extend(url::form_urlencoded::byte_serialize(cursor.as_bytes()));
        }
        url
    }

    fn parse_models(&self, body: &[u8]) -> Result<ModelsPage, ProviderError> {
        let v: Value = serde_json::from_slice(body)
            .map_err(|e| ProviderError::malformed(format!("the model list is not JSON ({e}): {}", snippet(body))))?;
        let data = v.get("data").and_then(Value::as_array).ok_or_else(|| {
            ProviderError::malformed(format!("the model list has no `data` array: {}", snippet(body)))
        })?;
        let models = data
            .iter()
            .filter_map(|m| {
                Some(ModelInfo {
                    id: m.get("id")?.as_str()?.to_string(),
                    display_name: m.get("display_name").and_then(Value::as_str).map(str::to_string),
                    context_length: m.get("max_input_tokens").and_then(Value::as_u64),
                })
            })
            .collect();
        let has_more = v.get("has_more").and_then(Value::as_bool).unwrap_or(false);
        let next = has_more
            .then(|| v.get("last_id").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string))
            .flatten();
        Ok(ModelsPage { models, next })
    }
}

/// The fixed headers plus the preset's extra ones (which may override them, e.g. a newer
/// `anthropic-version`). Header names that carry keys are never taken from a preset: keys come
/// from the keychain, added by the runner.
pub(crate) fn headers(fixed: &[(&str, &str)], endpoint: &Endpoint) -> Vec<(String, String)> {
    const SECRET: [&str; 3] = ["authorization", "x-api-key", "x-goog-api-key"];
    let mut out: Vec<(String, String)> = fixed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    for (name, value) in &endpoint.extra_headers {
        if SECRET.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            continue;
        }
        out.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        out.push((name.clone(), value.clone()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Mapping

struct MaxTokens {
    value: u32,
    /// The user chose it (so thinking clamps its budget rather than raising the limit).
    explicit: bool,
}

fn max_tokens(caps: &ModelCaps, params: &Params, report: &mut MappingReport) -> MaxTokens {
    let (mut value, explicit) = match params.max_output_tokens {
        Some(v) => {
            report.renamed("max_output_tokens", "max_tokens", "Anthropic's name for the output limit");
            (v, true)
        }
        None => {
            let v = caps.default_max_output_tokens;
            report.defaulted("max_output_tokens", v, "Anthropic requires max_tokens; this is the model's default");
            (v, false)
        }
    };
    if value == 0 {
        report.clamped("max_output_tokens", 0, 1, "Anthropic requires max_tokens of at least 1");
        value = 1;
    }
    if let Some(ceiling) = caps.max_output_tokens.filter(|c| value > *c) {
        report.clamped("max_output_tokens", value, ceiling, format!("this model writes at most {ceiling} tokens"));
        value = ceiling;
    }
    MaxTokens { value, explicit }
}

/// The thinking budget to send, if thinking was asked for and can be honoured. Anthropic wants
/// `1024 <= budget_tokens < max_tokens`: a defaulted `max_tokens` is raised to make room, a
/// chosen one is respected and the budget is clamped instead.
fn thinking_budget(caps: &ModelCaps, params: &Params, max: &mut MaxTokens, report: &mut MappingReport) -> Option<u32> {
    let (param, asked) = match (params.thinking_budget, params.reasoning_effort) {
        (Some(b), _) => ("thinking_budget", b),
        (None, Some(e)) => ("reasoning_effort", e.default_budget()),
        (None, None) => return None,
    };
    let from: Value = match params.reasoning_effort.filter(|_| param == "reasoning_effort") {
        Some(e) => e.as_str().into(),
        None => asked.into(),
    };
    if caps.thinking == ThinkingStyle::None {
        report.unsupported(param, from, "this model has no extended thinking");
        return None;
    }
    report.push(
        param,
        MappingAction::Renamed,
        Some(from.clone()),
        Some(json!({"thinking.budget_tokens": asked})),
        if param == "reasoning_effort" {
            "Anthropic takes a thinking token budget, not an effort: the effort's default budget"
        } else {
            "Anthropic's name for the thinking budget"
        },
    );
    let mut budget = asked;
    if budget < MIN_THINKING_BUDGET {
        report.clamped(param, budget, MIN_THINKING_BUDGET, "Anthropic's minimum thinking budget is 1024 tokens");
        budget = MIN_THINKING_BUDGET;
    }
    if budget < max.value {
        return Some(budget);
    }
    let ceiling = caps.max_output_tokens.unwrap_or(u32::MAX);
    if !max.explicit && ceiling > budget {
        let raised = budget.saturating_add(caps.default_max_output_tokens).min(ceiling);
        report.clamped(
            "max_output_tokens",
            max.value,
            raised,
            format!("max_tokens must exceed the thinking budget of {budget}; raised to leave room for the answer"),
        );
        max.value = raised;
        return Some(budget);
    }
    // Half for thinking, half for the answer, but never below Anthropic's minimum.
    let clamped = (max.value / 2).max(MIN_THINKING_BUDGET);
    if clamped >= max.value {
        report.dropped(
            param,
            from,
            format!(
                "max_tokens {} leaves no room for the minimum thinking budget of 1024 tokens; thinking is off",
                max.value
            ),
        );
        return None;
    }
    report.clamped(
        param,
        budget,
        clamped,
        format!("the thinking budget must be below max_tokens ({}); half of it is kept for thinking", max.value),
    );
    Some(clamped)
}

fn sampling(
    caps: &ModelCaps,
    params: &Params,
    thinking: bool,
    body: &mut Map<String, Value>,
    report: &mut MappingReport,
) {
    let mut sent_temperature = false;
    if let Some(t) = params.temperature {
        if thinking {
            report.dropped("temperature", t, "Anthropic rejects temperature while extended thinking is on");
        } else if !caps.temperature {
            report.dropped("temperature", t, "this model does not take temperature");
        } else {
            // Not `clamp`: a NaN ceiling from a user's table must not reach `f64::clamp` (it panics).
            let hi = if caps.temperature_max >= 1.0 { 1.0 } else { caps.temperature_max.max(0.0) };
            let t = clamp_reported(report, "temperature", t, 0.0, hi, "Anthropic");
            body.insert("temperature".into(), t.into());
            sent_temperature = true;
        }
    }
    if let Some(p) = params.top_p {
        if thinking {
            report.dropped("top_p", p, "Anthropic rejects top_p while extended thinking is on");
        } else if !caps.top_p {
            report.dropped("top_p", p, "this model does not take top_p");
        } else if caps.sampling_exclusive && sent_temperature {
            report.dropped("top_p", p, "this model rejects temperature and top_p together; temperature was kept");
        } else {
            let p = clamp_reported(report, "top_p", p, 0.0, 1.0, "Anthropic");
            body.insert("top_p".into(), p.into());
        }
    }
}

fn stop_sequences(stop: &[String], body: &mut Map<String, Value>, report: &mut MappingReport) {
    let mut kept = Vec::new();
    for s in stop {
        if s.trim().is_empty() {
            report.dropped("stop", s.as_str(), "Anthropic rejects stop sequences made only of whitespace");
        } else {
            kept.push(Value::from(s.as_str()));
        }
    }
    if !kept.is_empty() {
        report.renamed("stop", "stop_sequences", "Anthropic's name for stop sequences");
        body.insert("stop_sequences".into(), Value::Array(kept));
    }
}

fn tool_json(t: &ToolSpec) -> Value {
    json!({"name": t.name, "description": t.description, "input_schema": t.parameters})
}

fn tools(
    caps: &ModelCaps,
    req: &ChatRequest,
    thinking: bool,
    body: &mut Map<String, Value>,
    report: &mut MappingReport,
) {
    let names = || Value::from(req.tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>());
    let sent_tools = !req.tools.is_empty() && caps.tools;
    if !req.tools.is_empty() && !caps.tools {
        report.unsupported("tools", names(), "this model does not take tools");
    }
    if sent_tools {
        body.insert("tools".into(), req.tools.iter().map(tool_json).collect());
    }
    if let Some(choice) = &req.tool_choice {
        let from = serde_json::to_value(choice).unwrap_or(Value::Null);
        let wire = match choice {
            _ if !sent_tools => {
                report.dropped("tool_choice", from, "no tools were sent");
                None
            }
            ToolChoice::Auto => Some(json!({"type": "auto"})),
            ToolChoice::None => Some(json!({"type": "none"})),
            ToolChoice::Required | ToolChoice::Tool(_) if thinking => {
                report.dropped("tool_choice", from, "Anthropic allows only auto or none tool_choice while thinking");
                None
            }
            ToolChoice::Required => Some(json!({"type": "any"})),
            ToolChoice::Tool(name) => Some(json!({"type": "tool", "name": name})),
        };
        if let Some(wire) = wire {
            body.insert("tool_choice".into(), wire);
        }
    }
    if let Some(rf) = &req.response_format {
        if caps.structured_outputs {
            body.insert("output_config".into(), json!({"format": {"type": "json_schema", "schema": rf.schema}}));
            report.push(
                "response_format",
                MappingAction::Moved,
                Some(rf.name.as_str().into()),
                Some("output_config.format".into()),
                "this model takes a JSON Schema for its answer (Anthropic structured outputs); the schema's name is not sent",
            );
            if !rf.strict {
                report.push(
                    "response_format.strict",
                    MappingAction::Defaulted,
                    Some(false.into()),
                    Some(true.into()),
                    "Anthropic's structured outputs always constrain the answer to the schema",
                );
            }
            return;
        }
        let why_not = if sent_tools {
            Some("it would be emulated with a forced tool call, which cannot be combined with your tools")
        } else if thinking {
            Some("it would be emulated with a forced tool call, which Anthropic rejects while thinking")
        } else if !caps.tools {
            Some("it would be emulated with a forced tool call, and this model does not take tools")
        } else if rf.schema.get("type").is_some_and(|t| t != "object") {
            Some("it would be emulated with a forced tool call, whose input must be a JSON object")
        } else {
            None
        };
        if let Some(why) = why_not {
            report.unsupported("response_format", rf.name.as_str(), format!("Anthropic has no JSON mode; {why}"));
            return;
        }
        let name = tool_name(&rf.name);
        let spec = ToolSpec {
            name: name.clone(),
            description: "Answer by calling this tool with JSON that matches its schema.".into(),
            parameters: rf.schema.clone(),
        };
        body.insert("tools".into(), json!([tool_json(&spec)]));
        body.insert("tool_choice".into(), json!({"type": "tool", "name": name}));
        report.push(
            "response_format",
            MappingAction::Moved,
            Some(rf.name.as_str().into()),
            Some("tools + tool_choice".into()),
            format!("Anthropic has no JSON mode: the model is made to call the tool {name:?}, and the JSON arrives as that call's arguments"),
        );
    }
}

/// Anthropic tool names match `^[a-zA-Z0-9_-]{1,64}$`.
fn tool_name(name: &str) -> String {
    let n: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .take(64)
        .collect();
    if n.is_empty() {
        "json".into()
    } else {
        n
    }
}

/// Append blocks to the conversation, merging into the previous turn when it has the same role
/// (consecutive tool results become one user turn; a user message after them joins it).
fn push_turn(turns: &mut Vec<(&'static str, Vec<Value>)>, role: &'static str, blocks: Vec<Value>) {
    if blocks.is_empty() {
        return;
    }
    match turns.last_mut() {
        Some((r, b)) if *r == role => b.extend(blocks),
        _ => turns.push((role, blocks)),
    }
}

fn messages(msgs: &[Message], report: &mut MappingReport) -> Vec<Value> {
    let mut turns: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for (i, m) in msgs.iter().enumerate() {
        match m {
            Message::User { content } => {
                if content.is_empty() {
                    report.dropped("messages", i, "Anthropic rejects empty text; the empty user message was left out");
                }
                let blocks = if content.is_empty() { vec![] } else { vec![json!({"type": "text", "text": content})] };
                push_turn(&mut turns, "user", blocks);
            }
            Message::Assistant { content, tool_calls, provider_state } => {
                let mut blocks = thinking_blocks(provider_state.as_ref());
                if !content.is_empty() {
                    blocks.push(json!({"type": "text", "text": content}));
                }
                for call in tool_calls {
                    let input = match &call.arguments {
                        Value::Object(_) => call.arguments.clone(),
                        other => {
                            report.dropped(
                                "messages",
                                other.clone(),
                                format!(
                                    "Anthropic takes tool input as a JSON object; call {} was sent with {{}}",
                                    call.id
                                ),
                            );
                            json!({})
                        }
                    };
                    blocks.push(json!({"type": "tool_use", "id": call.id, "name": call.name, "input": input}));
                }
                push_turn(&mut turns, "assistant", blocks);
            }
            Message::Tool { call_id, content, .. } => {
                let mut block = json!({"type": "tool_result", "tool_use_id": call_id});
                if !content.is_empty() {
                    block["content"] = content.as_str().into();
                }
                push_turn(&mut turns, "user", vec![block]);
            }
        }
    }
    turns.into_iter().map(|(role, content)| json!({"role": role, "content": content})).collect()
}

/// The thinking blocks kept from an earlier answer (see [`STATE_KEY`]); anything else is ignored,
/// including state written by another protocol.
fn thinking_blocks(state: Option<&Value>) -> Vec<Value> {
    let Some(blocks) = state.and_then(|s| s.get(STATE_KEY)).and_then(Value::as_array) else {
        return Vec::new();
    };
    blocks
        .iter()
        .filter(|b| match b.get("type").and_then(Value::as_str) {
            Some("thinking") => b.get("signature").and_then(Value::as_str).is_some_and(|s| !s.is_empty()),
            Some("redacted_thinking") => b.get("data").and_then(Value::as_str).is_some(),
            _ => false,
        })
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// The first bytes of a body, kept to explain a response that carried no event at all
/// (an HTML page from a proxy, a JSON error served with status 200). Shared with Gemini.
#[derive(Debug, Default)]
pub(crate) struct BodyHead {
    bytes: Vec<u8>,
}

impl BodyHead {
    const LIMIT: usize = 64 * 1024;

    pub(crate) fn push(&mut self, bytes: &[u8]) {
        let room = Self::LIMIT.saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// What went wrong with a body in which no event was found; `None` for an empty body.
    pub(crate) fn diagnose(&self) -> Option<ProviderError> {
        if self.bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if looks_like_html(&self.bytes) {
            return Some(ProviderError::malformed(
                "the server answered with an HTML page, not an event stream; a proxy or gateway in between, or a wrong base URL",
            ));
        }
        if let Ok(v) = serde_json::from_slice::<Value>(&self.bytes) {
            if v.get("error").is_some() {
                return Some(stream_error(&v));
            }
        }
        Some(ProviderError::malformed(format!("the response is not an event stream: {}", snippet(&self.bytes))))
    }
}

/// One content block of the message being streamed.
enum Block {
    Text,
    Thinking {
        text: String,
        signature: String,
    },
    Redacted {
        data: String,
    },
    ToolUse {
        call: usize,
        id: String,
        name: String,
        json: String,
    },
    /// A block type this decoder does not know (server tools, citations, ...): ignored.
    Other,
}

/// Token counts as Anthropic reports them (input excludes the cache).
#[derive(Default)]
struct Tokens {
    input: u64,
    cache_read: u64,
    cache_creation: u64,
    output: u64,
}

impl Tokens {
    fn update(&mut self, u: &Value) {
        let set = |field: &mut u64, key: &str| {
            if let Some(n) = u.get(key).and_then(Value::as_u64) {
                *field = n;
            }
        };
        set(&mut self.input, "input_tokens");
        set(&mut self.cache_read, "cache_read_input_tokens");
        set(&mut self.cache_creation, "cache_creation_input_tokens");
        set(&mut self.output, "output_tokens");
    }

    fn usage(&self) -> Usage {
        Usage {
            input_tokens: self.input.saturating_add(self.cache_read).saturating_add(self.cache_creation),
            output_tokens: self.output,
            reasoning_tokens: 0, // Anthropic does not count thinking apart; it is inside output_tokens
            cached_tokens: self.cache_read,
            provider_cost_usd: None,
        }
    }
}

/// Decodes an Anthropic Messages event stream.
pub struct AnthropicDecoder {
    sse: SseParser,
    head: BodyHead,
    state: State,
}

#[derive(Default)]
struct State {
    done: bool,
    saw_event: bool,
    model: Option<String>,
    tokens: Tokens,
    blocks: BTreeMap<u64, Block>,
    calls: usize,
    stop_reason: Option<String>,
    /// Finished thinking blocks by content index, for [`Decoder::provider_state`].
    thinking: BTreeMap<u64, Value>,
}

impl AnthropicDecoder {
    pub fn new() -> Self {
        AnthropicDecoder { sse: SseParser::new(), head: BodyHead::default(), state: State::default() }
    }
}

impl Default for AnthropicDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for AnthropicDecoder {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        if !self.state.done {
            self.head.push(bytes);
        }
        self.sse.feed_to(bytes, &mut self.state, out);
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.sse.finish_to(&mut self.state, out) {
            // A body that never looked like a stream (an HTML page, a JSON error) says so instead.
            let err = if self.state.saw_event { None } else { self.head.diagnose() };
            self.state.fail(err.unwrap_or_else(|| ProviderError::truncated("message_stop")), out);
        }
    }

    /// `{"anthropic_thinking": [thinking and redacted_thinking blocks]}` when the answer had any.
    fn provider_state(&self) -> Option<Value> {
        if self.state.thinking.is_empty() {
            return None;
        }
        Some(json!({ STATE_KEY: self.state.thinking.values().cloned().collect::<Vec<_>>() }))
    }
}

impl SseHandler for State {
    fn done(&self) -> bool {
        self.done
    }
    fn event(&mut self, ev: SseEvent<'_>, at_eof: bool, out: &mut Vec<StreamEvent>) {
        State::event(self, ev, at_eof, out);
    }
    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        State::fail(self, error, out);
    }
}

impl State {
    fn event(&mut self, e: SseEvent<'_>, at_eof: bool, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        self.saw_event = true;
        let v: Value = match serde_json::from_str(e.data) {
            Ok(v) => v,
            // An event cut short by the end of the body is truncation, not a protocol error.
            Err(_) if at_eof => return self.fail(ProviderError::truncated("message_stop"), out),
            Err(err) => {
                return self.fail(
                    ProviderError::malformed(format!("an event is not JSON ({err}): {}", snippet(e.data.as_bytes()))),
                    out,
                )
            }
        };
        let kind = v.get("type").and_then(Value::as_str).unwrap_or(e.event);
        match kind {
            "message_start" => self.message_start(&v, out),
            "content_block_start" => self.block_start(&v, out),
            "content_block_delta" => self.block_delta(&v, out),
            "content_block_stop" => self.block_stop(&v, out),
            "message_delta" => self.message_delta(&v, out),
            "message_stop" => self.message_stop(out),
            "error" => self.fail(stream_error(&v), out),
            _ => {} // ping, and event types newer than this decoder
        }
    }

    fn message_start(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let Some(msg) = v.get("message") else { return };
        if let Some(model) = msg.get("model").and_then(Value::as_str) {
            self.model = Some(model.to_string());
        }
        if let Some(u) = msg.get("usage") {
            self.tokens.update(u);
            out.push(StreamEvent::Usage { usage: self.tokens.usage() });
        }
    }

    fn block_start(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let index = v.get("index").and_then(Value::as_u64).unwrap_or(0);
        let Some(cb) = v.get("content_block") else { return };
        let str_of = |k: &str| cb.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let block = match cb.get("type").and_then(Value::as_str) {
            Some("text") => {
                push_text(out, false, &str_of("text"));
                Block::Text
            }
            Some("thinking") => {
                let text = str_of("thinking");
                push_text(out, true, &text);
                Block::Thinking { text, signature: str_of("signature") }
            }
            Some("redacted_thinking") => Block::Redacted { data: str_of("data") },
            Some("tool_use") => {
                let (call, id, name) = (self.calls, str_of("id"), str_of("name"));
                self.calls += 1;
                out.push(StreamEvent::ToolCallDelta {
                    index: call,
                    id: Some(id.clone()),
                    name: Some(name.clone()),
                    arguments: String::new(),
                });
                // `input` is `{}` here and streams as input_json_delta; a non-empty one is kept.
                let json = match cb.get("input") {
                    Some(Value::Object(m)) if !m.is_empty() => Value::Object(m.clone()).to_string(),
                    _ => String::new(),
                };
                Block::ToolUse { call, id, name, json }
            }
            _ => Block::Other,
        };
        self.blocks.insert(index, block);
    }

    fn block_delta(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let index = v.get("index").and_then(Value::as_u64).unwrap_or(0);
        let Some(delta) = v.get("delta") else { return };
        let field = |k: &str| delta.get(k).and_then(Value::as_str).unwrap_or_default();
        let block = self.blocks.get_mut(&index);
        match (delta.get("type").and_then(Value::as_str), block) {
            (Some("text_delta"), _) => push_text(out, false, field("text")),
            (Some("thinking_delta"), block) => {
                let piece = field("thinking");
                if let Some(Block::Thinking { text, .. }) = block {
                    text.push_str(piece);
                }
                push_text(out, true, piece);
            }
            // The signature only matters for the next turn: kept in provider_state, never shown.
            (Some("signature_delta"), Some(Block::Thinking { signature, .. })) => {
                signature.push_str(field("signature"))
            }
            (Some("input_json_delta"), Some(Block::ToolUse { call, json, .. })) => {
                let piece = field("partial_json");
                if !piece.is_empty() {
                    json.push_str(piece);
                    out.push(StreamEvent::ToolCallDelta {
                        index: *call,
                        id: None,
                        name: None,
                        arguments: piece.to_string(),
                    });
                }
            }
            _ => {} // citations_delta and others
        }
    }

    fn block_stop(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let index = v.get("index").and_then(Value::as_u64).unwrap_or(0);
        if let Some(block) = self.blocks.remove(&index) {
            self.close_block(index, block, out);
        }
    }

    fn close_block(&mut self, index: u64, block: Block, out: &mut Vec<StreamEvent>) {
        match block {
            Block::ToolUse { id, name, json, .. } => {
                out.push(StreamEvent::ToolCall { call: ToolCall::from_raw(id, name, &json) });
            }
            Block::Thinking { text, signature } => {
                self.thinking.insert(index, json!({"type": "thinking", "thinking": text, "signature": signature}));
            }
            Block::Redacted { data } => {
                self.thinking.insert(index, json!({"type": "redacted_thinking", "data": data}));
            }
            Block::Text | Block::Other => {}
        }
    }

    fn message_delta(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        if let Some(reason) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
            self.stop_reason = Some(reason.to_string());
        }
        if let Some(u) = v.get("usage") {
            self.tokens.update(u);
            out.push(StreamEvent::Usage { usage: self.tokens.usage() });
        }
    }

    fn message_stop(&mut self, out: &mut Vec<StreamEvent>) {
        // Blocks never stopped are still complete once the message is.
        for (index, block) in std::mem::take(&mut self.blocks) {
            self.close_block(index, block, out);
        }
        let reason = self.stop_reason.as_deref().map(finish_reason).unwrap_or(FinishReason::Other);
        out.push(StreamEvent::Finish {
            finish: Finish {
                reason,
                raw_reason: self.stop_reason.clone(),
                served_model: self.model.clone(),
                served_by: None,
            },
        });
        self.done = true;
    }

    /// End the stream with an error; only the first terminal event counts.
    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        if !self.done {
            out.push(StreamEvent::Error { error });
            self.done = true;
        }
    }
}

fn push_text(out: &mut Vec<StreamEvent>, reasoning: bool, text: &str) {
    if text.is_empty() {
        return;
    }
    let text = text.to_string();
    out.push(if reasoning { StreamEvent::Reasoning { text } } else { StreamEvent::Text { text } });
}

/// Anthropic's `stop_reason`, normalised.
pub fn finish_reason(raw: &str) -> FinishReason {
    match raw {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        _ => FinishReason::Other, // pause_turn and anything newer
    }
}
