//! A byte-level Server-Sent Events framer.
//!
//! Why not `eventsource-stream`: it re-slices its whole text buffer for every line it parses
//! (quadratic in lines per network chunk, far below our 200 MB/s decoding goal), it only runs
//! as an async `Stream` (our decoders are pure, synchronous and fuzzed split by split), and it
//! has no bound on the size of one event. This framer splits on bytes (`\n`, `\r\n`, `\r`),
//! which never occur inside a multi-byte UTF-8 character, so any split of the input gives the
//! same events.

use memchr::memchr2;

use crate::error::ProviderError;
use crate::event::StreamEvent;

/// One dispatched event. `event` is `"message"` when the stream did not name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseEvent<'a> {
    pub event: &'a str,
    pub data: &'a str,
}

/// The largest event we accept (a provider's single event can legitimately be several MB,
/// e.g. an image or a long tool-call argument; beyond this something is wrong).
pub const MAX_EVENT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseError {
    TooLarge,
}

#[derive(Debug, Default)]
pub struct SseParser {
    /// An incomplete line carried over from the previous chunk.
    partial: Vec<u8>,
    /// The last chunk ended in `\r`: a `\n` at the start of the next one belongs to it.
    pending_cr: bool,
    event: String,
    data: Vec<u8>,
    has_data: bool,
    started: bool,
    comments: u64,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many comment lines (`: keep-alive`, `: OPENROUTER PROCESSING`) were seen.
    pub fn comments(&self) -> u64 {
        self.comments
    }

    /// Feed bytes; `on_event` is called for every complete event.
    pub fn feed(&mut self, mut bytes: &[u8], mut on_event: impl FnMut(SseEvent<'_>)) -> Result<(), SseError> {
        if self.pending_cr {
            self.pending_cr = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        while let Some(pos) = memchr2(b'\n', b'\r', bytes) {
            let line_end = pos;
            let mut next = pos + 1;
            if bytes[pos] == b'\r' {
                match bytes.get(pos + 1) {
                    Some(b'\n') => next = pos + 2,
                    Some(_) => {}
                    None => self.pending_cr = true,
                }
            }
            if self.partial.is_empty() {
                self.line(&bytes[..line_end], &mut on_event);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&bytes[..line_end]);
                self.line(&line, &mut on_event);
                line.clear();
                self.partial = line; // keep the allocation
            }
            bytes = &bytes[next..];
        }
        if !bytes.is_empty() {
            if self.partial.len() + bytes.len() + self.data.len() > MAX_EVENT_BYTES {
                return Err(SseError::TooLarge);
            }
            self.partial.extend_from_slice(bytes);
        }
        if self.data.len() > MAX_EVENT_BYTES {
            return Err(SseError::TooLarge);
        }
        Ok(())
    }

    /// The body ended: a last line without its newline, and an event without its blank line,
    /// are still dispatched (lenient: the adapter decides whether the stream was complete).
    pub fn finish(&mut self, mut on_event: impl FnMut(SseEvent<'_>)) {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(&line, &mut on_event);
        }
        self.dispatch(&mut on_event);
    }

    fn line(&mut self, mut line: &[u8], on_event: &mut impl FnMut(SseEvent<'_>)) {
        if !self.started {
            self.started = true;
            line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(on_event);
            return;
        }
        if line[0] == b':' {
            self.comments += 1;
            return;
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => {
                self.event.clear();
                match std::str::from_utf8(value) {
                    Ok(s) => self.event.push_str(s),
                    Err(_) => self.event.push_str(&String::from_utf8_lossy(value)),
                }
            }
            _ => {} // id, retry and unknown fields do not matter to us
        }
    }

    fn dispatch(&mut self, on_event: &mut impl FnMut(SseEvent<'_>)) {
        if self.has_data {
            // `str::from_utf8` has a fast path for the (usual) valid case; lossy only when needed.
            let data = match std::str::from_utf8(&self.data) {
                Ok(s) => std::borrow::Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(&self.data),
            };
            let event = if self.event.is_empty() { "message" } else { self.event.as_str() };
            on_event(SseEvent { event, data: &data });
        }
        self.data.clear();
        self.has_data = false;
        self.event.clear();
    }
}

/// The protocol-specific half of an SSE decoder: what each event means. The other half (nothing read after the
/// end, an oversized event becoming a Malformed error, the last event flushed at EOF) is [`SseParser::feed_to`] and
/// [`SseParser::finish_to`], shared by every SSE protocol.
pub(crate) trait SseHandler {
    /// The terminal event (or an error) was seen: nothing more is read.
    fn done(&self) -> bool;
    /// One event; `at_eof` when it was flushed by the end of the body rather than a blank line.
    fn event(&mut self, ev: SseEvent<'_>, at_eof: bool, out: &mut Vec<StreamEvent>);
    /// End the stream with this error.
    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>);
}

impl SseParser {
    /// A decoder's `feed`: bytes to events to its handler.
    pub(crate) fn feed_to(&mut self, bytes: &[u8], handler: &mut impl SseHandler, out: &mut Vec<StreamEvent>) {
        if handler.done() {
            return;
        }
        if self.feed(bytes, |ev| handler.event(ev, false, out)).is_err() {
            handler.fail(ProviderError::malformed("an event in the stream is larger than 64 MB"), out);
        }
    }

    /// A decoder's `finish`: flush the last event. True when the stream still lacks its end, which the caller
    /// turns into its protocol's clean end or truncation error.
    pub(crate) fn finish_to(&mut self, handler: &mut impl SseHandler, out: &mut Vec<StreamEvent>) -> bool {
        if handler.done() {
            return false;
        }
        self.finish(|ev| handler.event(ev, true, out));
        !handler.done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(chunks: &[&[u8]]) -> Vec<(String, String)> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, |e| out.push((e.event.to_string(), e.data.to_string()))).unwrap();
        }
        p.finish(|e| out.push((e.event.to_string(), e.data.to_string())));
        out
    }

    #[test]
    fn line_endings_comments_and_names() {
        let body = b": keep-alive\r\ndata: a\r\n\r\nevent: error\ndata: {\"x\":1}\n\ndata: l1\rdata: l2\r\r";
        let want = vec![
            ("message".to_string(), "a".to_string()),
            ("error".to_string(), "{\"x\":1}".to_string()),
            ("message".to_string(), "l1\nl2".to_string()),
        ];
        assert_eq!(collect(&[body]), want);
        // every split point gives the same events, including between \r and \n
        for i in 0..body.len() {
            assert_eq!(collect(&[&body[..i], &body[i..]]), want, "split at {i}");
        }
    }

    #[test]
    fn utf8_split_inside_a_character() {
        let body = "data: héllo 北京\n\n".as_bytes();
        for i in 0..body.len() {
            assert_eq!(collect(&[&body[..i], &body[i..]]), vec![("message".into(), "héllo 北京".into())]);
        }
    }

    #[test]
    fn bom_and_unterminated_last_event() {
        assert_eq!(collect(&["\u{feff}data: x".as_bytes()]), vec![("message".into(), "x".into())]);
    }

    #[test]
    fn oversized_event_is_an_error_not_an_allocation_bomb() {
        let mut p = SseParser::new();
        let chunk = vec![b'a'; 1024 * 1024];
        let mut res = p.feed(b"data: ", |_| {});
        for _ in 0..(MAX_EVENT_BYTES / chunk.len() + 2) {
            res = p.feed(&chunk, |_| {});
            if res.is_err() {
                break;
            }
        }
        assert_eq!(res, Err(SseError::TooLarge));
    }
}
