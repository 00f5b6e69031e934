use proptest::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};

use super::*;
use crate::catalog::{CapsTable, Presets};
use crate::error::ErrorKind;
use crate::request::{ReasoningEffort, ResponseFormat, ToolCallRequest};
use crate::run::mapping::MappingAction;

/// Helpers shared with the Gemini tests.
pub(crate) mod support {
    use super::*;

    pub const FIXTURES: &str = "../../../shared/fixtures";

    pub fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{path}")).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
    }

    /// The `expected` object of a fixture's `.meta.json`.
    pub fn expected(path: &str) -> Value {
        let stem = path.rsplit_once('.').map(|(s, _)| s).unwrap_or(path);
        let meta: Value = serde_json::from_slice(&fixture(&format!("{stem}.meta.json"))).expect("meta is JSON");
        meta["expected"].clone()
    }

    /// Feed `body` cut at `cuts` (sorted, deduplicated by the caller or not), then EOF.
    pub fn decode_cuts(mut d: Box<dyn Decoder>, body: &[u8], cuts: &[usize]) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| (*c).min(body.len())).collect();
        cuts.sort_unstable();
        let mut at = 0;
        for c in cuts {
            d.feed(&body[at..c], &mut out);
            at = c;
        }
        d.feed(&body[at..], &mut out);
        d.finish(&mut out);
        out
    }

    /// Feed `body` in random pieces of 1..=max bytes.
    pub fn decode_random(d: Box<dyn Decoder>, body: &[u8], seed: u64, max: usize) -> Vec<StreamEvent> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut cuts = Vec::new();
        let mut at = 0;
        while at < body.len() {
            at += rng.random_range(1..=max);
            cuts.push(at);
        }
        decode_cuts(d, body, &cuts)
    }

    /// Exactly one terminal event, and it is the last.
    pub fn assert_one_terminal(events: &[StreamEvent]) {
        let terminals: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error { .. }))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(terminals, vec![events.len() - 1], "one terminal event, last: {events:#?}");
    }

    /// The events of one answer, added up.
    #[derive(Debug, Default)]
    pub struct Summary {
        pub text: String,
        pub reasoning: String,
        pub calls: Vec<ToolCall>,
        /// Per call index, the concatenated `ToolCallDelta` arguments.
        pub delta_args: Vec<String>,
        pub usage: Option<Usage>,
        pub finish: Option<Finish>,
        pub error: Option<ProviderError>,
    }

    pub fn summarize(events: &[StreamEvent]) -> Summary {
        let mut s = Summary::default();
        for e in events {
            match e {
                StreamEvent::Text { text } => s.text.push_str(text),
                StreamEvent::Reasoning { text } => s.reasoning.push_str(text),
                StreamEvent::ToolCallDelta { index, arguments, .. } => {
                    if s.delta_args.len() <= *index {
                        s.delta_args.resize(index + 1, String::new());
                    }
                    s.delta_args[*index].push_str(arguments);
                }
                StreamEvent::ToolCall { call } => s.calls.push(call.clone()),
                StreamEvent::Usage { usage } => s.usage = Some(*usage),
                StreamEvent::Finish { finish } => s.finish = Some(finish.clone()),
                StreamEvent::Error { error } => s.error = Some(error.clone()),
            }
        }
        s
    }

    /// Decode whole, then in many random splits: every split gives the same events.
    pub fn decode_everywhere(make: fn() -> Box<dyn Decoder>, body: &[u8]) -> Vec<StreamEvent> {
        let whole = decode_cuts(make(), body, &[]);
        assert_one_terminal(&whole);
        for seed in 0..200 {
            let max = 1 + (seed as usize % 23);
            assert_eq!(decode_random(make(), body, seed, max), whole, "seed {seed}, pieces up to {max} bytes");
        }
        // single cut points: every one on small bodies, a spread of them on large ones
        let stride = (body.len() / 2000).max(1);
        for cut in (0..=body.len()).step_by(stride) {
            assert_eq!(decode_cuts(make(), body, &[cut]), whole, "cut at {cut}");
        }
        whole
    }

    /// The report entry about `param` with `action`, or a panic showing the whole report.
    pub fn entry<'a>(m: &'a Mapped, param: &'a str, action: MappingAction) -> &'a crate::run::mapping::MappingEntry {
        m.report
            .about(param)
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("no {action:?} entry for {param}: {:#?}", m.report))
    }

    pub fn sse(events: &[(&str, Value)]) -> Vec<u8> {
        events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect::<String>().into_bytes()
    }
}

