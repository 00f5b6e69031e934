//! Checking what models produced against the schemas the user gave: tool-call arguments against
//! each tool's parameter schema, structured answers against the response schema. Pure functions
//! over JSON values (the `jsonschema` crate), run once per pane when it ends.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::request::{ResponseFormat, ToolSpec};

/// At most this many violations are kept per check: the first ones say what is wrong.
const MAX_VIOLATIONS: usize = 5;

/// One way a value breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Violation {
    /// A JSON pointer into the value (`/city`, `` for the value itself).
    pub path: String,
    pub message: String,
}

/// The verdict on one value: valid, or the first violations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SchemaCheck {
    pub valid: bool,
    pub violations: Vec<Violation>,
}

impl SchemaCheck {
    #[cfg(test)]
    fn ok() -> SchemaCheck {
        SchemaCheck { valid: true, violations: Vec::new() }
    }

    fn invalid(path: &str, message: impl Into<String>) -> SchemaCheck {
        SchemaCheck { valid: false, violations: vec![Violation { path: path.into(), message: message.into() }] }
    }
}

/// Whether `schema` is itself a valid JSON Schema (the editors check this as the user types).
/// The error names the first problem.
pub fn check_schema(schema: &Value) -> Result<(), String> {
    if !schema.is_object() && !schema.is_boolean() {
        return Err("a JSON Schema is an object (or true/false)".into());
    }
    jsonschema::meta::validate(schema).map_err(|e| format!("not a valid JSON Schema: {e}"))?;
    jsonschema::validator_for(schema).map(|_| ()).map_err(|e| format!("the schema cannot be used: {e}"))
}

/// Validate `value` against `schema`. A schema that cannot be compiled is reported as the
/// violation, so the user sees why nothing could be checked.
pub fn validate(schema: &Value, value: &Value) -> SchemaCheck {
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => return SchemaCheck::invalid("", format!("the schema cannot be used: {e}")),
    };
    let violations: Vec<Violation> = validator
        .iter_errors(value)
        .take(MAX_VIOLATIONS)
        .map(|e| Violation { path: e.instance_path().to_string(), message: e.to_string() })
        .collect();
    SchemaCheck { valid: violations.is_empty(), violations }
}

/// Check one tool call: the tool must have been offered, its arguments must be JSON (the decoder
/// says when they were not) and match the tool's parameter schema.
pub fn check_tool_call(tools: &[ToolSpec], name: &str, arguments: &Value, arguments_error: Option<&str>) -> SchemaCheck {
    if let Some(why) = arguments_error {
        return SchemaCheck::invalid("", why);
    }
    match tools.iter().find(|t| t.name == name) {
        Some(tool) => validate(&tool.parameters, arguments),
        None => SchemaCheck::invalid("", format!("the model called {name:?}, which is not one of the tools it was given")),
    }
}

/// A structured answer, parsed and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StructuredCheck {
    /// Where the JSON came from: `text` (the answer), `text_in_fence` (the answer wrapped in a
    /// ``` fence, which a strict parser would reject), or `tool_call` (a forced tool call, as
    /// Anthropic's emulation does).
    pub source: StructuredSource,
    /// The parsed value, when the answer was JSON at all.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub parsed: Option<Value>,
    pub check: SchemaCheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum StructuredSource {
    Text,
    TextInFence,
    ToolCall,
}

/// Check an answer against the response schema. The JSON is the answer's text, or, when the
/// text is empty and the model made exactly the call the request forced (`tool_name`), that
/// call's arguments.
pub fn check_structured(format: &ResponseFormat, text: &str, forced_call: Option<&Value>) -> StructuredCheck {
    if text.trim().is_empty() {
        if let Some(args) = forced_call {
            return StructuredCheck {
                source: StructuredSource::ToolCall,
                parsed: Some(args.clone()),
                check: validate(&format.schema, args),
            };
        }
    }
    let (source, json_text) = match fenced_body(text) {
        Some(inner) => (StructuredSource::TextInFence, inner),
        None => (StructuredSource::Text, text.trim()),
    };
    match serde_json::from_str::<Value>(json_text) {
        Ok(parsed) => {
            let check = validate(&format.schema, &parsed);
            StructuredCheck { source, parsed: Some(parsed), check }
        }
        Err(e) => {
            let what = if text.trim().is_empty() { "the answer is empty".to_string() } else { format!("the answer is not JSON: {e}") };
            StructuredCheck { source, parsed: None, check: SchemaCheck::invalid("", what) }
        }
    }
}

/// The body of an answer that is one fenced code block (```json ... ```), if it is one.
fn fenced_body(text: &str) -> Option<&str> {
    let t = text.trim();
    let rest = t.strip_prefix("```")?;
    let rest = rest.strip_suffix("```")?;
    let newline = rest.find('\n')?;
    let info = rest[..newline].trim();
    if !info.is_empty() && !info.eq_ignore_ascii_case("json") {
        return None;
    }
    Some(rest[newline + 1..].trim())
}

