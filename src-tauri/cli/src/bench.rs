//! `juxta bench`: the panes of `compare`, run many times; progress on stderr, a table (or the
//! report as JSON) on stdout, CSV/JSON files on request, and the benchmark kept in history.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use juxta_engine::bench::{
    self, export, prompt_set, BenchEvent, BenchPlan, BenchReport, PaneSummary, Percentiles,
};
use juxta_engine::run::{Runner, Timeouts};
use tokio_util::sync::CancellationToken;

use crate::args::BenchArgs;
use crate::keys::EnvThenKeychain;
use crate::{compare, history, spec, CliError};

pub async fn run(args: BenchArgs) -> Result<u8, CliError> {
    let panes_args = &args.panes;
    if !panes_args.tool_results.is_empty() {
        return Err(CliError::Usage(
            "juxta bench makes one request per run: --tool-result (a tool loop) is for `juxta compare`; leave it out"
                .into(),
        ));
    }
    let catalog = spec::full_catalog(&panes_args.defs.providers)?;
    let prompt = compare::read_prompt(&panes_args.prompt)?;
    let specs = spec::panes(panes_args, &catalog.presets, &prompt)?;
    let inputs = match &args.inputs {
        Some(path) => {
            prompt_set::load(path).map_err(|e| CliError::Usage(format!("bad --inputs: {e}")))?
        }
        None => Vec::new(),
    };
    let plan = BenchPlan {
        repetitions: args.runs,
        concurrency: args.concurrency,
        rps: args.rps,
        inputs,
        retries: Some(panes_args.retries),
    };
    let store = EnvThenKeychain::new();
    compare::check_keys(&store, &specs).await?;
    let runner = Runner::with_tables(
        store,
        catalog.caps,
        catalog.prices,
        Timeouts::default().connect,
    )
    .map_err(|e| CliError::Failed(e.message))?;

    let cancel = CancellationToken::new();
    {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        });
    }
    // Checks the plan and fills every {{variable}} before anything is sent.
    let mut handle = bench::start_bench(&runner, specs, plan, cancel.clone())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    while let Some(event) = handle.events.recv().await {
        if let BenchEvent::Progress {
            done,
            failed,
            remaining,
            elapsed_ms,
            eta_ms,
        } = event
        {
            progress.show(done, failed, remaining, elapsed_ms, eta_ms);
        }
    }
    progress.end();
    let report = handle
        .join
        .await
        .map_err(|e| CliError::Failed(format!("the benchmark crashed: {e}")))?;

    if args.panes.json {
        println!("{}", export::to_json(&report));
    } else {
        print!("{}", table(&report));
    }
    if let Some(path) = &args.csv {
        write_file(path, &export::to_csv(&report))?;
    }
    if let Some(path) = &args.out {
        write_file(path, &export::to_json(&report))?;
    }
    if !args.panes.private {
        let name = args.name.clone().unwrap_or_else(|| default_name(&prompt));
        let id = history::open()?
            .save_bench(&report, &name)
            .map_err(|e| CliError::Failed(e.to_string()))?;
        eprintln!("juxta: benchmark saved to history as #{id}");
    }
    Ok(if report.stopped { 130 } else { 0 })
}

fn write_file(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text)
        .map_err(|e| CliError::Failed(format!("could not write {}: {e}", path.display())))
}

/// The prompt's first line, cut at 60 characters.
fn default_name(prompt: &str) -> String {
    let line = prompt
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(59).collect::<String>())
    } else {
        line.to_string()
    }
}

/// The progress line on stderr: redrawn in place on a terminal, a plain line about every second
/// otherwise (logs, CI).
struct Progress {
    tty: bool,
    last: Option<Instant>,
    line: String,
}

impl Progress {
    fn new(tty: bool) -> Progress {
        Progress {
            tty,
            last: None,
            line: String::new(),
        }
    }

    fn show(
        &mut self,
        done: u32,
        failed: u32,
        remaining: u32,
        elapsed_ms: f64,
        eta_ms: Option<f64>,
    ) {
        let eta = eta_ms.map_or_else(|| "?".to_string(), clock);
        let line = format!(
            "bench: {done} done, {failed} failed, {remaining} remaining · {} elapsed · ETA {eta}",
            clock(elapsed_ms)
        );
        if line == self.line {
            return;
        }
        self.line = line;
        let now = Instant::now();
        let mut err = std::io::stderr().lock();
        if self.tty {
            let _ = write!(err, "\r\x1b[2K{}", self.line);
            let _ = err.flush();
        } else if self.last.is_none_or(|t| now - t >= Duration::from_secs(1)) || remaining == 0 {
            self.last = Some(now);
            let _ = writeln!(err, "{}", self.line);
        }
    }

