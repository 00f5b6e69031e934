//! Ollama's native `/api/chat` stream: NDJSON, one JSON object per line, not SSE.
//!
//! `{"model":..,"created_at":..,"message":{"role":"assistant","content":".."},"done":false}` per
//! piece (`thinking` instead of `content` for reasoning), tool calls whole with their arguments as
//! an object and no ids, then a `done: true` line with `done_reason`, the token counts and
//! durations in nanoseconds. An error mid-stream is an `{"error":"..."}` line. Ollama sends no
//! keep-alives, so a comment writes nothing.

use std::time::{Instant, SystemTime};

use bytes::{BufMut, BytesMut};

use super::{json_str, push_json_str, push_u64, push_value, Encoder, Ev, FinishReason, StreamInfo};

/// What a real server says when its model runner dies mid-answer.
const STREAM_ERROR: &[u8] =
    b"{\"error\":\"model runner has unexpectedly stopped, this may be due to resource \
limitations or an internal error, check ollama server logs for details\"}\n";

pub struct Ollama {
    /// `{"model":"..","created_at":"..","message":{"role":"assistant",`
    head: Vec<u8>,
    started: Instant,
}

impl Ollama {
    pub fn new(info: StreamInfo) -> Self {
        let head = format!(
            "{{\"model\":{},\"created_at\":\"{}\",\"message\":{{\"role\":\"assistant\",",
            json_str(&info.model),
            rfc3339_now()
        )
        .into_bytes();
        Ollama {
            head,
            started: Instant::now(),
        }
    }

    /// One line: the message fields written by `fields`, then `done`.
    fn line(&self, out: &mut BytesMut, fields: impl FnOnce(&mut BytesMut), done: bool) {
        out.put_slice(&self.head);
        fields(out);
        out.put_slice(if done {
            b"},\"done\":true"
        } else {
            b"},\"done\":false}\n"
        });
    }
}

impl Encoder for Ollama {
    fn event(&mut self, ev: &Ev, out: &mut BytesMut) {
        match ev {
            Ev::Text(t) => self.line(
                out,
                |o| {
                    o.put_slice(b"\"content\":");
                    push_json_str(o, t);
                },
                false,
            ),
            Ev::Reasoning(t) => self.line(
                out,
                |o| {
                    o.put_slice(b"\"content\":\"\",\"thinking\":");
                    push_json_str(o, t);
                },
                false,
            ),
            Ev::Tool(call) => self.line(
                out,
                |o| {
                    o.put_slice(b"\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":");
                    push_json_str(o, call.name);
                    o.put_slice(b",\"arguments\":");
                    push_value(o, &call.args);
                    o.put_slice(b"}}]");
                },
                false,
            ),
            Ev::Finish(f) => {
                // Tool calls and stop sequences are both `stop` here.
                let reason = if f.reason == FinishReason::Length {
                    "length"
                } else {
                    "stop"
                };
                let total = self.started.elapsed().as_nanos() as u64;
                self.line(out, |o| o.put_slice(b"\"content\":\"\""), true);
                out.put_slice(b",\"done_reason\":\"");
                out.put_slice(reason.as_bytes());
                out.put_slice(b"\",\"total_duration\":");
                push_u64(out, total);
                out.put_slice(b",\"load_duration\":0,\"prompt_eval_count\":");
                push_u64(out, f.usage.input);
                out.put_slice(b",\"prompt_eval_duration\":0,\"eval_count\":");
                push_u64(out, f.usage.output);
                out.put_slice(b",\"eval_duration\":");
                push_u64(out, total);
                out.put_slice(b"}\n");
            }
            Ev::StreamError => out.put_slice(STREAM_ERROR),
            // Cut off inside a string: not JSON.
            Ev::Malformed => {
                out.put_slice(&self.head);
                out.put_slice(b"\"content\":\"unterminated\n");
            }
            Ev::Start | Ev::Comment | Ev::Sleep(_) | Ev::Stall { .. } | Ev::Abort => {}
        }
    }
}

/// `2025-06-01T10:00:00.123456789Z`, as Ollama stamps `created_at`.
fn rfc3339_now() -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:09}Z",
        t / 3600,
        t / 60 % 60,
        t % 60,
        now.subsec_nanos()
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_605), (2026, 6, 1));
    }
}
