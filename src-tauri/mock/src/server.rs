//! Request handling: recording, auth, routing, and the choice between an error and a stream.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, Response, StatusCode};
use axum::Router;
use serde_json::{json, Value};

use crate::body::Driver;
use crate::errors::{self, Fault};
use crate::plan::{self, ReqInfo};
use crate::scenario::{self, Scenario, SCENARIOS};
use crate::wire::{self, Proto, StreamInfo};
use crate::{models, replay, RecordedRequest};

/// Larger than any prompt a test sends; `echo` of a huge body still works.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub struct App {
    pub fixtures: Option<PathBuf>,
    pub require_key: Option<String>,
    pub requests: Mutex<Vec<RecordedRequest>>,
    /// Requests seen per (protocol, exact model string), for `fails=N`.
    fail_counts: Mutex<HashMap<(&'static str, String), u64>>,
    /// Requests seen per exact model string (any protocol), for `fail_every=N`.
    every_counts: Mutex<HashMap<String, u64>>,
    /// Streams open now and the most open at once, per exact model string.
    streams: Arc<Mutex<HashMap<String, (u64, u64)>>>,
    seq: AtomicU64,
}

/// Held by a streaming body while it is open: counts it in [`App::streams`].
pub struct OpenStream {
    streams: Arc<Mutex<HashMap<String, (u64, u64)>>>,
    model: String,
}

impl OpenStream {
    fn open(streams: &Arc<Mutex<HashMap<String, (u64, u64)>>>, model: &str) -> OpenStream {
        let mut map = streams.lock().unwrap_or_else(|e| e.into_inner());
        let (now, max) = map.entry(model.to_string()).or_insert((0, 0));
        *now += 1;
        *max = (*max).max(*now);
        OpenStream {
            streams: streams.clone(),
            model: model.to_string(),
        }
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        let mut map = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((now, _)) = map.get_mut(&self.model) {
            *now = now.saturating_sub(1);
        }
    }
}

impl App {
    pub fn new(fixtures: Option<PathBuf>, require_key: Option<String>) -> Self {
        App {
            fixtures,
            require_key,
            requests: Mutex::new(Vec::new()),
            fail_counts: Mutex::new(HashMap::new()),
            every_counts: Mutex::new(HashMap::new()),
            streams: Arc::new(Mutex::new(HashMap::new())),
            seq: AtomicU64::new(0),
        }
    }

    pub fn requests(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        // A panic while holding the lock cannot leave the Vec inconsistent: keep serving.
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The most streams of `model` that were open at once.
    pub fn max_open_streams(&self, model: &str) -> u64 {
        let map = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        map.get(model).map_or(0, |(_, max)| *max)
    }

    /// This request's 1-based number among those for this exact model string (any protocol).
    fn count_every(&self, model: &str) -> u64 {
        let mut counts = self.every_counts.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(model.to_string()).or_insert(0);
        *n += 1;
        *n
    }

    /// How many earlier requests used this model string on this protocol.
    fn bump(&self, proto: Proto, model: &str) -> u64 {
        let mut counts = self.fail_counts.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry((proto.tag(), model.to_string())).or_insert(0);
        *n += 1;
        *n - 1
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(handle).with_state(app)
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "juxta-mock: request body too large or unreadable",
        );
    };
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !parts.uri.path().starts_with("/__mock/") {
        app.requests().push(record(&parts, body.clone()));
    }
    let query: HashMap<String, String> = Query::try_from_uri(&parts.uri)
        .map(|q| q.0)
        .unwrap_or_default();
    route(&app, &parts, &query, &body).await
}

fn record(parts: &Parts, body: Value) -> RecordedRequest {
    RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    }
}

