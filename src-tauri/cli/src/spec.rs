//! Turning command-line words into panes: `PROVIDER:MODEL`, `KEY=VALUE`, `N:KEY=VALUE`,
//! `N:PROVIDER:MODEL` and `NAME=PROTOCOL,BASE_URL`. Pure functions; every error says what to type.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use juxta_engine::catalog::{Catalog, Preset, Presets};
use juxta_engine::request::{
    ChatRequest, DataCollection, Params, ResponseFormat, Routing, ToolChoice, ToolSpec,
};
use juxta_engine::run::{PaneSpec, RetryPolicy, Target, Timeouts};
use juxta_engine::validate::check_schema;
use juxta_engine::Protocol;
use serde_json::Value;

use crate::args::CompareArgs;
use crate::CliError;

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

/// Where the user's `providers.toml`, `models.toml` and `prices.toml` live:
/// `$JUXTA_CONFIG_DIR`, else `$XDG_CONFIG_HOME/juxta`, else `~/.config/juxta`.
pub fn config_dir() -> Option<PathBuf> {
    juxta_engine::catalog::user_config_dir()
}

/// The bundled catalog, the user's files over it, then the `--provider` definitions.
pub fn full_catalog(defs: &[String]) -> Result<Catalog, CliError> {
    let mut catalog = match config_dir() {
        Some(dir) => {
            Catalog::load(&dir).map_err(|e| CliError::Usage(format!("bad config file {e}")))?
        }
        None => Catalog::bundled(),
    };
    for def in defs {
        catalog.presets.upsert(provider_def(def)?);
    }
    Ok(catalog)
}

/// The providers only.
pub fn catalog(defs: &[String]) -> Result<Presets, CliError> {
    Ok(full_catalog(defs)?.presets)
}

/// `NAME=PROTOCOL,BASE_URL`.
pub fn provider_def(def: &str) -> Result<Preset, CliError> {
    let hint = "write --provider NAME=PROTOCOL,BASE_URL, e.g. --provider local=openai,http://127.0.0.1:8080/v1";
    let (name, rest) = def
        .split_once('=')
        .ok_or_else(|| usage(format!("bad --provider {def:?}: {hint}")))?;
    let (protocol, base_url) = rest
        .split_once(',')
        .ok_or_else(|| usage(format!("bad --provider {def:?}: {hint}")))?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(usage(format!(
            "bad provider name {name:?}: use letters, digits, - and _"
        )));
    }
    let protocol: Protocol = protocol
        .trim()
        .parse()
        .map_err(|e: String| usage(format!("bad --provider {def:?}: {e}")))?;
    let base_url = base_url.trim();
    match url_scheme(base_url) {
        Some("http") | Some("https") => {}
        _ => {
            return Err(usage(format!(
                "bad base URL {base_url:?} in --provider: it must start with http:// or https://"
            )))
        }
    }
    Ok(Preset::custom(name, protocol, base_url))
}

fn url_scheme(url: &str) -> Option<&str> {
    url.split_once("://").map(|(s, _)| s)
}

/// `PROVIDER:MODEL` (the model may itself contain `:`, as Ollama tags do).
pub fn target(spec: &str, presets: &Presets) -> Result<Target, CliError> {
    let (provider, model) = spec
        .split_once(':')
        .filter(|(p, m)| !p.is_empty() && !m.is_empty())
        .ok_or_else(|| {
            usage(format!(
                "bad model {spec:?}: write PROVIDER:MODEL, e.g. openai:gpt-4o-mini"
            ))
        })?;
    let endpoint = presets.get(provider).cloned().ok_or_else(|| {
        let known: Vec<&str> = presets.ids().collect();
        usage(format!(
            "unknown provider {provider:?}: use one of {} or define it with --provider {provider}=openai,BASE_URL",
            known.join(", ")
        ))
    })?;
    Ok(Target {
        endpoint,
        model: model.to_string(),
    })
}

/// What a pane is asked with besides the prompt: parameters, system prompt, routing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub params: Params,
    pub system: Option<String>,
    pub routing: Routing,
    /// Ask the provider over another of its APIs (`api=responses`: OpenAI's Responses API).
    pub api: Option<Protocol>,
}

impl Settings {
    /// The routing to send: none when nothing was set.
    pub fn routing(&self) -> Option<Routing> {
        (!self.routing.is_empty()).then(|| self.routing.clone())
    }
}

const SETTING_KEYS: &str = "temperature, top_p, max_tokens, stop, seed, reasoning_effort, thinking_budget, system, \
     route.order, route.allow_fallbacks, route.require_parameters, route.data_collection, route.zdr, \
     route.quantizations, route.sort or api";

