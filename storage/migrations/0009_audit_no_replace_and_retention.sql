-- INSERT OR REPLACE deletes a conflicting audit row without firing its DELETE trigger (recursive_triggers is
-- off by default, and a pragma binds one connection only): refuse an existing id in the schema itself, for
-- every connection.
CREATE TRIGGER IF NOT EXISTS audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN SELECT RAISE (ABORT, 'audit_log is append-only'); END;

-- Retention (RETENTION_YEARS): when an application's personal fields were erased. The row itself stays, for
-- the statistics and the audit log's foreign key; the erased fields hold neutral values that pass the
-- table's checks and match nobody (see storage/retention_store.py).
ALTER TABLE applications ADD COLUMN erased_at TEXT;
CREATE INDEX IF NOT EXISTS applications_to_erase ON applications (updated_at) WHERE erased_at IS NULL;
