"""Multi-step exchanges other than the application form, kept between updates so a restart resumes them."""

import json
from datetime import datetime, timedelta
from typing import Any

from storage.base import Row, StoreBase
from storage.records import ConversationStep


class StepStore(StoreBase):
    async def save_step(self, conversation: str, user_id: int, state: str, data: dict[str, Any]) -> None:
        """Write the step and its answers through at once (one statement)."""
        await self._write(
            "INSERT INTO conversation_steps (conversation, user_id, state, data, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (conversation, user_id) DO UPDATE SET state = excluded.state, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (conversation, user_id, state, json.dumps(data, ensure_ascii=False), self._now()),
        )

    async def get_step(self, conversation: str, user_id: int) -> ConversationStep | None:
        rows = await self.db.execute_fetchall(_SELECT + " WHERE conversation = ? AND user_id = ?",
                                              (conversation, user_id))
        return _step(rows[0]) if rows else None

    async def list_steps(self, conversation: str, max_age: timedelta) -> list[ConversationStep]:
        """Steps touched within `max_age`: the conversations to resume after a restart."""
        rows = await self.db.execute_fetchall(_SELECT + " WHERE conversation = ? AND updated_at >= ?",
                                              (conversation, self._after(-max_age)))
        return [_step(row) for row in rows]

    async def delete_step(self, conversation: str, user_id: int) -> None:
        await self._write("DELETE FROM conversation_steps WHERE conversation = ? AND user_id = ?",
                          (conversation, user_id))


_SELECT = "SELECT conversation, user_id, state, data, updated_at FROM conversation_steps"


def _step(row: Row) -> ConversationStep:
    return ConversationStep(**dict(row) | {"data": json.loads(row["data"]),
                                           "updated_at": datetime.fromisoformat(row["updated_at"])})
