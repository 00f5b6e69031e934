//! Decoding an OpenAI-style SSE stream (OpenAI and every compatible server) into neutral events.
//!
//! The stream ends with `data: [DONE]`; many compatible servers just close the connection after
//! the chunk carrying `finish_reason`, which is a clean end too. Usage often arrives *after* the
//! finish chunk, so `Finish` is held back until `[DONE]` or EOF.

use std::borrow::Cow;

use serde_json::Value;

use super::fast;
use super::wire::{Chunk, Content, Delta, Part, Str, WireFunction, WireToolCall, WireUsage};
use crate::error::ProviderError;
use crate::event::{Finish, FinishReason, StreamEvent, ToolCall, Usage};
use crate::protocol::errors::stream_error;
use crate::protocol::sse::{SseEvent, SseHandler, SseParser};
use crate::protocol::Decoder;

/// How much of a bad event a Malformed error quotes.
const SNIPPET_CHARS: usize = 120;

#[derive(Default)]
pub struct ChatDecoder {
    sse: SseParser,
    st: State,
}

impl ChatDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Without the fast path: the reference the fast path is tested against.
    #[cfg(test)]
    pub(super) fn full_parse_only() -> Self {
        let mut d = Self::default();
        d.st.full_parse_only = true;
        d
    }
}

impl Decoder for ChatDecoder {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        self.sse.feed_to(bytes, &mut self.st, out);
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.sse.finish_to(&mut self.st, out) {
            self.st.end_of_body(out);
        }
    }
}

impl SseHandler for State {
    fn done(&self) -> bool {
        self.done
    }
    fn event(&mut self, ev: SseEvent<'_>, _at_eof: bool, out: &mut Vec<StreamEvent>) {
        self.on_event(ev, out);
    }
    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        State::fail(self, error, out);
    }
}

/// Everything learned from the stream so far.
#[derive(Default)]
struct State {
    /// A terminal event was emitted: ignore the rest.
    done: bool,
    served_model: Option<String>,
    served_by: Option<String>,
    finish_reason: Option<String>,
    /// OpenRouter: the upstream's own word for why it stopped.
    native_finish_reason: Option<String>,
    calls: Vec<CallAcc>,
    think: ThinkSplitter,
    /// The common chunk shape, recognised without the full parse.
    fast: fast::Template,
    /// Tests only: skip the fast path.
    full_parse_only: bool,
}

/// One tool call being assembled from its fragments.
#[derive(Default)]
struct CallAcc {
    /// The provider's `index`, when it sends one.
    index: Option<u64>,
    id: String,
    name: String,
    arguments: String,
}

