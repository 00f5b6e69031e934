//! Request mapping: what each provider and model family receives, and the report of changes.

use serde_json::{json, Value};

use crate::catalog::{CapsTable, Endpoint, Presets};
use crate::protocol::openai_chat::OpenAiChat;
use crate::protocol::{Adapter, Mapped, Protocol};
use crate::request::{
    ChatRequest, Message, Params, ReasoningEffort, ResponseFormat, ToolCallRequest, ToolChoice,
    ToolSpec,
};
use crate::run::mapping::MappingAction;

fn preset(id: &str) -> Endpoint {
    Presets::bundled()
        .get(id)
        .unwrap_or_else(|| panic!("preset {id}"))
        .clone()
}

fn map(provider: &str, req: &ChatRequest) -> Mapped {
    let caps = CapsTable::bundled().lookup(Protocol::OpenAiChat, &req.model);
    OpenAiChat.map_request(&preset(provider), &caps, req)
}

fn with_params(model: &str, params: Params) -> ChatRequest {
    ChatRequest {
        system: Some("Be brief.".into()),
        params,
        ..ChatRequest::new(model, "Hi")
    }
}

fn all_params() -> Params {
    Params {
        temperature: Some(0.7),
        top_p: Some(0.9),
        max_output_tokens: Some(500),
        stop: vec!["END".into()],
        seed: Some(42),
        reasoning_effort: Some(ReasoningEffort::High),
        thinking_budget: None,
    }
}

fn actions(m: &Mapped, param: &str) -> Vec<MappingAction> {
    m.report.about(param).map(|e| e.action).collect()
}

#[test]
fn gpt_4o_on_openai() {
    let params = Params {
        temperature: Some(3.5),
        stop: (1..=6).map(|i| format!("s{i}")).collect(),
        ..all_params()
    };
    let m = map("openai", &with_params("gpt-4o", params));
    let b = &m.request.body;
    assert_eq!(m.request.url, "https://api.openai.com/v1/chat/completions");
    assert_eq!(b["model"], "gpt-4o");
    assert_eq!(
        b["messages"],
        json!([{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}])
    );
    assert_eq!(
        (b["stream"].clone(), b["stream_options"].clone()),
        (json!(true), json!({"include_usage": true}))
    );
    assert_eq!(b["temperature"], 2.0);
    assert_eq!(actions(&m, "temperature"), [MappingAction::Clamped]);
    assert_eq!(b["top_p"], 0.9);
    assert_eq!(b["max_completion_tokens"], 500);
    assert!(b.get("max_tokens").is_none());
    assert_eq!(b["stop"], json!(["s1", "s2", "s3", "s4"]));
    assert_eq!(actions(&m, "stop"), [MappingAction::Clamped]);
    assert_eq!(b["seed"], 42);
    // gpt-4o has no reasoning control: dropped, with a reason
    assert!(b.get("reasoning_effort").is_none());
    let e = m.report.about("reasoning_effort").next().unwrap();
    assert_eq!(
        (e.action, e.from.clone()),
        (MappingAction::Dropped, Some(json!("high")))
    );
    assert!(e.reason.contains("gpt-4o"));
    let names: Vec<&str> = m.request.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["content-type", "accept"]);
    assert!(m
        .request
        .headers
        .contains(&("accept".into(), "text/event-stream".into())));
}

#[test]
fn reasoning_models_o3_and_gpt_5() {
    for model in ["o3", "gpt-5-mini"] {
        let m = map("openai", &with_params(model, all_params()));
        let b = &m.request.body;
        assert_eq!(
            b["messages"][0],
            json!({"role":"developer","content":"Be brief."}),
            "{model}"
        );
        assert_eq!(actions(&m, "system"), [MappingAction::Renamed]);
        for p in ["temperature", "top_p", "stop"] {
            assert!(b.get(p).is_none(), "{model}: {p} sent");
            assert_eq!(actions(&m, p), [MappingAction::Dropped], "{model}: {p}");
        }
        assert_eq!(b["max_completion_tokens"], 500);
        let e = m.report.about("max_output_tokens").next().unwrap();
        assert_eq!(
            (e.action, e.to.clone()),
            (MappingAction::Renamed, Some(json!("max_completion_tokens")))
        );
        assert_eq!(b["reasoning_effort"], "high");
    }
    // a reasoning model behind a max_tokens server still gets max_completion_tokens
    let m = map("openrouter", &with_params("openai/o4-mini", all_params()));
    assert_eq!(m.request.body["max_completion_tokens"], 500);
    assert!(m.request.body.get("max_tokens").is_none());
}

#[test]
fn o1_mini_gets_the_system_prompt_in_the_first_user_message() {
    let mut req = with_params("o1-mini", Params::default());
    req.messages = vec![
        Message::user("First"),
        Message::assistant("A"),
        Message::user("Second"),
    ];
    let m = map("openai", &req);
    let msgs = m.request.body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3);
    assert_eq!(
        msgs[0],
        json!({"role":"user","content":"Be brief.\n\nFirst"})
    );
    assert_eq!(msgs[2]["content"], "Second");
    let e = m.report.about("system").next().unwrap();
    assert_eq!(
        (e.action, e.to.clone()),
        (MappingAction::Moved, Some(json!("messages[0].content")))
    );
}

