//! `juxta compare`, `juxta models`, `juxta providers`.

use std::io::{IsTerminal, Read};

use std::sync::Arc;

use juxta_engine::run::{env_suffix, PaneReport, PaneSpec, Runner};
use juxta_engine::secrets::SecretStore;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::args::{CompareArgs, ModelsArgs, ProvidersArgs};
use crate::keys::EnvThenKeychain;
use crate::render::Renderer;
use crate::{history, spec, CliError};

fn read_prompt(arg: &str) -> Result<String, CliError> {
    let prompt = if arg == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| CliError::Failed(format!("could not read the prompt from stdin: {e}")))?;
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
async fn check_keys(store: &Arc<EnvThenKeychain>, specs: &[PaneSpec]) -> Result<(), CliError> {
    let mut ids: Vec<String> = specs.iter().filter(|s| s.target.endpoint.needs_key()).map(|s| s.target.endpoint.id.clone()).collect();
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
    let names: Vec<String> = specs.iter().map(|s| format!("{}:{}", s.target.endpoint.id, s.target.model)).collect();
    let store = EnvThenKeychain::new();
    check_keys(&store, &specs).await?;
    let connect = juxta_engine::run::Timeouts::default().connect;
    let runner = Runner::with_tables(store, catalog.caps, catalog.prices, connect).map_err(|e| CliError::Failed(e.message))?;

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
    let recorder = if args.private { None } else { history::Recorder::start(&prompt, &args, &specs)? };
    let recorder = recorder.map(Arc::new);
    let handles = runner.start(specs, &all);
    let reports: Vec<PaneReport> = if args.json {
        let mut joins = Vec::new();
        let mut recording = Vec::new();
        for (i, mut h) in handles.into_iter().enumerate() {
            // Without history nobody watches the live events: dropping the receivers lets the panes skip them.
            if let Some(rec) = recorder.clone() {
                recording.push(tokio::spawn(async move { rec.record_all(i, &mut h.events).await }));
            }
            joins.push(h.join);
        }
        let mut reports = Vec::new();
        for j in joins {
            reports.push(j.await.map_err(|e| CliError::Failed(format!("a pane crashed: {e}")))?);
        }
        for r in recording {
            let _ = r.await; // every event, up to `Done`, handed to the writer
        }
        let doc = json!({ "panes": reports, "comparison_id": recorder.as_ref().map(|r| r.comparison) });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        reports
    } else {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let mut renderer = Renderer::new(&names, color);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut joins = Vec::new();
        for (i, mut h) in handles.into_iter().enumerate() {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(ev) = h.events.recv().await {
                    if tx.send((i, ev)).is_err() {
                        break;
                    }
                }
            });
            joins.push(h.join);
        }
        drop(tx);
        while let Some((i, ev)) = rx.recv().await {
            if let Some(rec) = &recorder {
                rec.record(i, &ev);
            }
            renderer.event(i, &ev);
        }
        let mut reports = Vec::new();
        for j in joins {
            reports.push(j.await.map_err(|e| CliError::Failed(format!("a pane crashed: {e}")))?);
        }
        renderer.summary(&reports);
        reports
    };
    if let Some(rec) = recorder {
        rec.finish();
    }
    if interrupted.is_cancelled() {
        return Ok(130);
    }
    Ok(if reports.iter().all(PaneReport::succeeded) { 0 } else { 1 })
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
        CliError::Failed(format!("could not list the models of {}{status}: {}", endpoint.id, e.message))
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&models).unwrap_or_default());
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
            .map(|p| json!({"id": p.id, "name": p.name, "protocol": p.protocol, "base_url": p.base_url,
                            "key_env": p.key_env, "local": p.local, "needs_key": p.needs_key()}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
    } else {
        let id_w = presets.all().iter().map(|p| p.id.len()).max().unwrap_or(0);
        let url_w = presets.all().iter().map(|p| p.base_url.len()).max().unwrap_or(0);
        for p in presets.all() {
            let key = if p.needs_key() { p.key_env.clone().unwrap_or_else(|| "key".into()) } else { "no key".into() };
            println!("{:<id_w$}  {:<16}  {:<url_w$}  {key}", p.id, p.protocol.as_str(), p.base_url);
        }
    }
    Ok(0)
}
