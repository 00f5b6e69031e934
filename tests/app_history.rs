//! History through the app's IPC commands (Tauri's mock runtime, the real capabilities): a run is
//! recorded as it streams into a real SQLite file, found again by search, exported, imported,
//! deleted and restored; private mode writes nothing; no key ever reaches the database.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{start_pane, start_turn, until_done, with_mock, TestApp};
use juxta_app::ipc::{PaneEvent, PaneRequest, PaneStart, RecordedTurn};
use juxta_app::AppState;
use juxta_engine::request::Message;
use juxta_engine::run::PaneReport;
use juxta_engine::secrets::{ApiKey, MemoryStore, SecretStore};
use juxta_engine::store::{AnswerStatus, Comparison, SearchHit, Summary};
use serde_json::{json, Value};

const CANARY_KEY: &str = "sk-juxta-history-canary-9f8e7d6c5b4a";

/// The app with history in a fresh directory and two providers on one local mock: `mock`
/// (no key) and `keyed` (a bearer key the mock requires).
async fn history_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemoryStore::new();
    secrets.set("keyed", &ApiKey::new(CANARY_KEY).unwrap()).unwrap();
    let state = AppState::new(Arc::new(secrets), None).with_history(Some(dir.path().join("history.db")));
    assert!(state.history.history.is_some(), "history opens in a fresh directory");
    let (state, mock) = with_mock(state).await;
    let base = format!("{}/v1", mock.base_url());
    state.catalog.write().unwrap().presets.upsert(juxta_engine::catalog::Preset::custom(
        "keyed",
        juxta_engine::Protocol::OpenAiChat,
        &base,
    ));
    TestApp::new(dir, state, Some(mock))
}

fn db_files(fx: &TestApp) -> Vec<PathBuf> {
    ["history.db", "history.db-wal", "history.db-shm"]
        .iter()
        .map(|f| fx.dir.path().join(f))
        .filter(|p| p.exists())
        .collect()
}

/// Run a turn of `models` on `provider` the way the UI does (`start_turn`: recorded, then every pane
/// started), run every pane to its end, and wait until the writer has everything on disk.
async fn run(
    fx: &TestApp,
    comparison: Option<i64>,
    provider: &str,
    models: &[&str],
    prompt: &str,
) -> (RecordedTurn, Vec<PaneReport>) {
    let panes: Vec<Value> = models
        .iter()
        .map(|m| json!({"pane_id": null, "provider": provider, "model": m, "settings": {"params": {}}}))
        .collect();
    let turn = json!({"comparison_id": comparison, "prompt": prompt, "system": "Be brief.", "params": {"temperature": 0.5}, "panes": panes});
    let requests = models.iter().map(|m| pane_request(provider, m, prompt)).collect();
    let (recorded, reports) = run_turn(fx, turn, requests).await;
    (recorded.expect("recorded (not private)"), reports)
}

/// `start_turn` with `turn` and `requests`, every pane run to its end and the writer flushed.
async fn run_turn(fx: &TestApp, turn: Value, requests: Vec<PaneRequest>) -> (Option<RecordedTurn>, Vec<PaneReport>) {
    let (started, receivers) = start_turn(&fx.state(), turn, requests).await;
    assert_eq!(started.history_error, None);
    assert!(started.panes.iter().all(|p| matches!(p, PaneStart::Started { .. })), "{:?}", started.panes);
    let mut reports = Vec::new();
    for mut rx in receivers {
        reports.push(until_done(&mut rx).await.1);
    }
    fx.state().history.get().unwrap().writer.flush().expect("flushed");
    (started.recorded, reports)
}

fn pane_request(provider: &str, model: &str, prompt: &str) -> PaneRequest {
    PaneRequest {
        provider: provider.into(),
        model: model.into(),
        system: Some("Be brief.".into()),
        messages: vec![Message::user(prompt)],
        ..Default::default()
    }
}

/// One pane run outside any turn, saving to `answer_id` (as a pane started with a stale id would).
async fn run_pane(fx: &TestApp, provider: &str, model: &str, prompt: &str, answer_id: Option<i64>) -> PaneReport {
    let request = PaneRequest { answer_id, ..pane_request(provider, model, prompt) };
    let (_, mut rx) = start_pane(&fx.state(), request);
    until_done(&mut rx).await.1
}

