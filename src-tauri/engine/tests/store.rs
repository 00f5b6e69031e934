//! The history store end to end on real files: migrations, damaged and newer files, the list,
//! get, edits, import, full-text search, the writer thread, crash recovery with a real SIGKILL,
//! and no key in any byte of the database.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use juxta_engine::event::FinishReason;
use juxta_engine::request::Params;
use juxta_engine::run::{
    Attempt, MappingAction, MappingReport, Metrics, PaneError, PaneReport, RunEvent, ToolCallOut, UsageOut,
};
use juxta_engine::store::migrate::{latest, MIGRATIONS};
use juxta_engine::store::{
    Answer, AnswerStatus, Comparison, NewTurn, PaneRecord, PaneSettings, SentRequest, Store, StoreError, StoreWriter,
    TargetRef, Turn,
};
use juxta_engine::ErrorKind;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Helpers

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.db");
    (dir, path)
}

fn open(path: &Path) -> Store {
    let opened = Store::open(path).expect("the history opens");
    assert!(opened.notice.is_none(), "unexpected notice: {:?}", opened.notice);
    opened.store
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw connection")
}

fn user_version(path: &Path) -> i64 {
    raw(path).pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
}

fn report(provider: &str, model: &str, text: &str) -> PaneReport {
    let mut r = PaneReport::new(provider, model);
    r.text = text.to_string();
    r.finish_reason = Some(FinishReason::Stop);
    r
}

fn answer(pane_id: i64, text: &str) -> Answer {
    Answer {
        id: 0,
        pane_id,
        status: AnswerStatus::Done,
        started_at: 1_700_000_000_000,
        finished_at: Some(1_700_000_001_000),
        request: None,
        report: report("p", "m", text),
        provider_state: None,
    }
}

fn pane(id: i64, provider: &str, model: &str) -> PaneRecord {
    PaneRecord {
        id,
        provider: provider.into(),
        model: model.into(),
        settings: PaneSettings::default(),
        rating: None,
        note: String::new(),
    }
}

/// A one-turn comparison with one answer per text, created at `at`.
fn simple(title: &str, prompt: &str, answers: &[&str], at: i64) -> Comparison {
    let panes: Vec<PaneRecord> =
        (0..answers.len() as i64).map(|i| pane(i + 1, "mock", &format!("model-{i}"))).collect();
    let turn = Turn {
        id: 1,
        created_at: at,
        prompt: prompt.into(),
        system: String::new(),
        params: Params::default(),
        only_pane: None,
        answers: answers.iter().enumerate().map(|(i, t)| answer(i as i64 + 1, t)).collect(),
    };
    Comparison { id: 0, title: title.into(), created_at: at, updated_at: at, pinned: false, panes, turns: vec![turn] }
}

/// Everything a comparison can hold: two panes with settings, rating and note; two turns, the
/// second to one pane only; reports with usage, metrics, cost, attempts, mapping, errors, tool
/// calls, reasoning; requests; provider state.
fn rich() -> Comparison {
    let mut settings = PaneSettings { system: Some("Be terse.".into()), ..Default::default() };
    settings.params.temperature = Some(0.25);
    settings.params.max_output_tokens = Some(512);
    settings.fallbacks.push(TargetRef { provider: "backup".into(), model: "b-1".into() });
    let panes = vec![
        PaneRecord {
            id: 10,
            provider: "openai".into(),
            model: "gpt-x".into(),
            settings,
            rating: Some(4),
            note: "good".into(),
        },
        PaneRecord {
            id: 20,
            provider: "anthropic".into(),
            model: "claude-y".into(),
            settings: PaneSettings::default(),
            rating: None,
            note: String::new(),
        },
    ];
    let mut full = report("openai", "gpt-x", "Bonjour, hola, hallo.");
    full.served_model = Some("gpt-x-2025".into());
    full.reasoning = "Three languages were asked for.".into();
    full.tool_calls =
        vec![ToolCallOut { id: "call_1".into(), name: "lookup".into(), arguments: json!({"q": "hello"}), check: None }];
    full.usage = Some(UsageOut { input_tokens: 12, output_tokens: 34, reasoning_tokens: 5, cached_tokens: 2 });
    full.metrics =
        Metrics { ttft_ms: Some(123.5), total_ms: Some(987.25), output_tokens_per_s: Some(41.5), estimated: false };
    full.cost_usd = Some(0.0125);
    full.attempts = vec![Attempt {
        provider: "openai".into(),
        model: "gpt-x".into(),
        status: Some(200),
        error: None,
        waited_ms: 0,
    }];
    let mut mapping = MappingReport::default();
    mapping.push(
        "max_output_tokens",
        MappingAction::Renamed,
        Some(json!(512)),
        Some(json!("max_completion_tokens")),
        "newer models",
    );
    full.mapping = mapping;
    let mut failed = report("anthropic", "claude-y", "partial");
    failed.finish_reason = Some(FinishReason::Error);
    failed.error = Some(PaneError {
        kind: ErrorKind::Server,
        status: Some(500),
        message: "upstream broke".into(),
        retryable: true,
    });
    let request = SentRequest {
        url: "https://api.example/v1/chat/completions".into(),
        headers: vec![("authorization".into(), "Bearer [redacted …abcd]".into())],
        body: json!({"model": "gpt-x", "stream": true}),
    };
    let first = Turn {
        id: 100,
        created_at: 1_700_000_000_000,
        prompt: "Say hello in three languages.".into(),
        system: "You are helpful.".into(),
        params: Params { temperature: Some(0.7), ..Default::default() },
        only_pane: None,
        answers: vec![
            Answer {
                id: 1000,
                pane_id: 10,
                status: AnswerStatus::Done,
                started_at: 1_700_000_000_100,
                finished_at: Some(1_700_000_001_100),
                request: Some(request),
                report: full,
                provider_state: Some(json!({"thinking_signature": "sig=="})),
            },
            Answer {
                id: 1001,
                pane_id: 20,
                status: AnswerStatus::Failed,
                started_at: 1_700_000_000_100,
                finished_at: Some(1_700_000_000_900),
                request: None,
                report: failed,
                provider_state: None,
            },
        ],
    };
    let mut stopped = report("anthropic", "claude-y", "Again: hallo");
    stopped.finish_reason = Some(FinishReason::Cancelled);
    let second = Turn {
        id: 101,
        created_at: 1_700_000_100_000,
        prompt: "Only you: again, in German.".into(),
        system: "You are helpful.".into(),
        params: Params::default(),
        only_pane: Some(20),
        answers: vec![Answer {
            id: 1002,
            pane_id: 20,
            status: AnswerStatus::Stopped,
            started_at: 1_700_000_100_100,
            finished_at: None,
            request: None,
            report: stopped,
            provider_state: None,
        }],
    };
    Comparison {
        id: 7,
        title: "Greetings".into(),
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_200_000,
        pinned: true,
        panes,
        turns: vec![first, second],
    }
}

