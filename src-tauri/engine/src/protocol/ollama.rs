//! Ollama's native chat API: `POST {base}/api/chat`, where the base is the server root
//! (`http://localhost:11434`, no `/v1`: that path is Ollama's OpenAI-compatible API, spoken by
//! `OpenAiChat`).
//!
//! The answer is NDJSON, not SSE: one JSON object per line, `{message:{content, thinking?,
//! tool_calls?}, done:false}` ... then `{done:true, done_reason, prompt_eval_count, eval_count}`.
//! Tool calls arrive whole, arguments as an object, without ids. Errors are `{"error":"..."}`,
//! either as the body of a non-2xx response or as a line inside the stream. See [`OllamaDecoder`].

use serde_json::{json, Map, Value};

use super::*;
use crate::catalog::ThinkingStyle;
use crate::error::ErrorKind;
use crate::event::{Finish, FinishReason, ToolCall, Usage};
use crate::protocol::anthropic::headers;
use crate::protocol::openai_chat::{tool_choice_label, tool_json};
use crate::protocol::errors::{looks_like_html, parse_error_body, snippet, stream_error};
use crate::protocol::sse::MAX_EVENT_BYTES;
use crate::request::{Message, Params, ReasoningEffort, ToolCallRequest, ToolChoice};
use crate::run::mapping::{clamp_reported, routing_unsupported, MappingAction};

#[cfg(test)]
mod tests;

pub struct Ollama;

impl Adapter for Ollama {
    fn protocol(&self) -> Protocol {
        Protocol::Ollama
    }

    fn map_request(&self, endpoint: &Endpoint, caps: &ModelCaps, req: &ChatRequest) -> Mapped {
        let mut report = MappingReport::default();
        let mut body = Map::new();
        body.insert("model".into(), req.model.clone().into());
        body.insert("messages".into(), Value::Array(messages(req, &mut report)));
        body.insert("stream".into(), true.into());
        tools(caps, req, &mut body, &mut report);
        routing_unsupported(&mut report, req, &endpoint.name);
        if let Some(think) = think(caps, &req.params, &mut report) {
            body.insert("think".into(), think);
        }
        if let Some(rf) = &req.response_format {
            body.insert("format".into(), rf.schema.clone());
            report.push(
                "response_format",
                MappingAction::Renamed,
                Some(rf.name.as_str().into()),
                Some("format".into()),
                "Ollama takes the JSON schema itself as `format` (without a name or a strict flag)",
            );
        }
        let options = options(caps, &req.params, &mut report);
        if !options.is_empty() {
            body.insert("options".into(), Value::Object(options));
        }
        let headers = headers(&[("content-type", "application/json"), ("accept", "application/x-ndjson")], endpoint);
        Mapped { request: WireRequest { url: endpoint.url("/api/chat"), headers, body: Value::Object(body) }, report }
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(OllamaDecoder::new())
    }

    /// `{"error":"..."}` with the status. A missing model gets the `ollama pull` it needs; a
    /// model too large for the machine is not worth retrying.
    fn parse_error(&self, status: u16, body: &[u8]) -> ProviderError {
        let mut e = parse_error_body(status, body);
        let Some(raw) = error_string(body) else { return e };
        if let Some(model) = missing_model(&raw) {
            e.kind = ErrorKind::NotFound;
            e.retryable = false;
            e.message = format!("{raw} — {}", pull_advice(model));
        } else if lacks_memory(&raw) {
            e.retryable = false;
            e.message = format!("{raw} — {MEMORY_ADVICE}");
        }
        e
    }

    /// `/api/tags` lists every installed model at once (no pages).
    fn models_url(&self, endpoint: &Endpoint, _cursor: Option<&str>) -> String {
        endpoint.url("/api/tags")
    }

    fn parse_models(&self, body: &[u8]) -> Result<ModelsPage, ProviderError> {
        let v: Value = serde_json::from_slice(body)
            .map_err(|e| ProviderError::malformed(format!("the model list is not JSON ({e}): {}", snippet(body))))?;
        let list = match v.get("models") {
            Some(Value::Array(list)) => list.as_slice(),
            None | Some(Value::Null) => &[], // a server with nothing pulled yet
            Some(_) => return Err(ProviderError::malformed(format!("`models` is not an array: {}", snippet(body)))),
        };
        Ok(ModelsPage { models: list.iter().filter_map(model_info).collect(), next: None })
    }
}

