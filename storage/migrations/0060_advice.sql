-- Advice (مشاوره): advisers per province, applicants' questions and their answers, the cards advisers hold,
-- and the two unfinished exchanges a restart resumes (a question being written, an answer owed).

-- An adviser is a role of its own beside users.role, so an officer may also advise (a small province's one
-- officer often does); one province per adviser.
CREATE TABLE advisers (
    telegram_id   INTEGER PRIMARY KEY REFERENCES users (telegram_id),
    province_code TEXT NOT NULL REFERENCES provinces (code),
    since         TEXT NOT NULL
);
CREATE INDEX advisers_by_province ON advisers (province_code);

-- One question, stored as typed; a follow-up names the question whose answer it follows.
CREATE TABLE advice_questions (
    id            INTEGER PRIMARY KEY,
    asker_id      INTEGER NOT NULL REFERENCES users (telegram_id),
    province_code TEXT NOT NULL REFERENCES provinces (code),
    topic         TEXT NOT NULL CHECK (topic IN ('skills', 'marketing', 'loan', 'legal', 'other')),
    question      TEXT NOT NULL,
    follows_id    INTEGER REFERENCES advice_questions (id),
    asked_at      TEXT NOT NULL,
    taken_by      INTEGER REFERENCES users (telegram_id),  -- the adviser who pressed «پاسخ می‌دهم» first
    taken_at      TEXT,
    answer        TEXT,
    answered_at   TEXT,
    rating        INTEGER CHECK (rating IS NULL OR rating IN (-1, 1)),  -- the asker's 👎 / 👍
    CHECK (answer IS NULL OR taken_by IS NOT NULL)
);
CREATE INDEX advice_open_by_province ON advice_questions (province_code, asked_at) WHERE answer IS NULL;
CREATE INDEX advice_by_asker ON advice_questions (asker_id);

-- Every card message an adviser holds for a question, edited when it is taken, released or answered.
CREATE TABLE advice_cards (
    question_id INTEGER NOT NULL REFERENCES advice_questions (id),
    adviser_id  INTEGER NOT NULL REFERENCES users (telegram_id),
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (question_id, adviser_id, message_id)
) WITHOUT ROWID;

-- The answer an adviser owes after taking a question (their next message is it).
CREATE TABLE advice_prompts (
    adviser_id  INTEGER PRIMARY KEY REFERENCES users (telegram_id),
    question_id INTEGER NOT NULL REFERENCES advice_questions (id),
    message_id  INTEGER,          -- the request to type, whose ✖ button goes once it is answered
    created_at  TEXT NOT NULL
);

-- A question being written: the step, and what was chosen or typed so far.
CREATE TABLE advice_drafts (
    user_id       INTEGER PRIMARY KEY REFERENCES users (telegram_id),
    state         TEXT NOT NULL,
    province_code TEXT REFERENCES provinces (code),
    topic         TEXT,
    question      TEXT,
    follows_id    INTEGER REFERENCES advice_questions (id),
    updated_at    TEXT NOT NULL
);
