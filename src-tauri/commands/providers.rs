//! Providers: the list with key status, the user's own providers, connection tests, model lists,
//! local servers and the built-in demo provider.

use std::time::Duration;

use juxta_engine::catalog::{Endpoint, Preset};
use juxta_engine::protocol::ModelInfo;
use juxta_engine::ErrorKind;
use tauri::State;

use super::keys;
use crate::ipc::{CustomProvider, IpcError, LocalServer, ProviderView};
use crate::{user_providers, AppState};

/// How long "detect local servers" waits for each well-known port.
const LOCAL_PROBE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Every provider (bundled presets, then the user's), each with its key status.
#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> Result<Vec<ProviderView>, IpcError> {
    let presets: Vec<Preset> = state.catalog.read().expect("catalog lock").presets.all().to_vec();
    let custom: Vec<bool> = presets.iter().map(|p| state.is_custom(&p.id)).collect();
    let store = state.secrets.clone();
    let statuses = tauri::async_runtime::spawn_blocking(move || {
        presets.iter().map(|p| (p.clone(), keys::status(store.as_ref(), p))).collect::<Vec<_>>()
    })
    .await
    .map_err(|_| IpcError::new(ErrorKind::Other, "the keychain lookup was interrupted"))?;
    Ok(statuses
        .iter()
        .zip(custom)
        .map(|((p, key), custom)| ProviderView::new(p, custom, key.clone()))
        .collect())
}

/// Add or replace one of the user's providers; saved to `providers.toml` at once.
#[tauri::command]
pub async fn save_custom_provider(state: State<'_, AppState>, provider: CustomProvider) -> Result<ProviderView, IpcError> {
    let preset = custom_preset(&provider)?;
    if !state.is_custom(&preset.id) {
        return Err(IpcError::invalid(format!("{:?} is a bundled provider: pick another id", preset.id)));
    }
    update_user_file(&state, |list| match list.iter_mut().find(|p| p.id == preset.id) {
        Some(p) => *p = preset.clone(),
        None => list.push(preset.clone()),
    })?;
    state.catalog.write().expect("catalog lock").presets.upsert(preset.clone());
    state.models.lock().expect("models lock").remove(&preset.id);
    let key = keys::status(state.secrets.as_ref(), &preset);
    Ok(ProviderView::new(&preset, true, key))
}

#[tauri::command]
pub async fn delete_custom_provider(state: State<'_, AppState>, id: String) -> Result<(), IpcError> {
    if !state.is_custom(&id) {
        return Err(IpcError::invalid(format!("{id:?} is a bundled provider and cannot be deleted")));
    }
    update_user_file(&state, |list| list.retain(|p| p.id != id))?;
    state.catalog.write().expect("catalog lock").presets.remove(&id);
    // Its key (if any) stays in the keychain: deleting a provider is not deleting a secret.
    Ok(())
}

/// List the provider's models with its stored key: the quickest proof that key and URL work.
#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>, provider: String) -> Result<Vec<ModelInfo>, IpcError> {
    let endpoint = state.endpoint(&provider)?;
    fetch_models(&state, &endpoint).await
}

/// The provider's models, listed once per session.
#[tauri::command]
pub async fn list_models(state: State<'_, AppState>, provider: String) -> Result<Vec<ModelInfo>, IpcError> {
    if let Some(models) = state.models.lock().expect("models lock").get(&provider) {
        return Ok(models.clone());
    }
    let endpoint = state.endpoint(&provider)?;
    fetch_models(&state, &endpoint).await
}

async fn fetch_models(state: &AppState, endpoint: &Endpoint) -> Result<Vec<ModelInfo>, IpcError> {
    let models = state.runner.list_models(endpoint).await.map_err(|e| IpcError::from(e).for_provider(&endpoint.id))?;
    state.models.lock().expect("models lock").insert(endpoint.id.clone(), models.clone());
    Ok(models)
}

/// Ollama, LM Studio, llama.cpp and vLLM at their usual ports, asked at once.
#[tauri::command]
pub async fn detect_local_servers(state: State<'_, AppState>) -> Result<Vec<LocalServer>, IpcError> {
    let candidates: Vec<Endpoint> = {
        let catalog = state.catalog.read().expect("catalog lock");
        ["ollama", "lmstudio", "llamacpp", "vllm"]
            .iter()
            .filter_map(|id| catalog.presets.get(id).cloned())
            .collect()
    };
    let probes = candidates.into_iter().map(|endpoint| {
        let runner = state.runner.clone();
        async move {
            let listed = tokio::time::timeout(LOCAL_PROBE_TIMEOUT, runner.list_models(&endpoint)).await;
            match listed {
                Ok(Ok(models)) => Some(LocalServer {
                    provider: endpoint.id.clone(),
                    name: endpoint.name.clone(),
                    base_url: endpoint.base_url.clone(),
                    models: models.into_iter().map(|m| m.id).collect(),
                }),
                _ => None,
            }
        }
    });
    Ok(futures_util::future::join_all(probes).await.into_iter().flatten().collect())
}

