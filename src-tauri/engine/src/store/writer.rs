//! Recording runs. A [`StoreWriter`] owns a thread and its own connection: `record` only sends
//! the event down a channel (the UI never waits on the disk); the thread folds events into each
//! answer and saves the changed ones in one transaction at most every 250 ms, and at once when
//! a pane ends. A failed write (disk full) is logged and retried; it never stops the thread.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::codec::{pack_json, status_str, to_json};
use super::fold::{worth_recording, LiveAnswer};
use super::model::PaneSettings;
use super::recover::{self, WriterLock};
use super::{edit, now_ms, open, refs, StoreError};
use crate::request::Params;
use crate::run::RunEvent;

/// How long a streamed change may wait in memory before it is saved.
const SAVE_EVERY: Duration = Duration::from_millis(250);

/// A turn about to be sent to `panes` (in on-screen order).
#[derive(Debug, Clone, Default)]
pub struct NewTurn {
    pub prompt: String,
    /// The shared system prompt.
    pub system: String,
    /// The shared parameters.
    pub params: Params,
    /// Set when the follow-up goes to this one pane only.
    pub only_pane: Option<i64>,
    pub panes: Vec<i64>,
}

/// Everything a turn about to be sent needs in history (see [`StoreWriter::record_turn`]).
#[derive(Debug, Clone, Default)]
pub struct TurnToRecord {
    /// None: a new comparison, titled after the prompt.
    pub comparison: Option<i64>,
    pub prompt: String,
    pub system: String,
    pub params: Params,
    /// The panes asked, in on-screen order.
    pub panes: Vec<TurnPane>,
    /// A follow-up to the one pane in `panes` only.
    pub only_pane: bool,
}

/// A pane of a turn: one already in history (`id`; its settings are updated) or a new one.
#[derive(Debug, Clone, Default)]
pub struct TurnPane {
    pub id: Option<i64>,
    pub provider: String,
    pub model: String,
    pub settings: PaneSettings,
}

/// Where a recorded turn went: `panes[i]` is the (history pane, answer) of `TurnToRecord.panes[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedTurn {
    pub comparison: i64,
    pub turn: i64,
    pub panes: Vec<(i64, i64)>,
}

type Job = Box<dyn FnOnce(&mut Connection, &str) + Send>;

enum Msg {
    Event(i64, RunEvent),
    Call(Job),
    Flush(mpsc::Sender<Result<(), String>>),
}

/// Records runs into the history from a thread of its own. Dropping it saves what is pending,
/// marks answers it was still streaming `interrupted`, and stops the thread.
pub struct StoreWriter {
    tx: Option<mpsc::Sender<Msg>>,
    thread: Option<JoinHandle<()>>,
    last_error: Arc<Mutex<Option<String>>>,
    lock: Option<WriterLock>,
    notice: Option<String>,
    path: PathBuf,
}

