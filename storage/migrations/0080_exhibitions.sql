-- Exhibitions (issue 17, deliverable 1): an exhibition a province holds for some categories, holders'
-- booth requests with their product photos, and whether each person wants announcements at all.

-- Announcements of exhibitions (and later market news) are on unless the person turns them off (/notifications).
ALTER TABLE users ADD COLUMN announcements INTEGER NOT NULL DEFAULT 1 CHECK (announcements IN (0, 1));

CREATE TABLE exhibitions (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    province_code TEXT NOT NULL REFERENCES provinces (code),
    city          TEXT NOT NULL,
    place         TEXT NOT NULL,
    starts_on     TEXT NOT NULL,                    -- Gregorian ISO dates of Tehran's calendar days
    ends_on       TEXT NOT NULL CHECK (ends_on >= starts_on),
    apply_by      TEXT NOT NULL CHECK (apply_by <= starts_on),  -- the last day booth requests are taken
    booths        INTEGER NOT NULL CHECK (booths > 0),
    booths_taken  INTEGER NOT NULL DEFAULT 0,       -- accepted requests: the next booth is booths_taken + 1
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    reminded      INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),     -- the day-before reminders queued
    list_posted   INTEGER NOT NULL DEFAULT 0 CHECK (list_posted IN (0, 1)),  -- the booth list went to the channel
    CHECK (booths_taken BETWEEN 0 AND booths)       -- capacity, whatever the code does
);
CREATE INDEX exhibitions_by_province ON exhibitions (province_code, starts_on);

CREATE TABLE exhibition_categories (
    exhibition_id INTEGER NOT NULL REFERENCES exhibitions (id),
    category_id   INTEGER NOT NULL REFERENCES categories (id),
    PRIMARY KEY (exhibition_id, category_id)
);

-- One request per holder per exhibition, made with one of their permits in a matching category.
CREATE TABLE booth_requests (
    id             INTEGER PRIMARY KEY,
    exhibition_id  INTEGER NOT NULL REFERENCES exhibitions (id),
    user_id        INTEGER NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    description    TEXT NOT NULL,
    self_made      INTEGER NOT NULL CHECK (self_made IN (0, 1)),
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
    booth          INTEGER,
    reason         TEXT,
    decided_by     INTEGER,
    decided_at     TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (exhibition_id, user_id),
    UNIQUE (exhibition_id, booth),
    CHECK ((status = 'accepted') = (booth IS NOT NULL))
);
CREATE INDEX booth_requests_by_status ON booth_requests (exhibition_id, status, id);

CREATE TABLE booth_photos (
    request_id INTEGER NOT NULL REFERENCES booth_requests (id),
    position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
    file_id    TEXT NOT NULL,                      -- Telegram's, of the largest size; no bytes are kept
    PRIMARY KEY (request_id, position)
);
