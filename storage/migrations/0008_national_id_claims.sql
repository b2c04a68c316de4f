-- National-ID disputes (issue 9, item 2): an application can be voided, and every claim of a national ID that
-- another account holds is recorded for the officers.

-- The stage list gains 'voided'. SQLite cannot alter a CHECK constraint, but widening one changes nothing on
-- disk, so the table's stored definition is edited in place (https://sqlite.org/lang_altertable.html#otheralter);
-- RESET makes this connection re-read it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''revoked'', ''expired''))', '''revoked'', ''expired'', ''voided''))')
WHERE type = 'table' AND name = 'applications';
PRAGMA writable_schema = RESET;

-- A voided application gives its national ID's place back, like the other closed stages
-- (the list is domain/lifecycle.py CLOSED_STAGES, sorted as the store writes it).
DROP INDEX applications_one_open_per_category;
CREATE UNIQUE INDEX applications_one_open_per_category ON applications (national_id, category_id)
    WHERE stage NOT IN ('expired', 'revoked', 'voided', 'withdrawn');
DROP INDEX applications_by_validity;
CREATE INDEX applications_by_validity ON applications (valid_until)
    WHERE stage NOT IN ('expired', 'revoked', 'voided', 'withdrawn');

-- Someone typed a national ID that another account's application holds: who, against which application, when.
-- Only the officers see that a claim exists; the claimant learns nothing about the application.
CREATE TABLE national_id_claims (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    holder_id      INTEGER NOT NULL,                 -- the account that holds the application
    claimant_id    INTEGER NOT NULL,                 -- the account that typed the same national ID
    at             TEXT NOT NULL,                    -- first claim, UTC
    last_at        TEXT NOT NULL,                    -- latest repeat of it
    UNIQUE (application_id, claimant_id)
);
