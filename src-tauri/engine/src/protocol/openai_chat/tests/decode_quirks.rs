//! Hand-written streams for the quirks no recording shows (PROTOCOLS.md, OpenAI family).

use serde_json::json;

use super::*;
use crate::error::ErrorKind;
use crate::event::FinishReason;

const ROLE: &str = r#"{"model":"m-1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#;

fn text_chunk(t: &str) -> String {
    json!({"model":"m-1","choices":[{"index":0,"delta":{"content":t},"finish_reason":null}],"usage":null}).to_string()
}

fn finish_chunk(reason: &str) -> String {
    json!({"model":"m-1","choices":[{"index":0,"delta":{},"finish_reason":reason}],"usage":null})
        .to_string()
}

#[test]
fn finish_reason_without_done_is_a_clean_end() {
    let body = sse(&[ROLE, &text_chunk("Hi"), &finish_chunk("stop")], false);
    let s = summarize(&decode(&body));
    assert_eq!(s.text, "Hi");
    let f = s.finish.unwrap();
    assert_eq!(
        (f.reason, f.raw_reason.as_deref(), f.served_model.as_deref()),
        (FinishReason::Stop, Some("stop"), Some("m-1"))
    );
}

#[test]
fn neither_finish_reason_nor_done_is_truncated_and_keeps_the_text() {
    let events = decode(&sse(&[ROLE, &text_chunk("Hel"), &text_chunk("lo")], false));
    let s = summarize(&events);
    assert_eq!(s.text, "Hello");
    assert_eq!(s.error.unwrap().kind, ErrorKind::Truncated);
    // an empty body, too
    assert_eq!(
        summarize(&decode("")).error.unwrap().kind,
        ErrorKind::Truncated
    );
}

#[test]
fn done_without_finish_reason_finishes_as_other() {
    let s = summarize(&decode(&sse(&[&text_chunk("x")], true)));
    let f = s.finish.unwrap();
    assert_eq!((f.reason, f.raw_reason), (FinishReason::Other, None));
}

#[test]
fn finish_reasons_normalise_and_keep_the_raw_word() {
    for (raw, want) in [
        ("stop", FinishReason::Stop),
        ("length", FinishReason::Length),
        ("model_length", FinishReason::Length),
        ("tool_calls", FinishReason::ToolCalls),
        ("function_call", FinishReason::ToolCalls),
        ("content_filter", FinishReason::ContentFilter),
        ("recitation_or_whatever", FinishReason::Other),
    ] {
        let f = summarize(&decode(&sse(&[&finish_chunk(raw)], true)))
            .finish
            .unwrap();
        assert_eq!((f.reason, f.raw_reason.as_deref()), (want, Some(raw)));
    }
}

#[test]
fn usage_on_the_finish_chunk_and_in_a_trailing_empty_choices_chunk() {
    let on_finish = r#"{"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":30,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":20}}}"#;
    let u = summarize(&decode(&sse(&[on_finish], true))).usage.unwrap();
    assert_eq!(
        (
            u.input_tokens,
            u.output_tokens,
            u.reasoning_tokens,
            u.cached_tokens
        ),
        (10, 30, 20, 4)
    );

    let trailing =
        r#"{"model":"m","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3}}"#;
    let events = decode(&sse(
        &[&text_chunk("a"), &finish_chunk("stop"), trailing],
        true,
    ));
    let u = summarize(&events).usage.unwrap();
    assert_eq!((u.input_tokens, u.output_tokens), (7, 3));
    // usage: null on every chunk emits nothing
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, StreamEvent::Usage { .. }))
            .count(),
        1
    );
}

#[test]
fn groq_usage_only_under_x_groq() {
    let c = r#"{"model":"llama","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":5,"completion_tokens":6}}}"#;
    let u = summarize(&decode(&sse(&[c], true))).usage.unwrap();
    assert_eq!((u.input_tokens, u.output_tokens), (5, 6));
}

#[test]
fn reasoning_tokens_beyond_completion_are_added_to_output() {
    let c = r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":50}}}"#;
    let u = summarize(&decode(&sse(&[c], true))).usage.unwrap();
    assert_eq!((u.output_tokens, u.reasoning_tokens), (55, 50));
}

#[test]
fn deepseek_cache_hit_tokens_without_details() {
    let c = r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":5,"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36}}"#;
    assert_eq!(
        summarize(&decode(&sse(&[c], true)))
            .usage
            .unwrap()
            .cached_tokens,
        64
    );
}

