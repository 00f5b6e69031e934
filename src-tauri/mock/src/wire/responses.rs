//! OpenAI Responses API events: `event: <type>\ndata: {"type":<type>,"sequence_number":N,...}\n\n`,
//! output in items (message, reasoning, function_call) each opened with `response.output_item.added`
//! and closed with `response.output_item.done`; the stream ends with `response.completed`
//! (`response.incomplete` when the output limit cut it), no `[DONE]`.

use bytes::{BufMut, BytesMut};

use super::{
    json_str, push_json_str, push_u64, Encoder, Ev, FinishReason, StreamInfo, ToolCall, Usage,
};

const ERROR_MESSAGE: &str =
    "The server had an error while processing your request (juxta-mock stream-error)";

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Message,
    Reasoning,
}

/// The message or reasoning item currently open, and its text so far (for the `.done` events).
struct Open {
    kind: Kind,
    index: u64,
    text: String,
}

pub struct Responses {
    info: StreamInfo,
    seq: u64,
    next_index: u64,
    open: Option<Open>,
    /// Every finished item as JSON, for the `output` of the final response.
    output: Vec<String>,
}

impl Responses {
    pub fn new(info: StreamInfo) -> Self {
        Responses {
            info,
            seq: 0,
            next_index: 0,
            open: None,
            output: Vec::new(),
        }
    }

    /// `event: kind` and `data: {"type":kind,"sequence_number":N,` + body + `}`.
    fn emit(&mut self, out: &mut BytesMut, kind: &str, body: impl FnOnce(&mut BytesMut)) {
        out.put_slice(b"event: ");
        out.put_slice(kind.as_bytes());
        out.put_slice(b"\ndata: {\"type\":\"");
        out.put_slice(kind.as_bytes());
        out.put_slice(b"\",\"sequence_number\":");
        push_u64(out, self.seq);
        self.seq += 1;
        out.put_u8(b',');
        body(out);
        out.put_slice(b"}\n\n");
    }

    fn item_id(&self, prefix: &str, index: u64) -> String {
        format!("{prefix}_mock_{}_{index}", self.info.seq)
    }

    /// The response object; `tail` writes its status-specific fields.
    fn response(&self, out: &mut BytesMut, status: &str, tail: impl FnOnce(&mut BytesMut)) {
        out.put_slice(b"\"response\":{\"id\":\"resp_mock_");
        push_u64(out, self.info.seq);
        out.put_slice(b"\",\"object\":\"response\",\"created_at\":");
        push_u64(out, self.info.created);
        out.put_slice(b",\"status\":");
        push_json_str(out, status);
        out.put_slice(b",\"model\":");
        push_json_str(out, &self.info.model);
        out.put_slice(b",\"output\":[");
        out.put_slice(self.output.join(",").as_bytes());
        out.put_slice(b"],");
        tail(out);
        out.put_u8(b'}');
    }

    fn start(&mut self, out: &mut BytesMut) {
        for kind in ["response.created", "response.in_progress"] {
            let mut body = BytesMut::new();
            self.response(&mut body, "in_progress", |o| {
                o.put_slice(b"\"error\":null,\"incomplete_details\":null,\"usage\":null")
            });
            self.emit(out, kind, |o| o.put_slice(&body));
        }
    }

    fn take_index(&mut self) -> u64 {
        let i = self.next_index;
        self.next_index += 1;
        i
    }

