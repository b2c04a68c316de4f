-- Officers at work: the cards they were sent (edited in place after every action) and the one answer
-- each may owe the bot (a rejection reason, a loan amount) after pressing a button.

CREATE TABLE officer_cards (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    officer_id     INTEGER NOT NULL REFERENCES users (telegram_id),
    message_id     INTEGER NOT NULL,
    PRIMARY KEY (application_id, officer_id)
);

CREATE TABLE officer_prompts (
    officer_id     INTEGER PRIMARY KEY REFERENCES users (telegram_id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    action         TEXT NOT NULL,
    message_id     INTEGER,          -- the question, whose cancel button goes once it is answered
    created_at     TEXT NOT NULL
);

-- A first name to show beside an officer's actions on cards ("approved by Sara"); Telegram's, not legal.
ALTER TABLE users ADD COLUMN display_name TEXT;
