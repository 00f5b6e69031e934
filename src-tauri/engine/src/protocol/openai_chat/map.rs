//! Mapping a neutral [`ChatRequest`] to a Chat Completions request for OpenAI or a compatible
//! server. Every parameter that is renamed, clamped, dropped or moved is reported, with a reason
//! a user understands, so the inspector can show exactly what each provider received.

use serde_json::{json, Map, Value};

use crate::catalog::{Endpoint, ModelCaps, SystemRole, ThinkingStyle};
use crate::protocol::{Mapped, WireRequest};
use crate::request::{ChatRequest, Message, ToolChoice, ToolSpec};
use crate::run::mapping::{clamp_reported, routing_unsupported, MappingAction, MappingReport};

/// The OpenAI format takes at most this many stop sequences.
pub const MAX_STOP_SEQUENCES: usize = 4;

/// Header names that carry credentials: the runner adds the key, never a preset.
const AUTH_HEADERS: [&str; 5] = [
    "authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "proxy-authorization",
];

pub fn map_request(endpoint: &Endpoint, caps: &ModelCaps, req: &ChatRequest) -> Mapped {
    let mut m = Mapper {
        endpoint,
        caps,
        req,
        body: Map::new(),
        report: MappingReport::default(),
    };
    m.body.insert("model".into(), req.model.clone().into());
    let messages = m.messages();
    m.body.insert("messages".into(), Value::Array(messages));
    m.body.insert("stream".into(), true.into());
    if endpoint.quirks.stream_usage {
        m.body
            .insert("stream_options".into(), json!({ "include_usage": true }));
    }
    m.sampling();
    m.max_tokens();
    m.stop();
    m.seed();
    m.reasoning();
    m.tools();
    m.response_format();
    m.routing();
    let headers = preset_headers(endpoint, &mut m.report);
    Mapped {
        request: WireRequest {
            url: endpoint.url("/chat/completions"),
            headers,
            body: Value::Object(m.body),
        },
        report: m.report,
    }
}

struct Mapper<'a> {
    endpoint: &'a Endpoint,
    caps: &'a ModelCaps,
    req: &'a ChatRequest,
    body: Map<String, Value>,
    report: MappingReport,
}

