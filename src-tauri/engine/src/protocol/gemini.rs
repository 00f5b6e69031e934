//! Google Gemini: `POST {base}/models/{model}:streamGenerateContent?alt=sse`. The key goes in the
//! `x-goog-api-key` header (added by the runner), never in `?key=`, which ends up in logs.
//!
//! Mapping builds `contents` / `systemInstruction` / `generationConfig` (thinking as a budget on
//! 2.5 models, a level on 3.x, with thoughts included so they stream). Decoding reads both the
//! SSE stream and the JSON-array stream (no `alt=sse`); see [`GeminiDecoder`].

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::*;
use crate::catalog::ThinkingStyle;
use crate::event::{Finish, FinishReason, ToolCall, Usage};
use crate::protocol::anthropic::{headers, BodyHead};
use crate::protocol::errors::{parse_error_body, snippet, stream_error};
use crate::protocol::sse::{SseParser, MAX_EVENT_BYTES};
use crate::request::{Message, Params, ReasoningEffort, ToolChoice};
use crate::run::mapping::{clamp_reported, routing_unsupported, MappingAction};

#[cfg(test)]
mod tests;

/// Gemini takes at most this many stop sequences.
pub const MAX_STOP_SEQUENCES: usize = 5;
/// The key, in an assistant message's `provider_state`, of the thought signatures to send back:
/// `{"gemini_signatures": {"text": sig|null, "calls": [sig|null, ...]}}` (calls in order).
pub const STATE_KEY: &str = "gemini_signatures";

pub struct Gemini;

impl Adapter for Gemini {
    fn protocol(&self) -> Protocol {
        Protocol::Gemini
    }

    fn map_request(&self, endpoint: &Endpoint, caps: &ModelCaps, req: &ChatRequest) -> Mapped {
        let mut report = MappingReport::default();
        let mut body = Map::new();
        body.insert("contents".into(), Value::Array(contents(&req.messages, &mut report)));
        if let Some(system) = req.system.as_deref().filter(|s| !s.trim().is_empty()) {
            body.insert("systemInstruction".into(), json!({"parts": [{"text": system}]}));
            report.moved(
                "system",
                "systemInstruction",
                "Gemini takes the system prompt as systemInstruction, not a message",
            );
        }
        let config = generation_config(caps, req, &mut report);
        if !config.is_empty() {
            body.insert("generationConfig".into(), Value::Object(config));
        }
        tools(caps, req, &mut body, &mut report);
        routing_unsupported(&mut report, req, &endpoint.name);

        let model = req.model.strip_prefix("models/").unwrap_or(&req.model);
        let url = endpoint.url(&format!("/models/{model}:streamGenerateContent?alt=sse"));
        let headers = headers(&[("content-type", "application/json")], endpoint);
        Mapped { request: WireRequest { url, headers, body: Value::Object(body) }, report }
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(GeminiDecoder::new())
    }

    /// Google's `{"error":{code,message,status,details}}`; RetryInfo's `retryDelay` becomes
    /// `retry_after` (Gemini sends no retry header).
    fn parse_error(&self, status: u16, body: &[u8]) -> ProviderError {
        parse_error_body(status, body)
    }

    fn models_url(&self, endpoint: &Endpoint, cursor: Option<&str>) -> String {
        let mut url = endpoint.url(&format!("{}?pageSize=1000", endpoint.quirks.models_path));
        if let Some(cursor) = cursor {
            url.push_str("&pageToken=");
            url.extend(url::form_urlencoded::byte_serialize(cursor.as_bytes()));
        }
        url
    }

    fn parse_models(&self, body: &[u8]) -> Result<ModelsPage, ProviderError> {
        let v: Value = serde_json::from_slice(body)
            .map_err(|e| ProviderError::malformed(format!("the model list is not JSON ({e}): {}", snippet(body))))?;
        let list = match v.get("models") {
            Some(Value::Array(list)) => list.as_slice(),
            None => &[], // an account with no models gets `{}`
            Some(_) => return Err(ProviderError::malformed(format!("`models` is not an array: {}", snippet(body)))),
        };
        let models = list.iter().filter(|m| generates_content(m)).filter_map(model_info).collect();
        let next = v.get("nextPageToken").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        Ok(ModelsPage { models, next })
    }
}

