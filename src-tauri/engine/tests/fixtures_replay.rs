//! Every recorded stream of ../shared/fixtures, replayed by juxta-mock over a real local HTTP
//! connection (whole, and in small pieces) through the runner and its adapter, must give what
//! its `.meta.json` `expected` says: text, reasoning, tool calls, usage, finish reason, errors.

mod common;

use std::path::Path;

use common::*;
use juxta_engine::run::PaneReport;
use juxta_engine::{ErrorKind, FinishReason, Protocol};
use serde_json::Value;

/// Provider folders and the adapter that reads them.
const DIRS: [(&str, Protocol); 8] = [
    ("openai-chat", Protocol::OpenAiChat),
    ("deepseek", Protocol::OpenAiChat),
    ("groq", Protocol::OpenAiChat),
    ("mistral", Protocol::OpenAiChat),
    ("openrouter", Protocol::OpenAiChat),
    ("anthropic", Protocol::Anthropic),
    ("gemini", Protocol::Gemini),
    ("openai-responses", Protocol::OpenAiResponses),
];

fn fixtures() -> Vec<(String, Protocol, Value)> {
    let mut out = Vec::new();
    for (dir, protocol) in DIRS {
        let mut entries: Vec<_> = std::fs::read_dir(fixtures_dir().join(dir)).unwrap().flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".meta.json") || name.ends_with(".jsonl") {
                continue;
            }
            let meta_path = path.with_file_name(format!("{}.meta.json", name.rsplit_once('.').unwrap().0));
            let meta: Value = serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
            out.push((format!("{dir}/{name}"), protocol, meta));
        }
    }
    assert!(out.len() >= 20, "fixtures not found under {}", fixtures_dir().display());
    out
}

/// The last model name a fixture saw (a string or a list of them).
fn last_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.last().and_then(|x| x.as_str()).map(String::from),
        _ => None,
    }
}

fn n(v: &Value, path: &[&str]) -> u64 {
    path.iter().try_fold(v, |v, k| v.get(k)).and_then(Value::as_u64).unwrap_or(0)
}

/// `expected.usage` in the provider's own shape → (input, output incl. reasoning, reasoning, cached).
fn expected_usage(u: &Value) -> (u64, u64, u64, u64) {
    if u.get("promptTokenCount").is_some() {
        let thoughts = n(u, &["thoughtsTokenCount"]);
        (n(u, &["promptTokenCount"]), n(u, &["candidatesTokenCount"]) + thoughts, thoughts, n(u, &["cachedContentTokenCount"]))
    } else if u.get("output_tokens_details").is_some() {
        // The Responses API: output_tokens already include reasoning.
        (
            n(u, &["input_tokens"]),
            n(u, &["output_tokens"]),
            n(u, &["output_tokens_details", "reasoning_tokens"]),
            n(u, &["input_tokens_details", "cached_tokens"]),
        )
    } else if u.get("prompt_tokens").is_some() {
        (
            n(u, &["prompt_tokens"]),
            n(u, &["completion_tokens"]),
            n(u, &["completion_tokens_details", "reasoning_tokens"]),
            n(u, &["prompt_tokens_details", "cached_tokens"]),
        )
    } else {
        let cache_read = n(u, &["cache_read_input_tokens"]);
        (n(u, &["input_tokens"]) + cache_read + n(u, &["cache_creation_input_tokens"]), n(u, &["output_tokens"]), 0, cache_read)
    }
}

fn parse_args(call: &Value) -> Value {
    if let Some(s) = call.get("arguments").and_then(Value::as_str) {
        return if s.trim().is_empty() { serde_json::json!({}) } else { serde_json::from_str(s).unwrap() };
    }
    call.get("input").or_else(|| call.get("args")).cloned().unwrap_or(Value::Null)
}

