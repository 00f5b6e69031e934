//! Turns a scenario, its options and the request into a script of [`Ev`]s.

use std::borrow::Cow;

use serde_json::{json, Value};

use crate::scenario::{Opts, Scenario};
use crate::text::{self, Cut, Piece};
use crate::wire::{Ev, Finish, FinishReason, Proto, ToolCall, Usage};

/// What the mock reads from a request body, whatever the protocol.
#[derive(Clone, Debug, Default)]
pub struct ReqInfo {
    pub max_tokens: Option<u64>,
    pub stops: Vec<String>,
    /// OpenAI `stream_options.include_usage`.
    pub include_usage: bool,
    pub input_tokens: u64,
}

impl ReqInfo {
    pub fn from_body(proto: Proto, body: &Value) -> Self {
        let u = |v: Option<&Value>| v.and_then(Value::as_u64);
        let (max_tokens, stops) = match proto {
            Proto::OpenAi => (
                u(body.get("max_completion_tokens")).or(u(body.get("max_tokens"))),
                strings(body.get("stop")),
            ),
            // The Responses API has no stop sequences.
            Proto::OpenAiResponses => (u(body.get("max_output_tokens")), Vec::new()),
            Proto::Anthropic => (
                u(body.get("max_tokens")),
                strings(body.get("stop_sequences")),
            ),
            Proto::Gemini { .. } => {
                let cfg = body.get("generationConfig");
                (
                    u(cfg.and_then(|c| c.get("maxOutputTokens"))),
                    strings(cfg.and_then(|c| c.get("stopSequences"))),
                )
            }
            Proto::Ollama => (
                u(body.pointer("/options/num_predict")),
                strings(body.pointer("/options/stop")),
            ),
        };
        let include_usage = body
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            == Some(true);
        let prompt_chars: usize = [
            "messages",
            "system",
            "contents",
            "systemInstruction",
            "input",
            "instructions",
        ]
        .iter()
        .filter_map(|k| body.get(*k))
        .map(text_chars)
        .sum();
        ReqInfo {
            max_tokens,
            stops,
            include_usage,
            input_tokens: (prompt_chars as u64).div_ceil(4).max(1),
        }
    }
}

/// `stop` may be one string or a list.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// Characters of every string inside `v` (but not `role`/`type` tags): a stable stand-in for a tokenizer.
fn text_chars(v: &Value) -> usize {
    match v {
        Value::String(s) => s.chars().count(),
        Value::Array(a) => a.iter().map(text_chars).sum(),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| *k != "role" && *k != "type")
            .map(|(_, v)| text_chars(v))
            .sum(),
        _ => 0,
    }
}

pub struct Plan {
    pub events: Vec<Ev>,
    pub rate: f64,
}

/// Build the script for a streaming scenario. Errors are option mistakes (reported as 400).
pub fn build(scenario: Scenario, opts: &Opts, req: &ReqInfo, body: &Value) -> Result<Plan, String> {
    let tokens = opts.num_or("tokens", 40)? as usize;
    let after = opts.num_or("after", 10)? as usize;
    let rate = opts.float_or("rate", 0.0)?;
    let limit = req.max_tokens.map(|m| m as usize);

    let mut s = Script::new(req, opts.ms("ttft")?);
    match scenario {
        Scenario::Echo => s.answer(text::echo(body), limit, &req.stops),
        Scenario::Tools => s.tools(opts.num_or("calls", 1)?.clamp(1, 2) as usize, opts.num_or("invalid", 0)? == 1),
        Scenario::ToolLoop => {
            let results = tool_results(body);
            let steps = opts.num_or("steps", 2)? as usize;
            if results.len() < steps {
                s.tool_call(0, CITIES[results.len() % CITIES.len()], false);
                s.finish(FinishReason::ToolUse);
            } else {
                let quoted = format!("After {} tool results: {}.", results.len(), results.join("; "));
                s.answer(quoted.split_inclusive(' ').map(|w| Cow::Owned(w.to_string())).collect(), limit, &req.stops);
            }
        }
        Scenario::Json => {
            let schema = response_schema(body).unwrap_or(&Value::Null);
            let value = instance_of(schema, opts.num_or("invalid", 0)? == 1);
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            s.answer(text.split_inclusive('\n').map(|l| Cow::Owned(l.to_string())).collect(), limit, &req.stops);
        }
        Scenario::Reasoning => {
            let thinking = text::thinking(opts.num_or("reasoning", 20)? as usize);
            let (thinking, cut) = text::cut(thinking, limit, &[]);
            let left = limit.map(|l| l - thinking.len());
            for t in thinking {
                s.push_content(Ev::Reasoning(t));
                s.usage.reasoning += 1;
            }
            if cut == Cut::Length {
                s.finish(FinishReason::Length);
            } else {
                s.answer(text::answer(tokens), left, &req.stops);
            }
        }
        Scenario::BigEvent => {
            let bytes = opts.num_or("bytes", 5 * 1024 * 1024)? as usize;
            s.push_content(Ev::Text(Cow::Owned(text::big(bytes))));
            s.usage.output = (bytes as u64).div_ceil(4).max(1);
            s.finish(FinishReason::Stop);
        }
        Scenario::StreamError | Scenario::Drop => {
            s.text(text::answer(after));
            s.events.push(if scenario == Scenario::Drop {
                Ev::Abort
            } else {
                Ev::StreamError
            });
        }
        Scenario::Stall | Scenario::Malformed => {
            let (pieces, cut) = text::cut(text::answer(tokens), limit, &req.stops);
            let mut pieces = pieces.into_iter();
            s.text(pieces.by_ref().take(after).collect());
            s.events.push(match scenario {
                Scenario::Stall => Ev::Stall {
                    total: opts.ms("stall")?,
                    keepalive: opts.ms("keepalive")?,
                },
                _ => Ev::Malformed,
            });
            s.text(pieces.collect());
            s.finish(finish_for(cut));
        }
        Scenario::Normal if opts.num_or("code", 0)? == 1 => s.answer(text::answer_with_code(tokens), limit, &req.stops),
        // normal, substituted, and any fault that has used up its `fails`.
        _ => s.answer(text::answer(tokens), limit, &req.stops),
    }
    Ok(Plan {
        events: s.events,
        rate,
    })
}

