//! Provider presets: where a provider lives, how it authenticates, and what it does differently.
//! The bundled list is `presets.toml`; custom OpenAI-compatible providers are the same struct.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::protocol::Protocol;

/// How the key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthStyle {
    /// `Authorization: Bearer KEY`
    Bearer,
    /// `x-api-key: KEY` (Anthropic)
    XApiKey,
    /// `x-goog-api-key: KEY` (Gemini; never `?key=`, which ends up in logs)
    XGoogApiKey,
    /// Local servers that take no key.
    None,
}

impl AuthStyle {
    pub fn header_name(self) -> Option<&'static str> {
        match self {
            AuthStyle::Bearer => Some("authorization"),
            AuthStyle::XApiKey => Some("x-api-key"),
            AuthStyle::XGoogApiKey => Some("x-goog-api-key"),
            AuthStyle::None => None,
        }
    }
}

/// What an OpenAI-compatible server does differently from OpenAI itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Quirks {
    /// The wire name for the output-token limit on non-reasoning models
    /// (OpenAI: `max_completion_tokens`; most compatible servers: `max_tokens`).
    pub max_tokens_field: String,
    /// Send `stream_options: {include_usage: true}` (some servers reject it, some send usage anyway).
    pub stream_usage: bool,
    /// Reasoning is switched on with `enable_thinking: true` (Qwen / DashScope).
    pub enable_thinking_flag: bool,
    /// Reasoning effort is sent as `reasoning: {effort}` (OpenRouter) rather than `reasoning_effort`.
    pub reasoning_object: bool,
    /// Takes OpenRouter's `provider` routing object.
    pub provider_routing: bool,
    /// Whether the server takes `seed`.
    pub seed: bool,
    /// The models endpoint, relative to the base URL.
    pub models_path: String,
    /// Free-text notes shown in the providers list (what to expect from this provider).
    pub notes: Vec<String>,
}

impl Default for Quirks {
    fn default() -> Self {
        Quirks {
            max_tokens_field: "max_completion_tokens".into(),
            stream_usage: true,
            enable_thinking_flag: false,
            reasoning_object: false,
            provider_routing: false,
            seed: true,
            models_path: "/models".into(),
            notes: Vec::new(),
        }
    }
}

/// A provider as bundled or defined by the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    /// Taken the way the provider's official SDK takes it: OpenAI-style URLs include `/v1`.
    pub base_url: String,
    pub auth: AuthStyle,
    /// The environment variable its key is usually kept in (for `keys import-env`).
    #[serde(default)]
    pub key_env: Option<String>,
    /// Headers sent with every request (never secrets: keys come from the keychain).
    #[serde(default)]
    pub extra_headers: BTreeMap<String, String>,
    #[serde(default)]
    pub quirks: Quirks,
    /// A server on this machine that may need no key and generates one answer at a time.
    #[serde(default)]
    pub local: bool,
    /// At most this many panes in flight at once on this provider; the others queue (visibly)
    /// rather than fail. Local servers that generate one answer at a time set 1. None: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<u32>,
}

/// A preset ready to send to. (The same struct: a name that reads better at call sites.)
pub type Endpoint = Preset;

impl Preset {
    /// A custom OpenAI-compatible provider (or any protocol, for the CLI's `--provider`).
    pub fn custom(id: &str, protocol: Protocol, base_url: &str) -> Preset {
        let auth = match protocol {
            Protocol::Anthropic => AuthStyle::XApiKey,
            Protocol::Gemini => AuthStyle::XGoogApiKey,
            // Ollama itself takes no key, but a remote one sits behind a proxy (or is Ollama's
            // cloud) that wants a bearer token; a loopback one is `local` and needs no key.
            Protocol::OpenAiChat | Protocol::OpenAiResponses | Protocol::Ollama => AuthStyle::Bearer,
        };
        let quirks = Quirks { max_tokens_field: "max_tokens".into(), ..Quirks::default() };
        Preset {
            id: id.to_string(),
            name: id.to_string(),
            protocol,
            base_url: base_url.trim_end_matches('/').to_string(),
            auth,
            key_env: None,
            extra_headers: BTreeMap::new(),
            quirks,
            // A server on this machine (a local model, juxta-mock) usually takes no key.
            local: is_loopback(base_url),
            max_concurrent: None,
        }
    }

