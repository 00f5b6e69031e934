//! A fast path for the one chunk shape that makes up almost every OpenAI-style stream:
//!
//! `{"id":…,"object":"chat.completion.chunk","created":…,"model":…,"system_fingerprint":…,
//!   "choices":[{"index":0,"delta":{"content":"…"},"logprobs":null,"finish_reason":null}],"usage":null}`
//!
//! Why it exists: serde into borrowed structs was 81 % of `juxta compare --json` on a long stream
//! (BENCHMARKS.md). This scanner walks the bytes once, accepts only that shape (any key order,
//! any JSON whitespace), and answers `None` for everything else: any other key or value type, a
//! duplicate key, a finish reason, tool calls, reasoning, usage, an escape it does not decode
//! exactly as serde_json would. `None` sends the chunk to the full parse, so a chunk this module
//! does not understand costs one short scan and is never decoded wrongly. The property test in
//! `tests/fast_path.rs` checks that whatever it accepts, the full parse reads the same way.
//!
//! A stream repeats its chunks byte for byte around the content, so [`Template`] keeps the bytes
//! before and after the content of the last common chunk: a chunk that starts and ends with
//! exactly those bytes, with a valid string between them, is the same shape with new content.

use std::borrow::Cow;

/// What a common chunk carries for the decoder; everything else in it means nothing to us.
#[derive(Debug, PartialEq, Eq)]
pub struct Common<'a> {
    pub model: Option<Cow<'a, str>>,
    /// `choices[0].delta.content`; `None` when absent or null (e.g. a `{"role":"assistant"}` delta).
    pub content: Option<Cow<'a, str>>,
}

/// The bytes around the content of the last common chunk (empty: none yet).
#[derive(Default)]
pub struct Template {
    /// Up to and including the content's opening quote.
    before: Vec<u8>,
    /// From just after the content's closing quote to the end.
    after: Vec<u8>,
}

impl Template {
    /// [`parse`], first trying the last chunk's template. On that shortcut `model` is `None`: the
    /// model's bytes are the template's, which were already read from the chunk that made it
    /// (and the decoder keeps only the first model anyway).
    pub fn parse<'a>(&mut self, data: &'a str) -> Option<Common<'a>> {
        let b = data.as_bytes();
        if !self.before.is_empty() && b.starts_with(&self.before) {
            let mut s = Scanner {
                src: data,
                b,
                i: self.before.len() - 1,
                content_at: None,
            };
            if let Some(content) = s.string() {
                if b.get(s.i..) == Some(&self.after[..]) {
                    return Some(Common {
                        model: None,
                        content: Some(content),
                    });
                }
            }
        }
        let (common, at) = parse_at(data)?;
        self.before.clear();
        self.after.clear();
        if let Some((open, end)) = at {
            self.before.extend_from_slice(b.get(..=open)?);
            self.after.extend_from_slice(b.get(end..)?);
        }
        Some(common)
    }
}

/// Recognise a common chunk (the `data:` payload, already trimmed), or `None`: not ours.
/// (The decoder goes through [`Template::parse`]; the tests call this directly.)
#[cfg(test)]
pub fn parse(data: &str) -> Option<Common<'_>> {
    parse_at(data).map(|(common, _)| common)
}

/// [`parse`], and where the content string lies: its opening quote, and just past its closing one.
fn parse_at(data: &str) -> Option<(Common<'_>, Option<(usize, usize)>)> {
    let mut s = Scanner {
        src: data,
        b: data.as_bytes(),
        i: 0,
        content_at: None,
    };
    let mut out = Common {
        model: None,
        content: None,
    };
    let mut seen = 0u16;
    s.object(|s, key| {
        let bit = match key {
            "id" => 0,
            "object" => 1,
            "created" => 2,
            "model" => 3,
            "system_fingerprint" => 4,
            "service_tier" => 5,
            "choices" => 6,
            "usage" => 7,
            "obfuscation" => 8,
            _ => return None,
        };
        once(&mut seen, bit)?;
        match bit {
            // vLLM's `"object":"error"` is an error report: the full parse handles it.
            1 => s
                .string_or_null()
                .filter(|o| o.as_deref() != Some("error"))
                .map(drop),
            2 => s.unsigned(),
            3 => s.string_or_null().map(|m| out.model = m),
            6 => s.choices().map(|c| out.content = c),
            7 => s.null(),
            _ => s.string_or_null().map(drop),
        }
    })?;
    s.ws();
    (s.i == s.b.len()).then_some((out, s.content_at))
}

/// Refuse a key seen twice (serde rejects duplicate fields; let it say so).
fn once(seen: &mut u16, bit: u16) -> Option<()> {
    let mask = 1 << bit;
    if *seen & mask != 0 {
        return None;
    }
    *seen |= mask;
    Some(())
}

