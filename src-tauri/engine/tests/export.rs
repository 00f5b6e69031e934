//! Exports of a rich comparison in every format: round trip, sanitising, shapes, no secrets.

use juxta_engine::export::{export, parse_json, to_export_file, Format, ImportError, Options};
use juxta_engine::request::{Params, ReasoningEffort};
use juxta_engine::run::{
    Attempt, MappingAction, Metrics, PaneError, PaneReport, ToolCallOut, UsageOut,
};
use juxta_engine::store::{
    Answer, AnswerStatus, Comparison, PaneRecord, PaneSettings, SentRequest, TargetRef, Turn,
    EXPORT_FORMAT, EXPORT_VERSION,
};
use juxta_engine::{ErrorKind, FinishReason};
use serde_json::{json, Value};

/// 2026-11-26 14:03:05 UTC.
const T0: i64 = 1_795_701_785_000;

fn report(provider: &str, model: &str, text: &str) -> PaneReport {
    let mut r = PaneReport::new(provider, model);
    r.text = text.to_string();
    r.finish_reason = Some(FinishReason::Stop);
    r.served_model = Some(model.to_string());
    r.usage = Some(UsageOut {
        input_tokens: 120,
        output_tokens: 48,
        reasoning_tokens: 0,
        cached_tokens: 0,
    });
    r.metrics = Metrics {
        ttft_ms: Some(312.5),
        total_ms: Some(1840.25),
        output_tokens_per_s: Some(31.4),
        estimated: false,
    };
    r.cost_usd = Some(0.00042);
    r.attempts = vec![attempt(provider, model, None)];
    r
}

fn attempt(provider: &str, model: &str, error: Option<PaneError>) -> Attempt {
    Attempt {
        provider: provider.into(),
        model: model.into(),
        status: error.as_ref().and_then(|e| e.status),
        error,
        waited_ms: 0,
    }
}

fn error(kind: ErrorKind, status: Option<u16>, message: &str) -> PaneError {
    PaneError {
        kind,
        status,
        message: message.into(),
        retryable: status.is_some(),
    }
}

fn answer(id: i64, pane_id: i64, status: AnswerStatus, report: PaneReport) -> Answer {
    Answer {
        id,
        pane_id,
        status,
        started_at: T0 + id * 1000,
        finished_at: Some(T0 + id * 1000 + 1840),
        request: None,
        report,
        provider_state: None,
    }
}

fn pane(id: i64, provider: &str, model: &str) -> PaneRecord {
    PaneRecord {
        id,
        provider: provider.into(),
        model: model.into(),
        settings: PaneSettings::default(),
        rating: None,
        note: String::new(),
    }
}

