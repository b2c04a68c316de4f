"""Each officer's morning digest at DIGEST_TIME: what awaits action per stage, how many are overdue, the five
oldest with days waiting and 📄 buttons, and the province's advice questions unanswered for ADVICE_OVERDUE_DAYS.
One message per officer, built from a list of sections, so another part of the desk adds its own."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application

from domain.lifecycle import AWAITING_OFFICER
from handlers.advice_view import excerpt, topic_name
from handlers.callbacks import ExhibitionButton, OpenApplication, RosterPage
from handlers.context import Ctx, sending_in_bulk
from handlers.officer_view import late_days
from messages import label, render
from storage.records import BoothStatus, User

logger = logging.getLogger(__name__)

JOB_NAME = "digest"
OLDEST_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Section:
    text: str
    buttons: tuple[InlineKeyboardButton, ...] = ()


DigestSection = Callable[[Ctx, User], Awaitable[Section | None]]


async def awaiting_section(context: Ctx, officer: User) -> Section:
    assert officer.province_code is not None
    counts = []
    for stage in AWAITING_OFFICER:
        _, total = await context.store.list_by_stage(officer.province_code, (stage,), 0)  # counted from tallies
        counts.append((label(officer.language, f"awaiting.{stage.value}"), total))
    return Section(render(officer.language, "desk/digest_awaiting", counts=counts))


async def overdue_section(context: Ctx, officer: User) -> Section | None:
    assert officer.province_code is not None
    oldest, total = await context.store.list_overdue(officer.province_code, context.config.targets.by_stage(),
                                                     OLDEST_SHOWN)
    if not total:
        return None
    now = context.store.now()
    lang = officer.language
    items = [(a, label(lang, f"awaiting.{a.stage.value}"), late_days(a, context.config, now)) for a in oldest]
    return Section(render(lang, "desk/digest_overdue", total=total, items=items),
                   tuple(InlineKeyboardButton(label(lang, "act.open", number=a.permit_number),
                                              callback_data=OpenApplication(a.id).pack()) for a in oldest))


async def roster_section(context: Ctx, officer: User) -> Section | None:
    """Covered workers who accepted a support plan's agreement and await the province's approval."""
    assert officer.province_code is not None
    plans, total = await context.store.list_rosters_awaiting(officer.province_code, OLDEST_SHOWN)
    if not total:
        return None
    lang = officer.language
    return Section(render(lang, "desk/digest_rosters", total=total, plans=plans),
                   tuple(InlineKeyboardButton(label(lang, "roster.open_plan", number=a.permit_number,
                                                    awaiting=a.roster_awaiting),
                                              callback_data=RosterPage("o", a.id, 0).pack()) for a in plans))


async def booth_section(context: Ctx, officer: User) -> Section | None:
    """The province's exhibitions with booth requests waiting for review, each with its button."""
    lang = officer.language
    waiting = []
    for exhibition in await context.store.list_current_exhibitions(officer.province_code):
        _, count = await context.store.list_booth_requests(exhibition.id, BoothStatus.PENDING, 0)
        if count:
            waiting.append((exhibition, count))
    if not waiting:
        return None
    waiting = waiting[:OLDEST_SHOWN]  # the soonest; /exhibitions lists them all
    return Section(render(lang, "exhibitions/digest", items=waiting),
                   tuple(InlineKeyboardButton(label(lang, "exhibition.review", title=e.title[:40], count=count),
                                              callback_data=ExhibitionButton("open", str(e.id)).pack())
                         for e, count in waiting))



async def unanswered_advice_section(context: Ctx, officer: User) -> Section | None:
    """Advice questions of the province still unanswered after ADVICE_OVERDUE_DAYS: the officers see to it."""
    assert officer.province_code is not None
    days = context.config.advice_overdue_days
    oldest, total = await context.store.list_open_questions(officer.province_code, OLDEST_SHOWN,
                                                            older_than=timedelta(days=days))
    if not total:
        return None
    now = context.store.now()
    lang = officer.language
    items = [(q, topic_name(lang, q.topic), (now - q.asked_at).days, excerpt(q.question, 80)) for q in oldest]
    advisers = len(await context.store.list_advisers(officer.province_code))
    return Section(render(lang, "desk/digest_advice", total=total, days=days, items=items, advisers=advisers))


# In the order they appear.
SECTIONS: tuple[DigestSection, ...] = (awaiting_section, overdue_section, roster_section, booth_section,
                                       unanswered_advice_section)


async def send_digests(context: Ctx) -> None:
    """The daily job: one digest to every reachable officer, as bulk work (answers to people go first)."""
    sent = 0
    with sending_in_bulk():
        for officer in await context.store.list_officers():
            if officer.active and officer.province_code is not None:
                sent += await _send_digest(context, officer)
    logger.info("morning digest sent to %d officers", sent)


async def _send_digest(context: Ctx, officer: User) -> int:
    sections = [section for make in SECTIONS if (section := await make(context, officer)) is not None]
    text = render(officer.language, "desk/digest_title") + "\n\n" + "\n\n".join(s.text for s in sections)
    buttons = [button for section in sections for button in section.buttons]
    markup = InlineKeyboardMarkup([[button] for button in buttons]) if buttons else None
    try:
        await context.bot.send_message(officer.telegram_id, text, reply_markup=markup)
    except Forbidden:  # they blocked the bot: no more digests until they are back
        await context.store.mark_unreachable(officer.telegram_id)
        return 0
    except BadRequest as error:
        logger.warning("digest for officer %s not sent: %s", officer.telegram_id, error.message)
        return 0
    return 1


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The daily digest at DIGEST_TIME in TIMEZONE."""
    assert app.job_queue is not None
    config = app.bot_data["config"]
    app.job_queue.run_daily(send_digests, config.digest_time.replace(tzinfo=config.timezone), name=JOB_NAME)
