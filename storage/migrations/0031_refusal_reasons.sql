-- Preset reasons for every refusal (supervision failed, not eligible, bank declined): data admins edit with
-- /reasons, seeded once from data/refusal_reasons.csv. Officers choose one, or type another.
CREATE TABLE IF NOT EXISTS refusal_reasons (
    id       INTEGER PRIMARY KEY,
    action   TEXT NOT NULL,                -- a domain.lifecycle.REFUSALS action
    text_fa  TEXT NOT NULL,
    text_en  TEXT NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (action, text_fa)
);
