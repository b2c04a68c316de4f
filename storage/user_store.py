"""Everyone who talks to the bot: language, role, province."""

from dataclasses import replace

from storage.base import Row, StoreBase
from storage.records import User, UserSession


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
        rows = await self._write_returning(
            "INSERT INTO users (telegram_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET active = 1"
            " RETURNING telegram_id, language, role, province_code, active",
            (telegram_id, language, now, now),
        )
        return _user(rows[0])

    async def set_language(self, telegram_id: int, language: str) -> None:
        now = self._now()
        await self._write(
            "INSERT INTO users (telegram_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
            (telegram_id, language, now, now),
        )


    async def load_session(self, telegram_id: int) -> UserSession | None:
        rows = await self.db.execute_fetchall(
            "SELECT u.telegram_id, u.language, u.role, u.province_code, u.active, u.display_name"
            " FROM users u WHERE u.telegram_id = ?",
            (telegram_id,),
        )
        if not rows:
            return None
        return UserSession(user=_user(rows[0]), display_name=rows[0]["display_name"])

    async def remember_name(self, telegram_id: int, display_name: str) -> None:
        """Keep the user's Telegram first name, shown beside an officer's actions."""
        await self._write(
            "UPDATE users SET display_name = ? WHERE telegram_id = ? AND display_name IS DISTINCT FROM ?",
            (display_name[:64], telegram_id, display_name[:64]),
        )

    async def mark_unreachable(self, telegram_id: int) -> None:
        """They blocked the bot (403): stop sending until they come back (`ensure_user` reactivates)."""
        await self._write("UPDATE users SET active = 0, updated_at = ? WHERE telegram_id = ?",
                              (self._now(), telegram_id))

    # -- officers --------------------------------------------------------------------------

    async def set_officer(self, telegram_id: int, province_code: str, actor_id: int, language: str) -> User:
        """Make someone the officer of one province (moving them if they had another), audited."""
        now = self._now()
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "INSERT INTO users (telegram_id, language, role, province_code, created_at, updated_at)"
                " VALUES (?, ?, 'officer', ?, ?, ?)"
                " ON CONFLICT (telegram_id) DO UPDATE SET role = 'officer', province_code = excluded.province_code,"
                " updated_at = excluded.updated_at"
                " RETURNING telegram_id, language, role, province_code, active",
                (telegram_id, language, province_code, now, now),
            )
            await self._audit(None, actor_id, "add_officer", detail={"user_id": telegram_id,
                                                                      "province": province_code})
        return _user(rows[0])

    async def remove_officer(self, telegram_id: int, actor_id: int) -> User | None:
        """Take the officer role away; returns the former officer, or None if they were not one."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT telegram_id, language, role, province_code, active FROM users"
                " WHERE telegram_id = ? AND role = 'officer'",
                (telegram_id,),
            )
            if not rows:
                return None
            await db.execute(
                "UPDATE users SET role = 'applicant', province_code = NULL, updated_at = ? WHERE telegram_id = ?",
                (self._now(), telegram_id),
            )
            await db.execute("DELETE FROM officer_prompts WHERE officer_id = ?", (telegram_id,))
            await self._audit(None, actor_id, "remove_officer", detail={"user_id": telegram_id,
                                                                         "province": rows[0]["province_code"]})
        return _user(rows[0])

    async def list_officers(self, province_code: str | None = None) -> list[User]:
        """Officers by province (all provinces by default), reachable or not."""
        rows = await self.db.execute_fetchall(
            "SELECT telegram_id, language, role, province_code, active, display_name FROM users"
            " WHERE role = 'officer' AND (CAST(? AS TEXT) IS NULL OR province_code = ?)"
            " ORDER BY province_code, telegram_id",
            (province_code, province_code),
        )
        return [replace(_user(row), display_name=row["display_name"]) for row in rows]


def _user(row: Row) -> User:
    return User(telegram_id=row["telegram_id"], language=row["language"], role=row["role"],
                province_code=row["province_code"], active=bool(row["active"]))


