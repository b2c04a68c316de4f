"""The readiness self-assessment: the questionnaire's versions, attempts in progress, and every attempt taken."""

import json
from datetime import datetime, timedelta

from domain.assessment import BANDS, Questionnaire
from domain.lifecycle import OPEN_STAGES, sql_list
from storage.application_store import _APPLICATION_SELECT, ApplicationStore, _application
from storage.assessment import parse_questionnaire
from storage.base import AWAITING_CONDITION, Row
from storage.errors import NotFound, RetakeTooSoon
from storage.records import Application, AssessmentFigures, AssessmentResult, AssessmentSession

_OPEN = sql_list(OPEN_STAGES)
_RESULT = "SELECT id, application_id, version_id, answers, score, band, taken_at FROM assessments"
_SESSION = ("SELECT user_id, application_id, version_id, position, answers, message_id, updated_at"
            " FROM assessment_sessions")


class AssessmentStore(ApplicationStore):
    # -- the questionnaire ------------------------------------------------------------------------

    async def seed_questionnaire(self, source: str) -> None:
        """The shipped questionnaire, on first start only: later versions are the admins'."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall("SELECT count(*) AS n FROM assessment_versions")
            if rows[0]["n"] == 0:
                parse_questionnaire(source)  # a broken shipped file stops the start, not an applicant
                await db.execute("INSERT INTO assessment_versions (source, created_at) VALUES (?, ?)",
                                 (source, self._now()))

    async def replace_questionnaire(self, source: str, actor_id: int) -> tuple[int, Questionnaire]:
        """A new version in use from now on (attempts in progress finish on theirs), audited; the caller has
        checked it with `parse_questionnaire`."""
        questionnaire = parse_questionnaire(source)
        async with self._transaction():
            rows = await self._write_returning(
                "INSERT INTO assessment_versions (source, created_at, created_by) VALUES (?, ?, ?) RETURNING id",
                (source, self._now(), actor_id))
            version_id = int(rows[0]["id"])
            await self._audit(None, actor_id, "replace_questionnaire", detail={
                "version": version_id, "questions": len(questionnaire.questions)})
        return version_id, questionnaire

    async def current_questionnaire(self) -> tuple[int, Questionnaire]:
        """The version in use and its questionnaire."""
        rows = await self.db.execute_fetchall("SELECT max(id) AS id FROM assessment_versions")
        if rows[0]["id"] is None:
            raise NotFound("questionnaire")
        version_id = int(rows[0]["id"])
        return version_id, await self.questionnaire(version_id)

    async def questionnaire(self, version_id: int) -> Questionnaire:
        """A version's questionnaire; versions never change, so each is parsed once per process."""
        # Per store, not per module: another database (a test's, a restored copy) has its own version 1.
        cache: dict[int, Questionnaire] = self.__dict__.setdefault("_questionnaires", {})
        if version_id not in cache:
            cache[version_id] = parse_questionnaire(await self.questionnaire_source(version_id))
        return cache[version_id]

    async def questionnaire_source(self, version_id: int | None = None) -> str:
        """A version's CSV as it was given (by default the version in use)."""
        rows = await self.db.execute_fetchall(
            "SELECT source FROM assessment_versions WHERE id = coalesce(?, (SELECT max(id) FROM assessment_versions))",
            (version_id,))
        if not rows:
            raise NotFound(f"questionnaire version {version_id}")
        return str(rows[0]["source"])

    # -- attempts in progress ---------------------------------------------------------------------

    async def save_assessment_session(self, user_id: int, application_id: int | None, version_id: int,
                                      position: int, answers: dict[str, str], message_id: int | None) -> None:
        """Write the step through at once (one statement): a restart resumes here."""
        await self._write(
            "INSERT INTO assessment_sessions (user_id, application_id, version_id, position, answers, message_id,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " application_id = excluded.application_id, version_id = excluded.version_id,"
            " position = excluded.position, answers = excluded.answers, message_id = excluded.message_id,"
            " updated_at = excluded.updated_at",
            (user_id, application_id, version_id, position, json.dumps(answers), message_id, self._now()))

    async def get_assessment_session(self, user_id: int) -> AssessmentSession | None:
        rows = await self.db.execute_fetchall(_SESSION + " WHERE user_id = ?", (user_id,))
        return _session(rows[0]) if rows else None

    async def list_assessment_sessions(self, max_age: timedelta) -> list[AssessmentSession]:
        """Attempts touched within `max_age`: the conversations to resume after a restart."""
        rows = await self.db.execute_fetchall(_SESSION + " WHERE updated_at >= ?", (self._after(-max_age),))
        return [_session(row) for row in rows]

    async def delete_assessment_session(self, user_id: int) -> None:
        await self._write("DELETE FROM assessment_sessions WHERE user_id = ?", (user_id,))

    # -- attempts taken ---------------------------------------------------------------------------

    async def list_assessable(self, user_id: int) -> list[Application]:
        """The person's applications a self-assessment can be for (open ones), newest first."""
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + f" WHERE a.user_id = ? AND a.stage IN {_OPEN} ORDER BY a.id DESC", (user_id,))
        return [_application(row) for row in rows]

    async def sector_code_of(self, application_id: int) -> str | None:
        rows = await self.db.execute_fetchall(
            "SELECT s.code FROM applications a JOIN categories c ON c.id = a.category_id"
            " JOIN sectors s ON s.id = c.sector_id WHERE a.id = ?", (application_id,))
        return str(rows[0]["code"]) if rows else None

    async def record_assessment(self, user_id: int, application_id: int, version_id: int, answers: dict[str, str],
                                score: int, band: str, retake_after: timedelta) -> AssessmentResult:
        """Keep the attempt as the application's latest, end the person's session and audit it, in one
        transaction. Raises `RetakeTooSoon` when the latest attempt is younger than `retake_after` (checked in
        the same transaction, so two at once cannot both pass), `NotFound` when the application is not this
        person's open one."""
        assert band in BANDS, band
        async with self._transaction() as db:
            owned = await db.execute_fetchall(
                f"SELECT 1 FROM applications WHERE id = ? AND user_id = ? AND stage IN {_OPEN}",
                (application_id, user_id))
            if not owned:
                raise NotFound(f"application {application_id}")
            allowed_at = await self.retake_allowed_at(application_id, retake_after)
            if allowed_at is not None:
                raise RetakeTooSoon(allowed_at)
            await db.execute("UPDATE assessments SET latest = 0 WHERE application_id = ? AND latest = 1",
                             (application_id,))
            rows = await db.execute_fetchall(
                "INSERT INTO assessments (application_id, version_id, answers, score, band, taken_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id, application_id, version_id, answers, score, band, taken_at",
                (application_id, version_id, json.dumps(answers), score, band, self._now()))
            await db.execute("DELETE FROM assessment_sessions WHERE user_id = ?", (user_id,))
            await self._audit(application_id, user_id, "assess", detail={"score": score, "band": band})
        return _result(rows[0])

    async def retake_allowed_at(self, application_id: int, retake_after: timedelta) -> datetime | None:
        """When the application's self-assessment may be taken again, if not now."""
        rows = await self.db.execute_fetchall(
            "SELECT max(taken_at) AS taken_at FROM assessments WHERE application_id = ?", (application_id,))
        if rows[0]["taken_at"] is None:
            return None
        allowed_at = datetime.fromisoformat(rows[0]["taken_at"]) + retake_after
        return allowed_at if allowed_at > self.now() else None

    async def list_assessments(self, application_id: int) -> list[AssessmentResult]:
        """Every attempt of the application, oldest first."""
        rows = await self.db.execute_fetchall(_RESULT + " WHERE application_id = ? ORDER BY id", (application_id,))
        return [_result(row) for row in rows]

    async def list_by_band(self, province_code: str, band: str, limit: int,
                           offset: int = 0) -> tuple[list[Application], int]:
        """A province's applications awaiting an officer whose latest self-assessment is in `band`, oldest
        first, one page; and how many there are."""
        condition = f"a.province_code = ? AND a.{AWAITING_CONDITION} AND x.band = ?"
        rows = await self.db.execute_fetchall(
            _APPLICATION_SELECT + f" WHERE {condition} ORDER BY a.id LIMIT ? OFFSET ?",
            (province_code, band, limit, offset))
        total = await self.db.execute_fetchall(
            "SELECT count(*) AS n FROM applications a JOIN assessments x ON x.application_id = a.id"
            f" AND x.latest = 1 WHERE {condition}", (province_code, band))
        return [_application(row) for row in rows], int(total[0]["n"])

    async def assessment_figures(self, province_code: str | None = None) -> AssessmentFigures:
        """Attempts taken, applications assessed and their latest bands, of a province or (None) the country."""
        [row] = await self.db.execute_fetchall(
            """SELECT count(*) AS taken, coalesce(sum(x.latest), 0) AS assessed,
                  coalesce(sum(CASE WHEN x.latest = 1 AND x.band = 'ready' THEN 1 ELSE 0 END), 0) AS ready,
                  coalesce(sum(CASE WHEN x.latest = 1 AND x.band = 'training' THEN 1 ELSE 0 END), 0) AS training,
                  coalesce(sum(CASE WHEN x.latest = 1 AND x.band = 'advice' THEN 1 ELSE 0 END), 0) AS advice
            FROM assessments x JOIN applications a ON a.id = x.application_id
            WHERE CAST(? AS TEXT) IS NULL OR a.province_code = ?""",
            (province_code, province_code))
        return AssessmentFigures(province_code=province_code, **{key: int(row[key]) for key in (
            "taken", "assessed", "ready", "training", "advice")})


def _result(row: Row) -> AssessmentResult:
    return AssessmentResult(**dict(row) | {"answers": json.loads(row["answers"]),
                                           "taken_at": datetime.fromisoformat(row["taken_at"])})


def _session(row: Row) -> AssessmentSession:
    return AssessmentSession(**dict(row) | {"answers": json.loads(row["answers"]),
                                            "updated_at": datetime.fromisoformat(row["updated_at"])})
