//! OpenAI Chat Completions, spoken by OpenAI and every OpenAI-compatible server (DeepSeek,
//! Mistral, Qwen/DashScope, OpenRouter, Groq, xAI, Together, TokenMix, Ollama `/v1`, LM Studio,
//! vLLM, LiteLLM, custom). What differs between them is data ([`crate::catalog::Quirks`]) for
//! requests, and tolerated shapes in the decoder for responses.

mod decode;
mod fast;
mod map;
mod models;
mod wire;

pub use decode::{normalise_reason, ChatDecoder};
pub(crate) use map::{preset_headers, tool_choice_label, tool_json};
pub use map::MAX_STOP_SEQUENCES;

use super::*;
use crate::protocol::errors::parse_error_body;

pub struct OpenAiChat;

impl Adapter for OpenAiChat {
    fn protocol(&self) -> Protocol {
        Protocol::OpenAiChat
    }
    fn map_request(&self, endpoint: &Endpoint, caps: &ModelCaps, req: &ChatRequest) -> Mapped {
        map::map_request(endpoint, caps, req)
    }
    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(ChatDecoder::new())
    }
    fn parse_error(&self, status: u16, body: &[u8]) -> ProviderError {
        parse_error_body(status, body)
    }
    fn models_url(&self, endpoint: &Endpoint, cursor: Option<&str>) -> String {
        models::models_url(endpoint, cursor)
    }
    fn parse_models(&self, body: &[u8]) -> Result<ModelsPage, ProviderError> {
        models::parse_models(body)
    }
}

#[cfg(test)]
mod tests;
