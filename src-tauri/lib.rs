//! The desktop shell: builds the Tauri app, owns the state the commands share, and registers
//! the IPC handlers. Everything of substance happens in `juxta-engine`; handlers stay thin.
//!
//! - [`commands`]: the IPC handlers (`verb_noun`), one file per domain.
//! - [`ipc`]: the types that cross the boundary (mirrored in `ui/src/ipc/types.ts`).
//! - [`pane_stream`]: engine events → one channel message per frame per pane.
//! - [`channel_batch`]: every channel message of a frame delivered to the webview in one script.
//! - [`frame_grid`]: the one frame clock both of those keep, so text waits a frame, not two.
//! - [`delivery_log`]: those waits, recorded when a benchmark asks (`JUXTA_DELIVERY_LOG`).
//! - [`state`]: what the handlers share; [`user_providers`]: the user's `providers.toml`.
//! - [`history`]: the history database, its background writer and private mode.
//! - `webview_tuning`: WebKitGTK settings measured to matter with eight streaming panes.

pub mod channel_batch;
pub mod commands;
pub mod delivery_log;
pub mod frame_grid;
pub mod history;
pub mod ipc;
pub mod pane_stream;
pub mod state;
pub mod user_providers;
mod webview_tuning;

use std::sync::Arc;

use juxta_engine::secrets::KeychainStore;
use tauri::{Builder, Manager, Runtime};

pub use state::AppState;

/// The app minus its context and plugins: state and commands. Generic over the runtime so tests
/// drive the same wiring through `tauri::test::mock_builder()` (with an in-memory secret store).
pub fn setup<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder.manage(state).invoke_handler(tauri::generate_handler![
        commands::providers::list_providers,
        commands::providers::save_custom_provider,
        commands::providers::delete_custom_provider,
        commands::providers::test_connection,
        commands::providers::list_models,
        commands::providers::detect_local_servers,
        commands::providers::start_demo_server,
        commands::keys::set_key,
        commands::keys::delete_key,
        commands::keys::import_env_keys,
        commands::panes::start_turn,
        commands::panes::stop_pane,
        commands::panes::stop_all,
        commands::panes::check_schema,
        commands::history::list_comparisons,
        commands::history::search_history,
        commands::history::get_comparison,
        commands::history::rename_comparison,
        commands::history::pin_comparison,
        commands::history::delete_comparison,
        commands::history::restore_comparison,
        commands::history::rate_pane,
        commands::history::set_pane_note,
        commands::history::get_private_mode,
        commands::history::set_private_mode,
        commands::history::history_notice,
        commands::bench::start_bench,
        commands::bench::stop_bench,
        commands::bench::list_benches,
        commands::bench::get_bench,
        commands::bench::delete_bench,
        commands::bench::export_bench,
        commands::bench::save_chart,
        commands::bench::read_prompt_set,
        commands::export::export_comparison,
        commands::export::import_comparisons,
        commands::votes::record_vote,
        commands::votes::list_votes,
        commands::votes::delete_vote,
        commands::votes::clear_votes,
        commands::votes::leaderboard,
        commands::prompts::save_prompt,
        commands::prompts::list_prompts,
        commands::prompts::get_prompt,
        commands::prompts::delete_prompt,
        commands::prompts::save_variant,
        commands::prompts::delete_variant,
    ])
}

/// The keychain the app uses: service `dev.juxta.app`, or `JUXTA_KEYCHAIN_SERVICE` (tests use
/// their own service so they never touch a developer's real keys).
fn keychain() -> KeychainStore {
    match std::env::var("JUXTA_KEYCHAIN_SERVICE") {
        Ok(s) if !s.is_empty() => KeychainStore::with_service(&s),
        _ => KeychainStore::new(),
    }
}

/// Starts the desktop app (called by `main`).
pub fn run() {
    webview_tuning::before_start();
    let state = AppState::new(Arc::new(keychain()), juxta_engine::catalog::user_config_dir())
        .with_history(juxta_engine::store::default_path());
    let batcher = channel_batch::ChannelBatcher::default();
    let builder = Builder::default()
        .channel_interceptor(move |webview, callback, index, body| batcher.intercept(webview, callback, index, body))
        // First, so a second launch focuses the running window instead of opening another.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(
            tauri_plugin_log::Builder::new()
                // Warnings from libraries (their debug output can carry D-Bus or HTTP payloads,
                // and so keys); our own crates at info, and they never log a key.
                .level(log::LevelFilter::Warn)
                .level_for("juxta_app", log::LevelFilter::Info)
                .level_for("juxta_engine", log::LevelFilter::Info)
                .build(),
        );
    setup(builder, state)
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                webview_tuning::tune(&window);
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        // Nothing to recover from if the window system or webview cannot start.
        .expect("error while running Juxta");
}
