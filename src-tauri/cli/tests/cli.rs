//! The `juxta` binary end to end: real processes, a real juxta-mock on a real socket.

mod common;

use common::{compare, mock, post_bodies, providers, run_juxta, Out};
use serde_json::Value;

const CANARY: &str = "sk-canary-cli-5e8d2b7a9f104c36";

/// Runs `juxta` with this process's history directory (tests that look at history pass their own).
async fn juxta(args: &[String], stdin: Option<&str>, env: &[(&str, &str)]) -> Out {
    let data = std::env::temp_dir().join(format!("juxta-cli-tests-data-{}", std::process::id()));
    run_juxta(args, &data, stdin, env).await
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const PANE_KEYS: [&str; 17] = [
    "attempts",
    "cost_usd",
    "error",
    "finish_reason",
    "mapping",
    "metrics",
    "model",
    "provider",
    "queued_ms",
    "raw_finish_reason",
    "reasoning",
    "served_by",
    "served_model",
    "substituted",
    "text",
    "tool_calls",
    "usage",
];

#[tokio::test(flavor = "multi_thread")]
async fn compare_json_reports_every_pane_in_order_with_the_documented_keys() {
    let mock = mock().await;
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:normal",
            "-m",
            "ma:reasoning",
            "-m",
            "mg:tools",
            "--json",
        ],
        "What is the weather in Paris?",
    );
    let out = juxta(&a, None, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let panes = doc["panes"].as_array().unwrap();
    assert_eq!(panes.len(), 3);
    let want = PANE_KEYS;
    for p in panes {
        let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, want);
        let metrics: Vec<&String> = p["metrics"].as_object().unwrap().keys().collect();
        assert_eq!(
            metrics,
            ["estimated", "output_tokens_per_s", "total_ms", "ttft_ms"]
        );
        let usage: Vec<&String> = p["usage"].as_object().unwrap().keys().collect();
        assert_eq!(
            usage,
            [
                "cached_tokens",
                "input_tokens",
                "output_tokens",
                "reasoning_tokens"
            ]
        );
        assert!(p["error"].is_null());
    }
    assert_eq!(
        (panes[0]["provider"].as_str(), panes[0]["model"].as_str()),
        (Some("mo"), Some("normal"))
    );
    assert!(panes[0]["text"].as_str().unwrap().len() > 50);
    assert_eq!(panes[0]["finish_reason"], "stop");
    assert!(!panes[1]["reasoning"].as_str().unwrap().is_empty());
    assert_eq!(panes[2]["tool_calls"][0]["name"], "get_weather");
    assert_eq!(
        panes[2]["tool_calls"][0]["arguments"]["city"], "Paris",
        "arguments are parsed JSON"
    );
    let attempt = &panes[0]["attempts"][0];
    assert_eq!(attempt["status"], 200);
    assert!(
        attempt["error"].is_null() && attempt["waited_ms"] == 0 && attempt["model"] == "normal"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_pane_exits_1_and_the_others_are_reported_in_full() {
    let mock = mock().await;
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:normal",
            "-m",
            "ma:auth-error",
            "-m",
            "mg:drop@after=5",
            "--json",
        ],
        "hi",
    );
    let out = juxta(&a, None, &[]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let p = &doc["panes"];
    assert!(p[0]["error"].is_null() && p[0]["text"].as_str().unwrap().len() > 50);
    assert_eq!(p[1]["error"]["kind"], "auth");
    assert_eq!(p[1]["error"]["status"], 401);
    assert_eq!(p[1]["error"]["retryable"], false);
    assert!(!p[2]["error"].is_null());
    assert!(
        !p[2]["text"].as_str().unwrap().is_empty(),
        "partial text kept"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_pane_names_the_command_that_acts_on_it() {
    let mock = mock().await;
    let a = compare(&mock, &["-m", "ma:auth-error", "-m", "mo:not-found"], "hi");
    let out = juxta(&a, None, &[]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.contains('✗')).collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(
        lines[0].contains("auth HTTP 401")
            && lines[0].contains("check the key for this provider (juxta keys set ma)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("not_found HTTP 404") && lines[1].contains("(juxta models mo lists its models)"),
        "{}",
        lines[1]
    );
    // The engine's own message names no command (the app shows it too): only one hint per line.
    assert!(!out.stdout.contains("PROVIDER"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_and_pane_overrides_reach_the_wire() {
    let mock = mock().await;
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:echo",
            "-m",
            "ma:echo",
            "--system",
            "Be brief.",
            "--set",
            "temperature=0.3",
            "--set",
            "max_tokens=100",
            "--pane-set",
            "2:temperature=1.5",
            "--pane-set",
            "2:system=Be verbose.",
            "--json",
        ],
        "-",
    );
    let out = juxta(&a, Some("prompt from stdin"), &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bodies: Vec<Value> = post_bodies(&mock);
    let openai = bodies
        .iter()
        .find(|b| b.get("messages").and_then(|m| m[0]["role"].as_str()) == Some("system"))
        .unwrap();
    assert_eq!(openai["temperature"], 0.3);
    assert_eq!(openai["messages"][0]["content"], "Be brief.");
    assert_eq!(openai["messages"][1]["content"], "prompt from stdin");
    let anthropic = bodies.iter().find(|b| b.get("system").is_some()).unwrap();
    assert_eq!(anthropic["system"], "Be verbose.");
    assert_eq!(
        anthropic["temperature"], 1.0,
        "clamped to Anthropic's range"
    );
    assert_eq!(anthropic["max_tokens"], 100);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let mapping = doc["panes"][1]["mapping"].as_array().unwrap();
    assert!(
        mapping
            .iter()
            .any(|m| m["param"] == "temperature" && m["action"] == "clamped"),
        "{mapping:?}"
    );
    assert!(
        mapping
            .iter()
            .any(|m| m["param"] == "system" && m["action"] == "moved"),
        "{mapping:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_and_fallbacks_are_visible() {
    let mock = mock().await;
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:server-error",
            "--fallback",
            "1:ma:normal",
            "--retries",
            "1",
            "--json",
        ],
        "hi",
    );
    let out = juxta(&a, None, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let p = &doc["panes"][0];
    let statuses: Vec<i64> = p["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 500, 200]);
    assert_eq!(p["attempts"][2]["provider"], "ma");
    assert_eq!(p["substituted"], true);
    assert!(
        p["attempts"][1]["waited_ms"].as_u64().unwrap() > 0,
        "backoff recorded"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_terminal_view_labels_every_pane_and_ends_with_metrics() {
    let mock = mock().await;
    let a = compare(
        &mock,
        // Paced: an answer in one burst has no tokens/s to show.
        &["-m", "mo:normal@tokens=30,rate=1000", "-m", "ma:stream-error"],
        "hi",
    );
    let out = juxta(&a, None, &[]).await;
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[1] mo:normal@tokens=30,rate=1000") && l.contains(" │ ")),
        "{}",
        out.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[2] ma:stream-error") && l.contains(" │ ")),
        "{}",
        out.stdout
    );
    let metrics = lines
        .iter()
        .find(|l| l.starts_with("[1]") && l.contains("ttft"))
        .expect("metrics line");
    assert!(
        metrics.contains("✓ stop") && metrics.contains("tok/s") && metrics.contains("30 out"),
        "{metrics}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[2]") && l.contains("✗")),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_with_one_line_that_says_what_to_do() {
    for (argv, needle) in [
        (vec!["compare", "-m", "gpt-4o", "hi"], "PROVIDER:MODEL"),
        (
            vec!["compare", "-m", "nobody:m", "hi"],
            "--provider nobody=openai",
        ),
        (
            vec![
                "compare",
                "-m",
                "openai:gpt-4o",
                "--set",
                "temperature=warm",
                "hi",
            ],
            "temperature",
        ),
        (
            vec![
                "compare",
                "-m",
                "x:m",
                "--provider",
                "x=soap,http://127.0.0.1:1",
                "hi",
            ],
            "openai, openai-responses, anthropic, gemini or ollama",
        ),
        (
            vec![
                "compare",
                "-m",
                "remote:m",
                "--provider",
                "remote=openai,https://llm.invalid/v1",
                "hi",
            ],
            "juxta keys set remote",
        ),
    ] {
        let out = juxta(
            &args(&argv),
            None,
            &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")],
        )
        .await;
        assert_eq!(out.code, 2, "{argv:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "{argv:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(needle), "{argv:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_from_the_environment_reaches_the_header_and_never_the_output() {
    let mock = mock().await;
    let b = mock.base_url();
    let a = args(&[
        "compare",
        "-m",
        "remote:normal",
        "-m",
        "remote:auth-error",
        "-m",
        "remote:echo",
        "--json",
        "--provider",
        &format!("remote=openai,{b}/v1"),
        "hi",
    ]);
    let out = juxta(&a, None, &[("JUXTA_KEY_REMOTE", CANARY)]).await;
    assert_eq!(out.code, 1);
    assert!(mock.requests().iter().any(|r| r
        .headers
        .iter()
        .any(|(k, v)| k == "authorization" && v == &format!("Bearer {CANARY}"))));
    assert!(
        !out.stdout.contains(CANARY) && !out.stderr.contains(CANARY),
        "the key leaked"
    );
    // Nor in the most verbose logs, ours and the HTTP stack's.
    let out = juxta(
        &a,
        None,
        &[("JUXTA_KEY_REMOTE", CANARY), ("JUXTA_LOG", "trace")],
    )
    .await;
    assert!(
        out.stderr.contains("sending") && out.stderr.contains("attempt failed"),
        "logs are on: {}",
        out.stderr
    );
    assert!(
        !out.stdout.contains(CANARY) && !out.stderr.contains(CANARY),
        "the key leaked into the logs"
    );
    // Without a terminal nor --json the same holds.
    let a = args(&[
        "compare",
        "-m",
        "remote:auth-error",
        "--provider",
        &format!("remote=openai,{b}/v1"),
        "hi",
    ]);
    let out = juxta(&a, None, &[("JUXTA_KEY_REMOTE", CANARY)]).await;
    assert!(!out.stdout.contains(CANARY) && !out.stderr.contains(CANARY));
}

#[tokio::test(flavor = "multi_thread")]
async fn providers_and_models() {
    let out = juxta(&args(&["providers", "--json"]), None, &[]).await;
    assert_eq!(out.code, 0);
    let list: Value = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for want in [
        "openai",
        "anthropic",
        "gemini",
        "deepseek",
        "mistral",
        "qwen",
        "openrouter",
        "groq",
        "xai",
        "together",
        "tokenmix",
        "ollama",
        "lmstudio",
        "vllm",
        "litellm",
    ] {
        assert!(ids.contains(&want), "{want} missing");
    }
    let mock = mock().await;
    let b = mock.base_url();
    let out = juxta(
        &args(&[
            "models",
            "mg",
            "--provider",
            &format!("mg=gemini,{b}/v1beta"),
        ]),
        None,
        &[],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("normal")) && out.stdout.lines().count() > 5,
        "{}",
        out.stdout
    );
    let out = juxta(
        &args(&[
            "models",
            "dead",
            "--provider",
            "dead=openai,http://127.0.0.1:9/v1",
        ]),
        None,
        &[],
    )
    .await;
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("could not connect"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keychain_key_commands_fail_clearly() {
    let out = juxta(
        &args(&["keys", "list"]),
        None,
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")],
    )
    .await;
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("keychain"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_users_config_dir_adds_providers_and_prices() {
    let mock = mock().await;
    let dir = std::env::temp_dir().join(format!("juxta-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("providers.toml"),
        format!("[[provider]]\nid = \"corp\"\nname = \"Corp\"\nprotocol = \"openai\"\nbase_url = \"{}/v1\"\nauth = \"bearer\"\n", mock.base_url()),
    )
    .unwrap();
    // $2 per million input tokens, $10 per million output tokens.
    std::fs::write(
        dir.join("prices.toml"),
        "as_of = \"2026-11-25\"\n[[price]]\nmatch = [\"normal*\"]\ninput = 2.0\noutput = 10.0\n",
    )
    .unwrap();
    let dir_s = dir.to_string_lossy().to_string();
    let out = juxta(
        &args(&["compare", "-m", "corp:normal@tokens=100", "--json", "hi"]),
        None,
        &[
            ("JUXTA_CONFIG_DIR", &dir_s),
            ("JUXTA_KEY_CORP", "sk-corp-000000000000"),
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let p = &doc["panes"][0];
    let input = p["usage"]["input_tokens"].as_f64().unwrap();
    let want = (input * 2.0 + 100.0 * 10.0) / 1e6;
    assert!(
        (p["cost_usd"].as_f64().unwrap() - want).abs() < 1e-12,
        "{p}"
    );

    // A broken file (here `match` is not a list) is a usage error naming the file.
    std::fs::write(dir.join("models.toml"), "[[model]]\nmatch = \"gpt-4o\"\n").unwrap();
    let out = juxta(&args(&["providers"]), None, &[("JUXTA_CONFIG_DIR", &dir_s)]).await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("models.toml"), "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `juxta compare` saves every run (unless `--private`); `history` finds it, `export` writes it,
/// `import` reads a JSON export back.
#[tokio::test(flavor = "multi_thread")]
async fn runs_are_kept_in_history_searchable_exportable_and_private_runs_are_not() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_string();
    let env = [("JUXTA_DATA_DIR", data_dir.as_str())];
    let mock = mock().await;
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:normal@tokens=40",
            "-m",
            "mo:reasoning@tokens=20",
            "--set",
            "temperature=0.3",
            "--json",
        ],
        "Tell me about otters\nin two lines",
    );
    let out = juxta(&a, None, &env).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let id = doc["comparison_id"]
        .as_i64()
        .expect("the --json document says where the run was saved");

    let list = juxta(&args(&["history", "--json"]), None, &env).await;
    assert_eq!(list.code, 0, "{}", list.stderr);
    let rows: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(rows[0]["id"], id);
    assert_eq!(rows[0]["title"], "Tell me about otters");
    assert_eq!(
        rows[0]["models"],
        serde_json::json!(["mo:normal@tokens=40", "mo:reasoning@tokens=20"])
    );

    // Found by a word of an answer, with the match marked.
    let found = juxta(&args(&["history", "deterministic"]), None, &env).await;
    assert_eq!(found.code, 0, "{}", found.stderr);
    assert!(
        found.stdout.contains("Tell me about otters") && found.stdout.contains("[deterministic]"),
        "{}",
        found.stdout
    );

    // Exported whole: both answers, the shared temperature; JSON round-trips through import.
    let md = juxta(&args(&["export", "last"]), None, &env).await;
    assert_eq!(md.code, 0, "{}", md.stderr);
    for pane in doc["panes"].as_array().unwrap() {
        let tail: String = pane["text"]
            .as_str()
            .unwrap()
            .trim_end()
            .chars()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(
            md.stdout.contains(&tail),
            "the Markdown export lacks {tail:?}"
        );
    }
    let json_file = data.path().join("otters.json");
    let out = juxta(
        &args(&[
            "export",
            &id.to_string(),
            "--format",
            "json",
            "-o",
            json_file.to_str().unwrap(),
        ]),
        None,
        &env,
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let imported = juxta(&args(&["import", json_file.to_str().unwrap()]), None, &env).await;
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    assert!(
        imported.stdout.contains("Tell me about otters"),
        "{}",
        imported.stdout
    );
    let bad = juxta(&args(&["export", "--format", "docx"]), None, &env).await;
    assert_eq!(bad.code, 2, "{}", bad.stderr);

    // --private: the run happens and nothing of it is written.
    let mut p = args(&["compare", "-m", "mo:normal@tokens=5", "--json", "--private"]);
    p.extend(providers(&mock));
    p.push("a private question about badgers".into());
    let out = juxta(&p, None, &env).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(doc["comparison_id"].is_null());
    let none = juxta(&args(&["history", "badgers"]), None, &env).await;
    assert!(!none.stdout.contains("badgers"), "{}", none.stdout);
    let list = juxta(&args(&["history", "--json"]), None, &env).await;
    let rows: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        2,
        "the run and its import, nothing private: {rows}"
    );
}
