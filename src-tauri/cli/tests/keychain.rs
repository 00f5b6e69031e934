//! `juxta keys` against a real Secret Service, and a compare that takes its key from there.
//! `tests/run.sh` runs these inside `dbus-run-session` with an unlocked gnome-keyring.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::io::Write;

use juxta_mock::MockServer;

const CANARY: &str = "sk-canary-cli-keychain-4d1f8a0e6b37";

/// This process's history directory (the key canary below reads it).
fn data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("juxta-cli-keychain-data-{}", std::process::id()))
}

fn juxta(service: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_juxta"))
        .args(args)
        .env("JUXTA_KEYCHAIN_SERVICE", service)
        .env("NO_COLOR", "1")
        .env("JUXTA_DATA_DIR", data_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a Secret Service: tests/run.sh runs it inside dbus-run-session with gnome-keyring"]
async fn keys_set_list_use_and_delete() {
    let service = format!("dev.juxta.app.cli-test-{}", std::process::id());
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    let mock = MockServer::start_with_key("127.0.0.1:0".parse().unwrap(), fixtures, CANARY).await.unwrap();
    let def = format!("guarded=openai,{}/v1", mock.base_url());

    let (code, out, err) = juxta(&service, &["keys", "set", "guarded", "--provider", &def], &format!("{CANARY}\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("…6b37") && !out.contains(CANARY), "{out}");

    let (code, out, _) = juxta(&service, &["keys", "list", "--provider", &def], "");
    assert_eq!(code, 0);
    let line = out.lines().find(|l| l.starts_with("guarded")).unwrap();
    assert!(line.contains("…6b37") && !out.contains(CANARY), "{out}");

    // The mock refuses any other key: success proves the key came from the keychain.
    let out = tokio::task::spawn_blocking({
        let (service, def) = (service.clone(), def.clone());
        move || juxta(&service, &["compare", "-m", "guarded:normal", "--json", "--provider", &def, "hi"], "")
    })
    .await
    .unwrap();
    assert_eq!(out.0, 0, "{}{}", out.1, out.2);
    assert!(!out.1.contains(CANARY) && !out.2.contains(CANARY));
    // The run is in history, and the key from the keychain is not.
    let answer: serde_json::Value = serde_json::from_str(&out.1).unwrap();
    let answer = answer["panes"][0]["text"].as_str().unwrap().to_string();
    let files: Vec<_> = std::fs::read_dir(data_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    let bytes: Vec<u8> = files.iter().flat_map(|f| std::fs::read(f).unwrap()).collect();
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has(answer.lines().nth(2).unwrap_or(&answer)), "the answer is in history ({files:?})");
    assert!(!has(CANARY), "the key reached the history database");

    let (code, out, _) = juxta(&service, &["keys", "delete", "guarded", "--provider", &def], "");
    assert_eq!(code, 0);
    assert!(out.contains("deleted"));
    let (code, _, err) = juxta(&service, &["compare", "-m", "guarded:normal", "--provider", &def, "hi"], "");
    // A loopback provider needs no key, so the run goes out without one and the mock says 401.
    assert_eq!(code, 1, "{err}");
}

#[test]
#[ignore = "needs a Secret Service: tests/run.sh runs it inside dbus-run-session with gnome-keyring"]
fn import_env_copies_only_when_asked() {
    let service = format!("dev.juxta.app.cli-import-{}", std::process::id());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_juxta"));
    let out = cmd
        .args(["keys", "import-env"])
        .env("JUXTA_KEYCHAIN_SERVICE", &service)
        .env("MISTRAL_API_KEY", "sk-mistral-from-env-123456")
        .env_remove("OPENAI_API_KEY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("mistral") && stdout.contains("imported") && !stdout.contains("sk-mistral-from-env"), "{stdout}");
    let (code, out, _) = juxta(&service, &["keys", "list"], "");
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.starts_with("mistral") && l.contains("…3456")), "{out}");
    let _ = juxta(&service, &["keys", "delete", "mistral"], "");
}
