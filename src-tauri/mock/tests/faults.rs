//! Error scenarios, connection faults, replay, model lists, auth and the control endpoints.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use futures_util::StreamExt;
use juxta_mock::{MockServer, SCENARIOS};
use serde_json::{json, Value};

async fn send(p: P, model: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let s = server().await;
    let resp = request(&client(), &s.base_url(), p, model, json!({}))
        .send()
        .await
        .expect("send");
    (
        resp.status().as_u16(),
        resp.headers().clone(),
        resp.text().await.expect("body"),
    )
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// (OpenAI `error.type`/`code`, Anthropic `error.type`, Gemini `error.status`) for each scenario.
#[tokio::test]
async fn http_errors_in_each_provider_shape() {
    let table = [
        (
            "rate-limited",
            [429, 429, 429],
            "rate_limit_exceeded",
            "rate_limit_error",
            "RESOURCE_EXHAUSTED",
        ),
        (
            "server-error",
            [500, 500, 500],
            "server_error",
            "api_error",
            "INTERNAL",
        ),
        (
            "overloaded",
            [503, 529, 503],
            "server_error",
            "overloaded_error",
            "UNAVAILABLE",
        ),
        (
            "auth-error",
            [401, 401, 401],
            "invalid_api_key",
            "authentication_error",
            "UNAUTHENTICATED",
        ),
        (
            "bad-request",
            [400, 400, 400],
            "invalid_request_error",
            "invalid_request_error",
            "INVALID_ARGUMENT",
        ),
        (
            "quota",
            [429, 400, 429],
            "insufficient_quota",
            "invalid_request_error",
            "RESOURCE_EXHAUSTED",
        ),
    ];
    for (name, statuses, openai, anthropic, gemini) in table {
        let (st, h, b) = send(P::OpenAi, name).await;
        assert_eq!(st, statuses[0], "{name}");
        assert!(h["content-type"]
            .to_str()
            .is_ok_and(|c| c.starts_with("application/json")));
        let e = &json_of(&b)["error"];
        assert!(e["code"] == openai || e["type"] == openai, "{name}: {b}");
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()) && e.get("param").is_some());

        let (st, _, b) = send(P::Anthropic, name).await;
        assert_eq!(st, statuses[1], "{name}");
        let v = json_of(&b);
        assert_eq!(
            (&v["type"], &v["error"]["type"]),
            (&json!("error"), &json!(anthropic)),
            "{name}"
        );
        assert!(v["request_id"]
            .as_str()
            .is_some_and(|r| r.starts_with("req_")));

        let (st, _, b) = send(P::GeminiSse, name).await;
        assert_eq!(st, statuses[2], "{name}");
        let e = &json_of(&b)["error"];
        assert_eq!(
            (&e["code"], &e["status"]),
            (&json!(statuses[2]), &json!(gemini)),
            "{name}"
        );
    }
}

#[tokio::test]
async fn rate_limit_wait_hints() {
    let (_, h, _) = send(P::OpenAi, "rate-limited").await;
    assert_eq!(h["retry-after"], "1");
    assert!(h.get("retry-after-ms").is_none());
    let (_, h, _) = send(P::Anthropic, "rate-limited@retry_after_ms=250").await;
    assert_eq!(h["retry-after-ms"], "250");
    assert!(h.get("retry-after").is_none());
    let (_, h, b) = send(P::GeminiSse, "rate-limited").await;
    assert!(
        h.get("retry-after").is_none(),
        "Gemini puts the wait in the body"
    );
    let details = json_of(&b)["error"]["details"].clone();
    let delay = details
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|d| d.get("retryDelay").cloned());
    assert_eq!(delay, Some(json!("1s")));
    let (_, _, b) = send(P::GeminiArray, "rate-limited@retry_after_ms=1500").await;
    assert!(b.contains("\"retryDelay\":\"1.5s\""), "{b}");
    // The quota error carries no retry hint.
    let (_, h, b) = send(P::OpenAi, "quota").await;
    assert!(h.get("retry-after").is_none() && b.contains("insufficient_quota"));
}