/// Three panes, three turns: tool calls, reasoning, an error, retries then a fallback, a mapping
/// report, a stopped and an interrupted answer, a follow-up to one pane, unicode everywhere.
fn rich() -> Comparison {
    let mut openai = pane(1, "openai", "gpt-4o");
    openai.settings.params.temperature = Some(0.2);
    openai.settings.system = Some("Réponds en français.".into());
    openai.rating = Some(4);
    openai.note = "Clear, but \"verbose\"; 2nd line\nhere".into();
    let mut claude = pane(2, "anthropic", "claude-sonnet-4-5");
    claude.settings.fallbacks = vec![TargetRef {
        provider: "openrouter".into(),
        model: "anthropic/claude-3.5-sonnet".into(),
    }];
    claude.settings.params.reasoning_effort = Some(ReasoningEffort::High);
    claude.rating = Some(5);
    let gemini = pane(3, "gemini", "gemini-2.5-flash");

    // Turn 1: all three.
    let mut r1 = report(
        "openai",
        "gpt-4o",
        "Voici le **plan** 🚀\n\n```rust\nfn main() {}\n```",
    );
    r1.mapping.push(
        "temperature",
        MappingAction::Clamped,
        Some(json!(2.5)),
        Some(json!(2.0)),
        "openai accepts 0 to 2",
    );
    r1.mapping
        .renamed("max_output_tokens", "max_completion_tokens", "o-series");
    let mut r2 = report("anthropic", "claude-sonnet-4-5", "");
    r2.reasoning = "The user wants weather; call the tool.".into();
    r2.tool_calls = vec![ToolCallOut {
        id: "toolu_1".into(),
        name: "get_weather".into(),
        arguments: json!({"city": "Zürich", "units": "metric"}),
        check: None,
    }];
    r2.finish_reason = Some(FinishReason::ToolCalls);
    r2.raw_finish_reason = Some("tool_use".into());
    r2.usage = Some(UsageOut {
        input_tokens: 300,
        output_tokens: 90,
        reasoning_tokens: 40,
        cached_tokens: 128,
    });
    let mut r3 = report("gemini", "gemini-2.5-flash", "");
    r3.error = Some(error(
        ErrorKind::RateLimited,
        Some(429),
        "Quota exceeded, retry later",
    ));
    r3.finish_reason = None;
    r3.usage = None;
    r3.cost_usd = None;
    r3.attempts = vec![
        attempt(
            "gemini",
            "gemini-2.5-flash",
            Some(error(ErrorKind::RateLimited, Some(429), "slow down")),
        ),
        attempt(
            "gemini",
            "gemini-2.5-flash",
            Some(error(
                ErrorKind::RateLimited,
                Some(429),
                "Quota exceeded, retry later",
            )),
        ),
    ];
    r3.attempts[1].waited_ms = 2000;
    let mut a2 = answer(2, 2, AnswerStatus::Done, r2);
    a2.provider_state = Some(json!([{"thinking_signature": "sig-abc"}]));
    a2.request = Some(SentRequest {
        url: "https://api.anthropic.com/v1/messages".into(),
        headers: vec![("x-api-key".into(), "[redacted …wxyz]".into())],
        body: json!({"model": "claude-sonnet-4-5", "stream": true}),
    });
    let turn1 = Turn {
        id: 10,
        created_at: T0,
        prompt: "Plan a trip <b>to Zürich</b>, and check the weather.".into(),
        system: "You are a helpful travel agent.".into(),
        params: Params {
            temperature: Some(0.7),
            max_output_tokens: Some(1024),
            ..Params::default()
        },
        only_pane: None,
        answers: vec![
            answer(1, 1, AnswerStatus::Done, r1),
            a2,
            answer(3, 3, AnswerStatus::Failed, r3),
        ],
    };

    // Turn 2: all three; one stopped, one interrupted, one served by a fallback after retries.
    let r4 = report(
        "openai",
        "gpt-4o",
        "Jour 1 : la vieille ville. Then ``` inside a line.",
    );
    let mut r5 = report(
        "anthropic",
        "claude-sonnet-4-5",
        "Day 1: Old Town, then the lake…",
    );
    r5.served_model = Some("anthropic/claude-3.5-sonnet".into());
    r5.served_by = Some("Anthropic".into());
    r5.substituted = true;
    r5.attempts = vec![
        attempt(
            "anthropic",
            "claude-sonnet-4-5",
            Some(error(ErrorKind::Overloaded, Some(529), "overloaded")),
        ),
        attempt(
            "anthropic",
            "claude-sonnet-4-5",
            Some(error(ErrorKind::Overloaded, Some(529), "overloaded")),
        ),
        attempt("openrouter", "anthropic/claude-3.5-sonnet", None),
    ];
    let mut r6 = report(
        "gemini",
        "gemini-2.5-flash",
        "Day 1 — 旧市街:\n```python\nprint('unclosed')",
    );
    r6.metrics.estimated = true;
    r6.usage = None;
    let turn2 = Turn {
        id: 11,
        created_at: T0 + 60_000,
        prompt: "Make it a 2-day plan, with a table.".into(),
        system: "You are a helpful travel agent.".into(),
        params: Params {
            temperature: Some(0.7),
            ..Params::default()
        },
        only_pane: None,
        answers: vec![
            answer(4, 1, AnswerStatus::Stopped, r4),
            answer(5, 2, AnswerStatus::Done, r5),
            answer(6, 3, AnswerStatus::Interrupted, r6),
        ],
    };

    // Turn 3: a follow-up to the second pane only.
    let turn3 = Turn {
        id: 12,
        created_at: T0 + 120_000,
        prompt: "Only you: shorter, please.".into(),
        system: String::new(),
        params: Params::default(),
        only_pane: Some(2),
        answers: vec![answer(
            7,
            2,
            AnswerStatus::Done,
            report("anthropic", "claude-sonnet-4-5", "Old Town, lake, fondue."),
        )],
    };

    Comparison {
        id: 42,
        title: "Zürich trip, \"two\" days\nplanning".into(),
        created_at: T0,
        updated_at: T0 + 130_000,
        pinned: true,
        panes: vec![openai, claude, gemini],
        turns: vec![turn1, turn2, turn3],
    }
}

