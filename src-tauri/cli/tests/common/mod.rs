//! What the CLI's end-to-end tests share: a juxta-mock on 127.0.0.1, `--provider` flags for it,
//! and the real `juxta` binary run with no user config and no colours. Each test binary uses a part.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;

use juxta_mock::MockServer;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

/// A keychain service of the tests' own, never the app's.
pub const KEYCHAIN_SERVICE: &str = "dev.juxta.app.cli-tests";

/// A mock with the recorded provider streams of `../shared/fixtures`.
pub async fn mock() -> MockServer {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    MockServer::start("127.0.0.1:0".parse().unwrap(), fixtures)
        .await
        .unwrap()
}

/// `--provider` definitions for the mock's three protocols.
pub fn providers(mock: &MockServer) -> Vec<String> {
    let b = mock.base_url();
    vec![
        "--provider".into(),
        format!("mo=openai,{b}/v1"),
        "--provider".into(),
        format!("ma=anthropic,{b}/v1"),
        "--provider".into(),
        format!("mg=gemini,{b}/v1beta"),
    ]
}

/// `juxta compare` with `list` (models and flags), the mock's providers and `prompt`.
pub fn compare(mock: &MockServer, list: &[&str], prompt: &str) -> Vec<String> {
    let mut a: Vec<String> = std::iter::once("compare")
        .chain(list.iter().copied())
        .map(String::from)
        .collect();
    a.extend(providers(mock));
    a.push(prompt.into());
    a
}

/// The bodies of the POST requests the mock has seen, in order.
pub fn post_bodies(mock: &MockServer) -> Vec<Value> {
    mock.requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body)
        .collect()
}

/// How a `juxta` run ended.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

/// Runs `juxta args` with its history in `data_dir`, never the developer's config, no colours,
/// `stdin` on its standard input (none: an empty one) and `env` on top.
pub async fn run_juxta(
    args: &[String],
    data_dir: &Path,
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Out {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_juxta"));
    cmd.args(args)
        .env("JUXTA_KEYCHAIN_SERVICE", KEYCHAIN_SERVICE)
        .env("NO_COLOR", "1")
        .env(
            "JUXTA_CONFIG_DIR",
            std::env::temp_dir().join("juxta-cli-tests-no-config"),
        )
        .env("JUXTA_DATA_DIR", data_dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).await.unwrap();
    }
    let out = child.wait_with_output().await.unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
