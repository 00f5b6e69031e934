//! Export speed: a 50-turn, 8-pane comparison (400 answers of ~1,500 characters with Markdown
//! and code) to every format. The budget is one second for all five formats together (release).
//! `cargo bench -p juxta-engine --bench export`: prints per-format and total ms, and exits
//! non-zero when the total is over budget.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use juxta_engine::export::{export, Format, Options};
use juxta_engine::request::Params;
use juxta_engine::run::{Attempt, Metrics, PaneReport, ToolCallOut, UsageOut};
use juxta_engine::store::{Answer, AnswerStatus, Comparison, PaneRecord, PaneSettings, Turn};
use juxta_engine::FinishReason;

const TURNS: usize = 50;
const PANES: usize = 8;
const RUNS: usize = 5;
const BUDGET: Duration = Duration::from_secs(1);

/// ~1,500 characters: prose with emphasis, a list, a table, a link and a code block.
fn answer_text(turn: usize, pane: usize) -> String {
    let mut s = format!(
        "## Answer {turn}.{pane}\n\nHere is **the plan**, with *emphasis* and `inline code`.\n\n"
    );
    s.push_str("- First, read the [docs](https://example.com/docs) carefully.\n- Then compare <b>both</b> options.\n\n");
    s.push_str("| option | cost | speed |\n|---|---|---|\n| a | 1 | fast |\n| b | 2 | slow |\n\n");
    s.push_str("```rust\nfn main() {\n    let xs: Vec<u32> = (0..10).collect();\n    println!(\"{:?}\", xs);\n}\n```\n\n");
    while s.len() < 1500 {
        s.push_str(
            "The quick brown fox jumps over the lazy dog, & then <considers> the \"next\" step. ",
        );
    }
    s
}

fn report(turn: usize, pane: usize) -> PaneReport {
    let mut r = PaneReport::new("openai", &format!("model-{pane}"));
    r.text = answer_text(turn, pane);
    r.reasoning = "Thinking it through step by step. ".repeat(8);
    r.finish_reason = Some(FinishReason::Stop);
    r.served_model = Some(format!("model-{pane}-2025"));
    r.usage = Some(UsageOut {
        input_tokens: 900,
        output_tokens: 380,
        reasoning_tokens: 64,
        cached_tokens: 0,
    });
    r.metrics = Metrics {
        ttft_ms: Some(320.5),
        total_ms: Some(4200.0),
        output_tokens_per_s: Some(88.2),
        estimated: false,
    };
    r.cost_usd = Some(0.0031);
    r.attempts = vec![Attempt {
        provider: "openai".into(),
        model: r.model.clone(),
        status: Some(200),
        error: None,
        waited_ms: 0,
    }];
    if turn % 10 == 9 {
        r.tool_calls.push(ToolCallOut {
            id: format!("c{turn}"),
            name: "search".into(),
            arguments: serde_json::json!({"q": "fox"}),
            check: None,
        });
    }
    r
}

fn comparison() -> Comparison {
    let panes = (0..PANES)
        .map(|p| PaneRecord {
            id: p as i64,
            provider: "openai".into(),
            model: format!("model-{p}"),
            settings: PaneSettings::default(),
            rating: Some(3),
            note: String::new(),
        })
        .collect();
    let turns = (0..TURNS)
        .map(|t| Turn {
            id: t as i64,
            created_at: 1_795_701_785_000 + t as i64 * 60_000,
            prompt: format!("Question {t}: compare the options and explain, with code."),
            system: "You are concise.".into(),
            params: Params {
                temperature: Some(0.7),
                ..Params::default()
            },
            only_pane: None,
            answers: (0..PANES)
                .map(|p| Answer {
                    id: (t * PANES + p) as i64,
                    pane_id: p as i64,
                    status: AnswerStatus::Done,
                    started_at: 1_795_701_785_000,
                    finished_at: Some(1_795_701_789_200),
                    request: None,
                    report: report(t, p),
                    provider_state: None,
                })
                .collect(),
        })
        .collect();
    Comparison {
        id: 1,
        title: "Bench".into(),
        created_at: 0,
        updated_at: 0,
        pinned: false,
        panes,
        turns,
    }
}

/// The fastest of `RUNS` exports, and the output size.
fn time(c: &[Comparison], format: Format) -> (Duration, usize) {
    let opts = Options::default();
    let mut best = Duration::MAX;
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = export(c, format, &opts);
        best = best.min(start.elapsed());
        size = std::hint::black_box(out).len();
    }
    (best, size)
}

fn main() -> ExitCode {
    let c = [comparison()];
    println!(
        "export: {TURNS} turns x {PANES} panes = {} answers, best of {RUNS} runs",
        TURNS * PANES
    );
    let mut total = Duration::ZERO;
    for format in Format::ALL {
        let (t, size) = time(&c, format);
        total += t;
        println!(
            "  {:<9} {:>8.1} ms  {:>9} bytes",
            format.extension(),
            t.as_secs_f64() * 1e3,
            size
        );
    }
    println!(
        "  total     {:>8.1} ms  (budget {} ms)",
        total.as_secs_f64() * 1e3,
        BUDGET.as_millis()
    );
    if total < BUDGET {
        ExitCode::SUCCESS
    } else {
        eprintln!("export: over budget");
        ExitCode::FAILURE
    }
}
