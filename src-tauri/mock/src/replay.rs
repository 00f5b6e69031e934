//! `replay@file=REL/PATH[,chunk=N][,delay=MS]`: a recorded fixture, byte for byte.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Response, StatusCode};
use bytes::Bytes;
use serde_json::Value;

use crate::errors::Fault;
use crate::scenario::Opts;

/// Headers never copied from a recording: the mock frames the body itself.
const SKIPPED: &[&str] = &[
    "content-type",
    "content-length",
    "transfer-encoding",
    "content-encoding",
    "connection",
];

pub async fn response(fixtures: Option<&Path>, opts: &Opts) -> Result<Response<Body>, Fault> {
    let dir = fixtures.ok_or_else(|| {
        Fault::NotFound("juxta-mock: replay needs a fixtures dir (--fixtures)".into())
    })?;
    let rel = opts
        .get("file")
        .ok_or_else(|| Fault::BadRequest("juxta-mock: replay needs file=REL/PATH".into()))?;
    let path = resolve(dir, rel).map_err(Fault::BadRequest)?;
    let data = tokio::fs::read(&path)
        .await
        .map_err(|e| Fault::NotFound(format!("juxta-mock: cannot read fixture {rel}: {e}")))?;
    let chunk = opts
        .num("chunk")
        .map_err(Fault::BadRequest)?
        .filter(|&c| c > 0)
        .map(|c| c as usize);
    let delay = opts
        .ms("delay")
        .map_err(Fault::BadRequest)?
        .unwrap_or_default();
    let meta = read_meta(&path).await;

    let mut resp = Response::new(body(Bytes::from(data), chunk, delay));
    *resp.status_mut() = status(&meta, &path);
    let headers = resp.headers_mut();
    if let Ok(ct) = HeaderValue::from_str(&content_type(&meta, &path)) {
        headers.insert(header::CONTENT_TYPE, ct);
    }
    for (name, value) in recorded_headers(&meta) {
        headers.insert(name, value);
    }
    Ok(resp)
}

/// `rel` inside `dir`, refusing absolute paths, `..`, and symlinks that lead out.
pub fn resolve(dir: &Path, rel: &str) -> Result<PathBuf, String> {
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(format!(
            "juxta-mock: fixture path `{rel}` must be relative and stay inside the fixtures dir"
        ));
    }
    let base = dir
        .canonicalize()
        .map_err(|e| format!("juxta-mock: fixtures dir {}: {e}", dir.display()))?;
    let full = base
        .join(rel_path)
        .canonicalize()
        .map_err(|e| format!("juxta-mock: fixture {rel}: {e}"))?;
    if !full.starts_with(&base) {
        return Err(format!(
            "juxta-mock: fixture path `{rel}` leaves the fixtures dir"
        ));
    }
    Ok(full)
}

/// `X.sse` → `X.meta.json`, `X.reconstructed.sse` → `X.reconstructed.meta.json`.
async fn read_meta(path: &Path) -> Value {
    let meta = path.with_extension("meta.json");
    match tokio::fs::read(&meta).await {
        Ok(b) => serde_json::from_slice(&b).unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

/// The recorded status; else the `error-NNN` in the file name; else 200.
fn status(meta: &Value, path: &Path) -> StatusCode {
    let recorded = meta.get("response_status").and_then(Value::as_u64);
    let from_name = || {
        let name = path.file_name()?.to_str()?;
        let digits = name.strip_prefix("error-")?.get(..3)?;
        digits.parse::<u64>().ok()
    };
    recorded
        .or_else(from_name)
        .and_then(|s| StatusCode::from_u16(u16::try_from(s).ok()?).ok())
        .unwrap_or(StatusCode::OK)
}

fn content_type(meta: &Value, path: &Path) -> String {
    let recorded = meta
        .get("response_headers")
        .and_then(Value::as_object)
        .and_then(|h| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                .and_then(|(_, v)| v.as_str())
        });
    if let Some(ct) = recorded {
        return ct.to_string();
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("sse") => "text/event-stream",
        Some("json") | Some("json-stream") => "application/json",
        _ => "application/octet-stream",
    }
    .to_string()
}

/// Rate-limit and request-id headers kept in the recording (notes like `_note` are skipped).
fn recorded_headers(meta: &Value) -> Vec<(HeaderName, HeaderValue)> {
    let Some(h) = meta.get("response_headers").and_then(Value::as_object) else {
        return Vec::new();
    };
    h.iter()
        .filter(|(k, _)| !k.starts_with('_') && !SKIPPED.iter().any(|s| k.eq_ignore_ascii_case(s)))
        .filter_map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((
                HeaderName::try_from(k.as_str()).ok()?,
                HeaderValue::from_str(&value).ok()?,
            ))
        })
        .collect()
}

/// The whole file at once, or `chunk`-byte writes `delay` apart.
fn body(data: Bytes, chunk: Option<usize>, delay: Duration) -> Body {
    let Some(size) = chunk else {
        return Body::from(data);
    };
    let pieces: Vec<Bytes> = (0..data.len())
        .step_by(size)
        .map(|at| data.slice(at..(at + size).min(data.len())))
        .collect();
    let stream = futures_util::stream::unfold(
        (pieces.into_iter(), true),
        move |(mut it, first)| async move {
            let piece = it.next()?;
            if !first && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Some((Ok::<_, std::io::Error>(piece), (it, false)))
        },
    );
    Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_refuses_escapes() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(resolve(dir, "src/lib.rs").is_ok());
        for bad in [
            "../Cargo.toml",
            "/etc/passwd",
            "src/../../x",
            "",
            "./src/lib.rs",
        ] {
            assert!(resolve(dir, bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn status_from_meta_then_name() {
        let meta = serde_json::json!({"response_status": 404});
        assert_eq!(status(&meta, Path::new("a/x.json")), StatusCode::NOT_FOUND);
        assert_eq!(
            status(&Value::Null, Path::new("a/error-429_x.json")),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            status(&Value::Null, Path::new("a/text.sse")),
            StatusCode::OK
        );
    }
}
