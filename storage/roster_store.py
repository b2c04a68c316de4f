"""Support-plan rosters: covered workers, their personal invitations, the officers' approvals, the figures.

A national ID holds a place on one active plan at a time and never on its own holder's plan: the database
refuses both (a partial unique index, a CHECK); the checks here only turn them into friendly errors first.
An approval changes the plan's jobs-created contribution, so its tallies are taken out and put back in the
same transaction (two rows a scope, no scan).
"""

import sqlite3
from datetime import datetime

from domain.lifecycle import CLOSED_STAGES, sql_list
from domain.roster import HOLDS_PLACE, INVITE_VALIDITY, WorkerStatus, new_invite_code
from storage.application_store import ApplicationStore
from storage.base import Row
from storage.errors import AlreadyCovered, NotAPlan, NotFound, OwnNationalId, RosterFull, WorkerNotAwaiting
from storage.records import (
    Application,
    CoveredWorker,
    Invitation,
    InviteOutcome,
    OutboxKind,
    RosterFigures,
    WorkerRequest,
)

_CLOSED = sql_list(CLOSED_STAGES)
_HOLDING = "(" + ", ".join(f"'{status.value}'" for status in sorted(HOLDS_PLACE)) + ")"

_WORKER_SELECT = """
SELECT w.id, w.application_id, w.full_name, w.national_id, w.mobile, w.city, w.category_id,
       c.name_fa AS category_fa, c.name_en AS category_en, w.status, w.invite_code, w.invite_expires_at,
       w.worker_user_id, w.reason, w.created_at
FROM covered_workers w JOIN categories c ON c.id = w.category_id
"""


