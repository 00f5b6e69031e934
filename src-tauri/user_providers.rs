//! The user's own providers, kept in `providers.toml` in the config dir the CLI reads too (so a
//! provider added in the app works in `juxta compare`, and the other way round). Same format as
//! the bundled `presets.toml`. Written atomically: a crash never leaves half a file.

use std::path::{Path, PathBuf};

use juxta_engine::catalog::{Preset, Presets};
use serde::Serialize;

pub const FILE: &str = "providers.toml";

#[derive(Debug, thiserror::Error)]
pub enum UserProvidersError {
    #[error("could not read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} is not a valid providers file: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("could not save {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

/// The providers in `dir/providers.toml` (none when the file does not exist).
pub fn load(dir: &Path) -> Result<Vec<Preset>, UserProvidersError> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Presets::from_toml(&text)
            .map(|p| p.all().to_vec())
            .map_err(|message| UserProvidersError::Parse { path, message }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(UserProvidersError::Read { path, source }),
    }
}

/// Replace `dir/providers.toml` with `providers` (the directory is created if needed).
pub fn save(dir: &Path, providers: &[Preset]) -> Result<(), UserProvidersError> {
    #[derive(Serialize)]
    struct File<'a> {
        provider: &'a [Preset],
    }
    let path = dir.join(FILE);
    let write_err = |source| UserProvidersError::Write { path: path.clone(), source };
    let text = toml::to_string_pretty(&File { provider: providers })
        .map_err(|e| write_err(std::io::Error::other(e)))?;
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let tmp = dir.join(format!(".{FILE}.tmp"));
    std::fs::write(&tmp, format!("# Written by the Juxta app (Providers screen). Same format as the bundled presets.\n{text}"))
        .map_err(write_err)?;
    std::fs::rename(&tmp, &path).map_err(write_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use juxta_engine::Protocol;

    #[test]
    fn round_trip_and_the_cli_catalog_reads_it() {
        let dir = std::env::temp_dir().join(format!("juxta-user-providers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(load(&dir).unwrap().is_empty(), "no file is no providers");

        let mut corp = Preset::custom("corp", Protocol::OpenAiChat, "https://llm.corp.example/v1");
        corp.name = "Corp gateway".into();
        corp.extra_headers.insert("X-Team".into(), "search".into());
        save(&dir, std::slice::from_ref(&corp)).unwrap();

        assert_eq!(load(&dir).unwrap(), vec![corp.clone()]);
        let catalog = juxta_engine::catalog::Catalog::load(&dir).unwrap();
        assert_eq!(catalog.presets.get("corp"), Some(&corp));

        std::fs::write(dir.join(FILE), "[[provider]]\nid = 3\n").unwrap();
        let err = load(&dir).unwrap_err().to_string();
        assert!(err.contains("providers.toml") && err.contains("not a valid"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
