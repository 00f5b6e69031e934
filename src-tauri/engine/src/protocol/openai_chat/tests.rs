//! Tests of the OpenAI Chat adapter: recorded fixtures, hand-written quirk streams, request
//! mapping, model lists, and split-invariance properties.

mod decode_fixtures;
mod decode_quirks;
mod fast_path;
mod mapping;
mod models;
mod props;

use crate::event::{Finish, StreamEvent, ToolCall, Usage};
use crate::protocol::{decode_all, Decoder, Protocol};

use super::ChatDecoder;

/// Decode `body` fed in the given pieces.
fn decode_pieces(pieces: &[&[u8]]) -> Vec<StreamEvent> {
    let mut d = ChatDecoder::new();
    let mut out = Vec::new();
    for p in pieces {
        d.feed(p, &mut out);
    }
    d.finish(&mut out);
    out
}

fn decode(body: &str) -> Vec<StreamEvent> {
    decode_all(Protocol::OpenAiChat, body.as_bytes())
}

/// What a stream added up to.
#[derive(Debug, Default, PartialEq)]
struct Summary {
    text: String,
    reasoning: String,
    calls: Vec<ToolCall>,
    usage: Option<Usage>,
    finish: Option<Finish>,
    error: Option<crate::error::ProviderError>,
    terminals: usize,
    deltas: usize,
}

fn summarize(events: &[StreamEvent]) -> Summary {
    let mut s = Summary::default();
    for (i, e) in events.iter().enumerate() {
        match e {
            StreamEvent::Text { text } => s.text.push_str(text),
            StreamEvent::Reasoning { text } => s.reasoning.push_str(text),
            StreamEvent::ToolCallDelta { .. } => s.deltas += 1,
            StreamEvent::ToolCall { call } => s.calls.push(call.clone()),
            StreamEvent::Usage { usage } => s.usage = Some(*usage),
            StreamEvent::Finish { finish } => {
                s.finish = Some(finish.clone());
                s.terminals += 1;
            }
            StreamEvent::Error { error } => {
                s.error = Some(error.clone());
                s.terminals += 1;
            }
        }
        let terminal = matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error { .. });
        assert!(
            !terminal || i == events.len() - 1,
            "the terminal event is the last one: {events:?}"
        );
    }
    assert_eq!(s.terminals, 1, "exactly one terminal event: {events:?}");
    s
}

/// `data: {json}\n\n` for each chunk, then `data: [DONE]`.
fn sse(chunks: &[&str], done: bool) -> String {
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    if done {
        body.push_str("data: [DONE]\n\n");
    }
    body
}
