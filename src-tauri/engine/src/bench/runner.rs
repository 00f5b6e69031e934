//! Running a benchmark: panes × inputs × repetitions as jobs, at most `concurrency` requests in
//! flight per provider (on top of any `max_concurrent` of the provider itself), optionally paced
//! to `rps` starts per second over the whole bench.
//!
//! Times come from the engine's [`PaneReport`]: TTFT is measured in `run::runner` from the
//! moment the request is handed to the HTTP client (`t_send`, a monotonic `Instant`) to the
//! first content event out of the decoder (text, reasoning or a tool call), and total time from
//! the same moment to the end of the stream. Waiting for a concurrency slot or for the pacer is
//! not part of either.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Mutex, Semaphore};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Interval, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::classify::classify;
use super::summary::{summarize, PaneInfo};
use super::template;
use super::types::{BenchEvent, BenchPlan, BenchReport, BenchRun};
use super::BenchError;
use crate::event::FinishReason;
use crate::request::Message;
use crate::run::{PaneReport, PaneSpec, Runner};

/// At most this many progress events per second (the last one always goes out).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A running benchmark. `events` ends with [`BenchEvent::Finished`]; `join` gives the same report.
pub struct BenchHandle {
    pub events: mpsc::UnboundedReceiver<BenchEvent>,
    pub join: JoinHandle<BenchReport>,
}

/// One request to make.
struct Job {
    pane: usize,
    input: Option<usize>,
    rep: u32,
    spec: Arc<PaneSpec>,
}

/// Check the plan, fill every pane's `{{variables}}` from every input row (all of them before
/// anything is sent), then start. Must be called inside a tokio runtime.
pub fn start_bench(
    runner: &Runner,
    panes: Vec<PaneSpec>,
    plan: BenchPlan,
    cancel: CancellationToken,
) -> Result<BenchHandle, BenchError> {
    check_plan(&plan, panes.len())?;
    let infos: Vec<PaneInfo> = panes
        .iter()
        .enumerate()
        .map(|(pane, s)| PaneInfo {
            pane,
            label: format!("{}/{}", s.target.endpoint.id, s.target.model),
            provider: s.target.endpoint.id.clone(),
            model: s.target.model.clone(),
        })
        .collect();
    let jobs = expand(&panes, &plan)?;
    let (tx, events) = mpsc::unbounded_channel();
    let runner = runner.clone();
    let join = tokio::spawn(drive(runner, jobs, plan, infos, cancel, tx));
    Ok(BenchHandle { events, join })
}

fn check_plan(plan: &BenchPlan, panes: usize) -> Result<(), BenchError> {
    let bad = |m: &str| Err(BenchError::Plan(m.to_string()));
    if panes == 0 {
        return bad("there are no panes to run: add at least one model");
    }
    if plan.repetitions == 0 {
        return bad("repetitions must be at least 1");
    }
    if plan.concurrency == 0 {
        return bad("concurrency must be at least 1 request in flight per provider");
    }
    if let Some(rps) = plan.rps {
        if !(rps.is_finite() && rps > 0.0) {
            return bad(
                "requests per second must be a positive number (leave it out for no pacing)",
            );
        }
    }
    Ok(())
}

/// A prompt-set row to fill the panes with: its index and values (None, None without inputs).
type RowRef<'a> = (Option<usize>, Option<&'a BTreeMap<String, String>>);

/// Every job, interleaved (rep, then input, then pane) so that every pane progresses evenly
/// and a stop leaves comparable samples.
fn expand(panes: &[PaneSpec], plan: &BenchPlan) -> Result<Vec<Job>, BenchError> {
    let rows: Vec<RowRef<'_>> = if plan.inputs.is_empty() {
        vec![(None, None)]
    } else {
        plan.inputs
            .iter()
            .enumerate()
            .map(|(i, r)| (Some(i), Some(r)))
            .collect()
    };
    let empty = BTreeMap::new();
    // filled[pane][row]
    let mut filled: Vec<Vec<Arc<PaneSpec>>> = Vec::with_capacity(panes.len());
    for spec in panes {
        let mut per_row = Vec::with_capacity(rows.len());
        for (index, values) in &rows {
            let mut spec = fill(spec, values.unwrap_or(&empty), index.map_or(0, |i| i + 1))?;
            if let Some(n) = plan.retries {
                spec.policy.max_retries = n;
            }
            per_row.push(Arc::new(spec));
        }
        filled.push(per_row);
    }
    let mut jobs = Vec::with_capacity(panes.len() * rows.len() * plan.repetitions as usize);
    for rep in 0..plan.repetitions {
        for (r, (input, _)) in rows.iter().enumerate() {
            for (pane, per_row) in filled.iter().enumerate() {
                jobs.push(Job {
                    pane,
                    input: *input,
                    rep,
                    spec: per_row[r].clone(),
                });
            }
        }
    }
    Ok(jobs)
}

