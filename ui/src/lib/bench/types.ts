// The benchmark's IPC shapes, written by hand from the engine contract (juxta_engine::bench) until the
// generated bindings land in src/ipc/bindings.ts under the same names (maps are written the way ts-rs writes
// a BTreeMap, with optional values, so the swap changes no caller). Times are milliseconds from a
// monotonic clock; payloads are snake_case like `juxta bench --json`.

/** What to run over the comparison's panes (their user text may contain `{{variables}}`). */
export interface BenchPlan {
  /** Per pane and per input row, >= 1. */
  repetitions: number;
  /** Max requests in flight per provider, >= 1. */
  concurrency: number;
  /** Requests started per second over the whole bench; null = as fast as the concurrency allows. */
  rps: number | null;
  /** Prompt set rows (variable name → value); empty = one run of the prompt as is. */
  inputs: Array<{ [key in string]?: string }>;
  /** null = the normal retry policy; 0 = count raw failures. */
  retries: number | null;
}

export type ErrorClass = 'rate_limited' | 'server' | 'timeout' | 'in_stream' | 'other';

/** One request of the benchmark (failed and stopped ones included). */
export interface BenchRun {
  /** Index into the comparison's panes. */
  pane: number;
  /** Index into `plan.inputs` (null without inputs). */
  input: number | null;
  /** 0-based repetition. */
  rep: number;
  /** When the request left, from the bench start. */
  started_ms: number;
  ok: boolean;
  /** Set when !ok, except for a stopped run. */
  error_class: ErrorClass | null;
  stopped: boolean;
  error: string | null;
  /** Request leaving → first content byte. */
  ttft_ms: number | null;
  total_ms: number | null;
  output_tokens: number | null;
  tokens_per_s: number | null;
  cost_usd: number | null;
  retries: number;
  served_model: string | null;
  /** Served model ≠ asked (the engine's substitution check). */
  substituted: boolean;
  /** The answer (for prompt-set grids). */
  text: string;
}

/** Linear interpolation between closest ranks (R-7, numpy's default). */
export interface Percentiles {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ErrorCounts {
  rate_limited: number;
  server: number;
  timeout: number;
  in_stream: number;
  other: number;
}

export interface PaneSummary {
  pane: number;
  /** "provider/model" or the pane's own label. */
  label: string;
  provider: string;
  model: string;
  runs: number;
  ok: number;
  failed: number;
  stopped: number;
  /** failed / (runs − stopped), 0..1. */
  error_rate: number;
  errors: ErrorCounts;
  /** Total retries over all runs. */
  retries: number;
  /** Over successful runs. */
  ttft: Percentiles | null;
  total: Percentiles | null;
  tokens_per_s: Percentiles | null;
  /** Mean over runs with a known cost. */
  cost_per_run: number | null;
  cost_per_1000: number | null;
  /** substituted / ok, 0..1. */
  substitution_rate: number;
  /** Every served model name seen, with counts. */
  served_models: { [key in string]?: number };
}

export interface BenchReport {
  /** Unix ms (wall clock, display only). */
  started_at: number;
  elapsed_ms: number;
  plan: BenchPlan;
  stopped: boolean;
  panes: PaneSummary[];
  /** In the order they finished. */
  runs: BenchRun[];
}

export type BenchEvent =
  | { type: 'progress'; done: number; failed: number; remaining: number; elapsed_ms: number; eta_ms: number | null }
  | { type: 'run'; run: BenchRun }
  | { type: 'finished'; report: BenchReport };

/** One saved benchmark in `list_benches` (newest first). UI-side shape: the Rust side returns this. */
export interface BenchListItem {
  id: number;
  /** Unix ms. */
  started_at: number;
  elapsed_ms: number;
  stopped: boolean;
  /** Each pane's label, in pane order. */
  labels: string[];
  /** Runs recorded (failed ones included). */
  runs: number;
}

export type BenchExportFormat = 'csv' | 'json';
export type ChartFormat = 'svg' | 'png';
