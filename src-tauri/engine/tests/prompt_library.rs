//! The prompt library on a real file: save and update by name, inputs tables, variants per model
//! (upserted per label), filters by text and tag, delete cascading to variants, reopening.

use juxta_engine::request::{Params, ReasoningEffort};
use juxta_engine::store::{PromptDraft, PromptFilter, PromptInputs, Store, StoreError, VariantDraft};

fn open(path: &std::path::Path) -> Store {
    Store::open(path).expect("the store opens").store
}

fn draft(name: &str, tags: &[&str], user: &str) -> PromptDraft {
    PromptDraft {
        name: name.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        system: "You are terse.".into(),
        user: user.into(),
        inputs: PromptInputs::default(),
    }
}

fn variant(prompt_id: i64, provider: &str, model: &str, label: &str, temperature: f64) -> VariantDraft {
    VariantDraft {
        prompt_id,
        provider: provider.into(),
        model: model.into(),
        label: label.into(),
        system: Some(format!("system for {model}")),
        user: None,
        params: Params { temperature: Some(temperature), ..Default::default() },
        note: String::new(),
    }
}

fn filter(text: &str, tag: &str) -> PromptFilter {
    PromptFilter { text: text.into(), tag: tag.into() }
}

#[test]
fn a_prompt_is_saved_updated_by_name_and_kept_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let id = {
        let store = open(&path);
        let mut d = draft("Translate", &["lang"], "Translate {{text}} into {{lang}}");
        d.inputs = PromptInputs {
            columns: vec!["text".into(), "lang".into()],
            rows: vec![vec!["hello".into(), "French".into()], vec!["cat".into(), "German".into()]],
        };
        let saved = store.save_prompt(&d).unwrap();
        assert_eq!(saved.name, "Translate");
        assert_eq!(saved.inputs.rows.len(), 2);

        // The same name in another case updates it (and takes the new spelling); no second prompt.
        let mut again = draft("translate", &["lang", "daily"], "Translate {{text}} to {{lang}} please");
        again.inputs = d.inputs.clone();
        let updated = store.save_prompt(&again).unwrap();
        assert_eq!(updated.id, saved.id);
        assert_eq!(updated.name, "translate");
        assert_eq!(updated.user, "Translate {{text}} to {{lang}} please");
        assert_eq!(updated.tags, vec!["lang", "daily"]);
        assert_eq!(updated.created_at, saved.created_at);
        assert!(updated.updated_at >= saved.updated_at);
        assert_eq!(store.list_prompts(&PromptFilter::default()).unwrap().len(), 1);
        saved.id
    };
    let store = open(&path);
    let back = store.get_prompt(id).unwrap().expect("still there after reopening");
    assert_eq!(back.inputs.columns, vec!["text", "lang"]);
    assert_eq!(back.inputs.rows[1], vec!["cat", "German"]);
}

#[test]
fn bad_drafts_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("h.db"));
    let err = store.save_prompt(&draft("   ", &[], "x")).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("name is empty")), "{err}");
    let mut ragged = draft("Ragged", &[], "{{a}} {{b}}");
    ragged.inputs = PromptInputs { columns: vec!["a".into(), "b".into()], rows: vec![vec!["only one".into()]] };
    let err = store.save_prompt(&ragged).unwrap_err();
    assert!(err.to_string().contains("row 1 of the test inputs has 1 cells for 2 columns"), "{err}");
    let err = store.save_variant(&variant(999, "openai", "gpt-4o", "", 0.2)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { what: "prompt", id: 999 }), "{err}");
    assert!(store.list_prompts(&PromptFilter::default()).unwrap().is_empty());
}