use support::*;

fn decoder() -> Box<dyn Decoder> {
    Anthropic.decoder()
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const STREAMS: [&str; 6] = [
    "anthropic/text_haiku-4.5_padded-json.sse",
    "anthropic/tool-use-empty-input_haiku-4.5.sse",
    "anthropic/thinking-then-text_signature-delta_haiku-4.5.sse",
    "anthropic/two-tool-uses-same-turn_haiku-4.5.sse",
    "anthropic/stop-sequence_prefill_haiku-4.5.sse",
    "anthropic/tool-use-with-json-args_haiku-4.5.reconstructed.sse",
];

#[test]
fn every_fixture_stream_matches_its_expectation_however_split() {
    for path in STREAMS {
        let body = fixture(path);
        let want = expected(path);
        let events = decode_everywhere(decoder, &body);
        let s = summarize(&events);
        assert!(s.error.is_none(), "{path}: {:?}", s.error);
        assert_eq!(s.text, want["text"].as_str().unwrap(), "{path}: text");
        assert_eq!(s.reasoning, want["thinking"].as_str().unwrap_or(""), "{path}: thinking");

        let calls = want["tool_calls"].as_array().unwrap();
        assert_eq!(s.calls.len(), calls.len(), "{path}: tool calls");
        for (got, want) in s.calls.iter().zip(calls) {
            assert_eq!(got.id, want["id"].as_str().unwrap(), "{path}");
            assert_eq!(got.name, want["name"].as_str().unwrap(), "{path}");
            assert_eq!(got.arguments, want["input"], "{path}: arguments as parsed JSON");
            assert!(got.arguments_error.is_none());
        }
        // the live deltas add up to the same arguments
        for (call, raw) in s.calls.iter().zip(&s.delta_args) {
            let parsed: Value = if raw.is_empty() { json!({}) } else { serde_json::from_str(raw).unwrap() };
            assert_eq!(parsed, call.arguments, "{path}: deltas");
        }

        let u = &want["usage"];
        let n = |k: &str| u[k].as_u64().unwrap_or(0);
        let usage = s.usage.expect("usage");
        assert_eq!(
            usage.input_tokens,
            n("input_tokens") + n("cache_read_input_tokens") + n("cache_creation_input_tokens")
        );
        assert_eq!(usage.cached_tokens, n("cache_read_input_tokens"));
        assert_eq!(usage.output_tokens, n("output_tokens"), "{path}: final cumulative output tokens");

        let finish = s.finish.expect("finish");
        let raw = want["finish_reason"].as_str().unwrap();
        assert_eq!(finish.raw_reason.as_deref(), Some(raw));
        assert_eq!(finish.reason, finish_reason(raw));
        assert_eq!(finish.served_model.as_deref(), want["model"].as_str());
    }
}

#[test]
fn fixture_finish_reasons_normalise() {
    let reason = |path: &str| summarize(&decode_cuts(decoder(), &fixture(path), &[])).finish.unwrap().reason;
    assert_eq!(reason(STREAMS[0]), FinishReason::Stop);
    assert_eq!(reason(STREAMS[1]), FinishReason::ToolCalls);
    assert_eq!(reason(STREAMS[4]), FinishReason::Stop); // stop_sequence
}

#[test]
fn thinking_signature_is_kept_for_the_next_turn_not_shown() {
    let path = "anthropic/thinking-then-text_signature-delta_haiku-4.5.sse";
    let mut d = AnthropicDecoder::new();
    let mut out = Vec::new();
    d.feed(&fixture(path), &mut out);
    d.finish(&mut out);
    let state = d.provider_state().expect("thinking blocks kept");
    let blocks = state[STATE_KEY].as_array().unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0]["type"], "thinking");
    assert_eq!(blocks[0]["thinking"].as_str(), expected(path)["thinking"].as_str());
    let sig = blocks[0]["signature"].as_str().unwrap();
    assert_eq!(sig.len(), 656);
    let shown = summarize(&out);
    assert!(!shown.reasoning.contains(sig) && !shown.text.contains(sig));

    // ... and sent back before the text of the assistant turn
    let req = ChatRequest {
        model: "claude-haiku-4-5".into(),
        messages: vec![
            Message::user("names?"),
            Message::Assistant { content: shown.text.clone(), tool_calls: vec![], provider_state: Some(state.clone()) },
            Message::user("more"),
        ],
        ..Default::default()
    };
    let body = map("claude-haiku-4-5", &req).request.body;
    let content = &body["messages"][1]["content"];
    assert_eq!(content[0], blocks[0]);
    assert_eq!(content[1], json!({"type": "text", "text": shown.text}));
}

