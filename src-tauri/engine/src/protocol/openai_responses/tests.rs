//! Tests of the Responses API adapter: recorded fixtures (whole and however split), hand-written
//! streams for what no fixture shows, and request mapping with its report.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::catalog::{CapsTable, Preset};
use crate::error::ErrorKind;
use crate::event::FinishReason;
use crate::protocol::anthropic::tests::support::*;
use crate::request::{ReasoningEffort, ResponseFormat};
use crate::run::mapping::MappingAction;

fn decoder() -> Box<dyn Decoder> {
    OpenAiResponses.decoder()
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const STREAMS: [&str; 4] = [
    "openai-responses/text_gpt-4o.sse",
    "openai-responses/function-call_gpt-4o_no-sequence-number.sse",
    "openai-responses/reasoning-summary_then-function-call_gpt-5.1-codex-max.reconstructed.sse",
    "openai-responses/error-event_insufficient-quota_response-failed.reconstructed.sse",
];

#[test]
fn every_fixture_stream_matches_its_expectation_however_split() {
    for path in STREAMS {
        let want = expected(path);
        let events = decode_everywhere(decoder, &fixture(path));
        let s = summarize(&events);
        assert_eq!(s.text, want["text"].as_str().unwrap(), "{path}: text");
        assert_eq!(
            s.reasoning,
            want["reasoning_summary"].as_str().unwrap_or(""),
            "{path}: reasoning"
        );

        let calls = want["tool_calls"].as_array().unwrap();
        assert_eq!(s.calls.len(), calls.len(), "{path}: tool calls");
        for (got, want) in s.calls.iter().zip(calls) {
            assert_eq!(got.id, want["call_id"].as_str().unwrap(), "{path}");
            assert_eq!(got.name, want["name"].as_str().unwrap(), "{path}");
            let args: Value = serde_json::from_str(want["arguments"].as_str().unwrap()).unwrap();
            assert_eq!(got.arguments, args, "{path}: arguments as parsed JSON");
            assert!(got.arguments_error.is_none());
        }
        // the live deltas add up to the same arguments
        for (call, raw) in s.calls.iter().zip(&s.delta_args) {
            assert_eq!(
                serde_json::from_str::<Value>(raw).unwrap(),
                call.arguments,
                "{path}: deltas"
            );
        }

        match want["usage"].as_object() {
            Some(u) => {
                let u = Value::Object(u.clone());
                let n = |p: &str| u.pointer(p).and_then(Value::as_u64).unwrap();
                let usage = s.usage.expect("usage");
                assert_eq!(usage.input_tokens, n("/input_tokens"), "{path}");
                assert_eq!(usage.output_tokens, n("/output_tokens"), "{path}");
                assert_eq!(
                    usage.reasoning_tokens,
                    n("/output_tokens_details/reasoning_tokens"),
                    "{path}"
                );
                assert_eq!(
                    usage.cached_tokens,
                    n("/input_tokens_details/cached_tokens"),
                    "{path}"
                );
            }
            None => assert!(s.usage.is_none(), "{path}: no usage"),
        }

        let raw = want["finish_reason"].as_str().unwrap();
        if raw == "failed" {
            assert!(s.finish.is_none(), "{path}");
            let errors = want["errors"].as_array().unwrap();
            let e = s.error.expect("error");
            assert_eq!(e.message, errors[0]["message"].as_str().unwrap(), "{path}");
            assert_eq!(e.code.as_deref(), errors[0]["code"].as_str(), "{path}");
            continue;
        }
        assert!(s.error.is_none(), "{path}: {:?}", s.error);
        let finish = s.finish.expect("finish");
        assert_eq!(finish.raw_reason.as_deref(), Some(raw), "{path}");
        let reason = if calls.is_empty() {
            FinishReason::Stop
        } else {
            FinishReason::ToolCalls
        };
        assert_eq!(finish.reason, reason, "{path}");
        assert_eq!(
            finish.served_model.as_deref(),
            want["model"].as_str(),
            "{path}"
        );
    }
}

#[test]
fn the_error_event_then_response_failed_is_one_quota_error() {
    let path = STREAMS[3];
    let events = decode_everywhere(decoder, &fixture(path));
    let errors: Vec<&ProviderError> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Error { error } => Some(error),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{events:#?}");
    assert_eq!(
        (errors[0].kind, errors[0].retryable),
        (ErrorKind::Quota, false)
    );
}

#[test]
fn error_body_fixture() {
    let body = fixture("openai-responses/error-400_temperature-unsupported.json");
    let want =
        &expected("openai-responses/error-400_temperature-unsupported.json")["error"]["error"];
    let e = OpenAiResponses.parse_error(400, &body);
    assert_eq!(e.kind, ErrorKind::InvalidRequest);
    assert!(!e.retryable);
    assert_eq!(e.status, Some(400));
    assert!(
        e.message.starts_with(want["message"].as_str().unwrap()),
        "{}",
        e.message
    );
    // `code` is null, so the type is the most specific code there is
    assert_eq!(e.code.as_deref(), Some("invalid_request_error"));
    let e = OpenAiResponses.parse_error(
        502,
        b"<html><head><title>502 Bad Gateway</title></head></html>",
    );
    assert_eq!((e.kind, e.retryable), (ErrorKind::Server, true));
}

// ---------------------------------------------------------------------------------------------
// Hand-written streams for what no fixture shows

fn ev(kind: &str, mut data: Value) -> (String, Value) {
    data["type"] = kind.into();
    (kind.to_string(), data)
}

fn stream(events: &[(String, Value)]) -> Vec<u8> {
    let named: Vec<(&str, Value)> = events
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    sse(&named)
}

fn created(model: &str) -> (String, Value) {
    ev(
        "response.created",
        json!({"sequence_number": 0, "response": {"model": model, "status": "in_progress", "usage": null}}),
    )
}

fn text(output_index: u64, delta: &str) -> (String, Value) {
    ev(
        "response.output_text.delta",
        json!({"item_id": format!("msg_{output_index}"), "output_index": output_index, "content_index": 0, "delta": delta}),
    )
}

fn completed(usage: Value) -> (String, Value) {
    ev(
        "response.completed",
        json!({"response": {"model": "gpt-5-2025-08-07", "status": "completed", "usage": usage}}),
    )
}

fn call_added(output_index: u64, call_id: &str, name: &str) -> (String, Value) {
    ev(
        "response.output_item.added",
        json!({"output_index": output_index, "item": {"type": "function_call", "id": format!("fc_{output_index}"), "call_id": call_id, "name": name, "arguments": "", "status": "in_progress"}}),
    )
}

fn args_delta(output_index: u64, delta: &str) -> (String, Value) {
    ev(
        "response.function_call_arguments.delta",
        json!({"item_id": format!("fc_{output_index}"), "output_index": output_index, "delta": delta}),
    )
}

fn usage(input: u64, output: u64, reasoning: u64, cached: u64) -> Value {
    json!({"input_tokens": input, "input_tokens_details": {"cached_tokens": cached}, "output_tokens": output,
           "output_tokens_details": {"reasoning_tokens": reasoning}, "total_tokens": input + output})
}

#[test]
fn several_message_items_and_reasoning_parts_do_not_run_together() {
    let body = stream(&[
        created("gpt-5"),
        ev(
            "response.reasoning_summary_text.delta",
            json!({"output_index": 0, "summary_index": 0, "delta": "**Plan**"}),
        ),
        ev(
            "response.reasoning_summary_text.delta",
            json!({"output_index": 0, "summary_index": 1, "delta": "Then act."}),
        ),
        text(1, "First"),
        text(1, " message."),
        text(2, "Second."),
        completed(usage(10, 40, 25, 4)),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.reasoning, "**Plan**\n\nThen act.");
    assert_eq!(s.text, "First message.\n\nSecond.");
    let u = s.usage.unwrap();
    assert_eq!(
        (
            u.input_tokens,
            u.output_tokens,
            u.reasoning_tokens,
            u.cached_tokens
        ),
        (10, 40, 25, 4)
    );
    let f = s.finish.unwrap();
    assert_eq!(
        (f.reason, f.raw_reason.as_deref()),
        (FinishReason::Stop, Some("completed"))
    );
    assert_eq!(
        f.served_model.as_deref(),
        Some("gpt-5-2025-08-07"),
        "the completed response names the model"
    );
}

#[test]
fn refusals_are_text_and_raw_reasoning_is_reasoning() {
    let body = stream(&[
        created("gpt-oss-120b"),
        ev(
            "response.reasoning_text.delta",
            json!({"output_index": 0, "content_index": 0, "delta": "thinking"}),
        ),
        ev(
            "response.refusal.delta",
            json!({"output_index": 1, "content_index": 0, "delta": "I can't help"}),
        ),
        ev(
            "response.refusal.delta",
            json!({"output_index": 1, "content_index": 0, "delta": " with that."}),
        ),
        completed(usage(3, 5, 1, 0)),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(
        (s.reasoning.as_str(), s.text.as_str()),
        ("thinking", "I can't help with that.")
    );
}

#[test]
fn two_parallel_calls_interleaved_are_assembled_in_output_order() {
    let body = stream(&[
        created("gpt-4.1"),
        call_added(1, "call_b", "get_time"),
        call_added(0, "call_a", "get_weather"),
        args_delta(1, "{\"tz\":"),
        args_delta(0, "{\"city\":"),
        args_delta(1, "\"UTC\"}"),
        args_delta(0, "\"Paris\"}"),
        ev(
            "response.output_item.done",
            json!({"output_index": 1, "item": {"type": "function_call", "call_id": "call_b", "name": "get_time", "arguments": "{\"tz\":\"UTC\"}"}}),
        ),
        ev(
            "response.output_item.done",
            json!({"output_index": 0, "item": {"type": "function_call", "call_id": "call_a", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}),
        ),
        completed(usage(20, 30, 0, 0)),
    ]);
    let events = decode_everywhere(decoder, &body);
    let s = summarize(&events);
    let got: Vec<(&str, &str, &Value)> = s
        .calls
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), &c.arguments))
        .collect();
    assert_eq!(
        got,
        vec![
            ("call_a", "get_weather", &json!({"city": "Paris"})),
            ("call_b", "get_time", &json!({"tz": "UTC"}))
        ]
    );
    assert_eq!(s.finish.unwrap().reason, FinishReason::ToolCalls);
    // ToolCalls come right before the finish
    let n = events.len();
    assert!(
        matches!(events[n - 3], StreamEvent::ToolCall { .. })
            && matches!(events[n - 2], StreamEvent::ToolCall { .. })
    );
    // the first delta of each call carries its id and name
    let firsts: Vec<(usize, Option<&str>)> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCallDelta {
                index,
                id: Some(_),
                name,
                ..
            } => Some((*index, name.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        firsts,
        vec![(0, Some("get_time")), (1, Some("get_weather"))]
    );
}

#[test]
fn arguments_that_only_come_whole_are_taken_from_the_done_events() {
    let body = stream(&[
        call_added(0, "call_x", "lookup"),
        ev(
            "response.function_call_arguments.done",
            json!({"output_index": 0, "arguments": "{\"q\":\"rust\"}"}),
        ),
        // an output_item.done that repeats them adds nothing
        ev(
            "response.output_item.done",
            json!({"output_index": 0, "item": {"type": "function_call", "call_id": "call_x", "name": "lookup", "arguments": "{\"q\":\"rust\"}"}}),
        ),
        completed(usage(1, 2, 0, 0)),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.calls.len(), 1);
    assert_eq!(s.calls[0].arguments, json!({"q": "rust"}));
    assert_eq!(s.delta_args, vec!["{\"q\":\"rust\"}".to_string()]);
}

#[test]
fn incomplete_responses_say_why() {
    for (reason, want) in [
        ("max_output_tokens", FinishReason::Length),
        ("content_filter", FinishReason::ContentFilter),
        ("something_new", FinishReason::Other),
    ] {
        let body = stream(&[
            created("gpt-4o"),
            text(0, "Partial"),
            ev(
                "response.incomplete",
                json!({"response": {"status": "incomplete", "incomplete_details": {"reason": reason}, "usage": usage(5, 16, 0, 0)}}),
            ),
        ]);
        let s = summarize(&decode_everywhere(decoder, &body));
        assert_eq!(s.text, "Partial");
        let f = s.finish.expect("finish");
        assert_eq!((f.reason, f.raw_reason.as_deref()), (want, Some(reason)));
        assert_eq!(f.served_model.as_deref(), Some("gpt-4o"));
        assert_eq!(s.usage.unwrap().output_tokens, 16);
    }
}

#[test]
fn in_stream_errors_keep_the_partial_text_and_are_terminal() {
    // the current shape: code and message at the top level of the error event
    let body = stream(&[
        created("gpt-4o"),
        text(0, "Hel"),
        ev(
            "error",
            json!({"code": "rate_limit_exceeded", "message": "Slow down", "param": null, "sequence_number": 4}),
        ),
        ev(
            "response.failed",
            json!({"response": {"status": "failed", "error": {"code": "server_error", "message": "other"}}}),
        ),
        text(0, "lo"),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "Hel");
    let e = s.error.expect("error");
    assert_eq!(
        (e.kind, e.code.as_deref(), e.message.as_str()),
        (
            ErrorKind::RateLimited,
            Some("rate_limit_exceeded"),
            "Slow down"
        )
    );
    assert!(!e.retryable, "nothing in-stream is retried");

    // response.failed on its own
    let body = stream(&[
        created("gpt-4o"),
        text(0, "Hi"),
        ev(
            "response.failed",
            json!({"response": {"status": "failed", "error": {"code": "server_error", "message": "The model crashed"}}}),
        ),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    let e = s.error.expect("error");
    assert_eq!(
        (e.kind, e.code.as_deref(), e.message.as_str()),
        (ErrorKind::Stream, Some("server_error"), "The model crashed")
    );
    assert_eq!(s.text, "Hi");

    // an error event without a code is not coded "error"
    let body = stream(&[ev("error", json!({"code": null, "message": "boom"}))]);
    let e = summarize(&decode_everywhere(decoder, &body)).error.unwrap();
    assert_eq!((e.code, e.message.as_str()), (None, "boom"));
}

#[test]
fn a_body_that_ends_without_a_terminal_event_is_truncated() {
    let body = stream(&[
        created("gpt-4o"),
        text(0, "Half an ans"),
        args_delta(1, "{\"a\""),
    ]);
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "Half an ans");
    assert_eq!(s.error.unwrap().kind, ErrorKind::Truncated);
    assert!(s.calls.is_empty(), "an unfinished call is not assembled");
    let s = summarize(&decode_everywhere(decoder, b""));
    assert_eq!(s.error.unwrap().kind, ErrorKind::Truncated);
}

#[test]
fn unknown_events_are_ignored_and_bad_json_is_malformed() {
    let mut body = stream(&[created("gpt-4o")]);
    body.extend_from_slice(b"event: response.web_search_call.searching\ndata: not json at all\n\n");
    body.extend_from_slice(b": keep-alive\n\n");
    body.extend(stream(&[
        ev(
            "response.content_part.added",
            json!({"output_index": 0, "part": {"type": "output_text", "text": ""}}),
        ),
        ev(
            "response.output_text.annotation.added",
            json!({"annotation": {"type": "url_citation"}}),
        ),
        text(0, "ok"),
        completed(usage(1, 1, 0, 0)),
    ]));
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "ok");
    assert!(s.finish.is_some());

    let mut body = stream(&[created("gpt-4o"), text(0, "so far")]);
    body.extend_from_slice(
        b"event: response.output_text.delta\ndata: {\"delta\": \"unterminated\n\n",
    );
    body.extend(stream(&[completed(usage(1, 1, 0, 0))]));
    let s = summarize(&decode_everywhere(decoder, &body));
    assert_eq!(s.text, "so far");
    assert_eq!(s.error.unwrap().kind, ErrorKind::Malformed);
}

#[test]
fn events_without_event_lines_are_read_by_their_type() {
    let body: String = [
        json!({"type": "response.created", "response": {"model": "gpt-4o"}}),
        json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "plain"}),
        json!({"type": "response.completed", "response": {"status": "completed", "usage": usage(2, 1, 0, 0)}}),
    ]
    .iter()
    .map(|v| format!("data: {v}\r\n\r\n"))
    .collect();
    let s = summarize(&decode_everywhere(decoder, body.as_bytes()));
    assert_eq!(s.text, "plain");
    assert_eq!(s.finish.unwrap().served_model.as_deref(), Some("gpt-4o"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_and_always_ends_once(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0usize..400) {
        let events = decode_cuts(decoder(), &bytes, &[cut]);
        assert_one_terminal(&events);
    }

    #[test]
    fn a_real_stream_with_bytes_flipped_still_ends_once(pos in 0usize..5398, byte in any::<u8>()) {
        let mut body = fixture(STREAMS[0]);
        let pos = pos % body.len();
        body[pos] = byte;
        assert_one_terminal(&decode_cuts(decoder(), &body, &[pos]));
    }
}

// ---------------------------------------------------------------------------------------------
// Mapping

fn endpoint() -> Preset {
    Preset::custom(
        "openai-responses",
        Protocol::OpenAiResponses,
        "https://api.openai.com/v1/",
    )
}

fn map_with(endpoint: &Preset, req: &ChatRequest) -> Mapped {
    let caps = CapsTable::bundled().lookup(Protocol::OpenAiResponses, &req.model);
    OpenAiResponses.map_request(endpoint, &caps, req)
}

fn map(req: &ChatRequest) -> Mapped {
    map_with(&endpoint(), req)
}

fn with_params(model: &str, params: Params) -> ChatRequest {
    ChatRequest {
        system: Some("Be brief.".into()),
        params,
        ..ChatRequest::new(model, "Hi")
    }
}

#[test]
fn the_basic_request() {
    let m = map(&with_params("gpt-4o", Params::default()));
    assert_eq!(m.request.url, "https://api.openai.com/v1/responses");
    assert_eq!(
        m.request.body,
        json!({"model": "gpt-4o", "stream": true, "store": false, "instructions": "Be brief.",
               "input": [{"role": "user", "content": "Hi"}]})
    );
    assert!(m
        .request
        .headers
        .contains(&("accept".into(), "text/event-stream".into())));
    let e = entry(&m, "system", MappingAction::Moved);
    assert_eq!(e.to, Some(json!("instructions")));
    assert_eq!(
        entry(&m, "store", MappingAction::Defaulted).to,
        Some(json!(false))
    );
    assert_eq!(m.report.0.len(), 2, "{:#?}", m.report);
    // a blank system prompt is not sent
    let m = map(&ChatRequest {
        system: Some("  ".into()),
        ..ChatRequest::new("gpt-4o", "Hi")
    });
    assert!(m.request.body.get("instructions").is_none());
    assert!(m.report.about("system").next().is_none());
}

#[test]
fn max_output_tokens_keeps_its_name_and_is_clamped_to_the_model_and_the_minimum() {
    let m = map(&with_params(
        "gpt-4o",
        Params {
            max_output_tokens: Some(500),
            ..Default::default()
        },
    ));
    assert_eq!(m.request.body["max_output_tokens"], 500);
    assert!(
        m.report.about("max_output_tokens").next().is_none(),
        "same name, nothing to report"
    );

    let m = map(&with_params(
        "gpt-4o",
        Params {
            max_output_tokens: Some(5),
            ..Default::default()
        },
    ));
    assert_eq!(m.request.body["max_output_tokens"], MIN_OUTPUT_TOKENS);
    let e = entry(&m, "max_output_tokens", MappingAction::Clamped);
    assert_eq!(
        (e.from.clone(), e.to.clone()),
        (Some(json!(5)), Some(json!(16)))
    );

    let mut caps = CapsTable::bundled().lookup(Protocol::OpenAiResponses, "gpt-4o");
    caps.max_output_tokens = Some(1000);
    let req = with_params(
        "gpt-4o",
        Params {
            max_output_tokens: Some(5000),
            ..Default::default()
        },
    );
    let m = OpenAiResponses.map_request(&endpoint(), &caps, &req);
    assert_eq!(m.request.body["max_output_tokens"], 1000);
    assert!(entry(&m, "max_output_tokens", MappingAction::Clamped)
        .reason
        .contains("at most 1000"));
}

#[test]
fn sampling_on_chat_and_reasoning_models() {
    let params = Params {
        temperature: Some(3.5),
        top_p: Some(0.9),
        ..Default::default()
    };
    let m = map(&with_params("gpt-4o", params.clone()));
    assert_eq!(
        (
            m.request.body["temperature"].as_f64(),
            m.request.body["top_p"].as_f64()
        ),
        (Some(2.0), Some(0.9))
    );
    assert_eq!(
        entry(&m, "temperature", MappingAction::Clamped).to,
        Some(json!(2.0))
    );

    let m = map(&with_params("o3-mini", params));
    assert!(m.request.body.get("temperature").is_none() && m.request.body.get("top_p").is_none());
    for p in ["temperature", "top_p"] {
        assert!(
            entry(&m, p, MappingAction::Dropped)
                .reason
                .contains("reasoning model"),
            "{p}"
        );
    }
}

#[test]
fn reasoning_effort_and_summary_on_reasoning_models() {
    let m = map(&with_params(
        "o3-mini",
        Params {
            reasoning_effort: Some(ReasoningEffort::High),
            ..Default::default()
        },
    ));
    assert_eq!(
        m.request.body["reasoning"],
        json!({"effort": "high", "summary": "auto"})
    );
    assert_eq!(
        entry(&m, "reasoning_effort", MappingAction::Moved).to,
        Some(json!("reasoning.effort"))
    );
    assert_eq!(
        entry(&m, "reasoning.summary", MappingAction::Defaulted).to,
        Some(json!("auto"))
    );

    // no effort asked: the summary alone
    let m = map(&with_params("gpt-5-mini", Params::default()));
    assert_eq!(m.request.body["reasoning"], json!({"summary": "auto"}));

    // a budget becomes the nearest level
    for (budget, level) in [
        (1000, "low"),
        (2048, "low"),
        (5000, "medium"),
        (30000, "high"),
    ] {
        let m = map(&with_params(
            "gpt-5",
            Params {
                thinking_budget: Some(budget),
                ..Default::default()
            },
        ));
        assert_eq!(m.request.body["reasoning"]["effort"], level, "{budget}");
        let e = entry(&m, "thinking_budget", MappingAction::Renamed);
        assert_eq!(e.to, Some(json!({"reasoning.effort": level})));
    }

    // both: the effort wins, the budget is reported
    let params = Params {
        reasoning_effort: Some(ReasoningEffort::Low),
        thinking_budget: Some(9000),
        ..Default::default()
    };
    let m = map(&with_params("gpt-5", params));
    assert_eq!(m.request.body["reasoning"]["effort"], "low");
    assert_eq!(
        entry(&m, "thinking_budget", MappingAction::Dropped).from,
        Some(json!(9000))
    );
}

#[test]
fn reasoning_settings_on_models_without_them_are_dropped() {
    let params = Params {
        reasoning_effort: Some(ReasoningEffort::High),
        thinking_budget: Some(4000),
        ..Default::default()
    };
    let m = map(&with_params("gpt-4o", params));
    assert!(m.request.body.get("reasoning").is_none());
    entry(&m, "reasoning_effort", MappingAction::Dropped);
    entry(&m, "thinking_budget", MappingAction::Dropped);
    assert!(m.report.about("reasoning.summary").next().is_none());
}

#[test]
fn stop_and_seed_are_not_accepted() {
    let params = Params {
        stop: vec!["END".into()],
        seed: Some(7),
        ..Default::default()
    };
    let m = map(&with_params("gpt-4o", params));
    assert!(m.request.body.get("stop").is_none() && m.request.body.get("seed").is_none());
    let stop = entry(&m, "stop", MappingAction::Dropped);
    assert_eq!(stop.from, Some(json!(["END"])));
    assert!(stop.reason.contains("Responses API"));
    assert_eq!(
        entry(&m, "seed", MappingAction::Dropped).from,
        Some(json!(7))
    );
}

fn weather() -> ToolSpec {
    ToolSpec {
        name: "get_weather".into(),
        description: "Weather in a city".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    }
}

#[test]
fn tools_are_flat_and_not_strict_with_every_tool_choice() {
    let mut req = ChatRequest {
        tools: vec![weather()],
        ..ChatRequest::new("gpt-4o", "Weather?")
    };
    for (choice, wire) in [
        (ToolChoice::Auto, json!("auto")),
        (ToolChoice::None, json!("none")),
        (ToolChoice::Required, json!("required")),
        (
            ToolChoice::Tool("get_weather".into()),
            json!({"type": "function", "name": "get_weather"}),
        ),
    ] {
        req.tool_choice = Some(choice);
        let m = map(&req);
        assert_eq!(m.request.body["tool_choice"], wire);
        assert_eq!(
            m.request.body["tools"],
            json!([{"type": "function", "name": "get_weather", "description": "Weather in a city",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}, "strict": false}])
        );
        entry(&m, "tools.strict", MappingAction::Defaulted);
    }
    // a choice without tools is dropped
    let m = map(&ChatRequest {
        tool_choice: Some(ToolChoice::Required),
        ..ChatRequest::new("gpt-4o", "x")
    });
    assert!(m.request.body.get("tool_choice").is_none() && m.request.body.get("tools").is_none());
    entry(&m, "tool_choice", MappingAction::Dropped);
    // a model that cannot call tools
    let mut caps = CapsTable::bundled().lookup(Protocol::OpenAiResponses, "gpt-4o");
    caps.tools = false;
    let m = OpenAiResponses.map_request(&endpoint(), &caps, &req);
    assert!(m.request.body.get("tools").is_none());
    assert_eq!(
        entry(&m, "tools", MappingAction::Dropped).from,
        Some(json!(["get_weather"]))
    );
}

#[test]
fn structured_output_goes_to_text_format() {
    let schema =
        json!({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]});
    let req = ChatRequest {
        response_format: Some(ResponseFormat {
            name: "count".into(),
            schema: schema.clone(),
            strict: true,
        }),
        ..ChatRequest::new("gpt-4o", "Count")
    };
    let m = map(&req);
    assert_eq!(
        m.request.body["text"],
        json!({"format": {"type": "json_schema", "name": "count", "schema": schema, "strict": true}})
    );
    assert!(m.request.body.get("response_format").is_none());
    assert_eq!(
        entry(&m, "response_format", MappingAction::Moved).to,
        Some(json!("text.format"))
    );
}

#[test]
fn a_multi_turn_conversation_with_tool_calls_and_results() {
    let req = ChatRequest {
        model: "gpt-4.1".into(),
        system: Some("Use tools.".into()),
        messages: vec![
            Message::user("Weather in Paris and Tokyo?"),
            Message::Assistant {
                content: "Let me check.".into(),
                tool_calls: vec![
                    ToolCallRequest {
                        id: "call_1".into(),
                        name: "get_weather".into(),
                        arguments: json!({"city": "Paris"}),
                    },
                    // arguments that were not JSON go back as they came
                    ToolCallRequest {
                        id: "call_2".into(),
                        name: "get_weather".into(),
                        arguments: json!("{city: Tokyo"),
                    },
                ],
                provider_state: Some(json!({"anthropic_thinking": []})),
            },
            Message::Tool {
                call_id: "call_1".into(),
                name: "get_weather".into(),
                content: "18°C".into(),
            },
            Message::Tool {
                call_id: "call_2".into(),
                name: "get_weather".into(),
                content: "error: bad arguments".into(),
            },
            Message::Assistant {
                content: String::new(),
                tool_calls: vec![ToolCallRequest {
                    id: "call_3".into(),
                    name: "get_weather".into(),
                    arguments: json!({"city": "Tokyo"}),
                }],
                provider_state: None,
            },
            Message::Tool {
                call_id: "call_3".into(),
                name: "get_weather".into(),
                content: "21°C".into(),
            },
            Message::assistant("Paris 18°C, Tokyo 21°C."),
            Message::user("Thanks"),
        ],
        tools: vec![weather()],
        ..Default::default()
    };
    let m = map(&req);
    assert_eq!(m.request.body["instructions"], "Use tools.");
    assert_eq!(
        m.request.body["input"],
        json!([
            {"role": "user", "content": "Weather in Paris and Tokyo?"},
            {"role": "assistant", "content": "Let me check."},
            {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
            {"type": "function_call", "call_id": "call_2", "name": "get_weather", "arguments": "{city: Tokyo"},
            {"type": "function_call_output", "call_id": "call_1", "output": "18°C"},
            {"type": "function_call_output", "call_id": "call_2", "output": "error: bad arguments"},
            {"type": "function_call", "call_id": "call_3", "name": "get_weather", "arguments": "{\"city\":\"Tokyo\"}"},
            {"type": "function_call_output", "call_id": "call_3", "output": "21°C"},
            {"role": "assistant", "content": "Paris 18°C, Tokyo 21°C."},
            {"role": "user", "content": "Thanks"},
        ])
    );
    entry(&m, "provider_state", MappingAction::Dropped);
}

#[test]
fn preset_headers_never_carry_credentials() {
    let mut ep = endpoint();
    ep.extra_headers
        .insert("Authorization".into(), "Bearer sk-secret".into());
    ep.extra_headers
        .insert("OpenAI-Organization".into(), "org-1".into());
    let m = map_with(&ep, &ChatRequest::new("gpt-4o", "Hi"));
    assert!(m
        .request
        .headers
        .contains(&("OpenAI-Organization".into(), "org-1".into())));
    assert!(!m
        .request
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization")));
    assert!(!serde_json::to_string(&m.report)
        .unwrap()
        .contains("sk-secret"));
    entry(&m, "extra_headers", MappingAction::Dropped);
}

#[test]
fn the_protocol_name_and_model_list() {
    assert_eq!(
        "openai-responses".parse::<Protocol>(),
        Ok(Protocol::OpenAiResponses)
    );
    assert_eq!(Protocol::OpenAiResponses.as_str(), "openai-responses");
    assert_eq!(
        serde_json::to_value(Protocol::OpenAiResponses).unwrap(),
        json!("openai-responses")
    );
    let err = "responses".parse::<Protocol>().unwrap_err();
    assert!(err.contains("openai-responses"), "{err}");
    assert_eq!(
        Protocol::OpenAiResponses.adapter().protocol(),
        Protocol::OpenAiResponses
    );
    assert_eq!(crate::catalog::AuthStyle::Bearer, endpoint().auth);

    assert_eq!(
        OpenAiResponses.models_url(&endpoint(), None),
        "https://api.openai.com/v1/models"
    );
    let page = OpenAiResponses
        .parse_models(br#"{"object":"list","data":[{"id":"gpt-5","owned_by":"openai"}]}"#)
        .unwrap();
    assert_eq!(
        page.models
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["gpt-5"]
    );
}
