-- Permit cards, verification, renewal: a settings table for the generated signing secret, and the validity
-- end an expiry reminder was last sent for (a renewal moves the end, which re-arms the reminder).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

ALTER TABLE applications ADD COLUMN reminded_for TEXT;

CREATE INDEX applications_by_validity ON applications (valid_until) WHERE stage NOT IN ('withdrawn', 'revoked', 'expired');
