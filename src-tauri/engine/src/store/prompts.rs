//! The prompt library: named prompts (system + user text with `{{variables}}`, tags, a table of
//! test inputs) and their per-model variants (a pane's overrides kept for one provider and model).
//!
//! A name is unique regardless of (ASCII) letter case: saving under an existing name updates that prompt.
//! A variant is unique per (prompt, provider, model, label): saving it again updates it.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::codec::{from_json, to_json};
use super::model::Timestamp;
use super::{now_ms, Store, StoreError};
use crate::request::Params;

/// Longest name and tag accepted (they are list labels, not documents).
const MAX_NAME: usize = 200;
const MAX_TAG: usize = 60;

/// The test inputs of a prompt's `{{variables}}`: one column per variable, one row per input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PromptInputs {
    #[serde(default)]
    pub columns: Vec<String>,
    /// Each row has exactly one cell per column.
    #[serde(default)]
    pub rows: Vec<Vec<String>>,
}

/// What `save_prompt` takes: a prompt as the composer holds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PromptDraft {
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub system: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub inputs: PromptInputs,
}

/// A saved prompt with its variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Prompt {
    pub id: i64,
    pub name: String,
    pub tags: Vec<String>,
    pub system: String,
    pub user: String,
    pub inputs: PromptInputs,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Ordered by provider, model and label.
    pub variants: Vec<PromptVariant>,
}

/// A line of the library list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PromptSummary {
    pub id: i64,
    pub name: String,
    pub tags: Vec<String>,
    /// The start of the user prompt (for the list; the whole text comes with `get_prompt`).
    pub preview: String,
    pub variants: u32,
    pub updated_at: Timestamp,
}

/// What `save_variant` takes: one pane's overrides for one model, as a variant of a prompt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VariantDraft {
    pub prompt_id: i64,
    pub provider: String,
    pub model: String,
    /// Tells several variants for one model apart ('' for the only one).
    #[serde(default)]
    pub label: String,
    /// None: the prompt's own system prompt.
    #[serde(default)]
    pub system: Option<String>,
    /// None: the prompt's own user prompt.
    #[serde(default)]
    pub user: Option<String>,
    /// The pane's parameter overrides (absent fields follow the shared values).
    #[serde(default)]
    pub params: Params,
    #[serde(default)]
    pub note: String,
}

/// A saved variant of a prompt for one provider and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PromptVariant {
    pub id: i64,
    pub prompt_id: i64,
    pub provider: String,
    pub model: String,
    pub label: String,
    pub system: Option<String>,
    pub user: Option<String>,
    pub params: Params,
    pub note: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Which prompts `list_prompts` returns. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PromptFilter {
    /// Words that must each appear in the name, a tag, the system or the user prompt (any case).
    #[serde(default)]
    pub text: String,
    /// A tag the prompt must have (any case).
    #[serde(default)]
    pub tag: String,
}

const PROMPT_COLUMNS: &str = "id, name, tags, system, user, inputs, created_at, updated_at";
const VARIANT_COLUMNS: &str =
    "id, prompt_id, provider, model, label, system, user, params, note, created_at, updated_at";

impl Store {
    /// Create a prompt, or update the one with the same name (any letter case); the saved prompt
    /// comes back with its variants.
    pub fn save_prompt(&self, draft: &PromptDraft) -> Result<Prompt, StoreError> {
        let clean = clean_draft(draft)?;
        let now = now_ms();
        let tx = self.conn.unchecked_transaction()?;
        tx.prepare_cached(
            "INSERT INTO prompts (name, tags, system, user, inputs, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT (name) DO UPDATE SET
                 name = excluded.name, tags = excluded.tags, system = excluded.system,
                 user = excluded.user, inputs = excluded.inputs, updated_at = excluded.updated_at",
        )?
        .execute(params![
            clean.name,
            to_json(&clean.tags)?,
            clean.system,
            clean.user,
            to_json(&clean.inputs)?,
            now
        ])?;
        // last_insert_rowid is not set by the update branch of an upsert: look the name up.
        let id: i64 = tx.query_row("SELECT id FROM prompts WHERE name = ?1", [&clean.name], |r| r.get(0))?;
        tx.commit()?;
        self.get_prompt(id)?.ok_or(StoreError::NotFound { what: "prompt", id })
    }

