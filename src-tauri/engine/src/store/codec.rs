//! How values are written to columns and read back. Reading is lenient: a damaged JSON column
//! falls back to the default (with a warning) instead of making a whole comparison unreadable.

use rusqlite::types::ValueRef;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::model::AnswerStatus;
use super::StoreError;

pub(crate) fn status_str(status: AnswerStatus) -> &'static str {
    match status {
        AnswerStatus::Streaming => "streaming",
        AnswerStatus::Done => "done",
        AnswerStatus::Stopped => "stopped",
        AnswerStatus::Failed => "failed",
        AnswerStatus::Interrupted => "interrupted",
    }
}

pub(crate) fn parse_status(s: &str) -> AnswerStatus {
    match s {
        "streaming" => AnswerStatus::Streaming,
        "done" => AnswerStatus::Done,
        "stopped" => AnswerStatus::Stopped,
        "failed" => AnswerStatus::Failed,
        // The CHECK constraint allows nothing else; a hand-edited file shows as cut short.
        _ => AnswerStatus::Interrupted,
    }
}

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(format!("could not encode a history value: {e}")))
}

/// Decode a JSON column; `what` names it in the warning.
pub(crate) fn from_json<T: DeserializeOwned + Default>(text: &str, what: &str) -> T {
    from_json_opt(Some(text), what).unwrap_or_default()
}

pub(crate) fn from_json_opt<T: DeserializeOwned>(text: Option<&str>, what: &str) -> Option<T> {
    let text = text?;
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(column = what, error = %e, "unreadable value in the history; using the default");
            None
        }
    }
}

/// A packed JSON value that inflates beyond this is treated as damaged (no memory bombs).
const MAX_INFLATED: usize = 256 * 1024 * 1024;

/// A preset dictionary for deflate: the keys and boilerplate of reports and requests. A packed
/// value is a few hundred bytes, too short for deflate to learn its own keys; with them given
/// up front a typical report packs to 125 bytes instead of 328. Most frequent strings last
/// (nearer, cheaper to refer to). Never change it: every stored BLOB was packed against it (a new one needs a format tag).
/// A BLOB deflated without a dictionary reads the same (it never refers back beyond its start).
const DICTIONARY: &[u8] = r#"{"type":"text","text":"tool_use","tool_calls":[{"id":"call_","type":"function","function":{"name":"arguments":"{}"}}],"thinking":{"type":"enabled","budget_tokens":"reasoning_effort":"top_p":"top_k":"stop":"seed":"response_format":"json_schema","tools":"tool_choice":"auto","parts":[{"text":"role":"model","contents":[{"role":"user","parts":"systemInstruction":"generationConfig":{"maxOutputTokens":"temperature":"thinkingConfig":{"thinkingBudget":"includeThoughts":true},"system":"max_tokens":"anthropic-version","2023-06-01"],["x-api-key","[redacted …"],["x-goog-api-key","https://generativelanguage.googleapis.com/v1beta/models/:streamGenerateContent?alt=sse","https://api.anthropic.com/v1/messages","https://openrouter.ai/api/v1/chat/completions","https://api.openai.com/v1/chat/completions","headers":[["content-type","application/json"],["authorization","Bearer [redacted …"]],"body":{"max_completion_tokens":"messages":[{"content":"role":"system"},{"content":{"$juxta_ref":"system:"},"role":"user"},{"content":{"$juxta_ref":"answer:"},"role":"assistant"},{"content":{"$juxta_ref":"prompt:"},"role":"user"}],"model":"stream":true,"stream_options":{"include_usage":true}}}
{"provider":"model":"served_model":"served_by":null,"substituted":false,"text":"","reasoning":"","tool_calls":[],"finish_reason":"stop","raw_finish_reason":"stop","usage":{"input_tokens":"output_tokens":"reasoning_tokens":0,"cached_tokens":0},"metrics":{"ttft_ms":"total_ms":"output_tokens_per_s":"estimated":false},"cost_usd":"attempts":[{"provider":"model":"status":200,"error":null,"waited_ms":0}],"mapping":[{"param":"max_output_tokens","action":"renamed","from":"to":"max_completion_tokens","reason":"error":null}"#.as_bytes();

/// JSON deflated into a BLOB (against [`DICTIONARY`]): reports repeat their keys, requests
/// their boilerplate. Text columns stay plain: full-text search reads them.
pub(crate) fn pack_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StoreError> {
    use miniz_oxide::deflate::core::TDEFLStatus::{Done, Okay};
    use miniz_oxide::deflate::core::{compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush};
    let json = to_json(value)?;
    // Deflate the dictionary, then the value: the value may refer back into the dictionary. The
    // sync flush ends the dictionary's part on a byte boundary, where the value's part starts.
    let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(6, 0, 0));
    let mut out = vec![0; DICTIONARY.len() + json.len() + 64];
    let mut skip = None;
    let (mut input, mut flush, mut pos) = (DICTIONARY, TDEFLFlush::Sync, 0);
    loop {
        let (status, used, written) = compress(&mut compressor, input, &mut out[pos..], flush);
        pos += written;
        input = &input[used..];
        match status {
            Done => break,
            Okay if input.is_empty() && skip.is_none() && pos < out.len() => {
                (skip, input, flush) = (Some(pos), json.as_bytes(), TDEFLFlush::Finish);
            }
            Okay => {
                if out.len() - pos < 64 {
                    out.resize(out.len() * 2, 0);
                }
            }
            _ => return Err(StoreError::Invalid("could not deflate a history value".into())),
        }
    }
    out.truncate(pos);
    Ok(out.split_off(skip.unwrap_or(0)))
}

/// Inflate a BLOB written by [`pack_json`]: the output starts with the dictionary, so that
/// the value's back references into it resolve.
pub(crate) fn inflate(packed: &[u8]) -> Result<Vec<u8>, miniz_oxide::inflate::TINFLStatus> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let mut out = DICTIONARY.to_vec();
    out.resize(DICTIONARY.len() + packed.len() * 3 + 64, 0);
    let (mut input, mut pos) = (packed, DICTIONARY.len());
    let mut decompressor = Box::<DecompressorOxide>::default();
    loop {
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (status, used, written) = decompress(&mut decompressor, input, &mut out, pos, flags);
        pos += written;
        input = &input[used.min(input.len())..];
        match status {
            TINFLStatus::Done => {
                out.truncate(pos);
                return Ok(out.split_off(DICTIONARY.len()));
            }
            TINFLStatus::HasMoreOutput if out.len() - DICTIONARY.len() < MAX_INFLATED => {
                out.resize((out.len() * 2).min(DICTIONARY.len() + MAX_INFLATED), 0)
            }
            status => return Err(status),
        }
    }
}

