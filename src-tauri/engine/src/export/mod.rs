//! Transcripts out of history: Markdown, self-contained HTML, lossless JSON (and its import),
//! fine-tuning JSONL and a CSV of metrics. Pure functions from [`crate::store::Comparison`]s.
//!
//! Exports carry only what the record holds: request headers were redacted by the runner, and no
//! format reads anything else (no environment, no keychain).

mod common;
mod csv;
mod html;
mod json;
mod jsonl;
mod markdown;

use std::fmt;
use std::str::FromStr;

use crate::store::Comparison;

pub use json::{parse_json, to_export_file, ImportError};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Html,
    Json,
    Jsonl,
    Csv,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Html,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
    ];

    /// The file extension, without the dot.
    pub fn extension(&self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }

    /// The media type of the exported file.
    pub fn mime(&self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Json => "application/json",
            Format::Jsonl => "application/jsonl",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// A format name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format `{0}`: expected one of md, markdown, html, json, jsonl, csv")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// What the human formats (Markdown, HTML) include.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Include each answer's reasoning (collapsed). The machine formats ignore this: JSON is
    /// lossless, JSONL and CSV never carry reasoning text.
    pub reasoning: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { reasoning: true }
    }
}

/// Export `comparisons` in `format`. Markdown and HTML put one section per comparison in one
/// document; JSON writes one [`crate::store::ExportFile`]; JSONL and CSV write the rows of all.
pub fn export(comparisons: &[Comparison], format: Format, opts: &Options) -> String {
    match format {
        Format::Markdown => markdown::render(comparisons, opts),
        Format::Html => html::render(comparisons, opts),
        Format::Json => json::render(comparisons),
        Format::Jsonl => jsonl::render(comparisons),
        Format::Csv => csv::render(comparisons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_parse_case_insensitively() {
        assert_eq!("MD".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("Markdown".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("html".parse::<Format>(), Ok(Format::Html));
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
        assert_eq!("jsonL".parse::<Format>(), Ok(Format::Jsonl));
        assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
    }

    #[test]
    fn unknown_format_lists_the_valid_names() {
        let err = "pdf".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("pdf"), "{err}");
        for name in ["md", "markdown", "html", "json", "jsonl", "csv"] {
            assert!(err.contains(name), "{err} lacks {name}");
        }
    }

    #[test]
    fn every_format_round_trips_through_its_extension() {
        for f in Format::ALL {
            assert_eq!(f.extension().parse::<Format>(), Ok(f));
            assert!(!f.mime().is_empty());
        }
    }
}
