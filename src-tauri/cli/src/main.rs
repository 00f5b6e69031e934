//! `juxta`: the engine from a terminal. `compare` streams one prompt to several models side by
//! side; `bench` runs the same panes many times and measures them; `keys`, `models` and
//! `providers` manage what it talks to; `history`, `export` and `import` reach every comparison kept.

mod args;
mod bench;
mod compare;
mod history;
mod keys;
mod render;
mod spec;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// Exit statuses: 0 every pane finished, 1 a pane (or the command) failed, 2 bad usage.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Diagnostics on stderr when asked: JUXTA_LOG=debug (or a filter such as `juxta_engine=trace`).
    if let Ok(filter) = std::env::var("JUXTA_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("juxta: could not start: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Compare(a) => compare::run(*a).await,
            Command::Bench(a) => bench::run(*a).await,
            Command::Keys(a) => keys::run(a).await,
            Command::Models(a) => compare::models(a).await,
            Command::Providers(a) => compare::providers(a),
            Command::History(a) => history::list(a),
            Command::Export(a) => history::export(a),
            Command::Import(a) => history::import(a),
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("juxta: {e}");
            ExitCode::from(e.code())
        }
    }
}