    /// The library, most recently saved first, narrowed by `filter`.
    pub fn list_prompts(&self, filter: &PromptFilter) -> Result<Vec<PromptSummary>, StoreError> {
        let mut sql = String::from(
            "SELECT p.id, p.name, p.tags, substr(p.user, 1, 200), p.updated_at,
                    (SELECT count(*) FROM prompt_variants v WHERE v.prompt_id = p.id)
             FROM prompts p WHERE 1",
        );
        let mut args: Vec<String> = Vec::new();
        let tag = filter.tag.trim();
        if !tag.is_empty() {
            args.push(tag.to_string());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM json_each(p.tags) t WHERE t.value = ?{} COLLATE NOCASE)",
                args.len()
            ));
        }
        for word in filter.text.split_whitespace() {
            args.push(format!("%{}%", escape_like(word)));
            let n = args.len();
            sql.push_str(&format!(
                " AND (p.name LIKE ?{n} ESCAPE '\\' OR p.tags LIKE ?{n} ESCAPE '\\'
                       OR p.system LIKE ?{n} ESCAPE '\\' OR p.user LIKE ?{n} ESCAPE '\\')"
            ));
        }
        sql.push_str(" ORDER BY p.updated_at DESC, p.id DESC");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            let tags: String = r.get(2)?;
            Ok(PromptSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                tags: from_json(&tags, "prompts.tags"),
                preview: r.get(3)?,
                updated_at: r.get(4)?,
                variants: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The prompt with its variants, or None when there is none with this id.
    pub fn get_prompt(&self, id: i64) -> Result<Option<Prompt>, StoreError> {
        let sql = format!("SELECT {PROMPT_COLUMNS} FROM prompts WHERE id = ?1");
        let Some(mut prompt) = self.conn.query_row(&sql, [id], prompt_row).optional()? else {
            return Ok(None);
        };
        prompt.variants = variants_of(&self.conn, id)?;
        Ok(Some(prompt))
    }

    /// Delete a prompt and its variants.
    pub fn delete_prompt(&self, id: i64) -> Result<(), StoreError> {
        let n = self.conn.execute("DELETE FROM prompts WHERE id = ?1", [id])?;
        found(n, "prompt", id)
    }

    /// Create a variant, or update the one for the same prompt, provider, model and label. Saving
    /// a variant counts as an update of its prompt (it moves up the list).
    pub fn save_variant(&self, draft: &VariantDraft) -> Result<PromptVariant, StoreError> {
        let provider = required(&draft.provider, "a variant's provider")?;
        let model = required(&draft.model, "a variant's model")?;
        let label = draft.label.trim();
        let now = now_ms();
        let tx = self.conn.unchecked_transaction()?;
        let exists: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM prompts WHERE id = ?1)", [draft.prompt_id], |r| r.get(0))?;
        if !exists {
            return Err(StoreError::NotFound { what: "prompt", id: draft.prompt_id });
        }
        tx.prepare_cached(
            "INSERT INTO prompt_variants (prompt_id, provider, model, label, system, user, params, note, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
             ON CONFLICT (prompt_id, provider, model, label) DO UPDATE SET
                 system = excluded.system, user = excluded.user, params = excluded.params,
                 note = excluded.note, updated_at = excluded.updated_at",
        )?
        .execute(params![
            draft.prompt_id,
            provider,
            model,
            label,
            draft.system,
            draft.user,
            to_json(&draft.params)?,
            draft.note,
            now
        ])?;
        tx.execute("UPDATE prompts SET updated_at = ?2 WHERE id = ?1", params![draft.prompt_id, now])?;
        let sql = format!(
            "SELECT {VARIANT_COLUMNS} FROM prompt_variants
             WHERE prompt_id = ?1 AND provider = ?2 AND model = ?3 AND label = ?4"
        );
        let variant = tx.query_row(&sql, params![draft.prompt_id, provider, model, label], variant_row)?;
        tx.commit()?;
        Ok(variant)
    }

    pub fn delete_variant(&self, id: i64) -> Result<(), StoreError> {
        let n = self.conn.execute("DELETE FROM prompt_variants WHERE id = ?1", [id])?;
        found(n, "prompt variant", id)
    }
}

