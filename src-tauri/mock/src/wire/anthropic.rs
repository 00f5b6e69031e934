//! Anthropic Messages events: `event: <type>\ndata: {json}\n\n`, content in indexed blocks.

use bytes::{BufMut, BytesMut};

use super::{
    json_str, push_json_str, push_u64, Encoder, Ev, FinishReason, StreamInfo, ToolCall, Usage,
};

/// A fixed, plausible-looking signature for the mock's thinking blocks.
const SIGNATURE: &str = "bW9jay10aGlua2luZy1zaWduYXR1cmU=";

#[derive(Clone, Copy, PartialEq)]
enum Block {
    Text,
    Thinking,
}

pub struct Anthropic {
    info: StreamInfo,
    /// The block currently open and its index.
    open: Option<(Block, u64)>,
    next_index: u64,
}

impl Anthropic {
    pub fn new(info: StreamInfo) -> Self {
        Anthropic {
            info,
            open: None,
            next_index: 0,
        }
    }

    fn event_head(out: &mut BytesMut, name: &str) {
        out.put_slice(b"event: ");
        out.put_slice(name.as_bytes());
        out.put_slice(b"\ndata: ");
    }

    fn message_start(&self, out: &mut BytesMut) {
        Self::event_head(out, "message_start");
        out.put_slice(b"{\"type\":\"message_start\",\"message\":{\"model\":");
        out.put_slice(json_str(&self.info.model).as_bytes());
        out.put_slice(b",\"id\":\"msg_mock_");
        push_u64(out, self.info.seq);
        out.put_slice(
            b"\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,\
              \"stop_sequence\":null,\"usage\":{\"input_tokens\":",
        );
        push_u64(out, self.info.input_tokens);
        out.put_slice(b",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n");
        out.put_slice(b"event: ping\ndata: {\"type\": \"ping\"}\n\n");
    }

    /// Make sure a block of `kind` is open, closing any other one first.
    fn ensure_block(&mut self, out: &mut BytesMut, kind: Block) -> u64 {
        if let Some((open, index)) = self.open {
            if open == kind {
                return index;
            }
        }
        self.close_block(out);
        let index = self.start_block(out, |o| match kind {
            Block::Text => o.put_slice(b"{\"type\":\"text\",\"text\":\"\"}"),
            Block::Thinking => {
                o.put_slice(b"{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}")
            }
        });
        self.open = Some((kind, index));
        index
    }

    fn start_block(&mut self, out: &mut BytesMut, block: impl FnOnce(&mut BytesMut)) -> u64 {
        let index = self.next_index;
        self.next_index += 1;
        Self::event_head(out, "content_block_start");
        out.put_slice(b"{\"type\":\"content_block_start\",\"index\":");
        push_u64(out, index);
        out.put_slice(b",\"content_block\":");
        block(out);
        out.put_slice(b"}\n\n");
        index
    }

    fn close_block(&mut self, out: &mut BytesMut) {
        let Some((kind, index)) = self.open.take() else {
            return;
        };
        if kind == Block::Thinking {
            // A thinking block always ends with its signature.
            self.delta(out, index, |o| {
                o.put_slice(b"{\"type\":\"signature_delta\",\"signature\":\"");
                o.put_slice(SIGNATURE.as_bytes());
                o.put_slice(b"\"}");
            });
        }
        Self::block_stop(out, index);
    }

    fn block_stop(out: &mut BytesMut, index: u64) {
        Self::event_head(out, "content_block_stop");
        out.put_slice(b"{\"type\":\"content_block_stop\",\"index\":");
        push_u64(out, index);
        out.put_slice(b"}\n\n");
    }

    fn delta(&self, out: &mut BytesMut, index: u64, delta: impl FnOnce(&mut BytesMut)) {
        Self::event_head(out, "content_block_delta");
        out.put_slice(b"{\"type\":\"content_block_delta\",\"index\":");
        push_u64(out, index);
        out.put_slice(b",\"delta\":");
        delta(out);
        out.put_slice(b"}\n\n");
    }

    fn text_like(&mut self, out: &mut BytesMut, kind: Block, text: &str) {
        let index = self.ensure_block(out, kind);
        self.delta(out, index, |o| {
            match kind {
                Block::Text => o.put_slice(b"{\"type\":\"text_delta\",\"text\":"),
                Block::Thinking => o.put_slice(b"{\"type\":\"thinking_delta\",\"thinking\":"),
            }
            push_json_str(o, text);
            o.put_u8(b'}');
        });
    }

    fn tool(&mut self, out: &mut BytesMut, call: &ToolCall) {
        self.close_block(out);
        let index = self.start_block(out, |o| {
            o.put_slice(b"{\"type\":\"tool_use\",\"id\":\"toolu_mock_");
            o.put_slice(call.id_suffix.as_bytes());
            o.put_slice(b"\",\"name\":");
            push_json_str(o, call.name);
            o.put_slice(b",\"input\":{}}");
        });
        // The real API opens with an empty partial_json.
        let frags = std::iter::once("").chain(call.fragments.iter().map(String::as_str));
        for frag in frags {
            self.delta(out, index, |o| {
                o.put_slice(b"{\"type\":\"input_json_delta\",\"partial_json\":");
                push_json_str(o, frag);
                o.put_u8(b'}');
            });
        }
        Self::block_stop(out, index);
    }

    fn finish(&mut self, out: &mut BytesMut, reason: &FinishReason, usage: &Usage) {
        self.close_block(out);
        Self::event_head(out, "message_delta");
        out.put_slice(b"{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
        match reason {
            FinishReason::Stop => out.put_slice(b"\"end_turn\",\"stop_sequence\":null"),
            FinishReason::Length => out.put_slice(b"\"max_tokens\",\"stop_sequence\":null"),
            FinishReason::ToolUse => out.put_slice(b"\"tool_use\",\"stop_sequence\":null"),
            FinishReason::StopSequence(s) => {
                out.put_slice(b"\"stop_sequence\",\"stop_sequence\":");
                push_json_str(out, s);
            }
        }
        out.put_slice(b"},\"usage\":{\"input_tokens\":");
        push_u64(out, usage.input);
        out.put_slice(b",\"output_tokens\":");
        push_u64(out, usage.output);
        out.put_slice(b"}}\n\n");
        out.put_slice(b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }
}

impl Encoder for Anthropic {
    fn event(&mut self, ev: &Ev, out: &mut BytesMut) {
        match ev {
            Ev::Start => self.message_start(out),
            Ev::Text(t) => self.text_like(out, Block::Text, t),
            Ev::Reasoning(t) => self.text_like(out, Block::Thinking, t),
            Ev::Tool(call) => self.tool(out, call),
            Ev::Finish(f) => self.finish(out, &f.reason, &f.usage),
            Ev::StreamError => out.put_slice(
                b"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
            ),
            Ev::Malformed => out.put_slice(
                b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"unterminated\n\n",
            ),
            Ev::Comment => out.put_slice(b": keep-alive\n\n"),
            Ev::Sleep(_) | Ev::Stall { .. } | Ev::Abort => {}
        }
    }
}
