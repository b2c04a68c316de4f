"""Training courses: the courses, their rosters and waiting lists, reminders, certificates, the per-province
switch of training before the money, the /addcourse form's drafts, and the training figures.

Every rule about seats is checked and written in one transaction (writers are serialised on both databases),
so a course is never over capacity however many press «ثبت‌نام» at once, and a freed seat goes to exactly one
person: the first in line.
"""

from datetime import date, datetime
from typing import Any

from domain.lifecycle import CLOSED_STAGES, sql_list
from storage.base import Row, StoreBase
from storage.errors import CapacityBelowTaken, CourseClosed, NotFound
from storage.records import (
    Certificate,
    Course,
    CourseOffer,
    CourseRequest,
    Enrolment,
    EnrolOutcome,
    OutboxKind,
    SectorTraining,
    TrainingFigures,
)

SEATED = ("enrolled", "completed", "absent")  # the statuses that hold a seat
_SEATED = "('enrolled', 'completed', 'absent')"
MARKS = ("completed", "absent")  # what an officer records on the roster
CERTIFICATE_FORMAT = "TC-{province}-{year}-{seq:05d}"  # ASCII: it travels in a t.me deep link

_COURSE_SELECT = f"""
SELECT k.id, k.province_code, p.name_fa AS province_fa, p.name_en AS province_en, k.title, k.provider,
       k.starts_on, k.sessions, k.place, k.capacity, k.required, k.status, k.created_by,
       (SELECT count(*) FROM course_enrolments e WHERE e.course_id = k.id AND e.status IN {_SEATED}) AS taken,
       (SELECT count(*) FROM course_enrolments e WHERE e.course_id = k.id AND e.status = 'waiting') AS waiting
FROM courses k JOIN provinces p ON p.code = k.province_code
"""
_ENROLMENT_SELECT = """
SELECT e.id, e.course_id, e.user_id, e.application_id, e.status, a.full_name, e.certificate_number, e.completed_at
FROM course_enrolments e LEFT JOIN applications a ON a.id = e.application_id
"""


