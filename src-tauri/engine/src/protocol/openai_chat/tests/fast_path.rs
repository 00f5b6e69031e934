//! The fast path (`fast.rs`) against the full parse: for any chunk, the decoder's events are the
//! same with and without it; every common chunk is taken by it (so the comparison is not
//! vacuous); the content it decodes is the string that was encoded; and a chunk with anything
//! it must not handle is left to the full parse.

use proptest::prelude::*;
use proptest::sample::select;

use super::*;
use crate::protocol::openai_chat::fast;

/// Events of a stream of `chunks` then `[DONE]`, through the given decoder, fed whole.
fn events_with(mut d: ChatDecoder, chunks: &[String]) -> Vec<StreamEvent> {
    let mut body = String::new();
    for c in chunks {
        body.push_str("data: ");
        body.push_str(c);
        body.push_str("\n\n");
    }
    body.push_str("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
    let mut out = Vec::new();
    d.feed(body.as_bytes(), &mut out);
    d.finish(&mut out);
    out
}

fn same_events(chunks: &[String]) -> Result<(), TestCaseError> {
    let fast = events_with(ChatDecoder::new(), chunks);
    let full = events_with(ChatDecoder::full_parse_only(), chunks);
    prop_assert_eq!(fast, full, "chunks: {:?}", chunks);
    Ok(())
}

/// How one character is written inside a JSON string.
#[derive(Debug, Clone, Copy)]
enum Style {
    Raw,
    Short,
    Unicode,
    UnicodeUpper,
}

/// `s` as a JSON string literal, each character escaped in the style chosen for it (a style
/// that cannot write a character falls back to one that can).
fn encode(s: &str, styles: &[Style]) -> String {
    let mut out = String::from("\"");
    for (i, ch) in s.chars().enumerate() {
        let style = styles
            .get(i % styles.len().max(1))
            .copied()
            .unwrap_or(Style::Raw);
        let short = match ch {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        let must_escape = ch == '"' || ch == '\\' || (ch as u32) < 0x20;
        match style {
            Style::Raw if !must_escape => out.push(ch),
            Style::Short | Style::Raw if short.is_some() => out.push_str(short.unwrap_or_default()),
            _ => {
                let mut units = [0u16; 2];
                for u in ch.encode_utf16(&mut units) {
                    if matches!(style, Style::UnicodeUpper) {
                        out.push_str(&format!("\\u{u:04X}"));
                    } else {
                        out.push_str(&format!("\\u{u:04x}"));
                    }
                }
            }
        }
    }
    out.push('"');
    out
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        4 => Just(Style::Raw),
        1 => Just(Style::Short),
        1 => Just(Style::Unicode),
        1 => Just(Style::UnicodeUpper),
    ]
}

/// Content: arbitrary Unicode, plus strings dense in what escaping must get right.
fn content() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z \\n\"\\\\/<>\u{0}-\u{1f}\u{7f}é北😊\u{10ffff}\u{fffd}\u{d7ff}\u{e000}]{0,24}",
        Just(String::new()),
        Just("<think>".to_string()),
    ]
}

/// JSON whitespace, mostly none.
fn ws() -> impl Strategy<Value = String> {
    prop_oneof![6 => Just(String::new()), 1 => Just(" ".to_string()), 1 => "[ \t\r\n]{1,3}"]
}

/// `{k: v, ...}` with the whitespace taken in turn from `gaps`.
fn object(pairs: &[(String, String)], gaps: &[String]) -> String {
    let mut g = gaps.iter().cycle();
    let mut gap = || g.next().cloned().unwrap_or_default();
    let mut out = format!("{{{}", gap());
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(&format!(",{}", gap()));
        }
        out.push_str(&format!("\"{k}\"{}:{}{v}{}", gap(), gap(), gap()));
    }
    out.push('}');
    out
}

/// A common chunk: its JSON text and the content it carries.
#[derive(Debug, Clone)]
struct Common {
    json: String,
    content: Option<String>,
    /// The JSON around the content's string literal (all of it in `before` without one).
    before: String,
    after: String,
}

