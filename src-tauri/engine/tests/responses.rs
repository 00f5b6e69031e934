//! The OpenAI Responses API end to end: the real runner and adapter against juxta-mock over a
//! real socket, at `POST {base}/responses`.

mod common;

use common::*;
use juxta_engine::request::{Message, Params, ToolCallRequest, ToolSpec};
use juxta_engine::run::RunEvent;
use juxta_engine::{ErrorKind, FinishReason, Protocol};
use serde_json::{json, Value};

const P: Protocol = Protocol::OpenAiResponses;

#[tokio::test]
async fn normal_text_and_usage_are_exact() {
    let mock = mock().await;
    let mut spec = pane(&mock, P, "normal@tokens=5");
    spec.request.system = Some("Be brief.".into());
    let (r, events) = run_one(spec).await;
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.text, "# Mock answer\n\nThis");
    let streamed: String = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, r.text);
    let u = r.usage.expect("usage");
    // "Be brief." + "Say hello in three languages.": 38 characters, one token per four
    assert_eq!(
        (
            u.input_tokens,
            u.output_tokens,
            u.reasoning_tokens,
            u.cached_tokens
        ),
        (10, 5, 0, 0)
    );
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
    assert_eq!(r.raw_finish_reason.as_deref(), Some("completed"));
    assert_eq!(r.served_model.as_deref(), Some("normal@tokens=5"));
    assert!(!r.substituted);
    assert_eq!((r.attempts.len(), r.attempts[0].status), (1, Some(200)));

    let seen = mock.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/responses");
    assert_eq!(seen[0].body["instructions"], "Be brief.");
    assert_eq!(
        seen[0].body["input"],
        json!([{"role": "user", "content": "Say hello in three languages."}])
    );
}

#[tokio::test]
async fn two_parallel_tool_calls_are_assembled() {
    let mock = mock().await;
    let (r, events) = run_one(pane(&mock, P, "tools@calls=2")).await;
    assert!(r.error.is_none(), "{:?}", r.error);
    let calls: Vec<(&str, &str, &Value)> = r
        .tool_calls
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), &c.arguments))
        .collect();
    assert_eq!(
        calls,
        vec![
            (
                "call_mock_0001",
                "get_weather",
                &json!({"city": "Paris", "unit": "celsius"})
            ),
            (
                "call_mock_0002",
                "get_weather",
                &json!({"city": "Tokyo", "unit": "celsius"})
            ),
        ]
    );
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    assert!(r.text.is_empty());
    // the live pieces of each call add up to its arguments
    for (i, call) in r.tool_calls.iter().enumerate() {
        let raw: String = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::ToolCallDelta {
                    index, arguments, ..
                } if *index == i => Some(arguments.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            serde_json::from_str::<Value>(&raw).unwrap(),
            call.arguments,
            "call {i}"
        );
    }
}

#[tokio::test]
async fn reasoning_summary_streams_as_reasoning() {
    let mock = mock().await;
    let (r, events) = run_one(pane(&mock, P, "reasoning@reasoning=4,tokens=3")).await;
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(!r.reasoning.is_empty());
    assert_eq!(r.text, "# Mock answer");
    let u = r.usage.unwrap();
    assert_eq!((u.output_tokens, u.reasoning_tokens), (7, 4));
    let first_text = events
        .iter()
        .position(|e| matches!(e, RunEvent::Text { .. }))
        .unwrap();
    let last_reasoning = events
        .iter()
        .rposition(|e| matches!(e, RunEvent::Reasoning { .. }))
        .unwrap();
    assert!(last_reasoning < first_text, "reasoning comes first");
}

#[tokio::test]
async fn a_stream_error_keeps_the_partial_text_and_is_one_error() {
    let mock = mock().await;
    let (r, _) = run_one(pane(&mock, P, "stream-error@after=3")).await;
    assert_eq!(r.text, "# Mock answer", "partial text kept");
    let e = r.error.expect("error");
    assert_eq!(e.kind, ErrorKind::Stream);
    assert!(
        e.message.contains("juxta-mock stream-error"),
        "{}",
        e.message
    );
    assert!(!e.retryable);
    assert_eq!(r.attempts.len(), 1, "no retry after the first byte");
    assert_eq!(r.finish_reason, Some(FinishReason::Error));
}

#[tokio::test]
async fn echo_shows_the_mapped_body() {
    let mock = mock().await;
    let mut spec = pane(&mock, P, "echo");
    spec.request.system = Some("Answer in French.".into());
    spec.request.messages = vec![
        Message::user("Weather in Paris?"),
        Message::Assistant {
            content: String::new(),
            tool_calls: vec![ToolCallRequest {
                id: "call_1".into(),
                name: "get_weather".into(),
                arguments: json!({"city": "Paris"}),
            }],
            provider_state: None,
        },
        Message::Tool {
            call_id: "call_1".into(),
            name: "get_weather".into(),
            content: "18°C".into(),
        },
    ];
    spec.request.params = Params {
        temperature: Some(0.3),
        max_output_tokens: Some(2000),
        stop: vec!["END".into()],
        ..Default::default()
    };
    spec.request.tools = vec![ToolSpec {
        name: "get_weather".into(),
        description: "Weather".into(),
        parameters: json!({"type": "object"}),
    }];
    let (r, events) = run_one(spec).await;
    assert!(r.error.is_none(), "{:?}", r.error);
    let echoed: Value = serde_json::from_str(&r.text).expect("the echo is the JSON body");
    let sent = events
        .iter()
        .find_map(|e| match e {
            RunEvent::Request { url, body, .. } => Some((url.clone(), body.clone())),
            _ => None,
        })
        .unwrap();
    assert!(sent.0.ends_with("/v1/responses"), "{}", sent.0);
    assert_eq!(echoed, sent.1, "the mock received exactly the mapped body");
    assert_eq!(
        echoed,
        json!({
            "model": "echo", "stream": true, "store": false, "instructions": "Answer in French.",
            "input": [
                {"role": "user", "content": "Weather in Paris?"},
                {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "18°C"},
            ],
            "max_output_tokens": 2000, "temperature": 0.3,
            "tools": [{"type": "function", "name": "get_weather", "description": "Weather",
                       "parameters": {"type": "object"}, "strict": false}],
        })
    );
    // the report says what changed, and it reaches the pane
    assert!(
        r.mapping
            .about("stop")
            .any(|e| e.reason.contains("Responses API")),
        "{:?}",
        r.mapping
    );
    assert!(r.mapping.about("system").next().is_some());
}
