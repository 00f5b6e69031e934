//! The prompt library: saved prompts with their `{{variables}}` test inputs, and per-model
//! variants. Kept in the history database, but not private-mode data: the user saves them by hand.

use juxta_engine::store::{Prompt, PromptDraft, PromptFilter, PromptSummary, PromptVariant, VariantDraft};
use tauri::State;

use super::history::with_store;
use crate::ipc::IpcError;
use crate::AppState;

/// Create a prompt, or update the one with the same name; returns it with its variants.
#[tauri::command]
pub async fn save_prompt(state: State<'_, AppState>, prompt: PromptDraft) -> Result<Prompt, IpcError> {
    with_store(&state, move |s| s.save_prompt(&prompt)).await
}

#[tauri::command]
pub async fn list_prompts(state: State<'_, AppState>, filter: PromptFilter) -> Result<Vec<PromptSummary>, IpcError> {
    with_store(&state, move |s| s.list_prompts(&filter)).await
}

#[tauri::command]
pub async fn get_prompt(state: State<'_, AppState>, id: i64) -> Result<Prompt, IpcError> {
    with_store(&state, move |s| s.get_prompt(id))
        .await?
        .ok_or_else(|| IpcError::invalid(format!("prompt {id} is not in the library (deleted?)")))
}

/// Deletes the prompt and its variants.
#[tauri::command]
pub async fn delete_prompt(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    with_store(&state, move |s| s.delete_prompt(id)).await
}

/// Create a variant, or update the one for the same prompt, provider, model and label.
#[tauri::command]
pub async fn save_variant(state: State<'_, AppState>, variant: VariantDraft) -> Result<PromptVariant, IpcError> {
    with_store(&state, move |s| s.save_variant(&variant)).await
}

#[tauri::command]
pub async fn delete_variant(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    with_store(&state, move |s| s.delete_variant(id)).await
}
