"""Applications, permits, the lifecycle and the loan queue."""

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from domain.lifecycle import (
    AWAITING_OFFICER,
    CLOSED_STAGES,
    NEEDS_DISPUTE,
    OPEN_STAGES,
    UNCOUNTED_STAGES,
    Action,
    IllegalTransition,
    Stage,
    next_stage,
    sql_list,
)
from domain.permit import permit_number, validity_end
from storage.base import AWAITING_CONDITION, Row
from storage.errors import (
    AlreadyRegistered,
    CategoryNotOffered,
    HeldByAnotherAccount,
    NotFound,
    StageConflict,
    TooManyOpenApplications,
)
from storage.name_index_store import NameIndexStore
from storage.records import (
    Application,
    AuditEntry,
    LastAction,
    OfficerCard,
    OfficerPrompt,
    OutboxKind,
    PermitRequest,
    QueuePosition,
)

QUEUE_BUCKET = 256  # places per stretch of the loan queue (see queue_position)
# The tallies' columns counting the applications at a stage now (a column of the table per stage counted).
_AT_STAGE = {Stage.PERMIT_ISSUED: "at_issued", Stage.SUPERVISED: "at_supervised", Stage.ELIGIBLE: "at_eligible",
             Stage.QUEUED: "in_queue", Stage.INTRODUCED_TO_BANK: "at_introduced"}

_UNCOUNTED = sql_list(UNCOUNTED_STAGES)  # left out of every published figure
# Jobs created: a support plan's approved covered workers once it has a roster, else the form's estimate.
JOBS = "coalesce(a.covered_approved, a.workers)"
_CLOSED = sql_list(CLOSED_STAGES)
_OPEN = sql_list(OPEN_STAGES)

REBUILD_SUMMARIES = f"""
DELETE FROM tallies;
INSERT INTO tallies (province_code, category_id, track, permits, jobs, supervised, eligible, queued, introduced,
                     loans_paid, loans_rials, in_queue, at_issued, at_supervised, at_eligible, at_introduced,
                     covered, rosters)
    SELECT scope, category_id, track, count(*), sum({JOBS}), count(supervised_at),
           count(eligible_at), count(queued_at), count(introduced_at), count(loan_paid_at),
           coalesce(sum(loan_amount_rials) FILTER (WHERE loan_paid_at IS NOT NULL), 0),
           count(*) FILTER (WHERE stage = 'queued'), count(*) FILTER (WHERE stage = 'permit_issued'),
           count(*) FILTER (WHERE stage = 'supervised'), count(*) FILTER (WHERE stage = 'eligible'),
           count(*) FILTER (WHERE stage = 'introduced_to_bank'), coalesce(sum(covered_approved), 0),
           count(covered_approved)
    FROM (SELECT province_code AS scope, * FROM applications UNION ALL SELECT '*' AS scope, * FROM applications) a
    WHERE stage NOT IN {_UNCOUNTED} GROUP BY scope, category_id, track;
DELETE FROM monthly_permits;
INSERT INTO monthly_permits
    SELECT scope, issued_month, count(*)
    FROM (SELECT province_code AS scope, * FROM applications UNION ALL SELECT '*' AS scope, * FROM applications) a
    WHERE stage NOT IN {_UNCOUNTED} GROUP BY scope, issued_month;
DELETE FROM queue_buckets;
INSERT INTO queue_buckets
    SELECT province_code, queue_seq / {QUEUE_BUCKET}, count(*) FROM applications WHERE stage = 'queued'
    GROUP BY province_code, queue_seq / {QUEUE_BUCKET};
"""

# Which timestamp column each stage sets when reached.
_STAGE_TIME = {
    Stage.SUPERVISED: "supervised_at", Stage.ELIGIBLE: "eligible_at", Stage.REJECTED: "rejected_at",
    Stage.QUEUED: "queued_at", Stage.INTRODUCED_TO_BANK: "introduced_at", Stage.LOAN_PAID: "loan_paid_at",
    Stage.BANK_REJECTED: "bank_rejected_at", Stage.WITHDRAWN: "closed_at", Stage.REVOKED: "closed_at",
    Stage.EXPIRED: "closed_at", Stage.VOIDED: "closed_at",
}

