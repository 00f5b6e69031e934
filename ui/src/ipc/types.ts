// The IPC contract between the webview and Rust. The types are generated from the Rust ones into
// ./bindings.ts (a Rust test fails when that file is stale); payloads use the same snake_case
// shapes as `juxta compare --json`. Rust side: src-tauri/ipc.rs and juxta-engine's run/report.
//
// A pane's events arrive in order over its own channel; text and reasoning deltas are coalesced
// in Rust to at most one `delta` per animation frame, and `done` is always last.
export type * from './bindings';