#[test]
fn error_body_fixture() {
    let e = Anthropic.parse_error(404, &fixture("anthropic/error-404_not-found-model.json"));
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.code.as_deref(), Some("not_found_error"));
    assert!(e.message.starts_with("model: claude-sonet-4-5"), "{}", e.message);
    assert!(!e.retryable);
    let e =
        Anthropic.parse_error(529, br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#);
    assert_eq!((e.kind, e.retryable), (ErrorKind::Overloaded, true));
}

// ---------------------------------------------------------------------------------------------
// Hand-written streams for what no fixture shows

fn start(model: &str) -> (&'static str, Value) {
    (
        "message_start",
        json!({"type": "message_start", "message": {"model": model, "usage": {"input_tokens": 10, "output_tokens": 1}}}),
    )
}

fn text_block(index: u64, text: &str) -> Vec<(&'static str, Value)> {
    vec![
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": text}}),
        ),
        ("content_block_stop", json!({"type": "content_block_stop", "index": index})),
    ]
}

fn end(stop_reason: &str, output: u64) -> Vec<(&'static str, Value)> {
    vec![
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null}, "usage": {"output_tokens": output}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]
}

fn stream(parts: Vec<Vec<(&'static str, Value)>>) -> Vec<u8> {
    sse(&parts.concat())
}

#[test]
fn overloaded_error_inside_a_200_stream_is_terminal_and_not_retryable() {
    let body = stream(vec![
        vec![start("claude-sonnet-4-5")],
        text_block(0, "Hel"),
        vec![("error", json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))],
        // anything after the error is ignored
        text_block(1, "lo"),
        end("end_turn", 5),
    ]);
    let events = decode_everywhere(decoder, &body);
    let s = summarize(&events);
    assert_eq!(s.text, "Hel", "the partial text is kept");
    let e = s.error.expect("error");
    assert_eq!((e.kind, e.retryable), (ErrorKind::Overloaded, false));
    assert_eq!(e.code.as_deref(), Some("overloaded_error"));
    assert!(s.finish.is_none());
}

#[test]
fn other_in_stream_errors_keep_their_kind() {
    let body = sse(&[
        start("m"),
        ("error", json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}})),
    ]);
    let e = summarize(&decode_everywhere(decoder, &body)).error.unwrap();
    assert_eq!((e.kind, e.retryable), (ErrorKind::RateLimited, false));
    // an `event: error` whose data has no type still counts, by its event name
    let body = b"event: error\ndata: {\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}\n\n";
    let e = summarize(&decode_everywhere(decoder, body)).error.unwrap();
    assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Stream, "boom"));
}

