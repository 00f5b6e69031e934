//! The mapping report for every bundled preset: one request with every parameter set, mapped the
//! way the runner maps it. Each preset gets a URL under its own base, never an auth header, and a
//! report whose every entry says why.

use juxta_engine::catalog::{CapsTable, Presets};
use juxta_engine::request::{ChatRequest, Params, ReasoningEffort};
use juxta_engine::run::MappingAction;
use juxta_engine::Protocol;

fn request(model: &str) -> ChatRequest {
    let mut r = ChatRequest::new(model, "Compare HTTP/2 and HTTP/3.");
    r.system = Some("Be brief.".into());
    r.params = Params {
        temperature: Some(1.5),
        top_p: Some(0.9),
        max_output_tokens: Some(2000),
        stop: vec!["END".into()],
        seed: Some(7),
        reasoning_effort: Some(ReasoningEffort::Low),
        thinking_budget: None,
    };
    r
}

/// A representative model per preset.
fn model_for(id: &str) -> &'static str {
    match id {
        "openai" => "gpt-4o-mini",
        "anthropic" => "claude-sonnet-4-5",
        "gemini" => "gemini-2.5-flash",
        "deepseek" => "deepseek-chat",
        "mistral" => "mistral-small-latest",
        "qwen" => "qwen-plus",
        "openrouter" => "anthropic/claude-sonnet-4.5",
        "groq" => "llama-3.3-70b-versatile",
        "xai" => "grok-4",
        "together" => "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        _ => "some-local-model",
    }
}

#[test]
fn every_preset_maps_every_parameter_with_a_reason() {
    let caps = CapsTable::bundled();
    let presets = Presets::bundled();
    assert!(presets.all().len() >= 16);
    for p in presets.all() {
        let model = model_for(&p.id);
        let mapped = p.protocol.adapter().map_request(p, &caps.lookup(p.protocol, model), &request(model));
        let wire = &mapped.request;
        assert!(wire.url.starts_with(p.base_url.trim_end_matches('/')), "{}: {}", p.id, wire.url);
        for (name, _) in &wire.headers {
            let n = name.to_ascii_lowercase();
            assert!(!matches!(n.as_str(), "authorization" | "x-api-key" | "x-goog-api-key"), "{}: {name}", p.id);
        }
        for entry in &mapped.report.0 {
            assert!(!entry.reason.trim().is_empty(), "{}: {entry:?} has no reason", p.id);
        }
        let has = |param: &str, action: MappingAction| mapped.report.0.iter().any(|e| e.param == param && e.action == action);
        let body = &wire.body;
        match p.protocol {
            Protocol::Anthropic => {
                assert_eq!(body["system"], "Be brief.", "{}", p.id);
                assert!(has("system", MappingAction::Moved), "{}: {:?}", p.id, mapped.report);
                assert!(body.get("temperature").is_none_or(|t| t.as_f64().unwrap() <= 1.0), "{}", p.id);
                assert!(body.get("seed").is_none(), "{}: Anthropic takes no seed", p.id);
            }
            Protocol::Gemini => {
                assert!(body["systemInstruction"].is_object(), "{}", p.id);
                assert!(has("system", MappingAction::Moved), "{}: {:?}", p.id, mapped.report);
                assert_eq!(body["generationConfig"]["maxOutputTokens"], 2000);
            }
            Protocol::OpenAiResponses => {
                assert_eq!(body["instructions"], "Be brief.", "{}", p.id);
                assert!(has("system", MappingAction::Moved), "{}: {:?}", p.id, mapped.report);
                assert!(body.get("seed").is_none(), "{}: the Responses API takes no seed", p.id);
            }
            Protocol::OpenAiChat => {
                assert_eq!(body["model"], model, "{}", p.id);
                assert_eq!(body["stream"], true);
                assert_eq!(body["messages"][0]["content"], "Be brief.", "{}", p.id);
                // The token limit goes out under the name this server takes.
                assert!(body.get("max_tokens").is_some() || body.get("max_completion_tokens").is_some(), "{}: {body}", p.id);
            }
            Protocol::Ollama => {
                assert!(wire.url.ends_with("/api/chat"), "{}: {}", p.id, wire.url);
                assert_eq!(body["messages"][0], serde_json::json!({"role": "system", "content": "Be brief."}), "{}", p.id);
                assert_eq!(body["options"]["num_predict"], 2000, "{}", p.id);
                assert!(has("max_output_tokens", MappingAction::Renamed), "{}: {:?}", p.id, mapped.report);
                // a model that does not think is not sent `think` (Ollama would reject it)
                assert!(body.get("think").is_none(), "{}", p.id);
                assert!(has("reasoning_effort", MappingAction::Unsupported), "{}: {:?}", p.id, mapped.report);
            }
        }
    }
}

#[test]
fn the_tricky_families() {
    let caps = CapsTable::bundled();
    let presets = Presets::bundled();
    let map = |preset: &str, model: &str| {
        let p = presets.get(preset).unwrap();
        p.protocol.adapter().map_request(p, &caps.lookup(p.protocol, model), &request(model))
    };
    // OpenAI reasoning models: no temperature/top_p, max_completion_tokens.
    let o = map("openai", "o4-mini");
    assert!(o.request.body.get("temperature").is_none() && o.request.body.get("top_p").is_none());
    assert!(o.report.0.iter().any(|e| e.param == "temperature" && e.action == MappingAction::Dropped));
    assert_eq!(o.request.body["max_completion_tokens"], 2000);
    assert_eq!(o.request.body["reasoning_effort"], "low");
    // Claude 4.5: temperature clamped to 1.0 and top_p dropped beside it.
    let c = map("anthropic", "claude-sonnet-4-5");
    let b = &c.request.body;
    let thinking = b.get("thinking").is_some();
    if !thinking {
        assert_eq!(b["temperature"], 1.0);
        assert!(c.report.0.iter().any(|e| e.param == "temperature" && e.action == MappingAction::Clamped));
    }
    assert!(b.get("top_p").is_none());
    assert!(c.report.0.iter().any(|e| e.param == "top_p" && e.action == MappingAction::Dropped));
    // Anthropic always sends max_tokens; without one it is defaulted and reported.
    let p = presets.get("anthropic").unwrap();
    let bare = ChatRequest::new("claude-haiku-4-5", "hi");
    let m = p.protocol.adapter().map_request(p, &caps.lookup(p.protocol, "claude-haiku-4-5"), &bare);
    assert!(m.request.body["max_tokens"].as_u64().unwrap() > 0);
    assert!(m.report.0.iter().any(|e| e.action == MappingAction::Defaulted));
    // Gemini: system moved, thinking by budget on 2.5 and by level on 3.
    let g25 = map("gemini", "gemini-2.5-flash");
    assert!(g25.request.body["generationConfig"]["thinkingConfig"]["thinkingBudget"].is_number(), "{}", g25.request.body);
    let g3 = map("gemini", "gemini-3-pro-preview");
    assert!(g3.request.body["generationConfig"]["thinkingConfig"]["thinkingLevel"].is_string(), "{}", g3.request.body);
    // Mistral: seed is random_seed.
    let mi = map("mistral", "mistral-small-latest");
    assert_eq!(mi.request.body["random_seed"], 7);
}
