-- /find by name on PostgreSQL (storage/find_store.py): a further word of one spelling is matched within the
-- driving row's province, a word of several spellings is probed by application. Nationwide, the driving word's
-- rows carry their province in the index, and the probe finds (application, word) in the index alone: both are
-- index-only scans, as SQLite's covering indexes already were.
DROP INDEX name_tokens_nationwide;
CREATE INDEX name_tokens_nationwide ON name_tokens (token, application_id, province_code);
DROP INDEX name_tokens_by_application;
CREATE INDEX name_tokens_by_application ON name_tokens (application_id, token);