struct Scanner<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    /// Where the content string was (see [`parse_at`]).
    content_at: Option<(usize, usize)>,
}

impl<'a> Scanner<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        let end = self.i.checked_add(lit.len())?;
        (self.b.get(self.i..end)? == lit).then(|| self.i = end)
    }

    fn null(&mut self) -> Option<()> {
        self.literal(b"null")
    }

    /// An object whose keys are plain strings (no escapes); `field` reads each value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.ws();
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = match self.string()? {
                Cow::Borrowed(k) => k,
                Cow::Owned(_) => return None,
            };
            self.ws();
            self.eat(b':')?;
            self.ws();
            field(self, key)?;
            self.ws();
            match self.b.get(self.i)? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// `[` one choice `]`, returning its delta's content.
    fn choices(&mut self) -> Option<Option<Cow<'a, str>>> {
        self.eat(b'[')?;
        self.ws();
        let mut content = None;
        let mut seen = 0u16;
        self.object(|s, key| {
            let bit = match key {
                "index" => 0,
                "delta" => 1,
                "logprobs" => 2,
                "finish_reason" => 3,
                _ => return None,
            };
            once(&mut seen, bit)?;
            match bit {
                // Exactly `0` (the delimiter check after the value refuses `0.0`, `01`).
                0 => s.eat(b'0'),
                1 => s.delta().map(|c| content = c),
                _ => s.null(),
            }
        })?;
        self.ws();
        self.eat(b']')?;
        Some(content)
    }

    /// `{"role":…, "content":…, "refusal":null}`, each optional.
    fn delta(&mut self) -> Option<Option<Cow<'a, str>>> {
        let mut content = None;
        let mut seen = 0u16;
        self.object(|s, key| {
            let bit = match key {
                "role" => 0,
                "content" => 1,
                "refusal" => 2,
                _ => return None,
            };
            once(&mut seen, bit)?;
            match bit {
                0 => s.string_or_null().map(drop),
                1 => {
                    let open = s.i;
                    content = s.string_or_null()?;
                    s.content_at = content.is_some().then_some((open, s.i));
                    Some(())
                }
                _ => s.null(),
            }
        })?;
        Some(content)
    }

    /// Digits without a leading zero (`created`); floats and signs are left to serde.
    fn unsigned(&mut self) -> Option<()> {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        let digits = &self.b[start..self.i];
        (!digits.is_empty() && (digits[0] != b'0' || digits.len() == 1)).then_some(())
    }

    fn string_or_null(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.b.get(self.i) == Some(&b'n') {
            return self.null().map(|_| None);
        }
        self.string().map(Some)
    }

    /// A JSON string, borrowed when it has no escapes. `None` on anything serde_json would
    /// reject (a raw control character, a bad escape, an unpaired surrogate).
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        self.i = special(self.b, self.i)?;
        match self.b[self.i] {
            b'"' => {
                let s = self.src.get(start..self.i)?;
                self.i += 1;
                return Some(Cow::Borrowed(s));
            }
            b'\\' => {}
            _ => return None, // a raw control character
        }
        // Escapes: decode into a new string. Every cut below is at an ASCII byte (`"`, `\`),
        // so always a char boundary of the (valid UTF-8) input.
        let mut out = String::with_capacity(self.i - start + 16);
        out.push_str(self.src.get(start..self.i)?);
        loop {
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let esc = *self.b.get(self.i + 1)?;
                    self.i += 2;
                    out.push(match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                0..=0x1f => return None,
                _ => {
                    let run = self.i;
                    self.i = special(self.b, self.i)?;
                    out.push_str(self.src.get(run..self.i)?);
                }
            }
        }
    }

    /// The `XXXX` after `\u` (and a low surrogate's `\uXXXX` after a high one).
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        match hi {
            0xD800..=0xDBFF => {
                self.literal(b"\\u")?;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return None;
                }
                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
            }
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(hi),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let end = self.i.checked_add(4)?;
        let digits = self.b.get(self.i..end)?;
        let mut v = 0;
        for &d in digits {
            v = v * 16 + (d as char).to_digit(16)?;
        }
        self.i = end;
        Some(v)
    }
}

/// The index of the first `"`, `\\` or control character at or after `i`, looking at 8 bytes at
/// a time (the string scan was most of the fast path's time byte by byte).
fn special(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Sets the high bit of each byte of `v` that is below `n` (n <= 0x80). A borrow can flag
    // bytes above a flagged one, never below it: the lowest flag is always a true one.
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * n as u64) & !v & HIGH;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().ok()?);
        let hits = below(w ^ (ONES * b'"' as u64), 1)
            | below(w ^ (ONES * b'\\' as u64), 1)
            | below(w, 0x20);
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|p| i + p)
}
