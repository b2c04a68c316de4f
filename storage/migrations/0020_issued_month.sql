-- The Jalali month of issue ('1405-09'), worked out by the bot when it issues a permit, so the monthly summaries
-- are plain SQL on both databases (PostgreSQL has no Jalali calendar). Existing rows get it from the
-- jalali_month() function the store registers on its SQLite connections.
ALTER TABLE applications ADD COLUMN issued_month TEXT;
UPDATE applications SET issued_month = jalali_month(issued_at);
