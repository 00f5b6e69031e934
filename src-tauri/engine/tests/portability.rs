//! Tools, structured output, routing and per-provider concurrency through the real runner and
//! juxta-mock over real sockets, on every protocol.

mod common;

use std::time::Duration;

use common::*;
use juxta_engine::request::{Message, ResponseFormat, Routing, ToolCallRequest, ToolSpec};
use juxta_engine::run::RunEvent;
use juxta_engine::validate::StructuredSource;
use juxta_engine::{FinishReason, Protocol};
use serde_json::{json, Value};

/// Every protocol, Ollama's native one included.
const ALL: [Protocol; 5] =
    [Protocol::OpenAiChat, Protocol::Anthropic, Protocol::Gemini, Protocol::OpenAiResponses, Protocol::Ollama];

fn weather_tool() -> ToolSpec {
    ToolSpec {
        name: "get_weather".into(),
        description: "Current weather in a city".into(),
        parameters: json!({
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"enum": ["celsius", "fahrenheit"]}},
            "required": ["city"],
            "additionalProperties": false
        }),
    }
}

#[tokio::test]
async fn tool_calls_are_checked_against_their_schema_on_every_protocol() {
    let mock = mock().await;
    for protocol in ALL {
        for (model, valid) in [("tools@calls=2", true), ("tools@invalid=1", false)] {
            let mut spec = pane(&mock, protocol, model);
            spec.request.tools = vec![weather_tool()];
            let (r, events) = run_one(spec).await;
            assert!(r.error.is_none(), "{protocol:?} {model}: {:?}", r.error);
            assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls), "{protocol:?}");
            for call in &r.tool_calls {
                let check = call.check.as_ref().expect("checked");
                assert_eq!(check.valid, valid, "{protocol:?} {model}: {check:?}");
                if !valid {
                    let paths: Vec<&str> = check.violations.iter().map(|v| v.path.as_str()).collect();
                    assert!(paths.contains(&"/city") && paths.contains(&"/unit"), "{protocol:?}: {check:?}");
                }
            }
            // The live event carries the same verdict as the report.
            let live: Vec<_> = events.iter().filter_map(|e| match e { RunEvent::ToolCall { call } => Some(call), _ => None }).collect();
            assert_eq!(live.len(), r.tool_calls.len());
            assert_eq!(live[0].check, r.tool_calls[0].check);
        }
    }
}

#[tokio::test]
async fn calls_without_tools_in_the_request_are_not_judged() {
    let mock = mock().await;
    let (r, _) = run_one(pane(&mock, Protocol::OpenAiChat, "tools")).await;
    assert_eq!(r.tool_calls.len(), 1);
    assert!(r.tool_calls[0].check.is_none());
}

/// The tool loop: each turn sends the previous calls and their results back; the model
/// continues until it answers. Every protocol carries the results in its own shape.
#[tokio::test]
async fn a_tool_loop_reaches_its_answer_on_every_protocol() {
    let mock = mock().await;
    for protocol in ALL {
        let mut spec = pane(&mock, protocol, "tool-loop@steps=2");
        spec.request.tools = vec![weather_tool()];
        let mut steps = 0;
        let answer = loop {
            let (r, _) = run_one(spec.clone()).await;
            assert!(r.error.is_none(), "{protocol:?} step {steps}: {:?}", r.error);
            if r.tool_calls.is_empty() {
                break r.text;
            }
            steps += 1;
            assert!(steps <= 2, "{protocol:?}: the loop must end");
            let calls: Vec<ToolCallRequest> = r
                .tool_calls
                .iter()
                .map(|c| ToolCallRequest { id: c.id.clone(), name: c.name.clone(), arguments: c.arguments.clone() })
                .collect();
            spec.request.messages.push(Message::Assistant {
                content: r.text.clone(),
                tool_calls: calls.clone(),
                provider_state: r.provider_state.clone(),
            });
            for c in calls {
                let city = c.arguments["city"].as_str().unwrap_or("?").to_string();
                spec.request.messages.push(Message::Tool { call_id: c.id, name: c.name, content: format!("{city} 21C") });
            }
        };
        assert_eq!(steps, 2, "{protocol:?}");
        assert_eq!(answer, "After 2 tool results: Paris 21C; Tokyo 21C.", "{protocol:?}");
    }
}

#[tokio::test]
async fn structured_answers_are_validated_on_every_protocol() {
    let mock = mock().await;
    let schema = json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["name", "population"],
        "additionalProperties": false
    });
    // The mock's model names get native structured outputs on Anthropic, as Claude 4.5 has
    // (the forced-tool emulation is covered by the adapter's mapping tests).
    let mut caps = juxta_engine::catalog::CapsTable::bundled();
    caps.extend_from_toml("[[model]]\nmatch = [\"json*\"]\nstructured_outputs = true\n").unwrap();
    let runner = juxta_engine::run::Runner::with_tables(
        std::sync::Arc::new(juxta_engine::secrets::MemoryStore::new()),
        caps,
        juxta_engine::catalog::PriceTable::bundled(),
        Duration::from_secs(5),
    )
    .unwrap();
    for protocol in ALL {
        for (model, valid) in [("json", true), ("json@invalid=1", false)] {
            let mut spec = pane(&mock, protocol, model);
            spec.request.response_format = Some(ResponseFormat { name: "city".into(), schema: schema.clone(), strict: true });
            let (r, _) = run_all(&runner, vec![spec]).await.remove(0);
            assert!(r.error.is_none(), "{protocol:?} {model}: {:?}", r.error);
            let s = r.structured.as_ref().unwrap_or_else(|| panic!("{protocol:?}: checked"));
            assert_eq!(s.check.valid, valid, "{protocol:?} {model}: {s:?} text {:?}", r.text);
            assert_eq!(s.source, StructuredSource::Text);
            if protocol == Protocol::Anthropic {
                assert!(r.mapping.0.iter().any(|m| m.to == Some(json!("output_config.format"))), "{:?}", r.mapping);
            }
            let parsed = s.parsed.as_ref().expect("parsed");
            assert_eq!(parsed.get("population"), Some(&json!(1)), "{protocol:?}");
            if !valid {
                assert!(s.check.violations[0].message.contains("name"), "{:?}", s.check);
            }
        }
    }
}