/// Stands for the content literal while a chunk is assembled (raw control characters: they
/// cannot occur in the JSON written here).
const MARK: &str = "\u{1}CONTENT\u{1}";

prop_compose! {
    fn common()(
        text in content(),
        styles in proptest::collection::vec(style(), 1..6),
        model in prop_oneof![
            Just("\"gpt-4o-mini-2024-07-18\"".to_string()),
            Just("\"\"".to_string()),
            Just("null".to_string()),
            Just("\"m\\u00e9\"".to_string()),
        ],
        // Which optional fields appear (bits) and in what order (a shuffle of the keys).
        top in any::<u16>(),
        delta_kind in 0u8..5,
        choice_bits in 0u8..8,
        top_order in Just((0..9).collect::<Vec<usize>>()).prop_shuffle(),
        choice_order in Just((0..4).collect::<Vec<usize>>()).prop_shuffle(),
        delta_order in Just((0..3).collect::<Vec<usize>>()).prop_shuffle(),
        gaps in proptest::collection::vec(ws(), 1..8),
    ) -> Common {
        let encoded = encode(&text, &styles);
        // The delta: content as a string or null, with or without role and refusal:null.
        let (delta_pairs, content): (Vec<(String, String)>, Option<String>) = match delta_kind {
            0 => (vec![("content".into(), MARK.to_string())], Some(text)),
            1 => (vec![("role".into(), "\"assistant\"".into()), ("content".into(), MARK.to_string())], Some(text)),
            2 => (vec![("role".into(), "\"assistant\"".into()), ("content".into(), MARK.to_string()), ("refusal".into(), "null".into())], Some(text)),
            3 => (vec![("content".into(), "null".into())], None),
            _ => (vec![], None),
        };
        let delta_pairs: Vec<_> = delta_order.iter().filter_map(|&i| delta_pairs.get(i).cloned()).collect();
        let choice_all = [
            ("index".to_string(), "0".to_string()),
            ("delta".to_string(), object(&delta_pairs, &gaps)),
            ("logprobs".to_string(), "null".to_string()),
            ("finish_reason".to_string(), "null".to_string()),
        ];
        // `delta` always; the others by bit.
        let choice_pairs: Vec<_> = choice_order.iter()
            .filter(|&&i| i == 1 || choice_bits & [1, 0, 2, 4][i] != 0)
            .map(|&i| choice_all[i].clone())
            .collect();
        let choices = format!("[{}{}]", gaps[0], object(&choice_pairs, &gaps));
        let top_all = [
            ("id".to_string(), "\"chatcmpl-AbC\\/123\"".to_string()),
            ("object".to_string(), "\"chat.completion.chunk\"".to_string()),
            ("created".to_string(), "1732000000".to_string()),
            ("model".to_string(), model),
            ("system_fingerprint".to_string(), "null".to_string()),
            ("service_tier".to_string(), "\"default\"".to_string()),
            ("choices".to_string(), choices),
            ("usage".to_string(), "null".to_string()),
            ("obfuscation".to_string(), "\"x\\u0041y\"".to_string()),
        ];
        let top_pairs: Vec<_> = top_order.iter()
            .filter(|&&i| i == 6 || top & (1 << i) != 0)
            .map(|&i| top_all[i].clone())
            .collect();
        let json = format!("{}{}", object(&top_pairs, &gaps), gaps[gaps.len() - 1]);
        let (before, after) = json.split_once(MARK).unwrap_or((&json, ""));
        Common {
            json: json.replace(MARK, &encoded),
            content,
            before: before.to_string(),
            after: after.to_string(),
        }
    }
}

