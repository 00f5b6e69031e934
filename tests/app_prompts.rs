//! The prompt library through the app's IPC commands (Tauri's mock runtime, the real
//! capabilities, a real SQLite file): save, update by name, variants for two models, filter by
//! tag and text, delete cascading to the variants, and errors the UI can show.

mod common;

use common::TestApp;
use juxta_engine::store::{Prompt, PromptSummary, PromptVariant};
use serde_json::{json, Value};

fn list(fx: &TestApp, text: &str, tag: &str) -> Vec<String> {
    let list: Vec<PromptSummary> = fx.call("list_prompts", json!({"filter": {"text": text, "tag": tag}}));
    list.into_iter().map(|p| p.name).collect()
}

fn prompt(name: &str, tags: &[&str], user: &str) -> Value {
    json!({
        "name": name,
        "tags": tags,
        "system": "Answer in one paragraph.",
        "user": user,
        "inputs": {"columns": ["topic"], "rows": [["tides"], ["volcanoes"]]}
    })
}

#[test]
fn the_library_saves_updates_lists_and_deletes_through_ipc() {
    let fx = TestApp::with_history();

    // Save, then save again under the same name: one prompt, updated.
    let first: Prompt = fx.call("save_prompt", json!({"prompt": prompt("Explain", &["science"], "Explain {{topic}}")}));
    assert_eq!(first.inputs.columns, ["topic"]);
    assert_eq!(first.inputs.rows, [["tides"], ["volcanoes"]]);
    let updated: Prompt = fx.call(
        "save_prompt",
        json!({"prompt": prompt("Explain", &["science", "kids"], "Explain {{topic}} to a child")}),
    );
    assert_eq!(updated.id, first.id, "the same name updates the prompt");
    assert_eq!(updated.user, "Explain {{topic}} to a child");
    assert_eq!(updated.tags, ["science", "kids"]);
    let other: Prompt =
        fx.call("save_prompt", json!({"prompt": prompt("Limerick", &["fun"], "A limerick on {{topic}}")}));
    assert_ne!(other.id, first.id);

    // Variants for two models (one whose id has a slash), with the pane's overrides.
    let a: PromptVariant = fx.call(
        "save_variant",
        json!({"variant": {"prompt_id": first.id, "provider": "openai", "model": "gpt-4o", "label": "",
                           "system": "Use short words.", "user": null, "params": {"temperature": 0.2, "seed": 7}, "note": ""}}),
    );
    let b: PromptVariant = fx.call(
        "save_variant",
        json!({"variant": {"prompt_id": first.id, "provider": "openrouter", "model": "anthropic/claude-sonnet-4",
                           "params": {"max_output_tokens": 300, "reasoning_effort": "low"}}}),
    );
    assert_eq!(a.params.seed, Some(7));
    assert_eq!(b.system, None, "a variant without a system prompt follows the prompt's own");
    let got: Prompt = fx.call("get_prompt", json!({"id": first.id}));
    assert_eq!(got.variants.len(), 2);
    assert_eq!(got.variants[1].model, "anthropic/claude-sonnet-4");
    assert_eq!(got.variants[1].params.max_output_tokens, Some(300));

    // Filters: by tag (any case), by text in the name or the prompt.
    assert_eq!(list(&fx, "", "KIDS"), ["Explain"]);
    assert_eq!(list(&fx, "limerick", ""), ["Limerick"]);
    assert_eq!(list(&fx, "child", ""), ["Explain"]);
    let mut all = list(&fx, "", "");
    all.sort();
    assert_eq!(all, ["Explain", "Limerick"]);

    // Deleting one variant, then the prompt, which takes the other variant with it.
    fx.call::<Value>("delete_variant", json!({"id": a.id}));
    let got: Prompt = fx.call("get_prompt", json!({"id": first.id}));
    assert_eq!(got.variants.iter().map(|v| v.id).collect::<Vec<_>>(), [b.id]);
    fx.call::<Value>("delete_prompt", json!({"id": first.id}));
    assert_eq!(list(&fx, "", ""), ["Limerick"]);
    let err = fx.invoke("get_prompt", json!({"id": first.id})).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("not in the library"), "{err}");
    let left: i64 = rusqlite::Connection::open(fx.dir.path().join("history.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM prompt_variants", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "the prompt's variants went with it");
}

#[test]
fn bad_input_comes_back_as_an_error_the_ui_can_show() {
    let fx = TestApp::with_history();
    let err = fx.invoke("save_prompt", json!({"prompt": prompt("  ", &[], "x")})).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("name is empty"), "{err}");
    let ragged = json!({"name": "Ragged", "user": "{{a}}", "inputs": {"columns": ["a", "b"], "rows": [["1"]]}});
    let err = fx.invoke("save_prompt", json!({"prompt": ragged})).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("row 1 of the test inputs has 1 cells for 2 columns"), "{err}");
    let err = fx
        .invoke("save_variant", json!({"variant": {"prompt_id": 42, "provider": "openai", "model": "gpt-4o"}}))
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("no prompt 42"), "{err}");
    assert!(fx.invoke("delete_prompt", json!({"id": 42})).is_err());
}
