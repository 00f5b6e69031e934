//! Turning command-line words into panes: `PROVIDER:MODEL`, `KEY=VALUE`, `N:KEY=VALUE`,
//! `N:PROVIDER:MODEL` and `NAME=PROTOCOL,BASE_URL`. Pure functions; every error says what to type.

use std::path::PathBuf;
use std::time::Duration;

use juxta_engine::catalog::{Catalog, Preset, Presets};
use juxta_engine::request::{ChatRequest, Params};
use juxta_engine::run::{PaneSpec, RetryPolicy, Target, Timeouts};
use juxta_engine::Protocol;

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
        Some(dir) => Catalog::load(&dir).map_err(|e| CliError::Usage(format!("bad config file {e}")))?,
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
    let (name, rest) = def.split_once('=').ok_or_else(|| usage(format!("bad --provider {def:?}: {hint}")))?;
    let (protocol, base_url) = rest.split_once(',').ok_or_else(|| usage(format!("bad --provider {def:?}: {hint}")))?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(usage(format!("bad provider name {name:?}: use letters, digits, - and _")));
    }
    let protocol: Protocol = protocol.trim().parse().map_err(|e: String| usage(format!("bad --provider {def:?}: {e}")))?;
    let base_url = base_url.trim();
    match url_scheme(base_url) {
        Some("http") | Some("https") => {}
        _ => return Err(usage(format!("bad base URL {base_url:?} in --provider: it must start with http:// or https://"))),
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
        .ok_or_else(|| usage(format!("bad model {spec:?}: write PROVIDER:MODEL, e.g. openai:gpt-4o-mini")))?;
    let endpoint = presets.get(provider).cloned().ok_or_else(|| {
        let known: Vec<&str> = presets.ids().collect();
        usage(format!(
            "unknown provider {provider:?}: use one of {} or define it with --provider {provider}=openai,BASE_URL",
            known.join(", ")
        ))
    })?;
    Ok(Target { endpoint, model: model.to_string() })
}

/// Apply one `KEY=VALUE` to a pane's parameters (and, for `system`, its system prompt).
pub fn apply_setting(params: &mut Params, system: &mut Option<String>, setting: &str) -> Result<(), CliError> {
    let (key, value) = setting
        .split_once('=')
        .ok_or_else(|| usage(format!("bad setting {setting:?}: write KEY=VALUE, e.g. temperature=0.2")))?;
    let (key, value) = (key.trim(), value.trim());
    let bad = |what: &str| usage(format!("bad value {value:?} for {key}: {what}"));
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
        "reasoning_effort" | "effort" => params.reasoning_effort = Some(value.parse().map_err(|e: String| usage(e))?),
        "thinking_budget" => params.thinking_budget = Some(value.parse().map_err(|_| bad("a whole number of tokens"))?),
        "system" => *system = Some(value.to_string()),
        _ => {
            return Err(usage(format!(
                "unknown setting {key:?}: use temperature, top_p, max_tokens, stop, seed, reasoning_effort, \
                 thinking_budget or system"
            )))
        }
    }
    Ok(())
}

/// `N:REST` with N a 1-based pane number.
fn pane_prefixed<'a>(what: &str, s: &'a str, panes: usize) -> Result<(usize, &'a str), CliError> {
    let (n, rest) = s.split_once(':').ok_or_else(|| usage(format!("bad {what} {s:?}: it starts with a pane number, N:")))?;
    let n: usize = n.trim().parse().map_err(|_| usage(format!("bad {what} {s:?}: {n:?} is not a pane number")))?;
    if n == 0 || n > panes {
        return Err(usage(format!("bad {what} {s:?}: there are {panes} panes, numbered from 1")));
    }
    Ok((n - 1, rest))
}

/// Everything `compare` runs: one spec per `-m`, in order.
/// The parameters and system prompt every pane shares (`--set`, `--system`).
pub fn shared(args: &CompareArgs) -> Result<(Params, Option<String>), CliError> {
    let mut shared = Params::default();
    let mut system = args.system.clone();
    for s in &args.set {
        apply_setting(&mut shared, &mut system, s)?;
    }
    Ok((shared, system))
}

