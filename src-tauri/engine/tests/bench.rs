//! Benchmark mode against the real juxta-mock: 200 runs with scripted 429s, latencies and
//! substitutions, every figure checked; prompt sets, concurrency, pacing, stop, error classes.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use juxta_engine::bench::{
    start_bench, BenchEvent, BenchPlan, BenchReport, ErrorClass, ErrorCounts,
};
use juxta_engine::catalog::{CapsTable, Preset, PriceTable};
use juxta_engine::run::{PaneSpec, Runner, Target};
use juxta_engine::secrets::MemoryStore;
use juxta_engine::Protocol;
use juxta_mock::MockServer;
use tokio_util::sync::CancellationToken;

/// A runner whose price table knows the `mock-priced` provider: nothing per input token,
/// 2 USD per million output tokens.
fn priced_runner() -> Runner {
    let prices = PriceTable::from_toml(
        "as_of = \"test\"\n[[price]]\nmatch = [\"*\"]\nprovider = \"mock-priced\"\ninput = 0.0\noutput = 2.0\n",
    )
    .expect("price table");
    Runner::with_tables(
        Arc::new(MemoryStore::new()),
        CapsTable::bundled(),
        prices,
        Duration::from_secs(10),
    )
    .expect("runner")
}

fn priced_pane(mock: &MockServer, model: &str) -> PaneSpec {
    let mut spec = pane(mock, Protocol::OpenAiChat, model);
    spec.target = Target {
        endpoint: Preset::custom(
            "mock-priced",
            Protocol::OpenAiChat,
            &format!("{}/v1", mock.base_url()),
        ),
        model: model.into(),
    };
    spec
}

/// Run to the end, collecting every event; the report from `join` must equal `Finished`'s.
async fn bench(
    runner: &Runner,
    panes: Vec<PaneSpec>,
    plan: BenchPlan,
) -> (BenchReport, Vec<BenchEvent>) {
    bench_with(runner, panes, plan, CancellationToken::new()).await
}