# When an application reached its current stage, as SQL, from the column each stage sets (no copy of the list).
STAGE_SINCE = "CASE a.stage " + " ".join(
    f"WHEN '{stage.value}' THEN a.{column}" for stage, column in
    ({Stage.PERMIT_ISSUED: "issued_at"} | _STAGE_TIME).items()) + " END"

_APPLICATION_SELECT = f"""
SELECT a.id, a.user_id, a.permit_number, a.stage, a.track, a.full_name, a.national_id, a.birth_date, a.mobile,
       a.province_code, p.name_fa AS province_fa, p.name_en AS province_en, a.city, a.address, a.postal_code,
       a.education, a.workers, a.experience_years, a.own_share_percent, a.category_id, c.name_fa AS category_fa,
       c.name_en AS category_en, s.name_fa AS sector_fa, s.name_en AS sector_en, c.needs_extra_approval,
       c.approval_body, a.issued_at, a.valid_until, a.queued_at, a.queue_seq, a.bank, a.loan_amount_rials,
       a.reason, a.updated_at, a.covered_approved AS roster_approved,
       (SELECT count(*) FROM covered_workers w WHERE w.application_id = a.id AND w.status = 'confirmed')
           AS roster_awaiting,
       EXISTS (SELECT 1 FROM national_id_claims n WHERE n.application_id = a.id) AS disputed,
       {STAGE_SINCE} AS stage_since
FROM applications a
JOIN provinces p ON p.code = a.province_code
JOIN categories c ON c.id = a.category_id
JOIN sectors s ON s.id = c.sector_id
"""

