//! Model capabilities: which parameters a model takes and how. A data table (`models.toml`)
//! keyed by model-id glob patterns; every matching entry applies in order, so later, more
//! specific entries refine earlier ones, and a user's own table (applied last) wins.

use super::pattern::{normalise, ModelPattern};
use serde::{Deserialize, Serialize};

use crate::protocol::Protocol;

/// How a model takes its system prompt (OpenAI-style protocols only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemRole {
    System,
    /// OpenAI reasoning models prefer the `developer` role.
    Developer,
    /// Rejects any system message (o1-mini): merged into the first user message.
    Unsupported,
}

/// How a model is asked to think.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThinkingStyle {
    /// No reasoning control.
    None,
    /// A level: `reasoning_effort` (OpenAI), `thinkingLevel` (Gemini 3).
    Effort,
    /// A token budget: `thinking.budget_tokens` (Anthropic), `thinkingBudget` (Gemini 2.5).
    /// On Ollama, which takes no budget, a model that thinks on request (`think: true`).
    Budget,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCaps {
    /// A reasoning model (OpenAI o-series and GPT-5): no temperature/top_p, `max_completion_tokens`.
    pub reasoning: bool,
    pub temperature: bool,
    pub temperature_max: f64,
    pub top_p: bool,
    /// Rejects `temperature` and `top_p` in the same request (Claude 4.5-era models).
    pub sampling_exclusive: bool,
    pub system_role: SystemRole,
    pub thinking: ThinkingStyle,
    /// The output limit sent when the protocol requires one and the user gave none.
    pub default_max_output_tokens: u32,
    /// The model's own ceiling, when known; larger requests are clamped.
    pub max_output_tokens: Option<u32>,
    pub tools: bool,
    /// Takes a JSON Schema for the answer natively (Anthropic `output_config.format`); without
    /// it Anthropic's structured output is emulated with a forced tool call.
    pub structured_outputs: bool,
}

impl ModelCaps {
    /// What a protocol's models take unless the table says otherwise.
    pub fn protocol_default(protocol: Protocol) -> ModelCaps {
        let base = ModelCaps {
            reasoning: false,
            temperature: true,
            temperature_max: 2.0,
            top_p: true,
            sampling_exclusive: false,
            system_role: SystemRole::System,
            thinking: ThinkingStyle::Effort,
            default_max_output_tokens: 4096,
            max_output_tokens: None,
            tools: true,
            structured_outputs: false,
        };
        match protocol {
            Protocol::OpenAiChat | Protocol::OpenAiResponses => base,
            Protocol::Anthropic => ModelCaps { temperature_max: 1.0, thinking: ThinkingStyle::Budget, ..base },
            Protocol::Gemini => ModelCaps { thinking: ThinkingStyle::Budget, ..base },
            // Most local models do not think, and Ollama rejects `think` for those: the table
            // names the ones that do.
            Protocol::Ollama => ModelCaps { thinking: ThinkingStyle::None, ..base },
        }
    }
}

/// One row of the table: the fields it sets, for the models it matches.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CapsPatch {
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    /// Limit the row to one protocol (e.g. Anthropic rules that do not apply to OpenRouter).
    pub protocol: Option<Protocol>,
    pub reasoning: Option<bool>,
    pub temperature: Option<bool>,
    pub temperature_max: Option<f64>,
    pub top_p: Option<bool>,
    pub sampling_exclusive: Option<bool>,
    pub system_role: Option<SystemRole>,
    pub thinking: Option<ThinkingStyle>,
    pub default_max_output_tokens: Option<u32>,
    pub max_output_tokens: Option<u32>,
    pub tools: Option<bool>,
    pub structured_outputs: Option<bool>,
}

impl CapsPatch {
    fn apply(&self, c: &mut ModelCaps) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { c.$f = v; } )* };
        }
        set!(reasoning, temperature, temperature_max, top_p, sampling_exclusive, system_role, thinking, default_max_output_tokens, tools, structured_outputs);
        if self.max_output_tokens.is_some() {
            c.max_output_tokens = self.max_output_tokens;
        }
    }
}

#[derive(Debug, Deserialize)]
struct CapsFile {
    #[serde(default)]
    model: Vec<CapsPatch>,
}

#[derive(Debug, thiserror::Error)]
pub enum CapsError {
    #[error("the model capability table is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
}

#[derive(Debug, Clone)]
pub struct CapsTable {
    rows: Vec<(Vec<ModelPattern>, CapsPatch)>,
}

impl CapsTable {
    pub fn bundled() -> CapsTable {
        let mut t = CapsTable { rows: Vec::new() };
        t.extend_from_toml(include_str!("models.toml")).expect("bundled models.toml is valid");
        t
    }

    /// Append rows (a user's overrides): they apply after, and so win over, the bundled rows.
    pub fn extend_from_toml(&mut self, text: &str) -> Result<(), CapsError> {
        let file: CapsFile = toml::from_str(text)?;
        for row in file.model {
            let patterns = row.patterns.iter().map(|p| ModelPattern::new(p)).collect();
            self.rows.push((patterns, row));
        }
        Ok(())
    }

