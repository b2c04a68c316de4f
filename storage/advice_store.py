"""Advice (مشاوره): advisers per province, applicants' questions, the first adviser to take one, answers,
ratings, the cards advisers hold, and the two exchanges a restart resumes (a question being written, an
answer owed). Every change is audited; each message to deliver is queued in the same transaction."""

from datetime import datetime, timedelta
from statistics import median

from storage.base import Row, StoreBase
from storage.records import (
    AdviceCardRef,
    AdviceDraft,
    AdviceFigures,
    AdvicePrompt,
    AdviceQuestion,
    Adviser,
    OutboxKind,
)

_QUESTION = ("SELECT q.id, q.asker_id, q.province_code, q.topic, q.question, q.follows_id, q.asked_at, q.taken_by,"
             " u.display_name AS taken_by_name, q.taken_at, q.answer, q.answered_at, q.rating"
             " FROM advice_questions q LEFT JOIN users u ON u.telegram_id = q.taken_by")
_ADVISER = ("SELECT a.telegram_id, a.province_code, u.language, u.active, u.display_name"
            " FROM advisers a JOIN users u ON u.telegram_id = a.telegram_id")
# The adviser is (still) one of the question's province, and not the one who asked: checked in the write itself.
_MAY_ANSWER = ("EXISTS (SELECT 1 FROM advisers a WHERE a.telegram_id = ?"
               " AND a.province_code = advice_questions.province_code) AND asker_id <> ?")


