-- /find by name checks each further word of a name against the same application's (province, word,
-- application) row, the primary key; nationwide, the driving word's rows carry their province in the index, so
-- PostgreSQL reads both from the index alone (an index-only scan), as SQLite does from a covering index.
DROP INDEX name_tokens_nationwide;
CREATE INDEX name_tokens_nationwide ON name_tokens (token, application_id, province_code);