/// Accumulates events and usage while a scenario is built.
struct Script {
    events: Vec<Ev>,
    usage: Usage,
    ttft: Option<std::time::Duration>,
}

impl Script {
    fn new(req: &ReqInfo, ttft: Option<std::time::Duration>) -> Self {
        let usage = Usage {
            input: req.input_tokens,
            output: 0,
            reasoning: 0,
        };
        Script {
            events: vec![Ev::Start],
            usage,
            ttft: ttft.filter(|d| !d.is_zero()),
        }
    }

    /// Content events; the first one waits `ttft`.
    fn push_content(&mut self, ev: Ev) {
        if let Some(d) = self.ttft.take() {
            self.events.push(Ev::Sleep(d));
        }
        self.usage.output += 1;
        self.events.push(ev);
    }

    fn text(&mut self, pieces: Vec<Piece>) {
        self.events.reserve(pieces.len());
        for p in pieces {
            self.push_content(Ev::Text(p));
        }
    }

    fn answer(&mut self, pieces: Vec<Piece>, limit: Option<usize>, stops: &[String]) {
        let (pieces, cut) = text::cut(pieces, limit, stops);
        self.text(pieces);
        self.finish(finish_for(cut));
    }

    fn tools(&mut self, calls: usize, invalid: bool) {
        for (index, city) in CITIES.iter().take(calls).enumerate() {
            self.tool_call(index, city, invalid);
        }
        self.finish(FinishReason::ToolUse);
    }

    /// One get_weather call, its arguments streamed in fragments.
    fn tool_call(&mut self, index: usize, city: &str, invalid: bool) {
        let args = if invalid { json!({"city": 42, "unit": "kelvin"}) } else { json!({"city": city, "unit": "celsius"}) };
        let text = args.to_string();
        // Split at the quotes, as real providers send a few characters at a time.
        let fragments = text.split_inclusive('"').map(str::to_string).collect();
        let call = ToolCall { index, id_suffix: format!("{:04}", index + 1), name: "get_weather", args, fragments };
        self.push_content(Ev::Tool(call));
        // A tool call costs more than one token; keep the count plausible.
        self.usage.output += 9;
    }

    fn finish(&mut self, reason: FinishReason) {
        self.events.push(Ev::Finish(Finish {
            reason,
            usage: self.usage,
        }));
    }
}

const CITIES: [&str; 4] = ["Paris", "Tokyo", "Lima", "Oslo"];

