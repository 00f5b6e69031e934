//! `juxta compare`, `juxta models`, `juxta providers`.

use std::io::{IsTerminal, Read};

use std::sync::Arc;

use std::collections::BTreeMap;

use juxta_engine::request::{Message, ToolCallRequest};
use juxta_engine::run::{env_suffix, PaneReport, PaneSpec, RunEvent, Runner, Target};
use juxta_engine::secrets::SecretStore;
use juxta_engine::{ErrorKind, FinishReason};
use serde_json::json;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::args::{CompareArgs, ModelsArgs, ProvidersArgs};
use crate::keys::EnvThenKeychain;
use crate::render::Renderer;
use crate::{history, spec, CliError};

pub(crate) fn read_prompt(arg: &str) -> Result<String, CliError> {
    let prompt = if arg == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::Failed(format!("could not read the prompt from stdin: {e}")))?;
        s
    } else {
        arg.to_string()
    };
    if prompt.trim().is_empty() {
        return Err(CliError::Usage("the prompt is empty".into()));
    }
    Ok(prompt)
}

/// A missing key is a one-line error before anything is sent, not a failed pane.
pub(crate) async fn check_keys(store: &Arc<EnvThenKeychain>, specs: &[PaneSpec]) -> Result<(), CliError> {
    let mut ids: Vec<String> = specs
        .iter()
        .filter(|s| s.target.endpoint.needs_key())
        .map(|s| s.target.endpoint.id.clone())
        .collect();
    ids.dedup();
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        for id in ids {
            match store.get(&id) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(CliError::Usage(format!(
                        "no API key for {id}: run `juxta keys set {id}`, or set JUXTA_KEY_{}",
                        env_suffix(&id)
                    )))
                }
                Err(e) => return Err(CliError::Failed(e.to_string())),
            }
        }
        Ok(())
    })
    .await
    .map_err(|e| CliError::Failed(format!("interrupted: {e}")))?
}

fn runner() -> Result<Runner, CliError> {
    Runner::new(EnvThenKeychain::new()).map_err(|e| CliError::Failed(e.message))
}

pub async fn run(args: CompareArgs) -> Result<u8, CliError> {
    let catalog = spec::full_catalog(&args.defs.providers)?;
    let prompt = read_prompt(&args.prompt)?;
    let specs = spec::panes(&args, &catalog.presets, &prompt)?;
    let results = spec::tool_results(
        &args.tool_results,
        specs
            .first()
            .map(|s| s.request.tools.as_slice())
            .unwrap_or(&[]),
    )?;
    let names: Vec<String> = specs
        .iter()
        .map(|s| format!("{}:{}", s.target.endpoint.id, s.target.model))
        .collect();
    let store = EnvThenKeychain::new();
    check_keys(&store, &specs).await?;
    let connect = juxta_engine::run::Timeouts::default().connect;
    let runner = Runner::with_tables(store, catalog.caps, catalog.prices, connect)
        .map_err(|e| CliError::Failed(e.message))?;

    let all = CancellationToken::new();
    let interrupted = CancellationToken::new();
    {
        let (all, interrupted) = (all.clone(), interrupted.clone());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.cancel();
                all.cancel();
            }
        });
    }

    // Saved to history as it streams, unless --private.
    let recorder = if args.private {
        None
    } else {
        history::Recorder::start(&prompt, &args, &specs)?
    };
    let recorder = recorder.map(Arc::new);
    let tool_loop = Arc::new(ToolLoop {
        results,
        max_steps: args.max_steps as usize,
    });
    let start = |tx: Option<mpsc::UnboundedSender<(usize, Note)>>| -> Vec<JoinHandle<Result<Vec<PaneReport>, String>>> {
        specs
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, spec)| {
                let pane = Pane {
                    index: i,
                    runner: runner.clone(),
                    all: all.clone(),
                    tool_loop: tool_loop.clone(),
                    recorder: recorder.clone(),
                    tx: tx.clone(),
                };
                tokio::spawn(pane.drive(spec))
            })
            .collect()
    };
    let steps: Vec<Vec<PaneReport>> = if args.json {
        let steps = join_all(start(None)).await?;
        let finals: Vec<&PaneReport> = steps.iter().filter_map(|s| s.last()).collect();
        let mut doc =
            json!({ "panes": finals, "comparison_id": recorder.as_ref().map(|r| r.comparison) });
        if steps.iter().any(|s| s.len() > 1) {
            doc["steps"] = json!(steps);
        }
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        steps
    } else {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let mut renderer = Renderer::new(&names, color);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let joins = start(Some(tx));
        while let Some((i, note)) = rx.recv().await {
            match note {
                Note::Event(ev) => renderer.event(i, &ev),
                Note::Step { step, sent } => renderer.step(i, step, &sent),
                Note::NoResult { tool } => renderer.no_result(i, &tool),
                Note::MaxSteps { steps } => renderer.max_steps(i, steps),
            }
        }
        let steps = join_all(joins).await?;
        let finals: Vec<PaneReport> = steps.iter().filter_map(|s| s.last().cloned()).collect();
        let counts: Vec<usize> = steps.iter().map(Vec::len).collect();
        renderer.summary(&finals, &counts);
        steps
    };
    if let Some(rec) = recorder {
        rec.finish();
    }
    if interrupted.is_cancelled() {
        return Ok(130);
    }
    Ok(
        if steps
            .iter()
            .all(|s| s.last().is_some_and(PaneReport::succeeded))
        {
            0
        } else {
            1
        },
    )
}

