//! The reliability policy of one pane: when to retry, how long to wait, when to give up.

use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::ProviderError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryPolicy {
    /// Retries of one model before moving to the next fallback (0 = one attempt only).
    pub max_retries: u32,
    /// First backoff step; doubles each retry, with full jitter.
    #[serde(with = "millis")]
    pub base_delay: Duration,
    /// The most the backoff, or a provider's `Retry-After`, may make a pane wait.
    #[serde(with = "millis")]
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 2, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(30) }
    }
}

impl RetryPolicy {
    /// Whether the attempt that failed with `error` (before the first byte) may be retried.
    /// `retryable` is decided where the error is parsed: 408/409/429/5xx/529 and connection
    /// failures yes; 400/401/402/403 and `insufficient_quota` never.
    pub fn should_retry(&self, error: &ProviderError, retries_done: u32) -> bool {
        error.retryable && retries_done < self.max_retries
    }

    /// How long to wait before retry number `retries_done + 1`: what the provider asked for
    /// (capped), else exponential backoff with full jitter.
    pub fn delay(&self, error: &ProviderError, retries_done: u32, rng: &mut impl Rng) -> Duration {
        if let Some(asked) = error.retry_after {
            return asked.min(self.max_delay);
        }
        let ceiling = self.base_delay.saturating_mul(1u32 << retries_done.min(16)).min(self.max_delay);
        // Full jitter, but never less than a quarter of the step: retries must not stampede.
        let low = ceiling / 4;
        let span = ceiling.as_millis().saturating_sub(low.as_millis()) as u64;
        low + Duration::from_millis(if span == 0 { 0 } else { rng.random_range(0..=span) })
    }
}

/// Timeouts of one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Timeouts {
    /// TCP + TLS handshake.
    #[serde(with = "millis")]
    pub connect: Duration,
    /// From sending the request to the response headers.
    #[serde(with = "millis")]
    pub first_byte: Duration,
    /// Between two reads of the body. Any bytes reset it, SSE comments and keep-alives included.
    /// Reasoning models can think silently for minutes, so the default is generous.
    #[serde(with = "millis")]
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            first_byte: Duration::from_secs(300),
            idle: Duration::from_secs(300),
        }
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;
    use crate::error::ErrorKind;

    fn err(retryable: bool, after: Option<u64>) -> ProviderError {
        let mut e = ProviderError::new(ErrorKind::RateLimited, "slow down").retryable(retryable);
        e.retry_after = after.map(Duration::from_millis);
        e
    }

    #[test]
    fn retries_only_retryable_errors_and_only_so_often() {
        let p = RetryPolicy { max_retries: 2, ..Default::default() };
        assert!(p.should_retry(&err(true, None), 0));
        assert!(p.should_retry(&err(true, None), 1));
        assert!(!p.should_retry(&err(true, None), 2));
        assert!(!p.should_retry(&err(false, None), 0));
    }

    #[test]
    fn provider_delay_is_honoured_but_capped() {
        let p = RetryPolicy { max_delay: Duration::from_secs(5), ..Default::default() };
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(p.delay(&err(true, Some(1200)), 0, &mut rng), Duration::from_millis(1200));
        assert_eq!(p.delay(&err(true, Some(60_000)), 0, &mut rng), Duration::from_secs(5));
    }

    #[test]
    fn backoff_grows_with_jitter_inside_its_bounds() {
        let p = RetryPolicy { base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1), max_retries: 9 };
        let mut rng = StdRng::seed_from_u64(7);
        for retry in 0..8u32 {
            let ceiling = Duration::from_millis(100 * (1 << retry)).min(Duration::from_secs(1));
            let mut seen = std::collections::BTreeSet::new();
            for _ in 0..50 {
                let d = p.delay(&err(true, None), retry, &mut rng);
                assert!(d >= ceiling / 4 && d <= ceiling, "retry {retry}: {d:?} outside {ceiling:?}");
                seen.insert(d);
            }
            assert!(seen.len() > 5, "no jitter at retry {retry}");
        }
    }
}
