//! The desktop shell: builds the Tauri app, owns the state the commands share, and registers
//! the IPC handlers. Everything of substance happens in `juxta-engine`; handlers stay thin.

pub mod commands;

use juxta_engine::catalog::Presets;
use tauri::{Builder, Runtime};

/// What every command may read. Keys are not here: they live in the OS keychain only.
#[derive(Debug, Clone)]
pub struct AppState {
    pub presets: Presets,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            presets: Presets::bundled(),
        }
    }
}

/// The app minus its context: state and commands. Generic over the runtime so tests can
/// drive the same wiring through `tauri::test::mock_builder()`.
pub fn setup<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .manage(AppState::default())
        .invoke_handler(tauri::generate_handler![
            commands::providers::list_providers
        ])
}

/// Starts the desktop app (called by `main`).
pub fn run() {
    setup(Builder::default())
        .run(tauri::generate_context!())
        // Nothing to recover from if the window system or webview cannot start.
        .expect("error while running Juxta");
}