/// Embedding and other models are listed too: keep those that chat (when the field says).
fn generates_content(m: &Value) -> bool {
    match m.get("supportedGenerationMethods").and_then(Value::as_array) {
        Some(methods) => methods.iter().any(|x| x == "generateContent" || x == "streamGenerateContent"),
        None => true,
    }
}

fn model_info(m: &Value) -> Option<ModelInfo> {
    let name = m.get("name")?.as_str()?;
    Some(ModelInfo {
        id: name.strip_prefix("models/").unwrap_or(name).to_string(),
        display_name: m.get("displayName").and_then(Value::as_str).map(str::to_string),
        context_length: m.get("inputTokenLimit").and_then(Value::as_u64),
    })
}

// ---------------------------------------------------------------------------------------------
// Mapping

fn generation_config(caps: &ModelCaps, req: &ChatRequest, report: &mut MappingReport) -> Map<String, Value> {
    let p = &req.params;
    let mut c = Map::new();
    if let Some(t) = p.temperature {
        if caps.temperature {
            let hi = caps.temperature_max.max(0.0);
            c.insert("temperature".into(), clamp_reported(report, "temperature", t, 0.0, hi, "Gemini").into());
        } else {
            report.dropped("temperature", t, "this model does not take temperature");
        }
    }
    if let Some(top_p) = p.top_p {
        if caps.top_p {
            c.insert("topP".into(), clamp_reported(report, "top_p", top_p, 0.0, 1.0, "Gemini").into());
        } else {
            report.dropped("top_p", top_p, "this model does not take top_p");
        }
    }
    if let Some(mut max) = p.max_output_tokens {
        report.renamed("max_output_tokens", "generationConfig.maxOutputTokens", "Gemini's name for the output limit");
        if let Some(ceiling) = caps.max_output_tokens.filter(|c| max > *c) {
            report.clamped("max_output_tokens", max, ceiling, format!("this model writes at most {ceiling} tokens"));
            max = ceiling;
        }
        c.insert("maxOutputTokens".into(), max.into());
    }
    if !p.stop.is_empty() {
        report.renamed("stop", "generationConfig.stopSequences", "Gemini's name for stop sequences");
        let kept = &p.stop[..p.stop.len().min(MAX_STOP_SEQUENCES)];
        for extra in &p.stop[kept.len()..] {
            report.dropped("stop", extra.as_str(), "Gemini takes at most 5 stop sequences");
        }
        c.insert("stopSequences".into(), kept.into());
    }
    if let Some(seed) = p.seed {
        c.insert("seed".into(), seed.into());
    }
    if let Some(rf) = &req.response_format {
        let mut removed = BTreeSet::new();
        c.insert("responseMimeType".into(), "application/json".into());
        c.insert("responseSchema".into(), openapi_schema(&rf.schema, &mut removed));
        report.push(
            "response_format",
            MappingAction::Renamed,
            Some(rf.name.as_str().into()),
            Some("generationConfig.responseSchema".into()),
            "Gemini takes a response MIME type and schema",
        );
        report_removed(report, "response_format", removed);
    }
    if let Some(thinking) = thinking_config(caps, p, report) {
        c.insert("thinkingConfig".into(), thinking);
    }
    c
}

