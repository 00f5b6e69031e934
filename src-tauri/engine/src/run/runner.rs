//! The parallel runner: one tokio task per pane, each with its own cancellation token, its own
//! retry/fallback policy and its own event channel. A failure in one pane never touches another.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::mapping::MappingReport;
use super::metrics;
use super::policy::{RetryPolicy, Timeouts};
use super::report::{Attempt, PaneError, PaneReport, ToolCallOut, UsageOut};
use super::substitution;
use crate::catalog::{AuthStyle, CapsTable, Endpoint, PriceTable};
use crate::error::{ErrorKind, ProviderError};
use crate::event::{FinishReason, StreamEvent};
use crate::protocol::{errors, ModelInfo};
use crate::request::ChatRequest;
use crate::secrets::{self, ApiKey, SecretStore};

/// A provider and a model on it.
#[derive(Debug, Clone)]
pub struct Target {
    pub endpoint: Endpoint,
    pub model: String,
}

/// One pane of a comparison: what to ask, whom, and how hard to try.
#[derive(Debug, Clone)]
pub struct PaneSpec {
    pub target: Target,
    /// The neutral request (its `model` is replaced by each target's model).
    pub request: ChatRequest,
    /// Tried in order when the target fails before answering.
    pub fallbacks: Vec<Target>,
    pub policy: RetryPolicy,
    pub timeouts: Timeouts,
}

impl PaneSpec {
    pub fn new(target: Target, request: ChatRequest) -> PaneSpec {
        PaneSpec { target, request, fallbacks: Vec::new(), policy: RetryPolicy::default(), timeouts: Timeouts::default() }
    }
}

/// What a pane reports while it runs. `Done` is always the last event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    /// The provider's concurrency limit is reached: the pane waits for a free slot.
    Queued { provider: String, limit: u32 },
    /// An attempt is about to be sent: the exact request (key redacted) and how it was mapped.
    Request {
        attempt: usize,
        provider: String,
        model: String,
        url: String,
        headers: Vec<(String, String)>,
        body: Value,
        mapping: MappingReport,
    },
    /// Response headers arrived with a success status; the answer streams next.
    Connected { attempt: usize, status: u16 },
    Text { text: String },
    Reasoning { text: String },
    ToolCallDelta { index: usize, id: Option<String>, name: Option<String>, arguments: String },
    ToolCall { call: ToolCallOut },
    Usage { usage: UsageOut },
    /// Raw bytes of the response as received (for the inspector), capped per pane.
    Raw { text: String },
    /// The attempt failed before its first byte and will be tried again after `wait_ms`.
    Retry { attempt: usize, error: PaneError, wait_ms: u64 },
    /// The target failed; the next fallback model is tried.
    Fallback { from_provider: String, from_model: String, to_provider: String, to_model: String, reason: String },
    Done { report: Box<PaneReport> },
}

/// How much of the raw response a pane keeps for the inspector.
const RAW_CAPTURE_BYTES: usize = 256 * 1024;
/// How much of an error body is read.
const ERROR_BODY_BYTES: usize = 64 * 1024;

/// A running pane.
pub struct PaneHandle {
    pub events: mpsc::UnboundedReceiver<RunEvent>,
    pub cancel: CancellationToken,
    pub join: JoinHandle<PaneReport>,
}

struct Shared {
    clients: Clients,
    secrets: Arc<dyn SecretStore>,
    caps: Arc<CapsTable>,
    prices: Arc<PriceTable>,
    slots: Slots,
}

/// Per-provider limits on panes in flight (`Endpoint::max_concurrent`): one semaphore per
/// provider and limit, shared by every pane this runner starts.
#[derive(Default)]
struct Slots(std::sync::Mutex<std::collections::HashMap<(String, u32), Arc<Semaphore>>>);

impl Slots {
    fn for_endpoint(&self, endpoint: &Endpoint) -> Option<(Arc<Semaphore>, u32)> {
        let limit = endpoint.max_concurrent.filter(|n| *n > 0)?;
        let mut map = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let sem = map.entry((endpoint.id.clone(), limit)).or_insert_with(|| Arc::new(Semaphore::new(limit as usize)));
        Some((sem.clone(), limit))
    }
}

