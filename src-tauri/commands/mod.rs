//! IPC handlers, one file per domain. Each is a few lines: read arguments, one engine call,
//! map the result to something the UI can display. No handler returns a key.

pub mod bench;
pub mod export;
pub mod history;
pub mod keys;
pub mod panes;
pub mod prompts;
pub mod providers;
pub mod votes;
