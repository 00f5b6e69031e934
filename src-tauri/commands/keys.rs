//! Keys: from the user into the OS keychain, and nothing back but "present, ends in 1234".
//! Keychain calls block (D-Bus round trips, maybe an unlock prompt), so they run off the UI thread.

use std::sync::Arc;

use juxta_engine::catalog::Preset;
use juxta_engine::secrets::{self, ApiKey, SecretStore};
use juxta_engine::ErrorKind;
use tauri::State;

use crate::ipc::{ImportedKey, IpcError, KeyStatus};
use crate::AppState;

/// The key status the UI shows for `provider`.
pub fn status(store: &dyn SecretStore, provider: &Preset) -> KeyStatus {
    match store.get(&provider.id) {
        Ok(Some(key)) => KeyStatus::Present { last4: last4(&key) },
        Ok(None) if !provider.needs_key() => KeyStatus::NotNeeded,
        Ok(None) => KeyStatus::Absent,
        Err(e) => KeyStatus::Unavailable { message: e.to_string() },
    }
}

/// The last four characters, or nothing for a key too short to show any of.
fn last4(key: &ApiKey) -> String {
    key.hint().trim_start_matches('…').to_string()
}

/// Run a keychain call on the blocking pool.
async fn blocking<T: Send + 'static>(
    store: Arc<dyn SecretStore>,
    f: impl FnOnce(&dyn SecretStore) -> T + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|_| IpcError::new(ErrorKind::Other, "the keychain call was interrupted"))
}

#[tauri::command]
pub async fn set_key(state: State<'_, AppState>, provider: String, key: String) -> Result<KeyStatus, IpcError> {
    let preset = state.endpoint(&provider)?;
    // Validated before it goes anywhere; the error never quotes the key.
    let key = ApiKey::new(key).map_err(|e| IpcError::from(e).for_provider(&provider))?;
    blocking(state.secrets.clone(), move |store| {
        store.set(&preset.id, &key).map_err(|e| IpcError::from(e).for_provider(&preset.id))?;
        Ok(status(store, &preset))
    })
    .await?
}

#[tauri::command]
pub async fn delete_key(state: State<'_, AppState>, provider: String) -> Result<KeyStatus, IpcError> {
    let preset = state.endpoint(&provider)?;
    blocking(state.secrets.clone(), move |store| {
        store.delete(&preset.id).map_err(|e| IpcError::from(e).for_provider(&preset.id))?;
        Ok(status(store, &preset))
    })
    .await?
}

/// Copy keys from the usual environment variables (OPENAI_API_KEY, ...) into the keychain. Only
/// when the user presses the button; keys already stored are kept. Returns what was imported.
#[tauri::command]
pub async fn import_env_keys(state: State<'_, AppState>) -> Result<Vec<ImportedKey>, IpcError> {
    let pairs: Vec<(String, String)> = {
        let catalog = state.catalog.read().expect("catalog lock");
        catalog
            .presets
            .all()
            .iter()
            .filter_map(|p| p.key_env.clone().map(|var| (p.id.clone(), var)))
            .collect()
    };
    let outcomes = blocking(state.secrets.clone(), move |store| {
        secrets::import_from_env(store, &pairs, |var| std::env::var(var).ok(), false)
    })
    .await??;
    Ok(outcomes
        .into_iter()
        .filter(|o| o.status == "imported")
        .map(|o| ImportedKey {
            provider: o.provider,
            env_var: o.env_var,
            last4: o.hint.unwrap_or_default().trim_start_matches('…').to_string(),
        })
        .collect())
}