/// Wait for a slot on `endpoint` (at once when it has no limit or a slot is free), saying so
/// when the pane has to queue. `Err` when the pane was stopped while queued.
async fn take_slot(
    shared: &Shared,
    endpoint: &Endpoint,
    report: &mut PaneReport,
    tx: &mpsc::UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
) -> Result<Option<OwnedSemaphorePermit>, ()> {
    let Some((sem, limit)) = shared.slots.for_endpoint(endpoint) else { return Ok(None) };
    if let Ok(permit) = sem.clone().try_acquire_owned() {
        return Ok(Some(permit));
    }
    let _ = tx.send(RunEvent::Queued { provider: endpoint.id.clone(), limit });
    let t0 = Instant::now();
    let permit = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Err(()),
        p = sem.acquire_owned() => p.ok(),
    };
    report.queued_ms += t0.elapsed().as_millis() as u64;
    Ok(permit)
}

/// The HTTP clients. Loading the system's root certificates costs milliseconds at every start
/// (12 % of a whole `juxta compare` run), and local providers speak plain HTTP: so the client
/// with TLS roots is built only when the first https URL is used.
struct Clients {
    /// For `http://` URLs: trusts no certificate, so it cannot reach an https server (a redirect
    /// to https is refused with a clear message rather than a certificate error).
    plain: reqwest::Client,
    /// For everything else: the platform's verifier, as reqwest sets it up by default.
    tls: OnceLock<Result<reqwest::Client, String>>,
    connect_timeout: Duration,
}

impl Clients {
    fn new(connect_timeout: Duration) -> Result<Clients, ProviderError> {
        // reqwest is built without a default crypto provider (aws-lc needs cmake); use ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let redirects = reqwest::redirect::Policy::custom(|attempt| {
            if attempt.url().scheme() != "http" {
                attempt.error("the server redirected to https: use its https:// URL as the base URL")
            } else if attempt.previous().len() >= 10 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        });
        let plain = Clients::builder(connect_timeout)
            .tls_certs_only(std::iter::empty())
            .redirect(redirects)
            .build()
            .map_err(|e| ProviderError::new(ErrorKind::Config, format!("could not start the HTTP client: {e}")))?;
        Ok(Clients { plain, tls: OnceLock::new(), connect_timeout })
    }

    fn builder(connect_timeout: Duration) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .tcp_nodelay(true)
            .user_agent(concat!("juxta/", env!("CARGO_PKG_VERSION")))
    }

    /// The client for `url`: the plain one only for `http://`.
    fn get(&self, url: &str) -> Result<&reqwest::Client, ProviderError> {
        if url.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://")) {
            return Ok(&self.plain);
        }
        let tls = self.tls.get_or_init(|| Clients::builder(self.connect_timeout).build().map_err(|e| e.to_string()));
        tls.as_ref().map_err(|e| {
            ProviderError::new(ErrorKind::Config, format!("could not start the HTTPS client: {e}")).retryable(false)
        })
    }
}

/// Runs panes. Cheap to clone; one per app or CLI invocation.
#[derive(Clone)]
pub struct Runner {
    shared: Arc<Shared>,
}

impl Runner {
    /// A runner with the bundled capability and price tables.
    pub fn new(secrets: Arc<dyn SecretStore>) -> Result<Runner, ProviderError> {
        Runner::with_tables(secrets, CapsTable::bundled(), PriceTable::bundled(), Timeouts::default().connect)
    }

    pub fn with_tables(
        secrets: Arc<dyn SecretStore>,
        caps: CapsTable,
        prices: PriceTable,
        connect_timeout: Duration,
    ) -> Result<Runner, ProviderError> {
        let clients = Clients::new(connect_timeout)?;
        let shared = Shared { clients, secrets, caps: Arc::new(caps), prices: Arc::new(prices), slots: Slots::default() };
        Ok(Runner { shared: Arc::new(shared) })
    }

    pub fn prices(&self) -> &PriceTable {
        &self.shared.prices
    }

    pub fn caps(&self) -> &CapsTable {
        &self.shared.caps
    }

    /// Start one pane on the current tokio runtime.
    pub fn start_pane(&self, spec: PaneSpec, cancel: CancellationToken) -> PaneHandle {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = self.shared.clone();
        let token = cancel.clone();
        let join = tokio::spawn(async move {
            let mut report = run_pane(&shared, &spec, &tx, &token).await;
            report.check_structured(&spec.request);
            let _ = tx.send(RunEvent::Done { report: Box::new(report.clone()) });
            report
        });
        PaneHandle { events: rx, cancel, join }
    }