impl StoreWriter {
    /// Open the history at `path` (as [`super::Store::open`] does) and start the writer thread.
    pub fn start(path: impl AsRef<Path>) -> Result<StoreWriter, StoreError> {
        let path = path.as_ref().to_path_buf();
        let (conn, notice) = open::open_connection(&path)?;
        let lock = WriterLock::acquire(&path)
            .map_err(|source| StoreError::Io { path: recover::writers_dir(&path), source })?;
        recover::recover(&conn, &path)?;
        let last_error = Arc::new(Mutex::new(None));
        let (tx, rx) = mpsc::channel();
        let worker = Worker {
            conn,
            id: lock.id.clone(),
            live: HashMap::new(),
            dirty: HashSet::new(),
            ended: HashSet::new(),
            due: None,
            last_error: last_error.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("juxta-history".into())
            .spawn(move || worker.run(rx))
            .map_err(|source| StoreError::Io { path: path.clone(), source })?;
        Ok(StoreWriter { tx: Some(tx), thread: Some(thread), last_error, lock: Some(lock), notice, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Set when opening had to set a damaged file aside (see [`super::Opened::notice`]).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Why saving fails, while it does (cleared once a later save gets everything pending to
    /// disk), for the app to tell the user. Recording goes on regardless.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn create_comparison(&self, title: &str) -> Result<i64, StoreError> {
        let title = title.to_string();
        self.call(move |conn, _| {
            let now = now_ms();
            edit::insert_comparison(conn, &title, now, now, false)
        })
    }

    /// Add a pane after the comparison's last one.
    pub fn add_pane(
        &self,
        comparison: i64,
        provider: &str,
        model: &str,
        settings: &PaneSettings,
    ) -> Result<i64, StoreError> {
        let (provider, model, settings) = (provider.to_string(), model.to_string(), settings.clone());
        self.call(move |conn, _| edit::append_pane(conn, comparison, &provider, &model, &settings))
    }

    pub fn update_pane_settings(&self, pane: i64, settings: &PaneSettings) -> Result<(), StoreError> {
        let settings = settings.clone();
        self.call(move |conn, _| edit::set_pane_settings(conn, pane, &settings))
    }

    /// Record a turn and one `streaming` answer per pane; returns the turn id and the answer
    /// ids in the order of `turn.panes`. Pass each pane's events to [`StoreWriter::record`].
    pub fn begin_turn(&self, comparison: i64, turn: NewTurn) -> Result<(i64, Vec<i64>), StoreError> {
        self.call(move |conn, writer| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let ids = edit::begin_turn(&tx, comparison, &turn, writer)?;
            tx.commit()?;
            Ok(ids)
        })
    }

    /// Record a turn about to be sent, the way the app and the CLI both do: the comparison when
    /// it is new, the panes that are new, each known pane's latest settings, and one `streaming`
    /// answer per pane (pass each pane's events to [`StoreWriter::record`]).
    pub fn record_turn(&self, turn: &TurnToRecord) -> Result<RecordedTurn, StoreError> {
        let comparison = match turn.comparison {
            Some(id) => id,
            None => self.create_comparison(&super::model::default_title(&turn.prompt))?,
        };
        let mut pane_ids = Vec::with_capacity(turn.panes.len());
        for pane in &turn.panes {
            let id = match pane.id {
                Some(id) => {
                    self.update_pane_settings(id, &pane.settings)?;
                    id
                }
                None => self.add_pane(comparison, &pane.provider, &pane.model, &pane.settings)?,
            };
            pane_ids.push(id);
        }
        let only_pane = if turn.only_pane && pane_ids.len() == 1 { Some(pane_ids[0]) } else { None };
        let new = NewTurn {
            prompt: turn.prompt.clone(),
            system: turn.system.clone(),
            params: turn.params.clone(),
            only_pane,
            panes: pane_ids.clone(),
        };
        let (turn_id, answers) = self.begin_turn(comparison, new)?;
        Ok(RecordedTurn { comparison, turn: turn_id, panes: pane_ids.into_iter().zip(answers).collect() })
    }

    /// Queue a pane's event for `answer`. Never blocks and never fails: problems end up in
    /// [`StoreWriter::last_error`].
    pub fn record(&self, answer: i64, event: &RunEvent) {
        if !worth_recording(event) {
            return;
        }
        if self.send(Msg::Event(answer, event.clone())).is_err() {
            self.set_error(StoreError::WriterStopped.to_string());
        }
    }

    /// Block until everything recorded so far is saved.
    pub fn flush(&self) -> Result<(), StoreError> {
        let (reply, done) = mpsc::channel();
        self.send(Msg::Flush(reply))?;
        done.recv().map_err(|_| StoreError::WriterStopped)?.map_err(StoreError::Write)
    }

    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection, &str) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.send(Msg::Call(Box::new(move |conn, writer| {
            let _ = reply.send(f(conn, writer));
        })))?;
        answer.recv().map_err(|_| StoreError::WriterStopped)?
    }

    fn send(&self, msg: Msg) -> Result<(), StoreError> {
        let tx = self.tx.as_ref().ok_or(StoreError::WriterStopped)?;
        tx.send(msg).map_err(|_| StoreError::WriterStopped)
    }

    fn set_error(&self, message: String) {
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(message);
    }
}

impl Drop for StoreWriter {
    fn drop(&mut self) {
        // Closing the channel tells the thread to save what is pending and stop.
        self.tx.take();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!("the history writer thread panicked");
            }
        }
        if let Some(lock) = self.lock.take() {
            lock.release();
        }
    }
}

/// The thread's side.
struct Worker {
    conn: Connection,
    /// This writer's id, recorded on the answers it streams.
    id: String,
    live: HashMap<i64, LiveAnswer>,
    dirty: HashSet<i64>,
    /// Answers saved as ended: later events for them are ignored.
    ended: HashSet<i64>,
    /// When the oldest unsaved change must be saved.
    due: Option<Instant>,
    last_error: Arc<Mutex<Option<String>>>,
}

