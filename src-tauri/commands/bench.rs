//! Benchmark mode: the comparison's panes run many times (`juxta_engine::bench`), progress and
//! every finished run stream over one channel, and the report is kept in history (unless private).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use juxta_engine::bench::{self, BenchEvent, BenchPlan, BenchReport};
use juxta_engine::store::BenchListItem;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;
use tokio_util::sync::CancellationToken;

use super::history::with_store;
use super::panes::spec;
use crate::ipc::{IpcError, PaneRequest};
use crate::AppState;

/// Start a benchmark over `panes`; returns the id `stop_bench` takes. Events end with `finished`,
/// which comes after the report was saved (so `list_benches` already shows it).
#[tauri::command]
pub async fn start_bench(
    state: State<'_, AppState>,
    panes: Vec<PaneRequest>,
    plan: BenchPlan,
    on_event: Channel<BenchEvent>,
) -> Result<u64, IpcError> {
    start(&state, panes, plan, move |event| {
        // The view may be gone (the window closed): the benchmark still ends and is kept.
        let _ = on_event.send(event);
    })
}

/// The handler above minus the channel, so tests drive the same path without a webview.
/// Must be called inside a tokio runtime.
pub fn start(
    state: &AppState,
    panes: Vec<PaneRequest>,
    plan: BenchPlan,
    mut send: impl FnMut(BenchEvent) + Send + 'static,
) -> Result<u64, IpcError> {
    let specs = panes.into_iter().map(|p| spec(state, p)).collect::<Result<Vec<_>, _>>()?;
    let token = CancellationToken::new();
    let mut handle =
        bench::start_bench(&state.runner, specs, plan, token.clone()).map_err(|e| IpcError::invalid(e.to_string()))?;
    let id = state.benches.add(token);
    let benches = state.benches.clone();
    // Private mode: nothing of the run is written; the report still reaches the view (and its exports).
    let history = if state.history.is_private() { None } else { state.history.get().ok() };
    tokio::spawn(async move {
        while let Some(event) = handle.events.recv().await {
            if let (BenchEvent::Finished { report }, Some(history)) = (&event, &history) {
                save(history.clone(), report.clone()).await;
            }
            send(event);
        }
        benches.remove(id);
    });
    Ok(id)
}

async fn save(history: std::sync::Arc<crate::history::History>, report: BenchReport) {
    let name = bench_name(&report);
    let saved = super::history::on_history(history, move |h| {
        h.store().save_bench(&report, &name).map_err(|e| IpcError::storage(e.to_string()))
    })
    .await;
    if let Err(e) = saved {
        tracing::warn!("a benchmark could not be saved to history: {}", e.message);
    }
}

/// "openai/gpt-4o-mini vs mock/normal" (the panes, as the list shows them).
fn bench_name(report: &BenchReport) -> String {
    let labels: Vec<&str> = report.panes.iter().map(|p| p.label.as_str()).collect();
    labels.join(" vs ")
}

/// Stop a running benchmark: runs in flight end stopped, the rest never start; `finished` still comes.
#[tauri::command]
pub fn stop_bench(state: State<'_, AppState>, id: u64) {
    state.benches.stop(id);
}

#[tauri::command]
pub async fn list_benches(state: State<'_, AppState>) -> Result<Vec<BenchListItem>, IpcError> {
    with_store(&state, |s| s.list_benches()).await
}

#[tauri::command]
pub async fn get_bench(state: State<'_, AppState>, id: i64) -> Result<BenchReport, IpcError> {
    with_store(&state, move |s| s.get_bench(id)).await
}

#[tauri::command]
pub async fn delete_bench(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    with_store(&state, move |s| s.delete_bench(id)).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum BenchExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum ChartFormat {
    Svg,
    Png,
}

/// Write a benchmark report (the one on screen: live, private or from history) as CSV (one row
/// per run) or JSON (the whole report, as `juxta bench --json` prints it).
#[tauri::command]
pub async fn export_bench(report: BenchReport, format: BenchExportFormat, path: PathBuf) -> Result<(), IpcError> {
    let (ext, text) = match format {
        BenchExportFormat::Csv => ("csv", bench::export::to_csv(&report)),
        BenchExportFormat::Json => ("json", bench::export::to_json(&report)),
    };
    write_export(path, ext, text.into_bytes()).await
}

/// Write a chart the UI drew: SVG text or PNG bytes.
#[tauri::command]
pub async fn save_chart(path: PathBuf, data: Vec<u8>, kind: ChartFormat) -> Result<(), IpcError> {
    let ext = match kind {
        ChartFormat::Svg => "svg",
        ChartFormat::Png => {
            if !data.starts_with(b"\x89PNG\r\n\x1a\n") {
                return Err(IpcError::invalid("the chart image is not a PNG"));
            }
            "png"
        }
    };
    write_export(path, ext, data).await
}

/// The rows of a prompt set (JSONL or CSV), read and checked by the engine; errors name the line.
#[tauri::command]
pub async fn read_prompt_set(path: PathBuf) -> Result<Vec<BTreeMap<String, String>>, IpcError> {
    tauri::async_runtime::spawn_blocking(move || bench::prompt_set::load(&path))
        .await
        .map_err(|e| IpcError::storage(format!("reading the prompt set failed: {e}")))?
        .map_err(|e| IpcError::invalid(e.to_string()))
}

/// The webview can only ever create files of the kind it exports (never a `.bashrc`), whatever
/// path it sends.
async fn write_export(path: PathBuf, ext: &'static str, bytes: Vec<u8>) -> Result<(), IpcError> {
    check_extension(&path, ext)?;
    tauri::async_runtime::spawn_blocking(move || {
        juxta_engine::export::write_file(&path, &bytes)
            .map_err(|e| IpcError::storage(format!("could not write {}: {e}", path.display())))
    })
    .await
    .map_err(|e| IpcError::storage(format!("export failed: {e}")))?
}

fn check_extension(path: &Path, ext: &str) -> Result<(), IpcError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case(ext) => Ok(()),
        _ => Err(IpcError::invalid(format!("this export must be saved as a .{ext} file"))),
    }
}