/// `thinkingBudget` (2.5 models) or `thinkingLevel` (3.x), always with `includeThoughts` so
/// thought summaries stream as reasoning.
fn thinking_config(caps: &ModelCaps, p: &Params, report: &mut MappingReport) -> Option<Value> {
    let mut cfg = Map::new();
    match caps.thinking {
        ThinkingStyle::None => {
            if let Some(b) = p.thinking_budget {
                report.unsupported("thinking_budget", b, "this model has no thinking control");
            }
            if let Some(e) = p.reasoning_effort {
                report.unsupported("reasoning_effort", e.as_str(), "this model has no thinking control");
            }
            return None;
        }
        ThinkingStyle::Budget => match (p.thinking_budget, p.reasoning_effort) {
            (Some(b), effort) => {
                report.renamed(
                    "thinking_budget",
                    "thinkingConfig.thinkingBudget",
                    "Gemini's name for the thinking budget",
                );
                if let Some(e) = effort {
                    report.dropped(
                        "reasoning_effort",
                        e.as_str(),
                        "this model takes a budget, and thinking_budget was given",
                    );
                }
                cfg.insert("thinkingBudget".into(), b.into());
            }
            (None, Some(e)) => {
                let b = e.default_budget();
                report.push(
                    "reasoning_effort",
                    MappingAction::Renamed,
                    Some(e.as_str().into()),
                    Some(json!({"thinkingConfig.thinkingBudget": b})),
                    "this model takes a thinking token budget, not an effort: the effort's default budget",
                );
                cfg.insert("thinkingBudget".into(), b.into());
            }
            (None, None) => {}
        },
        ThinkingStyle::Effort => match (p.reasoning_effort, p.thinking_budget) {
            (Some(e), budget) => {
                report.renamed("reasoning_effort", "thinkingConfig.thinkingLevel", "Gemini 3 takes a thinking level");
                if let Some(b) = budget {
                    report.dropped("thinking_budget", b, "this model takes a level, and reasoning_effort was given");
                }
                cfg.insert("thinkingLevel".into(), e.as_str().into());
            }
            (None, Some(b)) => {
                let level = level_for_budget(b);
                report.push(
                    "thinking_budget",
                    MappingAction::Renamed,
                    Some(b.into()),
                    Some(json!({"thinkingConfig.thinkingLevel": level.as_str()})),
                    "this model takes a thinking level, not a budget: the nearest level",
                );
                cfg.insert("thinkingLevel".into(), level.as_str().into());
            }
            (None, None) => {}
        },
    }
    cfg.insert("includeThoughts".into(), true.into());
    Some(Value::Object(cfg))
}

/// Gemini 3 Pro takes only `low` and `high`: a budget maps to one of those.
fn level_for_budget(budget: u32) -> ReasoningEffort {
    if budget < ReasoningEffort::Medium.default_budget() {
        ReasoningEffort::Low
    } else {
        ReasoningEffort::High
    }
}

fn tools(caps: &ModelCaps, req: &ChatRequest, body: &mut Map<String, Value>, report: &mut MappingReport) {
    let sent = !req.tools.is_empty() && caps.tools;
    if !req.tools.is_empty() && !caps.tools {
        let names: Vec<&str> = req.tools.iter().map(|t| t.name.as_str()).collect();
        report.unsupported("tools", names, "this model does not take tools");
    }
    if sent {
        let mut removed = BTreeSet::new();
        let decls: Vec<Value> = req
            .tools
            .iter()
            .map(|t| json!({"name": t.name, "description": t.description, "parameters": openapi_schema(&t.parameters, &mut removed)}))
            .collect();
        body.insert("tools".into(), json!([{ "functionDeclarations": decls }]));
        report_removed(report, "tools", removed);
    }
    let Some(choice) = &req.tool_choice else { return };
    if !sent {
        report.dropped("tool_choice", serde_json::to_value(choice).unwrap_or(Value::Null), "no tools were sent");
        return;
    }
    let config = match choice {
        ToolChoice::Auto => json!({"mode": "AUTO"}),
        ToolChoice::None => json!({"mode": "NONE"}),
        ToolChoice::Required => json!({"mode": "ANY"}),
        ToolChoice::Tool(name) => json!({"mode": "ANY", "allowedFunctionNames": [name]}),
    };
    body.insert("toolConfig".into(), json!({ "functionCallingConfig": config }));
}

fn report_removed(report: &mut MappingReport, param: &str, removed: BTreeSet<String>) {
    if !removed.is_empty() {
        let list: Vec<String> = removed.into_iter().collect();
        let reason = format!("Gemini's schema (an OpenAPI subset) has no {}; left out", list.join(", "));
        report.dropped(param, list, reason);
    }
}

/// Keep the part of a JSON Schema that Gemini's `Schema` (an OpenAPI 3.0 subset) accepts,
/// recording every keyword left out. `type: [T, "null"]` becomes `type: T, nullable: true`.
fn openapi_schema(schema: &Value, removed: &mut BTreeSet<String>) -> Value {
    const KEEP: [&str; 18] = [
        "format",
        "title",
        "description",
        "nullable",
        "enum",
        "maxItems",
        "minItems",
        "required",
        "minProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "example",
        "propertyOrdering",
        "default",
        "minimum",
        "maximum",
    ];
    let Value::Object(obj) = schema else { return schema.clone() };
    let mut out = Map::new();
    for (key, value) in obj {
        match key.as_str() {
            "type" => match value {
                Value::Array(types) => {
                    let non_null: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                    if non_null.len() < types.len() {
                        out.insert("nullable".into(), true.into());
                    }
                    if let Some(first) = non_null.first() {
                        out.insert("type".into(), (*first).clone());
                    }
                    if non_null.len() > 1 {
                        removed.insert("type unions".into());
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            },
            "properties" => {
                let props = value
                    .as_object()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), openapi_schema(v, removed))).collect::<Map<_, _>>())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            "items" => {
                out.insert(key.clone(), openapi_schema(value, removed));
            }
            "anyOf" => {
                let list = value
                    .as_array()
                    .map(|l| l.iter().map(|s| openapi_schema(s, removed)).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(list));
            }
            k if KEEP.contains(&k) => {
                out.insert(key.clone(), value.clone());
            }
            other => {
                removed.insert(other.to_string());
            }
        }
    }
    Value::Object(out)
}

