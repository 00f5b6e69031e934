//! Every streaming scenario on every protocol: status, headers and event shapes.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const ANSWER_5: &str = "# Mock answer\n\nThis";

async fn get(p: P, model: &str, extra: Value) -> (reqwest::StatusCode, String, String) {
    let s = server().await;
    let resp = request(&client(), &s.base_url(), p, model, extra)
        .send()
        .await
        .expect("send");
    let status = resp.status();
    let ct = header(&resp, "content-type").to_string();
    (status, ct, resp.text().await.expect("body"))
}

#[tokio::test]
async fn openai_normal_shape() {
    let (status, ct, body) = get(P::OpenAi, "normal@tokens=5", json!({})).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/event-stream"), "{ct}");
    let evs = sse(&body, false);
    assert_eq!(evs.last().map(|e| e.data.as_str()), Some("[DONE]"));
    let chunks: Vec<Value> = evs[..evs.len() - 1].iter().map(Sse::json).collect();
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": "", "refusal": null})
    );
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk" && c["model"] == "normal@tokens=5"));
    let finish = &chunks[chunks.len() - 2];
    assert_eq!(
        (
            &finish["choices"][0]["delta"],
            &finish["choices"][0]["finish_reason"]
        ),
        (&json!({}), &json!("stop"))
    );
    let usage = &chunks[chunks.len() - 1];
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["completion_tokens"], 5);
    assert!(usage["usage"]["prompt_tokens"].as_u64().unwrap_or(0) > 0);
    assert_eq!(text_of(P::OpenAi, &body), ANSWER_5);
}

#[tokio::test]
async fn openai_usage_only_when_asked() {
    let (_, _, body) = get(
        P::OpenAi,
        "normal@tokens=3",
        json!({"stream_options": {"include_usage": false}}),
    )
    .await;
    let evs = sse(&body, false);
    assert!(
        evs.iter()
            .filter(|e| e.data != "[DONE]")
            .all(|e| e.json().get("usage").is_none()),
        "{body}"
    );
    assert!(evs.iter().all(|e| !e.data.contains("\"choices\":[]")));
}

#[tokio::test]
async fn anthropic_normal_shape() {
    let (status, ct, body) = get(P::Anthropic, "normal@tokens=5", json!({})).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/event-stream"), "{ct}");
    let evs = sse(&body, false);
    let names: Vec<&str> = evs
        .iter()
        .map(|e| e.event.as_deref().unwrap_or("?"))
        .collect();
    let mut want = vec!["message_start", "ping", "content_block_start"];
    want.extend(["content_block_delta"; 5]);
    want.extend(["content_block_stop", "message_delta", "message_stop"]);
    assert_eq!(names, want);
    for e in &evs {
        assert_eq!(
            e.json()["type"].as_str(),
            e.event.as_deref(),
            "data.type matches the event name"
        );
    }
    assert_eq!(evs[0].json()["message"]["model"], "normal@tokens=5");
    assert!(
        evs[0].json()["message"]["usage"]["input_tokens"]
            .as_u64()
            .unwrap_or(0)
            > 0
    );
    let delta = evs[evs.len() - 2].json();
    assert_eq!(delta["delta"]["stop_reason"], "end_turn");
    assert_eq!(delta["usage"]["output_tokens"], 5);
    assert_eq!(text_of(P::Anthropic, &body), ANSWER_5);
}

#[tokio::test]
async fn gemini_sse_is_crlf_framed_with_usage_on_every_chunk() {
    let (status, ct, body) = get(P::GeminiSse, "normal@tokens=5", json!({})).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/event-stream"), "{ct}");
    assert!(body.ends_with("\r\n\r\n"));
    assert_eq!(body.matches("\n\n").count(), 0, "only CRLF separators");
    let chunks = gemini_chunks(P::GeminiSse, &body);
    assert_eq!(chunks.len(), 6);
    for c in &chunks {
        assert!(c["usageMetadata"]["promptTokenCount"].as_u64().unwrap_or(0) > 0);
        assert_eq!(c["modelVersion"], "normal@tokens=5");
    }
    let last = &chunks[5];
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert_eq!(last["usageMetadata"]["candidatesTokenCount"], 5);
    assert!(chunks[..5]
        .iter()
        .all(|c| c["candidates"][0].get("finishReason").is_none()));
    assert_eq!(text_of(P::GeminiSse, &body), ANSWER_5);
}

