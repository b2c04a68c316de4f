-- The readiness self-assessment (/assess). The questionnaire is data: every version an admin uploads is kept
-- (its CSV as given), so an old attempt still reads against the questions it answered; the newest is in use.
CREATE TABLE IF NOT EXISTS assessment_versions (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,            -- the CSV file, in the format of data/assessment.csv
    created_at  TEXT NOT NULL,
    created_by  INTEGER                   -- the admin; NULL: the shipped file, seeded at first start
);

-- Every attempt, kept with its application; `latest` marks the one officers see (cards, /app, /pending).
CREATE TABLE IF NOT EXISTS assessments (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications (id),
    version_id      INTEGER NOT NULL REFERENCES assessment_versions (id),
    answers         TEXT NOT NULL,        -- JSON: question key -> option key
    score           INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    band            TEXT NOT NULL,        -- a domain.assessment.BANDS code (checked by the store, not copied here)
    latest          INTEGER NOT NULL DEFAULT 1 CHECK (latest IN (0, 1)),
    taken_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS assessments_latest ON assessments (application_id) WHERE latest = 1;
CREATE INDEX IF NOT EXISTS assessments_by_application ON assessments (application_id, taken_at);

-- A self-assessment in progress, one per person, written at every step (a restart resumes it).
CREATE TABLE IF NOT EXISTS assessment_sessions (
    user_id         INTEGER PRIMARY KEY,
    application_id  INTEGER REFERENCES applications (id),  -- NULL while choosing which application
    version_id      INTEGER NOT NULL REFERENCES assessment_versions (id),
    position        INTEGER NOT NULL DEFAULT 0,
    answers         TEXT NOT NULL DEFAULT '{}',
    message_id      INTEGER,
    updated_at      TEXT NOT NULL
);
