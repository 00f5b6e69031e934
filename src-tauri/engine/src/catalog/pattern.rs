//! Model-id patterns for the capability and price tables: `*` matches any run of characters,
//! `?` exactly one; matching ignores case and any `vendor/` prefix.
//!
//! A plain wildcard matcher on purpose: a regex-compiled glob cost ~20 ms of start-up for the
//! bundled tables, on every `juxta` command.

use wildmatch::WildMatch;

#[derive(Debug, Clone)]
pub struct ModelPattern(WildMatch);

impl ModelPattern {
    pub fn new(pattern: &str) -> ModelPattern {
        ModelPattern(WildMatch::new(&pattern.to_ascii_lowercase()))
    }

    /// `id` must already be bare and lower-cased (see [`normalise`]).
    pub fn matches(&self, id: &str) -> bool {
        self.0.matches(id)
    }
}

/// The form every pattern is matched against.
pub fn normalise(model: &str) -> String {
    super::bare_model_id(model).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let p = ModelPattern::new("GPT-5*-chat*");
        assert!(p.matches(&normalise("openai/gpt-5.1-chat-latest")));
        assert!(!p.matches(&normalise("gpt-5-mini")));
        assert!(ModelPattern::new("o?-mini").matches("o3-mini"));
        assert!(!ModelPattern::new("o?-mini").matches("o33-mini"));
        assert!(ModelPattern::new("gpt-4o").matches("gpt-4o"));
        assert!(!ModelPattern::new("gpt-4o").matches("gpt-4o-mini"));
    }
}