async fn bench_with(
    runner: &Runner,
    panes: Vec<PaneSpec>,
    plan: BenchPlan,
    cancel: CancellationToken,
) -> (BenchReport, Vec<BenchEvent>) {
    let mut handle = start_bench(runner, panes, plan, cancel).expect("the plan is valid");
    let mut events = Vec::new();
    while let Some(e) = handle.events.recv().await {
        events.push(e);
    }
    let report = tokio::time::timeout(Duration::from_secs(30), handle.join)
        .await
        .expect("bench ends")
        .expect("no panic");
    match events.last() {
        Some(BenchEvent::Finished { report: r }) => assert_eq!(r, &report),
        other => panic!("the last event is not Finished: {other:?}"),
    }
    (report, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_runs_with_scripted_429s_latencies_and_substitutions() {
    let mock = mock().await;
    // Paced at 1,000 tokens/s: an answer in one burst has no tokens/s (`metrics::MIN_RATE_WINDOW`).
    let limited = "normal@tokens=20,fail_every=5,rate=1000";
    let slow = "normal@tokens=20,ttft=40,rate=1000";
    let swapped = "substituted@tokens=10,rate=1000";
    let priced = "normal@tokens=30,rate=1000";
    let panes = vec![
        pane(&mock, Protocol::OpenAiChat, limited),
        pane(&mock, Protocol::Anthropic, slow),
        pane(&mock, Protocol::Gemini, swapped),
        priced_pane(&mock, priced),
    ];
    let plan = BenchPlan {
        repetitions: 50,
        concurrency: 8,
        rps: None,
        inputs: Vec::new(),
        retries: Some(0),
    };
    let (report, events) = bench(&priced_runner(), panes, plan.clone()).await;

    assert_eq!(report.runs.len(), 200);
    assert!(!report.stopped);
    assert_eq!(report.plan, plan);
    assert!(report.elapsed_ms > 0.0 && report.started_at > 1_600_000_000_000);
    let labels: Vec<&str> = report.panes.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            format!("mock-openai/{limited}"),
            format!("mock-anthropic/{slow}"),
            format!("mock-gemini/{swapped}"),
            format!("mock-priced/{priced}")
        ]
    );
    for (i, p) in report.panes.iter().enumerate() {
        assert_eq!((p.pane, p.runs, p.stopped), (i, 50, 0), "pane {i}");
        assert_eq!(p.retries, 0, "retries were turned off: pane {i}");
        let reps: std::collections::BTreeSet<u32> = report
            .runs
            .iter()
            .filter(|r| r.pane == i)
            .map(|r| r.rep)
            .collect();
        assert_eq!(reps.len(), 50, "every repetition ran once: pane {i}");
    }

    // Pane 1: every 5th request is a 429, never retried: exactly 20 %.
    let a = &report.panes[0];
    assert_eq!((a.ok, a.failed), (40, 10));
    assert_eq!(
        a.errors,
        ErrorCounts {
            rate_limited: 10,
            ..Default::default()
        }
    );
    assert!((a.error_rate - 0.2).abs() < 1e-12);
    for r in report.runs.iter().filter(|r| r.pane == 0 && !r.ok) {
        assert_eq!(r.error_class, Some(ErrorClass::RateLimited));
        assert!(r.error.as_deref().is_some_and(|m| !m.is_empty()));
        assert_eq!((r.ttft_ms, r.output_tokens, r.retries), (None, None, 0));
    }
    assert_eq!(
        a.ttft.map(|p| p.n),
        Some(40),
        "percentiles are over successful runs"
    );
    assert_eq!(a.served_models, BTreeMap::from([(limited.to_string(), 40)]));

    // Pane 2: the scripted 40 ms before the first token is in every TTFT, and not much more.
    let b = &report.panes[1];
    assert_eq!((b.ok, b.failed, b.error_rate), (50, 0, 0.0));
    let ttft = b.ttft.expect("ttft");
    assert_eq!(ttft.n, 50);
    assert!(ttft.min >= 40.0, "min ttft {}", ttft.min);
    assert!(
        ttft.p50 >= 40.0 && ttft.p50 < 40.0 + 250.0,
        "p50 ttft {}",
        ttft.p50
    );
    assert!(
        ttft.min <= ttft.p50
            && ttft.p50 <= ttft.p95
            && ttft.p95 <= ttft.p99
            && ttft.p99 <= ttft.max
    );
    let total = b.total.expect("total");
    assert!(total.p50 >= ttft.p50);
    for r in report.runs.iter().filter(|r| r.ok) {
        let (t, all) = (r.ttft_ms.expect("ttft"), r.total_ms.expect("total"));
        assert!(all >= t, "total {all} < ttft {t}");
        assert!(r.started_ms >= 0.0 && r.started_ms <= report.elapsed_ms);
    }
    // Tokens as the mock counted them.
    for (pane, tokens) in [(0, 20), (1, 20), (2, 10), (3, 30)] {
        assert!(
            report
                .runs
                .iter()
                .filter(|r| r.pane == pane && r.ok)
                .all(|r| r.output_tokens == Some(tokens)),
            "pane {pane}"
        );
        assert!(
            report.panes[pane]
                .tokens_per_s
                .is_some_and(|p| p.n > 0 && p.p50 > 0.0),
            "pane {pane}"
        );
    }

    // Pane 3: every answer came from another model.
    let c = &report.panes[2];
    assert_eq!(c.ok, 50);
    assert_eq!(c.substitution_rate, 1.0);
    assert_eq!(
        c.served_models,
        BTreeMap::from([("mock-mini-2024-01-01".to_string(), 50)])
    );
    assert_eq!(report.panes[1].substitution_rate, 0.0);

    // Pane 4: 30 output tokens at 2 USD per million, nothing for input.
    let d = &report.panes[3];
    let per_run = 30.0 * 2.0 / 1_000_000.0;
    assert!(
        (d.cost_per_run.expect("priced") - per_run).abs() < 1e-15,
        "{:?}",
        d.cost_per_run
    );
    assert!((d.cost_per_1000.expect("priced") - per_run * 1000.0).abs() < 1e-12);
    for p in &report.panes[..3] {
        assert_eq!(
            (p.cost_per_run, p.cost_per_1000),
            (None, None),
            "the mock's other providers have no price"
        );
    }

    // At most 8 requests in flight per provider, seen from the server.
    for model in [limited, slow, swapped, priced] {
        let open = mock.max_open_streams(model);
        assert!(
            (1..=8).contains(&open),
            "{model}: {open} streams open at once"
        );
    }

    // Events: one Run per run, progress ending at 200 done, then Finished.
    let runs = events
        .iter()
        .filter(|e| matches!(e, BenchEvent::Run { .. }))
        .count();
    assert_eq!(runs, 200);
    let progress: Vec<(u32, u32, u32)> = events
        .iter()
        .filter_map(|e| match e {
            BenchEvent::Progress {
                done,
                failed,
                remaining,
                ..
            } => Some((*done, *failed, *remaining)),
            _ => None,
        })
        .collect();
    assert!(!progress.is_empty() && progress.len() <= 201);
    assert_eq!(progress.last(), Some(&(200, 10, 0)));
    assert!(progress
        .windows(2)
        .all(|w| w[0].0 <= w[1].0 && w[0].0 + w[0].2 == 200));
}