fn bytes_contain(path: &Path, needle: &str) -> bool {
    let hay = std::fs::read(path).unwrap();
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The answer's longest word: one a search can look for, and that no schema name contains.
fn a_word_of(text: &str) -> String {
    let word = text.split(|c: char| !c.is_alphanumeric()).max_by_key(|w| w.len()).unwrap_or_default();
    assert!(word.len() >= 8, "the answer has a long word: {text:?}");
    word.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_is_recorded_as_it_streams_and_comes_back_whole() {
    let fx = history_app().await;
    let (recorded, reports) =
        run(&fx, None, "keyed", &["normal@tokens=40", "reasoning@tokens=20"], "Compare these two\nplease").await;

    let c: Comparison = fx.call("get_comparison", json!({ "id": recorded.comparison_id }));
    assert_eq!(c.title, "Compare these two");
    assert_eq!(
        c.panes.iter().map(|p| p.model.as_str()).collect::<Vec<_>>(),
        ["normal@tokens=40", "reasoning@tokens=20"]
    );
    assert_eq!(c.turns.len(), 1);
    let turn = &c.turns[0];
    assert_eq!(turn.prompt, "Compare these two\nplease");
    assert_eq!(turn.params.temperature, Some(0.5));
    for (answer, report) in turn.answers.iter().zip(&reports) {
        assert_eq!(answer.status, AnswerStatus::Done);
        assert_eq!(answer.report.text, report.text, "the saved answer is the streamed one");
        assert_eq!(answer.report.reasoning, report.reasoning);
        assert_eq!(answer.report.usage, report.usage);
        assert!(answer.report.metrics.ttft_ms.is_some());
        let request = answer.request.as_ref().expect("the request is kept for the inspector");
        assert!(request.url.ends_with("/v1/chat/completions"));
    }
    assert!(!turn.answers[1].report.reasoning.is_empty());

    // Keys never reach the database: the answer is in the file, the key is not.
    fx.state().history.get().unwrap().writer.flush().expect("flushed");
    let files = db_files(&fx);
    assert!(files.iter().any(|f| bytes_contain(f, &a_word_of(&reports[0].text))), "the answer text is on disk");
    for f in &files {
        assert!(!bytes_contain(f, CANARY_KEY), "the key reached {}", f.display());
    }

    // Listed, and found by a word of an answer.
    let list: Vec<Summary> = fx.call("list_comparisons", json!({"limit": 10, "offset": 0}));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].models, ["keyed:normal@tokens=40", "keyed:reasoning@tokens=20"]);
    let word = a_word_of(&reports[0].text);
    let hits: Vec<SearchHit> = fx.call("search_history", json!({"query": word, "limit": 10}));
    assert_eq!(hits.len(), 1, "searching {word:?}");
    assert!(hits[0].snippet.iter().any(|p| p.hit && p.text.eq_ignore_ascii_case(&word)), "{:?}", hits[0].snippet);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_up_appends_a_turn_to_the_same_comparison() {
    let fx = history_app().await;
    let (first, _) = run(&fx, None, "mock", &["normal@tokens=10"], "first").await;
    let panes = json!([{"pane_id": first.panes[0].pane_id, "provider": "mock", "model": "normal@tokens=10", "settings": {"params": {"seed": 7}}}]);
    let turn = json!({"comparison_id": first.comparison_id, "prompt": "second", "system": "", "panes": panes, "only_pane": true});
    let (second, _) = run_turn(&fx, turn, vec![pane_request("mock", "normal@tokens=10", "second")]).await;
    let second = second.unwrap();
    assert_eq!(second.comparison_id, first.comparison_id);
    assert_eq!(second.panes[0].pane_id, first.panes[0].pane_id);

    let c: Comparison = fx.call("get_comparison", json!({ "id": first.comparison_id }));
    assert_eq!(c.turns.iter().map(|t| t.prompt.as_str()).collect::<Vec<_>>(), ["first", "second"]);
    assert_eq!(c.turns[1].only_pane, Some(first.panes[0].pane_id));
    assert_eq!(c.panes[0].settings.params.seed, Some(7), "the pane's latest overrides are kept");
}

#[tokio::test(flavor = "multi_thread")]
async fn private_mode_writes_nothing() {
    let fx = history_app().await;
    fx.invoke("set_private_mode", json!({"on": true})).unwrap();
    assert_eq!(fx.invoke("get_private_mode", json!({})).unwrap(), json!(true));
    let turn = json!({"comparison_id": null, "prompt": "secret plans", "system": "", "panes": [{"pane_id": null, "provider": "mock", "model": "normal@tokens=30", "settings": {}}]});
    let (recorded, reports) = run_turn(&fx, turn, vec![pane_request("mock", "normal@tokens=30", "secret plans")]).await;
    assert_eq!(recorded, None, "a private turn has no place in history");
    // Even a stale answer id from before private mode is not written to.
    let report = run_pane(&fx, "mock", "normal@tokens=30", "secret plans", Some(1)).await;
    fx.state().history.get().unwrap().writer.flush().expect("flushed");
    let list: Vec<Summary> = fx.call("list_comparisons", json!({"limit": 10, "offset": 0}));
    assert!(list.is_empty(), "{list:?}");
    for f in db_files(&fx) {
        assert!(!bytes_contain(&f, "secret plans"), "the private prompt reached {}", f.display());
        for text in [&reports[0].text, &report.text] {
            assert!(!bytes_contain(&f, &a_word_of(text)), "the private answer reached {}", f.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_each_format_and_json_imports_back_identically() {
    let fx = history_app().await;
    let (recorded, reports) = run(&fx, None, "keyed", &["normal@tokens=30", "normal@tokens=12"], "Export me").await;
    let id = recorded.comparison_id;
    let out = fx.dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for (format, file) in
        [("markdown", "a.md"), ("html", "a.html"), ("json", "a.json"), ("jsonl", "a.jsonl"), ("csv", "a.csv")]
    {
        let path = out.join(file);
        fx.invoke("export_comparison", json!({"id": id, "format": format, "path": path}))
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(CANARY_KEY), "{format} export carries the key");
        if format != "csv" {
            assert!(text.contains(&a_word_of(&reports[0].text)), "{format} export lacks the answer");
        }
    }
    // The webview can only create export files, never overwrite anything else.
    let err = fx
        .invoke("export_comparison", json!({"id": id, "format": "markdown", "path": out.join("evil.sh")}))
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains(".md"), "{err}");
    assert!(!out.join("evil.sh").exists());

    let ids: Vec<i64> = fx.call("import_comparisons", json!({"path": out.join("a.json")}));
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], id);
    let original: Comparison = fx.call("get_comparison", json!({ "id": id }));
    let imported: Comparison = fx.call("get_comparison", json!({ "id": ids[0] }));
    assert_eq!(without_ids(imported), without_ids(original), "import gives back what was exported");

    let bad = out.join("bad.json");
    std::fs::write(&bad, "{\"format\": \"something else\"}").unwrap();
    let err = fx.invoke("import_comparisons", json!({"path": bad})).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("bad.json"), "{err}");
}

