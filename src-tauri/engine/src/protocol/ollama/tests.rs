use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::request::ToolSpec;
use crate::catalog::{CapsTable, Presets};
use crate::error::ErrorKind;
use crate::protocol::anthropic::tests::support::*;
use crate::request::{ResponseFormat, ToolCallRequest};
use crate::run::mapping::MappingAction;

fn decoder() -> Box<dyn Decoder> {
    Ollama.decoder()
}

// ---------------------------------------------------------------------------------------------
// Mapping

fn endpoint() -> Endpoint {
    Presets::bundled().get("ollama-native").expect("bundled preset").clone()
}

fn map(req: &ChatRequest) -> Mapped {
    let caps = CapsTable::bundled().lookup(Protocol::Ollama, &req.model);
    Ollama.map_request(&endpoint(), &caps, req)
}

fn weather_tool() -> ToolSpec {
    ToolSpec {
        name: "get_weather".into(),
        description: "Weather in a city".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    }
}

#[test]
fn url_headers_messages_and_options() {
    let mut req = ChatRequest::new("llama3.2:3b", "hi");
    req.system = Some("Be brief.".into());
    req.params.temperature = Some(0.3);
    req.params.top_p = Some(0.9);
    req.params.max_output_tokens = Some(200);
    req.params.seed = Some(42);
    req.params.stop = vec!["END".into(), "STOP".into()];
    let m = map(&req);
    assert_eq!(m.request.url, "http://localhost:11434/api/chat");
    assert!(m.request.headers.contains(&("accept".into(), "application/x-ndjson".into())));
    assert!(!m.request.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")));
    assert_eq!(
        m.request.body,
        json!({
            "model": "llama3.2:3b",
            "stream": true,
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
            "options": {"temperature": 0.3, "top_p": 0.9, "num_predict": 200, "seed": 42, "stop": ["END", "STOP"]},
        })
    );
    let e = entry(&m, "max_output_tokens", MappingAction::Renamed);
    assert_eq!(e.to, Some(json!("options.num_predict")));
    assert_eq!(m.report.0.len(), 1, "only the rename is a change: {:#?}", m.report);
}

#[test]
fn nothing_optional_is_sent_unasked() {
    let mut req = ChatRequest::new("llama3.2", "hi");
    req.system = Some("  ".into());
    let m = map(&req);
    assert_eq!(
        m.request.body,
        json!({"model": "llama3.2", "stream": true, "messages": [{"role": "user", "content": "hi"}]})
    );
    assert!(m.report.is_empty());
}

#[test]
fn sampling_is_clamped_or_dropped() {
    let mut req = ChatRequest::new("llama3.2", "hi");
    req.params.temperature = Some(3.5);
    req.params.top_p = Some(f64::NAN);
    let m = map(&req);
    assert_eq!(m.request.body["options"], json!({"temperature": 2.0}));
    assert_eq!(entry(&m, "temperature", MappingAction::Clamped).to, Some(json!(2.0)));
    entry(&m, "top_p", MappingAction::Dropped);

    let mut caps = CapsTable::bundled().lookup(Protocol::Ollama, "llama3.2");
    caps.temperature = false;
    caps.max_output_tokens = Some(100);
    req.params = Params { temperature: Some(0.5), max_output_tokens: Some(500), ..Params::default() };
    let m = Ollama.map_request(&endpoint(), &caps, &req);
    assert_eq!(m.request.body["options"], json!({"num_predict": 100}));
    entry(&m, "temperature", MappingAction::Dropped);
    assert_eq!(entry(&m, "max_output_tokens", MappingAction::Clamped).to, Some(json!(100)));
}

#[test]
fn history_with_tool_calls_and_results() {
    let mut req = ChatRequest::new("qwen3:8b", "Weather in Paris and Tokyo?");
    req.messages.push(Message::Assistant {
        content: String::new(),
        tool_calls: vec![
            ToolCallRequest { id: "call_0".into(), name: "get_weather".into(), arguments: json!({"city": "Paris"}) },
            // kept as raw text by the decoder; it holds an object, which is what Ollama takes
            ToolCallRequest {
                id: "call_1".into(),
                name: "get_weather".into(),
                arguments: json!("{\"city\":\"Tokyo\"}"),
            },
        ],
        provider_state: None,
    });
    req.messages.push(Message::Tool { call_id: "call_0".into(), name: "get_weather".into(), content: "18°C".into() });
    req.messages.push(Message::Tool { call_id: "call_1".into(), name: "get_weather".into(), content: "22°C".into() });
    let m = map(&req);
    assert_eq!(
        m.request.body["messages"],
        json!([
            {"role": "user", "content": "Weather in Paris and Tokyo?"},
            {"role": "assistant", "content": "", "tool_calls": [
                {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}},
            ]},
            {"role": "tool", "content": "18°C", "tool_name": "get_weather"},
            {"role": "tool", "content": "22°C", "tool_name": "get_weather"},
        ])
    );
    entry(&m, "call_id", MappingAction::Dropped);
    assert!(m.report.about("messages").next().is_none(), "nothing else changed: {:#?}", m.report);
}