    fn end(&self) {
        if self.tty && !self.line.is_empty() {
            eprintln!();
        }
    }
}

/// `1:05` or `12.3 s`.
fn clock(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        let s = s.round() as u64;
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The per-pane table, then one line per pane with failures by class.
pub fn table(report: &BenchReport) -> String {
    let header = [
        "pane",
        "runs",
        "ok",
        "err %",
        "ttft p50",
        "p95",
        "p99",
        "total p50",
        "p95",
        "p99",
        "tok/s p50",
        "$/run",
        "$/1k",
        "subst %",
        "served",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for (i, p) in report.panes.iter().enumerate() {
        let pct = |q: &Option<Percentiles>, f: fn(&Percentiles) -> f64| {
            q.as_ref().map_or("–".to_string(), |q| ms(f(q)))
        };
        let served: Vec<String> = p
            .served_models
            .iter()
            .map(|(m, n)| format!("{m}×{n}"))
            .collect();
        rows.push(vec![
            format!("[{}] {}", i + 1, p.label),
            p.runs.to_string(),
            p.ok.to_string(),
            format!("{:.1}", p.error_rate * 100.0),
            pct(&p.ttft, |q| q.p50),
            pct(&p.ttft, |q| q.p95),
            pct(&p.ttft, |q| q.p99),
            pct(&p.total, |q| q.p50),
            pct(&p.total, |q| q.p95),
            pct(&p.total, |q| q.p99),
            p.tokens_per_s
                .as_ref()
                .map_or("–".into(), |q| format!("{:.1}", q.p50)),
            p.cost_per_run.map_or("–".into(), |c| format!("{c:.6}")),
            p.cost_per_1000.map_or("–".into(), |c| format!("{c:.3}")),
            format!("{:.1}", p.substitution_rate * 100.0),
            if served.is_empty() {
                "–".into()
            } else {
                served.join(", ")
            },
        ]);
    }
    let columns = header.len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = widths[c] - cell.chars().count();
                // Text left, figures right; the last column is not padded.
                if c == 0 {
                    format!("{cell}{}", " ".repeat(pad))
                } else if c == columns - 1 {
                    cell.clone()
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    for (i, p) in report.panes.iter().enumerate() {
        if let Some(line) = failures(p) {
            out.push_str(&format!("[{}] {line}\n", i + 1));
        }
    }
    let runs = report.runs.len();
    out.push_str(&format!(
        "{runs} runs in {}{}; times in ms from the request leaving (monotonic clock)\n",
        clock(report.elapsed_ms),
        if report.stopped {
            ", stopped before the end (runs not started are left out)"
        } else {
            ""
        }
    ));
    out
}

/// `failed 20: rate_limited 20 · retries 0 · stopped 3`, or None when nothing went wrong.
fn failures(p: &PaneSummary) -> Option<String> {
    if p.failed == 0 && p.stopped == 0 && p.retries == 0 {
        return None;
    }
    let e = &p.errors;
    let classes: Vec<String> = [
        ("rate_limited", e.rate_limited),
        ("server", e.server),
        ("timeout", e.timeout),
        ("in_stream", e.in_stream),
        ("other", e.other),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(name, n)| format!("{name} {n}"))
    .collect();
    let mut parts = vec![format!("failed {}", p.failed)];
    if !classes.is_empty() {
        parts[0].push_str(&format!(" ({})", classes.join(", ")));
    }
    parts.push(format!("retries {}", p.retries));
    if p.stopped > 0 {
        parts.push(format!("stopped {}", p.stopped));
    }
    Some(parts.join(" · "))
}

fn ms(v: f64) -> String {
    format!("{v:.0}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_clocks() {
        assert_eq!(
            default_name("\n  Describe {{city}}\nmore"),
            "Describe {{city}}"
        );
        assert_eq!(default_name(&"x".repeat(80)).chars().count(), 60);
        assert_eq!(clock(1234.0), "1.2 s");
        assert_eq!(clock(65_000.0), "1:05");
    }
}