/// Apply one `KEY=VALUE` to a pane's settings.
pub fn apply_setting(settings: &mut Settings, setting: &str) -> Result<(), CliError> {
    let (key, value) = setting.split_once('=').ok_or_else(|| {
        usage(format!(
            "bad setting {setting:?}: write KEY=VALUE, e.g. temperature=0.2"
        ))
    })?;
    let (key, value) = (key.trim(), value.trim());
    let bad = |what: &str| usage(format!("bad value {value:?} for {key}: {what}"));
    let params = &mut settings.params;
    let routing = &mut settings.routing;
    let flag = || match value {
        "true" | "yes" | "on" => Ok(true),
        "false" | "no" | "off" => Ok(false),
        _ => Err(bad("true or false")),
    };
    let list = || {
        let items: Vec<String> = value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if items.is_empty() {
            Err(bad("a comma-separated list, e.g. a,b"))
        } else {
            Ok(items)
        }
    };
    match key {
        "temperature" => {
            let t: f64 = value.parse().map_err(|_| bad("a number like 0.7"))?;
            if !t.is_finite() || t < 0.0 {
                return Err(bad("a number of at least 0"));
            }
            params.temperature = Some(t);
        }
        "top_p" => {
            let p: f64 = value.parse().map_err(|_| bad("a number between 0 and 1"))?;
            if !(0.0..=1.0).contains(&p) {
                return Err(bad("a number between 0 and 1"));
            }
            params.top_p = Some(p);
        }
        "max_tokens" | "max_output_tokens" => {
            let n: u32 = value.parse().map_err(|_| bad("a whole number of tokens"))?;
            if n == 0 {
                return Err(bad("at least 1"));
            }
            params.max_output_tokens = Some(n);
        }
        "stop" => {
            if value.is_empty() {
                return Err(bad("a non-empty stop sequence (repeat stop=... for more)"));
            }
            params.stop.push(value.to_string());
        }
        "seed" => params.seed = Some(value.parse().map_err(|_| bad("a whole number"))?),
        "reasoning_effort" | "effort" => {
            params.reasoning_effort = Some(value.parse().map_err(|e: String| usage(e))?)
        }
        "thinking_budget" => {
            params.thinking_budget =
                Some(value.parse().map_err(|_| bad("a whole number of tokens"))?)
        }
        "system" => settings.system = Some(value.to_string()),
        "api" => {
            settings.api = Some(match value {
                "responses" => Protocol::OpenAiResponses,
                "chat" => Protocol::OpenAiChat,
                _ => return Err(bad("responses (OpenAI's Responses API) or chat (Chat Completions)")),
            })
        }
        "route.order" => routing.order = list()?,
        "route.allow_fallbacks" => routing.allow_fallbacks = Some(flag()?),
        "route.require_parameters" => routing.require_parameters = Some(flag()?),
        "route.zdr" => routing.zdr = Some(flag()?),
        "route.data_collection" => {
            routing.data_collection = Some(match value {
                "allow" => DataCollection::Allow,
                "deny" => DataCollection::Deny,
                _ => return Err(bad("allow or deny")),
            })
        }
        "route.quantizations" => routing.quantizations = list()?,
        "route.sort" => match value {
            "price" | "throughput" | "latency" => routing.sort = Some(value.to_string()),
            _ => return Err(bad("price, throughput or latency")),
        },
        _ => {
            return Err(usage(format!(
                "unknown setting {key:?}: use {SETTING_KEYS}"
            )))
        }
    }
    Ok(())
}

/// A JSON file given on the command line.
fn read_json(flag: &str, path: &Path) -> Result<Value, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("could not read {flag} {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| usage(format!("{flag} {} is not JSON: {e}", path.display())))
}