/// `{name: "qwen3:8b", details: {parameter_size: "8.2B", quantization_level: "Q4_K_M"}}` →
/// id `qwen3:8b`, shown as `qwen3:8b (8.2B Q4_K_M)`.
fn model_info(m: &Value) -> Option<ModelInfo> {
    let name = m.get("name").or_else(|| m.get("model"))?.as_str()?;
    let details: Vec<&str> = ["parameter_size", "quantization_level"]
        .iter()
        .filter_map(|k| m.pointer(&format!("/details/{k}")).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .collect();
    let display_name = (!details.is_empty()).then(|| format!("{name} ({})", details.join(" ")));
    Some(ModelInfo { id: name.to_string(), display_name, context_length: None })
}

// ---------------------------------------------------------------------------------------------
// Errors

const MEMORY_ADVICE: &str = "the model does not fit in this machine's memory: unload other models \
     (`ollama ps`, `ollama stop MODEL`), or use a smaller model or quantization";

/// The message of an Ollama error body, `{"error": "..."}`.
fn error_string(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("error")?.as_str().map(str::to_string)
}

/// `model "llama3" not found, try pulling it first` (older servers quote with `'`) → `llama3`.
fn missing_model(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("model ")?;
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    rest[end..].contains("not found").then(|| &rest[..end]).filter(|m| !m.is_empty())
}

fn pull_advice(model: &str) -> String {
    format!("download it with `ollama pull {model}` on the machine that runs Ollama, or pick an installed model")
}

/// "model requires more system memory (5.5 GiB) than is available (3.1 GiB)", CUDA out of memory, ...
fn lacks_memory(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("system memory") || lower.contains("out of memory") || lower.contains("insufficient memory")
}

/// An `{"error": ...}` line inside an HTTP 200 stream. Ollama's are plain strings: the kind is
/// read from the message. Nothing in-stream is retried (the answer has begun).
fn in_stream_error(err: &Value) -> ProviderError {
    let Value::String(message) = err else { return stream_error(err) };
    let (kind, message) = if let Some(model) = missing_model(message) {
        (ErrorKind::NotFound, format!("{message} — {}", pull_advice(model)))
    } else if lacks_memory(message) {
        (ErrorKind::Server, format!("{message} — {MEMORY_ADVICE}"))
    } else if message.contains("does not support") {
        (ErrorKind::InvalidRequest, message.clone())
    } else {
        (ErrorKind::Stream, message.clone())
    };
    ProviderError::new(kind, message).retryable(false)
}

// ---------------------------------------------------------------------------------------------
// Mapping

fn messages(req: &ChatRequest, report: &mut MappingReport) -> Vec<Value> {
    let mut out = Vec::with_capacity(req.messages.len() + 1);
    if let Some(system) = req.system.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(json!({"role": "system", "content": system}));
    }
    let (mut dropped_ids, mut dropped_state) = (false, false);
    for (i, m) in req.messages.iter().enumerate() {
        match m {
            Message::User { content } => out.push(json!({"role": "user", "content": content})),
            Message::Assistant { content, tool_calls, provider_state } => {
                dropped_state |= provider_state.is_some();
                let mut msg = json!({"role": "assistant", "content": content});
                if !tool_calls.is_empty() {
                    dropped_ids = true;
                    let calls: Vec<Value> = tool_calls
                        .iter()
                        .enumerate()
                        .map(|(j, c)| {
                            let arguments = call_arguments(c, &format!("messages[{i}].tool_calls[{j}]"), report);
                            json!({"function": {"name": c.name, "arguments": arguments}})
                        })
                        .collect();
                    msg["tool_calls"] = Value::Array(calls);
                }
                out.push(msg);
            }
            Message::Tool { name, content, .. } => {
                dropped_ids = true;
                out.push(json!({"role": "tool", "content": content, "tool_name": name}));
            }
        }
    }
    if dropped_ids {
        report.dropped(
            "call_id",
            Value::Null,
            "Ollama's tool calls carry no ids: each result is sent with its tool_name, in order",
        );
    }
    if dropped_state {
        report.dropped(
            "provider_state",
            Value::Null,
            "saved provider data from an earlier answer (thought signatures) has no place in Ollama's format",
        );
    }
    out
}

