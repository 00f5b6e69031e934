-- Juxta history, schema 1. Timestamps are milliseconds since the Unix epoch (UTC).
-- JSON columns hold the serde form of the engine's types (see store/model.rs).

CREATE TABLE comparisons (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    pinned      INTEGER NOT NULL DEFAULT 0,
    -- Soft delete: set when the user deletes, cleared by restore; purge removes the row.
    deleted_at  INTEGER
);
-- The history list: pinned first, then most recently updated.
CREATE INDEX comparisons_listed ON comparisons (pinned DESC, updated_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE panes (
    id             INTEGER PRIMARY KEY,
    comparison_id  INTEGER NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    provider       TEXT    NOT NULL,
    model          TEXT    NOT NULL,
    settings       TEXT    NOT NULL DEFAULT '{}',
    rating         INTEGER CHECK (rating BETWEEN 1 AND 5),
    note           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX panes_by_comparison ON panes (comparison_id, position);

CREATE TABLE turns (
    id             INTEGER PRIMARY KEY,
    comparison_id  INTEGER NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    prompt         TEXT    NOT NULL,
    system         TEXT    NOT NULL DEFAULT '',
    params         TEXT    NOT NULL DEFAULT '{}',
    only_pane      INTEGER REFERENCES panes (id) ON DELETE SET NULL
);
CREATE INDEX turns_by_comparison ON turns (comparison_id, created_at);

CREATE TABLE answers (
    id              INTEGER PRIMARY KEY,
    turn_id         INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
    pane_id         INTEGER NOT NULL REFERENCES panes (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL
                    CHECK (status IN ('streaming', 'done', 'stopped', 'failed', 'interrupted')),
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    text            TEXT    NOT NULL DEFAULT '',
    reasoning       TEXT    NOT NULL DEFAULT '',
    tool_calls      TEXT    NOT NULL DEFAULT '[]',
    -- The PaneReport without text, reasoning and tool calls (kept once, in their own columns).
    -- JSON, deflated into a BLOB against a preset dictionary (plain TEXT JSON is read too).
    report          BLOB,
    -- The SentRequest of the last attempt (key already redacted by the runner); JSON, deflated.
    -- Strings of its body equal to a prompt or system of the comparison, or to an ended answer
    -- of the pane, are stored as references to them (store/refs.rs): those never change.
    request         BLOB,
    provider_state  TEXT,
    -- The StoreWriter streaming into this answer; its lock file tells whether it is alive.
    writer          TEXT
);
CREATE INDEX answers_by_turn ON answers (turn_id);
CREATE INDEX answers_by_pane ON answers (pane_id);
CREATE INDEX answers_streaming ON answers (writer) WHERE status = 'streaming';

-- Full-text search: external-content FTS5 tables (the text is stored once, in its own table),
-- kept in sync by the triggers below. Answers are indexed once they stop streaming, so the
-- writer's flushes every 250 ms do not re-index a growing text.

CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title, content = 'comparisons', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE prompts_fts USING fts5 (
    prompt, content = 'turns', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE answers_fts USING fts5 (
    text, content = 'answers', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER titles_fts_insert AFTER INSERT ON comparisons BEGIN
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER titles_fts_delete AFTER DELETE ON comparisons BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER titles_fts_update AFTER UPDATE OF title ON comparisons WHEN old.title IS NOT new.title BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER prompts_fts_insert AFTER INSERT ON turns BEGIN
    INSERT INTO prompts_fts (rowid, prompt) VALUES (new.id, new.prompt);
END;
CREATE TRIGGER prompts_fts_delete AFTER DELETE ON turns BEGIN
    INSERT INTO prompts_fts (prompts_fts, rowid, prompt) VALUES ('delete', old.id, old.prompt);
END;
CREATE TRIGGER prompts_fts_update AFTER UPDATE OF prompt ON turns WHEN old.prompt IS NOT new.prompt BEGIN
    INSERT INTO prompts_fts (prompts_fts, rowid, prompt) VALUES ('delete', old.id, old.prompt);
    INSERT INTO prompts_fts (rowid, prompt) VALUES (new.id, new.prompt);
END;

CREATE TRIGGER answers_fts_insert AFTER INSERT ON answers WHEN new.status <> 'streaming' BEGIN
    INSERT INTO answers_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER answers_fts_delete AFTER DELETE ON answers WHEN old.status <> 'streaming' BEGIN
    INSERT INTO answers_fts (answers_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- One trigger for both halves: the old entry must be deleted before the new one is added.
CREATE TRIGGER answers_fts_update AFTER UPDATE OF text, status ON answers
WHEN old.text IS NOT new.text OR (old.status = 'streaming') <> (new.status = 'streaming') BEGIN
    INSERT INTO answers_fts (answers_fts, rowid, text)
        SELECT 'delete', old.id, old.text WHERE old.status <> 'streaming';
    INSERT INTO answers_fts (rowid, text)
        SELECT new.id, new.text WHERE new.status <> 'streaming';
END;
