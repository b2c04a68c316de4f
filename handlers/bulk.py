"""«همه را انجام بده» in /pending filtered to one action: the bulk-safe step (domain.lifecycle.BULK_SAFE: putting
every eligible application in the loan queue, in the order they became eligible) for all of them at once, after
a confirmation showing the count. Each application goes through `apply_action` (its own audit row, its cards,
its applicant's news) and `authorize` (an officer's own application is skipped). Anything that needs a reason,
an amount or a judgement of the case is refused, whatever the callback data says."""

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from domain.lifecycle import BULK_SAFE, TRANSITIONS, Action
from handlers.access import officer_of, refuse
from handlers.callbacks import BulkStep
from handlers.context import Ctx, sending_in_bulk
from handlers.lifecycle_events import apply_action
from handlers.officer import Refused, authorize
from messages import label, render
from storage import StageConflict
from storage.errors import ActionHeld

logger = logging.getLogger(__name__)

TASK_NAME = "bg:bulk"


async def bulk_step(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = BulkStep.parse(query.data)
    lang = context.lang
    officer = await officer_of(context, user.id)
    safe = {action.value: action for action in BULK_SAFE}
    if officer is None or officer.province_code is None or pressed.action not in safe:
        refuse(f"bulk {pressed.action}", user.id)
        await query.answer(label(lang, "bulk.refused" if officer else "alert.not_allowed"), show_alert=True)
        return
    action = safe[pressed.action]
    await query.answer()
    if pressed.step == "no":
        await query.edit_message_text(render(lang, "officer/input_cancelled"))
        return
    [stage] = TRANSITIONS[action][0]  # a bulk-safe step starts from one stage
    waiting = await context.store.list_waiting_in_order(officer.province_code, stage)
    if pressed.step == "ask":
        await query.message.reply_text(  # type: ignore[union-attr]
            render(lang, "officer/bulk_confirm", count=len(waiting), what=label(lang, f"act.{action.value}")),
            reply_markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(label(lang, "bulk.yes", count=len(waiting)),
                                     callback_data=BulkStep("yes", action.value).pack()),
                InlineKeyboardButton(label(lang, "bulk.no"), callback_data=BulkStep("no", action.value).pack())]]))
        return
    await query.edit_message_text(render(lang, "officer/bulk_started", count=len(waiting)))
    context.application.create_task(do_all(context, user.id, action, waiting, lang), name=TASK_NAME)


async def do_all(context: Ctx, officer_id: int, action: Action, application_ids: list[int], lang: str) -> None:
    """One action after another, each checked and audited on its own; the officer hears how it went."""
    done = skipped = held = 0
    with sending_in_bulk():  # the card edits and news go after other people's answers
        for application_id in application_ids:
            checked = await authorize(context, officer_id, application_id, action.value)
            if isinstance(checked, Refused):
                skipped += 1
                continue
            try:
                await apply_action(context, application_id, action, officer_id)
                done += 1
            except ActionHeld:  # waits for the applicant's training (domain.lifecycle.HELD_BY)
                held += 1
            except StageConflict:  # moved on meanwhile (another officer, a withdrawal)
                skipped += 1
    logger.info("bulk %s by %s: %d done, %d skipped, %d held", action.value, officer_id, done, skipped, held)
    await context.bot.send_message(officer_id, render(lang, "officer/bulk_done", done=done, skipped=skipped,
                                                      held=held))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [CallbackQueryHandler(bulk_step, pattern=BulkStep.PATTERN)]
