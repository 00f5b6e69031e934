//! Running panes: each pane streams over its own channel; any pane can be stopped alone.

use juxta_engine::request::ChatRequest;
use juxta_engine::run::{PaneSpec, Target};
use juxta_engine::Protocol;
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
    let mut endpoint = state.endpoint(&request.provider)?;
    if let Some(protocol) = request.protocol {
        endpoint = with_protocol(endpoint, protocol)?;
    }
    let target = Target { endpoint, model: request.model.clone() };
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
        tools: request.tools,
        tool_choice: request.tool_choice,
        response_format: request.response_format,
        routing: request.routing,
    };
    let mut spec = PaneSpec::new(target, chat);
    spec.fallbacks = fallbacks;
    Ok(spec)
}

/// The provider spoken to in another of its protocols: OpenAI's Responses API lives beside Chat
/// Completions at the same base URL, with the same key. Nothing else can be switched.
fn with_protocol(mut endpoint: juxta_engine::catalog::Endpoint, protocol: Protocol) -> Result<juxta_engine::catalog::Endpoint, IpcError> {
    if protocol == endpoint.protocol {
        return Ok(endpoint);
    }
    if !endpoint.protocol.switchable_to(protocol) {
        return Err(IpcError::invalid(format!(
            "{} speaks {}; it cannot be asked over {}",
            endpoint.name,
            endpoint.protocol.as_str(),
            protocol.as_str()
        )));
    }
    endpoint.protocol = protocol;
    Ok(endpoint)
}

/// Whether a schema typed in an editor is a usable JSON Schema (the first problem if not).
#[tauri::command]
pub fn check_schema(schema: serde_json::Value) -> Result<(), IpcError> {
    juxta_engine::validate::check_schema(&schema).map_err(IpcError::invalid)
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
