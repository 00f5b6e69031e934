//! OpenAI Responses API: `POST {base}/responses` with `stream: true`.
//!
//! Mapping sends the system prompt as top-level `instructions`, the conversation as `input` items
//! (messages, `function_call` and `function_call_output`), flat function tools and
//! `reasoning: {effort, summary}`; the Responses API takes no stop sequences and no seed.
//! Decoding follows its named events: see [`ResponsesDecoder`]. Error bodies and model lists
//! are the same as OpenAI Chat's.

mod decode;

use serde_json::{json, Map, Value};

pub use decode::ResponsesDecoder;

use super::*;
use crate::catalog::ThinkingStyle;
use crate::protocol::errors::parse_error_body;
use crate::protocol::openai_chat::{preset_headers, OpenAiChat};
use crate::request::{Message, Params, ReasoningEffort, ToolCallRequest, ToolChoice, ToolSpec};
use crate::run::mapping::{clamp_reported, routing_unsupported, MappingAction};

#[cfg(test)]
mod tests;

/// The Responses API rejects a smaller `max_output_tokens` (400 `integer_below_min_value`).
pub const MIN_OUTPUT_TOKENS: u32 = 16;

pub struct OpenAiResponses;

impl Adapter for OpenAiResponses {
    fn protocol(&self) -> Protocol {
        Protocol::OpenAiResponses
    }

    fn map_request(&self, endpoint: &Endpoint, caps: &ModelCaps, req: &ChatRequest) -> Mapped {
        let mut report = MappingReport::default();
        let mut body = Map::new();
        body.insert("model".into(), req.model.clone().into());
        body.insert("stream".into(), true.into());
        body.insert("store".into(), false.into());
        report.defaulted(
            "store",
            false,
            "the Responses API keeps every response on OpenAI's servers unless told not to; \
             Juxta sends the whole conversation each time, so nothing needs storing",
        );
        if let Some(system) = req.system.as_deref().filter(|s| !s.trim().is_empty()) {
            body.insert("instructions".into(), system.into());
            report.moved(
                "system",
                "instructions",
                "the Responses API takes the system prompt as top-level instructions",
            );
        }
        body.insert(
            "input".into(),
            Value::Array(input(&req.messages, &mut report)),
        );
        max_output_tokens(
            caps,
            &req.model,
            req.params.max_output_tokens,
            &mut body,
            &mut report,
        );
        sampling(caps, &req.model, &req.params, &mut body, &mut report);
        reasoning(caps, &req.model, &req.params, &mut body, &mut report);
        unsupported_params(&req.params, &mut report);
        tools(caps, req, &mut body, &mut report);
        routing_unsupported(&mut report, req, &endpoint.name);
        if let Some(f) = &req.response_format {
            body.insert(
                "text".into(),
                json!({"format": {"type": "json_schema", "name": f.name, "schema": f.schema, "strict": f.strict}}),
            );
            report.moved(
                "response_format",
                "text.format",
                "the Responses API takes structured output as text.format",
            );
        }
        let headers = preset_headers(endpoint, &mut report);
        Mapped {
            request: WireRequest {
                url: endpoint.url("/responses"),
                headers,
                body: Value::Object(body),
            },
            report,
        }
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(ResponsesDecoder::new())
    }

    fn parse_error(&self, status: u16, body: &[u8]) -> ProviderError {
        parse_error_body(status, body)
    }

    fn models_url(&self, endpoint: &Endpoint, cursor: Option<&str>) -> String {
        OpenAiChat.models_url(endpoint, cursor)
    }

    fn parse_models(&self, body: &[u8]) -> Result<ModelsPage, ProviderError> {
        OpenAiChat.parse_models(body)
    }
}

