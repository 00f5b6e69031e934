//! `juxta compare` with tools, a tool loop, structured output, routing and per-provider limits:
//! the real binary against a real juxta-mock on 127.0.0.1.

mod common;

use std::path::Path;

use common::{compare, mock, post_bodies, run_juxta, Out};
use serde_json::{json, Value};

/// Runs `juxta` with a throwaway history (unless `env` gives one).
async fn juxta(args: &[String], env: &[(&str, &str)]) -> Out {
    let data = tempfile::tempdir().unwrap();
    run_juxta(args, data.path(), None, env).await
}

fn weather_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["celsius", "fahrenheit"]}},
        "required": ["city"],
        "additionalProperties": false
    })
}

fn write(dir: &Path, name: &str, doc: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

/// Both shapes of a tools file; the tools reach the wire and every call is checked against its
/// tool's schema (the `invalid` scenario sends a number for `city` and an unknown `unit`).
#[tokio::test(flavor = "multi_thread")]
async fn tools_files_in_both_shapes_and_invalid_arguments_are_flagged() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let plain = write(
        dir.path(),
        "plain.json",
        &json!([{"name": "get_weather", "description": "Weather in a city", "parameters": weather_schema()}]),
    );
    let openai = write(
        dir.path(),
        "openai.json",
        &json!([{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city", "parameters": weather_schema()}}]),
    );
    for file in [&plain, &openai] {
        let a = compare(
            &mock,
            &[
                "-m",
                "mo:tools@calls=2",
                "-m",
                "ma:tools@invalid=1",
                "-m",
                "mg:tools",
                "--tools",
                file,
                "--json",
            ],
            "Weather?",
        );
        let out = juxta(&a, &[]).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc = out.json();
        assert!(
            doc.get("steps").is_none(),
            "no tool results given: no loop, no steps"
        );
        let panes = doc["panes"].as_array().unwrap();
        let calls = panes[0]["tool_calls"].as_array().unwrap();
        assert_eq!(calls.len(), 2);
        for c in calls {
            assert_eq!(c["check"], json!({"valid": true, "violations": []}), "{c}");
        }
        let bad = &panes[1]["tool_calls"][0]["check"];
        assert_eq!(bad["valid"], false, "{bad}");
        let paths: Vec<&str> = bad["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["path"].as_str().unwrap())
            .collect();
        assert!(
            paths.contains(&"/city") && paths.contains(&"/unit"),
            "{bad}"
        );
        assert_eq!(panes[2]["tool_calls"][0]["check"]["valid"], true);
    }
    // The tools were sent in each protocol's own shape.
    let bodies: Vec<Value> = post_bodies(&mock);
    let openai_body = bodies
        .iter()
        .find(|b| b["model"] == "tools@calls=2")
        .unwrap();
    assert_eq!(openai_body["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(
        openai_body["tools"][0]["function"]["parameters"],
        weather_schema()
    );
    let anthropic_body = bodies
        .iter()
        .find(|b| b["model"] == "tools@invalid=1")
        .unwrap();
    assert_eq!(anthropic_body["tools"][0]["name"], "get_weather");

    // The terminal shows each call with its verdict.
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:tools",
            "-m",
            "ma:tools@invalid=1",
            "--tools",
            &plain,
        ],
        "Weather?",
    );
    let out = juxta(&a, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = |pane: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(pane) && l.contains("tool call get_weather"))
            .map(String::from)
    };
    let good = line("[1]").unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(good.ends_with("✓ valid"), "{good}");
    let bad = line("[2]").unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        bad.contains("✗ /city: ") || bad.contains("✗ /unit: "),
        "{bad}"
    );
}

/// The tool loop: each pane that ends with calls gets the canned results back and goes on, on
/// its own, until it answers; a pane without calls is not sent again.
#[tokio::test(flavor = "multi_thread")]
async fn a_tool_loop_reaches_the_answer_on_openai_and_anthropic() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let tools = write(
        dir.path(),
        "tools.json",
        &json!([{"name": "get_weather", "parameters": weather_schema()}]),
    );
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_string();
    let env = [("JUXTA_DATA_DIR", data_dir.as_str())];
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:tool-loop@steps=2",
            "-m",
            "ma:tool-loop@steps=2",
            "-m",
            "mo:normal@tokens=5",
            "--tools",
            &tools,
            "--tool-result",
            "get_weather={\"temp\":21}",
            "--json",
        ],
        "Weather in Paris and Tokyo?",
    );
    let out = juxta(&a, &env).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let panes = doc["panes"].as_array().unwrap();
    assert_eq!(panes.len(), 3, "one final report per pane");
    assert_eq!(
        panes[0]["text"],
        "After 2 tool results: {\"temp\":21}; {\"temp\":21}."
    );
    let anthropic = panes[1]["text"].as_str().unwrap();
    assert!(
        anthropic.starts_with("After 2 tool results: ") && anthropic.contains("21"),
        "{anthropic}"
    );
    for p in &panes[..2] {
        assert!(
            p["tool_calls"].as_array().unwrap().is_empty() && p["error"].is_null(),
            "{p}"
        );
    }
    let steps = doc["steps"]
        .as_array()
        .expect("panes looped: steps are listed");
    let counts: Vec<usize> = steps.iter().map(|s| s.as_array().unwrap().len()).collect();
    assert_eq!(counts, [3, 3, 1]);
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(
            s.as_array().unwrap().last().unwrap(),
            &panes[i],
            "the last step is the pane's report"
        );
    }
    assert_eq!(steps[0][0]["tool_calls"][0]["arguments"]["city"], "Paris");
    assert_eq!(steps[0][1]["tool_calls"][0]["arguments"]["city"], "Tokyo");
    assert_eq!(steps[0][0]["finish_reason"], "tool_calls");

    let posts: Vec<Value> = post_bodies(&mock);
    assert_eq!(
        posts
            .iter()
            .filter(|b| b["model"] == "normal@tokens=5")
            .count(),
        1,
        "the pane without calls is not re-run"
    );
    // The last OpenAI request carries the whole conversation: both calls and both results.
    let openai_wire = |b: &&Value| {
        b["messages"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["role"] == "tool"))
    };
    let last = posts
        .iter()
        .filter(|b| b["model"] == "tool-loop@steps=2")
        .rfind(openai_wire);
    let msgs = last.unwrap()["messages"].as_array().unwrap().clone();
    let roles: Vec<&str> = msgs.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        ["user", "assistant", "tool", "assistant", "tool"],
        "{msgs:?}"
    );
    assert_eq!(msgs[2]["content"], "{\"temp\":21}");
    assert_eq!(msgs[2]["tool_call_id"], msgs[1]["tool_calls"][0]["id"]);

    // History has every step: a follow-up turn per step of each looping pane.
    let list = juxta(&["history".to_string(), "--json".to_string()], &env).await;
    let rows: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(rows[0]["id"], doc["comparison_id"]);
    assert_eq!(
        rows[0]["turns"], 5,
        "the first turn and two steps of two panes: {rows}"
    );
    let md = juxta(&["export".to_string(), "last".to_string()], &env).await;
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        md.stdout
            .contains("[tool results] get_weather → {\"temp\":21}"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("After 2 tool results: {\"temp\":21}; {\"temp\":21}."),
        "{}",
        md.stdout
    );

    // The terminal labels each step.
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:tool-loop@steps=2",
            "-m",
            "ma:normal@tokens=5",
            "--tools",
            &tools,
            "--tool-result",
            "get_weather={\"temp\":21}",
        ],
        "Weather?",
    );
    let out = juxta(&a, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let pos = |needle: &str| {
        lines
            .iter()
            .position(|l| l.starts_with("[1]") && l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} in {}", out.stdout))
    };
    assert!(
        pos("tool call get_weather({\"city\":\"Paris\"")
            < pos("step 2: sent get_weather → {\"temp\":21}")
    );
    assert!(pos("step 2:") < pos("step 3:") && pos("step 3:") < pos("After 2 tool results"));
    let summary = lines
        .iter()
        .find(|l| l.starts_with("[1]") && l.contains("ttft"))
        .unwrap();
    assert!(summary.contains("3 steps"), "{summary}");
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("[2]") && l.contains("step 2:")),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_loop_stops_at_a_tool_without_a_result_or_at_max_steps() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let tools = write(
        dir.path(),
        "tools.json",
        &json!([{"name": "get_weather", "parameters": weather_schema()}, {"name": "get_time"}]),
    );
    let a = compare(
        &mock,
        &[
            "-m",
            "mo:tool-loop",
            "--tools",
            &tools,
            "--tool-result",
            "get_time=\"noon\"",
        ],
        "Weather?",
    );
    let out = juxta(&a, &[]).await;
    assert_eq!(
        out.code, 0,
        "stopping a loop is not a failure: {}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("stopped: no result for tool get_weather"),
        "{}",
        out.stdout
    );
    assert_eq!(
        mock.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );

    let a = compare(
        &mock,
        &[
            "-m",
            "mo:tool-loop@steps=5",
            "--tools",
            &tools,
            "--tool-result",
            "get_weather=1",
            "--max-steps",
            "2",
            "--json",
        ],
        "Weather?",
    );
    let out = juxta(&a, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    assert_eq!(doc["steps"][0].as_array().unwrap().len(), 2);
    assert_eq!(
        doc["panes"][0]["tool_calls"][0]["name"], "get_weather",
        "the last step still calls"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn structured_output_is_requested_and_checked() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let schema = json!({
        "title": "city",
        "type": "object",
        "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["name", "population"],
        "additionalProperties": false
    });
    let file = write(dir.path(), "schema.json", &schema);
    let out = juxta(
        &compare(
            &mock,
            &[
                "-m",
                "mo:json",
                "-m",
                "mo:json@invalid=1",
                "--schema",
                &file,
                "--json",
            ],
            "A city?",
        ),
        &[],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let good = &doc["panes"][0]["structured"];
    assert_eq!(good["check"]["valid"], true, "{good}");
    assert_eq!(good["source"], "text");
    assert_eq!(good["parsed"]["population"], 1);
    let bad = &doc["panes"][1]["structured"];
    assert_eq!(bad["check"]["valid"], false, "{bad}");
    assert!(
        bad["check"]["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("name"),
        "{bad}"
    );
    let body = mock
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap()
        .body;
    assert_eq!(
        body["response_format"]["json_schema"]["name"], "city",
        "{body}"
    );
    assert_eq!(
        body["response_format"]["json_schema"]["schema"]["required"],
        json!(["name", "population"])
    );

    // `{name, schema, strict}` works too, and the terminal says how each answer fared.
    let wrapped = write(
        dir.path(),
        "wrapped.json",
        &json!({"name": "town", "schema": schema, "strict": true}),
    );
    let out = juxta(
        &compare(
            &mock,
            &[
                "-m",
                "mo:json",
                "-m",
                "mo:json@invalid=1",
                "--schema",
                &wrapped,
            ],
            "A city?",
        ),
        &[],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = |pane: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(pane) && l.contains("schema "))
            .map(String::from)
    };
    assert!(
        line("[1]").is_some_and(|l| l.ends_with("schema ✓ valid")),
        "{}",
        out.stdout
    );
    let bad = line("[2]").unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(bad.contains("schema ✗ ") && bad.contains("name"), "{bad}");
}

/// Routing goes to providers whose preset takes it (OpenRouter's `provider` object); the others
/// say in the mapping report that they dropped it.
#[tokio::test(flavor = "multi_thread")]
async fn routing_reaches_only_a_provider_that_takes_it() {
    let mock = mock().await;
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("providers.toml"),
        format!(
            "[[provider]]\nid = \"router\"\nname = \"Router\"\nprotocol = \"openai\"\nbase_url = \"{}/v1\"\nauth = \"none\"\n\
             quirks = {{ provider_routing = true }}\n",
            mock.base_url()
        ),
    )
    .unwrap();
    let config_dir = config.path().to_str().unwrap().to_string();
    let a = compare(
        &mock,
        &[
            "-m",
            "router:echo",
            "-m",
            "mo:echo",
            "--set",
            "route.order=anthropic,google-vertex",
            "--set",
            "route.sort=price",
            "--set",
            "route.data_collection=deny",
            "--pane-set",
            "1:route.allow_fallbacks=false",
            "--json",
        ],
        "hi",
    );
    let out = juxta(&a, &[("JUXTA_CONFIG_DIR", &config_dir)]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let sent: Value = serde_json::from_str(doc["panes"][0]["text"].as_str().unwrap())
        .expect("echo answers with the body");
    assert_eq!(
        sent["provider"],
        json!({"order": ["anthropic", "google-vertex"], "allow_fallbacks": false, "data_collection": "deny", "sort": "price"})
    );
    let other = doc["panes"][1]["text"].as_str().unwrap();
    assert!(!other.contains("google-vertex"), "{other}");
    let mapping = doc["panes"][1]["mapping"].as_array().unwrap();
    assert!(
        mapping.iter().any(|m| m["param"] == "routing"),
        "{mapping:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn max_concurrent_makes_panes_queue_visibly() {
    let mock = mock().await;
    let models = [
        "-m",
        "mo:normal@tokens=5,ttft=200",
        "-m",
        "mo:normal@tokens=5,ttft=200",
    ];
    let mut list = models.to_vec();
    list.extend(["--max-concurrent", "mo=1"]);
    let out = juxta(&compare(&mock, &list, "hi"), &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let queued: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("queued: mo runs 1 at a time"))
        .collect();
    assert_eq!(queued.len(), 1, "{}", out.stdout);

    list.push("--json");
    let doc = juxta(&compare(&mock, &list, "hi"), &[]).await.json();
    let mut waits: Vec<u64> = doc["panes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["queued_ms"].as_u64().unwrap())
        .collect();
    waits.sort();
    assert!(waits[0] == 0 && waits[1] >= 150, "{waits:?}");

    // Without the flag (or with 0) nobody waits.
    let mut list = models.to_vec();
    list.extend(["--max-concurrent", "mo=0"]);
    let out = juxta(&compare(&mock, &list, "hi"), &[]).await;
    assert!(!out.stdout.contains("queued"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_tools_schemas_and_choices_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(
        dir.path(),
        "broken.json",
        &json!([{"name": "get_weather", "parameters": {"type": "strin"}}]),
    );
    let good = write(
        dir.path(),
        "tools.json",
        &json!([{"name": "get_weather", "parameters": weather_schema()}]),
    );
    let bad_schema = write(
        dir.path(),
        "schema.json",
        &json!({"type": "object", "properties": {"a": {"type": 3}}}),
    );
    let not_json = dir.path().join("nope.json");
    std::fs::write(&not_json, "{oops").unwrap();
    let not_json = not_json.to_str().unwrap();
    for (extra, needles) in [
        (
            vec!["--tools", &broken],
            vec!["bad --tools", "get_weather", "JSON Schema"],
        ),
        (vec!["--tools", not_json], vec!["not JSON"]),
        (
            vec!["--schema", &bad_schema],
            vec!["bad --schema", "schema.json"],
        ),
        (
            vec!["--tools", &good, "--tool-choice", "get_time"],
            vec!["bad --tool-choice", "get_weather"],
        ),
        (vec!["--tool-choice", "required"], vec!["--tools"]),
        (
            vec!["--tools", &good, "--tool-result", "get_weather={bad"],
            vec!["not JSON"],
        ),
        (
            vec!["--max-concurrent", "nobody=1"],
            vec!["unknown provider \"nobody\""],
        ),
        (
            vec!["--set", "route.sort=cheapest"],
            vec!["price, throughput or latency"],
        ),
    ] {
        let mut a: Vec<String> = [
            "compare",
            "-m",
            "local:m",
            "--provider",
            "local=openai,http://127.0.0.1:9/v1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a.push("hi".into());
        let out = juxta(&a, &[]).await;
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim().lines().count(),
            1,
            "{extra:?}: {}",
            out.stderr
        );
        for n in needles {
            assert!(
                out.stderr.contains(n),
                "{extra:?}: {n:?} not in {}",
                out.stderr
            );
        }
    }
}
