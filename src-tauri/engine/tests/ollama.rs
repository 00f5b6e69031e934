//! Ollama's native API end to end: the real runner, the bundled `ollama-native` preset pointed at
//! a real juxta-mock over a socket, NDJSON decoded as it streams.

mod common;

use common::*;
use juxta_engine::catalog::{Preset, Presets};
use juxta_engine::request::{ChatRequest, ReasoningEffort, ToolSpec};
use juxta_engine::run::{MappingAction, PaneReport, PaneSpec, RunEvent, Target};
use juxta_engine::{ErrorKind, FinishReason, Protocol};
use juxta_mock::MockServer;
use serde_json::{json, Value};

/// The bundled preset, as a user would point it at another machine: only the base URL changes.
fn native(mock: &MockServer) -> Preset {
    let mut p = Presets::bundled().get("ollama-native").expect("bundled preset").clone();
    p.base_url = mock.base_url();
    p
}

fn ollama_pane(mock: &MockServer, model: &str) -> PaneSpec {
    let mut spec = pane(mock, Protocol::OpenAiChat, model);
    spec.target = Target { endpoint: native(mock), model: model.to_string() };
    spec
}

fn texts(events: &[RunEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn assert_ok(r: &PaneReport) {
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.attempts.len(), 1);
    assert_eq!(r.attempts[0].status, Some(200));
}

#[tokio::test]
async fn normal_answer_text_and_usage() {
    let mock = mock().await;
    let results = run_all(
        &runner(),
        vec![ollama_pane(&mock, "normal@tokens=25"), pane(&mock, Protocol::OpenAiChat, "normal@tokens=25")],
    )
    .await;
    let (r, events) = &results[0];
    assert_ok(r);
    // the mock plays one fixed answer on every protocol: exactly the OpenAI pane's text
    assert_eq!(r.text, results[1].0.text);
    assert!(r.text.starts_with("# "), "{:?}", r.text);
    assert_eq!(texts(events), r.text);
    let usage = r.usage.expect("usage");
    // "Say hello in three languages." is 29 characters: 8 tokens at the mock's 4 characters each
    assert_eq!((usage.input_tokens, usage.output_tokens, usage.reasoning_tokens), (8, 25, 0));
    assert_eq!((r.finish_reason, r.raw_finish_reason.as_deref()), (Some(FinishReason::Stop), Some("stop")));
    assert_eq!(r.served_model.as_deref(), Some("normal@tokens=25"));
    assert!(!r.substituted);
    assert!(r.metrics.ttft_ms.is_some() && !r.metrics.estimated);

    let raw: String = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Raw { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(raw.lines().all(|l| serde_json::from_str::<Value>(l).is_ok()), "the inspector sees NDJSON: {raw}");
    // The two panes race: find the Ollama one's request by its path.
    let seen = mock.requests();
    let ollama = seen.iter().find(|r| r.path == "/api/chat").expect("a request to /api/chat");
    assert!(!ollama.headers.iter().any(|(k, _)| k == "authorization"), "a local Ollama gets no key");
}

#[tokio::test]
async fn tool_calls_arrive_whole_with_synthesized_ids() {
    let mock = mock().await;
    let mut spec = ollama_pane(&mock, "tools@calls=2");
    spec.request.tools = vec![ToolSpec {
        name: "get_weather".into(),
        description: "Weather in a city".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string"}}}),
    }];
    let (r, events) = run_one(spec).await;
    assert_ok(&r);
    let calls: Vec<(&str, &str, &Value)> =
        r.tool_calls.iter().map(|c| (c.id.as_str(), c.name.as_str(), &c.arguments)).collect();
    assert_eq!(
        calls,
        vec![
            ("call_0", "get_weather", &json!({"city": "Paris", "unit": "celsius"})),
            ("call_1", "get_weather", &json!({"city": "Tokyo", "unit": "celsius"})),
        ]
    );
    assert_eq!((r.finish_reason, r.raw_finish_reason.as_deref()), (Some(FinishReason::ToolCalls), Some("stop")));
    assert_eq!(events.iter().filter(|e| matches!(e, RunEvent::ToolCall { .. })).count(), 2);
    let sent = &mock.requests()[0].body;
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(sent["tools"][0]["type"], "function");
}

#[tokio::test]
async fn thinking_streams_as_reasoning() {
    let mock = mock().await;
    let (r, events) = run_one(ollama_pane(&mock, "reasoning@reasoning=6,tokens=5")).await;
    assert_ok(&r);
    assert!(!r.reasoning.is_empty() && !r.text.is_empty());
    let first = events.iter().position(|e| matches!(e, RunEvent::Reasoning { .. })).expect("reasoning");
    let text = events.iter().position(|e| matches!(e, RunEvent::Text { .. })).expect("text");
    assert!(first < text, "thinking comes first");
    assert_eq!(r.usage.expect("usage").output_tokens, 11, "eval_count counts the thinking too");
}

#[tokio::test]
async fn stream_error_keeps_the_partial_text() {
    let mock = mock().await;
    let (r, events) = run_one(ollama_pane(&mock, "stream-error@after=4")).await;
    let e = r.error.as_ref().expect("error");
    assert_eq!((e.kind, e.retryable, e.status), (ErrorKind::Stream, false, None));
    assert!(e.message.contains("model runner has unexpectedly stopped"), "{}", e.message);
    assert!(!r.text.is_empty());
    assert_eq!(texts(&events), r.text, "the text before the error is kept");
    assert_eq!(r.attempts.len(), 1, "nothing is retried once the answer has begun");
    assert_eq!(r.finish_reason, Some(FinishReason::Error));
}

#[tokio::test]
async fn a_missing_model_says_to_pull_it() {
    let mock = mock().await;
    let (r, _) = run_one(ollama_pane(&mock, "not-found")).await;
    let e = r.error.as_ref().expect("error");
    assert_eq!((e.kind, e.status, e.retryable), (ErrorKind::NotFound, Some(404), false));
    assert!(e.message.starts_with("model \"not-found\" not found"), "{}", e.message);
    assert!(e.message.contains("`ollama pull not-found`"), "{}", e.message);
    assert_eq!(r.attempts.len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn the_model_list_comes_from_api_tags() {
    let mock = mock().await;
    let models = runner().list_models(&native(&mock)).await.expect("models");
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    let want: Vec<&str> = juxta_mock::SCENARIOS.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(ids, want);
    assert_eq!(models[0].display_name.as_deref(), Some("normal (3.2B Q4_K_M)"));
    assert_eq!(mock.requests()[0].path, "/api/tags");
}

#[tokio::test]
async fn echo_shows_the_mapped_body() {
    let mock = mock().await;
    let mut spec = ollama_pane(&mock, "echo");
    spec.request = ChatRequest::new("echo", "Compare HTTP/2 and HTTP/3.");
    spec.request.system = Some("Be brief.".into());
    spec.request.params.temperature = Some(0.4);
    spec.request.params.max_output_tokens = Some(900);
    spec.request.params.seed = Some(7);
    spec.request.params.reasoning_effort = Some(ReasoningEffort::High);
    let (r, events) = run_one(spec).await;
    assert_ok(&r);
    let echoed: Value = serde_json::from_str(&r.text).expect("the echo is the JSON body");
    let sent = events
        .iter()
        .find_map(|e| match e {
            RunEvent::Request { body, .. } => Some(body),
            _ => None,
        })
        .unwrap();
    assert_eq!(&echoed, sent, "what the inspector shows is what the server received");
    assert_eq!(
        echoed,
        json!({
            "model": "echo",
            "stream": true,
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Compare HTTP/2 and HTTP/3."}],
            "options": {"temperature": 0.4, "num_predict": 900, "seed": 7},
        })
    );
    let has = |param: &str, action| r.mapping.0.iter().any(|e| e.param == param && e.action == action);
    assert!(has("max_output_tokens", MappingAction::Renamed), "{:?}", r.mapping);
    assert!(has("reasoning_effort", MappingAction::Unsupported), "a model that does not think gets no `think`");
}
