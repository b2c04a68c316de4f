"""Exhibitions: creating one (and announcing it), booth requests, the officers' decisions, reminders, figures.

Booths are numbered in the order requests are accepted: the accepting transaction takes the exhibition's
next number (`booths_taken + 1`) with a guarded update, so two officers accepting at once never share a
number nor pass the count (writers are serialised on both databases, and a CHECK holds it anyway).
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from domain.lifecycle import CLOSED_STAGES, sql_list
from storage.base import Row, StoreBase
from storage.errors import AlreadyDecided, AlreadyRequested, BoothsFull, NotEligibleForBooth, NotFound
from storage.records import (
    BoothRequest,
    BoothStatus,
    Exhibition,
    ExhibitionFigures,
    NewExhibition,
    OutboxKind,
)

_CLOSED = sql_list(CLOSED_STAGES)
MAX_PHOTOS = 3

_EXHIBITION_SELECT = """
SELECT e.id, e.title, e.province_code, p.name_fa AS province_fa, p.name_en AS province_en, e.city, e.place,
       e.starts_on, e.ends_on, e.apply_by, e.booths, e.booths_taken, e.created_by
FROM exhibitions e JOIN provinces p ON p.code = e.province_code
"""
_REQUEST_SELECT = """
SELECT r.id, r.exhibition_id, r.user_id, r.application_id, a.permit_number, c.name_fa AS category_fa,
       c.name_en AS category_en, a.city, r.description, r.self_made, r.status, r.booth, r.reason
