//! Data about providers and models: presets, capabilities, prices. Bundled as TOML files beside
//! this module; users can override each from their config dir.

pub mod models;
pub mod presets;
pub mod prices;

pub use models::{CapsTable, ModelCaps, SystemRole, ThinkingStyle};
pub use presets::{AuthStyle, Endpoint, Preset, Presets, Quirks};
pub use prices::{Price, PriceTable};

/// Strip routing prefixes so capability and price patterns match the model's own name:
/// `models/gemini-2.5-pro` → `gemini-2.5-pro`, `anthropic/claude-sonnet-4.5` → `claude-sonnet-4.5`.
pub fn bare_model_id(model: &str) -> &str {
    let m = model.rsplit('/').next().unwrap_or(model);
    // Ollama tags (`llama3:8b`) and OpenRouter variants (`:free`) are not part of the name.
    m.split(':').next().unwrap_or(m)
}
