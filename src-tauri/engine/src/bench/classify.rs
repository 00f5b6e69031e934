//! Which error class a failed run counts under. The engine's [`ErrorKind`] says what happened;
//! the HTTP status and whether the answer had started say where.

use super::types::ErrorClass;
use crate::error::ErrorKind;
use crate::run::{PaneError, PaneReport};

/// The class of a run's failure, or None when it did not fail (a stop by the user included).
pub fn classify(report: &PaneReport) -> Option<ErrorClass> {
    let error = report.error.as_ref()?;
    if error.kind == ErrorKind::Cancelled {
        return None;
    }
    // The last attempt got a success status: the failure came inside the answer's stream.
    let streamed = report
        .attempts
        .last()
        .and_then(|a| a.status)
        .is_some_and(|s| (200..300).contains(&s));
    Some(classify_error(error, streamed))
}

/// `streamed`: the response had a success status and the body had started.
pub fn classify_error(error: &PaneError, streamed: bool) -> ErrorClass {
    match error.status {
        Some(429) => return ErrorClass::RateLimited,
        Some(408) => return ErrorClass::Timeout,
        Some(500..=599) => return ErrorClass::Server,
        _ => {}
    }
    match error.kind {
        ErrorKind::Timeout => ErrorClass::Timeout,
        // An error event inside a 200 stream counts where it happened, whatever it says
        // (Anthropic sends `overloaded_error` mid-stream): the answer had started.
        _ if streamed => ErrorClass::InStream,
        ErrorKind::RateLimited | ErrorKind::Quota => ErrorClass::RateLimited,
        ErrorKind::Server | ErrorKind::Overloaded => ErrorClass::Server,
        ErrorKind::Stream | ErrorKind::Truncated => ErrorClass::InStream,
        _ => ErrorClass::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProviderError;
    use crate::run::Attempt;

    fn err(kind: ErrorKind, status: Option<u16>) -> PaneError {
        PaneError {
            kind,
            status,
            message: "x".into(),
            retryable: false,
        }
    }

    fn report(error: PaneError, last_status: Option<u16>) -> PaneReport {
        let mut r = PaneReport::new("p", "m");
        r.attempts.push(Attempt {
            provider: "p".into(),
            model: "m".into(),
            status: last_status,
            error: None,
            waited_ms: 0,
        });
        r.error = Some(error);
        r
    }

    #[test]
    fn rate_limits_and_quota() {
        assert_eq!(
            classify_error(&err(ErrorKind::RateLimited, Some(429)), false),
            ErrorClass::RateLimited
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Quota, Some(402)), false),
            ErrorClass::RateLimited
        );
        // OpenAI's insufficient_quota is a 429 with kind Quota; Anthropic's credit balance a 400.
        assert_eq!(
            classify_error(&err(ErrorKind::Quota, Some(429)), false),
            ErrorClass::RateLimited
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Quota, Some(400)), false),
            ErrorClass::RateLimited
        );
    }

    #[test]
    fn server_errors_overloaded_and_gateway_pages() {
        assert_eq!(
            classify_error(&err(ErrorKind::Server, Some(500)), false),
            ErrorClass::Server
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Overloaded, Some(529)), false),
            ErrorClass::Server
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Server, Some(503)), false),
            ErrorClass::Server
        );
        // An HTML 502 from a proxy, whatever kind the parser gave it.
        assert_eq!(
            classify_error(&err(ErrorKind::Malformed, Some(502)), false),
            ErrorClass::Server
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Overloaded, None), false),
            ErrorClass::Server
        );
    }

    #[test]
    fn every_timeout() {
        for e in [
            err(ErrorKind::Timeout, None),
            err(ErrorKind::Timeout, Some(408)),
            err(ErrorKind::Other, Some(408)),
        ] {
            assert_eq!(classify_error(&e, false), ErrorClass::Timeout, "{e:?}");
        }
        // The idle timeout fires mid-answer: still a timeout.
        assert_eq!(
            classify_error(&err(ErrorKind::Timeout, None), true),
            ErrorClass::Timeout
        );
    }

    #[test]
    fn failures_inside_a_200_stream() {
        assert_eq!(
            classify_error(&err(ErrorKind::Stream, None), true),
            ErrorClass::InStream
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Truncated, None), true),
            ErrorClass::InStream
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Connection, None), true),
            ErrorClass::InStream
        );
        assert_eq!(
            classify_error(&err(ErrorKind::Malformed, None), true),
            ErrorClass::InStream
        );
        // Anthropic's overloaded_error event mid-answer counts where it happened.
        assert_eq!(
            classify_error(&err(ErrorKind::Overloaded, None), true),
            ErrorClass::InStream
        );
        // No connection at all is not an in-stream failure.
        assert_eq!(
            classify_error(&err(ErrorKind::Connection, None), false),
            ErrorClass::Other
        );
    }

    #[test]
    fn everything_else_is_other() {
        for (kind, status) in [
            (ErrorKind::Auth, Some(401)),
            (ErrorKind::PermissionDenied, Some(403)),
            (ErrorKind::NotFound, Some(404)),
            (ErrorKind::InvalidRequest, Some(400)),
            (ErrorKind::Config, None),
            (ErrorKind::ContentFilter, None),
            (ErrorKind::Other, None),
        ] {
            assert_eq!(
                classify_error(&err(kind, status), false),
                ErrorClass::Other,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn reports_use_the_last_attempt_and_stops_are_not_errors() {
        let dropped = report(
            PaneError::from(&ProviderError::new(ErrorKind::Connection, "dropped")),
            Some(200),
        );
        assert_eq!(classify(&dropped), Some(ErrorClass::InStream));
        let refused = report(
            PaneError::from(&ProviderError::new(ErrorKind::Connection, "refused")),
            None,
        );
        assert_eq!(classify(&refused), Some(ErrorClass::Other));
        let stopped = report(PaneError::from(&ProviderError::cancelled()), Some(200));
        assert_eq!(classify(&stopped), None);
        assert_eq!(classify(&PaneReport::new("p", "m")), None);
    }
}
