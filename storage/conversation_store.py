"""The state of named side conversations (a holder's showcase post, an officer's owed reason about a post),
written through at every step so a restart resumes them (bot/persistence.py hands them back to PTB)."""

import json
from datetime import datetime, timedelta
from typing import Any

from storage.base import Row, StoreBase
from storage.records import ConversationState


class ConversationStore(StoreBase):
    async def save_conversation(self, name: str, user_id: int, state: str, data: dict[str, Any]) -> None:
        await self._write(
            "INSERT INTO conversations (name, user_id, state, data, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (name, user_id) DO UPDATE SET state = excluded.state, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (name, user_id, state, json.dumps(data, ensure_ascii=False), self._now()),
        )

    async def get_conversation(self, name: str, user_id: int) -> ConversationState | None:
        rows = await self.db.execute_fetchall(_SELECT + " WHERE name = ? AND user_id = ?", (name, user_id))
        return _conversation(rows[0]) if rows else None

    async def clear_conversation(self, name: str, user_id: int) -> None:
        await self._write("DELETE FROM conversations WHERE name = ? AND user_id = ?", (name, user_id))

    async def list_conversations(self, name: str, max_age: timedelta) -> list[ConversationState]:
        """The conversations of `name` touched within `max_age`: those to resume after a restart."""
        rows = await self.db.execute_fetchall(_SELECT + " WHERE name = ? AND updated_at >= ?",
                                              (name, self._after(-max_age)))
        return [_conversation(row) for row in rows]


_SELECT = "SELECT name, user_id, state, data, updated_at FROM conversations"


def _conversation(row: Row) -> ConversationState:
    return ConversationState(**dict(row) | {"data": json.loads(row["data"]),
                                            "updated_at": datetime.fromisoformat(row["updated_at"])})