    /// Make sure an item of `kind` is open, closing any other one first.
    fn ensure(&mut self, out: &mut BytesMut, kind: Kind) -> u64 {
        if let Some(open) = self.open.as_ref().filter(|o| o.kind == kind) {
            return open.index;
        }
        self.close(out);
        let index = self.take_index();
        match kind {
            Kind::Message => {
                let id = self.item_id("msg", index);
                self.emit(out, "response.output_item.added", |o| {
                    item_head(o, index);
                    o.put_slice(format!("{{\"id\":\"{id}\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}").as_bytes());
                });
                self.emit(out, "response.content_part.added", |o| {
                    part_head(o, &id, index);
                    o.put_slice(b",\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}");
                });
            }
            Kind::Reasoning => {
                let id = self.item_id("rs", index);
                self.emit(out, "response.output_item.added", |o| {
                    item_head(o, index);
                    o.put_slice(
                        format!("{{\"id\":\"{id}\",\"type\":\"reasoning\",\"summary\":[]}}")
                            .as_bytes(),
                    );
                });
                self.emit(out, "response.reasoning_summary_part.added", |o| {
                    part_head(o, &id, index);
                    o.put_slice(
                        b",\"summary_index\":0,\"part\":{\"type\":\"summary_text\",\"text\":\"\"}",
                    );
                });
            }
        }
        self.open = Some(Open {
            kind,
            index,
            text: String::new(),
        });
        index
    }

    fn delta(&mut self, out: &mut BytesMut, kind: Kind, text: &str) {
        let index = self.ensure(out, kind);
        if let Some(open) = self.open.as_mut() {
            open.text.push_str(text);
        }
        let (name, prefix, sub) = match kind {
            Kind::Message => ("response.output_text.delta", "msg", "content_index"),
            Kind::Reasoning => (
                "response.reasoning_summary_text.delta",
                "rs",
                "summary_index",
            ),
        };
        let id = self.item_id(prefix, index);
        self.emit(out, name, |o| {
            part_head(o, &id, index);
            o.put_slice(b",\"");
            o.put_slice(sub.as_bytes());
            o.put_slice(b"\":0,\"delta\":");
            push_json_str(o, text);
            if kind == Kind::Message {
                o.put_slice(b",\"logprobs\":[]");
            }
        });
    }

    /// Close the open message or reasoning item with its `.done` events.
    fn close(&mut self, out: &mut BytesMut) {
        let Some(Open { kind, index, text }) = self.open.take() else {
            return;
        };
        let text = json_str(&text);
        let item = match kind {
            Kind::Message => {
                let id = self.item_id("msg", index);
                self.emit(out, "response.output_text.done", |o| {
                    part_head(o, &id, index);
                    o.put_slice(
                        format!(",\"content_index\":0,\"text\":{text},\"logprobs\":[]").as_bytes(),
                    );
                });
                let part =
                    format!("{{\"type\":\"output_text\",\"text\":{text},\"annotations\":[]}}");
                self.emit(out, "response.content_part.done", |o| {
                    part_head(o, &id, index);
                    o.put_slice(format!(",\"content_index\":0,\"part\":{part}").as_bytes());
                });
                format!("{{\"id\":\"{id}\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{part}]}}")
            }
            Kind::Reasoning => {
                let id = self.item_id("rs", index);
                self.emit(out, "response.reasoning_summary_text.done", |o| {
                    part_head(o, &id, index);
                    o.put_slice(format!(",\"summary_index\":0,\"text\":{text}").as_bytes());
                });
                let part = format!("{{\"type\":\"summary_text\",\"text\":{text}}}");
                self.emit(out, "response.reasoning_summary_part.done", |o| {
                    part_head(o, &id, index);
                    o.put_slice(format!(",\"summary_index\":0,\"part\":{part}").as_bytes());
                });
                format!("{{\"id\":\"{id}\",\"type\":\"reasoning\",\"summary\":[{part}]}}")
            }
        };
        self.item_done(out, index, item);
    }

    fn item_done(&mut self, out: &mut BytesMut, index: u64, item: String) {
        self.emit(out, "response.output_item.done", |o| {
            item_head(o, index);
            o.put_slice(item.as_bytes());
        });
        self.output.push(item);
    }