/// The tools of a `--tools` file: an array of `{name, description?, parameters}` or OpenAI's
/// `{type: "function", function: {...}}`. Every parameter schema must be a usable JSON Schema.
pub fn parse_tools(doc: &Value) -> Result<Vec<ToolSpec>, String> {
    let list = doc.as_array().ok_or("it must be a JSON array of tools")?;
    let mut tools: Vec<ToolSpec> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let n = i + 1;
        let obj = match item.get("function") {
            Some(f)
                if item
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("function")
                    == "function" =>
            {
                f
            }
            Some(_) => {
                return Err(format!(
                    "tool {n}: only \"type\": \"function\" tools are supported"
                ))
            }
            None => item,
        };
        let obj = obj
            .as_object()
            .ok_or(format!("tool {n} is not an object"))?;
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default();
        if name.is_empty() {
            return Err(format!("tool {n} has no \"name\""));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || name.len() > 64
        {
            return Err(format!(
                "tool {name:?}: a name is at most 64 letters, digits, _ and -"
            ));
        }
        if tools.iter().any(|t| t.name == name) {
            return Err(format!("tool {name:?} is defined twice"));
        }
        let description = match obj.get("description") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(d)) => d.clone(),
            Some(_) => return Err(format!("tool {name:?}: \"description\" must be a string")),
        };
        // A tool without arguments may leave `parameters` out, as OpenAI allows.
        let parameters = obj
            .get("parameters")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}}));
        check_schema(&parameters)
            .map_err(|e| format!("tool {name:?}: its \"parameters\" are {e}"))?;
        tools.push(ToolSpec {
            name: name.to_string(),
            description,
            parameters,
        });
    }
    if tools.is_empty() {
        return Err("it holds no tools".into());
    }
    Ok(tools)
}

/// `auto`, `none`, `required` or the name of one of `tools`.
pub fn tool_choice(value: &str, tools: &[ToolSpec]) -> Result<ToolChoice, CliError> {
    if tools.is_empty() {
        return Err(usage(
            "--tool-choice needs tools: give them with --tools FILE.json",
        ));
    }
    Ok(match value.trim() {
        "auto" => ToolChoice::Auto,
        "none" => ToolChoice::None,
        "required" | "any" => ToolChoice::Required,
        name if tools.iter().any(|t| t.name == name) => ToolChoice::Tool(name.to_string()),
        name => {
            let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
            return Err(usage(format!(
                "bad --tool-choice {name:?}: use auto, none, required or one of the tools ({})",
                names.join(", ")
            )));
        }
    })
}

/// The response format of a `--schema` file: a JSON Schema (named after its `title`, else
/// `answer`), or `{name, schema, strict?}`.
pub fn parse_schema(doc: &Value) -> Result<ResponseFormat, String> {
    let wrapped = doc
        .get("schema")
        .filter(|s| s.is_object() || s.is_boolean());
    let (name, schema, strict) = match wrapped {
        Some(schema) => {
            let name = match doc.get("name") {
                None => None,
                Some(Value::String(n)) => Some(n.clone()),
                Some(_) => return Err("\"name\" must be a string".into()),
            };
            let strict = match doc.get("strict") {
                None => true,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err("\"strict\" must be true or false".into()),
            };
            (name, schema.clone(), strict)
        }
        None => (None, doc.clone(), true),
    };
    check_schema(&schema)?;
    let name = name
        .or_else(|| {
            schema
                .get("title")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .unwrap_or_default();
    // Providers take names of letters, digits, _ and - (OpenAI: at most 64).
    let mut name: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if name.trim_matches('_').is_empty() {
        name = "answer".into();
    }
    Ok(ResponseFormat {
        name,
        schema,
        strict,
    })
}

/// `--tool-result NAME=JSON` / `NAME=@FILE`: the text sent back for every call of NAME (a JSON
/// string is sent as its text, anything else as written).
pub fn tool_results(
    list: &[String],
    tools: &[ToolSpec],
) -> Result<BTreeMap<String, String>, CliError> {
    let mut out = BTreeMap::new();
    for item in list {
        let (name, value) = item.split_once('=').ok_or_else(|| {
            usage(format!(
                "bad --tool-result {item:?}: write NAME=JSON or NAME=@FILE"
            ))
        })?;
        let name = name.trim();
        if tools.is_empty() {
            return Err(usage(
                "--tool-result needs tools: give them with --tools FILE.json",
            ));
        }
        if !tools.iter().any(|t| t.name == name) {
            let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
            return Err(usage(format!(
                "bad --tool-result {item:?}: {name:?} is not one of the tools ({})",
                names.join(", ")
            )));
        }
        let text = match value.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| usage(format!("could not read --tool-result {name}=@{path}: {e}")))?,
            None => value.to_string(),
        };
        let text = text.trim();
        let parsed: Value = serde_json::from_str(text).map_err(|e| {
            usage(format!(
                "bad --tool-result for {name}: not JSON ({e}); write text as a JSON string, e.g. {name}='\"sunny\"'"
            ))
        })?;
        let content = match parsed {
            Value::String(s) => s,
            _ => text.to_string(),
        };
        if out.insert(name.to_string(), content).is_some() {
            return Err(usage(format!("--tool-result {name} is given twice")));
        }
    }
    Ok(out)
}