impl State {
    fn on_event(&mut self, ev: SseEvent<'_>, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        match ev.event {
            "message" => self.on_data(ev.data, out),
            // Groq (and some proxies) report mid-stream failures as a named event, then close.
            "error" => self.on_error_event(ev.data, out),
            _ => {} // other named events (pings, metadata) carry nothing we show
        }
    }

    fn on_data(&mut self, data: &str, out: &mut Vec<StreamEvent>) {
        let data = data.trim();
        if data.is_empty() {
            return;
        }
        if data == "[DONE]" {
            self.complete(out);
            return;
        }
        if !self.full_parse_only {
            if let Some(common) = self.fast.parse(data) {
                remember_first(&mut self.served_model, common.model.map(Str));
                if let Some(text) = common.content {
                    self.think.push(text, out);
                }
                return;
            }
        }
        let chunk: Chunk<'_> = match serde_json::from_str(data) {
            Ok(c) => c,
            Err(e) => return self.fail(malformed(data, &e), out),
        };
        if let Some(err) = chunk.error.as_ref().filter(|e| !e.is_null()) {
            return self.fail(stream_error(err), out);
        }
        if chunk.object.as_deref() == Some("error") {
            let v: Value = serde_json::from_str(data).unwrap_or(Value::Null);
            return self.fail(stream_error(&v), out);
        }
        remember_first(&mut self.served_model, chunk.model);
        remember_first(&mut self.served_by, chunk.provider);
        if let Some(choice) = chunk.choices.0 {
            if let Some(delta) = choice.delta {
                self.on_delta(delta, out);
            }
            if let Some(r) = choice.finish_reason.filter(|r| !r.is_empty()) {
                self.finish_reason = Some(r.into_owned());
            }
            if let Some(r) = choice.native_finish_reason.filter(|r| !r.is_empty()) {
                self.native_finish_reason = Some(r.into_owned());
            }
        }
        // Groq sends the same numbers twice; the top-level copy wins.
        if let Some(u) = chunk.usage.map(|u| *u).or_else(|| chunk.x_groq.and_then(|x| x.usage)) {
            out.push(StreamEvent::Usage {
                usage: usage_from(&u),
            });
        }
    }

    fn on_delta(&mut self, delta: Delta<'_>, out: &mut Vec<StreamEvent>) {
        self.on_reasoning(&delta, out);
        match delta.content {
            Some(Content::Text(t)) => self.think.push(t.0, out),
            Some(Content::Parts(parts)) => self.on_parts(parts, out),
            None => {}
        }
        if let Some(r) = delta.refusal {
            self.think.push(r.0, out);
        }
        for call in delta.tool_calls.into_iter().flatten() {
            self.on_tool_fragment(call, out);
        }
        if let Some(f) = delta.function_call {
            // The legacy API has one call per message: treat it as tool call 0.
            let call = WireToolCall {
                index: Some(super::wire::Count(0)),
                id: None,
                function: Some(*f),
            };
            self.on_tool_fragment(call, out);
        }
    }

    /// Servers name reasoning differently, and some send it twice (OpenRouter's `reasoning`
    /// repeats `reasoning_details[].text`; vLLM in transition sends both names): take one.
    fn on_reasoning(&mut self, delta: &Delta<'_>, out: &mut Vec<StreamEvent>) {
        let named = [&delta.reasoning_content, &delta.reasoning]
            .into_iter()
            .flatten()
            .find(|s| !s.is_empty());
        if let Some(text) = named {
            push_reasoning(text, out);
            return;
        }
        for d in delta.reasoning_details.iter().flatten() {
            if let Some(text) = d
                .text
                .as_ref()
                .or(d.summary.as_ref())
                .filter(|s| !s.is_empty())
            {
                push_reasoning(text, out);
            }
        }
    }

    /// Mistral's content parts: `text` is answer, `thinking` holds reasoning parts.
    fn on_parts(&mut self, parts: Vec<Part<'_>>, out: &mut Vec<StreamEvent>) {
        for part in parts {
            if part.kind.as_deref() == Some("thinking") {
                if let Some(thinking) = &part.thinking {
                    reasoning_of(thinking, out);
                }
                if let Some(t) = part.text.filter(|t| !t.is_empty()) {
                    push_reasoning(&t, out);
                }
            } else if let Some(t) = part.text {
                self.think.push(t.0, out);
            }
        }
    }

    fn on_tool_fragment(&mut self, call: WireToolCall<'_>, out: &mut Vec<StreamEvent>) {
        let id = call.id.filter(|s| !s.is_empty());
        let pos = self.call_slot(call.index.map(|i| i.0), id.as_deref());
        let acc = &mut self.calls[pos];
        let (name, arguments) = match call.function {
            Some(WireFunction { name, arguments }) => (name, arguments.map(|a| a.0)),
            None => (None, None),
        };
        let new_id = set_once(&mut acc.id, id);
        let new_name = set_once(&mut acc.name, name.filter(|s| !s.is_empty()));
        let arguments = arguments.unwrap_or(Cow::Borrowed(""));
        acc.arguments.push_str(&arguments);
        if new_id.is_some() || new_name.is_some() || !arguments.is_empty() {
            out.push(StreamEvent::ToolCallDelta {
                index: pos,
                id: new_id,
                name: new_name,
                arguments: arguments.into_owned(),
            });
        }
    }

    /// Which call a fragment belongs to. By `index` when there is one, unless it names a
    /// different id (some servers give parallel calls the same index). Without an index
    /// (Mistral's whole calls), a new id starts a call and no id continues the last one.
    fn call_slot(&mut self, index: Option<u64>, id: Option<&str>) -> usize {
        let same_id = |acc: &CallAcc| id.is_none_or(|id| acc.id.is_empty() || acc.id == id);
        let found = match index {
            Some(i) => self
                .calls
                .iter()
                .rposition(|c| c.index == Some(i) && same_id(c)),
            None => match id {
                Some(id) => self.calls.iter().rposition(|c| c.id == id),
                None => self.calls.len().checked_sub(1),
            },
        };
        found.unwrap_or_else(|| {
            self.calls.push(CallAcc {
                index,
                ..CallAcc::default()
            });
            self.calls.len() - 1
        })
    }

    fn on_error_event(&mut self, data: &str, out: &mut Vec<StreamEvent>) {
        let v = serde_json::from_str::<Value>(data)
            .ok()
            .filter(Value::is_object)
            .unwrap_or_else(|| serde_json::json!({ "message": data.trim() }));
        self.fail(stream_error(&v), out);
    }

    /// `[DONE]`, or EOF after a finish reason: flush, assemble the calls, finish.
    fn complete(&mut self, out: &mut Vec<StreamEvent>) {
        self.think.flush(out);
        for (pos, acc) in std::mem::take(&mut self.calls).into_iter().enumerate() {
            let id = if acc.id.is_empty() {
                format!("call_{pos}")
            } else {
                acc.id
            };
            out.push(StreamEvent::ToolCall {
                call: ToolCall::from_raw(id, acc.name, &acc.arguments),
            });
        }
        let reason = self
            .finish_reason
            .as_deref()
            .map_or(FinishReason::Other, normalise_reason);
        let raw_reason = self
            .native_finish_reason
            .take()
            .or(self.finish_reason.take());
        out.push(StreamEvent::Finish {
            finish: Finish {
                reason,
                raw_reason,
                served_model: self.served_model.take(),
                served_by: self.served_by.take(),
            },
        });
        self.done = true;
    }

    fn end_of_body(&mut self, out: &mut Vec<StreamEvent>) {
        if self.finish_reason.is_some() {
            self.complete(out);
        } else {
            self.fail(
                ProviderError::truncated("its end (no finish reason and no [DONE])"),
                out,
            );
        }
    }

    /// A terminal error; text held back for tag detection is released first so the runner keeps it.
    fn fail(&mut self, err: ProviderError, out: &mut Vec<StreamEvent>) {
        self.think.flush(out);
        out.push(StreamEvent::Error { error: err });
        self.done = true;
    }
}