/// The comparison with every id replaced by its position, so that two copies compare equal.
fn without_ids(c: &Comparison) -> Comparison {
    let mut c = c.clone();
    let pane_pos =
        |id: i64, panes: &[PaneRecord]| panes.iter().position(|p| p.id == id).map(|i| i as i64 + 1).unwrap_or(-1);
    let old_panes = c.panes.clone();
    c.id = 0;
    for (i, p) in c.panes.iter_mut().enumerate() {
        p.id = i as i64 + 1;
    }
    for (ti, t) in c.turns.iter_mut().enumerate() {
        t.id = ti as i64 + 1;
        t.only_pane = t.only_pane.map(|id| pane_pos(id, &old_panes));
        for (ai, a) in t.answers.iter_mut().enumerate() {
            a.id = ai as i64 + 1;
            a.pane_id = pane_pos(a.pane_id, &old_panes);
        }
    }
    c
}

fn text_event(text: &str) -> RunEvent {
    RunEvent::Text { text: text.into() }
}

fn done_event(report: PaneReport) -> RunEvent {
    RunEvent::Done { report: Box::new(report) }
}

/// Start a writer with one comparison of `panes` panes and one turn; returns the ids.
fn writer_with_turn(path: &Path, panes: usize) -> (StoreWriter, i64, Vec<i64>, Vec<i64>) {
    let w = StoreWriter::start(path).expect("writer starts");
    let c = w.create_comparison("recorded").unwrap();
    let pane_ids: Vec<i64> =
        (0..panes).map(|i| w.add_pane(c, "mock", &format!("m{i}"), &PaneSettings::default()).unwrap()).collect();
    let (_, answers) = w
        .begin_turn(c, NewTurn { prompt: "Count to a hundred.".into(), panes: pane_ids.clone(), ..Default::default() })
        .unwrap();
    (w, c, pane_ids, answers)
}

fn answer_of(store: &Store, comparison: i64) -> Answer {
    store.get(comparison).unwrap().expect("comparison").turns[0].answers[0].clone()
}

// ---------------------------------------------------------------------------------------------
// Opening, migrations, damaged and newer files

#[test]
fn opening_creates_folders_and_a_wal_database_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep/er/history.db");
    let store = open(&path);
    assert!(path.exists());
    assert_eq!(user_version(&path), latest());
    let mode: String = raw(&path).query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let page_size: i64 = raw(&path).query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page_size, 16384);
    assert!(store.list(10, 0).unwrap().is_empty());
}

#[test]
fn an_empty_file_is_migrated_from_version_0() {
    let (_dir, path) = temp_db();
    std::fs::write(&path, b"").unwrap();
    assert_eq!(user_version(&path), 0);
    let store = open(&path);
    assert_eq!(user_version(&path), latest());
    let id = store.import(&simple("first", "hello", &["world"], 1)).unwrap();
    assert_eq!(store.get(id).unwrap().unwrap().title, "first");
}

#[test]
fn a_version_1_database_with_data_survives_open() {
    let (_dir, path) = temp_db();
    {
        // A database as schema 1 left it, made by running only the first migration.
        let conn = raw(&path);
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO comparisons (id, title, created_at, updated_at) VALUES (5, 'old one', 10, 20);
             INSERT INTO panes (id, comparison_id, position, provider, model) VALUES (6, 5, 0, 'openai', 'gpt-old');
             INSERT INTO turns (id, comparison_id, created_at, prompt) VALUES (7, 5, 10, 'an old question');
             INSERT INTO answers (id, turn_id, pane_id, status, started_at, text) VALUES (8, 7, 6, 'done', 11, 'an old answer');",
        )
        .unwrap();
    }
    let store = open(&path);
    assert_eq!(user_version(&path), latest());
    let c = store.get(5).unwrap().expect("the old comparison is still there");
    assert_eq!(c.title, "old one");
    assert_eq!(c.panes[0].model, "gpt-old");
    assert_eq!(c.turns[0].prompt, "an old question");
    let a = &c.turns[0].answers[0];
    assert_eq!((a.status, a.report.text.as_str()), (AnswerStatus::Done, "an old answer"));
    // Rows written by hand without a report get a default one for their pane.
    assert_eq!(a.report.model, "gpt-old");
    assert_eq!(store.search("old answer", 5).unwrap().len(), 1, "the search index came with the data");
}