/// Ways to turn a common chunk into one the fast path must not take (or may, if it reads it
/// exactly as the full parse does).
fn mutate(json: &str, how: usize, at: usize) -> String {
    let inner = json.trim_end().strip_suffix('}').unwrap_or(json);
    let choice_end = json.rfind("}]").unwrap_or(0);
    let (a, b) = json.split_at(choice_end);
    match how {
        0 => format!("{inner},\"provider\":\"Google\"}}"),
        1 => format!("{inner},\"error\":{{\"message\":\"boom\",\"code\":502}}}}"),
        2 => format!("{inner},\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":4}}}}"),
        3 => format!("{inner},\"x_groq\":{{\"id\":\"q\"}}}}"),
        4 => format!("{inner},\"model\":\"other\"}}"),
        5 => format!("{inner},\"object\":\"error\"}}"),
        6 => format!("{inner},\"unknown\":1}}"),
        7 => format!("{a},\"finish_reason\":\"stop\"{b}"),
        8 => format!("{a},\"native_finish_reason\":\"end_turn\"{b}"),
        9 => format!("{a},\"index\":1{b}"),
        10 => json.replacen("{\"content\"", "{\"reasoning_content\":\"hm\",\"content\"", 1),
        11 => json.replacen("\"delta\":{", "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}],", 1),
        12 => json.replacen("\"delta\":{", "\"delta\":{\"refusal\":\"no\",", 1),
        13 => json.replacen("\"delta\":{", "\"delta\":{\"reasoning\":\"r\",", 1),
        14 => json.replacen("\"content\":\"", "\"content\":\"\\ud800", 1),
        15 => json.replacen("\"content\":\"", "\"content\":\"\\udc00\\ud800", 1),
        16 => json.replacen("\"content\":\"", "\"content\":\"\u{1}", 1),
        17 => json.replacen("\"content\":\"", "\"content\":\"\\x", 1),
        18 => format!("{json}}}"),
        19 => format!("{json}x"),
        20 => json.get(..at % (json.len() + 1)).unwrap_or(json).to_string(),
        21 => json.replacen("[{", "[{\"index\":1,\"delta\":{\"content\":\"other\"}},{", 1),
        22 => json.replacen("\"choices\":[{", "\"choices\":[], \"c\":[{", 1),
        23 => json.replacen("1732000000", "-1", 1),
        24 => json.replacen("1732000000", "1.5e3", 1),
        25 => json.replacen("\"index\":0", "\"index\":0.0", 1),
        26 => json.replacen("\"content\":", "\"con\\u0074ent\":", 1),
        27 => json.replacen("\"content\":\"", "\"content\":[{\"type\":\"text\",\"text\":\"", 1).replacen("\"}", "\"}]}", 1),
        28 => json.replacen("null", "nul", 1),
        29 => json.replacen("\"logprobs\":null", "\"logprobs\":{\"content\":[]}", 1),
        30 => json.replacen("\"usage\":null", "\"usage\":{}", 1),
        31 => format!("[{json}]"),
        32 => json.replacen("\"id\":\"", "\"id\":\"\\ud800", 1),
        // The content ends early and what follows is not the template's.
        33 => json.replacen("\"content\":\"", "\"content\":\"x\",\"role\":\"", 1),
        _ => json.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Every common chunk is taken by the fast path, with exactly the encoded content, and
    /// the decoder's events are those of the full parse.
    #[test]
    fn common_chunks_take_the_fast_path_and_agree(chunk in common()) {
        let parsed = fast::parse(&chunk.json);
        prop_assert!(parsed.is_some(), "not recognised: {}", chunk.json);
        let parsed = parsed.unwrap_or(fast::Common { model: None, content: None });
        prop_assert_eq!(parsed.content.as_deref(), chunk.content.as_deref(), "{}", chunk.json);
        same_events(&[chunk.json])?;
    }

    /// Altered chunks: whatever the fast path does with them, the events are the full parse's.
    #[test]
    fn altered_chunks_agree_with_the_full_parse(
        chunks in proptest::collection::vec((common(), 0usize..34, any::<usize>(), any::<bool>()), 1..5),
    ) {
        let jsons: Vec<String> = chunks
            .iter()
            .map(|(c, how, at, keep)| if *keep { c.json.clone() } else { mutate(&c.json, *how, *at) })
            .collect();
        for j in &jsons {
            same_events(std::slice::from_ref(j))?;
        }
        same_events(&jsons)?;
    }

    /// Streams that repeat one or two templates around new content (the decoder's shortcut),
    /// some chunks altered: the same events as the full parse.
    #[test]
    fn templated_streams_agree_with_the_full_parse(
        templates in (common(), common()),
        chunks in proptest::collection::vec(
            (any::<bool>(), content(), proptest::collection::vec(style(), 1..4), 0usize..50, any::<usize>()),
            1..12,
        ),
    ) {
        let jsons: Vec<String> = chunks
            .iter()
            .map(|(second, text, styles, how, at)| {
                let t = if *second { &templates.1 } else { &templates.0 };
                let json = if t.after.is_empty() {
                    t.json.clone()
                } else {
                    format!("{}{}{}", t.before, encode(text, styles), t.after)
                };
                // `how` >= 34 leaves the chunk as it is.
                mutate(&json, *how, *at)
            })
            .collect();
        same_events(&jsons)?;
    }

    /// Random bytes shaped like a chunk never make the two paths disagree (or panic).
    #[test]
    fn chunk_shaped_noise_agrees(
        parts in proptest::collection::vec(select(&[
            "{", "}", "[", "]", ",", ":", " ", "null", "0", "1", "\"", "\\", "\\u", "d800", "00e9",
            "\"content\"", "\"delta\"", "\"choices\"", "\"model\"", "\"index\"", "\"usage\"", "\"id\"",
            "\"x\"", "\"role\"", "\"finish_reason\"", "\"stop\"", "é", "\u{1}",
        ][..]), 0..40),
    ) {
        same_events(&[parts.concat()])?;
    }
}