/// Ollama takes a call's arguments as an object. A call kept as raw text (the model's arguments
/// were not JSON) is sent as the object the text holds, else as `{}`.
fn call_arguments(call: &ToolCallRequest, at: &str, report: &mut MappingReport) -> Value {
    let parsed = match &call.arguments {
        Value::Object(_) => return call.arguments.clone(),
        Value::String(raw) => serde_json::from_str::<Value>(raw).ok().filter(Value::is_object),
        _ => None,
    };
    parsed.unwrap_or_else(|| {
        report.dropped(
            "messages",
            format!("{at}.arguments"),
            "Ollama takes tool-call arguments as an object; these were not one, so {} was sent",
        );
        json!({})
    })
}

fn tools(caps: &ModelCaps, req: &ChatRequest, body: &mut Map<String, Value>, report: &mut MappingReport) {
    let names = || req.tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>();
    let choice = req.tool_choice.as_ref();
    if req.tools.is_empty() || !caps.tools {
        let why = if req.tools.is_empty() {
            "no tools were given, so there is nothing to choose".to_string()
        } else {
            let why = format!("{} cannot call tools", req.model);
            report.dropped("tools", names(), why.clone());
            why
        };
        if let Some(c) = choice {
            report.dropped("tool_choice", tool_choice_label(c), why);
        }
        return;
    }
    match choice {
        None => {}
        Some(ToolChoice::Auto) => {
            report.dropped("tool_choice", "auto", "Ollama has no tool_choice; its models always choose, which is auto")
        }
        Some(ToolChoice::None) => {
            report.dropped(
                "tool_choice",
                "none",
                "Ollama has no tool_choice: none is expressed by not sending the tools",
            );
            report.dropped(
                "tools",
                names(),
                "tool_choice is none: the tools were left out so the model cannot call them",
            );
            return;
        }
        Some(ToolChoice::Required) => report.unsupported(
            "tool_choice",
            "required",
            "Ollama cannot force a tool call: the tools were sent and the model may answer without one",
        ),
        Some(ToolChoice::Tool(name)) => report.unsupported(
            "tool_choice",
            name.as_str(),
            "Ollama cannot force a particular tool: all tools were sent and the model may call any or none",
        ),
    }
    body.insert("tools".into(), req.tools.iter().map(tool_json).collect());
}

/// `think`: on/off for most thinking models (`ThinkingStyle::Budget` in the table), a level for
/// gpt-oss (`Effort`), never for models that do not think (Ollama rejects it with a 400).
fn think(caps: &ModelCaps, p: &Params, report: &mut MappingReport) -> Option<Value> {
    let (effort, budget) = (p.reasoning_effort, p.thinking_budget);
    if effort.is_none() && budget.is_none() {
        return None;
    }
    match caps.thinking {
        ThinkingStyle::None => {
            let why = "this model does not think on request (Ollama rejects `think` for it), so it was not sent";
            if let Some(e) = effort {
                report.unsupported("reasoning_effort", e.as_str(), why);
            }
            if let Some(b) = budget {
                report.unsupported("thinking_budget", b, why);
            }
            None
        }
        ThinkingStyle::Effort => Some(think_level(effort, budget, report)),
        ThinkingStyle::Budget => Some(think_switch(effort, budget, report)),
    }
}

/// gpt-oss: `think: "low" | "medium" | "high"`.
fn think_level(effort: Option<ReasoningEffort>, budget: Option<u32>, report: &mut MappingReport) -> Value {
    let level = match (effort, budget) {
        (Some(e), b) => {
            if let Some(b) = b {
                report.dropped("thinking_budget", b, "this model takes a level, and reasoning_effort was given");
            }
            let level = if e == ReasoningEffort::Minimal { "low" } else { e.as_str() };
            let (action, why) = if level == e.as_str() {
                (MappingAction::Renamed, "this model takes its reasoning level as `think`")
            } else {
                (MappingAction::Clamped, "this model takes low, medium or high; minimal is sent as low")
            };
            report.push("reasoning_effort", action, Some(e.as_str().into()), Some(json!({ "think": level })), why);
            level
        }
        (None, Some(b)) => {
            let level = level_for_budget(b);
            report.push(
                "thinking_budget",
                MappingAction::Renamed,
                Some(b.into()),
                Some(json!({ "think": level })),
                "this model takes a reasoning level, not a budget: the nearest level",
            );
            level
        }
        (None, None) => "medium",
    };
    level.into()
}