    /// Start every pane at once. Cancelling `all` stops them all; each pane's own token stops one.
    pub fn start(&self, specs: Vec<PaneSpec>, all: &CancellationToken) -> Vec<PaneHandle> {
        specs.into_iter().map(|spec| self.start_pane(spec, all.child_token())).collect()
    }

    /// List a provider's models, following pagination.
    pub async fn list_models(&self, endpoint: &Endpoint) -> Result<Vec<ModelInfo>, ProviderError> {
        let adapter = endpoint.protocol.adapter();
        let key = key_for(&self.shared, endpoint).await?;
        let mut models = Vec::new();
        let mut cursor: Option<String> = None;
        for _page in 0..100 {
            let url = adapter.models_url(endpoint, cursor.as_deref());
            let mut req = self.shared.clients.get(&url)?.get(&url).timeout(Duration::from_secs(30));
            for (name, value) in adapter.base_headers(endpoint) {
                req = req.header(name, value);
            }
            req = with_auth(req, endpoint.auth, key.as_ref());
            let resp = req.send().await.map_err(|e| transport_error(&e, endpoint, key.as_ref()))?;
            let status = resp.status().as_u16();
            let body = resp.bytes().await.map_err(|e| transport_error(&e, endpoint, key.as_ref()))?;
            if !(200..300).contains(&status) {
                return Err(redacted(adapter.parse_error(status, &body), key.as_ref()));
            }
            let page = adapter.parse_models(&body)?;
            models.extend(page.models);
            match page.next {
                Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                _ => break,
            }
        }
        Ok(models)
    }
}

async fn key_for(shared: &Shared, endpoint: &Endpoint) -> Result<Option<ApiKey>, ProviderError> {
    let secrets = shared.secrets.clone();
    let id = endpoint.id.clone();
    // Keychains block (D-Bus round trips, maybe an unlock prompt): keep them off the runtime.
    let found = tokio::task::spawn_blocking(move || secrets.get(&id))
        .await
        .map_err(|_| ProviderError::new(ErrorKind::Config, "the keychain lookup was interrupted"))?
        .map_err(|e| ProviderError::new(ErrorKind::Config, e.to_string()).retryable(false))?;
    match found {
        Some(key) => Ok(Some(key)),
        None if endpoint.needs_key() => Err(ProviderError::new(
            ErrorKind::Config,
            format!(
                "no API key for {0}: store one with `juxta keys set {0}` (or the app's Providers screen), \
                 or set JUXTA_KEY_{1}",
                endpoint.id,
                env_suffix(&endpoint.id)
            ),
        )
        .retryable(false)),
        None => Ok(None),
    }
}

