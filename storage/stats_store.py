"""The published figures, computed in SQL (no rows are loaded into Python), and the channels they go to."""

import sqlite3
from datetime import datetime, time

from persiantools.jdatetime import JalaliDate

from storage.base import StoreBase, stored_time
from storage.records import Channel, NamedCount, Stats

TOP_CATEGORIES = 5
# Not counted as permits or jobs: the applicant withdrew, or the permit was revoked.
_LIVE = "a.stage NOT IN ('withdrawn', 'revoked')"


class StatsStore(StoreBase):
    async def compute_stats(self, province_code: str | None = None) -> Stats:
        """Figures for one province, or nationally; month and year are Jalali, in the programme's time zone."""
        today = self.today()
        month_start = self._day_start(JalaliDate(today.year, today.month, 1))
        year_start = self._day_start(JalaliDate(today.year, 1, 1))
        where, params = ("WHERE a.province_code = ?", [province_code]) if province_code else ("", [])
        [row] = await self.db.execute_fetchall(
            f"""SELECT
                count(*) FILTER (WHERE {_LIVE}),
                count(*) FILTER (WHERE {_LIVE} AND a.issued_at >= ?),
                count(*) FILTER (WHERE {_LIVE} AND a.issued_at >= ?),
                count(*) FILTER (WHERE {_LIVE} AND a.track = 'independent'),
                count(*) FILTER (WHERE {_LIVE} AND a.track = 'support'),
                coalesce(sum(a.workers) FILTER (WHERE {_LIVE}), 0),
                count(*) FILTER (WHERE a.stage = 'queued'),
                count(a.loan_paid_at),
                coalesce(sum(a.loan_amount_rials) FILTER (WHERE a.loan_paid_at IS NOT NULL), 0),
                count(a.supervised_at) FILTER (WHERE {_LIVE}), count(a.eligible_at) FILTER (WHERE {_LIVE}),
                count(a.queued_at) FILTER (WHERE {_LIVE}), count(a.introduced_at) FILTER (WHERE {_LIVE}),
                count(a.loan_paid_at) FILTER (WHERE {_LIVE})
            FROM applications a {where}""",
            (month_start, year_start, *params),
        )
        by_sector = await self.db.execute_fetchall(
            f"""SELECT s.name_fa, s.name_en, count(*) AS n FROM applications a
            JOIN categories c ON c.id = a.category_id JOIN sectors s ON s.id = c.sector_id
            {where} {'AND' if where else 'WHERE'} {_LIVE} GROUP BY s.id ORDER BY n DESC, s.position""",
            params,
        )
        top = await self.db.execute_fetchall(
            f"""SELECT c.name_fa, c.name_en, count(*) AS n FROM applications a JOIN categories c ON c.id = a.category_id
            {where} {'AND' if where else 'WHERE'} {_LIVE} GROUP BY c.id ORDER BY n DESC, c.id LIMIT ?""",
            (*params, TOP_CATEGORIES),
        )
        names = await self.db.execute_fetchall("SELECT name_fa, name_en FROM provinces WHERE code = ?",
                                               (province_code,)) if province_code else []
        return Stats(
            province_code=province_code,
            province_fa=names[0][0] if names else None,
            province_en=names[0][1] if names else None,
            as_of=today.to_gregorian(),
            permits_total=row[0], permits_this_month=row[1], permits_this_year=row[2],
            independent=row[3], support=row[4], jobs_created=row[5], queue_length=row[6],
            loans_paid=row[7], loans_paid_rials=row[8],
            funnel=(row[0], *row[9:14]),
            by_sector=tuple(NamedCount(*r) for r in by_sector),
            top_categories=tuple(NamedCount(*r) for r in top),
        )

    def _day_start(self, day: JalaliDate) -> str:
        """The UTC instant a Jalali day starts in the programme's time zone, as stored times are written."""
        return stored_time(datetime.combine(day.to_gregorian(), time(0), tzinfo=self._tz))

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
        await self.db.execute(
            "UPDATE channels SET failing = ?, last_error = ?, updated_at = ? WHERE scope = ?",
            (error is not None, error[:200] if error else None, self._now(), scope),
        )


def _channel(row: sqlite3.Row) -> Channel:
    return Channel(scope=row[0], chat_id=row[1], title=row[2], language=row[3], failing=bool(row[4]),
                   last_error=row[5])
