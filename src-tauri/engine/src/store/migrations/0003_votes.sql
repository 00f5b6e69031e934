-- Juxta history: blind votes. One row per vote: which answers were compared (in their real pane
-- order) and which one the user preferred, or a tie. The personal leaderboard is computed from
-- these rows (engine rank.rs); nothing derived is stored.

CREATE TABLE votes (
    id             INTEGER PRIMARY KEY,
    created_at     INTEGER NOT NULL,
    -- The comparison and turn voted on, when the run was recorded (not in private mode). A vote
    -- outlives the comparison it came from: the leaderboard keeps counting it.
    comparison_id  INTEGER REFERENCES comparisons (id) ON DELETE SET NULL,
    turn_id        INTEGER REFERENCES turns (id) ON DELETE SET NULL,
    -- JSON: [{"provider", "model", "served_model"?, "pane_label"?}, ...] in pane order.
    candidates     TEXT    NOT NULL,
    -- Index into candidates; NULL for a tie.
    winner         INTEGER CHECK (winner >= 0),
    tie            INTEGER NOT NULL DEFAULT 0 CHECK (tie IN (0, 1)),
    -- The start of the prompt, for the list of recent votes.
    prompt         TEXT    NOT NULL DEFAULT '',
    CHECK ((tie = 1) = (winner IS NULL))
);
-- Ratings replay the votes in time order; the list shows the newest first.
CREATE INDEX votes_by_time ON votes (created_at, id);
CREATE INDEX votes_by_comparison ON votes (comparison_id) WHERE comparison_id IS NOT NULL;
CREATE INDEX votes_by_turn ON votes (turn_id) WHERE turn_id IS NOT NULL;
