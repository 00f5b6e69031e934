//! Error bodies and retry hints, shared by every protocol: providers disagree on the shape of
//! an error but each shape is recognisable on its own.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::error::{advice, kind_for_status, status_is_retryable, ErrorKind, ProviderError};

/// How long the server asked us to wait: `retry-after-ms` (OpenAI), then `retry-after`
/// (seconds or an HTTP date).
pub fn retry_after_from_headers(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    let v = get("retry-after")?;
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Parse a Google duration string (`"34.4s"`).
pub fn parse_google_duration(s: &str) -> Option<Duration> {
    let secs: f64 = s.strip_suffix('s')?.parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// Turn an error response into a `ProviderError`, whatever its shape:
/// OpenAI `{"error":{message,type,code}}`, Anthropic `{"type":"error","error":{type,message}}`,
/// Google `{"error":{code,message,status,details}}`, vLLM `{"object":"error",message}`,
/// Ollama `{"error":"..."}`, OpenRouter `{"error":{code,message,metadata}}`, an HTML page, or nothing.
pub fn parse_error_body(status: u16, body: &[u8]) -> ProviderError {
    let mut kind = kind_for_status(status);
    let mut retryable = status_is_retryable(status);
    let mut code: Option<String> = None;
    let mut retry_after = None;
    let mut daily_quota = false;

    let message = match serde_json::from_slice::<Value>(body) {
        Ok(v) => {
            let err = v.get("error").unwrap_or(&v);
            let msg = match err {
                Value::String(s) => Some(s.clone()),
                _ => err.get("message").and_then(Value::as_str).map(str::to_string),
            };
            // The most specific code we can find: OpenAI `code`, then `type`, then Google `status`.
            code = ["code", "type", "status"]
                .iter()
                .filter_map(|k| err.get(*k))
                .find_map(|c| match c {
                    Value::String(s) if !s.is_empty() => Some(s.clone()),
                    _ => None,
                });
            // OpenRouter names the upstream that failed.
            let upstream = err.pointer("/metadata/provider_name").and_then(Value::as_str);
            if let Some(details) = err.get("details").and_then(Value::as_array) {
                retry_after = details
                    .iter()
                    .find_map(|d| d.get("retryDelay").and_then(Value::as_str).and_then(parse_google_duration));
                // A per-day quota will not come back in seconds: retrying is pointless.
                daily_quota = details.iter().filter_map(|d| d.get("violations").and_then(Value::as_array)).flatten().any(|v| {
                    v.get("quotaId").and_then(Value::as_str).is_some_and(|q| q.contains("PerDay"))
                });
            }
            match (msg, upstream) {
                (Some(m), Some(u)) => format!("{m} (upstream: {u})"),
                (Some(m), None) => m,
                (None, _) => format!("HTTP {status} with an error body of an unknown shape: {}", snippet(body)),
            }
        }
        Err(_) if looks_like_html(body) => {
            kind = if status >= 500 { ErrorKind::Server } else { ErrorKind::Malformed };
            let title = html_title(body).map(|t| format!(" ({t})")).unwrap_or_default();
            format!(
                "HTTP {status}: the server answered with an HTML page{title}, not the provider's API; \
                 a proxy or gateway in between, or a wrong base URL"
            )
        }
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => format!("HTTP {status} with an empty body"),
        Err(_) => format!("HTTP {status}: {}", snippet(body)),
    };

    // Codes that change the class regardless of status.
    match code.as_deref() {
        Some("insufficient_quota") | Some("billing_hard_limit_reached") => {
            kind = ErrorKind::Quota;
            retryable = false;
        }
        Some("overloaded_error") => {
            kind = ErrorKind::Overloaded;
            retryable = true;
        }
        Some("rate_limit_error") | Some("rate_limit_exceeded") | Some("RESOURCE_EXHAUSTED") if status == 429 => {
            kind = ErrorKind::RateLimited;
        }
        _ => {}
    }
    // Anthropic reports an empty balance as a 400; Gemini a daily quota as a 429 without a retry delay.
    let lower = message.to_ascii_lowercase();
    if lower.contains("credit balance is too low") || (status == 429 && (daily_quota || lower.contains("per day"))) {
        kind = ErrorKind::Quota;
        retryable = false;
    }
    if status == 402 {
        retryable = false;
    }

    let message = match advice(kind) {
        Some(a) => format!("{message} — {a}"),
        None => message,
    };
    ProviderError { kind, status: Some(status), message, code, retryable, retry_after }
}

pub fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).trim_start().to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head") || head.contains("<body")
}

fn html_title(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let t = text[start..end].trim();
    (!t.is_empty()).then(|| t.chars().take(120).collect())
}

/// The start of a body, for messages.
pub fn snippet(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(&body[..body.len().min(300)]);
    let s = s.trim();
    if body.len() > 300 {
        format!("{s}…")
    } else {
        s.to_string()
    }
}

/// An in-stream error object (`{"error": {...}}` or an `event: error` payload) as a `ProviderError`.
pub fn stream_error(err: &Value) -> ProviderError {
    let err = err.get("error").unwrap_or(err);
    let message = err
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| err.to_string());
    let code = ["code", "type", "status"].iter().filter_map(|k| err.get(*k)).find_map(|c| match c {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let kind = match code.as_deref() {
        Some("overloaded_error") => ErrorKind::Overloaded,
        Some("rate_limit_error") | Some("429") => ErrorKind::RateLimited,
        Some("insufficient_quota") | Some("402") => ErrorKind::Quota,
        _ => ErrorKind::Stream,
    };
    // Nothing in-stream is retried: the provider may already have billed the request.
    ProviderError { kind, status: None, message, code, retryable: false, retry_after: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let e = parse_error_body(429, br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#);
        assert_eq!((e.kind, e.retryable), (ErrorKind::Quota, false));
        let e = parse_error_body(529, br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#);
        assert_eq!((e.kind, e.retryable), (ErrorKind::Overloaded, true));
        let e = parse_error_body(502, b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
        assert_eq!((e.kind, e.retryable), (ErrorKind::Server, true));
        assert!(e.message.contains("HTML page (502 Bad Gateway)"), "{}", e.message);
        let e = parse_error_body(404, br#"{"error":"model 'x' not found"}"#);
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.starts_with("model 'x' not found"));
        let e = parse_error_body(400, br#"{"object":"error","message":"bad","type":"BadRequestError","code":400}"#);
        assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::InvalidRequest, Some("BadRequestError")));
        let e = parse_error_body(500, b"");
        assert!(e.message.contains("empty body") && e.retryable);
    }

    #[test]
    fn google_retry_delay() {
        let body = std::fs::read("../../../shared/fixtures/gemini/error-429_resource-exhausted_retryinfo.json").unwrap();
        let e = parse_error_body(429, &body);
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.retry_after, Some(Duration::from_millis(34_400)));
    }

    #[test]
    fn retry_after_headers() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after_from_headers(&h), Some(Duration::from_secs(7)));
        h.insert("retry-after-ms", "250".parse().unwrap());
        assert_eq!(retry_after_from_headers(&h), Some(Duration::from_millis(250)));
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after_from_headers(&h), Some(Duration::ZERO));
    }
}