class AdviceStore(StoreBase):
    # -- advisers ---------------------------------------------------------------------------------

    async def set_adviser(self, telegram_id: int, province_code: str, actor_id: int, language: str) -> Adviser:
        """Make someone an adviser of one province (moving them if they had another), audited; the province's
        questions nobody has taken yet are queued to them as cards."""
        now = self._now()
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO users (telegram_id, language, created_at, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (telegram_id) DO NOTHING",
                (telegram_id, language, now, now),
            )
            await db.execute(
                "INSERT INTO advisers (telegram_id, province_code, since) VALUES (?, ?, ?)"
                " ON CONFLICT (telegram_id) DO UPDATE SET province_code = excluded.province_code,"
                " since = excluded.since",
                (telegram_id, province_code, now),
            )
            await self._release_taken_by(telegram_id, other_than=province_code)
            waiting = await db.execute_fetchall(
                "SELECT id FROM advice_questions WHERE province_code = ? AND taken_by IS NULL AND answer IS NULL"
                " AND asker_id <> ? ORDER BY id",
                (province_code, telegram_id),
            )
            for row in waiting:
                await self._enqueue(OutboxKind.ADVICE_QUESTION, telegram_id, None, {"question_id": row["id"]})
            await self._audit(None, actor_id, "add_adviser", detail={"user_id": telegram_id,
                                                                      "province": province_code})
        adviser = await self.get_adviser(telegram_id)
        assert adviser is not None
        return adviser

    async def remove_adviser(self, telegram_id: int, actor_id: int) -> tuple[Adviser, list[int]] | None:
        """Take the adviser role away, audited; returns the former adviser and the questions they had taken
        without answering, which are open to the others again. None if they were not an adviser."""
        async with self._transaction() as db:
            former = await self.get_adviser(telegram_id)
            if former is None:
                return None
            await db.execute("DELETE FROM advisers WHERE telegram_id = ?", (telegram_id,))
            released = await self._release_taken_by(telegram_id)
            await self._audit(None, actor_id, "remove_adviser", detail={"user_id": telegram_id,
                                                                         "province": former.province_code})
        return former, released

    async def _release_taken_by(self, adviser_id: int, other_than: str | None = None) -> list[int]:
        """Questions the adviser took and did not answer (outside `other_than`, their new province) go back."""
        rows = await self.db.execute_fetchall(
            "UPDATE advice_questions SET taken_by = NULL, taken_at = NULL"
            " WHERE taken_by = ? AND answer IS NULL AND (CAST(? AS TEXT) IS NULL OR province_code <> ?)"
            " RETURNING id",
            (adviser_id, other_than, other_than),
        )
        if rows:
            await self.db.execute("DELETE FROM advice_prompts WHERE adviser_id = ?", (adviser_id,))
        return sorted(int(row["id"]) for row in rows)

    async def get_adviser(self, telegram_id: int) -> Adviser | None:
        rows = await self.db.execute_fetchall(_ADVISER + " WHERE a.telegram_id = ?", (telegram_id,))
        return _adviser(rows[0]) if rows else None

    async def list_advisers(self, province_code: str | None = None) -> list[Adviser]:
        """Advisers by province (all provinces by default), reachable or not."""
        rows = await self.db.execute_fetchall(
            _ADVISER + " WHERE CAST(? AS TEXT) IS NULL OR a.province_code = ? ORDER BY a.province_code, a.telegram_id",
            (province_code, province_code),
        )
        return [_adviser(row) for row in rows]

    # -- questions --------------------------------------------------------------------------------

    async def latest_province(self, user_id: int) -> str | None:
        """Where the user's questions go: the province of their latest application, else of their latest question
        (chosen when they had no application)."""
        rows = await self.db.execute_fetchall(
            "SELECT province_code FROM (SELECT province_code, 1 AS preference, id FROM applications WHERE user_id = ?"
            " UNION ALL SELECT province_code, 2 AS preference, id FROM advice_questions WHERE asker_id = ?) AS known"
            " ORDER BY preference, id DESC LIMIT 1",
            (user_id, user_id))
        return str(rows[0]["province_code"]) if rows else None

    async def ask_advice(self, asker_id: int, province_code: str, topic: str, question: str,
                         follows_id: int | None = None) -> tuple[AdviceQuestion, int]:
        """Store the question as typed and queue it to every adviser of the province (not the asker, should they
        advise there), audited; returns it and how many advisers it goes to."""
        async with self._transaction() as db:
            [row] = await db.execute_fetchall(
                "INSERT INTO advice_questions (asker_id, province_code, topic, question, follows_id, asked_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (asker_id, province_code, topic, question, follows_id, self._now()),
            )
            question_id = int(row["id"])
            advisers = [a for a in await self.list_advisers(province_code) if a.telegram_id != asker_id]
            for adviser in advisers:
                await self._enqueue(OutboxKind.ADVICE_QUESTION, adviser.telegram_id, None,
                                    {"question_id": question_id})
            await db.execute("DELETE FROM advice_drafts WHERE user_id = ?", (asker_id,))
            await self._audit(None, asker_id, "ask_advice", detail={
                "question_id": question_id, "topic": topic, "province": province_code, "follows": follows_id})
        asked = await self.get_question(question_id)
        assert asked is not None
        return asked, len(advisers)

    async def get_question(self, question_id: int) -> AdviceQuestion | None:
        rows = await self.db.execute_fetchall(_QUESTION + " WHERE q.id = ?", (question_id,))
        return _question(rows[0]) if rows else None

    async def take_question(self, question_id: int, adviser_id: int) -> AdviceQuestion | None:
        """«پاسخ می‌دهم»: the first adviser of the question's province to press it takes it (the check and the
        write are one statement in one transaction, so two presses at once have one winner), and owes its
        answer. Returns the question as it is now (taken by whoever won), or None if there is no such question."""
        async with self._transaction() as db:
            taken = await db.execute_fetchall(
                "UPDATE advice_questions SET taken_by = ?, taken_at = ?"
                f" WHERE id = ? AND taken_by IS NULL AND answer IS NULL AND {_MAY_ANSWER} RETURNING id",
                (adviser_id, self._now(), question_id, adviser_id, adviser_id),
            )
            if taken:
                await db.execute(
                    "INSERT INTO advice_prompts (adviser_id, question_id, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (adviser_id) DO UPDATE SET question_id = excluded.question_id,"
                    " message_id = NULL, created_at = excluded.created_at",
                    (adviser_id, question_id, self._now()),
                )
                await self._audit(None, adviser_id, "take_advice", detail={"question_id": question_id})
            return await self.get_question(question_id)

    async def release_question(self, question_id: int, adviser_id: int) -> bool:
        """The taker gives the question back unanswered (✖, or the answer's time ran out); audited."""
        async with self._transaction() as db:
            released = await db.execute_fetchall(
                "UPDATE advice_questions SET taken_by = NULL, taken_at = NULL"
                " WHERE id = ? AND taken_by = ? AND answer IS NULL RETURNING id",
                (question_id, adviser_id),
            )
            await db.execute("DELETE FROM advice_prompts WHERE adviser_id = ? AND question_id = ?",
                             (adviser_id, question_id))
            if released:
                await self._audit(None, adviser_id, "release_advice", detail={"question_id": question_id})
        return bool(released)

    async def answer_question(self, question_id: int, adviser_id: int, answer: str) -> AdviceQuestion | None:
        """The taker's answer, stored as typed and queued to the asker, audited; None when it is not (or no
        longer) theirs to answer: released, already answered, or they stopped advising that province."""
        async with self._transaction() as db:
            answered = await db.execute_fetchall(
                "UPDATE advice_questions SET answer = ?, answered_at = ?"
                f" WHERE id = ? AND taken_by = ? AND answer IS NULL AND {_MAY_ANSWER} RETURNING asker_id",
                (answer, self._now(), question_id, adviser_id, adviser_id, adviser_id),
            )
            await db.execute("DELETE FROM advice_prompts WHERE adviser_id = ?", (adviser_id,))
            if not answered:
                return None
            await self._enqueue(OutboxKind.ADVICE_ANSWER, int(answered[0]["asker_id"]), None,
                                {"question_id": question_id})
            await self._audit(None, adviser_id, "answer_advice", detail={"question_id": question_id})
            return await self.get_question(question_id)

    async def rate_answer(self, question_id: int, asker_id: int, rating: int) -> bool:
        """The asker's 👍 (1) or 👎 (-1) on an answer (a second press changes it), audited."""
        async with self._transaction():
            rated = await self._write(
                "UPDATE advice_questions SET rating = ? WHERE id = ? AND asker_id = ? AND answer IS NOT NULL",
                (rating, question_id, asker_id),
            )
            if rated:
                await self._audit(None, asker_id, "rate_advice", detail={"question_id": question_id,
                                                                          "rating": rating})
        return bool(rated)

    async def list_open_questions(self, province_code: str, limit: int, untaken_only: bool = False,
                                  older_than: timedelta | None = None) -> tuple[list[AdviceQuestion], int]:
        """The province's unanswered questions, oldest first (at most `limit`), and how many there are: those
        nobody has taken (`untaken_only`), or those asked longer ago than `older_than`."""
        before = self._after(-older_than) if older_than is not None else None
        where = (" WHERE q.province_code = ? AND q.answer IS NULL AND (? = 0 OR q.taken_by IS NULL)"
                 " AND (CAST(? AS TEXT) IS NULL OR q.asked_at < ?)")
        params = (province_code, int(untaken_only), before, before)
        rows = await self.db.execute_fetchall(_QUESTION + where + " ORDER BY q.asked_at, q.id LIMIT ?",
                                              (*params, limit))
        if len(rows) < limit:  # all of them: no count needed (the digest's usual case, none)
            return [_question(row) for row in rows], len(rows)
        [count] = await self.db.execute_fetchall("SELECT count(*) AS n FROM advice_questions q" + where, params)
        return [_question(row) for row in rows], int(count["n"])

    async def advice_figures(self, province_code: str | None = None) -> AdviceFigures:
        """Questions asked and answered, and the median time to answer, for a province or the whole country."""
        rows = await self.db.execute_fetchall(
            "SELECT asked_at, answered_at FROM advice_questions WHERE CAST(? AS TEXT) IS NULL OR province_code = ?",
            (province_code, province_code),
        )
        waits = [(datetime.fromisoformat(row["answered_at"]) - datetime.fromisoformat(row["asked_at"]))
                 .total_seconds() / 3600 for row in rows if row["answered_at"] is not None]
        return AdviceFigures(asked=len(rows), answered=len(waits),
                             median_hours_to_answer=round(median(waits), 2) if waits else None)

    # -- the cards advisers hold ------------------------------------------------------------------

    async def list_advice_cards(self, question_id: int) -> list[AdviceCardRef]:
        rows = await self.db.execute_fetchall(
            "SELECT question_id, adviser_id, message_id FROM advice_cards WHERE question_id = ?"
            " ORDER BY adviser_id, message_id",
            (question_id,),
        )
        return [AdviceCardRef(**dict(row)) for row in rows]

    async def move_advice_card(self, card: AdviceCardRef, new_message_id: int) -> None:
        """The card was sent again as a new message (its old one keeps no buttons)."""
        await self._write("UPDATE advice_cards SET message_id = ? WHERE question_id = ? AND adviser_id = ?"
                          " AND message_id = ?", (new_message_id, card.question_id, card.adviser_id, card.message_id))

    # -- the answer an adviser owes ---------------------------------------------------------------

    async def get_advice_prompt(self, adviser_id: int) -> AdvicePrompt | None:
        rows = await self.db.execute_fetchall(
            "SELECT adviser_id, question_id, message_id, created_at FROM advice_prompts WHERE adviser_id = ?",
            (adviser_id,),
        )
        return _prompt(rows[0]) if rows else None

    async def note_advice_prompt_message(self, adviser_id: int, message_id: int) -> None:
        """The request to type the answer, whose ✖ button goes once it is answered."""
        await self._write("UPDATE advice_prompts SET message_id = ? WHERE adviser_id = ?", (message_id, adviser_id))

    async def list_advice_prompts(self, max_age: timedelta) -> list[AdvicePrompt]:
        rows = await self.db.execute_fetchall(
            "SELECT adviser_id, question_id, message_id, created_at FROM advice_prompts WHERE created_at >= ?",
            (self._after(-max_age),),
        )
        return [_prompt(row) for row in rows]

    # -- a question being written -----------------------------------------------------------------

    async def get_advice_draft(self, user_id: int) -> AdviceDraft | None:
        rows = await self.db.execute_fetchall(
            "SELECT user_id, state, province_code, topic, question, follows_id FROM advice_drafts WHERE user_id = ?",
            (user_id,),
        )
        return AdviceDraft(**dict(rows[0])) if rows else None

    async def save_advice_draft(self, draft: AdviceDraft) -> None:
        """Write the step and what was chosen through at once: a restart resumes here."""
        await self._write(
            "INSERT INTO advice_drafts (user_id, state, province_code, topic, question, follows_id, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET state = excluded.state,"
            " province_code = excluded.province_code, topic = excluded.topic, question = excluded.question,"
            " follows_id = excluded.follows_id, updated_at = excluded.updated_at",
            (draft.user_id, draft.state, draft.province_code, draft.topic, draft.question, draft.follows_id,
             self._now()),
        )

    async def delete_advice_draft(self, user_id: int) -> None:
        await self._write("DELETE FROM advice_drafts WHERE user_id = ?", (user_id,))

    async def list_advice_drafts(self, max_age: timedelta) -> list[AdviceDraft]:
        rows = await self.db.execute_fetchall(
            "SELECT user_id, state, province_code, topic, question, follows_id FROM advice_drafts"
            " WHERE updated_at >= ?",
            (self._after(-max_age),),
        )
        return [AdviceDraft(**dict(row)) for row in rows]


def _adviser(row: Row) -> Adviser:
    return Adviser(**dict(row) | {"active": bool(row["active"])})


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _question(row: Row) -> AdviceQuestion:
    values = dict(row)
    return AdviceQuestion(**values | {"asked_at": datetime.fromisoformat(values["asked_at"]),
                                      "taken_at": _time(values["taken_at"]),
                                      "answered_at": _time(values["answered_at"])})


def _prompt(row: Row) -> AdvicePrompt:
    return AdvicePrompt(**dict(row) | {"created_at": datetime.fromisoformat(row["created_at"])})