#[test]
fn a_newer_database_is_refused_and_left_unchanged() {
    let (dir, path) = temp_db();
    {
        let conn = raw(&path);
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE future (x); INSERT INTO future VALUES (1);")
            .unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let listing = |d: &Path| {
        let mut names: Vec<String> =
            std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    let files_before = listing(dir.path());
    let err = Store::open(&path).err().expect("refused");
    assert!(
        matches!(err, StoreError::Newer { found, known, .. } if found == latest() + 1 && known == latest()),
        "{err:?}"
    );
    let message = err.to_string();
    let want = format!(
        "this history was written by a newer Juxta (schema {}, this build knows {}): update Juxta; the file was not changed",
        latest() + 1,
        latest()
    );
    assert!(message.contains(&want), "{message}");
    assert!(message.contains(&path.display().to_string()), "names the file: {message}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte changed");
    assert_eq!(listing(dir.path()), files_before, "nothing set aside or created");
    assert!(StoreWriter::start(&path).is_err(), "the writer refuses it too");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

fn corrupt_files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("history.db.corrupt-"))
        .collect();
    found.sort();
    found
}

#[test]
fn a_garbage_file_is_set_aside_kept_and_a_new_history_started() {
    let (dir, path) = temp_db();
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    std::fs::write(dir.path().join("history.db-wal"), b"not a wal either").unwrap();
    let opened = Store::open(&path).expect("a fresh history is started");
    let notice = opened.notice.expect("the user is told");
    let kept = corrupt_files(dir.path());
    assert_eq!(kept.len(), 2, "the file and its -wal are kept: {kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), garbage, "kept byte for byte");
    assert!(kept[1].to_string_lossy().ends_with("-wal"));
    assert_eq!(std::fs::read(&kept[1]).unwrap(), b"not a wal either");
    assert!(notice.contains(&kept[0].display().to_string()), "{notice}");
    // The new history works.
    let id = opened.store.import(&simple("fresh", "q", &["a"], 1)).unwrap();
    assert_eq!(opened.store.list(10, 0).unwrap()[0].id, id);
    drop(opened.store);
    // And opens cleanly next time.
    open(&path);
    assert_eq!(corrupt_files(dir.path()).len(), 2);
}

#[test]
fn a_database_that_fails_its_integrity_check_is_set_aside() {
    let (dir, path) = temp_db();
    {
        let store = open(&path);
        let many: Vec<Comparison> =
            (0..200).map(|i| simple(&format!("c{i}"), "prompt words", &["answer words"; 3], i)).collect();
        store.import_all(&many).unwrap();
        store.checkpoint().unwrap();
    }
    // Scribble over a page of the comparisons table (one the list reads; checked at open).
    let (page, size): (i64, i64) = raw(&path)
        .query_row(
            "SELECT pageno, pgsize FROM dbstat WHERE name = 'comparisons' AND pagetype = 'leaf' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (start, size) = ((page - 1) as usize * size as usize, size as usize);
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[start..start + size] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let opened = Store::open(&path).expect("a fresh history is started");
    assert!(opened.notice.is_some());
    assert!(opened.store.list(10, 0).unwrap().is_empty());
    let kept = corrupt_files(dir.path());
    assert_eq!(std::fs::read(&kept[0]).unwrap(), bytes, "the damaged file is kept as it was");
}

// ---------------------------------------------------------------------------------------------
// get, import, list, edits

#[test]
fn import_then_get_gives_back_everything_but_the_ids() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let input = rich();
    let first = store.import(&input).unwrap();
    let second = store.import(&input).unwrap();
    assert_ne!(first, second);
    let a = store.get(first).unwrap().unwrap();
    let b = store.get(second).unwrap().unwrap();
    assert_eq!(without_ids(&a), without_ids(&input));
    assert_eq!(without_ids(&b), without_ids(&input));
    // New ids, consistent with each other.
    let pane_ids: Vec<i64> = b.panes.iter().map(|p| p.id).collect();
    assert!(a.panes.iter().all(|p| !pane_ids.contains(&p.id)));
    assert_eq!(b.turns[1].only_pane, Some(b.panes[1].id));
    assert!(b.turns.iter().flat_map(|t| &t.answers).all(|a| pane_ids.contains(&a.pane_id)));
    assert!(store.get(9_999).unwrap().is_none());
}

#[test]
fn import_refuses_answers_of_panes_that_are_not_there() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let mut c = simple("broken", "q", &["a"], 1);
    c.turns[0].answers[0].pane_id = 77;
    let err = store.import(&c).unwrap_err();
    assert!(err.to_string().contains("pane 77"), "{err}");
    assert!(store.list(10, 0).unwrap().is_empty(), "nothing half-imported");
}

#[test]
fn list_shows_pinned_first_then_the_most_recent_and_pages() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let ids: Vec<i64> =
        (0..5).map(|i| store.import(&simple(&format!("c{i}"), "q", &["a", "b"], 1000 + i)).unwrap()).collect();
    store.set_pinned(ids[1], true).unwrap();
    let list = store.list(10, 0).unwrap();
    let order: Vec<i64> = list.iter().map(|s| s.id).collect();
    assert_eq!(order, vec![ids[1], ids[4], ids[3], ids[2], ids[0]]);
    assert!(list[0].pinned && !list[1].pinned);
    assert_eq!(list[1].models, vec!["mock:model-0", "mock:model-1"]);
    assert_eq!(list[1].turns, 1);
    let page: Vec<i64> = store.list(2, 2).unwrap().iter().map(|s| s.id).collect();
    assert_eq!(page, vec![ids[3], ids[2]]);
    // An edit is an update: it moves up.
    store.rename(ids[0], "renamed").unwrap();
    assert_eq!(store.list(2, 0).unwrap()[1].id, ids[0]);
}