#[test]
fn openrouter_cost_provider_and_native_finish_reason() {
    let c1 = r#"{"model":"anthropic/claude-sonnet-4.5","provider":"Amazon Bedrock","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null,"native_finish_reason":null}]}"#;
    let c2 = r#"{"model":"anthropic/claude-sonnet-4.5","provider":"Amazon Bedrock","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop","native_finish_reason":"end_turn"}]}"#;
    let c3 = r#"{"model":"anthropic/claude-sonnet-4.5","provider":"Amazon Bedrock","choices":[{"index":0,"delta":{"content":""},"finish_reason":null}],"usage":{"prompt_tokens":3,"completion_tokens":1,"cost":0.0125}}"#;
    let body = format!(": OPENROUTER PROCESSING\n\n{}", sse(&[c1, c2, c3], true));
    let s = summarize(&decode(&body));
    assert_eq!(s.usage.unwrap().provider_cost_usd, Some(0.0125));
    let f = s.finish.unwrap();
    assert_eq!(f.served_by.as_deref(), Some("Amazon Bedrock"));
    assert_eq!(
        (f.reason, f.raw_reason.as_deref()),
        (FinishReason::Stop, Some("end_turn"))
    );
}

#[test]
fn openrouter_error_chunk_in_a_200_stream() {
    let err = r#"{"id":"gen-1","object":"chat.completion.chunk","model":"x","error":{"code":502,"message":"Upstream error from Provider: overloaded"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#;
    let events = decode(&sse(&[&text_chunk("partial "), err], true));
    let s = summarize(&events);
    assert_eq!(s.text, "partial ");
    let e = s.error.unwrap();
    assert_eq!(e.kind, ErrorKind::Stream);
    assert_eq!(e.code.as_deref(), Some("502"));
    assert!(e.message.contains("overloaded"));
    assert!(!e.retryable, "nothing in-stream is retried");
}

#[test]
fn groq_error_event_without_done() {
    let body = format!(
        "{}event: error\ndata: {}\n\n",
        sse(&[&text_chunk("x")], false),
        r#"{"error":{"message":"Failed to call a function.","type":"invalid_request_error","code":"tool_use_failed"}}"#
    );
    let e = summarize(&decode(&body)).error.unwrap();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Stream, Some("tool_use_failed"))
    );
    assert_eq!(e.message, "Failed to call a function.");
    // a non-JSON error event still gives its text
    let e = summarize(&decode("event: error\ndata: upstream went away\n\n"))
        .error
        .unwrap();
    assert_eq!(e.message, "upstream went away");
}

#[test]
fn vllm_object_error_in_stream() {
    let c = r#"{"object":"error","message":"This model's maximum context length is 4096 tokens","type":"BadRequestError","param":null,"code":400}"#;
    let e = summarize(&decode(&sse(&[c], false))).error.unwrap();
    assert!(e.message.contains("maximum context length"));
    // stream_error prefers `code` (here the number 400) over `type`
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Stream, Some("400"))
    );
}

#[test]
fn reasoning_under_each_name_and_never_twice() {
    let qwen =
        r#"{"choices":[{"index":0,"delta":{"content":null,"reasoning_content":"think-a"}}]}"#;
    let vllm = r#"{"choices":[{"index":0,"delta":{"reasoning":"think-b"}}]}"#;
    let both = r#"{"choices":[{"index":0,"delta":{"reasoning_content":"think-c","reasoning":"think-c"}}]}"#;
    let details = r#"{"choices":[{"index":0,"delta":{"reasoning":null,"reasoning_details":[{"type":"reasoning.summary","summary":"think-d"},{"type":"reasoning.encrypted","data":"xyz"}]}}]}"#;
    let dup = r#"{"choices":[{"index":0,"delta":{"reasoning":"think-e","reasoning_details":[{"type":"reasoning.text","text":"think-e"}]}}]}"#;
    let s = summarize(&decode(&sse(
        &[qwen, vllm, both, details, dup, &finish_chunk("stop")],
        true,
    )));
    assert_eq!(s.reasoning, "think-athink-bthink-cthink-dthink-e");
    assert_eq!(s.text, "");
}