/// The nearest of the three levels to a token budget (the levels' default budgets are 2k, 8k, 24k).
fn level_for_budget(budget: u32) -> &'static str {
    match budget {
        0..4096 => "low",
        4096..16384 => "medium",
        _ => "high",
    }
}

/// Other thinking models: `think: true`, or `false` for a budget of 0.
fn think_switch(effort: Option<ReasoningEffort>, budget: Option<u32>, report: &mut MappingReport) -> Value {
    let on = effort.is_some() || budget != Some(0);
    if let Some(e) = effort {
        report.push(
            "reasoning_effort",
            MappingAction::Renamed,
            Some(e.as_str().into()),
            Some(json!({ "think": true })),
            "Ollama switches thinking on or off for this model: the level itself is not sent",
        );
    }
    match budget {
        Some(b) if effort.is_some() => {
            report.dropped("thinking_budget", b, "reasoning_effort was given, and Ollama takes one on/off switch")
        }
        Some(0) => report.push(
            "thinking_budget",
            MappingAction::Renamed,
            Some(0.into()),
            Some(json!({ "think": false })),
            "a thinking budget of 0 switches thinking off",
        ),
        Some(b) => report.push(
            "thinking_budget",
            MappingAction::Renamed,
            Some(b.into()),
            Some(json!({ "think": true })),
            "Ollama takes no thinking budget: thinking is switched on, without a token limit",
        ),
        None => {}
    }
    on.into()
}

/// `options`: the sampling and length parameters.
fn options(caps: &ModelCaps, p: &Params, report: &mut MappingReport) -> Map<String, Value> {
    let mut o = Map::new();
    if let Some(t) = sampling(report, "temperature", p.temperature, caps.temperature, caps.temperature_max) {
        o.insert("temperature".into(), t.into());
    }
    if let Some(t) = sampling(report, "top_p", p.top_p, caps.top_p, 1.0) {
        o.insert("top_p".into(), t.into());
    }
    if let Some(mut max) = p.max_output_tokens {
        report.renamed("max_output_tokens", "options.num_predict", "Ollama's name for the output limit");
        if let Some(ceiling) = caps.max_output_tokens.filter(|c| max > *c) {
            report.clamped("max_output_tokens", max, ceiling, format!("this model writes at most {ceiling} tokens"));
            max = ceiling;
        }
        o.insert("num_predict".into(), max.into());
    }
    if let Some(seed) = p.seed {
        o.insert("seed".into(), seed.into());
    }
    if !p.stop.is_empty() {
        o.insert("stop".into(), p.stop.clone().into());
    }
    o
}