impl Mapper<'_> {
    fn model(&self) -> &str {
        &self.req.model
    }

    fn provider(&self) -> &str {
        &self.endpoint.name
    }

    fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.body.insert(key.to_string(), value.into());
    }

    fn messages(&mut self) -> Vec<Value> {
        let mut out = Vec::with_capacity(self.req.messages.len() + 1);
        let system = self.req.system.as_deref().filter(|s| !s.trim().is_empty());
        let mut merge_into_user = None;
        if let Some(system) = system {
            match self.caps.system_role {
                SystemRole::System => out.push(json!({ "role": "system", "content": system })),
                SystemRole::Developer => {
                    out.push(json!({ "role": "developer", "content": system }));
                    self.report.renamed(
                        "system",
                        "developer",
                        format!(
                            "{} takes the system prompt as a developer message",
                            self.model()
                        ),
                    );
                }
                SystemRole::Unsupported => merge_into_user = Some(system),
            }
        }
        let mut dropped_state = false;
        for msg in &self.req.messages {
            match msg {
                Message::User { content } => {
                    out.push(json!({ "role": "user", "content": content }))
                }
                Message::Assistant {
                    content,
                    tool_calls,
                    provider_state,
                } => {
                    dropped_state |= provider_state.is_some();
                    out.push(assistant_message(content, tool_calls));
                }
                Message::Tool {
                    call_id, content, ..
                } => {
                    out.push(
                        json!({ "role": "tool", "tool_call_id": call_id, "content": content }),
                    );
                }
            }
        }
        if dropped_state {
            self.report.dropped(
                "provider_state",
                Value::Null,
                "saved provider data from an earlier answer (thought signatures) has no place in the OpenAI format",
            );
        }
        if let Some(system) = merge_into_user {
            self.merge_system(&mut out, system);
        }
        out
    }

    /// Models that reject any system message (o1-mini) get it at the top of the first user turn.
    fn merge_system(&mut self, out: &mut Vec<Value>, system: &str) {
        let first_user = out.iter_mut().position(|m| m["role"] == "user");
        let target = match first_user {
            Some(i) => {
                let user = out[i]["content"].as_str().unwrap_or_default();
                out[i]["content"] = format!("{system}\n\n{user}").into();
                i
            }
            None => {
                out.insert(0, json!({ "role": "user", "content": system }));
                0
            }
        };
        self.report.moved(
            "system",
            &format!("messages[{target}].content"),
            format!(
                "{} rejects system messages, so the system prompt opens the first user message",
                self.model()
            ),
        );
    }

    fn sampling(&mut self) {
        let params = &self.req.params;
        let mut temperature = params.temperature;
        let mut top_p = params.top_p;
        if let Some(t) = temperature {
            temperature = self.sampling_param(
                "temperature",
                t,
                self.caps.temperature,
                self.caps.temperature_max,
            );
        }
        if let Some(p) = top_p {
            top_p = self.sampling_param("top_p", p, self.caps.top_p, 1.0);
        }
        if let (Some(_), Some(p)) = (temperature, top_p) {
            if self.caps.sampling_exclusive {
                self.report.dropped(
                    "top_p",
                    p,
                    format!(
                        "{} rejects temperature and top_p together; temperature was kept",
                        self.model()
                    ),
                );
                top_p = None;
            }
        }
        if let Some(t) = temperature {
            self.set("temperature", t);
        }
        if let Some(p) = top_p {
            self.set("top_p", p);
        }
    }

    /// A sampling value the model takes, clamped to `[0, max]`, or `None` when it is dropped.
    fn sampling_param(&mut self, name: &str, value: f64, supported: bool, max: f64) -> Option<f64> {
        let model = self.model().to_string();
        if self.caps.reasoning {
            let why = format!("{model} is a reasoning model and rejects {name}");
            self.report.dropped(name, value, why);
            return None;
        }
        if !supported {
            self.report
                .dropped(name, value, format!("{model} does not accept {name}"));
            return None;
        }
        if !value.is_finite() {
            self.report
                .dropped(name, Value::Null, format!("{name} must be a number"));
            return None;
        }
        Some(clamp_reported(
            &mut self.report,
            name,
            value,
            0.0,
            max,
            &model,
        ))
    }

    fn max_tokens(&mut self) {
        let Some(asked) = self.req.params.max_output_tokens else {
            return;
        };
        let mut value = asked;
        if let Some(ceiling) = self.caps.max_output_tokens.filter(|&c| asked > c) {
            self.report.clamped(
                "max_output_tokens",
                asked,
                ceiling,
                format!("{} writes at most {ceiling} tokens", self.model()),
            );
            value = ceiling;
        }
        let (field, why) = if self.caps.reasoning {
            (
                "max_completion_tokens",
                format!(
                    "{} is a reasoning model: it rejects max_tokens and takes max_completion_tokens \
                     (the limit includes reasoning tokens)",
                    self.model()
                ),
            )
        } else {
            let field = self.endpoint.quirks.max_tokens_field.as_str();
            (
                field,
                format!("{} takes the output limit as {field}", self.provider()),
            )
        };
        let field = field.to_string();
        self.report.renamed("max_output_tokens", &field, why);
        self.set(&field, value);
    }

    fn stop(&mut self) {
        let stop = &self.req.params.stop;
        if stop.is_empty() {
            return;
        }
        if self.caps.reasoning {
            let why = format!(
                "{} is a reasoning model and rejects stop sequences",
                self.model()
            );
            self.report.dropped("stop", stop.clone(), why);
            return;
        }
        let mut sent = stop.clone();
        if sent.len() > MAX_STOP_SEQUENCES {
            sent.truncate(MAX_STOP_SEQUENCES);
            self.report.clamped(
                "stop",
                stop.clone(),
                sent.clone(),
                format!("the OpenAI format takes at most {MAX_STOP_SEQUENCES} stop sequences; the first {MAX_STOP_SEQUENCES} were sent"),
            );
        }
        self.set("stop", sent);
    }

    fn seed(&mut self) {
        let Some(seed) = self.req.params.seed else {
            return;
        };
        if self.endpoint.quirks.seed {
            self.set("seed", seed);
        } else if is_mistral(self.endpoint) {
            self.report
                .renamed("seed", "random_seed", "Mistral calls the seed random_seed");
            self.set("random_seed", seed);
        } else {
            let why = format!("{} does not take a seed", self.provider());
            self.report.dropped("seed", seed, why);
        }
    }

    fn reasoning(&mut self) {
        let effort = self.req.params.reasoning_effort;
        let budget = self.req.params.thinking_budget;
        if effort.is_none() && budget.is_none() {
            return;
        }
        if self.caps.thinking == ThinkingStyle::None {
            let why = format!(
                "{} has no reasoning setting (it always reasons, or never does)",
                self.model()
            );
            if let Some(e) = effort {
                self.report
                    .dropped("reasoning_effort", e.as_str(), why.clone());
            }
            if let Some(b) = budget {
                self.report.dropped("thinking_budget", b, why);
            }
            return;
        }
        let quirks = &self.endpoint.quirks;
        if quirks.enable_thinking_flag {
            self.enable_thinking(effort, budget);
        } else if quirks.reasoning_object {
            self.reasoning_object(effort, budget);
        } else {
            if let Some(e) = effort {
                self.set("reasoning_effort", e.as_str());
            }
            if let Some(b) = budget {
                let why = format!(
                    "{} takes a reasoning level (reasoning_effort), not a token budget",
                    self.provider()
                );
                self.report.dropped("thinking_budget", b, why);
            }
        }
    }

    /// Qwen / DashScope: thinking is switched on, and its depth is a token budget.
    fn enable_thinking(
        &mut self,
        effort: Option<crate::request::ReasoningEffort>,
        budget: Option<u32>,
    ) {
        self.set("enable_thinking", true);
        let provider = self.provider().to_string();
        if effort.is_some() {
            self.report.renamed(
                "reasoning_effort",
                "enable_thinking",
                format!(
                    "{provider} switches reasoning on with enable_thinking rather than a level"
                ),
            );
        }
        let budget = match (budget, effort) {
            (Some(b), _) => Some(b),
            (None, Some(e)) => {
                let b = e.default_budget();
                self.report.push(
                    "thinking_budget",
                    MappingAction::Defaulted,
                    Some(e.as_str().into()),
                    Some(b.into()),
                    format!(
                        "{provider} limits reasoning by tokens; effort {} means about {b} tokens",
                        e.as_str()
                    ),
                );
                Some(b)
            }
            (None, None) => None,
        };
        if let Some(b) = budget {
            self.set("thinking_budget", b);
        }
    }

    /// OpenRouter: `reasoning: {effort}` or `reasoning: {max_tokens}`, one or the other.
    fn reasoning_object(
        &mut self,
        effort: Option<crate::request::ReasoningEffort>,
        budget: Option<u32>,
    ) {
        let provider = self.provider().to_string();
        let object = match (effort, budget) {
            (Some(e), b) => {
                if let Some(b) = b {
                    let why = format!("{provider} takes either a reasoning effort or a budget; the effort was sent");
                    self.report.dropped("thinking_budget", b, why);
                }
                self.report.moved(
                    "reasoning_effort",
                    "reasoning.effort",
                    format!("{provider} takes reasoning settings as an object"),
                );
                json!({ "effort": e.as_str() })
            }
            (None, Some(b)) => {
                self.report.moved(
                    "thinking_budget",
                    "reasoning.max_tokens",
                    format!("{provider} takes reasoning settings as an object"),
                );
                json!({ "max_tokens": b })
            }
            (None, None) => return,
        };
        self.set("reasoning", object);
    }

    fn tools(&mut self) {
        let tools = &self.req.tools;
        let choice = self.req.tool_choice.as_ref();
        if tools.is_empty() {
            if let Some(c) = choice {
                self.report.dropped(
                    "tool_choice",
                    tool_choice_label(c),
                    "no tools were given, so there is nothing to choose",
                );
            }
            return;
        }
        if !self.caps.tools {
            let why = format!("{} cannot call tools", self.model());
            let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
            self.report.dropped("tools", names, why.clone());
            if let Some(c) = choice {
                self.report
                    .dropped("tool_choice", tool_choice_label(c), why);
            }
            return;
        }
        let wire: Vec<Value> = tools.iter().map(tool_json).collect();
        self.set("tools", wire);
        if let Some(c) = choice {
            self.set("tool_choice", tool_choice_json(c));
        }
    }

    fn response_format(&mut self) {
        let Some(f) = &self.req.response_format else {
            return;
        };
        self.set(
            "response_format",
            json!({
                "type": "json_schema",
                "json_schema": { "name": f.name, "schema": f.schema, "strict": f.strict },
            }),
        );
    }

    /// OpenRouter's `provider` object; anyone else serves the model itself.
    fn routing(&mut self) {
        if !self.endpoint.quirks.provider_routing {
            routing_unsupported(&mut self.report, self.req, &self.endpoint.name);
            return;
        }
        if let Some(r) = self.req.routing.as_ref().filter(|r| !r.is_empty()) {
            let wire = serde_json::to_value(r).unwrap_or(Value::Null);
            self.set("provider", wire.clone());
            self.report.push(
                "routing",
                MappingAction::Renamed,
                Some(wire),
                Some("provider".into()),
                "OpenRouter takes routing preferences as the `provider` object",
            );
        }
    }
}

