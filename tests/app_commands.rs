//! The app's IPC commands, invoked the way the webview invokes them: through Tauri's mock runtime
//! with the app's real context (tauri.conf.json and the capabilities in src-tauri/capabilities),
//! so a command the capability does not grant fails here exactly as it would in the window.
//! Keys live in an in-memory store here; the real keychain is tested in tests/app_keychain.rs.

mod common;

use std::sync::Arc;

use common::{invoke_from, main_window, mock_app, mock_pane, start_pane, until_done, window, with_mock, APP_ORIGIN};
use juxta_app::ipc::{KeyStatus, PaneEvent, PaneRequest, ProviderView};
use juxta_app::AppState;
use juxta_engine::catalog::Presets;
use juxta_engine::secrets::MemoryStore;
use juxta_mock::MockServer;
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, Manager};

/// A fake key planted in the environment and the store: it must never come back over IPC.
const PLANTED_KEY: &str = "sk-juxta-test-planted-0123456789abcdef";

/// A config dir per test, so saved providers never leak between tests.
fn config_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("juxta-app-test-{}-{name}", std::process::id()))
}

fn app_with(store: MemoryStore, name: &str) -> App<MockRuntime> {
    let _ = std::fs::remove_dir_all(config_dir(name));
    mock_app(AppState::new(Arc::new(store), Some(config_dir(name))))
}

fn app() -> App<MockRuntime> {
    app_with(MemoryStore::new(), "default")
}

#[test]
fn list_providers_returns_every_bundled_preset_in_order() {
    let app = app();
    let raw = invoke_from(&main_window(&app), "list_providers", APP_ORIGIN, json!({}))
        .expect("main window may list providers");
    let got: Vec<ProviderView> = serde_json::from_value(raw).expect("a list of provider summaries");

    let bundled = Presets::bundled();
    let want: Vec<&str> = bundled.ids().collect();
    let ids: Vec<&str> = got.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, want);
    assert!(got.len() >= 15, "the catalog bundles at least 15 providers, got {}", got.len());

    let openai = got.iter().find(|p| p.id == "openai").expect("openai");
    assert_eq!(openai.base_url, "https://api.openai.com/v1");
    assert_eq!(openai.key_env.as_deref(), Some("OPENAI_API_KEY"));
    assert!(!openai.local);
    assert_eq!(openai.key, KeyStatus::Absent);
    assert!(!openai.custom);
    let ollama = got.iter().find(|p| p.id == "ollama").expect("ollama");
    assert_eq!(ollama.key, KeyStatus::NotNeeded, "a local server needs no key");
    assert!(ollama.local, "ollama is a local server");
    assert!(ollama.base_url.starts_with("http://"), "{}", ollama.base_url);
}

#[test]
fn provider_views_have_exactly_the_public_fields_and_nothing_key_like() {
    // If a handler ever resolved `key_env` to its value, this is what would leak.
    std::env::set_var("OPENAI_API_KEY", PLANTED_KEY);
    let app = app_with(MemoryStore::with(&[("anthropic", PLANTED_KEY)]), "fields");
    let raw = invoke_from(&main_window(&app), "list_providers", APP_ORIGIN, json!({})).expect("list_providers");
    assert!(!raw.to_string().contains(PLANTED_KEY), "a key from the environment or the store came back over IPC");
    let anthropic = raw.as_array().unwrap().iter().find(|p| p["id"] == "anthropic").unwrap();
    assert_eq!(anthropic["key"], json!({"state": "present", "last4": "cdef"}));

    let list = raw.as_array().expect("an array");
    assert!(!list.is_empty());
    for provider in list {
        let obj = provider.as_object().expect("each provider is an object");
        let mut fields: Vec<&str> = obj.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "base_url",
                "custom",
                "extra_headers",
                "id",
                "key",
                "key_env",
                "local",
                "max_concurrent",
                "name",
                "protocol"
            ],
            "{provider}"
        );
        assert!(
            ["openai", "openai-responses", "anthropic", "gemini", "ollama"]
                .contains(&obj["protocol"].as_str().unwrap_or("")),
            "{provider}"
        );
        let state = obj["key"]["state"].as_str().unwrap_or("");
        assert!(["present", "absent", "not_needed"].contains(&state), "{provider}");
        for value in obj.values().filter_map(Value::as_str) {
            assert!(!looks_like_key(value), "{value:?} looks like a secret");
        }
    }
}

