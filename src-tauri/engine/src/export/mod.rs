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

/// Write an export to `path` whole or not at all: a full disk or a crash leaves the previous file
/// (or none), never half of a new one. The bytes go to a hidden file beside it, then are renamed.
pub fn write_file(path: &std::path::Path, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("export");
    let tmp = dir.join(format!(".{name}.juxta-tmp"));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(contents.as_ref()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    #[test]
    fn write_file_replaces_whole_and_leaves_nothing_behind_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        super::write_file(&path, "one").unwrap();
        super::write_file(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let missing = dir.path().join("no-such-dir").join("b.md");
        assert!(super::write_file(&missing, "x").is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["a.md"], "no temporary file is left behind");
    }

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