#[tokio::test]
async fn a_prompt_set_fills_every_variable_of_every_pane() {
    let mock = mock().await;
    let mut spec = pane(&mock, Protocol::OpenAiChat, "echo");
    spec.request.messages = vec![juxta_engine::Message::user(
        "Describe {{ city }} in {{n}} words.",
    )];
    spec.request.system = Some("You know {{city}} well.".into());
    let inputs: Vec<BTreeMap<String, String>> = [("Lyon", "5"), ("Oslo", "6"), ("Lima", "7")]
        .iter()
        .map(|(c, n)| {
            BTreeMap::from([
                ("city".to_string(), c.to_string()),
                ("n".to_string(), n.to_string()),
            ])
        })
        .collect();
    let plan = BenchPlan {
        repetitions: 2,
        concurrency: 2,
        inputs,
        ..Default::default()
    };
    let (report, _) = bench(&runner(), vec![spec], plan).await;
    assert_eq!(report.runs.len(), 6);
    for r in &report.runs {
        assert!(r.ok, "{:?}", r.error);
        let (city, n) =
            [("Lyon", "5"), ("Oslo", "6"), ("Lima", "7")][r.input.expect("an input row")];
        assert!(
            r.text.contains(&format!("Describe {city} in {n} words.")),
            "{}",
            r.text
        );
        assert!(
            r.text.contains(&format!("You know {city} well.")),
            "{}",
            r.text
        );
        assert!(!r.text.contains("{{"));
    }
    let per_input: Vec<usize> = (0..3)
        .map(|i| report.runs.iter().filter(|r| r.input == Some(i)).count())
        .collect();
    assert_eq!(per_input, [2, 2, 2]);
    assert_eq!(mock.requests().len(), 6);
}