/// The contents of the tool results in a request, whatever the protocol: OpenAI and Ollama
/// `role: tool` messages, Anthropic `tool_result` blocks, Gemini `functionResponse` parts,
/// Responses `function_call_output` items.
fn tool_results(body: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => {
                let tag = |k: &str| o.get(k).and_then(Value::as_str);
                let shown = |v: Option<&Value>| match v {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                if tag("role") == Some("tool") || tag("type") == Some("tool_result") {
                    out.push(shown(o.get("content")));
                } else if tag("type") == Some("function_call_output") {
                    out.push(shown(o.get("output")));
                } else if let Some(r) = o.get("functionResponse") {
                    // Gemini wraps a text result as `{"result": ...}`.
                    let response = r.get("response");
                    out.push(shown(response.and_then(|x| x.get("result")).or(response)));
                } else {
                    o.values().for_each(|x| walk(x, out));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(body, &mut out);
    out
}

/// The JSON Schema the request asks the answer to follow, wherever its protocol puts it.
fn response_schema(body: &Value) -> Option<&Value> {
    [
        "/response_format/json_schema/schema",
        "/output_config/format/schema",
        "/generationConfig/responseSchema",
        "/generationConfig/responseJsonSchema",
        "/text/format/schema",
        "/format",
    ]
    .iter()
    .find_map(|p| body.pointer(p).filter(|v| v.is_object()))
}

/// A value that satisfies the simple schemas tests use: every required property, first enum
/// values, one array item. `invalid` leaves out the first required property.
fn instance_of(schema: &Value, invalid: bool) -> Value {
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let props = schema.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = match schema.get("required").and_then(Value::as_array) {
                Some(r) => r.iter().filter_map(Value::as_str).collect(),
                None => props.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default(),
            };
            let mut out = serde_json::Map::new();
            for (i, name) in required.iter().enumerate() {
                if invalid && i == 0 {
                    continue;
                }
                let sub = props.and_then(|p| p.get(*name)).unwrap_or(&Value::Null);
                out.insert(name.to_string(), instance_of(sub, false));
            }
            Value::Object(out)
        }
        Some("object") => json!({}),
        Some("array") => json!([instance_of(schema.get("items").unwrap_or(&Value::Null), false)]),
        Some("string") => json!("mock"),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => json!("mock"),
    }
}

fn finish_for(cut: Cut) -> FinishReason {
    match cut {
        Cut::None => FinishReason::Stop,
        Cut::Length => FinishReason::Length,
        Cut::StopSequence(s) => FinishReason::StopSequence(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn plan(model: &str, body: Value) -> Plan {
        let spec = parse(model);
        let req = ReqInfo::from_body(Proto::OpenAi, &body);
        build(spec.scenario, &spec.opts, &req, &body).expect("valid options")
    }

    fn finish(p: &Plan) -> &Finish {
        match p.events.last() {
            Some(Ev::Finish(f)) => f,
            other => panic!("last event is not a finish: {other:?}"),
        }
    }

    #[test]
    fn normal_counts_tokens() {
        let p = plan(
            "normal@tokens=7",
            json!({"messages": [{"role": "user", "content": "12345678"}]}),
        );
        let f = finish(&p);
        assert_eq!(
            f.usage,
            Usage {
                input: 2,
                output: 7,
                reasoning: 0
            }
        );
        assert_eq!(f.reason, FinishReason::Stop);
        assert_eq!(
            p.events.iter().filter(|e| matches!(e, Ev::Text(_))).count(),
            7
        );
    }

    #[test]
    fn max_tokens_and_stop() {
        let p = plan("normal", json!({"max_completion_tokens": 5}));
        assert_eq!(
            (finish(&p).reason.clone(), finish(&p).usage.output),
            (FinishReason::Length, 5)
        );
        let p = plan("normal", json!({"stop": "main"}));
        assert_eq!(finish(&p).reason, FinishReason::StopSequence("main".into()));
    }

    #[test]
    fn reasoning_counts_in_output() {
        let p = plan("reasoning@reasoning=4,tokens=6", json!({}));
        assert_eq!(
            finish(&p).usage,
            Usage {
                input: 1,
                output: 10,
                reasoning: 4
            }
        );
        let p = plan("reasoning@reasoning=4,tokens=6", json!({"max_tokens": 3}));
        assert_eq!(
            (finish(&p).reason.clone(), finish(&p).usage.output),
            (FinishReason::Length, 3)
        );
    }

    #[test]
    fn ttft_sleeps_before_first_content() {
        let p = plan("normal@ttft=30,tokens=2", json!({}));
        assert!(matches!(p.events[0], Ev::Start));
        assert!(matches!(p.events[1], Ev::Sleep(d) if d.as_millis() == 30));
        assert!(matches!(p.events[2], Ev::Text(_)));
    }
}