/// Start the built-in mock provider on a free loopback port (once) and point the `mock` preset at
/// it, so the app can be tried before any key is added.
#[tauri::command]
pub async fn start_demo_server(state: State<'_, AppState>) -> Result<ProviderView, IpcError> {
    let mut demo = state.demo.lock().await;
    if demo.is_none() {
        let server = juxta_mock::MockServer::builder()
            .start()
            .await
            .map_err(|e| IpcError::new(ErrorKind::Connection, format!("could not start the demo server: {e}")))?;
        *demo = Some(server);
    }
    let base_url = format!("{}/v1", demo.as_ref().expect("started above").base_url());
    let mut catalog = state.catalog.write().expect("catalog lock");
    let mut preset = catalog.presets.get("mock").cloned().ok_or_else(|| IpcError::unknown_provider("mock"))?;
    preset.base_url = base_url;
    preset.name = "Demo (built-in mock provider)".into();
    catalog.presets.upsert(preset.clone());
    Ok(ProviderView::new(&preset, false, crate::ipc::KeyStatus::NotNeeded))
}

/// A user's provider as a preset, with its fields checked (the message says what to correct).
fn custom_preset(p: &CustomProvider) -> Result<Preset, IpcError> {
    let id = p.id.trim();
    let valid_id = !id.is_empty()
        && id.len() <= 40
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_id {
        return Err(IpcError::invalid("the id must be 1 to 40 lower-case letters, digits or '-'"));
    }
    let base = p.base_url.trim();
    let url = url::Url::parse(base)
        .map_err(|e| IpcError::invalid(format!("the base URL is not a URL ({e}): e.g. https://host/v1")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(IpcError::invalid("the base URL must start with http:// or https://"));
    }
    for name in p.extra_headers.keys() {
        if name.trim().is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(IpcError::invalid(format!("{name:?} is not a valid header name")));
        }
    }
    let mut preset = Preset::custom(id, p.protocol, base);
    preset.name = if p.name.trim().is_empty() { id.to_string() } else { p.name.trim().to_string() };
    preset.extra_headers = p.extra_headers.clone();
    preset.max_concurrent = p.max_concurrent.filter(|n| *n > 0);
    Ok(preset)
}

/// Read the user's providers file, change it, write it back.
fn update_user_file(state: &AppState, change: impl FnOnce(&mut Vec<Preset>)) -> Result<(), IpcError> {
    let config = |m: String| IpcError::new(ErrorKind::Config, m);
    let dir = state
        .config_dir
        .as_deref()
        .ok_or_else(|| config("no config directory is known (HOME is not set): providers cannot be saved".into()))?;
    let mut list = user_providers::load(dir).map_err(|e| config(e.to_string()))?;
    change(&mut list);
    user_providers::save(dir, &list).map_err(|e| config(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use juxta_engine::Protocol;

    fn custom(id: &str, url: &str) -> CustomProvider {
        CustomProvider { id: id.into(), name: String::new(), protocol: Protocol::OpenAiChat, base_url: url.into(), extra_headers: Default::default(), max_concurrent: None }
    }

    #[test]
    fn custom_providers_are_checked() {
        let p = custom_preset(&custom("corp-1", "https://llm.corp.example/v1/")).unwrap();
        assert_eq!(p.base_url, "https://llm.corp.example/v1");
        assert_eq!(p.name, "corp-1");
        assert!(!p.local);
        assert!(custom_preset(&custom("local", "http://127.0.0.1:9000/v1")).unwrap().local);
        for (id, url, want) in [
            ("Corp", "https://x/v1", "lower-case"),
            ("", "https://x/v1", "lower-case"),
            ("corp", "llm.corp/v1", "not a URL"),
            ("corp", "ftp://x/v1", "http:// or https://"),
        ] {
            let err = custom_preset(&custom(id, url)).unwrap_err();
            assert_eq!(err.kind, juxta_engine::ErrorKind::InvalidRequest);
            assert!(err.message.contains(want), "{id} {url}: {err}");
        }
        let mut bad_header = custom("corp", "https://x/v1");
        bad_header.extra_headers.insert("X Bad".into(), "1".into());
        assert!(custom_preset(&bad_header).unwrap_err().message.contains("header"));
    }
}