#[test]
fn edits_change_what_get_returns_and_bad_ones_are_refused() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let id = store.import(&simple("before", "q", &["a", "b"], 1)).unwrap();
    let panes: Vec<i64> = store.get(id).unwrap().unwrap().panes.iter().map(|p| p.id).collect();
    store.rename(id, "after").unwrap();
    store.set_pinned(id, true).unwrap();
    store.rate_pane(panes[0], Some(5)).unwrap();
    store.rate_pane(panes[1], Some(1)).unwrap();
    store.rate_pane(panes[1], None).unwrap();
    store.set_pane_note(panes[0], "the best one").unwrap();
    let settings = PaneSettings { system: Some("Pirate voice".into()), ..Default::default() };
    store.update_pane_settings(panes[1], &settings).unwrap();
    let c = store.get(id).unwrap().unwrap();
    assert_eq!(c.title, "after");
    assert!(c.pinned);
    assert_eq!((c.panes[0].rating, c.panes[1].rating), (Some(5), None));
    assert_eq!(c.panes[0].note, "the best one");
    assert_eq!(c.panes[1].settings, settings);
    for bad in [0, 6, 255] {
        let err = store.rate_pane(panes[0], Some(bad)).unwrap_err();
        assert!(err.to_string().contains("1 to 5"), "{err}");
    }
    assert_eq!(store.get(id).unwrap().unwrap().panes[0].rating, Some(5), "a refused rating changes nothing");
    assert!(matches!(store.rename(424242, "x"), Err(StoreError::NotFound { what: "comparison", .. })));
    assert!(matches!(store.set_pane_note(424242, "x"), Err(StoreError::NotFound { what: "pane", .. })));
}

#[test]
fn delete_hides_everywhere_restore_undoes_and_purge_is_for_good() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let keep = store.import(&simple("keep", "zebra question", &["zebra answer"], 1)).unwrap();
    let gone = store.import(&simple("gone", "zebra question", &["zebra answer"], 2)).unwrap();
    store.delete(gone).unwrap();
    assert!(store.get(gone).unwrap().is_none());
    assert_eq!(store.list(10, 0).unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), vec![keep]);
    assert_eq!(store.search("zebra", 10).unwrap().iter().map(|h| h.summary.id).collect::<Vec<_>>(), vec![keep]);
    store.restore(gone).unwrap();
    assert!(store.get(gone).unwrap().is_some());
    assert_eq!(store.search("zebra", 10).unwrap().len(), 2);
    store.delete(gone).unwrap();
    assert_eq!(store.purge_deleted().unwrap(), 1);
    assert!(matches!(store.restore(gone), Err(StoreError::NotFound { .. })));
    let rows: i64 = raw(&path).query_row("SELECT count(*) FROM answers", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1, "the purged comparison's answers are gone too");
    assert_eq!(store.search("zebra", 10).unwrap().len(), 1, "and out of the index");
}

// ---------------------------------------------------------------------------------------------
// Search

#[test]
fn search_ranks_five_mentions_above_one() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let filler = "the model wrote some words about weather and trains and other things today";
    let once = format!("{filler} kestrel {filler} {filler}");
    let five = format!("kestrel {filler} kestrel kestrel {filler} kestrel kestrel");
    // The one mentioning it once is newer, so recency alone would put it first.
    let five_id = store.import(&simple("a", "birds", &[&five], 1)).unwrap();
    let once_id = store.import(&simple("b", "birds", &[&once], 2)).unwrap();
    for i in 0..5 {
        store.import(&simple("other", "unrelated", &[filler], 10 + i)).unwrap();
    }
    let hits = store.search("kestrel", 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.summary.id).collect::<Vec<_>>(), vec![five_id, once_id]);
    let snippet = &hits[1].snippet;
    assert!(snippet.iter().any(|p| p.hit && p.text == "kestrel"), "{snippet:?}");
    assert!(snippet.iter().any(|p| !p.hit && p.text.contains("weather")), "context around the hit: {snippet:?}");
}

#[test]
fn search_finds_titles_and_prompts_and_prefixes_as_you_type() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let by_title = store.import(&simple("Quarterly marmalade report", "q", &["nothing here"], 1)).unwrap();
    let by_prompt = store.import(&simple("t", "Explain photosynthesis simply", &["plants"], 2)).unwrap();
    let hit = &store.search("marmalade", 5).unwrap()[0];
    assert_eq!(hit.summary.id, by_title);
    assert!(hit.snippet.iter().any(|p| p.hit && p.text == "marmalade"), "{:?}", hit.snippet);
    assert_eq!(store.search("photosynthesis", 5).unwrap()[0].summary.id, by_prompt);
    // The last word is a prefix while typing, a whole word once followed by a space.
    assert_eq!(store.search("explain photosyn", 5).unwrap().len(), 1);
    assert!(store.search("explain photosyn ", 5).unwrap().is_empty());
    // Every word must match.
    assert!(store.search("photosynthesis marmalade", 5).unwrap().is_empty());
}

#[test]
fn search_handles_unicode_words() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let id = store.import(&simple("Café", "Что такое данные?", &["Die Straße ist naïve; 日本語 テキスト"], 1)).unwrap();
    for q in ["данные", "Straße", "naive", "naïve", "cafe", "日本語", "ДАННЫЕ"] {
        let hits = store.search(q, 5).unwrap();
        assert_eq!(hits.iter().map(|h| h.summary.id).collect::<Vec<_>>(), vec![id], "query {q:?}");
    }
}

#[test]
fn search_input_is_never_a_syntax_error() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    store.import(&simple("t", "NEAR the end - a star * and \"quotes\"", &["answer"], 1)).unwrap();
    for q in [
        "\"",
        "\"\"",
        "\"unbalanced",
        "a\"b",
        "-",
        "--x",
        "*",
        "**",
        "NEAR",
        "NEAR(a b)",
        "a NEAR b",
        "AND",
        "OR NOT",
        "(",
        ")",
        "^",
        "col:umn",
        "{x}",
        "a+b",
        "🙂",
        "   ",
        "",
        "end -",
        "star *",
    ] {
        if let Err(e) = store.search(q, 5) {
            panic!("query {q:?} failed: {e}");
        }
    }
    assert_eq!(store.search("\"quotes\"", 5).unwrap().len(), 1);
    assert_eq!(store.search("NEAR", 5).unwrap().len(), 1, "NEAR is a word here");
    assert_eq!(store.search("end -", 5).unwrap().len(), 1);
}

