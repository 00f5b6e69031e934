//! One pane's figures from its runs, pure.

use std::collections::BTreeMap;

use super::stats::{mean, Percentiles};
use super::types::{BenchRun, ErrorCounts, PaneSummary};

/// Which pane a summary is about.
#[derive(Debug, Clone, PartialEq)]
pub struct PaneInfo {
    pub pane: usize,
    pub label: String,
    pub provider: String,
    pub model: String,
}

/// Summarise the runs of `info.pane` found in `runs` (runs of other panes are skipped).
pub fn summarize(info: &PaneInfo, runs: &[BenchRun]) -> PaneSummary {
    let mine: Vec<&BenchRun> = runs.iter().filter(|r| r.pane == info.pane).collect();
    let count = |f: &dyn Fn(&BenchRun) -> bool| mine.iter().filter(|r| f(r)).count() as u32;
    let ok = count(&|r| r.ok);
    let stopped = count(&|r| r.stopped);
    let failed = count(&|r| !r.ok && !r.stopped);
    let ended = mine.len() as u32 - stopped;
    let mut errors = ErrorCounts::default();
    for class in mine
        .iter()
        .filter(|r| !r.ok && !r.stopped)
        .filter_map(|r| r.error_class)
    {
        errors.add(class);
    }
    let of_ok = |f: &dyn Fn(&BenchRun) -> Option<f64>| {
        let values: Vec<f64> = mine.iter().filter(|r| r.ok).filter_map(|r| f(r)).collect();
        Percentiles::of(&values)
    };
    let costs: Vec<f64> = mine.iter().filter_map(|r| r.cost_usd).collect();
    let cost_per_run = mean(&costs);
    let mut served_models = BTreeMap::new();
    for name in mine.iter().filter_map(|r| r.served_model.as_ref()) {
        *served_models.entry(name.clone()).or_insert(0) += 1;
    }
    let substituted = count(&|r| r.ok && r.substituted);
    PaneSummary {
        pane: info.pane,
        label: info.label.clone(),
        provider: info.provider.clone(),
        model: info.model.clone(),
        runs: mine.len() as u32,
        ok,
        failed,
        stopped,
        error_rate: ratio(failed, ended),
        errors,
        retries: mine.iter().map(|r| r.retries).sum(),
        ttft: of_ok(&|r| r.ttft_ms),
        total: of_ok(&|r| r.total_ms),
        tokens_per_s: of_ok(&|r| r.tokens_per_s),
        cost_per_run,
        cost_per_1000: cost_per_run.map(|c| c * 1000.0),
        substitution_rate: ratio(substituted, ok),
        served_models,
    }
}

/// a / b, 0 when b is 0.
fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::bench::ErrorClass;

    pub(crate) fn run(pane: usize, ok: bool) -> BenchRun {
        BenchRun {
            pane,
            input: None,
            rep: 0,
            started_ms: 0.0,
            ok,
            error_class: (!ok).then_some(ErrorClass::Other),
            stopped: false,
            error: (!ok).then(|| "failed".to_string()),
            ttft_ms: None,
            total_ms: None,
            output_tokens: None,
            tokens_per_s: None,
            cost_usd: None,
            retries: 0,
            served_model: None,
            substituted: false,
            text: String::new(),
        }
    }

    fn info(pane: usize) -> PaneInfo {
        PaneInfo {
            pane,
            label: "p/m".into(),
            provider: "p".into(),
            model: "m".into(),
        }
    }

    #[test]
    fn every_figure_by_hand() {
        let mut runs = Vec::new();
        // Four successes: ttft 100..400, total 1000..4000, cost 0.001 each, one substituted.
        for i in 1..=4u32 {
            let mut r = run(0, true);
            r.ttft_ms = Some(100.0 * f64::from(i));
            r.total_ms = Some(1000.0 * f64::from(i));
            r.tokens_per_s = Some(10.0 * f64::from(i));
            r.cost_usd = Some(0.001);
            r.served_model = Some(if i == 4 { "mini" } else { "m" }.into());
            r.substituted = i == 4;
            r.retries = u32::from(i == 2);
            runs.push(r);
        }
        // Two failures (429 after 2 retries, a timeout), one stopped, one of another pane.
        let mut limited = run(0, false);
        limited.error_class = Some(ErrorClass::RateLimited);
        limited.retries = 2;
        let mut timed_out = run(0, false);
        timed_out.error_class = Some(ErrorClass::Timeout);
        let mut stopped = run(0, false);
        stopped.error_class = None;
        stopped.stopped = true;
        stopped.cost_usd = Some(0.004);
        runs.extend([limited, timed_out, stopped, run(1, true)]);

        let s = summarize(&info(0), &runs);
        assert_eq!((s.runs, s.ok, s.failed, s.stopped), (7, 4, 2, 1));
        assert!((s.error_rate - 2.0 / 6.0).abs() < 1e-12);
        assert_eq!(
            s.errors,
            ErrorCounts {
                rate_limited: 1,
                timeout: 1,
                ..Default::default()
            }
        );
        assert_eq!(s.retries, 3);
        let ttft = s.ttft.unwrap();
        // [100, 200, 300, 400]: h = 1.5 -> 250; p95 h = 2.85 -> 385; p99 h = 2.97 -> 397.
        assert_eq!((ttft.n, ttft.min, ttft.max), (4, 100.0, 400.0));
        assert!(
            (ttft.p50 - 250.0).abs() < 1e-9
                && (ttft.p95 - 385.0).abs() < 1e-9
                && (ttft.p99 - 397.0).abs() < 1e-9
        );
        assert!((s.total.unwrap().p50 - 2500.0).abs() < 1e-9);
        assert!((s.tokens_per_s.unwrap().mean - 25.0).abs() < 1e-9);
        // Cost: (4 × 0.001 + 0.004) / 5 runs with a known cost.
        assert!((s.cost_per_run.unwrap() - 0.0016).abs() < 1e-12);
        assert!((s.cost_per_1000.unwrap() - 1.6).abs() < 1e-9);
        assert!((s.substitution_rate - 0.25).abs() < 1e-12);
        assert_eq!(
            s.served_models,
            BTreeMap::from([("m".to_string(), 3), ("mini".to_string(), 1)])
        );
    }

    #[test]
    fn no_runs_or_only_stopped_ones_give_zero_rates_and_no_percentiles() {
        let s = summarize(&info(3), &[run(0, true)]);
        assert_eq!((s.runs, s.error_rate, s.substitution_rate), (0, 0.0, 0.0));
        assert!(s.ttft.is_none() && s.cost_per_run.is_none() && s.cost_per_1000.is_none());
        let mut stopped = run(3, false);
        stopped.stopped = true;
        stopped.error_class = None;
        let s = summarize(&info(3), &[stopped]);
        assert_eq!((s.runs, s.failed, s.stopped, s.error_rate), (1, 0, 1, 0.0));
    }
}