#[test]
fn redacted_thinking_is_kept_in_order_and_never_shown() {
    let body = stream(vec![
        vec![start("claude-opus-4-1")],
        vec![
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va"}}),
            ),
            ("content_block_stop", json!({"type": "content_block_stop", "index": 0})),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 1, "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 1, "delta": {"type": "thinking_delta", "thinking": "hmm"}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 1, "delta": {"type": "signature_delta", "signature": "c2ln"}}),
            ),
            ("content_block_stop", json!({"type": "content_block_stop", "index": 1})),
        ],
        text_block(2, "Answer"),
        end("end_turn", 50),
    ]);
    let events = decode_everywhere(decoder, &body);
    let s = summarize(&events);
    assert_eq!((s.text.as_str(), s.reasoning.as_str()), ("Answer", "hmm"));
    assert!(!format!("{events:?}").contains("EmwKAhgBEgy3va"), "redacted data is not shown");
    let mut d = AnthropicDecoder::new();
    let mut out = Vec::new();
    d.feed(&body, &mut out);
    assert_eq!(
        d.provider_state().unwrap()[STATE_KEY],
        json!([
            {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va"},
            {"type": "thinking", "thinking": "hmm", "signature": "c2ln"},
        ])
    );
}

#[test]
fn stop_reasons_normalise() {
    for (raw, want) in [
        ("end_turn", FinishReason::Stop),
        ("stop_sequence", FinishReason::Stop),
        ("max_tokens", FinishReason::Length),
        ("tool_use", FinishReason::ToolCalls),
        ("refusal", FinishReason::ContentFilter),
        ("pause_turn", FinishReason::Other),
        ("something_new", FinishReason::Other),
    ] {
        let body = stream(vec![vec![start("m")], text_block(0, "x"), end(raw, 3)]);
        let f = summarize(&decode_everywhere(decoder, &body)).finish.unwrap();
        assert_eq!((f.reason, f.raw_reason.as_deref()), (want, Some(raw)));
        assert_eq!(f.served_model.as_deref(), Some("m"));
    }
}

#[test]
fn cache_tokens_count_as_input_and_cached() {
    let body = sse(&[
        (
            "message_start",
            json!({"type": "message_start", "message": {"model": "m", "usage": {"input_tokens": 10, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 5, "output_tokens": 1}}}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 42}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]);
    let u = summarize(&decode_everywhere(decoder, &body)).usage.unwrap();
    assert_eq!((u.input_tokens, u.cached_tokens, u.output_tokens, u.reasoning_tokens), (115, 100, 42, 0));
}

#[test]
fn a_stream_without_message_stop_is_truncated_and_keeps_its_text() {
    let full = stream(vec![vec![start("m")], text_block(0, "partial answer"), end("end_turn", 3)]);
    let cut = full.len() - "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n".len();
    let s = summarize(&decode_everywhere(decoder, &full[..cut]));
    assert_eq!(s.text, "partial answer");
    assert_eq!(s.error.unwrap().kind, ErrorKind::Truncated);
    // cut in the middle of an event's JSON: still truncation, not a protocol error
    let s = summarize(&decode_everywhere(decoder, &full[..cut - 20]));
    assert_eq!(s.error.unwrap().kind, ErrorKind::Truncated);
    // nothing at all
    assert_eq!(summarize(&decode_everywhere(decoder, b"")).error.unwrap().kind, ErrorKind::Truncated);
}

#[test]
fn bodies_that_are_not_event_streams() {
    let html = b"<!DOCTYPE html><html><head><title>Bad gateway</title></head><body>oops</body></html>";
    let e = summarize(&decode_everywhere(decoder, html)).error.unwrap();
    assert_eq!(e.kind, ErrorKind::Malformed);
    assert!(e.message.contains("HTML"), "{}", e.message);
    let json_err = br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    assert_eq!(summarize(&decode_everywhere(decoder, json_err)).error.unwrap().kind, ErrorKind::Overloaded);
    let e = summarize(&decode_everywhere(decoder, b"event: message_start\ndata: {not json\n\nevent: ping\n"))
        .error
        .unwrap();
    assert_eq!(e.kind, ErrorKind::Malformed);
}

#[test]
fn unknown_events_and_blocks_are_ignored() {
    let body = stream(vec![
        vec![start("m")],
        vec![
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": "{\"q\":1}"}}),
            ),
            ("content_block_stop", json!({"type": "content_block_stop", "index": 0})),
            ("brand_new_event", json!({"type": "brand_new_event", "x": 1})),
            ("ping", json!({"type": "ping"})),
        ],
        text_block(1, "ok"),
        vec![(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "citations_delta", "citation": {}}}),
        )],
        end("end_turn", 3),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "ok");
    assert!(s.calls.is_empty(), "server tool blocks are not the user's tool calls");
    assert_eq!(s.finish.unwrap().reason, FinishReason::Stop);
}

