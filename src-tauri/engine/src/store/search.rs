//! Full-text search over titles, prompts and answers (FTS5, bm25), one hit per comparison with
//! its best passage. User input is never FTS syntax: each word is quoted as a phrase.

use rusqlite::{params, Connection, OptionalExtension};

use super::model::{SearchHit, SnippetPart};
use super::read::summary;
use super::{Store, StoreError};

/// Snippet markers: control characters, which the tokenizer never puts inside a word.
const HIT_START: char = '\u{2}';
const HIT_END: char = '\u{3}';
/// The last word is matched as a prefix from this many characters on.
const MIN_PREFIX: usize = 3;
/// Words of context around the match in a snippet.
const SNIPPET_WORDS: i64 = 24;

/// At most this many matches of each table are ranked: the newest ones. Ranking costs ~3 µs a
/// match, and a word found in more documents than this says little about relevance anyway
/// (bm25 gives words in half the documents no weight at all).
const RANKED_PER_TABLE: i64 = 1_000;

/// The best match of each comparison (bm25 is lower for better matches), live ones only.
/// `kind`: 0 title, 1 prompt, 2 answer; `doc` is that row's id. ?3..?5: the lowest row id
/// ranked in each table.
const BEST_MATCHES: &str = "
WITH hits (cid, score, kind, doc) AS (
    SELECT f.rowid, f.rank, 0, f.rowid FROM titles_fts f WHERE titles_fts MATCH ?1 AND f.rowid >= ?3
    UNION ALL
    SELECT t.comparison_id, f.rank, 1, f.rowid
      FROM prompts_fts f JOIN turns t ON t.id = f.rowid WHERE prompts_fts MATCH ?1 AND f.rowid >= ?4
    UNION ALL
    SELECT t.comparison_id, f.rank, 2, f.rowid
      FROM answers_fts f JOIN answers a ON a.id = f.rowid JOIN turns t ON t.id = a.turn_id
     WHERE answers_fts MATCH ?1 AND f.rowid >= ?5
),
best AS (SELECT cid, min(score) AS score, kind, doc FROM hits GROUP BY cid)
SELECT b.cid, b.kind, b.doc FROM best b JOIN comparisons c ON c.id = b.cid
 WHERE c.deleted_at IS NULL
 ORDER BY b.score, c.updated_at DESC, c.id DESC
 LIMIT ?2";

impl Store {
    /// Comparisons matching every word of `query` (the last one as a prefix, as the user types),
    /// best first; ties newest first. Any input is accepted: quotes, `-`, `*`, `NEAR` are words.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(fts) = fts_query(query) else { return Ok(Vec::new()) };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let floors: Vec<i64> = ["titles_fts", "prompts_fts", "answers_fts"]
            .iter()
            .map(|table| ranked_floor(&self.conn, table, &fts))
            .collect::<Result<_, _>>()?;
        let best: Vec<(i64, i64, i64)> = self
            .conn
            .prepare_cached(BEST_MATCHES)?
            .query_map(params![fts, limit, floors[0], floors[1], floors[2]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut hits = Vec::with_capacity(best.len());
        for (cid, kind, doc) in best {
            let Some(summary) = summary(&self.conn, cid)? else { continue };
            let snippet = snippet(&self.conn, kind, doc, &fts)?;
            hits.push(SearchHit { summary, snippet });
        }
        Ok(hits)
    }
}

/// The lowest row id among the newest [`RANKED_PER_TABLE`] matches (FTS5 walks row ids in
/// order without ranking, so this is cheap); 0 when there are fewer.
fn ranked_floor(conn: &Connection, table: &str, fts: &str) -> Result<i64, StoreError> {
    let sql = format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2");
    let floor = conn.prepare_cached(&sql)?.query_row(params![fts, RANKED_PER_TABLE - 1], |r| r.get(0)).optional()?;
    Ok(floor.unwrap_or(0))
}

fn snippet(conn: &Connection, kind: i64, doc: i64, fts: &str) -> Result<Vec<SnippetPart>, StoreError> {
    let table = match kind {
        0 => "titles_fts",
        1 => "prompts_fts",
        _ => "answers_fts",
    };
    let sql = format!(
        "SELECT snippet({table}, 0, char(2), char(3), '…', {SNIPPET_WORDS}) FROM {table} WHERE {table} MATCH ?1 AND rowid = ?2"
    );
    let text: Option<String> = conn.prepare_cached(&sql)?.query_row(params![fts, doc], |r| r.get(0)).optional()?;
    Ok(split_snippet(&text.unwrap_or_default()))
}

/// Turn what the user typed into an FTS5 query that cannot be a syntax error: every word a
/// quoted phrase (all must match), the last one a prefix (from 3 characters on) unless the input
/// ends with a space.
/// None when there is no word to look for.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect();
    let last = words.len().checked_sub(1)?;
    // A prefix of one or two letters matches most of the index: wait for a third.
    let typing = !input.ends_with(char::is_whitespace) && words[last].chars().count() >= MIN_PREFIX;
    let phrases: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if i == last && typing {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(phrases.join(" "))
}

/// Split a snippet marked with [`HIT_START`]/[`HIT_END`] into plain and matched parts.
pub(crate) fn split_snippet(marked: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in marked.chars() {
        let toggles_to = match c {
            HIT_START => Some(true),
            HIT_END => Some(false),
            _ => None,
        };
        match toggles_to {
            Some(next) => {
                if !current.is_empty() {
                    parts.push(SnippetPart { text: std::mem::take(&mut current), hit });
                }
                hit = next;
            }
            None => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart { text: current, hit });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_a_quoted_phrase_and_the_last_a_prefix() {
        assert_eq!(fts_query("foo bar").as_deref(), Some(r#""foo" "bar"*"#));
        assert_eq!(fts_query("foo bar ").as_deref(), Some(r#""foo" "bar""#));
        assert_eq!(fts_query("foo b").as_deref(), Some(r#""foo" "b""#), "too short for a prefix");
        assert_eq!(fts_query(r#"say "hi" NEAR -xy"#).as_deref(), Some(r#""say" """hi""" "NEAR" "-xy"*"#));
        assert_eq!(fts_query("foo b").as_deref(), Some(r#""foo" "b""#), "too short for a prefix");
        assert_eq!(fts_query("  - * \" "), None, "no word at all");
        assert_eq!(fts_query(""), None);
    }

    #[test]
    fn snippets_split_into_plain_and_hit_parts() {
        let parts = split_snippet("…the \u{2}quick\u{3} brown \u{2}fox\u{3}");
        let want = [("…the ", false), ("quick", true), (" brown ", false), ("fox", true)];
        assert_eq!(parts.len(), want.len());
        for (p, (text, hit)) in parts.iter().zip(want) {
            assert_eq!((p.text.as_str(), p.hit), (text, hit));
        }
        assert!(split_snippet("").is_empty());
    }
}
