//! Transcripts out of history: Markdown, self-contained HTML, lossless JSON (and its import),
//! fine-tuning JSONL and a CSV of metrics. Pure functions from [`crate::store::Comparison`]s.
