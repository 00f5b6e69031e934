//! Model lists from OpenAI-compatible servers. Not a hot path, so plain `serde_json::Value`.
//!
//! Shapes: OpenAI `{data:[{id, owned_by}], has_more, last_id}`; OpenRouter adds `name` and
//! `context_length`; Together answers a bare array; LM Studio's native API says
//! `max_context_length`, vLLM `max_model_len`, Groq `context_window`; Ollama's `/api/tags`
//! lists `{models:[{name, model}]}`.

use serde_json::Value;

use crate::catalog::Endpoint;
use crate::error::ProviderError;
use crate::protocol::errors::{looks_like_html, snippet, stream_error};
use crate::protocol::{ModelInfo, ModelsPage};

const CONTEXT_FIELDS: [&str; 5] = [
    "context_length",
    "max_context_length",
    "max_model_len",
    "context_window",
    "context_size",
];

pub fn models_url(endpoint: &Endpoint, cursor: Option<&str>) -> String {
    let url = endpoint.url(&endpoint.quirks.models_path);
    match cursor {
        Some(after) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            let after: String = url::form_urlencoded::byte_serialize(after.as_bytes()).collect();
            format!("{url}{sep}after={after}")
        }
        None => url,
    }
}

pub fn parse_models(body: &[u8]) -> Result<ModelsPage, ProviderError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| not_a_list(body, &e.to_string()))?;
    if v.get("error").is_some_and(|e| !e.is_null())
        || v.get("object").and_then(Value::as_str) == Some("error")
    {
        return Err(stream_error(&v));
    }
    let items = match &v {
        Value::Array(items) => items,
        _ => ["data", "models"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_array))
            .ok_or_else(|| not_a_list(body, "no data or models array"))?,
    };
    let models: Vec<ModelInfo> = items.iter().filter_map(model_info).collect();
    let next = if v.get("has_more").and_then(Value::as_bool) == Some(true) {
        v.get("last_id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| models.last().map(|m| m.id.clone()))
    } else {
        None
    };
    Ok(ModelsPage { models, next })
}

fn model_info(item: &Value) -> Option<ModelInfo> {
    let text = |k: &str| {
        item.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    // Ollama's native list names the model `name` (and `model`); everyone else uses `id`.
    let id = text("id")
        .or_else(|| text("model"))
        .or_else(|| text("name"))?;
    let display_name = text("display_name")
        .or_else(|| text("name"))
        .filter(|n| *n != id)
        .map(str::to_string);
    let context_length = CONTEXT_FIELDS
        .iter()
        .find_map(|k| item.get(*k).and_then(Value::as_u64));
    Some(ModelInfo {
        id: id.to_string(),
        display_name,
        context_length,
    })
}

fn not_a_list(body: &[u8], why: &str) -> ProviderError {
    let what = if looks_like_html(body) {
        "an HTML page".to_string()
    } else {
        snippet(body)
    };
    ProviderError::malformed(format!(
        "the model list is not in the OpenAI format ({why}): {what}"
    ))
}
