//! The OS keychain through the `keyring` crate: Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows. Service = the app identifier, account = the provider id.

use keyring::{Entry, Error};

use super::{ApiKey, SecretError, SecretStore};

pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub fn new() -> KeychainStore {
        KeychainStore::with_service(super::SERVICE)
    }

    /// A separate service name (tests use one of their own so they never touch real keys).
    pub fn with_service(service: &str) -> KeychainStore {
        KeychainStore { service: service.to_string() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, account: &str) -> Result<Entry, SecretError> {
        Entry::new(&self.service, account).map_err(to_secret_error)
    }
}

impl Default for KeychainStore {
    fn default() -> Self {
        KeychainStore::new()
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, account: &str) -> Result<Option<ApiKey>, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(key) => ApiKey::new(key).map(Some),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(to_secret_error(e)),
        }
    }

    fn set(&self, account: &str, key: &ApiKey) -> Result<(), SecretError> {
        self.entry(account)?.set_password(key.expose()).map_err(to_secret_error)
    }

    fn delete(&self, account: &str) -> Result<bool, SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(Error::NoEntry) => Ok(false),
            Err(e) => Err(to_secret_error(e)),
        }
    }
}

/// keyring's errors can carry the stored bytes (`BadEncoding`, `BadDataFormat`): those are never
/// formatted, only named.
fn to_secret_error(e: Error) -> SecretError {
    match e {
        Error::NoDefaultStore => SecretError::Unavailable("no Secret Service on the session bus".into()),
        Error::NoStorageAccess(inner) => SecretError::Locked(inner.to_string()),
        Error::PlatformFailure(inner) => {
            let msg = inner.to_string();
            // zbus reports a missing session bus or service as a platform failure.
            if msg.contains("org.freedesktop.secrets") || msg.contains("DBUS") || msg.contains("dbus") {
                SecretError::Unavailable(msg)
            } else {
                SecretError::Backend(msg)
            }
        }
        Error::BadEncoding(_) => SecretError::Backend("the stored key is not valid UTF-8".into()),
        Error::BadDataFormat(_, _) => SecretError::Backend("the stored key is not in the expected format".into()),
        Error::Ambiguous(_) => SecretError::Backend("several keychain entries match; delete and set the key again".into()),
        other => SecretError::Backend(other.to_string()),
    }
}