/// `open-router` → `OPEN_ROUTER`.
pub fn env_suffix(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

fn with_auth(req: reqwest::RequestBuilder, auth: AuthStyle, key: Option<&ApiKey>) -> reqwest::RequestBuilder {
    let (Some(name), Some(key)) = (auth.header_name(), key) else { return req };
    let value = match auth {
        AuthStyle::Bearer => format!("Bearer {}", key.expose()),
        _ => key.expose().to_string(),
    };
    match reqwest::header::HeaderValue::from_str(&value) {
        Ok(mut v) => {
            v.set_sensitive(true);
            req.header(name, v)
        }
        Err(_) => req, // ApiKey::new refuses control characters, so this cannot happen.
    }
}

/// The headers as the inspector shows them: the key replaced by its hint.
fn shown_headers(headers: &[(String, String)], auth: AuthStyle, key: Option<&ApiKey>) -> Vec<(String, String)> {
    let mut shown = headers.to_vec();
    if let (Some(name), Some(key)) = (auth.header_name(), key) {
        let prefix = if auth == AuthStyle::Bearer { "Bearer " } else { "" };
        shown.push((name.to_string(), format!("{prefix}[redacted {}]", key.hint())));
    }
    shown
}

fn redacted(mut e: ProviderError, key: Option<&ApiKey>) -> ProviderError {
    if let Some(key) = key {
        e.message = secrets::redact(&e.message, key.expose());
    }
    e
}

fn transport_error(e: &reqwest::Error, endpoint: &Endpoint, key: Option<&ApiKey>) -> ProviderError {
    let what = if e.is_connect() {
        format!(
            "could not connect to {} ({}); check the base URL and that the server is running",
            endpoint.base_url,
            root_cause(e)
        )
    } else if e.is_timeout() {
        format!("{} did not answer in time", endpoint.base_url)
    } else {
        format!("the connection to {} failed: {}", endpoint.base_url, root_cause(e))
    };
    let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Connection };
    redacted(ProviderError::new(kind, what), key)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// How one attempt ended.
enum Outcome {
    /// Response headers with a success status came, and the body was read (to its end, to an
    /// in-stream error, or until it broke). No retry after this.
    Answered,
    /// Failed before the first byte of an answer.
    Failed(ProviderError),
    Cancelled,
}

async fn run_pane(shared: &Shared, spec: &PaneSpec, tx: &mpsc::UnboundedSender<RunEvent>, cancel: &CancellationToken) -> PaneReport {
    let mut report = PaneReport::new(&spec.target.endpoint.id, &spec.target.model);
    let mut rng = StdRng::from_os_rng();
    let targets: Vec<Target> = std::iter::once(spec.target.clone()).chain(spec.fallbacks.iter().cloned()).collect();
    let mut last_error: Option<ProviderError> = None;
    let mut waited = Duration::ZERO;

    for (ti, target) in targets.iter().enumerate() {
        if ti > 0 {
            let prev = &targets[ti - 1];
            let reason = last_error.as_ref().map(|e| e.message.clone()).unwrap_or_default();
            let _ = tx.send(RunEvent::Fallback {
                from_provider: prev.endpoint.id.clone(),
                from_model: prev.model.clone(),
                to_provider: target.endpoint.id.clone(),
                to_model: target.model.clone(),
                reason,
            });
            waited = Duration::ZERO;
        }
        let mut retries = 0;
        loop {
            let outcome = attempt(shared, spec, target, ti > 0, waited, &mut report, tx, cancel).await;
            match outcome {
                Outcome::Answered => return report,
                Outcome::Cancelled => {
                    report.finish_reason = Some(FinishReason::Cancelled);
                    return report;
                }
                Outcome::Failed(error) => {
                    if spec.policy.should_retry(&error, retries) {
                        let wait = spec.policy.delay(&error, retries, &mut rng);
                        let _ = tx.send(RunEvent::Retry {
                            attempt: report.attempts.len(),
                            error: PaneError::from(&error),
                            wait_ms: wait.as_millis() as u64,
                        });
                        tokio::select! {
                            _ = cancel.cancelled() => {
                                report.finish_reason = Some(FinishReason::Cancelled);
                                return report;
                            }
                            _ = tokio::time::sleep(wait) => {}
                        }
                        retries += 1;
                        waited = wait;
                        continue;
                    }
                    last_error = Some(error);
                    break;
                }
            }
        }
    }
    if let Some(e) = last_error {
        report.error = Some(PaneError::from(&e));
        report.finish_reason = Some(FinishReason::Error);
    }
    report
}

/// One HTTP attempt, streamed into `report`.
#[allow(clippy::too_many_arguments)]
async fn attempt(
    shared: &Shared,
    spec: &PaneSpec,
    target: &Target,
    is_fallback: bool,
    waited: Duration,
    report: &mut PaneReport,
    tx: &mpsc::UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
) -> Outcome {
    let endpoint = &target.endpoint;
    let adapter = endpoint.protocol.adapter();
    let record = |report: &mut PaneReport, status: Option<u16>, error: Option<&ProviderError>| {
        report.attempts.push(Attempt {
            provider: endpoint.id.clone(),
            model: target.model.clone(),
            status,
            error: error.map(PaneError::from),
            waited_ms: waited.as_millis() as u64,
        });
    };

    let key = match key_for(shared, endpoint).await {
        Ok(key) => key,
        Err(e) => {
            record(report, None, Some(&e));
            return Outcome::Failed(e);
        }
    };
    // Held until this attempt's stream ends; released while waiting to retry.
    let _slot = match take_slot(shared, endpoint, report, tx, cancel).await {
        Ok(slot) => slot,
        Err(()) => {
            record(report, None, Some(&ProviderError::cancelled()));
            return Outcome::Cancelled;
        }
    };
    let mut request = spec.request.clone();
    request.model = target.model.clone();
    let caps = shared.caps.lookup(endpoint.protocol, &target.model);
    let mapped = adapter.map_request(endpoint, &caps, &request);
    report.mapping = mapped.report.clone();
    let wire = mapped.request;
    let _ = tx.send(RunEvent::Request {
        attempt: report.attempts.len(),
        provider: endpoint.id.clone(),
        model: target.model.clone(),
        url: wire.url.clone(),
        headers: shown_headers(&wire.headers, endpoint.auth, key.as_ref()),
        body: wire.body.clone(),
        mapping: mapped.report,
    });

    let body = match serde_json::to_vec(&wire.body) {
        Ok(b) => b,
        Err(e) => {
            let e = ProviderError::new(ErrorKind::Other, format!("could not encode the request: {e}")).retryable(false);
            record(report, None, Some(&e));
            return Outcome::Failed(e);
        }
    };
    let client = match shared.clients.get(&wire.url) {
        Ok(c) => c,
        Err(e) => {
            record(report, None, Some(&e));
            return Outcome::Failed(e);
        }
    };
    let mut req = client.post(&wire.url).header("content-type", "application/json");
    for (name, value) in &wire.headers {
        req = req.header(name.as_str(), value.as_str());
    }
    // Compressed streams arrive in bursts and hide the real token timing.
    req = with_auth(req, endpoint.auth, key.as_ref()).header("accept-encoding", "identity").body(body);

    // Logged without headers: the inspector's `Request` event is where they are shown, redacted.
    tracing::debug!(provider = %endpoint.id, model = %target.model, url = %wire.url, attempt = report.attempts.len(), "sending");
    let t_send = Instant::now();
    let sent = tokio::select! {
        biased;
        _ = cancel.cancelled() => {
            record(report, None, Some(&ProviderError::cancelled()));
            return Outcome::Cancelled;
        }
        r = tokio::time::timeout(spec.timeouts.first_byte, req.send()) => r,
    };
    let mut resp = match sent {
        Err(_) => {
            let e = ProviderError::new(
                ErrorKind::Timeout,
                format!("no response from {} within {} s", endpoint.base_url, spec.timeouts.first_byte.as_secs()),
            );
            record(report, None, Some(&e));
            return Outcome::Failed(e);
        }
        Ok(Err(e)) => {
            let e = transport_error(&e, endpoint, key.as_ref());
            record(report, None, Some(&e));
            return Outcome::Failed(e);
        }
        Ok(Ok(resp)) => resp,
    };

    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        let retry_after = errors::retry_after_from_headers(resp.headers());
        let body = tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                record(report, Some(status), Some(&ProviderError::cancelled()));
                return Outcome::Cancelled;
            }
            b = read_capped(&mut resp, ERROR_BODY_BYTES, spec.timeouts.idle) => b,
        };
        let mut e = redacted(adapter.parse_error(status, &body), key.as_ref());
        if e.retry_after.is_none() {
            e.retry_after = retry_after;
        }
        tracing::debug!(provider = %endpoint.id, status, kind = ?e.kind, message = %e.message, "attempt failed");
        record(report, Some(status), Some(&e));
        return Outcome::Failed(e);
    }
    let _ = tx.send(RunEvent::Connected { attempt: report.attempts.len(), status });

    let mut stream = AnswerState::new();
    let mut decoder = adapter.decoder();
    let mut events = Vec::with_capacity(64);
    let mut raw_left = RAW_CAPTURE_BYTES;
    let mut cancelled = false;
    loop {
        let chunk = tokio::select! {
            biased;
            _ = cancel.cancelled() => { cancelled = true; break; }
            c = tokio::time::timeout(spec.timeouts.idle, resp.chunk()) => c,
        };
        match chunk {
            Err(_) => {
                stream.fail(ProviderError::new(
                    ErrorKind::Timeout,
                    format!(
                        "no data for {} s mid-answer (idle timeout); the text so far is kept",
                        spec.timeouts.idle.as_secs()
                    ),
                ).retryable(false));
                break;
            }
            Ok(Err(e)) => {
                stream.fail(ProviderError::new(
                    ErrorKind::Connection,
                    format!("the connection dropped mid-answer ({}); the text so far is kept", root_cause(&e)),
                ).retryable(false));
                break;
            }
            Ok(Ok(None)) => {
                decoder.finish(&mut events);
                stream.apply(&mut events, report, tx, key.as_ref(), &spec.request.tools);
                break;
            }
            Ok(Ok(Some(bytes))) => {
                capture_raw(&bytes, &mut raw_left, tx);
                decoder.feed(&bytes, &mut events);
                if stream.apply(&mut events, report, tx, key.as_ref(), &spec.request.tools) {
                    break;
                }
            }
        }
    }
    // Dropping `resp` here closes the connection if the body was not read to its end.
    drop(resp);
    report.provider_state = decoder.provider_state();
    let t_end = Instant::now();

    let error = stream.error.take();
    tracing::debug!(
        provider = %endpoint.id, model = %target.model, status, cancelled,
        error = error.as_ref().map(|e| e.message.as_str()), chars = report.text.len(), "stream ended"
    );
    if cancelled {
        report.finish_reason = Some(FinishReason::Cancelled);
    } else if let Some(e) = &error {
        report.error = Some(PaneError::from(e));
        report.finish_reason = Some(FinishReason::Error);
    }
    record(report, Some(status), error.as_ref());

    // Served model and substitution.
    if report.served_model.is_none() && is_fallback {
        report.served_model = Some(target.model.clone());
    }
    report.substituted = is_fallback
        || endpoint.id != report.provider
        || substitution::substituted(&target.model, report.served_model.as_deref()).is_some();

    let usage = stream.usage;
    report.usage = usage.as_ref().map(UsageOut::from);
    report.metrics = metrics::compute(
        stream.first_token.map(|t| t - t_send),
        Some(t_end - t_send),
        usage.as_ref(),
        &[&report.reasoning, &report.text],
    );
    report.cost_usd = usage.as_ref().and_then(|u| {
        metrics::cost_usd(&shared.prices, &endpoint.id, &target.model, report.served_model.as_deref(), u)
    });
    if cancelled {
        Outcome::Cancelled
    } else {
        Outcome::Answered
    }
}