impl Worker {
    fn run(mut self, rx: mpsc::Receiver<Msg>) {
        loop {
            let msg = match self.due {
                Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => {
                        let _ = self.save();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                },
                None => match rx.recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                },
            };
            match msg {
                Msg::Event(answer, event) => self.fold(answer, event),
                Msg::Call(job) => job(&mut self.conn, &self.id),
                Msg::Flush(reply) => {
                    let _ = reply.send(self.save());
                }
            }
        }
        let _ = self.save();
        self.interrupt_own();
    }

    fn fold(&mut self, answer: i64, event: RunEvent) {
        if self.ended.contains(&answer) {
            return;
        }
        let ended = self.live.entry(answer).or_default().apply(event, now_ms());
        self.dirty.insert(answer);
        if ended {
            let _ = self.save();
        } else if self.due.is_none() {
            self.due = Some(Instant::now() + SAVE_EVERY);
        }
    }

    /// Save every changed answer in one transaction. On failure everything stays pending and
    /// is tried again after [`SAVE_EVERY`].
    fn save(&mut self) -> Result<(), String> {
        if self.dirty.is_empty() {
            self.due = None;
            return Ok(());
        }
        match write_batch(&mut self.conn, &self.id, &self.live, &self.dirty) {
            Ok(()) => {
                let ended = &mut self.ended;
                self.live.retain(|id, a| {
                    a.request_saved = true;
                    if a.end.is_some() {
                        ended.insert(*id);
                    }
                    a.end.is_none()
                });
                self.dirty.clear();
                self.due = None;
                // Everything pending is saved now: the earlier failure cost nothing.
                *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = None;
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                // SQLite's message names the file and the failure, never a request header.
                tracing::warn!(error = %message, answers = self.dirty.len(), "could not save to the history; will retry");
                *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.clone());
                self.due = Some(Instant::now() + SAVE_EVERY);
                Err(message)
            }
        }
    }

    /// At shutdown: whatever this writer still streams will never end.
    fn interrupt_own(&self) {
        let result = self.conn.execute(
            "UPDATE answers SET status = 'interrupted', writer = NULL WHERE status = 'streaming' AND writer = ?1",
            [&self.id],
        );
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not mark unfinished answers interrupted");
        }
    }
}

fn write_batch(
    conn: &mut Connection,
    writer: &str,
    live: &HashMap<i64, LiveAnswer>,
    dirty: &HashSet<i64>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = now_ms();
    for id in dirty {
        if let Some(answer) = live.get(id) {
            write_answer(&tx, writer, *id, answer)?;
            tx.prepare_cached(
                "UPDATE comparisons SET updated_at = ?2 WHERE id =
                   (SELECT t.comparison_id FROM answers a JOIN turns t ON t.id = a.turn_id WHERE a.id = ?1)",
            )?
            .execute(params![id, now])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The request to save, packed with references to the texts saved already ([`refs`]); None
/// when it is saved already (or the answer is gone).
fn packed_request(conn: &Connection, id: i64, a: &LiveAnswer) -> Result<Option<Vec<u8>>, StoreError> {
    let Some(request) = a.request.as_ref().filter(|_| !a.request_saved) else { return Ok(None) };
    let owner = conn
        .prepare_cached("SELECT turn_id, pane_id FROM answers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((turn, pane)) = owner else { return Ok(None) };
    Ok(Some(pack_json(&refs::encode(request, &refs::texts_for(conn, turn, pane, Some(id))?))?))
}

fn write_answer(conn: &Connection, writer: &str, id: i64, a: &LiveAnswer) -> Result<(), StoreError> {
    let request = packed_request(conn, id, a)?;
    let tool_calls = to_json(&a.tool_calls)?;
    match &a.end {
        Some(end) => {
            let state = end.provider_state.as_ref().map(to_json).transpose()?;
            conn.prepare_cached(
                "UPDATE answers SET status = ?2, finished_at = ?3, text = ?4, reasoning = ?5, tool_calls = ?6,
                        request = coalesce(?7, request), report = ?8, provider_state = ?9, writer = NULL
                  WHERE id = ?1",
            )?
            .execute(params![
                id,
                status_str(end.status),
                end.finished_at,
                a.text,
                a.reasoning,
                tool_calls,
                request,
                pack_json(&end.report)?,
                state
            ])?;
        }
        // Only while it streams: a late event must not overwrite an ended answer.
        None => {
            conn.prepare_cached(
                "UPDATE answers SET text = ?2, reasoning = ?3, tool_calls = ?4, request = coalesce(?5, request),
                        writer = ?6
                  WHERE id = ?1 AND status = 'streaming'",
            )?
            .execute(params![id, a.text, a.reasoning, tool_calls, request, writer])?;
        }
    }
    Ok(())
}
