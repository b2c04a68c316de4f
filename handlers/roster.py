"""/workers: a support plan's holder and the roster of covered workers (the list, their links).

Adding a worker is its own conversation (handlers/roster_form.py); the worker's side of the link is
handlers/roster_invite.py; the officers' approval handlers/roster_officer.py.
"""

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from domain.roster import WorkerStatus
from handlers.access import refuse
from handlers.callbacks import RosterPage, WorkerLink
from handlers.context import Ctx
from handlers.in_place import show_in_place
from handlers.roster_view import HOLDER, link_message, roster_page
from messages import label, render
from storage.errors import AlreadyCovered, NotAPlan, NotFound, RosterFull, WorkerNotAwaiting
from storage.records import Application

logger = logging.getLogger(__name__)


async def show_workers(update: Update, context: Ctx) -> None:
    """/workers: the roster of the holder's support plan (a choice first when they hold several)."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    plans = await context.store.list_support_plans(user.id)
    if not plans:
        await message.reply_text(render(context.lang, "roster/no_plan"))
        return
    if len(plans) > 1:
        rows = [[InlineKeyboardButton(label(context.lang, "roster.pick_plan", number=plan.permit_number,
                                            category=getattr(plan, f"category_{context.lang}")),
                                      callback_data=RosterPage(HOLDER, plan.id, 1).pack())] for plan in plans]
        await message.reply_text(render(context.lang, "roster/pick_plan"), reply_markup=InlineKeyboardMarkup(rows))
        return
    text, markup = roster_page(context, plans[0], await context.store.list_roster(plans[0].id), HOLDER, 1)
    await message.reply_text(text, reply_markup=markup)


async def holders_plan(context: Ctx, user_id: int, application_id: int) -> Application | None:
    """The plan, if it is this person's own open support plan (read now: callback data is never trusted)."""
    plans = await context.store.list_support_plans(user_id)
    return next((plan for plan in plans if plan.id == application_id), None)


async def turn_holder_page(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = RosterPage.parse(query.data)
    plan = await holders_plan(context, user.id, pressed.application_id)
    if plan is None:
        refuse("roster page", user.id, pressed.application_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    text, markup = roster_page(context, plan, await context.store.list_roster(plan.id), HOLDER, pressed.page)
    await show_in_place(update, context, text, markup)


async def send_link_again(update: Update, context: Ctx) -> None:
    """🔗: the worker's link once more, to forward; a link that ran out unanswered is replaced by a new one."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    worker_id = WorkerLink.parse(query.data).worker_id
    worker = await context.store.get_covered_worker(worker_id)
    plan = None if worker is None else await holders_plan(context, user.id, worker.application_id)
    if worker is None or plan is None:
        refuse("roster link", user.id, worker_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    lang = context.lang
    if worker.link_expired(context.store.now()):
        try:
            worker = await context.store.renew_invite(worker.id, user.id)
        except (WorkerNotAwaiting, NotAPlan, NotFound):
            await query.answer(label(lang, "alert.expired"), show_alert=True)
            return
        except RosterFull as full:
            await query.answer(label(lang, "roster.full_alert", limit=full.limit), show_alert=True)
            return
        except AlreadyCovered:
            await query.answer(label(lang, "roster.covered_alert"), show_alert=True)
            return
        logger.info("roster worker %s: new link by %s", worker.id, user.id)
    elif worker.status != WorkerStatus.INVITED:
        await query.answer(label(lang, "alert.expired"), show_alert=True)
        return
    await query.answer()
    text, markup = link_message(context, plan, worker)
    await context.bot.send_message(user.id, text, reply_markup=markup)


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("workers", show_workers, filters=private),
        CallbackQueryHandler(turn_holder_page, pattern=RosterPage.pattern(HOLDER)),
        CallbackQueryHandler(send_link_again, pattern=WorkerLink.PATTERN),
    ]