fn opts() -> Options {
    Options::default()
}

#[test]
fn json_round_trips_a_rich_comparison() {
    let original = vec![rich(), rich()];
    let text = export(&original, Format::Json, &opts());
    let back = parse_json(&text).expect("parses");
    assert_eq!(back, original);
    // Pretty-printed and stamped.
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], EXPORT_FORMAT);
    assert_eq!(v["version"], EXPORT_VERSION);
    assert_eq!(
        v["generator"],
        format!("juxta {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(v["exported_at"].as_i64().unwrap() > T0 - 365 * 86_400_000);
    assert!(text.contains("\n  \"comparisons\": ["));
}

#[test]
fn to_export_file_matches_the_json_export() {
    let file = to_export_file(&[rich()], 7);
    assert_eq!(file.exported_at, 7);
    assert_eq!(file.comparisons, vec![rich()]);
}

#[test]
fn import_errors_are_clear() {
    let err =
        parse_json(r#"{"format":"juxta.comparisons","version":2,"comparisons":[]}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("written by a newer Juxta (format version 2, this build reads up to {EXPORT_VERSION}): update Juxta")
    );
    let jsonl = export(&[rich()], Format::Jsonl, &opts());
    let first_line = jsonl.lines().next().unwrap();
    assert!(matches!(
        parse_json(first_line),
        Err(ImportError::NotJuxta(_))
    ));
    let truncated = export(&[rich()], Format::Json, &opts());
    let cut = &truncated[..truncated.len() / 2];
    assert!(matches!(parse_json(cut), Err(ImportError::Syntax { line, .. }) if line > 1));
}

#[test]
fn markdown_shows_turns_settings_metrics_and_answers() {
    let md = export(&[rich()], Format::Markdown, &opts());
    assert!(
        md.starts_with("# Zürich trip, \"two\" days planning\n"),
        "{md}"
    );
    assert!(
        md.contains("*2026-11-26 14:03 UTC · 3 models · 3 turns*"),
        "{md}"
    );
    // Turns in order, the follow-up labelled.
    let t1 = md.find("## Turn 1").unwrap();
    let t2 = md.find("## Turn 2").unwrap();
    let t3 = md.find("## Turn 3").unwrap();
    assert!(t1 < t2 && t2 < t3);
    assert!(
        md[t3..].contains("Follow-up sent to pane 2 (anthropic · claude-sonnet-4-5) only."),
        "{}",
        &md[t3..]
    );
    // Shared system and own overrides, shared params.
    // The shared system prompt shows where it is set, not again on turn 2 where it is unchanged.
    let shared = "**Shared system prompt**\n\n```text\nYou are a helpful travel agent.\n```";
    assert_eq!(md.matches(shared).count(), 1, "{md}");
    assert!(
        md.contains("**System prompt (this pane's own)**\n\n```text\nRéponds en français.\n```")
    );
    assert!(
        md.contains("temperature 0.2 (own) · max_output_tokens 1024 (shared)"),
        "{md}"
    );
    assert!(md.contains("reasoning_effort high (own)"));
    assert!(md.contains("fallbacks openrouter:anthropic/claude-3.5-sonnet (own)"));
    // Metrics, estimated speed marked, substitution noted, retries and fallback counted.
    assert!(md.contains("| TTFT | 312 ms |") && md.contains("| Total time | 1.84 s |"));
    assert!(md.contains("| Output speed | 31.4 tok/s (estimated) |"));
    assert!(
        md.contains("| Cached input tokens | 128 |") && md.contains("| Reasoning tokens | 40 |")
    );
    assert!(md.contains("| Cost | $0.00042 |"));
    assert!(md.contains("| Finish reason | tool\\_calls (tool\\_use) |"));
    assert!(md.contains(
        "> **Note:** Answered by anthropic/claude-3.5-sonnet, not claude-sonnet-4-5 (substituted)"
    ));
    assert!(
        md.contains("| Attempts | 3 (1 retry, fell back to another model) |"),
        "{md}"
    );
    // Rating and note once; reasoning; tool call; error; statuses.
    assert_eq!(md.matches("**Rating:** ★★★★☆ (4/5)").count(), 1);
    assert!(md.contains("> Clear, but \"verbose\"; 2nd line\n> here\n"));
    assert!(md.contains("<details>\n<summary>Reasoning</summary>\n\nThe user wants weather; call the tool.\n\n</details>"));
    assert!(md.contains("**Tool call:** get\\_weather\n\n```json\n{\n  \"city\": \"Zürich\",\n  \"units\": \"metric\"\n}\n```"));
    assert!(md.contains("**Error:** rate\\_limited (HTTP 429): Quota exceeded, retry later"));
    assert!(md.contains("*Stopped by the user: the answer is partial.*"));
    assert!(md.contains("*Interrupted (Juxta closed while it streamed): the answer is partial.*"));
    // A balanced answer renders as Markdown; the one with an open fence is fenced.
    assert!(md.contains("Voici le **plan** 🚀\n\n```rust\nfn main() {}\n```\n"));
    assert!(md.contains("````markdown\nDay 1 — 旧市街:\n```python\nprint('unclosed')\n````"));
    // The prompt is quoted, so its HTML stays text in the quote.
    assert!(md.contains("> Plan a trip <b>to Zürich</b>, and check the weather."));
}

#[test]
fn markdown_survives_hostile_fences() {
    // Whatever an answer does with fences, the next section must still be a heading.
    let bodies = [
        "```",
        "````\ncode",
        "~~~\nx",
        "```a\n```\n```",
        "<pre>\nx",
        "<!-- x",
        "> ```\nq",
        "- ```\n  x",
    ];
    for body in bodies {
        let mut c = rich();
        c.turns[0].answers[0].report.text = body.to_string();
        let md = export(&[c], Format::Markdown, &opts());
        let html = markdown_to_html(&md);
        assert!(
            html.contains("<h3>2. anthropic · claude-sonnet-4-5</h3>"),
            "body {body:?} broke:\n{html}"
        );
        assert!(
            html.contains("<h2>Turn 3 · 2026-11-26 14:05 UTC</h2>"),
            "body {body:?} broke:\n{html}"
        );
    }
}

fn markdown_to_html(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES),
    );
    html
}

