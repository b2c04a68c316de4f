"""The province's officers and a support plan's roster: the list from the card (👥) and /app, approving each
confirmed worker or all at once, and refusing one with a reason (an owed answer, kept in conversation_steps).

Every press and answer goes through `officer.authorize` at that moment: an officer of the plan's province who
is not its holder (same account, national ID or mobile).
"""

import logging
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from domain import validators
from domain.roster import WorkerStatus
from handlers.callbacks import ApproveAllWorkers, RosterPage, WorkerDecision
from handlers.context import Ctx
from handlers.in_place import show_in_place
from handlers.lifecycle_events import refresh_cards
from handlers.officer import Refused, answer_refusal, authorize, menu_button, retire_question
from handlers.roster_view import OFFICER, roster_page
from handlers.states import RosterOwed
from messages import label, render
from storage.errors import NotAPlan
from storage.records import Application, CoveredWorker

logger = logging.getLogger(__name__)

CONVERSATION = "roster_refusal"
REASON_MINUTES = 10
REASON_TIMEOUT = timedelta(minutes=REASON_MINUTES)


async def checked_plan(update: Update, context: Ctx, application_id: int, action: str) -> Application | None:
    """The plan, if the presser may act on it now; else the press is answered with the refusal."""
    user = update.effective_user
    assert user is not None
    checked = await authorize(context, user.id, application_id, action)
    if isinstance(checked, Refused):
        await answer_refusal(update, context, checked)
        return None
    return checked[0]


async def checked_worker(update: Update, context: Ctx, worker_id: int,
                         action: str) -> tuple[CoveredWorker, Application] | None:
    worker = await context.store.get_covered_worker(worker_id)
    if worker is None:
        query = update.callback_query
        assert query is not None
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return None
    plan = await checked_plan(update, context, worker.application_id, action)
    return None if plan is None else (worker, plan)


async def turn_officer_page(update: Update, context: Ctx) -> None:
    """👥 on the card (page 0: a new message), or ◀ ▶ under the roster (that page, in its place)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    pressed = RosterPage.parse(query.data)
    plan = await checked_plan(update, context, pressed.application_id, "roster")
    if plan is None:
        return
    await query.answer()
    text, markup = roster_page(context, plan, await context.store.list_roster(plan.id), OFFICER, pressed.page)
    if pressed.page == 0:  # 👥 on the card: the card stays, the roster comes below it
        await context.bot.send_message(query.from_user.id, text, reply_markup=markup)
    else:  # a roster page turned in place
        await show_in_place(update, context, text, markup)


async def approve_one(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    found = await checked_worker(update, context, WorkerDecision.parse(query.data).worker_id, "roster_approve")
    if found is not None:
        worker, plan = found
        await decide(update, context, plan, [worker.id], approve=True)


async def approve_all(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    plan = await checked_plan(update, context, ApproveAllWorkers.parse(query.data).application_id, "roster_approve")
    if plan is not None:
        await decide(update, context, plan, None, approve=True)


async def decide(update: Update, context: Ctx, plan: Application, worker_ids: list[int] | None, *, approve: bool,
                 reason: str | None = None) -> None:
    """Record the decision; the roster message, every card and the people concerned follow."""
    user = update.effective_user
    query = update.callback_query
    assert user is not None
    lang = context.lang
    try:
        decided = await context.store.decide_workers(plan.id, worker_ids, user.id, approve, reason)
    except NotAPlan:
        decided = []
    if query is not None:
        await query.answer(label(lang, "roster.decided", count=len(decided)) if decided
                           else label(lang, "roster.nothing_to_decide"), show_alert=not decided)
    logger.info("roster of application %s: %d workers %s by %s", plan.id, len(decided),
                "approved" if approve else "refused", user.id)
    fresh = await context.store.get_application(plan.id)
    assert fresh is not None
    text, markup = roster_page(context, fresh, await context.store.list_roster(plan.id), OFFICER, 1)
    if query is not None and query.message is not None:
        await show_in_place(update, context, text, markup)
    else:
        await context.bot.send_message(user.id, text, reply_markup=markup)
    await refresh_cards(context, fresh)
    context.kick_courier()


# -- the owed reason of a refusal ------------------------------------------------------------------


async def ask_reason(update: Update, context: Ctx) -> RosterOwed:
    """❌ beside a confirmed worker: the reason is asked (the refusal waits for it)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    found = await checked_worker(update, context, WorkerDecision.parse(query.data).worker_id, "roster_refuse")
    if found is None:
        raise ApplicationHandlerStop(None)
    worker, _ = found
    if worker.status != WorkerStatus.CONFIRMED:
        await query.answer(label(context.lang, "roster.nothing_to_decide"), show_alert=True)
        raise ApplicationHandlerStop(None)
    await query.answer()
    await retire_question(context, user.id)  # a card's question still open gives way to this one
    asked = await context.bot.send_message(
        user.id, render(context.lang, "roster/ask_reason", w=worker),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
            label(context.lang, "act.cancel"), callback_data=WorkerDecision(worker.id, "cancel").pack())]]))
    await context.store.save_step(CONVERSATION, user.id, RosterOwed.REASON.value,
                                  {"worker": worker.id, "message_id": asked.message_id})
    raise ApplicationHandlerStop(RosterOwed.REASON)