#[tokio::test]
async fn gemini_without_alt_sse_streams_a_json_array() {
    let (status, ct, body) = get(P::GeminiArray, "normal@tokens=5", json!({})).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/json"), "{ct}");
    assert!(
        body.starts_with("[{") && body.ends_with("\n]") && body.contains("\n,\r\n"),
        "{body}"
    );
    let chunks = gemini_chunks(P::GeminiArray, &body);
    assert_eq!(
        chunks
            .last()
            .map(|c| c["candidates"][0]["finishReason"].clone()),
        Some(json!("STOP"))
    );
    assert_eq!(text_of(P::GeminiArray, &body), ANSWER_5);
}

#[tokio::test]
async fn same_answer_on_every_protocol_and_every_run() {
    let mut texts = Vec::new();
    for p in ALL {
        texts.push(text_of(p, &get(p, "normal", json!({})).await.2));
    }
    texts.push(text_of(
        P::OpenAi,
        &get(P::OpenAi, "normal", json!({})).await.2,
    ));
    assert!(texts.iter().all(|t| t == &texts[0]), "{texts:?}");
    assert!(texts[0].contains("```") && texts[0].contains("\n- ") && texts[0].starts_with("# "));
}

#[tokio::test]
async fn echo_returns_the_request_body() {
    for p in ALL {
        let extra = json!({"temperature": 0.5, "note": "quote \" and\nnewline"});
        let (status, _, body) = get(p, "echo", extra).await;
        assert_eq!(status, 200);
        let echoed: Value = serde_json::from_str(&text_of(p, &body)).expect("echo is JSON");
        assert_eq!(echoed["temperature"], 0.5, "{p:?}");
        assert_eq!(echoed["note"], "quote \" and\nnewline");
    }
}

#[tokio::test]
async fn max_tokens_cuts_with_length() {
    let (_, _, b) = get(P::OpenAi, "normal", json!({"max_completion_tokens": 3})).await;
    assert!(b.contains("\"finish_reason\":\"length\""));
    assert_eq!(text_of(P::OpenAi, &b), "# Mock answer");
    let (_, _, b) = get(P::OpenAi, "normal", json!({"max_tokens": 2})).await;
    assert_eq!(text_of(P::OpenAi, &b), "# Mock");
    let (_, _, b) = get(P::Anthropic, "normal", json!({"max_tokens": 3})).await;
    assert!(b.contains("\"stop_reason\":\"max_tokens\""));
    let (_, _, b) = get(
        P::GeminiSse,
        "normal",
        json!({"generationConfig": {"maxOutputTokens": 3}}),
    )
    .await;
    assert!(b.contains("\"finishReason\":\"MAX_TOKENS\""));
    assert_eq!(text_of(P::GeminiSse, &b), "# Mock answer");
}

#[tokio::test]
async fn stop_sequences_end_the_answer() {
    let (_, _, b) = get(P::OpenAi, "normal", json!({"stop": ["```"]})).await;
    assert_eq!(
        text_of(P::OpenAi, &b),
        "# Mock answer\n\nThis is a deterministic reply.\n\n"
    );
    assert!(b.contains("\"finish_reason\":\"stop\""));
    let (_, _, b) = get(P::Anthropic, "normal", json!({"stop_sequences": ["reply"]})).await;
    assert!(
        b.contains("\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"reply\""),
        "{b}"
    );
    assert_eq!(
        text_of(P::Anthropic, &b),
        "# Mock answer\n\nThis is a deterministic "
    );
    let (_, _, b) = get(
        P::GeminiArray,
        "normal",
        json!({"generationConfig": {"stopSequences": ["answer"]}}),
    )
    .await;
    assert_eq!(text_of(P::GeminiArray, &b), "# Mock ");
}