async fn route(
    app: &App,
    parts: &Parts,
    query: &HashMap<String, String>,
    body: &Value,
) -> Response<Body> {
    let path = percent_decode(parts.uri.path());
    let model = || {
        body.get("model")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match (&parts.method, path.as_str()) {
        (&Method::GET, "/__mock/requests") => {
            errors::json_response(StatusCode::OK, &json!(*app.requests()))
        }
        (&Method::DELETE, "/__mock/requests") => {
            app.requests().clear();
            plain(StatusCode::NO_CONTENT, "")
        }
        (&Method::GET, "/__mock/scenarios") => {
            let list: Vec<Value> = SCENARIOS
                .iter()
                .map(|(n, _, d)| json!({"name": n, "description": d}))
                .collect();
            errors::json_response(StatusCode::OK, &json!(list))
        }
        (&Method::POST, "/v1/chat/completions" | "/chat/completions") => {
            generate(app, Proto::OpenAi, &model(), parts, query, body).await
        }
        (&Method::POST, "/v1/messages" | "/messages") => {
            generate(app, Proto::Anthropic, &model(), parts, query, body).await
        }
        // Any prefix: `/v1/responses`, `/responses`, or behind a gateway (`/openai/v1/responses`).
        (&Method::POST, p) if p.ends_with("/responses") => {
            generate(app, Proto::OpenAiResponses, &model(), parts, query, body).await
        }
        (&Method::POST, p) if p.starts_with("/v1beta/models/") => {
            let rest = &p["/v1beta/models/".len()..];
            let sse = query.get("alt").map(String::as_str) == Some("sse");
            let proto = Proto::Gemini { sse };
            match rest.rsplit_once(':') {
                Some((model, "streamGenerateContent")) => {
                    generate(app, proto, model, parts, query, body).await
                }
                _ => not_found(app, proto, parts),
            }
        }
        (&Method::GET, "/v1/models" | "/models") => {
            let proto = if parts.headers.contains_key("anthropic-version") {
                Proto::Anthropic
            } else {
                Proto::OpenAi
            };
            list_models(app, proto, parts, query)
        }
        (&Method::GET, "/v1beta/models") => {
            list_models(app, Proto::Gemini { sse: false }, parts, query)
        }
        (&Method::POST, "/api/chat") => {
            generate(app, Proto::Ollama, &model(), parts, query, body).await
        }
        (&Method::GET, "/api/tags") => list_models(app, Proto::Ollama, parts, query),
        _ => {
            let proto = if path.starts_with("/v1beta/") {
                Proto::Gemini { sse: false }
            } else if path.starts_with("/api/") {
                Proto::Ollama
            } else {
                Proto::OpenAi
            };
            not_found(app, proto, parts)
        }
    }
}

fn not_found(app: &App, proto: Proto, parts: &Parts) -> Response<Body> {
    let msg = format!(
        "juxta-mock: no route for {} {}",
        parts.method,
        parts.uri.path()
    );
    errors::response(proto, &Fault::NotFound(msg), app.next_seq())
}

fn list_models(
    app: &App,
    proto: Proto,
    parts: &Parts,
    query: &HashMap<String, String>,
) -> Response<Body> {
    if let Some(resp) = reject_without_key(app, proto, &parts.headers, query) {
        return resp;
    }
    let list = match proto {
        Proto::OpenAi | Proto::OpenAiResponses => Ok(models::openai()),
        Proto::Anthropic => models::anthropic(query),
        Proto::Gemini { .. } => models::gemini(query),
        Proto::Ollama => Ok(models::ollama()),
    };
    match list {
        Ok(v) => errors::json_response(StatusCode::OK, &v),
        Err(m) => errors::response(proto, &Fault::BadRequest(m), app.next_seq()),
    }
}

/// With `--require-key`, the key must arrive exactly as the protocol sends it; else the 401.
fn reject_without_key(
    app: &App,
    proto: Proto,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Option<Response<Body>> {
    let want = app.require_key.as_deref()?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let ok = match proto {
        // Ollama takes no key; one behind a proxy (or Ollama's cloud) takes a bearer token.
        Proto::OpenAi | Proto::OpenAiResponses | Proto::Ollama => {
            header("authorization").and_then(|v| v.strip_prefix("Bearer ")) == Some(want)
        }
        Proto::Anthropic => header("x-api-key") == Some(want),
        Proto::Gemini { .. } => {
            header("x-goog-api-key") == Some(want)
                || query.get("key").map(String::as_str) == Some(want)
        }
    };
    (!ok).then(|| errors::response(proto, &Fault::Auth, app.next_seq()))
}

async fn generate(
    app: &App,
    proto: Proto,
    model: &str,
    parts: &Parts,
    query: &HashMap<String, String>,
    body: &Value,
) -> Response<Body> {
    if let Some(resp) = reject_without_key(app, proto, &parts.headers, query) {
        return resp;
    }
    let seq = app.next_seq();
    let spec = scenario::parse(model);
    let bad = |m: String| errors::response(proto, &Fault::BadRequest(m), seq);
    let mut scenario = spec.scenario;
    match scripted_fault(app, model, &spec.opts) {
        Err(m) => return bad(m),
        Ok(Some(fault)) => scenario = fault,
        Ok(None) => {}
    }
    if scenario.is_fault() {
        match spec.opts.num("fails") {
            Err(m) => return bad(m),
            Ok(Some(n)) if app.bump(proto, model) >= n => scenario = Scenario::Normal,
            Ok(_) => {}
        }
    }
    let fault = match scenario {
        Scenario::RateLimited => match spec.opts.num("retry_after_ms") {
            Ok(retry_after_ms) => Some(Fault::RateLimited { retry_after_ms }),
            Err(m) => return bad(m),
        },
        Scenario::ServerError => Some(Fault::ServerError),
        Scenario::Overloaded => Some(Fault::Overloaded),
        Scenario::AuthError => Some(Fault::Auth),
        Scenario::BadRequest => Some(Fault::BadRequest(
            "Invalid request: juxta-mock bad-request scenario.".into(),
        )),
        Scenario::Quota => Some(Fault::Quota),
        Scenario::Html502 => Some(Fault::Html502),
        Scenario::NotFound => Some(errors::model_not_found(proto, model)),
        _ => None,
    };
    if let Some(f) = fault {
        return errors::response(proto, &f, seq);
    }
    if scenario == Scenario::Replay {
        return replay::response(app.fixtures.as_deref(), &spec.opts)
            .await
            .unwrap_or_else(|f| errors::response(proto, &f, seq));
    }

    let req = ReqInfo::from_body(proto, body);
    let plan = match plan::build(scenario, &spec.opts, &req, body) {
        Ok(p) => p,
        Err(m) => return bad(m),
    };
    let served = match (spec.opts.get("served"), scenario) {
        (Some(s), _) => s.to_string(),
        (None, Scenario::Substituted) => "mock-mini-2024-01-01".to_string(),
        (None, _) => model.to_string(),
    };
    let info = StreamInfo {
        model: served,
        seq,
        created: unix_now(),
        input_tokens: req.input_tokens,
        include_usage: req.include_usage,
    };
    let open = OpenStream::open(&app.streams, model);
    let body = Driver::new(plan.events, wire::encoder(proto, info), plan.rate)
        .with_guard(open)
        .into_body();
    stream_response(proto, seq, body)
}

/// `fail_every=N[,fail=SCENARIO]`: every Nth request for this exact model string (the Nth, the
/// 2Nth, ...; counted over all protocols) plays SCENARIO (a fault; default `rate-limited`).
fn scripted_fault(
    app: &App,
    model: &str,
    opts: &scenario::Opts,
) -> Result<Option<Scenario>, String> {
    let Some(every) = opts.num("fail_every")? else {
        return Ok(None);
    };
    if every == 0 {
        return Err(
            "juxta-mock: option `fail_every=0`: use 1 or more (1 fails every request)".into(),
        );
    }
    let name = opts.get("fail").unwrap_or("rate-limited");
    let fault = SCENARIOS
        .iter()
        .find(|(n, s, _)| *n == name && s.is_fault())
        .map(|(_, s, _)| *s)
        .ok_or_else(|| {
            let faults: Vec<&str> = SCENARIOS
                .iter()
                .filter(|(_, s, _)| s.is_fault())
                .map(|(n, _, _)| *n)
                .collect();
            format!(
                "juxta-mock: option `fail={name}` is not a fault scenario: use one of {}",
                faults.join(", ")
            )
        })?;
    // (`checked_rem`, not `%`: `is_multiple_of` is newer than the workspace's rust-version.)
    Ok((app.count_every(model).checked_rem(every) == Some(0)).then_some(fault))
}

fn stream_response(proto: Proto, seq: u64, body: Body) -> Response<Body> {
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    let ct = match proto {
        Proto::OpenAi | Proto::OpenAiResponses | Proto::Anthropic => {
            "text/event-stream; charset=utf-8"
        }
        Proto::Gemini { sse: true } => "text/event-stream",
        Proto::Gemini { sse: false } => "application/json; charset=UTF-8",
        Proto::Ollama => "application/x-ndjson",
    };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let id_header = if proto == Proto::Anthropic {
        "request-id"
    } else {
        "x-request-id"
    };
    if let Ok(v) = HeaderValue::from_str(&format!("req_mock_{seq}")) {
        h.insert(id_header, v);
    }
    resp
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = status;
    resp
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `%XX` decoding for the Gemini model in the path (clients may encode `@`, `=`, `,`, `/`).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("/v1beta/models/normal%40tokens%3D3:x"),
            "/v1beta/models/normal@tokens=3:x"
        );
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%zz%41"), "a%zzA");
        assert_eq!(percent_decode("%"), "%");
    }
}