/// The conversation as input items. An assistant turn's `provider_state` (Anthropic or Gemini
/// signatures) is not sent: the Responses API would need its own encrypted reasoning items,
/// which it only returns with `store` or `include`, and a plain history is valid without them.
fn input(msgs: &[Message], report: &mut MappingReport) -> Vec<Value> {
    let mut items = Vec::with_capacity(msgs.len());
    let mut dropped_state = false;
    for msg in msgs {
        match msg {
            Message::User { content } => items.push(json!({"role": "user", "content": content})),
            Message::Assistant {
                content,
                tool_calls,
                provider_state,
            } => {
                dropped_state |= provider_state.is_some();
                // An assistant turn that only called tools has no message item.
                if !content.is_empty() || tool_calls.is_empty() {
                    items.push(json!({"role": "assistant", "content": content}));
                }
                items.extend(tool_calls.iter().map(function_call_item));
            }
            Message::Tool {
                call_id, content, ..
            } => items.push(
                json!({"type": "function_call_output", "call_id": call_id, "output": content}),
            ),
        }
    }
    if dropped_state {
        report.dropped(
            "provider_state",
            Value::Null,
            "saved provider data from an earlier answer (thought signatures) has no place in the Responses API input",
        );
    }
    items
}

fn function_call_item(c: &ToolCallRequest) -> Value {
    // Arguments travel as JSON text. A call whose arguments were not JSON was kept as that raw
    // text (a JSON string): send the text back as it came.
    let arguments = match &c.arguments {
        Value::String(raw) => raw.clone(),
        v => v.to_string(),
    };
    json!({"type": "function_call", "call_id": c.id, "name": c.name, "arguments": arguments})
}

fn max_output_tokens(
    caps: &ModelCaps,
    model: &str,
    asked: Option<u32>,
    body: &mut Map<String, Value>,
    report: &mut MappingReport,
) {
    let Some(asked) = asked else {
        return;
    };
    let mut value = asked;
    if let Some(ceiling) = caps.max_output_tokens.filter(|&c| value > c) {
        report.clamped(
            "max_output_tokens",
            value,
            ceiling,
            format!("{model} writes at most {ceiling} tokens"),
        );
        value = ceiling;
    }
    if value < MIN_OUTPUT_TOKENS {
        report.clamped(
            "max_output_tokens",
            value,
            MIN_OUTPUT_TOKENS,
            format!("the Responses API takes max_output_tokens of at least {MIN_OUTPUT_TOKENS}"),
        );
        value = MIN_OUTPUT_TOKENS;
    }
    body.insert("max_output_tokens".into(), value.into());
}

/// `temperature` and `top_p`, as OpenAI Chat takes them: reasoning models reject both.
fn sampling(
    caps: &ModelCaps,
    model: &str,
    p: &Params,
    body: &mut Map<String, Value>,
    report: &mut MappingReport,
) {
    let temperature = p.temperature.and_then(|t| {
        sampling_param(
            caps,
            model,
            "temperature",
            t,
            caps.temperature,
            caps.temperature_max,
            report,
        )
    });
    let mut top_p = p
        .top_p
        .and_then(|v| sampling_param(caps, model, "top_p", v, caps.top_p, 1.0, report));
    if let (Some(_), Some(v)) = (temperature, top_p) {
        if caps.sampling_exclusive {
            let why =
                format!("{model} rejects temperature and top_p together; temperature was kept");
            report.dropped("top_p", v, why);
            top_p = None;
        }
    }
    if let Some(t) = temperature {
        body.insert("temperature".into(), t.into());
    }
    if let Some(v) = top_p {
        body.insert("top_p".into(), v.into());
    }
}

/// A sampling value the model takes, clamped to `[0, max]`, or `None` when it is dropped.
fn sampling_param(
    caps: &ModelCaps,
    model: &str,
    name: &str,
    value: f64,
    supported: bool,
    max: f64,
    report: &mut MappingReport,
) -> Option<f64> {
    if caps.reasoning {
        report.dropped(
            name,
            value,
            format!("{model} is a reasoning model and rejects {name}"),
        );
        return None;
    }
    if !supported {
        report.dropped(name, value, format!("{model} does not accept {name}"));
        return None;
    }
    if !value.is_finite() {
        report.dropped(name, Value::Null, format!("{name} must be a number"));
        return None;
    }
    // A NaN ceiling from a user's table must not reach `f64::clamp` (it panics).
    let max = if max.is_nan() { 1.0 } else { max.max(0.0) };
    Some(clamp_reported(report, name, value, 0.0, max, model))
}