/// What one streamed answer has gathered so far.
struct AnswerState {
    first_token: Option<Instant>,
    usage: Option<crate::event::Usage>,
    error: Option<ProviderError>,
    done: bool,
}

impl AnswerState {
    fn new() -> AnswerState {
        AnswerState { first_token: None, usage: None, error: None, done: false }
    }

    fn fail(&mut self, e: ProviderError) {
        if !self.done {
            self.error = Some(e);
            self.done = true;
        }
    }

    fn first(&mut self) {
        if self.first_token.is_none() {
            self.first_token = Some(Instant::now());
        }
    }

    /// Apply decoded events to the report and forward them. Returns true at the terminal event.
    fn apply(
        &mut self,
        events: &mut Vec<StreamEvent>,
        report: &mut PaneReport,
        tx: &mpsc::UnboundedSender<RunEvent>,
        key: Option<&ApiKey>,
        tools: &[crate::request::ToolSpec],
    ) -> bool {
        let mut burst = Burst::default();
        for event in events.drain(..) {
            if self.done {
                continue;
            }
            if !matches!(event, StreamEvent::Text { .. } | StreamEvent::Reasoning { .. }) {
                burst.flush(tx);
            }
            match event {
                StreamEvent::Text { text } => {
                    if text.is_empty() {
                        continue;
                    }
                    self.first();
                    report.text.push_str(&text);
                    burst.text(&text, tx);
                }
                StreamEvent::Reasoning { text } => {
                    if text.is_empty() {
                        continue;
                    }
                    self.first();
                    report.reasoning.push_str(&text);
                    burst.reasoning(&text, tx);
                }
                StreamEvent::ToolCallDelta { index, id, name, arguments } => {
                    // A tool call is the answer of a tool-only reply: it counts as a first token.
                    self.first();
                    let _ = tx.send(RunEvent::ToolCallDelta { index, id, name, arguments });
                }
                StreamEvent::ToolCall { call } => {
                    self.first();
                    let out = ToolCallOut::checked(&call, tools);
                    report.tool_calls.push(out.clone());
                    let _ = tx.send(RunEvent::ToolCall { call: out });
                }
                StreamEvent::Usage { usage } => {
                    self.usage = Some(usage);
                    let _ = tx.send(RunEvent::Usage { usage: UsageOut::from(&usage) });
                }
                StreamEvent::Finish { finish } => {
                    report.finish_reason = Some(finish.reason);
                    report.raw_finish_reason = finish.raw_reason;
                    if finish.served_model.is_some() {
                        report.served_model = finish.served_model;
                    }
                    if finish.served_by.is_some() {
                        report.served_by = finish.served_by;
                    }
                    self.done = true;
                }
                StreamEvent::Error { error } => {
                    self.fail(redacted(error, key));
                }
            }
        }
        burst.flush(tx);
        self.done
    }
}