#[test]
fn markdown_reasoning_is_optional() {
    let md = export(&[rich()], Format::Markdown, &Options { reasoning: false });
    assert!(!md.contains("call the tool"));
    let html = export(&[rich()], Format::Html, &Options { reasoning: false });
    assert!(!html.contains("call the tool"));
    assert!(export(&[rich()], Format::Html, &opts()).contains("call the tool"));
}

#[test]
fn several_comparisons_make_one_document() {
    let mut second = rich();
    second.title = "Second one".into();
    let md = export(&[rich(), second.clone()], Format::Markdown, &opts());
    assert_eq!(
        md.matches("\n# ").count() + usize::from(md.starts_with("# ")),
        2
    );
    assert!(md.contains("\n---\n\n# Second one\n"));
    let html = export(&[rich(), second], Format::Html, &opts());
    assert_eq!(html.matches("<!DOCTYPE html>").count(), 1);
    assert_eq!(html.matches("<article class=\"comparison\">").count(), 2);
}

#[test]
fn html_neutralises_hostile_output_and_escapes_the_rest() {
    let mut c = rich();
    c.turns[0].answers[0].report.text = concat!(
        "Hi <script>alert(1)</script> there\n\n",
        "<img src=x onerror=alert(2)>\n\n",
        "[click](javascript:alert(3)) and [ok](https://example.com/docs)\n\n",
        "<iframe src=\"https://evil.example/\"></iframe>\n\n",
        "<a href=\"https://example.org\" onclick=\"alert(4)\">hi</a> <div style=\"background:url(https://t.example/x)\">s</div>"
    )
    .into();
    c.turns[0].answers[1].report.reasoning =
        "<svg onload=alert(5)><form action=https://evil.example>".into();
    c.panes[1].note = "<script>note()</script>".into();
    let html = export(&[c], Format::Html, &opts());
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<iframe",
        "<img",
        "evil.example",
        "t.example",
        "<svg",
        "<form",
    ] {
        assert!(!lower.contains(bad), "{bad} survived in:\n{html}");
    }
    // What is not markup survives as text; the safe link is kept, with rel.
    assert!(
        html.contains("Hi  there") || html.contains("Hi there"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://example.com/docs\" rel=\"noopener noreferrer\">ok</a>"),
        "{html}"
    );
    // The prompt and note are escaped, not rendered.
    assert!(
        html.contains("Plan a trip &lt;b&gt;to Zürich&lt;/b&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;note()&lt;/script&gt;"));
    assert!(html.contains("<title>Zürich trip, &quot;two&quot; days\nplanning</title>"));
}

