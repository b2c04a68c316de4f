"""Each officer's morning digest at DIGEST_TIME: what awaits action per stage, how many are overdue, the five
oldest with days waiting and 📄 buttons. One message per officer, built from a list of sections, so another
part of the desk adds its own (issue 12's unanswered advice questions belong in SECTIONS)."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application

from domain.lifecycle import AWAITING_OFFICER
from handlers.callbacks import OpenApplication, RosterPage
from handlers.context import Ctx, sending_in_bulk
from handlers.officer_view import late_days
from messages import label, render
from storage.records import User

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


# In the order they appear; issue 12 (advice) adds its unanswered questions here.
SECTIONS: tuple[DigestSection, ...] = (awaiting_section, overdue_section, roster_section)


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