async fn join_all(
    joins: Vec<JoinHandle<Result<Vec<PaneReport>, String>>>,
) -> Result<Vec<Vec<PaneReport>>, CliError> {
    let mut out = Vec::new();
    for j in joins {
        let steps = j
            .await
            .map_err(|e| CliError::Failed(format!("a pane crashed: {e}")))?;
        out.push(steps.map_err(CliError::Failed)?);
    }
    Ok(out)
}

/// What a pane's driver tells the terminal view.
pub enum Note {
    Event(RunEvent),
    /// Step `step` (2, 3, ...) of a tool loop starts, with these (tool, result) sent back.
    Step {
        step: usize,
        sent: Vec<(String, String)>,
    },
    /// The loop stopped: the model called a tool without a canned result.
    NoResult {
        tool: String,
    },
    /// The loop stopped after `--max-steps` with the model still calling tools.
    MaxSteps {
        steps: usize,
    },
}

/// The canned tool results and how far a loop may go.
struct ToolLoop {
    results: BTreeMap<String, String>,
    max_steps: usize,
}

/// One pane, run step by step: a pane that ends with tool calls whose results were given is
/// continued with them (that pane only), until it answers, a result is missing, or `max_steps`.
struct Pane {
    index: usize,
    runner: Runner,
    all: CancellationToken,
    tool_loop: Arc<ToolLoop>,
    recorder: Option<Arc<history::Recorder>>,
    tx: Option<mpsc::UnboundedSender<(usize, Note)>>,
}

impl Pane {
    fn note(&self, note: Note) {
        if let Some(tx) = &self.tx {
            let _ = tx.send((self.index, note));
        }
    }

    /// Every step's report, in order (at least one).
    async fn drive(self, mut spec: PaneSpec) -> Result<Vec<PaneReport>, String> {
        let mut reports = Vec::new();
        let mut answer = self
            .recorder
            .as_ref()
            .and_then(|r| r.first_answer(self.index));
        loop {
            let step = reports.len() + 1;
            let handle = self.runner.start_pane(spec.clone(), self.all.child_token());
            let mut events = handle.events;
            if self.tx.is_some() || (self.recorder.is_some() && answer.is_some()) {
                self.pump(&mut events, answer).await;
            } else {
                // Nobody watches the live events: dropping the receiver lets the pane skip them.
                drop(events);
            }
            let report = handle
                .join
                .await
                .map_err(|e| format!("a pane crashed: {e}"))?;
            let calls = report.tool_calls.clone();
            let done = report.error.is_some()
                || calls.is_empty()
                || self.tool_loop.results.is_empty()
                || report.finish_reason == Some(FinishReason::Cancelled)
                || self.all.is_cancelled();
            if done {
                reports.push(report);
                return Ok(reports);
            }
            if let Some(call) = calls
                .iter()
                .find(|c| !self.tool_loop.results.contains_key(&c.name))
            {
                self.note(Note::NoResult {
                    tool: call.name.clone(),
                });
                reports.push(report);
                return Ok(reports);
            }
            if step >= self.tool_loop.max_steps {
                self.note(Note::MaxSteps { steps: step });
                reports.push(report);
                return Ok(reports);
            }
            spec = continue_on(spec, &report);
            let requests: Vec<ToolCallRequest> = calls
                .iter()
                .map(|c| ToolCallRequest {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    arguments: c.arguments.clone(),
                })
                .collect();
            spec.request.messages.push(Message::Assistant {
                content: report.text.clone(),
                tool_calls: requests,
                provider_state: report.provider_state.clone(),
            });
            let mut sent = Vec::new();
            for c in &calls {
                let result = self.tool_loop.results[&c.name].clone();
                spec.request.messages.push(Message::Tool {
                    call_id: c.id.clone(),
                    name: c.name.clone(),
                    content: result.clone(),
                });
                sent.push((c.name.clone(), result));
            }
            answer = self
                .recorder
                .as_ref()
                .and_then(|r| r.follow_up(self.index, &tool_results_prompt(&sent), &spec));
            self.note(Note::Step {
                step: step + 1,
                sent,
            });
            reports.push(report);
        }
    }

