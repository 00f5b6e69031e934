use std::time::Duration;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::catalog::{CapsTable, Presets};
use crate::error::ErrorKind;
use crate::protocol::anthropic::tests::support::*;
use crate::request::{ResponseFormat, ToolCallRequest, ToolSpec};
use crate::run::mapping::MappingAction;

fn decoder() -> Box<dyn Decoder> {
    Gemini.decoder()
}

fn decode_with_state(body: &[u8]) -> (Vec<StreamEvent>, Option<Value>) {
    let mut d = GeminiDecoder::new();
    let mut out = Vec::new();
    d.feed(body, &mut out);
    d.finish(&mut out);
    (out, d.provider_state())
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const STREAMS: [&str; 5] = [
    "gemini/sse-text_crlf_gemini-2.0-flash.sse",
    "gemini/sse-thought-parts_gemini-2.5-pro.sse",
    "gemini/json-array-stream_no-alt-sse_thought_gemini-flash-latest.json-stream",
    "gemini/sse-prompt-blocked_no-candidates.reconstructed.sse",
    "gemini/vertex-sse_streamed-function-call-args_partialArgs.reconstructed.sse",
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
        assert_eq!(s.reasoning, want["thought_text"].as_str().unwrap_or(""), "{path}: thoughts");

        let calls = want["tool_calls"].as_array().unwrap();
        assert_eq!(s.calls.len(), calls.len(), "{path}: tool calls");
        for (i, (got, want)) in s.calls.iter().zip(calls).enumerate() {
            assert_eq!(got.name, want["name"].as_str().unwrap(), "{path}");
            assert_eq!(got.arguments, want["args"], "{path}: arguments as parsed JSON");
            assert_eq!(got.id, format!("call_{i}"), "{path}: synthesized, stable ids");
            let delta: Value = serde_json::from_str(&s.delta_args[i]).unwrap();
            assert_eq!(delta, got.arguments, "{path}: deltas add up to the arguments");
        }

        let u = &want["usage"];
        let n = |k: &str| u[k].as_u64().unwrap_or(0);
        let usage = s.usage.expect("usage");
        assert_eq!(usage.input_tokens, n("promptTokenCount"), "{path}: the LAST snapshot");
        assert_eq!(usage.output_tokens, n("candidatesTokenCount") + n("thoughtsTokenCount"), "{path}");
        assert_eq!(usage.reasoning_tokens, n("thoughtsTokenCount"), "{path}");
        assert_eq!(usage.cached_tokens, n("cachedContentTokenCount"), "{path}");

        let finish = s.finish.expect("finish");
        match want["finish_reason"].as_str() {
            Some(raw) => {
                assert_eq!(finish.raw_reason.as_deref(), Some(raw));
                assert_eq!(finish.reason, finish_reason(raw, !calls.is_empty()));
            }
            None => {
                let block = want["promptFeedback"]["blockReason"].as_str().unwrap();
                assert_eq!((finish.reason, finish.raw_reason.as_deref()), (FinishReason::ContentFilter, Some(block)));
            }
        }
        assert_eq!(finish.served_model.as_deref(), want["model"][0].as_str(), "{path}");
    }
}

#[test]
fn fixture_specifics() {
    // the vertex stream: a tool-call finish, and the first call's signature kept for the next turn
    let (events, state) = decode_with_state(&fixture(STREAMS[4]));
    assert_eq!(summarize(&events).finish.unwrap().reason, FinishReason::ToolCalls);
    let state = state.expect("signature kept");
    assert!(state[STATE_KEY]["calls"][0].as_str().unwrap().starts_with("CiMBjz1r"));
    assert_eq!(state[STATE_KEY]["calls"][1], Value::Null);
    // the array stream's final empty text part carries the signature
    let (_, state) = decode_with_state(&fixture(STREAMS[2]));
    assert!(state.unwrap()[STATE_KEY]["text"].as_str().unwrap().starts_with("Eq0JCqoJ"));
    // the plain stream has none
    assert_eq!(decode_with_state(&fixture(STREAMS[0])).1, None);
}

