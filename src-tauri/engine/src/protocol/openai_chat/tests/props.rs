//! Properties: no bytes make the decoder panic, and no split changes its events. Plus a
//! throughput check (release build, ignored by default).

use proptest::prelude::*;

use super::*;

/// Cut `body` at the given points (any order, any range).
fn pieces<'a>(body: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut prev = 0;
    for c in at {
        out.push(&body[prev..c]);
        prev = c;
    }
    out.push(&body[prev..]);
    out
}

/// A valid stream touching most paths: comments, CRLF, reasoning, think tags, tool calls,
/// multi-byte text, usage after the finish chunk.
fn rich_stream() -> String {
    let chunks = [
        r#"{"id":"","model":"","choices":[]}"#,
        r#"{"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#,
        r#"{"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"hmm 北京"}}]}"#,
        r#"{"model":"m","choices":[{"index":0,"delta":{"content":"<think>a</thi"}}]}"#,
        r#"{"model":"m","choices":[{"index":0,"delta":{"content":"nk>héllo 😊 \"q\""}}]}"#,
        r#"{"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{\"a\":"}}]}}]}"#,
        r#"{"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"","function":{"arguments":"1}"}}]}}]}"#,
        r#"{"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}"#,
        r#"{"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}"#,
    ];
    let mut body = String::from(": keep-alive\r\n\r\n");
    for c in chunks {
        body.push_str(&format!("data: {c}\r\n\r\n"));
    }
    body.push_str("data: [DONE]\r\n\r\n");
    body
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_and_split_invariant(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let whole = decode_pieces(&[&body]);
        let split = decode_pieces(&pieces(&body, &cuts));
        prop_assert_eq!(&split, &whole);
        let terminals = whole.iter().filter(|e| matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error { .. })).count();
        prop_assert_eq!(terminals, 1);
    }

    #[test]
    fn sse_shaped_garbage_never_panics(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("data: [DONE]".to_string()),
                Just("".to_string()),
                Just(": ping".to_string()),
                Just("event: error".to_string()),
                "data: \\{\"choices\":\\[\\{\"delta\":\\{\"content\":\"[a-z<>/]{0,8}\"\\}\\}\\]\\}",
                "data: \\{\"choices\":\\[\\{\"delta\":\\{\"tool_calls\":\\[\\{\"index\":[0-2],\"id\":\"[a-z]{0,2}\",\"function\":\\{\"arguments\":\"[a-z]{0,3}\"\\}\\}\\]\\}\\}\\]\\}",
                "data: \\{\"choices\":\\[\\{\"finish_reason\":\"[a-z_]{1,8}\"\\}\\]\\}",
                "data: [ -~]{0,40}",
            ],
            0..30,
        ),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let body = lines.join("\n");
        let whole = decode_pieces(&[body.as_bytes()]);
        prop_assert_eq!(decode_pieces(&pieces(body.as_bytes(), &cuts)), whole);
    }

    #[test]
    fn a_valid_stream_split_anywhere_gives_identical_events(
        cuts in proptest::collection::vec(any::<usize>(), 0..40),
    ) {
        let body = rich_stream();
        let whole = decode_pieces(&[body.as_bytes()]);
        prop_assert_eq!(decode_pieces(&pieces(body.as_bytes(), &cuts)), whole);
    }
}

#[test]
fn the_rich_stream_decodes_as_intended() {
    let s = summarize(&decode(&rich_stream()));
    assert_eq!(s.reasoning, "hmm 北京a");
    assert_eq!(s.text, "héllo 😊 \"q\"");
    assert_eq!(s.calls.len(), 1);
    assert_eq!(
        (s.calls[0].id.as_str(), &s.calls[0].arguments),
        ("c1", &serde_json::json!({"a":1}))
    );
    assert_eq!(s.usage.map(|u| u.output_tokens), Some(4));
    assert_eq!(s.finish.unwrap().served_model.as_deref(), Some("m"));
}

/// `cargo test --release -p juxta-engine openai_chat_throughput -- --ignored --nocapture`
#[test]
#[ignore = "a measurement: run in release"]
fn openai_chat_throughput() {
    let chunk = r#"{"id":"chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl","object":"chat.completion.chunk","created":1782955817,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_d0469e1700","choices":[{"index":0,"delta":{"content":" token"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"qfQVOwfh62oUst"}"#;
    let mut body = String::new();
    let mut events = 0;
    while body.len() < 64 * 1024 * 1024 {
        events += 1;
        body.push_str("data: ");
        body.push_str(chunk);
        body.push_str("\n\n");
    }
    body.push_str("data: [DONE]\n\n");
    let bytes = body.as_bytes();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        let mut d = ChatDecoder::new();
        let mut out = Vec::with_capacity(4096);
        let (mut texts, mut finishes) = (0usize, 0usize);
        let mut count = |out: &mut Vec<StreamEvent>| {
            for e in out.drain(..) {
                match e {
                    StreamEvent::Text { .. } => texts += 1,
                    StreamEvent::Finish { .. } => finishes += 1,
                    _ => {}
                }
            }
        };
        for piece in bytes.chunks(16 * 1024) {
            d.feed(piece, &mut out);
            count(&mut out);
        }
        d.finish(&mut out);
        count(&mut out);
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!((texts, finishes), (events, 1));
    }
    let mbps = bytes.len() as f64 / best / 1e6;
    println!(
        "openai_chat decoder: {mbps:.0} MB/s ({} bytes)",
        bytes.len()
    );
    assert!(mbps > 200.0, "{mbps:.0} MB/s");
}