/// Append parts to the conversation, merging into the previous turn when it has the same role
/// (all function responses of one step go in one user turn, as Gemini requires).
fn push_turn(turns: &mut Vec<(&'static str, Vec<Value>)>, role: &'static str, parts: Vec<Value>) {
    if parts.is_empty() {
        return;
    }
    match turns.last_mut() {
        Some((r, p)) if *r == role => p.extend(parts),
        _ => turns.push((role, parts)),
    }
}

fn contents(msgs: &[Message], report: &mut MappingReport) -> Vec<Value> {
    let mut turns: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for (i, m) in msgs.iter().enumerate() {
        match m {
            Message::User { content } => {
                if content.is_empty() {
                    report.dropped("messages", i, "Gemini rejects empty text; the empty user message was left out");
                    continue;
                }
                push_turn(&mut turns, "user", vec![json!({"text": content})]);
            }
            Message::Assistant { content, tool_calls, provider_state } => {
                push_turn(&mut turns, "model", model_parts(content, tool_calls, provider_state.as_ref()));
            }
            Message::Tool { name, content, .. } => {
                let part = json!({"functionResponse": {"name": name, "response": tool_response(content)}});
                push_turn(&mut turns, "user", vec![part]);
            }
        }
    }
    turns.into_iter().map(|(role, parts)| json!({"role": role, "parts": parts})).collect()
}

/// An assistant turn, with the thought signatures Gemini 3 requires back (see [`STATE_KEY`]).
/// Synthesized call ids (`call_0`) are not sent: the Gemini API matches calls by name and order.
fn model_parts(content: &str, calls: &[crate::request::ToolCallRequest], state: Option<&Value>) -> Vec<Value> {
    let sigs = state.and_then(|s| s.get(STATE_KEY));
    let sig_at = |ptr: &str| sigs.and_then(|s| s.pointer(ptr)).and_then(Value::as_str).map(str::to_string);
    let mut parts = Vec::new();
    let text_sig = sig_at("/text");
    if !content.is_empty() || text_sig.is_some() {
        let mut part = json!({"text": content});
        if let Some(sig) = text_sig {
            part["thoughtSignature"] = sig.into();
        }
        parts.push(part);
    }
    for (i, call) in calls.iter().enumerate() {
        let args = if call.arguments.is_object() { call.arguments.clone() } else { json!({}) };
        let mut part = json!({"functionCall": {"name": call.name, "args": args}});
        if let Some(sig) = sig_at(&format!("/calls/{i}")) {
            part["thoughtSignature"] = sig.into();
        }
        parts.push(part);
    }
    parts
}

/// `functionResponse.response` must be an object: a JSON object result is sent as is, anything
/// else is wrapped as `{"result": ...}`.
fn tool_response(content: &str) -> Value {
    match serde_json::from_str::<Value>(content) {
        Ok(v @ Value::Object(_)) => v,
        _ => json!({ "result": content }),
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// How the body is framed, decided by its first non-whitespace byte.
enum Framing {
    Undecided,
    Sse(SseParser),
    /// `[{...},\r\n{...}]` (no `alt=sse`), or bare objects one after another.
    Json(JsonSeq),
}

/// Decodes a Gemini `streamGenerateContent` body, SSE or JSON array.
pub struct GeminiDecoder {
    framing: Framing,
    head: BodyHead,
    state: State,
}

impl GeminiDecoder {
    pub fn new() -> Self {
        GeminiDecoder { framing: Framing::Undecided, head: BodyHead::default(), state: State::default() }
    }
}

impl Default for GeminiDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for GeminiDecoder {
    fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<StreamEvent>) {
        if self.state.done {
            return;
        }
        self.head.push(bytes);
        if let Framing::Undecided = self.framing {
            // Leading whitespace is dropped however the body is split, so both framings see the same bytes.
            let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else { return };
            bytes = &bytes[start..];
            self.framing = match bytes[0] {
                b'[' | b'{' => Framing::Json(JsonSeq::default()),
                _ => Framing::Sse(SseParser::new()),
            };
        }
        let state = &mut self.state;
        let result = match &mut self.framing {
            Framing::Sse(p) => p
                .feed(bytes, |e| state.chunk(e.data.as_bytes(), false, out))
                .map_err(|_| "an event in the stream is larger than 64 MB".to_string()),
            Framing::Json(j) => j.feed(bytes, |elem| state.chunk(elem, false, out)),
            Framing::Undecided => Ok(()),
        };
        if let Err(msg) = result {
            state.fail(ProviderError::malformed(msg), out);
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.state.done {
            return;
        }
        let state = &mut self.state;
        match &mut self.framing {
            Framing::Sse(p) => p.finish(|e| state.chunk(e.data.as_bytes(), true, out)),
            Framing::Json(j) if j.in_element() => state.fail(ProviderError::truncated("the end of a chunk"), out),
            _ => {}
        }
        if !state.done {
            let diagnosis = if state.saw_chunk { None } else { self.head.diagnose() };
            state.end(diagnosis, out);
        }
    }

    /// `{"gemini_signatures": {"text": sig|null, "calls": [sig|null, ...]}}` when any part had one.
    fn provider_state(&self) -> Option<Value> {
        let s = &self.state;
        if s.text_signature.is_none() && s.call_signatures.iter().all(Option::is_none) {
            return None;
        }
        Some(json!({ STATE_KEY: {"text": s.text_signature, "calls": s.call_signatures} }))
    }
}

/// A function call whose arguments stream in pieces (Vertex `partialArgs` / `willContinue`).
struct PartialCall {
    index: usize,
    id: String,
    name: String,
    args: Value,
    /// The JSON path of a string value that continues in the next piece.
    open_string: Option<String>,
}

#[derive(Default)]
struct State {
    done: bool,
    saw_chunk: bool,
    model: Option<String>,
    usage: Usage,
    finish_reason: Option<String>,
    block_reason: Option<String>,
    calls: usize,
    streaming: Option<PartialCall>,
    text_signature: Option<String>,
    call_signatures: Vec<Option<String>>,
}

impl State {
    fn chunk(&mut self, data: &[u8], at_eof: bool, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        let v: Value = match serde_json::from_slice(data) {
            Ok(v) => v,
            // A chunk cut short by the end of the body is truncation, not a protocol error.
            Err(_) if at_eof => return self.fail(ProviderError::truncated("the end of a chunk"), out),
            Err(e) => {
                return self
                    .fail(ProviderError::malformed(format!("a chunk is not JSON ({e}): {}", snippet(data))), out)
            }
        };
        self.saw_chunk = true;
        if v.get("error").is_some() {
            return self.fail(stream_error(&v), out);
        }
        if let Some(model) = v.get("modelVersion").and_then(Value::as_str) {
            self.model = Some(model.to_string());
        }
        // Only the first candidate is shown; `index` is absent on single-candidate streams.
        let first = v
            .get("candidates")
            .and_then(Value::as_array)
            .and_then(|cs| cs.iter().find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0));
        if let Some(c) = first {
            for part in c.pointer("/content/parts").and_then(Value::as_array).into_iter().flatten() {
                self.part(part, out);
            }
            if let Some(reason) = c.get("finishReason").and_then(Value::as_str) {
                self.finish_reason = Some(reason.to_string());
            }
        }
        if let Some(reason) = v.pointer("/promptFeedback/blockReason").and_then(Value::as_str) {
            self.block_reason = Some(reason.to_string());
        }
        // A cumulative snapshot: the last one is the total.
        if let Some(u) = v.get("usageMetadata") {
            let usage = usage(u);
            if usage != self.usage {
                self.usage = usage;
                out.push(StreamEvent::Usage { usage });
            }
        }
    }

    fn part(&mut self, part: &Value, out: &mut Vec<StreamEvent>) {
        let signature = part.get("thoughtSignature").and_then(Value::as_str).map(str::to_string);
        if let Some(fc) = part.get("functionCall") {
            return self.function_call(fc, signature, out);
        }
        if signature.is_some() {
            self.text_signature = signature;
        }
        let Some(text) = part.get("text").and_then(Value::as_str).filter(|t| !t.is_empty()) else { return };
        let text = text.to_string();
        out.push(if part.get("thought") == Some(&Value::Bool(true)) {
            StreamEvent::Reasoning { text }
        } else {
            StreamEvent::Text { text }
        });
    }

    /// A whole call (Gemini API), or a piece of a streamed one (Vertex): a piece with a `name`
    /// starts a call, `partialArgs` fill in its arguments, and one without `willContinue` ends it.
    fn function_call(&mut self, fc: &Value, signature: Option<String>, out: &mut Vec<StreamEvent>) {
        let will_continue = fc.get("willContinue").and_then(Value::as_bool).unwrap_or(false);
        let partial = fc.get("partialArgs").and_then(Value::as_array);
        if let Some(name) = fc.get("name").and_then(Value::as_str) {
            self.close_streaming(out);
            let index = self.calls;
            self.calls += 1;
            self.call_signatures.push(signature);
            let id = match fc.get("id").and_then(Value::as_str) {
                Some(id) if !id.is_empty() => id.to_string(),
                _ => format!("call_{index}"), // the Gemini API sends no ids
            };
            let args = fc.get("args").filter(|a| a.is_object()).cloned().unwrap_or_else(|| json!({}));
            let mut call = PartialCall { index, id, name: name.to_string(), args, open_string: None };
            if !will_continue && partial.is_none() {
                let arguments = call.args.to_string();
                out.push(StreamEvent::ToolCallDelta {
                    index,
                    id: Some(call.id.clone()),
                    name: Some(call.name.clone()),
                    arguments,
                });
                out.push(StreamEvent::ToolCall {
                    call: ToolCall { id: call.id, name: call.name, arguments: call.args, arguments_error: None },
                });
                return;
            }
            out.push(StreamEvent::ToolCallDelta {
                index,
                id: Some(call.id.clone()),
                name: Some(call.name.clone()),
                arguments: String::new(),
            });
            call.apply(partial.map(Vec::as_slice).unwrap_or_default());
            self.streaming = Some(call);
        } else if let Some(call) = self.streaming.as_mut() {
            if let Some(slot) = self.call_signatures.get_mut(call.index) {
                if slot.is_none() {
                    *slot = signature;
                }
            }
            call.apply(partial.map(Vec::as_slice).unwrap_or_default());
        } else {
            return; // a piece with no call to belong to
        }
        if !will_continue {
            self.close_streaming(out);
        }
    }

    fn close_streaming(&mut self, out: &mut Vec<StreamEvent>) {
        let Some(call) = self.streaming.take() else { return };
        let arguments = call.args.to_string();
        out.push(StreamEvent::ToolCallDelta { index: call.index, id: None, name: None, arguments });
        out.push(StreamEvent::ToolCall {
            call: ToolCall { id: call.id, name: call.name, arguments: call.args, arguments_error: None },
        });
    }

    /// The body ended: a finishReason (or a blocked prompt) makes it a clean end.
    fn end(&mut self, diagnosis: Option<ProviderError>, out: &mut Vec<StreamEvent>) {
        let (reason, raw) = match (&self.finish_reason, &self.block_reason) {
            (Some(raw), _) => (finish_reason(raw, self.calls > 0), raw.clone()),
            (None, Some(block)) => (FinishReason::ContentFilter, block.clone()),
            (None, None) => {
                let err = diagnosis.unwrap_or_else(|| ProviderError::truncated("a chunk with a finishReason"));
                return self.fail(err, out);
            }
        };
        self.close_streaming(out);
        out.push(StreamEvent::Finish {
            finish: Finish { reason, raw_reason: Some(raw), served_model: self.model.clone(), served_by: None },
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

impl PartialCall {
    fn apply(&mut self, pieces: &[Value]) {
        for piece in pieces {
            let Some(path) = piece.get("jsonPath").and_then(Value::as_str) else { continue };
            let Some(segments) = parse_json_path(path) else { continue };
            let Some(slot) = slot_at(&mut self.args, &segments) else { continue };
            if let Some(s) = piece.get("stringValue").and_then(Value::as_str) {
                match slot {
                    Value::String(existing) if self.open_string.as_deref() == Some(path) => existing.push_str(s),
                    _ => *slot = s.into(),
                }
                let continues = piece.get("willContinue").and_then(Value::as_bool).unwrap_or(false);
                self.open_string = continues.then(|| path.to_string());
                continue;
            }
            if let Some(v) = piece.get("numberValue").or_else(|| piece.get("boolValue")) {
                *slot = v.clone();
            } else if piece.get("nullValue").is_some() {
                *slot = Value::Null;
            }
            self.open_string = None;
        }
    }
}

enum Segment {
    Key(String),
    Index(usize),
}

/// `$.a.b[2]['c d']` → segments; `None` for anything else.
fn parse_json_path(path: &str) -> Option<Vec<Segment>> {
    let mut rest = path.strip_prefix('$')?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            out.push(Segment::Key(r[..end].to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = &r[..end];
            let quoted = inner
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            out.push(match quoted {
                Some(key) => Segment::Key(key.to_string()),
                None => Segment::Index(inner.parse().ok()?),
            });
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(out)
}

/// The value at `path` inside `root`, creating objects and arrays on the way.
fn slot_at<'a>(root: &'a mut Value, path: &[Segment]) -> Option<&'a mut Value> {
    // An index far past the end is not a real argument: refuse it rather than allocate.
    const MAX_GAP: usize = 1024;
    let mut cur = root;
    for seg in path {
        cur = match seg {
            Segment::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(Map::new());
                }
                cur.as_object_mut()?.entry(k.clone()).or_insert(Value::Null)
            }
            Segment::Index(i) => {
                if !cur.is_array() {
                    *cur = Value::Array(Vec::new());
                }
                let list = cur.as_array_mut()?;
                if *i >= list.len() {
                    if *i - list.len() > MAX_GAP {
                        return None;
                    }
                    list.resize(*i + 1, Value::Null);
                }
                &mut list[*i]
            }
        };
    }
    Some(cur)
}

/// `usageMetadata`, normalised: output includes thoughts, input includes the prompt the tools
/// added (both are billed).
fn usage(u: &Value) -> Usage {
    let n = |k: &str| u.get(k).and_then(Value::as_u64).unwrap_or(0);
    let thoughts = n("thoughtsTokenCount");
    Usage {
        input_tokens: n("promptTokenCount").saturating_add(n("toolUsePromptTokenCount")),
        output_tokens: n("candidatesTokenCount").saturating_add(thoughts),
        reasoning_tokens: thoughts,
        cached_tokens: n("cachedContentTokenCount"),
        provider_cost_usd: None,
    }
}

/// Gemini's `finishReason`, normalised. It says `STOP` even when the model called tools.
pub fn finish_reason(raw: &str, made_calls: bool) -> FinishReason {
    match raw {
        "STOP" if made_calls => FinishReason::ToolCalls,
        "STOP" => FinishReason::Stop,
        "MAX_TOKENS" => FinishReason::Length,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            FinishReason::ContentFilter
        }
        _ => FinishReason::Other, // MALFORMED_FUNCTION_CALL, OTHER, LANGUAGE, ...
    }
}

/// Splits a JSON array (or a run of bare objects) into its object elements as the bytes arrive.
/// Only ASCII bytes steer it, so a split inside a UTF-8 character changes nothing.
#[derive(Default)]
struct JsonSeq {
    /// Inside the outer `[`.
    in_array: bool,
    /// The bytes of the element being read (empty between elements).
    elem: Vec<u8>,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl JsonSeq {
    fn in_element(&self) -> bool {
        !self.elem.is_empty()
    }

    fn feed(&mut self, bytes: &[u8], mut on_elem: impl FnMut(&[u8])) -> Result<(), String> {
        for &b in bytes {
            if self.elem.is_empty() {
                match b {
                    b'{' => {
                        self.elem.push(b);
                        self.depth = 1;
                    }
                    b'[' if !self.in_array => self.in_array = true,
                    b']' if self.in_array => self.in_array = false,
                    b',' | b' ' | b'\t' | b'\r' | b'\n' => {}
                    other => return Err(format!("unexpected byte {:?} between JSON chunks", other as char)),
                }
                continue;
            }
            self.elem.push(b);
            if self.elem.len() > MAX_EVENT_BYTES {
                return Err("a chunk in the stream is larger than 64 MB".into());
            }
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        on_elem(&self.elem);
                        self.elem.clear();
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}
