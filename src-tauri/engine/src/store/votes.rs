//! Blind votes: which of several answers to one prompt the user preferred, or a tie. Each vote
//! names its candidates in their real pane order, so the leaderboard (`crate::rank`) can be
//! rebuilt from these rows at any time.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::codec::{from_json, to_json};
use super::model::Timestamp;
use super::{now_ms, Store, StoreError};

/// The longest prompt excerpt kept with a vote (characters): enough to recognise it in a list.
pub const PROMPT_EXCERPT_CHARS: usize = 200;
/// More panes than this in one vote is not something the app can show.
const MAX_CANDIDATES: usize = 64;

/// One answer that took part in a vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Candidate {
    pub provider: String,
    /// The model asked for: the leaderboard ranks `provider/model`.
    pub model: String,
    /// The model that actually answered, when the provider said (it may differ: substitution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub served_model: Option<String>,
    /// The blind name it had when the user voted ("Model B").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pane_label: Option<String>,
}

/// A vote to record. Exactly one of `winner` (an index into `candidates`) and `tie` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewVote {
    /// The history comparison voted on; None when the run was not recorded (private mode).
    #[serde(default)]
    pub comparison_id: Option<i64>,
    /// The history turn voted on, when recorded.
    #[serde(default)]
    pub turn_id: Option<i64>,
    /// In the real (unshuffled) pane order.
    pub candidates: Vec<Candidate>,
    #[serde(default)]
    pub winner: Option<u32>,
    #[serde(default)]
    pub tie: bool,
    /// The prompt voted on; only its start is kept ([`PROMPT_EXCERPT_CHARS`]).
    #[serde(default)]
    pub prompt: String,
}

/// A recorded vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vote {
    pub id: i64,
    pub created_at: Timestamp,
    /// None when the run was not recorded, or its comparison was purged since.
    pub comparison_id: Option<i64>,
    pub turn_id: Option<i64>,
    pub candidates: Vec<Candidate>,
    pub winner: Option<u32>,
    pub tie: bool,
    pub prompt: String,
}

impl Vote {
    /// The winning candidate; None for a tie.
    pub fn winner(&self) -> Option<&Candidate> {
        self.winner.and_then(|w| self.candidates.get(w as usize))
    }
}

const VOTE_COLUMNS: &str = "id, created_at, comparison_id, turn_id, candidates, winner, tie, prompt";

