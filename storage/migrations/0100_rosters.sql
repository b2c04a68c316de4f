-- Support-plan rosters (issue 17, item 3): the covered workers (تحت پوشش) a supporter registers, each invited by
-- a personal deep link, confirmed by the worker and approved by the province's officers.
CREATE TABLE covered_workers (
    id                 INTEGER PRIMARY KEY,
    application_id     INTEGER NOT NULL REFERENCES applications (id),  -- the support plan
    full_name          TEXT NOT NULL,
    national_id        TEXT NOT NULL CHECK (length(national_id) = 10),
    holder_national_id TEXT NOT NULL,      -- the plan holder's, copied so the database itself refuses it below
    mobile             TEXT NOT NULL,
    city               TEXT NOT NULL,
    category_id        INTEGER NOT NULL REFERENCES categories (id),
    status             TEXT NOT NULL DEFAULT 'invited' CHECK (status IN (
                           'invited', 'confirmed', 'declined', 'expired', 'approved', 'refused')),
    active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),  -- holds its national ID's place
    invite_code        TEXT NOT NULL,      -- the random part of the current link; a new link replaces it
    invite_expires_at  TEXT NOT NULL,
    worker_user_id     INTEGER,            -- the account that opened the link first: only it may answer
    answered_at        TEXT,
    decided_at         TEXT,
    decided_by         INTEGER,
    reason             TEXT,               -- the officers' reason for a refusal
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (national_id <> holder_national_id)  -- never covered by a plan of its own holder
);
CREATE INDEX covered_workers_by_application ON covered_workers (application_id, id);
-- The officers' digest: plans with workers who accepted and await the province's approval.
CREATE INDEX covered_workers_awaiting ON covered_workers (application_id) WHERE status = 'confirmed';
-- A national ID is covered by one active plan at a time (invited, confirmed or approved).
CREATE UNIQUE INDEX covered_workers_one_active_plan ON covered_workers (national_id) WHERE active = 1;

-- Approved covered workers, once the plan has a roster (NULL: none yet, the form's estimate stands for jobs).
ALTER TABLE applications ADD COLUMN covered_approved INTEGER;
-- The tallies gain what the roster figures read: approved covered workers, and plans with a roster.
ALTER TABLE tallies ADD COLUMN covered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies ADD COLUMN rosters INTEGER NOT NULL DEFAULT 0;

-- A multi-step exchange kept between updates, so a restart resumes it: the conversation's name, its state and
-- the answers so far (adding a covered worker; an officer's owed reason for refusing one).
CREATE TABLE conversation_steps (
    conversation TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
    state        TEXT NOT NULL,
    data         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (conversation, user_id)
);