#[test]
fn search_ties_go_to_the_newest() {
    let (_dir, path) = temp_db();
    let store = open(&path);
    let old = store.import(&simple("t", "q", &["identical ocelot text"], 1)).unwrap();
    let new = store.import(&simple("t", "q", &["identical ocelot text"], 2)).unwrap();
    let ids: Vec<i64> = store.search("ocelot", 5).unwrap().iter().map(|h| h.summary.id).collect();
    assert_eq!(ids, vec![new, old]);
    assert_eq!(store.search("ocelot", 1).unwrap().len(), 1, "the limit holds");
}

// ---------------------------------------------------------------------------------------------
// The writer

#[test]
fn a_recorded_run_reads_back_whole() {
    let (_dir, path) = temp_db();
    let (w, c, panes, answers) = writer_with_turn(&path, 3);
    let request = RunEvent::Request {
        attempt: 0,
        provider: "mock".into(),
        model: "m0".into(),
        url: "http://127.0.0.1:1/v1/chat/completions".into(),
        headers: vec![("authorization".into(), "Bearer [redacted …9999]".into())],
        body: json!({"stream": true}),
        mapping: MappingReport::default(),
    };
    for a in &answers {
        w.record(*a, &request);
        w.record(*a, &RunEvent::Reasoning { text: "thinking".into() });
        w.record(*a, &text_event("Hel"));
        w.record(*a, &text_event("lo"));
        w.record(*a, &RunEvent::Raw { text: "data: {...}".into() });
    }
    let mut ok = report("mock", "m0", "Hello");
    ok.reasoning = "thinking".into();
    ok.tool_calls = vec![ToolCallOut { id: "t1".into(), name: "f".into(), arguments: json!({}), check: None }];
    ok.usage = Some(UsageOut { input_tokens: 3, output_tokens: 2, reasoning_tokens: 0, cached_tokens: 0 });
    ok.provider_state = Some(json!({"sig": "s1"}));
    let mut stopped = report("mock", "m1", "Hello");
    stopped.finish_reason = Some(FinishReason::Cancelled);
    stopped.error =
        Some(PaneError { kind: ErrorKind::Cancelled, status: None, message: "stopped".into(), retryable: false });
    let mut failed = report("mock", "m2", "Hello");
    failed.error =
        Some(PaneError { kind: ErrorKind::Truncated, status: Some(200), message: "cut".into(), retryable: false });
    w.record(answers[0], &done_event(ok.clone()));
    w.record(answers[1], &done_event(stopped));
    w.record(answers[2], &done_event(failed));
    w.flush().unwrap();
    assert!(w.last_error().is_none());

    let store = open(&path);
    let got = store.get(c).unwrap().unwrap();
    assert_eq!(got.panes.iter().map(|p| p.id).collect::<Vec<_>>(), panes);
    assert_eq!(got.turns.len(), 1);
    let turn = &got.turns[0];
    assert_eq!(turn.prompt, "Count to a hundred.");
    let statuses: Vec<AnswerStatus> = turn.answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, vec![AnswerStatus::Done, AnswerStatus::Stopped, AnswerStatus::Failed]);
    let first = &turn.answers[0];
    assert_eq!(first.id, answers[0]);
    let mut want = ok.clone();
    want.provider_state = None; // kept beside the report, not in it
    assert_eq!(first.report, want);
    assert_eq!(first.provider_state, Some(json!({"sig": "s1"})));
    assert!(first.finished_at.is_some_and(|f| f >= first.started_at));
    let sent = first.request.as_ref().expect("the request is kept");
    assert_eq!(sent.headers[0].1, "Bearer [redacted …9999]");
    assert!(got.updated_at >= first.started_at);
    assert_eq!(store.search("hello", 5).unwrap().len(), 1, "finished answers are searchable");
}