#[test]
fn html_is_self_contained_and_responsive() {
    let html = export(&[rich()], Format::Html, &opts());
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    assert!(html.contains("prefers-color-scheme:dark"));
    assert!(html.contains("@media (max-width:720px)"));
    assert!(html.contains("grid-auto-flow:column"));
    // No script, no remote load: the only URLs are the links in answers (none in this fixture).
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script") && !lower.contains("<link") && !lower.contains(" src="));
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "a URL leaked in"
    );
    // Panes side by side with their metrics and labels.
    assert_eq!(html.matches("<div class=\"panes\">").count(), 3);
    assert_eq!(html.matches("<article class=\"pane\">").count(), 7);
    assert_eq!(html.matches("<table class=\"metrics\">").count(), 7);
    assert!(html.contains("<tr><th>TTFT</th><td>312 ms</td></tr>"));
    assert!(html.contains("Follow-up sent to pane 2 (anthropic · claude-sonnet-4-5) only."));
    assert!(html.contains(
        "<p class=\"error\">Error: rate_limited (HTTP 429): Quota exceeded, retry later</p>"
    ));
    assert!(html.contains("<strong>plan</strong>"));
    assert!(html.contains("&quot;city&quot;: &quot;Zürich&quot;"));
}

fn jsonl_lines(c: &[Comparison]) -> Vec<Value> {
    export(c, Format::Jsonl, &opts())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("line {l:?} is not JSON: {e}")))
        .collect()
}

#[test]
fn jsonl_is_one_openai_conversation_per_pane() {
    let lines = jsonl_lines(&[rich()]);
    // The failed turn 1 of gemini is left out, but its turn 2 partial text stays.
    assert_eq!(lines.len(), 3);
    let openai = lines[0]["messages"].as_array().unwrap();
    let roles: Vec<&str> = openai.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user", "assistant"]);
    assert_eq!(openai[0]["content"], "Réponds en français.");
    assert_eq!(
        openai[1]["content"],
        "Plan a trip <b>to Zürich</b>, and check the weather."
    );

    let claude = lines[1]["messages"].as_array().unwrap();
    assert_eq!(claude.len(), 7, "system + three turns");
    assert_eq!(claude[0]["content"], "You are a helpful travel agent.");
    assert_eq!(claude[2]["content"], Value::Null);
    let call = &claude[2]["tool_calls"][0];
    assert_eq!(call["id"], "toolu_1");
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    let args: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args, json!({"city": "Zürich", "units": "metric"}));
    assert_eq!(claude[5]["content"], "Only you: shorter, please.");

    let gemini = lines[2]["messages"].as_array().unwrap();
    assert_eq!(gemini.len(), 3);
    assert_eq!(gemini[1]["content"], "Make it a 2-day plan, with a table.");
}

#[test]
fn jsonl_skips_panes_with_nothing_to_learn_from() {
    let mut c = rich();
    c.turns[1].answers[2].report.text.clear();
    c.turns[0].system.clear();
    let lines = jsonl_lines(&[c]);
    assert_eq!(lines.len(), 2);
    let claude = lines[1]["messages"].as_array().unwrap();
    // The first kept turn had no shared system prompt and claude has no override.
    assert_eq!(claude[0]["role"], "user");
}

