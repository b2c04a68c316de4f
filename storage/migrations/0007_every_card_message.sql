-- Every card message an officer holds is kept up to date: the notification card and each one /app sent, so
-- a card is keyed by its message as well (it was one row per application and officer, the latest card only).
CREATE TABLE officer_cards_new (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    officer_id     INTEGER NOT NULL REFERENCES users (telegram_id),
    message_id     INTEGER NOT NULL,
    PRIMARY KEY (application_id, officer_id, message_id)
) WITHOUT ROWID;
INSERT INTO officer_cards_new (application_id, officer_id, message_id)
    SELECT application_id, officer_id, message_id FROM officer_cards;
DROP TABLE officer_cards;
ALTER TABLE officer_cards_new RENAME TO officer_cards;

-- The index of applications awaiting an officer is now made by the store from domain/lifecycle.py
-- (storage/base.py), so the list of stages has one home; this copy of it goes.
DROP INDEX IF EXISTS applications_awaiting;
