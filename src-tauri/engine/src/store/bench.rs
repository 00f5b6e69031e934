//! Benchmarks in history: the report's plan and per-pane summary as JSON, one row per run.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::bench::{BenchPlan, BenchReport, BenchRun, ErrorClass, PaneSummary};

/// A benchmark as the history list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BenchListItem {
    pub id: i64,
    pub name: String,
    /// When it started (Unix ms).
    pub created_at: i64,
    /// `provider/model` of every pane, in order.
    pub panes: Vec<String>,
    /// Runs kept (stopped ones included).
    pub runs: u32,
    /// Runs that failed (not counting stopped ones).
    pub failed: u32,
    pub stopped: bool,
    pub elapsed_ms: f64,
}

fn json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v)
        .map_err(|e| StoreError::Write(format!("could not encode the benchmark: {e}")))
}

fn parse<T: for<'de> Deserialize<'de>>(what: &str, id: i64, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::Invalid(format!(
            "benchmark {id}: its {what} could not be read ({e})"
        ))
    })
}

impl Store {
    /// Keep a benchmark (all its runs) under `name`. Returns its id.
    pub fn save_bench(&self, report: &BenchReport, name: &str) -> Result<i64, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO benches (created_at, name, plan, summary, stopped, elapsed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![report.started_at, name, json(&report.plan)?, json(&report.panes)?, report.stopped, report.elapsed_ms],
        )?;
        let id = tx.last_insert_rowid();
        insert_runs(&tx, id, &report.runs)?;
        tx.commit()?;
        Ok(id)
    }

    /// Every benchmark, newest first.
    pub fn list_benches(&self) -> Result<Vec<BenchListItem>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT b.id, b.name, b.created_at, b.summary, b.stopped, b.elapsed_ms,
                    (SELECT count(*) FROM bench_runs r WHERE r.bench_id = b.id),
                    (SELECT count(*) FROM bench_runs r WHERE r.bench_id = b.id AND NOT r.ok AND NOT r.stopped)
             FROM benches b ORDER BY b.created_at DESC, b.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, f64>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, u32>(7)?,
            ))
        })?;
        /// Only the labels of the stored summary.
        #[derive(Deserialize)]
        struct Label {
            label: String,
        }
        let mut out = Vec::new();
        for row in rows {
            let (id, name, created_at, summary, stopped, elapsed_ms, runs, failed) = row?;
            let panes: Vec<Label> = parse("summary", id, &summary)?;
            let panes = panes.into_iter().map(|p| p.label).collect();
            out.push(BenchListItem {
                id,
                name,
                created_at,
                panes,
                runs,
                failed,
                stopped,
                elapsed_ms,
            });
        }
        Ok(out)
    }

    /// A whole benchmark, its runs in the order they finished.
    pub fn get_bench(&self, id: i64) -> Result<BenchReport, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT created_at, plan, summary, stopped, elapsed_ms FROM benches WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, f64>(4)?,
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "benchmark",
                id,
            })?;
        let (started_at, plan, summary, stopped, elapsed_ms) = head;
        let plan: BenchPlan = parse("plan", id, &plan)?;
        let panes: Vec<PaneSummary> = parse("summary", id, &summary)?;
        let mut stmt = self.conn.prepare(
            "SELECT pane, input, rep, started_ms, ok, stopped, error_class, error, ttft_ms, total_ms, output_tokens,
                    tokens_per_s, cost_usd, retries, served_model, substituted, text
             FROM bench_runs WHERE bench_id = ?1 ORDER BY seq",
        )?;
        let runs = stmt
            .query_map([id], run_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(BenchReport {
            started_at,
            elapsed_ms,
            plan,
            stopped,
            panes,
            runs,
        })
    }

    /// Remove a benchmark and its runs for good.
    pub fn delete_bench(&self, id: i64) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM benches WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "benchmark",
                id,
            });
        }
        Ok(())
    }
}

fn insert_runs(conn: &Connection, id: i64, runs: &[BenchRun]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare(
        "INSERT INTO bench_runs (bench_id, seq, pane, input, rep, started_ms, ok, stopped, error_class, error, ttft_ms,
                                 total_ms, output_tokens, tokens_per_s, cost_usd, retries, served_model, substituted, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?;
    for (seq, r) in runs.iter().enumerate() {
        stmt.execute(params![
            id,
            seq as i64,
            r.pane as i64,
            r.input.map(|i| i as i64),
            r.rep,
            r.started_ms,
            r.ok,
            r.stopped,
            r.error_class.map(ErrorClass::as_str),
            r.error,
            r.ttft_ms,
            r.total_ms,
            r.output_tokens
                .map(|t| i64::try_from(t).unwrap_or(i64::MAX)),
            r.tokens_per_s,
            r.cost_usd,
            r.retries,
            r.served_model,
            r.substituted,
            r.text,
        ])?;
    }
    Ok(())
}

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<BenchRun> {
    let class: Option<String> = r.get(6)?;
    Ok(BenchRun {
        pane: r.get::<_, i64>(0)?.max(0) as usize,
        input: r.get::<_, Option<i64>>(1)?.map(|i| i.max(0) as usize),
        rep: r.get(2)?,
        started_ms: r.get(3)?,
        ok: r.get(4)?,
        stopped: r.get(5)?,
        error_class: class.as_deref().and_then(ErrorClass::parse),
        error: r.get(7)?,
        ttft_ms: r.get(8)?,
        total_ms: r.get(9)?,
        output_tokens: r.get::<_, Option<i64>>(10)?.map(|t| t.max(0) as u64),
        tokens_per_s: r.get(11)?,
        cost_usd: r.get(12)?,
        retries: r.get(13)?,
        served_model: r.get(14)?,
        substituted: r.get(15)?,
        text: r.get(16)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::test_support::sample_report;

    #[test]
    fn a_bench_is_saved_listed_read_back_whole_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("h.db")).unwrap().store;
        let report = sample_report();
        let id = store.save_bench(&report, "nightly").unwrap();
        let older = BenchReport {
            started_at: report.started_at - 1,
            ..report.clone()
        };
        let older_id = store.save_bench(&older, "").unwrap();

        let list = store.list_benches().unwrap();
        assert_eq!(
            list.iter().map(|b| b.id).collect::<Vec<_>>(),
            [id, older_id],
            "newest first"
        );
        let item = &list[0];
        assert_eq!(item.name, "nightly");
        assert_eq!(item.panes, ["p0/m", "p1/m"]);
        assert_eq!(
            (item.runs, item.failed, item.stopped, item.elapsed_ms),
            (2, 1, true, 999.5)
        );
        assert_eq!(item.created_at, report.started_at);

        assert_eq!(store.get_bench(id).unwrap(), report);
        store.delete_bench(id).unwrap();
        assert!(matches!(
            store.get_bench(id),
            Err(StoreError::NotFound {
                what: "benchmark",
                ..
            })
        ));
        assert!(matches!(
            store.delete_bench(id),
            Err(StoreError::NotFound { .. })
        ));
        let left: i64 = store
            .conn
            .query_row("SELECT count(*) FROM bench_runs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            left, 2,
            "the deleted bench's runs went with it; the other's stay"
        );
    }
}