#[test]
fn variants_are_kept_per_model_and_label_and_saving_again_updates_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("h.db"));
    let p = store.save_prompt(&draft("Summarise", &[], "Summarise {{doc}}")).unwrap();
    let a = store.save_variant(&variant(p.id, "openai", "gpt-4o", "", 0.2)).unwrap();
    let b = store.save_variant(&variant(p.id, "openrouter", "anthropic/claude-sonnet-4", "", 0.7)).unwrap();
    let c = store.save_variant(&variant(p.id, "openai", "gpt-4o", "cold", 0.0)).unwrap();
    assert_eq!(b.model, "anthropic/claude-sonnet-4", "a model id with '/' stays whole");
    // Same prompt, target and label: an update of `a`, not a fourth variant.
    let mut hot = variant(p.id, "openai", "gpt-4o", "", 1.2);
    hot.params.reasoning_effort = Some(ReasoningEffort::High);
    hot.note = "warmer".into();
    let a2 = store.save_variant(&hot).unwrap();
    assert_eq!(a2.id, a.id);
    assert_eq!(a2.params.temperature, Some(1.2));
    assert_eq!(a2.note, "warmer");

    let got = store.get_prompt(p.id).unwrap().unwrap();
    let keys: Vec<(&str, &str, &str)> =
        got.variants.iter().map(|v| (v.provider.as_str(), v.model.as_str(), v.label.as_str())).collect();
    assert_eq!(
        keys,
        vec![("openai", "gpt-4o", ""), ("openai", "gpt-4o", "cold"), ("openrouter", "anthropic/claude-sonnet-4", "")]
    );
    assert_eq!(got.variants[0].params.reasoning_effort, Some(ReasoningEffort::High));
    assert_eq!(got.variants[0].system.as_deref(), Some("system for gpt-4o"));
    assert_eq!(got.variants[0].user, None);
    assert_eq!(store.list_prompts(&PromptFilter::default()).unwrap()[0].variants, 3);

    store.delete_variant(c.id).unwrap();
    assert_eq!(store.get_prompt(p.id).unwrap().unwrap().variants.len(), 2);
    assert!(matches!(store.delete_variant(c.id), Err(StoreError::NotFound { .. })));
}

#[test]
fn the_list_filters_by_text_and_by_tag() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("h.db"));
    store.save_prompt(&draft("Code review", &["Dev", "review"], "Review this diff")).unwrap();
    store.save_prompt(&draft("Haiku", &["fun"], "Write a haiku about {{topic}}")).unwrap();
    store.save_prompt(&draft("Bug triage", &["dev"], "Is this 100% a bug?")).unwrap();

    let names = |f: PromptFilter| -> Vec<String> {
        let mut n: Vec<String> = store.list_prompts(&f).unwrap().into_iter().map(|s| s.name).collect();
        n.sort();
        n
    };
    assert_eq!(names(filter("", "dev")), vec!["Bug triage", "Code review"], "tags match in any case");
    assert_eq!(names(filter("", "rev")), Vec::<String>::new(), "a tag filter is a whole tag");
    assert_eq!(names(filter("haiku", "")), vec!["Haiku"]);
    assert_eq!(names(filter("TOPIC", "")), vec!["Haiku"], "the prompt text is searched too");
    assert_eq!(names(filter("review diff", "")), vec!["Code review"], "every word must match");
    assert_eq!(names(filter("100%", "")), vec!["Bug triage"], "% is literal");
    assert_eq!(names(filter("fun", "")), vec!["Haiku"], "tags are searched as text");
    assert_eq!(names(filter("review", "fun")), Vec::<String>::new());
    let haiku = store.list_prompts(&filter("haiku", "")).unwrap().remove(0);
    assert_eq!(haiku.preview, "Write a haiku about {{topic}}");
}

#[test]
fn deleting_a_prompt_deletes_its_variants() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let store = open(&path);
    let p = store.save_prompt(&draft("Gone", &[], "bye")).unwrap();
    store.save_variant(&variant(p.id, "openai", "gpt-4o", "", 0.2)).unwrap();
    store.save_variant(&variant(p.id, "anthropic", "claude", "", 0.4)).unwrap();
    store.delete_prompt(p.id).unwrap();
    assert!(store.get_prompt(p.id).unwrap().is_none());
    assert!(matches!(store.delete_prompt(p.id), Err(StoreError::NotFound { what: "prompt", .. })));
    let left: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM prompt_variants", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}