#[test]
fn tool_calls_come_before_finish_even_without_block_stop() {
    let body = sse(&[
        start("m"),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": "{\"a\":"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": "[1,2]}"}}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 9}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ]);
    let events = decode_everywhere(decoder, &body);
    let n = events.len();
    assert!(matches!(&events[n - 2], StreamEvent::ToolCall { call } if call.arguments == json!({"a": [1, 2]})));
    // bad argument JSON is kept as text with a reason, not dropped
    let body = String::from_utf8(body).unwrap().replace("[1,2]}", "[1,2");
    let s = summarize(&decode_everywhere(decoder, body.as_bytes()));
    assert_eq!(s.calls[0].arguments, json!("{\"a\":[1,2"));
    assert!(s.calls[0].arguments_error.is_some());
}

// ---------------------------------------------------------------------------------------------
// Mapping

fn endpoint() -> Endpoint {
    Presets::bundled().get("anthropic").unwrap().clone()
}

fn map(model: &str, req: &ChatRequest) -> Mapped {
    let caps = CapsTable::bundled().lookup(Protocol::Anthropic, model);
    Anthropic.map_request(&endpoint(), &caps, req)
}

#[test]
fn claude_4_5_clamps_temperature_and_drops_top_p() {
    let mut req = ChatRequest::new("claude-sonnet-4-5-20250929", "hi");
    req.system = Some("Be brief.".into());
    req.params.temperature = Some(1.5);
    req.params.top_p = Some(0.9);
    let m = map(&req.model.clone(), &req);
    let b = &m.request.body;
    assert_eq!(m.request.url, "https://api.anthropic.com/v1/messages");
    assert_eq!(b["temperature"], json!(1.0));
    assert!(b.get("top_p").is_none());
    assert_eq!(b["system"], "Be brief.");
    assert_eq!(b["max_tokens"], 4096);
    assert_eq!(b["stream"], true);
    assert_eq!(b["messages"], json!([{"role": "user", "content": [{"type": "text", "text": "hi"}]}]));
    let t = entry(&m, "temperature", MappingAction::Clamped);
    assert_eq!((t.from.clone(), t.to.clone()), (Some(json!(1.5)), Some(json!(1.0))));
    entry(&m, "top_p", MappingAction::Dropped);
    entry(&m, "system", MappingAction::Moved);
    entry(&m, "max_output_tokens", MappingAction::Defaulted);

    let h = &m.request.headers;
    assert!(h.contains(&("anthropic-version".into(), API_VERSION.into())));
    assert!(h.contains(&("accept".into(), "text/event-stream".into())));
    assert!(!h.iter().any(|(k, _)| k == "x-api-key" || k == "authorization"), "never the key");

    // an older model takes both
    let m = map("claude-3-5-haiku-latest", &req);
    assert_eq!((m.request.body["temperature"].clone(), m.request.body["top_p"].clone()), (json!(1.0), json!(0.9)));
}

#[test]
fn thinking_budget_against_max_tokens() {
    let model = "claude-sonnet-4-5";
    let thinking = |budget: Option<u32>, effort: Option<ReasoningEffort>, max: Option<u32>| {
        let mut req = ChatRequest::new(model, "think");
        req.params.thinking_budget = budget;
        req.params.reasoning_effort = effort;
        req.params.max_output_tokens = max;
        req.params.temperature = Some(0.5);
        req.params.top_p = Some(0.5);
        map(model, &req)
    };

    // defaulted max_tokens is raised above the budget, leaving the default for the answer
    let m = thinking(Some(8192), None, None);
    assert_eq!(m.request.body["thinking"], json!({"type": "enabled", "budget_tokens": 8192}));
    assert_eq!(m.request.body["max_tokens"], 8192 + 4096);
    entry(&m, "max_output_tokens", MappingAction::Clamped);
    // sampling is dropped while thinking
    assert!(m.request.body.get("temperature").is_none() && m.request.body.get("top_p").is_none());
    assert!(entry(&m, "temperature", MappingAction::Dropped).reason.contains("thinking"));
    assert!(entry(&m, "top_p", MappingAction::Dropped).reason.contains("thinking"));

    // a chosen max_tokens is kept and the budget clamped
    let m = thinking(Some(8192), None, Some(4000));
    assert_eq!(
        (m.request.body["max_tokens"].clone(), m.request.body["thinking"]["budget_tokens"].clone()),
        (json!(4000), json!(2000))
    );
    entry(&m, "thinking_budget", MappingAction::Clamped);

    // too small for the minimum budget: thinking is off, and sampling stays
    let m = thinking(Some(2048), None, Some(1000));
    assert!(m.request.body.get("thinking").is_none());
    entry(&m, "thinking_budget", MappingAction::Dropped);
    assert_eq!(m.request.body["temperature"], json!(0.5));

    // below Anthropic's minimum
    let m = thinking(Some(500), None, Some(8000));
    assert_eq!(m.request.body["thinking"]["budget_tokens"], 1024);
    entry(&m, "thinking_budget", MappingAction::Clamped);

    // an effort becomes its default budget; the raise stops at the model's ceiling
    let m = thinking(None, Some(ReasoningEffort::High), None);
    assert_eq!(m.request.body["thinking"]["budget_tokens"], 24576);
    assert_eq!(m.request.body["max_tokens"], 24576 + 4096);
    entry(&m, "reasoning_effort", MappingAction::Renamed);
    let m = map("claude-opus-4-1", &{
        let mut r = ChatRequest::new("claude-opus-4-1", "x");
        r.params.thinking_budget = Some(31_000);
        r
    });
    assert_eq!(m.request.body["max_tokens"], 32000, "opus 4 ceiling");
    assert_eq!(m.request.body["thinking"]["budget_tokens"], 31_000);

    // a model without thinking
    let mut req = ChatRequest::new("claude-3-5-haiku-latest", "x");
    req.params.thinking_budget = Some(4096);
    let m = map("claude-3-5-haiku-latest", &req);
    assert!(m.request.body.get("thinking").is_none());
    entry(&m, "thinking_budget", MappingAction::Unsupported);
}

#[test]
fn max_tokens_is_clamped_to_the_model_ceiling() {
    let mut req = ChatRequest::new("claude-3-5-haiku-latest", "x");
    req.params.max_output_tokens = Some(100_000);
    let m = map("claude-3-5-haiku-latest", &req);
    assert_eq!(m.request.body["max_tokens"], 8192);
    entry(&m, "max_output_tokens", MappingAction::Clamped);
}

#[test]
fn stop_seed_and_tools() {
    let mut req = ChatRequest::new("claude-haiku-4-5", "x");
    req.params.stop = vec!["```".into(), "  ".into()];
    req.params.seed = Some(7);
    req.tools = vec![ToolSpec {
        name: "get_weather".into(),
        description: "Weather".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    }];
    req.tool_choice = Some(ToolChoice::Required);
    let m = map("claude-haiku-4-5", &req);
    let b = &m.request.body;
    assert_eq!(b["stop_sequences"], json!(["```"]));
    entry(&m, "stop", MappingAction::Dropped);
    entry(&m, "seed", MappingAction::Unsupported);
    assert!(b.get("seed").is_none());
    assert_eq!(
        b["tools"],
        json!([{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}])
    );
    assert_eq!(b["tool_choice"], json!({"type": "any"}));

    req.tool_choice = Some(ToolChoice::Tool("get_weather".into()));
    assert_eq!(
        map("claude-haiku-4-5", &req).request.body["tool_choice"],
        json!({"type": "tool", "name": "get_weather"})
    );
    req.tool_choice = Some(ToolChoice::None);
    assert_eq!(map("claude-haiku-4-5", &req).request.body["tool_choice"], json!({"type": "none"}));

    // forced tool choice is rejected while thinking
    req.tool_choice = Some(ToolChoice::Required);
    req.params.thinking_budget = Some(2048);
    let m = map("claude-haiku-4-5", &req);
    assert!(m.request.body.get("tool_choice").is_none());
    entry(&m, "tool_choice", MappingAction::Dropped);
}

#[test]
fn response_format_is_a_forced_tool_call_or_unsupported() {
    // Claude 3.5 Haiku has no native structured outputs: the schema becomes a forced tool.
    let model = "claude-3-5-haiku-latest";
    let mut req = ChatRequest::new(model, "x");
    req.response_format = Some(ResponseFormat {
        name: "city info".into(),
        schema: json!({"type": "object", "properties": {"name": {"type": "string"}}}),
        strict: true,
    });
    let m = map(model, &req);
    assert_eq!(m.request.body["tool_choice"], json!({"type": "tool", "name": "city_info"}));
    assert_eq!(m.request.body["tools"][0]["input_schema"]["properties"]["name"]["type"], "string");
    assert!(m.request.body.get("output_config").is_none());
    entry(&m, "response_format", MappingAction::Moved);

    req.tools = vec![ToolSpec { name: "f".into(), description: String::new(), parameters: json!({"type": "object"}) }];
    let m = map(model, &req);
    assert_eq!(m.request.body["tools"].as_array().unwrap().len(), 1, "only the user's tool");
    assert!(m.request.body.get("tool_choice").is_none());
    entry(&m, "response_format", MappingAction::Unsupported);
}

#[test]
fn response_format_is_native_on_models_with_structured_outputs() {
    let mut req = ChatRequest::new("claude-haiku-4-5", "x");
    let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": false});
    req.response_format = Some(ResponseFormat { name: "city".into(), schema: schema.clone(), strict: false });
    // Native structured outputs combine with the user's own tools.
    req.tools = vec![ToolSpec { name: "f".into(), description: String::new(), parameters: json!({"type": "object"}) }];
    let m = map("claude-haiku-4-5", &req);
    assert_eq!(m.request.body["output_config"], json!({"format": {"type": "json_schema", "schema": schema}}));
    assert_eq!(m.request.body["tools"].as_array().unwrap().len(), 1);
    assert!(m.request.body.get("tool_choice").is_none());
    let moved = entry(&m, "response_format", MappingAction::Moved);
    assert_eq!(moved.to, Some(json!("output_config.format")));
    entry(&m, "response_format.strict", MappingAction::Defaulted);
}

#[test]
fn routing_is_reported_not_sent() {
    let mut req = ChatRequest::new("claude-haiku-4-5", "x");
    req.routing = Some(crate::request::Routing { order: vec!["anthropic".into()], ..Default::default() });
    let m = map("claude-haiku-4-5", &req);
    assert!(m.request.body.get("provider").is_none());
    entry(&m, "routing", MappingAction::Unsupported);
}

#[test]
fn multi_turn_with_tools_and_thinking() {
    let state = json!({ STATE_KEY: [{"type": "thinking", "thinking": "plan", "signature": "sig"}, {"type": "bogus"}] });
    let req = ChatRequest {
        model: "claude-sonnet-4-5".into(),
        system: Some("sys".into()),
        messages: vec![
            Message::user("weather in Paris and Rome?"),
            Message::Assistant {
                content: "Checking.".into(),
                tool_calls: vec![
                    ToolCallRequest { id: "toolu_a".into(), name: "w".into(), arguments: json!({"city": "Paris"}) },
                    ToolCallRequest { id: "toolu_b".into(), name: "w".into(), arguments: json!({"city": "Rome"}) },
                ],
                provider_state: Some(state),
            },
            Message::Tool { call_id: "toolu_a".into(), name: "w".into(), content: "sunny".into() },
            Message::Tool { call_id: "toolu_b".into(), name: "w".into(), content: "rainy".into() },
            Message::user("thanks"),
        ],
        ..Default::default()
    };
    let m = map("claude-sonnet-4-5", &req);
    assert_eq!(
        m.request.body["messages"],
        json!([
            {"role": "user", "content": [{"type": "text", "text": "weather in Paris and Rome?"}]},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "plan", "signature": "sig"},
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_a", "name": "w", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "toolu_b", "name": "w", "input": {"city": "Rome"}},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_a", "content": "sunny"},
                {"type": "tool_result", "tool_use_id": "toolu_b", "content": "rainy"},
                {"type": "text", "text": "thanks"},
            ]},
        ])
    );
    // a provider_state written by another protocol is ignored
    let mut req2 = req.clone();
    if let Message::Assistant { provider_state, .. } = &mut req2.messages[1] {
        *provider_state = Some(json!({"gemini_signatures": {"text": "x"}}));
    }
    assert_eq!(map("claude-sonnet-4-5", &req2).request.body["messages"][1]["content"][0]["type"], "text");
}