    /// The capabilities of `model` spoken to over `protocol`.
    pub fn lookup(&self, protocol: Protocol, model: &str) -> ModelCaps {
        let id = normalise(model);
        let mut caps = ModelCaps::protocol_default(protocol);
        for (matchers, row) in &self.rows {
            if row.protocol.is_some_and(|p| caps_family(p) != caps_family(protocol)) {
                continue;
            }
            if matchers.iter().any(|m| m.matches(&id)) {
                row.apply(&mut caps);
            }
        }
        caps
    }
}

/// OpenAI's two APIs serve the same models: a row for one describes the model on the other too.
fn caps_family(protocol: Protocol) -> Protocol {
    match protocol {
        Protocol::OpenAiResponses => Protocol::OpenAiChat,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        let t = CapsTable::bundled();
        let o3 = t.lookup(Protocol::OpenAiChat, "o3-mini");
        assert!(o3.reasoning && !o3.temperature);
        assert_eq!(o3.system_role, SystemRole::Developer);
        assert_eq!(t.lookup(Protocol::OpenAiChat, "o1-mini").system_role, SystemRole::Unsupported);
        assert!(t.lookup(Protocol::OpenAiChat, "gpt-5-mini").reasoning);
        assert!(!t.lookup(Protocol::OpenAiChat, "gpt-4o-mini").reasoning);
        // the same model through OpenRouter keeps its family's rules
        assert!(t.lookup(Protocol::OpenAiChat, "openai/o4-mini").reasoning);
        let sonnet = t.lookup(Protocol::Anthropic, "claude-sonnet-4-5-20250929");
        assert!(sonnet.sampling_exclusive);
        assert!(sonnet.structured_outputs);
        assert!(!t.lookup(Protocol::Anthropic, "claude-3-5-haiku-latest").structured_outputs);
        assert!(!t.lookup(Protocol::Anthropic, "claude-3-5-haiku-latest").sampling_exclusive);
        assert_eq!(t.lookup(Protocol::Gemini, "gemini-3-pro-preview").thinking, ThinkingStyle::Effort);
        assert_eq!(t.lookup(Protocol::Gemini, "gemini-2.5-flash").thinking, ThinkingStyle::Budget);
    }

    #[test]
    fn ollama_models() {
        let t = CapsTable::bundled();
        let llama = t.lookup(Protocol::Ollama, "llama3.2:3b");
        assert!(llama.tools && llama.temperature && llama.top_p && !llama.reasoning);
        assert_eq!(llama.thinking, ThinkingStyle::None, "Ollama rejects think for models that do not think");
        // deepseek-r1's hosted rules (no temperature) do not apply to a local build
        let r1 = t.lookup(Protocol::Ollama, "deepseek-r1:8b");
        assert!(r1.temperature && r1.top_p);
        assert_eq!(r1.thinking, ThinkingStyle::Budget);
        assert!(!t.lookup(Protocol::OpenAiChat, "deepseek-r1").temperature);
        assert_eq!(t.lookup(Protocol::Ollama, "qwen3:8b").thinking, ThinkingStyle::Budget);
        assert_eq!(t.lookup(Protocol::Ollama, "qwen3-coder:30b").thinking, ThinkingStyle::None);
        assert_eq!(t.lookup(Protocol::Ollama, "gpt-oss:20b").thinking, ThinkingStyle::Effort);
    }

    #[test]
    fn the_responses_api_shares_openai_rows() {
        let mut t = CapsTable::bundled();
        for model in ["o3-mini", "gpt-5-mini", "gpt-4o", "o1-mini", "gpt-5-chat-latest"] {
            assert_eq!(
                t.lookup(Protocol::OpenAiResponses, model),
                t.lookup(Protocol::OpenAiChat, model),
                "{model}"
            );
        }
        // a row limited to the OpenAI protocol applies to the Responses API, not to Anthropic
        t.extend_from_toml("[[model]]\nmatch = [\"*\"]\nprotocol = \"openai\"\ntools = false\n").unwrap();
        assert!(!t.lookup(Protocol::OpenAiResponses, "gpt-4o").tools);
        assert!(t.lookup(Protocol::Anthropic, "claude-sonnet-4-5").tools);
        t.extend_from_toml("[[model]]\nmatch = [\"*\"]\nprotocol = \"openai-responses\"\ntop_p = false\n").unwrap();
        // ... and the other way round: one family, whichever API a row names
        assert!(!t.lookup(Protocol::OpenAiChat, "gpt-4o").top_p);
        assert!(t.lookup(Protocol::Gemini, "gemini-2.5-flash").top_p);
    }

    #[test]
    fn user_rows_win() {
        let mut t = CapsTable::bundled();
        t.extend_from_toml("[[model]]\nmatch = [\"gpt-4o*\"]\ntemperature = false\n").unwrap();
        assert!(!t.lookup(Protocol::OpenAiChat, "gpt-4o").temperature);
        let err = t.extend_from_toml("[[model]]\nmatch = \"gpt-4o\"\n").unwrap_err();
        assert!(err.to_string().contains("not valid TOML"), "{err}");
    }
}
