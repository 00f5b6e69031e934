//! Neutral stream events and one encoder per wire protocol.
//!
//! A scenario is a list of [`Ev`]; an [`Encoder`] turns each event into the provider's exact bytes.
//! Encoders write straight into a shared buffer with hand-rolled JSON so that a 100,000-event
//! stream costs no per-event `serde_json::Value`.

mod anthropic;
mod gemini;
mod ollama;
mod openai;
mod responses;

use std::borrow::Cow;
use std::time::Duration;

use bytes::{BufMut, BytesMut};

pub use anthropic::Anthropic;
pub use gemini::Gemini;
pub use ollama::Ollama;
pub use openai::OpenAi;
pub use responses::Responses;

/// The wire protocol a request arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Proto {
    OpenAi,
    /// OpenAI's Responses API (`POST .../responses`).
    OpenAiResponses,
    Anthropic,
    /// `sse`: `?alt=sse` (CRLF-framed SSE); otherwise one JSON array streamed incrementally.
    Gemini {
        sse: bool,
    },
    /// Ollama's native `/api/chat` (NDJSON).
    Ollama,
}

impl Proto {
    /// Same key for both Gemini framings: they are one provider.
    pub fn tag(self) -> &'static str {
        match self {
            Proto::OpenAi => "openai",
            Proto::OpenAiResponses => "openai-responses",
            Proto::Anthropic => "anthropic",
            Proto::Gemini { .. } => "gemini",
            Proto::Ollama => "ollama",
        }
    }
}

/// One step of a scripted stream.
#[derive(Debug)]
pub enum Ev {
    /// The protocol's opening event (role chunk, message_start); nothing for Gemini and Ollama.
    Start,
    Text(Cow<'static, str>),
    Reasoning(Cow<'static, str>),
    Tool(ToolCall),
    /// Terminal events: finish reason, usage, `[DONE]` / `message_stop` / last chunk.
    Finish(Finish),
    /// The protocol's in-stream error.
    StreamError,
    /// An event whose data is not valid JSON.
    Malformed,
    /// An SSE comment (`: keep-alive`).
    Comment,
    Sleep(Duration),
    /// Nothing for `total` (None = forever), with a comment every `keepalive`.
    Stall {
        total: Option<Duration>,
        keepalive: Option<Duration>,
    },
    /// Close the connection without a terminal event.
    Abort,
}

impl Ev {
    /// Events that count as generated tokens (paced by `rate`).
    pub fn is_content(&self) -> bool {
        matches!(self, Ev::Text(_) | Ev::Reasoning(_) | Ev::Tool(_))
    }
}

#[derive(Clone, Debug)]
pub struct ToolCall {
    pub index: usize,
    pub id_suffix: String,
    pub name: &'static str,
    /// The whole arguments object (Gemini sends it whole).
    pub args: serde_json::Value,
    /// The arguments JSON text split as OpenAI/Anthropic stream it; concatenated = `args`.
    pub fragments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FinishReason {
    Stop,
    Length,
    StopSequence(String),
    ToolUse,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Usage {
    pub input: u64,
    /// All generated tokens, reasoning included.
    pub output: u64,
    pub reasoning: u64,
}

#[derive(Clone, Debug)]
pub struct Finish {
    pub reason: FinishReason,
    pub usage: Usage,
}

/// Per-stream facts every encoder needs.
#[derive(Clone, Debug)]
pub struct StreamInfo {
    /// The model name the stream reports.
    pub model: String,
    /// Unique per request (`chatcmpl-mock-7`, `msg_mock_7`, ...).
    pub seq: u64,
    pub created: u64,
    pub input_tokens: u64,
    /// OpenAI `stream_options.include_usage`.
    pub include_usage: bool,
}

pub trait Encoder: Send {
    fn event(&mut self, ev: &Ev, out: &mut BytesMut);
    /// Called once when the script ends normally (not after an abort).
    fn end(&mut self, _out: &mut BytesMut) {}
}

pub fn encoder(proto: Proto, info: StreamInfo) -> Box<dyn Encoder> {
    match proto {
        Proto::OpenAi => Box::new(OpenAi::new(info)),
        Proto::OpenAiResponses => Box::new(Responses::new(info)),
        Proto::Anthropic => Box::new(Anthropic::new(info)),
        Proto::Gemini { sse } => Box::new(Gemini::new(info, sse)),
        Proto::Ollama => Box::new(Ollama::new(info)),
    }
}

/// Write `s` as a JSON string literal (quotes included).
pub fn push_json_str(out: &mut BytesMut, s: &str) {
    out.put_u8(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.put_slice(&bytes[start..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.put_slice(b"\\u00");
                out.put_u8(HEX[(b >> 4) as usize]);
                out.put_u8(HEX[(b & 0xf) as usize]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.put_slice(&bytes[start..i]);
        out.put_slice(esc);
        start = i + 1;
    }
    out.put_slice(&bytes[start..]);
    out.put_u8(b'"');
}

/// Write a JSON string literal into a fresh Vec (for prefixes built once per stream).
pub fn json_str(s: &str) -> String {
    let mut b = BytesMut::new();
    push_json_str(&mut b, s);
    String::from_utf8_lossy(&b).into_owned()
}

pub fn push_u64(out: &mut BytesMut, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put_slice(&buf[i..]);
}

pub fn push_value(out: &mut BytesMut, v: &serde_json::Value) {
    // Serialising a Value into memory cannot fail.
    let _ = serde_json::to_writer(out.writer(), v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escaping_round_trips() {
        for s in [
            "plain",
            "q\"uote\\slash",
            "nl\n\r\ttab",
            "\u{1}\u{1f}ctl",
            "üñí ✓ 😀",
            "",
        ] {
            let lit = json_str(s);
            let back: String = serde_json::from_str(&lit).expect("valid JSON string");
            assert_eq!(back, s);
        }
    }

    #[test]
    fn numbers() {
        for n in [0u64, 7, 10, 12345, u64::MAX] {
            let mut b = BytesMut::new();
            push_u64(&mut b, n);
            assert_eq!(&b[..], n.to_string().as_bytes());
        }
    }
}
