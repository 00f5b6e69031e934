-- The prompt library: saved prompts with their {{variables}} test inputs, and per-model variants
-- (a pane's overrides kept for one provider and model). Timestamps in ms since the Unix epoch.

CREATE TABLE prompts (
    id          INTEGER PRIMARY KEY,
    -- Saving under a name that exists (in any letter case) updates that prompt.
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    -- A JSON array of strings.
    tags        TEXT    NOT NULL DEFAULT '[]',
    system      TEXT    NOT NULL DEFAULT '',
    user        TEXT    NOT NULL DEFAULT '',
    -- The test inputs of the {{variables}}: {"columns": [..], "rows": [[..], ..]}.
    inputs      TEXT    NOT NULL DEFAULT '{"columns":[],"rows":[]}',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX prompts_listed ON prompts (updated_at DESC, id DESC);

CREATE TABLE prompt_variants (
    id          INTEGER PRIMARY KEY,
    prompt_id   INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    -- The target, in two columns: model ids may themselves contain '/' or ':' (openai/gpt-4o).
    provider    TEXT    NOT NULL,
    model       TEXT    NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    -- NULL: the variant follows the prompt's own text.
    system      TEXT,
    user        TEXT,
    -- The pane's parameter overrides (the engine's Params as JSON).
    params      TEXT    NOT NULL DEFAULT '{}',
    note        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (prompt_id, provider, model, label)
);