#[test]
fn deepseek_reasoner_and_chat() {
    let m = map("deepseek", &with_params("deepseek-reasoner", all_params()));
    let b = &m.request.body;
    assert_eq!(m.request.url, "https://api.deepseek.com/chat/completions");
    assert_eq!(b["max_tokens"], 500);
    assert_eq!(b["messages"][0]["role"], "system");
    for p in ["temperature", "top_p", "reasoning_effort"] {
        assert!(b.get(p).is_none(), "{p}");
        assert_eq!(actions(&m, p), [MappingAction::Dropped], "{p}");
    }
    assert_eq!(b["stop"], json!(["END"]));
    let m = map("deepseek", &with_params("deepseek-chat", all_params()));
    assert_eq!(
        (
            m.request.body["temperature"].clone(),
            m.request.body["top_p"].clone()
        ),
        (json!(0.7), json!(0.9))
    );
}

#[test]
fn mistral_seed_is_random_seed_and_no_stream_options() {
    let m = map(
        "mistral",
        &with_params("mistral-small-latest", all_params()),
    );
    let b = &m.request.body;
    assert_eq!(b["random_seed"], 42);
    assert!(b.get("seed").is_none() && b.get("stream_options").is_none());
    let e = m.report.about("seed").next().unwrap();
    assert_eq!(
        (e.action, e.to.clone()),
        (MappingAction::Renamed, Some(json!("random_seed")))
    );
    assert_eq!(b["max_tokens"], 500);
    // a server without seed and no rename drops it
    let mut ep = preset("together");
    ep.quirks.seed = false;
    let req = with_params("meta-llama/Llama-3.3-70B", all_params());
    let caps = CapsTable::bundled().lookup(Protocol::OpenAiChat, &req.model);
    let m = OpenAiChat.map_request(&ep, &caps, &req);
    assert!(m.request.body.get("seed").is_none());
    assert_eq!(actions(&m, "seed"), [MappingAction::Dropped]);
}

#[test]
fn qwen_enable_thinking_with_a_budget() {
    let m = map("qwen", &with_params("qwen-plus", all_params()));
    let b = &m.request.body;
    assert_eq!(b["enable_thinking"], true);
    assert_eq!(b["thinking_budget"], ReasoningEffort::High.default_budget());
    assert!(b.get("reasoning_effort").is_none());
    assert_eq!(actions(&m, "reasoning_effort"), [MappingAction::Renamed]);
    assert_eq!(actions(&m, "thinking_budget"), [MappingAction::Defaulted]);
    // an explicit budget is sent as given
    let params = Params {
        thinking_budget: Some(1234),
        ..all_params()
    };
    assert_eq!(
        map("qwen", &with_params("qwen-plus", params)).request.body["thinking_budget"],
        1234
    );
}

#[test]
fn openrouter_reasoning_object_and_headers() {
    let m = map(
        "openrouter",
        &with_params("anthropic/claude-sonnet-4.5", all_params()),
    );
    let b = &m.request.body;
    assert_eq!(b["reasoning"], json!({"effort": "high"}));
    assert!(b.get("reasoning_effort").is_none());
    assert_eq!(actions(&m, "reasoning_effort"), [MappingAction::Moved]);
    // Claude 4.5 rejects temperature with top_p: top_p goes
    assert_eq!(b["temperature"], 0.7);
    assert!(b.get("top_p").is_none());
    assert_eq!(actions(&m, "top_p"), [MappingAction::Dropped]);
    assert!(m
        .request
        .headers
        .contains(&("X-Title".into(), "Juxta".into())));
    let params = Params {
        reasoning_effort: None,
        thinking_budget: Some(2000),
        ..all_params()
    };
    let m = map(
        "openrouter",
        &with_params("anthropic/claude-sonnet-4.5", params),
    );
    assert_eq!(m.request.body["reasoning"], json!({"max_tokens": 2000}));
}

#[test]
fn budget_without_a_budget_field_is_dropped_with_a_reason() {
    let params = Params {
        reasoning_effort: None,
        thinking_budget: Some(1000),
        ..Params::default()
    };
    let m = map("openai", &with_params("o3", params));
    assert!(m.request.body.get("thinking_budget").is_none());
    assert_eq!(actions(&m, "thinking_budget"), [MappingAction::Dropped]);
}

