//! Decoding a Responses API stream: `event: <type>` + `data: {type, sequence_number?, ...}`,
//! no `[DONE]`. The terminal events are `response.completed`, `response.incomplete` and
//! `response.failed`; an `error` event is terminal too (the `response.failed` that follows it
//! is then ignored, so the pane gets one error). Older recordings lack `sequence_number`, which
//! nothing here needs. Unknown event types are ignored.

use serde_json::Value;

use crate::error::{ErrorKind, ProviderError};
use crate::event::{Finish, FinishReason, StreamEvent, ToolCall, Usage};
use crate::protocol::errors::stream_error;
use crate::protocol::sse::{SseEvent, SseHandler, SseParser};
use crate::protocol::Decoder;

/// How much of a bad event a Malformed error quotes.
const SNIPPET_CHARS: usize = 120;

/// Between the text of two message items (or two reasoning summary parts), so that they do not
/// run together.
const ITEM_SEPARATOR: &str = "\n\n";

#[derive(Default)]
pub struct ResponsesDecoder {
    sse: SseParser,
    st: State,
}

impl ResponsesDecoder {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Decoder for ResponsesDecoder {
    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        self.sse.feed_to(bytes, &mut self.st, out);
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.sse.finish_to(&mut self.st, out) {
            self.st.fail(ProviderError::truncated("its end (no response.completed)"), out);
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

/// Where the last piece of text or reasoning came from: a new source gets a separator.
#[derive(Clone, PartialEq)]
struct Source {
    output_index: Option<u64>,
    part: Option<u64>,
}

#[derive(Default)]
struct State {
    /// A terminal event was emitted: ignore the rest.
    done: bool,
    served_model: Option<String>,
    calls: Vec<CallAcc>,
    last_text: Option<Source>,
    last_reasoning: Option<Source>,
}

/// One function call being assembled.
struct CallAcc {
    output_index: Option<u64>,
    item_id: Option<String>,
    call_id: String,
    name: String,
    arguments: String,
}

impl State {
    fn on_event(&mut self, ev: SseEvent<'_>, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        // Unnamed events (a proxy that drops `event:` lines) say their type in the data.
        if ev.event != "message" && !handled(ev.event) {
            return;
        }
        let data = ev.data.trim();
        if data.is_empty() {
            return;
        }
        let v: Value = match serde_json::from_str(data) {
            Ok(v) => v,
            Err(e) => return self.fail(malformed(data, &e), out),
        };
        let kind = match ev.event {
            "message" => v.get("type").and_then(Value::as_str).unwrap_or(""),
            named => named,
        };
        self.dispatch(kind, &v, out);
    }

    fn dispatch(&mut self, kind: &str, v: &Value, out: &mut Vec<StreamEvent>) {
        match kind {
            "response.created" | "response.in_progress" => self.remember_model(v),
            "response.output_text.delta" | "response.refusal.delta" => {
                let source = Source {
                    output_index: index(v, "output_index"),
                    part: index(v, "content_index"),
                };
                push_piece(&mut self.last_text, source, delta(v), out, |text| {
                    StreamEvent::Text { text }
                });
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                let part = index(v, "summary_index").or(index(v, "content_index"));
                let source = Source {
                    output_index: index(v, "output_index"),
                    part,
                };
                push_piece(&mut self.last_reasoning, source, delta(v), out, |text| {
                    StreamEvent::Reasoning { text }
                });
            }
            "response.output_item.added" => self.item_added(v, out),
            "response.function_call_arguments.delta" => {
                let pos = self.call_slot(v);
                self.append_arguments(pos, delta(v), out);
            }
            "response.function_call_arguments.done" => {
                if let Some(args) = v.get("arguments").and_then(Value::as_str) {
                    let pos = self.call_slot(v);
                    self.settle_arguments(pos, args, out);
                }
            }
            "response.output_item.done" => self.item_done(v, out),
            "response.completed" | "response.incomplete" => self.complete(kind, v, out),
            "response.failed" => self.failed(v, out),
            "error" => self.fail(error_event(v), out),
            _ => {}
        }
    }

    fn remember_model(&mut self, v: &Value) {
        if let Some(m) = v
            .pointer("/response/model")
            .and_then(Value::as_str)
            .filter(|m| !m.is_empty())
        {
            self.served_model = Some(m.to_string());
        }
    }

    fn item_added(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let Some(item) = v.get("item").filter(|i| is_function_call(i)) else {
            return;
        };
        let pos = self.call_slot(v);
        let acc = &mut self.calls[pos];
        let id = fill(&mut acc.call_id, item.get("call_id"));
        let name = fill(&mut acc.name, item.get("name"));
        let arguments = item.get("arguments").and_then(Value::as_str).unwrap_or("");
        acc.arguments.push_str(arguments);
        if id.is_some() || name.is_some() || !arguments.is_empty() {
            out.push(StreamEvent::ToolCallDelta {
                index: pos,
                id,
                name,
                arguments: arguments.to_string(),
            });
        }
    }

    fn item_done(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let Some(item) = v.get("item").filter(|i| is_function_call(i)) else {
            return;
        };
        let pos = self.call_slot(v);
        let acc = &mut self.calls[pos];
        let id = fill(&mut acc.call_id, item.get("call_id"));
        let name = fill(&mut acc.name, item.get("name"));
        if id.is_some() || name.is_some() {
            out.push(StreamEvent::ToolCallDelta {
                index: pos,
                id,
                name,
                arguments: String::new(),
            });
        }
        if let Some(args) = item.get("arguments").and_then(Value::as_str) {
            self.settle_arguments(pos, args, out);
        }
    }

    fn append_arguments(&mut self, pos: usize, piece: &str, out: &mut Vec<StreamEvent>) {
        if piece.is_empty() {
            return;
        }
        self.calls[pos].arguments.push_str(piece);
        out.push(StreamEvent::ToolCallDelta {
            index: pos,
            id: None,
            name: None,
            arguments: piece.to_string(),
        });
    }

    /// The whole arguments, as a `.done` event states them, are authoritative. What the deltas
    /// missed is sent as one more delta, so the live view adds up to the same text.
    fn settle_arguments(&mut self, pos: usize, whole: &str, out: &mut Vec<StreamEvent>) {
        let acc = &mut self.calls[pos];
        match whole.strip_prefix(acc.arguments.as_str()) {
            Some(rest) => {
                let rest = rest.to_string();
                self.append_arguments(pos, &rest, out);
            }
            None => acc.arguments = whole.to_string(),
        }
    }

    /// The call an event is about: by `output_index`, else by `item_id`; a new one otherwise.
    fn call_slot(&mut self, v: &Value) -> usize {
        let output_index = index(v, "output_index");
        let item_id = v
            .get("item_id")
            .or_else(|| v.pointer("/item/id"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let found = self.calls.iter().position(|c| match output_index {
            Some(i) => c.output_index == Some(i),
            None => item_id.is_some() && c.item_id.as_deref() == item_id,
        });
        found.unwrap_or_else(|| {
            self.calls.push(CallAcc {
                output_index,
                item_id: item_id.map(str::to_string),
                call_id: String::new(),
                name: String::new(),
                arguments: String::new(),
            });
            self.calls.len() - 1
        })
    }

    /// `response.completed` or `response.incomplete`: usage, the calls in output order, finish.
    fn complete(&mut self, kind: &str, v: &Value, out: &mut Vec<StreamEvent>) {
        let response = v.get("response").unwrap_or(&Value::Null);
        self.remember_model(v);
        if let Some(u) = response.get("usage").filter(|u| u.is_object()) {
            out.push(StreamEvent::Usage {
                usage: usage_from(u),
            });
        }
        let mut calls = std::mem::take(&mut self.calls);
        calls.sort_by_key(|c| c.output_index.unwrap_or(u64::MAX));
        let made_calls = !calls.is_empty();
        for (pos, acc) in calls.into_iter().enumerate() {
            let id = if acc.call_id.is_empty() {
                format!("call_{pos}")
            } else {
                acc.call_id
            };
            out.push(StreamEvent::ToolCall {
                call: ToolCall::from_raw(id, acc.name, &acc.arguments),
            });
        }
        let status = response.get("status").and_then(Value::as_str);
        let (reason, raw_reason) = if kind == "response.incomplete" || status == Some("incomplete")
        {
            match response
                .pointer("/incomplete_details/reason")
                .and_then(Value::as_str)
            {
                Some(r) => (incomplete_reason(r), r),
                None => (FinishReason::Other, "incomplete"),
            }
        } else if made_calls {
            (FinishReason::ToolCalls, status.unwrap_or("completed"))
        } else {
            (FinishReason::Stop, status.unwrap_or("completed"))
        };
        out.push(StreamEvent::Finish {
            finish: Finish {
                reason,
                raw_reason: Some(raw_reason.to_string()),
                served_model: self.served_model.take(),
                served_by: None,
            },
        });
        self.done = true;
    }

    fn failed(&mut self, v: &Value, out: &mut Vec<StreamEvent>) {
        let error = match v.pointer("/response/error").filter(|e| e.is_object()) {
            Some(e) => classify(stream_error(e)),
            None => ProviderError::new(ErrorKind::Stream, "the response failed without saying why")
                .retryable(false),
        };
        self.fail(error, out);
    }

    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        out.push(StreamEvent::Error { error });
        self.done = true;
    }
}

/// The event names this decoder reads; any other named event is skipped without parsing.
fn handled(name: &str) -> bool {
    matches!(
        name,
        "response.created"
            | "response.in_progress"
            | "response.output_text.delta"
            | "response.refusal.delta"
            | "response.reasoning_summary_text.delta"
            | "response.reasoning_text.delta"
            | "response.output_item.added"
            | "response.output_item.done"
            | "response.function_call_arguments.delta"
            | "response.function_call_arguments.done"
            | "response.completed"
            | "response.incomplete"
            | "response.failed"
            | "error"
    )
}

fn is_function_call(item: &Value) -> bool {
    item.get("type").and_then(Value::as_str) == Some("function_call")
}

fn index(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

fn delta(v: &Value) -> &str {
    v.get("delta").and_then(Value::as_str).unwrap_or("")
}

/// A piece of text or reasoning; the first piece of a new item or part after earlier ones is
/// preceded by a separator.
fn push_piece(
    last: &mut Option<Source>,
    source: Source,
    text: &str,
    out: &mut Vec<StreamEvent>,
    make: fn(String) -> StreamEvent,
) {
    if text.is_empty() {
        return;
    }
    let piece = match last {
        Some(prev) if *prev != source => format!("{ITEM_SEPARATOR}{text}"),
        _ => text.to_string(),
    };
    *last = Some(source);
    out.push(make(piece));
}

/// Set `slot` from the first value that carries one; later values never overwrite it.
fn fill(slot: &mut String, value: Option<&Value>) -> Option<String> {
    match value.and_then(Value::as_str).filter(|s| !s.is_empty()) {
        Some(v) if slot.is_empty() => {
            *slot = v.to_string();
            Some(slot.clone())
        }
        _ => None,
    }
}

fn incomplete_reason(raw: &str) -> FinishReason {
    match raw {
        "max_output_tokens" => FinishReason::Length,
        "content_filter" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

/// The `error` event: `{type:"error", code, message, param}`, or the same inside `error`.
fn error_event(v: &Value) -> ProviderError {
    let err = match v.get("error").filter(|e| e.is_object()) {
        Some(e) => e.clone(),
        None => {
            let mut e = v.clone();
            // `type: "error"` names the event, not the error: it must not become the code.
            if let Some(o) = e.as_object_mut() {
                o.remove("type");
                o.remove("sequence_number");
            }
            e
        }
    };
    classify(stream_error(&err))
}

/// OpenAI's codes that say more than the generic stream error.
fn classify(mut e: ProviderError) -> ProviderError {
    match e.code.as_deref() {
        Some("insufficient_quota" | "billing_hard_limit_reached") => e.kind = ErrorKind::Quota,
        Some("rate_limit_exceeded") => e.kind = ErrorKind::RateLimited,
        _ => {}
    }
    e
}

pub(crate) fn usage_from(u: &Value) -> Usage {
    let n = |path: &str| u.pointer(path).and_then(Value::as_u64).unwrap_or(0);
    let output = n("/output_tokens");
    let reasoning_tokens = n("/output_tokens_details/reasoning_tokens");
    Usage {
        input_tokens: n("/input_tokens"),
        // OpenAI counts reasoning inside output_tokens; a server that does not would report
        // more reasoning than output, so add them to keep `output_tokens` comparable.
        output_tokens: if reasoning_tokens > output {
            output.saturating_add(reasoning_tokens)
        } else {
            output
        },
        reasoning_tokens,
        cached_tokens: n("/input_tokens_details/cached_tokens"),
        provider_cost_usd: None,
    }
}

fn malformed(data: &str, e: &serde_json::Error) -> ProviderError {
    let mut snippet: String = data.chars().take(SNIPPET_CHARS).collect();
    if snippet.len() < data.len() {
        snippet.push('…');
    }
    ProviderError::malformed(format!(
        "the server sent an event that is not Responses API JSON ({e}): {snippet}"
    ))
}
