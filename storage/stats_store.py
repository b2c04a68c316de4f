"""The published figures, read from tallies kept with every change, and the channels they go to."""

from domain.identity import Platform, platform_of
from storage.base import Row, StoreBase
from storage.records import Channel, ChannelPurpose, NamedCount, Stats

TOP_CATEGORIES = 5


class StatsStore(StoreBase):
    async def compute_stats(self, province_code: str | None = None) -> Stats:
        """Figures for one province, or nationally, from the tallies kept with every change (no scans).

        Month and year are Jalali, in the programme's time zone."""
        today = self.today()
        where, params = "WHERE t.province_code = ?", [province_code or "*"]  # '*': the whole country
        [row] = await self.db.execute_fetchall(
            f"""SELECT coalesce(sum(permits), 0) AS permits,
                coalesce(sum(permits) FILTER (WHERE track = 'independent'), 0) AS independent,
                coalesce(sum(permits) FILTER (WHERE track = 'support'), 0) AS support, coalesce(sum(jobs), 0) AS jobs,
                coalesce(sum(in_queue), 0) AS in_queue, coalesce(sum(loans_paid), 0) AS loans_paid,
                coalesce(sum(loans_rials), 0) AS loans_rials, coalesce(sum(supervised), 0) AS supervised,
                coalesce(sum(eligible), 0) AS eligible, coalesce(sum(queued), 0) AS queued,
                coalesce(sum(introduced), 0) AS introduced,
                (SELECT coalesce(sum(m.permits) FILTER (WHERE m.jalali_month = ?), 0)
                 FROM monthly_permits m {where.replace('t.', 'm.')}) AS this_month,
                (SELECT coalesce(sum(m.permits) FILTER (WHERE m.jalali_month >= ?), 0)
                 FROM monthly_permits m {where.replace('t.', 'm.')}) AS this_year
            FROM tallies t {where}""",
            (f"{today.year:04d}-{today.month:02d}", *params, f"{today.year:04d}-01", *params, *params),
        )
        by_sector = await self.db.execute_fetchall(
            f"""SELECT s.name_fa, s.name_en, sum(t.permits) AS n FROM tallies t
            JOIN categories c ON c.id = t.category_id JOIN sectors s ON s.id = c.sector_id
            {where} GROUP BY s.id HAVING sum(t.permits) > 0 ORDER BY n DESC, s.position""",
            params,
        )
        top = await self.db.execute_fetchall(
            f"""SELECT c.name_fa, c.name_en, sum(t.permits) AS n
            FROM tallies t JOIN categories c ON c.id = t.category_id
            {where} GROUP BY c.id HAVING sum(t.permits) > 0 ORDER BY n DESC, c.id LIMIT ?""",
            (*params, TOP_CATEGORIES),
        )
        names = await self.db.execute_fetchall("SELECT name_fa, name_en FROM provinces WHERE code = ?",
                                               (province_code,)) if province_code else []
        return Stats(
            province_code=province_code,
            province_fa=names[0]["name_fa"] if names else None,
            province_en=names[0]["name_en"] if names else None,
            as_of=today.to_gregorian(),
            permits_total=row["permits"], permits_this_month=row["this_month"], permits_this_year=row["this_year"],
            independent=row["independent"], support=row["support"], jobs_created=row["jobs"],
            queue_length=row["in_queue"], loans_paid=row["loans_paid"], loans_paid_rials=row["loans_rials"],
            funnel=(row["permits"], row["supervised"], row["eligible"], row["queued"], row["introduced"],
                    row["loans_paid"]),
            by_sector=tuple(_named_count(r) for r in by_sector),
            top_categories=tuple(_named_count(r) for r in top),
        )

    # -- channels ---------------------------------------------------------------------------

    async def set_channel(self, scope: str, chat_id: int, title: str, language: str, actor_id: int,
                          purpose: ChannelPurpose = ChannelPurpose.STATS) -> Channel:
        """The channel of `scope` for `purpose` on the channel's messenger (a province may have one on each)."""
        platform = platform_of(chat_id).platform
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO channels (scope, purpose, platform, chat_id, title, language, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (scope, purpose, platform) DO UPDATE SET chat_id = excluded.chat_id,"
                " title = excluded.title, language = excluded.language, failing = 0, last_error = NULL,"
                " updated_at = excluded.updated_at",
                (scope, purpose, platform, chat_id, title[:120], language, self._now()),
            )
            await self._audit(None, actor_id, "set_channel", detail={"scope": scope, "purpose": purpose,
                                                                      "platform": platform, "chat_id": chat_id})
        channel = await self.get_channel(scope, platform, purpose)
        assert channel is not None
        return channel

    async def unset_channel(self, scope: str, platform: Platform, actor_id: int,
                            purpose: ChannelPurpose = ChannelPurpose.STATS) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM channels WHERE scope = ? AND purpose = ? AND platform = ?",
                                      (scope, purpose, platform))
            if cursor.rowcount:
                await self._audit(None, actor_id, "unset_channel",
                                  detail={"scope": scope, "purpose": purpose, "platform": platform})
        return bool(cursor.rowcount)

    async def get_channel(self, scope: str, platform: Platform,
                          purpose: ChannelPurpose = ChannelPurpose.STATS) -> Channel | None:
        rows = await self.db.execute_fetchall(
            _CHANNEL_SELECT + " WHERE scope = ? AND purpose = ? AND platform = ?", (scope, purpose, platform))
        return _channel(rows[0]) if rows else None

    async def first_channel(self, scope: str, purpose: ChannelPurpose) -> Channel | None:
        """The scope's channel for `purpose`, Telegram's where it has one on each messenger (a showcase post
        lives in one channel, so that taking it down reaches every message of it)."""
        channels = await self.list_channels(purpose, scope)
        return channels[0] if channels else None

    async def list_channels(self, purpose: ChannelPurpose | None = ChannelPurpose.STATS,
                            scope: str | None = None) -> list[Channel]:
        """The channels of one purpose (the statistics channels by default; None: every channel), of one scope
        when given; Telegram's before Bale's within a scope."""
        rows = await self.db.execute_fetchall(
            _CHANNEL_SELECT + " WHERE (CAST(? AS TEXT) IS NULL OR purpose = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR scope = ?)"
            " ORDER BY scope, purpose, CASE platform WHEN 'telegram' THEN 0 ELSE 1 END",
            (purpose, purpose, scope, scope))
        return [_channel(row) for row in rows]

    async def mark_channel(self, channel: Channel, error: str | None) -> None:
        """Record the outcome of the last post: None when it went out."""
        await self._write(
            "UPDATE channels SET failing = ?, last_error = ?, updated_at = ?"
            " WHERE scope = ? AND purpose = ? AND platform = ?",
            (error is not None, error[:200] if error else None, self._now(), channel.scope, channel.purpose,
             channel.platform),
        )


_CHANNEL_SELECT = "SELECT scope, purpose, platform, chat_id, title, language, failing, last_error FROM channels"


def _named_count(row: Row) -> NamedCount:
    return NamedCount(name_fa=row["name_fa"], name_en=row["name_en"], count=int(row["n"]))


def _channel(row: Row) -> Channel:
    return Channel(**dict(row) | {"failing": bool(row["failing"]), "purpose": ChannelPurpose(row["purpose"]),
                                  "platform": Platform(row["platform"])})