#[tokio::test]
async fn routing_reaches_openrouter_as_its_provider_object_and_nobody_else() {
    let mock = mock().await;
    let routing = Routing {
        order: vec!["anthropic".into(), "google-vertex".into()],
        allow_fallbacks: Some(false),
        data_collection: Some(juxta_engine::request::DataCollection::Deny),
        zdr: Some(true),
        ..Default::default()
    };
    // An OpenRouter-style endpoint (the preset's quirks) pointed at the mock.
    let mut spec = pane(&mock, Protocol::OpenAiChat, "echo");
    spec.target.endpoint.quirks.provider_routing = true;
    spec.request.routing = Some(routing.clone());
    let (r, _) = run_one(spec).await;
    let sent: Value = serde_json::from_str(&r.text).expect("echo is the body");
    assert_eq!(
        sent["provider"],
        json!({"order": ["anthropic", "google-vertex"], "allow_fallbacks": false, "data_collection": "deny", "zdr": true})
    );
    assert!(r.mapping.0.iter().any(|m| m.param == "routing" && m.to == Some(json!("provider"))));

    for protocol in ALL {
        let mut spec = pane(&mock, protocol, "echo");
        spec.request.routing = Some(routing.clone());
        let (r, _) = run_one(spec).await;
        assert!(!r.text.contains("google-vertex"), "{protocol:?} must not send routing");
        assert!(r.mapping.0.iter().any(|m| m.param == "routing"), "{protocol:?}: {:?}", r.mapping);
    }
}

/// A local server that generates one answer at a time: panes queue (saying so) instead of
/// failing, and the queue time is not counted as latency.
#[tokio::test]
async fn a_provider_limited_to_one_answer_at_a_time_queues_panes() {
    let mock = mock().await;
    let specs: Vec<_> = (0..3)
        .map(|_| {
            let mut spec = pane(&mock, Protocol::OpenAiChat, "normal@tokens=10,ttft=150");
            spec.target.endpoint.max_concurrent = Some(1);
            spec
        })
        .collect();
    let started = std::time::Instant::now();
    let results = run_all(&runner(), specs).await;
    let elapsed = started.elapsed();
    let queued: Vec<bool> =
        results.iter().map(|(_, ev)| ev.iter().any(|e| matches!(e, RunEvent::Queued { limit: 1, .. }))).collect();
    assert_eq!(queued.iter().filter(|q| **q).count(), 2, "two of three panes wait: {queued:?}");
    for (r, _) in &results {
        assert!(r.error.is_none(), "{:?}", r.error);
        // TTFT is measured from the request leaving, not from the pane starting.
        assert!(r.metrics.ttft_ms.unwrap() < 1_000.0, "{:?}", r.metrics);
    }
    let mut waits: Vec<u64> = results.iter().map(|(r, _)| r.queued_ms).collect();
    waits.sort();
    assert_eq!(waits[0], 0);
    assert!(waits[1] >= 100 && waits[2] >= waits[1] + 100, "queue times {waits:?}");
    assert!(elapsed >= Duration::from_millis(450), "one at a time: {elapsed:?}");

    // Without a limit the same panes run side by side.
    let specs: Vec<_> = (0..3).map(|_| pane(&mock, Protocol::OpenAiChat, "normal@tokens=10,ttft=150")).collect();
    let results = run_all(&runner(), specs).await;
    assert!(results.iter().all(|(r, ev)| r.queued_ms == 0 && !ev.iter().any(|e| matches!(e, RunEvent::Queued { .. }))));
}

#[tokio::test]
async fn a_pane_stopped_while_queued_ends_cancelled_without_a_request() {
    let mock = mock().await;
    let runner = runner();
    let all = tokio_util::sync::CancellationToken::new();
    let mut first = pane(&mock, Protocol::OpenAiChat, "normal@tokens=20,rate=50");
    first.target.endpoint.max_concurrent = Some(1);
    let second = first.clone();
    // The first pane takes the slot (its request is on the way) before the second starts.
    let mut running = runner.start_pane(first, all.child_token());
    let sent = tokio::time::timeout(Duration::from_secs(10), running.events.recv()).await.expect("event");
    assert!(matches!(sent, Some(RunEvent::Request { .. })), "{sent:?}");
    let mut handles = vec![running, runner.start_pane(second, all.child_token())];
    // The second pane's first event says it is queued; then it is stopped alone.
    let first_event = tokio::time::timeout(Duration::from_secs(10), handles[1].events.recv()).await.expect("event");
    assert!(matches!(first_event, Some(RunEvent::Queued { limit: 1, .. })), "{first_event:?}");
    handles[1].cancel.cancel();
    let second = handles.pop().unwrap();
    let r = second.join.await.unwrap();
    assert_eq!(r.finish_reason, Some(FinishReason::Cancelled));
    assert!(r.text.is_empty());
    let first = handles.pop().unwrap().join.await.unwrap();
    assert!(first.error.is_none() && !first.text.is_empty(), "the running pane is untouched");
}
