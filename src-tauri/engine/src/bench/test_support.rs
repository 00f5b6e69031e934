//! A sample [`BenchReport`] for the unit tests of the bench exports and the bench store.

use std::collections::BTreeMap;

use super::summary::tests::run;
use super::summary::{summarize, PaneInfo};
use super::{BenchPlan, BenchReport, ErrorClass};

/// Two panes, one run each: pane 0 answered (every figure set, a substituted model, a text with a
/// comma, a newline and quotes), pane 1 was rate limited after two retries. The plan sets every field.
pub(crate) fn sample_report() -> BenchReport {
    let mut a = run(0, true);
    a.ttft_ms = Some(123.4567);
    a.total_ms = Some(456.0);
    a.output_tokens = Some(40);
    a.tokens_per_s = Some(99.9);
    a.cost_usd = Some(0.00012);
    a.served_model = Some("m-2024".into());
    a.substituted = true;
    a.text = "line one, with a comma\nand \"quotes\"".into();
    a.input = Some(1);
    let mut b = run(1, false);
    b.error_class = Some(ErrorClass::RateLimited);
    b.error = Some("429: slow down".into());
    b.retries = 2;
    b.rep = 3;
    b.started_ms = 1.5;
    let runs = vec![a, b];
    let panes = (0..2)
        .map(|pane| {
            summarize(
                &PaneInfo {
                    pane,
                    label: format!("p{pane}/m"),
                    provider: format!("p{pane}"),
                    model: "m".into(),
                },
                &runs,
            )
        })
        .collect();
    let inputs = vec![BTreeMap::from([("x".to_string(), "1".to_string())]); 2];
    BenchReport {
        started_at: 1_700_000_000_000,
        elapsed_ms: 999.5,
        plan: BenchPlan {
            repetitions: 4,
            concurrency: 2,
            rps: Some(5.0),
            inputs,
            retries: Some(0),
        },
        stopped: true,
        panes,
        runs,
    }
}