#[tokio::test]
async fn tools_openai_fragments_by_index() {
    let (_, _, body) = get(P::OpenAi, "tools@calls=2", json!({})).await;
    let chunks: Vec<Value> = sse(&body, false)
        .iter()
        .filter(|e| e.data != "[DONE]")
        .map(Sse::json)
        .collect();
    let mut args = [String::new(), String::new()];
    let mut firsts = 0;
    for c in &chunks {
        let Some(calls) = c
            .pointer("/choices/0/delta/tool_calls")
            .and_then(Value::as_array)
        else {
            continue;
        };
        for call in calls {
            let i = call["index"].as_u64().expect("index") as usize;
            if call.get("id").is_some() {
                firsts += 1;
                assert_eq!(
                    (&call["type"], &call["function"]["name"]),
                    (&json!("function"), &json!("get_weather"))
                );
                assert_eq!(call["function"]["arguments"], "");
            }
            args[i].push_str(call["function"]["arguments"].as_str().expect("arguments"));
        }
    }
    assert_eq!(firsts, 2);
    assert_eq!(
        serde_json::from_str::<Value>(&args[0]).ok(),
        Some(json!({"city": "Paris", "unit": "celsius"}))
    );
    assert_eq!(
        serde_json::from_str::<Value>(&args[1]).ok(),
        Some(json!({"city": "Tokyo", "unit": "celsius"}))
    );
    assert!(body.contains("\"finish_reason\":\"tool_calls\""));
    assert!(
        chunks
            .iter()
            .filter(|c| c
                .pointer("/choices/0/delta/tool_calls/0/function/arguments")
                .is_some())
            .count()
            > 4
    );
}

#[tokio::test]
async fn tools_anthropic_input_json_delta() {
    let (_, _, body) = get(P::Anthropic, "tools", json!({})).await;
    let evs = sse(&body, false);
    let start = evs
        .iter()
        .find(|e| e.event.as_deref() == Some("content_block_start"))
        .expect("block")
        .json();
    assert_eq!(start["content_block"]["type"], "tool_use");
    assert_eq!(start["content_block"]["name"], "get_weather");
    assert_eq!(start["content_block"]["input"], json!({}));
    let partial: String = evs
        .iter()
        .filter_map(|e| {
            e.json()
                .pointer("/delta/partial_json")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&partial).ok(),
        Some(json!({"city": "Paris", "unit": "celsius"}))
    );
    assert!(body.contains("\"stop_reason\":\"tool_use\""));
}

#[tokio::test]
async fn tools_gemini_whole_function_call() {
    for p in [P::GeminiSse, P::GeminiArray] {
        let (_, _, body) = get(p, "tools@calls=2", json!({})).await;
        let chunks = gemini_chunks(p, &body);
        let calls: Vec<Value> = chunks
            .iter()
            .filter_map(|c| {
                c.pointer("/candidates/0/content/parts/0/functionCall")
                    .cloned()
            })
            .collect();
        assert_eq!(calls.len(), 2);
        assert_eq!(
            calls[0],
            json!({"name": "get_weather", "args": {"city": "Paris", "unit": "celsius"}})
        );
        assert_eq!(
            chunks
                .last()
                .map(|c| c["candidates"][0]["finishReason"].clone()),
            Some(json!("STOP"))
        );
    }
}

