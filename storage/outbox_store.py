"""Messages to deliver outside the current chat, written in the same transaction as their cause."""

import json
from typing import Any

from storage.base import StoreBase


class OutboxStore(StoreBase):
    async def list_outbox(self, status: str = "pending") -> list[dict[str, Any]]:
        rows = await self.db.execute_fetchall(
            "SELECT id, kind, audience, application_id, chat_id, payload, attempts FROM outbox"
            " WHERE status = ? ORDER BY id",
            (status,),
        )
        return [dict(row) | {"payload": json.loads(row["payload"])} for row in rows]

