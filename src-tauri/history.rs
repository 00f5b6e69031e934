//! The app's side of history: one database opened at start (shared with the CLI), a background
//! writer that saves every pane's events as they stream, and the private-mode switch.
//!
//! History is never in the way of a run: when the database cannot be opened, or private mode is
//! on, runs go on unrecorded and `notice` says why.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use juxta_engine::run::RunEvent;
use juxta_engine::store::{Store, StoreWriter, TurnPane, TurnToRecord};

use crate::ipc::{IpcError, RecordTurn, RecordedPane, RecordedTurn};

pub struct History {
    /// Queries and small edits (rename, rate, ...). Behind a mutex: a connection is not `Sync`.
    store: Mutex<Store>,
    /// Saves what panes stream, on its own thread and connection.
    pub writer: StoreWriter,
}

impl History {
    /// Open (or create) the database at `path`; the notice says if a damaged file was set aside.
    pub fn open(path: &Path) -> Result<(History, Option<String>), IpcError> {
        let opened = Store::open(path).map_err(|e| IpcError::storage(e.to_string()))?;
        let writer = StoreWriter::start(path).map_err(|e| IpcError::storage(e.to_string()))?;
        Ok((History { store: Mutex::new(opened.store), writer }, opened.notice))
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        // A panic in a query cannot leave the connection inconsistent (SQLite rolls back): keep going.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Create what is new in `turn` (the comparison, panes) and one streaming answer per pane.
    pub fn record_turn(&self, turn: &RecordTurn) -> Result<RecordedTurn, IpcError> {
        let panes = turn
            .panes
            .iter()
            .map(|p| TurnPane { id: p.pane_id, provider: p.provider.clone(), model: p.model.clone(), settings: p.settings.clone() })
            .collect();
        let recorded = self
            .writer
            .record_turn(&TurnToRecord {
                comparison: turn.comparison_id,
                prompt: turn.prompt.clone(),
                system: turn.system.clone(),
                params: turn.params.clone(),
                panes,
                only_pane: turn.only_pane,
            })
            .map_err(|e| IpcError::storage(e.to_string()))?;
        let panes = recorded.panes.into_iter().map(|(pane_id, answer_id)| RecordedPane { pane_id, answer_id }).collect();
        Ok(RecordedTurn { comparison_id: recorded.comparison, turn_id: recorded.turn, panes })
    }
}

/// History as the commands see it: maybe unavailable, maybe private.
#[derive(Default)]
pub struct HistoryState {
    pub history: Option<Arc<History>>,
    /// Why history is unavailable, a damaged file set aside: shown once.
    notice: Mutex<Option<String>>,
    private: AtomicBool,
    /// Present while private mode is on, so it stays on after a restart (a private user must not
    /// find their next run saved because the app was restarted).
    private_marker: Option<PathBuf>,
}

impl HistoryState {
    /// Open the history at `path` (none: no history, e.g. no home directory). Private mode is
    /// remembered by a marker file in `config_dir`.
    pub fn open(path: Option<PathBuf>, config_dir: Option<&Path>) -> HistoryState {
        let private_marker = config_dir.map(|d| d.join("private-mode"));
        let private = AtomicBool::new(private_marker.as_deref().is_some_and(Path::exists));
        let state = HistoryState::open_db(path);
        HistoryState { private, private_marker, ..state }
    }

    fn open_db(path: Option<PathBuf>) -> HistoryState {
        let Some(path) = path else {
            return HistoryState::unavailable("history is off: no data directory is known (set JUXTA_DATA_DIR)".into());
        };
        match History::open(&path) {
            Ok((history, notice)) => {
                HistoryState { history: Some(Arc::new(history)), notice: Mutex::new(notice), ..Default::default() }
            }
            Err(e) => {
                tracing::warn!("history unavailable: {}", e.message);
                HistoryState::unavailable(format!("History is unavailable, runs are not saved: {}", e.message))
            }
        }
    }

    fn unavailable(notice: String) -> HistoryState {
        HistoryState { notice: Mutex::new(Some(notice)), ..Default::default() }
    }

    pub fn get(&self) -> Result<Arc<History>, IpcError> {
        self.history.clone().ok_or_else(|| IpcError::storage("history is unavailable: see the notice at the top of the window"))
    }

    pub fn is_private(&self) -> bool {
        self.private.load(Ordering::Relaxed)
    }

    /// Turn private mode on or off; fails (and stays as it was) when it cannot be remembered.
    pub fn set_private(&self, on: bool) -> Result<(), IpcError> {
        if let Some(marker) = &self.private_marker {
            let result = if on {
                marker.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(marker, ""))
            } else {
                std::fs::remove_file(marker).or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })
            };
            result.map_err(|e| IpcError::storage(format!("could not remember private mode in {}: {e}", marker.display())))?;
        }
        self.private.store(on, Ordering::Relaxed);
        Ok(())
    }

    /// The pending notice (taken: shown once), else the writer's last failure.
    pub fn take_notice(&self) -> Option<String> {
        let notice = self.notice.lock().unwrap_or_else(|e| e.into_inner()).take();
        notice.or_else(|| {
            self.history.as_ref()?.writer.last_error().map(|e| format!("History could not save the last run: {e}"))
        })
    }

    /// Where a pane's events are saved: none in private mode or without history.
    pub fn recorder(&self, answer_id: Option<i64>) -> Option<(Arc<History>, i64)> {
        if self.is_private() {
            return None;
        }
        Some((self.history.clone()?, answer_id?))
    }
}

/// Save one event of a recorded pane (non-blocking: the writer thread does the disk work).
pub fn record(rec: &Option<(Arc<History>, i64)>, event: &RunEvent) {
    if let Some((history, answer)) = rec {
        history.writer.record(*answer, event);
    }
}