    /// `base_url` + `path`, without doubled slashes.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base_url.trim_end_matches('/'), path.trim_start_matches('/'))
    }

    pub fn needs_key(&self) -> bool {
        self.auth != AuthStyle::None && !self.local
    }
}

/// Whether a base URL points at this machine.
pub fn is_loopback(base_url: &str) -> bool {
    match url::Url::parse(base_url).ok().and_then(|u| u.host().map(|h| h.to_owned())) {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[derive(Debug, Deserialize)]
struct PresetFile {
    provider: Vec<Preset>,
}

/// The presets known to this build, plus any the user defined.
#[derive(Debug, Clone)]
pub struct Presets {
    list: Vec<Preset>,
}

impl Presets {
    /// The bundled presets (`presets.toml`).
    pub fn bundled() -> Presets {
        Presets::from_toml(include_str!("presets.toml")).expect("bundled presets.toml is valid")
    }

    /// Providers in the `presets.toml` format (`[[provider]]` tables).
    pub fn from_toml(text: &str) -> Result<Presets, String> {
        let file: PresetFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(Presets { list: file.provider })
    }

    /// Add or replace a provider (custom ones, or a user's edit of a preset).
    pub fn upsert(&mut self, preset: Preset) {
        match self.list.iter_mut().find(|p| p.id == preset.id) {
            Some(p) => *p = preset,
            None => self.list.push(preset),
        }
    }

    /// Remove a provider; true when it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|p| p.id != id);
        self.list.len() != before
    }

    pub fn get(&self, id: &str) -> Option<&Preset> {
        self.list.iter().find(|p| p.id == id)
    }

    pub fn all(&self) -> &[Preset] {
        &self.list
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|p| p.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_the_issue_names_is_bundled() {
        let p = Presets::bundled();
        for id in [
            "openai", "anthropic", "gemini", "deepseek", "mistral", "qwen", "openrouter", "groq", "xai", "together",
            "tokenmix", "ollama", "lmstudio", "vllm", "litellm",
        ] {
            let preset = p.get(id).unwrap_or_else(|| panic!("missing preset {id}"));
            assert!(preset.base_url.starts_with("http"), "{id}");
            if preset.protocol == Protocol::OpenAiChat && !preset.base_url.contains("deepseek") {
                assert!(preset.base_url.contains("/v1") || preset.base_url.contains("/compatible-mode/v1"), "{id} base URL takes /v1 like the SDK");
            }
            if !preset.local {
                assert!(preset.key_env.is_some(), "{id} names its key's environment variable");
            }
        }
    }

    #[test]
    fn ollama_native_is_the_api_root_without_v1() {
        let p = Presets::bundled();
        let native = p.get("ollama-native").expect("bundled");
        assert_eq!((native.protocol, native.base_url.as_str()), (Protocol::Ollama, "http://localhost:11434"));
        assert!(native.local && !native.needs_key());
        assert_eq!(native.url("/api/chat"), "http://localhost:11434/api/chat");
        // a remote Ollama (behind a proxy, or Ollama's cloud) takes a bearer token
        let remote = Preset::custom("r", Protocol::Ollama, "https://ollama.example.com");
        assert_eq!(remote.auth, AuthStyle::Bearer);
        assert!(remote.needs_key());
        assert!(!Preset::custom("l", Protocol::Ollama, "http://127.0.0.1:11434").needs_key());
    }

    #[test]
    fn custom_providers_on_this_machine_need_no_key() {
        assert!(!Preset::custom("m", Protocol::OpenAiChat, "http://127.0.0.1:7878/v1").needs_key());
        assert!(!Preset::custom("m", Protocol::Anthropic, "http://localhost:4000").needs_key());
        assert!(Preset::custom("m", Protocol::OpenAiChat, "https://llm.example.com/v1").needs_key());
    }

    #[test]
    fn url_joins_without_double_slashes() {
        let p = Preset::custom("x", Protocol::OpenAiChat, "http://127.0.0.1:1/v1/");
        assert_eq!(p.url("/chat/completions"), "http://127.0.0.1:1/v1/chat/completions");
    }
}