async def receive_reason(update: Update, context: Ctx) -> int:
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    step = await context.store.get_step(CONVERSATION, user.id)
    prompt = await context.store.get_officer_prompt(user.id)
    if step is not None and prompt is not None:
        # A card's ❌ or 💰 asked since (asking this reason dropped any before it): the text answers that
        # question, in the next group.
        await context.store.delete_step(CONVERSATION, user.id)
        return ConversationHandler.END
    if step is None or context.store.now() - step.updated_at > REASON_TIMEOUT:
        await context.store.delete_step(CONVERSATION, user.id)
        await message.reply_text(render(context.lang, "officer/answer_expired", minutes=REASON_MINUTES))
        raise ApplicationHandlerStop(ConversationHandler.END)
    reason = validators.free_text(message.text or "", max_length=300, min_length=3)
    if isinstance(reason, validators.Invalid):
        await message.reply_text(render(context.lang, "officer/bad_reason"))
        raise ApplicationHandlerStop(RosterOwed.REASON)
    worker = await context.store.get_covered_worker(int(step.data["worker"]))
    await context.store.delete_step(CONVERSATION, user.id)
    checked = None if worker is None else await authorize(context, user.id, worker.application_id, "roster_refuse")
    if worker is None or checked is None or isinstance(checked, Refused):
        await message.reply_text(render(context.lang, "officer/not_allowed"))
        raise ApplicationHandlerStop(ConversationHandler.END)
    await context.bot.edit_message_reply_markup(user.id, int(step.data["message_id"]), reply_markup=None)
    await decide(update, context, checked[0], [worker.id], approve=False, reason=reason)
    raise ApplicationHandlerStop(ConversationHandler.END)


async def cancel_reason(update: Update, context: Ctx) -> int:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    await context.store.delete_step(CONVERSATION, user.id)
    await query.answer()
    await query.edit_message_text(render(context.lang, "officer/input_cancelled"))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def give_way(update: Update, context: Ctx) -> int:
    """A command or a menu button: the reason is no longer owed, and what was pressed goes on to its own handler
    (a menu press is never taken for the reason)."""
    user = update.effective_user
    assert user is not None
    await context.store.delete_step(CONVERSATION, user.id)
    return ConversationHandler.END


async def reason_timed_out(update: Update, context: Ctx) -> None:
    user = update.effective_user
    assert user is not None
    if await context.store.get_step(CONVERSATION, user.id) is not None:
        await context.store.delete_step(CONVERSATION, user.id)
        await context.bot.send_message(user.id, render(context.lang, "officer/answer_expired",
                                                       minutes=REASON_MINUTES))


def refusal_conversation() -> ConversationHandler[Ctx]:
    private = filters.ChatType.PRIVATE
    return ConversationHandler(
        name=CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(ask_reason, pattern=WorkerDecision.pattern("no"))],
        states={
            RosterOwed.REASON: [MessageHandler(private & filters.TEXT & ~filters.COMMAND & ~menu_button(),
                                               receive_reason)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, reason_timed_out)],
        },
        fallbacks=[CallbackQueryHandler(cancel_reason, pattern=WorkerDecision.pattern("cancel")),
                   MessageHandler(private & (filters.COMMAND | menu_button()), give_way)],
        conversation_timeout=REASON_TIMEOUT,
    )


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [
        CallbackQueryHandler(turn_officer_page, pattern=RosterPage.pattern(OFFICER)),
        CallbackQueryHandler(approve_one, pattern=WorkerDecision.pattern("ok")),
        CallbackQueryHandler(approve_all, pattern=ApproveAllWorkers.PATTERN),
        # ✖ of a reason no longer owed (the conversation, which runs first, answers its own)
        CallbackQueryHandler(cancel_reason, pattern=WorkerDecision.pattern("cancel")),
    ]