class CourseStore(StoreBase):
    # -- courses ---------------------------------------------------------------------------------

    async def save_course(self, request: CourseRequest, actor_id: int, course_id: int | None = None) -> Course:
        """Create a course (`course_id` None) or replace one's answers; audited. A larger capacity gives the
        new seats to the waiting list in order (each told); raises `CapacityBelowTaken` below the seats held,
        `NotFound` for an unknown course."""
        now = self._now()
        async with self._transaction() as db:
            values = (request.province_code, request.title, request.provider, request.starts_on.isoformat(),
                      request.sessions, request.place, request.capacity, int(request.required))
            if course_id is None:
                [row] = await db.execute_fetchall(
                    "INSERT INTO courses (province_code, title, provider, starts_on, sessions, place, capacity,"
                    " required, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " RETURNING id", (*values, actor_id, now, now))
                course_id = int(row["id"])
            else:
                current = await self.get_course(course_id)
                if current is None:
                    raise NotFound(f"course {course_id}")
                if request.capacity < current.taken:
                    raise CapacityBelowTaken(current.taken)
                await db.execute(
                    "UPDATE courses SET province_code = ?, title = ?, provider = ?, starts_on = ?, sessions = ?,"
                    " place = ?, capacity = ?, required = ?, updated_at = ? WHERE id = ?", (*values, now, course_id))
                await db.execute("DELETE FROM course_sectors WHERE course_id = ?", (course_id,))
                await db.execute("DELETE FROM course_categories WHERE course_id = ?", (course_id,))
            for sector_id in sorted(set(request.sector_ids)):
                await db.execute("INSERT INTO course_sectors (course_id, sector_id) VALUES (?, ?)",
                                 (course_id, sector_id))
            for category_id in sorted(set(request.category_ids)):
                await db.execute("INSERT INTO course_categories (course_id, category_id) VALUES (?, ?)",
                                 (course_id, category_id))
            await self._audit(None, actor_id, "save_course", detail={"course": course_id})
            await self._fill_seats(course_id)
        saved = await self.get_course(course_id)
        assert saved is not None
        return saved

    async def close_course(self, course_id: int, actor_id: int) -> Course:
        """No more enrolments (the roster stays for marking); audited. Raises `NotFound`."""
        async with self._transaction() as db:
            changed = await db.execute("UPDATE courses SET status = 'closed', updated_at = ? WHERE id = ?",
                                       (self._now(), course_id))
            if not changed.rowcount:
                raise NotFound(f"course {course_id}")
            await self._audit(None, actor_id, "close_course", detail={"course": course_id})
        closed = await self.get_course(course_id)
        assert closed is not None
        return closed

    async def get_course(self, course_id: int) -> Course | None:
        rows = await self.db.execute_fetchall(_COURSE_SELECT + " WHERE k.id = ?", (course_id,))
        courses = await self._courses(rows)
        return courses[0] if courses else None

    async def list_course_offers(self, user_id: int, province_code: str, today: date) -> list[CourseOffer]:
        """The province's open courses not started yet: those serving one of the person's categories first
        (their open applications' in this province), then the rest; each by its first day."""
        rows = await self.db.execute_fetchall(
            _COURSE_SELECT + " WHERE k.province_code = ? AND k.status = 'open' AND k.starts_on >= ?",
            (province_code, today.isoformat()))
        courses = await self._courses(rows)
        mine = await self.db.execute_fetchall(
            "SELECT course_id, status FROM course_enrolments WHERE user_id = ? AND status <> 'cancelled'", (user_id,))
        status = {int(row["course_id"]): str(row["status"]) for row in mine}
        served = await self.db.execute_fetchall(
            f"SELECT a.category_id, c.sector_id FROM applications a JOIN categories c ON c.id = a.category_id"
            f" WHERE a.user_id = ? AND a.province_code = ? AND a.stage NOT IN {sql_list(CLOSED_STAGES)}",
            (user_id, province_code))
        wanted = {(int(row["category_id"]), int(row["sector_id"])) for row in served}
        offers = [CourseOffer(course, any(course.serves(*pair) for pair in wanted), status.get(course.id))
                  for course in courses]
        return sorted(offers, key=lambda offer: (not offer.matches, offer.course.starts_on, offer.course.id))

    async def list_courses(self, province_code: str | None) -> list[Course]:
        """A province's courses (every province's: None), open first, newest first."""
        rows = await self.db.execute_fetchall(
            _COURSE_SELECT + " WHERE CAST(:province AS TEXT) IS NULL OR k.province_code = :province"
            " ORDER BY k.status DESC, k.starts_on DESC, k.id DESC", {"province": province_code})
        return await self._courses(rows)

    async def _courses(self, rows: list[Row]) -> list[Course]:
        if not rows:
            return []
        ids = [int(row["id"]) for row in rows]
        marks = ", ".join("?" for _ in ids)
        sectors = await self.db.execute_fetchall(
            f"SELECT course_id, sector_id FROM course_sectors WHERE course_id IN ({marks}) ORDER BY sector_id", ids)
        categories = await self.db.execute_fetchall(
            f"SELECT course_id, category_id FROM course_categories WHERE course_id IN ({marks})"
            " ORDER BY category_id", ids)
        return [Course(**dict(row) | {
            "starts_on": date.fromisoformat(row["starts_on"]), "required": bool(row["required"]),
            "sector_ids": tuple(int(s["sector_id"]) for s in sectors if s["course_id"] == row["id"]),
            "category_ids": tuple(int(c["category_id"]) for c in categories if c["course_id"] == row["id"]),
        }) for row in rows]

    # -- enrolment ---------------------------------------------------------------------------------

    async def enrol(self, course_id: int, user_id: int, application_id: int | None,
                    waitlist: bool = False) -> EnrolOutcome:
        """A seat if one is left; else, with `waitlist`, a place at the end of the waiting list, and without it
        nothing ('full'). Raises `CourseClosed` for a closed, started or unknown course."""
        now = self._now()
        async with self._transaction() as db:
            course = await self.get_course(course_id)
            if course is None or course.status != "open" or course.starts_on < self.today().to_gregorian():
                raise CourseClosed(f"course {course_id}")
            held = await db.execute_fetchall(
                "SELECT status FROM course_enrolments WHERE course_id = ? AND user_id = ?", (course_id, user_id))
            if held and held[0]["status"] != "cancelled":
                return EnrolOutcome(str(held[0]["status"]), already=True)
            status = "enrolled" if course.seats_left > 0 else "waiting" if waitlist else "full"
            if status == "full":
                return EnrolOutcome(status)
            await db.execute(
                "INSERT INTO course_enrolments (course_id, user_id, application_id, status, queued_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (course_id, user_id) DO UPDATE SET"
                " status = excluded.status, application_id = excluded.application_id,"
                " queued_at = excluded.queued_at, updated_at = excluded.updated_at, reminded_at = NULL",
                (course_id, user_id, application_id, status, now, now))
            await self._audit(application_id, user_id, f"course_{status}", detail={"course": course_id})
        return EnrolOutcome(status)

    async def cancel_enrolment(self, course_id: int, user_id: int) -> str | None:
        """The person leaves the course or its waiting list; a freed seat goes to the first in line, who is
        told. Returns the status they left (None: they held nothing to leave)."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT id, status, application_id FROM course_enrolments WHERE course_id = ? AND user_id = ?",
                (course_id, user_id))
            if not rows or rows[0]["status"] not in ("enrolled", "waiting"):
                return None
            await db.execute("UPDATE course_enrolments SET status = 'cancelled', updated_at = ? WHERE id = ?",
                             (self._now(), rows[0]["id"]))
            await self._audit(rows[0]["application_id"], user_id, "course_cancelled", detail={"course": course_id})
            await self._fill_seats(course_id)
        return str(rows[0]["status"])

    async def _fill_seats(self, course_id: int) -> None:
        """Inside a transaction: give the free seats to the waiting list, first in line first, each told."""
        db = self.db
        [course] = await db.execute_fetchall(
            f"SELECT capacity, (SELECT count(*) FROM course_enrolments e WHERE e.course_id = k.id"
            f" AND e.status IN {_SEATED}) AS taken FROM courses k WHERE k.id = ?", (course_id,))
        free = int(course["capacity"]) - int(course["taken"])
        if free <= 0:
            return
        first = await db.execute_fetchall(
            "SELECT id, user_id, application_id FROM course_enrolments WHERE course_id = ? AND status = 'waiting'"
            " ORDER BY queued_at, id LIMIT ?", (course_id, free))
        for row in first:
            await db.execute("UPDATE course_enrolments SET status = 'enrolled', updated_at = ? WHERE id = ?",
                             (self._now(), row["id"]))
            await self._audit(row["application_id"], None, "course_promoted", detail={"course": course_id})
            await self._enqueue(OutboxKind.COURSE_SEAT, int(row["user_id"]), row["application_id"],
                                {"course": course_id})

    async def get_enrolment(self, enrolment_id: int) -> Enrolment | None:
        rows = await self.db.execute_fetchall(_ENROLMENT_SELECT + " WHERE e.id = ?", (enrolment_id,))
        return _enrolment(rows[0]) if rows else None

    async def list_course_roster(self, course_id: int) -> list[Enrolment]:
        """Everyone with a seat, then the waiting list in order (not those who left)."""
        rows = await self.db.execute_fetchall(
            _ENROLMENT_SELECT + " WHERE e.course_id = ? AND e.status <> 'cancelled'"
            " ORDER BY CASE WHEN e.status = 'waiting' THEN 1 ELSE 0 END, e.queued_at, e.id", (course_id,))
        return [_enrolment(row) for row in rows]

    async def mark_enrolment(self, enrolment_id: int, mark: str, actor_id: int) -> Enrolment:
        """Completed or absent, by an officer (audited). Completion is final and numbers a certificate, which
        is queued for the person; a mark on a waiting or cancelled place changes nothing (returned as it is)."""
        assert mark in MARKS, mark
        async with self._transaction() as db:
            current = await self.get_enrolment(enrolment_id)
            if current is None:
                raise NotFound(f"enrolment {enrolment_id}")
            if current.status not in ("enrolled", "absent") or current.status == mark:
                return current
            sets: dict[str, Any] = {"status": mark, "updated_at": self._now(), "marked_by": actor_id}
            if mark == "completed":
                course = await self.get_course(current.course_id)
                assert course is not None
                year = self.today().year
                seq = await self._next_counter(f"certificate:{course.province_code}:{year}")
                sets |= {"completed_at": self._now(), "certificate_number": CERTIFICATE_FORMAT.format(
                    province=course.province_code.removeprefix("IR-"), year=year, seq=seq)}
            assignments = ", ".join(f"{column} = ?" for column in sets)
            await db.execute(f"UPDATE course_enrolments SET {assignments} WHERE id = ?", (*sets.values(), enrolment_id))
            await self._audit(current.application_id, actor_id, f"course_{mark}",
                              detail={"course": current.course_id})
            if mark == "completed":
                await self._enqueue(OutboxKind.CERTIFICATE, current.user_id, current.application_id,
                                    {"certificate": sets["certificate_number"]})
        marked = await self.get_enrolment(enrolment_id)
        assert marked is not None
        return marked

    async def get_certificate(self, number: str) -> Certificate | None:
        rows = await self.db.execute_fetchall(
            "SELECT e.certificate_number AS number, e.user_id, a.full_name, e.course_id, e.completed_at"
            " FROM course_enrolments e JOIN applications a ON a.id = e.application_id"
            " WHERE e.certificate_number = ?", (number,))
        if not rows:
            return None
        course = await self.get_course(int(rows[0]["course_id"]))
        assert course is not None
        return Certificate(number=rows[0]["number"], user_id=int(rows[0]["user_id"]), full_name=rows[0]["full_name"],
                           course=course, completed_at=datetime.fromisoformat(rows[0]["completed_at"]))

    async def queue_course_reminders(self, day: date) -> int:
        """Queue the reminder for everyone enrolled in a course whose first session is on `day` (tomorrow), once
        per person however often this runs; returns how many were queued."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT e.id, e.user_id, e.application_id, e.course_id FROM course_enrolments e"
                " JOIN courses k ON k.id = e.course_id"
                " WHERE k.starts_on = ? AND e.status = 'enrolled' AND e.reminded_at IS NULL", (day.isoformat(),))
            for row in rows:
                await db.execute("UPDATE course_enrolments SET reminded_at = ? WHERE id = ?", (self._now(), row["id"]))
                await self._enqueue(OutboxKind.COURSE_REMINDER, int(row["user_id"]), row["application_id"],
                                    {"course": int(row["course_id"])})
        return len(rows)

    # -- training before the money ---------------------------------------------------------------

    async def set_training_rollout(self, province_code: str, enabled: bool, actor_id: int) -> None:
        """/newmodel: the province's own switch, over the setting; audited."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO training_rollout (province_code, enabled, set_by, set_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (province_code) DO UPDATE SET enabled = excluded.enabled, set_by = excluded.set_by,"
                " set_at = excluded.set_at", (province_code, int(enabled), actor_id, self._now()))
            await self._audit(None, actor_id, "new_model", detail={"province": province_code, "on": enabled})

    async def list_training_rollout(self) -> dict[str, bool]:
        """The provinces' stored switches (those without one follow the setting)."""
        rows = await self.db.execute_fetchall("SELECT province_code, enabled FROM training_rollout")
        return {str(row["province_code"]): bool(row["enabled"]) for row in rows}

    # -- figures ---------------------------------------------------------------------------------

    async def training_figures(self, province_code: str | None) -> TrainingFigures:
        """Courses, seats taken, completions and the waiting list, by sector, for a province or (None) the
        whole country. A course of two sectors counts in both sectors' rows, once in the totals."""
        scope = {"province": province_code}
        where = "(CAST(:province AS TEXT) IS NULL OR k.province_code = :province)"
        [totals] = await self.db.execute_fetchall(
            f"SELECT (SELECT count(*) FROM courses k WHERE {where}) AS courses,"
            f" count(e.id) FILTER (WHERE e.status IN {_SEATED}) AS enrolments,"
            " count(e.id) FILTER (WHERE e.status = 'completed') AS completions,"
            " count(e.id) FILTER (WHERE e.status = 'waiting') AS waiting"
            f" FROM course_enrolments e JOIN courses k ON k.id = e.course_id WHERE {where}", scope)
        sectors = await self.db.execute_fetchall(
            f"SELECT s.name_fa, s.name_en, count(e.id) FILTER (WHERE e.status IN {_SEATED}) AS enrolments,"
            " count(e.id) FILTER (WHERE e.status = 'completed') AS completions"
            " FROM course_enrolments e JOIN courses k ON k.id = e.course_id"
            " JOIN course_sectors ks ON ks.course_id = k.id JOIN sectors s ON s.id = ks.sector_id"
            f" WHERE {where} GROUP BY s.id, s.name_fa, s.name_en, s.position ORDER BY s.position, s.id", scope)
        return TrainingFigures(
            province_code=province_code, courses=int(totals["courses"]), enrolments=int(totals["enrolments"]),
            completions=int(totals["completions"]), waiting=int(totals["waiting"]),
            by_sector=tuple(SectorTraining(row["name_fa"], row["name_en"], int(row["enrolments"]),
                                           int(row["completions"])) for row in sectors if row["enrolments"]))


def _enrolment(row: Row) -> Enrolment:
    return Enrolment(**dict(row) | {
        "completed_at": datetime.fromisoformat(row["completed_at"]) if row["completed_at"] else None})
