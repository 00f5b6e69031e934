//! Running panes: each pane streams over its own channel; any pane can be stopped alone.

use juxta_engine::request::ChatRequest;
use juxta_engine::run::{PaneSpec, Target};
use juxta_engine::Protocol;
use tauri::ipc::{Channel, JavaScriptChannelId};
use tauri::{Runtime, State, Webview};
use tokio_util::sync::CancellationToken;

use crate::commands;
use crate::frame_grid::{self, Grid};
use crate::history;
use crate::ipc::{IpcError, PaneEvent, PaneRequest, PaneStart, RecordTurn, StartedTurn};
use crate::pane_stream;
use crate::AppState;

/// Record a turn in history (unless private mode is on) and start its panes, in one call: `requests[i]`
/// is `turn.panes[i]` and its events (ending with `done`) go to `on_events[i]`. One call because the
/// page, busy drawing the turns it just queued, answered a separate `record_turn` 75–80 ms late and
/// only then started the panes (#3, BENCHMARKS.md).
#[tauri::command]
pub async fn start_turn<R: Runtime>(
    webview: Webview<R>,
    state: State<'_, AppState>,
    turn: RecordTurn,
    requests: Vec<PaneRequest>,
    on_events: Vec<JavaScriptChannelId>,
) -> Result<StartedTurn, IpcError> {
    let sends = on_events
        .iter()
        .map(|id| {
            let channel: Channel<PaneEvent> = id.channel_on(webview.clone());
            move |event| channel.send(event).is_ok()
        })
        .collect();
    run_turn(&state, turn, requests, sends).await
}

/// `start_turn` with a closure per pane for its channel, so tests drive the same path without a webview.
/// History that cannot save the turn never stops it: the panes run, unrecorded, and `history_error` says why.
pub async fn run_turn<S: FnMut(PaneEvent) -> bool + Send + 'static>(
    state: &AppState,
    turn: RecordTurn,
    requests: Vec<PaneRequest>,
    sends: Vec<S>,
) -> Result<StartedTurn, IpcError> {
    if requests.len() != turn.panes.len() || sends.len() != requests.len() {
        return Err(IpcError::invalid(format!(
            "a turn of {} panes came with {} requests and {} channels",
            turn.panes.len(),
            requests.len(),
            sends.len()
        )));
    }
    let (recorded, history_error) = match commands::history::record(state, turn).await {
        Ok(recorded) => (recorded, None),
        Err(e) => {
            tracing::warn!("history could not record a turn (it runs anyway): {}", e.message);
            (None, Some(e.message))
        }
    };
    let panes = requests
        .into_iter()
        .zip(sends)
        .enumerate()
        .map(|(i, (mut request, send))| {
            request.answer_id = recorded.as_ref().and_then(|r| r.panes.get(i)).map(|p| p.answer_id);
            match start(state, request, send) {
                Ok(id) => PaneStart::Started { id },
                Err(error) => PaneStart::Failed { error },
            }
        })
        .collect();
    Ok(StartedTurn { recorded, history_error, panes })
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
/// `run_turn` calls it for each pane of a turn.
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
    let grid = Grid::new(tokio::time::Instant::from_std(frame_grid::origin()));
    tokio::spawn(async move {
        let observe = |event: &juxta_engine::run::RunEvent| history::record(&recorder, event);
        let delivered = pane_stream::forward(&mut handle.events, grid, id, send, observe).await;
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