#[tokio::test]
async fn an_unknown_variable_is_refused_before_anything_is_sent() {
    let mock = mock().await;
    let mut spec = pane(&mock, Protocol::OpenAiChat, "normal");
    spec.request.messages = vec![juxta_engine::Message::user("About {{town}}")];
    let plan = BenchPlan {
        inputs: vec![BTreeMap::from([("city".to_string(), "Lyon".to_string())])],
        ..Default::default()
    };
    let e = start_bench(&runner(), vec![spec], plan, CancellationToken::new())
        .err()
        .expect("refused");
    assert!(
        e.to_string().contains("{{town}}") && e.to_string().contains("input row 1"),
        "{e}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(mock.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrency_is_limited_per_provider() {
    let mock = mock().await;
    // One provider, one pane: 12 runs of >= 100 ms, 3 at a time: 4 waves.
    let model = "normal@tokens=2,ttft=100";
    let plan = BenchPlan {
        repetitions: 12,
        concurrency: 3,
        ..Default::default()
    };
    let started = Instant::now();
    let (report, _) = bench(
        &runner(),
        vec![pane(&mock, Protocol::OpenAiChat, model)],
        plan,
    )
    .await;
    assert_eq!(report.panes[0].ok, 12);
    assert_eq!(
        mock.max_open_streams(model),
        3,
        "exactly the limit was used"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );

    // Two panes on the same provider share its limit: 8 runs, 2 at a time, 4 waves.
    let plan = BenchPlan {
        repetitions: 4,
        concurrency: 2,
        ..Default::default()
    };
    let (a, b) = (
        "normal@tokens=2,ttft=100,p=a",
        "normal@tokens=2,ttft=100,p=b",
    );
    let started = Instant::now();
    let (report, _) = bench(
        &runner(),
        vec![
            pane(&mock, Protocol::OpenAiChat, a),
            pane(&mock, Protocol::OpenAiChat, b),
        ],
        plan,
    )
    .await;
    assert_eq!(report.runs.iter().filter(|r| r.ok).count(), 8);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert!(mock.max_open_streams(a) <= 2 && mock.max_open_streams(b) <= 2);
}

#[tokio::test]
async fn pacing_spreads_the_starts() {
    let mock = mock().await;
    let plan = BenchPlan {
        repetitions: 10,
        concurrency: 10,
        rps: Some(20.0),
        ..Default::default()
    };
    let started = Instant::now();
    let (report, _) = bench(
        &runner(),
        vec![pane(&mock, Protocol::OpenAiChat, "normal@tokens=2")],
        plan,
    )
    .await;
    assert_eq!(report.panes[0].ok, 10);
    // Ten starts at 20 per second: the first at once, the last 450 ms later.
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    let mut starts: Vec<f64> = report.runs.iter().map(|r| r.started_ms).collect();
    starts.sort_by(f64::total_cmp);
    assert!(starts[9] - starts[0] >= 440.0, "{starts:?}");
    assert!(starts.windows(2).all(|w| w[1] - w[0] >= 35.0), "{starts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_keeps_the_runs_in_flight_as_stopped_and_starts_no_more() {
    let mock = mock().await;
    let plan = BenchPlan {
        repetitions: 20,
        concurrency: 2,
        ..Default::default()
    };
    let cancel = CancellationToken::new();
    {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            cancel.cancel();
        });
    }
    let started = Instant::now();
    let (report, _) = bench_with(
        &runner(),
        vec![pane(
            &mock,
            Protocol::OpenAiChat,
            "normal@tokens=5,ttft=400",
        )],
        plan,
        cancel,
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "the stop is immediate: {:?}",
        started.elapsed()
    );
    assert!(report.stopped);
    assert_eq!(
        report.runs.len(),
        2,
        "the two in flight are kept, the 18 queued never started"
    );
    assert!(report
        .runs
        .iter()
        .all(|r| r.stopped && !r.ok && r.error_class.is_none()));
    let p = &report.panes[0];
    assert_eq!(
        (p.runs, p.ok, p.failed, p.stopped, p.error_rate),
        (2, 0, 0, 2, 0.0)
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn failures_are_counted_by_class() {
    let mock = mock().await;
    let mut stall = pane(&mock, Protocol::OpenAiChat, "stall@after=2,stall=5000");
    stall.timeouts.idle = Duration::from_millis(150);
    let panes = vec![
        pane(&mock, Protocol::OpenAiChat, "stream-error"),
        pane(&mock, Protocol::OpenAiChat, "drop"),
        pane(&mock, Protocol::OpenAiChat, "html-502"),
        pane(&mock, Protocol::Anthropic, "overloaded"),
        pane(&mock, Protocol::OpenAiChat, "quota"),
        pane(&mock, Protocol::OpenAiChat, "auth-error"),
        stall,
        // Retried once, then it answers: not a failure, one retry.
        pane(&mock, Protocol::OpenAiChat, "server-error@fails=1"),
    ];
    let mut panes = panes;
    panes[7].policy.max_retries = 1;
    let plan = BenchPlan {
        repetitions: 1,
        concurrency: 8,
        ..Default::default()
    };
    let (report, _) = bench(&runner(), panes, plan).await;
    let class = |i: usize| {
        report
            .runs
            .iter()
            .find(|r| r.pane == i)
            .and_then(|r| r.error_class)
    };
    assert_eq!(class(0), Some(ErrorClass::InStream));
    assert_eq!(class(1), Some(ErrorClass::InStream));
    assert_eq!(class(2), Some(ErrorClass::Server));
    assert_eq!(class(3), Some(ErrorClass::Server));
    assert_eq!(class(4), Some(ErrorClass::RateLimited));
    assert_eq!(class(5), Some(ErrorClass::Other));
    assert_eq!(class(6), Some(ErrorClass::Timeout));
    assert_eq!(class(7), None);
    let last = &report.panes[7];
    assert_eq!((last.ok, last.failed, last.retries), (1, 0, 1));
    // The partial text of a stream that failed is kept.
    assert!(!report
        .runs
        .iter()
        .find(|r| r.pane == 0)
        .expect("run")
        .text
        .is_empty());
}
