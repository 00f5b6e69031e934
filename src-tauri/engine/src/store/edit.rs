//! Writes: the user's edits (rename, pin, delete, rate, note, settings), import of a whole
//! comparison, and the inserts a run starts with (shared with the writer thread).

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::codec::{pack_json, status_str, to_json};
use super::fold::split_report;
use super::model::{Answer, AnswerStatus, Comparison, PaneRecord, PaneSettings, Turn};
use super::writer::NewTurn;
use super::{now_ms, refs, Store, StoreError};

impl Store {
    pub fn rename(&self, comparison: i64, title: &str) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE comparisons SET title = ?2, updated_at = ?3 WHERE id = ?1",
            params![comparison, title, now_ms()],
        )?;
        found(n, "comparison", comparison)
    }

    /// Pinned comparisons come first in the list. Pinning does not count as an update.
    pub fn set_pinned(&self, comparison: i64, pinned: bool) -> Result<(), StoreError> {
        let n = self.conn.execute("UPDATE comparisons SET pinned = ?2 WHERE id = ?1", params![comparison, pinned])?;
        found(n, "comparison", comparison)
    }

    /// Hide a comparison everywhere (list, get, search) until [`Store::restore`] or a purge.
    pub fn delete(&self, comparison: i64) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE comparisons SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
            params![comparison, now_ms()],
        )?;
        found(n, "comparison", comparison)
    }

    pub fn restore(&self, comparison: i64) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE comparisons SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
            params![comparison],
        )?;
        found(n, "deleted comparison", comparison)
    }

    /// Remove deleted comparisons for good. Returns how many.
    pub fn purge_deleted(&self) -> Result<usize, StoreError> {
        Ok(self.conn.execute("DELETE FROM comparisons WHERE deleted_at IS NOT NULL", [])?)
    }

    /// Rate a pane 1 to 5 stars, or clear its rating.
    pub fn rate_pane(&self, pane: i64, rating: Option<u8>) -> Result<(), StoreError> {
        check_rating(rating)?;
        let n = self.conn.execute("UPDATE panes SET rating = ?2 WHERE id = ?1", params![pane, rating])?;
        found(n, "pane", pane)?;
        touch_pane(&self.conn, pane)
    }

    pub fn set_pane_note(&self, pane: i64, note: &str) -> Result<(), StoreError> {
        let n = self.conn.execute("UPDATE panes SET note = ?2 WHERE id = ?1", params![pane, note])?;
        found(n, "pane", pane)?;
        touch_pane(&self.conn, pane)
    }

    pub fn update_pane_settings(&self, pane: i64, settings: &PaneSettings) -> Result<(), StoreError> {
        set_pane_settings(&self.conn, pane, settings)
    }

    /// Insert a whole comparison under new ids (panes, turns and answers renumbered, references
    /// between them kept). Returns the new comparison id. An answer still `streaming` in the
    /// input is stored `interrupted`: nothing here will finish it.
    pub fn import(&self, comparison: &Comparison) -> Result<i64, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let id = import_into(&tx, comparison)?;
        tx.commit()?;
        Ok(id)
    }

    /// [`Store::import`] of many comparisons in one transaction (all or none).
    pub fn import_all(&self, comparisons: &[Comparison]) -> Result<Vec<i64>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let ids = comparisons.iter().map(|c| import_into(&tx, c)).collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;
        Ok(ids)
    }
}

fn found(changed: usize, what: &'static str, id: i64) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound { what, id })
    } else {
        Ok(())
    }
}

fn check_rating(rating: Option<u8>) -> Result<(), StoreError> {
    match rating {
        Some(r) if !(1..=5).contains(&r) => Err(StoreError::Invalid(format!("a rating is 1 to 5 stars, not {r}"))),
        _ => Ok(()),
    }
}

/// Count an edit of a pane as an update of its comparison (it moves up the list).
fn touch_pane(conn: &Connection, pane: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE comparisons SET updated_at = ?2 WHERE id = (SELECT comparison_id FROM panes WHERE id = ?1)",
        params![pane, now_ms()],
    )?;
    Ok(())
}

pub(crate) fn set_pane_settings(conn: &Connection, pane: i64, settings: &PaneSettings) -> Result<(), StoreError> {
    let n = conn.execute("UPDATE panes SET settings = ?2 WHERE id = ?1", params![pane, to_json(settings)?])?;
    found(n, "pane", pane)?;
    touch_pane(conn, pane)
}

pub(crate) fn insert_comparison(
    conn: &Connection,
    title: &str,
    created: i64,
    updated: i64,
    pinned: bool,
) -> Result<i64, StoreError> {
    conn.prepare_cached("INSERT INTO comparisons (title, created_at, updated_at, pinned) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![title, created, updated, pinned])?;
    Ok(conn.last_insert_rowid())
}

/// Add a pane after the comparison's last one.
pub(crate) fn append_pane(
    conn: &Connection,
    comparison: i64,
    provider: &str,
    model: &str,
    settings: &PaneSettings,
) -> Result<i64, StoreError> {
    let exists: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM comparisons WHERE id = ?1)", [comparison], |r| r.get(0))?;
    if !exists {
        return Err(StoreError::NotFound { what: "comparison", id: comparison });
    }
    let position: i64 = conn.query_row(
        "SELECT coalesce(max(position) + 1, 0) FROM panes WHERE comparison_id = ?1",
        [comparison],
        |r| r.get(0),
    )?;
    let pane = PaneRecord {
        id: 0,
        provider: provider.into(),
        model: model.into(),
        settings: settings.clone(),
        rating: None,
        note: String::new(),
    };
    insert_pane(conn, comparison, position, &pane)
}

