//! Running panes: each pane streams over its own channel; any pane can be stopped alone.

use juxta_engine::request::ChatRequest;
use juxta_engine::run::{PaneSpec, Target};
use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;

use crate::history;
use crate::ipc::{IpcError, PaneEvent, PaneRequest};
use crate::pane_stream::{self, FRAME};
use crate::AppState;

/// Start one pane; returns its id. Its events (ending with `done`) go to `on_event`.
#[tauri::command]
pub async fn start_pane(state: State<'_, AppState>, request: PaneRequest, on_event: Channel<PaneEvent>) -> Result<u64, IpcError> {
    start(&state, request, move |event| on_event.send(event).is_ok())
}

#[tauri::command]
pub fn stop_pane(state: State<'_, AppState>, id: u64) {
    state.panes.stop(id);
}

#[tauri::command]
pub fn stop_all(state: State<'_, AppState>) {
    state.panes.stop_all();
}

/// The pane as the engine takes it. Unknown providers fail here, before anything is sent.
pub fn spec(state: &AppState, request: PaneRequest) -> Result<PaneSpec, IpcError> {
    let target = Target { endpoint: state.endpoint(&request.provider)?, model: request.model.clone() };
    let fallbacks = request
        .fallbacks
        .iter()
        .map(|f| Ok(Target { endpoint: state.endpoint(&f.provider)?, model: f.model.clone() }))
        .collect::<Result<Vec<_>, IpcError>>()?;
    let chat = ChatRequest {
        model: request.model,
        system: request.system.filter(|s| !s.trim().is_empty()),
        messages: request.messages,
        params: request.params,
        ..Default::default()
    };
    let mut spec = PaneSpec::new(target, chat);
    spec.fallbacks = fallbacks;
    Ok(spec)
}

/// Start a pane and forward its events to `send` (false from `send` = nobody listens: stop).
/// The handler above is this plus a channel, so tests drive the same path without a webview.
pub fn start(state: &AppState, request: PaneRequest, send: impl FnMut(PaneEvent) -> bool + Send + 'static) -> Result<u64, IpcError> {
    if request.messages.is_empty() {
        return Err(IpcError::invalid("nothing to send: the conversation is empty"));
    }
    let recorder = state.history.recorder(request.answer_id);
    let spec = spec(state, request)?;
    let token = CancellationToken::new();
    let id = state.panes.add(token.clone());
    let mut handle = state.runner.start_pane(spec, token.clone());
    let panes = state.panes.clone();
    tokio::spawn(async move {
        let observe = |event: &juxta_engine::run::RunEvent| history::record(&recorder, event);
        let delivered = pane_stream::forward(&mut handle.events, FRAME, send, observe).await;
        if !delivered {
            // The window closed (or reloaded): nobody will read the answer, so stop paying for it,
            // but keep saving what arrives until the pane ends (its partial answer and `Done`).
            token.cancel();
            while let Some(event) = handle.events.recv().await {
                history::record(&recorder, &event);
            }
        }
        panes.remove(id);
    });
    Ok(id)
}