    /// Hand a step's events to the terminal view and to history. A fast stream delivers deltas
    /// in bursts: each burst of text goes to history as one event (the order of events is kept).
    async fn pump(&self, events: &mut mpsc::UnboundedReceiver<RunEvent>, answer: Option<i64>) {
        let recording = self.recorder.as_deref().zip(answer);
        let mut text = String::new();
        let flush = |text: &mut String| {
            if let Some((rec, answer)) = recording {
                if !text.is_empty() {
                    rec.record(
                        answer,
                        &RunEvent::Text {
                            text: std::mem::take(text),
                        },
                    );
                }
            }
        };
        while let Some(first) = events.recv().await {
            let mut next = Some(first);
            while let Some(event) = next {
                if let Some((rec, answer)) = recording {
                    match &event {
                        RunEvent::Text { text: t } => text.push_str(t),
                        other => {
                            flush(&mut text);
                            rec.record(answer, other);
                        }
                    }
                }
                self.note(Note::Event(event));
                next = events.try_recv().ok();
            }
            flush(&mut text);
        }
    }
}

/// The next step goes to the model that answered this one (a fallback, maybe), which is the one
/// that understands its `provider_state`; the fallbacks after it stay.
fn continue_on(mut spec: PaneSpec, report: &PaneReport) -> PaneSpec {
    let Some(served) = report.attempts.iter().rev().find(|a| a.error.is_none()) else {
        return spec;
    };
    let same = |t: &Target| t.endpoint.id == served.provider && t.model == served.model;
    if same(&spec.target) {
        return spec;
    }
    if let Some(k) = spec.fallbacks.iter().position(same) {
        let rest = spec.fallbacks.split_off(k + 1);
        spec.target = spec.fallbacks.pop().unwrap_or(spec.target);
        spec.fallbacks = rest;
    }
    spec
}

/// What history shows as the prompt of a tool-loop step: the results sent back.
pub fn tool_results_prompt(sent: &[(String, String)]) -> String {
    let lines: Vec<String> = sent
        .iter()
        .map(|(name, result)| format!("{name} → {result}"))
        .collect();
    format!("[tool results] {}", lines.join("\n[tool results] "))
}

pub async fn models(args: ModelsArgs) -> Result<u8, CliError> {
    let presets = spec::catalog(&args.defs.providers)?;
    let endpoint = presets.get(&args.provider).cloned().ok_or_else(|| {
        CliError::Usage(format!(
            "unknown provider {:?}: use one of {}",
            args.provider,
            presets.ids().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let models = runner()?.list_models(&endpoint).await.map_err(|e| {
        let status = e.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
        // Only a key problem has a command to offer: `juxta models` is the listing that failed.
        let step = if e.kind == ErrorKind::Auth {
            crate::render::next_step(e.kind, &endpoint.id)
        } else {
            String::new()
        };
        CliError::Failed(format!(
            "could not list the models of {}{status}: {}{step}",
            endpoint.id, e.message
        ))
    })?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&models).unwrap_or_default()
        );
    } else {
        for m in &models {
            match &m.display_name {
                Some(name) if name != &m.id => println!("{}\t{name}", m.id),
                _ => println!("{}", m.id),
            }
        }
    }
    Ok(0)
}

pub fn providers(args: ProvidersArgs) -> Result<u8, CliError> {
    let presets = spec::catalog(&args.defs.providers)?;
    if args.json {
        let rows: Vec<_> = presets
            .all()
            .iter()
            .map(|p| {
                json!({"id": p.id, "name": p.name, "protocol": p.protocol, "base_url": p.base_url,
                            "key_env": p.key_env, "local": p.local, "needs_key": p.needs_key()})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
    } else {
        let id_w = presets.all().iter().map(|p| p.id.len()).max().unwrap_or(0);
        let url_w = presets
            .all()
            .iter()
            .map(|p| p.base_url.len())
            .max()
            .unwrap_or(0);
        for p in presets.all() {
            let key = if p.needs_key() {
                p.key_env.clone().unwrap_or_else(|| "key".into())
            } else {
                "no key".into()
            };
            println!(
                "{:<id_w$}  {:<16}  {:<url_w$}  {key}",
                p.id,
                p.protocol.as_str(),
                p.base_url
            );
        }
    }
    Ok(0)
}