class ApplicationStore(NameIndexStore):
    async def issue_permit(self, form: PermitRequest, number_format: str, validity_years: int,
                           max_open: int | None = None) -> Application:
        """Create the application and its permit in one transaction; notify the province's officers.

        Raises `CategoryNotOffered` when the category or its sector is hidden; `HeldByAnotherAccount` when
        another account's open application holds the national ID (it carries nothing about that application);
        `AlreadyRegistered` when the same account has an open one in the category; `TooManyOpenApplications`
        when the account or the national ID already has `max_open` applications in progress.
        """
        now = self._now()
        today = self.today()
        async with self._transaction() as db:
            offered = await db.execute_fetchall(
                "SELECT 1 FROM categories c JOIN sectors s ON s.id = c.sector_id WHERE c.id = ? AND c.active = 1"
                " AND s.active = 1", (form.category_id,))
            if not offered:  # hidden (or its sector hidden) since it was picked
                raise CategoryNotOffered(f"category {form.category_id}")
            if await self._held_by_others(form.national_id, form.user_id):
                raise HeldByAnotherAccount()
            existing = await self._find_open(form.national_id, form.category_id)
            if existing is not None:
                raise AlreadyRegistered(existing)
            if max_open is not None and await self.count_open_applications(form.user_id, form.national_id) >= max_open:
                raise TooManyOpenApplications(max_open)
            seq = await self._next_counter(f"permit:{form.province_code}:{today.year}")
            number = permit_number(number_format, form.province_code, today.year, seq)
            valid_until = validity_end(today, validity_years).to_gregorian().isoformat()
            rows = await db.execute_fetchall(
                "INSERT INTO applications (user_id, category_id, track, full_name, national_id, birth_date, mobile,"
                " province_code, city, address, postal_code, education, workers, experience_years,"
                " own_share_percent, permit_number, issued_at, issued_month, valid_until, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (form.user_id, form.category_id, form.track, form.full_name, form.national_id,
                 form.birth_date.isoformat(), form.mobile, form.province_code, form.city, form.address,
                 form.postal_code, form.education, form.workers, form.experience_years, form.own_share_percent,
                 number, now, self._jalali_month(now), valid_until, now),
            )
            application_id = int(rows[0]["id"])
            await self._index_names([(application_id, form.province_code, form.full_name)])
            await self._audit(application_id, form.user_id, "issue", None, Stage.PERMIT_ISSUED)
            await self._tally(application_id, +1)
            officers = await db.execute_fetchall(
                "SELECT telegram_id FROM users WHERE role = 'officer' AND active = 1 AND province_code = ?",
                (form.province_code,),
            )
            for (officer_id,) in officers:
                await self._enqueue(OutboxKind.OFFICER_CARD, officer_id, application_id)
            if not officers:  # nobody would hear of it: the admins must appoint an officer
                await self._enqueue(OutboxKind.NO_OFFICER, None, application_id, {"province": form.province_code})
            await db.execute("DELETE FROM drafts WHERE user_id = ?", (form.user_id,))
        application = await self.get_application(application_id)
        assert application is not None
        return application

    async def get_application(self, application_id: int) -> Application | None:
        rows = await self.db.execute_fetchall(_APPLICATION_SELECT + " WHERE a.id = ?", (application_id,))
        return _application(rows[0]) if rows else None

    async def list_user_applications(self, user_id: int) -> list[Application]:
        rows = await self.db.execute_fetchall(_APPLICATION_SELECT + " WHERE a.user_id = ? ORDER BY a.id", (user_id,))
        return [_application(row) for row in rows]

    async def count_open_applications(self, user_id: int, national_id: str | None = None) -> int:
        """Applications in progress (not yet decided, paid or closed) of this account or this national ID."""
        rows = await self.db.execute_fetchall(
            f"SELECT count(*) AS n FROM applications WHERE stage IN {_OPEN} AND (user_id = ? OR national_id = ?)",
            (user_id, national_id),
        )
        return int(rows[0]["n"])

    async def _find_open(self, national_id: str, category_id: int) -> Application | None:
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + " WHERE a.national_id = ? AND a.category_id = ?"
            f" AND a.stage NOT IN {_CLOSED}",
            (national_id, category_id),
        )
        return _application(rows[0]) if rows else None

    async def _held_by_others(self, national_id: str, user_id: int) -> list[Row]:
        """The open applications of other accounts that hold this national ID (id, holder)."""
        return list(await self.db.execute_fetchall(
            f"SELECT id, user_id FROM applications WHERE national_id = ? AND user_id != ? AND stage NOT IN {_CLOSED}",
            (national_id, user_id),
        ))

    async def claim_national_id(self, national_id: str, claimant_id: int) -> list[int]:
        """Record that `claimant_id` typed a national ID other accounts hold; the ids of those applications
        (none: nobody else holds it, nothing recorded). A repeated claim only moves its `last_at`."""
        now = self._now()
        async with self._transaction() as db:
            held = await self._held_by_others(national_id, claimant_id)
            for row in held:
                await db.execute(
                    "INSERT INTO national_id_claims (application_id, holder_id, claimant_id, at, last_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (application_id, claimant_id) DO UPDATE SET"
                    " last_at = excluded.last_at",
                    (row["id"], row["user_id"], claimant_id, now, now),
                )
        return [int(row["id"]) for row in held]

    async def queue_position(self, application_id: int) -> QueuePosition | None:
        """1-based place in the province's loan queue, exact, in one round trip: the stretches of the queue
        before this one (queue_buckets) plus a count of at most 255 places inside its own."""
        rows = await self.db.execute_fetchall(
            f"""SELECT
                (SELECT coalesce(sum(size), 0) FROM queue_buckets b
                 WHERE b.province_code = a.province_code AND b.bucket < a.queue_seq / {QUEUE_BUCKET})
              + (SELECT count(*) FROM applications q
                 WHERE q.province_code = a.province_code AND q.stage = 'queued'
                   AND q.queue_seq >= a.queue_seq / {QUEUE_BUCKET} * {QUEUE_BUCKET} AND q.queue_seq < a.queue_seq)
                AS ahead,
                (SELECT coalesce(sum(size), 0) FROM queue_buckets b WHERE b.province_code = a.province_code) AS total
            FROM applications a WHERE a.id = ? AND a.stage = 'queued'""",
            (application_id,),
        )
        if not rows:
            return None
        ahead, total = int(rows[0]["ahead"]), int(rows[0]["total"])
        return QueuePosition(position=ahead + 1, ahead=ahead, total=total)

    # -- summaries, kept in the transaction of every change ----------------------------------

    async def _tally(self, application_id: int, sign: int) -> None:
        """Add (+1) or take away (-1) one application's contribution to the figures of its province and of
        the whole country ('*')."""
        await self.db.execute(
            f"""INSERT INTO tallies (province_code, category_id, track, permits, jobs, supervised, eligible, queued,
                                    introduced, loans_paid, loans_rials, in_queue, at_issued, at_supervised,
                                    at_eligible, at_introduced, covered, rosters)
            SELECT CASE WHEN s.national = 1 THEN '*' ELSE a.province_code END, a.category_id, a.track,
                   CAST(:s AS INTEGER), :s * {JOBS},
                   :s * {_one_if("a.supervised_at IS NOT NULL")}, :s * {_one_if("a.eligible_at IS NOT NULL")},
                   :s * {_one_if("a.queued_at IS NOT NULL")}, :s * {_one_if("a.introduced_at IS NOT NULL")},
                   :s * {_one_if("a.loan_paid_at IS NOT NULL")},
                   :s * CASE WHEN a.loan_paid_at IS NULL THEN 0 ELSE coalesce(a.loan_amount_rials, 0) END,
                   :s * {_one_if("a.stage = 'queued'")}, :s * {_one_if("a.stage = 'permit_issued'")},
                   :s * {_one_if("a.stage = 'supervised'")}, :s * {_one_if("a.stage = 'eligible'")},
                   :s * {_one_if("a.stage = 'introduced_to_bank'")}, :s * coalesce(a.covered_approved, 0),
                   :s * {_one_if("a.covered_approved IS NOT NULL")}
            FROM applications a CROSS JOIN (SELECT 0 AS national UNION ALL SELECT 1) s
            WHERE a.id = :id AND a.stage NOT IN {_UNCOUNTED}
            ON CONFLICT (province_code, category_id, track) DO UPDATE SET
                permits = tallies.permits + excluded.permits, jobs = tallies.jobs + excluded.jobs,
                supervised = tallies.supervised + excluded.supervised,
                eligible = tallies.eligible + excluded.eligible, queued = tallies.queued + excluded.queued,
                introduced = tallies.introduced + excluded.introduced,
                loans_paid = tallies.loans_paid + excluded.loans_paid,
                loans_rials = tallies.loans_rials + excluded.loans_rials,
                in_queue = tallies.in_queue + excluded.in_queue, at_issued = tallies.at_issued + excluded.at_issued,
                at_supervised = tallies.at_supervised + excluded.at_supervised,
                at_eligible = tallies.at_eligible + excluded.at_eligible,
                at_introduced = tallies.at_introduced + excluded.at_introduced,
                covered = tallies.covered + excluded.covered, rosters = tallies.rosters + excluded.rosters""",
            {"s": sign, "id": application_id},
        )
        await self.db.execute(
            f"""INSERT INTO monthly_permits (province_code, jalali_month, permits)
            SELECT CASE WHEN s.national = 1 THEN '*' ELSE a.province_code END, a.issued_month, CAST(:s AS INTEGER)
            FROM applications a CROSS JOIN (SELECT 0 AS national UNION ALL SELECT 1) s
            WHERE a.id = :id AND a.stage NOT IN {_UNCOUNTED}
            ON CONFLICT (province_code, jalali_month)
            DO UPDATE SET permits = monthly_permits.permits + excluded.permits""",
            {"s": sign, "id": application_id},
        )

    async def _queue_bucket(self, province_code: str, queue_seq: int, delta: int) -> None:
        bucket = queue_seq // QUEUE_BUCKET
        await self.db.execute(
            "INSERT INTO queue_buckets (province_code, bucket, size) VALUES (?, ?, ?)"
            " ON CONFLICT (province_code, bucket) DO UPDATE SET size = queue_buckets.size + excluded.size",
            (province_code, bucket, delta),
        )
        await self.db.execute("DELETE FROM queue_buckets WHERE province_code = ? AND bucket = ? AND size <= 0",
                              (province_code, bucket))

    async def rebuild_summaries(self) -> None:
        """Recount every summary from the applications (after a bulk import); call inside a transaction.

        Statement by statement: executescript() would commit the caller's transaction half-way."""
        for statement in REBUILD_SUMMARIES.split(";"):
            if statement.strip():
                await self.db.execute(statement)

    async def transition(
        self,
        application_id: int,
        action: Action,
        actor_id: int | None,
        *,
        reason: str | None = None,
        bank: str | None = None,
        loan_amount_rials: int | None = None,
    ) -> Application:
        """Move an application one step, with its audit row and the applicant's notification, atomically.

        Raises `NotFound`, or `StageConflict` when the action is not legal from the current stage.
        """
        now = self._now()
        async with self._transaction() as db:
            current = await self.get_application(application_id)
            if current is None:
                raise NotFound(f"application {application_id}")
            try:
                target = next_stage(current.stage, action)
            except IllegalTransition:
                raise StageConflict(current, action) from None
            if action in NEEDS_DISPUTE and not current.disputed:  # a void needs a recorded claim
                raise StageConflict(current, action)
            sets = {"stage": target.value, "updated_at": now, _STAGE_TIME[target]: now}
            await self._tally(application_id, -1)  # out with the old contribution, in with the new below
            if current.stage == Stage.QUEUED:
                await self._queue_bucket(current.province_code, current.queue_seq, -1)
            if target == Stage.QUEUED:
                sets["queue_seq"] = await self._next_counter(f"queue:{current.province_code}")
                await self._queue_bucket(current.province_code, sets["queue_seq"], +1)
            if reason is not None:
                sets["reason"] = reason
            if bank is not None:
                sets["bank"] = bank
            if loan_amount_rials is not None:
                sets["loan_amount_rials"] = loan_amount_rials
            assignments = ", ".join(f"{column} = ?" for column in sets)
            await db.execute(
                f"UPDATE applications SET {assignments} WHERE id = ?", (*sets.values(), application_id)
            )
            detail = {key: value for key, value in
                      {"reason": reason, "bank": bank, "loan_amount_rials": loan_amount_rials}.items()
                      if value is not None}
            await self._tally(application_id, +1)
            await self._audit(application_id, actor_id, action.value, current.stage, target, detail or None)
            if actor_id != current.user_id:  # the applicant is told, unless they did it themselves
                await self._enqueue(OutboxKind.STAGE_CHANGED, current.user_id, application_id,
                                    {"from": current.stage.value, "to": target.value, "action": action.value}
                                    | ({"reason": reason} if reason is not None else {}))  # this decision's
            if target in CLOSED_STAGES:  # a closed plan covers nobody any more: their national IDs are free
                await db.execute("UPDATE covered_workers SET active = 0, updated_at = ? WHERE application_id = ?"
                                 " AND active = 1", (now, application_id))
            if target == Stage.VOIDED:  # each claimant may now apply; they hear nothing else about it
                claimants = await db.execute_fetchall(
                    "SELECT claimant_id FROM national_id_claims WHERE application_id = ? ORDER BY id",
                    (application_id,))
                for (claimant_id,) in claimants:
                    await self._enqueue(OutboxKind.CLAIMANT_RELEASED, claimant_id, application_id)
        updated = await self.get_application(application_id)
        assert updated is not None
        return updated

    async def list_audit(self, application_id: int) -> list[AuditEntry]:
        rows = await self.db.execute_fetchall(
            "SELECT l.at, l.actor_id, u.display_name AS actor_name, l.action, l.from_stage, l.to_stage, l.detail"
            " FROM audit_log l"
            " LEFT JOIN users u ON u.telegram_id = l.actor_id WHERE l.application_id = ? ORDER BY l.id",
            (application_id,),
        )
        return [AuditEntry(**dict(row) | {"at": datetime.fromisoformat(row["at"]),
                                          "detail": json.loads(row["detail"]) if row["detail"] else {}})
                for row in rows]

    async def closed_from(self, application_id: int) -> Stage | None:
        """The stage a closed application was closed from (withdrawn at, revoked at…), if it was closed."""
        rows = await self.db.execute_fetchall(
            f"SELECT from_stage FROM audit_log WHERE application_id = ? AND to_stage IN {_CLOSED}"
            " ORDER BY id DESC LIMIT 1",
            (application_id,),
        )
        return Stage(rows[0]["from_stage"]) if rows and rows[0]["from_stage"] else None

    async def last_action(self, application_id: int) -> LastAction | None:
        rows = await self.db.execute_fetchall(
            "SELECT l.action, l.actor_id, u.display_name AS actor_name FROM audit_log l"
            " LEFT JOIN users u ON u.telegram_id = l.actor_id"
            " WHERE l.application_id = ? AND l.to_stage IS NOT NULL"  # a step, not a refusal
            " ORDER BY l.id DESC LIMIT 1",
            (application_id,),
        )
        return LastAction(**dict(rows[0])) if rows else None

    async def is_own_application(self, user_id: int, application_id: int) -> bool:
        """Whether `user_id` is this application's applicant: the same Telegram account, or the national ID
        or mobile of one of their own applications. Such an officer must not act on it (conflict of interest)."""
        rows = await self.db.execute_fetchall(
            "SELECT EXISTS (SELECT 1 FROM applications a WHERE a.id = ? AND (a.user_id = ? OR EXISTS ("
            " SELECT 1 FROM applications o WHERE o.user_id = ? AND (o.national_id = a.national_id"
            " OR o.mobile = a.mobile)))) AS own",
            (application_id, user_id, user_id),
        )
        return bool(rows[0]["own"])

    async def record_refusal(self, application_id: int, actor_id: int, attempted: str) -> None:
        """Audit an action refused because the application is the actor's own (no stage change)."""
        async with self._transaction():
            await self._audit(application_id, actor_id, "refuse_own", detail={"attempted": attempted})

    async def get_application_by_permit(self, number: str) -> Application | None:
        rows = await self.db.execute_fetchall(_APPLICATION_SELECT + " WHERE a.permit_number = ?", (number,))
        return _application(rows[0]) if rows else None

    async def list_by_stage(self, province_code: str, stages: tuple[Stage, ...], limit: int,
                            offset: int = 0) -> tuple[list[Application], int]:
        """A province's applications at these stages, oldest first, one page; and how many there are
        (counted from the tallies, so a long list costs no more than a short one)."""
        marks = ", ".join("?" for _ in stages)
        awaiting = set(stages) == set(AWAITING_OFFICER)  # the officers' /pending: served by its partial index
        condition = f"a.{AWAITING_CONDITION}" if awaiting else f"a.stage IN ({marks})"
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + f" WHERE a.province_code = ? AND {condition} ORDER BY a.id LIMIT ? OFFSET ?",
            (province_code, *(() if awaiting else stages), limit, offset),
        )
        if all(stage in _AT_STAGE for stage in stages):
            columns = " + ".join(f"coalesce(sum({_AT_STAGE[stage]}), 0)" for stage in stages)
            total = await self.db.execute_fetchall(f"SELECT {columns} AS n FROM tallies WHERE province_code = ?",
                                                   (province_code,))
        else:
            total = await self.db.execute_fetchall(
                f"SELECT count(*) AS n FROM applications WHERE province_code = ? AND stage IN ({marks})",
                (province_code, *stages),
            )
        return [_application(row) for row in rows], int(total[0]["n"])

    async def list_waiting_in_order(self, province_code: str, stage: Stage) -> list[int]:
        """The ids of a province's applications at `stage`, in the order they reached it (then by id)."""
        column = ({Stage.PERMIT_ISSUED: "issued_at"} | _STAGE_TIME)[stage]
        rows = await self.db.execute_fetchall(
            f"SELECT id FROM applications WHERE province_code = ? AND stage = ? ORDER BY {column}, id",
            (province_code, stage.value))
        return [int(row["id"]) for row in rows]

    async def list_overdue(self, province_code: str, targets: Mapping[Stage, int], limit: int,
                           offset: int = 0) -> tuple[list[Application], int]:
        """A province's applications past the target of the step they wait for (`targets`: days by the stage
        waited at), oldest first, one page; and how many there are."""
        conditions, cutoffs = [], []
        for stage, days in targets.items():
            column = ({Stage.PERMIT_ISSUED: "issued_at"} | _STAGE_TIME)[stage]
            conditions.append(f"(a.stage = '{stage.value}' AND a.{column} <= ?)")
            cutoffs.append(self._after(-timedelta(days=days + 1)))  # a whole day past the target
        late = " OR ".join(conditions)
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + f" WHERE a.province_code = ? AND ({late}) ORDER BY stage_since, a.id"
            " LIMIT ? OFFSET ?", (province_code, *cutoffs, limit, offset))
        total = await self.db.execute_fetchall(
            f"SELECT count(*) AS n FROM applications a WHERE a.province_code = ? AND ({late})",
            (province_code, *cutoffs))
        return [_application(row) for row in rows], int(total[0]["n"])

    async def list_queue(self, province_code: str, limit: int, offset: int = 0) -> tuple[list[Application], int]:
        """The province's loan queue in order, one page (position = offset + index + 1); and its length."""
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + " WHERE a.province_code = ? AND a.stage = 'queued' ORDER BY a.queue_seq"
            " LIMIT ? OFFSET ?",
            (province_code, limit, offset),
        )
        # The length from the tallies, as /pending's: a count of the queue visits every queued row (PostgreSQL
        # reads the table for it, tens of ms for a large province).
        total = await self.db.execute_fetchall(
            "SELECT coalesce(sum(in_queue), 0) AS n FROM tallies WHERE province_code = ?", (province_code,)
        )
        return [_application(row) for row in rows], int(total[0]["n"])

    # -- officers' cards and pending answers ----------------------------------------------

    async def list_officer_cards(self, application_id: int) -> list[OfficerCard]:
        rows = await self.db.execute_fetchall(
            "SELECT officer_id, message_id FROM officer_cards WHERE application_id = ? ORDER BY officer_id, message_id",
            (application_id,)
        )
        return [OfficerCard(**dict(row)) for row in rows]

    async def set_officer_prompt(self, officer_id: int, application_id: int, action: str,
                                 message_id: int | None = None, amount_toman: int | None = None) -> None:
        """The officer's one open question (replacing any other), asked now; with `amount_toman`, the amount
        typed and awaiting confirmation."""
        await self._write(
            "INSERT INTO officer_prompts (officer_id, application_id, action, message_id, created_at, amount_toman)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (officer_id) DO UPDATE SET"
            " application_id = excluded.application_id, action = excluded.action, message_id = excluded.message_id,"
            " created_at = excluded.created_at, amount_toman = excluded.amount_toman",
            (officer_id, application_id, action, message_id, self._now(), amount_toman),
        )

    async def get_officer_prompt(self, officer_id: int) -> OfficerPrompt | None:
        rows = await self.db.execute_fetchall(_PROMPT_SELECT + " WHERE officer_id = ?", (officer_id,))
        return _prompt(rows[0]) if rows else None

    async def list_officer_prompts(self, max_age: timedelta) -> list[OfficerPrompt]:
        """Answers owed for less than `max_age`: the officers' conversations to resume after a restart."""
        rows = await self.db.execute_fetchall(_PROMPT_SELECT + " WHERE created_at >= ?", (self._after(-max_age),))
        return [_prompt(row) for row in rows]

    async def clear_officer_prompt(self, officer_id: int) -> None:
        await self._write("DELETE FROM officer_prompts WHERE officer_id = ?", (officer_id,))

_PROMPT_SELECT = ("SELECT officer_id, application_id, action, message_id, created_at, amount_toman"
                  " FROM officer_prompts")


def _one_if(condition: str) -> str:
    """1 when the condition holds, else 0 (SQLite would multiply by the comparison; PostgreSQL's is boolean)."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _prompt(row: Row) -> OfficerPrompt:
    return OfficerPrompt(**dict(row) | {"created_at": datetime.fromisoformat(row["created_at"])})


def _application(row: Row) -> Application:
    return Application(**dict(row) | {
        "stage": Stage(row["stage"]),
        "birth_date": date.fromisoformat(row["birth_date"]),
        "needs_extra_approval": bool(row["needs_extra_approval"]),
        "issued_at": datetime.fromisoformat(row["issued_at"]),
        "valid_until": date.fromisoformat(row["valid_until"]),
        "queued_at": datetime.fromisoformat(row["queued_at"]) if row["queued_at"] else None,
        "updated_at": datetime.fromisoformat(row["updated_at"]),
        "disputed": bool(row["disputed"]),
        "stage_since": datetime.fromisoformat(row["stage_since"]) if row["stage_since"] else None,
    })

