//! JSON: the lossless, versioned export ([`ExportFile`]) and its import.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;

use crate::store::{Comparison, ExportFile, Timestamp, EXPORT_FORMAT, EXPORT_VERSION};

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("not valid JSON (line {line}, column {column}): {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a Juxta export: {0}")]
    NotJuxta(String),
    #[error(
        "written by a newer Juxta (format version {found}, this build reads up to {supported}): update Juxta"
    )]
    NewerVersion { found: u64, supported: u32 },
    #[error("invalid Juxta export (line {line}, column {column}): {message}")]
    Invalid {
        line: usize,
        column: usize,
        message: String,
    },
}

/// The export file for `comparisons`, stamped `exported_at`.
pub fn to_export_file(comparisons: &[Comparison], exported_at: Timestamp) -> ExportFile {
    ExportFile {
        format: EXPORT_FORMAT.to_string(),
        version: EXPORT_VERSION,
        exported_at,
        generator: format!("juxta {}", env!("CARGO_PKG_VERSION")),
        comparisons: comparisons.to_vec(),
    }
}

pub fn render(comparisons: &[Comparison]) -> String {
    let file = to_export_file(comparisons, now_ms());
    // Cannot fail: every map key in these types is a string, and NaN floats become null.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

fn now_ms() -> Timestamp {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Just enough of a file to tell whether it is ours and which version, read before the whole
/// file so that a newer version fails on its version, not on a field it added.
#[derive(Deserialize)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

/// Read a JSON export back: checks the format marker and version, then every field.
pub fn parse_json(text: &str) -> Result<Vec<Comparison>, ImportError> {
    let header: Header = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ImportError::NotJuxta(
            "expected a JSON object with \"format\": \"juxta.comparisons\"".into(),
        ),
        _ => located(&e, |line, column, message| ImportError::Syntax {
            line,
            column,
            message,
        }),
    })?;
    check_format(header.format.as_ref())?;
    check_version(header.version.as_ref())?;
    let file: ExportFile = serde_json::from_str(text).map_err(|e| {
        located(&e, |line, column, message| ImportError::Invalid {
            line,
            column,
            message,
        })
    })?;
    Ok(file.comparisons)
}

fn check_format(format: Option<&Value>) -> Result<(), ImportError> {
    match format {
        Some(Value::String(f)) if f == EXPORT_FORMAT => Ok(()),
        Some(other) => Err(ImportError::NotJuxta(format!(
            "\"format\" is {other}, expected \"{EXPORT_FORMAT}\""
        ))),
        None => Err(ImportError::NotJuxta(format!(
            "no \"format\": \"{EXPORT_FORMAT}\" field"
        ))),
    }
}

/// Versions this build cannot read are refused up front; a missing or malformed version is left
/// to the full parse, which says where it is.
fn check_version(version: Option<&Value>) -> Result<(), ImportError> {
    match version.and_then(Value::as_u64) {
        Some(found) if found > u64::from(EXPORT_VERSION) => Err(ImportError::NewerVersion {
            found,
            supported: EXPORT_VERSION,
        }),
        _ => Ok(()),
    }
}

/// serde_json's message without its own " at line L column C" suffix, with the position apart.
fn located(
    e: &serde_json::Error,
    make: impl FnOnce(usize, usize, String) -> ImportError,
) -> ImportError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    make(e.line(), e.column(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_export_round_trips() {
        let text = render(&[]);
        assert!(text.contains("\"format\": \"juxta.comparisons\""), "{text}");
        assert_eq!(parse_json(&text), Ok(vec![]));
    }

    #[test]
    fn a_newer_version_is_refused_with_advice() {
        let text = r#"{"format":"juxta.comparisons","version":99,"exported_at":0,"generator":"juxta 9","comparisons":[],"new":1}"#;
        let err = parse_json(text).unwrap_err();
        assert_eq!(
            err,
            ImportError::NewerVersion {
                found: 99,
                supported: EXPORT_VERSION
            }
        );
        let msg = err.to_string();
        assert!(
            msg.contains("format version 99") && msg.contains("update Juxta"),
            "{msg}"
        );
    }

    #[test]
    fn another_json_file_is_not_juxta() {
        let err = parse_json(r#"{"format":"chorus","version":1}"#).unwrap_err();
        assert!(matches!(err, ImportError::NotJuxta(_)), "{err:?}");
        assert!(err.to_string().contains("juxta.comparisons"));
        assert!(matches!(
            parse_json("[1, 2]"),
            Err(ImportError::NotJuxta(_))
        ));
        assert!(matches!(
            parse_json(r#"{"messages": []}"#),
            Err(ImportError::NotJuxta(_))
        ));
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = parse_json("{\n  \"format\": \"juxta.comparisons\",\n  \"version\": 1,,\n}")
            .unwrap_err();
        match err {
            ImportError::Syntax { line, column, .. } => assert_eq!((line, column), (3, 16)),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn bad_fields_say_where() {
        let text = "{\"format\":\"juxta.comparisons\",\"version\":1,\"exported_at\":0,\"generator\":\"g\",\n\"comparisons\":[{\"id\":\"x\"}]}";
        match parse_json(text).unwrap_err() {
            ImportError::Invalid { line, message, .. } => {
                assert_eq!(line, 2);
                assert!(message.contains("invalid type"), "{message}");
            }
            other => panic!("expected an invalid-field error, got {other:?}"),
        }
    }
}