/// The pane with every message's text and the system prompt filled in from row `row` of the
/// prompt set (1-based; 0 without one).
fn fill(
    spec: &PaneSpec,
    values: &BTreeMap<String, String>,
    row: usize,
) -> Result<PaneSpec, BenchError> {
    let mut spec = spec.clone();
    let req = &mut spec.request;
    if let Some(system) = &req.system {
        req.system = Some(template::render(system, values, row)?);
    }
    for message in &mut req.messages {
        let text = match message {
            Message::User { content }
            | Message::Assistant { content, .. }
            | Message::Tool { content, .. } => content,
        };
        *text = template::render(text, values, row)?;
    }
    Ok(spec)
}

/// What the jobs share.
struct Shared {
    runner: Runner,
    cancel: CancellationToken,
    /// One semaphore of `plan.concurrency` permits per provider id.
    slots: HashMap<String, Arc<Semaphore>>,
    pacer: Option<Mutex<Interval>>,
    start: Instant,
}

async fn drive(
    runner: Runner,
    jobs: Vec<Job>,
    plan: BenchPlan,
    infos: Vec<PaneInfo>,
    cancel: CancellationToken,
    tx: mpsc::UnboundedSender<BenchEvent>,
) -> BenchReport {
    let started_at = unix_ms();
    let start = Instant::now();
    let mut slots = HashMap::new();
    for job in &jobs {
        slots
            .entry(job.spec.target.endpoint.id.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(plan.concurrency as usize)));
    }
    let pacer = plan.rps.map(|rps| {
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rps));
        // After a stall (every slot busy), go on at the pace instead of catching up in a burst.
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Mutex::new(tick)
    });
    let shared = Arc::new(Shared {
        runner,
        cancel: cancel.clone(),
        slots,
        pacer,
        start,
    });
    let total = jobs.len() as u32;
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(run_job(shared.clone(), job));
    }

    let mut runs: Vec<BenchRun> = Vec::with_capacity(total as usize);
    let (mut done, mut failed) = (0u32, 0u32);
    let mut last_progress: Option<Instant> = None;
    while let Some(joined) = set.join_next().await {
        // A job that was never started (stopped while queued) leaves no run; one that crashed
        // (a bug) is dropped rather than taking the whole benchmark down.
        let Ok(Some(run)) = joined else {
            done += 1;
            continue;
        };
        done += 1;
        failed += u32::from(!run.ok && !run.stopped);
        runs.push(run.clone());
        let _ = tx.send(BenchEvent::Run { run });
        let now = Instant::now();
        if last_progress.is_none_or(|t| now - t >= PROGRESS_EVERY) {
            last_progress = Some(now);
            let _ = tx.send(progress(done, failed, total, start.elapsed()));
        }
    }
    let elapsed = start.elapsed();
    let _ = tx.send(progress(done, failed, total, elapsed));
    let panes = infos.iter().map(|info| summarize(info, &runs)).collect();
    let report = BenchReport {
        started_at,
        elapsed_ms: ms(elapsed),
        plan,
        stopped: cancel.is_cancelled(),
        panes,
        runs,
    };
    let _ = tx.send(BenchEvent::Finished {
        report: report.clone(),
    });
    report
}

/// Done / failed / remaining, and the time left at the mean pace so far.
fn progress(done: u32, failed: u32, total: u32, elapsed: Duration) -> BenchEvent {
    let remaining = total.saturating_sub(done);
    let eta_ms = (done > 0).then(|| ms(elapsed) / f64::from(done) * f64::from(remaining));
    BenchEvent::Progress {
        done,
        failed,
        remaining,
        elapsed_ms: ms(elapsed),
        eta_ms,
    }
}

/// Wait for a slot on the job's provider and for the pacer, then run it. None when the bench
/// was stopped before the request left.
async fn run_job(shared: Arc<Shared>, job: Job) -> Option<BenchRun> {
    let cancel = &shared.cancel;
    let sem = shared.slots.get(&job.spec.target.endpoint.id)?.clone();
    let _permit = tokio::select! {
        biased;
        _ = cancel.cancelled() => return None,
        p = sem.acquire_owned() => p.ok()?,
    };
    if let Some(pacer) = &shared.pacer {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return None,
            _ = async { pacer.lock().await.tick().await } => {}
        }
    }
    if cancel.is_cancelled() {
        return None;
    }
    let sent = shared.start.elapsed();
    let handle = shared
        .runner
        .start_pane((*job.spec).clone(), cancel.child_token());
    // Nobody reads the live events: the report has everything kept (and the pane skips copies).
    drop(handle.events);
    let report = handle.join.await.ok()?;
    // The engine's own queue (a provider's max_concurrent) delays the request further.
    let started_ms = ms(sent) + report.queued_ms as f64;
    Some(to_run(&job, started_ms, report))
}

