//! Error types. A `ProviderError` is what a pane shows when a request fails: what happened, and
//! (through `kind`) what the user can do about it. No error here ever holds a key.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The class of a failure, stable across providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorKind {
    /// 401: the key is wrong, revoked or missing.
    Auth,
    /// 403: the key may not use this model or endpoint.
    PermissionDenied,
    /// 402 or `insufficient_quota`: out of credits; retrying will not help.
    Quota,
    /// 404: unknown model or wrong base URL.
    NotFound,
    /// 400/422: the provider rejected a parameter.
    InvalidRequest,
    /// 429: rate limited.
    RateLimited,
    /// 529 or `overloaded_error`.
    Overloaded,
    /// 5xx.
    Server,
    /// 408, or one of our own connect / first-byte / idle timeouts.
    Timeout,
    /// Could not connect, or the connection dropped.
    Connection,
    /// An error the provider sent inside an HTTP 200 stream.
    Stream,
    /// The stream ended before its protocol's terminal signal.
    Truncated,
    /// The provider sent something that is not its protocol (an HTML page, invalid JSON).
    Malformed,
    /// The provider refused the content (a blocked prompt).
    ContentFilter,
    /// The user stopped the pane.
    Cancelled,
    /// Local configuration: no key, unknown provider, a keychain problem.
    Config,
    Other,
}

/// A failed request or stream, as shown in a pane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ProviderError {
    pub kind: ErrorKind,
    /// The HTTP status, when the failure came with one.
    pub status: Option<u16>,
    /// What happened and, where we know it, what to do.
    pub message: String,
    /// The provider's own error code or type (`insufficient_quota`, `overloaded_error`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Whether trying again (before any byte of an answer) may succeed.
    pub retryable: bool,
    /// How long the provider asked us to wait before trying again.
    #[serde(skip)]
    pub retry_after: Option<Duration>,
}

impl ProviderError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ProviderError {
            kind,
            status: None,
            message: message.into(),
            code: None,
            retryable: matches!(
                kind,
                ErrorKind::RateLimited | ErrorKind::Overloaded | ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Connection
            ),
            retry_after: None,
        }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn with_code(mut self, code: Option<String>) -> Self {
        self.code = code;
        self
    }

    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    pub fn cancelled() -> Self {
        ProviderError::new(ErrorKind::Cancelled, "stopped by the user")
    }

    pub fn truncated(what: &str) -> Self {
        ProviderError::new(
            ErrorKind::Truncated,
            format!("the stream ended before {what}; the answer may be incomplete (the text so far is kept)"),
        )
        .retryable(false)
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        ProviderError::new(ErrorKind::Malformed, detail).retryable(false)
    }
}

/// The classification of an HTTP status, as the reliability policy and the UI see it.
pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 | 413 | 422 => ErrorKind::InvalidRequest,
        401 => ErrorKind::Auth,
        402 => ErrorKind::Quota,
        403 => ErrorKind::PermissionDenied,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        409 => ErrorKind::Server,
        429 => ErrorKind::RateLimited,
        529 => ErrorKind::Overloaded,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Other,
    }
}

/// Retry only on 408/409/429/5xx/529; never on 400/401/402/403/404.
pub fn status_is_retryable(status: u16) -> bool {
    matches!(status, 408 | 409 | 429 | 500..=599)
}

/// One sentence on what the user can do, appended to provider messages. It names no command of the CLI or
/// screen of the app: both show this message, and each adds its own way to act on it.
pub fn advice(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::Auth => "check the key for this provider",
        ErrorKind::PermissionDenied => "this key may not use this model; check the account's access",
        ErrorKind::Quota => "the account is out of credits or quota; add credits or use another provider",
        ErrorKind::NotFound => "check the model name and the provider's base URL",
        ErrorKind::InvalidRequest => "a parameter was rejected; see the mapping report for what was sent",
        ErrorKind::RateLimited => "rate limited; wait, lower concurrency, or add a fallback model",
        ErrorKind::Overloaded => "the provider is overloaded; try again shortly or add a fallback model",
        ErrorKind::Malformed => "the server did not answer in its protocol; check the base URL and any proxy in between",
        _ => return None,
    })
}
