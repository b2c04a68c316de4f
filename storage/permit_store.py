"""Permits after issue: the signing secret, renewal, expiry and its reminders."""

from datetime import date, timedelta

from persiantools.jdatetime import JalaliDate

from domain.lifecycle import CLOSED_STAGES, Action
from domain.permit import validity_end
from storage.application_store import ApplicationStore
from storage.errors import NotFound, StageConflict
from storage.records import Application, OutboxKind

_OPEN = "stage NOT IN (" + ", ".join(f"'{stage.value}'" for stage in sorted(CLOSED_STAGES)) + ")"


class PermitStore(ApplicationStore):
    async def stored_permit_secret(self) -> str | None:
        """The QR signing key an older version kept in the database, if it is still there (bot/permit_secret.py)."""
        rows = await self.db.execute_fetchall("SELECT value FROM settings WHERE key = 'permit_secret'")
        return str(rows[0]["value"]) if rows else None

    async def forget_stored_permit_secret(self) -> None:
        """Delete that key once it lives in its own file; secure_delete (see base.py) overwrites its bytes."""
        await self._write("DELETE FROM settings WHERE key = 'permit_secret'")

    async def renew_permit(self, application_id: int, years: int, actor_id: int) -> Application:
        """Extend the validity by `years` from its current end (same number), audited."""
        async with self._transaction() as db:
            current = await self.get_application(application_id)
            if current is None:
                raise NotFound(f"application {application_id}")
            if current.stage in CLOSED_STAGES:
                raise StageConflict(current, Action.EXPIRE)
            new_end = validity_end(JalaliDate.to_jalali(current.valid_until), years).to_gregorian()
            await db.execute("UPDATE applications SET valid_until = ?, updated_at = ? WHERE id = ?",
                             (new_end.isoformat(), self._now(), application_id))
            await self._audit(application_id, actor_id, "renew", current.stage, current.stage,
                              {"from": current.valid_until.isoformat(), "to": new_end.isoformat()})
        renewed = await self.get_application(application_id)
        assert renewed is not None
        return renewed

    async def queue_expiry_reminders(self, within: timedelta) -> int:
        """Queue one reminder per open permit whose validity ends within `within`; returns how many."""
        today = self.today().to_gregorian()
        until = today + within
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                f"SELECT id, user_id, valid_until FROM applications WHERE {_OPEN}"
                " AND valid_until BETWEEN ? AND ? AND reminded_for IS DISTINCT FROM valid_until",
                (today.isoformat(), until.isoformat()),
            )
            for row in rows:
                await self._enqueue(OutboxKind.EXPIRY_REMINDER, row["user_id"], row["id"],
                                    {"valid_until": row["valid_until"]})
                await db.execute("UPDATE applications SET reminded_for = ? WHERE id = ?",
                                 (row["valid_until"], row["id"]))
        return len(rows)

    async def expired_permits(self) -> list[int]:
        """Open applications whose permit validity ended before today (the expiry job closes them)."""
        today: date = self.today().to_gregorian()
        rows = await self.db.execute_fetchall(
            f"SELECT id FROM applications WHERE {_OPEN} AND valid_until < ?", (today.isoformat(),)
        )
        return [int(row["id"]) for row in rows]
