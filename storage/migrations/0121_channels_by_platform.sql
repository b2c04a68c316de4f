-- A province may have a Telegram channel and a Bale channel for each purpose; all of them get the posts.
-- SQLite cannot change a primary key in place, so the table is rebuilt (every existing channel is Telegram's).
CREATE TABLE channels_by_platform (
    scope      TEXT NOT NULL CHECK (scope = 'all' OR scope GLOB 'IR-[0-9][0-9]'),
    purpose    TEXT NOT NULL DEFAULT 'stats' CHECK (purpose IN ('stats', 'showcase')),
    platform   TEXT NOT NULL DEFAULT 'telegram' CHECK (platform IN ('telegram', 'bale')),
    chat_id    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT 'fa' CHECK (language IN ('fa', 'en')),
    failing    INTEGER NOT NULL DEFAULT 0 CHECK (failing IN (0, 1)),  -- the last post failed (removed, not found)
    last_error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (scope, purpose, platform),
    CHECK (purpose = 'stats' OR scope <> 'all')
);
INSERT INTO channels_by_platform (scope, purpose, platform, chat_id, title, language, failing, last_error, updated_at)
    SELECT scope, purpose, 'telegram', chat_id, title, language, failing, last_error, updated_at FROM channels;
DROP TABLE channels;
ALTER TABLE channels_by_platform RENAME TO channels;
