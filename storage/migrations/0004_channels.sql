-- Provincial channels that receive the statistics posts; scope is a province code or 'all' (national).
CREATE TABLE channels (
    scope      TEXT PRIMARY KEY CHECK (scope = 'all' OR scope GLOB 'IR-[0-9][0-9]'),
    chat_id    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT 'fa' CHECK (language IN ('fa', 'en')),
    failing    INTEGER NOT NULL DEFAULT 0 CHECK (failing IN (0, 1)),  -- the last post failed (removed, not found)
    last_error TEXT,
    updated_at TEXT NOT NULL
);

