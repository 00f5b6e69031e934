//! What the human formats show, computed once as plain text: Markdown and HTML only differ in
//! how they escape and lay it out.

use serde::Serialize;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::request::Params;
use crate::run::{PaneError, PaneReport};
use crate::store::{AnswerStatus, Comparison, PaneRecord, Timestamp, Turn};

/// `2026-11-26 14:03 UTC`, or the raw number when it is out of range.
pub fn human_time(ts: Timestamp) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    datetime(ts)
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| format!("{ts} ms since 1970"))
}

/// RFC 3339 (`2026-11-26T14:03:05.123Z`), or empty when out of range.
pub fn rfc3339(ts: Timestamp) -> String {
    datetime(ts)
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn datetime(ts: Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ts) * 1_000_000).ok()
}

/// The serde name of a unit enum value (`rate_limited`, `tool_calls`, `stopped`).
pub fn snake<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The pane an answer belongs to, with its 0-based position.
pub fn locate(c: &Comparison, pane_id: i64) -> Option<(usize, &PaneRecord)> {
    c.panes.iter().enumerate().find(|(_, p)| p.id == pane_id)
}

/// `openai · gpt-4o`, from the pane record, else from the report.
pub fn pane_label(pane: Option<&PaneRecord>, report: &PaneReport) -> String {
    match pane {
        Some(p) => format!("{} · {}", p.provider, p.model),
        None => format!("{} · {}", report.provider, report.model),
    }
}

/// The system prompt a pane ran with: its override, else the turn's shared one.
pub fn effective_system<'a>(pane: Option<&'a PaneRecord>, turn: &'a Turn) -> &'a str {
    pane.and_then(|p| p.settings.system.as_deref())
        .unwrap_or(&turn.system)
}

/// One effective setting of an answer; `own` when the pane overrode the shared value.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub name: &'static str,
    pub value: String,
    pub own: bool,
}

/// The parameters an answer ran with (pane overrides over the turn's shared ones), and the
/// pane's fallbacks. The system prompt is shown apart, as a block.
pub fn settings(pane: Option<&PaneRecord>, turn: &Turn) -> Vec<Setting> {
    let default = Params::default();
    let own = pane.map_or(&default, |p| &p.settings.params);
    let shared = &turn.params;
    let mut out = Vec::new();
    let mut add = |name, own_v: Option<String>, shared_v: Option<String>| match (own_v, shared_v) {
        (Some(value), _) => out.push(Setting {
            name,
            value,
            own: true,
        }),
        (None, Some(value)) => out.push(Setting {
            name,
            value,
            own: false,
        }),
        (None, None) => {}
    };
    add(
        "temperature",
        own.temperature.map(num),
        shared.temperature.map(num),
    );
    add("top_p", own.top_p.map(num), shared.top_p.map(num));
    add(
        "max_output_tokens",
        own.max_output_tokens.map(|v| v.to_string()),
        shared.max_output_tokens.map(|v| v.to_string()),
    );
    add("stop", list(&own.stop), list(&shared.stop));
    add(
        "seed",
        own.seed.map(|v| v.to_string()),
        shared.seed.map(|v| v.to_string()),
    );
    add(
        "reasoning_effort",
        own.reasoning_effort.map(|e| e.as_str().to_string()),
        shared.reasoning_effort.map(|e| e.as_str().to_string()),
    );
    add(
        "thinking_budget",
        own.thinking_budget.map(|v| v.to_string()),
        shared.thinking_budget.map(|v| v.to_string()),
    );
    if let Some(p) = pane.filter(|p| !p.settings.fallbacks.is_empty()) {
        let names: Vec<String> = p
            .settings
            .fallbacks
            .iter()
            .map(|t| format!("{}:{}", t.provider, t.model))
            .collect();
        out.push(Setting {
            name: "fallbacks",
            value: names.join(", "),
            own: true,
        });
    }
    out
}

fn num(v: f64) -> String {
    format!("{v}")
}

