//! History: record the turn about to run, browse and search past comparisons, edit them.
//! Queries run on a blocking thread: a search must never stall the window's event loop.

use juxta_engine::store::{Comparison, SearchHit, Store, Summary};
use tauri::State;

use crate::history::History;
use crate::ipc::{IpcError, RecordTurn, RecordedTurn};
use crate::AppState;

/// Run `f` on the history's query connection, off the async runtime.
pub async fn with_store<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, juxta_engine::store::StoreError> + Send + 'static,
) -> Result<T, IpcError> {
    let history = state.history.get()?;
    on_history(history, move |h| f(&h.store()).map_err(|e| IpcError::storage(e.to_string()))).await
}

pub async fn on_history<T: Send + 'static>(
    history: std::sync::Arc<History>,
    f: impl FnOnce(&History) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(move || f(&history))
        .await
        .map_err(|e| IpcError::storage(format!("history task failed: {e}")))?
}

/// Save the turn about to be sent (`start_turn` then gives each pane its `answer_id`).
/// None in private mode: nothing of the run is written.
pub async fn record(state: &AppState, turn: RecordTurn) -> Result<Option<RecordedTurn>, IpcError> {
    if state.history.is_private() {
        return Ok(None);
    }
    let history = state.history.get()?;
    on_history(history, move |h| h.record_turn(&turn)).await.map(Some)
}

#[tauri::command]
pub async fn list_comparisons(state: State<'_, AppState>, limit: u32, offset: u32) -> Result<Vec<Summary>, IpcError> {
    with_store(&state, move |s| s.list(limit as usize, offset as usize)).await
}

#[tauri::command]
pub async fn search_history(state: State<'_, AppState>, query: String, limit: u32) -> Result<Vec<SearchHit>, IpcError> {
    with_store(&state, move |s| s.search(&query, limit as usize)).await
}

#[tauri::command]
pub async fn get_comparison(state: State<'_, AppState>, id: i64) -> Result<Comparison, IpcError> {
    with_store(&state, move |s| s.get(id))
        .await?
        .ok_or_else(|| IpcError::invalid(format!("comparison {id} is not in history (deleted?)")))
}

#[tauri::command]
pub async fn rename_comparison(state: State<'_, AppState>, id: i64, title: String) -> Result<(), IpcError> {
    with_store(&state, move |s| s.rename(id, &title)).await
}

#[tauri::command]
pub async fn pin_comparison(state: State<'_, AppState>, id: i64, pinned: bool) -> Result<(), IpcError> {
    with_store(&state, move |s| s.set_pinned(id, pinned)).await
}

/// Hidden at once, kept until the app closes: `restore_comparison` is the undo.
#[tauri::command]
pub async fn delete_comparison(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    with_store(&state, move |s| s.delete(id)).await
}

#[tauri::command]
pub async fn restore_comparison(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    with_store(&state, move |s| s.restore(id)).await
}

#[tauri::command]
pub async fn rate_pane(state: State<'_, AppState>, pane_id: i64, rating: Option<u8>) -> Result<(), IpcError> {
    if rating.is_some_and(|r| !(1..=5).contains(&r)) {
        return Err(IpcError::invalid("a rating is 1 to 5 stars"));
    }
    with_store(&state, move |s| s.rate_pane(pane_id, rating)).await
}

#[tauri::command]
pub async fn set_pane_note(state: State<'_, AppState>, pane_id: i64, note: String) -> Result<(), IpcError> {
    with_store(&state, move |s| s.set_pane_note(pane_id, &note)).await
}

#[tauri::command]
pub fn get_private_mode(state: State<'_, AppState>) -> bool {
    state.history.is_private()
}

/// Private mode: runs started from now on are not written anywhere (remembered across restarts).
#[tauri::command]
pub fn set_private_mode(state: State<'_, AppState>, on: bool) -> Result<(), IpcError> {
    state.history.set_private(on)
}

/// Something the user should know about history (a damaged file set aside, a failed write), once.
#[tauri::command]
pub fn history_notice(state: State<'_, AppState>) -> Option<String> {
    state.history.take_notice()
}