#[tokio::test]
async fn reasoning_comes_first_and_is_counted() {
    let (_, _, b) = get(P::OpenAi, "reasoning@reasoning=4,tokens=3", json!({})).await;
    let chunks: Vec<Value> = sse(&b, false)
        .iter()
        .filter(|e| e.data != "[DONE]")
        .map(Sse::json)
        .collect();
    let first_text = chunks.iter().position(|c| {
        c.pointer("/choices/0/delta/content")
            .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
    });
    let last_reason = chunks
        .iter()
        .rposition(|c| c.pointer("/choices/0/delta/reasoning_content").is_some());
    assert!(last_reason < first_text, "reasoning before the answer");
    let usage = &chunks.last().expect("usage")["usage"];
    assert_eq!(
        (
            &usage["completion_tokens"],
            &usage["completion_tokens_details"]["reasoning_tokens"]
        ),
        (&json!(7), &json!(4))
    );

    let (_, _, b) = get(P::Anthropic, "reasoning@reasoning=4,tokens=3", json!({})).await;
    let evs = sse(&b, false);
    let kinds: Vec<String> = evs
        .iter()
        .filter_map(|e| {
            e.json()
                .pointer("/delta/type")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "thinking_delta").count(), 4);
    let sig = kinds
        .iter()
        .position(|k| k == "signature_delta")
        .expect("signature");
    assert!(
        sig > kinds
            .iter()
            .rposition(|k| k == "thinking_delta")
            .unwrap_or(0)
    );
    assert!(sig < kinds.iter().position(|k| k == "text_delta").unwrap_or(0));
    assert!(b.contains("\"output_tokens\":7"));

    for p in [P::GeminiSse, P::GeminiArray] {
        let (_, _, b) = get(p, "reasoning@reasoning=4,tokens=3", json!({})).await;
        let chunks = gemini_chunks(p, &b);
        let thoughts = chunks
            .iter()
            .filter(|c| c.pointer("/candidates/0/content/parts/0/thought") == Some(&json!(true)))
            .count();
        assert_eq!(thoughts, 4);
        let usage = &chunks.last().expect("last")["usageMetadata"];
        assert_eq!(
            (&usage["thoughtsTokenCount"], &usage["candidatesTokenCount"]),
            (&json!(4), &json!(3))
        );
        assert_eq!(text_of(p, &b), "# Mock answer");
    }
}

#[tokio::test]
async fn substituted_and_served_report_another_model() {
    let (_, _, b) = get(P::OpenAi, "substituted@tokens=2", json!({})).await;
    assert!(sse(&b, false)
        .iter()
        .filter(|e| e.data != "[DONE]")
        .all(|e| e.json()["model"] == "mock-mini-2024-01-01"));
    let (_, _, b) = get(P::Anthropic, "substituted", json!({})).await;
    assert_eq!(
        sse(&b, false)[0].json()["message"]["model"],
        "mock-mini-2024-01-01"
    );
    let (_, _, b) = get(
        P::GeminiSse,
        "normal@served=gemini-x-001,tokens=2",
        json!({}),
    )
    .await;
    assert!(gemini_chunks(P::GeminiSse, &b)
        .iter()
        .all(|c| c["modelVersion"] == "gemini-x-001"));
}

#[tokio::test]
async fn big_event_is_one_event() {
    let (_, _, b) = get(P::OpenAi, "big-event", json!({})).await;
    let contents: Vec<usize> = sse(&b, false)
        .iter()
        .filter(|e| e.data != "[DONE]")
        .filter_map(|e| {
            e.json()
                .pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
                .map(str::len)
        })
        .filter(|n| *n > 0)
        .collect();
    assert_eq!(contents, vec![5 * 1024 * 1024]);
    for p in [P::Anthropic, P::GeminiSse] {
        let (_, _, b) = get(p, "big-event@bytes=300000", json!({})).await;
        assert_eq!(text_of(p, &b).len(), 300_000);
    }
}

#[tokio::test]
async fn stream_error_in_each_protocol_shape() {
    let (status, _, b) = get(P::OpenAi, "stream-error@after=3", json!({})).await;
    assert_eq!(status, 200);
    let evs = sse(&b, false);
    assert_eq!(
        evs.last().expect("events").json()["error"]["type"],
        "server_error"
    );
    assert!(!b.contains("[DONE]"));
    assert_eq!(text_of(P::OpenAi, &b), "# Mock answer");

    let (_, _, b) = get(P::Anthropic, "stream-error@after=3", json!({})).await;
    let last = sse(&b, false).pop().expect("events");
    assert_eq!(last.event.as_deref(), Some("error"));
    assert_eq!(last.json()["error"]["type"], "overloaded_error");
    assert!(!b.contains("message_stop"));

    for p in [P::GeminiSse, P::GeminiArray] {
        let (_, _, b) = get(p, "stream-error@after=3", json!({})).await;
        let chunks = gemini_chunks(p, &b);
        assert_eq!(
            chunks.last().map(|c| c["error"]["status"].clone()),
            Some(json!("UNAVAILABLE"))
        );
        assert!(!b.contains("finishReason"));
    }
}

