//! juxta-mock: a local fake of the OpenAI Chat, OpenAI Responses, Anthropic Messages and Gemini wire protocols,
//! with scripted faults chosen by the model name (`SCENARIO@opt=val,...`). See README.md.
//!
//! It deliberately does not depend on juxta-engine: it fakes the providers' bytes, so the
//! engine is tested against the wire format rather than against itself.

mod body;
mod errors;
mod models;
mod plan;
mod replay;
mod scenario;
mod server;
mod text;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use scenario::SCENARIOS;

/// One request as the mock received it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// `Null` if the body is empty or not JSON.
    pub body: serde_json::Value,
}

/// A running mock server. Dropping it (or calling [`MockServer::shutdown`]) stops accepting and
/// closes every open connection, stalled streams included.
pub struct MockServer {
    addr: SocketAddr,
    app: Arc<server::App>,
    /// Dropping the sender is the stop signal for the accept loop and every connection.
    _stop: watch::Sender<()>,
}

/// Options beyond address and fixtures.
#[derive(Clone, Debug)]
pub struct MockBuilder {
    addr: SocketAddr,
    fixtures: Option<PathBuf>,
    require_key: Option<String>,
}

impl MockBuilder {
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Directory that `replay@file=...` reads from; None disables replay.
    pub fn fixtures_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.fixtures = dir;
        self
    }

    /// Requests without exactly this key get the protocol's 401.
    pub fn require_key(mut self, key: impl Into<String>) -> Self {
        self.require_key = Some(key.into());
        self
    }

    /// Bind and serve in the background on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let app = Arc::new(server::App::new(self.fixtures, self.require_key));
        let (stop, stopped) = watch::channel(());
        tokio::spawn(accept_loop(listener, server::router(app.clone()), stopped));
        Ok(MockServer {
            addr,
            app,
            _stop: stop,
        })
    }
}

impl MockServer {
    pub fn builder() -> MockBuilder {
        MockBuilder {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            fixtures: None,
            require_key: None,
        }
    }

    /// Bind (port 0 = any free port) and serve in the background on the current tokio runtime.
    pub async fn start(addr: SocketAddr, fixtures_dir: PathBuf) -> std::io::Result<MockServer> {
        Self::builder()
            .addr(addr)
            .fixtures_dir(Some(fixtures_dir))
            .start()
            .await
    }

    /// Like [`MockServer::start`], but every request must carry `key`.
    pub async fn start_with_key(
        addr: SocketAddr,
        fixtures_dir: PathBuf,
        key: &str,
    ) -> std::io::Result<MockServer> {
        Self::builder()
            .addr(addr)
            .fixtures_dir(Some(fixtures_dir))
            .require_key(key)
            .start()
            .await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (a wildcard bind is reached through loopback).
    pub fn base_url(&self) -> String {
        let ip = match self.addr.ip() {
            ip if ip.is_unspecified() && ip.is_ipv4() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            ip if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Every request received (except `/__mock/*`), in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.requests().clone()
    }

    /// The most streamed answers for this exact model string that were open at the same time
    /// (error answers are not streams and do not count). For checking concurrency limits.
    pub fn max_open_streams(&self, model: &str) -> u64 {
        self.app.max_open_streams(model)
    }

    pub fn clear_requests(&self) {
        self.app.requests().clear();
    }

    /// Stop serving now; the same as dropping the server.
    pub fn shutdown(self) {}
}

async fn accept_loop(listener: TcpListener, router: axum::Router, stopped: watch::Receiver<()>) {
    let mut stop = stopped.clone();
    loop {
        let conn = tokio::select! {
            conn = listener.accept() => conn,
            _ = stop.changed() => return,
        };
        let Ok((stream, _)) = conn else {
            // Out of file descriptors and the like: back off instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        // SSE events are small: never let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let mut stop = stopped.clone();
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = stop.changed() => {}
            }
        });
    }
}
