//! Opening the history file: connection settings, the schema check, migrations, and what to do
//! with a file that is not a database any more (set it aside, never delete it, start afresh).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use super::migrate::{self, Migrated};
use super::StoreError;

/// The page size of new history files.
const PAGE_SIZE: i64 = 16 * 1024;
/// How long a statement waits for another process (the app, the CLI) to release the file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

enum Failure {
    /// Not a database, or one that fails its integrity check: set aside and start again.
    Damaged(String),
    Fatal(StoreError),
}

/// Open `path` ready for use, and a notice for the user when a damaged file had to be set aside.
pub(crate) fn open_connection(path: &Path) -> Result<(Connection, Option<String>), StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
    }
    let why = match try_open(path) {
        Ok(conn) => return Ok((conn, None)),
        Err(Failure::Fatal(e)) => return Err(e),
        Err(Failure::Damaged(why)) => why,
    };
    let kept = set_aside(path)?;
    tracing::warn!(path = %path.display(), kept = %kept.display(), reason = %why, "damaged history set aside");
    let conn = try_open(path).map_err(|f| match f {
        Failure::Fatal(e) => e,
        Failure::Damaged(why) => {
            StoreError::Invalid(format!("{}: a new history could not be started: {why}", path.display()))
        }
    })?;
    let notice = format!(
        "The history file {} could not be read ({why}). It was kept as {} and a new, empty history was started.",
        path.display(),
        kept.display()
    );
    Ok((conn, Some(notice)))
}

fn try_open(path: &Path) -> Result<Connection, Failure> {
    // Checked before SQLite sees the file: on closing a file it cannot read, SQLite would delete
    // a -wal beside it, which may hold the last things saved.
    if !has_sqlite_header(path).map_err(|source| Failure::Fatal(StoreError::Io { path: path.to_path_buf(), source }))? {
        return Err(Failure::Damaged("it is not a SQLite database".into()));
    }
    let fail = |e: rusqlite::Error| classify(path, e);
    let mut conn = Connection::open(path).map_err(fail)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
    // Checked before anything writes (journal mode, migrations): a newer file stays untouched.
    let version = migrate::user_version(&conn).map_err(fail)?;
    if !(0..=migrate::latest()).contains(&version) {
        return Err(newer(path, version));
    }
    quick_check(&conn, version).map_err(|e| match e {
        Some(e) => fail(e),
        None => Failure::Damaged("its integrity check failed".into()),
    })?;
    if version == 0 {
        // Only takes effect on a new file (before its first table and before WAL). Answers with
        // their packed request and report are 1-4 KB: 4 KB pages would fit one, wasting a third.
        conn.pragma_update(None, "page_size", PAGE_SIZE).map_err(fail)?;
    }
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)).map_err(fail)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
    // With WAL, NORMAL loses nothing on a process crash (only on power loss), and is much faster.
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(fail)?;
    match migrate::migrate(&mut conn) {
        Ok(Migrated::Current { from }) => {
            if from < migrate::latest() {
                tracing::info!(path = %path.display(), from, to = migrate::latest(), "history schema updated");
            }
            Ok(conn)
        }
        Ok(Migrated::Newer(found)) => Err(newer(path, found)),
        Err((_, e)) if is_damage(&e) => Err(fail(e)),
        Err((version, source)) => {
            Err(Failure::Fatal(StoreError::Migrate { path: path.to_path_buf(), version, source }))
        }
    }
}

/// True for a SQLite file, and for no file or an empty one (a new database).
fn has_sqlite_header(path: &Path) -> std::io::Result<bool> {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    let mut head = Vec::with_capacity(MAGIC.len());
    Read::by_ref(&mut file).take(MAGIC.len() as u64).read_to_end(&mut head)?;
    Ok(head.is_empty() || head == MAGIC)
}

fn newer(path: &Path, found: i64) -> Failure {
    Failure::Fatal(StoreError::Newer { path: path.to_path_buf(), found, known: migrate::latest() })
}

/// The tables checked at every open: the schema and what the history list reads. A whole-file
/// check reads every page (2 s for 100,000 messages); damage elsewhere shows as an error on the
/// comparison it is in.
const CHECKED_TABLES: [&str; 3] = ["comparisons", "panes", "turns"];

/// `Err(None)`: the check ran and found damage; `Err(Some)`: it could not run.
fn quick_check(conn: &Connection, version: i64) -> Result<(), Option<rusqlite::Error>> {
    // Before the first migration there are no tables of ours: check the (small) file whole.
    let checks: Vec<String> = if version == 0 {
        vec!["PRAGMA quick_check(1)".into()]
    } else {
        CHECKED_TABLES.iter().map(|t| format!("PRAGMA quick_check({t})")).collect()
    };
    for check in checks {
        let first: String = conn.query_row(&check, [], |r| r.get(0)).map_err(Some)?;
        if first != "ok" {
            return Err(None);
        }
    }
    Ok(())
}

fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt))
}

fn classify(path: &Path, e: rusqlite::Error) -> Failure {
    if is_damage(&e) {
        Failure::Damaged(e.to_string())
    } else {
        Failure::Fatal(StoreError::Open { path: path.to_path_buf(), source: e })
    }
}

/// Rename `history.db` (and its -wal/-shm) to `history.db.corrupt-<timestamp>`; returns the new name.
fn set_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let kept = free_name(path);
    let err = |source| StoreError::SetAside { path: path.to_path_buf(), source };
    std::fs::rename(path, &kept).map_err(err)?;
    for suffix in ["-wal", "-shm"] {
        let side = with_suffix(path, suffix);
        if side.exists() {
            std::fs::rename(&side, with_suffix(&kept, suffix)).map_err(err)?;
        }
    }
    Ok(kept)
}

fn free_name(path: &Path) -> PathBuf {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"))
        .unwrap_or_else(|_| super::now_ms().to_string());
    let base = with_suffix(path, &format!(".corrupt-{stamp}"));
    let mut candidate = base.clone();
    let mut n = 2;
    while candidate.exists() || with_suffix(&candidate, "-wal").exists() {
        candidate = with_suffix(&base, &format!("-{n}"));
        n += 1;
    }
    candidate
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_damaged_file_in_the_same_second_gets_its_own_name() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.db");
        std::fs::write(&db, b"one").unwrap();
        let first = set_aside(&db).unwrap();
        std::fs::write(&db, b"two").unwrap();
        let second = set_aside(&db).unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
        assert_eq!(std::fs::read(&second).unwrap(), b"two");
        assert!(!db.exists());
    }
}
