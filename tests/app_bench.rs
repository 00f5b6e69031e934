//! Benchmark mode through the app's command layer (the same `start` the `start_bench` handler
//! wraps around a channel): a real mock server, a real history file, exports written to disk.

mod common;

use common::{mock_pane, state_with_history, with_mock};
use juxta_app::commands::bench::{self, BenchExportFormat, ChartFormat};
use juxta_app::ipc::PaneRequest;
use juxta_app::AppState;
use juxta_engine::bench::{BenchEvent, BenchPlan, BenchReport, ErrorClass};

fn plan(repetitions: u32) -> BenchPlan {
    BenchPlan { repetitions, concurrency: 4, rps: None, inputs: Vec::new(), retries: Some(0) }
}

/// Run to the end; every event in order.
async fn run(state: &AppState, panes: Vec<PaneRequest>, plan: BenchPlan) -> (Vec<BenchEvent>, BenchReport) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    bench::start(state, panes, plan, move |e| {
        let _ = tx.send(e);
    })
    .expect("the benchmark starts");
    let mut events = Vec::new();
    while let Some(e) = rx.recv().await {
        if let BenchEvent::Finished { report } = &e {
            let report = report.clone();
            events.push(e);
            return (events, report);
        }
        events.push(e);
    }
    panic!("the benchmark ended without `finished`: {events:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_benchmark_streams_progress_and_runs_and_is_kept_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _mock) = with_mock(state_with_history(dir.path())).await;
    let panes = vec![mock_pane("normal@tokens=8", "Hello"), mock_pane("normal@tokens=8,fail_every=5", "Hello")];
    let (events, report) = run(&state, panes, plan(10)).await;

    let runs = events.iter().filter(|e| matches!(e, BenchEvent::Run { .. })).count();
    assert_eq!(runs, 20, "one run event per request");
    let done: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            BenchEvent::Progress { done, .. } => Some(*done),
            _ => None,
        })
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "progress only goes forward: {done:?}");
    assert_eq!(done.last(), Some(&20), "the last progress counts every run");

    assert_eq!(report.runs.len(), 20);
    let (steady, flaky) = (&report.panes[0], &report.panes[1]);
    assert_eq!((steady.ok, steady.failed), (10, 0));
    assert_eq!((flaky.ok, flaky.failed, flaky.errors.rate_limited), (8, 2, 2), "every 5th request is a scripted 429");
    assert!((flaky.error_rate - 0.2).abs() < 1e-9);
    assert!(report.runs.iter().filter(|r| !r.ok).all(|r| r.error_class == Some(ErrorClass::RateLimited)));
    assert!(steady.ttft.as_ref().is_some_and(|p| p.n == 10 && p.min <= p.p50 && p.p50 <= p.max));

    // Saved before `finished` went out: the list shows it at once, and it reads back whole.
    let history = state.history.get().unwrap();
    let listed = history.store().list_benches().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].runs, listed[0].failed), (20, 2));
    assert_eq!(listed[0].panes, vec!["mock/normal@tokens=8", "mock/normal@tokens=8,fail_every=5"]);
    let back = history.store().get_bench(listed[0].id).unwrap();
    assert_eq!(back.panes, report.panes);
    assert_eq!(back.runs.len(), 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn private_mode_keeps_no_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _mock) = with_mock(state_with_history(dir.path())).await;
    state.history.set_private(true).unwrap();
    let (_, report) = run(&state, vec![mock_pane("normal@tokens=3", "Hi")], plan(3)).await;
    assert_eq!(report.runs.len(), 3, "the report still reaches the view");
    assert!(state.history.get().unwrap().store().list_benches().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_plan_or_an_unknown_variable_fails_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (state, mock) = with_mock(state_with_history(dir.path())).await;
    let err = bench::start(&state, vec![mock_pane("normal", "Hi")], plan(0), |_| {}).unwrap_err();
    assert!(err.message.contains("repetitions"), "{}", err.message);
    let err = bench::start(&state, vec![mock_pane("normal", "Explain {{topic}}")], plan(2), |_| {}).unwrap_err();
    assert!(err.message.contains("{{topic}}"), "{}", err.message);
    let err =
        bench::start(&state, vec![PaneRequest { provider: "nope".into(), ..mock_pane("x", "Hi") }], plan(1), |_| {})
            .unwrap_err();
    assert!(err.message.contains("nope"), "{}", err.message);
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_benchmark_still_finishes_with_what_it_ran() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _mock) = with_mock(state_with_history(dir.path())).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let slow = mock_pane("normal@tokens=40,rate=100", "Hi");
    let id = bench::start(&state, vec![slow], plan(50), move |e| {
        let _ = tx.send(e);
    })
    .unwrap();
    // After the first finished run, stop (once: the runs in flight then end as stopped runs, and by the time their
    // events arrive the benchmark may be over and gone from the list).
    let mut report = None;
    let mut stopped = false;
    while let Some(e) = rx.recv().await {
        match e {
            BenchEvent::Run { .. } if !stopped => {
                assert!(state.benches.stop(id), "the benchmark is running");
                stopped = true;
            }
            BenchEvent::Finished { report: r } => {
                report = Some(r);
                break;
            }
            _ => {}
        }
    }
    let report = report.expect("finished arrives after a stop");
    assert!(report.stopped);
    assert!(report.runs.len() < 50, "the rest never started: {} runs", report.runs.len());
    assert!(report.runs.iter().any(|r| r.ok), "the run that finished is kept");
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_and_charts_are_written_only_as_what_they_claim_to_be() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _mock) = with_mock(state_with_history(dir.path())).await;
    let (_, report) =
        run(&state, vec![mock_pane("normal@tokens=4", "Hi"), mock_pane("normal@tokens=4,fail_every=2", "Hi")], plan(4))
            .await;

    let csv = dir.path().join("bench.csv");
    bench::export_bench(report.clone(), BenchExportFormat::Csv, csv.clone()).await.unwrap();
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let class = reader.headers().unwrap().iter().position(|h| h == "error_class").expect("an error_class column");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8, "one row per run");
    assert_eq!(rows.iter().filter(|r| &r[class] == "rate_limited").count(), 2);

    let json = dir.path().join("bench.json");
    bench::export_bench(report.clone(), BenchExportFormat::Json, json.clone()).await.unwrap();
    let back: BenchReport = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(back.runs.len(), 8);

    let wrong = bench::export_bench(report, BenchExportFormat::Csv, dir.path().join(".bashrc")).await.unwrap_err();
    assert!(wrong.message.contains(".csv"), "{}", wrong.message);
    assert!(!dir.path().join(".bashrc").exists());

    let svg = dir.path().join("chart.svg");
    bench::save_chart(svg.clone(), b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(), ChartFormat::Svg)
        .await
        .unwrap();
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let not_png =
        bench::save_chart(dir.path().join("chart.png"), b"<svg/>".to_vec(), ChartFormat::Png).await.unwrap_err();
    assert!(not_png.message.contains("not a PNG"), "{}", not_png.message);
    let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
    let bad_ext = bench::save_chart(dir.path().join("chart.sh"), png, ChartFormat::Png).await.unwrap_err();
    assert!(bad_ext.message.contains(".png"), "{}", bad_ext.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_sets_are_read_by_the_engine_with_line_numbers_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("topics.csv");
    std::fs::write(&good, "topic,tone\ntides,calm\n\"rain, mostly\",dry\n").unwrap();
    let rows = bench::read_prompt_set(good).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["topic"], "rain, mostly");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"topic\":\"tides\"}\nnot json\n").unwrap();
    let err = bench::read_prompt_set(bad).await.unwrap_err();
    assert!(err.message.contains('2'), "the line is named: {}", err.message);
}