#[tokio::test]
async fn malformed_event_then_the_rest() {
    for p in [P::OpenAi, P::Anthropic, P::GeminiSse] {
        let (_, _, b) = get(p, "malformed@after=2,tokens=6", json!({})).await;
        let evs = sse(&b, p == P::GeminiSse);
        let bad: Vec<usize> = evs
            .iter()
            .enumerate()
            .filter(|(_, e)| e.data != "[DONE]" && serde_json::from_str::<Value>(&e.data).is_err())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(bad.len(), 1, "{p:?}: exactly one invalid event");
        let terminal = match p {
            P::OpenAi => "[DONE]",
            P::Anthropic => "message_stop",
            _ => "finishReason",
        };
        assert!(
            evs.last().is_some_and(|e| e.data.contains(terminal)),
            "{p:?} ends normally"
        );
        assert!(bad[0] < evs.len() - 2, "text follows the bad event");
    }
}

#[tokio::test]
async fn rate_paces_tokens_and_ttft_delays_the_first() {
    let s = server().await;
    let t0 = Instant::now();
    let resp = request(
        &client(),
        &s.base_url(),
        P::OpenAi,
        "normal@tokens=10,rate=50,ttft=200",
        json!({}),
    )
    .send()
    .await
    .expect("send");
    let headers_at = t0.elapsed();
    assert!(
        headers_at < Duration::from_millis(150),
        "headers go out at once: {headers_at:?}"
    );
    let mut stream = resp.bytes_stream();
    let mut first_text = None;
    let mut got = String::new();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        got.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
        if first_text.is_none() && got.contains("\"content\":\"#\"") {
            first_text = Some(t0.elapsed());
        }
    }
    let total = t0.elapsed();
    assert!(
        first_text.is_some_and(|t| t >= Duration::from_millis(200)),
        "{first_text:?}"
    );
    // 10 tokens at 50/s: 9 gaps of 20 ms after the first.
    assert!(total >= Duration::from_millis(200 + 170), "{total:?}");
    assert!(total < Duration::from_secs(3), "{total:?}");
    assert_eq!(
        text_of(P::OpenAi, &got),
        "# Mock answer\n\nThis is a deterministic reply."
    );
}

#[tokio::test]
async fn hundred_thousand_events_stream_fast() {
    let s = server().await;
    let c = client();
    for p in [P::OpenAi, P::Anthropic, P::GeminiSse] {
        let t0 = Instant::now();
        let resp = request(
            &c,
            &s.base_url(),
            p,
            "normal@tokens=100000",
            json!({"max_tokens": 1_000_000}),
        )
        .send()
        .await
        .expect("send");
        let mut stream = resp.bytes_stream();
        let (mut bytes, mut reads) = (0usize, 0usize);
        let mut tail = Vec::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
            let chunk = chunk.expect("chunk");
            bytes += chunk.len();
            reads += 1;
            tail = chunk.to_vec();
        }
        let secs = t0.elapsed().as_secs_f64();
        let mbps = bytes as f64 / secs / 1e6;
        eprintln!("{p:?}: {bytes} bytes in {reads} reads, {secs:.3}s = {mbps:.0} MB/s");
        assert!(bytes > 10_000_000, "{p:?}: 100k events are >10 MB");
        let tail = String::from_utf8_lossy(&tail);
        assert!(
            tail.contains("[DONE]")
                || tail.contains("message_stop")
                || tail.contains("finishReason")
        );
        // Events are batched into large writes, not flushed one by one.
        assert!(reads < 25_000, "{p:?}: {reads} reads for 100k events");
        // Unoptimised, parallel test builds are ~10x slower than release (README has release numbers).
        let floor = if cfg!(debug_assertions) { 5.0 } else { 100.0 };
        assert!(mbps > floor, "{p:?}: {mbps:.0} MB/s");
    }
}