#[test]
fn preset_headers_may_override_but_never_carry_a_key() {
    let mut ep = endpoint();
    ep.extra_headers.insert("anthropic-version".into(), "2024-01-01".into());
    ep.extra_headers.insert("anthropic-beta".into(), "x".into());
    ep.extra_headers.insert("X-Api-Key".into(), "sk-ant-leak".into());
    let caps = ModelCaps::protocol_default(Protocol::Anthropic);
    let m = Anthropic.map_request(&ep, &caps, &ChatRequest::new("claude-x", "hi"));
    let h = &m.request.headers;
    assert_eq!(h.iter().filter(|(k, _)| k == "anthropic-version").count(), 1);
    assert!(h.contains(&("anthropic-version".into(), "2024-01-01".into())));
    assert!(h.contains(&("anthropic-beta".into(), "x".into())));
    assert!(!format!("{h:?}").contains("sk-ant-leak"));
}

#[test]
fn models_pages() {
    let ep = endpoint();
    assert_eq!(Anthropic.models_url(&ep, None), "https://api.anthropic.com/v1/models?limit=1000");
    assert_eq!(
        Anthropic.models_url(&ep, Some("claude a&b")),
        "https://api.anthropic.com/v1/models?limit=1000&after_id=claude+a%26b"
    );
    let page = Anthropic
        .parse_models(br#"{"data":[{"id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","type":"model"},{"id":"claude-haiku-4-5"}],"has_more":true,"first_id":"claude-sonnet-4-5","last_id":"claude-haiku-4-5"}"#)
        .unwrap();
    assert_eq!(page.models.len(), 2);
    assert_eq!(page.models[0].display_name.as_deref(), Some("Claude Sonnet 4.5"));
    assert_eq!(page.next.as_deref(), Some("claude-haiku-4-5"));
    let last = Anthropic.parse_models(br#"{"data":[],"has_more":false,"last_id":null}"#).unwrap();
    assert_eq!(last.next, None);
    assert_eq!(Anthropic.parse_models(b"<html>").unwrap_err().kind, ErrorKind::Malformed);
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_and_split_the_same(body in proptest::collection::vec(any::<u8>(), 0..600), cuts in proptest::collection::vec(0usize..600, 0..12)) {
        let whole = decode_cuts(decoder(), &body, &[]);
        assert_one_terminal(&whole);
        prop_assert_eq!(decode_cuts(decoder(), &body, &cuts), whole);
    }

    #[test]
    fn mangled_fixtures_never_panic_and_split_the_same(which in 0..STREAMS.len(), cut in any::<prop::sample::Index>(), noise in proptest::collection::vec(any::<u8>(), 0..40), cuts in proptest::collection::vec(0usize..4000, 0..16)) {
        let mut body = fixture(STREAMS[which]);
        let at = cut.index(body.len() + 1);
        body.splice(at..at, noise);
        let whole = decode_cuts(decoder(), &body, &[]);
        assert_one_terminal(&whole);
        prop_assert_eq!(decode_cuts(decoder(), &body, &cuts), whole);
    }

    #[test]
    fn valid_streams_split_anywhere_give_identical_events(which in 0..STREAMS.len(), cuts in proptest::collection::vec(0usize..4000, 0..40)) {
        let body = fixture(STREAMS[which]);
        prop_assert_eq!(decode_cuts(decoder(), &body, &cuts), decode_cuts(decoder(), &body, &[]));
    }
}
