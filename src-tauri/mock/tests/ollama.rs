//! Ollama's native API on the mock: `POST /api/chat` as NDJSON, `GET /api/tags`, `{"error":..}`
//! bodies. Every line the mock writes must be a JSON object a client can read on its own.

mod common;

use common::{client, server, text_of, P};
use juxta_mock::MockServer;
use serde_json::{json, Value};

/// POST /api/chat: status, content type, body.
async fn chat(s: &MockServer, model: &str, extra: Value) -> (u16, String, String) {
    let mut body = json!({"model": model, "stream": true,
        "messages": [{"role": "user", "content": "Say hello to the mock server"}]});
    if let (Some(b), Value::Object(extra)) = (body.as_object_mut(), extra) {
        b.extend(extra);
    }
    let r = client()
        .post(format!("{}/api/chat", s.base_url()))
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    let ct = common::header(&r, "content-type").to_string();
    (status, ct, r.text().await.expect("body"))
}

/// Every line of an NDJSON body, parsed; panics on a line that is not a JSON object.
fn lines(body: &str) -> Vec<Value> {
    assert!(body.ends_with('\n'), "the last line ends too: {body:?}");
    body.lines()
        .map(|l| match serde_json::from_str::<Value>(l) {
            Ok(v @ Value::Object(_)) => v,
            other => panic!("not a JSON object line ({other:?}): {l}"),
        })
        .collect()
}

fn text(lines: &[Value], field: &str) -> String {
    lines
        .iter()
        .filter_map(|l| {
            l.pointer(&format!("/message/{field}"))
                .and_then(Value::as_str)
        })
        .collect()
}

