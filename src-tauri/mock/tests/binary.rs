//! The `juxta-mock` binary: `--port 0` prints the address as its first line, then serves.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Start the binary and return it with the base URL from its first stdout line.
async fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_juxta-mock"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn juxta-mock");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("first line in time")
    .expect("read line");
    let url = line
        .strip_prefix("juxta-mock listening on ")
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    (child, url)
}

#[tokio::test]
async fn port_zero_prints_the_line_and_serves() {
    let fixtures = fixtures();
    let (mut child, url) = spawn(&[
        "--port",
        "0",
        "--fixtures",
        fixtures.to_str().expect("utf-8 path"),
    ])
    .await;
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .expect("http://127.0.0.1:PORT");
    assert_ne!(port, 0);

    let c = client();
    let resp = request(&c, &url, P::OpenAi, "normal@tokens=4", json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        text_of(P::OpenAi, &resp.text().await.expect("body")),
        "# Mock answer\n\n"
    );
    let rel = "gemini/sse-text_crlf_gemini-2.0-flash.sse";
    let resp = request(
        &c,
        &url,
        P::GeminiSse,
        &format!("replay@file={rel}"),
        json!({}),
    )
    .send()
    .await
    .expect("send");
    let want = std::fs::read(fixtures.join(rel)).expect("fixture");
    assert!(resp.bytes().await.expect("body")[..] == want[..]);
    let recorded: serde_json::Value = c
        .get(format!("{url}/__mock/requests"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(recorded.as_array().map(Vec::len), Some(2));

    child.kill().await.expect("kill");
}

#[tokio::test]
async fn require_key_flag() {
    let (mut child, url) = spawn(&["--port", "0", "--require-key", "sk-cli"]).await;
    let c = client();
    let body = json!({"model": "normal", "messages": []});
    let r = c
        .post(format!("{url}/v1/chat/completions"))
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    let r = c
        .post(format!("{url}/v1/chat/completions"))
        .bearer_auth("sk-cli")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    child.kill().await.expect("kill");
}