fn push_reasoning(text: &str, out: &mut Vec<StreamEvent>) {
    if !text.is_empty() {
        out.push(StreamEvent::Reasoning {
            text: text.to_owned(),
        });
    }
}

/// All text inside a thinking part (a string, or nested text parts).
fn reasoning_of(content: &Content<'_>, out: &mut Vec<StreamEvent>) {
    match content {
        Content::Text(t) => push_reasoning(t, out),
        Content::Parts(parts) => {
            for p in parts {
                if let Some(t) = &p.text {
                    push_reasoning(t, out);
                }
                if let Some(inner) = &p.thinking {
                    reasoning_of(inner, out);
                }
            }
        }
    }
}

/// Keep the first non-empty value (Azure's first chunk has `model: ""`).
fn remember_first(slot: &mut Option<String>, value: Option<Str<'_>>) {
    if slot.is_none() {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            *slot = Some(v.into_owned());
        }
    }
}

/// Set `slot` from the first fragment that carries a value; later fragments never overwrite it.
fn set_once(slot: &mut String, value: Option<Str<'_>>) -> Option<String> {
    match value {
        Some(v) if slot.is_empty() => {
            *slot = v.into_owned();
            Some(slot.clone())
        }
        _ => None,
    }
}

pub fn normalise_reason(raw: &str) -> FinishReason {
    match raw {
        "stop" | "eos" | "end_turn" | "stop_sequence" => FinishReason::Stop,
        // Mistral says `model_length` when the context window, not max_tokens, ran out.
        "length" | "max_tokens" | "model_length" => FinishReason::Length,
        "tool_calls" | "function_call" | "tool_use" => FinishReason::ToolCalls,
        "content_filter" => FinishReason::ContentFilter,
        "error" => FinishReason::Error,
        _ => FinishReason::Other,
    }
}