/// Non-secret headers for an OpenAI-style request. A preset's credential-like header is dropped
/// (and reported): keys come from the keychain through the runner, never from a preset file.
pub(crate) fn preset_headers(
    endpoint: &Endpoint,
    report: &mut MappingReport,
) -> Vec<(String, String)> {
    let mut headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("accept".to_string(), "text/event-stream".to_string()),
    ];
    for (name, value) in &endpoint.extra_headers {
        if AUTH_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            // The value is never copied into the report: it may be a secret.
            report.dropped(
                "extra_headers",
                name.as_str(),
                "credentials are never sent from a preset; store the key with `juxta keys set`",
            );
            continue;
        }
        headers.push((name.clone(), value.clone()));
    }
    headers
}

fn is_mistral(endpoint: &Endpoint) -> bool {
    endpoint.id == "mistral" || endpoint.base_url.contains("api.mistral.ai")
}

fn assistant_message(content: &str, tool_calls: &[crate::request::ToolCallRequest]) -> Value {
    if tool_calls.is_empty() {
        return json!({ "role": "assistant", "content": content });
    }
    let calls: Vec<Value> = tool_calls
        .iter()
        .map(|c| {
            // Arguments travel as JSON text. A call whose arguments were not JSON was kept as
            // that raw text (a JSON string): send the text back as it came.
            let arguments = match &c.arguments {
                Value::String(raw) => raw.clone(),
                v => v.to_string(),
            };
            json!({ "id": c.id, "type": "function", "function": { "name": c.name, "arguments": arguments } })
        })
        .collect();
    let content = if content.is_empty() {
        Value::Null
    } else {
        content.into()
    };
    json!({ "role": "assistant", "content": content, "tool_calls": calls })
}

/// OpenAI's function shape (Ollama's native API takes it too).
pub(crate) fn tool_json(t: &ToolSpec) -> Value {
    let mut function = Map::new();
    function.insert("name".into(), t.name.clone().into());
    if !t.description.is_empty() {
        function.insert("description".into(), t.description.clone().into());
    }
    function.insert("parameters".into(), t.parameters.clone());
    json!({ "type": "function", "function": function })
}

fn tool_choice_json(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Auto => "auto".into(),
        ToolChoice::None => "none".into(),
        ToolChoice::Required => "required".into(),
        ToolChoice::Tool(name) => json!({ "type": "function", "function": { "name": name } }),
    }
}

/// How a tool choice reads in the mapping report.
pub(crate) fn tool_choice_label(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Tool(name) => name.clone().into(),
        other => tool_choice_json(other),
    }
}
