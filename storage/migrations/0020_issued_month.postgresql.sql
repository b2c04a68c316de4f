-- PostgreSQL databases start empty (copy-to-postgres fills them after every migration), so only the column.
ALTER TABLE applications ADD COLUMN issued_month TEXT;
