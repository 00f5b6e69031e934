//! Export a comparison to a file the user chose (Markdown, HTML, JSON, JSONL, CSV) and import
//! Juxta JSON files back into history.

use std::path::{Path, PathBuf};

use juxta_engine::export::{self, Format, Options};
use tauri::State;

use super::history::with_store;
use crate::ipc::{ExportFormat, IpcError};
use crate::AppState;

fn format(f: ExportFormat) -> Format {
    match f {
        ExportFormat::Markdown => Format::Markdown,
        ExportFormat::Html => Format::Html,
        ExportFormat::Json => Format::Json,
        ExportFormat::Jsonl => Format::Jsonl,
        ExportFormat::Csv => Format::Csv,
    }
}

/// The path must end in the format's extension: the webview can only ever create export files,
/// never overwrite a `.bashrc` or a binary, whatever it is told.
fn check_extension(path: &Path, format: Format) -> Result<(), IpcError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext.eq_ignore_ascii_case(format.extension()) {
        Ok(())
    } else {
        Err(IpcError::invalid(format!("a {format:?} export must be saved as a .{} file", format.extension())))
    }
}

#[tauri::command]
pub async fn export_comparison(state: State<'_, AppState>, id: i64, format: ExportFormat, path: PathBuf) -> Result<(), IpcError> {
    check_extension(&path, self::format(format))?;
    let comparison = with_store(&state, move |s| s.get(id))
        .await?
        .ok_or_else(|| IpcError::invalid(format!("comparison {id} is not in history (deleted?)")))?;
    tauri::async_runtime::spawn_blocking(move || {
        let text = export::export(&[comparison], self::format(format), &Options::default());
        export::write_file(&path, &text).map_err(|e| IpcError::storage(format!("could not write {}: {e}", path.display())))
    })
    .await
    .map_err(|e| IpcError::storage(format!("export failed: {e}")))?
}

/// Read a Juxta JSON export into history; returns the new comparison ids, in file order.
#[tauri::command]
pub async fn import_comparisons(state: State<'_, AppState>, path: PathBuf) -> Result<Vec<i64>, IpcError> {
    let comparisons = tauri::async_runtime::spawn_blocking(move || {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| IpcError::invalid(format!("could not read {}: {e}", path.display())))?;
        export::parse_json(&text).map_err(|e| IpcError::invalid(format!("{}: {e}", path.display())))
    })
    .await
    .map_err(|e| IpcError::storage(format!("import failed: {e}")))??;
    with_store(&state, move |s| comparisons.iter().map(|c| s.import(c)).collect()).await
}
