-- Catalog, users, applications and the audit log.
-- Times are UTC ISO-8601 text ('2026-11-25T10:00:00+00:00'); money is integer rials.

CREATE TABLE provinces (
    code    TEXT PRIMARY KEY CHECK (code GLOB 'IR-[0-9][0-9]'),  -- current ISO 3166-2 codes
    name_fa TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE sectors (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name_fa       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    approval_body TEXT,            -- body that approves starred categories of this sector, if any
    position      INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE categories (
    id                   INTEGER PRIMARY KEY,
    sector_id            INTEGER NOT NULL REFERENCES sectors (id),
    name_fa              TEXT NOT NULL,
    name_en              TEXT NOT NULL,
    needs_extra_approval INTEGER NOT NULL DEFAULT 0 CHECK (needs_extra_approval IN (0, 1)),
    approval_body        TEXT,     -- e.g. 'health', 'veterinary', 'culture'; NULL when none is needed
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (sector_id, name_fa)
);
CREATE INDEX categories_by_sector ON categories (sector_id, active);

-- Everyone who has talked to the bot. Admins come from ADMIN_IDS, not from here.
CREATE TABLE users (
    telegram_id   INTEGER PRIMARY KEY,
    language      TEXT NOT NULL DEFAULT 'fa' CHECK (language IN ('fa', 'en')),
    role          TEXT NOT NULL DEFAULT 'applicant' CHECK (role IN ('applicant', 'officer')),
    province_code TEXT REFERENCES provinces (code),            -- an officer's province
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),  -- 0 once they block the bot
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (role = 'applicant' OR province_code IS NOT NULL)
);

-- Officers are users with the officer role: one source of truth, read through a view.
CREATE VIEW officers AS
    SELECT telegram_id, province_code, active, updated_at AS since
    FROM users WHERE role = 'officer';
CREATE INDEX users_officers ON users (province_code) WHERE role = 'officer';

CREATE TABLE applications (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users (telegram_id),
    category_id        INTEGER NOT NULL REFERENCES categories (id),
    track              TEXT NOT NULL CHECK (track IN ('independent', 'support')),
    full_name          TEXT NOT NULL,
    national_id        TEXT NOT NULL CHECK (length(national_id) = 10),
    birth_date         TEXT NOT NULL,                -- Gregorian ISO date; shown in Jalali
    mobile             TEXT NOT NULL CHECK (mobile GLOB '09[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
    province_code      TEXT NOT NULL REFERENCES provinces (code),
    city               TEXT NOT NULL,
    address            TEXT NOT NULL,
    postal_code        TEXT NOT NULL CHECK (length(postal_code) = 10),
    education          TEXT NOT NULL,
    workers            INTEGER NOT NULL CHECK (workers >= 1),  -- people working, applicant included
    experience_years   INTEGER,                      -- support plan only
    own_share_percent  INTEGER,                      -- support plan only
    stage              TEXT NOT NULL DEFAULT 'permit_issued' CHECK (stage IN (
                           'permit_issued', 'supervised', 'eligible', 'rejected', 'queued',
                           'introduced_to_bank', 'loan_paid', 'bank_rejected', 'withdrawn',
                           'revoked', 'expired')),
    permit_number      TEXT NOT NULL UNIQUE,
    issued_at          TEXT NOT NULL,
    valid_until        TEXT,
    supervised_at      TEXT,
    eligible_at        TEXT,
    rejected_at        TEXT,
    queued_at          TEXT,
    queue_seq          INTEGER,                      -- order in the province's loan queue
    introduced_at      TEXT,
    bank               TEXT,
    loan_paid_at       TEXT,
    loan_amount_rials  INTEGER CHECK (loan_amount_rials IS NULL OR loan_amount_rials > 0),
    bank_rejected_at   TEXT,
    closed_at          TEXT,                         -- withdrawn, revoked or expired
    reason             TEXT,                         -- the latest rejection or revocation reason
    updated_at         TEXT NOT NULL
);
CREATE INDEX applications_by_user ON applications (user_id);
CREATE INDEX applications_by_province_stage ON applications (province_code, stage);
CREATE INDEX applications_by_province_issued ON applications (province_code, issued_at);
CREATE INDEX applications_by_category ON applications (category_id);
-- Queue position = how many of the province's queued applications have a smaller queue_seq.
CREATE INDEX applications_queue ON applications (province_code, queue_seq) WHERE stage = 'queued';
-- A national ID holds at most one open application per category.
CREATE UNIQUE INDEX applications_one_open_per_category ON applications (national_id, category_id)
    WHERE stage NOT IN ('withdrawn', 'revoked', 'expired');

-- Append-only audit log: who did what, when, to which application.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor_id       INTEGER,                          -- NULL for the bot itself (timers)
    action         TEXT NOT NULL,
    application_id INTEGER REFERENCES applications (id),
    from_stage     TEXT,
    to_stage       TEXT,
    detail         TEXT
);
CREATE INDEX audit_by_application ON audit_log (application_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE (ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE (ABORT, 'audit_log is append-only'); END;
