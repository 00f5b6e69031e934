//! (stub: being written)
use super::*;
use crate::protocol::errors::parse_error_body;

pub struct Gemini;

impl Adapter for Gemini {
    fn protocol(&self) -> Protocol {
        Protocol::Gemini
    }
    fn map_request(&self, _endpoint: &Endpoint, _caps: &ModelCaps, _req: &ChatRequest) -> Mapped {
        unimplemented!()
    }
    fn decoder(&self) -> Box<dyn Decoder> {
        unimplemented!()
    }
    fn parse_error(&self, status: u16, body: &[u8]) -> ProviderError {
        parse_error_body(status, body)
    }
    fn models_url(&self, endpoint: &Endpoint, _cursor: Option<&str>) -> String {
        endpoint.url("/models")
    }
    fn parse_models(&self, _body: &[u8]) -> Result<ModelsPage, ProviderError> {
        unimplemented!()
    }
}