/// Read a JSON column written by [`pack_json`] (a BLOB) or by hand (TEXT); NULL is None.
pub(crate) fn unpack_json<T: DeserializeOwned>(value: ValueRef<'_>, what: &str) -> Option<T> {
    match value {
        ValueRef::Text(text) => from_json_opt(std::str::from_utf8(text).ok(), what),
        ValueRef::Blob(packed) => match inflate(packed) {
            Ok(bytes) => from_json_opt(std::str::from_utf8(&bytes).ok(), what),
            Err(status) => {
                tracing::warn!(column = what, error = ?status, "damaged packed value in the history; using the default");
                None
            }
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_unknown_reads_as_interrupted() {
        for s in [
            AnswerStatus::Streaming,
            AnswerStatus::Done,
            AnswerStatus::Stopped,
            AnswerStatus::Failed,
            AnswerStatus::Interrupted,
        ] {
            assert_eq!(parse_status(status_str(s)), s);
        }
        assert_eq!(parse_status("exploded"), AnswerStatus::Interrupted);
    }

    #[test]
    fn packed_json_round_trips_and_damage_reads_as_none() {
        let value = serde_json::json!({"messages": ["hello hello hello hello hello"]});
        let packed = pack_json(&value).unwrap();
        assert!(packed.len() < value.to_string().len());
        assert_eq!(unpack_json::<serde_json::Value>(ValueRef::Blob(&packed), "t"), Some(value.clone()));
        let text = value.to_string();
        assert_eq!(unpack_json::<serde_json::Value>(ValueRef::Text(text.as_bytes()), "t"), Some(value));
        assert_eq!(unpack_json::<serde_json::Value>(ValueRef::Blob(b"\xff\x00garbage"), "t"), None);
        assert_eq!(unpack_json::<serde_json::Value>(ValueRef::Null, "t"), None);
        // Longer than the first guess of the output size, and deflated without the dictionary.
        let long = serde_json::json!({"messages": (0..5000).map(|i| format!("m{i}")).collect::<Vec<_>>()});
        assert_eq!(
            unpack_json::<serde_json::Value>(ValueRef::Blob(&pack_json(&long).unwrap()), "t"),
            Some(long.clone())
        );
        let plain = miniz_oxide::deflate::compress_to_vec(long.to_string().as_bytes(), 6);
        assert_eq!(unpack_json::<serde_json::Value>(ValueRef::Blob(&plain), "t"), Some(long));
    }

    #[test]
    fn the_dictionary_shrinks_a_report() {
        let mut report = crate::run::PaneReport::new("openai", "gpt-4o");
        report.usage =
            Some(crate::run::UsageOut { input_tokens: 12, output_tokens: 34, reasoning_tokens: 0, cached_tokens: 0 });
        let packed = pack_json(&report).unwrap();
        let plain = miniz_oxide::deflate::compress_to_vec(to_json(&report).unwrap().as_bytes(), 6);
        assert!(packed.len() * 2 < plain.len(), "{} bytes with the dictionary, {} without", packed.len(), plain.len());
        assert_eq!(unpack_json(ValueRef::Blob(&packed), "t"), Some(report));
    }

    #[test]
    fn damaged_json_falls_back_to_the_default() {
        let v: Vec<u32> = from_json("[1, 2", "test");
        assert!(v.is_empty());
        let v: Vec<u32> = from_json("[1,2]", "test");
        assert_eq!(v, vec![1, 2]);
    }
}