fn list(stops: &[String]) -> Option<String> {
    (!stops.is_empty()).then(|| {
        stops
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// The metrics of an answer as label/value rows, only those known.
pub fn metrics(report: &PaneReport) -> Vec<(&'static str, String)> {
    let m = &report.metrics;
    let mut rows = Vec::new();
    if let Some(v) = m.ttft_ms {
        rows.push(("TTFT", duration(v)));
    }
    if let Some(v) = m.total_ms {
        rows.push(("Total time", duration(v)));
    }
    if let Some(v) = m.output_tokens_per_s {
        let mark = if m.estimated { " (estimated)" } else { "" };
        rows.push(("Output speed", format!("{v:.1} tok/s{mark}")));
    }
    if let Some(u) = &report.usage {
        rows.push(("Input tokens", u.input_tokens.to_string()));
        rows.push(("Output tokens", u.output_tokens.to_string()));
        if u.reasoning_tokens > 0 {
            rows.push(("Reasoning tokens", u.reasoning_tokens.to_string()));
        }
        if u.cached_tokens > 0 {
            rows.push(("Cached input tokens", u.cached_tokens.to_string()));
        }
    }
    if let Some(c) = report.cost_usd {
        rows.push(("Cost", usd(c)));
    }
    if let Some(r) = &report.finish_reason {
        let raw = report
            .raw_finish_reason
            .as_deref()
            .filter(|raw| *raw != snake(r));
        let value = match raw {
            Some(raw) => format!("{} ({raw})", snake(r)),
            None => snake(r),
        };
        rows.push(("Finish reason", value));
    }
    if let Some(s) = &report.served_model {
        rows.push(("Served model", s.clone()));
    }
    if let Some(by) = &report.served_by {
        rows.push(("Served by", by.clone()));
    }
    let stats = attempt_stats(report);
    if stats.attempts > 1 {
        let fallback = if stats.fallback_used {
            ", fell back to another model"
        } else {
            ""
        };
        let retries = count(stats.retries, "retry", "retries");
        rows.push((
            "Attempts",
            format!("{} ({retries}{fallback})", stats.attempts),
        ));
    }
    rows
}

/// `1 turn`, `3 turns`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The shared system prompt when a turn is the first or changed it: repeating an unchanged one
/// on every turn of a long comparison would bury the prompts.
pub fn new_shared_system(c: &Comparison, index: usize) -> Option<&str> {
    let system = c.turns.get(index)?.system.as_str();
    let previous = index
        .checked_sub(1)
        .and_then(|i| c.turns.get(i))
        .map(|t| t.system.as_str());
    (!system.is_empty() && previous != Some(system)).then_some(system)
}

/// `312 ms` under a second, `2.41 s` above.
pub fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// Dollars with enough decimals to show small costs (`$0.000125`), trailing zeros trimmed.
pub fn usd(c: f64) -> String {
    let s = format!("{c:.6}");
    let s = s.trim_end_matches('0');
    let s = match s.split_once('.') {
        Some((whole, frac)) if frac.len() < 2 => format!("{whole}.{frac:0<2}"),
        _ => s.to_string(),
    };
    format!("${s}")
}

/// A warning when another model answered than the one asked for.
pub fn served_note(report: &PaneReport) -> Option<String> {
    if !report.substituted {
        return None;
    }
    let served = report.served_model.as_deref().unwrap_or("another model");
    Some(format!(
        "Answered by {served}, not {} (substituted)",
        report.model
    ))
}

/// How an answer's attempts went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttemptStats {
    pub attempts: usize,
    /// Attempts that repeated the previous attempt's model.
    pub retries: usize,
    /// Some attempt went to another model than the one asked for.
    pub fallback_used: bool,
}

pub fn attempt_stats(report: &PaneReport) -> AttemptStats {
    let a = &report.attempts;
    let retries = a
        .windows(2)
        .filter(|w| w[0].provider == w[1].provider && w[0].model == w[1].model)
        .count();
    let fallback_used = a
        .iter()
        .any(|t| t.provider != report.provider || t.model != report.model);
    AttemptStats {
        attempts: a.len(),
        retries,
        fallback_used,
    }
}

/// One line per attempt, when there was more than one.
pub fn attempt_lines(report: &PaneReport) -> Vec<String> {
    if report.attempts.len() < 2 {
        return Vec::new();
    }
    report
        .attempts
        .iter()
        .map(|a| {
            let outcome = match &a.error {
                Some(e) => error_line(e),
                None => "answered".to_string(),
            };
            let waited = if a.waited_ms > 0 {
                format!(" after waiting {}", duration(a.waited_ms as f64))
            } else {
                String::new()
            };
            format!("{}:{}{waited}: {outcome}", a.provider, a.model)
        })
        .collect()
}

/// `rate_limited (HTTP 429): slow down`.
pub fn error_line(e: &PaneError) -> String {
    match e.status {
        Some(s) => format!("{} (HTTP {s}): {}", snake(&e.kind), e.message),
        None => format!("{}: {}", snake(&e.kind), e.message),
    }
}

/// What a status means for the text shown, when it is not a plain finished answer.
pub fn status_note(status: AnswerStatus) -> Option<&'static str> {
    match status {
        AnswerStatus::Done | AnswerStatus::Failed => None,
        AnswerStatus::Stopped => Some("Stopped by the user: the answer is partial."),
        AnswerStatus::Interrupted => {
            Some("Interrupted (Juxta closed while it streamed): the answer is partial.")
        }
        AnswerStatus::Streaming => Some("Still streaming when exported: the answer is partial."),
    }
}

/// `★★★★☆ (4/5)`.
pub fn stars(rating: u8) -> String {
    let r = usize::from(rating.min(5));
    format!("{}{} ({r}/5)", "★".repeat(r), "☆".repeat(5 - r))
}

/// A tool call's arguments, pretty-printed (a string that holds JSON is unwrapped).
pub fn pretty_arguments(args: &serde_json::Value) -> String {
    let parsed;
    let value = match args {
        serde_json::Value::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => return s.clone(),
        },
        other => other,
    };
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// Which pane a single-pane follow-up went to, as a label.
pub fn only_pane_label(c: &Comparison, turn: &Turn) -> Option<String> {
    let id = turn.only_pane?;
    Some(match locate(c, id) {
        Some((i, p)) => format!("pane {} ({} · {})", i + 1, p.provider, p.model),
        None => format!("pane #{id}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Attempt, Metrics};

    #[test]
    fn times_are_utc_minutes() {
        // 2026-11-26 14:03:05.123 UTC
        assert_eq!(human_time(1_795_701_785_123), "2026-11-26 14:03 UTC");
        assert_eq!(rfc3339(1_795_701_785_123), "2026-11-26T14:03:05.123Z");
        assert_eq!(human_time(i64::MAX), format!("{} ms since 1970", i64::MAX));
        assert_eq!(rfc3339(i64::MIN), "");
    }

    #[test]
    fn costs_and_durations_read_well() {
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(0.000125), "$0.000125");
        assert_eq!(usd(12.0), "$12.00");
        assert_eq!(duration(312.4), "312 ms");
        assert_eq!(duration(2410.0), "2.41 s");
    }

    fn attempt(provider: &str, model: &str) -> Attempt {
        Attempt {
            provider: provider.into(),
            model: model.into(),
            status: None,
            error: None,
            waited_ms: 0,
        }
    }

    #[test]
    fn retries_and_fallbacks_are_told_apart() {
        let mut r = PaneReport::new("openai", "gpt-4o");
        r.attempts = vec![
            attempt("openai", "gpt-4o"),
            attempt("openai", "gpt-4o"),
            attempt("anthropic", "claude"),
        ];
        assert_eq!(
            attempt_stats(&r),
            AttemptStats {
                attempts: 3,
                retries: 1,
                fallback_used: true
            }
        );
        r.attempts.truncate(2);
        assert_eq!(
            attempt_stats(&r),
            AttemptStats {
                attempts: 2,
                retries: 1,
                fallback_used: false
            }
        );
    }

    #[test]
    fn estimated_speed_is_marked() {
        let mut r = PaneReport::new("p", "m");
        r.metrics = Metrics {
            ttft_ms: Some(100.0),
            total_ms: Some(900.0),
            output_tokens_per_s: Some(42.0),
            estimated: true,
        };
        let rows = metrics(&r);
        assert!(
            rows.contains(&("Output speed", "42.0 tok/s (estimated)".to_string())),
            "{rows:?}"
        );
        assert!(rows.contains(&("TTFT", "100 ms".to_string())));
    }

    #[test]
    fn string_arguments_holding_json_are_unwrapped() {
        let v = serde_json::json!("{\"city\":\"Paris\"}");
        assert_eq!(pretty_arguments(&v), "{\n  \"city\": \"Paris\"\n}");
        assert_eq!(pretty_arguments(&serde_json::json!("not json")), "not json");
    }
}
