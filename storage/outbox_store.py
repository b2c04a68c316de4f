"""Messages to deliver outside the current chat, written in the same transaction as their cause."""

import json
from datetime import timedelta

from storage.base import Row, StoreBase
from storage.records import OutboxMessage

CLAIM_LEASE = timedelta(minutes=1)  # how long a claimed row is left to its courier


class OutboxStore(StoreBase):
    async def due_messages(self, limit: int = 50, lease: timedelta = CLAIM_LEASE) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due, oldest first, claimed for `lease`: nobody else gets
        them meanwhile (two leaders by mistake never send one row twice), and a crash before `mark_sent`
        leaves them due again once the lease runs out."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT id, kind, chat_id, application_id, payload, attempts FROM outbox"
                " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"
                + self._row_lock(),
                (self._now(), limit),
            )
            await db.executemany("UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
                                 [(self._after(lease), row["id"]) for row in rows])
        return [_message(row) for row in rows]

    async def list_outbox(self, status: str | None = None) -> list[OutboxMessage]:
        """Outbox rows in order, all of them or those with one status ('pending', 'sent', 'failed')."""
        rows = await self.db.execute_fetchall(
            "SELECT id, kind, chat_id, application_id, payload, attempts FROM outbox"
            " WHERE CAST(? AS TEXT) IS NULL OR status = ? ORDER BY id",
            (status, status),
        )
        return [_message(row) for row in rows]

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self.db.execute_fetchall("SELECT status, count(*) AS n FROM outbox GROUP BY status")
        return {"pending": 0, "sent": 0, "failed": 0} | {row["status"]: int(row["n"]) for row in rows}

    async def recent_failures(self, limit: int = 5) -> list[tuple[int, str, int, str]]:
        """(id, kind, attempts, error) of the latest failed deliveries: Telegram's words, no personal data."""
        rows = await self.db.execute_fetchall(
            "SELECT id, kind, attempts, coalesce(last_error, '') AS error FROM outbox WHERE status = 'failed'"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [(int(row["id"]), str(row["kind"]), int(row["attempts"]), str(row["error"])) for row in rows]

    async def mark_sent(self, message_id: int) -> None:
        await self._write(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            (self._now(), message_id),
        )

    async def mark_retry(self, message_id: int, error: str, delay: timedelta) -> None:
        await self._write(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
            (error[:200], self._after(delay), message_id),
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._write(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:200], message_id),
        )


def _message(row: Row) -> OutboxMessage:
    return OutboxMessage(**dict(row) | {"payload": json.loads(row["payload"])})
