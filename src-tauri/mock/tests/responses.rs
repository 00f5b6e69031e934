//! The OpenAI Responses API route: event shapes for every streaming scenario, errors, auth.

mod common;

use common::*;
use juxta_mock::MockServer;
use serde_json::{json, Value};

const ANSWER_5: &str = "# Mock answer\n\nThis";

fn body(model: &str, extra: Value) -> Value {
    let mut b = json!({"model": model, "stream": true, "store": false, "instructions": "Be brief.",
                       "input": [{"role": "user", "content": "Say hello to the mock server"}]});
    if let (Some(a), Value::Object(e)) = (b.as_object_mut(), extra) {
        a.extend(e);
    }
    b
}

async fn post(
    s: &MockServer,
    path: &str,
    model: &str,
    extra: Value,
) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = client()
        .post(format!("{}{path}", s.base_url()))
        .bearer_auth("sk-test")
        .json(&body(model, extra))
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.expect("body"))
}

async fn get(model: &str, extra: Value) -> Vec<(String, Value)> {
    let s = server().await;
    let (status, headers, text) = post(&s, "/v1/responses", model, extra).await;
    assert_eq!(status, 200, "{text}");
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(ct.starts_with("text/event-stream"), "{ct}");
    events(&text)
}

/// Every event as (name, data); checks the framing every event shares.
fn events(text: &str) -> Vec<(String, Value)> {
    let evs: Vec<(String, Value)> = sse(text, false)
        .iter()
        .filter(|e| !e.comment)
        .map(|e| (e.event.clone().expect("every event is named"), e.json()))
        .collect();
    for (i, (name, data)) in evs.iter().enumerate() {
        assert_eq!(
            data["type"],
            name.as_str(),
            "the data's type is the event's name"
        );
        assert_eq!(data["sequence_number"], i as u64, "{name}");
    }
    evs
}

fn names(evs: &[(String, Value)]) -> Vec<&str> {
    evs.iter().map(|(n, _)| n.as_str()).collect()
}

fn deltas(evs: &[(String, Value)], name: &str) -> String {
    evs.iter()
        .filter(|(n, _)| n == name)
        .filter_map(|(_, d)| d["delta"].as_str())
        .collect()
}

fn last(evs: &[(String, Value)]) -> &Value {
    &evs.last().expect("events").1
}

#[tokio::test]
async fn normal_text_shape() {
    let evs = get("normal@tokens=5", json!({})).await;
    let n = names(&evs);
    assert_eq!(
        n[..4],
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added"
        ]
    );
    assert_eq!(
        n[n.len() - 4..],
        [
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed"
        ]
    );
    assert_eq!(evs[0].1["response"]["model"], "normal@tokens=5");
    assert_eq!(evs[0].1["response"]["status"], "in_progress");
    assert_eq!(evs[2].1["item"]["type"], "message");
    assert_eq!(deltas(&evs, "response.output_text.delta"), ANSWER_5);
    assert_eq!(evs[evs.len() - 4].1["text"], ANSWER_5);

    let done = &last(&evs)["response"];
    assert_eq!(done["status"], "completed");
    assert_eq!(done["model"], "normal@tokens=5");
    assert_eq!(done["output"][0]["content"][0]["text"], ANSWER_5);
    let usage = &done["usage"];
    assert_eq!(usage["output_tokens"], 5);
    assert_eq!(usage["output_tokens_details"]["reasoning_tokens"], 0);
    // "Be brief." + the prompt: 9 + 28 characters, one token per four
    assert_eq!(usage["input_tokens"], 10);
    assert_eq!(usage["total_tokens"], 15);
}

#[tokio::test]
async fn max_output_tokens_ends_incomplete() {
    let evs = get("normal", json!({"max_output_tokens": 3})).await;
    let end = last(&evs);
    assert_eq!(evs.last().unwrap().0, "response.incomplete");
    assert_eq!(end["response"]["status"], "incomplete");
    assert_eq!(
        end["response"]["incomplete_details"]["reason"],
        "max_output_tokens"
    );
    assert_eq!(end["response"]["usage"]["output_tokens"], 3);
}