    fn tool(&mut self, out: &mut BytesMut, call: &ToolCall) {
        self.close(out);
        let index = self.take_index();
        let id = self.item_id("fc", index);
        let head = format!(
            "\"id\":\"{id}\",\"type\":\"function_call\",\"call_id\":\"call_mock_{}\",\"name\":{}",
            call.id_suffix,
            json_str(call.name)
        );
        self.emit(out, "response.output_item.added", |o| {
            item_head(o, index);
            o.put_slice(
                format!("{{{head},\"arguments\":\"\",\"status\":\"in_progress\"}}").as_bytes(),
            );
        });
        for frag in &call.fragments {
            self.emit(out, "response.function_call_arguments.delta", |o| {
                part_head(o, &id, index);
                o.put_slice(b",\"delta\":");
                push_json_str(o, frag);
            });
        }
        let arguments = json_str(&call.fragments.concat());
        self.emit(out, "response.function_call_arguments.done", |o| {
            part_head(o, &id, index);
            o.put_slice(format!(",\"arguments\":{arguments}").as_bytes());
        });
        self.item_done(
            out,
            index,
            format!("{{{head},\"arguments\":{arguments},\"status\":\"completed\"}}"),
        );
    }

    fn finish(&mut self, out: &mut BytesMut, reason: &FinishReason, usage: &Usage) {
        self.close(out);
        // The Responses API has no stop sequences: anything but the output limit is `completed`.
        let (kind, status, details) = match reason {
            FinishReason::Length => (
                "response.incomplete",
                "incomplete",
                "{\"reason\":\"max_output_tokens\"}",
            ),
            _ => ("response.completed", "completed", "null"),
        };
        let mut body = BytesMut::new();
        self.response(&mut body, status, |o| {
            o.put_slice(b"\"error\":null,\"incomplete_details\":");
            o.put_slice(details.as_bytes());
            o.put_slice(b",\"usage\":{\"input_tokens\":");
            push_u64(o, usage.input);
            o.put_slice(b",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":");
            push_u64(o, usage.output);
            o.put_slice(b",\"output_tokens_details\":{\"reasoning_tokens\":");
            push_u64(o, usage.reasoning);
            o.put_slice(b"},\"total_tokens\":");
            push_u64(o, usage.input + usage.output);
            o.put_u8(b'}');
        });
        self.emit(out, kind, |o| o.put_slice(&body));
    }

    /// The `error` event, then `response.failed` carrying the same error, as the real API does.
    fn stream_error(&mut self, out: &mut BytesMut) {
        let message = json_str(ERROR_MESSAGE);
        self.emit(out, "error", |o| {
            o.put_slice(
                format!("\"code\":\"server_error\",\"message\":{message},\"param\":null")
                    .as_bytes(),
            );
        });
        let mut body = BytesMut::new();
        self.response(&mut body, "failed", |o| {
            o.put_slice(format!("\"error\":{{\"code\":\"server_error\",\"message\":{message}}},\"incomplete_details\":null,\"usage\":null").as_bytes());
        });
        self.emit(out, "response.failed", |o| o.put_slice(&body));
    }
}

/// `"output_index":N,"item":` (the item follows).
fn item_head(o: &mut BytesMut, index: u64) {
    o.put_slice(b"\"output_index\":");
    push_u64(o, index);
    o.put_slice(b",\"item\":");
}

/// `"item_id":ID,"output_index":N`.
fn part_head(o: &mut BytesMut, id: &str, index: u64) {
    o.put_slice(b"\"item_id\":\"");
    o.put_slice(id.as_bytes());
    o.put_slice(b"\",\"output_index\":");
    push_u64(o, index);
}

impl Encoder for Responses {
    fn event(&mut self, ev: &Ev, out: &mut BytesMut) {
        match ev {
            Ev::Start => self.start(out),
            Ev::Text(t) => self.delta(out, Kind::Message, t),
            Ev::Reasoning(t) => self.delta(out, Kind::Reasoning, t),
            Ev::Tool(call) => self.tool(out, call),
            Ev::Finish(f) => self.finish(out, &f.reason, &f.usage),
            Ev::StreamError => self.stream_error(out),
            Ev::Malformed => out.put_slice(
                b"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"unterminated\n\n",
            ),
            Ev::Comment => out.put_slice(b": keep-alive\n\n"),
            Ev::Sleep(_) | Ev::Stall { .. } | Ev::Abort => {}
        }
    }
}