/// A sampling value the model takes, clamped to `[0, max]`, or `None` when it is not sent.
fn sampling(report: &mut MappingReport, name: &str, value: Option<f64>, supported: bool, max: f64) -> Option<f64> {
    let v = value?;
    if !supported {
        report.dropped(name, v, format!("this model does not take {name}"));
        return None;
    }
    if !v.is_finite() {
        report.dropped(name, Value::Null, format!("{name} must be a number"));
        return None;
    }
    Some(clamp_reported(report, name, v, 0.0, max, "Ollama"))
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// Decodes an `/api/chat` NDJSON body. Lines may be split anywhere across reads, end in `\n` or
/// `\r\n`, and blank lines are skipped. `done: true` ends the answer; an `{"error": ...}` line
/// ends it with that error; a body that ends without `done: true` is truncated.
pub struct OllamaDecoder {
    /// The start of a line whose end has not arrived yet.
    partial: Vec<u8>,
    done: bool,
    saw_line: bool,
    /// Tool calls so far: they are numbered by order (`call_0`, ...), as Ollama sends no ids.
    calls: usize,
    model: Option<String>,
}

impl OllamaDecoder {
    pub fn new() -> Self {
        OllamaDecoder { partial: Vec::new(), done: false, saw_line: false, calls: 0, model: None }
    }

    fn line(&mut self, line: &[u8], at_eof: bool, out: &mut Vec<StreamEvent>) {
        // Checked on the raw line, as `feed` checks a growing one: any split gives the same result.
        if line.len() > MAX_EVENT_BYTES {
            return self.fail(too_long(), out);
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let v: Value = match serde_json::from_slice(line) {
            Ok(v @ Value::Object(_)) => v,
            // A last line cut short by the end of the body is truncation, not a protocol error.
            Err(e) if at_eof && e.is_eof() => return self.fail(ProviderError::truncated("the end of a line"), out),
            Err(_) if !self.saw_line && looks_like_html(line) => {
                return self.fail(
                    ProviderError::malformed(
                        "the server answered with an HTML page, not Ollama's NDJSON stream; a proxy in between, \
                         or a wrong base URL (the native API is the server root, without /v1)",
                    ),
                    out,
                )
            }
            Ok(_) => return self.fail(not_ndjson("a line is not a JSON object", line), out),
            Err(e) => return self.fail(not_ndjson(&format!("a line is not JSON ({e})"), line), out),
        };
        self.saw_line = true;
        if let Some(err) = v.get("error").filter(|e| !e.is_null()) {
            return self.fail(in_stream_error(err), out);
        }
        if let Some(model) = v.get("model").and_then(Value::as_str) {
            self.model = Some(model.to_string());
        }
        if let Some(message) = v.get("message") {
            self.message(message, out);
        }
        if v.get("done").and_then(Value::as_bool) == Some(true) {
            self.end(&v, out);
        }
    }

    fn message(&mut self, m: &Value, out: &mut Vec<StreamEvent>) {
        let text = |k: &str| m.get(k).and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_string);
        if let Some(text) = text("thinking") {
            out.push(StreamEvent::Reasoning { text });
        }
        if let Some(text) = text("content") {
            out.push(StreamEvent::Text { text });
        }
        for call in m.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
            let call = self.tool_call(call);
            out.push(StreamEvent::ToolCall { call });
        }
    }

    /// `{function: {name, arguments: {...}}}`, whole. An id, if a server sends one, is kept.
    fn tool_call(&mut self, call: &Value) -> ToolCall {
        let index = self.calls;
        self.calls += 1;
        let f = call.get("function").unwrap_or(call);
        let name = f.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let id = match call.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => format!("call_{index}"),
        };
        match f.get("arguments") {
            Some(Value::String(raw)) => ToolCall::from_raw(id, name, raw),
            Some(args) if !args.is_null() => ToolCall { id, name, arguments: args.clone(), arguments_error: None },
            _ => ToolCall { id, name, arguments: json!({}), arguments_error: None },
        }
    }

    /// The `done: true` line: usage and the finish.
    fn end(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let count = |k: &str| v.get(k).and_then(Value::as_u64);
        let (input, output) = (count("prompt_eval_count"), count("eval_count"));
        // A fully cached prompt comes without `prompt_eval_count`.
        if input.is_some() || output.is_some() {
            let usage =
                Usage { input_tokens: input.unwrap_or(0), output_tokens: output.unwrap_or(0), ..Usage::default() };
            out.push(StreamEvent::Usage { usage });
        }
        let raw = v.get("done_reason").and_then(Value::as_str).map(str::to_string);
        let reason = finish_reason(raw.as_deref(), self.calls > 0);
        out.push(StreamEvent::Finish {
            finish: Finish { reason, raw_reason: raw, served_model: self.model.clone(), served_by: None },
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

impl Default for OllamaDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for OllamaDecoder {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        let mut rest = bytes;
        while !self.done {
            let Some(nl) = memchr::memchr(b'\n', rest) else { break };
            if self.partial.is_empty() {
                self.line(&rest[..nl], false, out);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&rest[..nl]);
                self.line(&line, false, out);
            }
            rest = &rest[nl + 1..];
        }
        if self.done {
            return;
        }
        if self.partial.len() + rest.len() > MAX_EVENT_BYTES {
            return self.fail(too_long(), out);
        }
        self.partial.extend_from_slice(rest);
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        let last = std::mem::take(&mut self.partial);
        self.line(&last, true, out);
        self.fail(ProviderError::truncated("the last line (`done: true`)"), out);
    }
}

fn too_long() -> ProviderError {
    ProviderError::malformed("a line of the stream is larger than 64 MB")
}

fn not_ndjson(what: &str, line: &[u8]) -> ProviderError {
    ProviderError::malformed(format!("the server sent {what}, not Ollama's NDJSON: {}", snippet(line)))
}

/// Ollama's `done_reason`, normalised. It says `stop` when the model called tools.
pub fn finish_reason(raw: Option<&str>, made_calls: bool) -> FinishReason {
    match raw {
        Some("length") => FinishReason::Length,
        Some("stop") | None if made_calls => FinishReason::ToolCalls,
        Some("stop") | None => FinishReason::Stop,
        Some(_) => FinishReason::Other, // load, unload
    }
}
