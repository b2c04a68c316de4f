-- The officer's /find: a national ID (indexed since 0002), a mobile, a permit number or part of a name.
CREATE INDEX IF NOT EXISTS applications_by_mobile ON applications (mobile);

-- One row per word of an applicant's name (domain/name_index.py), kept in the transaction that writes the
-- application. Prefix look-ups are B-tree ranges (token >= ? AND token < ?), per province or nationwide.
CREATE TABLE IF NOT EXISTS name_tokens (
    province_code  TEXT NOT NULL,
    token          TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    PRIMARY KEY (province_code, token, application_id)
);
CREATE INDEX IF NOT EXISTS name_tokens_nationwide ON name_tokens (token, application_id);
CREATE INDEX IF NOT EXISTS name_tokens_by_application ON name_tokens (application_id);

-- The distinct name words and their letter triples: a misspelt word finds the real words that share triples.
CREATE TABLE IF NOT EXISTS name_triples (
    triple TEXT NOT NULL,
    word   TEXT NOT NULL,
    PRIMARY KEY (triple, word)
);

-- Applications written before this migration are indexed once at start-up (Store.index_names).
INSERT INTO settings (key, value) VALUES ('names_indexed', '0') ON CONFLICT (key) DO NOTHING;