/// Three turns to two panes, each request carrying the conversation so far (as the runner
/// sends it), plus contents that look like the references the store uses.
#[test]
fn a_multi_turn_conversation_reads_back_exactly_as_it_was_sent_and_imports_the_same() {
    let (_dir, path) = temp_db();
    let w = StoreWriter::start(&path).unwrap();
    let c = w.create_comparison("a long talk").unwrap();
    let panes: Vec<i64> =
        (0..2).map(|i| w.add_pane(c, "mock", &format!("m{i}"), &PaneSettings::default()).unwrap()).collect();
    let system = "You are a helpful assistant who answers at length.";
    let mut history: Vec<Vec<(String, String)>> = vec![Vec::new(); panes.len()];
    let mut sent = std::collections::HashMap::new();
    let mut first_answer = String::new();
    for t in 0..3 {
        let prompt = format!("Question {t}: tell me more about the history of tea, please.");
        let turn =
            NewTurn { prompt: prompt.clone(), system: system.into(), panes: panes.clone(), ..Default::default() };
        let (turn_id, answers) = w.begin_turn(c, turn).unwrap();
        for (p, a) in answers.iter().enumerate() {
            let mut messages = vec![json!({"role": "system", "content": system})];
            for (q, r) in &history[p] {
                messages.push(json!({"role": "user", "content": q}));
                messages.push(json!({"role": "assistant", "content": [{"type": "text", "text": r}]}));
            }
            messages.push(json!({"role": "user", "content": prompt}));
            // Real contents that look like references come back as they were.
            messages.push(json!({"role": "user", "content": {"$juxta_ref": format!("prompt:{turn_id}")}}));
            messages.push(json!({"role": "user", "content": {"$juxta_ref": {"$juxta_ref": "answer:1"}}}));
            messages.push(json!({"role": "user", "content": format!("prompt:{turn_id}")}));
            let body = json!({"model": format!("m{p}"), "messages": messages, "stream": true});
            let request = RunEvent::Request {
                attempt: 0,
                provider: "mock".into(),
                model: format!("m{p}"),
                url: "http://127.0.0.1:1/v1/chat/completions".into(),
                headers: vec![("authorization".into(), "Bearer [redacted …9999]".into())],
                body: body.clone(),
                mapping: MappingReport::default(),
            };
            let text = format!("Answer {t} of pane {p}: tea was first drunk in China, long ago, as a medicine.");
            w.record(*a, &request);
            w.record(*a, &text_event(&text));
            w.record(*a, &done_event(report("mock", &format!("m{p}"), &text)));
            if first_answer.is_empty() {
                first_answer = text.clone();
            }
            history[p].push((prompt.clone(), text));
            sent.insert(*a, body);
        }
        w.flush().unwrap();
    }
    drop(w);

    let store = open(&path);
    let got = store.get(c).unwrap().unwrap();
    let requests = |c: &Comparison| -> Vec<serde_json::Value> {
        c.turns.iter().flat_map(|t| &t.answers).map(|a| a.request.clone().expect("a request").body).collect()
    };
    for answer in got.turns.iter().flat_map(|t| &t.answers) {
        assert_eq!(answer.request.as_ref().map(|r| &r.body), sent.get(&answer.id), "answer {}", answer.id);
    }
    // Stored by reference: the last request holds none of the earlier texts.
    let stored_last = |store: &Store, c: &Comparison| -> String {
        let last = c.turns[2].answers[0].id;
        let blob: Vec<u8> =
            raw(store.path()).query_row("SELECT request FROM answers WHERE id = ?1", [last], |r| r.get(0)).unwrap();
        String::from_utf8(juxta_engine::store::inflate_value(&blob).expect("a packed request")).unwrap()
    };
    let stored = stored_last(&store, &got);
    assert!(!stored.contains(&first_answer) && !stored.contains("Question 0") && !stored.contains(system), "{stored}");
    assert!(stored.contains(r#"{"$juxta_ref":"answer:"#), "{stored}");

    // Import encodes the same way, under the new ids.
    let copy = store.get(store.import(&got).unwrap()).unwrap().unwrap();
    assert_eq!(without_ids(&copy), without_ids(&got));
    assert_eq!(requests(&copy), requests(&got));
    let stored = stored_last(&store, &copy);
    assert!(!stored.contains(&first_answer) && stored.contains(r#"{"$juxta_ref":"prompt:"#), "{stored}");
}

#[test]
fn streamed_text_is_saved_within_the_batch_interval_and_a_pane_end_at_once() {
    let (_dir, path) = temp_db();
    let (w, c, _, answers) = writer_with_turn(&path, 1);
    let store = open(&path);
    let started = Instant::now();
    for i in 0..1000 {
        w.record(answers[0], &text_event(&format!("{i} ")));
    }
    assert!(started.elapsed() < Duration::from_millis(100), "record never waits: {:?}", started.elapsed());
    assert_eq!(answer_of(&store, c).report.text, "", "batched, not written per event");
    let saved = poll(Duration::from_secs(3), || answer_of(&store, c).report.text.ends_with("999 "));
    assert!(saved < Duration::from_millis(1000), "saved after {saved:?}");
    let a = answer_of(&store, c);
    assert_eq!(a.status, AnswerStatus::Streaming, "still streaming, owned by a live writer");
    assert!(store.search("999", 5).unwrap().is_empty(), "streaming answers are indexed once they end");
    let ended = Instant::now();
    w.record(answers[0], &done_event(report("mock", "m0", "final")));
    let saved = poll(Duration::from_secs(3), || answer_of(&store, c).status == AnswerStatus::Done);
    assert!(saved < Duration::from_millis(200), "a pane end is saved at once: {saved:?} (since {:?})", ended.elapsed());
    assert_eq!(answer_of(&store, c).report.text, "final");
    // Late events for an ended answer change nothing.
    w.record(answers[0], &text_event("late"));
    w.flush().unwrap();
    assert_eq!(answer_of(&store, c).report.text, "final");
}

/// Wait until `done` holds; returns how long it took (fails after `max`).
fn poll(max: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < max, "gave up after {max:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
    start.elapsed()
}

#[test]
fn a_failing_write_is_reported_retried_and_loses_nothing() {
    let (_dir, path) = temp_db();
    let (w, c, _, answers) = writer_with_turn(&path, 1);
    // Make every answer update fail, the way a full disk would.
    raw(&path)
        .execute_batch("CREATE TRIGGER fail_updates BEFORE UPDATE ON answers BEGIN SELECT RAISE(FAIL, 'disk is full (test)'); END;")
        .unwrap();
    w.record(answers[0], &text_event("kept in memory"));
    let err = w.flush().unwrap_err();
    assert!(err.to_string().contains("disk is full (test)"), "{err}");
    assert!(w.last_error().is_some_and(|e| e.contains("disk is full (test)")));
    w.record(answers[0], &text_event(", then saved"));
    raw(&path).execute_batch("DROP TRIGGER fail_updates;").unwrap();
    w.flush().expect("the next write succeeds");
    assert!(w.last_error().is_none(), "cleared once everything pending is saved");
    assert_eq!(answer_of(&open(&path), c).report.text, "kept in memory, then saved");
}

#[test]
fn two_writers_and_a_reader_share_one_file() {
    let (_dir, path) = temp_db();
    let (a, ca, _, aa) = writer_with_turn(&path, 2);
    let (b, cb, _, ab) = writer_with_turn(&path, 2);
    let store = open(&path);
    for i in 0..200 {
        for (w, ids) in [(&a, &aa), (&b, &ab)] {
            for id in ids {
                w.record(*id, &text_event(&format!("{i} ")));
            }
        }
        if i % 50 == 0 {
            store.list(10, 0).unwrap();
        }
    }
    a.flush().unwrap();
    b.flush().unwrap();
    let want: String = (0..200).map(|i| format!("{i} ")).collect();
    for c in [ca, cb] {
        let got = store.get(c).unwrap().unwrap();
        assert!(got.turns[0].answers.iter().all(|x| x.report.text == want));
    }
    assert!(a.last_error().is_none() && b.last_error().is_none());
}

#[test]
fn begin_turn_checks_its_panes_and_keeps_their_order() {
    let (_dir, path) = temp_db();
    let (w, c, panes, _) = writer_with_turn(&path, 3);
    let other = w.create_comparison("other").unwrap();
    let foreign = w.add_pane(other, "mock", "x", &PaneSettings::default()).unwrap();
    assert!(w.begin_turn(c, NewTurn { panes: vec![panes[0], foreign], ..Default::default() }).is_err());
    assert!(matches!(
        w.begin_turn(c, NewTurn { panes: vec![123456], ..Default::default() }),
        Err(StoreError::NotFound { what: "pane", .. })
    ));
    assert!(matches!(w.add_pane(98765, "p", "m", &PaneSettings::default()), Err(StoreError::NotFound { .. })));
    let reversed = vec![panes[2], panes[0]];
    let (turn, answers) = w
        .begin_turn(
            c,
            NewTurn {
                prompt: "follow-up".into(),
                only_pane: Some(panes[2]),
                panes: reversed.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    let settings = PaneSettings { system: Some("changed".into()), ..Default::default() };
    w.update_pane_settings(panes[1], &settings).unwrap();
    drop(w);
    let got = open(&path).get(c).unwrap().unwrap();
    let t = got.turns.iter().find(|t| t.id == turn).unwrap();
    assert_eq!(t.only_pane, Some(panes[2]));
    // Answers come back in pane order; each id belongs to the pane it was created for.
    assert_eq!(
        t.answers.iter().map(|a| (a.pane_id, a.id)).collect::<Vec<_>>(),
        vec![(panes[0], answers[1]), (panes[2], answers[0])]
    );
    assert_eq!(got.panes[1].settings, settings);
    assert_eq!(got.turns.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Crash safety

#[test]
fn a_live_writers_answers_are_not_marked_interrupted() {
    let (_dir, path) = temp_db();
    let (w, c, _, answers) = writer_with_turn(&path, 1);
    w.record(answers[0], &text_event("still going"));
    w.flush().unwrap();
    for _ in 0..2 {
        let store = open(&path);
        assert_eq!(answer_of(&store, c).status, AnswerStatus::Streaming);
    }
    let other = StoreWriter::start(&path).unwrap();
    drop(other);
    assert_eq!(
        answer_of(&open(&path), c).status,
        AnswerStatus::Streaming,
        "another writer's start does not mark it either"
    );
    // A writer that goes away with answers unfinished marks them itself.
    drop(w);
    let a = answer_of(&open(&path), c);
    assert_eq!((a.status, a.report.text.as_str()), (AnswerStatus::Interrupted, "still going"));
    let writers = path.parent().unwrap().join("writers");
    let left: Vec<_> = std::fs::read_dir(&writers).unwrap().collect();
    assert!(left.is_empty(), "lock files are removed: {left:?}");
}

const CHILD_MODE: &str = "JUXTA_STORE_TEST_CHILD";
const CHILD_DB: &str = "JUXTA_STORE_TEST_DB";

/// Not a test of its own: the child process of the tests below (does nothing unless
/// `JUXTA_STORE_TEST_CHILD` is set).
#[test]
fn child_process_helper() {
    let Ok(mode) = std::env::var(CHILD_MODE) else { return };
    println!(); // ends libtest's "test child_process_helper ... " so our lines start clean
    match mode.as_str() {
        "stream" => child_stream(&PathBuf::from(std::env::var(CHILD_DB).expect("db path"))),
        "default_path" => println!(
            "path {}",
            juxta_engine::store::default_path().map(|p| p.display().to_string()).unwrap_or_default()
        ),
        other => panic!("unknown child mode {other}"),
    }
}

/// Stream "chunk N " every 10 ms into one answer, announcing each chunk before sending it and
/// "saved" once a save reached the disk; runs until killed (or 30 s).
fn child_stream(db: &Path) {
    let (w, c, _, answers) = writer_with_turn(db, 1);
    println!("ids {c} {}", answers[0]);
    let start = Instant::now();
    let mut saved = false;
    for n in 0..3000 {
        println!("sending {n} {}", start.elapsed().as_millis());
        w.record(answers[0], &text_event(&format!("chunk {n} ")));
        if !saved && n % 5 == 0 {
            let store = open(db);
            if !answer_of(&store, c).report.text.is_empty() {
                saved = true;
                println!("saved");
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn spawn_child(mode: &str, envs: &[(&str, &str)]) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args(["--exact", "child_process_helper", "--nocapture", "--test-threads=1"])
        .env(CHILD_MODE, mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.spawn().expect("child starts")
}

#[test]
fn a_writer_killed_mid_stream_leaves_an_interrupted_prefix() {
    let (_dir, path) = temp_db();
    let mut child = spawn_child("stream", &[(CHILD_DB, path.to_str().unwrap())]);
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let mut after_saved = None;
    loop {
        let line = rx.recv_timeout(Duration::from_secs(30)).expect("the child keeps talking");
        let is_sending = line.starts_with("sending ");
        if line == "saved" {
            after_saved = Some(0);
        }
        lines.push(line);
        // Let it stream a while (~150 ms) past its first save, then kill it mid-stream.
        if let Some(n) = after_saved.as_mut().filter(|_| is_sending) {
            *n += 1;
            if *n == 15 {
                break;
            }
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());

    let ids: Vec<i64> =
        lines.iter().find_map(|l| l.strip_prefix("ids ")).unwrap().split(' ').map(|s| s.parse().unwrap()).collect();
    let sent: Vec<(usize, u64)> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("sending "))
        .map(|l| {
            let (n, ms) = l.split_once(' ').unwrap();
            (n.parse().unwrap(), ms.parse().unwrap())
        })
        .collect();
    let store = open(&path);
    let c = store.get(ids[0]).unwrap().expect("the comparison survived");
    let a = &c.turns[0].answers[0];
    assert_eq!(a.id, ids[1]);
    assert_eq!(a.status, AnswerStatus::Interrupted);
    let text = &a.report.text;
    let everything: String = sent.iter().map(|(n, _)| format!("chunk {n} ")).collect();
    assert!(!text.is_empty());
    assert!(everything.starts_with(text.as_str()), "saved text is a prefix of what was sent");
    let saved_chunks = text.matches("chunk ").count();
    let last_ms = sent.last().unwrap().1;
    let lost_ms = sent.get(saved_chunks).map_or(0, |(_, ms)| last_ms - ms);
    println!("killed after {} chunks over {last_ms} ms; {saved_chunks} saved; lost the last {lost_ms} ms", sent.len());
    if let Some((_, first_lost_ms)) = sent.get(saved_chunks) {
        // Only what was sent in the last batch interval (250 ms, plus scheduling slack) is lost.
        assert!(
            last_ms - first_lost_ms <= 500,
            "lost chunks {saved_chunks}..{} sent over the last {} ms",
            sent.len(),
            last_ms - first_lost_ms
        );
    }
    // The dead writer's lock file is gone once its answers were recovered.
    let writers = path.parent().unwrap().join("writers");
    assert_eq!(std::fs::read_dir(writers).unwrap().count(), 0);
}

#[test]
fn default_path_follows_the_environment() {
    let run = |envs: &[(&str, &str)]| {
        let mut child = spawn_child("default_path", envs);
        let mut out = String::new();
        std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
        child.wait().unwrap();
        out.lines().find_map(|l| l.strip_prefix("path ")).unwrap_or_default().to_string()
    };
    assert_eq!(run(&[("JUXTA_DATA_DIR", "/d/j"), ("XDG_DATA_HOME", "/x")]), "/d/j/history.db");
    assert_eq!(run(&[("JUXTA_DATA_DIR", ""), ("XDG_DATA_HOME", "/x")]), "/x/juxta/history.db");
    assert_eq!(
        run(&[("JUXTA_DATA_DIR", ""), ("XDG_DATA_HOME", ""), ("HOME", "/h")]),
        "/h/.local/share/juxta/history.db"
    );
}

// ---------------------------------------------------------------------------------------------
// Keys

/// Every value of every table, BLOBs inflated when they are deflated.
fn every_value_inflated(path: &Path) -> Vec<Vec<u8>> {
    let conn = raw(path);
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => out.push(t.to_vec()),
                    rusqlite::types::ValueRef::Blob(b) => {
                        out.push(juxta_engine::store::inflate_value(b).unwrap_or_else(|| b.to_vec()))
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn a_real_run_through_the_writer_leaves_no_key_in_any_file() {
    const CANARY: &str = "sk-canary-history-5f0c2e9a7b13d846";
    let mock = juxta_mock::MockServer::start_with_key("127.0.0.1:0".parse().unwrap(), common::fixtures_dir(), CANARY)
        .await
        .expect("mock");
    let secrets = std::sync::Arc::new(juxta_engine::secrets::MemoryStore::with(&[("mock-openai", CANARY)]));
    let runner = common::runner_with(secrets);
    let (_dir, path) = temp_db();
    let (w, c, _, answers) = writer_with_turn(&path, 1);
    let spec = common::pane(&mock, juxta_engine::Protocol::OpenAiChat, "normal");
    let mut handle = runner.start_pane(spec, tokio_util::sync::CancellationToken::new());
    let mut events = Vec::new();
    while let Some(event) = handle.events.recv().await {
        w.record(answers[0], &event);
        events.push(event);
    }
    let report = handle.join.await.unwrap();
    assert!(report.error.is_none(), "the key was needed and sent: {:?}", report.error);
    assert!(report.text.len() > 40);
    w.flush().unwrap();

    let files = |p: &Path| -> Vec<u8> {
        ["", "-wal", "-shm"]
            .iter()
            .flat_map(|s| std::fs::read(format!("{}{s}", p.display())).unwrap_or_default())
            .collect()
    };
    let contains = |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());
    let bytes = files(&path);
    let start: String = report.text.chars().take(30).collect();
    assert!(contains(&bytes, &start), "the answer text is in the files, so this search could fail");
    assert!(!contains(&bytes, CANARY), "the key reached the database");
    assert!(!contains(&bytes, &CANARY[3..]), "no part of the key either");
    // Reports and requests are stored deflated: look inside every value too.
    let values = every_value_inflated(&path);
    assert!(values.iter().any(|v| contains(v, "[redacted")), "the request headers were stored, redacted");
    assert!(values.iter().any(|v| contains(v, "\"served_model\"")), "the report was stored");
    assert!(!values.iter().any(|v| contains(v, &CANARY[3..])), "the key is in a stored value");

    drop(w);
    let store = open(&path);
    let a = answer_of(&store, c);
    assert_eq!(a.status, AnswerStatus::Done);
    assert_eq!(a.report.text, report.text);
    store.checkpoint().unwrap();
    assert!(!contains(&files(&path), CANARY), "not after a checkpoint either");
}
