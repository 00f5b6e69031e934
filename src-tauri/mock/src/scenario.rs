//! Scenario names and their options, parsed from the model name: `SCENARIO@opt=val,opt=val`.

use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    Normal,
    Echo,
    RateLimited,
    ServerError,
    Overloaded,
    AuthError,
    BadRequest,
    Quota,
    Html502,
    NotFound,
    StreamError,
    Drop,
    Stall,
    Malformed,
    Tools,
    ToolLoop,
    Json,
    Reasoning,
    Substituted,
    BigEvent,
    Replay,
}

/// Every scenario: name, the enum, and the one-line description served at `/__mock/scenarios`.
pub const SCENARIOS: &[(&str, Scenario, &str)] = &[
    ("normal", Scenario::Normal, "A deterministic markdown answer of `tokens` tokens (default 40), with usage; code=1 puts a fenced code block after every paragraph."),
    ("echo", Scenario::Echo, "Answers with the received JSON request body, pretty-printed."),
    ("rate-limited", Scenario::RateLimited, "429 with the provider's error body and retry-after: 1 (retry_after_ms=N: retry-after-ms; Gemini: RetryInfo)."),
    ("server-error", Scenario::ServerError, "500 with the provider's JSON error body."),
    ("overloaded", Scenario::Overloaded, "529 overloaded_error (Anthropic); 503 for OpenAI and Gemini."),
    ("auth-error", Scenario::AuthError, "401 with the provider's authentication error body."),
    ("bad-request", Scenario::BadRequest, "400 invalid_request_error."),
    ("quota", Scenario::Quota, "429 insufficient_quota (OpenAI), RESOURCE_EXHAUSTED quota (Gemini), 400 credit balance (Anthropic)."),
    ("html-502", Scenario::Html502, "502 text/html page from a gateway."),
    ("not-found", Scenario::NotFound, "404: the provider does not have this model (Ollama: `model \"x\" not found, try pulling it first`)."),
    ("stream-error", Scenario::StreamError, "200, `after` text events (default 10), then the protocol's in-stream error; the body ends."),
    ("drop", Scenario::Drop, "200, `after` text events (default 10), then the connection is cut with no terminal event."),
    ("stall", Scenario::Stall, "200, `after` text events, then silence for `stall` ms (default forever) with `keepalive` ms comments, then the rest."),
    ("malformed", Scenario::Malformed, "200, `after` text events, an event whose data is invalid JSON, then the rest."),
    ("tools", Scenario::Tools, "A get_weather tool call with streamed argument fragments; calls=2 for two parallel calls; invalid=1 for arguments that break the usual schema (city a number, unit kelvin)."),
    ("tool-loop", Scenario::ToolLoop, "A get_weather call per turn until the request carries `steps` tool results (default 2), then an answer quoting them."),
    ("json", Scenario::Json, "Answers with JSON built from the request's response schema (every required field); invalid=1 leaves the first required field out."),
    ("reasoning", Scenario::Reasoning, "`reasoning` thinking tokens (default 20) first, then the answer; usage counts both."),
    ("substituted", Scenario::Substituted, "Like normal, but reports `served` (default mock-mini-2024-01-01) as the model."),
    ("big-event", Scenario::BigEvent, "One single text event of `bytes` bytes (default 5 MB), then finish."),
    ("replay", Scenario::Replay, "Sends fixture `file` byte for byte with its recorded status; `chunk` bytes per write, `delay` ms apart."),
];

impl Scenario {
    /// Scenarios that fail; `fails=N` lets them succeed after N requests.
    pub fn is_fault(self) -> bool {
        !matches!(
            self,
            Scenario::Normal
                | Scenario::Echo
                | Scenario::Tools
                | Scenario::ToolLoop
                | Scenario::Json
                | Scenario::Reasoning
                | Scenario::Substituted
                | Scenario::BigEvent
                | Scenario::Replay
        )
    }
}

/// A parsed model name.
#[derive(Clone, Debug)]
pub struct Spec {
    pub scenario: Scenario,
    pub opts: Opts,
}

/// `name@k=v,k=v`. Unknown names play `normal`.
pub fn parse(model: &str) -> Spec {
    let (name, opts) = match model.split_once('@') {
        Some((n, o)) => (n, o),
        None => (model, ""),
    };
    let scenario = SCENARIOS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(Scenario::Normal, |(_, s, _)| *s);
    let map = opts
        .split(',')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => (kv.trim().to_string(), String::new()),
        })
        .collect();
    Spec {
        scenario,
        opts: Opts(map),
    }
}

#[derive(Clone, Debug, Default)]
pub struct Opts(BTreeMap<String, String>);

impl Opts {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// A whole-number option; a value that is not one is the caller's mistake, reported as a 400.
    pub fn num(&self, key: &str) -> Result<Option<u64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("juxta-mock: option `{key}={v}` is not a whole number")),
        }
    }

    pub fn num_or(&self, key: &str, default: u64) -> Result<u64, String> {
        Ok(self.num(key)?.unwrap_or(default))
    }

    pub fn ms(&self, key: &str) -> Result<Option<Duration>, String> {
        Ok(self.num(key)?.map(Duration::from_millis))
    }

    pub fn float_or(&self, key: &str, default: f64) -> Result<f64, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.parse::<f64>() {
                Ok(f) if f >= 0.0 && f.is_finite() => Ok(f),
                _ => Err(format!(
                    "juxta-mock: option `{key}={v}` is not a non-negative number"
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_options() {
        let s = parse("stall@after=3,stall=250,keepalive=50");
        assert_eq!(s.scenario, Scenario::Stall);
        assert_eq!(s.opts.num("after"), Ok(Some(3)));
        assert_eq!(s.opts.ms("stall"), Ok(Some(Duration::from_millis(250))));
        assert_eq!(parse("gpt-4o-mini").scenario, Scenario::Normal);
        assert_eq!(parse("gpt-4o@tokens=5").opts.num("tokens"), Ok(Some(5)));
        let r = parse("replay@file=openai-chat/x.sse,chunk=7");
        assert_eq!(
            (r.scenario, r.opts.get("file")),
            (Scenario::Replay, Some("openai-chat/x.sse"))
        );
        assert!(parse("normal@tokens=abc").opts.num("tokens").is_err());
        assert!(parse("normal@rate=-1").opts.float_or("rate", 0.0).is_err());
    }

    #[test]
    fn every_scenario_is_listed_once() {
        let mut names: Vec<_> = SCENARIOS.iter().map(|(n, _, _)| *n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SCENARIOS.len());
    }
}
