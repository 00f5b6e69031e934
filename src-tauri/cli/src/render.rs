//! Live terminal output: every pane streams at once, line by line, each line labelled with its
//! pane; a single pane streams raw, like `curl -N`. Metrics lines come at the end.

use std::io::{self, Write};

use juxta_engine::run::{PaneReport, RunEvent};
use juxta_engine::validate::SchemaCheck;
use juxta_engine::{ErrorKind, FinishReason};

pub struct Renderer {
    labels: Vec<String>,
    color: bool,
    /// The part of each pane's current line not yet printed (multi-pane mode).
    pending: Vec<String>,
    /// Whether each pane's pending line is reasoning.
    reasoning: Vec<bool>,
    out: io::Stdout,
}

const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";
const PALETTE: [&str; 6] = [
    "\x1b[36m", "\x1b[35m", "\x1b[32m", "\x1b[34m", "\x1b[33m", "\x1b[91m",
];

impl Renderer {
    pub fn new(names: &[String], color: bool) -> Renderer {
        let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
        let labels = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("[{}] {n:<width$}", i + 1))
            .collect();
        Renderer {
            labels,
            color,
            pending: vec![String::new(); names.len()],
            reasoning: vec![false; names.len()],
            out: io::stdout(),
        }
    }

    fn single(&self) -> bool {
        self.labels.len() == 1
    }

    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn label(&self, i: usize) -> String {
        self.paint(
            &format!("{BOLD}{}", PALETTE[i % PALETTE.len()]),
            &self.labels[i],
        )
    }

    pub fn event(&mut self, i: usize, event: &RunEvent) {
        match event {
            RunEvent::Text { text } => self.stream(i, text, false),
            RunEvent::Reasoning { text } => self.stream(i, text, true),
            RunEvent::ToolCall { call } => {
                let line = self.paint(
                    YELLOW,
                    &format!("tool call {}({})", call.name, call.arguments),
                );
                let verdict = match &call.check {
                    Some(check) => format!(" {}", self.verdict(check)),
                    None => String::new(),
                };
                self.note(i, &format!("{line}{verdict}"));
            }
            RunEvent::Queued { provider, limit } => {
                let line = format!("queued: {provider} runs {limit} at a time");
                self.note(i, &self.paint(DIM, &line));
            }
            RunEvent::Retry { error, wait_ms, .. } => {
                let status = error
                    .status
                    .map(|s| format!(" HTTP {s}"))
                    .unwrap_or_default();
                let line = format!(
                    "retrying in {:.1} s after {}{status}: {}",
                    *wait_ms as f64 / 1000.0,
                    name(&error.kind),
                    error.message
                );
                self.note(i, &self.paint(YELLOW, &line));
            }
            RunEvent::Fallback {
                to_provider,
                to_model,
                reason,
                ..
            } => {
                let line = format!("falling back to {to_provider}:{to_model} ({reason})");
                self.note(i, &self.paint(YELLOW, &line));
            }
            RunEvent::Done { report } => {
                self.flush_line(i);
                if let Some(s) = &report.structured {
                    let line = format!("schema {}", self.verdict(&s.check));
                    self.note(i, &line);
                }
            }
            _ => {}
        }
    }

    /// `✓ valid`, or `✗ PATH: MESSAGE` for the first violation (`(root)` for the value itself).
    fn verdict(&self, check: &SchemaCheck) -> String {
        if check.valid {
            return self.paint(GREEN, "✓ valid");
        }
        let text = match check.violations.first() {
            Some(v) => {
                let path = if v.path.is_empty() {
                    "(root)"
                } else {
                    v.path.as_str()
                };
                format!("✗ {path}: {}", v.message)
            }
            None => "✗ invalid".to_string(),
        };
        self.paint(RED, &text)
    }

    /// Step `step` of a tool loop starts: what was sent back.
    pub fn step(&mut self, i: usize, step: usize, sent: &[(String, String)]) {
        let results: Vec<String> = sent
            .iter()
            .map(|(name, result)| format!("{name} → {}", short(result)))
            .collect();
        let line = format!("step {step}: sent {}", results.join(", "));
        self.note(i, &self.paint(BOLD, &line));
    }

    /// The loop stopped at a call of a tool without a canned result.
    pub fn no_result(&mut self, i: usize, tool: &str) {
        let line =
            format!("stopped: no result for tool {tool} (give one with --tool-result {tool}=JSON)");
        self.note(i, &self.paint(YELLOW, &line));
    }

    /// The loop stopped at `--max-steps`.
    pub fn max_steps(&mut self, i: usize, steps: usize) {
        let line =
            format!("stopped after {steps} steps: the model still calls tools (raise --max-steps)");
        self.note(i, &self.paint(YELLOW, &line));
    }

    /// Text or reasoning deltas.
    fn stream(&mut self, i: usize, text: &str, reasoning: bool) {
        if self.single() {
            if reasoning != self.reasoning[i] {
                // A line break between thinking and the answer.
                let _ = self.out.write_all(b"\n");
                self.reasoning[i] = reasoning;
            }
            let shown = if reasoning {
                self.paint(DIM, text)
            } else {
                text.to_string()
            };
            let _ = self.out.write_all(shown.as_bytes());
            let _ = self.out.flush();
            return;
        }
        if reasoning != self.reasoning[i] {
            self.flush_line(i);
            self.reasoning[i] = reasoning;
        }
        let mut rest = text;
        while let Some(pos) = rest.find('\n') {
            self.pending[i].push_str(&rest[..pos]);
            self.print_line(i);
            rest = &rest[pos + 1..];
        }
        self.pending[i].push_str(rest);
        // Long lines without a break still show up as they grow.
        if self.pending[i].len() > 160 {
            self.print_line(i);
        }
    }

    fn print_line(&mut self, i: usize) {
        let line = std::mem::take(&mut self.pending[i]);
        let mark = if self.reasoning[i] { "~" } else { "│" };
        let body = if self.reasoning[i] {
            self.paint(DIM, &line)
        } else {
            line
        };
        let label = self.label(i);
        let _ = writeln!(self.out, "{label} {mark} {body}");
        let _ = self.out.flush();
    }

    fn flush_line(&mut self, i: usize) {
        if self.single() {
            return;
        }
        if !self.pending[i].is_empty() {
            self.print_line(i);
        }
    }

    fn note(&mut self, i: usize, text: &str) {
        if self.single() {
            let _ = writeln!(self.out, "\n{text}");
        } else {
            self.flush_line(i);
            let label = self.label(i);
            let _ = writeln!(self.out, "{label} · {text}");
        }
        let _ = self.out.flush();
    }

    /// The end of the run: one metrics line per pane, in order.
    /// `steps[i]`: how many requests pane `i` made (more than one in a tool loop).
    pub fn summary(&mut self, reports: &[PaneReport], steps: &[usize]) {
        let _ = writeln!(self.out);
        for (i, r) in reports.iter().enumerate() {
            let label = self.label(i);
            let mut line = self.summary_line(r);
            if let Some(&n) = steps.get(i).filter(|n| **n > 1) {
                line.push_str(&format!(" · {n} steps"));
            }
            let _ = writeln!(self.out, "{label} {line}");
        }
        let _ = self.out.flush();
    }

    fn summary_line(&self, r: &PaneReport) -> String {
        if let Some(e) = &r.error {
            let status = e.status.map(|s| format!(" HTTP {s}")).unwrap_or_default();
            let kept = if r.text.is_empty() {
                String::new()
            } else {
                format!(" ({} chars kept)", r.text.len())
            };
            // The attempt that failed last names the provider (a fallback may have moved on from the first).
            let provider = r.attempts.last().map_or(r.provider.as_str(), |a| a.provider.as_str());
            let step = next_step(e.kind, provider);
            return self.paint(
                RED,
                &format!("✗ {}{status}: {}{step}{kept}", name(&e.kind), e.message),
            );
        }
        let mut parts = Vec::new();
        parts.push(match r.finish_reason {
            Some(FinishReason::Cancelled) => "■ stopped".to_string(),
            Some(reason) => format!("✓ {}", name(&reason)),
            None => "✓".to_string(),
        });
        let m = &r.metrics;
        if let Some(t) = m.ttft_ms {
            parts.push(format!("ttft {}", ms(t)));
        }
        if let Some(t) = m.total_ms {
            parts.push(format!("total {}", ms(t)));
        }
        if let Some(rate) = m.output_tokens_per_s {
            parts.push(format!(
                "{rate:.1} tok/s{}",
                if m.estimated { " (estimated)" } else { "" }
            ));
        }
        if let Some(u) = &r.usage {
            let reasoning = if u.reasoning_tokens > 0 {
                format!(" ({} reasoning)", u.reasoning_tokens)
            } else {
                String::new()
            };
            parts.push(format!(
                "{} in / {} out{reasoning} tokens",
                u.input_tokens, u.output_tokens
            ));
        }
        if let Some(c) = r.cost_usd {
            parts.push(format!("${c:.5}"));
        }
        let retries = r.attempts.len().saturating_sub(1);
        if retries > 0 {
            parts.push(format!("{} attempts", r.attempts.len()));
        }
        let mut line = parts.join(" · ");
        if let Some(served) = &r.served_model {
            if r.substituted {
                line.push_str(
                    &self.paint(YELLOW, &format!(" · ⚠ served by {served}, not {}", r.model)),
                );
            } else if served != &r.model {
                line.push_str(&format!(" · served {served}"));
            }
        }
        if let Some(by) = &r.served_by {
            line.push_str(&format!(" via {by}"));
        }
        line
    }
}

/// The command that acts on an error whose advice (from the engine) says what to check, as a suffix
/// for its message (" (juxta keys set openai)"), or "" when there is none.
pub fn next_step(kind: ErrorKind, provider: &str) -> String {
    match kind {
        ErrorKind::Auth => format!(" (juxta keys set {provider})"),
        ErrorKind::NotFound => format!(" (juxta models {provider} lists its models)"),
        _ => String::new(),
    }
}

/// The name a value has in `--json` output (`rate_limited`, `tool_calls`).
fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// A tool result on one line, cut at 80 characters.
fn short(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(79).collect::<String>())
    } else {
        line
    }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}
