-- PostgreSQL has no INSERT OR REPLACE: an existing audit id is refused by the primary key, and ON CONFLICT
-- DO UPDATE meets the append-only UPDATE trigger of 0001. What PostgreSQL has instead is TRUNCATE, refused here.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('audit_log is append-only');

-- Retention, as on SQLite (see 0009_audit_no_replace_and_retention.sql).
ALTER TABLE applications ADD COLUMN erased_at TEXT;
CREATE INDEX IF NOT EXISTS applications_to_erase ON applications (updated_at) WHERE erased_at IS NULL;
