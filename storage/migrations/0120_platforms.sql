-- Both messengers over one store (domain/identity.py): a person's id stays one integer, Telegram's ids as
-- they are and Bale's beyond 2**60 (1152921504606846976), so every id already here is a Telegram id.
-- Which messenger someone is on, and the id it uses, follow from the id: generated, they can never disagree
-- with it, and no insert anywhere has to set them. (telegram_id is unique, and so is this pair with it.)
ALTER TABLE users ADD COLUMN platform TEXT GENERATED ALWAYS AS
    (CASE WHEN abs(telegram_id) < 1152921504606846976 THEN 'telegram' ELSE 'bale' END) VIRTUAL;
ALTER TABLE users ADD COLUMN platform_user_id INTEGER GENERATED ALWAYS AS
    (CASE WHEN abs(telegram_id) < 1152921504606846976 THEN telegram_id
          WHEN telegram_id > 0 THEN telegram_id - 1152921504606846976
          ELSE telegram_id + 1152921504606846976 END) VIRTUAL;
