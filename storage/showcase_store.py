"""The provincial showcase: holders' product posts, the officers' decisions, buyers' reports, the figures.

Each rule that must hold under concurrency (one pending post, one approved post a week, a post decided
once, a report limit) is checked and written in one transaction; the messages it causes are queued in it.
"""

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from storage.base import Row, StoreBase
from storage.errors import AlreadyReported, PostConflict, ShowcasePending, ShowcaseTooSoon, TooManyReports
from storage.records import ContactKind, OutboxKind, PostStatus, ShowcaseFigures, ShowcasePost

SHOWCASE_CONVERSATION = "showcase_post"  # the holder's form, kept in conversation_steps (storage/step_store.py)
REPORT_WINDOW = timedelta(days=1)

_SELECT = """SELECT p.id, p.user_id, p.application_id, p.province_code, p.name, p.price_toman, p.contact_kind,
p.contact, p.photos, p.status, p.reason, p.submitted_at, p.approved_at, p.channel_id, p.channel_messages,
a.permit_number, c.name_fa AS category_fa, c.name_en AS category_en
FROM showcase_posts p JOIN applications a ON a.id = p.application_id JOIN categories c ON c.id = a.category_id"""
_OFFICERS = "SELECT telegram_id FROM users WHERE role = 'officer' AND active = 1 AND province_code = ?"


