//! Data about providers and models: presets, capabilities, prices. Bundled as TOML files beside
//! this module; users can override each from their config dir.

pub mod models;
pub mod pattern;
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

/// Where the user's `providers.toml`, `models.toml` and `prices.toml` live, shared by the CLI and
/// the app: `$JUXTA_CONFIG_DIR`, else `$XDG_CONFIG_HOME/juxta`, else `~/.config/juxta`.
pub fn user_config_dir() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("JUXTA_CONFIG_DIR")
        .or_else(|| var("XDG_CONFIG_HOME").map(|d| d.join("juxta")))
        .or_else(|| var("HOME").map(|h| h.join(".config/juxta")))
}

/// The catalog in use: the bundled data with the user's own files laid over it.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub presets: Presets,
    pub caps: CapsTable,
    pub prices: PriceTable,
}

/// A user file that could not be read; says which file and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct CatalogError {
    pub path: std::path::PathBuf,
    pub message: String,
}

impl Catalog {
    pub fn bundled() -> Catalog {
        Catalog { presets: Presets::bundled(), caps: CapsTable::bundled(), prices: PriceTable::bundled() }
    }

    /// The bundled catalog plus, when present in `dir`, `providers.toml` (custom providers or
    /// edited presets, same format as the bundled `presets.toml`), `models.toml` (capability rows
    /// that win over the bundled ones) and `prices.toml` (price rows that win, with their own date).
    pub fn load(dir: &std::path::Path) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::bundled();
        let read = |name: &str| -> Result<Option<(std::path::PathBuf, String)>, CatalogError> {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some((path, text))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(CatalogError { path, message: e.to_string() }),
            }
        };
        if let Some((path, text)) = read("providers.toml")? {
            let user = Presets::from_toml(&text).map_err(|message| CatalogError { path, message })?;
            for p in user.all() {
                catalog.presets.upsert(p.clone());
            }
        }
        if let Some((path, text)) = read("models.toml")? {
            catalog.caps.extend_from_toml(&text).map_err(|e| CatalogError { path, message: e.to_string() })?;
        }
        if let Some((path, text)) = read("prices.toml")? {
            let user = PriceTable::from_toml(&text).map_err(|message| CatalogError { path, message })?;
            catalog.prices.overlay(user);
        }
        Ok(catalog)
    }
}

#[cfg(test)]
mod catalog_tests {
    use super::*;

    #[test]
    fn user_files_override_the_bundled_data() {
        let dir = std::env::temp_dir().join(format!("juxta-catalog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("providers.toml"),
            "[[provider]]\nid = \"corp\"\nname = \"Corp gateway\"\nprotocol = \"openai\"\nbase_url = \"https://llm.corp.example/v1\"\nauth = \"bearer\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("prices.toml"), "as_of = \"2026-11-01\"\n[[price]]\nmatch = [\"gpt-4o-mini\"]\ninput = 9.0\noutput = 9.0\n").unwrap();
        std::fs::write(dir.join("models.toml"), "[[model]]\nmatch = [\"gpt-4o*\"]\ntemperature = false\n").unwrap();
        let c = Catalog::load(&dir).unwrap();
        assert_eq!(c.presets.get("corp").unwrap().base_url, "https://llm.corp.example/v1");
        assert!(c.presets.get("openai").is_some());
        assert_eq!(c.prices.lookup("openai", "gpt-4o-mini").unwrap().input, 9.0);
        assert_eq!(c.prices.as_of, "2026-11-01");
        assert!(!c.caps.lookup(crate::Protocol::OpenAiChat, "gpt-4o").temperature);

        std::fs::write(dir.join("prices.toml"), "this is not toml [").unwrap();
        let err = Catalog::load(&dir).unwrap_err().to_string();
        assert!(err.contains("prices.toml"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(Catalog::load(&dir).is_ok(), "a missing dir is the bundled catalog");
    }
}
