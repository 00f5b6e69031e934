-- Juxta history, schema 2: benchmarks. Timestamps are milliseconds since the Unix epoch (UTC);
-- durations are milliseconds (REAL) from a monotonic clock. JSON columns hold the serde form of
-- the engine's bench types (engine/src/bench/types.rs).

CREATE TABLE benches (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    name        TEXT    NOT NULL DEFAULT '',
    -- BenchPlan (repetitions, concurrency, rps, inputs, retries).
    plan        TEXT    NOT NULL,
    -- Vec<PaneSummary>, one per pane in order.
    summary     TEXT    NOT NULL,
    stopped     INTEGER NOT NULL DEFAULT 0,
    elapsed_ms  REAL    NOT NULL
);
CREATE INDEX benches_listed ON benches (created_at DESC, id DESC);

-- One row per run, in the order they finished (seq).
CREATE TABLE bench_runs (
    bench_id       INTEGER NOT NULL REFERENCES benches (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    pane           INTEGER NOT NULL,
    input          INTEGER,
    rep            INTEGER NOT NULL,
    started_ms     REAL    NOT NULL,
    ok             INTEGER NOT NULL,
    stopped        INTEGER NOT NULL DEFAULT 0,
    error_class    TEXT CHECK (error_class IN ('rate_limited', 'server', 'timeout', 'in_stream', 'other')),
    error          TEXT,
    ttft_ms        REAL,
    total_ms       REAL,
    output_tokens  INTEGER,
    tokens_per_s   REAL,
    cost_usd       REAL,
    retries        INTEGER NOT NULL DEFAULT 0,
    served_model   TEXT,
    substituted    INTEGER NOT NULL DEFAULT 0,
    text           TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (bench_id, seq)
) WITHOUT ROWID;
