//! Gemini `streamGenerateContent` chunks.
//!
//! With `alt=sse`: `data: {chunk}\r\n\r\n`, no terminal marker. Without: one JSON array streamed
//! incrementally (`[{..}` then `\n,\r\n{..}` ... then `\n]`), as the real API does.
//! Every chunk carries a cumulative `usageMetadata` snapshot and `modelVersion`.

use bytes::{BufMut, BytesMut};

use super::{
    json_str, push_json_str, push_u64, push_value, Encoder, Ev, FinishReason, StreamInfo, Usage,
};

pub struct Gemini {
    info: StreamInfo,
    sse: bool,
    /// Array framing: whether the opening `[` went out.
    opened: bool,
    /// Running counts for the per-chunk usage snapshot.
    text_tokens: u64,
    thought_tokens: u64,
    /// `,"modelVersion":"..","responseId":".."}`
    tail: Vec<u8>,
}

impl Gemini {
    pub fn new(info: StreamInfo, sse: bool) -> Self {
        let tail = format!(
            ",\"modelVersion\":{},\"responseId\":\"mock-{}\"}}",
            json_str(&info.model),
            info.seq
        )
        .into_bytes();
        Gemini {
            info,
            sse,
            opened: false,
            text_tokens: 0,
            thought_tokens: 0,
            tail,
        }
    }

    fn open_chunk(&mut self, out: &mut BytesMut) {
        if self.sse {
            out.put_slice(b"data: ");
        } else if self.opened {
            out.put_slice(b"\n,\r\n");
        } else {
            out.put_u8(b'[');
            self.opened = true;
        }
    }

    fn close_chunk(&self, out: &mut BytesMut) {
        if self.sse {
            out.put_slice(b"\r\n\r\n");
        }
    }

    /// One chunk with one candidate whose parts are written by `parts`.
    fn candidate(
        &mut self,
        out: &mut BytesMut,
        parts: impl FnOnce(&mut BytesMut),
        finish: Option<&str>,
        usage: Usage,
    ) {
        self.open_chunk(out);
        out.put_slice(b"{\"candidates\":[{\"content\":{\"parts\":[");
        parts(out);
        out.put_slice(b"],\"role\":\"model\"}");
        if let Some(f) = finish {
            out.put_slice(b",\"finishReason\":\"");
            out.put_slice(f.as_bytes());
            out.put_u8(b'"');
        }
        out.put_slice(b",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":");
        push_u64(out, usage.input);
        let answer = usage.output - usage.reasoning.min(usage.output);
        out.put_slice(b",\"candidatesTokenCount\":");
        push_u64(out, answer);
        out.put_slice(b",\"totalTokenCount\":");
        push_u64(out, usage.input + usage.output);
        if usage.reasoning > 0 {
            out.put_slice(b",\"thoughtsTokenCount\":");
            push_u64(out, usage.reasoning);
        }
        out.put_u8(b'}');
        out.put_slice(&self.tail);
        self.close_chunk(out);
    }

    fn running_usage(&self) -> Usage {
        Usage {
            input: self.info.input_tokens,
            output: self.text_tokens + self.thought_tokens,
            reasoning: self.thought_tokens,
        }
    }

    fn text_part(&mut self, out: &mut BytesMut, text: &str, thought: bool) {
        if thought {
            self.thought_tokens += 1;
        } else {
            self.text_tokens += 1;
        }
        let usage = self.running_usage();
        self.candidate(
            out,
            |o| {
                o.put_slice(b"{\"text\":");
                push_json_str(o, text);
                if thought {
                    o.put_slice(b",\"thought\":true");
                }
                o.put_u8(b'}');
            },
            None,
            usage,
        );
    }

    /// A raw chunk body (errors, malformed data), framed like the others.
    fn raw_chunk(&mut self, out: &mut BytesMut, body: &[u8]) {
        self.open_chunk(out);
        out.put_slice(body);
        self.close_chunk(out);
    }
}

impl Encoder for Gemini {
    fn event(&mut self, ev: &Ev, out: &mut BytesMut) {
        match ev {
            Ev::Start => {}
            Ev::Text(t) => self.text_part(out, t, false),
            Ev::Reasoning(t) => self.text_part(out, t, true),
            Ev::Tool(call) => {
                let usage = self.running_usage();
                self.candidate(
                    out,
                    |o| {
                        o.put_slice(b"{\"functionCall\":{\"name\":");
                        push_json_str(o, call.name);
                        o.put_slice(b",\"args\":");
                        push_value(o, &call.args);
                        o.put_slice(b"}}");
                    },
                    None,
                    usage,
                );
            }
            Ev::Finish(f) => {
                // Gemini reports STOP for tool calls and stop sequences alike.
                let reason = if f.reason == FinishReason::Length { "MAX_TOKENS" } else { "STOP" };
                self.candidate(out, |o| o.put_slice(b"{\"text\":\"\"}"), Some(reason), f.usage);
            }
            Ev::StreamError => self.raw_chunk(
                out,
                b"{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}",
            ),
            Ev::Malformed => self.raw_chunk(out, b"{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"unterminated"),
            // JSON-array framing has no comments; a keep-alive there would corrupt the array.
            Ev::Comment if self.sse => out.put_slice(b": keep-alive\r\n\r\n"),
            Ev::Comment | Ev::Sleep(_) | Ev::Stall { .. } | Ev::Abort => {}
        }
    }

    fn end(&mut self, out: &mut BytesMut) {
        if !self.sse {
            if !self.opened {
                out.put_u8(b'[');
            }
            out.put_slice(b"\n]");
        }
    }
}