pub fn usage_from(u: &WireUsage) -> Usage {
    let input_tokens = u.prompt_tokens.map_or(0, |c| c.0);
    let completion = u.completion_tokens.map_or(0, |c| c.0);
    let reasoning_tokens = u
        .completion_tokens_details
        .as_ref()
        .and_then(|d| d.reasoning_tokens)
        .map_or(0, |c| c.0);
    let cached_tokens = u
        .prompt_tokens_details
        .as_ref()
        .and_then(|d| d.cached_tokens)
        .or(u.prompt_cache_hit_tokens)
        .map_or(0, |c| c.0);
    // OpenAI counts reasoning inside completion_tokens. A server whose reasoning count exceeds
    // its completion count evidently does not, so add them to keep `output_tokens` comparable.
    let output_tokens = if reasoning_tokens > completion {
        completion.saturating_add(reasoning_tokens)
    } else {
        completion
    };
    Usage {
        input_tokens,
        output_tokens,
        reasoning_tokens,
        cached_tokens,
        provider_cost_usd: u.cost.map(|c| c.0).filter(|c| c.is_finite()),
    }
}

fn malformed(data: &str, e: &serde_json::Error) -> ProviderError {
    let mut snippet: String = data.chars().take(SNIPPET_CHARS).collect();
    if snippet.len() < data.len() {
        snippet.push('…');
    }
    ProviderError::malformed(format!(
        "the server sent an event that is not a chat completion chunk ({e}): {snippet}"
    ))
}

/// Splits `<think>…</think>` at the very start of the answer (DeepSeek-R1 and Qwen on local
/// servers) into reasoning. Only a leading tag counts, so an answer that merely mentions the
/// tag is left alone. Tags may be split across chunks: a possible partial tag is held back.
#[derive(Default)]
struct ThinkSplitter {
    mode: ThinkMode,
    held: String,
}

#[derive(Default, PartialEq)]
enum ThinkMode {
    /// No answer text yet (only whitespace, or a prefix of `<think>`).
    #[default]
    Start,
    Inside,
    /// Past the think block, or there was none: pass through.
    Plain,
}

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

impl ThinkSplitter {
    fn push(&mut self, text: Cow<'_, str>, out: &mut Vec<StreamEvent>) {
        if text.is_empty() {
            return;
        }
        match self.mode {
            ThinkMode::Plain => out.push(StreamEvent::Text {
                text: text.into_owned(),
            }),
            ThinkMode::Start => {
                self.held.push_str(&text);
                let lead = self.held.trim_start();
                if let Some(rest) = lead.strip_prefix(OPEN) {
                    self.held = rest.to_owned();
                    self.mode = ThinkMode::Inside;
                    self.scan_inside(out);
                } else if !OPEN.starts_with(lead) {
                    self.mode = ThinkMode::Plain;
                    out.push(StreamEvent::Text {
                        text: std::mem::take(&mut self.held),
                    });
                }
            }
            ThinkMode::Inside => {
                self.held.push_str(&text);
                self.scan_inside(out);
            }
        }
    }

    fn scan_inside(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(pos) = self.held.find(CLOSE) {
            push_reasoning(&self.held[..pos], out);
            let answer = self.held[pos + CLOSE.len()..].trim_start();
            if !answer.is_empty() {
                out.push(StreamEvent::Text {
                    text: answer.to_owned(),
                });
            }
            self.held.clear();
            self.mode = ThinkMode::Plain;
            return;
        }
        // Hold back a tail that could be the start of `</think>` (ASCII, so a char boundary).
        let bytes = self.held.as_bytes();
        let keep = (1..CLOSE.len().min(bytes.len() + 1))
            .rev()
            .find(|&k| bytes[bytes.len() - k..] == CLOSE.as_bytes()[..k])
            .unwrap_or(0);
        let emit = self.held.len() - keep;
        if emit > 0 {
            push_reasoning(&self.held[..emit], out);
            self.held.drain(..emit);
        }
    }

    /// The stream ended: whatever is held is released as what it most likely is.
    fn flush(&mut self, out: &mut Vec<StreamEvent>) {
        let held = std::mem::take(&mut self.held);
        match self.mode {
            ThinkMode::Inside => push_reasoning(&held, out),
            _ if !held.is_empty() => out.push(StreamEvent::Text { text: held }),
            _ => {}
        }
    }
}
