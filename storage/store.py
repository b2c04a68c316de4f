"""The repository API: every query the bot makes, behind verb + noun methods returning records."""

import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
from persiantools.jdatetime import JalaliDate

from domain.lifecycle import Action, IllegalTransition, Stage, next_stage
from domain.permit import permit_number, validity_end
from storage.catalog import Catalog
from storage.migrate import migrate
from storage.records import Application, Category, Draft, PermitRequest, Province, QueuePosition, Sector, User

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class StoreError(Exception):
    """Base of the errors a user can cause; handlers turn them into friendly replies."""


class AlreadyRegistered(StoreError):
    """The national ID already holds an open application in this category."""

    def __init__(self, existing: Application) -> None:
        super().__init__(f"application {existing.id} is already open")
        self.existing = existing


class NotFound(StoreError):
    pass


class StageConflict(StoreError):
    """The transition is not legal from the application's current stage (stale button, wrong order)."""

    def __init__(self, application: Application, action: Action) -> None:
        super().__init__(f"{action} is not allowed from {application.stage}")
        self.application = application
        self.action = action


# Which timestamp column each stage sets when reached.
_STAGE_TIME = {
    Stage.SUPERVISED: "supervised_at", Stage.ELIGIBLE: "eligible_at", Stage.REJECTED: "rejected_at",
    Stage.QUEUED: "queued_at", Stage.INTRODUCED_TO_BANK: "introduced_at", Stage.LOAN_PAID: "loan_paid_at",
    Stage.BANK_REJECTED: "bank_rejected_at", Stage.WITHDRAWN: "closed_at", Stage.REVOKED: "closed_at",
    Stage.EXPIRED: "closed_at",
}

