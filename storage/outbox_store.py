"""Messages to deliver outside the current chat, written in the same transaction as their cause."""

import json
import sqlite3
from collections.abc import Iterable
from datetime import timedelta

from storage.base import Row, StoreBase
from storage.errors import StoreUnavailable
from storage.records import AdviceCardRef, OfficerCardRef, OutboxKind, OutboxMessage

CLAIM_LEASE = timedelta(minutes=1)  # how long a claimed row is left to its courier


class OutboxStore(StoreBase):
    async def due_messages(self, limit: int = 50, lease: timedelta = CLAIM_LEASE) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due, oldest first.

        On PostgreSQL, where several processes may share the database, they are also claimed for `lease`
        (FOR UPDATE SKIP LOCKED, then the next attempt moved on): nobody else gets them meanwhile, so even two
        leaders by mistake never send one row twice, and a crash before `mark_sent` leaves them due again
        once the lease runs out. SQLite has one process and its courier drains one batch at a time: a plain
        read, which also goes on working while the file is locked. Rows for all admins are not among them:
        `fan_out_to_admins` turns each into a row per admin first (one queued meanwhile waits for the next drain)."""
        select = ("SELECT id, kind, chat_id, application_id, payload, attempts FROM outbox"
                  " WHERE status = 'pending' AND audience = 'user' AND next_attempt_at <= ?"
                  " ORDER BY next_attempt_at, id LIMIT ?")
        if self.dialect == "sqlite":
            return [_message(row) for row in await self.db.execute_fetchall(select, (self._now(), limit))]
        async with self._transaction() as db:
            rows = await db.execute_fetchall(select + " FOR UPDATE SKIP LOCKED", (self._now(), limit))
            await db.executemany("UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
                                 [(self._after(lease), row["id"]) for row in rows])
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

    async def mark_sent(self, message_id: int, card: OfficerCardRef | AdviceCardRef | None = None) -> None:
        """Telegram accepted the row; with `card`, also keep the officer's (or adviser's) card message id, in the
        same write.

        Raises StoreUnavailable when the database refuses the write (locked, disk full): the caller must
        remember the acceptance and try again, never send the row again.
        """
        try:
            async with self._transaction() as db:
                await db.execute(
                    "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                    (self._now(), message_id),
                )
                if isinstance(card, OfficerCardRef):
                    await self.save_officer_card(card.application_id, card.officer_id, card.message_id)
                elif isinstance(card, AdviceCardRef):
                    await self.save_advice_card(card)
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(str(error)) from error

    async def save_officer_card(self, application_id: int, officer_id: int, message_id: int) -> None:
        """Remember a card message an officer holds, so that every later change edits it too."""
        await self._write(
            "INSERT INTO officer_cards (application_id, officer_id, message_id) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (application_id, officer_id, message_id),
        )

    async def save_advice_card(self, card: AdviceCardRef) -> None:
        """Remember a question card an adviser holds, so that taking or answering the question edits it too."""
        await self._write(
            "INSERT INTO advice_cards (question_id, adviser_id, message_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (card.question_id, card.adviser_id, card.message_id),
        )

    async def move_officer_card(self, application_id: int, officer_id: int, old_message_id: int,
                                new_message_id: int) -> None:
        """The card was sent again as a new message (its old one keeps no buttons)."""
        await self._write(
            "UPDATE officer_cards SET message_id = ? WHERE application_id = ? AND officer_id = ? AND message_id = ?",
            (new_message_id, application_id, officer_id, old_message_id),
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
    return OutboxMessage(**dict(row) | {"kind": OutboxKind(row["kind"]), "payload": json.loads(row["payload"])})
