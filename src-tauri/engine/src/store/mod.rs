//! History: every comparison kept in an embedded SQLite database (WAL), with full-text search.
//! All SQL of the project lives under this module; schema changes are numbered migrations.
//!
//! - [`Store`]: queries and edits (list, get, search, rename, delete, import, ...).
//! - [`StoreWriter`]: records a run from a thread of its own; the UI never waits on the disk.
//! - Benchmarks: [`Store::save_bench`], [`Store::list_benches`], [`Store::get_bench`], [`Store::delete_bench`].
//! - Blind votes ([`Store::record_vote`], ...): the input of the leaderboard in `crate::rank`.
//! - The prompt library ([`Store::save_prompt`], ...): saved prompts and their per-model variants.
//!
//! Several connections (the app and the CLI) may use one file at once: WAL, a busy timeout,
//! and per-writer lock files so that a crash is told apart from a live writer.

mod bench;
mod codec;
mod edit;
mod fold;
pub mod migrate;
pub mod model;
mod open;
mod prompts;
mod read;
mod recover;
mod refs;
mod search;
mod votes;
mod writer;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use bench::BenchListItem;
pub use model::{
    Answer, AnswerStatus, Comparison, ExportFile, PaneRecord, PaneSettings, SearchHit, SentRequest, SnippetPart,
    Summary, TargetRef, Timestamp, Turn, EXPORT_FORMAT, EXPORT_VERSION,
};
pub use votes::{Candidate, NewVote, Vote, PROMPT_EXCERPT_CHARS};
pub use prompts::{Prompt, PromptDraft, PromptFilter, PromptInputs, PromptSummary, PromptVariant, VariantDraft};
pub use writer::{NewTurn, RecordedTurn, StoreWriter, TurnPane, TurnToRecord};

/// Why the history could not be used. Messages name the file and what to do; never a key.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the history at {}: {source}", path.display())]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("could not use the folder of the history {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "{}: this history was written by a newer Juxta (schema {found}, this build knows {known}): \
         update Juxta; the file was not changed",
        path.display()
    )]
    Newer { path: PathBuf, found: i64, known: i64 },
    #[error("could not update the history at {} to schema {version}: {source}", path.display())]
    Migrate { path: PathBuf, version: i64, source: rusqlite::Error },
    #[error("the history at {} is damaged and could not be set aside ({source}); move it away and start again", path.display())]
    SetAside { path: PathBuf, source: std::io::Error },
    #[error("history database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("could not save to the history: {0}")]
    Write(String),
    #[error("no {what} {id} in the history")]
    NotFound { what: &'static str, id: i64 },
    #[error("{0}")]
    Invalid(String),
    #[error("the history writer has stopped; restart Juxta to keep recording")]
    WriterStopped,
}

/// An open history for queries and edits. One connection; wrap it in a mutex to share it.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What [`Store::open`] gives: the store, and a message for the user when something had to be
/// done to open it (a damaged file set aside).
pub struct Opened {
    pub store: Store,
    pub notice: Option<String>,
}

impl Store {
    /// Open (creating, migrating and recovering as needed) the history at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Opened, StoreError> {
        let path = path.as_ref().to_path_buf();
        let (conn, notice) = open::open_connection(&path)?;
        recover::recover(&conn, &path)?;
        Ok(Opened { store: Store { conn, path }, notice })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Move everything in the write-ahead log into the main file and truncate the log.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// A packed value of the history (a report or a request, BLOBs) inflated to its JSON, for
/// looking inside a file (tests, debugging); None when it is not one.
pub fn inflate_value(packed: &[u8]) -> Option<Vec<u8>> {
    codec::inflate(packed).ok()
}

/// Where the history lives: `$JUXTA_DATA_DIR/history.db`, else `$XDG_DATA_HOME/juxta/history.db`,
/// else `~/.local/share/juxta/history.db`. None when not even `$HOME` is set.
pub fn default_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let dir = var("JUXTA_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("juxta")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/juxta")))?;
    Some(dir.join("history.db"))
}

/// Now, in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