#[test]
fn inline_think_tags_split_across_chunks() {
    let pieces = [
        "\n<thi",
        "nk>I should ",
        "greet.</th",
        "ink>\n\nHello",
        " there",
    ];
    let chunks: Vec<String> = pieces.iter().map(|p| text_chunk(p)).collect();
    let mut refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let fin = finish_chunk("stop");
    refs.push(&fin);
    let events = decode(&sse(&refs, true));
    let s = summarize(&events);
    assert_eq!(s.reasoning, "I should greet.");
    assert_eq!(s.text, "Hello there");
    // reasoning streams live, before the closing tag arrives
    assert!(
        matches!(&events[0], StreamEvent::Reasoning { text } if text == "I should "),
        "{events:?}"
    );
}

#[test]
fn think_tag_in_the_middle_of_an_answer_is_text() {
    let body = sse(
        &[
            &text_chunk("Use "),
            &text_chunk("<think> tags"),
            &finish_chunk("stop"),
        ],
        true,
    );
    let s = summarize(&decode(&body));
    assert_eq!(
        (s.text.as_str(), s.reasoning.as_str()),
        ("Use <think> tags", "")
    );
    // and a lone `<` that turns out not to be a tag is released as text
    let s = summarize(&decode(&sse(
        &[
            &text_chunk("<"),
            &text_chunk("3 you"),
            &finish_chunk("stop"),
        ],
        true,
    )));
    assert_eq!(s.text, "<3 you");
}

#[test]
fn unclosed_think_block_is_reasoning_when_the_stream_ends() {
    let s = summarize(&decode(&sse(
        &[&text_chunk("<think>still going</"), &finish_chunk("length")],
        true,
    )));
    assert_eq!(
        (s.reasoning.as_str(), s.text.as_str()),
        ("still going</", "")
    );
}

#[test]
fn parallel_tool_calls_interleaved_by_index() {
    let c = [
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}},{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":""}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"y\":"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":1}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"2}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    ];
    let s = summarize(&decode(&sse(&c, true)));
    let got: Vec<_> = s
        .calls
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), c.arguments.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("call_a", "f", json!({"x":1})),
            ("call_b", "g", json!({"y":2}))
        ]
    );
    assert_eq!(s.finish.unwrap().reason, FinishReason::ToolCalls);
}

#[test]
fn mistral_whole_calls_without_index_and_content_parts() {
    let c = [
        r#"{"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Weather in two cities."}]}]}}]}"#,
        r#"{"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"Checking."}]}}]}"#,
        r#"{"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"id":"A1","function":{"name":"weather","arguments":"{\"city\": \"Paris\"}"}},{"id":"B2","function":{"name":"weather","arguments":"{\"city\": \"Rome\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":9,"completion_tokens":8,"total_tokens":17}}"#,
    ];
    let s = summarize(&decode(&sse(&c, true)));
    assert_eq!(s.reasoning, "Weather in two cities.");
    assert_eq!(s.text, "Checking.");
    let got: Vec<_> = s
        .calls
        .iter()
        .map(|c| (c.id.as_str(), c.arguments["city"].clone()))
        .collect();
    assert_eq!(got, vec![("A1", json!("Paris")), ("B2", json!("Rome"))]);
}