impl Store {
    /// Record a vote; returns its id. Refuses a vote that names fewer than two candidates, a
    /// winner that is not one of them, or both a winner and a tie.
    pub fn record_vote(&self, vote: &NewVote) -> Result<i64, StoreError> {
        check_vote(vote)?;
        self.check_refs(vote)?;
        self.conn
            .prepare_cached(
                "INSERT INTO votes (created_at, comparison_id, turn_id, candidates, winner, tie, prompt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                now_ms(),
                vote.comparison_id,
                vote.turn_id,
                to_json(&vote.candidates)?,
                vote.winner,
                vote.tie,
                excerpt(&vote.prompt)
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The most recent votes, newest first.
    pub fn list_votes(&self, limit: usize) -> Result<Vec<Vote>, StoreError> {
        let sql = format!("SELECT {VOTE_COLUMNS} FROM votes ORDER BY created_at DESC, id DESC LIMIT ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], vote_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every vote, oldest first: the order the ratings replay them in.
    pub fn all_votes(&self) -> Result<Vec<Vote>, StoreError> {
        let sql = format!("SELECT {VOTE_COLUMNS} FROM votes ORDER BY created_at, id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], vote_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn delete_vote(&self, id: i64) -> Result<(), StoreError> {
        let n = self.conn.execute("DELETE FROM votes WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "vote", id });
        }
        Ok(())
    }

    /// Forget every vote (the leaderboard starts again). Returns how many there were.
    pub fn clear_votes(&self) -> Result<usize, StoreError> {
        Ok(self.conn.execute("DELETE FROM votes", [])?)
    }

    /// A clear error instead of a foreign-key failure when the comparison or turn is unknown.
    fn check_refs(&self, vote: &NewVote) -> Result<(), StoreError> {
        if let Some(id) = vote.comparison_id {
            let found = self.conn.query_row("SELECT 1 FROM comparisons WHERE id = ?1", [id], |_| Ok(())).optional()?;
            found.ok_or(StoreError::NotFound { what: "comparison", id })?;
        }
        if let Some(id) = vote.turn_id {
            let owner: Option<i64> =
                self.conn.query_row("SELECT comparison_id FROM turns WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            match (owner, vote.comparison_id) {
                (None, _) => return Err(StoreError::NotFound { what: "turn", id }),
                (Some(c), Some(asked)) if c != asked => {
                    return Err(StoreError::Invalid(format!("turn {id} belongs to another comparison than {asked}")))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn check_vote(vote: &NewVote) -> Result<(), StoreError> {
    let n = vote.candidates.len();
    if n < 2 {
        return Err(StoreError::Invalid(format!("a vote compares at least two answers, not {n}")));
    }
    if n > MAX_CANDIDATES {
        return Err(StoreError::Invalid(format!("a vote compares at most {MAX_CANDIDATES} answers, not {n}")));
    }
    if let Some(c) = vote.candidates.iter().find(|c| c.provider.trim().is_empty() || c.model.trim().is_empty()) {
        return Err(StoreError::Invalid(format!(
            "every candidate of a vote needs a provider and a model (got {:?} / {:?})",
            c.provider, c.model
        )));
    }
    match (vote.winner, vote.tie) {
        (Some(_), true) => Err(StoreError::Invalid("a vote has a winner or is a tie, not both".into())),
        (None, false) => Err(StoreError::Invalid("a vote needs a winner or a tie".into())),
        (Some(w), false) if w as usize >= n => Err(StoreError::Invalid(format!(
            "the winner of a vote is one of its {n} candidates (0 to {}), not {w}",
            n - 1
        ))),
        _ => Ok(()),
    }
}

/// The start of a prompt, cut at a character boundary, with an ellipsis when cut.
fn excerpt(prompt: &str) -> String {
    let prompt = prompt.trim();
    match prompt.char_indices().nth(PROMPT_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", prompt[..cut].trim_end()),
        None => prompt.to_string(),
    }
}

fn vote_row(r: &Row<'_>) -> rusqlite::Result<Vote> {
    let candidates: String = r.get(4)?;
    let winner: Option<i64> = r.get(5)?;
    Ok(Vote {
        id: r.get(0)?,
        created_at: r.get(1)?,
        comparison_id: r.get(2)?,
        turn_id: r.get(3)?,
        candidates: from_json(&candidates, "votes.candidates"),
        winner: winner.and_then(|w| u32::try_from(w).ok()),
        tie: r.get(6)?,
        prompt: r.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("history.db")).unwrap().store;
        (dir, store)
    }

    fn cand(provider: &str, model: &str) -> Candidate {
        Candidate { provider: provider.into(), model: model.into(), served_model: None, pane_label: None }
    }

    fn vote(winner: Option<u32>, tie: bool) -> NewVote {
        NewVote {
            comparison_id: None,
            turn_id: None,
            candidates: vec![cand("openai", "gpt-4o"), cand("anthropic", "claude")],
            winner,
            tie,
            prompt: "Why is the sky blue?".into(),
        }
    }

    #[test]
    fn votes_are_recorded_listed_newest_first_deleted_and_cleared() {
        let (_dir, store) = store();
        let mut first = vote(Some(1), false);
        first.candidates[1].served_model = Some("claude-2025".into());
        first.candidates[1].pane_label = Some("Model A".into());
        let a = store.record_vote(&first).unwrap();
        let b = store.record_vote(&vote(None, true)).unwrap();
        let listed = store.list_votes(10).unwrap();
        assert_eq!(listed.iter().map(|v| v.id).collect::<Vec<_>>(), [b, a]);
        assert_eq!(listed[1].candidates, first.candidates, "candidates come back whole, in pane order");
        assert_eq!(listed[1].winner().map(|c| c.model.as_str()), Some("claude"));
        assert!(listed[0].tie && listed[0].winner.is_none());
        assert_eq!(store.all_votes().unwrap().iter().map(|v| v.id).collect::<Vec<_>>(), [a, b]);
        assert_eq!(store.list_votes(1).unwrap().len(), 1);

        store.delete_vote(a).unwrap();
        assert!(matches!(store.delete_vote(a), Err(StoreError::NotFound { what: "vote", .. })));
        assert_eq!(store.list_votes(10).unwrap().len(), 1);
        store.record_vote(&vote(Some(0), false)).unwrap();
        assert_eq!(store.clear_votes().unwrap(), 2);
        assert!(store.list_votes(10).unwrap().is_empty());
    }

    #[test]
    fn malformed_votes_are_refused_with_a_reason() {
        let (_dir, store) = store();
        let refused = |v: NewVote| match store.record_vote(&v) {
            Err(StoreError::Invalid(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(refused(vote(Some(2), false)).contains("not 2"));
        assert!(refused(vote(Some(0), true)).contains("not both"));
        assert!(refused(vote(None, false)).contains("needs a winner or a tie"));
        let mut lonely = vote(Some(0), false);
        lonely.candidates.truncate(1);
        assert!(refused(lonely).contains("at least two"));
        let mut nameless = vote(Some(0), false);
        nameless.candidates[0].model = " ".into();
        assert!(refused(nameless).contains("provider and a model"));
        assert!(store.list_votes(10).unwrap().is_empty(), "nothing was written");
    }

    #[test]
    fn a_vote_keeps_the_start_of_its_prompt_and_outlives_its_comparison() {
        let (_dir, store) = store();
        let comparison = super::super::edit::insert_comparison(&store.conn, "t", 1, 1, false).unwrap();
        let mut v = vote(Some(0), false);
        v.comparison_id = Some(comparison);
        v.prompt = format!("  {}", "é".repeat(500));
        let id = store.record_vote(&v).unwrap();
        let kept = &store.list_votes(1).unwrap()[0];
        assert_eq!(kept.id, id);
        assert_eq!(kept.comparison_id, Some(comparison));
        assert_eq!(kept.prompt.chars().count(), PROMPT_EXCERPT_CHARS + 1, "cut, with an ellipsis");

        let mut unknown = vote(Some(0), false);
        unknown.comparison_id = Some(comparison + 100);
        assert!(matches!(store.record_vote(&unknown), Err(StoreError::NotFound { what: "comparison", .. })));
        unknown.comparison_id = None;
        unknown.turn_id = Some(999);
        assert!(matches!(store.record_vote(&unknown), Err(StoreError::NotFound { what: "turn", .. })));

        // Soft delete keeps the link; purging the comparison keeps the vote without it.
        store.delete(comparison).unwrap();
        store.purge_deleted().unwrap();
        let kept = &store.list_votes(1).unwrap()[0];
        assert_eq!((kept.id, kept.comparison_id), (id, None));
    }
}