#[tokio::test]
async fn normal_is_ndjson_ending_with_done() {
    let s = server().await;
    let (status, ct, body) = chat(&s, "normal@tokens=5", json!({})).await;
    assert_eq!((status, ct.as_str()), (200, "application/x-ndjson"));
    let ls = lines(&body);
    assert_eq!(ls.len(), 6, "five pieces and the done line: {body}");
    for l in &ls[..5] {
        assert_eq!(l["done"], false);
        assert_eq!(l["model"], "normal@tokens=5");
        assert_eq!(l["message"]["role"], "assistant");
        assert!(
            l["created_at"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z') && t.len() == 30),
            "{l}"
        );
    }
    let done = &ls[5];
    assert_eq!(
        (&done["done"], &done["done_reason"]),
        (&json!(true), &json!("stop"))
    );
    assert_eq!(done["message"]["content"], "");
    assert_eq!(done["eval_count"], 5);
    // "Say hello to the mock server" is 28 characters: 7 tokens at 4 characters each
    assert_eq!(done["prompt_eval_count"], 7);
    assert!(done["eval_duration"].as_u64().is_some() && done["total_duration"].as_u64().is_some());

    // the same answer the other protocols give
    let r = common::request(
        &client(),
        &s.base_url(),
        P::OpenAi,
        "normal@tokens=5",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    let openai = text_of(P::OpenAi, &r.text().await.expect("body"));
    assert_eq!(text(&ls, "content"), openai);
}

#[tokio::test]
async fn options_num_predict_and_stop_cut_the_answer() {
    let s = server().await;
    let (_, _, body) = chat(&s, "normal", json!({"options": {"num_predict": 3}})).await;
    let ls = lines(&body);
    assert_eq!(ls.last().unwrap()["done_reason"], "length");
    assert_eq!(ls.last().unwrap()["eval_count"], 3);

    let full = text(&lines(&chat(&s, "normal", json!({})).await.2), "content");
    let (_, _, body) = chat(&s, "normal", json!({"options": {"stop": ["main"]}})).await;
    let cut = text(&lines(&body), "content");
    assert!(
        full.contains("main") && !cut.contains("main") && full.starts_with(&cut),
        "{cut:?}"
    );
    assert_eq!(lines(&body).last().unwrap()["done_reason"], "stop");
}

#[tokio::test]
async fn reasoning_streams_thinking_first() {
    let s = server().await;
    let (_, _, body) = chat(&s, "reasoning@reasoning=3,tokens=4", json!({})).await;
    let ls = lines(&body);
    assert!(ls[0]["message"]["thinking"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert_eq!(ls[0]["message"]["content"], "");
    assert_eq!(
        ls.iter()
            .filter(|l| l["message"].get("thinking").is_some())
            .count(),
        3
    );
    assert!(!text(&ls, "content").is_empty());
    assert_eq!(
        ls.last().unwrap()["eval_count"],
        7,
        "reasoning counts in eval_count"
    );
}

#[tokio::test]
async fn tools_arrive_whole_without_ids() {
    let s = server().await;
    let (_, _, body) = chat(&s, "tools@calls=2", json!({})).await;
    let ls = lines(&body);
    let calls: Vec<&Value> = ls
        .iter()
        .filter_map(|l| l.pointer("/message/tool_calls/0"))
        .collect();
    assert_eq!(
        calls,
        [
            &json!({"function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}),
            &json!({"function": {"name": "get_weather", "arguments": {"city": "Tokyo", "unit": "celsius"}}}),
        ]
    );
    assert_eq!(
        ls.last().unwrap()["done_reason"],
        "stop",
        "Ollama says stop after tool calls"
    );
}

#[tokio::test]
async fn echo_answers_with_the_request_body() {
    let s = server().await;
    let (_, _, body) = chat(
        &s,
        "echo",
        json!({"think": true, "options": {"temperature": 0.5}}),
    )
    .await;
    let echoed: Value =
        serde_json::from_str(&text(&lines(&body), "content")).expect("echo is JSON");
    assert_eq!(echoed["think"], true);
    assert_eq!(echoed["options"]["temperature"], 0.5);
    assert_eq!(
        echoed["messages"][0]["content"],
        "Say hello to the mock server"
    );
}

#[tokio::test]
async fn stream_error_is_an_error_line_after_the_text() {
    let s = server().await;
    let (status, _, body) = chat(&s, "stream-error@after=2", json!({})).await;
    assert_eq!(status, 200);
    let ls = lines(&body);
    assert_eq!(ls.len(), 3, "{body}");
    assert!(ls[..2].iter().all(|l| l["done"] == false));
    assert!(
        ls[2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("model runner")),
        "{body}"
    );
}

#[tokio::test]
async fn malformed_is_a_line_that_is_not_json() {
    let s = server().await;
    let (_, _, body) = chat(&s, "malformed@after=2,tokens=4", json!({})).await;
    let raw: Vec<&str> = body.lines().collect();
    assert_eq!(raw.len(), 6, "{body}");
    assert!(serde_json::from_str::<Value>(raw[2]).is_err());
    assert!(raw
        .iter()
        .enumerate()
        .all(|(i, l)| i == 2 || serde_json::from_str::<Value>(l).is_ok()));
    assert!(raw[5].contains("\"done\":true"));
}

#[tokio::test]
async fn faults_are_error_bodies_with_the_status() {
    let s = server().await;
    for (model, status, needle) in [
        (
            "not-found",
            404,
            "model \"not-found\" not found, try pulling it first",
        ),
        ("server-error", 500, "llama runner"),
        ("overloaded", 503, "server busy"),
        ("bad-request", 400, "bad-request scenario"),
        ("auth-error", 401, "unauthorized"),
        ("rate-limited", 429, "too many requests"),
        ("quota", 402, "usage limit"),
    ] {
        let (got, ct, body) = chat(&s, model, json!({})).await;
        assert_eq!(got, status, "{model}: {body}");
        assert_eq!(ct, "application/json", "{model}");
        let v: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(
            v.as_object().map(|o| o.len()),
            Some(1),
            "only `error`: {body}"
        );
        assert!(
            v["error"].as_str().is_some_and(|e| e.contains(needle)),
            "{model}: {body}"
        );
    }
    let (got, _, body) = chat(&s, "not-found@fails=1", json!({})).await;
    assert_eq!(got, 404, "{body}");
    assert_eq!(
        chat(&s, "not-found@fails=1", json!({})).await.0,
        200,
        "then it plays normal"
    );

    let r = client()
        .post(format!("{}/api/generate", s.base_url()))
        .json(&json!({"model": "normal"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.expect("JSON");
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("no route")),
        "{v}"
    );
}

#[tokio::test]
async fn not_found_in_every_protocol_shape() {
    let s = server().await;
    for p in common::ALL {
        let r = common::request(&client(), &s.base_url(), p, "not-found", json!({}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 404, "{p:?}");
        let body = r.text().await.expect("body");
        assert!(
            body.contains("not-found") && body.contains("\"error\""),
            "{p:?}: {body}"
        );
    }
}

#[tokio::test]
async fn tags_list_every_scenario() {
    let s = server().await;
    let v: Value = client()
        .get(format!("{}/api/tags", s.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = v["models"]
        .as_array()
        .expect("models")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    let want: Vec<&str> = juxta_mock::SCENARIOS.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(names, want);
    assert_eq!(v["models"][0]["details"]["parameter_size"], "3.2B");
}

#[tokio::test]
async fn a_required_key_is_a_bearer_token() {
    let s = MockServer::builder()
        .require_key("sk-x")
        .fixtures_dir(None)
        .start()
        .await
        .expect("mock starts");
    let post = |key: Option<&str>| {
        let mut r = client()
            .post(format!("{}/api/chat", s.base_url()))
            .json(&json!({"model": "normal@tokens=1"}));
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        r.send()
    };
    let r = post(None).await.expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.expect("JSON"),
        json!({"error": "unauthorized"})
    );
    assert_eq!(post(Some("sk-x")).await.expect("send").status(), 200);
}
