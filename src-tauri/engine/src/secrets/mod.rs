//! Provider keys. They go from the user into a [`SecretStore`] (the OS keychain in the app and
//! the CLI, memory in tests) and from there into one HTTP header. [`ApiKey`] never prints itself:
//! its `Debug` and `Display` show only a redacted hint, so a key cannot reach a log, an error or a
//! panic message by accident.

mod keychain;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};

pub use keychain::KeychainStore;

/// The keychain service every key is stored under: the app's identifier (`tauri.conf.json`).
pub const SERVICE: &str = "dev.juxta.app";

/// A provider key. Zeroed on drop (via `secrecy`), redacted when printed.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Trims surrounding whitespace (keys pasted with a newline are common).
    pub fn new(key: impl Into<String>) -> Result<ApiKey, SecretError> {
        let key: String = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            return Err(SecretError::Empty);
        }
        if trimmed.chars().any(|c| c.is_control() || c == ' ') {
            return Err(SecretError::InvalidCharacters);
        }
        Ok(ApiKey(SecretString::from(trimmed.to_string())))
    }

    /// The key itself, for the one place that needs it: the HTTP header.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// What a user may see: the last four characters (`…abcd`), or nothing of a short key.
    pub fn hint(&self) -> String {
        let k = self.expose();
        let n = k.chars().count();
        if n < 12 {
            return "…".to_string();
        }
        let last: String = k.chars().skip(n - 4).collect();
        format!("…{last}")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.hint())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hint())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("the key is empty")]
    Empty,
    #[error("the key contains spaces or control characters; paste only the key")]
    InvalidCharacters,
    #[error(
        "no system keychain is available ({0}); on Linux start a Secret Service (GNOME Keyring or KWallet) \
         in your session, or pass the key in an environment variable JUXTA_KEY_<PROVIDER>"
    )]
    Unavailable(String),
    #[error("the system keychain is locked or refused access ({0}); unlock it and try again")]
    Locked(String),
    #[error("the system keychain failed: {0}")]
    Backend(String),
}

/// Where keys live. `account` is the provider id.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<ApiKey>, SecretError>;
    fn set(&self, account: &str, key: &ApiKey) -> Result<(), SecretError>;
    /// Returns whether there was a key to delete.
    fn delete(&self, account: &str) -> Result<bool, SecretError>;
}