/// `--max-concurrent PROVIDER=N` applied to the providers of this run (0: no limit).
pub fn with_limits(presets: &Presets, limits: &[String]) -> Result<Presets, CliError> {
    let mut presets = presets.clone();
    for item in limits {
        let hint = "write --max-concurrent PROVIDER=N, e.g. --max-concurrent ollama=1";
        let (id, n) = item
            .split_once('=')
            .ok_or_else(|| usage(format!("bad --max-concurrent {item:?}: {hint}")))?;
        let id = id.trim();
        let n: u32 = n.trim().parse().map_err(|_| {
            usage(format!(
                "bad --max-concurrent {item:?}: {n:?} is not a whole number"
            ))
        })?;
        let mut preset = presets.get(id).cloned().ok_or_else(|| {
            usage(format!(
                "bad --max-concurrent {item:?}: unknown provider {id:?} (see `juxta providers`)"
            ))
        })?;
        preset.max_concurrent = (n > 0).then_some(n);
        presets.upsert(preset);
    }
    Ok(presets)
}

/// What every pane is offered: tools, the tool choice and the response schema.
pub type Features = (Vec<ToolSpec>, Option<ToolChoice>, Option<ResponseFormat>);

/// Tools, tool choice and response format from `--tools`, `--tool-choice` and `--schema`.
pub fn features(args: &CompareArgs) -> Result<Features, CliError> {
    let tools = match &args.tools {
        Some(path) => parse_tools(&read_json("--tools", path)?)
            .map_err(|e| usage(format!("bad --tools {}: {e}", path.display())))?,
        None => Vec::new(),
    };
    let choice = args
        .tool_choice
        .as_deref()
        .map(|c| tool_choice(c, &tools))
        .transpose()?;
    let format = match &args.schema {
        Some(path) => Some(
            parse_schema(&read_json("--schema", path)?)
                .map_err(|e| usage(format!("bad --schema {}: {e}", path.display())))?,
        ),
        None => None,
    };
    Ok((tools, choice, format))
}

/// `N:REST` with N a 1-based pane number.
fn pane_prefixed<'a>(what: &str, s: &'a str, panes: usize) -> Result<(usize, &'a str), CliError> {
    let (n, rest) = s.split_once(':').ok_or_else(|| {
        usage(format!(
            "bad {what} {s:?}: it starts with a pane number, N:"
        ))
    })?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| usage(format!("bad {what} {s:?}: {n:?} is not a pane number")))?;
    if n == 0 || n > panes {
        return Err(usage(format!(
            "bad {what} {s:?}: there are {panes} panes, numbered from 1"
        )));
    }
    Ok((n - 1, rest))
}

/// The settings every pane shares (`--set`, `--system`).
pub fn shared(args: &CompareArgs) -> Result<Settings, CliError> {
    let mut shared = Settings {
        system: args.system.clone(),
        ..Settings::default()
    };
    for s in &args.set {
        apply_setting(&mut shared, s)?;
    }
    Ok(shared)
}

