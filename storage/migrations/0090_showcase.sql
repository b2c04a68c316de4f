-- The provincial showcase: a second channel per province, product posts by permit holders and buyers' reports.
-- (The holder's post form and an officer's owed reason keep their steps in conversation_steps.)

-- Channels get a purpose: 'stats' (the daily statistics post, every channel so far) or 'showcase' (approved
-- product posts; provinces only). The primary key becomes (scope, purpose), so the table is rebuilt.
CREATE TABLE channels_new (
    scope      TEXT NOT NULL CHECK (scope = 'all' OR scope GLOB 'IR-[0-9][0-9]'),
    purpose    TEXT NOT NULL DEFAULT 'stats' CHECK (purpose IN ('stats', 'showcase')),
    chat_id    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT 'fa' CHECK (language IN ('fa', 'en')),
    failing    INTEGER NOT NULL DEFAULT 0 CHECK (failing IN (0, 1)),
    last_error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (scope, purpose),
    CHECK (purpose = 'stats' OR scope <> 'all')
);
INSERT INTO channels_new (scope, purpose, chat_id, title, language, failing, last_error, updated_at)
    SELECT scope, 'stats', chat_id, title, language, failing, last_error, updated_at FROM channels;
DROP TABLE channels;
ALTER TABLE channels_new RENAME TO channels;

-- A product post: photos (Telegram file_ids, JSON), the name and price as typed and read, how to order.
-- status: pending (awaiting an officer) → approved (in the channel) | refused; approved → withdrawn (by
-- the holder) | taken_down (by an officer); pending → withdrawn.
CREATE TABLE showcase_posts (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (telegram_id),
    application_id INTEGER NOT NULL REFERENCES applications (id),  -- the permit it is posted under
    province_code  TEXT NOT NULL REFERENCES provinces (code),
    name           TEXT NOT NULL,
    price_toman    INTEGER NOT NULL CHECK (price_toman > 0),
    contact_kind   TEXT NOT NULL CHECK (contact_kind IN ('username', 'phone', 'none')),
    contact        TEXT,                       -- the @username or the phone shown; NULL for 'none'
    photos         TEXT NOT NULL CHECK (json_valid(photos)),
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'refused', 'withdrawn', 'taken_down')),
    reason         TEXT,                       -- an officer's refusal or take-down reason
    decided_by     INTEGER,
    submitted_at   TEXT NOT NULL,
    approved_at    TEXT,                       -- the weekly limit counts from here
    closed_at      TEXT,                       -- refused, withdrawn or taken down
    channel_id     INTEGER,                    -- where it was posted, and its messages (JSON ids) there
    channel_messages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(channel_messages)),
    CHECK ((contact_kind = 'none') = (contact IS NULL))
);
CREATE INDEX showcase_posts_by_user ON showcase_posts (user_id, id);
CREATE INDEX showcase_posts_by_province ON showcase_posts (province_code, status);

-- The officers' copies of a post's card, edited once it is decided.
CREATE TABLE showcase_cards (
    post_id    INTEGER NOT NULL REFERENCES showcase_posts (id),
    officer_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (post_id, officer_id)
);

-- Buyers' reports: one per person and post; how many a person made lately is the rate limit.
CREATE TABLE showcase_reports (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES showcase_posts (id),
    reporter_id INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (post_id, reporter_id)
);
CREATE INDEX showcase_reports_by_reporter ON showcase_reports (reporter_id, at);