/// `reasoning: {effort, summary: "auto"}`. The summary is asked for on reasoning models so their
/// thinking streams into the pane; a token budget becomes the nearest effort level.
fn reasoning(
    caps: &ModelCaps,
    model: &str,
    p: &Params,
    body: &mut Map<String, Value>,
    report: &mut MappingReport,
) {
    let mut object = Map::new();
    if caps.thinking == ThinkingStyle::None {
        let why = format!("{model} has no reasoning setting (it always reasons, or never does)");
        if let Some(e) = p.reasoning_effort {
            report.dropped("reasoning_effort", e.as_str(), why.clone());
        }
        if let Some(b) = p.thinking_budget {
            report.dropped("thinking_budget", b, why);
        }
    } else {
        match (p.reasoning_effort, p.thinking_budget) {
            (Some(e), budget) => {
                report.moved(
                    "reasoning_effort",
                    "reasoning.effort",
                    "the Responses API takes reasoning settings as an object",
                );
                if let Some(b) = budget {
                    report.dropped(
                        "thinking_budget",
                        b,
                        "the Responses API takes a reasoning level, not a token budget; reasoning_effort was sent",
                    );
                }
                object.insert("effort".into(), e.as_str().into());
            }
            (None, Some(b)) => {
                let effort = effort_for_budget(b);
                report.push(
                    "thinking_budget",
                    MappingAction::Renamed,
                    Some(b.into()),
                    Some(json!({"reasoning.effort": effort.as_str()})),
                    "the Responses API takes a reasoning level, not a token budget: the nearest level",
                );
                object.insert("effort".into(), effort.as_str().into());
            }
            (None, None) => {}
        }
    }
    if caps.reasoning {
        object.insert("summary".into(), "auto".into());
        report.defaulted(
            "reasoning.summary",
            "auto",
            format!("asked so that {model}'s reasoning summary streams into the pane"),
        );
    }
    if !object.is_empty() {
        body.insert("reasoning".into(), Value::Object(object));
    }
}

/// The level whose usual budget is closest above `budget`. `minimal` is never chosen: the
/// o-series rejects it.
fn effort_for_budget(budget: u32) -> ReasoningEffort {
    [ReasoningEffort::Low, ReasoningEffort::Medium]
        .into_iter()
        .find(|e| budget <= e.default_budget())
        .unwrap_or(ReasoningEffort::High)
}

fn unsupported_params(p: &Params, report: &mut MappingReport) {
    if !p.stop.is_empty() {
        report.dropped(
            "stop",
            p.stop.clone(),
            "the Responses API has no stop sequences",
        );
    }
    if let Some(seed) = p.seed {
        report.dropped(
            "seed",
            seed,
            "the Responses API takes no seed; answers are not reproducible",
        );
    }
}

fn tools(
    caps: &ModelCaps,
    req: &ChatRequest,
    body: &mut Map<String, Value>,
    report: &mut MappingReport,
) {
    let choice = req.tool_choice.as_ref();
    if req.tools.is_empty() {
        if let Some(c) = choice {
            report.dropped(
                "tool_choice",
                tool_choice_label(c),
                "no tools were given, so there is nothing to choose",
            );
        }
        return;
    }
    if !caps.tools {
        let why = format!("{} cannot call tools", req.model);
        let names: Vec<&str> = req.tools.iter().map(|t| t.name.as_str()).collect();
        report.dropped("tools", names, why.clone());
        if let Some(c) = choice {
            report.dropped("tool_choice", tool_choice_label(c), why);
        }
        return;
    }
    body.insert("tools".into(), req.tools.iter().map(tool_json).collect());
    report.defaulted(
        "tools.strict",
        false,
        "the Responses API makes function schemas strict unless told otherwise, which rejects \
         schemas with optional properties; tools are sent as on the other protocols",
    );
    if let Some(c) = choice {
        body.insert("tool_choice".into(), tool_choice_json(c));
    }
}

fn tool_json(t: &ToolSpec) -> Value {
    json!({
        "type": "function",
        "name": t.name,
        "description": t.description,
        "parameters": t.parameters,
        "strict": false,
    })
}

fn tool_choice_json(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Auto => "auto".into(),
        ToolChoice::None => "none".into(),
        ToolChoice::Required => "required".into(),
        ToolChoice::Tool(name) => json!({"type": "function", "name": name}),
    }
}

fn tool_choice_label(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Tool(name) => name.clone().into(),
        other => tool_choice_json(other),
    }
}