/// Everything `compare` runs: one spec per `-m`, in order.
pub fn panes(
    args: &CompareArgs,
    presets: &Presets,
    prompt: &str,
) -> Result<Vec<PaneSpec>, CliError> {
    if !(args.idle_timeout.is_finite() && args.idle_timeout > 0.0) {
        return Err(usage("--idle-timeout must be a positive number of seconds"));
    }
    if args.max_steps == 0 {
        return Err(usage("--max-steps must be at least 1"));
    }
    let presets = with_limits(presets, &args.max_concurrent)?;
    let presets = &presets;
    let shared = shared(args)?;
    let (tools, tool_choice, response_format) = features(args)?;
    tool_results(&args.tool_results, &tools)?;
    let policy = RetryPolicy {
        max_retries: args.retries,
        ..RetryPolicy::default()
    };
    let timeouts = Timeouts {
        idle: Duration::from_secs_f64(args.idle_timeout),
        ..Timeouts::default()
    };
    let mut specs = Vec::new();
    let mut settings = Vec::new();
    for m in &args.models {
        let target = target(m, presets)?;
        let request = ChatRequest::new(target.model.clone(), prompt);
        let mut spec = PaneSpec::new(target, request);
        spec.policy = policy.clone();
        spec.timeouts = timeouts.clone();
        specs.push(spec);
        settings.push(shared.clone());
    }
    for s in &args.pane_set {
        let (i, setting) = pane_prefixed("--pane-set", s, specs.len())?;
        let own = &mut settings[i];
        // A pane's stop sequences replace the shared ones rather than adding to them.
        if setting.trim_start().starts_with("stop=") && own.params.stop == shared.params.stop {
            own.params.stop.clear();
        }
        apply_setting(own, setting)?;
    }
    for (spec, own) in specs.iter_mut().zip(settings) {
        if let Some(api) = own.api {
            let endpoint = &mut spec.target.endpoint;
            if !endpoint.protocol.switchable_to(api) {
                return Err(usage(format!(
                    "{} speaks {}: it has no {} API (api=responses is for OpenAI-compatible providers)",
                    endpoint.id,
                    endpoint.protocol.as_str(),
                    api.as_str()
                )));
            }
            endpoint.protocol = api;
        }
        let req = &mut spec.request;
        req.routing = own.routing();
        req.params = own.params;
        req.system = own.system;
        req.tools = tools.clone();
        req.tool_choice = tool_choice.clone();
        req.response_format = response_format.clone();
    }
    for s in &args.fallback {
        let (i, rest) = pane_prefixed("--fallback", s, specs.len())?;
        let t = target(rest, presets)?;
        specs[i].fallbacks.push(t);
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn compare(argv: &[&str]) -> CompareArgs {
        let mut full = vec!["juxta", "compare"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full).unwrap().command {
            Command::Compare(a) => *a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn panes_get_shared_and_own_settings_in_order() {
        let a = compare(&[
            "-m",
            "openai:gpt-4o-mini",
            "-m",
            "anthropic:claude-haiku-4-5",
            "-m",
            "ollama:llama3.2:3b",
            "--system",
            "Be brief.",
            "--set",
            "temperature=0.3",
            "--set",
            "stop=END",
            "--pane-set",
            "2:temperature=0.9",
            "--pane-set",
            "3:system=Answer in French.",
            "--pane-set",
            "3:stop=FIN",
            "--fallback",
            "1:openrouter:openai/gpt-4o-mini",
            "--retries",
            "4",
            "hello",
        ]);
        let presets = catalog(&[]).unwrap();
        let p = panes(&a, &presets, "hello").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].target.endpoint.id, "openai");
        assert_eq!(p[2].target.model, "llama3.2:3b");
        assert_eq!(p[0].request.params.temperature, Some(0.3));
        assert_eq!(p[1].request.params.temperature, Some(0.9));
        assert_eq!(p[2].request.system.as_deref(), Some("Answer in French."));
        assert_eq!(p[1].request.system.as_deref(), Some("Be brief."));
        assert_eq!(p[2].request.params.stop, vec!["FIN"]);
        assert_eq!(p[0].request.params.stop, vec!["END"]);
        assert_eq!(p[0].fallbacks[0].endpoint.id, "openrouter");
        assert_eq!(p[0].fallbacks[0].model, "openai/gpt-4o-mini");
        assert_eq!(p[1].policy.max_retries, 4);
    }

    #[test]
    fn bad_input_says_what_to_type() {
        let presets = catalog(&[]).unwrap();
        let err = |argv: &[&str]| {
            panes(&compare(argv), &presets, "x")
                .unwrap_err()
                .to_string()
        };
        assert!(err(&["-m", "gpt-4o", "x"]).contains("PROVIDER:MODEL"));
        assert!(err(&["-m", "nope:model", "x"]).contains("--provider nope=openai"));
        assert!(err(&["-m", "openai:a", "--set", "temperature=hot", "x"]).contains("temperature"));
        assert!(err(&["-m", "openai:a", "--set", "colour=red", "x"]).contains("unknown setting"));
        assert!(
            err(&["-m", "openai:a", "--pane-set", "2:seed=1", "x"]).contains("there are 1 panes")
        );
        assert!(
            err(&["-m", "openai:a", "--set", "reasoning_effort=max", "x"]).contains("minimal, low")
        );
        assert!(err(&["-m", "openai:a", "--idle-timeout", "0", "x"]).contains("idle-timeout"));
    }

    #[test]
    fn provider_definitions() {
        let p = provider_def("local=openai,http://127.0.0.1:8080/v1").unwrap();
        assert_eq!(
            (p.id.as_str(), p.protocol, p.base_url.as_str()),
            ("local", Protocol::OpenAiChat, "http://127.0.0.1:8080/v1")
        );
        assert!(!p.needs_key(), "a server on this machine needs no key");
        assert!(
            provider_def("corp=anthropic,https://llm.corp.example/anthropic")
                .unwrap()
                .needs_key()
        );
        assert!(provider_def("x=grpc,http://a")
            .unwrap_err()
            .to_string()
            .contains("openai, openai-responses, anthropic, gemini or ollama"));
        assert!(provider_def("x=openai,ftp://a")
            .unwrap_err()
            .to_string()
            .contains("http://"));
        assert!(provider_def("x")
            .unwrap_err()
            .to_string()
            .contains("NAME=PROTOCOL,BASE_URL"));
        let presets = catalog(&["openai=openai,http://127.0.0.1:9/v1".into()]).unwrap();
        assert_eq!(
            presets.get("openai").unwrap().base_url,
            "http://127.0.0.1:9/v1"
        );
    }

    #[test]
    fn routing_settings_go_into_the_request_shared_and_per_pane() {
        let a = compare(&[
            "-m",
            "openrouter:a",
            "-m",
            "openrouter:b",
            "-m",
            "openai:c",
            "--set",
            "route.order=anthropic, google-vertex",
            "--set",
            "route.allow_fallbacks=false",
            "--set",
            "route.data_collection=deny",
            "--set",
            "route.quantizations=fp8,bf16",
            "--set",
            "route.zdr=true",
            "--pane-set",
            "2:route.sort=throughput",
            "--pane-set",
            "2:route.order=deepinfra",
            "--pane-set",
            "2:route.require_parameters=yes",
            "x",
        ]);
        let p = panes(&a, &catalog(&[]).unwrap(), "x").unwrap();
        let r1 = p[0].request.routing.clone().expect("routing set");
        assert_eq!(r1.order, vec!["anthropic", "google-vertex"]);
        assert_eq!(r1.allow_fallbacks, Some(false));
        assert_eq!(r1.data_collection, Some(DataCollection::Deny));
        assert_eq!(r1.quantizations, vec!["fp8", "bf16"]);
        assert_eq!(
            (r1.zdr, r1.sort.as_deref(), r1.require_parameters),
            (Some(true), None, None)
        );
        let r2 = p[1].request.routing.clone().unwrap();
        assert_eq!(
            r2.order,
            vec!["deepinfra"],
            "a pane's order replaces the shared one"
        );
        assert_eq!(
            (r2.sort.as_deref(), r2.require_parameters, r2.zdr),
            (Some("throughput"), Some(true), Some(true))
        );
        assert_eq!(
            p[2].request.routing, p[0].request.routing,
            "every pane asks; the adapter decides who takes it"
        );

        let none = panes(
            &compare(&["-m", "openai:a", "x"]),
            &catalog(&[]).unwrap(),
            "x",
        )
        .unwrap();
        assert_eq!(none[0].request.routing, None, "nothing set: nothing sent");

        let err = |setting: &str| {
            let mut s = Settings::default();
            apply_setting(&mut s, setting).unwrap_err().to_string()
        };
        assert!(err("route.sort=cheapest").contains("price, throughput or latency"));
        assert!(err("route.zdr=maybe").contains("true or false"));
        assert!(err("route.data_collection=sometimes").contains("allow or deny"));
        assert!(err("route.order= , ").contains("comma-separated"));
        let unknown = err("route.colour=red");
        assert!(
            unknown.contains("unknown setting")
                && unknown.contains("route.order")
                && unknown.contains("route.sort"),
            "{unknown}"
        );
    }

    fn weather_schema() -> Value {
        serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
    }

    #[test]
    fn tools_files_take_both_shapes_and_check_every_schema() {
        let doc = serde_json::json!([
            {"name": "get_weather", "description": "Weather", "parameters": weather_schema()},
            {"type": "function", "function": {"name": "get_time", "description": "Time", "parameters": {"type": "object"}}},
            {"name": "ping"}
        ]);
        let tools = parse_tools(&doc).unwrap();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["get_weather", "get_time", "ping"]);
        assert_eq!(tools[1].description, "Time");
        assert_eq!(tools[0].parameters, weather_schema());
        assert_eq!(
            tools[2].parameters["type"], "object",
            "no parameters: an empty object"
        );

        let bad =
            parse_tools(&serde_json::json!([{"name": "broken", "parameters": {"type": "strin"}}]))
                .unwrap_err();
        assert!(
            bad.contains("\"broken\"") && bad.contains("JSON Schema"),
            "{bad}"
        );
        let bad = parse_tools(&serde_json::json!([{"type": "function", "function": {"name": "b", "parameters": [1]}}])).unwrap_err();
        assert!(bad.contains("\"b\"") && bad.contains("object"), "{bad}");
        assert!(parse_tools(&serde_json::json!({"name": "x"}))
            .unwrap_err()
            .contains("array"));
        assert!(parse_tools(&serde_json::json!([{"description": "x"}]))
            .unwrap_err()
            .contains("tool 1 has no \"name\""));
        assert!(
            parse_tools(&serde_json::json!([{"name": "a"}, {"name": "a"}]))
                .unwrap_err()
                .contains("twice")
        );
        assert!(parse_tools(&serde_json::json!([{"name": "a b"}]))
            .unwrap_err()
            .contains("letters, digits"));
        assert!(
            parse_tools(&serde_json::json!([{"type": "web_search", "function": {}}]))
                .unwrap_err()
                .contains("function")
        );
        assert!(parse_tools(&serde_json::json!([]))
            .unwrap_err()
            .contains("no tools"));
    }

    #[test]
    fn tool_choice_is_a_mode_or_one_of_the_tools() {
        let tools = parse_tools(
            &serde_json::json!([{"name": "get_weather", "parameters": weather_schema()}]),
        )
        .unwrap();
        assert_eq!(tool_choice("auto", &tools).unwrap(), ToolChoice::Auto);
        assert_eq!(tool_choice("none", &tools).unwrap(), ToolChoice::None);
        assert_eq!(
            tool_choice("required", &tools).unwrap(),
            ToolChoice::Required
        );
        assert_eq!(
            tool_choice("get_weather", &tools).unwrap(),
            ToolChoice::Tool("get_weather".into())
        );
        let e = tool_choice("get_time", &tools).unwrap_err();
        assert!(
            matches!(e, CliError::Usage(_)) && e.to_string().contains("get_weather"),
            "{e}"
        );
        assert!(tool_choice("auto", &[])
            .unwrap_err()
            .to_string()
            .contains("--tools"));
    }

    #[test]
    fn schema_files_are_a_schema_or_a_named_one() {
        let mut schema = weather_schema();
        schema["title"] = "City weather".into();
        let f = parse_schema(&schema).unwrap();
        assert_eq!((f.name.as_str(), f.strict), ("City_weather", true));
        assert_eq!(f.schema, schema);
        assert_eq!(parse_schema(&weather_schema()).unwrap().name, "answer");
        let f = parse_schema(
            &serde_json::json!({"name": "city", "schema": weather_schema(), "strict": false}),
        )
        .unwrap();
        assert_eq!(
            (f.name.as_str(), f.strict, &f.schema),
            ("city", false, &weather_schema())
        );
        // `{schema}` without a name: the inner schema's title, else "answer".
        assert_eq!(
            parse_schema(&serde_json::json!({"schema": weather_schema()}))
                .unwrap()
                .name,
            "answer"
        );
        assert!(parse_schema(&serde_json::json!({"type": "strin"}))
            .unwrap_err()
            .contains("JSON Schema"));
        assert!(parse_schema(&serde_json::json!([1]))
            .unwrap_err()
            .contains("object"));
        assert!(
            parse_schema(&serde_json::json!({"schema": {}, "strict": "yes"}))
                .unwrap_err()
                .contains("strict")
        );
    }

    #[test]
    fn a_pane_can_switch_to_the_responses_api() {
        let presets = catalog(&[]).unwrap();
        let a = compare(&["-m", "openai:gpt-5-mini", "-m", "openai:gpt-4o", "--pane-set", "1:api=responses", "x"]);
        let p = panes(&a, &presets, "x").unwrap();
        assert_eq!(p[0].target.endpoint.protocol, Protocol::OpenAiResponses);
        assert_eq!(p[1].target.endpoint.protocol, Protocol::OpenAiChat);
        let a = compare(&["-m", "anthropic:claude-haiku-4-5", "--set", "api=responses", "x"]);
        assert!(panes(&a, &presets, "x").unwrap_err().to_string().contains("no openai-responses API"));
        let a = compare(&["-m", "openai:gpt-4o", "--set", "api=soap", "x"]);
        assert!(panes(&a, &presets, "x").unwrap_err().to_string().contains("responses"));
    }

    #[test]
    fn canned_tool_results() {
        let tools =
            parse_tools(&serde_json::json!([{"name": "get_weather"}, {"name": "lookup"}])).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.json");
        std::fs::write(&file, "{\"rows\": [1, 2]}\n").unwrap();
        let at_file = format!("lookup=@{}", file.display());
        let r = tool_results(&["get_weather={\"temp\":21}".into(), at_file], &tools).unwrap();
        assert_eq!(r["get_weather"], "{\"temp\":21}", "sent as written");
        assert_eq!(r["lookup"], "{\"rows\": [1, 2]}", "read from the file");
        let r = tool_results(&["get_weather=\"sunny, 21C\"".into()], &tools).unwrap();
        assert_eq!(
            r["get_weather"], "sunny, 21C",
            "a JSON string is sent as its text"
        );

        let err = |list: &[&str], tools: &[ToolSpec]| {
            let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            tool_results(&list, tools).unwrap_err().to_string()
        };
        assert!(err(&["search={}"], &tools).contains("not one of the tools (get_weather, lookup)"));
        assert!(err(&["get_weather={temp:21}"], &tools).contains("not JSON"));
        assert!(err(&["get_weather"], &tools).contains("NAME=JSON"));
        assert!(err(&["get_weather=1", "get_weather=2"], &tools).contains("twice"));
        assert!(err(&["get_weather=1"], &[]).contains("--tools"));
        assert!(err(&["lookup=@/nonexistent/juxta.json"], &tools).contains("could not read"));
    }

    #[test]
    fn tools_and_schema_reach_every_pane_and_limits_their_provider() {
        let dir = tempfile::tempdir().unwrap();
        let tools = dir.path().join("tools.json");
        std::fs::write(
            &tools,
            serde_json::json!([{"name": "get_weather", "parameters": weather_schema()}])
                .to_string(),
        )
        .unwrap();
        let schema = dir.path().join("schema.json");
        std::fs::write(&schema, weather_schema().to_string()).unwrap();
        let (t, s) = (tools.to_str().unwrap(), schema.to_str().unwrap());
        let a = compare(&[
            "-m",
            "openai:a",
            "-m",
            "vllm:b",
            "-m",
            "ollama:d",
            "--fallback",
            "1:vllm:c",
            "--tools",
            t,
            "--tool-choice",
            "get_weather",
            "--schema",
            s,
            "--max-concurrent",
            "vllm=3",
            "--max-concurrent",
            "ollama=0",
            "x",
        ]);
        let p = panes(&a, &catalog(&[]).unwrap(), "x").unwrap();
        for pane in &p {
            assert_eq!(pane.request.tools[0].name, "get_weather");
            assert_eq!(
                pane.request.tool_choice,
                Some(ToolChoice::Tool("get_weather".into()))
            );
            assert_eq!(
                pane.request.response_format.as_ref().unwrap().name,
                "answer"
            );
        }
        let presets = catalog(&[]).unwrap();
        assert_eq!(
            presets.get("vllm").unwrap().max_concurrent,
            None,
            "the bundled vllm has no limit"
        );
        assert_eq!(
            presets.get("ollama").unwrap().max_concurrent,
            Some(1),
            "the bundled ollama runs one at a time"
        );
        assert_eq!(p[1].target.endpoint.max_concurrent, Some(3));
        assert_eq!(
            p[0].fallbacks[0].endpoint.max_concurrent,
            Some(3),
            "fallbacks share the limit"
        );
        assert_eq!(p[2].target.endpoint.max_concurrent, None, "0: no limit");
        assert_eq!(p[0].target.endpoint.max_concurrent, None);

        let err = |argv: &[&str]| {
            panes(&compare(argv), &presets, "x")
                .unwrap_err()
                .to_string()
        };
        assert!(
            err(&["-m", "openai:a", "--max-concurrent", "nobody=1", "x"])
                .contains("unknown provider \"nobody\"")
        );
        assert!(
            err(&["-m", "openai:a", "--max-concurrent", "ollama=two", "x"])
                .contains("whole number")
        );
        assert!(err(&[
            "-m",
            "openai:a",
            "--tools",
            t,
            "--tool-choice",
            "search",
            "x"
        ])
        .contains("bad --tool-choice"));
        assert!(
            err(&["-m", "openai:a", "--tools", "/nonexistent/t.json", "x"])
                .contains("could not read --tools")
        );
        assert!(err(&[
            "-m",
            "openai:a",
            "--tools",
            t,
            "--tool-result",
            "search=1",
            "x"
        ])
        .contains("not one of the tools"));
        assert!(err(&["-m", "openai:a", "--max-steps", "0", "x"]).contains("--max-steps"));
        std::fs::write(&schema, "{\"type\": 12}").unwrap();
        let e = err(&["-m", "openai:a", "--schema", s, "x"]);
        assert!(
            e.contains("bad --schema") && e.contains("schema.json"),
            "{e}"
        );
        std::fs::write(&schema, "{not json").unwrap();
        assert!(err(&["-m", "openai:a", "--schema", s, "x"]).contains("is not JSON"));
    }
}
