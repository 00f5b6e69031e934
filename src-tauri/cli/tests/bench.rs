//! `juxta bench` end to end: the real binary against a real juxta-mock.

mod common;

use common::{run_juxta, Out};
use juxta_mock::MockServer;
use serde_json::Value;

async fn mock() -> MockServer {
    MockServer::builder().start().await.unwrap()
}

async fn juxta(args: &[String], data_dir: &std::path::Path) -> Out {
    run_juxta(args, data_dir, None, &[]).await
}

fn bench_args(mock: &MockServer, extra: &[&str]) -> Vec<String> {
    let b = mock.base_url();
    let mut a: Vec<String> = [
        "bench",
        "--provider",
        &format!("mo=openai,{b}/v1"),
        "--provider",
        &format!("ma=anthropic,{b}/v1"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn is_num_or_null(v: &Value) -> bool {
    v.is_number() || v.is_null()
}

#[tokio::test(flavor = "multi_thread")]
async fn bench_json_has_the_documented_shape_and_the_csv_one_row_per_run() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("runs.csv");
    let out_json = dir.path().join("report.json");
    let a = bench_args(
        &mock,
        &[
            "-m",
            "mo:normal@tokens=5,fail_every=3",
            "-m",
            "ma:substituted@tokens=5",
            "--runs",
            "6",
            "--concurrency",
            "2",
            "--retries",
            "0",
            "--json",
            "--csv",
            csv.to_str().unwrap(),
            "--out",
            out_json.to_str().unwrap(),
            "--name",
            "smoke",
            "Say hi",
        ],
    );
    let out = juxta(&a, dir.path()).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).expect("stdout is the JSON report only");
    assert_eq!(
        keys(&doc),
        sorted(&[
            "started_at",
            "elapsed_ms",
            "plan",
            "stopped",
            "panes",
            "runs"
        ])
    );
    assert!(doc["started_at"].is_i64() && doc["elapsed_ms"].is_f64() && doc["stopped"] == false);
    assert_eq!(
        keys(&doc["plan"]),
        sorted(&["repetitions", "concurrency", "rps", "inputs", "retries"])
    );
    assert_eq!(
        (
            doc["plan"]["repetitions"].as_u64(),
            doc["plan"]["concurrency"].as_u64()
        ),
        (Some(6), Some(2))
    );
    assert_eq!(doc["plan"]["retries"], 0);
    assert!(doc["plan"]["rps"].is_null());

    let panes = doc["panes"].as_array().unwrap();
    assert_eq!(panes.len(), 2);
    let pane_keys = [
        "pane",
        "label",
        "provider",
        "model",
        "runs",
        "ok",
        "failed",
        "stopped",
        "error_rate",
        "errors",
        "retries",
        "ttft",
        "total",
        "tokens_per_s",
        "cost_per_run",
        "cost_per_1000",
        "substitution_rate",
        "served_models",
    ];
    for p in panes {
        assert_eq!(keys(p), sorted(&pane_keys));
        assert_eq!(
            keys(&p["errors"]),
            sorted(&["rate_limited", "server", "timeout", "in_stream", "other"])
        );
        assert_eq!(
            keys(&p["ttft"]),
            sorted(&["n", "min", "p50", "p95", "p99", "max", "mean"])
        );
        assert!(
            p["ttft"]["p50"].is_number()
                && p["error_rate"].is_number()
                && p["served_models"].is_object()
        );
        assert!(is_num_or_null(&p["cost_per_run"]) && is_num_or_null(&p["cost_per_1000"]));
    }
    assert_eq!(panes[0]["label"], "mo/normal@tokens=5,fail_every=3");
    assert_eq!(
        (
            panes[0]["runs"].as_u64(),
            panes[0]["ok"].as_u64(),
            panes[0]["failed"].as_u64()
        ),
        (Some(6), Some(4), Some(2))
    );
    assert_eq!(panes[0]["errors"]["rate_limited"], 2);
    assert_eq!(panes[1]["substitution_rate"], 1.0);
    assert_eq!(panes[1]["served_models"]["mock-mini-2024-01-01"], 6);

    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 12);
    let run_keys = [
        "pane",
        "input",
        "rep",
        "started_ms",
        "ok",
        "error_class",
        "stopped",
        "error",
        "ttft_ms",
        "total_ms",
        "output_tokens",
        "tokens_per_s",
        "cost_usd",
        "retries",
        "served_model",
        "substituted",
        "text",
    ];
    for r in runs {
        assert_eq!(keys(r), sorted(&run_keys));
        assert!(
            r["ok"].is_boolean()
                && r["text"].is_string()
                && r["started_ms"].is_number()
                && r["input"].is_null()
        );
        if r["ok"] == false {
            assert_eq!(r["error_class"], "rate_limited");
        }
    }

    // --csv: a header and one row per run; --out: the same report as stdout.
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("seq"));
    assert_eq!(reader.records().count(), 12);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&out_json).unwrap()).unwrap();
    assert_eq!(saved, doc);
    // Kept in history.
    assert!(out.stderr.contains("saved to history"), "{}", out.stderr);
    let store = juxta_engine::store::Store::open(dir.path().join("history.db"))
        .unwrap()
        .store;
    let list = store.list_benches().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].name.as_str(), list[0].runs, list[0].failed),
        ("smoke", 12, 2)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_shows_every_pane_and_private_keeps_nothing() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let a = bench_args(
        &mock,
        &[
            "-m",
            "mo:normal@tokens=3",
            "--runs",
            "3",
            "--private",
            "Hello",
        ],
    );
    let out = juxta(&a, dir.path()).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("ttft p50") && out.stdout.contains("[1] mo/normal@tokens=3"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("3 runs in"), "{}", out.stdout);
    assert!(
        out.stderr.contains("3 done, 0 failed, 0 remaining"),
        "{}",
        out.stderr
    );
    assert!(
        !dir.path().join("history.db").exists(),
        "--private keeps nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prompt_set_fills_the_prompt_and_a_bad_one_names_its_line() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set.jsonl");
    std::fs::write(&set, "{\"city\": \"Lyon\"}\n{\"city\": \"Oslo\"}\n").unwrap();
    let a = bench_args(
        &mock,
        &[
            "-m",
            "mo:echo",
            "--runs",
            "1",
            "--inputs",
            set.to_str().unwrap(),
            "--json",
            "--private",
            "About {{city}}",
        ],
    );
    let out = juxta(&a, dir.path()).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for r in runs {
        let city = ["Lyon", "Oslo"][r["input"].as_u64().unwrap() as usize];
        assert!(
            r["text"]
                .as_str()
                .unwrap()
                .contains(&format!("About {city}")),
            "{r}"
        );
    }

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "city,n\nLyon,1\nOslo,2,extra\n").unwrap();
    mock.clear_requests();
    let a = bench_args(
        &mock,
        &[
            "-m",
            "mo:echo",
            "--inputs",
            bad.to_str().unwrap(),
            "--private",
            "About {{city}}",
        ],
    );
    let out = juxta(&a, dir.path()).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("bad.csv line 3"), "{}", out.stderr);
    assert!(mock.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_variable_is_a_usage_error_before_any_request() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set.csv");
    std::fs::write(&set, "city\nLyon\n").unwrap();
    let a = bench_args(
        &mock,
        &[
            "-m",
            "mo:normal",
            "--inputs",
            set.to_str().unwrap(),
            "Weather in {{town}}?",
        ],
    );
    let out = juxta(&a, dir.path()).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("{{town}}") && out.stderr.contains("input row 1"),
        "{}",
        out.stderr
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
    // Bad plan values are usage errors too.
    for flags in [["--runs", "0"], ["--concurrency", "0"], ["--rps", "0"]] {
        let mut extra = vec!["-m", "mo:normal"];
        extra.extend(flags);
        extra.push("hi");
        let out = juxta(&bench_args(&mock, &extra), dir.path()).await;
        assert_eq!(out.code, 2, "{flags:?}: {}", out.stderr);
    }
    assert!(mock.requests().is_empty());
}