_APPLICATION_SELECT = """
SELECT a.id, a.user_id, a.permit_number, a.stage, a.track, a.full_name, a.national_id, a.birth_date, a.mobile,
       a.province_code, p.name_fa, p.name_en, a.city, a.address, a.postal_code, a.education, a.workers,
       a.experience_years, a.own_share_percent, a.category_id, c.name_fa, c.name_en, s.name_fa, s.name_en,
       c.needs_extra_approval, c.approval_body, a.issued_at, a.valid_until, a.queued_at, a.bank,
       a.loan_amount_rials, a.reason, a.updated_at
FROM applications a
JOIN provinces p ON p.code = a.province_code
JOIN categories c ON c.id = a.category_id
JOIN sectors s ON s.id = c.sector_id
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """One aiosqlite connection per process (SQLite serialises writers anyway)."""

    def __init__(self, path: Path, clock: Clock = utc_now, tz: ZoneInfo = ZoneInfo("Asia/Tehran")) -> None:
        self.path = path
        self._clock = clock
        self._tz = tz  # the programme's calendar day (permit years, validity) is Tehran's
        self._db: aiosqlite.Connection | None = None

    # -- lifecycle -------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the database (creating its folder), set pragmas and apply missing migrations."""
        if self._db is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self.path, isolation_level=None)  # explicit BEGIN/COMMIT only
        db.row_factory = sqlite3.Row
        await db.executescript(
            "PRAGMA journal_mode = WAL;"
            "PRAGMA foreign_keys = ON;"
            "PRAGMA busy_timeout = 5000;"
            "PRAGMA synchronous = NORMAL;"
        )
        await migrate(db)
        self._db = db

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("Store.connect() has not been awaited")
        return self._db

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")

    def today(self) -> JalaliDate:
        """Today's Jalali date in the programme's time zone."""
        return JalaliDate.to_jalali(self._clock().astimezone(self._tz).date())

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error: writers never interleave half-done work."""
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise
        await self.db.execute("COMMIT")

    async def schema_version(self) -> int:
        rows = await self.db.execute_fetchall("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(rows[0][0])

    # -- catalog ---------------------------------------------------------------------------

    async def load_catalog(self, catalog: Catalog) -> None:
        """Seed provinces, sectors and categories on first start; never overwrites later edits."""
        async with self._transaction() as db:
            await db.executemany(
                "INSERT OR IGNORE INTO provinces (code, name_fa, name_en) VALUES (?, ?, ?)",
                [(p.code, p.name_fa, p.name_en) for p in catalog.provinces],
            )
            rows = await db.execute_fetchall("SELECT count(*) FROM categories")
            if rows[0][0] == 0:
                await db.executemany(
                    "INSERT OR IGNORE INTO sectors (code, name_fa, name_en, approval_body, position)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(s.code, s.name_fa, s.name_en, s.approval_body, i) for i, s in enumerate(catalog.sectors)],
                )
                await db.executemany(
                    "INSERT INTO categories (sector_id, name_fa, name_en, needs_extra_approval, approval_body)"
                    " SELECT id, ?, ?, ?, CASE WHEN ? THEN coalesce(approval_body, 'other') END"
                    " FROM sectors WHERE code = ?",
                    [
                        (c.name_fa, c.name_en, c.needs_extra_approval, c.needs_extra_approval, c.sector_code)
                        for c in catalog.categories
                    ],
                )
                logger.info("catalog seeded: %d categories", len(catalog.categories))

    async def list_provinces(self) -> list[Province]:
        rows = await self.db.execute_fetchall("SELECT code, name_fa, name_en FROM provinces ORDER BY code")
        return [Province(*row) for row in rows]

    async def list_sectors(self, include_inactive: bool = False) -> list[Sector]:
        """Sectors in display order; by default only those an applicant can pick from."""
        where = "" if include_inactive else (
            "WHERE s.active AND EXISTS (SELECT 1 FROM categories c WHERE c.sector_id = s.id AND c.active)"
        )
        rows = await self.db.execute_fetchall(
            f"SELECT s.id, s.code, s.name_fa, s.name_en, s.approval_body, s.active FROM sectors s {where}"
            " ORDER BY s.position, s.id"
        )
        return [Sector(*row[:5], active=bool(row[5])) for row in rows]

    async def list_categories(self, sector_id: int | None = None, include_inactive: bool = False) -> list[Category]:
        conditions, params = [], []
        if sector_id is not None:
            conditions.append("sector_id = ?")
            params.append(sector_id)
        if not include_inactive:
            conditions.append("active")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self.db.execute_fetchall(
            "SELECT id, sector_id, name_fa, name_en, needs_extra_approval, approval_body, active"
            f" FROM categories {where} ORDER BY id",
            params,
        )
        return [_category(row) for row in rows]

    # -- users -----------------------------------------------------------------------------

    async def get_user(self, telegram_id: int) -> User | None:
        rows = await self.db.execute_fetchall(
            "SELECT telegram_id, language, role, province_code, active FROM users WHERE telegram_id = ?",
            (telegram_id,),
        )
        return _user(rows[0]) if rows else None

    async def ensure_user(self, telegram_id: int, language: str) -> User:
        """The user's record, created with `language` on first contact; a returning user is reachable again."""
        now = self._now()
        rows = await self.db.execute_fetchall(
            "INSERT INTO users (telegram_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET active = 1"
            " RETURNING telegram_id, language, role, province_code, active",
            (telegram_id, language, now, now),
        )
        return _user(rows[0])

    async def set_language(self, telegram_id: int, language: str) -> None:
        now = self._now()
        await self.db.execute(
            "INSERT INTO users (telegram_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
            (telegram_id, language, now, now),
        )

    async def get_category(self, category_id: int) -> Category | None:
        rows = await self.db.execute_fetchall(
            "SELECT id, sector_id, name_fa, name_en, needs_extra_approval, approval_body, active"
            " FROM categories WHERE id = ?",
            (category_id,),
        )
        return _category(rows[0]) if rows else None

    async def get_province(self, code: str) -> Province | None:
        rows = await self.db.execute_fetchall("SELECT code, name_fa, name_en FROM provinces WHERE code = ?", (code,))
        return Province(*rows[0]) if rows else None

    # -- drafts ----------------------------------------------------------------------------

    async def get_draft(self, user_id: int) -> Draft | None:
        rows = await self.db.execute_fetchall(
            "SELECT user_id, state, data, updated_at FROM drafts WHERE user_id = ?", (user_id,)
        )
        return _draft(rows[0]) if rows else None

    async def save_draft(self, user_id: int, state: str, data: dict[str, Any]) -> None:
        """Write the step and answers through at once: a restart resumes here."""
        now = self._now()
        await self.db.execute(
            "INSERT INTO users (telegram_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (user_id, now, now),
        )
        await self.db.execute(
            "INSERT INTO drafts (user_id, state, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (user_id, state, json.dumps(data, ensure_ascii=False), now),
        )

    async def set_draft_state(self, user_id: int, state: str) -> None:
        """Move an existing draft to another step (no draft, no row)."""
        await self.db.execute(
            "UPDATE drafts SET state = ?, updated_at = ? WHERE user_id = ?", (state, self._now(), user_id)
        )

    async def delete_draft(self, user_id: int) -> None:
        await self.db.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))

    async def list_drafts(self, max_age: timedelta) -> list[Draft]:
        """Drafts touched within `max_age`: the conversations to resume after a restart."""
        since = (self._clock() - max_age).astimezone(UTC).isoformat(timespec="seconds")
        rows = await self.db.execute_fetchall(
            "SELECT user_id, state, data, updated_at FROM drafts WHERE updated_at >= ?", (since,)
        )
        return [_draft(row) for row in rows]

    async def purge_drafts(self, max_age: timedelta) -> int:
        """Delete drafts untouched for longer than `max_age`; returns how many."""
        since = (self._clock() - max_age).astimezone(UTC).isoformat(timespec="seconds")
        cursor = await self.db.execute("DELETE FROM drafts WHERE updated_at < ?", (since,))
        return cursor.rowcount

    # -- applications and permits ----------------------------------------------------------

    async def issue_permit(self, form: PermitRequest, number_format: str, validity_years: int) -> Application:
        """Create the application and its permit in one transaction; notify the province's officers.

        Raises `AlreadyRegistered` when the national ID already holds an open application in the category.
        """
        now = self._now()
        today = self.today()
        async with self._transaction() as db:
            existing = await self._find_open(form.national_id, form.category_id)
            if existing is not None:
                raise AlreadyRegistered(existing)
            seq = await self._next_counter(f"permit:{form.province_code}:{today.year}")
            number = permit_number(number_format, form.province_code, today.year, seq)
            valid_until = validity_end(today, validity_years).to_gregorian().isoformat()
            rows = await db.execute_fetchall(
                "INSERT INTO applications (user_id, category_id, track, full_name, national_id, birth_date, mobile,"
                " province_code, city, address, postal_code, education, workers, experience_years,"
                " own_share_percent, permit_number, issued_at, valid_until, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (form.user_id, form.category_id, form.track, form.full_name, form.national_id,
                 form.birth_date.isoformat(), form.mobile, form.province_code, form.city, form.address,
                 form.postal_code, form.education, form.workers, form.experience_years, form.own_share_percent,
                 number, now, valid_until, now),
            )
            application_id = int(rows[0][0])
            await self._audit(application_id, form.user_id, "issue", None, Stage.PERMIT_ISSUED, None)
            await self._enqueue("officer.new_application", "province_officers", application_id)
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

    async def _find_open(self, national_id: str, category_id: int) -> Application | None:
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + " WHERE a.national_id = ? AND a.category_id = ?"
            " AND a.stage NOT IN ('withdrawn', 'revoked', 'expired')",
            (national_id, category_id),
        )
        return _application(rows[0]) if rows else None

    async def find_open_application(self, national_id: str, category_id: int) -> Application | None:
        return await self._find_open(national_id, category_id)

    async def queue_position(self, application_id: int) -> QueuePosition | None:
        """1-based place in the province's loan queue, from the partial queue index (no rows loaded)."""
        rows = await self.db.execute_fetchall(
            "SELECT province_code, queue_seq FROM applications WHERE id = ? AND stage = 'queued'", (application_id,)
        )
        if not rows:
            return None
        province, seq = rows[0]
        counts = await self.db.execute_fetchall(
            "SELECT count(*) FILTER (WHERE queue_seq < ?), count(*) FROM applications"
            " WHERE province_code = ? AND stage = 'queued'",
            (seq, province),
        )
        ahead, total = int(counts[0][0]), int(counts[0][1])
        return QueuePosition(position=ahead + 1, ahead=ahead, total=total)

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
            sets = {"stage": target.value, "updated_at": now, _STAGE_TIME[target]: now}
            if target == Stage.QUEUED:
                sets["queue_seq"] = await self._next_counter("queue")
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
            await self._audit(application_id, actor_id, action.value, current.stage, target, detail or None)
            await self._enqueue("applicant.stage_changed", "applicant", application_id,
                                {"from": current.stage.value, "to": target.value, "action": action.value})
        updated = await self.get_application(application_id)
        assert updated is not None
        return updated

    async def list_audit(self, application_id: int) -> list[dict[str, Any]]:
        rows = await self.db.execute_fetchall(
            "SELECT at, actor_id, action, from_stage, to_stage, detail FROM audit_log"
            " WHERE application_id = ? ORDER BY id",
            (application_id,),
        )
        return [dict(row) for row in rows]

    async def list_outbox(self, status: str = "pending") -> list[dict[str, Any]]:
        rows = await self.db.execute_fetchall(
            "SELECT id, kind, audience, application_id, chat_id, payload, attempts FROM outbox"
            " WHERE status = ? ORDER BY id",
            (status,),
        )
        return [dict(row) | {"payload": json.loads(row["payload"])} for row in rows]

    # -- helpers inside a transaction -------------------------------------------------------

    async def _next_counter(self, name: str) -> int:
        rows = await self.db.execute_fetchall(
            "INSERT INTO counters (name, value) VALUES (?, 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
            (name,),
        )
        return int(rows[0][0])

    async def _audit(self, application_id: int, actor_id: int | None, action: str, from_stage: Stage | None,
                     to_stage: Stage, detail: dict[str, Any] | None) -> None:
        await self.db.execute(
            "INSERT INTO audit_log (at, actor_id, action, application_id, from_stage, to_stage, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self._now(), actor_id, action, application_id, from_stage, to_stage,
             json.dumps(detail, ensure_ascii=False) if detail else None),
        )

    async def _enqueue(self, kind: str, audience: str, application_id: int | None,
                       payload: dict[str, Any] | None = None, chat_id: int | None = None) -> None:
        now = self._now()
        await self.db.execute(
            "INSERT INTO outbox (kind, audience, application_id, chat_id, payload, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, audience, application_id, chat_id, json.dumps(payload or {}, ensure_ascii=False), now, now),
        )


def _category(row: sqlite3.Row) -> Category:
    return Category(
        id=row[0],
        sector_id=row[1],
        name_fa=row[2],
        name_en=row[3],
        needs_extra_approval=bool(row[4]),
        approval_body=row[5],
        active=bool(row[6]),
    )


def _user(row: sqlite3.Row) -> User:
    return User(telegram_id=row[0], language=row[1], role=row[2], province_code=row[3], active=bool(row[4]))


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(user_id=row[0], state=row[1], data=json.loads(row[2]), updated_at=datetime.fromisoformat(row[3]))


def _application(row: sqlite3.Row) -> Application:
    values = list(row)
    values[3] = Stage(values[3])
    values[7] = date.fromisoformat(values[7])
    values[24] = bool(values[24])
    values[26] = datetime.fromisoformat(values[26])
    values[27] = date.fromisoformat(values[27])
    values[28] = datetime.fromisoformat(values[28]) if values[28] else None
    values[32] = datetime.fromisoformat(values[32])
    return Application(*values)
