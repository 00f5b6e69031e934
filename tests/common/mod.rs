//! What the app's integration tests share: the app on Tauri's mock runtime (the real handlers and
//! capabilities), IPC requests as the webview sends them, app state pointed at a local
//! `juxta-mock`, and panes run to their end. Each test binary uses a part of it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use juxta_app::ipc::{PaneEvent, PaneRequest, RecordTurn, StartedTurn};
use juxta_app::AppState;
use juxta_engine::request::Message;
use juxta_engine::run::PaneReport;
use juxta_engine::secrets::MemoryStore;
use juxta_mock::MockServer;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use tokio::sync::mpsc::UnboundedReceiver;

/// The app's own origin on Linux/macOS (the `tauri://` protocol serving ui/dist).
pub const APP_ORIGIN: &str = "tauri://localhost";

/// The app built on the mock runtime around `state`.
pub fn mock_app(state: AppState) -> App<MockRuntime> {
    juxta_app::setup(mock_builder(), state).build(tauri::generate_context!()).expect("mock app builds")
}

/// A window labelled like the one tauri.conf.json declares (the mock app does not open config windows).
pub fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, WebviewUrl::default()).build().expect("mock window")
}

pub fn main_window(app: &App<MockRuntime>) -> WebviewWindow<MockRuntime> {
    window(app, "main")
}

/// `cmd` with `args`, sent from `origin` the way the webview sends it.
pub fn invoke_from(window: &WebviewWindow<MockRuntime>, cmd: &str, origin: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: origin.parse().expect("valid origin"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("JSON response"))
}

/// State with no keys, the default config and its history in `dir/history.db`.
pub fn state_with_history(dir: &Path) -> AppState {
    AppState::new(Arc::new(MemoryStore::new()), None).with_history(Some(dir.join("history.db")))
}

/// `state` with its `mock` provider pointed at a fresh local `juxta-mock` (kept alive by the caller).
pub async fn with_mock(state: AppState) -> (AppState, MockServer) {
    let mock = MockServer::builder().start().await.unwrap();
    let mut preset = state.endpoint("mock").unwrap();
    preset.base_url = format!("{}/v1", mock.base_url());
    state.catalog.write().unwrap().presets.upsert(preset);
    (state, mock)
}

/// The app, its main window and the directory its files live in (and the mock it talks to, if any).
pub struct TestApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub dir: tempfile::TempDir,
    _mock: Option<MockServer>,
}

impl TestApp {
    pub fn new(dir: tempfile::TempDir, state: AppState, mock: Option<MockServer>) -> TestApp {
        let app = mock_app(state);
        let window = main_window(&app);
        TestApp { app, window, dir, _mock: mock }
    }

    /// No keys, no mock, history in a fresh directory.
    pub fn with_history() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let state = state_with_history(dir.path());
        assert!(state.history.history.is_some(), "history opens in a fresh directory");
        TestApp::new(dir, state, None)
    }

    pub fn state(&self) -> tauri::State<'_, AppState> {
        self.app.state::<AppState>()
    }

    /// `cmd` from the app's own origin.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke_from(&self.window, cmd, APP_ORIGIN, args)
    }

    /// `cmd`'s answer as a `T`; panics naming the command when it fails or has another shape.
    pub fn call<T: serde::de::DeserializeOwned>(&self, cmd: &str, args: Value) -> T {
        let raw = self.invoke(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"));
        serde_json::from_value(raw).unwrap_or_else(|e| panic!("{cmd} returned an unexpected shape: {e}"))
    }
}

/// A pane asking the `mock` provider's `model` (a scenario name) one question.
pub fn mock_pane(model: &str, prompt: &str) -> PaneRequest {
    PaneRequest {
        provider: "mock".into(),
        model: model.into(),
        messages: vec![Message::user(prompt)],
        ..Default::default()
    }
}

/// Start a pane the way `start_turn` starts each of its panes (no history); its events arrive on the receiver.
pub fn start_pane(state: &AppState, req: PaneRequest) -> (u64, UnboundedReceiver<PaneEvent>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let id = juxta_app::commands::panes::start(state, req, move |ev| tx.send(ev).is_ok()).expect("pane starts");
    (id, rx)
}

/// Start a turn on the same path as the `start_turn` handler (recorded in history, then every pane
/// started); pane `i`'s events arrive on receiver `i`.
pub async fn start_turn(
    state: &AppState,
    turn: Value,
    requests: Vec<PaneRequest>,
) -> (StartedTurn, Vec<UnboundedReceiver<PaneEvent>>) {
    let turn: RecordTurn = serde_json::from_value(turn).expect("a turn");
    let (sends, receivers): (Vec<_>, Vec<_>) = requests
        .iter()
        .map(|_| {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            (move |ev| tx.send(ev).is_ok(), rx)
        })
        .unzip();
    let started = juxta_app::commands::panes::run_turn(state, turn, requests, sends).await.expect("the turn starts");
    (started, receivers)
}

/// Every event up to and including `done`, and the final report.
pub async fn until_done(rx: &mut UnboundedReceiver<PaneEvent>) -> (Vec<PaneEvent>, PaneReport) {
    let mut seen = Vec::new();
    while let Some(ev) = rx.recv().await {
        if let PaneEvent::Done { report, .. } = &ev {
            let report = (**report).clone();
            seen.push(ev);
            return (seen, report);
        }
        seen.push(ev);
    }
    panic!("the pane ended without done: {seen:?}");
}
