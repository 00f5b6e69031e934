// Benchmark commands (Rust: src-tauri/commands/bench.rs). Lives in src/ipc/ because only this folder may
// import @tauri-apps/*; components import it through lib/bench/api.ts.
import { Channel, invoke } from '@tauri-apps/api/core';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';
import type { PaneRequest } from './types';
import type { BenchEvent, BenchExportFormat, BenchListItem, BenchPlan, BenchReport, ChartFormat } from './bindings';

/** Starts a benchmark over `panes` (the comparison's pane requests); resolves with its id. Events arrive on `onEvent`, `finished` last. */
export async function startBench(panes: PaneRequest[], plan: BenchPlan, onEvent: (event: BenchEvent) => void): Promise<number> {
  const channel = new Channel<BenchEvent>();
  channel.onmessage = onEvent;
  return invoke<number>('start_bench', { panes, plan, onEvent: channel });
}

/** Stops a running benchmark: runs in flight are cancelled and counted as stopped; `finished` still arrives. */
export function stopBench(id: number): Promise<void> {
  return invoke<void>('stop_bench', { id });
}

/** Saved benchmarks, newest first. */
export function listBenches(): Promise<BenchListItem[]> {
  return invoke<BenchListItem[]>('list_benches');
}

export function getBench(id: number): Promise<BenchReport> {
  return invoke<BenchReport>('get_bench', { id });
}

export function deleteBench(id: number): Promise<void> {
  return invoke<void>('delete_bench', { id });
}

/** Writes a benchmark report (the one on screen: live, private or reopened) as CSV (one row per run) or JSON. */
export function exportBench(report: BenchReport, format: BenchExportFormat, path: string): Promise<void> {
  return invoke<void>('export_bench', { report, format, path });
}

/** Writes a chart image: SVG text, or PNG bytes. Sent as a byte array (Rust `Vec<u8>`). */
export function saveChart(path: string, data: string | Uint8Array, kind: ChartFormat): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return invoke<void>('save_chart', { path, data: Array.from(bytes), kind });
}

/** The rows of a prompt set file (JSONL or CSV), parsed and checked by the engine (errors name the line). */
export function readPromptSet(path: string): Promise<Array<{ [key in string]?: string }>> {
  return invoke<Array<{ [key in string]?: string }>>('read_prompt_set', { path });
}

/** The save dialog for a chart image or a benchmark export; null when the user cancels. */
export function chooseBenchSavePath(defaultName: string, kind: ChartFormat | BenchExportFormat): Promise<string | null> {
  return saveDialog({ defaultPath: defaultName, filters: [{ name: kind.toUpperCase(), extensions: [kind] }] });
}

/** The open dialog for a prompt set; null when the user cancels. */
export async function choosePromptSetPath(): Promise<string | null> {
  const path = await openDialog({ filters: [{ name: 'Prompt set', extensions: ['jsonl', 'csv'] }], multiple: false });
  return typeof path === 'string' ? path : null;
}
