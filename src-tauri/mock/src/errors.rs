//! Pre-stream error responses in each provider's real shape.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use serde_json::{json, Value};

use crate::wire::Proto;

#[derive(Clone, Debug)]
pub enum Fault {
    /// `retry_after_ms`: send `retry-after-ms` (OpenAI style) instead of `retry-after: 1`.
    RateLimited {
        retry_after_ms: Option<u64>,
    },
    ServerError,
    Overloaded,
    Auth,
    BadRequest(String),
    Quota,
    Html502,
    NotFound(String),
}

pub fn response(proto: Proto, fault: &Fault, seq: u64) -> Response<Body> {
    if let Fault::Html502 = fault {
        return html_502();
    }
    let (status, body) = match proto {
        Proto::OpenAi | Proto::OpenAiResponses => openai(fault),
        Proto::Anthropic => anthropic(fault, seq),
        Proto::Gemini { .. } => gemini(fault),
        Proto::Ollama => ollama(fault),
    };
    let mut resp = json_response(status, &body);
    if let Fault::RateLimited { retry_after_ms } = fault {
        let h = resp.headers_mut();
        match (proto, retry_after_ms) {
            // Gemini puts the wait in the body (RetryInfo), never in a header.
            (Proto::Gemini { .. }, _) => {}
            (_, Some(ms)) => {
                h.insert("retry-after-ms", HeaderValue::from(*ms));
            }
            (_, None) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
        }
        match proto {
            Proto::OpenAi | Proto::OpenAiResponses => {
                h.insert("x-ratelimit-limit-requests", HeaderValue::from_static("60"));
                h.insert(
                    "x-ratelimit-remaining-requests",
                    HeaderValue::from_static("0"),
                );
                h.insert("x-ratelimit-reset-requests", HeaderValue::from_static("1s"));
            }
            Proto::Anthropic => {
                h.insert(
                    "anthropic-ratelimit-requests-limit",
                    HeaderValue::from_static("50"),
                );
                h.insert(
                    "anthropic-ratelimit-requests-remaining",
                    HeaderValue::from_static("0"),
                );
            }
            Proto::Gemini { .. } | Proto::Ollama => {}
        }
    }
    resp
}

pub fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn html_502() -> Response<Body> {
    const PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
        <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let mut resp = Response::new(Body::from(PAGE));
    *resp.status_mut() = StatusCode::BAD_GATEWAY;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    resp
}

fn openai(fault: &Fault) -> (StatusCode, Value) {
    let (status, message, kind, code): (u16, String, &str, Value) = match fault {
        Fault::RateLimited { .. } => (
            429,
            "Rate limit reached for requests on mock. Limit: 60 / min. Please try again in 1s.".into(),
            "requests",
            json!("rate_limit_exceeded"),
        ),
        Fault::ServerError => (
            500,
            "The server had an error while processing your request. Sorry about that!".into(),
            "server_error",
            Value::Null,
        ),
        Fault::Overloaded => (
            503,
            "The engine is currently overloaded, please try again later.".into(),
            "server_error",
            Value::Null,
        ),
        Fault::Auth => (
            401,
            "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
                .into(),
            "invalid_request_error",
            json!("invalid_api_key"),
        ),
        Fault::BadRequest(m) => (400, m.clone(), "invalid_request_error", Value::Null),
        Fault::Quota => (
            429,
            "You exceeded your current quota, please check your plan and billing details.".into(),
            "insufficient_quota",
            json!("insufficient_quota"),
        ),
        Fault::NotFound(m) => (404, m.clone(), "invalid_request_error", json!("model_not_found")),
        Fault::Html502 => (502, String::new(), "", Value::Null),
    };
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    (status_code(status), body)
}