#[test]
fn error_body_fixtures() {
    let e = Gemini.parse_error(404, &fixture("gemini/error-404_model-not-found.json"));
    assert_eq!((e.kind, e.code.as_deref(), e.retryable), (ErrorKind::NotFound, Some("NOT_FOUND"), false));
    assert!(e.message.starts_with("models/gemini-3.6-flahs is not found"), "{}", e.message);
    let e = Gemini.parse_error(429, &fixture("gemini/error-429_resource-exhausted_retryinfo.json"));
    assert_eq!((e.kind, e.retryable), (ErrorKind::RateLimited, true));
    assert_eq!(e.retry_after, Some(Duration::from_millis(34_400)));
    let body = br#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"20s"}]}}"#;
    assert_eq!(Gemini.parse_error(429, body).retry_after, Some(Duration::from_secs(20)));
}

// ---------------------------------------------------------------------------------------------
// Hand-written streams

fn sse_chunks(chunks: &[Value]) -> Vec<u8> {
    chunks.iter().map(|c| format!("data: {c}\r\n\r\n")).collect::<String>().into_bytes()
}

fn text_chunk(text: &str) -> Value {
    json!({"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}}], "modelVersion": "gemini-2.5-flash"})
}

fn finish_chunk(reason: &str) -> Value {
    json!({"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": reason}],
           "usageMetadata": {"promptTokenCount": 7, "candidatesTokenCount": 3, "cachedContentTokenCount": 4, "thoughtsTokenCount": 2},
           "modelVersion": "gemini-2.5-flash"})
}

