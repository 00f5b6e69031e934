//! Did the model that answered match the one asked for? Providers answer an alias with a dated
//! snapshot (`gpt-4o` → `gpt-4o-2024-08-06`, `claude-haiku-4-5` → `claude-haiku-4-5-20251001`):
//! that is the same model. Anything else is a substitution the user must see.

use crate::catalog::bare_model_id;

/// `Some(served)` when `served` is a different model from `requested`.
pub fn substituted<'a>(requested: &str, served: Option<&'a str>) -> Option<&'a str> {
    let served = served?;
    if same_model(requested, served) {
        None
    } else {
        Some(served)
    }
}

pub fn same_model(requested: &str, served: &str) -> bool {
    let norm = |s: &str| bare_model_id(s).trim_start_matches("models/").to_ascii_lowercase().replace(['.', '_'], "-");
    let (req, srv) = (norm(requested), norm(served));
    if req == srv {
        return true;
    }
    // A dated or versioned snapshot of the requested model.
    let snapshot_of = |base: &str, other: &str| {
        other.strip_prefix(base).and_then(|rest| rest.strip_prefix('-')).is_some_and(is_version_suffix)
    };
    snapshot_of(&req, &srv) || snapshot_of(&srv, &req) || {
        // `...-latest` aliases resolve to a dated snapshot of the same family.
        req.strip_suffix("-latest").is_some_and(|family| srv.starts_with(family) && srv.len() > family.len() && is_version_suffix(srv[family.len()..].trim_start_matches('-')))
    }
}

/// `20251001`, `2024-08-06`, `001`, `v1-0`: digits and dashes (with an optional leading `v`).
fn is_version_suffix(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_and_prefixes_are_the_same_model() {
        for (asked, served) in [
            ("gpt-4o", "gpt-4o-2024-08-06"),
            ("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14"),
            ("claude-haiku-4-5", "claude-haiku-4-5-20251001"),
            ("claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001"),
            ("gemini-2.0-flash", "gemini-2.0-flash-001"),
            ("openai/gpt-4o", "gpt-4o-2024-08-06"),
            ("deepseek-reasoner", "deepseek-reasoner"),
            ("llama3.2:3b", "llama3.2"),
            ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"),
        ] {
            assert_eq!(substituted(asked, Some(served)), None, "{asked} vs {served}");
        }
        assert_eq!(substituted("gpt-4o", None), None);
    }

    #[test]
    fn a_different_model_is_flagged() {
        for (asked, served) in [
            ("gpt-4o", "gpt-4o-mini-2024-07-18"),
            ("gpt-4o", "gpt-4o-mini"),
            ("claude-opus-4-1", "claude-haiku-4-5-20251001"),
            ("normal", "mock-mini-2024-01-01"),
            ("llama-3.3-70b", "llama-3.1-8b"),
        ] {
            assert_eq!(substituted(asked, Some(served)), Some(served), "{asked} vs {served}");
        }
    }
}
