//! History at scale: 10,000 comparisons (2 turns × 4 panes + 2 prompts = 100,000 messages) of
//! deterministic pseudo-text with a Zipf-like vocabulary, seeded through `Store::import_all`.
//! Measures: full-text search p95 over 50 varied queries (goal < 30 ms), opening the store and
//! the first page of 100 summaries (goal < 100 ms), bytes per message after a checkpoint
//! (goal < 2 KB). `cargo bench -p juxta-engine --bench history` (figures in BENCHMARKS.md).
//! Exits non-zero if any step fails.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use juxta_engine::event::FinishReason;
use juxta_engine::request::Params;
use juxta_engine::run::{Attempt, MappingAction, MappingReport, Metrics, PaneReport, UsageOut};
use juxta_engine::store::{Answer, AnswerStatus, Comparison, PaneRecord, PaneSettings, SentRequest, Store, Turn};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

const COMPARISONS: usize = 10_000;
const PANES: usize = 4;
const TURNS: usize = 2;
const BATCH: usize = 1_000;
const SEARCH_ROUNDS: usize = 5;

const COMMON: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "with", "be", "on", "this", "are", "by",
    "or", "can", "you", "an", "from", "which", "use", "when", "each", "model", "data", "function", "value", "example",
    "code", "returns", "request", "answer", "first", "more", "time", "other", "about", "these", "into", "only",
    "because", "string", "number", "error", "result", "memory", "thread", "server", "client", "token", "stream",
    "file", "list", "table", "query", "index", "cache", "rust", "python", "type", "trait", "async", "await", "loop",
    "array", "vector", "matrix", "gradient", "network", "layer", "train", "test", "language", "english", "french",
    "history", "science", "energy", "water", "planet", "light", "music", "market", "price", "policy", "system",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tor", "vis", "an", "el", "qua", "ser", "dan", "pho", "tri", "mun", "gel", "hax", "bo",
    "zi", "nu", "pra", "sel", "vor", "im", "ost", "cal", "bri", "dre", "fen", "gu", "lyn",
];

/// Words by rank, and cumulative Zipf weights to draw them with.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(size: usize, rng: &mut StdRng) -> Vocabulary {
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size {
            let n = rng.random_range(2..=4);
            let word: String = (0..n).map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())]).collect();
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(1.05);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn draw(&self, rng: &mut StdRng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.random_range(0.0..total);
        let i = self.cumulative.partition_point(|&c| c < x).min(self.words.len() - 1);
        &self.words[i]
    }

    /// Prose of about `chars` characters: sentences, some bullet lists, now and then code.
    fn text(&self, rng: &mut StdRng, chars: usize) -> String {
        let mut out = String::with_capacity(chars + 64);
        while out.len() < chars {
            match rng.random_range(0..10) {
                0 => {
                    for _ in 0..rng.random_range(2..5) {
                        out.push_str("- ");
                        self.sentence(rng, &mut out, 4..9);
                        out.push('\n');
                    }
                }
                1 => {
                    let (f, a) = (self.draw(rng).to_string(), self.draw(rng).to_string());
                    out.push_str(&format!("```rust\nfn {f}({a}: u32) -> u32 {{ {a} * 2 }}\n```\n"));
                }
                _ => {
                    self.sentence(rng, &mut out, 8..22);
                    out.push(' ');
                }
            }
        }
        out
    }

    fn sentence(&self, rng: &mut StdRng, out: &mut String, words: std::ops::Range<usize>) {
        let n = rng.random_range(words);
        for i in 0..n {
            let w = self.draw(rng);
            if i == 0 {
                let mut c = w.chars();
                if let Some(first) = c.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(w);
            }
        }
        out.push('.');
    }
}

