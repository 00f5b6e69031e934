//! Where the CLI finds keys: `$JUXTA_KEY_<PROVIDER>` first (scripts, CI), then the OS keychain.
//! `juxta keys ...` writes only to the keychain.

use std::io::{IsTerminal, Read};
use std::sync::Arc;

use juxta_engine::catalog::Presets;
use juxta_engine::run::env_suffix;
use juxta_engine::secrets::{self, ApiKey, KeychainStore, SecretError, SecretStore};

use crate::args::{KeysAction, KeysArgs};
use crate::{spec, CliError};

/// The keychain service. Tests point it elsewhere so they never touch a user's real keys.
pub fn keychain() -> KeychainStore {
    match std::env::var("JUXTA_KEYCHAIN_SERVICE") {
        Ok(s) if !s.is_empty() => KeychainStore::with_service(&s),
        _ => KeychainStore::new(),
    }
}

/// Environment variables over the keychain.
pub struct EnvThenKeychain {
    keychain: KeychainStore,
}

impl EnvThenKeychain {
    pub fn new() -> Arc<EnvThenKeychain> {
        Arc::new(EnvThenKeychain { keychain: keychain() })
    }
}

impl SecretStore for EnvThenKeychain {
    fn get(&self, account: &str) -> Result<Option<ApiKey>, SecretError> {
        if let Ok(value) = std::env::var(format!("JUXTA_KEY_{}", env_suffix(account))) {
            if !value.trim().is_empty() {
                return ApiKey::new(value).map(Some);
            }
        }
        match self.keychain.get(account) {
            // No keychain is only a problem when a key is needed: the runner says so then.
            Err(SecretError::Unavailable(_)) => Ok(None),
            other => other,
        }
    }
    fn set(&self, account: &str, key: &ApiKey) -> Result<(), SecretError> {
        self.keychain.set(account, key)
    }
    fn delete(&self, account: &str) -> Result<bool, SecretError> {
        self.keychain.delete(account)
    }
}

fn failed(e: SecretError) -> CliError {
    CliError::Failed(e.to_string())
}

fn known(presets: &Presets, provider: &str) -> Result<(), CliError> {
    if presets.get(provider).is_some() {
        return Ok(());
    }
    let ids: Vec<&str> = presets.ids().collect();
    Err(CliError::Usage(format!("unknown provider {provider:?}: use one of {}", ids.join(", "))))
}

pub async fn run(args: KeysArgs) -> Result<u8, CliError> {
    let presets = spec::catalog(&args.defs.providers)?;
    let store = keychain();
    // Every keychain call may block on D-Bus: run them off the async runtime.
    tokio::task::spawn_blocking(move || keys_blocking(args.action, &presets, &store))
        .await
        .map_err(|e| CliError::Failed(format!("interrupted: {e}")))?
}

fn keys_blocking(action: KeysAction, presets: &Presets, store: &KeychainStore) -> Result<u8, CliError> {
    match action {
        KeysAction::Set { provider } => {
            known(presets, &provider)?;
            let key = read_key(&provider)?;
            store.set(&provider, &key).map_err(failed)?;
            println!("stored the key for {provider} ({}) in the system keychain", key.hint());
        }
        KeysAction::Delete { provider } => {
            known(presets, &provider)?;
            if store.delete(&provider).map_err(failed)? {
                println!("deleted the key for {provider}");
            } else {
                println!("no key was stored for {provider}");
            }
        }
        KeysAction::List { json } => {
            let mut rows = Vec::new();
            for p in presets.all() {
                let stored = store.get(&p.id).map_err(failed)?;
                rows.push(serde_json::json!({
                    "provider": p.id,
                    "stored": stored.is_some(),
                    "hint": stored.as_ref().map(|k| k.hint()),
                    "needs_key": p.needs_key(),
                    "env_var": p.key_env,
                }));
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
            } else {
                for r in &rows {
                    let state = match (r["stored"].as_bool(), r["needs_key"].as_bool()) {
                        (Some(true), _) => format!("key {}", r["hint"].as_str().unwrap_or("")),
                        (_, Some(false)) => "no key needed".to_string(),
                        _ => "no key".to_string(),
                    };
                    println!("{:<12} {state}", r["provider"].as_str().unwrap_or(""));
                }
            }
        }
        KeysAction::ImportEnv { overwrite } => {
            let pairs: Vec<(String, String)> =
                presets.all().iter().filter_map(|p| p.key_env.clone().map(|v| (p.id.clone(), v))).collect();
            let outcomes = secrets::import_from_env(store, &pairs, |v| std::env::var(v).ok(), overwrite).map_err(failed)?;
            let mut imported = 0;
            for o in &outcomes {
                match o.status {
                    "imported" => {
                        imported += 1;
                        println!("{:<12} imported from ${} ({})", o.provider, o.env_var, o.hint.as_deref().unwrap_or(""));
                    }
                    "already-stored" => println!("{:<12} kept the stored key (${} is set; --overwrite replaces it)", o.provider, o.env_var),
                    _ => {}
                }
            }
            if imported == 0 && outcomes.iter().all(|o| o.status == "not-set") {
                println!("none of the usual variables is set ({})", pairs.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(", "));
            }
        }
    }
    Ok(0)
}

/// The key from a hidden prompt on a terminal, else the first line of stdin. Never an argument:
/// arguments end up in shell history and process lists.
fn read_key(provider: &str) -> Result<ApiKey, CliError> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Key for {provider} (input hidden): "))
            .map_err(|e| CliError::Failed(format!("could not read the key: {e}")))?
    } else {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| CliError::Failed(format!("could not read stdin: {e}")))?;
        s.lines().next().unwrap_or("").to_string()
    };
    ApiKey::new(text).map_err(|e| CliError::Usage(e.to_string()))
}
