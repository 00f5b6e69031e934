//! Latency, throughput and cost of one answer, from monotonic timestamps.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::catalog::PriceTable;
use crate::event::Usage;

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Metrics {
    /// Request sent → first text or reasoning byte out of the decoder.
    pub ttft_ms: Option<f64>,
    /// Request sent → end of the stream.
    pub total_ms: Option<f64>,
    /// Output tokens over the generation time (first token → end).
    pub output_tokens_per_s: Option<f64>,
    /// True when the provider sent no usage and token counts were estimated from the text.
    pub estimated: bool,
}

/// A rough token count for providers that report none: ~4 characters per token in English
/// prose and code. Marked `estimated` wherever it is used.
pub fn estimate_tokens(text: &str) -> u64 {
    let chars = text.chars().count() as u64;
    chars.div_ceil(4)
}

/// The shortest generation time a rate is given for. A whole answer in one burst (a buffering proxy, a cached
/// answer, an unpaced mock) makes (total - ttft) the time to read a few bytes, not to write the tokens, and the
/// rate millions of tokens a second: better none than that.
pub const MIN_RATE_WINDOW: Duration = Duration::from_millis(5);

/// Compute the metrics of an answer. `ttft`/`total` are measured from the request being sent;
/// `streamed` is what came out (reasoning and text), used only when the provider sent no usage.
pub fn compute(ttft: Option<Duration>, total: Option<Duration>, usage: Option<&Usage>, streamed: &[&str]) -> Metrics {
    let (output_tokens, estimated) = match usage {
        Some(u) if u.output_tokens > 0 => (u.output_tokens, false),
        _ => (streamed.iter().map(|s| estimate_tokens(s)).sum(), true),
    };
    let rate = match (ttft, total) {
        // The first token is already out at ttft; the rest took (total - ttft).
        (Some(first), Some(end)) if end >= first + MIN_RATE_WINDOW && output_tokens > 1 => {
            Some((output_tokens - 1) as f64 / (end - first).as_secs_f64())
        }
        _ => None,
    };
    Metrics {
        ttft_ms: ttft.map(ms),
        total_ms: total.map(ms),
        output_tokens_per_s: rate.map(|r| (r * 10.0).round() / 10.0),
        estimated: estimated && output_tokens > 0,
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// The cost of an answer in USD: what the provider says it cost (OpenRouter's `usage.cost`), else
/// the price table's entry for this provider and model, else unknown.
pub fn cost_usd(prices: &PriceTable, provider: &str, model: &str, served: Option<&str>, usage: &Usage) -> Option<f64> {
    if let Some(c) = usage.provider_cost_usd {
        return Some(c);
    }
    let price = served.and_then(|s| prices.lookup(provider, s)).or_else(|| prices.lookup(provider, model))?;
    Some(price.cost(usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_counts_tokens_after_the_first() {
        let usage = Usage { output_tokens: 101, ..Default::default() };
        let m = compute(Some(Duration::from_millis(500)), Some(Duration::from_millis(2500)), Some(&usage), &[]);
        assert_eq!(m.ttft_ms, Some(500.0));
        assert_eq!(m.total_ms, Some(2500.0));
        assert_eq!(m.output_tokens_per_s, Some(50.0));
        assert!(!m.estimated);
    }

    #[test]
    fn without_usage_tokens_are_estimated_and_marked() {
        let m = compute(Some(Duration::from_millis(100)), Some(Duration::from_millis(1100)), None, &[&"abcd".repeat(20), &"abcd".repeat(21)]);
        assert!(m.estimated);
        assert_eq!(m.output_tokens_per_s, Some(40.0));
    }

    #[test]
    fn no_rate_for_an_answer_that_came_in_one_burst() {
        let usage = Usage { output_tokens: 80, ..Default::default() };
        let burst = compute(Some(Duration::from_micros(3000)), Some(Duration::from_micros(3020)), Some(&usage), &[]);
        assert_eq!(burst.output_tokens_per_s, None, "80 tokens in 20 µs is a read, not a speed");
        assert_eq!(burst.total_ms, Some(3.02));
        let fast = compute(Some(Duration::from_millis(3)), Some(Duration::from_millis(3) + MIN_RATE_WINDOW), Some(&usage), &[]);
        assert_eq!(fast.output_tokens_per_s, Some(15_800.0));
    }

    #[test]
    fn no_rate_without_a_first_token() {
        let m = compute(None, Some(Duration::from_millis(100)), None, &[]);
        assert_eq!(m.output_tokens_per_s, None);
        assert!(!m.estimated);
    }

    #[test]
    fn provider_cost_wins_over_the_table() {
        let prices = PriceTable::bundled();
        let usage = Usage { input_tokens: 1_000_000, output_tokens: 1_000_000, provider_cost_usd: Some(0.42), ..Default::default() };
        assert_eq!(cost_usd(&prices, "openrouter", "x/unknown", None, &usage), Some(0.42));
        let usage = Usage { input_tokens: 1_000_000, ..Default::default() };
        assert_eq!(cost_usd(&prices, "nobody", "no-such-model", None, &usage), None);
    }
}