FROM booth_requests r JOIN applications a ON a.id = r.application_id JOIN categories c ON c.id = a.category_id
"""
# Officers see self-made products first, then the earliest requests (README: how booths are allocated).
_REVIEW_ORDER = " ORDER BY r.self_made DESC, r.id"


class ExhibitionStore(StoreBase):
    # -- exhibitions -------------------------------------------------------------------------------

    async def create_exhibition(self, new: NewExhibition, actor_id: int) -> tuple[Exhibition, int]:
        """Save the exhibition and, in the same transaction, queue one announcement per holder of a valid
        permit in its province and categories who has not turned announcements off; returns it and how many
        were queued."""
        async with self._transaction() as db:
            [row] = await db.execute_fetchall(
                "INSERT INTO exhibitions (title, province_code, city, place, starts_on, ends_on, apply_by, booths,"
                " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (new.title, new.province_code, new.city, new.place, new.starts_on.isoformat(),
                 new.ends_on.isoformat(), new.apply_by.isoformat(), new.booths, actor_id, self._now()))
            exhibition_id = int(row["id"])
            await db.executemany("INSERT INTO exhibition_categories (exhibition_id, category_id) VALUES (?, ?)",
                                 [(exhibition_id, category_id) for category_id in sorted(set(new.category_ids))])
            holders = await db.execute_fetchall(
                f"""SELECT a.user_id, min(a.id) AS application_id FROM applications a
                JOIN users u ON u.telegram_id = a.user_id
                JOIN exhibition_categories ec ON ec.category_id = a.category_id AND ec.exhibition_id = ?
                WHERE a.province_code = ? AND a.stage NOT IN {_CLOSED} AND a.valid_until >= ?
                  AND u.announcements = 1 AND u.active = 1
                GROUP BY a.user_id ORDER BY a.user_id""",
                (exhibition_id, new.province_code, self._today_iso()))
            for holder in holders:
                await self._enqueue(OutboxKind.EXHIBITION_ANNOUNCED, holder["user_id"], holder["application_id"],
                                    {"exhibition_id": exhibition_id})
            await self._audit(None, actor_id, "exhibition.create", detail={"exhibition_id": exhibition_id,
                                                                           "announced": len(holders)})
            exhibition = await self.get_exhibition(exhibition_id)
        assert exhibition is not None
        return exhibition, len(holders)

    async def get_exhibition(self, exhibition_id: int) -> Exhibition | None:
        found = await self._exhibitions(" WHERE e.id = ?", (exhibition_id,))
        return found[0] if found else None

    async def list_open_exhibitions(self, province_code: str) -> list[Exhibition]:
        """The province's exhibitions still taking booth requests today, soonest first."""
        return await self._exhibitions(" WHERE e.province_code = ? AND e.apply_by >= ? ORDER BY e.starts_on, e.id",
                                       (province_code, self._today_iso()))

    async def list_current_exhibitions(self, province_code: str | None) -> list[Exhibition]:
        """Exhibitions that have not ended, of one province or all (None): what officers review."""
        return await self._exhibitions(
            " WHERE (CAST(? AS TEXT) IS NULL OR e.province_code = ?) AND e.ends_on >= ? ORDER BY e.starts_on, e.id",
            (province_code, province_code, self._today_iso()))

    async def _exhibitions(self, where: str, parameters: Sequence[Any]) -> list[Exhibition]:
        rows = await self.db.execute_fetchall(_EXHIBITION_SELECT + where, parameters)
        categories = await self._belonging(
            rows, "SELECT ec.exhibition_id AS owner, c.id, c.name_fa, c.name_en FROM exhibition_categories ec"
                  " JOIN categories c ON c.id = ec.category_id WHERE ec.exhibition_id IN ({ids})"
                  " ORDER BY ec.exhibition_id, c.id")
        return [_exhibition(row, categories.get(int(row["id"]), [])) for row in rows]

    async def _belonging(self, owners: Sequence[Row], sql: str) -> dict[int, list[Row]]:
        """The rows of `sql` (selecting `owner`, filtered by `IN ({ids})`) for these owners' ids, grouped by owner."""
        if not owners:
            return {}
        ids = [int(row["id"]) for row in owners]
        grouped: dict[int, list[Row]] = {}
        for row in await self.db.execute_fetchall(sql.format(ids=", ".join("?" for _ in ids)), ids):
            grouped.setdefault(int(row["owner"]), []).append(row)
        return grouped

    # -- booth requests ----------------------------------------------------------------------------

    async def permits_for_booth(self, exhibition_id: int, user_id: int) -> list[int]:
        """The holder's valid permits (application ids) in the exhibition's province and categories, while it
        still takes requests; empty when they may not ask for a booth."""
        rows = await self.db.execute_fetchall(
            f"""SELECT a.id FROM applications a
            JOIN exhibitions e ON e.id = ? AND e.province_code = a.province_code
            JOIN exhibition_categories ec ON ec.exhibition_id = e.id AND ec.category_id = a.category_id
            WHERE a.user_id = ? AND a.stage NOT IN {_CLOSED} AND a.valid_until >= ? AND e.apply_by >= ?
            ORDER BY a.id""",
            (exhibition_id, user_id, self._today_iso(), self._today_iso()))
        return [int(row["id"]) for row in rows]

    async def get_user_booth_request(self, exhibition_id: int, user_id: int) -> BoothRequest | None:
        found = await self._requests(" WHERE r.exhibition_id = ? AND r.user_id = ?", (exhibition_id, user_id))
        return found[0] if found else None

    async def submit_booth_request(self, exhibition_id: int, user_id: int, description: str,
                                   photos: Sequence[str], self_made: bool) -> BoothRequest:
        """One request per holder per exhibition, with a valid permit in a matching category (checked again
        here, at the moment of submitting). Raises NotEligibleForBooth or AlreadyRequested."""
        assert 0 < len(photos) <= MAX_PHOTOS
        async with self._transaction() as db:
            permits = await self.permits_for_booth(exhibition_id, user_id)
            if not permits:
                raise NotEligibleForBooth(f"exhibition {exhibition_id}")
            rows = await db.execute_fetchall(
                "INSERT INTO booth_requests (exhibition_id, user_id, application_id, description, self_made,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (exhibition_id, user_id) DO NOTHING"
                " RETURNING id",
                (exhibition_id, user_id, permits[0], description, int(self_made), self._now()))
            if not rows:
                raise AlreadyRequested(f"exhibition {exhibition_id}")
            request_id = int(rows[0]["id"])
            await db.executemany("INSERT INTO booth_photos (request_id, position, file_id) VALUES (?, ?, ?)",
                                 [(request_id, position, file_id) for position, file_id in enumerate(photos, 1)])
            await self._audit(permits[0], user_id, "booth.request", detail={"exhibition_id": exhibition_id})
            request = await self.get_booth_request(request_id)
        assert request is not None
        return request

    async def get_booth_request(self, request_id: int) -> BoothRequest | None:
        found = await self._requests(" WHERE r.id = ?", (request_id,))
        return found[0] if found else None

    async def list_booth_requests(self, exhibition_id: int, status: BoothStatus, limit: int,
                                  offset: int = 0) -> tuple[list[BoothRequest], int]:
        """A page of the exhibition's requests with this status, in review order, and how many there are."""
        [count] = await self.db.execute_fetchall(
            "SELECT count(*) AS n FROM booth_requests WHERE exhibition_id = ? AND status = ?",
            (exhibition_id, status.value))
        page = await self._requests(" WHERE r.exhibition_id = ? AND r.status = ?" + _REVIEW_ORDER + " LIMIT ? OFFSET ?",
                                    (exhibition_id, status.value, limit, offset))
        return page, int(count["n"])

    async def list_booths(self, exhibition_id: int) -> list[BoothRequest]:
        """The accepted requests in booth order."""
        return await self._requests(" WHERE r.exhibition_id = ? AND r.status = 'accepted' ORDER BY r.booth",
                                    (exhibition_id,))

    async def _requests(self, where: str, parameters: Sequence[Any]) -> list[BoothRequest]:
        rows = await self.db.execute_fetchall(_REQUEST_SELECT + where, parameters)
        photos = await self._belonging(rows, "SELECT request_id AS owner, file_id FROM booth_photos"
                                             " WHERE request_id IN ({ids}) ORDER BY request_id, position")
        return [_request(row, [str(p["file_id"]) for p in photos.get(int(row["id"]), [])]) for row in rows]

    # -- decisions ---------------------------------------------------------------------------------

    async def accept_booth_request(self, request_id: int, officer_id: int) -> BoothRequest:
        """Give the request the exhibition's next booth, all in one transaction: the count is checked and
        taken in the same guarded update. Raises BoothsFull, AlreadyDecided or NotFound."""
        async with self._transaction() as db:
            request = await self._pending(request_id)
            taken = await db.execute_fetchall(
                "UPDATE exhibitions SET booths_taken = booths_taken + 1 WHERE id = ? AND booths_taken < booths"
                " RETURNING booths_taken", (request.exhibition_id,))
            if not taken:
                raise BoothsFull(f"exhibition {request.exhibition_id}")
            booth = int(taken[0]["booths_taken"])
            await db.execute(
                "UPDATE booth_requests SET status = 'accepted', booth = ?, decided_by = ?, decided_at = ?"
                " WHERE id = ?", (booth, officer_id, self._now(), request_id))
            await self._enqueue(OutboxKind.BOOTH_ACCEPTED, request.user_id, request.application_id,
                                {"request_id": request_id})
            await self._audit(request.application_id, officer_id, "booth.accept",
                              detail={"exhibition_id": request.exhibition_id, "booth": booth})
            accepted = await self.get_booth_request(request_id)
        assert accepted is not None
        return accepted

    async def refuse_booth_request(self, request_id: int, officer_id: int, reason: str) -> BoothRequest:
        """Refuse with the officer's reason (told to the holder). Raises AlreadyDecided or NotFound."""
        async with self._transaction() as db:
            request = await self._pending(request_id)
            await db.execute(
                "UPDATE booth_requests SET status = 'refused', reason = ?, decided_by = ?, decided_at = ?"
                " WHERE id = ?", (reason, officer_id, self._now(), request_id))
            await self._enqueue(OutboxKind.BOOTH_REFUSED, request.user_id, request.application_id,
                                {"request_id": request_id})
            await self._audit(request.application_id, officer_id, "booth.refuse",
                              detail={"exhibition_id": request.exhibition_id})
            refused = await self.get_booth_request(request_id)
        assert refused is not None
        return refused

    async def _pending(self, request_id: int) -> BoothRequest:
        request = await self.get_booth_request(request_id)
        if request is None:
            raise NotFound(f"booth request {request_id}")
        if request.status != BoothStatus.PENDING:
            raise AlreadyDecided(f"booth request {request_id}")
        return request

    # -- after the deadline, the day before ---------------------------------------------------------

    async def queue_booth_reminders(self) -> int:
        """Once per exhibition opening tomorrow (Tehran's day): one reminder per accepted booth; returns how many."""
        tomorrow = (self.today().to_gregorian() + timedelta(days=1)).isoformat()
        async with self._transaction() as db:
            due = await db.execute_fetchall(
                "UPDATE exhibitions SET reminded = 1 WHERE reminded = 0 AND starts_on = ? RETURNING id", (tomorrow,))
            queued = 0
            for exhibition in due:
                for request in await self.list_booths(int(exhibition["id"])):
                    await self._enqueue(OutboxKind.BOOTH_REMINDER, request.user_id, request.application_id,
                                        {"request_id": request.id})
                    queued += 1
        return queued

    async def exhibitions_past_deadline(self) -> list[Exhibition]:
        """Exhibitions whose requests have closed (the deadline day is over) and whose list is not posted yet."""
        return await self._exhibitions(" WHERE e.list_posted = 0 AND e.apply_by < ? ORDER BY e.id",
                                       (self._today_iso(),))

    async def mark_list_posted(self, exhibition_id: int) -> bool:
        """Whether this call marked it (False: another run got there first)."""
        return await self._write("UPDATE exhibitions SET list_posted = 1 WHERE id = ? AND list_posted = 0",
                                 (exhibition_id,)) == 1

    # -- figures -----------------------------------------------------------------------------------

    async def exhibition_figures(self, province_code: str | None = None) -> ExhibitionFigures:
        """Exhibitions held (opened by today) and upcoming, booths offered and filled in those held; for one
        province or nationally (None)."""
        today = self._today_iso()
        [row] = await self.db.execute_fetchall(
            """SELECT count(*) FILTER (WHERE starts_on <= :today) AS held,
                      count(*) FILTER (WHERE starts_on > :today) AS upcoming,
                      coalesce(sum(booths) FILTER (WHERE starts_on <= :today), 0) AS offered,
                      coalesce(sum(booths_taken) FILTER (WHERE starts_on <= :today), 0) AS filled
               FROM exhibitions WHERE CAST(:province AS TEXT) IS NULL OR province_code = :province""",
            {"today": today, "province": province_code})
        return ExhibitionFigures(province_code, int(row["held"]), int(row["upcoming"]), int(row["offered"]),
                                 int(row["filled"]))

    # -- announcements ------------------------------------------------------------------------------

    async def set_announcements(self, user_id: int, wanted: bool) -> None:
        await self._write("UPDATE users SET announcements = ?, updated_at = ? WHERE telegram_id = ?",
                          (int(wanted), self._now(), user_id))

    async def wants_announcements(self, user_id: int) -> bool:
        rows = await self.db.execute_fetchall("SELECT announcements FROM users WHERE telegram_id = ?", (user_id,))
        return bool(rows) and int(rows[0]["announcements"]) == 1

    def _today_iso(self) -> str:
        return self.today().to_gregorian().isoformat()


def _exhibition(row: Row, categories: list[Row]) -> Exhibition:
    return Exhibition(**dict(row) | {
        "starts_on": date.fromisoformat(row["starts_on"]), "ends_on": date.fromisoformat(row["ends_on"]),
        "apply_by": date.fromisoformat(row["apply_by"]),
        "categories_fa": tuple(str(c["name_fa"]) for c in categories),
        "categories_en": tuple(str(c["name_en"]) for c in categories),
        "category_ids": tuple(int(c["id"]) for c in categories)})


def _request(row: Row, photos: list[str]) -> BoothRequest:
    return BoothRequest(**dict(row) | {"self_made": int(row["self_made"]) == 1, "status": BoothStatus(row["status"]),
                                       "photos": tuple(photos)})

