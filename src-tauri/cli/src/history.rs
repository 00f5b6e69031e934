//! `juxta history`, `juxta export`, `juxta import`, and what `juxta compare` keeps of a run.

use std::io::IsTerminal;

use juxta_engine::export::{self, Format, Options};
use juxta_engine::request::Params;
use juxta_engine::run::{PaneSpec, RunEvent};
use juxta_engine::store::{
    self, PaneSettings, SnippetPart, Store, StoreWriter, Summary, TargetRef, TurnPane, TurnToRecord,
};

use crate::args::{CompareArgs, ExportArgs, HistoryArgs, ImportArgs};
use crate::CliError;

pub(crate) fn open() -> Result<Store, CliError> {
    let path = store::default_path()
        .ok_or_else(|| CliError::Failed("no data directory is known: set JUXTA_DATA_DIR".into()))?;
    let opened = Store::open(&path).map_err(|e| CliError::Failed(e.to_string()))?;
    if let Some(notice) = opened.notice {
        eprintln!("juxta: {notice}");
    }
    Ok(opened.store)
}

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed(e.to_string())
}

/// `2026-11-26 14:03` (UTC), from Unix milliseconds.
pub fn date(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "?".into())
}

pub fn list(args: HistoryArgs) -> Result<u8, CliError> {
    let store = open()?;
    let query = args.query.join(" ");
    let bold = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if query.trim().is_empty() {
        let rows = store.list(args.limit as usize, 0).map_err(failed)?;
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).unwrap_or_default()
            );
        } else {
            rows.iter().for_each(|s| println!("{}", summary_line(s)));
        }
    } else {
        let hits = store.search(&query, args.limit as usize).map_err(failed)?;
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&hits).unwrap_or_default()
            );
        } else {
            for hit in &hits {
                println!(
                    "{}\n    {}",
                    summary_line(&hit.summary),
                    snippet(&hit.snippet, bold)
                );
            }
            if hits.is_empty() {
                eprintln!("juxta: nothing in history matches {query:?}");
            }
        }
    }
    Ok(0)
}

fn summary_line(s: &Summary) -> String {
    let pin = if s.pinned { "*" } else { " " };
    let turns = if s.turns == 1 {
        String::new()
    } else {
        format!(", {} turns", s.turns)
    };
    format!(
        "{:>6}{pin} {}  {}  ({}{turns})",
        s.id,
        date(s.updated_at),
        s.title,
        s.models.join(", ")
    )
}