#[tokio::test]
async fn html_502_page() {
    for p in ALL {
        let (st, h, b) = send(p, "html-502").await;
        assert_eq!(st, 502);
        assert_eq!(h["content-type"], "text/html");
        assert!(b.starts_with("<html>") && b.contains("<title>502 Bad Gateway</title>"));
    }
}

#[tokio::test]
async fn fails_then_succeeds() {
    let s = server().await;
    let c = client();
    for p in [P::OpenAi, P::Anthropic, P::GeminiSse] {
        let model = "rate-limited@fails=1";
        let r = request(&c, &s.base_url(), p, model, json!({}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 429, "{p:?}: first request fails");
        let r = request(&c, &s.base_url(), p, model, json!({}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200, "{p:?}: second succeeds");
        assert!(text_of(p, &r.text().await.expect("body")).starts_with("# Mock answer"));
    }
    // Another model string has its own count; without `fails` it always fails.
    let r = request(
        &c,
        &s.base_url(),
        P::OpenAi,
        "server-error@fails=2",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(r.status(), 500);
    for _ in 0..3 {
        let r = request(&c, &s.base_url(), P::OpenAi, "server-error", json!({}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 500);
    }
    // In-stream faults obey `fails` too.
    let r = request(&c, &s.base_url(), P::OpenAi, "drop@fails=1", json!({}))
        .send()
        .await
        .expect("send");
    assert!(r.text().await.is_err(), "first one drops");
    let r = request(&c, &s.base_url(), P::OpenAi, "drop@fails=1", json!({}))
        .send()
        .await
        .expect("send");
    assert!(r.text().await.expect("complete").contains("[DONE]"));
}

/// Read a streaming body to its end; Err carries what arrived before the failure.
async fn read_all(resp: reqwest::Response) -> Result<String, String> {
    let mut got = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(b) => got.extend_from_slice(&b),
            Err(_) => return Err(String::from_utf8_lossy(&got).into_owned()),
        }
    }
    Ok(String::from_utf8_lossy(&got).into_owned())
}

#[tokio::test]
async fn drop_really_aborts_the_connection() {
    let s = server().await;
    for p in ALL {
        let resp = request(&client(), &s.base_url(), p, "drop@after=4", json!({}))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 200);
        let partial = read_all(resp)
            .await
            .expect_err("the body must fail, not end cleanly");
        assert!(
            !partial.contains("[DONE]")
                && !partial.contains("message_stop")
                && !partial.contains("finishReason")
        );
        assert!(
            partial.contains("Mock") && partial.contains("answer"),
            "{p:?}: text before the drop: {partial}"
        );
    }
}

#[tokio::test]
async fn drop_is_a_truncated_chunked_body_on_the_wire() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = server().await;
    let mut tcp = tokio::net::TcpStream::connect(s.addr())
        .await
        .expect("connect");
    let body = r#"{"model":"drop@after=2","messages":[]}"#;
    let req = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(req.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut raw))
        .await
        .expect("closed in time");
    // Either EOF or a reset: what matters is that the final zero-length chunk never came.
    let raw = String::from_utf8_lossy(&raw);
    assert!(read.is_ok() || !raw.is_empty());
    assert!(
        raw.starts_with("HTTP/1.1 200") && raw.contains("transfer-encoding: chunked"),
        "{raw}"
    );
    assert!(
        !raw.ends_with("0\r\n\r\n"),
        "terminal chunk must be missing: {raw:?}"
    );
    assert!(raw.contains("\"content\":\" Mock\""));
}