fn check(name: &str, meta: &Value, r: &PaneReport) {
    let e = &meta["expected"];
    if let Some(err) = e.get("error").filter(|v| !v.is_null()) {
        let got = r.error.as_ref().unwrap_or_else(|| panic!("{name}: expected an error"));
        let status = status_of(name, meta);
        assert_eq!(got.status, Some(status), "{name}");
        let inner = err.get("error").unwrap_or(err);
        let msg = inner.get("message").and_then(Value::as_str).unwrap_or("");
        assert!(got.message.contains(&msg[..msg.len().min(40)]), "{name}: {:?} lacks {msg:?}", got.message);
        assert!(r.text.is_empty());
        return;
    }
    // An error inside a 200 stream (the Responses API's `error` event, then `response.failed`).
    if let Some(first) = e.get("errors").and_then(Value::as_array).and_then(|a| a.first()) {
        let got = r.error.as_ref().unwrap_or_else(|| panic!("{name}: expected an in-stream error"));
        assert_eq!(got.message, first["message"].as_str().unwrap(), "{name}");
        if first["code"] == "insufficient_quota" {
            assert_eq!((got.kind, got.retryable), (ErrorKind::Quota, false), "{name}");
        }
        assert_eq!(r.text, e["text"].as_str().unwrap_or(""), "{name}: text");
        return;
    }
    assert!(r.error.is_none(), "{name}: {:?}", r.error);
    assert_eq!(r.text, e["text"].as_str().unwrap(), "{name}: text");
    let reasoning = ["reasoning", "thinking", "thought_text", "reasoning_summary"].iter().find_map(|k| e.get(*k).and_then(Value::as_str)).unwrap_or("");
    assert_eq!(r.reasoning, reasoning, "{name}: reasoning");

    let want_calls = e["tool_calls"].as_array().cloned().unwrap_or_default();
    assert_eq!(r.tool_calls.len(), want_calls.len(), "{name}: tool calls {:?}", r.tool_calls);
    for (got, want) in r.tool_calls.iter().zip(&want_calls) {
        assert_eq!(got.name, want["name"].as_str().unwrap(), "{name}");
        if let Some(id) = want.get("id").or(want.get("call_id")).and_then(Value::as_str).filter(|s| !s.is_empty()) {
            assert_eq!(got.id, id, "{name}");
        }
        assert_eq!(got.arguments, parse_args(want), "{name}: arguments");
    }

    if let Some(u) = e.get("usage").filter(|u| u.is_object()) {
        let got = r.usage.unwrap_or_else(|| panic!("{name}: no usage"));
        let (i, o, reasoning, cached) = expected_usage(u);
        assert_eq!((got.input_tokens, got.output_tokens, got.reasoning_tokens, got.cached_tokens), (i, o, reasoning, cached), "{name}: usage");
        if let Some(cost) = u.get("cost").and_then(Value::as_f64) {
            assert_eq!(r.cost_usd, Some(cost), "{name}: the provider's own cost");
        }
    }
    match e.get("finish_reason").and_then(Value::as_str) {
        Some(raw) => assert_eq!(r.raw_finish_reason.as_deref(), Some(raw), "{name}: raw finish"),
        None => {
            // A prompt blocked before any candidate.
            assert!(e["promptFeedback"]["blockReason"].is_string(), "{name}");
            assert_eq!(r.finish_reason, Some(FinishReason::ContentFilter), "{name}");
        }
    }
    if let Some(model) = e.get("model").and_then(last_str) {
        assert_eq!(r.served_model.as_deref(), Some(model.as_str()), "{name}: served model");
    }
    if let Some(by) = e.get("provider").and_then(last_str) {
        assert_eq!(r.served_by.as_deref(), Some(by.as_str()), "{name}: served by");
    }
}

/// The HTTP status a recorded error came with (some cassettes did not keep it: the file name says it).
fn status_of(name: &str, meta: &Value) -> u16 {
    meta["response_status"].as_u64().map(|s| s as u16).unwrap_or_else(|| {
        let file = Path::new(name).file_name().unwrap().to_string_lossy().to_string();
        file.strip_prefix("error-").and_then(|s| s.get(..3)).and_then(|s| s.parse().ok()).expect("status in the file name")
    })
}

#[tokio::test]
async fn every_fixture_replayed_over_http_whole_and_in_pieces() {
    let mock = mock().await;
    let runner = runner();
    let mut checked = 0;
    for (name, protocol, meta) in fixtures() {
        for chunk in [None, Some(1), Some(7), Some(64)] {
            let model = match chunk {
                None => format!("replay@file={name}"),
                Some(c) => format!("replay@file={name},chunk={c}"),
            };
            let mut spec = pane(&mock, protocol, &model);
            spec.policy.max_retries = 0;
            let (r, _) = run_all(&runner, vec![spec]).await.remove(0);
            check(&format!("{name} (chunk {chunk:?})"), &meta, &r);
            checked += 1;
        }
    }
    assert!(checked >= 80, "{checked}");
}

#[tokio::test]
async fn recorded_error_statuses_map_to_kinds() {
    let mock = mock().await;
    for (file, protocol, kind, retryable) in [
        ("gemini/error-429_resource-exhausted_retryinfo.json", Protocol::Gemini, ErrorKind::RateLimited, true),
        ("anthropic/error-404_not-found-model.json", Protocol::Anthropic, ErrorKind::NotFound, false),
        ("openai-chat/error-400_o1-mini-system-role.json", Protocol::OpenAiChat, ErrorKind::InvalidRequest, false),
        ("openrouter/error-429_upstream-rate-limited.json", Protocol::OpenAiChat, ErrorKind::RateLimited, true),
        ("openai-responses/error-400_temperature-unsupported.json", Protocol::OpenAiResponses, ErrorKind::InvalidRequest, false),
    ] {
        let mut spec = pane(&mock, protocol, &format!("replay@file={file}"));
        spec.policy.max_retries = 0;
        let (r, _) = run_one(spec).await;
        let e = r.error.unwrap();
        assert_eq!((e.kind, e.retryable), (kind, retryable), "{file}: {e:?}");
    }
}

#[tokio::test]
async fn model_lists_are_followed_across_pages() {
    let mock = mock().await;
    let runner = runner();
    for protocol in PROTOCOLS {
        let models = runner.list_models(&endpoint(&mock, protocol)).await.unwrap_or_else(|e| panic!("{protocol:?}: {e:?}"));
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        assert!(ids.len() > 5, "{protocol:?}: {ids:?} (pages of 5 must be followed)");
        for want in ["normal", "tools", "reasoning", "stall"] {
            assert!(ids.contains(&want), "{protocol:?}: {want} missing from {ids:?}");
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{protocol:?}: a page was read twice");
    }
}