/// The text and reasoning deltas decoded from one network read, sent as one event each: a fast
/// stream packs dozens of deltas into a read, and every listener (the app's panes, history) would
/// otherwise pay per delta. Order is kept: a delta of the other kind, or any other event, sends
/// what is pending first. When nobody listens (`compare --json --private`), nothing is copied.
#[derive(Default)]
struct Burst {
    text: String,
    reasoning: String,
}

impl Burst {
    fn text(&mut self, delta: &str, tx: &mpsc::UnboundedSender<RunEvent>) {
        if tx.is_closed() {
            return;
        }
        if !self.reasoning.is_empty() {
            self.flush(tx);
        }
        self.text.push_str(delta);
    }

    fn reasoning(&mut self, delta: &str, tx: &mpsc::UnboundedSender<RunEvent>) {
        if tx.is_closed() {
            return;
        }
        if !self.text.is_empty() {
            self.flush(tx);
        }
        self.reasoning.push_str(delta);
    }

    fn flush(&mut self, tx: &mpsc::UnboundedSender<RunEvent>) {
        if !self.text.is_empty() {
            let _ = tx.send(RunEvent::Text { text: std::mem::take(&mut self.text) });
        }
        if !self.reasoning.is_empty() {
            let _ = tx.send(RunEvent::Reasoning { text: std::mem::take(&mut self.reasoning) });
        }
    }
}

