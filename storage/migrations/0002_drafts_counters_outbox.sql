-- The applicant journey: write-through drafts, sequence counters, and the outbox of messages to deliver.

-- One draft per user: the conversation step and the answers so far (JSON). The one source of truth for
-- an unfinished form, so a restart resumes at the same step.
CREATE TABLE drafts (
    user_id    INTEGER PRIMARY KEY REFERENCES users (telegram_id),
    state      TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    updated_at TEXT NOT NULL
);
CREATE INDEX drafts_by_age ON drafts (updated_at);

-- Named monotonic counters: 'queue' (the loan queue order), 'permit:IR-15:1405' (a province's permits a year).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- Messages to deliver outside the current chat, written in the same transaction as their cause, one row
-- per recipient so a retry never repeats a message someone already has. audience 'user': chat_id is the
-- recipient; 'admins': every admin from ADMIN_IDS (known only to the running bot).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,                 -- e.g. 'officer.new_application', 'applicant.stage_changed'
    audience        TEXT NOT NULL CHECK (audience IN ('user', 'admins')),
    chat_id         INTEGER CHECK ((audience = 'user') = (chat_id IS NOT NULL)),
    application_id  INTEGER REFERENCES applications (id),
    payload         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

CREATE INDEX applications_by_national_id ON applications (national_id);