#[tokio::test]
async fn stall_sends_keepalive_comments_then_completes() {
    let s = server().await;
    let t0 = Instant::now();
    let resp = request(
        &client(),
        &s.base_url(),
        P::OpenAi,
        "stall@after=2,tokens=5,stall=400,keepalive=60",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    let body = read_all(resp).await.expect("completes");
    let elapsed = t0.elapsed();
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    let evs = sse(&body, false);
    let comments = evs.iter().filter(|e| e.comment).count();
    assert!(
        (4..=8).contains(&comments),
        "about 400/60 keep-alives, got {comments}"
    );
    let first_comment = evs.iter().position(|e| e.comment).expect("comment");
    let texts_before = evs[..first_comment]
        .iter()
        .filter(|e| e.data.contains("\"content\":\"") && !e.data.contains("\"content\":\"\""))
        .count();
    assert_eq!(texts_before, 2);
    assert_eq!(text_of(P::OpenAi, &body), "# Mock answer\n\nThis");
    assert_eq!(evs.last().map(|e| e.data.as_str()), Some("[DONE]"));

    // Gemini SSE comments use CRLF framing.
    let resp = request(
        &client(),
        &s.base_url(),
        P::GeminiSse,
        "stall@after=1,tokens=2,stall=150,keepalive=40",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    let body = read_all(resp).await.expect("completes");
    assert!(body.contains(": keep-alive\r\n\r\n"));
}

#[tokio::test]
async fn stall_forever_holds_until_the_server_stops() {
    let s = server().await;
    let resp = request(
        &client(),
        &s.base_url(),
        P::Anthropic,
        "stall@after=1",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    let mut stream = resp.bytes_stream();
    let first = stream.next().await.expect("some bytes").expect("ok");
    assert!(String::from_utf8_lossy(&first).contains("message_start"));
    let more = tokio::time::timeout(Duration::from_millis(300), async {
        // Read past the first text event; after it nothing may come.
        let mut all = String::from_utf8_lossy(&first).into_owned();
        while let Some(Ok(b)) = stream.next().await {
            all.push_str(&String::from_utf8_lossy(&b));
        }
        all
    })
    .await;
    assert!(more.is_err(), "the stream must still be open after 300 ms");
    // Dropping the server closes stalled connections too.
    drop(s);
    let end = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(_)) = stream.next().await {}
    })
    .await;
    assert!(end.is_ok(), "connection closed after shutdown");
}