/// A comparison with every local id replaced by its position (import assigns new ids).
fn without_ids(mut c: Comparison) -> Comparison {
    let pane_ids: Vec<i64> = c.panes.iter().map(|p| p.id).collect();
    let index = |id: i64| pane_ids.iter().position(|&p| p == id).map_or(-1, |i| i as i64);
    c.id = 0;
    c.panes.iter_mut().for_each(|p| p.id = 0);
    for t in &mut c.turns {
        t.id = 0;
        t.only_pane = t.only_pane.map(index);
        for a in &mut t.answers {
            a.id = 0;
            a.pane_id = index(a.pane_id);
        }
    }
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_hides_restore_undoes_and_ratings_are_checked() {
    let fx = history_app().await;
    let (recorded, _) = run(&fx, None, "mock", &["normal@tokens=5"], "keep me").await;
    let id = recorded.comparison_id;
    fx.invoke("rename_comparison", json!({"id": id, "title": "Renamed"})).unwrap();
    fx.invoke("pin_comparison", json!({"id": id, "pinned": true})).unwrap();
    fx.invoke("rate_pane", json!({"paneId": recorded.panes[0].pane_id, "rating": 4})).unwrap();
    fx.invoke("set_pane_note", json!({"paneId": recorded.panes[0].pane_id, "note": "crisp"})).unwrap();
    let err = fx.invoke("rate_pane", json!({"paneId": recorded.panes[0].pane_id, "rating": 6})).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("1 to 5"), "{err}");

    let c: Comparison = fx.call("get_comparison", json!({ "id": id }));
    assert_eq!(
        (c.title.as_str(), c.pinned, c.panes[0].rating, c.panes[0].note.as_str()),
        ("Renamed", true, Some(4), "crisp")
    );

    fx.invoke("delete_comparison", json!({ "id": id })).unwrap();
    let list: Vec<Summary> = fx.call("list_comparisons", json!({"limit": 10, "offset": 0}));
    assert!(list.is_empty());
    let hits: Vec<SearchHit> = fx.call("search_history", json!({"query": "keep", "limit": 10}));
    assert!(hits.is_empty(), "a deleted comparison is not found");
    fx.invoke("restore_comparison", json!({ "id": id })).unwrap();
    let list: Vec<Summary> = fx.call("list_comparisons", json!({"limit": 10, "offset": 0}));
    assert_eq!(list.iter().map(|s| s.id).collect::<Vec<_>>(), [id]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pane_whose_window_went_away_is_still_saved_to_its_end() {
    let fx = history_app().await;
    let turn = json!({"comparison_id": null, "prompt": "closing", "system": "", "panes": [{"pane_id": null, "provider": "mock", "model": "normal@tokens=200,rate=400", "settings": {}}]});
    let turn = serde_json::from_value(turn).unwrap();
    let recorded = juxta_app::commands::history::record(&fx.state(), turn).await.unwrap().unwrap();
    let request = PaneRequest {
        provider: "mock".into(),
        model: "normal@tokens=200,rate=400".into(),
        system: None,
        messages: vec![Message::user("closing")],
        params: Default::default(),
        fallbacks: Vec::new(),
        answer_id: Some(recorded.panes[0].answer_id),
        ..Default::default()
    };
    // The window takes the first delta, then is gone: the pane is stopped, its partial answer kept.
    let mut deltas = 0;
    juxta_app::commands::panes::start(&fx.state(), request, move |ev| {
        if matches!(ev, PaneEvent::Delta { .. }) {
            deltas += 1;
        }
        deltas < 2
    })
    .unwrap();
    let history = fx.state().history.get().unwrap();
    let mut answer = None;
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        history.writer.flush().expect("flushed");
        let c: Comparison = fx.call("get_comparison", json!({ "id": recorded.comparison_id }));
        let a = c.turns[0].answers[0].clone();
        if a.status != AnswerStatus::Streaming {
            answer = Some(a);
            break;
        }
    }
    let answer = answer.expect("the pane ended and was saved");
    assert_eq!(answer.status, AnswerStatus::Stopped, "{answer:?}");
    assert!(!answer.report.text.is_empty(), "the partial answer is kept");
    assert!(answer.finished_at.is_some());
}

#[test]
fn private_mode_stays_on_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        AppState::new(Arc::new(MemoryStore::new()), Some(dir.path().join("config")))
            .with_history(Some(dir.path().join("history.db")))
    };
    let first = start();
    assert!(!first.history.is_private());
    first.history.set_private(true).unwrap();
    drop(first);
    let second = start();
    assert!(second.history.is_private(), "private mode was forgotten by a restart");
    second.history.set_private(false).unwrap();
    drop(second);
    assert!(!start().history.is_private());
}