fn anthropic(fault: &Fault, seq: u64) -> (StatusCode, Value) {
    let (status, kind, message): (u16, &str, String) = match fault {
        Fault::RateLimited { .. } => (
            429,
            "rate_limit_error",
            "This request would exceed the rate limit for your organization of 50 requests per minute.".into(),
        ),
        Fault::ServerError => (500, "api_error", "Internal server error".into()),
        Fault::Overloaded => (529, "overloaded_error", "Overloaded".into()),
        Fault::Auth => (401, "authentication_error", "invalid x-api-key".into()),
        Fault::BadRequest(m) => (400, "invalid_request_error", m.clone()),
        // Anthropic has no quota 429: an empty balance is a 400.
        Fault::Quota => (
            400,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.".into(),
        ),
        Fault::NotFound(m) => (404, "not_found_error", m.clone()),
        Fault::Html502 => (502, "api_error", String::new()),
    };
    let body = json!({"type": "error", "error": {"type": kind, "message": message}, "request_id": format!("req_mock_{seq}")});
    (status_code(status), body)
}

fn gemini(fault: &Fault) -> (StatusCode, Value) {
    let (code, status, message, details): (u16, &str, String, Value) = match fault {
        Fault::RateLimited { retry_after_ms } => {
            let delay = match retry_after_ms {
                Some(ms) => format!("{}s", *ms as f64 / 1000.0),
                None => "1s".into(),
            };
            (
                429,
                "RESOURCE_EXHAUSTED",
                "Resource has been exhausted (e.g. check quota).".into(),
                json!([
                    {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                     "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                                     "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}
                ]),
            )
        }
        Fault::ServerError => (500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting".into(), Value::Null),
        Fault::Overloaded => (503, "UNAVAILABLE", "The model is overloaded. Please try again later.".into(), Value::Null),
        Fault::Auth => (401, "UNAUTHENTICATED", "API key not valid. Please pass a valid API key.".into(), Value::Null),
        Fault::BadRequest(m) => (400, "INVALID_ARGUMENT", m.clone(), Value::Null),
        Fault::Quota => (
            429,
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details.".into(),
            json!([{"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                                    "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}]),
        ),
        Fault::NotFound(m) => (404, "NOT_FOUND", m.clone(), Value::Null),
        Fault::Html502 => (502, "UNAVAILABLE", String::new(), Value::Null),
    };
    let mut err = json!({"code": code, "message": message, "status": status});
    if !details.is_null() {
        err["details"] = details;
    }
    (status_code(code), json!({"error": err}))
}

/// Ollama's errors are `{"error": "message"}` and nothing else. A local server has no rate
/// limits or quota: those are Ollama's cloud (`https://ollama.com`) answers.
fn ollama(fault: &Fault) -> (StatusCode, Value) {
    let (status, message): (u16, String) = match fault {
        Fault::RateLimited { .. } => (429, "too many requests, please try again later".into()),
        Fault::ServerError => (
            500,
            "llama runner process has terminated: exit status 2".into(),
        ),
        Fault::Overloaded => (
            503,
            "server busy, please try again.  maximum pending requests exceeded".into(),
        ),
        Fault::Auth => (401, "unauthorized".into()),
        Fault::BadRequest(m) => (400, m.clone()),
        Fault::Quota => (
            402,
            "you have reached your usage limit, upgrade for higher limits".into(),
        ),
        Fault::NotFound(m) => (404, m.clone()),
        Fault::Html502 => (502, String::new()),
    };
    (status_code(status), json!({ "error": message }))
}

/// The `not-found` scenario: each provider's answer to a model it does not have.
pub fn model_not_found(proto: Proto, model: &str) -> Fault {
    Fault::NotFound(match proto {
        Proto::OpenAi | Proto::OpenAiResponses => format!(
            "The model `{model}` does not exist or you do not have access to it."
        ),
        Proto::Anthropic => format!("model: {model}"),
        Proto::Gemini { .. } => format!(
            "models/{model} is not found for API version v1beta, or is not supported for generateContent."
        ),
        Proto::Ollama => format!("model \"{model}\" not found, try pulling it first"),
    })
}

fn status_code(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