#[test]
fn a_window_the_capability_does_not_name_is_refused() {
    let app = app();
    let other = window(&app, "other");
    let err = invoke_from(&other, "list_providers", APP_ORIGIN, json!({}))
        .expect_err("only `main` is granted list_providers");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

#[test]
fn a_remote_origin_is_refused() {
    let app = app();
    let err = invoke_from(&main_window(&app), "list_providers", "https://example.com/", json!({}))
        .expect_err("remote pages get no IPC");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

#[test]
fn an_unregistered_command_is_refused() {
    let app = app();
    assert!(
        invoke_from(&main_window(&app), "get_key", APP_ORIGIN, json!({})).is_err(),
        "there is no command that returns a key"
    );
}

#[test]
fn the_key_heuristic_catches_real_key_shapes() {
    for key in
        [PLANTED_KEY, "sk-ant-api03-abcdefghijklmnop", "AIzaSyA1b2C3d4E5f6G7h8I9j0", "gsk_0123456789abcdefABCDEF"]
    {
        assert!(looks_like_key(key), "{key}");
    }
    for ok in ["OPENAI_API_KEY", "https://api.openai.com/v1", "Google Gemini", "openai"] {
        assert!(!looks_like_key(ok), "{ok}");
    }
}

/// Known key prefixes, or a long unbroken token mixing letters and digits.
fn looks_like_key(s: &str) -> bool {
    const PREFIXES: [&str; 6] = ["sk-", "sk_", "AIza", "gsk_", "xai-", "Bearer "];
    if PREFIXES.iter().any(|p| s.starts_with(p)) {
        return true;
    }
    let token_like = s.len() >= 24 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let mixed = s.chars().any(|c| c.is_ascii_digit()) && s.chars().any(|c| c.is_ascii_alphabetic());
    token_like && mixed
}

#[test]
fn a_key_goes_in_and_only_its_last_four_characters_come_back() {
    let app = app();
    let w = main_window(&app);
    let status =
        invoke_from(&w, "set_key", APP_ORIGIN, json!({"provider": "openai", "key": PLANTED_KEY})).expect("set_key");
    assert_eq!(status, json!({"state": "present", "last4": "cdef"}));
    // The store really holds it (what the runner will read).
    let state = app.state::<AppState>();
    assert_eq!(state.secrets.get("openai").unwrap().unwrap().expose(), PLANTED_KEY);

    let list = invoke_from(&w, "list_providers", APP_ORIGIN, json!({})).unwrap();
    assert!(!list.to_string().contains(PLANTED_KEY));
    let openai = list.as_array().unwrap().iter().find(|p| p["id"] == "openai").unwrap();
    assert_eq!(openai["key"]["last4"], "cdef");

    let status = invoke_from(&w, "delete_key", APP_ORIGIN, json!({"provider": "openai"})).expect("delete_key");
    assert_eq!(status, json!({"state": "absent"}));
    assert!(state.secrets.get("openai").unwrap().is_none());
}

#[test]
fn bad_keys_and_unknown_providers_are_refused_without_echoing_the_key() {
    let app = app();
    let w = main_window(&app);
    let err = invoke_from(&w, "set_key", APP_ORIGIN, json!({"provider": "openai", "key": "sk-has spaces-123456789"}))
        .unwrap_err();
    assert!(err.to_string().contains("spaces"), "{err}");
    assert!(!err.to_string().contains("sk-has"), "{err}");
    let err = invoke_from(&w, "set_key", APP_ORIGIN, json!({"provider": "nope", "key": PLANTED_KEY})).unwrap_err();
    // Errors cross IPC as {kind, message, provider?, status?, retryable}.
    assert_eq!(err["kind"], "not_found", "{err}");
    assert_eq!(err["provider"], "nope");
    assert_eq!(err["retryable"], false);
    assert!(err["message"].as_str().unwrap().contains("unknown provider"), "{err}");
    assert!(!err.to_string().contains(PLANTED_KEY));
}

#[test]
fn env_keys_are_imported_only_when_asked() {
    std::env::set_var("MISTRAL_API_KEY", "mistral-key-0123456789-wxyz");
    let app = app_with(MemoryStore::new(), "import");
    let w = main_window(&app);
    let state = app.state::<AppState>();
    // Listing providers never imports anything.
    invoke_from(&w, "list_providers", APP_ORIGIN, json!({})).unwrap();
    assert!(state.secrets.get("mistral").unwrap().is_none());

    let imported = invoke_from(&w, "import_env_keys", APP_ORIGIN, json!({})).expect("import_env_keys");
    let mistral = imported.as_array().unwrap().iter().find(|i| i["provider"] == "mistral").expect("mistral imported");
    assert_eq!(mistral["env_var"], "MISTRAL_API_KEY");
    assert_eq!(mistral["last4"], "wxyz");
    assert!(!imported.to_string().contains("mistral-key-0123456789"));
    assert_eq!(state.secrets.get("mistral").unwrap().unwrap().expose(), "mistral-key-0123456789-wxyz");
}

#[test]
fn custom_providers_are_saved_to_the_config_dir_and_can_be_deleted() {
    let app = app_with(MemoryStore::new(), "custom");
    let w = main_window(&app);
    let saved = invoke_from(
        &w,
        "save_custom_provider",
        APP_ORIGIN,
        json!({"provider": {"id": "corp", "name": "Corp gateway", "protocol": "openai", "base_url": "https://llm.corp.example/v1", "extra_headers": {"X-Team": "search"}}}),
    )
    .expect("save_custom_provider");
    assert_eq!(saved["custom"], true);
    assert_eq!(saved["key"], json!({"state": "absent"}));

    let file = std::fs::read_to_string(config_dir("custom").join("providers.toml")).expect("providers.toml written");
    assert!(file.contains("llm.corp.example") && file.contains("X-Team"), "{file}");
    let list = invoke_from(&w, "list_providers", APP_ORIGIN, json!({})).unwrap();
    assert_eq!(list.as_array().unwrap().last().unwrap()["id"], "corp");

    let err = invoke_from(&w, "delete_custom_provider", APP_ORIGIN, json!({"id": "openai"})).unwrap_err();
    assert!(err.to_string().contains("bundled"), "{err}");
    invoke_from(&w, "delete_custom_provider", APP_ORIGIN, json!({"id": "corp"})).expect("delete");
    let list = invoke_from(&w, "list_providers", APP_ORIGIN, json!({})).unwrap();
    assert!(list.as_array().unwrap().iter().all(|p| p["id"] != "corp"));
    let file = std::fs::read_to_string(config_dir("custom").join("providers.toml")).unwrap();
    assert!(!file.contains("llm.corp.example"), "{file}");
}

#[test]
fn the_demo_server_starts_and_its_models_can_be_listed() {
    let app = app();
    let w = main_window(&app);
    let demo = invoke_from(&w, "start_demo_server", APP_ORIGIN, json!({})).expect("start_demo_server");
    assert_eq!(demo["id"], "mock");
    let url = demo["base_url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"), "{url}");
    let models = invoke_from(&w, "test_connection", APP_ORIGIN, json!({"provider": "mock"})).expect("test_connection");
    let ids: Vec<&str> = models.as_array().unwrap().iter().filter_map(|m| m["id"].as_str()).collect();
    assert!(ids.contains(&"normal"), "{ids:?}");
    // Started once: a second call gives the same server.
    let again = invoke_from(&w, "start_demo_server", APP_ORIGIN, json!({})).unwrap();
    assert_eq!(again["base_url"], demo["base_url"]);
}

#[test]
fn a_failed_connection_test_says_what_the_provider_said() {
    let app = app();
    let w = main_window(&app);
    invoke_from(
        &w,
        "save_custom_provider",
        APP_ORIGIN,
        json!({"provider": {"id": "nothing-here", "name": "", "protocol": "openai", "base_url": "http://127.0.0.1:9/v1", "extra_headers": {}}}),
    )
    .unwrap();
    let err = invoke_from(&w, "test_connection", APP_ORIGIN, json!({"provider": "nothing-here"})).unwrap_err();
    assert_eq!(err["kind"], "connection", "{err}");
    assert_eq!(err["provider"], "nothing-here");
    assert!(err["message"].as_str().unwrap().contains("connect"), "{err}");
}

// ---- Panes: the same path as the `start_pane` handler, with a closure for the channel ----------

async fn demo_state() -> (AppState, MockServer) {
    with_mock(AppState::new(Arc::new(MemoryStore::new()), None)).await
}

fn streamed_text(events: &[PaneEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            PaneEvent::Delta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn three_panes_stream_and_stopping_one_keeps_its_partial_answer() {
    let (state, _mock) = demo_state().await;
    let (_a, mut a) = start_pane(&state, mock_pane("normal@tokens=60,rate=400", "hi"));
    let (b_id, mut b) = start_pane(&state, mock_pane("normal@tokens=400,rate=40", "hi"));
    let (_c, mut c) = start_pane(&state, mock_pane("reasoning@tokens=30", "hi"));
    assert_eq!(state.panes.running(), 3);

    // Stop b once it has streamed something.
    let mut b_events = Vec::new();
    while let Some(ev) = b.recv().await {
        let has_text = matches!(&ev, PaneEvent::Delta { text, .. } if !text.is_empty());
        b_events.push(ev);
        if has_text {
            break;
        }
    }
    assert!(state.panes.stop(b_id));
    let (rest, b_report) = until_done(&mut b).await;
    b_events.extend(rest);

    let (a_events, a_report) = until_done(&mut a).await;
    let (c_events, c_report) = until_done(&mut c).await;

    // a and c finished normally: the stop touched only b.
    assert!(a_report.error.is_none(), "{a_report:?}");
    assert_eq!(a_report.usage.unwrap().output_tokens, 60);
    assert_eq!(streamed_text(&a_events), a_report.text, "the deltas add up to the answer");
    assert!(matches!(a_events[0], PaneEvent::Request { .. }), "the request comes first: {:?}", a_events[0]);
    assert!(!c_report.reasoning.is_empty() && !c_report.text.is_empty());
    assert!(c_events.iter().any(|e| matches!(e, PaneEvent::Delta { reasoning, .. } if !reasoning.is_empty())));

    // b stopped early and kept what it had.
    assert_eq!(b_report.finish_reason, Some(juxta_engine::FinishReason::Cancelled), "{b_report:?}");
    assert!(!b_report.text.is_empty());
    assert!(b_report.text.len() < a_report.text.len() * 400 / 60, "b did not run to the end");
    assert_eq!(streamed_text(&b_events), b_report.text);

    // Every pane unregisters once done.
    for _ in 0..100 {
        if state.panes.running() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(state.panes.running(), 0);
}

/// Tools, the response schema and the API switch go through the IPC request to the provider;
/// the verdicts come back in the report. A provider limited to one pane at a time queues the rest.
#[tokio::test(flavor = "multi_thread")]
async fn tools_schema_protocol_and_queueing_cross_the_ipc_path() {
    let (state, mock) = demo_state().await;
    let tool: juxta_engine::request::ToolSpec = serde_json::from_value(json!({
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    }))
    .unwrap();
    let mut req = mock_pane("tools@invalid=1", "weather?");
    req.tools = vec![tool];
    req.tool_choice = Some(juxta_engine::request::ToolChoice::Required);
    req.protocol = Some(juxta_engine::Protocol::OpenAiResponses);
    let (_, mut rx) = start_pane(&state, req);
    let (events, report) = until_done(&mut rx).await;
    let url = events
        .iter()
        .find_map(|e| match e {
            PaneEvent::Request { url, .. } => Some(url.clone()),
            _ => None,
        })
        .unwrap();
    assert!(url.ends_with("/v1/responses"), "the pane spoke the Responses API: {url}");
    let check = report.tool_calls[0].check.as_ref().expect("checked");
    assert!(!check.valid && check.violations[0].path == "/city", "{check:?}");
    assert!(mock.requests().iter().any(|r| r.body["tool_choice"] == json!("required")));

    // A provider that speaks another protocol cannot be switched.
    let mut wrong = mock_pane("normal", "hi");
    wrong.protocol = Some(juxta_engine::Protocol::Gemini);
    let err = juxta_app::commands::panes::start(&state, wrong, |_| true).unwrap_err();
    assert!(err.message.contains("cannot be asked over gemini"), "{}", err.message);

    let mut schema_req = mock_pane("json@invalid=1", "a city");
    schema_req.response_format = serde_json::from_value(json!({
        "name": "city", "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
    }))
    .unwrap();
    let (_, mut rx) = start_pane(&state, schema_req);
    let (_, report) = until_done(&mut rx).await;
    let structured = report.structured.expect("checked against the schema");
    assert!(!structured.check.valid && structured.check.violations[0].message.contains("name"), "{structured:?}");

    let mut one_at_a_time = state.endpoint("mock").unwrap();
    one_at_a_time.max_concurrent = Some(1);
    state.catalog.write().unwrap().presets.upsert(one_at_a_time);
    // Two 100 ms answers on one slot: whichever pane takes it first, the other waits and says so.
    let (_, mut a) = start_pane(&state, mock_pane("normal@tokens=20,rate=200", "hi"));
    let (_, mut b) = start_pane(&state, mock_pane("normal@tokens=20,rate=200", "hi"));
    let (a_events, a_report) = until_done(&mut a).await;
    let (b_events, b_report) = until_done(&mut b).await;
    let queued = |events: &[PaneEvent]| events.iter().any(|e| matches!(e, PaneEvent::Queued { limit: 1, .. }));
    assert!(queued(&a_events) != queued(&b_events), "exactly one pane waited: {a_events:?} {b_events:?}");
    let waited = if queued(&a_events) { &a_report } else { &b_report };
    assert!(waited.queued_ms >= 50, "it waited for the other answer: {} ms", waited.queued_ms);
    assert!(a_report.error.is_none() && b_report.error.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_pane_reports_its_error_and_the_others_go_on() {
    let (state, _mock) = demo_state().await;
    let (_x, mut bad) = start_pane(&state, mock_pane("auth-error", "hi"));
    let (_y, mut good) = start_pane(&state, mock_pane("normal@tokens=20", "hi"));
    let (_, bad_report) = until_done(&mut bad).await;
    let (_, good_report) = until_done(&mut good).await;
    let err = bad_report.error.expect("auth error");
    assert_eq!(err.kind, juxta_engine::ErrorKind::Auth);
    assert_eq!(err.status, Some(401));
    assert!(good_report.error.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_request_event_shows_the_mapping_and_a_redacted_key() {
    let (state, _mock) = demo_state().await;
    // A provider that sends a bearer key (the bundled mock preset sends none).
    let base = state.endpoint("mock").unwrap().base_url;
    let keyed = juxta_engine::catalog::Preset::custom("keyed", juxta_engine::Protocol::OpenAiChat, &base);
    state.catalog.write().unwrap().presets.upsert(keyed);
    state.secrets.set("keyed", &juxta_engine::secrets::ApiKey::new(PLANTED_KEY).unwrap()).unwrap();
    let mut req = PaneRequest { provider: "keyed".into(), ..mock_pane("normal@tokens=5", "hi") };
    req.system = Some("Be brief.".into());
    req.params.temperature = Some(0.2);
    let (_id, mut rx) = start_pane(&state, req);
    let (events, _) = until_done(&mut rx).await;
    let json = serde_json::to_string(&events).unwrap();
    assert!(!json.contains(PLANTED_KEY), "the key reached a pane event");
    let Some(PaneEvent::Request { url, headers, body, .. }) = events.first() else { panic!("{events:?}") };
    assert!(url.ends_with("/v1/chat/completions"), "{url}");
    let auth = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).expect("auth header shown");
    assert!(auth.1.ends_with("[redacted …cdef]"), "{auth:?}");
    assert_eq!(body["messages"][0], json!({"role": "system", "content": "Be brief."}));
    assert_eq!(body["temperature"], json!(0.2));
}

#[test]
fn an_unknown_provider_fails_before_anything_is_sent() {
    let state = AppState::new(Arc::new(MemoryStore::new()), None);
    let err = juxta_app::commands::panes::start(
        &state,
        PaneRequest { provider: "nope".into(), ..mock_pane("x", "hi") },
        |_| true,
    )
    .unwrap_err();
    assert!(err.message.contains("unknown provider"), "{err}");
    assert_eq!(err.kind, juxta_engine::ErrorKind::NotFound);
    assert_eq!(err.provider.as_deref(), Some("nope"));
    let err =
        juxta_app::commands::panes::start(&state, PaneRequest { messages: vec![], ..mock_pane("x", "hi") }, |_| true)
            .unwrap_err();
    assert!(err.message.contains("empty"), "{err}");
}
