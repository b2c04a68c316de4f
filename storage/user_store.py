"""Everyone who talks to the bot: language, role, province."""

import sqlite3

from storage.base import StoreBase
from storage.records import User


class UserStore(StoreBase):
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


def _user(row: sqlite3.Row) -> User:
    return User(telegram_id=row[0], language=row[1], role=row[2], province_code=row[3], active=bool(row[4]))


