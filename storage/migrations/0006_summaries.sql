-- Summaries kept in the same transaction as every change, so the busiest screens never scan:
-- the statistics read tallies (a few hundred rows a province) and /status counts a short stretch of the queue.

-- What each (province, category, track) contributes to the published figures; withdrawn and revoked
-- applications contribute nothing. supervised … loans_paid count applications that got at least that far;
-- at_* count those at that stage now (the officers' /pending totals). Province '*' is the whole country,
-- kept alongside so the national figures read a few hundred rows too.
CREATE TABLE tallies (
    province_code TEXT NOT NULL,
    category_id   INTEGER NOT NULL,
    track         TEXT NOT NULL,
    permits       INTEGER NOT NULL DEFAULT 0,
    jobs          INTEGER NOT NULL DEFAULT 0,
    supervised    INTEGER NOT NULL DEFAULT 0,
    eligible      INTEGER NOT NULL DEFAULT 0,
    queued        INTEGER NOT NULL DEFAULT 0,
    introduced    INTEGER NOT NULL DEFAULT 0,
    loans_paid    INTEGER NOT NULL DEFAULT 0,
    loans_rials   INTEGER NOT NULL DEFAULT 0,
    in_queue      INTEGER NOT NULL DEFAULT 0,
    at_issued     INTEGER NOT NULL DEFAULT 0,
    at_supervised INTEGER NOT NULL DEFAULT 0,
    at_eligible   INTEGER NOT NULL DEFAULT 0,
    at_introduced INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (province_code, category_id, track)
) WITHOUT ROWID;

-- Permits by the Jalali month of issue ('1405-09'), for "this month" and "since Nowruz".
CREATE TABLE monthly_permits (
    province_code TEXT NOT NULL,
    jalali_month  TEXT NOT NULL,
    permits       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (province_code, jalali_month)
) WITHOUT ROWID;

-- The loan queue in stretches of 256 places per province: a position is the sum of the stretches before
-- its own plus a count inside it. Empty stretches are deleted.
CREATE TABLE queue_buckets (
    province_code TEXT NOT NULL,
    bucket        INTEGER NOT NULL,
    size          INTEGER NOT NULL,
    PRIMARY KEY (province_code, bucket)
) WITHOUT ROWID;

-- The queue order becomes per province (it was one national sequence): renumber the queued in their order.
UPDATE applications SET queue_seq = (
    SELECT count(*) FROM applications q
    WHERE q.province_code = applications.province_code AND q.stage = 'queued' AND q.queue_seq <= applications.queue_seq
) WHERE stage = 'queued';
INSERT OR REPLACE INTO counters (name, value)
    SELECT 'queue:' || province_code, max(queue_seq) FROM applications WHERE stage = 'queued' GROUP BY province_code;
DELETE FROM counters WHERE name = 'queue';

INSERT INTO tallies
    SELECT scope, category_id, track, count(*), sum(workers), count(supervised_at), count(eligible_at),
           count(queued_at), count(introduced_at), count(loan_paid_at),
           coalesce(sum(loan_amount_rials) FILTER (WHERE loan_paid_at IS NOT NULL), 0),
           count(*) FILTER (WHERE stage = 'queued'), count(*) FILTER (WHERE stage = 'permit_issued'),
           count(*) FILTER (WHERE stage = 'supervised'), count(*) FILTER (WHERE stage = 'eligible'),
           count(*) FILTER (WHERE stage = 'introduced_to_bank')
    FROM (SELECT province_code AS scope, * FROM applications UNION ALL SELECT '*' AS scope, * FROM applications)
    WHERE stage NOT IN ('withdrawn', 'revoked') GROUP BY scope, category_id, track;
INSERT INTO monthly_permits
    SELECT scope, jalali_month(issued_at), count(*)
    FROM (SELECT province_code AS scope, * FROM applications UNION ALL SELECT '*' AS scope, * FROM applications)
    WHERE stage NOT IN ('withdrawn', 'revoked') GROUP BY scope, jalali_month(issued_at);
INSERT INTO queue_buckets
    SELECT province_code, queue_seq / 256, count(*) FROM applications WHERE stage = 'queued'
    GROUP BY province_code, queue_seq / 256;

-- The officers' /pending list: a province's applications awaiting an action, oldest first.
CREATE INDEX applications_awaiting ON applications (province_code, id)
    WHERE stage IN ('permit_issued', 'supervised', 'eligible', 'queued', 'introduced_to_bank');
