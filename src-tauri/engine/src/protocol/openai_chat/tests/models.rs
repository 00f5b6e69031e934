//! Model lists: OpenAI pagination, OpenRouter, Together, Ollama and LM Studio shapes.

use crate::catalog::{Endpoint, Presets};
use crate::error::ErrorKind;
use crate::protocol::openai_chat::OpenAiChat;
use crate::protocol::{Adapter, ModelInfo};

fn preset(id: &str) -> Endpoint {
    Presets::bundled().get(id).unwrap().clone()
}

#[test]
fn models_url_with_and_without_a_cursor() {
    assert_eq!(
        OpenAiChat.models_url(&preset("openai"), None),
        "https://api.openai.com/v1/models"
    );
    assert_eq!(
        OpenAiChat.models_url(&preset("openai"), Some("gpt 4/o&x")),
        "https://api.openai.com/v1/models?after=gpt+4%2Fo%26x"
    );
    let mut ep = preset("ollama");
    ep.quirks.models_path = "/models?limit=5".into();
    assert_eq!(
        OpenAiChat.models_url(&ep, Some("m")),
        "http://127.0.0.1:11434/v1/models?limit=5&after=m"
    );
}

#[test]
fn openai_page_with_pagination() {
    let body = br#"{"object":"list","data":[{"id":"gpt-4o","object":"model","owned_by":"system"},{"id":"o3","owned_by":"system"}],"has_more":true,"last_id":"o3"}"#;
    let page = OpenAiChat.parse_models(body).unwrap();
    assert_eq!(
        page.models
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["gpt-4o", "o3"]
    );
    assert_eq!(page.next.as_deref(), Some("o3"));
    let last = br#"{"data":[{"id":"a"}],"has_more":false}"#;
    assert_eq!(OpenAiChat.parse_models(last).unwrap().next, None);
    // has_more without last_id: the last id is the cursor
    let body = br#"{"data":[{"id":"a"},{"id":"b"}],"has_more":true}"#;
    assert_eq!(
        OpenAiChat.parse_models(body).unwrap().next.as_deref(),
        Some("b")
    );
}

#[test]
fn openrouter_names_and_context_lengths() {
    let body = br#"{"data":[{"id":"anthropic/claude-sonnet-4.5","name":"Anthropic: Claude Sonnet 4.5","context_length":1000000,"pricing":{"prompt":"0.000003"}}]}"#;
    let page = OpenAiChat.parse_models(body).unwrap();
    assert_eq!(
        page.models,
        vec![ModelInfo {
            id: "anthropic/claude-sonnet-4.5".into(),
            display_name: Some("Anthropic: Claude Sonnet 4.5".into()),
            context_length: Some(1_000_000)
        }]
    );
    assert_eq!(page.next, None);
}

#[test]
fn together_bare_array_ollama_tags_and_lm_studio() {
    let together = br#"[{"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","display_name":"Llama 3.3 70B","context_length":131072,"type":"chat"}]"#;
    let m = &OpenAiChat.parse_models(together).unwrap().models[0];
    assert_eq!(
        (m.display_name.as_deref(), m.context_length),
        (Some("Llama 3.3 70B"), Some(131072))
    );

    let ollama = br#"{"models":[{"name":"llama3.2:3b","model":"llama3.2:3b","size":2019393189}]}"#;
    let m = &OpenAiChat.parse_models(ollama).unwrap().models[0];
    assert_eq!(
        (m.id.as_str(), m.display_name.as_deref()),
        ("llama3.2:3b", None)
    );

    let lmstudio = br#"{"object":"list","data":[{"id":"qwen2.5-7b-instruct","object":"model","max_context_length":32768}]}"#;
    assert_eq!(
        OpenAiChat.parse_models(lmstudio).unwrap().models[0].context_length,
        Some(32768)
    );

    let vllm = br#"{"object":"list","data":[{"id":"Qwen/Qwen3-8B","max_model_len":40960}]}"#;
    assert_eq!(
        OpenAiChat.parse_models(vllm).unwrap().models[0].context_length,
        Some(40960)
    );
}

#[test]
fn bad_model_lists_are_errors_not_panics() {
    let e = OpenAiChat
        .parse_models(b"<!DOCTYPE html><html><body>login</body></html>")
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Malformed);
    assert!(e.message.contains("HTML page"), "{}", e.message);
    assert_eq!(
        OpenAiChat
            .parse_models(br#"{"object":"list"}"#)
            .unwrap_err()
            .kind,
        ErrorKind::Malformed
    );
    let e = OpenAiChat
        .parse_models(br#"{"error":{"message":"bad key","code":"invalid_api_key"}}"#)
        .unwrap_err();
    assert_eq!(e.message, "bad key");
    // entries without an id are skipped
    assert!(OpenAiChat
        .parse_models(br#"{"data":[{"owned_by":"x"},42]}"#)
        .unwrap()
        .models
        .is_empty());
}
