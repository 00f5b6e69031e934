//! juxta-engine: one neutral request streamed to many providers side by side.
//!
//! - [`request`]: the neutral request (messages, parameters, tools, response format).
//! - [`protocol`]: one adapter per wire protocol: request mapping and stream decoding, pure.
//! - [`run`]: the parallel runner: retries, fallbacks, timeouts, metrics, cancellation.
//! - [`bench`]: benchmark mode: many runs per pane, concurrency and pacing, percentiles, error classes.
//! - [`catalog`]: provider presets, model capabilities and prices, as data.
//! - [`secrets`]: where keys live (the OS keychain) and how they are kept out of everything else.
//! - [`store`]: history in SQLite: every comparison kept, searchable.
//! - [`validate`]: tool-call arguments and structured answers checked against their JSON Schemas.
//! - [`rank`]: the personal leaderboard (Elo, Bradley–Terry) from the user's blind votes.
//! - [`export`]: transcripts out of history (Markdown, HTML, JSON, JSONL, CSV) and JSON import.
//!
//! This crate knows nothing of Tauri: the desktop app and the `juxta` CLI drive the same calls.

pub mod bench;
pub mod catalog;
pub mod error;
pub mod event;
pub mod export;
pub mod protocol;
pub mod rank;
pub mod request;
pub mod run;
pub mod secrets;
pub mod store;
pub mod validate;

pub use error::{ErrorKind, ProviderError};
pub use event::{Finish, FinishReason, StreamEvent, ToolCall, Usage};
pub use protocol::Protocol;
pub use request::{ChatRequest, Message, Params, ReasoningEffort, ResponseFormat, ToolChoice, ToolSpec};