#[tokio::test(flavor = "multi_thread")]
async fn start_turn_records_the_turn_and_starts_its_panes_in_one_call() {
    let fx = history_app().await;
    let turn = json!({"comparison_id": null, "prompt": "one call", "system": "", "panes": [
        {"pane_id": null, "provider": "mock", "model": "normal@tokens=5", "settings": {}},
        {"pane_id": null, "provider": "nope", "model": "x", "settings": {}}]});
    let requests = json!([pane_request("mock", "normal@tokens=5", "one call"), pane_request("nope", "x", "one call")]);
    // Channels cross IPC as `__CHANNEL__:<callback id>` strings, one per pane.
    let args = json!({"turn": turn, "requests": requests, "onEvents": ["__CHANNEL__:11", "__CHANNEL__:12"]});
    let started = fx.invoke("start_turn", args).expect("start_turn answers");
    assert_eq!(started["history_error"], Value::Null);
    let recorded: RecordedTurn = serde_json::from_value(started["recorded"].clone()).expect("the turn's ids");
    assert_eq!(recorded.panes.len(), 2);
    assert_eq!(started["panes"][0]["type"], "started");
    assert!(started["panes"][0]["id"].is_u64(), "{started}");
    // The unknown provider fails alone, saying why; the other pane runs.
    assert_eq!(started["panes"][1]["type"], "failed");
    assert_eq!(started["panes"][1]["error"]["kind"], "not_found");
    assert!(started["panes"][1]["error"]["message"].as_str().unwrap().contains("unknown provider"), "{started}");

    // Requests or channels that do not match the turn's panes: refused before anything is recorded.
    let args = json!({"turn": turn, "requests": requests, "onEvents": ["__CHANNEL__:13"]});
    let err = fx.invoke("start_turn", args).expect_err("one channel for two panes");
    assert!(err.to_string().contains("2 panes came with 2 requests and 1 channels"), "{err}");
    let list: Vec<Summary> = fx.call("list_comparisons", json!({"limit": 10, "offset": 0}));
    assert_eq!(list.iter().map(|s| s.id).collect::<Vec<_>>(), [recorded.comparison_id]);
}
