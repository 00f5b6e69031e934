//! Reads: the history list and whole comparisons. Deleted comparisons are invisible here.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::codec::{from_json, from_json_opt, parse_status, unpack_json};
use super::model::{Answer, Comparison, PaneRecord, Summary, Turn};
use super::{refs, Store, StoreError};
use crate::run::PaneReport;

/// The columns of a [`Summary`], for `FROM comparisons c`.
const SUMMARY_COLUMNS: &str = "c.id, c.title, c.created_at, c.updated_at, c.pinned,
    (SELECT group_concat(p.provider || ':' || p.model, char(31) ORDER BY p.position, p.id)
       FROM panes p WHERE p.comparison_id = c.id),
    (SELECT count(*) FROM turns t WHERE t.comparison_id = c.id)";

impl Store {
    /// A page of the history list: pinned first, then the most recently updated.
    pub fn list(&self, limit: usize, offset: usize) -> Result<Vec<Summary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM comparisons c WHERE c.deleted_at IS NULL
             ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ?1 OFFSET ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![to_i64(limit), to_i64(offset)], summary_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The whole comparison, or None when there is none with this id (or it is deleted).
    pub fn get(&self, id: i64) -> Result<Option<Comparison>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT id, title, created_at, updated_at, pinned FROM comparisons WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((id, title, created_at, updated_at, pinned)) = head else { return Ok(None) };
        let panes = panes_of(&self.conn, id)?;
        let turns = turns_of(&self.conn, id)?;
        Ok(Some(Comparison { id, title, created_at, updated_at, pinned, panes, turns }))
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn summary_row(r: &Row<'_>) -> rusqlite::Result<Summary> {
    let models: Option<String> = r.get(5)?;
    let turns: i64 = r.get(6)?;
    Ok(Summary {
        id: r.get(0)?,
        title: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        pinned: r.get(4)?,
        models: models.map(|m| m.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default(),
        turns: u32::try_from(turns).unwrap_or(u32::MAX),
    })
}

/// The summary of one comparison, unless it is deleted or gone.
pub(crate) fn summary(conn: &Connection, id: i64) -> Result<Option<Summary>, StoreError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM comparisons c WHERE c.id = ?1 AND c.deleted_at IS NULL");
    Ok(conn.prepare_cached(&sql)?.query_row([id], summary_row).optional()?)
}

fn panes_of(conn: &Connection, comparison: i64) -> Result<Vec<PaneRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, provider, model, settings, rating, note FROM panes WHERE comparison_id = ?1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([comparison], |r| {
        let settings: String = r.get(3)?;
        Ok(PaneRecord {
            id: r.get(0)?,
            provider: r.get(1)?,
            model: r.get(2)?,
            settings: from_json(&settings, "panes.settings"),
            rating: r.get(4)?,
            note: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn turns_of(conn: &Connection, comparison: i64) -> Result<Vec<Turn>, StoreError> {
    let mut answers = answers_of(conn, comparison)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, created_at, prompt, system, params, only_pane FROM turns WHERE comparison_id = ?1
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([comparison], |r| {
        let id: i64 = r.get(0)?;
        let params: String = r.get(4)?;
        Ok(Turn {
            id,
            created_at: r.get(1)?,
            prompt: r.get(2)?,
            system: r.get(3)?,
            params: from_json(&params, "turns.params"),
            only_pane: r.get(5)?,
            answers: answers.remove(&id).unwrap_or_default(),
        })
    })?;
    let mut turns: Vec<Turn> = rows.collect::<Result<_, _>>()?;
    refs::decode_all(&mut turns);
    Ok(turns)
}

/// Every answer of a comparison by turn, each turn's in pane order.
fn answers_of(conn: &Connection, comparison: i64) -> Result<HashMap<i64, Vec<Answer>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.turn_id, a.id, a.pane_id, a.status, a.started_at, a.finished_at, a.text, a.reasoning,
                a.tool_calls, a.report, a.request, a.provider_state, p.provider, p.model
         FROM answers a JOIN turns t ON t.id = a.turn_id JOIN panes p ON p.id = a.pane_id
         WHERE t.comparison_id = ?1 ORDER BY p.position, p.id",
    )?;
    let mut rows = stmt.query([comparison])?;
    let mut by_turn: HashMap<i64, Vec<Answer>> = HashMap::new();
    while let Some(r) = rows.next()? {
        by_turn.entry(r.get(0)?).or_default().push(answer_row(r)?);
    }
    Ok(by_turn)
}

fn answer_row(r: &Row<'_>) -> rusqlite::Result<Answer> {
    let status: String = r.get(3)?;
    let tool_calls: String = r.get(8)?;
    let report: Option<PaneReport> = unpack_json(r.get_ref(9)?, "answers.report");
    let request = unpack_json(r.get_ref(10)?, "answers.request");
    let state: Option<String> = r.get(11)?;
    let (provider, model): (String, String) = (r.get(12)?, r.get(13)?);
    // While streaming there is no report yet: a default one carries the text so far.
    let mut report = report.unwrap_or_else(|| PaneReport::new(&provider, &model));
    report.text = r.get(6)?;
    report.reasoning = r.get(7)?;
    report.tool_calls = from_json(&tool_calls, "answers.tool_calls");
    Ok(Answer {
        id: r.get(1)?,
        pane_id: r.get(2)?,
        status: parse_status(&status),
        started_at: r.get(4)?,
        finished_at: r.get(5)?,
        request,
        report,
        provider_state: from_json_opt(state.as_deref(), "answers.provider_state"),
    })
}
