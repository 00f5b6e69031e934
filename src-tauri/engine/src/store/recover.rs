//! Telling a crash from a live writer. Each [`super::StoreWriter`] holds an exclusive OS lock on
//! `<db dir>/writers/<id>.lock` for its whole life, and the answers it streams carry its id. The
//! OS drops the lock when the process dies (even on SIGKILL), so at open: an answer still
//! `streaming` whose writer's lock can be taken was cut short, and is marked `interrupted`.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection};

use super::StoreError;

/// A half-made lock file (its maker died between creating and renaming it) is removed after this.
const STALE_TEMP: Duration = Duration::from_secs(600);

pub(crate) fn writers_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("writers")
}

/// A writer's lock, held until [`WriterLock::release`] or the process ends.
pub(crate) struct WriterLock {
    pub id: String,
    path: PathBuf,
    _file: File,
}

impl WriterLock {
    /// Create and lock a new lock file. It is locked under a temporary name and then renamed,
    /// so that no other process ever sees an unlocked `.lock` file of a live writer.
    pub fn acquire(db: &Path) -> io::Result<WriterLock> {
        let dir = writers_dir(db);
        std::fs::create_dir_all(&dir)?;
        let id = format!("{:016x}{:08x}", rand::random::<u64>(), std::process::id());
        let temp = dir.join(format!("{id}.tmp"));
        let file = File::create(&temp)?;
        file.lock()?;
        let path = dir.join(format!("{id}.lock"));
        std::fs::rename(&temp, &path)?;
        Ok(WriterLock { id, path, _file: file })
    }

    /// Remove the file, then let go of the lock (closing the file).
    pub fn release(self) {
        if let Err(e) = std::fs::remove_file(&self.path) {
            tracing::warn!(path = %self.path.display(), error = %e, "could not remove a writer lock file");
        }
    }
}

/// Mark the answers of dead writers `interrupted` and clear their lock files. Returns how many
/// answers were marked.
pub(crate) fn recover(conn: &Connection, db: &Path) -> Result<usize, StoreError> {
    let dir = writers_dir(db);
    let writers: Vec<Option<String>> = conn
        .prepare("SELECT DISTINCT writer FROM answers WHERE status = 'streaming'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut marked = 0;
    for writer in writers {
        match writer {
            // Nobody streams into an answer without a writer (a hand-made or imported row).
            None => marked += mark_interrupted(conn, None)?,
            Some(id) => {
                if let Some(lock) = take_if_dead(&dir, &id) {
                    marked += mark_interrupted(conn, Some(&id))?;
                    lock.release();
                }
            }
        }
    }
    clean_stale_files(&dir);
    if marked > 0 {
        tracing::info!(answers = marked, "answers cut short by a crash marked interrupted");
    }
    Ok(marked)
}

fn mark_interrupted(conn: &Connection, writer: Option<&str>) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE answers SET status = 'interrupted', writer = NULL WHERE status = 'streaming' AND writer IS ?1",
        params![writer],
    )?)
}

/// The lock of writer `id` when its owner is gone (lock file missing or lockable); None while
/// the owner lives, or when in doubt.
fn take_if_dead(dir: &Path, id: &str) -> Option<DeadLock> {
    // Ids are ours (hex); anything else cannot name a lock file.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(DeadLock(None));
    }
    let path = dir.join(format!("{id}.lock"));
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Some(DeadLock(None)),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "could not check a writer lock");
            return None;
        }
    };
    match file.try_lock() {
        Ok(()) => Some(DeadLock(Some((path, file)))),
        Err(TryLockError::WouldBlock) => None,
        Err(TryLockError::Error(e)) => {
            tracing::warn!(path = %path.display(), error = %e, "could not check a writer lock");
            None
        }
    }
}

/// A dead writer's lock file, locked by us until released.
struct DeadLock(Option<(PathBuf, File)>);

impl DeadLock {
    fn release(self) {
        if let Some((path, _file)) = self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Lock files of writers that died with nothing streaming, and old half-made ones.
fn clean_stale_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("lock") => {
                let Some(id) = path.file_stem().and_then(|s| s.to_str()) else { continue };
                if let Some(lock) = take_if_dead(dir, id) {
                    lock.release();
                }
            }
            Some("tmp") if is_older_than(&path, STALE_TEMP) => {
                let _ = std::fs::remove_file(&path);
            }
            _ => {}
        }
    }
}

fn is_older_than(path: &Path, age: Duration) -> bool {
    let modified = std::fs::metadata(path).and_then(|m| m.modified());
    modified.ok().and_then(|m| SystemTime::now().duration_since(m).ok()).is_some_and(|d| d > age)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_alive_and_a_released_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.db");
        let lock = WriterLock::acquire(&db).unwrap();
        let wdir = writers_dir(&db);
        assert!(wdir.join(format!("{}.lock", lock.id)).exists());
        // Another open file description of the same file cannot take the lock while it is held.
        assert!(take_if_dead(&wdir, &lock.id).is_none());
        clean_stale_files(&wdir);
        assert!(wdir.join(format!("{}.lock", lock.id)).exists(), "a live writer's file is kept");
        let id = lock.id.clone();
        lock.release();
        assert!(!wdir.join(format!("{id}.lock")).exists());
        assert!(take_if_dead(&wdir, &id).is_some(), "no file: the writer is gone");
    }

    #[test]
    fn a_lock_file_left_by_a_dead_writer_is_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let wdir = writers_dir(&dir.path().join("history.db"));
        std::fs::create_dir_all(&wdir).unwrap();
        let stale = wdir.join("00ff.lock");
        std::fs::write(&stale, b"").unwrap();
        clean_stale_files(&wdir);
        assert!(!stale.exists());
    }

    #[test]
    fn ids_that_are_not_ours_never_name_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("victim.lock");
        std::fs::write(&outside, b"").unwrap();
        let wdir = dir.path().join("writers");
        let lock = take_if_dead(&wdir, "../victim").expect("treated as dead");
        lock.release();
        assert!(outside.exists());
    }
}