#[tokio::test]
async fn two_parallel_function_calls() {
    let evs = get("tools@calls=2", json!({})).await;
    let added: Vec<&Value> = evs
        .iter()
        .filter(|(n, _)| n == "response.output_item.added")
        .map(|(_, d)| &d["item"])
        .collect();
    assert_eq!(added.len(), 2);
    for (i, (item, city)) in added.iter().zip(["Paris", "Tokyo"]).enumerate() {
        assert_eq!(
            (item["type"].as_str(), item["name"].as_str()),
            (Some("function_call"), Some("get_weather"))
        );
        assert_eq!(item["call_id"], format!("call_mock_{:04}", i + 1));
        assert_eq!(item["arguments"], "");
        let args: String = evs
            .iter()
            .filter(|(n, d)| {
                n == "response.function_call_arguments.delta" && d["output_index"] == i as u64
            })
            .filter_map(|(_, d)| d["delta"].as_str())
            .collect();
        let parsed: Value = serde_json::from_str(&args).expect("fragments add up to JSON");
        assert_eq!(parsed, json!({"city": city, "unit": "celsius"}));
        let done = evs
            .iter()
            .find(|(n, d)| n == "response.output_item.done" && d["output_index"] == i as u64)
            .expect("item done");
        assert_eq!(done.1["item"]["arguments"], args.as_str());
        assert_eq!(done.1["item"]["status"], "completed");
    }
    let done = &last(&evs)["response"];
    assert_eq!(done["status"], "completed");
    assert_eq!(done["output"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn reasoning_summary_comes_first_and_is_counted() {
    let evs = get("reasoning@reasoning=4,tokens=3", json!({})).await;
    assert_eq!(evs[2].1["item"]["type"], "reasoning");
    assert_eq!(evs[3].0, "response.reasoning_summary_part.added");
    let summary = deltas(&evs, "response.reasoning_summary_text.delta");
    assert!(!summary.is_empty());
    let first_text = evs
        .iter()
        .position(|(n, _)| n == "response.output_text.delta")
        .expect("text");
    let last_reasoning = evs
        .iter()
        .rposition(|(n, _)| n == "response.reasoning_summary_text.delta")
        .unwrap();
    assert!(last_reasoning < first_text);
    // the reasoning item is closed before the message opens, and its index is 0
    let rs_done = evs
        .iter()
        .find(|(n, _)| n == "response.output_item.done")
        .unwrap();
    assert_eq!(
        (
            rs_done.1["output_index"].as_u64(),
            rs_done.1["item"]["summary"][0]["text"].as_str()
        ),
        (Some(0), Some(summary.as_str()))
    );
    let usage = &last(&evs)["response"]["usage"];
    assert_eq!(
        (
            usage["output_tokens"].as_u64(),
            usage["output_tokens_details"]["reasoning_tokens"].as_u64()
        ),
        (Some(7), Some(4))
    );
}

#[tokio::test]
async fn stream_error_is_an_error_event_then_response_failed() {
    let evs = get("stream-error@after=3", json!({})).await;
    let n = names(&evs);
    assert_eq!(n[n.len() - 2..], ["error", "response.failed"]);
    assert!(!n.contains(&"response.completed"));
    assert_eq!(deltas(&evs, "response.output_text.delta"), "# Mock answer");
    let err = &evs[evs.len() - 2].1;
    assert_eq!(err["code"], "server_error");
    let failed = &last(&evs)["response"];
    assert_eq!(
        (failed["status"].as_str(), failed["error"]["code"].as_str()),
        (Some("failed"), Some("server_error"))
    );
    assert_eq!(failed["error"]["message"], err["message"]);
}

#[tokio::test]
async fn malformed_and_stall_events() {
    let s = server().await;
    let (_, _, text) = post(&s, "/v1/responses", "malformed@after=2,tokens=4", json!({})).await;
    let bad = sse(&text, false)
        .into_iter()
        .filter(|e| serde_json::from_str::<Value>(&e.data).is_err())
        .count();
    assert_eq!(bad, 1, "{text}");
    assert!(text.trim_end().ends_with('}') && text.contains("event: response.completed"));
    let (_, _, text) = post(
        &s,
        "/v1/responses",
        "stall@after=1,stall=50,keepalive=20,tokens=2",
        json!({}),
    )
    .await;
    assert!(text.contains(": keep-alive\n\n"), "{text}");
    assert!(text.contains("event: response.completed"));
}

#[tokio::test]
async fn echo_returns_the_request_body() {
    let evs = get(
        "echo",
        json!({"temperature": 0.5, "note": "quote \" and\nnewline"}),
    )
    .await;
    let echoed: Value =
        serde_json::from_str(&deltas(&evs, "response.output_text.delta")).expect("echo is JSON");
    assert_eq!(
        echoed,
        body(
            "echo",
            json!({"temperature": 0.5, "note": "quote \" and\nnewline"})
        )
    );
}

#[tokio::test]
async fn any_prefix_and_openai_error_bodies() {
    let s = server().await;
    for path in ["/responses", "/openai/v1/responses"] {
        let (status, _, text) = post(&s, path, "normal@tokens=2", json!({})).await;
        assert_eq!(status, 200, "{path}");
        assert!(text.contains("event: response.completed"), "{path}");
    }
    for (model, status, code) in [
        ("quota", 429, json!("insufficient_quota")),
        ("auth-error", 401, json!("invalid_api_key")),
        ("rate-limited", 429, json!("rate_limit_exceeded")),
        ("server-error", 500, Value::Null),
        ("bad-request", 400, Value::Null),
    ] {
        let (got, headers, text) = post(&s, "/v1/responses", model, json!({})).await;
        assert_eq!(got, status, "{model}");
        let v: Value = serde_json::from_str(&text).expect("JSON error body");
        assert_eq!(v["error"]["code"], code, "{model}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{model}"
        );
        if model == "rate-limited" {
            assert_eq!(
                headers.get("retry-after").and_then(|v| v.to_str().ok()),
                Some("1")
            );
        }
    }
    // `fails=N` counts per protocol: the Responses route has its own count
    let (first, _, _) = post(&s, "/v1/responses", "server-error@fails=1", json!({})).await;
    let (second, _, _) = post(&s, "/v1/responses", "server-error@fails=1", json!({})).await;
    assert_eq!((first, second), (500, 200));
    // what was received is recorded under its path
    assert!(s
        .requests()
        .iter()
        .any(|r| r.path == "/openai/v1/responses" && r.body["instructions"] == "Be brief."));
}

#[tokio::test]
async fn require_key_wants_a_bearer_token() {
    let s = MockServer::start_with_key("127.0.0.1:0".parse().unwrap(), fixtures(), "sk-right")
        .await
        .unwrap();
    let send = |key: &'static str| {
        client()
            .post(format!("{}/v1/responses", s.base_url()))
            .bearer_auth(key)
            .json(&body("normal", json!({})))
            .send()
    };
    let wrong = send("sk-wrong").await.unwrap();
    assert_eq!(wrong.status(), 401);
    let v: Value = wrong.json().await.unwrap();
    assert_eq!(v["error"]["code"], "invalid_api_key");
    assert_eq!(send("sk-right").await.unwrap().status(), 200);
}
