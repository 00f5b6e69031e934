//! The app's IPC commands, invoked the way the webview invokes them: through Tauri's mock runtime
//! with the app's real context (tauri.conf.json and the capabilities in src-tauri/capabilities),
//! so a command the capability does not grant fails here exactly as it would in the window.

use juxta_app::commands::providers::ProviderSummary;
use juxta_engine::catalog::Presets;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// A fake key planted in the environment: it must never come back over IPC.
const PLANTED_KEY: &str = "sk-juxta-test-planted-0123456789abcdef";

fn app() -> App<MockRuntime> {
    juxta_app::setup(mock_builder())
        .build(tauri::generate_context!())
        .expect("mock app builds")
}

/// A window labelled like the one tauri.conf.json declares (the mock app does not open config windows).
fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, WebviewUrl::default())
        .build()
        .expect("mock window")
}

fn main_window(app: &App<MockRuntime>) -> WebviewWindow<MockRuntime> {
    window(app, "main")
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, origin: &str) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: origin.parse().expect("valid origin"),
        body: InvokeBody::default(),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request)
        .map(|body| body.deserialize::<Value>().expect("JSON response"))
}

/// The app's own origin on Linux/macOS (the `tauri://` protocol serving ui/dist).
const APP_ORIGIN: &str = "tauri://localhost";

#[test]
fn list_providers_returns_every_bundled_preset_in_order() {
    let app = app();
    let raw = invoke(&main_window(&app), "list_providers", APP_ORIGIN)
        .expect("main window may list providers");
    let got: Vec<ProviderSummary> =
        serde_json::from_value(raw).expect("a list of provider summaries");

    let bundled = Presets::bundled();
    let want: Vec<&str> = bundled.ids().collect();
    let ids: Vec<&str> = got.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, want);
    assert!(
        got.len() >= 15,
        "the catalog bundles at least 15 providers, got {}",
        got.len()
    );

    let openai = got.iter().find(|p| p.id == "openai").expect("openai");
    assert_eq!(openai.base_url, "https://api.openai.com/v1");
    assert_eq!(openai.key_env.as_deref(), Some("OPENAI_API_KEY"));
    assert!(!openai.local);
    let ollama = got.iter().find(|p| p.id == "ollama").expect("ollama");
    assert!(ollama.local, "ollama is a local server");
    assert!(
        ollama.base_url.starts_with("http://"),
        "{}",
        ollama.base_url
    );
}

#[test]
fn summaries_have_exactly_the_public_fields_and_nothing_key_like() {
    // If a handler ever resolved `key_env` to its value, this is what would leak.
    std::env::set_var("OPENAI_API_KEY", PLANTED_KEY);
    let app = app();
    let raw = invoke(&main_window(&app), "list_providers", APP_ORIGIN).expect("list_providers");
    assert!(
        !raw.to_string().contains(PLANTED_KEY),
        "a key from the environment came back over IPC"
    );

    let list = raw.as_array().expect("an array");
    assert!(!list.is_empty());
    for provider in list {
        let obj = provider.as_object().expect("each provider is an object");
        let mut fields: Vec<&str> = obj.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            ["baseUrl", "id", "keyEnv", "local", "name", "protocol"],
            "{provider}"
        );
        assert!(
            ["openai", "anthropic", "gemini"].contains(&obj["protocol"].as_str().unwrap_or("")),
            "{provider}"
        );
        for value in obj.values().filter_map(Value::as_str) {
            assert!(!looks_like_key(value), "{value:?} looks like a secret");
        }
    }
}

#[test]
fn a_window_the_capability_does_not_name_is_refused() {
    let app = app();
    let other = window(&app, "other");
    let err = invoke(&other, "list_providers", APP_ORIGIN)
        .expect_err("only `main` is granted list_providers");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

#[test]
fn a_remote_origin_is_refused() {
    let app = app();
    let err = invoke(&main_window(&app), "list_providers", "https://example.com/")
        .expect_err("remote pages get no IPC");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

#[test]
fn an_unregistered_command_is_refused() {
    let app = app();
    assert!(
        invoke(&main_window(&app), "get_key", APP_ORIGIN).is_err(),
        "there is no command that returns a key"
    );
}

#[test]
fn the_key_heuristic_catches_real_key_shapes() {
    for key in [
        PLANTED_KEY,
        "sk-ant-api03-abcdefghijklmnop",
        "AIzaSyA1b2C3d4E5f6G7h8I9j0",
        "gsk_0123456789abcdefABCDEF",
    ] {
        assert!(looks_like_key(key), "{key}");
    }
    for ok in [
        "OPENAI_API_KEY",
        "https://api.openai.com/v1",
        "Google Gemini",
        "openai",
    ] {
        assert!(!looks_like_key(ok), "{ok}");
    }
}

/// Known key prefixes, or a long unbroken token mixing letters and digits.
fn looks_like_key(s: &str) -> bool {
    const PREFIXES: [&str; 6] = ["sk-", "sk_", "AIza", "gsk_", "xai-", "Bearer "];
    if PREFIXES.iter().any(|p| s.starts_with(p)) {
        return true;
    }
    let token_like = s.len() >= 24
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let mixed = s.chars().any(|c| c.is_ascii_digit()) && s.chars().any(|c| c.is_ascii_alphabetic());
    token_like && mixed
}