fn capture_raw(bytes: &Bytes, left: &mut usize, tx: &mpsc::UnboundedSender<RunEvent>) {
    if *left == 0 || tx.is_closed() {
        return;
    }
    let take = bytes.len().min(*left);
    *left -= take;
    let _ = tx.send(RunEvent::Raw { text: String::from_utf8_lossy(&bytes[..take]).into_owned() });
}

/// Read at most `cap` bytes of a body, giving up quietly on a stall.
async fn read_capped(resp: &mut reqwest::Response, cap: usize, idle: Duration) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < cap {
        match tokio::time::timeout(idle.min(Duration::from_secs(30)), resp.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk[..chunk.len().min(cap - body.len())]),
            _ => break,
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_deltas_goes_out_as_one_event_per_kind_in_order() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut burst = Burst::default();
        burst.text("a", &tx);
        burst.text("b", &tx);
        burst.reasoning("r", &tx);
        burst.text("c", &tx);
        burst.flush(&tx);
        burst.flush(&tx);
        let mut got = Vec::new();
        while let Ok(ev) = rx.try_recv() {
            got.push(ev);
        }
        assert_eq!(
            got,
            [
                RunEvent::Text { text: "ab".into() },
                RunEvent::Reasoning { text: "r".into() },
                RunEvent::Text { text: "c".into() }
            ]
        );
        // Nobody listening: nothing is copied.
        drop(rx);
        burst.text("x", &tx);
        assert!(burst.text.is_empty());
    }

    /// Plain-HTTP URLs never build the client with TLS roots; https URLs get it, and it speaks TLS.
    #[tokio::test]
    async fn tls_roots_are_loaded_only_for_https() {
        let clients = Clients::new(Duration::from_secs(5)).expect("the plain client starts");
        let plain = clients.get("http://127.0.0.1:1/v1").expect("plain") as *const reqwest::Client;
        assert!(std::ptr::eq(plain, clients.get("HTTP://localhost/v1").expect("plain")));
        assert!(clients.tls.get().is_none(), "no TLS client for http URLs");

        // An https URL goes through the TLS client: the server's first bytes are a ClientHello.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let (mut sock, _) = listener.accept().await.expect("accept");
            let mut first = [0u8; 1];
            sock.read_exact(&mut first).await.map(|_| first[0]).unwrap_or(0)
        });
        let url = format!("https://127.0.0.1:{port}/v1");
        let tls = clients.get(&url).expect("the TLS client starts");
        assert!(!std::ptr::eq(plain, tls));
        let _ = tls.get(&url).timeout(Duration::from_secs(2)).send().await;
        assert_eq!(server.await.expect("server"), 0x16, "a TLS handshake record");
    }
}