pub fn panes(args: &CompareArgs, presets: &Presets, prompt: &str) -> Result<Vec<PaneSpec>, CliError> {
    if !(args.idle_timeout.is_finite() && args.idle_timeout > 0.0) {
        return Err(usage("--idle-timeout must be a positive number of seconds"));
    }
    let (shared, shared_system) = shared(args)?;
    let policy = RetryPolicy { max_retries: args.retries, ..RetryPolicy::default() };
    let timeouts = Timeouts { idle: Duration::from_secs_f64(args.idle_timeout), ..Timeouts::default() };
    let mut specs = Vec::new();
    for m in &args.models {
        let target = target(m, presets)?;
        let mut request = ChatRequest::new(target.model.clone(), prompt);
        request.system = shared_system.clone();
        request.params = shared.clone();
        let mut spec = PaneSpec::new(target, request);
        spec.policy = policy.clone();
        spec.timeouts = timeouts.clone();
        specs.push(spec);
    }
    for s in &args.pane_set {
        let (i, setting) = pane_prefixed("--pane-set", s, specs.len())?;
        let req = &mut specs[i].request;
        // A pane's stop sequences replace the shared ones rather than adding to them.
        if setting.trim_start().starts_with("stop=") && req.params.stop == shared.stop {
            req.params.stop.clear();
        }
        apply_setting(&mut req.params, &mut req.system, setting)?;
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
            Command::Compare(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn panes_get_shared_and_own_settings_in_order() {
        let a = compare(&[
            "-m", "openai:gpt-4o-mini", "-m", "anthropic:claude-haiku-4-5", "-m", "ollama:llama3.2:3b",
            "--system", "Be brief.", "--set", "temperature=0.3", "--set", "stop=END",
            "--pane-set", "2:temperature=0.9", "--pane-set", "3:system=Answer in French.", "--pane-set", "3:stop=FIN",
            "--fallback", "1:openrouter:openai/gpt-4o-mini", "--retries", "4", "hello",
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
        let err = |argv: &[&str]| panes(&compare(argv), &presets, "x").unwrap_err().to_string();
        assert!(err(&["-m", "gpt-4o", "x"]).contains("PROVIDER:MODEL"));
        assert!(err(&["-m", "nope:model", "x"]).contains("--provider nope=openai"));
        assert!(err(&["-m", "openai:a", "--set", "temperature=hot", "x"]).contains("temperature"));
        assert!(err(&["-m", "openai:a", "--set", "colour=red", "x"]).contains("unknown setting"));
        assert!(err(&["-m", "openai:a", "--pane-set", "2:seed=1", "x"]).contains("there are 1 panes"));
        assert!(err(&["-m", "openai:a", "--set", "reasoning_effort=max", "x"]).contains("minimal, low"));
        assert!(err(&["-m", "openai:a", "--idle-timeout", "0", "x"]).contains("idle-timeout"));
    }

    #[test]
    fn provider_definitions() {
        let p = provider_def("local=openai,http://127.0.0.1:8080/v1").unwrap();
        assert_eq!((p.id.as_str(), p.protocol, p.base_url.as_str()), ("local", Protocol::OpenAiChat, "http://127.0.0.1:8080/v1"));
        assert!(!p.needs_key(), "a server on this machine needs no key");
        assert!(provider_def("corp=anthropic,https://llm.corp.example/anthropic").unwrap().needs_key());
        assert!(provider_def("x=grpc,http://a").unwrap_err().to_string().contains("openai, openai-responses, anthropic or gemini"));
        assert!(provider_def("x=openai,ftp://a").unwrap_err().to_string().contains("http://"));
        assert!(provider_def("x").unwrap_err().to_string().contains("NAME=PROTOCOL,BASE_URL"));
        let presets = catalog(&["openai=openai,http://127.0.0.1:9/v1".into()]).unwrap();
        assert_eq!(presets.get("openai").unwrap().base_url, "http://127.0.0.1:9/v1");
    }
}
