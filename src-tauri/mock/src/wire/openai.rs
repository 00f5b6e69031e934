//! OpenAI Chat Completions chunks: `data: {chunk}\n\n` ... `data: [DONE]\n\n`.

use bytes::{BufMut, BytesMut};

use super::{
    json_str, push_json_str, push_u64, Encoder, Ev, FinishReason, StreamInfo, ToolCall, Usage,
};

pub struct OpenAi {
    info: StreamInfo,
    /// `data: {"id":..,"object":..,"created":..,"model":..,"system_fingerprint":..,"choices":[`
    prefix: Vec<u8>,
    /// Closes a chunk: `]` plus `"usage":null` when usage was asked for, as the real API does.
    suffix: &'static [u8],
}

impl OpenAi {
    pub fn new(info: StreamInfo) -> Self {
        let prefix = format!(
            "data: {{\"id\":\"chatcmpl-mock-{}\",\"object\":\"chat.completion.chunk\",\"created\":{},\"model\":{},\
             \"system_fingerprint\":\"fp_mock\",\"choices\":[",
            info.seq,
            info.created,
            json_str(&info.model)
        )
        .into_bytes();
        let suffix: &[u8] = if info.include_usage {
            b"],\"usage\":null}\n\n"
        } else {
            b"]}\n\n"
        };
        OpenAi {
            info,
            prefix,
            suffix,
        }
    }

    /// A chunk whose only choice has `delta` = `{` + `body` + `}` and the given finish_reason.
    fn choice(&self, out: &mut BytesMut, delta: impl FnOnce(&mut BytesMut), finish: Option<&str>) {
        out.put_slice(&self.prefix);
        out.put_slice(b"{\"index\":0,\"delta\":{");
        delta(out);
        out.put_slice(b"},\"logprobs\":null,\"finish_reason\":");
        match finish {
            Some(f) => push_json_str(out, f),
            None => out.put_slice(b"null"),
        }
        out.put_u8(b'}');
        out.put_slice(self.suffix);
    }

    fn tool(&self, out: &mut BytesMut, call: &ToolCall) {
        // First fragment: id, type, name and empty arguments; then index + arguments only.
        self.choice(
            out,
            |o| {
                o.put_slice(b"\"tool_calls\":[{\"index\":");
                push_u64(o, call.index as u64);
                o.put_slice(b",\"id\":\"call_mock_");
                o.put_slice(call.id_suffix.as_bytes());
                o.put_slice(b"\",\"type\":\"function\",\"function\":{\"name\":");
                push_json_str(o, call.name);
                o.put_slice(b",\"arguments\":\"\"}}]");
            },
            None,
        );
        for frag in &call.fragments {
            self.choice(
                out,
                |o| {
                    o.put_slice(b"\"tool_calls\":[{\"index\":");
                    push_u64(o, call.index as u64);
                    o.put_slice(b",\"function\":{\"arguments\":");
                    push_json_str(o, frag);
                    o.put_slice(b"}}]");
                },
                None,
            );
        }
    }

    fn finish(&self, out: &mut BytesMut, reason: &FinishReason, usage: &Usage) {
        let reason = match reason {
            FinishReason::Stop | FinishReason::StopSequence(_) => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolUse => "tool_calls",
        };
        self.choice(out, |_| {}, Some(reason));
        if self.info.include_usage {
            let p = &self.prefix;
            // The prefix ends in `"choices":[`; the usage chunk has an empty choices array.
            out.put_slice(p);
            out.put_slice(b"],\"usage\":{\"prompt_tokens\":");
            push_u64(out, usage.input);
            out.put_slice(b",\"completion_tokens\":");
            push_u64(out, usage.output);
            out.put_slice(b",\"total_tokens\":");
            push_u64(out, usage.input + usage.output);
            out.put_slice(b",\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":");
            push_u64(out, usage.reasoning);
            out.put_slice(b"}}}\n\n");
        }
        out.put_slice(b"data: [DONE]\n\n");
    }
}

impl Encoder for OpenAi {
    fn event(&mut self, ev: &Ev, out: &mut BytesMut) {
        match ev {
            Ev::Start => self.choice(out, |o| o.put_slice(b"\"role\":\"assistant\",\"content\":\"\",\"refusal\":null"), None),
            Ev::Text(t) => self.choice(
                out,
                |o| {
                    o.put_slice(b"\"content\":");
                    push_json_str(o, t);
                },
                None,
            ),
            // DeepSeek / Qwen style: the other field is null.
            Ev::Reasoning(t) => self.choice(
                out,
                |o| {
                    o.put_slice(b"\"content\":null,\"reasoning_content\":");
                    push_json_str(o, t);
                },
                None,
            ),
            Ev::Tool(call) => self.tool(out, call),
            Ev::Finish(f) => self.finish(out, &f.reason, &f.usage),
            // OpenRouter's mid-stream error shape: a chunk with a top-level `error`.
            Ev::StreamError => out.put_slice(
                b"data: {\"error\":{\"message\":\"The upstream model is overloaded (juxta-mock stream-error)\",\
                  \"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}\n\n",
            ),
            Ev::Malformed => out.put_slice(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"unterminated\n\n"),
            Ev::Comment => out.put_slice(b": keep-alive\n\n"),
            Ev::Sleep(_) | Ev::Stall { .. } | Ev::Abort => {}
        }
    }
}