#[test]
fn unusable_arguments_and_provider_state_are_reported() {
    let mut req = ChatRequest::new("llama3.2", "hi");
    req.messages.push(Message::Assistant {
        content: "ok".into(),
        tool_calls: vec![ToolCallRequest { id: "c".into(), name: "f".into(), arguments: json!("not json") }],
        provider_state: Some(json!({"anthropic_thinking": []})),
    });
    let m = map(&req);
    assert_eq!(m.request.body["messages"][1]["tool_calls"][0]["function"]["arguments"], json!({}));
    assert_eq!(entry(&m, "messages", MappingAction::Dropped).from, Some(json!("messages[1].tool_calls[0].arguments")));
    entry(&m, "provider_state", MappingAction::Dropped);
}

#[test]
fn tools_in_openai_function_shape() {
    let mut req = ChatRequest::new("llama3.2", "weather?");
    req.tools = vec![weather_tool()];
    let m = map(&req);
    assert_eq!(
        m.request.body["tools"],
        json!([{"type": "function", "function": {
            "name": "get_weather",
            "description": "Weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        }}])
    );
    assert!(m.request.body.get("tool_choice").is_none());
    assert!(m.report.is_empty());
}

#[test]
fn tool_choice_has_no_ollama_field() {
    let with = |choice: ToolChoice| {
        let mut req = ChatRequest::new("llama3.2", "weather?");
        req.tools = vec![weather_tool()];
        req.tool_choice = Some(choice);
        map(&req)
    };
    let m = with(ToolChoice::Auto);
    assert!(m.request.body.get("tools").is_some() && m.request.body.get("tool_choice").is_none());
    assert_eq!(entry(&m, "tool_choice", MappingAction::Dropped).from, Some(json!("auto")));

    let m = with(ToolChoice::None);
    assert!(m.request.body.get("tools").is_none(), "none is expressed by leaving the tools out");
    assert_eq!(entry(&m, "tools", MappingAction::Dropped).from, Some(json!(["get_weather"])));
    entry(&m, "tool_choice", MappingAction::Dropped);

    let m = with(ToolChoice::Required);
    assert!(m.request.body.get("tools").is_some());
    assert_eq!(entry(&m, "tool_choice", MappingAction::Unsupported).from, Some(json!("required")));

    let m = with(ToolChoice::Tool("get_weather".into()));
    assert!(m.request.body.get("tools").is_some());
    assert_eq!(entry(&m, "tool_choice", MappingAction::Unsupported).from, Some(json!("get_weather")));

    let mut req = ChatRequest::new("llama3.2", "hi");
    req.tool_choice = Some(ToolChoice::Required);
    entry(&map(&req), "tool_choice", MappingAction::Dropped);

    let mut caps = CapsTable::bundled().lookup(Protocol::Ollama, "gemma:2b");
    caps.tools = false;
    req.tools = vec![weather_tool()];
    let m = Ollama.map_request(&endpoint(), &caps, &req);
    assert!(m.request.body.get("tools").is_none());
    entry(&m, "tools", MappingAction::Dropped);
    entry(&m, "tool_choice", MappingAction::Dropped);
}

fn think_of(model: &str, effort: Option<ReasoningEffort>, budget: Option<u32>) -> Mapped {
    let mut req = ChatRequest::new(model, "think");
    req.params.reasoning_effort = effort;
    req.params.thinking_budget = budget;
    map(&req)
}

#[test]
fn think_is_sent_only_to_models_that_think() {
    let m = think_of("llama3.2", Some(ReasoningEffort::High), Some(2048));
    assert!(m.request.body.get("think").is_none(), "Ollama rejects think for this model");
    entry(&m, "reasoning_effort", MappingAction::Unsupported);
    entry(&m, "thinking_budget", MappingAction::Unsupported);
    assert!(think_of("qwen3:8b", None, None).request.body.get("think").is_none());
}

#[test]
fn think_switches_on_and_off() {
    let m = think_of("qwen3:8b", Some(ReasoningEffort::Low), None);
    assert_eq!(m.request.body["think"], json!(true));
    let e = entry(&m, "reasoning_effort", MappingAction::Renamed);
    assert_eq!((e.from.clone(), e.to.clone()), (Some(json!("low")), Some(json!({"think": true}))));

    let m = think_of("deepseek-r1:8b", None, Some(5000));
    assert_eq!(m.request.body["think"], json!(true));
    assert_eq!(entry(&m, "thinking_budget", MappingAction::Renamed).to, Some(json!({"think": true})));

    let m = think_of("qwen3", None, Some(0));
    assert_eq!(m.request.body["think"], json!(false));
    assert_eq!(entry(&m, "thinking_budget", MappingAction::Renamed).to, Some(json!({"think": false})));

    let m = think_of("qwen3", Some(ReasoningEffort::High), Some(0));
    assert_eq!(m.request.body["think"], json!(true), "the effort wins");
    entry(&m, "thinking_budget", MappingAction::Dropped);
}

#[test]
fn gpt_oss_takes_a_level() {
    let m = think_of("gpt-oss:20b", Some(ReasoningEffort::High), None);
    assert_eq!(m.request.body["think"], json!("high"));
    assert_eq!(entry(&m, "reasoning_effort", MappingAction::Renamed).to, Some(json!({"think": "high"})));

    let m = think_of("gpt-oss:20b", Some(ReasoningEffort::Minimal), Some(30000));
    assert_eq!(m.request.body["think"], json!("low"));
    assert_eq!(entry(&m, "reasoning_effort", MappingAction::Clamped).to, Some(json!({"think": "low"})));
    entry(&m, "thinking_budget", MappingAction::Dropped);

    for (budget, level) in [(1000, "low"), (8192, "medium"), (24576, "high")] {
        let m = think_of("gpt-oss:120b", None, Some(budget));
        assert_eq!(m.request.body["think"], json!(level), "budget {budget}");
        assert_eq!(entry(&m, "thinking_budget", MappingAction::Renamed).to, Some(json!({"think": level})));
    }
}

#[test]
fn response_schema_is_the_format() {
    let mut req = ChatRequest::new("llama3.2", "json please");
    let schema = json!({"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]});
    req.response_format = Some(ResponseFormat { name: "person".into(), schema: schema.clone(), strict: true });
    let m = map(&req);
    assert_eq!(m.request.body["format"], schema);
    let e = entry(&m, "response_format", MappingAction::Renamed);
    assert_eq!((e.from.clone(), e.to.clone()), (Some(json!("person")), Some(json!("format"))));
}

#[test]
fn preset_headers_but_never_credentials() {
    let mut ep = endpoint();
    ep.extra_headers.insert("X-Team".into(), "ml".into());
    ep.extra_headers.insert("Authorization".into(), "Bearer sk-leak".into());
    let caps = CapsTable::bundled().lookup(Protocol::Ollama, "llama3.2");
    let m = Ollama.map_request(&ep, &caps, &ChatRequest::new("llama3.2", "hi"));
    assert!(m.request.headers.contains(&("X-Team".into(), "ml".into())));
    assert!(!m.request.headers.iter().any(|(_, v)| v.contains("sk-leak")));
}

// ---------------------------------------------------------------------------------------------
// Decoding: streams written after Ollama's documented `/api/chat` responses

/// NDJSON: one object per line.
fn ndjson(lines: &[Value]) -> Vec<u8> {
    lines.iter().map(|l| format!("{l}\n")).collect::<String>().into_bytes()
}

fn chunk(message: Value) -> Value {
    json!({"model": "llama3.2", "created_at": "2025-06-01T10:00:00.000000Z", "message": message, "done": false})
}

fn text(t: &str) -> Value {
    chunk(json!({"role": "assistant", "content": t}))
}

fn done(reason: &str) -> Value {
    json!({
        "model": "llama3.2", "created_at": "2025-06-01T10:00:01.000000Z",
        "message": {"role": "assistant", "content": ""},
        "done": true, "done_reason": reason,
        "total_duration": 4883583458u64, "load_duration": 1334875, "prompt_eval_count": 26,
        "prompt_eval_duration": 342546000, "eval_count": 282, "eval_duration": 4535599000u64,
    })
}

fn text_stream() -> Vec<u8> {
    ndjson(&[text("The"), text(" sky is"), text(" blue, ünïcode ✓."), done("stop")])
}

#[test]
fn text_usage_and_finish() {
    let events = decode_everywhere(decoder, &text_stream());
    let s = summarize(&events);
    assert_eq!(s.text, "The sky is blue, ünïcode ✓.");
    let usage = s.usage.expect("usage");
    assert_eq!((usage.input_tokens, usage.output_tokens, usage.reasoning_tokens), (26, 282, 0));
    let f = s.finish.expect("finish");
    assert_eq!(
        (f.reason, f.raw_reason.as_deref(), f.served_model.as_deref()),
        (FinishReason::Stop, Some("stop"), Some("llama3.2"))
    );
    assert!(matches!(events[events.len() - 2], StreamEvent::Usage { .. }), "usage comes just before the finish");
}

#[test]
fn one_byte_at_a_time() {
    let body = text_stream();
    let cuts: Vec<usize> = (1..body.len()).collect();
    assert_eq!(decode_cuts(decoder(), &body, &cuts), decode_cuts(decoder(), &body, &[]));
}

#[test]
fn crlf_and_blank_lines_change_nothing() {
    let lf = decode_all(Protocol::Ollama, &text_stream());
    let crlf = String::from_utf8(text_stream()).unwrap().replace('\n', "\r\n\r\n");
    let crlf = format!("\r\n{crlf}\n  \n");
    assert_eq!(decode_everywhere(decoder, crlf.as_bytes()), lf);
}

#[test]
fn last_line_without_newline_still_counts() {
    let mut body = text_stream();
    body.pop();
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.finish.map(|f| f.reason), Some(FinishReason::Stop));
}

#[test]
fn thinking_streams_as_reasoning() {
    let think = |t: &str| chunk(json!({"role": "assistant", "content": "", "thinking": t}));
    let body = ndjson(&[think("Let me"), think(" count."), text("Three"), text("."), done("stop")]);
    let events = decode_everywhere(decoder, &body);
    let s = summarize(&events);
    assert_eq!((s.reasoning.as_str(), s.text.as_str()), ("Let me count.", "Three."));
    assert!(matches!(&events[0], StreamEvent::Reasoning { text } if text == "Let me"));
}

#[test]
fn whole_tool_calls_get_ids_by_order() {
    let call =
        |city: &str| json!({"function": {"name": "get_weather", "arguments": {"city": city, "unit": "celsius"}}});
    let body = ndjson(&[
        chunk(json!({"role": "assistant", "content": "", "tool_calls": [call("Paris")]})),
        chunk(json!({"role": "assistant", "content": "", "tool_calls": [call("Tokyo")]})),
        done("stop"),
    ]);
    let events = decode_everywhere(decoder, &body);
    let s = summarize(&events);
    let got: Vec<(&str, &str, &Value)> =
        s.calls.iter().map(|c| (c.id.as_str(), c.name.as_str(), &c.arguments)).collect();
    assert_eq!(
        got,
        vec![
            ("call_0", "get_weather", &json!({"city": "Paris", "unit": "celsius"})),
            ("call_1", "get_weather", &json!({"city": "Tokyo", "unit": "celsius"})),
        ]
    );
    assert!(s.calls.iter().all(|c| c.arguments_error.is_none()));
    let f = s.finish.expect("finish");
    assert_eq!((f.reason, f.raw_reason.as_deref()), (FinishReason::ToolCalls, Some("stop")));
    let last_call = events.iter().rposition(|e| matches!(e, StreamEvent::ToolCall { .. })).unwrap();
    let finish = events.iter().position(|e| matches!(e, StreamEvent::Finish { .. })).unwrap();
    assert!(last_call < finish);
}

#[test]
fn odd_tool_call_shapes() {
    let body = ndjson(&[
        chunk(json!({"content": "", "tool_calls": [
            {"id": "call_abc", "function": {"index": 0, "name": "a", "arguments": "{\"x\":1}"}},
            {"function": {"name": "b"}},
            {"function": {"name": "c", "arguments": "{broken"}},
        ]})),
        done("stop"),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.calls[0].id, "call_abc", "a server-sent id is kept");
    assert_eq!(s.calls[0].arguments, json!({"x": 1}));
    assert_eq!((s.calls[1].id.as_str(), &s.calls[1].arguments), ("call_1", &json!({})));
    assert!(s.calls[2].arguments_error.is_some());
}

#[test]
fn length_and_other_reasons() {
    let s = summarize(&decode_all(Protocol::Ollama, &ndjson(&[text("cut"), done("length")])));
    assert_eq!(s.finish.unwrap().reason, FinishReason::Length);
    let s = summarize(&decode_all(Protocol::Ollama, &ndjson(&[done("load")])));
    assert_eq!(s.finish.unwrap().reason, FinishReason::Other);
    // no counts at all (a fully cached prompt and nothing generated): no usage event
    let s = summarize(&decode_all(Protocol::Ollama, b"{\"model\":\"m\",\"done\":true}\n"));
    assert_eq!((s.usage, s.finish.map(|f| f.reason)), (None, Some(FinishReason::Stop)));
}

#[test]
fn error_line_mid_stream_keeps_the_text() {
    let body = ndjson(&[
        text("Hello"),
        text(" there"),
        json!({"error": "model requires more system memory (5.5 GiB) than is available (3.1 GiB)"}),
        text("never shown"),
        done("stop"),
    ]);
    let events = decode_everywhere(decoder, &body);
    let s = summarize(&events);
    assert_eq!(s.text, "Hello there");
    let e = s.error.expect("error");
    assert_eq!((e.kind, e.retryable), (ErrorKind::Server, false));
    assert!(e.message.contains("system memory") && e.message.contains("smaller model"), "{}", e.message);
    assert!(s.finish.is_none());

    let s = summarize(&decode_all(Protocol::Ollama, &ndjson(&[json!({"error": "something broke"})])));
    assert_eq!(s.error.map(|e| e.kind), Some(ErrorKind::Stream));
}

#[test]
fn a_line_that_is_not_json_is_malformed() {
    let mut body = ndjson(&[text("Hello")]);
    body.extend_from_slice(b"this is not json\n");
    body.extend(ndjson(&[text(" more"), done("stop")]));
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "Hello");
    let e = s.error.expect("error");
    assert_eq!(e.kind, ErrorKind::Malformed);
    assert!(e.message.contains("this is not json"), "{}", e.message);

    let s = summarize(&decode_all(Protocol::Ollama, b"[1,2]\n"));
    assert_eq!(s.error.map(|e| e.kind), Some(ErrorKind::Malformed));
    let html = b"<!DOCTYPE html>\n<html><head><title>Oops</title></head></html>\n";
    let e = summarize(&decode_everywhere(decoder, html)).error.expect("error");
    assert_eq!(e.kind, ErrorKind::Malformed);
    assert!(e.message.contains("HTML page"), "{}", e.message);
}

#[test]
fn eof_without_done_is_truncated() {
    let s = summarize(&decode_everywhere(decoder, &ndjson(&[text("Hello"), text(" wor")])));
    assert_eq!(s.text, "Hello wor");
    assert_eq!(s.error.map(|e| e.kind), Some(ErrorKind::Truncated));

    // cut in the middle of the last line
    let body = text_stream();
    let cut = &body[..body.len() - 20];
    let s = summarize(&decode_everywhere(decoder, cut));
    assert_eq!(s.text, "The sky is blue, ünïcode ✓.");
    assert_eq!(s.error.map(|e| e.kind), Some(ErrorKind::Truncated));

    let s = summarize(&decode_all(Protocol::Ollama, b""));
    assert_eq!(s.error.map(|e| e.kind), Some(ErrorKind::Truncated));
}

#[test]
fn input_after_done_is_ignored() {
    let mut body = text_stream();
    body.extend(ndjson(&[text("late"), json!({"error": "late"})]));
    body.extend_from_slice(b"garbage");
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!((s.text.as_str(), s.error.is_none()), ("The sky is blue, ünïcode ✓.", true));
}

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
    fn mangled_streams_never_panic_and_split_the_same(cut in any::<prop::sample::Index>(), noise in proptest::collection::vec(any::<u8>(), 0..40), cuts in proptest::collection::vec(0usize..2000, 0..16)) {
        let mut body = text_stream();
        let at = cut.index(body.len() + 1);
        body.splice(at..at, noise);
        let whole = decode_cuts(decoder(), &body, &[]);
        assert_one_terminal(&whole);
        prop_assert_eq!(decode_cuts(decoder(), &body, &cuts), whole);
    }
}

// ---------------------------------------------------------------------------------------------
// Error bodies

#[test]
fn missing_model_says_to_pull_it() {
    let e = Ollama.parse_error(404, br#"{"error":"model \"llama3:70b\" not found, try pulling it first"}"#);
    assert_eq!((e.kind, e.status, e.retryable), (ErrorKind::NotFound, Some(404), false));
    assert!(e.message.starts_with("model \"llama3:70b\" not found"), "{}", e.message);
    assert!(e.message.contains("`ollama pull llama3:70b`"), "{}", e.message);
    // older servers quote with '
    let e = Ollama.parse_error(404, br#"{"error":"model 'qwen3' not found, try pulling it first"}"#);
    assert!(e.message.contains("`ollama pull qwen3`"), "{}", e.message);
    // a 404 that is not about a model keeps the generic advice
    let e = Ollama.parse_error(404, b"404 page not found");
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(!e.message.contains("ollama pull"), "{}", e.message);
}

#[test]
fn other_error_bodies() {
    let e = Ollama
        .parse_error(500, br#"{"error":"model requires more system memory (5.5 GiB) than is available (3.1 GiB)"}"#);
    assert_eq!((e.kind, e.retryable), (ErrorKind::Server, false), "retrying will not free memory");
    assert!(e.message.contains("ollama stop"), "{}", e.message);
    let e = Ollama.parse_error(400, br#"{"error":"registry.ollama.ai/library/gemma:2b does not support tools"}"#);
    assert_eq!((e.kind, e.retryable), (ErrorKind::InvalidRequest, false));
    assert!(e.message.contains("does not support tools"));
    let e = Ollama.parse_error(502, b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
    assert_eq!((e.kind, e.retryable), (ErrorKind::Server, true));
    assert!(e.message.contains("HTML page"), "{}", e.message);
    let e = Ollama.parse_error(503, b"");
    assert!(e.message.contains("empty body") && e.retryable, "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// Models

#[test]
fn models_from_api_tags() {
    assert_eq!(Ollama.models_url(&endpoint(), None), "http://localhost:11434/api/tags");
    let body = json!({"models": [
        {"name": "deepseek-r1:latest", "model": "deepseek-r1:latest", "modified_at": "2025-05-10T08:06:48.639712648-07:00",
         "size": 4683075271u64, "digest": "0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163",
         "details": {"parent_model": "", "format": "gguf", "family": "qwen2", "families": ["qwen2"],
                     "parameter_size": "7.6B", "quantization_level": "Q4_K_M"}},
        {"name": "llama3.2:3b", "model": "llama3.2:3b"},
        {"model": "only-model-field"},
        {"size": 1},
    ]});
    let page = Ollama.parse_models(body.to_string().as_bytes()).unwrap();
    let ids: Vec<&str> = page.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["deepseek-r1:latest", "llama3.2:3b", "only-model-field"]);
    assert_eq!(page.models[0].display_name.as_deref(), Some("deepseek-r1:latest (7.6B Q4_K_M)"));
    assert_eq!(page.models[1].display_name, None);
    assert_eq!(page.next, None);

    assert!(Ollama.parse_models(br#"{"models":[]}"#).unwrap().models.is_empty());
    assert!(Ollama.parse_models(br#"{"models":null}"#).unwrap().models.is_empty());
    assert_eq!(Ollama.parse_models(b"<html>").unwrap_err().kind, ErrorKind::Malformed);
    assert_eq!(Ollama.parse_models(br#"{"models":7}"#).unwrap_err().kind, ErrorKind::Malformed);
}

#[test]
fn protocol_name_round_trips() {
    assert_eq!("ollama".parse::<Protocol>(), Ok(Protocol::Ollama));
    assert_eq!(Protocol::Ollama.as_str(), "ollama");
    assert_eq!(serde_json::to_value(Protocol::Ollama).unwrap(), json!("ollama"));
    assert!("grpc".parse::<Protocol>().unwrap_err().contains("ollama"));
}
