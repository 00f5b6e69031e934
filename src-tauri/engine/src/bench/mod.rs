//! Benchmark mode: the comparison's panes run many times (per input row of a prompt set, per
//! repetition) with a concurrency limit per provider and optional pacing, and every run is kept
//! and summarised per pane (latency percentiles, error classes, retries, cost, substitutions).
//!
//! - [`start_bench`]: run a [`BenchPlan`] and stream [`BenchEvent`]s; ends with a [`BenchReport`].
//! - [`stats`], [`classify`], [`summary`]: pure figures from the runs.
//! - [`template`], [`prompt_set`]: `{{variables}}` and the JSONL/CSV files that fill them.
//! - [`export`]: CSV (one row per run) and JSON (the report).
//!
//! Field names are a public contract (`juxta bench --json`, the app's IPC): add, never rename.

pub mod classify;
pub mod export;
pub mod prompt_set;
mod runner;
pub mod stats;
pub mod summary;
pub mod template;
#[cfg(test)]
pub(crate) mod test_support;
mod types;

pub use runner::{start_bench, BenchHandle};
pub use stats::Percentiles;
pub use types::{
    BenchEvent, BenchPlan, BenchReport, BenchRun, ErrorClass, ErrorCounts, PaneSummary,
};

/// Why a benchmark could not start. Every message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BenchError {
    #[error("bad benchmark plan: {0}")]
    Plan(String),
    #[error("{}", unknown_variable(.name, *.row))]
    UnknownVariable {
        name: String,
        /// 1-based row of the prompt set; 0 when there is no prompt set.
        row: usize,
    },
    #[error("{}", at_line(.path, *.line, .message))]
    PromptSet {
        path: String,
        /// 1-based; 0 when the problem is the whole file.
        line: usize,
        message: String,
    },
}

fn unknown_variable(name: &str, row: usize) -> String {
    if row == 0 {
        format!(
            "the prompt uses {{{{{name}}}}} but no prompt set was given: pass one (a JSONL or CSV file with a \
             `{name}` column) or remove {{{{{name}}}}} from the prompt"
        )
    } else {
        format!(
            "input row {row} has no `{name}` but the prompt uses {{{{{name}}}}}: add the column to the prompt set \
             or remove it from the prompt"
        )
    }
}

fn at_line(path: &str, line: usize, message: &str) -> String {
    if line == 0 {
        format!("{path}: {message}")
    } else {
        format!("{path} line {line}: {message}")
    }
}
