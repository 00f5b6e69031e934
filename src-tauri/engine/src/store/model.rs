//! A comparison as it is kept: what history stores, what the JSON export writes (lossless) and
//! what import reads back. Field names are a public contract (the JSON export format, versioned
//! by [`EXPORT_VERSION`]); add fields with `#[serde(default)]`, never rename them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::request::Params;
use crate::run::PaneReport;

/// The version of the JSON export format written by this build. Import reads every version up
/// to this one and refuses newer files with a clear message.
pub const EXPORT_VERSION: u32 = 1;

/// Milliseconds since the Unix epoch (UTC).
pub type Timestamp = i64;

/// One comparison: one prompt sent to several panes, and every follow-up turn after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comparison {
    /// The local history id (import assigns a new one).
    pub id: i64,
    /// The first line of the first prompt unless the user renamed it.
    pub title: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub pinned: bool,
    /// The panes, in their on-screen order.
    pub panes: Vec<PaneRecord>,
    /// The turns, oldest first.
    pub turns: Vec<Turn>,
}

/// One pane: a model and the settings that are its own (the per-pane overrides).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaneRecord {
    pub id: i64,
    pub provider: String,
    pub model: String,
    #[serde(default)]
    pub settings: PaneSettings,
    /// The user's rating, 1 to 5 stars.
    #[serde(default)]
    pub rating: Option<u8>,
    /// The user's note on this pane's answers.
    #[serde(default)]
    pub note: String,
}

/// What a pane overrides of the shared settings. Absent values follow the turn's shared ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaneSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub system: Option<String>,
    #[serde(default)]
    pub params: Params,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<TargetRef>>"))]
    pub fallbacks: Vec<TargetRef>,
}

/// A provider and a model on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TargetRef {
    pub provider: String,
    pub model: String,
}

/// One user message and the answers to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Turn {
    pub id: i64,
    pub created_at: Timestamp,
    /// The user message.
    pub prompt: String,
    /// The shared system prompt at the time (a pane's override wins over it).
    #[serde(default)]
    pub system: String,
    /// The shared parameters at the time (a pane's overrides win over them).
    #[serde(default)]
    pub params: Params,
    /// Set when the follow-up went to this one pane only.
    #[serde(default)]
    pub only_pane: Option<i64>,
    /// One answer per pane that was asked, in pane order.
    pub answers: Vec<Answer>,
}

/// Where an answer stands. `Interrupted`: the app or CLI died while it streamed; the text is
/// what was saved until then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AnswerStatus {
    Streaming,
    Done,
    Stopped,
    Failed,
    Interrupted,
}

/// One pane's answer to one turn: everything the pane's `PaneReport` says (text, reasoning, tool
/// calls, usage, metrics, cost, served model, attempts, mapping report, error) plus the request
/// as it was sent (key redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Answer {
    pub id: i64,
    pub pane_id: i64,
    pub status: AnswerStatus,
    pub started_at: Timestamp,
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
    /// The last attempt's request: URL, headers (key redacted) and JSON body.
    #[serde(default)]
    pub request: Option<SentRequest>,
    /// While streaming: text and reasoning so far, the rest default. At the end: the whole report.
    pub report: PaneReport,
    /// What the protocol needs back on a follow-up turn (thinking signatures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub provider_state: Option<Value>,
}

/// A request as it went out. Headers carry no key: the runner redacts it before anything sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SentRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub body: Value,
}

/// The JSON export file: `{"format": "juxta.comparisons", "version": 1, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportFile {
    pub format: String,
    pub version: u32,
    pub exported_at: Timestamp,
    /// The juxta version that wrote the file.
    pub generator: String,
    pub comparisons: Vec<Comparison>,
}

/// The value of [`ExportFile::format`].
pub const EXPORT_FORMAT: &str = "juxta.comparisons";

/// A line of the history list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    pub id: i64,
    pub title: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub pinned: bool,
    /// `provider:model` of each pane, in pane order.
    pub models: Vec<String>,
    pub turns: u32,
}

/// A search result: the comparison and the best matching passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    pub summary: Summary,
    /// The matching passage, split into plain parts and matched words (`hit`), so the UI can
    /// highlight without parsing markup.
    pub snippet: Vec<SnippetPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// A new comparison's title: the first non-empty line of its prompt, cut at 80 characters.
pub fn default_title(prompt: &str) -> String {
    let line = prompt.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("Untitled");
    match line.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", line[..cut].trim_end()),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::default_title;

    #[test]
    fn titles_are_the_first_line_cut_short() {
        assert_eq!(default_title("\n  Explain monads\nin detail"), "Explain monads");
        assert_eq!(default_title("   "), "Untitled");
        assert_eq!(default_title(&"é".repeat(100)).chars().count(), 81);
    }
}
