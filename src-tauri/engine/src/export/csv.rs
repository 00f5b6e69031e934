//! CSV: one row per answer, the metrics a spreadsheet wants and the answer text last.
//! Turn and pane indexes are 1-based, as the Markdown and HTML exports number them.

use super::common;
use crate::store::{Answer, Comparison};

/// The header row; every record has exactly these columns.
pub const COLUMNS: [&str; 28] = [
    "comparison_id",
    "title",
    "turn_index",
    "pane_index",
    "provider",
    "model",
    "served_model",
    "substituted",
    "status",
    "finish_reason",
    "ttft_ms",
    "total_ms",
    "output_tokens_per_s",
    "tokens_estimated",
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cached_tokens",
    "cost_usd",
    "attempts",
    "retries",
    "fallback_used",
    "error_kind",
    "error_message",
    "rating",
    "started_at",
    "finished_at",
    "text",
];

type Row = [String; COLUMNS.len()];

pub fn render(comparisons: &[Comparison]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing fixed-width records into memory has no way to fail; a failure would only lose rows.
    let _ = w.write_record(COLUMNS);
    for c in comparisons {
        for (t, turn) in c.turns.iter().enumerate() {
            for answer in &turn.answers {
                let _ = w.write_record(row(c, t, answer));
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn row(c: &Comparison, turn_index: usize, a: &Answer) -> Row {
    let r = &a.report;
    let located = common::locate(c, a.pane_id);
    let (provider, model) = match located {
        Some((_, p)) => (p.provider.clone(), p.model.clone()),
        None => (r.provider.clone(), r.model.clone()),
    };
    let usage = r.usage.as_ref();
    let stats = common::attempt_stats(r);
    [
        c.id.to_string(),
        c.title.clone(),
        (turn_index + 1).to_string(),
        located.map_or(String::new(), |(i, _)| (i + 1).to_string()),
        provider,
        model,
        r.served_model.clone().unwrap_or_default(),
        r.substituted.to_string(),
        common::snake(&a.status),
        r.finish_reason
            .as_ref()
            .map(common::snake)
            .unwrap_or_default(),
        opt(r.metrics.ttft_ms),
        opt(r.metrics.total_ms),
        opt(r.metrics.output_tokens_per_s),
        r.metrics.estimated.to_string(),
        opt(usage.map(|u| u.input_tokens)),
        opt(usage.map(|u| u.output_tokens)),
        opt(usage.map(|u| u.reasoning_tokens)),
        opt(usage.map(|u| u.cached_tokens)),
        opt(r.cost_usd),
        stats.attempts.to_string(),
        stats.retries.to_string(),
        stats.fallback_used.to_string(),
        r.error
            .as_ref()
            .map(|e| common::snake(&e.kind))
            .unwrap_or_default(),
        r.error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
        opt(located.and_then(|(_, p)| p.rating)),
        common::rfc3339(a.started_at),
        a.finished_at.map(common::rfc3339).unwrap_or_default(),
        r.text.clone(),
    ]
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}