/// Matched words in bold on a terminal, in [brackets] otherwise; one line.
fn snippet(parts: &[SnippetPart], bold: bool) -> String {
    let text: String = parts
        .iter()
        .map(|p| match (p.hit, bold) {
            (false, _) => p.text.clone(),
            (true, true) => format!("\x1b[1m{}\x1b[0m", p.text),
            (true, false) => format!("[{}]", p.text),
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn export(args: ExportArgs) -> Result<u8, CliError> {
    let format: Format = args
        .format
        .parse()
        .map_err(|e| CliError::Usage(format!("{e}")))?;
    let store = open()?;
    let id = match args.id.as_str() {
        "last" => store
            .list(1, 0)
            .map_err(failed)?
            .first()
            .map(|s| s.id)
            .ok_or_else(|| failed("history is empty"))?,
        other => other.parse().map_err(|_| {
            CliError::Usage(format!(
                "{other:?} is not a comparison id (see `juxta history`), nor `last`"
            ))
        })?,
    };
    let comparison = store
        .get(id)
        .map_err(failed)?
        .ok_or_else(|| failed(format!("no comparison {id} in history")))?;
    let text = export::export(
        &[comparison],
        format,
        &Options {
            reasoning: !args.no_reasoning,
        },
    );
    match &args.output {
        Some(path) => export::write_file(path, &text)
            .map_err(|e| failed(format!("could not write {}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    Ok(0)
}

pub fn import(args: ImportArgs) -> Result<u8, CliError> {
    let store = open()?;
    for path in &args.files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| failed(format!("could not read {}: {e}", path.display())))?;
        let comparisons = export::parse_json(&text)
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        for c in &comparisons {
            let id = store.import(c).map_err(failed)?;
            println!("{id}\t{}", c.title);
        }
    }
    Ok(0)
}

/// What `juxta compare` keeps of a run: the comparison, its panes and their answers, saved by a
/// background writer as they stream. Each further step of a tool loop is a follow-up turn of its
/// pane only. Failing to save never fails the run: it says so on stderr.
pub struct Recorder {
    writer: StoreWriter,
    /// The history pane of each pane, in order.
    panes: Vec<i64>,
    /// The answer of each pane's first turn.
    answers: Vec<i64>,
    shared_system: Option<String>,
    shared: Params,
    pub comparison: i64,
}

impl Recorder {
    pub fn start(
        prompt: &str,
        args: &CompareArgs,
        specs: &[PaneSpec],
    ) -> Result<Option<Recorder>, CliError> {
        let Some(path) = store::default_path() else {
            eprintln!("juxta: this run is not saved to history: no data directory is known (set JUXTA_DATA_DIR)");
            return Ok(None);
        };
        let shared = crate::spec::shared(args)?;
        match Recorder::try_start(&path, prompt, shared.system, shared.params, specs) {
            Ok(r) => Ok(Some(r)),
            Err(e) => {
                eprintln!("juxta: this run is not saved to history: {e}");
                Ok(None)
            }
        }
    }

    fn try_start(
        path: &std::path::Path,
        prompt: &str,
        shared_system: Option<String>,
        shared: Params,
        specs: &[PaneSpec],
    ) -> Result<Recorder, store::StoreError> {
        let writer = StoreWriter::start(path)?;
        let panes = specs
            .iter()
            .map(|spec| TurnPane {
                id: None,
                provider: spec.target.endpoint.id.clone(),
                model: spec.target.model.clone(),
                settings: pane_settings(spec, shared_system.as_deref(), &shared),
            })
            .collect();
        let recorded = writer.record_turn(&TurnToRecord {
            comparison: None,
            prompt: prompt.to_string(),
            system: shared_system.clone().unwrap_or_default(),
            params: shared.clone(),
            panes,
            only_pane: false,
        })?;
        let answers = recorded.panes.iter().map(|&(_, answer)| answer).collect();
        let panes = recorded.panes.iter().map(|&(pane, _)| pane).collect();
        Ok(Recorder {
            writer,
            panes,
            answers,
            shared_system,
            shared,
            comparison: recorded.comparison,
        })
    }

    /// The answer that records pane `pane`'s first step.
    pub fn first_answer(&self, pane: usize) -> Option<i64> {
        self.answers.get(pane).copied()
    }

    /// Record a further step of a tool loop: a follow-up turn of pane `pane` only, whose prompt
    /// is `prompt` (what was sent back). Returns the answer that records it; none when it could
    /// not be saved (said on stderr).
    pub fn follow_up(&self, pane: usize, prompt: &str, spec: &PaneSpec) -> Option<i64> {
        let id = *self.panes.get(pane)?;
        let turn = TurnToRecord {
            comparison: Some(self.comparison),
            prompt: prompt.to_string(),
            system: self.shared_system.clone().unwrap_or_default(),
            params: self.shared.clone(),
            panes: vec![TurnPane {
                id: Some(id),
                provider: spec.target.endpoint.id.clone(),
                model: spec.target.model.clone(),
                settings: pane_settings(spec, self.shared_system.as_deref(), &self.shared),
            }],
            only_pane: true,
        };
        // A short wait for the writer thread; the other panes run on other workers meanwhile.
        match tokio::task::block_in_place(|| self.writer.record_turn(&turn)) {
            Ok(recorded) => recorded.panes.first().map(|&(_, answer)| answer),
            Err(e) => {
                eprintln!(
                    "juxta: a tool-loop step of pane {} is not saved to history: {e}",
                    pane + 1
                );
                None
            }
        }
    }

    /// Non-blocking: the writer thread does the disk work.
    pub fn record(&self, answer: i64, event: &RunEvent) {
        self.writer.record(answer, event);
    }

    /// Wait until everything is on disk; say so if something could not be saved.
    pub fn finish(&self) {
        let error = self
            .writer
            .flush()
            .err()
            .map(|e| e.to_string())
            .or_else(|| self.writer.last_error());
        if let Some(e) = error {
            eprintln!("juxta: history could not save this run completely: {e}");
        }
    }
}

/// `mine` when it differs from the shared value, else nothing (the pane follows the shared one).
fn own<T: PartialEq>(mine: Option<T>, shared: Option<T>) -> Option<T> {
    if mine != shared {
        mine
    } else {
        None
    }
}

/// What a pane has of its own: the values that differ from the shared ones.
fn pane_settings(spec: &PaneSpec, shared_system: Option<&str>, shared: &Params) -> PaneSettings {
    let r = &spec.request;
    let params = Params {
        temperature: own(r.params.temperature, shared.temperature),
        top_p: own(r.params.top_p, shared.top_p),
        max_output_tokens: own(r.params.max_output_tokens, shared.max_output_tokens),
        stop: if r.params.stop != shared.stop {
            r.params.stop.clone()
        } else {
            Vec::new()
        },
        seed: own(r.params.seed, shared.seed),
        reasoning_effort: own(r.params.reasoning_effort, shared.reasoning_effort),
        thinking_budget: own(r.params.thinking_budget, shared.thinking_budget),
    };
    PaneSettings {
        system: r
            .system
            .clone()
            .filter(|s| Some(s.as_str()) != shared_system),
        params,
        fallbacks: spec
            .fallbacks
            .iter()
            .map(|t| TargetRef {
                provider: t.endpoint.id.clone(),
                model: t.model.clone(),
            })
            .collect(),
    }
}
