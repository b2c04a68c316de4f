"""Messages to deliver outside the current chat, written in the same transaction as their cause."""

import json
import sqlite3
from collections.abc import Iterable
from datetime import timedelta

from storage.base import StoreBase
from storage.errors import StoreUnavailable
from storage.records import OfficerCardRef, OutboxKind, OutboxMessage


class OutboxStore(StoreBase):
    async def due_messages(self, limit: int = 50) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due, oldest first."""
        rows = await self.db.execute_fetchall(
            "SELECT id, kind, chat_id, application_id, payload, attempts FROM outbox"
            " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            (self._now(), limit),
        )
        return [_message(row) for row in rows]

    async def fan_out_to_admins(self, admin_ids: Iterable[int]) -> int:
        """Replace each pending row for all admins by one row per admin, so each is delivered (and retried) alone.

        Returns how many rows were fanned out; the original rows are marked sent (their copies carry on).
        """
        admins = sorted(admin_ids)
        if not await self.db.execute_fetchall(
                "SELECT 1 FROM outbox WHERE status = 'pending' AND audience = 'admins' LIMIT 1"):
            return 0  # the usual case: no write, no lock taken
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT id, kind, application_id, payload FROM outbox WHERE status = 'pending' AND audience = 'admins'"
            )
            for row in rows:
                for admin_id in admins:
                    await self._enqueue(OutboxKind(row["kind"]), admin_id, row["application_id"],
                                        json.loads(row["payload"]))
                await db.execute("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?",
                                 (self._now(), row["id"]))
        return len(rows)

    async def list_outbox(self, status: str | None = None) -> list[OutboxMessage]:
        """Outbox rows in order, all of them or those with one status ('pending', 'sent', 'failed')."""
        rows = await self.db.execute_fetchall(
            "SELECT id, kind, chat_id, application_id, payload, attempts FROM outbox"
            " WHERE ? IS NULL OR status = ? ORDER BY id",
            (status, status),
        )
        return [_message(row) for row in rows]

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self.db.execute_fetchall("SELECT status, count(*) FROM outbox GROUP BY status")
        return {"pending": 0, "sent": 0, "failed": 0} | {row[0]: int(row[1]) for row in rows}

    async def recent_failures(self, limit: int = 5) -> list[tuple[int, str, int, str]]:
        """(id, kind, attempts, error) of the latest failed deliveries: Telegram's words, no personal data."""
        rows = await self.db.execute_fetchall(
            "SELECT id, kind, attempts, coalesce(last_error, '') FROM outbox WHERE status = 'failed'"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [(int(row[0]), str(row[1]), int(row[2]), str(row[3])) for row in rows]

    async def mark_sent(self, message_id: int, card: OfficerCardRef | None = None) -> None:
        """Telegram accepted the row; with `card`, also keep the officer card's message id, in the same write.

        Raises StoreUnavailable when the database refuses the write (locked, disk full): the caller must
        remember the acceptance and try again, never send the row again.
        """
        try:
            async with self._transaction() as db:
                await db.execute(
                    "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                    (self._now(), message_id),
                )
                if card is not None:
                    await self.save_officer_card(card.application_id, card.officer_id, card.message_id)
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(str(error)) from error

    async def save_officer_card(self, application_id: int, officer_id: int, message_id: int) -> None:
        """Remember a card message an officer holds, so that every later change edits it too."""
        await self._write(
            "INSERT INTO officer_cards (application_id, officer_id, message_id) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (application_id, officer_id, message_id),
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


def _message(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(id=row["id"], kind=OutboxKind(row["kind"]), chat_id=row["chat_id"],
                         application_id=row["application_id"], payload=json.loads(row["payload"]),
                         attempts=row["attempts"])
