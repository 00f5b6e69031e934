//! Blind votes and the personal leaderboard. Votes live in the history database; the leaderboard
//! is computed from them on every call. In private mode a vote is still kept (the user cast it on
//! purpose, and the leaderboard needs it) but without the prompt: nothing of the run is written.

use juxta_engine::rank::{self, Leaderboard, RankMethod};
use juxta_engine::store::{NewVote, Store, StoreError, Vote};
use tauri::State;

use super::history::on_history;
use crate::ipc::IpcError;
use crate::AppState;

/// The most votes `list_votes` returns at once.
const MAX_LISTED: u32 = 1000;

/// Record a vote; returns its id.
#[tauri::command]
pub async fn record_vote(state: State<'_, AppState>, mut vote: NewVote) -> Result<i64, IpcError> {
    if state.history.is_private() {
        vote.prompt.clear();
    }
    with_store(&state, move |s| s.record_vote(&vote)).await
}

/// The most recent votes, newest first.
#[tauri::command]
pub async fn list_votes(state: State<'_, AppState>, limit: u32) -> Result<Vec<Vote>, IpcError> {
    with_store(&state, move |s| s.list_votes(limit.min(MAX_LISTED) as usize)).await
}

#[tauri::command]
pub async fn delete_vote(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    with_store(&state, move |s| s.delete_vote(id)).await
}

/// Forget every vote; returns how many there were.
#[tauri::command]
pub async fn clear_votes(state: State<'_, AppState>) -> Result<u32, IpcError> {
    with_store(&state, |s| s.clear_votes()).await.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Every model that took part in a vote, ranked by `method`.
#[tauri::command]
pub async fn leaderboard(state: State<'_, AppState>, method: RankMethod) -> Result<Leaderboard, IpcError> {
    with_store(&state, move |s| s.all_votes()).await.map(|votes| rank::leaderboard(&votes, method))
}

/// Like `history::with_store`, with a malformed vote or an unknown id reported as the caller's
/// mistake rather than a storage failure.
async fn with_store<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, IpcError> {
    let history = state.history.get()?;
    on_history(history, move |h| {
        f(&h.store()).map_err(|e| match e {
            StoreError::Invalid(_) | StoreError::NotFound { .. } => IpcError::invalid(e.to_string()),
            e => IpcError::storage(e.to_string()),
        })
    })
    .await
}
