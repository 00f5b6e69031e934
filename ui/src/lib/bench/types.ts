// The benchmark's IPC shapes: generated from the engine's Rust types (juxta_engine::bench, the bench history
// list and the export formats) into src/ipc/bindings.ts. Times are milliseconds from a monotonic clock; payloads
// are snake_case like `juxta bench --json`.
export type {
  BenchEvent,
  BenchExportFormat,
  BenchListItem,
  BenchPlan,
  BenchReport,
  BenchRun,
  ChartFormat,
  ErrorClass,
  ErrorCounts,
  PaneSummary,
  Percentiles,
} from '../../ipc';