#[test]
fn csv_has_one_row_per_answer_and_quotes_safely() {
    let text = export(&[rich()], Format::Csv, &opts());
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..4],
        ["comparison_id", "title", "turn_index", "pane_index"]
    );
    assert!(header.contains(&"started_at".to_string()));
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("parses back");
    assert_eq!(rows.len(), 7);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    // The title, with a comma, quotes and a newline, comes back whole.
    assert_eq!(
        &rows[0][col("title")],
        "Zürich trip, \"two\" days\nplanning"
    );
    let gemini = &rows[2];
    assert_eq!(&gemini[col("pane_index")], "3");
    assert_eq!(&gemini[col("status")], "failed");
    assert_eq!(&gemini[col("error_kind")], "rate_limited");
    assert_eq!(&gemini[col("error_message")], "Quota exceeded, retry later");
    assert_eq!(&gemini[col("attempts")], "2");
    assert_eq!(&gemini[col("retries")], "1");
    assert_eq!(&gemini[col("input_tokens")], "");
    let fallback = &rows[4];
    assert_eq!(&fallback[col("turn_index")], "2");
    assert_eq!(&fallback[col("substituted")], "true");
    assert_eq!(
        &fallback[col("served_model")],
        "anthropic/claude-3.5-sonnet"
    );
    assert_eq!(&fallback[col("fallback_used")], "true");
    assert_eq!(&fallback[col("rating")], "5");
    let first = &rows[0];
    assert_eq!(&first[col("ttft_ms")], "312.5");
    assert_eq!(&first[col("cost_usd")], "0.00042");
    assert_eq!(&first[col("finish_reason")], "stop");
    assert_eq!(&first[col("started_at")], "2026-11-26T14:03:06Z");
    assert_eq!(&rows[5][col("tokens_estimated")], "true");
    assert_eq!(&rows[1][col("cached_tokens")], "128");
    assert_eq!(
        &rows[0][col("text")],
        "Voici le **plan** 🚀\n\n```rust\nfn main() {}\n```"
    );
    assert!(rows.iter().all(|r| r.len() == header.len()));
}

#[test]
fn no_format_adds_a_secret() {
    // The canary is nowhere in the record: it stands for a key in the environment or keychain.
    const CANARY: &str = "sk-juxta-canary-9f8e7d6c5b4a39281706";
    let mut c = rich();
    c.turns[0].answers[0].request = Some(SentRequest {
        url: "https://api.openai.com/v1/chat/completions".into(),
        headers: vec![("authorization".into(), "Bearer [redacted …1234]".into())],
        body: json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}),
    });
    c.turns[0].answers[0].report.text = "The answer text is here.".into();
    let record = serde_json::to_string(&c).unwrap();
    assert!(!record.contains(CANARY) && !record.contains("sk-"));
    for format in Format::ALL {
        let out = export(std::slice::from_ref(&c), format, &opts());
        assert!(
            out.contains("The answer text is here."),
            "{format} lost the answer"
        );
        assert!(!out.contains(CANARY), "{format} holds the canary");
        assert!(
            !out.contains("sk-"),
            "{format} holds something shaped like a key"
        );
    }
}

#[test]
fn empty_input_exports_without_panicking() {
    let empty = Comparison {
        id: 0,
        title: String::new(),
        created_at: i64::MIN,
        updated_at: 0,
        pinned: false,
        panes: vec![],
        turns: vec![Turn {
            id: 0,
            created_at: i64::MAX,
            prompt: String::new(),
            system: String::new(),
            params: Params::default(),
            only_pane: Some(99),
            answers: vec![answer(
                1,
                77,
                AnswerStatus::Streaming,
                PaneReport::new("p", "m"),
            )],
        }],
    };
    // Every format but JSONL (nothing to learn from) still writes its frame.
    for format in Format::ALL.into_iter().filter(|f| *f != Format::Jsonl) {
        let out = export(std::slice::from_ref(&empty), format, &opts());
        assert!(!out.is_empty(), "{format}");
    }
    assert_eq!(export(&[], Format::Jsonl, &opts()), "");
    assert_eq!(
        export(std::slice::from_ref(&empty), Format::Jsonl, &opts()),
        ""
    );
    let md = export(&[empty], Format::Markdown, &opts());
    assert!(md.contains("Follow-up sent to pane \\#99 only."), "{md}");
    assert!(md.contains("### p · m"), "{md}");
}