#[test]
fn the_usual_chunks_take_the_fast_path() {
    let usual = [
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"a1B"}"#,
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732000000,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"Hi \"there\"\n\u00e9\ud83d\ude0a"},"logprobs":null,"finish_reason":null}]}"#,
        r#"{ "id": "x", "choices": [ { "index": 0, "delta": { "content": "a" } } ] }"#,
    ];
    let contents = ["", "Hi \"there\"\né😊", "a"];
    for (chunk, want) in usual.iter().zip(contents) {
        let got = fast::parse(chunk).unwrap_or_else(|| panic!("not recognised: {chunk}"));
        assert_eq!(got.content.as_deref(), Some(want));
    }
}

#[test]
fn the_rest_is_left_to_the_full_parse() {
    let other = [
        r#"{"id":"","model":"","choices":[]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        r#"{"choices":[{"index":0,"delta":{"reasoning_content":"hm"}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":1}}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"a"}}],"provider":"Google"}"#,
        r#"{"error":{"message":"boom"}}"#,
        r#"{"object":"error","message":"boom"}"#,
        r#"{"model":"a","model":"b","choices":[{"index":0,"delta":{"content":"a"}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"content":"\ud800"}}]}"#,
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\u{1}\"}}]}",
        r#"{"choices":[{"index":0,"delta":{"content":"a"}}]} x"#,
    ];
    for chunk in other {
        assert!(fast::parse(chunk).is_none(), "taken: {chunk}");
    }
}

/// Every recorded stream of the family decodes the same with and without the fast path.
#[test]
fn fixtures_decode_the_same_without_the_fast_path() {
    let files = super::decode_fixtures::fixture_files("sse");
    assert!(!files.is_empty(), "the fixtures are missing");
    for path in files {
        let body = std::fs::read(&path).unwrap_or_default();
        let run = |mut d: ChatDecoder| {
            let mut out = Vec::new();
            d.feed(&body, &mut out);
            d.finish(&mut out);
            out
        };
        assert_eq!(
            run(ChatDecoder::new()),
            run(ChatDecoder::full_parse_only()),
            "{}",
            path.display()
        );
    }
}