#[tokio::test]
async fn replay_is_byte_for_byte() {
    let s = server().await;
    let dir = fixtures();
    let mut checked = 0;
    for group in std::fs::read_dir(&dir).expect("fixtures dir") {
        let group = group.expect("entry").path();
        if !group.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&group).expect("group") {
            let path = f.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if name.ends_with(".meta.json") || name.ends_with(".jsonl") {
                continue;
            }
            let rel = path
                .strip_prefix(&dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            let want = std::fs::read(&path).expect("fixture");
            let meta: Value = std::fs::read(path.with_extension("meta.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null);
            let resp = request(
                &client(),
                &s.base_url(),
                P::OpenAi,
                &format!("replay@file={rel}"),
                json!({}),
            )
            .send()
            .await
            .expect("send");
            if let Some(st) = meta["response_status"].as_u64() {
                assert_eq!(resp.status().as_u16() as u64, st, "{rel}");
            }
            let ct = header(&resp, "content-type").to_string();
            if name.ends_with(".sse") {
                assert!(ct.starts_with("text/event-stream"), "{rel}: {ct}");
            } else {
                assert!(ct.starts_with("application/json"), "{rel}: {ct}");
            }
            let got = resp.bytes().await.expect("body");
            assert!(got[..] == want[..], "{rel}: replay differs from the file");
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} fixtures replayed");
}

#[tokio::test]
async fn replay_status_from_name_and_recorded_headers() {
    let s = server().await;
    let c = client();
    let rel = "openai-chat/error-400_max-tokens-unsupported-use-max-completion-tokens.json";
    let r = request(
        &c,
        &s.base_url(),
        P::Anthropic,
        &format!("replay@file={rel}"),
        json!({}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(
        (r.status().as_u16(), header(&r, "content-type")),
        (400, "application/json")
    );
    let rel = "anthropic/text_haiku-4.5_padded-json.sse";
    let r = request(
        &c,
        &s.base_url(),
        P::Anthropic,
        &format!("replay@file={rel}"),
        json!({}),
    )
    .send()
    .await
    .expect("send");
    assert!(
        !header(&r, "request-id").is_empty()
            && !header(&r, "anthropic-ratelimit-requests-limit").is_empty()
    );
    // Gemini's model is in the path and may be percent-encoded there.
    let url = format!(
        "{}/v1beta/models/replay%40file%3Dgemini%2Fsse-text_crlf_gemini-2.0-flash.sse:streamGenerateContent?alt=sse",
        s.base_url()
    );
    let r = c.post(url).json(&json!({})).send().await.expect("send");
    let want = std::fs::read(fixtures().join("gemini/sse-text_crlf_gemini-2.0-flash.sse"))
        .expect("fixture");
    assert!(r.bytes().await.expect("body")[..] == want[..]);
}

#[tokio::test]
async fn replay_honours_chunk_and_delay() {
    let s = server().await;
    let rel = "anthropic/text_haiku-4.5_padded-json.sse";
    let want = std::fs::read(fixtures().join(rel)).expect("fixture");
    let t0 = Instant::now();
    let resp = request(
        &client(),
        &s.base_url(),
        P::OpenAi,
        &format!("replay@file={rel},chunk=100,delay=15"),
        json!({}),
    )
    .send()
    .await
    .expect("send");
    let mut pieces = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(b) = stream.next().await {
        pieces.push(b.expect("chunk"));
    }
    let writes = want.len().div_ceil(100);
    assert!(
        t0.elapsed() >= Duration::from_millis(15 * (writes as u64 - 1)),
        "{:?}",
        t0.elapsed()
    );
    assert!(
        pieces.iter().all(|p| p.len() <= 100),
        "{:?}",
        pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
    );
    assert!(pieces.len() >= writes);
    assert!(pieces.concat() == want);
}

#[tokio::test]
async fn replay_refuses_paths_outside_the_fixtures() {
    let s = server().await;
    for bad in [
        "../DESIGN.md",
        "/etc/passwd",
        "openai-chat/../../DESIGN.md",
        "nope/missing.sse",
    ] {
        let r = request(
            &client(),
            &s.base_url(),
            P::OpenAi,
            &format!("replay@file={bad}"),
            json!({}),
        )
        .send()
        .await
        .expect("send");
        assert!(
            [400, 404].contains(&r.status().as_u16()),
            "{bad}: {}",
            r.status()
        );
        assert!(r.text().await.expect("body").contains("\"error\""));
    }
}

#[tokio::test]
async fn model_lists_paginate() {
    let s = server().await;
    let c = client();
    let names: Vec<&str> = SCENARIOS.iter().map(|(n, _, _)| *n).collect();

    let v: Value = c
        .get(format!("{}/v1/models", s.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["object"], "list");
    let ids: Vec<&str> = v["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, names);

    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = format!("{}/v1/models", s.base_url());
        if let Some(a) = &after {
            url.push_str(&format!("?after_id={a}"));
        }
        let v: Value = c
            .get(url)
            .header("anthropic-version", "2023-06-01")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let page = v["data"].as_array().expect("data").clone();
        assert!(page.len() <= 5);
        assert_eq!(v["first_id"], page[0]["id"]);
        assert_eq!(v["last_id"], page[page.len() - 1]["id"]);
        ids.extend(
            page.iter()
                .filter_map(|m| m["id"].as_str().map(str::to_string)),
        );
        pages += 1;
        if v["has_more"] != true {
            break;
        }
        after = v["last_id"].as_str().map(str::to_string);
        assert!(pages < 20);
    }
    assert_eq!(ids, names);
    assert_eq!(pages, names.len().div_ceil(5));
    let v: Value = c
        .get(format!("{}/v1/models?limit=100", s.base_url()))
        .header("anthropic-version", "2023-06-01")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (v["data"].as_array().map(Vec::len), &v["has_more"]),
        (Some(names.len()), &json!(false))
    );

    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = format!("{}/v1beta/models?pageSize=4", s.base_url());
        if let Some(t) = &token {
            url.push_str(&format!("&pageToken={t}"));
        }
        let v: Value = c
            .get(url)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let page = v["models"].as_array().expect("models").clone();
        assert!(page.len() <= 4);
        for m in &page {
            assert!(m["supportedGenerationMethods"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("streamGenerateContent"))));
            assert!(m["displayName"].is_string());
        }
        ids.extend(
            page.iter()
                .filter_map(|m| m["name"].as_str().map(str::to_string)),
        );
        pages += 1;
        match v["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
        assert!(pages < 20);
    }
    assert_eq!(
        ids,
        names
            .iter()
            .map(|n| format!("models/{n}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(pages, names.len().div_ceil(4));
    let v: Value = c
        .get(format!("{}/v1beta/models", s.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        v["models"].as_array().map(Vec::len),
        Some(5),
        "small default page"
    );
}

#[tokio::test]
async fn require_key_returns_401_in_each_shape() {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    let s = MockServer::start_with_key(addr, fixtures(), "sk-right")
        .await
        .expect("start");
    let base = s.base_url();
    let c = client();
    let body = json!({"model": "normal@tokens=2", "max_tokens": 10, "messages": []});

    let r = c
        .post(format!("{base}/v1/chat/completions"))
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(
        json_of(&r.text().await.expect("body"))["error"]["code"],
        "invalid_api_key"
    );
    let r = c
        .post(format!("{base}/v1/chat/completions"))
        .bearer_auth("sk-wrong")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    let r = c
        .post(format!("{base}/v1/chat/completions"))
        .bearer_auth("sk-right")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);

    // Anthropic wants x-api-key; a Bearer header is not enough.
    let r = c
        .post(format!("{base}/v1/messages"))
        .bearer_auth("sk-right")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(
        json_of(&r.text().await.expect("body"))["error"]["type"],
        "authentication_error"
    );
    let r = c
        .post(format!("{base}/v1/messages"))
        .header("x-api-key", "sk-right")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);

    let url = format!("{base}/v1beta/models/normal:streamGenerateContent?alt=sse");
    let r = c.post(&url).json(&json!({})).send().await.expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(
        json_of(&r.text().await.expect("body"))["error"]["status"],
        "UNAUTHENTICATED"
    );
    let r = c
        .post(&url)
        .header("x-goog-api-key", "sk-right")
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let r = c
        .post(format!("{url}&key=sk-right"))
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);

    let r = c
        .get(format!("{base}/v1/models"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    let r = c
        .get(format!("{base}/v1/models"))
        .bearer_auth("sk-right")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn records_requests_and_serves_control_endpoints() {
    let s = server().await;
    let c = client();
    request(
        &c,
        &s.base_url(),
        P::OpenAi,
        "normal@tokens=1",
        json!({"temperature": 0.2}),
    )
    .send()
    .await
    .expect("send")
    .text()
    .await
    .expect("body");
    request(&c, &s.base_url(), P::GeminiSse, "echo", json!({}))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    c.get(format!("{}/v1/models?x=1", s.base_url()))
        .send()
        .await
        .expect("send");

    let reqs = s.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(reqs[0].body["temperature"], 0.2);
    assert!(reqs[0]
        .headers
        .iter()
        .any(|(k, v)| k == "authorization" && v == "Bearer sk-test"));
    assert_eq!(reqs[1].path, "/v1beta/models/echo:streamGenerateContent");
    assert_eq!(reqs[1].query.as_deref(), Some("alt=sse"));
    assert!(reqs[1]
        .headers
        .iter()
        .any(|(k, v)| k == "x-goog-api-key" && v == "g-test"));
    assert_eq!(
        (
            reqs[2].method.as_str(),
            reqs[2].query.as_deref(),
            &reqs[2].body
        ),
        ("GET", Some("x=1"), &Value::Null)
    );

    let over_http: Value = c
        .get(format!("{}/__mock/requests", s.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(over_http, serde_json::to_value(&reqs).expect("serialize"));
    let scenarios: Value = c
        .get(format!("{}/__mock/scenarios", s.base_url()))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let listed = scenarios.as_array().expect("list");
    assert_eq!(listed.len(), SCENARIOS.len());
    assert!(
        listed
            .iter()
            .all(|x| x["name"].is_string()
                && x["description"].as_str().is_some_and(|d| !d.is_empty()))
    );
    assert_eq!(s.requests().len(), 3, "control endpoints are not recorded");

    c.delete(format!("{}/__mock/requests", s.base_url()))
        .send()
        .await
        .expect("send");
    assert!(s.requests().is_empty());
}

#[tokio::test]
async fn unknown_routes_and_bad_options_are_clear_errors() {
    let s = server().await;
    let c = client();
    let r = c
        .post(format!("{}/v2/nothing", s.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    assert!(r.text().await.expect("body").contains("no route"));
    let r = request(
        &c,
        &s.base_url(),
        P::OpenAi,
        "normal@tokens=lots",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("body").contains("tokens=lots"));
    // Unknown names play `normal` and report the requested name.
    let r = request(&c, &s.base_url(), P::OpenAi, "gpt-4o-mini", json!({}))
        .send()
        .await
        .expect("send");
    let body = r.text().await.expect("body");
    assert!(
        body.contains("\"model\":\"gpt-4o-mini\"")
            && text_of(P::OpenAi, &body).starts_with("# Mock answer")
    );
}

#[tokio::test]
async fn fail_every_fails_exactly_every_nth_request_of_that_model() {
    let s = server().await;
    let c = client();
    let model = "normal@tokens=3,fail_every=3";
    let mut statuses = Vec::new();
    // Counted per model string over every protocol: alternate them.
    for i in 0..9 {
        let p = [P::OpenAi, P::Anthropic, P::GeminiSse][i % 3];
        let r = request(&c, &s.base_url(), p, model, json!({}))
            .send()
            .await
            .expect("send");
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429, 200, 200, 429]);
    // Another model string counts on its own, and `fail=` picks the fault.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = request(
            &c,
            &s.base_url(),
            P::OpenAi,
            "echo@fail_every=2,fail=server-error",
            json!({}),
        )
        .send()
        .await
        .expect("send");
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [200, 500, 200, 500]);
    // In-stream faults work too: the 1st request of fail_every=1 is a 200 that errors inside.
    let r = request(
        &c,
        &s.base_url(),
        P::OpenAi,
        "normal@fail_every=1,fail=stream-error",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.expect("body").contains("\"error\""));
    // Mistakes are 400s that say what to write.
    for (model, says) in [
        ("normal@fail_every=0", "fail_every=0"),
        ("normal@fail_every=2,fail=normal", "not a fault scenario"),
    ] {
        let r = request(&c, &s.base_url(), P::OpenAi, model, json!({}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 400, "{model}");
        assert!(r.text().await.expect("body").contains(says), "{model}");
    }
}

#[tokio::test]
async fn open_streams_are_counted_per_model() {
    let s = server().await;
    let c = client();
    let model = "normal@tokens=2,ttft=150";
    let sends: Vec<_> = (0..3)
        .map(|_| {
            let req = request(&c, &s.base_url(), P::OpenAi, model, json!({}));
            tokio::spawn(async move { req.send().await.expect("send").text().await.expect("body") })
        })
        .collect();
    for h in sends {
        h.await.expect("joined");
    }
    assert_eq!(
        s.max_open_streams(model),
        3,
        "three streams were open at once"
    );
    // One after the other: never more than one open.
    for _ in 0..3 {
        request(&c, &s.base_url(), P::OpenAi, "normal@tokens=2", json!({}))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("body");
    }
    assert_eq!(s.max_open_streams("normal@tokens=2"), 1);
    assert_eq!(s.max_open_streams("never-asked"), 0);
}