fn variants_of(conn: &Connection, prompt: i64) -> Result<Vec<PromptVariant>, StoreError> {
    let sql = format!(
        "SELECT {VARIANT_COLUMNS} FROM prompt_variants WHERE prompt_id = ?1 ORDER BY provider, model, label, id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([prompt], variant_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn prompt_row(r: &Row<'_>) -> rusqlite::Result<Prompt> {
    let tags: String = r.get(2)?;
    let inputs: String = r.get(5)?;
    Ok(Prompt {
        id: r.get(0)?,
        name: r.get(1)?,
        tags: from_json(&tags, "prompts.tags"),
        system: r.get(3)?,
        user: r.get(4)?,
        inputs: from_json(&inputs, "prompts.inputs"),
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
        variants: Vec::new(),
    })
}

fn variant_row(r: &Row<'_>) -> rusqlite::Result<PromptVariant> {
    let params: String = r.get(7)?;
    Ok(PromptVariant {
        id: r.get(0)?,
        prompt_id: r.get(1)?,
        provider: r.get(2)?,
        model: r.get(3)?,
        label: r.get(4)?,
        system: r.get(5)?,
        user: r.get(6)?,
        params: from_json(&params, "prompt_variants.params"),
        note: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

/// The draft as it is stored: name and tags trimmed, tags without empties or repeats (any case),
/// and an inputs table whose rows fit its columns.
fn clean_draft(draft: &PromptDraft) -> Result<PromptDraft, StoreError> {
    let name = required(&draft.name, "a prompt's name")?;
    if name.chars().count() > MAX_NAME {
        return Err(StoreError::Invalid(format!("a prompt's name is at most {MAX_NAME} characters")));
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in draft.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if tag.chars().count() > MAX_TAG {
            return Err(StoreError::Invalid(format!("a tag is at most {MAX_TAG} characters: shorten \"{tag}\"")));
        }
        if !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag.to_string());
        }
    }
    Ok(PromptDraft {
        name: name.to_string(),
        tags,
        system: draft.system.clone(),
        user: draft.user.clone(),
        inputs: check_inputs(&draft.inputs)?,
    })
}

fn check_inputs(inputs: &PromptInputs) -> Result<PromptInputs, StoreError> {
    let columns: Vec<String> = inputs.columns.iter().map(|c| c.trim().to_string()).collect();
    for (i, column) in columns.iter().enumerate() {
        if column.is_empty() {
            return Err(StoreError::Invalid(format!("column {} of the test inputs has no name", i + 1)));
        }
        if columns[..i].contains(column) {
            return Err(StoreError::Invalid(format!("the test inputs have two columns named \"{column}\"")));
        }
    }
    for (i, row) in inputs.rows.iter().enumerate() {
        if row.len() != columns.len() {
            return Err(StoreError::Invalid(format!(
                "row {} of the test inputs has {} cells for {} columns",
                i + 1,
                row.len(),
                columns.len()
            )));
        }
    }
    Ok(PromptInputs { columns, rows: inputs.rows.clone() })
}

fn required<'a>(value: &'a str, what: &str) -> Result<&'a str, StoreError> {
    let value = value.trim();
    if value.is_empty() {
        Err(StoreError::Invalid(format!("{what} is empty: give it one")))
    } else {
        Ok(value)
    }
}

/// `%`, `_` and the escape itself match literally in a LIKE pattern.
fn escape_like(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn found(changed: usize, what: &'static str, id: i64) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound { what, id })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }

    #[test]
    fn inputs_must_fit_their_columns() {
        let ok = PromptInputs { columns: vec![" city ".into()], rows: vec![vec!["Paris".into()]] };
        assert_eq!(check_inputs(&ok).unwrap().columns, vec!["city"]);
        let short = PromptInputs { columns: vec!["a".into(), "b".into()], rows: vec![vec!["1".into()]] };
        assert!(check_inputs(&short).unwrap_err().to_string().contains("row 1 of the test inputs has 1 cells for 2"));
        let twice = PromptInputs { columns: vec!["a".into(), "a".into()], rows: vec![] };
        assert!(check_inputs(&twice).unwrap_err().to_string().contains("two columns named \"a\""));
    }

    #[test]
    fn tags_are_trimmed_and_kept_once_in_any_case() {
        let draft = PromptDraft {
            name: "  Summary ".into(),
            tags: vec![" Work".into(), "work".into(), "".into(), "Été".into(), "été".into()],
            ..Default::default()
        };
        let clean = clean_draft(&draft).unwrap();
        assert_eq!(clean.name, "Summary");
        assert_eq!(clean.tags, vec!["Work", "Été"]);
        assert!(clean_draft(&PromptDraft::default()).is_err());
    }
}