#[test]
fn an_error_chunk_is_terminal() {
    let body = sse_chunks(&[
        text_chunk("Hel"),
        json!({"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}),
        text_chunk("lo"),
        finish_chunk("STOP"),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "Hel");
    let e = s.error.unwrap();
    assert_eq!((e.kind, e.retryable, e.message.as_str()), (ErrorKind::Stream, false, "The model is overloaded."));
    assert!(s.finish.is_none());
}

#[test]
fn eof_without_a_finish_reason_is_truncated() {
    let s = summarize(&decode_everywhere(decoder, &sse_chunks(&[text_chunk("The"), text_chunk(" cap")])));
    assert_eq!(s.text, "The cap");
    assert_eq!(s.error.unwrap().kind, ErrorKind::Truncated);
    // cut inside a chunk's JSON
    let body = sse_chunks(&[text_chunk("The"), finish_chunk("STOP")]);
    let s = summarize(&decode_everywhere(decoder, &body[..body.len() - 30]));
    assert_eq!(s.error.unwrap().kind, ErrorKind::Truncated);
    // the last event without its blank line is still complete
    let s = summarize(&decode_everywhere(decoder, &body[..body.len() - 4]));
    assert_eq!(s.finish.unwrap().reason, FinishReason::Stop);
    assert_eq!(summarize(&decode_everywhere(decoder, b"")).error.unwrap().kind, ErrorKind::Truncated);
}

#[test]
fn finish_reasons_normalise() {
    for (raw, want) in [
        ("STOP", FinishReason::Stop),
        ("MAX_TOKENS", FinishReason::Length),
        ("SAFETY", FinishReason::ContentFilter),
        ("RECITATION", FinishReason::ContentFilter),
        ("BLOCKLIST", FinishReason::ContentFilter),
        ("PROHIBITED_CONTENT", FinishReason::ContentFilter),
        ("SPII", FinishReason::ContentFilter),
        ("MALFORMED_FUNCTION_CALL", FinishReason::Other),
        ("OTHER", FinishReason::Other),
    ] {
        let s = summarize(&decode_everywhere(decoder, &sse_chunks(&[text_chunk("x"), finish_chunk(raw)])));
        let f = s.finish.unwrap();
        assert_eq!(
            (f.reason, f.raw_reason.as_deref(), f.served_model.as_deref()),
            (want, Some(raw), Some("gemini-2.5-flash"))
        );
        let u = s.usage.unwrap();
        assert_eq!((u.input_tokens, u.output_tokens, u.reasoning_tokens, u.cached_tokens), (7, 5, 2, 4));
    }
}

#[test]
fn only_the_first_candidate_is_shown() {
    let body = sse_chunks(&[
        json!({"candidates": [
            {"index": 1, "content": {"parts": [{"text": "B"}]}, "finishReason": "SAFETY"},
            {"index": 0, "content": {"parts": [{"text": "A"}]}},
        ]}),
        json!({"candidates": [{"index": 0, "content": {"parts": [{"text": "A2"}]}, "finishReason": "STOP"}, {"index": 1, "content": {"parts": [{"text": "B2"}]}}]}),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "AA2");
    assert_eq!(s.finish.unwrap().reason, FinishReason::Stop);
}

#[test]
fn whole_function_calls_get_stable_ids_and_signatures() {
    let body = sse_chunks(&[json!({"candidates": [{"content": {"role": "model", "parts": [
            {"thought": true, "text": "need weather"},
            {"functionCall": {"name": "w", "args": {"city": "Paris"}}, "thoughtSignature": "sigA"},
            {"functionCall": {"name": "w", "args": {"city": "Rome"}}},
            {"functionCall": {"name": "now"}},
        ]}, "finishReason": "STOP"}], "modelVersion": "gemini-3-pro-preview"})]);
    let events = decode_everywhere(decoder, &body);
    let s = summarize(&events);
    let got: Vec<(String, Value)> = s.calls.iter().map(|c| (c.id.clone(), c.arguments.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("call_0".into(), json!({"city": "Paris"})),
            ("call_1".into(), json!({"city": "Rome"})),
            ("call_2".into(), json!({}))
        ]
    );
    assert_eq!(s.reasoning, "need weather");
    assert_eq!(s.finish.unwrap().reason, FinishReason::ToolCalls);
    let (_, state) = decode_with_state(&body);
    assert_eq!(state.unwrap()[STATE_KEY], json!({"text": null, "calls": ["sigA", null, null]}));
}

#[test]
fn streamed_arguments_of_every_json_type_assemble() {
    let fc = |v: Value| json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": v}]}}]});
    let body = sse_chunks(&[
        fc(json!({"name": "book", "willContinue": true})),
        fc(
            json!({"partialArgs": [{"jsonPath": "$.who.name", "stringValue": "Ad", "willContinue": true}], "willContinue": true}),
        ),
        fc(
            json!({"partialArgs": [{"jsonPath": "$.who.name", "stringValue": "a 北京"}, {"jsonPath": "$.nights", "numberValue": 3}], "willContinue": true}),
        ),
        fc(
            json!({"partialArgs": [{"jsonPath": "$.rooms[1]", "boolValue": true}, {"jsonPath": "$['odd key']", "nullValue": "NULL_VALUE"}, {"jsonPath": "$.rooms[99999999]", "boolValue": true}, {"jsonPath": "bad path", "stringValue": "x"}], "willContinue": true}),
        ),
        fc(json!({})),
        json!({"candidates": [{"content": {"parts": [{"text": "Booked."}]}, "finishReason": "STOP"}]}),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.calls.len(), 1);
    assert_eq!(
        s.calls[0].arguments,
        json!({"who": {"name": "Ada 北京"}, "nights": 3, "rooms": [null, true], "odd key": null})
    );
    assert_eq!(s.text, "Booked.");
}

#[test]
fn a_blocked_prompt_is_a_content_filter_finish() {
    let body = br#"data: {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":5}}"#;
    let f = summarize(&decode_everywhere(decoder, body)).finish.unwrap();
    assert_eq!((f.reason, f.raw_reason.as_deref()), (FinishReason::ContentFilter, Some("SAFETY")));
}

#[test]
fn json_array_streams() {
    let body = format!("[{},\r\n{}\n]", text_chunk("He said \"}]\" ok"), finish_chunk("STOP"));
    let s = summarize(&decode_everywhere(decoder, body.as_bytes()));
    assert_eq!(s.text, "He said \"}]\" ok");
    assert_eq!(s.finish.unwrap().reason, FinishReason::Stop);
    // an error element, and a plain error object without the array
    let body = format!(
        "[{},\n{{\"error\":{{\"code\":500,\"message\":\"Internal error\",\"status\":\"INTERNAL\"}}}}\n]",
        text_chunk("a")
    );
    assert_eq!(summarize(&decode_everywhere(decoder, body.as_bytes())).error.unwrap().message, "Internal error");
    let e = summarize(&decode_everywhere(
        decoder,
        br#"  {"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}"#,
    ))
    .error
    .unwrap();
    assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::Stream, Some("400")));
    // cut inside an element
    let body = format!("[{},\r\n{}", text_chunk("a"), finish_chunk("STOP"));
    let s = summarize(&decode_everywhere(decoder, &body.as_bytes()[..body.len() - 5]));
    assert_eq!((s.text.as_str(), s.error.unwrap().kind), ("a", ErrorKind::Truncated));
    // garbage between elements
    let e = summarize(&decode_everywhere(decoder, format!("[{} x]", text_chunk("a")).as_bytes())).error.unwrap();
    assert_eq!(e.kind, ErrorKind::Malformed);
}

#[test]
fn a_bad_chunk_followed_by_garbage_gives_one_terminal_event() {
    // found by the proptests: the splitter's own error after a failed chunk must not add a second one
    for body in [&b"{:}1"[..], br#"[{"candidates":[]}}, {"x":1}]"#] {
        let events = decode_everywhere(decoder, body);
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(summarize(&events).error.unwrap().kind, ErrorKind::Malformed);
    }
}

#[test]
fn html_is_malformed_not_a_panic() {
    let e = summarize(&decode_everywhere(decoder, b"<html><body>502 Bad Gateway</body></html>")).error.unwrap();
    assert_eq!(e.kind, ErrorKind::Malformed);
    let e = summarize(&decode_everywhere(decoder, b"data: {oops\r\n\r\n")).error.unwrap();
    assert_eq!(e.kind, ErrorKind::Malformed);
}

#[test]
fn json_paths() {
    let keys = |p: &str| {
        parse_json_path(p).map(|segs| {
            segs.into_iter()
                .map(|s| match s {
                    Segment::Key(k) => k,
                    Segment::Index(i) => format!("#{i}"),
                })
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(
        keys("$.a.b[2]['c d'][\"e\"]"),
        Some(vec!["a".into(), "b".into(), "#2".into(), "c d".into(), "e".into()])
    );
    assert_eq!(keys("$"), Some(vec![]));
    for bad in ["a.b", "$..a", "$[x]", "$[1", "$a"] {
        assert_eq!(keys(bad), None, "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// Mapping

fn endpoint() -> Endpoint {
    Presets::bundled().get("gemini").unwrap().clone()
}

fn map(req: &ChatRequest) -> Mapped {
    let caps = CapsTable::bundled().lookup(Protocol::Gemini, &req.model);
    Gemini.map_request(&endpoint(), &caps, req)
}

#[test]
fn basic_request_url_headers_and_system() {
    let mut req = ChatRequest::new("models/gemini-2.0-flash", "hi");
    req.system = Some("Be brief.".into());
    req.params.temperature = Some(2.5);
    req.params.top_p = Some(0.9);
    req.params.max_output_tokens = Some(500);
    req.params.seed = Some(42);
    let m = map(&req);
    assert_eq!(
        m.request.url,
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"
    );
    assert!(!m.request.url.contains("key="));
    assert_eq!(m.request.headers, vec![("content-type".to_string(), "application/json".to_string())]);
    let b = &m.request.body;
    assert_eq!(b["systemInstruction"], json!({"parts": [{"text": "Be brief."}]}));
    assert_eq!(b["contents"], json!([{"role": "user", "parts": [{"text": "hi"}]}]));
    assert_eq!(b["generationConfig"], json!({"temperature": 2.0, "topP": 0.9, "maxOutputTokens": 500, "seed": 42}));
    entry(&m, "system", MappingAction::Moved);
    entry(&m, "temperature", MappingAction::Clamped);
    assert!(b["generationConfig"].get("thinkingConfig").is_none(), "2.0 has no thinking control");
}

#[test]
fn thinking_budget_on_2_5_level_on_3() {
    let mut req = ChatRequest::new("gemini-2.5-flash", "think");
    req.params.reasoning_effort = Some(ReasoningEffort::Low);
    let m = map(&req);
    assert_eq!(
        m.request.body["generationConfig"]["thinkingConfig"],
        json!({"thinkingBudget": 2048, "includeThoughts": true})
    );
    entry(&m, "reasoning_effort", MappingAction::Renamed);
    req.params.thinking_budget = Some(0);
    let m = map(&req);
    assert_eq!(
        m.request.body["generationConfig"]["thinkingConfig"],
        json!({"thinkingBudget": 0, "includeThoughts": true})
    );
    entry(&m, "reasoning_effort", MappingAction::Dropped);

    let mut req = ChatRequest::new("gemini-3-pro-preview", "think");
    req.params.reasoning_effort = Some(ReasoningEffort::High);
    let m = map(&req);
    assert_eq!(
        m.request.body["generationConfig"]["thinkingConfig"],
        json!({"thinkingLevel": "high", "includeThoughts": true})
    );
    req.params.reasoning_effort = None;
    req.params.thinking_budget = Some(2000);
    let m = map(&req);
    assert_eq!(
        m.request.body["generationConfig"]["thinkingConfig"],
        json!({"thinkingLevel": "low", "includeThoughts": true})
    );
    entry(&m, "thinking_budget", MappingAction::Renamed);

    // thoughts are asked for even when no level is set, so they stream
    let m = map(&ChatRequest::new("gemini-2.5-pro", "x"));
    assert_eq!(m.request.body["generationConfig"]["thinkingConfig"], json!({"includeThoughts": true}));

    let mut req = ChatRequest::new("gemini-2.0-flash", "x");
    req.params.thinking_budget = Some(1024);
    entry(&map(&req), "thinking_budget", MappingAction::Unsupported);
}

#[test]
fn stop_sequences_are_limited_and_max_tokens_clamped() {
    let mut req = ChatRequest::new("gemini-2.5-flash", "x");
    req.params.stop = (0..7).map(|i| format!("s{i}")).collect();
    req.params.max_output_tokens = Some(1_000_000);
    let m = map(&req);
    assert_eq!(m.request.body["generationConfig"]["stopSequences"], json!(["s0", "s1", "s2", "s3", "s4"]));
    assert_eq!(m.report.about("stop").filter(|e| e.action == MappingAction::Dropped).count(), 2);
    assert_eq!(m.request.body["generationConfig"]["maxOutputTokens"], 65536);
}

#[test]
fn tools_choice_and_schema_subset() {
    let mut req = ChatRequest::new("gemini-2.5-flash", "x");
    req.tools = vec![ToolSpec {
        name: "w".into(),
        description: "Weather".into(),
        parameters: json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": false,
                           "properties": {"city": {"type": ["string", "null"], "description": "City"}, "days": {"type": "array", "items": {"type": "integer", "maximum": 7}}},
                           "required": ["city"]}),
    }];
    req.tool_choice = Some(ToolChoice::Tool("w".into()));
    let m = map(&req);
    let b = &m.request.body;
    assert_eq!(
        b["tools"],
        json!([{"functionDeclarations": [{"name": "w", "description": "Weather", "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "nullable": true, "description": "City"}, "days": {"type": "array", "items": {"type": "integer", "maximum": 7}}},
            "required": ["city"]}}]}])
    );
    assert_eq!(b["toolConfig"], json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["w"]}}));
    let dropped = entry(&m, "tools", MappingAction::Dropped);
    assert_eq!(dropped.from, Some(json!(["$schema", "additionalProperties"])));

    for (choice, mode) in [(ToolChoice::Auto, "AUTO"), (ToolChoice::None, "NONE"), (ToolChoice::Required, "ANY")] {
        req.tool_choice = Some(choice);
        assert_eq!(map(&req).request.body["toolConfig"]["functionCallingConfig"], json!({"mode": mode}));
    }
    req.tools.clear();
    let m = map(&req);
    assert!(m.request.body.get("toolConfig").is_none());
    entry(&m, "tool_choice", MappingAction::Dropped);
}

#[test]
fn response_format_is_a_mime_type_and_schema() {
    let mut req = ChatRequest::new("gemini-2.5-flash", "x");
    req.response_format = Some(ResponseFormat {
        name: "city".into(),
        schema: json!({"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": false}),
        strict: true,
    });
    let m = map(&req);
    let c = &m.request.body["generationConfig"];
    assert_eq!(c["responseMimeType"], "application/json");
    assert_eq!(c["responseSchema"], json!({"type": "object", "properties": {"name": {"type": "string"}}}));
    entry(&m, "response_format", MappingAction::Dropped);
}

#[test]
fn multi_turn_with_function_calls_and_signatures() {
    let req = ChatRequest {
        model: "gemini-3-pro-preview".into(),
        messages: vec![
            Message::user("weather in Paris and Rome?"),
            Message::Assistant {
                content: String::new(),
                tool_calls: vec![
                    ToolCallRequest { id: "call_0".into(), name: "w".into(), arguments: json!({"city": "Paris"}) },
                    ToolCallRequest { id: "call_1".into(), name: "w".into(), arguments: json!({"city": "Rome"}) },
                ],
                provider_state: Some(json!({ STATE_KEY: {"text": null, "calls": ["sigA", null]} })),
            },
            Message::Tool { call_id: "call_0".into(), name: "w".into(), content: r#"{"temp": 21}"#.into() },
            Message::Tool { call_id: "call_1".into(), name: "w".into(), content: "rainy".into() },
            Message::Assistant {
                content: "Paris is warm.".into(),
                tool_calls: vec![],
                provider_state: Some(json!({ STATE_KEY: {"text": "sigT"} })),
            },
            Message::user("thanks"),
        ],
        ..Default::default()
    };
    assert_eq!(
        map(&req).request.body["contents"],
        json!([
            {"role": "user", "parts": [{"text": "weather in Paris and Rome?"}]},
            {"role": "model", "parts": [
                {"functionCall": {"name": "w", "args": {"city": "Paris"}}, "thoughtSignature": "sigA"},
                {"functionCall": {"name": "w", "args": {"city": "Rome"}}},
            ]},
            {"role": "user", "parts": [
                {"functionResponse": {"name": "w", "response": {"temp": 21}}},
                {"functionResponse": {"name": "w", "response": {"result": "rainy"}}},
            ]},
            {"role": "model", "parts": [{"text": "Paris is warm.", "thoughtSignature": "sigT"}]},
            {"role": "user", "parts": [{"text": "thanks"}]},
        ])
    );
}

#[test]
fn decoded_state_goes_back_in_the_next_request() {
    let (events, state) = decode_with_state(&fixture(STREAMS[4]));
    let s = summarize(&events);
    let calls = s
        .calls
        .iter()
        .map(|c| ToolCallRequest { id: c.id.clone(), name: c.name.clone(), arguments: c.arguments.clone() })
        .collect();
    let req = ChatRequest {
        model: "gemini-3-pro-preview".into(),
        messages: vec![
            Message::user("q"),
            Message::Assistant { content: s.text, tool_calls: calls, provider_state: state },
        ],
        ..Default::default()
    };
    let parts = &map(&req).request.body["contents"][1]["parts"];
    assert!(parts[0]["thoughtSignature"].as_str().unwrap().starts_with("CiMBjz1r"));
    assert_eq!(parts[1]["functionCall"]["args"], json!({"location": "San Francisco"}));
}

#[test]
fn models_pages() {
    let ep = endpoint();
    assert_eq!(Gemini.models_url(&ep, None), "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000");
    assert!(Gemini.models_url(&ep, Some("a/b=")).ends_with("?pageSize=1000&pageToken=a%2Fb%3D"));
    let page = Gemini
        .parse_models(br#"{"models":[
            {"name":"models/gemini-2.5-pro","displayName":"Gemini 2.5 Pro","inputTokenLimit":1048576,"supportedGenerationMethods":["generateContent","countTokens"]},
            {"name":"models/text-embedding-004","supportedGenerationMethods":["embedContent"]},
            {"name":"models/gemini-x"}],
          "nextPageToken":"tok"}"#)
        .unwrap();
    let ids: Vec<&str> = page.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["gemini-2.5-pro", "gemini-x"]);
    assert_eq!(page.models[0].display_name.as_deref(), Some("Gemini 2.5 Pro"));
    assert_eq!(page.models[0].context_length, Some(1048576));
    assert_eq!(page.next.as_deref(), Some("tok"));
    assert_eq!(Gemini.parse_models(br#"{"models":[],"nextPageToken":""}"#).unwrap().next, None);
    assert_eq!(Gemini.parse_models(b"nope").unwrap_err().kind, ErrorKind::Malformed);
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
    fn json_shaped_bytes_never_panic_and_split_the_same(body in "[\\[\\]{}\",: \\\\a1\r\n]{0,200}", cuts in proptest::collection::vec(0usize..200, 0..12)) {
        let whole = decode_cuts(decoder(), body.as_bytes(), &[]);
        assert_one_terminal(&whole);
        prop_assert_eq!(decode_cuts(decoder(), body.as_bytes(), &cuts), whole);
    }

    #[test]
    fn mangled_fixtures_never_panic_and_split_the_same(which in 0..STREAMS.len(), cut in any::<prop::sample::Index>(), noise in proptest::collection::vec(any::<u8>(), 0..40), cuts in proptest::collection::vec(0usize..20000, 0..16)) {
        let mut body = fixture(STREAMS[which]);
        let at = cut.index(body.len() + 1);
        body.splice(at..at, noise);
        let whole = decode_cuts(decoder(), &body, &[]);
        assert_one_terminal(&whole);
        prop_assert_eq!(decode_cuts(decoder(), &body, &cuts), whole);
    }

    #[test]
    fn valid_streams_split_anywhere_give_identical_events(which in 0..STREAMS.len(), cuts in proptest::collection::vec(0usize..20000, 0..40)) {
        let body = fixture(STREAMS[which]);
        prop_assert_eq!(decode_cuts(decoder(), &body, &cuts), decode_cuts(decoder(), &body, &[]));
    }
}
