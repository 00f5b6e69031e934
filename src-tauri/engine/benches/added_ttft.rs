//! Added time to first token: from the moment the first SSE event is written to the socket to
//! the moment the engine hands out its `Text` event. A raw TCP server in the same process sends
//! the response headers, waits, then writes one event and notes the instant; the runner's
//! consumer notes when the text arrives. Both instants come from the same monotonic clock.
//! Then the stop latency: from `cancel()` on a streaming pane to the server seeing its connection
//! closed (a read returning EOF or an error).
//! `cargo bench -p juxta-engine --bench added_ttft` (figures in BENCHMARKS.md).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use juxta_engine::catalog::Preset;
use juxta_engine::request::ChatRequest;
use juxta_engine::run::{PaneSpec, RunEvent, Runner, Target};
use juxta_engine::secrets::MemoryStore;
use juxta_engine::Protocol;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const RUNS: usize = 2000;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let written: Arc<Mutex<Option<Instant>>> = Arc::default();
        let w = written.clone();
        tokio::spawn(async move {
            loop {
                let (mut sock, _) = listener.accept().await.unwrap();
                let w = w.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut seen = Vec::new();
                    // Read the whole request (headers + the JSON body announced by content-length).
                    loop {
                        let n = sock.read(&mut buf).await.unwrap();
                        if n == 0 { return; }
                        seen.extend_from_slice(&buf[..n]);
                        if let Some(end) = seen.windows(4).position(|x| x == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                            let len: usize = head.lines().find_map(|l| l.strip_prefix("content-length:")).map(|v| v.trim().parse().unwrap()).unwrap_or(0);
                            if seen.len() >= end + 4 + len { break; }
                        }
                    }
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
                    sock.write_all(head.as_bytes()).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    let event = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"model\":\"m\"}\n\n";
                    *w.lock().unwrap() = Some(Instant::now());
                    sock.write_all(event).await.unwrap();
                    sock.write_all(b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n").await.unwrap();
                });
            }
        });

        let runner = Runner::new(Arc::new(MemoryStore::new())).unwrap();
        let endpoint = Preset::custom("raw", Protocol::OpenAiChat, &format!("http://{addr}/v1"));
        let mut added = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let spec = PaneSpec::new(Target { endpoint: endpoint.clone(), model: "m".into() }, ChatRequest::new("m", "hi"));
            let mut h = runner.start_pane(spec, CancellationToken::new());
            while let Some(ev) = h.events.recv().await {
                if let RunEvent::Text { .. } = ev {
                    let out = Instant::now();
                    let sent = written.lock().unwrap().take().expect("written first");
                    added.push(out - sent);
                }
            }
            h.join.await.unwrap();
        }
        added.sort();
        let pct = |p: f64| added[((added.len() as f64 * p) as usize).min(added.len() - 1)];
        println!("added TTFT over {RUNS} runs (socket write → Text event out of the engine):");
        println!("  p50 {:?}  p90 {:?}  p99 {:?}  max {:?}", pct(0.50), pct(0.90), pct(0.99), added[added.len() - 1]);
        stop_latency(&runner).await;
    });
}

/// A server that streams forever; measures how long after `cancel()` its socket sees the close.
async fn stop_latency(runner: &Runner) {
    const STOPS: usize = 300;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (closed_tx, mut closed_rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    tokio::spawn(async move {
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            let closed_tx = closed_tx.clone();
            tokio::spawn(async move {
                let (mut rd, mut wr) = sock.into_split();
                let mut buf = vec![0u8; 16 * 1024];
                let _ = rd.read(&mut buf).await; // the request (small enough for one read)
                let _ = wr.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n").await;
                let writer = tokio::spawn(async move {
                    loop {
                        let ev = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"}}]}\n\n";
                        if wr.write_all(ev).await.is_err() { break; }
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                });
                // EOF (or a reset) on the read side is the client closing the connection.
                loop {
                    match rd.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
                let _ = closed_tx.send(Instant::now());
                writer.abort();
            });
        }
    });
    let endpoint = Preset::custom("raw", Protocol::OpenAiChat, &format!("http://{addr}/v1"));
    let mut lat = Vec::with_capacity(STOPS);
    for _ in 0..STOPS {
        let spec = PaneSpec::new(Target { endpoint: endpoint.clone(), model: "m".into() }, ChatRequest::new("m", "hi"));
        let mut h = runner.start_pane(spec, CancellationToken::new());
        let mut texts = 0;
        while let Some(ev) = h.events.recv().await {
            if let RunEvent::Text { .. } = ev {
                texts += 1;
                if texts == 3 {
                    break;
                }
            }
        }
        let stopped = Instant::now();
        h.cancel.cancel();
        let closed = tokio::time::timeout(Duration::from_secs(5), closed_rx.recv()).await.expect("closed within 5 s").unwrap();
        let report = h.join.await.unwrap();
        assert!(!report.text.is_empty());
        lat.push(closed.saturating_duration_since(stopped));
    }
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!("stop latency over {STOPS} stops (cancel() → the server sees the connection closed):");
    println!("  p50 {:?}  p99 {:?}  max {:?}", pct(0.50), pct(0.99), lat[lat.len() - 1]);
}
