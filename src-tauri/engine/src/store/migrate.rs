//! Numbered SQL migrations, embedded in the binary and tracked by `PRAGMA user_version`:
//! schema N is what `MIGRATIONS[..N]` builds. Never edit a released migration; add the next one.

use rusqlite::{Connection, TransactionBehavior};

/// `MIGRATIONS[i]` takes a database from schema `i` to schema `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_bench.sql"),
    include_str!("migrations/0003_votes.sql"),
    // Numbered by the branch that added it; MIGRATIONS is the order they run in.
    include_str!("migrations/0004_prompts.sql"),
];

/// The schema this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// What `migrate` found.
pub(crate) enum Migrated {
    /// Now at [`latest`] (`from` is where it started).
    Current { from: i64 },
    /// Written by a newer build: nothing was changed.
    Newer(i64),
}

/// Apply the missing migrations in one transaction. The version is read again under the write
/// lock, so two processes opening an old file at once migrate it once.
pub(crate) fn migrate(conn: &mut Connection) -> Result<Migrated, (i64, rusqlite::Error)> {
    let before = user_version(conn).map_err(|e| (0, e))?;
    if before == latest() {
        return Ok(Migrated::Current { from: before });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| (before, e))?;
    let from = user_version(&tx).map_err(|e| (before, e))?;
    if !(0..=latest()).contains(&from) {
        return Ok(Migrated::Newer(from));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let version = i as i64 + 1;
        tx.execute_batch(sql).map_err(|e| (version, e))?;
    }
    tx.pragma_update(None, "user_version", latest()).map_err(|e| (latest(), e))?;
    tx.commit().map_err(|e| (latest(), e))?;
    Ok(Migrated::Current { from })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_database_is_brought_to_the_latest_schema_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert!(matches!(migrate(&mut conn), Ok(Migrated::Current { from: 0 })));
        assert_eq!(user_version(&conn).unwrap(), latest());
        // Running it again is a no-op, not a "table already exists" error.
        assert!(matches!(migrate(&mut conn), Ok(Migrated::Current { from }) if from == latest()));
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master
                 WHERE name IN ('comparisons','panes','turns','answers','prompts','prompt_variants')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 6);
    }

    #[test]
    fn a_newer_schema_is_reported_and_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 3).unwrap();
        assert!(matches!(migrate(&mut conn), Ok(Migrated::Newer(v)) if v == latest() + 3));
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0);
    }
}