/// Whether a check passed, for summaries: `None` when nothing was checked.
pub fn all_valid<'a>(checks: impl IntoIterator<Item = &'a SchemaCheck>) -> Option<bool> {
    let mut any = false;
    for c in checks {
        any = true;
        if !c.valid {
            return Some(false);
        }
    }
    any.then_some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn weather() -> ToolSpec {
        ToolSpec {
            name: "get_weather".into(),
            description: String::new(),
            parameters: json!({
                "type": "object",
                "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
                "required": ["city"],
                "additionalProperties": false
            }),
        }
    }

    #[test]
    fn a_call_matching_its_schema_is_valid() {
        let c = check_tool_call(&[weather()], "get_weather", &json!({"city": "Paris", "unit": "c"}), None);
        assert_eq!(c, SchemaCheck::ok());
    }

    #[test]
    fn violations_name_the_path_and_the_rule() {
        let c = check_tool_call(&[weather()], "get_weather", &json!({"city": 7, "unit": "kelvin"}), None);
        assert!(!c.valid);
        let paths: Vec<&str> = c.violations.iter().map(|v| v.path.as_str()).collect();
        assert!(paths.contains(&"/city") && paths.contains(&"/unit"), "{c:?}");
        assert!(c.violations.iter().any(|v| v.message.contains("string")), "{c:?}");

        let missing = check_tool_call(&[weather()], "get_weather", &json!({}), None);
        assert_eq!(missing.violations[0].path, "");
        assert!(missing.violations[0].message.contains("city"), "{missing:?}");
    }

    #[test]
    fn an_unknown_tool_or_unparsable_arguments_are_invalid() {
        let c = check_tool_call(&[weather()], "search", &json!({}), None);
        assert!(!c.valid && c.violations[0].message.contains("not one of the tools"), "{c:?}");
        let c = check_tool_call(&[weather()], "get_weather", &json!("{\"city\":"), Some("arguments are not valid JSON"));
        assert_eq!(c.violations[0].message, "arguments are not valid JSON");
    }

    #[test]
    fn violations_are_capped() {
        let schema = json!({"type": "array", "items": {"type": "string"}});
        let c = validate(&schema, &json!([1, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(c.violations.len(), MAX_VIOLATIONS);
    }

    #[test]
    fn structured_answers_are_parsed_from_text_fences_or_the_forced_call() {
        let f = ResponseFormat { name: "w".into(), schema: weather().parameters, strict: true };
        let plain = check_structured(&f, " {\"city\": \"Oslo\"}\n", None);
        assert_eq!((plain.source, plain.check.valid), (StructuredSource::Text, true));
        assert_eq!(plain.parsed, Some(json!({"city": "Oslo"})));

        let fenced = check_structured(&f, "```json\n{\"city\": \"Oslo\", \"x\": 1}\n```", None);
        assert_eq!(fenced.source, StructuredSource::TextInFence);
        assert!(!fenced.check.valid, "additionalProperties is enforced");

        let via_tool = check_structured(&f, "", Some(&json!({"city": "Rome"})));
        assert_eq!((via_tool.source, via_tool.check.valid), (StructuredSource::ToolCall, true));

        let prose = check_structured(&f, "Sure! Here it is: {\"city\": \"Oslo\"}", None);
        assert!(prose.parsed.is_none() && prose.check.violations[0].message.starts_with("the answer is not JSON"));
        let empty = check_structured(&f, "  ", None);
        assert_eq!(empty.check.violations[0].message, "the answer is empty");
    }

    #[test]
    fn fences_in_other_languages_are_not_json() {
        assert_eq!(fenced_body("```python\n{}\n```"), None);
        assert_eq!(fenced_body("```\n{}\n```"), Some("{}"));
        assert_eq!(fenced_body("``` JSON\n[1]\n```"), Some("[1]"));
    }

    #[test]
    fn schemas_are_checked_before_use() {
        assert!(check_schema(&weather().parameters).is_ok());
        assert!(check_schema(&json!({"type": "strin"})).is_err());
        assert!(check_schema(&json!([1])).unwrap_err().contains("object"));
        // A schema that cannot compile makes every value fail with the reason, not a panic.
        let c = validate(&json!({"type": 5}), &json!(1));
        assert!(!c.valid && c.violations[0].message.contains("cannot be used"));
    }

    #[test]
    fn all_valid_summarises() {
        assert_eq!(all_valid([]), None);
        assert_eq!(all_valid([&SchemaCheck::ok()]), Some(true));
        assert_eq!(all_valid([&SchemaCheck::ok(), &SchemaCheck::invalid("", "x")]), Some(false));
    }
}
