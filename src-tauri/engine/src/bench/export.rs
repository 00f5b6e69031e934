//! A benchmark out of Juxta: CSV with one row per run, and JSON (the report itself).
//!
//! CSV columns, in order: `seq` (0-based, the order runs finished), `pane` (0-based), `label`
//! (`provider/model`), `input` (0-based prompt-set row, empty without inputs), `rep` (0-based),
//! `started_ms`, `ok` / `stopped` / `substituted` (`true`/`false`), `error_class`
//! (`rate_limited`, `server`, `timeout`, `in_stream`, `other`, empty unless failed), `error`,
//! `ttft_ms`, `total_ms`, `output_tokens`, `tokens_per_s`, `cost_usd`, `retries`, `served_model`,
//! `text`. Times in milliseconds from the bench start; empty cells are unknown values.

use super::types::BenchReport;

/// The CSV header, as written.
pub const CSV_COLUMNS: [&str; 19] = [
    "seq",
    "pane",
    "label",
    "input",
    "rep",
    "started_ms",
    "ok",
    "stopped",
    "substituted",
    "error_class",
    "error",
    "ttft_ms",
    "total_ms",
    "output_tokens",
    "tokens_per_s",
    "cost_usd",
    "retries",
    "served_model",
    "text",
];

/// One row per run under a header (RFC 4180 quoting).
pub fn to_csv(report: &BenchReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let opt = |v: Option<String>| v.unwrap_or_default();
    // Writing to memory cannot fail, and every row has the header's length.
    let _ = w.write_record(CSV_COLUMNS);
    for (seq, run) in report.runs.iter().enumerate() {
        let label = report
            .panes
            .get(run.pane)
            .map(|p| p.label.clone())
            .unwrap_or_default();
        let _ = w.write_record([
            seq.to_string(),
            run.pane.to_string(),
            label,
            opt(run.input.map(|i| i.to_string())),
            run.rep.to_string(),
            num(run.started_ms),
            run.ok.to_string(),
            run.stopped.to_string(),
            run.substituted.to_string(),
            opt(run.error_class.map(|c| c.as_str().to_string())),
            opt(run.error.clone()),
            opt(run.ttft_ms.map(num)),
            opt(run.total_ms.map(num)),
            opt(run.output_tokens.map(|t| t.to_string())),
            opt(run.tokens_per_s.map(num)),
            opt(run.cost_usd.map(|c| c.to_string())),
            run.retries.to_string(),
            opt(run.served_model.clone()),
            run.text.clone(),
        ]);
    }
    w.into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// Milliseconds to the microsecond.
fn num(v: f64) -> String {
    format!("{:.3}", v)
}

/// The report as pretty JSON (the `juxta bench --json` document).
pub fn to_json(report: &BenchReport) -> String {
    // Only maps with non-string keys can fail to serialise; the report has none.
    serde_json::to_string_pretty(report).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::test_support::sample_report;

    #[test]
    fn csv_has_a_header_and_one_row_per_run_that_read_back() {
        let text = to_csv(&sample_report());
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        let col = |row: &csv::StringRecord, name: &str| {
            row.get(CSV_COLUMNS.iter().position(|c| *c == name).unwrap())
                .unwrap()
                .to_string()
        };
        let (a, b) = (&rows[0], &rows[1]);
        assert_eq!(col(a, "seq"), "0");
        assert_eq!(col(a, "label"), "p0/m");
        assert_eq!(col(a, "input"), "1");
        assert_eq!(col(a, "ok"), "true");
        assert_eq!(col(a, "ttft_ms"), "123.457");
        assert_eq!(col(a, "output_tokens"), "40");
        assert_eq!(col(a, "cost_usd").parse::<f64>().unwrap(), 0.00012);
        assert_eq!(col(a, "served_model"), "m-2024");
        assert_eq!(col(a, "text"), "line one, with a comma\nand \"quotes\"");
        assert_eq!(col(a, "error_class"), "");
        assert_eq!(col(b, "label"), "p1/m");
        assert_eq!(col(b, "ok"), "false");
        assert_eq!(col(b, "error_class"), "rate_limited");
        assert_eq!(col(b, "error"), "429: slow down");
        assert_eq!(col(b, "retries"), "2");
        assert_eq!(col(b, "rep"), "3");
        assert_eq!(col(b, "ttft_ms"), "");
    }

    #[test]
    fn json_is_the_report_and_reads_back_equal() {
        let report = sample_report();
        let text = to_json(&report);
        let back: BenchReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["runs"][1]["error_class"], "rate_limited");
        assert_eq!(v["panes"][1]["errors"]["rate_limited"], 1);
        assert_eq!(v["panes"][1]["error_rate"], 1.0);
        assert_eq!(v["panes"][0]["served_models"]["m-2024"], 1);
        assert_eq!(v["plan"]["rps"], 5.0);
        assert_eq!(v["elapsed_ms"], 999.5);
    }
}
