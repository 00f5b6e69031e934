//! The benchmark's data: the plan, one record per run, the per-pane summary and the report.
//! All times are milliseconds (f64) from a monotonic clock; `started_at` alone is wall-clock.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::stats::Percentiles;

/// What to run, on top of the comparison's panes (whose user text may contain `{{vars}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BenchPlan {
    /// Runs per pane and per input row, >= 1.
    pub repetitions: u32,
    /// Most requests in flight at once per provider, >= 1.
    pub concurrency: u32,
    /// Requests started per second over the whole bench; None = as fast as the limits allow.
    #[serde(default)]
    pub rps: Option<f64>,
    /// The prompt set's rows (variable name -> value); empty = the prompt as it is.
    #[serde(default)]
    pub inputs: Vec<BTreeMap<String, String>>,
    /// Retries per run; None = each pane's own retry policy, Some(0) = count raw failures.
    #[serde(default)]
    pub retries: Option<u32>,
}

impl Default for BenchPlan {
    fn default() -> Self {
        BenchPlan {
            repetitions: 10,
            concurrency: 4,
            rps: None,
            inputs: Vec::new(),
            retries: None,
        }
    }
}

/// The class of a failed run, as the error-rate columns count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorClass {
    /// HTTP 429, or out of quota/credits.
    RateLimited,
    /// 5xx, 529, overloaded, a gateway's HTML error page.
    Server,
    /// Connect, first-byte or idle timeout (and HTTP 408).
    Timeout,
    /// The answer had started (HTTP 200) and then failed: an error event, a cut connection, a
    /// stream that ended early or broke its protocol.
    InStream,
    /// Anything else (auth, bad request, not found, no connection, configuration).
    Other,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::RateLimited => "rate_limited",
            ErrorClass::Server => "server",
            ErrorClass::Timeout => "timeout",
            ErrorClass::InStream => "in_stream",
            ErrorClass::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ErrorClass> {
        [
            ErrorClass::RateLimited,
            ErrorClass::Server,
            ErrorClass::Timeout,
            ErrorClass::InStream,
            ErrorClass::Other,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// One request of the benchmark, kept whatever its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BenchRun {
    /// Index into the comparison's panes.
    pub pane: usize,
    /// Index into `plan.inputs` (None when there are no inputs).
    pub input: Option<usize>,
    /// 0-based repetition.
    pub rep: u32,
    /// When the request left, in ms from the bench start.
    pub started_ms: f64,
    pub ok: bool,
    /// Some when the run failed; None for a success and for a stopped run.
    pub error_class: Option<ErrorClass>,
    /// Stopped by the user while in flight (neither ok nor failed).
    pub stopped: bool,
    /// The pane's error message (never a key).
    pub error: Option<String>,
    /// Request leaving -> first content event (text, reasoning or tool call).
    pub ttft_ms: Option<f64>,
    /// Request leaving -> end of the stream.
    pub total_ms: Option<f64>,
    /// As the provider reported them (None when it sent no usage).
    pub output_tokens: Option<u64>,
    /// Output tokens over the generation time (first token -> end).
    pub tokens_per_s: Option<f64>,
    pub cost_usd: Option<f64>,
    /// Attempts after the first (retries and fallbacks).
    pub retries: u32,
    pub served_model: Option<String>,
    /// The model that answered is not the one asked for (a fallback or a provider's swap).
    pub substituted: bool,
    /// The answer.
    pub text: String,
}

/// Failed runs per class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorCounts {
    pub rate_limited: u32,
    pub server: u32,
    pub timeout: u32,
    pub in_stream: u32,
    pub other: u32,
}

impl ErrorCounts {
    pub fn add(&mut self, class: ErrorClass) {
        let slot = match class {
            ErrorClass::RateLimited => &mut self.rate_limited,
            ErrorClass::Server => &mut self.server,
            ErrorClass::Timeout => &mut self.timeout,
            ErrorClass::InStream => &mut self.in_stream,
            ErrorClass::Other => &mut self.other,
        };
        *slot += 1;
    }

    pub fn total(&self) -> u32 {
        self.rate_limited + self.server + self.timeout + self.in_stream + self.other
    }
}

/// One pane's figures over all its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaneSummary {
    pub pane: usize,
    /// `provider/model`.
    pub label: String,
    pub provider: String,
    pub model: String,
    pub runs: u32,
    pub ok: u32,
    pub failed: u32,
    pub stopped: u32,
    /// failed / (runs - stopped), 0..1 (0 when nothing ran to an end).
    pub error_rate: f64,
    pub errors: ErrorCounts,
    /// Retries over all runs.
    pub retries: u32,
    /// Over successful runs.
    pub ttft: Option<Percentiles>,
    pub total: Option<Percentiles>,
    pub tokens_per_s: Option<Percentiles>,
    /// Mean over the runs with a known cost (USD).
    pub cost_per_run: Option<f64>,
    pub cost_per_1000: Option<f64>,
    /// Substituted / ok, 0..1.
    pub substitution_rate: f64,
    /// Every served model name seen, with its count.
    pub served_models: BTreeMap<String, u32>,
}

/// A whole benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BenchReport {
    /// Unix ms, wall clock (for display only).
    pub started_at: i64,
    pub elapsed_ms: f64,
    pub plan: BenchPlan,
    /// Stopped before every run was done: runs not yet started are absent.
    pub stopped: bool,
    pub panes: Vec<PaneSummary>,
    /// In the order they finished.
    pub runs: Vec<BenchRun>,
}

/// What a running benchmark reports. `Finished` is always the last event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BenchEvent {
    /// `remaining` counts runs not finished yet (in flight or queued).
    Progress {
        done: u32,
        failed: u32,
        remaining: u32,
        elapsed_ms: f64,
        eta_ms: Option<f64>,
    },
    Run {
        run: BenchRun,
    },
    Finished {
        report: BenchReport,
    },
}
