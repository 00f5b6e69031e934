//! The OS keychain implementation against a real Secret Service. Needs a session bus with an
//! unlocked keyring: `tests/run.sh` runs these inside `dbus-run-session` with gnome-keyring.

use std::process::Command;

use juxta_engine::secrets::{ApiKey, KeychainStore, SecretStore};

const CANARY: &str = "sk-canary-keychain-0b5e7d9c3a21";

fn secret_tool_lookup(service: &str, account: &str) -> String {
    let out = Command::new("secret-tool").args(["lookup", "service", service, "username", account]).output().expect("secret-tool");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
#[ignore = "needs a Secret Service: tests/run.sh runs it inside dbus-run-session with gnome-keyring"]
fn set_read_back_and_delete_in_the_real_secret_service() {
    let service = format!("dev.juxta.app.test-{}", std::process::id());
    let store = KeychainStore::with_service(&service);
    assert!(store.get("openai").unwrap().is_none());

    store.set("openai", &ApiKey::new(CANARY).unwrap()).unwrap();
    assert_eq!(store.get("openai").unwrap().unwrap().expose(), CANARY);
    // The system's own tool sees it where the app said it would be: service + provider id.
    assert_eq!(secret_tool_lookup(&service, "openai"), CANARY);

    // Replacing keeps one entry.
    store.set("openai", &ApiKey::new("sk-replaced-key-123456").unwrap()).unwrap();
    assert_eq!(store.get("openai").unwrap().unwrap().expose(), "sk-replaced-key-123456");

    assert!(store.delete("openai").unwrap());
    assert!(store.get("openai").unwrap().is_none());
    assert!(!store.delete("openai").unwrap());
    assert_eq!(secret_tool_lookup(&service, "openai"), "");
}

#[test]
#[ignore = "needs a Secret Service: tests/run.sh runs it inside dbus-run-session with gnome-keyring"]
fn the_app_service_name_is_the_identifier() {
    assert_eq!(KeychainStore::new().service(), "dev.juxta.app");
}
