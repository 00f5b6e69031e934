//! The benchmark mode's own overhead, measured against juxta-mock with a scripted time to first
//! token of 50 ms: for 200 runs (4 in flight), the TTFT each run reports minus those 50 ms
//! (what the network stack, the mock, the engine and the bench layer add together), and the
//! same 200 requests driven straight through `Runner::start_pane` (no bench layer) for
//! comparison; then the wall time of the whole bench against the ideal (waves × scripted time).
//! `cargo bench -p juxta-engine --bench bench_overhead` (figures in BENCHMARKS.md).

use std::sync::Arc;
use std::time::Instant;

use juxta_engine::bench::{start_bench, stats, BenchPlan};
use juxta_engine::catalog::Preset;
use juxta_engine::request::ChatRequest;
use juxta_engine::run::{PaneSpec, Runner, Target};
use juxta_engine::secrets::MemoryStore;
use juxta_engine::Protocol;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

const RUNS: u32 = 200;
const CONCURRENCY: u32 = 4;
const SCRIPTED_TTFT_MS: f64 = 50.0;

fn line(what: &str, values: &[f64]) {
    let p = stats::Percentiles::of(values).expect("at least one run");
    println!(
        "{what:<44} n={:<4} p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        p.n, p.p50, p.p95, p.p99, p.max
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mock = juxta_mock::MockServer::builder().start().await.expect("mock starts");
        let model = format!("normal@tokens=20,ttft={SCRIPTED_TTFT_MS}");
        let endpoint = Preset::custom("mock", Protocol::OpenAiChat, &format!("{}/v1", mock.base_url()));
        let spec = PaneSpec::new(Target { endpoint, model: model.clone() }, ChatRequest::new(&model, "Say hello."));
        let runner = Runner::new(Arc::new(MemoryStore::new())).expect("runner");

        // Warm-up: connections, first allocations.
        let plan = BenchPlan { repetitions: 20, concurrency: CONCURRENCY, ..Default::default() };
        let warm = start_bench(&runner, vec![spec.clone()], plan, CancellationToken::new()).expect("plan");
        drop(warm.events);
        warm.join.await.expect("warm-up");

        // Through the bench.
        let plan = BenchPlan { repetitions: RUNS, concurrency: CONCURRENCY, ..Default::default() };
        let started = Instant::now();
        let handle = start_bench(&runner, vec![spec.clone()], plan, CancellationToken::new()).expect("plan");
        drop(handle.events);
        let report = handle.join.await.expect("bench");
        let wall = started.elapsed();
        assert_eq!(report.panes[0].ok, RUNS, "every run must succeed: {:?}", report.runs.iter().find(|r| !r.ok));
        let ttft: Vec<f64> = report.runs.iter().filter_map(|r| r.ttft_ms).map(|t| t - SCRIPTED_TTFT_MS).collect();
        let total: Vec<f64> = report.runs.iter().filter_map(|r| r.total_ms).map(|t| t - SCRIPTED_TTFT_MS).collect();

        // The same requests straight through the runner, 4 at a time.
        let slots = Arc::new(Semaphore::new(CONCURRENCY as usize));
        let mut set = JoinSet::new();
        for _ in 0..RUNS {
            let (runner, spec, slots) = (runner.clone(), spec.clone(), slots.clone());
            set.spawn(async move {
                let _slot = slots.acquire_owned().await.expect("semaphore");
                let h = runner.start_pane(spec, CancellationToken::new());
                drop(h.events);
                h.join.await.expect("pane")
            });
        }
        let mut plain = Vec::new();
        while let Some(r) = set.join_next().await {
            let r = r.expect("pane");
            assert!(r.error.is_none(), "{:?}", r.error);
            plain.push(r.metrics.ttft_ms.expect("ttft") - SCRIPTED_TTFT_MS);
        }

        println!("bench_overhead: {RUNS} runs, {CONCURRENCY} in flight, scripted ttft {SCRIPTED_TTFT_MS} ms");
        line("TTFT reported - scripted (bench)", &ttft);
        line("total reported - scripted (bench)", &total);
        line("TTFT reported - scripted (runner alone)", &plain);
        let ideal = f64::from(RUNS / CONCURRENCY) * SCRIPTED_TTFT_MS;
        let per_run = (report.elapsed_ms - ideal) / f64::from(RUNS / CONCURRENCY);
        println!(
            "wall time: {:.1} ms (report {:.1} ms) for an ideal {ideal:.0} ms: {:.2} ms per wave of {CONCURRENCY} beyond the script",
            wall.as_secs_f64() * 1000.0,
            report.elapsed_ms,
            per_run
        );
    });
}
