"""The published figures, read from tallies kept with every change, and the channels they go to."""

import sqlite3

from storage.base import StoreBase
from storage.records import Channel, NamedCount, Stats

TOP_CATEGORIES = 5


class StatsStore(StoreBase):
    async def compute_stats(self, province_code: str | None = None) -> Stats:
        """Figures for one province, or nationally, from the tallies kept with every change (no scans).

        Month and year are Jalali, in the programme's time zone."""
        today = self.today()
        where, params = "WHERE t.province_code = ?", [province_code or "*"]  # '*': the whole country
        [row] = await self.db.execute_fetchall(
            f"""SELECT coalesce(sum(permits), 0), coalesce(sum(permits) FILTER (WHERE track = 'independent'), 0),
                coalesce(sum(permits) FILTER (WHERE track = 'support'), 0), coalesce(sum(jobs), 0),
                coalesce(sum(in_queue), 0), coalesce(sum(loans_paid), 0), coalesce(sum(loans_rials), 0),
                coalesce(sum(supervised), 0), coalesce(sum(eligible), 0), coalesce(sum(queued), 0),
                coalesce(sum(introduced), 0),
                (SELECT coalesce(sum(m.permits) FILTER (WHERE m.jalali_month = ?), 0)
                 FROM monthly_permits m {where.replace('t.', 'm.')}),
                (SELECT coalesce(sum(m.permits) FILTER (WHERE m.jalali_month >= ?), 0)
                 FROM monthly_permits m {where.replace('t.', 'm.')})
            FROM tallies t {where}""",
            (f"{today.year:04d}-{today.month:02d}", *params, f"{today.year:04d}-01", *params, *params),
        )
        by_sector = await self.db.execute_fetchall(
            f"""SELECT s.name_fa, s.name_en, sum(t.permits) AS n FROM tallies t
            JOIN categories c ON c.id = t.category_id JOIN sectors s ON s.id = c.sector_id
            {where} GROUP BY s.id HAVING n > 0 ORDER BY n DESC, s.position""",
            params,
        )
        top = await self.db.execute_fetchall(
            f"""SELECT c.name_fa, c.name_en, sum(t.permits) AS n
            FROM tallies t JOIN categories c ON c.id = t.category_id
            {where} GROUP BY c.id HAVING n > 0 ORDER BY n DESC, c.id LIMIT ?""",
            (*params, TOP_CATEGORIES),
        )
        names = await self.db.execute_fetchall("SELECT name_fa, name_en FROM provinces WHERE code = ?",
                                               (province_code,)) if province_code else []
        return Stats(
            province_code=province_code,
            province_fa=names[0][0] if names else None,
            province_en=names[0][1] if names else None,
            as_of=today.to_gregorian(),
            permits_total=row[0], permits_this_month=row[11], permits_this_year=row[12],
            independent=row[1], support=row[2], jobs_created=row[3], queue_length=row[4],
            loans_paid=row[5], loans_paid_rials=row[6],
            funnel=(row[0], row[7], row[8], row[9], row[10], row[5]),
            by_sector=tuple(NamedCount(*r) for r in by_sector),
            top_categories=tuple(NamedCount(*r) for r in top),
        )

    # -- channels ---------------------------------------------------------------------------

    async def set_channel(self, scope: str, chat_id: int, title: str, language: str, actor_id: int) -> Channel:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO channels (scope, chat_id, title, language, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (scope) DO UPDATE SET chat_id = excluded.chat_id, title = excluded.title,"
                " language = excluded.language, failing = 0, last_error = NULL, updated_at = excluded.updated_at",
                (scope, chat_id, title[:120], language, self._now()),
            )
            await self._audit(None, actor_id, "set_channel", detail={"scope": scope, "chat_id": chat_id})
        channel = await self.get_channel(scope)
        assert channel is not None
        return channel

    async def unset_channel(self, scope: str, actor_id: int) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM channels WHERE scope = ?", (scope,))
            if cursor.rowcount:
                await self._audit(None, actor_id, "unset_channel", detail={"scope": scope})
        return bool(cursor.rowcount)

    async def get_channel(self, scope: str) -> Channel | None:
        rows = await self.db.execute_fetchall(
            "SELECT scope, chat_id, title, language, failing, last_error FROM channels WHERE scope = ?", (scope,)
        )
        return _channel(rows[0]) if rows else None

    async def list_channels(self) -> list[Channel]:
        rows = await self.db.execute_fetchall(
            "SELECT scope, chat_id, title, language, failing, last_error FROM channels ORDER BY scope"
        )
        return [_channel(row) for row in rows]

    async def mark_channel(self, scope: str, error: str | None) -> None:
        """Record the outcome of the last post: None when it went out."""
        await self._write(
            "UPDATE channels SET failing = ?, last_error = ?, updated_at = ? WHERE scope = ?",
            (error is not None, error[:200] if error else None, self._now(), scope),
        )


def _channel(row: sqlite3.Row) -> Channel:
    return Channel(scope=row[0], chat_id=row[1], title=row[2], language=row[3], failing=bool(row[4]),
                   last_error=row[5])
