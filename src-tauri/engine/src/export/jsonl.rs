//! JSONL in OpenAI's chat fine-tuning shape: one conversation per pane per line,
//! `{"messages":[{"role":"system",...},{"role":"user",...},{"role":"assistant",...},...]}`.

use serde_json::{json, Value};

use super::common;
use crate::run::{PaneReport, ToolCallOut};
use crate::store::{Comparison, PaneRecord};

pub fn render(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    for c in comparisons {
        for pane in &c.panes {
            if let Some(line) = conversation(c, pane) {
                out.push_str(&line.to_string());
                out.push('\n');
            }
        }
    }
    out
}

/// The pane's conversation, or none when it has no usable answer. A turn whose answer has
/// nothing to learn from (failed before any text, or empty) is left out with its prompt.
fn conversation(c: &Comparison, pane: &PaneRecord) -> Option<Value> {
    let mut messages = Vec::new();
    let mut system = None;
    for turn in &c.turns {
        let Some(answer) = turn.answers.iter().find(|a| a.pane_id == pane.id) else {
            continue;
        };
        if !usable(&answer.report) {
            continue;
        }
        // The system prompt in force at the first turn kept.
        system.get_or_insert_with(|| common::effective_system(Some(pane), turn).to_string());
        messages.push(json!({"role": "user", "content": turn.prompt}));
        messages.push(assistant(&answer.report));
    }
    if messages.is_empty() {
        return None;
    }
    if let Some(s) = system.filter(|s| !s.trim().is_empty()) {
        messages.insert(0, json!({"role": "system", "content": s}));
    }
    Some(json!({ "messages": messages }))
}

fn usable(report: &PaneReport) -> bool {
    !report.text.trim().is_empty() || !report.tool_calls.is_empty()
}

fn assistant(report: &PaneReport) -> Value {
    if report.tool_calls.is_empty() {
        return json!({"role": "assistant", "content": report.text});
    }
    let calls: Vec<Value> = report.tool_calls.iter().map(tool_call).collect();
    // OpenAI wants `null` content beside tool calls when there is no text.
    let content = if report.text.is_empty() {
        Value::Null
    } else {
        Value::String(report.text.clone())
    };
    json!({"role": "assistant", "content": content, "tool_calls": calls})
}

/// `{id, type: "function", function: {name, arguments: "<JSON string>"}}`.
fn tool_call(call: &ToolCallOut) -> Value {
    let arguments = match &call.arguments {
        // Already a JSON string (arguments that did not parse are kept as the model sent them).
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    json!({"id": call.id, "type": "function", "function": {"name": call.name, "arguments": arguments}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_call_arguments_become_a_json_string() {
        let call = ToolCallOut {
            id: "c1".into(),
            name: "f".into(),
            arguments: json!({"a": [1, 2]}),
            check: None,
        };
        let v = tool_call(&call);
        assert_eq!(v["function"]["arguments"], json!("{\"a\":[1,2]}"));
        assert_eq!(v["type"], "function");
        let raw = ToolCallOut {
            id: "c2".into(),
            name: "f".into(),
            arguments: json!("{\"a\": tru"),
            check: None,
        };
        assert_eq!(
            tool_call(&raw)["function"]["arguments"],
            json!("{\"a\": tru")
        );
    }

    #[test]
    fn tool_calls_without_text_have_null_content() {
        let mut r = PaneReport::new("p", "m");
        r.tool_calls.push(ToolCallOut {
            id: "c".into(),
            name: "f".into(),
            arguments: json!({}),
            check: None,
        });
        assert_eq!(assistant(&r)["content"], Value::Null);
        r.text = "Let me check.".into();
        assert_eq!(assistant(&r)["content"], json!("Let me check."));
    }
}
