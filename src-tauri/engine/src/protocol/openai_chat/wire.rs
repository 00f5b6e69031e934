//! The shapes of one OpenAI-style stream chunk, deserialized without copying: strings borrow
//! from the event's data whenever they hold no escapes. Only the fields the decoder reads are
//! declared; everything else (`obfuscation`, `logprobs`, `system_fingerprint`, ...) is skipped.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// A string that borrows from the input when it can. (`Cow<str>` inside an `Option` always
/// copies: serde's borrowing special case only applies to a bare `Cow` field.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'a> Str<'a> {
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

/// A token count, read leniently: some compatible servers send `12.0` or a negative sentinel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                Ok(Count(v.max(0) as u64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                // `as` saturates and maps NaN to 0: never panics.
                Ok(Count(v.max(0.0) as u64))
            }
        }
        d.deserialize_any(V)
    }
}

/// A money amount that may arrive as a number or a decimal string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount(pub f64);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                Ok(Amount(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                v.trim()
                    .parse()
                    .map(Amount)
                    .map_err(|_| E::custom("cost is not a number"))
            }
        }
        d.deserialize_any(V)
    }
}

/// One `data:` payload.
#[derive(Debug, Deserialize)]
pub struct Chunk<'a> {
    #[serde(borrow, default)]
    pub model: Option<Str<'a>>,
    /// OpenRouter: the upstream that served the request.
    #[serde(borrow, default)]
    pub provider: Option<Str<'a>>,
    /// vLLM sends errors as `{"object":"error", message, type, code}`.
    #[serde(borrow, default)]
    pub object: Option<Str<'a>>,
    /// Only choice 0: we never ask for n > 1, and other choices would interleave with it.
    #[serde(borrow, default)]
    pub choices: FirstChoice<'a>,
    /// Boxed, like every field that comes once per stream: a smaller chunk is cheaper to move.
    #[serde(default)]
    pub usage: Option<Box<WireUsage>>,
    #[serde(default)]
    pub x_groq: Option<Box<XGroq>>,
    /// OpenRouter's mid-stream error (rare, so a `Value` costs nothing on the hot path).
    #[serde(default)]
    pub error: Option<Value>,
}

/// `choices`, keeping only the one with index 0 (without a `Vec` per chunk: this is the hot path).
#[derive(Debug, Default)]
pub struct FirstChoice<'a>(pub Option<Choice<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstChoice<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = FirstChoice<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of choices")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(FirstChoice(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut first = None;
                while let Some(choice) = seq.next_element::<Choice<'a>>()? {
                    if first.is_none() && choice.index.map_or(0, |i| i.0) == 0 {
                        first = Some(choice);
                    }
                }
                Ok(FirstChoice(first))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[derive(Debug, Deserialize)]
pub struct Choice<'a> {
    #[serde(default)]
    pub index: Option<Count>,
    #[serde(borrow, default)]
    pub delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    pub finish_reason: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub native_finish_reason: Option<Str<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Delta<'a> {
    #[serde(borrow, default)]
    pub content: Option<Content<'a>>,
    /// DeepSeek, Qwen, older vLLM.
    #[serde(borrow, default)]
    pub reasoning_content: Option<Str<'a>>,
    /// OpenRouter, Groq, vLLM (2026).
    #[serde(borrow, default)]
    pub reasoning: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub reasoning_details: Option<Vec<ReasoningDetail<'a>>>,
    #[serde(borrow, default)]
    pub refusal: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<WireToolCall<'a>>>,
    /// The pre-tools function-calling API, still spoken by some servers.
    #[serde(borrow, default)]
    pub function_call: Option<Box<WireFunction<'a>>>,
}

/// `delta.content`: a string, or (Mistral Magistral) an array of typed parts.
#[derive(Debug)]
pub enum Content<'a> {
    Text(Str<'a>),
    Parts(Vec<Part<'a>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Content<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Content<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of content parts")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Content::Text(Str(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Content::Text(Str(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Content::Text(Str(Cow::Owned(v))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<Part<'a>>::deserialize(SeqAccessDeserializer::new(seq)).map(Content::Parts)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A content part: `{type:"text", text}` or `{type:"thinking", thinking:[{type:"text", text}]}`.
/// Other types (images, references) carry no text and are skipped.
#[derive(Debug, Deserialize)]
pub struct Part<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub text: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub thinking: Option<Content<'a>>,
}

/// OpenRouter `reasoning_details[]`: `reasoning.text{text}`, `reasoning.summary{summary}`,
/// `reasoning.encrypted{data}` (opaque, not shown).
#[derive(Debug, Deserialize)]
pub struct ReasoningDetail<'a> {
    #[serde(borrow, default)]
    pub text: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub summary: Option<Str<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct WireToolCall<'a> {
    /// Absent on Mistral, whose calls arrive whole.
    #[serde(default)]
    pub index: Option<Count>,
    /// Qwen repeats `"id": ""` on continuation fragments.
    #[serde(borrow, default)]
    pub id: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub function: Option<WireFunction<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct WireFunction<'a> {
    #[serde(borrow, default)]
    pub name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub arguments: Option<Args<'a>>,
}

/// Tool-call arguments: a JSON text fragment, or (some local servers) the object itself.
#[derive(Debug)]
pub struct Args<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Args<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Args<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("argument text or an arguments object")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Args(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Args(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Args(Cow::Owned(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let v = Value::deserialize(MapAccessDeserializer::new(map))?;
                Ok(Args(Cow::Owned(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let v = Value::deserialize(SeqAccessDeserializer::new(seq))?;
                Ok(Args(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct WireUsage {
    #[serde(default, alias = "input_tokens")]
    pub prompt_tokens: Option<Count>,
    #[serde(default, alias = "output_tokens")]
    pub completion_tokens: Option<Count>,
    #[serde(default)]
    pub prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    pub completion_tokens_details: Option<CompletionDetails>,
    /// DeepSeek's name for cached input.
    #[serde(default)]
    pub prompt_cache_hit_tokens: Option<Count>,
    /// OpenRouter: what the request cost, in USD.
    #[serde(default)]
    pub cost: Option<Amount>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PromptDetails {
    #[serde(default)]
    pub cached_tokens: Option<Count>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CompletionDetails {
    #[serde(default)]
    pub reasoning_tokens: Option<Count>,
}

/// Groq repeats usage under `x_groq.usage`.
#[derive(Debug, Default, Deserialize)]
pub struct XGroq {
    #[serde(default)]
    pub usage: Option<WireUsage>,
}
