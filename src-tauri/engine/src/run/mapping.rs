//! The mapping report: every way a provider's request differs from what the user asked for.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum MappingAction {
    /// Sent under another name (`max_output_tokens` → `max_completion_tokens`).
    Renamed,
    /// Sent with a value moved into the provider's range.
    Clamped,
    /// Not sent: the model or protocol rejects it.
    Dropped,
    /// Sent somewhere else in the request (system prompt → top-level `system`).
    Moved,
    /// Not asked for, but the provider requires or benefits from it.
    Defaulted,
    /// Asked for, but this provider has no way to express it; sent without it.
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MappingEntry {
    /// The neutral parameter (`temperature`, `system`, `max_output_tokens`, ...).
    pub param: String,
    pub action: MappingAction,
    /// The value or name the user gave, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub from: Option<Value>,
    /// What was sent (a wire field name for renames and moves, a value for clamps and defaults).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub to: Option<Value>,
    pub reason: String,
}

/// All entries for one request, in the order the mapping made them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MappingReport(pub Vec<MappingEntry>);

impl MappingReport {
    pub fn push(
        &mut self,
        param: &str,
        action: MappingAction,
        from: Option<Value>,
        to: Option<Value>,
        reason: impl Into<String>,
    ) {
        self.0.push(MappingEntry { param: param.to_string(), action, from, to, reason: reason.into() });
    }

    pub fn renamed(&mut self, param: &str, wire: &str, reason: impl Into<String>) {
        self.push(param, MappingAction::Renamed, Some(param.into()), Some(wire.into()), reason);
    }

    pub fn moved(&mut self, param: &str, wire: &str, reason: impl Into<String>) {
        self.push(param, MappingAction::Moved, None, Some(wire.into()), reason);
    }

    pub fn dropped(&mut self, param: &str, value: impl Into<Value>, reason: impl Into<String>) {
        self.push(param, MappingAction::Dropped, Some(value.into()), None, reason);
    }

    pub fn clamped(&mut self, param: &str, from: impl Into<Value>, to: impl Into<Value>, reason: impl Into<String>) {
        self.push(param, MappingAction::Clamped, Some(from.into()), Some(to.into()), reason);
    }

    pub fn defaulted(&mut self, param: &str, to: impl Into<Value>, reason: impl Into<String>) {
        self.push(param, MappingAction::Defaulted, None, Some(to.into()), reason);
    }

    pub fn unsupported(&mut self, param: &str, value: impl Into<Value>, reason: impl Into<String>) {
        self.push(param, MappingAction::Unsupported, Some(value.into()), None, reason);
    }

    /// The entries about one parameter (handy in tests and the inspector).
    pub fn about<'a>(&'a self, param: &'a str) -> impl Iterator<Item = &'a MappingEntry> + 'a {
        self.0.iter().filter(move |e| e.param == param)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Clamp `value` to `[lo, hi]`, reporting it when it moves.
pub fn clamp_reported(report: &mut MappingReport, param: &str, value: f64, lo: f64, hi: f64, who: &str) -> f64 {
    let clamped = value.clamp(lo, hi);
    if clamped != value {
        report.clamped(param, value, clamped, format!("{who} accepts {param} from {lo} to {hi}"));
    }
    clamped
}

/// Routing options for a provider that routes nothing: reported, never sent.
pub fn routing_unsupported(report: &mut MappingReport, req: &crate::request::ChatRequest, provider: &str) {
    if let Some(r) = req.routing.as_ref().filter(|r| !r.is_empty()) {
        let value = serde_json::to_value(r).unwrap_or(Value::Null);
        report.unsupported(
            "routing",
            value,
            format!("{provider} serves the model itself; routing between upstreams is an OpenRouter option"),
        );
    }
}
