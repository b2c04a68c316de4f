-- The summaries' tables (see 0006_summaries.sql). PostgreSQL databases start empty (copy-to-postgres fills them
-- after every migration), so the renumbering and the backfills of the SQLite migration have nothing to do here.
CREATE TABLE tallies (
    province_code TEXT NOT NULL,
    category_id   BIGINT NOT NULL,
    track         TEXT NOT NULL,
    permits       BIGINT NOT NULL DEFAULT 0,
    jobs          BIGINT NOT NULL DEFAULT 0,
    supervised    BIGINT NOT NULL DEFAULT 0,
    eligible      BIGINT NOT NULL DEFAULT 0,
    queued        BIGINT NOT NULL DEFAULT 0,
    introduced    BIGINT NOT NULL DEFAULT 0,
    loans_paid    BIGINT NOT NULL DEFAULT 0,
    loans_rials   BIGINT NOT NULL DEFAULT 0,
    in_queue      BIGINT NOT NULL DEFAULT 0,
    at_issued     BIGINT NOT NULL DEFAULT 0,
    at_supervised BIGINT NOT NULL DEFAULT 0,
    at_eligible   BIGINT NOT NULL DEFAULT 0,
    at_introduced BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (province_code, category_id, track)
);

CREATE TABLE monthly_permits (
    province_code TEXT NOT NULL,
    jalali_month  TEXT NOT NULL,
    permits       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (province_code, jalali_month)
);

CREATE TABLE queue_buckets (
    province_code TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    size          BIGINT NOT NULL,
    PRIMARY KEY (province_code, bucket)
);
