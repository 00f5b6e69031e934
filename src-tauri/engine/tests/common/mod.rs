//! Shared by the integration tests: a juxta-mock on a real socket, panes pointed at it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use juxta_engine::catalog::Preset;
use juxta_engine::request::ChatRequest;
use juxta_engine::run::{PaneReport, PaneSpec, RetryPolicy, RunEvent, Runner, Target};
use juxta_engine::secrets::{MemoryStore, SecretStore};
use juxta_engine::Protocol;
use juxta_mock::MockServer;
use tokio_util::sync::CancellationToken;

pub const PROTOCOLS: [Protocol; 4] = [Protocol::OpenAiChat, Protocol::Anthropic, Protocol::Gemini, Protocol::OpenAiResponses];

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

pub async fn mock() -> MockServer {
    MockServer::start("127.0.0.1:0".parse().unwrap(), fixtures_dir()).await.expect("mock starts")
}

/// A provider on the mock speaking `protocol` at its real path.
pub fn endpoint(mock: &MockServer, protocol: Protocol) -> Preset {
    let (id, path) = match protocol {
        Protocol::OpenAiChat => ("mock-openai", "/v1"),
        Protocol::Anthropic => ("mock-anthropic", "/v1"),
        Protocol::Gemini => ("mock-gemini", "/v1beta"),
        Protocol::Ollama => ("mock-ollama", ""),
        Protocol::OpenAiResponses => ("mock-openai-responses", "/v1"),
    };
    Preset::custom(id, protocol, &format!("{}{path}", mock.base_url()))
}

pub fn pane(mock: &MockServer, protocol: Protocol, model: &str) -> PaneSpec {
    let target = Target { endpoint: endpoint(mock, protocol), model: model.to_string() };
    let mut spec = PaneSpec::new(target, ChatRequest::new(model, "Say hello in three languages."));
    // Tests must not sleep for real backoffs.
    spec.policy =
        RetryPolicy { max_retries: 2, base_delay: Duration::from_millis(10), max_delay: Duration::from_millis(200) };
    spec
}

pub fn runner() -> Runner {
    runner_with(Arc::new(MemoryStore::new()))
}

pub fn runner_with(store: Arc<dyn SecretStore>) -> Runner {
    Runner::new(store).expect("runner")
}

/// Run panes to the end, collecting every event of each.
pub async fn run_all(runner: &Runner, specs: Vec<PaneSpec>) -> Vec<(PaneReport, Vec<RunEvent>)> {
    let all = CancellationToken::new();
    let handles = runner.start(specs, &all);
    let mut out = Vec::new();
    for mut h in handles {
        let mut events = Vec::new();
        while let Some(e) = h.events.recv().await {
            events.push(e);
        }
        let report = tokio::time::timeout(Duration::from_secs(60), h.join).await.expect("pane ends").expect("no panic");
        out.push((report, events));
    }
    out
}

pub async fn run_one(spec: PaneSpec) -> (PaneReport, Vec<RunEvent>) {
    run_all(&runner(), vec![spec]).await.remove(0)
}