#[test]
fn qwen_empty_id_on_continuation_fragments_keeps_the_real_id() {
    let c = [
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_q1","type":"function","function":{"name":"lookup","arguments":""}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"","type":"function","function":{"name":"","arguments":"{\"q\":"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"","type":"function","function":{"arguments":"\"rust\"}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    ];
    let s = summarize(&decode(&sse(&c, true)));
    assert_eq!(s.calls.len(), 1);
    assert_eq!(
        (s.calls[0].id.as_str(), s.calls[0].name.as_str()),
        ("call_q1", "lookup")
    );
    assert_eq!(s.calls[0].arguments, json!({"q":"rust"}));
}

#[test]
fn same_index_with_a_new_id_is_a_new_call() {
    let c = [
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"a","arguments":"{}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c2","function":{"name":"b","arguments":"{}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    ];
    let s = summarize(&decode(&sse(&c, true)));
    assert_eq!(
        s.calls.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["c1", "c2"]
    );
}

#[test]
fn invalid_tool_arguments_are_kept_with_an_error_and_missing_ids_are_made_up() {
    let c = [
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{not json"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    ];
    let s = summarize(&decode(&sse(&c, true)));
    assert_eq!(s.calls[0].id, "call_0");
    assert_eq!(s.calls[0].arguments, json!("{not json"));
    assert!(s.calls[0].arguments_error.is_some());
}

#[test]
fn legacy_function_call_and_object_arguments() {
    let legacy = [
        r#"{"choices":[{"index":0,"delta":{"function_call":{"name":"f","arguments":"{\"a\""}}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"function_call":{"arguments":":1}"}}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"function_call"}]}"#,
    ];
    let s = summarize(&decode(&sse(&legacy, true)));
    assert_eq!(
        (s.calls[0].name.as_str(), &s.calls[0].arguments),
        ("f", &json!({"a":1}))
    );
    assert_eq!(s.finish.unwrap().reason, FinishReason::ToolCalls);

    let object = r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"x","function":{"name":"f","arguments":{"b":[1,2]}}}]},"finish_reason":"tool_calls"}]}"#;
    let s = summarize(&decode(&sse(&[object], true)));
    assert_eq!(s.calls[0].arguments, json!({"b":[1,2]}));
}

#[test]
fn azure_empty_first_chunk_and_moderation_chunks_are_not_usage() {
    let azure = r#"{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}"#;
    let moderation = r#"{"choices":[],"model":"gpt-4o-2024-08-06","moderation":{"flagged":false}}"#;
    let c = r#"{"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}"#;
    let events = decode(&sse(&[azure, moderation, c], true));
    assert!(!events
        .iter()
        .any(|e| matches!(e, StreamEvent::Usage { .. })));
    let s = summarize(&events);
    assert_eq!(
        s.finish.unwrap().served_model.as_deref(),
        Some("gpt-4o-2024-08-06")
    );
}

#[test]
fn refusal_streams_as_text_and_the_provider_decides_the_finish() {
    let c = [
        r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"refusal":"I can't help "}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"refusal":"with that."}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]}"#,
    ];
    let s = summarize(&decode(&sse(&c, true)));
    assert_eq!(s.text, "I can't help with that.");
    assert_eq!(s.finish.unwrap().reason, FinishReason::ContentFilter);
}

#[test]
fn comments_crlf_and_unknown_fields_are_harmless() {
    let body = ": keep-alive\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\",\"audio\":{\"x\":1}},\"logprobs\":{\"content\":[]}}],\"obfuscation\":\"zz\",\"new_field\":[1,{\"k\":null}]}\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n";
    let s = summarize(&decode(body));
    assert_eq!(s.text, "a");
    assert!(s.finish.is_some());
}

#[test]
fn other_choices_are_ignored() {
    let c = r#"{"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"A"},"finish_reason":"stop"}]}"#;
    assert_eq!(summarize(&decode(&sse(&[c], true))).text, "A");
}

#[test]
fn malformed_json_is_a_terminal_malformed_error_with_a_snippet() {
    let body = format!(
        "{}data: {{\"choices\": [oops\n\ndata: [DONE]\n\n",
        sse(&[&text_chunk("kept")], false)
    );
    let events = decode(&body);
    let s = summarize(&events);
    assert_eq!(s.text, "kept");
    let e = s.error.unwrap();
    assert_eq!((e.kind, e.retryable), (ErrorKind::Malformed, false));
    assert!(e.message.contains("{\"choices\": [oops"), "{}", e.message);
    // a long bad event is quoted only in part
    let long = format!("data: {{{}\n\n", "x".repeat(10_000));
    let e = summarize(&decode(&long)).error.unwrap();
    assert!(
        e.message.len() < 600 && e.message.ends_with('…'),
        "{}",
        e.message
    );
}

#[test]
fn input_after_the_terminal_event_is_ignored() {
    let mut d = ChatDecoder::new();
    let mut out = Vec::new();
    d.feed(
        sse(&[&text_chunk("a"), &finish_chunk("stop")], true).as_bytes(),
        &mut out,
    );
    let n = out.len();
    d.feed(sse(&[&text_chunk("late")], true).as_bytes(), &mut out);
    d.finish(&mut out);
    assert_eq!(out.len(), n);
    assert!(matches!(out.last(), Some(StreamEvent::Finish { .. })));
}

#[test]
fn escaped_and_unicode_text_survives() {
    let c = r#"{"choices":[{"index":0,"delta":{"content":"line\n\"quoted\" \u00e9 北京 😊"},"finish_reason":"stop"}]}"#;
    assert_eq!(
        summarize(&decode(&sse(&[c], true))).text,
        "line\n\"quoted\" é 北京 😊"
    );
}
