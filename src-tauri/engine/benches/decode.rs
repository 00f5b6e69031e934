//! Decoder throughput: MB/s of provider SSE turned into neutral events on one core.
//! `cargo bench -p juxta-engine --bench decode` (figures in BENCHMARKS.md).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use juxta_engine::protocol::{decode_all, Protocol};

/// A long answer the way each protocol streams it: one small delta per event, as providers do.
fn stream(protocol: Protocol, events: usize) -> Vec<u8> {
    let mut out = String::with_capacity(events * 260);
    let words = ["The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog. ", "`code` ", "**bold** ", "\\n"];
    match protocol {
        Protocol::OpenAiChat => {
            for i in 0..events {
                out.push_str(&format!(
                    "data: {{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_0123456789\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{}\"}},\"logprobs\":null,\"finish_reason\":null}}],\"usage\":null}}\n\n",
                    words[i % words.len()]
                ));
            }
            out.push_str("data: {\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
            out.push_str("data: [DONE]\n\n");
        }
        Protocol::Anthropic => {
            out.push_str("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n");
            out.push_str("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
            for i in 0..events {
                out.push_str(&format!(
                    "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{}\"}}}}\n\n",
                    words[i % words.len()]
                ));
            }
            out.push_str("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
            out.push_str("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":100}}\n\n");
            out.push_str("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        }
        Protocol::OpenAiResponses => {
            out.push_str("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_01\",\"status\":\"in_progress\",\"model\":\"gpt-4o-2024-08-06\",\"output\":[],\"usage\":null}}\n\n");
            out.push_str("event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"msg_01\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}\n\n");
            for i in 0..events {
                out.push_str(&format!(
                    "event: response.output_text.delta\ndata: {{\"type\":\"response.output_text.delta\",\"sequence_number\":{},\"item_id\":\"msg_01\",\"output_index\":0,\"content_index\":0,\"delta\":\"{}\",\"logprobs\":[]}}\n\n",
                    i + 2,
                    words[i % words.len()]
                ));
            }
            out.push_str("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_01\",\"status\":\"completed\",\"model\":\"gpt-4o-2024-08-06\",\"usage\":{\"input_tokens\":10,\"output_tokens\":100}}}\n\n");
        }
        Protocol::Gemini => {
            for i in 0..events {
                let finish = if i + 1 == events { ",\"finishReason\":\"STOP\"" } else { "" };
                out.push_str(&format!(
                    "data: {{\"candidates\": [{{\"content\": {{\"parts\": [{{\"text\": \"{}\"}}],\"role\": \"model\"}}{finish}}}],\"usageMetadata\": {{\"promptTokenCount\": 10,\"candidatesTokenCount\": {i},\"totalTokenCount\": {}}},\"modelVersion\": \"gemini-2.0-flash\"}}\r\n\r\n",
                    words[i % words.len()],
                    i + 10
                ));
            }
        }
        Protocol::Ollama => {
            for i in 0..events {
                out.push_str(&format!(
                    "{{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:00.123456789Z\",\"message\":{{\"role\":\"assistant\",\"content\":\"{}\"}},\"done\":false}}\n",
                    words[i % words.len()]
                ));
            }
            out.push_str("{\"model\":\"llama3.2\",\"created_at\":\"2025-06-01T10:00:09Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":100,\"eval_duration\":900000000}\n");
        }
    }
    out.into_bytes()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for protocol in [Protocol::OpenAiChat, Protocol::Anthropic, Protocol::Gemini, Protocol::Ollama, Protocol::OpenAiResponses] {
        let body = stream(protocol, 20_000);
        // Sanity: the stream decodes to an answer and a clean finish.
        let events = decode_all(protocol, &body);
        assert!(matches!(events.last(), Some(juxta_engine::StreamEvent::Finish { .. })), "{protocol:?}: {:?}", events.last());
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(protocol.as_str(), |b| b.iter(|| decode_all(protocol, black_box(&body))));
        // The same body as it arrives from a socket: in 1.4 KB reads.
        group.bench_function(format!("{}-in-1400-byte-reads", protocol.as_str()), |b| {
            b.iter(|| {
                let mut d = protocol.adapter().decoder();
                let mut out = Vec::new();
                for piece in body.chunks(1400) {
                    d.feed(black_box(piece), &mut out);
                    out.clear();
                }
                d.finish(&mut out);
                out
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