fn report(provider: &str, model: &str, text: String, rng: &mut StdRng) -> PaneReport {
    let mut r = PaneReport::new(provider, model);
    let out = (text.len() / 4) as u64;
    r.text = text;
    r.served_model = Some(format!("{model}-2025-01-01"));
    r.finish_reason = Some(FinishReason::Stop);
    r.raw_finish_reason = Some("stop".into());
    r.usage = Some(UsageOut {
        input_tokens: rng.random_range(20..400),
        output_tokens: out,
        reasoning_tokens: 0,
        cached_tokens: 0,
    });
    let ttft = rng.random_range(150.0..900.0_f64).round();
    r.metrics = Metrics {
        ttft_ms: Some(ttft),
        total_ms: Some(ttft + 2500.0),
        output_tokens_per_s: Some(61.3),
        estimated: false,
    };
    r.cost_usd = Some(out as f64 * 0.000_01);
    r.attempts =
        vec![Attempt { provider: provider.into(), model: model.into(), status: Some(200), error: None, waited_ms: 0 }];
    let mut mapping = MappingReport::default();
    mapping.push(
        "max_output_tokens",
        MappingAction::Renamed,
        Some(json!(1024)),
        Some(json!("max_completion_tokens")),
        "this model family",
    );
    r.mapping = mapping;
    r
}

/// The request as the runner would have sent it: the whole conversation so far.
fn request(model: &str, system: &str, history: &[(&str, &str)], prompt: &str) -> SentRequest {
    let mut messages = vec![json!({"role": "system", "content": system})];
    for (q, a) in history {
        messages.push(json!({"role": "user", "content": q}));
        messages.push(json!({"role": "assistant", "content": a}));
    }
    messages.push(json!({"role": "user", "content": prompt}));
    SentRequest {
        url: "https://api.example.com/v1/chat/completions".into(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("authorization".into(), "Bearer [redacted …a1b2]".into()),
        ],
        body: json!({"model": model, "messages": messages, "stream": true, "stream_options": {"include_usage": true}, "max_completion_tokens": 1024}),
    }
}

