-- Training courses (توانمندسازی) and training before the money (issue 16, deliverables 3 and 4).

-- A course a province's officer or an admin announces; "closed" takes it off the applicants' list (its roster
-- stays for marking). starts_on is the first session's day (Gregorian ISO, shown in Jalali).
CREATE TABLE courses (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES provinces (code),
    title         TEXT NOT NULL,
    provider      TEXT NOT NULL,               -- e.g. جهاد دانشگاهی
    starts_on     TEXT NOT NULL,
    sessions      INTEGER NOT NULL CHECK (sessions >= 1),
    place         TEXT NOT NULL,               -- an address, or an online link, as typed
    capacity      INTEGER NOT NULL CHECK (capacity >= 1),
    required      INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),  -- counts as the required training
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX courses_by_province ON courses (province_code, status, starts_on);

-- The sectors a course serves, and, when it is narrower, the categories (none listed: every category of its
-- sectors).
CREATE TABLE course_sectors (
    course_id INTEGER NOT NULL REFERENCES courses (id),
    sector_id INTEGER NOT NULL REFERENCES sectors (id),
    PRIMARY KEY (course_id, sector_id)
);
CREATE INDEX course_sectors_by_sector ON course_sectors (sector_id);
CREATE TABLE course_categories (
    course_id   INTEGER NOT NULL REFERENCES courses (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    PRIMARY KEY (course_id, category_id)
);

-- One row per person and course. A seat is held by 'enrolled', 'completed' and 'absent'; 'waiting' is the
-- waiting list, first in line by (queued_at, id). The certificate number is given at completion.
CREATE TABLE course_enrolments (
    id                 INTEGER PRIMARY KEY,
    course_id          INTEGER NOT NULL REFERENCES courses (id),
    user_id            INTEGER NOT NULL REFERENCES users (telegram_id),
    application_id     INTEGER REFERENCES applications (id),   -- whose name the roster and certificate show
    status             TEXT NOT NULL CHECK (status IN ('enrolled', 'waiting', 'cancelled', 'completed', 'absent')),
    queued_at          TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    reminded_at        TEXT,                                   -- the day-before reminder, sent once
    completed_at       TEXT,
    marked_by          INTEGER,
    certificate_number TEXT UNIQUE,
    UNIQUE (course_id, user_id)
);
CREATE INDEX enrolments_by_course ON course_enrolments (course_id, status, queued_at);
CREATE INDEX enrolments_by_user ON course_enrolments (user_id, status);

-- /newmodel: a province's own switch of training before the money, over the TRAINING_BEFORE_QUEUE default.
CREATE TABLE training_rollout (
    province_code TEXT PRIMARY KEY REFERENCES provinces (code),
    enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    set_by        INTEGER NOT NULL,
    set_at        TEXT NOT NULL
);

-- An officer let this application into the queue without the required training (the reason is audited).
ALTER TABLE applications ADD COLUMN training_waived_at TEXT;
