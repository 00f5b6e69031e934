//! Model lists: every scenario name is a model. OpenAI lists them all at once; Anthropic and
//! Gemini paginate with a small default page so clients' pagination gets exercised.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::scenario::SCENARIOS;

pub const DEFAULT_PAGE: usize = 5;

fn names() -> impl Iterator<Item = (&'static str, &'static str)> {
    SCENARIOS.iter().map(|(n, _, d)| (*n, *d))
}

pub fn openai() -> Value {
    let data: Vec<Value> =
        names().map(|(n, _)| json!({"id": n, "object": "model", "created": 1_700_000_000, "owned_by": "juxta-mock"})).collect();
    json!({"object": "list", "data": data})
}

/// `limit` (default 5, at most 1000) and `after_id`.
pub fn anthropic(query: &HashMap<String, String>) -> Result<Value, String> {
    let limit = page_size(query.get("limit"))?;
    let start = match query.get("after_id") {
        None => 0,
        Some(id) => match names().position(|(n, _)| n == id) {
            Some(i) => i + 1,
            None => return Err(format!("juxta-mock: after_id `{id}` is not a model")),
        },
    };
    let page: Vec<Value> = names()
        .skip(start)
        .take(limit)
        .map(|(n, _)| {
            json!({"type": "model", "id": n, "display_name": format!("Mock {n}"), "created_at": "2024-01-01T00:00:00Z"})
        })
        .collect();
    let has_more = start + page.len() < SCENARIOS.len();
    let first = page.first().map(|m| m["id"].clone()).unwrap_or(Value::Null);
    let last = page.last().map(|m| m["id"].clone()).unwrap_or(Value::Null);
    Ok(json!({"data": page, "has_more": has_more, "first_id": first, "last_id": last}))
}

/// `pageSize` (default 5) and `pageToken` (opaque to clients; here `p<offset>`).
pub fn gemini(query: &HashMap<String, String>) -> Result<Value, String> {
    let size = page_size(query.get("pageSize"))?;
    let start = match query.get("pageToken").map(String::as_str) {
        None | Some("") => 0,
        Some(tok) => tok
            .strip_prefix('p')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n <= SCENARIOS.len())
            .ok_or_else(|| format!("juxta-mock: invalid pageToken `{tok}`"))?,
    };
    let page: Vec<Value> = names()
        .skip(start)
        .take(size)
        .map(|(n, d)| {
            json!({
                "name": format!("models/{n}"),
                "version": "001",
                "displayName": format!("Mock {n}"),
                "description": d,
                "inputTokenLimit": 1_048_576,
                "outputTokenLimit": 65_536,
                "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens"],
                "temperature": 1.0,
                "maxTemperature": 2.0,
                "topP": 0.95,
                "topK": 64,
                "thinking": n == "reasoning"
            })
        })
        .collect();
    let end = start + page.len();
    let mut out = json!({"models": page});
    if end < SCENARIOS.len() {
        out["nextPageToken"] = json!(format!("p{end}"));
    }
    Ok(out)
}

/// `/api/tags`: every installed model at once, with Ollama's `details`.
pub fn ollama() -> Value {
    let models: Vec<Value> = names()
        .map(|(n, _)| {
            json!({
                "name": n,
                "model": n,
                "modified_at": "2025-06-01T10:00:00.000000000Z",
                "size": 2_019_393_189u64,
                "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                "details": {
                    "parent_model": "",
                    "format": "gguf",
                    "family": "mock",
                    "families": ["mock"],
                    "parameter_size": "3.2B",
                    "quantization_level": "Q4_K_M"
                }
            })
        })
        .collect();
    json!({ "models": models })
}

fn page_size(v: Option<&String>) -> Result<usize, String> {
    match v {
        None => Ok(DEFAULT_PAGE),
        Some(s) => match s.parse::<usize>() {
            Ok(0) => Ok(DEFAULT_PAGE),
            Ok(n) => Ok(n.min(1000)),
            Err(_) => Err(format!("juxta-mock: page size `{s}` is not a whole number")),
        },
    }
}
