//! Every recorded OpenAI-family stream, whole and in random splits, against its `expected`.

use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use super::*;
use crate::error::ErrorKind;
use crate::event::FinishReason;
use crate::protocol::openai_chat::{normalise_reason, OpenAiChat};
use crate::protocol::Adapter;

const FIXTURES: &str = "../../../shared/fixtures";
const FAMILY: [&str; 6] = [
    "openai-chat",
    "deepseek",
    "groq",
    "mistral",
    "openrouter",
    "qwen",
];

pub(super) fn fixture_files(ext: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in FAMILY {
        let Ok(entries) = std::fs::read_dir(Path::new(FIXTURES).join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let sidecar = p.to_string_lossy().ends_with(".meta.json");
            if p.extension().is_some_and(|x| x == ext) && !sidecar {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn meta_of(path: &Path) -> Value {
    let stem = path.to_string_lossy();
    let stem = stem.rsplit_once('.').map_or(stem.as_ref(), |(s, _)| s);
    let text = std::fs::read_to_string(format!("{stem}.meta.json"))
        .expect("every fixture has a meta.json");
    serde_json::from_str(&text).expect("meta.json is JSON")
}

fn n(v: Option<&Value>) -> u64 {
    v.and_then(Value::as_u64).unwrap_or(0)
}

/// Random splits, including 1-byte pieces and splits inside multi-byte characters.
fn random_pieces(body: &[u8], seed: u64) -> Vec<&[u8]> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut pieces = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let max = if seed < 20 { 4 } else { 64 };
        let k = rng.random_range(1..=max).min(rest.len());
        let (a, b) = rest.split_at(k);
        pieces.push(a);
        rest = b;
    }
    pieces
}

fn check_against_expected(name: &str, s: &Summary, expected: &Value) {
    assert!(s.error.is_none(), "{name}: unexpected error {:?}", s.error);
    assert_eq!(
        s.text,
        expected["text"].as_str().unwrap_or(""),
        "{name}: text"
    );
    assert_eq!(
        s.reasoning,
        expected["reasoning"].as_str().unwrap_or(""),
        "{name}: reasoning"
    );

    let want_calls = expected["tool_calls"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        s.calls.len(),
        want_calls.len(),
        "{name}: number of tool calls"
    );
    for (got, want) in s.calls.iter().zip(&want_calls) {
        assert_eq!(got.id, want["id"].as_str().unwrap(), "{name}: call id");
        assert_eq!(
            got.name,
            want["name"].as_str().unwrap(),
            "{name}: call name"
        );
        let args: Value = serde_json::from_str(want["arguments"].as_str().unwrap()).unwrap();
        assert_eq!(got.arguments, args, "{name}: call arguments");
        assert!(got.arguments_error.is_none());
    }
    if !want_calls.is_empty() {
        assert!(
            s.deltas >= want_calls.len(),
            "{name}: tool-call deltas are emitted live"
        );
    }

    let u = &expected["usage"];
    let usage = s.usage.unwrap_or_else(|| panic!("{name}: no usage"));
    assert_eq!(
        usage.input_tokens,
        n(u.get("prompt_tokens")),
        "{name}: input tokens"
    );
    assert_eq!(
        usage.output_tokens,
        n(u.get("completion_tokens")),
        "{name}: output tokens"
    );
    assert_eq!(
        usage.reasoning_tokens,
        n(u.pointer("/completion_tokens_details/reasoning_tokens")),
        "{name}: reasoning tokens"
    );
    let cached = u
        .pointer("/prompt_tokens_details/cached_tokens")
        .or(u.get("prompt_cache_hit_tokens"));
    assert_eq!(usage.cached_tokens, n(cached), "{name}: cached tokens");
    assert_eq!(
        usage.provider_cost_usd,
        u.get("cost").and_then(Value::as_f64),
        "{name}: cost"
    );

    let finish = s
        .finish
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: no finish"));
    let raw = expected["finish_reason"].as_str().unwrap();
    let want_raw = expected["native_finish_reason"].as_str().unwrap_or(raw);
    assert_eq!(
        finish.raw_reason.as_deref(),
        Some(want_raw),
        "{name}: raw finish reason"
    );
    assert_eq!(
        finish.reason,
        normalise_reason(raw),
        "{name}: finish reason"
    );
    assert_ne!(finish.reason, FinishReason::Other, "{name}: a known reason");
    assert_eq!(
        finish.served_model.as_deref(),
        expected["model"][0].as_str(),
        "{name}: served model"
    );
    assert_eq!(
        finish.served_by.as_deref(),
        expected["provider"][0].as_str(),
        "{name}: served by"
    );
}

#[test]
fn every_family_fixture_decodes_to_its_expected_values() {
    let files = fixture_files("sse");
    assert!(files.len() >= 7, "fixtures found: {files:?}");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let body = std::fs::read(&path).unwrap();
        let expected = &meta_of(&path)["expected"];
        let whole = decode_all(Protocol::OpenAiChat, &body);
        check_against_expected(&name, &summarize(&whole), expected);
        for seed in 0..60 {
            let split = decode_pieces(&random_pieces(&body, seed));
            assert_eq!(split, whole, "{name}: seed {seed} gives other events");
        }
    }
}

#[test]
fn exact_event_shape_of_the_fragmented_tool_call() {
    let body = std::fs::read(format!(
        "{FIXTURES}/openai-chat/tool-call-args-fragments_usage-chunk_gpt-4o-mini.sse"
    ))
    .unwrap();
    let events = decode_all(Protocol::OpenAiChat, &body);
    let StreamEvent::ToolCallDelta {
        index,
        id,
        name,
        arguments,
    } = &events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!(
        (*index, id.as_deref(), name.as_deref(), arguments.as_str()),
        (
            0,
            Some("call_ZR5UUuTt3pf61kjwAJIYdVMj"),
            Some("get_capital"),
            ""
        )
    );
    let StreamEvent::ToolCallDelta {
        id,
        name,
        arguments,
        ..
    } = &events[1]
    else {
        panic!()
    };
    assert_eq!((id, name, arguments.as_str()), (&None, &None, "{\""));
    // usage, then the assembled call, then the finish
    let tail: Vec<&str> = events[events.len() - 3..]
        .iter()
        .map(|e| match e {
            StreamEvent::Usage { .. } => "usage",
            StreamEvent::ToolCall { .. } => "call",
            StreamEvent::Finish { .. } => "finish",
            _ => "other",
        })
        .collect();
    assert_eq!(tail, ["usage", "call", "finish"]);
}

#[test]
fn error_bodies_parse_to_their_kind_status_and_message() {
    let files = fixture_files("json");
    assert!(files.len() >= 3, "{files:?}");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let meta = meta_of(&path);
        let status = meta["response_status"].as_u64().map_or(400, |s| s as u16);
        let body = std::fs::read(&path).unwrap();
        let e = OpenAiChat.parse_error(status, &body);
        let want = &meta["expected"]["error"]["error"];
        assert_eq!(e.status, Some(status), "{name}");
        assert!(
            e.message.starts_with(want["message"].as_str().unwrap()),
            "{name}: {}",
            e.message
        );
        let (kind, retryable) = match status {
            400 => (ErrorKind::InvalidRequest, false),
            429 => (ErrorKind::RateLimited, true),
            s => panic!("{name}: no expectation for {s}"),
        };
        assert_eq!((e.kind, e.retryable), (kind, retryable), "{name}");
        if let Some(code) = want["code"].as_str() {
            assert_eq!(e.code.as_deref(), Some(code), "{name}");
        }
        if name.starts_with("error-429_upstream") {
            assert!(e.message.contains("(upstream: Google)"), "{}", e.message);
        }
    }
}
