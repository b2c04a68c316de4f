-- See 0120_platforms.sql. PostgreSQL stores generated columns and changes a primary key in place.
ALTER TABLE users ADD COLUMN platform TEXT GENERATED ALWAYS AS
    (CASE WHEN abs(telegram_id) < 1152921504606846976 THEN 'telegram' ELSE 'bale' END) STORED;
ALTER TABLE users ADD COLUMN platform_user_id BIGINT GENERATED ALWAYS AS
    (CASE WHEN abs(telegram_id) < 1152921504606846976 THEN telegram_id
          WHEN telegram_id > 0 THEN telegram_id - 1152921504606846976
          ELSE telegram_id + 1152921504606846976 END) STORED;

ALTER TABLE channels ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram' CHECK (platform IN ('telegram', 'bale'));
ALTER TABLE channels DROP CONSTRAINT channels_pkey;
ALTER TABLE channels ADD PRIMARY KEY (scope, platform);