#[test]
fn tools_tool_choice_and_response_format() {
    let mut req = ChatRequest::new("gpt-4o-mini", "Weather?");
    req.tools = vec![
        ToolSpec {
            name: "weather".into(),
            description: "Get weather".into(),
            parameters: json!({"type":"object","properties":{"city":{"type":"string"}}}),
        },
        ToolSpec {
            name: "noop".into(),
            description: String::new(),
            parameters: json!({"type":"object"}),
        },
    ];
    req.tool_choice = Some(ToolChoice::Tool("weather".into()));
    req.response_format = Some(ResponseFormat {
        name: "answer".into(),
        schema: json!({"type":"object"}),
        strict: true,
    });
    let b = map("openai", &req).request.body;
    assert_eq!(
        b["tools"][0],
        json!({"type":"function","function":{"name":"weather","description":"Get weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}})
    );
    assert!(b["tools"][1]["function"].get("description").is_none());
    assert_eq!(
        b["tool_choice"],
        json!({"type":"function","function":{"name":"weather"}})
    );
    assert_eq!(
        b["response_format"],
        json!({"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}})
    );
    for (c, want) in [
        (ToolChoice::Auto, json!("auto")),
        (ToolChoice::None, json!("none")),
        (ToolChoice::Required, json!("required")),
    ] {
        req.tool_choice = Some(c);
        assert_eq!(map("openai", &req).request.body["tool_choice"], want);
    }
    // tool_choice without tools is dropped
    req.tools.clear();
    let m = map("openai", &req);
    assert!(m.request.body.get("tool_choice").is_none() && m.request.body.get("tools").is_none());
    assert_eq!(actions(&m, "tool_choice"), [MappingAction::Dropped]);
}

#[test]
fn multi_turn_with_tool_calls_and_results() {
    let mut req = ChatRequest::new("gpt-4o", "Weather in Paris?");
    req.messages.push(Message::Assistant {
        content: String::new(),
        tool_calls: vec![ToolCallRequest {
            id: "call_1".into(),
            name: "weather".into(),
            arguments: json!({"city":"Paris"}),
        }],
        provider_state: Some(json!({"sig":"abc"})),
    });
    req.messages.push(Message::Tool {
        call_id: "call_1".into(),
        name: "weather".into(),
        content: "18C".into(),
    });
    req.messages.push(Message::assistant("It is 18C."));
    req.messages.push(Message::user("Thanks"));
    let m = map("openai", &req);
    let msgs = &m.request.body["messages"];
    assert_eq!(
        msgs[1],
        json!({"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]})
    );
    let args: Value = serde_json::from_str(
        msgs[1]["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(args, json!({"city":"Paris"}));
    assert_eq!(
        msgs[2],
        json!({"role":"tool","tool_call_id":"call_1","content":"18C"})
    );
    assert_eq!(msgs[3], json!({"role":"assistant","content":"It is 18C."}));
    assert_eq!(msgs[4], json!({"role":"user","content":"Thanks"}));
    assert_eq!(actions(&m, "provider_state"), [MappingAction::Dropped]);
}

#[test]
fn never_an_auth_header_even_from_a_preset() {
    let mut ep = preset("litellm");
    ep.extra_headers
        .insert("Authorization".into(), "Bearer sk-secret-value".into());
    ep.extra_headers.insert("X-Team".into(), "blue".into());
    let req = ChatRequest::new("gpt-4o", "hi");
    let caps = CapsTable::bundled().lookup(Protocol::OpenAiChat, "gpt-4o");
    let m = OpenAiChat.map_request(&ep, &caps, &req);
    assert!(m
        .request
        .headers
        .iter()
        .all(|(k, _)| !k.eq_ignore_ascii_case("authorization")));
    assert!(m
        .request
        .headers
        .contains(&("X-Team".into(), "blue".into())));
    let report = serde_json::to_string(&m.report).unwrap();
    assert!(!report.contains("sk-secret-value"), "{report}");
    assert_eq!(actions(&m, "extra_headers"), [MappingAction::Dropped]);
    for provider in [
        "openai",
        "deepseek",
        "mistral",
        "qwen",
        "openrouter",
        "groq",
        "ollama",
        "vllm",
    ] {
        let m = map(provider, &req);
        assert!(m
            .request
            .headers
            .iter()
            .all(|(k, _)| !k.eq_ignore_ascii_case("authorization")
                && !k.eq_ignore_ascii_case("x-api-key")));
    }
}

#[test]
fn max_tokens_clamped_to_the_model_ceiling_and_reported() {
    let req = with_params(
        "anthropic/claude-3-5-haiku",
        Params {
            max_output_tokens: Some(100_000),
            ..Params::default()
        },
    );
    let m = map("openrouter", &req);
    assert_eq!(m.request.body["max_tokens"], 8192);
    assert_eq!(
        actions(&m, "max_output_tokens"),
        [MappingAction::Clamped, MappingAction::Renamed]
    );
}

#[test]
fn unreported_changes_do_not_exist() {
    // A plain request to a plain model is sent as asked: nothing to report.
    let req = with_params(
        "gpt-4o",
        Params {
            temperature: Some(1.0),
            ..Params::default()
        },
    );
    assert!(map("openai", &req).report.is_empty());
}
