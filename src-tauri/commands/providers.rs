//! The providers the app knows about.

use juxta_engine::catalog::Preset;
use juxta_engine::Protocol;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::AppState;

/// What the UI shows about a provider. Never a key: at most the name of the environment
/// variable a key is usually kept in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSummary {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    pub base_url: String,
    pub local: bool,
    pub key_env: Option<String>,
}

impl From<&Preset> for ProviderSummary {
    fn from(p: &Preset) -> Self {
        ProviderSummary {
            id: p.id.clone(),
            name: p.name.clone(),
            protocol: p.protocol,
            base_url: p.base_url.clone(),
            local: p.local,
            key_env: p.key_env.clone(),
        }
    }
}

/// Every provider preset, in catalog order.
#[tauri::command]
pub fn list_providers(state: State<'_, AppState>) -> Vec<ProviderSummary> {
    state
        .presets
        .all()
        .iter()
        .map(ProviderSummary::from)
        .collect()
}