/// The kept part of a pane's report (not its raw events, mapping or attempts).
fn to_run(job: &Job, started_ms: f64, report: PaneReport) -> BenchRun {
    let stopped = report.finish_reason == Some(FinishReason::Cancelled)
        || report
            .error
            .as_ref()
            .is_some_and(|e| e.kind == crate::ErrorKind::Cancelled);
    let error_class = if stopped { None } else { classify(&report) };
    BenchRun {
        pane: job.pane,
        input: job.input,
        rep: job.rep,
        started_ms,
        ok: !stopped && report.error.is_none(),
        error_class,
        stopped,
        error: report.error.as_ref().map(|e| e.message.clone()),
        ttft_ms: report.metrics.ttft_ms,
        total_ms: report.metrics.total_ms,
        output_tokens: report.usage.map(|u| u.output_tokens),
        tokens_per_s: report.metrics.output_tokens_per_s,
        cost_usd: report.cost_usd,
        retries: report.attempts.len().saturating_sub(1) as u32,
        served_model: report.served_model,
        substituted: report.substituted,
        text: report.text,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn unix_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Preset;
    use crate::request::ChatRequest;
    use crate::run::Target;
    use crate::Protocol;

    fn pane(provider: &str, prompt: &str) -> PaneSpec {
        let target = Target {
            endpoint: Preset::custom(provider, Protocol::OpenAiChat, "http://127.0.0.1:9/v1"),
            model: "m".into(),
        };
        let mut req = ChatRequest::new("m", prompt);
        req.system = Some("You answer about {{city}}.".into());
        PaneSpec::new(target, req)
    }

    fn rows(cities: &[&str]) -> Vec<BTreeMap<String, String>> {
        cities
            .iter()
            .map(|c| BTreeMap::from([("city".to_string(), c.to_string())]))
            .collect()
    }

    #[test]
    fn jobs_interleave_and_fill_every_text() {
        let plan = BenchPlan {
            repetitions: 2,
            inputs: rows(&["Lyon", "Oslo"]),
            retries: Some(0),
            ..Default::default()
        };
        let jobs = expand(
            &[
                pane("a", "Tell me about {{ city }}"),
                pane("b", "{{city}}?"),
            ],
            &plan,
        )
        .unwrap();
        assert_eq!(jobs.len(), 8);
        let order: Vec<(usize, Option<usize>, u32)> =
            jobs.iter().map(|j| (j.pane, j.input, j.rep)).collect();
        assert_eq!(
            &order[..4],
            [
                (0, Some(0), 0),
                (1, Some(0), 0),
                (0, Some(1), 0),
                (1, Some(1), 0)
            ]
        );
        assert_eq!(order[4], (0, Some(0), 1));
        let j = &jobs[2];
        assert_eq!(
            j.spec.request.messages,
            vec![Message::user("Tell me about Oslo")]
        );
        assert_eq!(
            j.spec.request.system.as_deref(),
            Some("You answer about Oslo.")
        );
        assert_eq!(
            j.spec.policy.max_retries, 0,
            "the plan's retries override the pane's policy"
        );
    }

    #[test]
    fn an_unknown_variable_is_an_error_naming_it_and_the_row() {
        let mut inputs = rows(&["Lyon", "Oslo"]);
        inputs[1].remove("city");
        inputs[1].insert("town".into(), "Oslo".into());
        let plan = BenchPlan {
            inputs,
            ..Default::default()
        };
        let e = expand(&[pane("a", "{{city}}")], &plan).err().unwrap();
        assert_eq!(
            e,
            BenchError::UnknownVariable {
                name: "city".into(),
                row: 2
            }
        );
        assert!(e.to_string().contains("input row 2 has no `city`"), "{e}");
        let e = expand(&[pane("a", "{{city}}")], &BenchPlan::default())
            .err()
            .unwrap();
        assert_eq!(
            e,
            BenchError::UnknownVariable {
                name: "city".into(),
                row: 0
            }
        );
        assert!(e.to_string().contains("no prompt set was given"), "{e}");
    }

    #[test]
    fn bad_plans_are_refused_with_what_to_do() {
        let ok = BenchPlan::default();
        assert!(check_plan(&ok, 1).is_ok());
        for (plan, panes, says) in [
            (
                BenchPlan {
                    repetitions: 0,
                    ..ok.clone()
                },
                1,
                "repetitions",
            ),
            (
                BenchPlan {
                    concurrency: 0,
                    ..ok.clone()
                },
                1,
                "concurrency",
            ),
            (
                BenchPlan {
                    rps: Some(0.0),
                    ..ok.clone()
                },
                1,
                "per second",
            ),
            (
                BenchPlan {
                    rps: Some(f64::NAN),
                    ..ok.clone()
                },
                1,
                "per second",
            ),
            (ok.clone(), 0, "no panes"),
        ] {
            let e = check_plan(&plan, panes).unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn eta_follows_the_mean_pace() {
        let BenchEvent::Progress {
            done,
            remaining,
            eta_ms,
            ..
        } = progress(4, 1, 10, Duration::from_millis(2000))
        else {
            unreachable!()
        };
        assert_eq!((done, remaining), (4, 6));
        assert_eq!(eta_ms, Some(3000.0));
        assert!(matches!(
            progress(0, 0, 10, Duration::from_secs(1)),
            BenchEvent::Progress { eta_ms: None, .. }
        ));
    }
}
