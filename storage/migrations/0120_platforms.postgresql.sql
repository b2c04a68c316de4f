-- See 0120_platforms.sql. PostgreSQL stores generated columns.
ALTER TABLE users ADD COLUMN platform TEXT GENERATED ALWAYS AS
    (CASE WHEN abs(telegram_id) < 1152921504606846976 THEN 'telegram' ELSE 'bale' END) STORED;
ALTER TABLE users ADD COLUMN platform_user_id BIGINT GENERATED ALWAYS AS
    (CASE WHEN abs(telegram_id) < 1152921504606846976 THEN telegram_id
          WHEN telegram_id > 0 THEN telegram_id - 1152921504606846976
          ELSE telegram_id + 1152921504606846976 END) STORED;