fn comparison(i: usize, vocab: &Vocabulary, rng: &mut StdRng) -> Comparison {
    const MODELS: [(&str, &str); 6] = [
        ("openai", "gpt-4o"),
        ("anthropic", "claude-sonnet-4"),
        ("gemini", "gemini-2.5-pro"),
        ("groq", "llama-3.3-70b"),
        ("mistral", "mistral-large"),
        ("openrouter", "deepseek-r1"),
    ];
    let created = 1_700_000_000_000 + i as i64 * 60_000;
    let panes: Vec<PaneRecord> = (0..PANES)
        .map(|p| {
            let (provider, model) = MODELS[(i + p) % MODELS.len()];
            PaneRecord {
                id: p as i64 + 1,
                provider: provider.into(),
                model: model.into(),
                settings: PaneSettings::default(),
                rating: None,
                note: String::new(),
            }
        })
        .collect();
    let system = "You are a helpful assistant.";
    let mut turns = Vec::with_capacity(TURNS);
    let mut previous: Vec<(String, String)> = vec![Default::default(); PANES];
    for t in 0..TURNS {
        let len = rng.random_range(40..200);
        let prompt = vocab.text(rng, len);
        let answers = (0..PANES)
            .map(|p| {
                let len = rng.random_range(300..1500);
                let text = vocab.text(rng, len);
                let history: Vec<(&str, &str)> =
                    if t == 0 { vec![] } else { vec![(previous[p].0.as_str(), previous[p].1.as_str())] };
                let req = request(&panes[p].model, system, &history, &prompt);
                let answer = Answer {
                    id: 0,
                    pane_id: p as i64 + 1,
                    status: AnswerStatus::Done,
                    started_at: created + t as i64 * 30_000,
                    finished_at: Some(created + t as i64 * 30_000 + 3_000),
                    request: Some(req),
                    report: report(&panes[p].provider, &panes[p].model, text.clone(), rng),
                    provider_state: None,
                };
                previous[p] = (prompt.clone(), text);
                answer
            })
            .collect();
        turns.push(Turn {
            id: t as i64 + 1,
            created_at: created + t as i64 * 30_000,
            prompt,
            system: system.into(),
            params: Params { temperature: Some(0.7), ..Default::default() },
            only_pane: None,
            answers,
        });
    }
    let title: String = turns[0].prompt.chars().take(60).collect();
    Comparison {
        id: 0,
        title,
        created_at: created,
        updated_at: created + 60_000,
        pinned: i.is_multiple_of(500),
        panes,
        turns,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn file_bytes(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

/// 50 queries: frequent, mid-frequency and rare words, pairs, prefixes as typed, and misses.
fn queries(vocab: &Vocabulary, rng: &mut StdRng) -> Vec<String> {
    let word = |range: std::ops::Range<usize>, rng: &mut StdRng| vocab.words[rng.random_range(range)].clone();
    let mut q = Vec::new();
    for _ in 0..10 {
        q.push(word(10..120, rng));
    }
    for _ in 0..12 {
        q.push(word(200..3_000, rng));
    }
    for _ in 0..12 {
        q.push(word(5_000..vocab.words.len(), rng));
    }
    for _ in 0..8 {
        q.push(format!("{} {}", word(50..1_000, rng), word(500..5_000, rng)));
    }
    for _ in 0..5 {
        let w = word(300..3_000, rng);
        q.push(w.chars().take(4).collect());
    }
    q.extend(["zzzqqq".to_string(), "\"unbalanced NEAR -x".to_string(), "the model".to_string()]);
    q
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    // JUXTA_HISTORY_BENCH_DIR keeps the seeded file there for a closer look.
    let dir_path = std::env::var_os("JUXTA_HISTORY_BENCH_DIR").map(std::path::PathBuf::from);
    let path = dir_path.as_deref().unwrap_or(dir.path()).join("history.db");
    if path.exists() {
        return Err(format!("{} exists already", path.display()).into());
    }
    let mut rng = StdRng::seed_from_u64(0x4a55_5854_4121);
    let vocab = Vocabulary::new(20_000, &mut rng);

    let started = Instant::now();
    let mut text_bytes = 0usize;
    {
        let store = Store::open(&path)?.store;
        for batch in 0..COMPARISONS / BATCH {
            let items: Vec<Comparison> = (0..BATCH).map(|i| comparison(batch * BATCH + i, &vocab, &mut rng)).collect();
            text_bytes += items
                .iter()
                .flat_map(|c| &c.turns)
                .map(|t| t.prompt.len() + t.answers.iter().map(|a| a.report.text.len()).sum::<usize>())
                .sum::<usize>();
            store.import_all(&items)?;
        }
        store.checkpoint()?;
    }
    let seeding = started.elapsed();
    let messages = COMPARISONS * TURNS * (PANES + 1);
    let bytes = file_bytes(&path);
    println!("seeded {COMPARISONS} comparisons, {messages} messages in {:.1} s", seeding.as_secs_f64());
    println!(
        "file size: {:.1} MB (db + wal + shm after a checkpoint) = {:.0} bytes per message (goal < 2048); text alone {:.0} bytes per message",
        bytes as f64 / 1e6,
        bytes as f64 / messages as f64,
        text_bytes as f64 / messages as f64
    );

    // Opening: a fresh process opens the file (integrity check, migrations, recovery) and
    // shows the first page of the list.
    let mut opens = Vec::new();
    let mut firsts = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let store = Store::open(&path)?.store;
        let opened = t.elapsed();
        let page = store.list(100, 0)?;
        if page.len() != 100 {
            return Err(format!("the first page has {} summaries", page.len()).into());
        }
        opens.push(opened);
        firsts.push(t.elapsed());
    }
    opens.sort();
    firsts.sort();
    println!(
        "open + first page of 100 summaries: p50 {}, max {} (goal < 100 ms); of which open {}",
        ms(percentile(&firsts, 0.5)),
        ms(*firsts.last().unwrap_or(&Duration::ZERO)),
        ms(percentile(&opens, 0.5))
    );

    let store = Store::open(&path)?.store;
    let mut pages = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        store.list(100, 0)?;
        pages.push(t.elapsed());
    }
    pages.sort();
    println!(
        "first page of 100 summaries on an open store: p50 {}, p95 {}",
        ms(percentile(&pages, 0.5)),
        ms(percentile(&pages, 0.95))
    );

    let qs = queries(&vocab, &mut rng);
    let mut times = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    let mut hits = 0usize;
    for round in 0..SEARCH_ROUNDS {
        for q in &qs {
            let t = Instant::now();
            let found = store.search(q, 20)?;
            let took = t.elapsed();
            if round == 0 {
                hits += found.len();
            }
            if took > worst.0 {
                worst = (took, q.clone());
            }
            times.push(took);
        }
    }
    times.sort();
    println!(
        "search ({} queries × {SEARCH_ROUNDS}, 20 hits each at most, {hits} hits in one round): p50 {}, p95 {} (goal < 30 ms), max {} for {:?}",
        qs.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(worst.0),
        worst.1
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("history bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}