/// Keys in memory: tests, and a session that must not touch the keychain.
#[derive(Default)]
pub struct MemoryStore(Mutex<BTreeMap<String, ApiKey>>);

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    pub fn with(pairs: &[(&str, &str)]) -> MemoryStore {
        let store = MemoryStore::new();
        for (account, key) in pairs {
            let key = ApiKey::new(*key).expect("test keys are valid");
            store.set(account, &key).expect("memory store cannot fail");
        }
        store
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, ApiKey>> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<ApiKey>, SecretError> {
        Ok(self.map().get(account).cloned())
    }
    fn set(&self, account: &str, key: &ApiKey) -> Result<(), SecretError> {
        self.map().insert(account.to_string(), key.clone());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<bool, SecretError> {
        Ok(self.map().remove(account).is_some())
    }
}

/// What `import_from_env` did for one provider.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportOutcome {
    pub provider: String,
    pub env_var: String,
    /// `imported`, `already-stored` (left as is), `not-set`.
    pub status: &'static str,
    /// The redacted hint of the imported key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Copy keys from the usual environment variables into the store. Only ever called when the
/// user asks (`juxta keys import-env`, the providers screen's button): never silently. A key
/// already in the store is kept unless `overwrite`.
pub fn import_from_env(
    store: &dyn SecretStore,
    providers: &[(String, String)],
    env: impl Fn(&str) -> Option<String>,
    overwrite: bool,
) -> Result<Vec<ImportOutcome>, SecretError> {
    let mut outcomes = Vec::new();
    for (provider, var) in providers {
        let outcome = |status, hint| ImportOutcome { provider: provider.clone(), env_var: var.clone(), status, hint };
        let Some(value) = env(var).filter(|v| !v.trim().is_empty()) else {
            outcomes.push(outcome("not-set", None));
            continue;
        };
        if !overwrite && store.get(provider)?.is_some() {
            outcomes.push(outcome("already-stored", None));
            continue;
        }
        let key = ApiKey::new(value)?;
        store.set(provider, &key)?;
        outcomes.push(outcome("imported", Some(key.hint())));
    }
    Ok(outcomes)
}

/// Remove every occurrence of `key` from `text` (provider error messages sometimes echo the key
/// back, e.g. "Incorrect API key provided: sk-abc…"). Also catches the provider's own partial echo
/// of the key's head, which is at least 8 characters long.
pub fn redact(text: &str, key: &str) -> String {
    if key.len() < 8 {
        return text.to_string();
    }
    let mut out = text.replace(key, "[redacted key]");
    // OpenAI echoes `sk-proj-abcd*****wxyz`: the first and last characters of the key.
    let head = &key[..key.char_indices().nth(8).map(|(i, _)| i).unwrap_or(key.len())];
    if out.contains(head) {
        out = out.replace(head, "[redacted key]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_print_themselves() {
        let key = ApiKey::new("  sk-canary-0123456789abcdef\n").unwrap();
        assert_eq!(key.expose(), "sk-canary-0123456789abcdef");
        for shown in [format!("{key}"), format!("{key:?}"), format!("{:?}", Some(key.clone()))] {
            assert!(!shown.contains("canary"), "{shown}");
            assert!(shown.contains("…cdef"), "{shown}");
        }
        assert_eq!(ApiKey::new("short-key").unwrap().hint(), "…");
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        assert_eq!(ApiKey::new("   ").unwrap_err(), SecretError::Empty);
        assert_eq!(ApiKey::new("sk-a b").unwrap_err(), SecretError::InvalidCharacters);
    }

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::new();
        assert!(store.get("openai").unwrap().is_none());
        store.set("openai", &ApiKey::new("sk-one-1234567890").unwrap()).unwrap();
        assert_eq!(store.get("openai").unwrap().unwrap().expose(), "sk-one-1234567890");
        assert!(store.delete("openai").unwrap());
        assert!(!store.delete("openai").unwrap());
    }

    #[test]
    fn env_import_only_copies_what_is_set_and_keeps_stored_keys() {
        let store = MemoryStore::with(&[("anthropic", "sk-ant-stored-000000")]);
        let providers = vec![
            ("openai".to_string(), "OPENAI_API_KEY".to_string()),
            ("anthropic".to_string(), "ANTHROPIC_API_KEY".to_string()),
            ("gemini".to_string(), "GEMINI_API_KEY".to_string()),
        ];
        let env = |name: &str| match name {
            "OPENAI_API_KEY" => Some("sk-from-env-123456789".to_string()),
            "ANTHROPIC_API_KEY" => Some("sk-ant-env-999999999".to_string()),
            _ => None,
        };
        let out = import_from_env(&store, &providers, env, false).unwrap();
        let statuses: Vec<_> = out.iter().map(|o| o.status).collect();
        assert_eq!(statuses, ["imported", "already-stored", "not-set"]);
        assert_eq!(store.get("openai").unwrap().unwrap().expose(), "sk-from-env-123456789");
        assert_eq!(store.get("anthropic").unwrap().unwrap().expose(), "sk-ant-stored-000000");
        assert!(serde_json::to_string(&out).unwrap().find("sk-from-env").is_none());
    }

    #[test]
    fn redact_removes_whole_and_echoed_keys() {
        let key = "sk-proj-canary0123456789";
        assert_eq!(redact(&format!("bad key {key}."), key), "bad key [redacted key].");
        let echoed = "Incorrect API key provided: sk-proj-********6789.";
        assert!(!redact(echoed, key).contains("sk-proj-"));
        assert_eq!(redact("nothing here", key), "nothing here");
    }
}