class RosterStore(ApplicationStore):
    async def list_support_plans(self, user_id: int) -> list[Application]:
        """The account's support plans that are not closed: the ones that may have a roster."""
        return [a for a in await self.list_user_applications(user_id)
                if a.track == "support" and a.stage not in CLOSED_STAGES]

    async def list_roster(self, application_id: int) -> list[CoveredWorker]:
        rows = await self.db.execute_fetchall(_WORKER_SELECT + " WHERE w.application_id = ? ORDER BY w.id",
                                              (application_id,))
        return [_worker(row) for row in rows]

    async def get_covered_worker(self, worker_id: int) -> CoveredWorker | None:
        rows = await self.db.execute_fetchall(_WORKER_SELECT + " WHERE w.id = ?", (worker_id,))
        return _worker(rows[0]) if rows else None

    async def coverage_conflict(self, application_id: int, national_id: str) -> type[Exception] | None:
        """Why this national ID cannot join the plan now (`OwnNationalId`, `AlreadyCovered`), or None; asked
        as soon as it is typed, and again (by the database) when the worker is saved."""
        rows = await self.db.execute_fetchall(
            """SELECT CASE WHEN a.national_id = ? THEN 1 ELSE 0 END AS own,
                CASE WHEN EXISTS (SELECT 1 FROM covered_workers w WHERE w.national_id = ? AND w.active = 1
                        AND NOT (w.status = 'invited' AND w.invite_expires_at <= ?)) THEN 1 ELSE 0 END AS covered
            FROM applications a WHERE a.id = ?""", (national_id, national_id, self._now(), application_id))
        if rows and rows[0]["own"]:
            return OwnNationalId
        if rows and rows[0]["covered"]:
            return AlreadyCovered
        return None

    async def add_covered_worker(self, application_id: int, holder_id: int, worker: WorkerRequest) -> CoveredWorker:
        """Register a covered worker with a fresh invitation, in one transaction: the plan must be the holder's,
        open, with a place left (its number of jobs); the national ID neither the holder's nor on another
        active plan. The first worker makes the roster exist: from then on the plan's jobs are its approved
        workers. Raises `NotAPlan`, `RosterFull`, `OwnNationalId` or `AlreadyCovered`."""
        now = self._now()
        async with self._transaction() as db:
            plan = await self._holders_open_plan(application_id, holder_id)
            await self._take_place(plan, worker.national_id)
            try:
                rows = await db.execute_fetchall(
                    "INSERT INTO covered_workers (application_id, full_name, national_id, holder_national_id,"
                    " mobile, city, category_id, invite_code, invite_expires_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (plan.id, worker.full_name, worker.national_id, plan.national_id, worker.mobile, worker.city,
                     worker.category_id, new_invite_code(), self._after(INVITE_VALIDITY), now, now))
            except sqlite3.IntegrityError as error:  # the database's own rules, also under concurrency
                raise (OwnNationalId() if worker.national_id == plan.national_id else AlreadyCovered()) from error
            worker_id = int(rows[0]["id"])
            if plan.roster_approved is None:  # the roster exists from now on
                await self._set_approved(plan.id, 0)
            await self._audit(plan.id, holder_id, "roster_add", detail={"worker": worker_id})
        added = await self.get_covered_worker(worker_id)
        assert added is not None
        return added

    async def renew_invite(self, worker_id: int, holder_id: int) -> CoveredWorker:
        """A new link for a worker whose link ran out unanswered (the old one stops working); raises
        `NotAPlan`, `WorkerNotAwaiting` (answered meanwhile), `RosterFull` or `AlreadyCovered`."""
        now = self._now()
        async with self._transaction() as db:
            worker = await self.get_covered_worker(worker_id)
            if worker is None:
                raise NotFound(f"worker {worker_id}")
            plan = await self._holders_open_plan(worker.application_id, holder_id)
            if worker.status not in (WorkerStatus.INVITED, WorkerStatus.EXPIRED):
                raise WorkerNotAwaiting()
            if worker.status == WorkerStatus.EXPIRED:  # it gave its place back: take one again, if any is left
                await self._take_place(plan, worker.national_id)
            try:
                await db.execute(
                    "UPDATE covered_workers SET status = 'invited', active = 1, invite_code = ?,"
                    " invite_expires_at = ?, worker_user_id = NULL, updated_at = ? WHERE id = ?",
                    (new_invite_code(), self._after(INVITE_VALIDITY), now, worker_id))
            except sqlite3.IntegrityError as error:
                raise AlreadyCovered() from error
            await self._audit(plan.id, holder_id, "roster_new_link", detail={"worker": worker_id})
        renewed = await self.get_covered_worker(worker_id)
        assert renewed is not None
        return renewed

    async def open_invite(self, worker_id: int, code: str, genuine: bool, opener_id: int) -> Invitation:
        """A worker's link opened by `opener_id`. A valid one is bound to the first account that opens it (only
        that account may answer); a forged, replaced, expired or used one is refused and audited (ids only)."""
        async with self._transaction() as db:
            worker = await self.get_covered_worker(worker_id) if genuine else None
            plan = await self.get_application(worker.application_id) if worker else None
            outcome = _outcome(worker, plan, code, opener_id, self._clock())
            if worker is None or plan is None or outcome != InviteOutcome.OPEN:
                if outcome == InviteOutcome.EXPIRED and worker is not None and worker.status == WorkerStatus.INVITED:
                    await db.execute("UPDATE covered_workers SET status = 'expired', active = 0, updated_at = ?"
                                     " WHERE id = ?", (self._now(), worker_id))
                await self._audit(worker.application_id if worker else None, opener_id,
                                  f"roster_link_{outcome.value}", detail={"worker": worker_id})
                return Invitation(outcome)
            if plan.user_id == opener_id:  # the supporter trying their own link: it stays the worker's
                return Invitation(InviteOutcome.OWN_PLAN, worker, plan)
            if worker.worker_user_id is None:
                await db.execute("UPDATE covered_workers SET worker_user_id = ?, updated_at = ? WHERE id = ?",
                                 (opener_id, self._now(), worker_id))
                await self._audit(worker.application_id, opener_id, "roster_link_opened", detail={"worker": worker_id})
        return Invitation(InviteOutcome.OPEN, await self.get_covered_worker(worker_id), plan)

    async def answer_invite(self, worker_id: int, code: str, user_id: int, accept: bool) -> Invitation:
        """The worker's confirmation or refusal of the agreement, from the account that opened the link; the
        supporter is told. Refused like `open_invite` when the link is no longer good for an answer."""
        async with self._transaction() as db:
            worker = await self.get_covered_worker(worker_id)
            plan = await self.get_application(worker.application_id) if worker else None
            outcome = _outcome(worker, plan, code, user_id, self._clock())
            if worker is None or plan is None or outcome != InviteOutcome.OPEN or worker.worker_user_id != user_id:
                outcome = InviteOutcome.USED if outcome == InviteOutcome.OPEN else outcome
                await self._audit(worker.application_id if worker else None, user_id,
                                  f"roster_link_{outcome.value}", detail={"worker": worker_id})
                return Invitation(outcome)
            status = WorkerStatus.CONFIRMED if accept else WorkerStatus.DECLINED
            await db.execute(
                "UPDATE covered_workers SET status = ?, active = ?, answered_at = ?, updated_at = ? WHERE id = ?",
                (status.value, 1 if status in HOLDS_PLACE else 0, self._now(), self._now(), worker_id))
            await self._audit(worker.application_id, user_id, f"roster_{status.value}", detail={"worker": worker_id})
            await self._enqueue(OutboxKind.ROSTER_ANSWERED, plan.user_id, plan.id,
                                {"worker": worker_id, "status": status.value})
        return Invitation(InviteOutcome.OPEN, await self.get_covered_worker(worker_id),
                          await self.get_application(plan.id))

    async def decide_workers(self, application_id: int, worker_ids: list[int] | None, officer_id: int,
                             approve: bool, reason: str | None = None) -> list[CoveredWorker]:
        """The officers' approval (or refusal, with its reason) of confirmed workers of one plan: these, or
        every confirmed one (`worker_ids` None). Only confirmed workers change (a second officer's press finds
        them decided); the plan's jobs follow the approved count; the supporter and each worker are told.
        Returns the workers decided now."""
        if worker_ids is not None and not worker_ids:
            return []
        status = WorkerStatus.APPROVED if approve else WorkerStatus.REFUSED
        now = self._now()
        async with self._transaction() as db:
            plan = await self.get_application(application_id)
            if plan is None or plan.track != "support" or plan.stage in CLOSED_STAGES:
                raise NotAPlan()
            wanted = "" if worker_ids is None else \
                " AND id IN (" + ", ".join(str(int(worker_id)) for worker_id in worker_ids) + ")"
            decided = await db.execute_fetchall(
                "UPDATE covered_workers SET status = ?, active = ?, reason = ?, decided_at = ?, decided_by = ?,"
                f" updated_at = ? WHERE application_id = ? AND status = 'confirmed'{wanted} RETURNING id",
                (status.value, 1 if approve else 0, reason, now, officer_id, now, application_id))
            ids = sorted(int(row["id"]) for row in decided)
            if not ids:
                return []
            if approve:
                await self._set_approved(application_id, (plan.roster_approved or 0) + len(ids))
            for worker_id in ids:
                await self._audit(application_id, officer_id, f"roster_{status.value}",
                                  detail={"worker": worker_id} | ({"reason": reason} if reason else {}))
            # One message to the supporter for the whole decision, one to each worker about themselves.
            await self._enqueue(OutboxKind.ROSTER_DECIDED, plan.user_id, application_id, {"workers": ids})
            workers = [w for w in await self.list_roster(application_id) if w.id in ids]
            for worker in workers:
                if worker.worker_user_id is not None:
                    await self._enqueue(OutboxKind.ROSTER_DECIDED, worker.worker_user_id, application_id,
                                        {"workers": [worker.id]})
        return workers

    async def list_rosters_awaiting(self, province_code: str, limit: int) -> tuple[list[Application], int]:
        """The province's open support plans with covered workers awaiting the officers, oldest first (up to
        `limit`), and how many workers await in all."""
        rows = await self.db.execute_fetchall(
            f"""SELECT w.application_id AS id, count(*) AS n FROM covered_workers w
            JOIN applications a ON a.id = w.application_id
            WHERE w.status = 'confirmed' AND a.province_code = ? AND a.stage NOT IN {_CLOSED}
            GROUP BY w.application_id ORDER BY w.application_id""", (province_code,))
        plans = [await self.get_application(int(row["id"])) for row in rows[:limit]]
        return [plan for plan in plans if plan is not None], sum(int(row["n"]) for row in rows)

    async def roster_figures(self, province_code: str | None = None) -> RosterFigures:
        """Approved covered workers and plans with a roster, for a province or nationally, from the tallies."""
        [row] = await self.db.execute_fetchall(
            "SELECT coalesce(sum(covered), 0) AS covered, coalesce(sum(rosters), 0) AS rosters FROM tallies"
            " WHERE province_code = ?", (province_code or "*",))
        return RosterFigures(province_code, int(row["covered"]), int(row["rosters"]))

    # -- inside a transaction ----------------------------------------------------------------------

    async def _holders_open_plan(self, application_id: int, holder_id: int) -> Application:
        plan = await self.get_application(application_id)
        if plan is None or plan.user_id != holder_id or plan.track != "support" or plan.stage in CLOSED_STAGES:
            raise NotAPlan()
        return plan

    async def _take_place(self, plan: Application, national_id: str) -> None:
        """Raise `RosterFull` unless the plan has a place left for this national ID (expired invitations of
        either given back first)."""
        await self._release_expired(national_id, plan.id)
        holding = await self.db.execute_fetchall(
            f"SELECT count(*) AS n FROM covered_workers WHERE application_id = ? AND status IN {_HOLDING}", (plan.id,))
        if int(holding[0]["n"]) >= plan.workers:
            raise RosterFull(plan.workers)

    async def _release_expired(self, national_id: str, application_id: int) -> None:
        """Invitations that ran out unanswered give their national ID and their place back: checked lazily,
        where it matters (this national ID, this plan), instead of by a sweeping job."""
        await self.db.execute(
            "UPDATE covered_workers SET status = 'expired', active = 0, updated_at = ? WHERE status = 'invited'"
            " AND invite_expires_at <= ? AND (national_id = ? OR application_id = ?)",
            (self._now(), self._now(), national_id, application_id))

    async def _set_approved(self, application_id: int, approved: int) -> None:
        """The plan's approved covered workers, its contribution to the figures moved with it."""
        await self._tally(application_id, -1)
        await self.db.execute("UPDATE applications SET covered_approved = ? WHERE id = ?", (approved, application_id))
        await self._tally(application_id, +1)


def _outcome(worker: CoveredWorker | None, plan: Application | None, code: str, user_id: int,
             now: datetime) -> InviteOutcome:
    """What a link (a worker and the code it carries) is good for now, opened or answered by `user_id`."""
    if worker is None or plan is None:
        return InviteOutcome.FORGED
    if worker.invite_code != code:
        return InviteOutcome.REPLACED
    if plan.stage in CLOSED_STAGES:
        return InviteOutcome.CLOSED
    if worker.status == WorkerStatus.EXPIRED:
        return InviteOutcome.EXPIRED
    if worker.status != WorkerStatus.INVITED or (worker.worker_user_id not in (None, user_id)):
        return InviteOutcome.USED
    if worker.invite_expires_at <= now:
        return InviteOutcome.EXPIRED
    return InviteOutcome.OPEN


def _worker(row: Row) -> CoveredWorker:
    return CoveredWorker(**dict(row) | {
        "status": WorkerStatus(row["status"]),
        "invite_expires_at": datetime.fromisoformat(row["invite_expires_at"]),
        "created_at": datetime.fromisoformat(row["created_at"]),
    })
