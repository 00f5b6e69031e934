//! Prompt sets: the rows that fill `{{variables}}`. JSONL (one JSON object per line; strings
//! as they are, other values as compact JSON, `null` as empty) or CSV (the header row names the
//! columns). Errors give the file and the line.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::BenchError;

pub type Row = BTreeMap<String, String>;

/// Read a `.jsonl`/`.ndjson` or `.csv` file.
pub fn load(path: &Path) -> Result<Vec<Row>, BenchError> {
    let shown = path.display().to_string();
    let fail = |line, message: String| BenchError::PromptSet {
        path: shown.clone(),
        line,
        message,
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(0, format!("could not read the prompt set: {e}")))?;
    let rows = match ext.as_deref() {
        Some("jsonl" | "ndjson") => parse_jsonl(&text),
        Some("csv") => parse_csv(&text),
        _ => Err((
            0,
            "a prompt set is a .jsonl or .csv file: rename it, or convert it".to_string(),
        )),
    };
    rows.map_err(|(line, message)| fail(line, message))
}

/// JSONL rows; `Err((line, why))` with a 1-based line.
pub fn parse_jsonl(text: &str) -> Result<Vec<Row>, (usize, String)> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            (
                line_no,
                format!("not valid JSON ({e}); write one object per line"),
            )
        })?;
        let Value::Object(map) = value else {
            return Err((
                line_no,
                "not a JSON object; write one object per line, e.g. {\"city\": \"Lyon\"}".into(),
            ));
        };
        rows.push(map.into_iter().map(|(k, v)| (k, stringify(v))).collect());
    }
    if rows.is_empty() {
        return Err((0, "the prompt set has no rows".into()));
    }
    Ok(rows)
}

fn stringify(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// CSV rows under a header row; `Err((line, why))` with a 1-based line.
pub fn parse_csv(text: &str) -> Result<Vec<Row>, (usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let line_of = |e: &csv::Error| e.position().map_or(0, |p| p.line() as usize);
    let headers = reader
        .headers()
        .map_err(|e| (line_of(&e).max(1), format!("bad header row: {e}")))?
        .clone();
    if let Some(i) = headers.iter().position(|h| h.trim().is_empty()) {
        return Err((
            1,
            format!(
                "column {} of the header row has no name; name every column",
                i + 1
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let why = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    format!("{len} fields where the header has {expected_len}; quote values that contain commas")
                }
                _ => e.to_string(),
            };
            (line_of(&e), why)
        })?;
        rows.push(
            headers
                .iter()
                .map(|h| h.trim().to_string())
                .zip(record.iter().map(str::to_string))
                .collect(),
        );
    }
    if rows.is_empty() {
        return Err((0, "the prompt set has no rows under its header".into()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_values_become_strings_and_blank_lines_are_skipped() {
        let rows = parse_jsonl("{\"city\": \"Lyon\", \"n\": 3}\n\n{\"city\": \"Oslo\", \"tags\": [1,2], \"x\": null, \"ok\": true}\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["city"], "Lyon");
        assert_eq!(rows[0]["n"], "3");
        assert_eq!(rows[1]["tags"], "[1,2]");
        assert_eq!(rows[1]["x"], "");
        assert_eq!(rows[1]["ok"], "true");
    }

    #[test]
    fn jsonl_errors_name_the_line() {
        let (line, why) = parse_jsonl("{\"a\": 1}\n\n[1, 2]\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(why.contains("not a JSON object"), "{why}");
        let (line, why) = parse_jsonl("{\"a\": 1}\n{\"a\": \n").unwrap_err();
        assert_eq!(line, 2);
        assert!(why.contains("not valid JSON"), "{why}");
        assert_eq!(parse_jsonl("\n\n").unwrap_err().0, 0);
    }

    #[test]
    fn csv_rows_under_the_header() {
        let rows =
            parse_csv("city,question\nLyon,\"What, exactly?\"\nOslo,\"multi\nline\"\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["question"], "What, exactly?");
        assert_eq!(rows[1]["city"], "Oslo");
        assert_eq!(rows[1]["question"], "multi\nline");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let (line, why) = parse_csv("a,b\n1,2\n3,4,5\n").unwrap_err();
        assert_eq!(line, 3, "{why}");
        assert!(why.contains("3 fields where the header has 2"), "{why}");
        assert_eq!(parse_csv("a,,c\n1,2,3\n").unwrap_err().0, 1);
        assert_eq!(parse_csv("a,b\n").unwrap_err().0, 0);
    }

    #[test]
    fn load_picks_the_format_by_extension_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("set.CSV");
        std::fs::write(&csv, "x\n1\n2\n").unwrap();
        assert_eq!(load(&csv).unwrap().len(), 2);
        let txt = dir.path().join("set.txt");
        std::fs::write(&txt, "x\n").unwrap();
        let e = load(&txt).unwrap_err().to_string();
        assert!(e.contains("set.txt") && e.contains(".jsonl or .csv"), "{e}");
        let bad = dir.path().join("bad.jsonl");
        std::fs::write(&bad, "{}\nnope\n").unwrap();
        let e = load(&bad).unwrap_err().to_string();
        assert!(e.contains("bad.jsonl line 2"), "{e}");
        assert!(load(&dir.path().join("missing.csv"))
            .unwrap_err()
            .to_string()
            .contains("could not read"));
    }
}
