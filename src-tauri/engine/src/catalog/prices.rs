//! The price table: USD per million tokens, dated, editable. OpenRouter's streamed `usage.cost`
//! overrides it for OpenRouter requests (it is what the account was actually charged).

use super::pattern::{normalise, ModelPattern};
use serde::{Deserialize, Serialize};

use crate::event::Usage;

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    /// Input tokens read from the prompt cache; defaults to `input`.
    #[serde(default)]
    pub cached_input: Option<f64>,
    /// Reasoning tokens; defaults to `output` (every provider here bills them as output).
    #[serde(default)]
    pub reasoning: Option<f64>,
}

impl Price {
    /// The cost of `usage`. `usage.output_tokens` includes reasoning tokens.
    pub fn cost(&self, usage: &Usage) -> f64 {
        let cached = usage.cached_tokens.min(usage.input_tokens);
        let reasoning = usage.reasoning_tokens.min(usage.output_tokens);
        let per = |tokens: u64, usd_per_m: f64| tokens as f64 * usd_per_m / 1_000_000.0;
        per(usage.input_tokens - cached, self.input)
            + per(cached, self.cached_input.unwrap_or(self.input))
            + per(usage.output_tokens - reasoning, self.output)
            + per(reasoning, self.reasoning.unwrap_or(self.output))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
struct PriceRow {
    #[serde(rename = "match")]
    patterns: Vec<String>,
    /// Only for this provider id (the same model costs differently on Groq and on OpenAI).
    #[serde(default)]
    provider: Option<String>,
    #[serde(flatten)]
    price: Price,
}

#[derive(Debug, Deserialize)]
struct PriceFile {
    /// The day these prices were read from the providers' price pages.
    as_of: String,
    #[serde(default)]
    price: Vec<PriceRow>,
}

#[derive(Debug, Clone)]
pub struct PriceTable {
    pub as_of: String,
    rows: Vec<(Vec<ModelPattern>, PriceRow)>,
}

impl PriceTable {
    pub fn bundled() -> PriceTable {
        PriceTable::from_toml(include_str!("prices.toml")).expect("bundled prices.toml is valid")
    }

    pub fn from_toml(text: &str) -> Result<PriceTable, String> {
        let file: PriceFile = toml::from_str(text).map_err(|e| format!("price table: {e}"))?;
        let mut rows = Vec::new();
        for row in file.price {
            let matchers = row.patterns.iter().map(|p| ModelPattern::new(p)).collect();
            rows.push((matchers, row));
        }
        Ok(PriceTable { as_of: file.as_of, rows })
    }

    /// Put a user's table in front: its rows win. Its date becomes the table's date.
    pub fn overlay(&mut self, user: PriceTable) {
        let mut rows = user.rows;
        rows.append(&mut self.rows);
        self.rows = rows;
        self.as_of = user.as_of;
    }

    /// The price of `model` at `provider`: a row for that provider first, then a general row.
    pub fn lookup(&self, provider: &str, model: &str) -> Option<Price> {
        let id = normalise(model);
        let hit = |want_provider: bool| {
            self.rows.iter().find(|(m, row)| {
                (row.provider.as_deref() == Some(provider)) == want_provider
                    && (want_provider || row.provider.is_none())
                    && m.iter().any(|g| g.matches(&id))
            })
        };
        hit(true).or_else(|| hit(false)).map(|(_, row)| row.price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_splits_cached_and_reasoning() {
        let p = Price { input: 2.0, output: 10.0, cached_input: Some(0.5), reasoning: Some(20.0) };
        let u = Usage { input_tokens: 1_000_000, cached_tokens: 500_000, output_tokens: 1_000_000, reasoning_tokens: 250_000, provider_cost_usd: None };
        // 0.5M*2 + 0.5M*0.5 + 0.75M*10 + 0.25M*20
        assert!((p.cost(&u) - (1.0 + 0.25 + 7.5 + 5.0)).abs() < 1e-9);
    }

    #[test]
    fn provider_rows_win_and_unknown_models_have_no_price() {
        let t = PriceTable::bundled();
        assert!(!t.as_of.is_empty());
        let direct = t.lookup("openai", "gpt-4o-mini").unwrap();
        assert_eq!(direct.input, 0.15);
        assert!(t.lookup("openai", "gpt-4o-mini-2024-07-18").is_some(), "dated snapshots share the price");
        assert!(t.lookup("groq", "llama-3.3-70b-versatile").is_some());
        assert!(t.lookup("openai", "no-such-model").is_none());
    }
}