fn insert_pane(conn: &Connection, comparison: i64, position: i64, pane: &PaneRecord) -> Result<i64, StoreError> {
    check_rating(pane.rating)?;
    conn.prepare_cached(
        "INSERT INTO panes (comparison_id, position, provider, model, settings, rating, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        comparison,
        position,
        pane.provider,
        pane.model,
        to_json(&pane.settings)?,
        pane.rating,
        pane.note
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Insert a turn and one `streaming` answer per pane (in the order given), owned by `writer`.
/// Call inside a transaction.
pub(crate) fn begin_turn(
    conn: &Connection,
    comparison: i64,
    turn: &NewTurn,
    writer: &str,
) -> Result<(i64, Vec<i64>), StoreError> {
    let now = now_ms();
    for pane in turn.panes.iter().chain(turn.only_pane.as_ref()) {
        check_pane_of(conn, comparison, *pane)?;
    }
    let turn_id = insert_turn(conn, comparison, now, &turn.prompt, &turn.system, &turn.params, turn.only_pane)?;
    let mut answers = Vec::with_capacity(turn.panes.len());
    for pane in &turn.panes {
        conn.prepare_cached(
            "INSERT INTO answers (turn_id, pane_id, status, started_at, writer) VALUES (?1, ?2, 'streaming', ?3, ?4)",
        )?
        .execute(params![turn_id, pane, now, writer])?;
        answers.push(conn.last_insert_rowid());
    }
    conn.execute("UPDATE comparisons SET updated_at = ?2 WHERE id = ?1", params![comparison, now])?;
    Ok((turn_id, answers))
}

fn check_pane_of(conn: &Connection, comparison: i64, pane: i64) -> Result<(), StoreError> {
    let owner: Option<i64> =
        conn.query_row("SELECT comparison_id FROM panes WHERE id = ?1", [pane], |r| r.get(0)).optional()?;
    match owner {
        Some(c) if c == comparison => Ok(()),
        Some(_) => Err(StoreError::Invalid(format!("pane {pane} belongs to another comparison than {comparison}"))),
        None => Err(StoreError::NotFound { what: "pane", id: pane }),
    }
}

fn insert_turn(
    conn: &Connection,
    comparison: i64,
    created: i64,
    prompt: &str,
    system: &str,
    params: &crate::request::Params,
    only_pane: Option<i64>,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO turns (comparison_id, created_at, prompt, system, params, only_pane) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![comparison, created, prompt, system, to_json(params)?, only_pane])?;
    Ok(conn.last_insert_rowid())
}

fn import_into(conn: &Connection, c: &Comparison) -> Result<i64, StoreError> {
    let id = insert_comparison(conn, &c.title, c.created_at, c.updated_at, c.pinned)?;
    let mut panes = HashMap::with_capacity(c.panes.len());
    for (position, pane) in c.panes.iter().enumerate() {
        let new = insert_pane(conn, id, position as i64, pane)?;
        if panes.insert(pane.id, new).is_some() {
            return Err(StoreError::Invalid(format!("pane id {} appears twice in \"{}\"", pane.id, c.title)));
        }
    }
    for turn in &c.turns {
        import_turn(conn, id, turn, &panes)?;
    }
    Ok(id)
}

fn import_turn(conn: &Connection, comparison: i64, turn: &Turn, panes: &HashMap<i64, i64>) -> Result<(), StoreError> {
    let only_pane = match turn.only_pane {
        Some(old) => Some(*panes.get(&old).ok_or_else(|| unknown_pane(old))?),
        None => None,
    };
    let turn_id = insert_turn(conn, comparison, turn.created_at, &turn.prompt, &turn.system, &turn.params, only_pane)?;
    for answer in &turn.answers {
        let pane = *panes.get(&answer.pane_id).ok_or_else(|| unknown_pane(answer.pane_id))?;
        insert_answer(conn, turn_id, pane, answer)?;
    }
    Ok(())
}

fn unknown_pane(id: i64) -> StoreError {
    StoreError::Invalid(format!("the comparison refers to pane {id}, which it does not have"))
}

fn insert_answer(conn: &Connection, turn: i64, pane: i64, a: &Answer) -> Result<(), StoreError> {
    let status = match a.status {
        AnswerStatus::Streaming => AnswerStatus::Interrupted,
        s => s,
    };
    let (report, text, reasoning, tool_calls, _) = split_report(a.report.clone());
    let request = match &a.request {
        Some(r) => Some(pack_json(&refs::encode(r, &refs::texts_for(conn, turn, pane, None)?))?),
        None => None,
    };
    let state = a.provider_state.as_ref().map(to_json).transpose()?;
    conn.prepare_cached(
        "INSERT INTO answers (turn_id, pane_id, status, started_at, finished_at, text, reasoning, tool_calls, report,
                              request, provider_state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        turn,
        pane,
        status_str(status),
        a.started_at,
        a.finished_at,
        text,
        reasoning,
        to_json(&tool_calls)?,
        pack_json(&report)?,
        request,
        state
    ])?;
    Ok(())
}
