//! A request repeats the conversation so far: every earlier prompt and the pane's earlier
//! answers, all stored already in their own columns. Its body is stored with each such string
//! replaced by a reference, `{"$juxta_ref": "prompt:<turn id>"}` (or `system:<turn id>`,
//! `answer:<answer id>`), and put back on read: this keeps a long conversation from growing as
//! the square of its length. Only immutable texts are referred to (prompts, systems, ended
//! answers), so a reference always resolves to what was sent.
//!
//! A real value can never be taken for a reference: an object whose only key is
//! [`REF_KEY`] is stored wrapped once more, `{"$juxta_ref": <the object>}`, and on read a
//! [`REF_KEY`] object holding a string is a reference, holding anything else the wrapped value.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde_json::{Map, Value};

use super::model::{SentRequest, Turn};
use super::StoreError;

const REF_KEY: &str = "$juxta_ref";
/// Shorter strings are kept: a reference would not be much shorter.
const MIN_LEN: usize = 32;

/// The texts a request may refer to: the reference of each (by text when encoding).
pub(crate) type Texts = HashMap<String, String>;

/// What a request recorded for an answer of `pane` to `turn` may refer to: the comparison's
/// prompts and systems, and the pane's ended answers (`except` the answer itself).
pub(crate) fn texts_for(conn: &Connection, turn: i64, pane: i64, except: Option<i64>) -> Result<Texts, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT 'prompt:' || t.id, t.prompt, 'system:' || t.id, t.system FROM turns t
          WHERE t.comparison_id = (SELECT comparison_id FROM turns WHERE id = ?1)",
    )?;
    let mut texts = Texts::new();
    let mut rows = stmt.query([turn])?;
    while let Some(r) = rows.next()? {
        for i in [0, 2] {
            let text: String = r.get(i + 1)?;
            if text.len() >= MIN_LEN {
                texts.insert(text, r.get(i)?);
            }
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT 'answer:' || id, text FROM answers
          WHERE pane_id = ?1 AND status <> 'streaming' AND id IS NOT ?2 AND length(text) >= ?3",
    )?;
    let mut rows = stmt.query(params![pane, except, MIN_LEN as i64])?;
    while let Some(r) = rows.next()? {
        texts.insert(r.get(1)?, r.get(0)?);
    }
    Ok(texts)
}

/// The request as stored: strings of `texts` in its body replaced by their reference.
pub(crate) fn encode(request: &SentRequest, texts: &Texts) -> SentRequest {
    let mut stored = request.clone();
    encode_value(&mut stored.body, texts);
    stored
}

fn encode_value(value: &mut Value, texts: &Texts) {
    match value {
        Value::String(s) if s.len() >= MIN_LEN => {
            if let Some(reference) = texts.get(s.as_str()) {
                *value = reserved(Value::String(reference.clone()));
            }
        }
        // Looks like a reference: wrapped, and kept as it is inside.
        Value::Object(map) if is_reserved(map) => *value = reserved(value.take()),
        Value::Object(map) => map.values_mut().for_each(|v| encode_value(v, texts)),
        Value::Array(items) => items.iter_mut().for_each(|v| encode_value(v, texts)),
        _ => {}
    }
}

/// Put back, in place, what the stored requests of a comparison's answers refer to.
pub(crate) fn decode_all(turns: &mut [Turn]) {
    let mut texts: HashMap<String, String> = HashMap::new();
    for turn in turns.iter() {
        texts.insert(format!("prompt:{}", turn.id), turn.prompt.clone());
        texts.insert(format!("system:{}", turn.id), turn.system.clone());
        for answer in &turn.answers {
            texts.insert(format!("answer:{}", answer.id), answer.report.text.clone());
        }
    }
    for answer in turns.iter_mut().flat_map(|t| &mut t.answers) {
        if let Some(request) = &mut answer.request {
            decode_value(&mut request.body, &texts);
        }
    }
}

fn decode_value(value: &mut Value, texts: &HashMap<String, String>) {
    match value {
        Value::Object(map) if is_reserved(map) => {
            let inner = map.remove(REF_KEY).unwrap_or_default();
            *value = match inner {
                Value::String(reference) => match texts.get(&reference) {
                    Some(text) => Value::String(text.clone()),
                    None => {
                        tracing::warn!(reference, "a request in the history refers to a missing text");
                        reserved(Value::String(reference))
                    }
                },
                wrapped => wrapped,
            };
        }
        Value::Object(map) => map.values_mut().for_each(|v| decode_value(v, texts)),
        Value::Array(items) => items.iter_mut().for_each(|v| decode_value(v, texts)),
        _ => {}
    }
}

fn is_reserved(map: &Map<String, Value>) -> bool {
    map.len() == 1 && map.contains_key(REF_KEY)
}

fn reserved(inner: Value) -> Value {
    Value::Object(Map::from_iter([(REF_KEY.to_string(), inner)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_round_trip_and_lookalikes_survive() {
        let long = "a prompt long enough to be worth a reference".to_string();
        let texts = Texts::from([(long.clone(), "prompt:7".to_string())]);
        let body = json!({
            "messages": [{"role": "user", "content": long}, {"role": "user", "content": "short"}],
            "fake": {"$juxta_ref": "prompt:7"},
            "nested": {"$juxta_ref": {"$juxta_ref": "answer:1"}},
            "two_keys": {"$juxta_ref": "prompt:7", "x": long},
        });
        let request = SentRequest { url: "u".into(), headers: vec![], body: body.clone() };
        let stored = encode(&request, &texts);
        assert_eq!(stored.body["messages"][0]["content"], json!({"$juxta_ref": "prompt:7"}));
        assert_eq!(stored.body["messages"][1]["content"], json!("short"));
        assert_eq!(stored.body["two_keys"]["x"], json!({"$juxta_ref": "prompt:7"}));
        let mut back = stored.body.clone();
        let by_ref = HashMap::from([("prompt:7".to_string(), long.clone())]);
        decode_value(&mut back, &by_ref);
        assert_eq!(back, body);
        // An unknown reference stays as it is.
        let mut unknown = json!({"$juxta_ref": "prompt:8"});
        decode_value(&mut unknown, &by_ref);
        assert_eq!(unknown, json!({"$juxta_ref": "prompt:8"}));
    }
}
