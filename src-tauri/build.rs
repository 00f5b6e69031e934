//! Reads tauri.conf.json and src-tauri/capabilities/, and declares the app's own commands so that
//! a capability must grant each one explicitly (a command no capability grants cannot be called).

/// Every `#[tauri::command]` registered in lib.rs; each gets an `allow-<name>` permission.
const COMMANDS: &[&str] = &[
    "list_providers",
    "save_custom_provider",
    "delete_custom_provider",
    "test_connection",
    "list_models",
    "detect_local_servers",
    "start_demo_server",
    "set_key",
    "delete_key",
    "import_env_keys",
    "start_turn",
    "stop_pane",
    "stop_all",
    "check_schema",
    "list_comparisons",
    "search_history",
    "get_comparison",
    "rename_comparison",
    "pin_comparison",
    "delete_comparison",
    "restore_comparison",
    "rate_pane",
    "set_pane_note",
    "get_private_mode",
    "set_private_mode",
    "history_notice",
    "export_comparison",
    "import_comparisons",
    "record_vote",
    "list_votes",
    "delete_vote",
    "clear_votes",
    "leaderboard",
    "start_bench",
    "stop_bench",
    "list_benches",
    "get_bench",
    "delete_bench",
    "export_bench",
    "save_chart",
    "read_prompt_set",
    "save_prompt",
    "list_prompts",
    "get_prompt",
    "delete_prompt",
    "save_variant",
    "delete_variant",
];

fn main() {
    // tauri-build only watches its default capabilities folder; a custom one must be watched here.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS))
        // The package root is the repository root, so capabilities are not in the default `./capabilities`.
        .capabilities_path_pattern("./src-tauri/capabilities/**/*");
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {e:#}");
    }
}