class ShowcaseStore(StoreBase):
    # -- the holder ---------------------------------------------------------------------------

    async def check_showcase_allowed(self, user_id: int, week: timedelta) -> None:
        """Raise `ShowcasePending` or `ShowcaseTooSoon` when the holder may not send a post now."""
        pending = await self.db.execute_fetchall(
            "SELECT 1 FROM showcase_posts WHERE user_id = ? AND status = 'pending'", (user_id,))
        if pending:
            raise ShowcasePending()
        [row] = await self.db.execute_fetchall(
            "SELECT max(approved_at) AS last FROM showcase_posts WHERE user_id = ?", (user_id,))
        if row["last"] is not None:
            allowed_at = datetime.fromisoformat(row["last"]) + week
            if allowed_at > self.now():
                raise ShowcaseTooSoon(allowed_at)

    async def submit_showcase_post(self, user_id: int, application_id: int, name: str, price_toman: int,
                                   contact_kind: ContactKind, contact: str | None, photos: Sequence[str],
                                   week: timedelta) -> ShowcasePost:
        """Save the post for review and send its card to every officer of the permit's province; the
        holder's form is finished in the same transaction. Raises what `check_showcase_allowed` raises."""
        now = self._now()
        async with self._transaction() as db:
            await self.check_showcase_allowed(user_id, week)
            [permit] = await db.execute_fetchall(
                "SELECT province_code FROM applications WHERE id = ? AND user_id = ?", (application_id, user_id))
            province = str(permit["province_code"])
            rows = await db.execute_fetchall(
                "INSERT INTO showcase_posts (user_id, application_id, province_code, name, price_toman,"
                " contact_kind, contact, photos, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (user_id, application_id, province, name, price_toman, contact_kind, contact,
                 json.dumps(list(photos)), now))
            post_id = int(rows[0]["id"])
            await self._audit(application_id, user_id, "showcase_submit", detail={"post": post_id})
            for row in await db.execute_fetchall(_OFFICERS, (province,)):
                await self._enqueue(OutboxKind.SHOWCASE_CARD, int(row["telegram_id"]), application_id,
                                    {"post": post_id})
            await db.execute("DELETE FROM conversation_steps WHERE conversation = ? AND user_id = ?",
                             (SHOWCASE_CONVERSATION, user_id))
        return await self._post(post_id)

    async def get_showcase_post(self, post_id: int) -> ShowcasePost | None:
        rows = await self.db.execute_fetchall(_SELECT + " WHERE p.id = ?", (post_id,))
        return _post(rows[0]) if rows else None

    async def list_user_posts(self, user_id: int, limit: int, offset: int = 0) -> tuple[list[ShowcasePost], int]:
        """The holder's posts, newest first, and how many there are."""
        rows = await self.db.execute_fetchall(_SELECT + " WHERE p.user_id = ? ORDER BY p.id DESC LIMIT ? OFFSET ?",
                                              (user_id, limit, offset))
        [total] = await self.db.execute_fetchall("SELECT count(*) AS n FROM showcase_posts WHERE user_id = ?",
                                                 (user_id,))
        return [_post(row) for row in rows], int(total["n"])

    # -- officers -----------------------------------------------------------------------------

    async def decide_showcase_post(self, post_id: int, officer_id: int, *, channel_id: int | None = None,
                                   reason: str | None = None) -> ShowcasePost:
        """Approve the pending post for `channel_id` (it is queued for the channel), or refuse it with
        `reason`; the holder is told. The first decision wins: `PostConflict` when it is no longer pending."""
        assert (channel_id is None) != (reason is None)
        approved = channel_id is not None
        now = self._now()
        async with self._transaction():
            rows = await self.db.execute_fetchall(
                "UPDATE showcase_posts SET status = ?, decided_by = ?, reason = ?, channel_id = ?, approved_at = ?,"
                " closed_at = ? WHERE id = ? AND status = 'pending' RETURNING id",
                (PostStatus.APPROVED if approved else PostStatus.REFUSED, officer_id, reason, channel_id,
                 now if approved else None, None if approved else now, post_id))
            post = await self.get_showcase_post(post_id)
            if not rows or post is None:
                raise PostConflict(post)
            await self._audit(post.application_id, officer_id, "showcase_approve" if approved else "showcase_refuse",
                              detail={"post": post_id})
            if channel_id is not None:
                await self._enqueue(OutboxKind.SHOWCASE_PUBLISH, channel_id, post.application_id, {"post": post_id})
            await self._enqueue(OutboxKind.SHOWCASE_DECIDED, post.user_id, post.application_id,
                                {"post": post_id, "status": post.status, "reason": reason})
        return post

    async def record_channel_messages(self, post_id: int, message_ids: Sequence[int]) -> None:
        """The messages the post became in the channel, so that taking it off deletes every one."""
        await self._write("UPDATE showcase_posts SET channel_messages = ? WHERE id = ?",
                          (json.dumps(list(message_ids)), post_id))

    async def close_showcase_post(self, post_id: int, actor_id: int, status: PostStatus,
                                  reason: str | None = None) -> ShowcasePost:
        """Withdraw (the holder; pending or live) or take down (an officer; live only, the holder is told)
        a post; returns it as it was, with the channel messages to delete. `PostConflict` when it cannot be."""
        assert status in (PostStatus.WITHDRAWN, PostStatus.TAKEN_DOWN)
        allowed = ("pending", "approved") if status == PostStatus.WITHDRAWN else ("approved", "approved")
        async with self._transaction():
            before = await self.get_showcase_post(post_id)
            rows = await self.db.execute_fetchall(
                "UPDATE showcase_posts SET status = ?, reason = coalesce(?, reason), closed_at = ?"
                " WHERE id = ? AND status IN (?, ?) RETURNING id",
                (status, reason, self._now(), post_id, *allowed))
            if not rows or before is None:
                raise PostConflict(before)
            await self._audit(before.application_id, actor_id, f"showcase_{status.value}", detail={"post": post_id})
            if status == PostStatus.TAKEN_DOWN:
                await self._enqueue(OutboxKind.SHOWCASE_DECIDED, before.user_id, before.application_id,
                                    {"post": post_id, "status": status, "reason": reason})
        return before

    async def save_showcase_card(self, post_id: int, officer_id: int, message_id: int) -> None:
        await self._write(
            "INSERT INTO showcase_cards (post_id, officer_id, message_id) VALUES (?, ?, ?)"
            " ON CONFLICT (post_id, officer_id) DO UPDATE SET message_id = excluded.message_id",
            (post_id, officer_id, message_id))

    async def list_showcase_cards(self, post_id: int) -> list[tuple[int, int]]:
        """(officer id, message id) of every officer's card of the post."""
        rows = await self.db.execute_fetchall(
            "SELECT officer_id, message_id FROM showcase_cards WHERE post_id = ? ORDER BY officer_id", (post_id,))
        return [(int(row["officer_id"]), int(row["message_id"])) for row in rows]

    # -- buyers -------------------------------------------------------------------------------

    async def report_showcase_post(self, post_id: int, reporter_id: int, reason: str, daily_limit: int) -> ShowcasePost:
        """A buyer's report about a live post, sent to the province's officers. Raises `PostConflict` (not
        live), `AlreadyReported` (by this person) or `TooManyReports` (this person's reports of a day)."""
        async with self._transaction() as db:
            post = await self.get_showcase_post(post_id)
            if post is None or post.status != PostStatus.APPROVED:
                raise PostConflict(post)
            if await db.execute_fetchall("SELECT 1 FROM showcase_reports WHERE post_id = ? AND reporter_id = ?",
                                         (post_id, reporter_id)):
                raise AlreadyReported()
            [recent] = await db.execute_fetchall(
                "SELECT count(*) AS n FROM showcase_reports WHERE reporter_id = ? AND at >= ?",
                (reporter_id, self._after(-REPORT_WINDOW)))
            if int(recent["n"]) >= daily_limit:
                raise TooManyReports()
            await db.execute("INSERT INTO showcase_reports (post_id, reporter_id, reason, at) VALUES (?, ?, ?, ?)",
                             (post_id, reporter_id, reason, self._now()))
            for row in await db.execute_fetchall(_OFFICERS, (post.province_code,)):
                await self._enqueue(OutboxKind.SHOWCASE_REPORT, int(row["telegram_id"]), post.application_id,
                                    {"post": post_id, "reason": reason})
        return post

    # -- statistics ---------------------------------------------------------------------------

    async def showcase_figures(self, province_code: str | None = None) -> ShowcaseFigures:
        """Posts submitted, approved and live in a province, or in the whole country (None)."""
        [row] = await self.db.execute_fetchall(
            "SELECT count(*) AS submitted, count(approved_at) AS approved,"
            " coalesce(sum(CASE WHEN status = 'approved' THEN 1 ELSE 0 END), 0) AS live"
            " FROM showcase_posts WHERE CAST(? AS TEXT) IS NULL OR province_code = ?",
            (province_code, province_code))
        return ShowcaseFigures(province_code, int(row["submitted"]), int(row["approved"]), int(row["live"]))

    async def _post(self, post_id: int) -> ShowcasePost:
        post = await self.get_showcase_post(post_id)
        assert post is not None
        return post


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _post(row: Row) -> ShowcasePost:
    return ShowcasePost(**dict(row) | {
        "contact_kind": ContactKind(row["contact_kind"]), "status": PostStatus(row["status"]),
        "photos": tuple(json.loads(row["photos"])), "channel_messages": tuple(json.loads(row["channel_messages"])),
        "submitted_at": datetime.fromisoformat(row["submitted_at"]), "approved_at": _time(row["approved_at"])})
