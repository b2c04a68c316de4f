"""Unfinished application forms, written through at every step."""

import json
from datetime import datetime, timedelta
from typing import Any

from storage.base import Row, StoreBase
from storage.records import Draft


class DraftStore(StoreBase):
    async def get_draft(self, user_id: int) -> Draft | None:
        rows = await self.db.execute_fetchall(
            "SELECT user_id, state, data, updated_at FROM drafts WHERE user_id = ?", (user_id,)
        )
        return _draft(rows[0]) if rows else None

    async def save_draft(self, user_id: int, state: str, data: dict[str, Any]) -> None:
        """Write the step and answers through at once (one statement): a restart resumes here."""
        await self._write(
            "INSERT INTO drafts (user_id, state, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (user_id, state, json.dumps(data, ensure_ascii=False), self._now()),
        )

    async def delete_draft(self, user_id: int) -> None:
        await self._write("DELETE FROM drafts WHERE user_id = ?", (user_id,))

    async def list_drafts(self, max_age: timedelta) -> list[Draft]:
        """Drafts touched within `max_age`: the conversations to resume after a restart."""
        since = self._after(-max_age)
        rows = await self.db.execute_fetchall(
            "SELECT user_id, state, data, updated_at FROM drafts WHERE updated_at >= ?", (since,)
        )
        return [_draft(row) for row in rows]

    async def purge_drafts(self, max_age: timedelta) -> list[int]:
        """Delete drafts untouched for longer than `max_age`; returns whose they were."""
        rows = await self._write_returning(
            "DELETE FROM drafts WHERE updated_at < ? RETURNING user_id", (self._after(-max_age),)
        )
        return [int(row["user_id"]) for row in rows]


def _draft(row: Row) -> Draft:
    return Draft(**dict(row) | {"data": json.loads(row["data"]),
                                "updated_at": datetime.fromisoformat(row["updated_at"])})


